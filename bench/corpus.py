"""A deterministic synthetic corpus of Dutch interview transcripts for the benchmark.

The benchmark needs a thousand interviews of about 3,000 words that look, to the
importer, like real transcripts: speaker turns (``I:`` interviewer, ``R:``
respondent) at line start, sentences of 6-25 words, inflected verb forms
("hielpen", "geholpen", "helpt") so that lemma search has work to do, and the theme
words of the BoTu monitor (vertrouwen, buurthuis, gemeente, Delfshaven Helpt,
voedselpakketten, eenzaam...). The text is word salad, not Dutch; only its shape
and word statistics matter.

Every document is drawn from its own ``random.Random`` seeded with ``(seed, index)``,
so the corpus is byte-for-byte the same on every machine and any single file can be
regenerated alone. A sidecar ``metadata.csv`` (file, rol, wijk, jaar, casus) goes
beside the transcripts, as researchers deliver it.

Usage::

    python bench/corpus.py OUT_DIR --n 1000 --words 3000 --seed 0
"""

from __future__ import annotations

import argparse
import array
import csv
import itertools
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

METADATA_FILE = "metadata.csv"
METADATA_COLUMNS = ("file", "rol", "wijk", "jaar", "casus")

# (weight, entries). Entries may hold several words ("in de wijk") so that phrase
# queries find literal hits. The weights give a rough Zipf shape: function words
# are most of the text, theme words are frequent enough that searches return
# hundreds of hits on 1,000 interviews, rare words return a handful.
_FUNCTION = (
    "de het een en ik je we ze hij zij dat die dit is was zijn waren heb heeft hebben had "
    "niet wel ook maar of want dus toen dan als in op met voor van naar bij uit aan over "
    "om tot door er hier daar nog al heel veel meer zo echt gewoon eigenlijk misschien "
    "wat wie waar hoe waarom mijn onze hun ons me mensen iemand iedereen niemand iets niks"
)
_VERBS = (
    # helpen in every form: the lemma-search queries rely on these
    "helpen helpt help hielp hielpen geholpen "
    "werken werkt werkte werkten gewerkt komen komt kwam kwamen gekomen "
    "gaan gaat ging gingen gegaan doen doet deed deden gedaan zeggen zegt zei zeiden gezegd "
    "weten weet wist wisten geweten spreken spreekt sprak spraken gesproken "
    "organiseren organiseert organiseerde organiseerden georganiseerd "
    "bellen belt belde belden gebeld zoeken zoekt zocht zochten gezocht "
    "vertrouwen vertrouwt vertrouwde vertrouwden vertrouwd "
    "brengen brengt bracht brachten gebracht koken kookt kookte kookten gekookt "
    "delen deelt deelde deelden gedeeld voelen voelt voelde voelden gevoeld "
    "ontmoeten ontmoet ontmoette ontmoetten wonen woont woonde woonden gewoond "
    "regelen regelt regelde regelden geregeld vragen vraagt vroeg vroegen gevraagd "
    "kennen kent kende kenden gekend krijgen krijgt kreeg kregen gekregen"
)
_NOUNS = (
    "wijk buurt buren buurman buurvrouw straat portiek plein school kinderen ouders moeder "
    "vader familie vrienden vrijwilliger vrijwilligers bewoner bewoners initiatief initiatieven "
    "organisatie organisaties corporatie geld subsidie subsidies tijd week weken maand jaar "
    "corona crisis lockdown pakket pakketten boodschappen eten maaltijden huis woning huur "
    "werk baan uitkering zorg hulp contact contacten telefoon groepsapp WhatsApp bericht "
    "moskee kerk markt winkel ondernemers professionals wijkteam wijkagent huisarts "
    "ouderen jongeren taal Nederlands Arabisch Turks netwerk samenwerking afspraak vergadering"
)
_ADJECTIVES = (
    "goed slecht mooi moeilijk makkelijk blij bang boos moe druk stil samen alleen "
    "nieuw oud jong groot klein belangrijk lastig eerlijk snel langzaam sterk kwetsbaar "
    "eenzaam eenzame eenzamer betrokken betrokkener"
)
_THEMES = (
    "vertrouwen buurthuis buurthuizen gemeente voedselpakketten voedselpakket eenzaamheid "
    "veerkracht samenhang zelfregie gebiedscommissie Havensteder Wijkcollectie Veldacademie "
    "BoTu12 Bospolder Tussendijken Delfshaven Rotterdam"
)
_CHUNKS = (
    "Delfshaven Helpt|in de wijk|de gemeente|het buurthuis|doe maar|sociale samenhang|"
    "onderling vertrouwen|Social Impact by Design|gewone mensen|op straat"
)
_RARE = (
    "gebiedsbestuur sociaal-fysieke armoedegrens basiskwalificatie wijkprofiel Rebelgroep "
    "IABR NPRZ coöperatie initiatiefnemers kernteam inclusiviteit"
)

_WEIGHTED: tuple[tuple[float, str, str], ...] = (
    # (weight per entry, entries, separator)
    (30.0, _FUNCTION, " "),
    (3.0, _VERBS, " "),
    (2.5, _NOUNS, " "),
    (2.5, _ADJECTIVES, " "),
    (2.0, _THEMES, " "),
    (2.0, _CHUNKS, "|"),
    (0.2, _RARE, " "),
)

# Whole sentences dropped in now and then: the seed's own quotes and phrases the
# benchmark searches for as quoted phrases.
_FIXED_SENTENCES = (
    "Doe maar, ik denk dat je het kunt.",
    "Delfshaven Helpt heeft ons echt geholpen in die eerste weken.",
    "Bij het buurthuis kregen we elke week voedselpakketten.",
    "De gemeente was er eigenlijk niet, de buren wel.",
    "Ik voelde me heel eenzaam toen alles dicht ging.",
    "Zonder vertrouwen gebeurt er niks in deze wijk.",
)

ROLES = ("bewoner", "initiatiefnemer", "professional")
WIJKEN = ("Bospolder", "Tussendijken")
JAREN = ("2019", "2020", "2021")
CASUSSEN = ("Delfshaven Helpt!", "Social Impact by Design", "")


# Words are drawn through a table of 2**16 slots filled in proportion to the
# weights: two random bytes pick a slot, so a whole document's words come from
# one ``randbytes`` call and a C-level ``map`` (``random.choices`` with weights
# costs ~0.5 us per word in Python, which made 1,000 documents take seconds).
_TABLE_BITS = 16


@dataclass(frozen=True)
class _Vocabulary:
    entries: tuple[str, ...]
    extra_words: dict[str, int]  # entry -> words beyond the first ("in de wijk" -> 2)
    table: tuple[str, ...]  # 2**16 slots, each entry repeated in proportion to its weight


def _build_vocabulary() -> _Vocabulary:
    entries: list[str] = []
    weights: list[float] = []
    for weight, text, sep in _WEIGHTED:
        for entry in text.split(sep):
            entry = entry.strip()
            if entry:
                entries.append(entry)
                weights.append(weight)
    size = 1 << _TABLE_BITS
    total = sum(weights)
    table: list[str] = []
    for entry, weight in zip(entries, weights, strict=True):
        table.extend([entry] * max(1, round(weight / total * size)))
    table = (table + table[: max(0, size - len(table))])[:size]
    # Count words the way wijkverhalen does (\w+ runs): "sociaal-fysieke" is two.
    extra = {e: n - 1 for e in entries if (n := len(e.replace("-", " ").split())) > 1}
    return _Vocabulary(tuple(entries), extra, tuple(table))


VOCABULARY = _build_vocabulary()


class _WordStream:
    """Vocabulary entries drawn in bulk from one seeded generator."""

    def __init__(self, rng: random.Random, expected: int) -> None:
        self.rng = rng
        self.words: list[str] = []
        self.pos = 0
        self.refill(expected)

    def refill(self, k: int) -> None:
        slots = array.array("H", self.rng.randbytes(2 * k))
        if sys.byteorder == "big":  # the same corpus on every machine
            slots.byteswap()
        self.words = self.words[self.pos:] + list(map(VOCABULARY.table.__getitem__, slots))
        self.pos = 0

    def take(self, k: int) -> list[str]:
        if self.pos + k > len(self.words):
            self.refill(max(k, 500))
        out = self.words[self.pos:self.pos + k]
        self.pos += k
        return out


def _sentence(stream: _WordStream, length: int, question: bool) -> tuple[str, int]:
    """One sentence of about ``length`` words; returns ``(text, words)``."""
    rng = stream.rng
    words = stream.take(length)
    extra = VOCABULARY.extra_words
    n_words = length + sum(map(extra.get, words, itertools.repeat(0)))
    if length >= 10 and rng.random() < 0.3:
        cut = 3 + int(rng.random() * (length - 6))
        words[cut] += ","
    first = words[0]
    words[0] = first[0].upper() + first[1:]
    end = "?" if question else ("!" if rng.random() < 0.05 else ".")
    return " ".join(words) + end, n_words


def _turn(stream: _WordStream, target: int, interviewer: bool) -> tuple[str, int]:
    """The body of one turn of about ``target`` words, in sentences of 6-25 words.

    Sentence lengths are chosen so the turn never ends on a fragment: what is left
    is either nothing or at least six words.
    """
    rng = stream.rng
    sentences: list[str] = []
    n_words = 0
    while (remaining := target - n_words) >= 6:
        fixed = _FIXED_SENTENCES[int(rng.random() * len(_FIXED_SENTENCES))]
        fixed_words = len(fixed.split())
        if not interviewer and rng.random() < 0.02 and remaining - fixed_words >= 6:
            sentences.append(fixed)
            n_words += fixed_words
            continue
        length = 6 + int(rng.random() * 20)
        if remaining - length < 6:
            length = remaining if remaining <= 25 else remaining - 6
        question = interviewer and (rng.random() < 0.6 or length == remaining)
        text, words = _sentence(stream, length, question)
        sentences.append(text)
        n_words += words
    return " ".join(sentences), n_words


def generate_document(index: int, words: int = 3000, seed: int = 0) -> str:
    """The text of transcript ``index``: a title line, then alternating I/R turns."""
    rng = random.Random(seed * 1_000_003 + index)
    stream = _WordStream(rng, words + 100)
    parts = [f"Synthetisch interview {index + 1:04d} (fictief, gegenereerd voor de benchmark)"]
    n_words = len(parts[0].replace("(", " ").replace(",", " ").split())
    interviewer = True
    while n_words < words:
        # Interviewers ask short questions; respondents talk longer. Both 20-150 words.
        target = rng.randint(20, 60) if interviewer else rng.randint(40, 150)
        target = max(20, min(target, words - n_words))
        body, body_words = _turn(stream, target, interviewer)
        parts.append(("I: " if interviewer else "R: ") + body)
        n_words += body_words + 1  # the label letter is a word for \w+ counting
        interviewer = not interviewer
    return "\n\n".join(parts) + "\n"


def file_name(index: int) -> str:
    return f"interview_{index + 1:04d}.txt"


def metadata_row(index: int, seed: int = 0) -> dict[str, str]:
    rng = random.Random(f"meta-{seed}-{index}")
    return {
        "file": file_name(index),
        "rol": rng.choice(ROLES),
        "wijk": rng.choice(WIJKEN),
        "jaar": rng.choice(JAREN),
        "casus": rng.choice(CASUSSEN),
    }


def generate(out_dir: str | Path, n: int = 1000, words: int = 3000, seed: int = 0) -> list[Path]:
    """Write ``n`` transcripts of about ``words`` words and ``metadata.csv`` to ``out_dir``.

    Returns the transcript paths. The same arguments always give the same bytes.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i in range(n):
        path = out / file_name(i)
        path.write_text(generate_document(i, words, seed), encoding="utf-8", newline="\n")
        paths.append(path)
    with (out / METADATA_FILE).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=METADATA_COLUMNS)
        writer.writeheader()
        for i in range(n):
            writer.writerow(metadata_row(i, seed))
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a synthetic corpus of Dutch interview transcripts.",
        epilog="Example: python bench/corpus.py bench/out/corpus --n 1000",
    )
    parser.add_argument("out_dir", type=Path, help="folder to write the .txt files and metadata.csv to")
    parser.add_argument("--n", type=int, default=1000, help="number of transcripts (default 1000)")
    parser.add_argument("--words", type=int, default=3000, help="words per transcript (default 3000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.n < 1 or args.words < 20:
        parser.error("--n must be >= 1 and --words >= 20")
    started = time.perf_counter()
    generate(args.out_dir, n=args.n, words=args.words, seed=args.seed)
    elapsed = time.perf_counter() - started
    print(f"wrote {args.n} transcripts of ~{args.words} words to {args.out_dir} in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
