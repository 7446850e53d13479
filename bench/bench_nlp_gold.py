"""Dutch lemmas, lemma search and sentence bounds against gold data (issue 12).

Gold: Universal Dependencies Dutch LassySmall, dev section (CoNLL-U, CC BY-SA 4.0),
read from ``../shared/nlp-gold/`` or ``$WIJKVERHALEN_NLP_GOLD``; the project never
needs it at run time and the file is not copied into the repository. Without it
the bench says so and exits 0.

Measures, printed beside the goals of issue 12:

* **lemma accuracy**: every gold token except punctuation and symbols (UPOS
  ``PUNCT``/``SYM``), lemmatised word by word with ``lemmas.lemma_of`` (the one
  function import and search share; no part of speech, as at import), compared
  lower-case with the gold lemma (separable verbs' ``_`` removed). Overall and
  per UPOS.
* **verb search recall / precision**: for each distinct gold lemma ``L`` of a
  ``VERB`` or ``AUX`` token, "search ``L``" the way ``wijkverhalen search`` does
  (``nlp.query_lemmas(L)`` gives the lemma set ``Q``; a token is found when its
  own lemma, ``lemmas.lemma_of(form)``, is in ``Q`` or its lower-case form is
  ``L``, as ``store.retrieval.build_match`` asks the lemma and text columns). Recall = gold tokens with lemma ``L`` found / gold tokens with
  lemma ``L``, summed over all verb lemmas (micro average); precision = found
  tokens whose gold lemma is ``L`` / all tokens found, summed likewise; a found
  finite form of a separable verb with head ``L`` ("vindt" of ``plaats_vinden``
  when searching ``vinden``) counts as right, the strict figure (only gold
  lemma ``L``) is printed beside it. Tokens of any UPOS count, so "search werken"
  finding the plural noun "werken" lowers precision.
* **sentence bounds**: sentences of one Wikipedia paragraph (sent ids
  ``doc.p.N.s.M``) are joined with a space and segmented as one turn by
  ``nlp.segment_turns``; a bound is the character offset where a sentence ends
  inside the paragraph (the paragraph's own end is not counted). Precision,
  recall and F1 of predicted against gold bounds.
* **speed**: seconds per 1,000 tokens of the default pipeline on the gold text
  (segmentation plus lemmas), for before/after comparisons on the same machine.

Run: ``.venv/bin/python bench/bench_nlp_gold.py`` (``--json`` for figures only).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT.parent / "shared" / "nlp-gold" / "nl_lassysmall-ud-dev.conllu"
GOALS = {  # issue 12: (minimum, label)
    "lemma_accuracy": 0.95, "lemma_accuracy_verb": 0.90, "verb_search_recall": 0.90,
    "verb_search_precision": 0.95, "sentence_precision": 0.99, "sentence_f1": 0.935,
}
SKIP_UPOS = {"PUNCT", "SYM"}


@dataclass(frozen=True)
class GoldSentence:
    sent_id: str
    text: str
    tokens: list[tuple[str, str, str]]  # (form, lemma, upos)

    @property
    def paragraph(self) -> str:
        return self.sent_id.rsplit(".s.", 1)[0]


def gold_path() -> Path | None:
    path = Path(os.environ.get("WIJKVERHALEN_NLP_GOLD", DEFAULT_GOLD))
    return path if path.is_file() else None


def read_conllu(path: Path) -> list[GoldSentence]:
    sentences: list[GoldSentence] = []
    sent_id, text, tokens = "", "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# sent_id = "):
            sent_id = line[len("# sent_id = "):].strip()
        elif line.startswith("# text = "):
            text = line[len("# text = "):]
        elif not line.strip():
            if tokens:
                sentences.append(GoldSentence(sent_id, text, tokens))
            sent_id, text, tokens = "", "", []
        elif not line.startswith("#"):
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue  # multiword ranges and empty nodes
            tokens.append((cols[1], cols[2], cols[3]))
    if tokens:
        sentences.append(GoldSentence(sent_id, text, tokens))
    return sentences


def gold_lemma(lemma: str) -> str:
    return lemma.replace("_", "").lower()


SentenceLemmas = Callable[[list[str]], list[str]]


def half(sentences: list[GoldSentence], which: str) -> list[GoldSentence]:
    """``"dev"`` or ``"held-out"``: the gold split in two by a hash of the sentence id
    (rules were developed on ``dev`` only), or ``"all"``."""
    if which == "all":
        return sentences
    want = 0 if which == "dev" else 1
    return [s for s in sentences if zlib.crc32(s.sent_id.encode()) % 2 == want]


def predicted(sentences: list[GoldSentence], sentence_lemmas: SentenceLemmas) -> list[list[str]]:
    """Predicted lemmas per sentence, token by token (the import's context rules included)."""
    return [sentence_lemmas([form for form, _, _ in sent.tokens]) for sent in sentences]


def lemma_scores(sentences: list[GoldSentence], sentence_lemmas: SentenceLemmas) -> dict[str, dict[str, float]]:
    """Accuracy overall and per UPOS: ``{"ALL": {"n":..., "acc":...}, "VERB": ...}``."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for sent, got in zip(sentences, predicted(sentences, sentence_lemmas), strict=True):
        for (_form, lemma, upos), guess in zip(sent.tokens, got, strict=True):
            if upos in SKIP_UPOS:
                continue
            ok = guess == gold_lemma(lemma)
            for key in (upos, "ALL"):
                total[key] += 1
                right[key] += ok
    return {k: {"n": total[k], "acc": right[k] / total[k]} for k in total}


def lemma_errors(sentences: list[GoldSentence], sentence_lemmas: SentenceLemmas,
                 upos: set[str]) -> Counter[tuple[str, str, str, str]]:
    """``(upos, form, predicted, gold)`` -> count of the wrong lemmas."""
    wrong: Counter[tuple[str, str, str, str]] = Counter()
    for sent, got in zip(sentences, predicted(sentences, sentence_lemmas), strict=True):
        for (form, lemma, pos), guess in zip(sent.tokens, got, strict=True):
            if pos in upos and guess != gold_lemma(lemma):
                wrong[(pos, form.lower(), guess, gold_lemma(lemma))] += 1
    return wrong


def verb_search(sentences: list[GoldSentence], sentence_lemmas: SentenceLemmas,
                query_lemmas: Callable[[str], dict[str, list[str]]]) -> dict[str, float]:
    """Micro-averaged recall and precision of searching each gold verb lemma (see module doc)."""
    guesses = predicted(sentences, sentence_lemmas)
    tokens = [(f.lower(), gold_lemma(lem), upos) for s in sentences for f, lem, upos in s.tokens
              if upos not in SKIP_UPOS]
    indexed = [g for s, got in zip(sentences, guesses, strict=True)
               for (_, _, upos), g in zip(s.tokens, got, strict=True) if upos not in SKIP_UPOS]
    # The verb a separable verb's finite form belongs to ("vindt" in "vindt plaats",
    # gold plaats_vinden): a search for "vinden" that finds it is not wrong.
    heads = [lem.rsplit("_", 1)[-1].lower() for s in sentences for _, lem, upos in s.tokens
             if upos not in SKIP_UPOS]
    by_lemma: dict[str, list[int]] = defaultdict(list)
    by_form: dict[str, list[int]] = defaultdict(list)
    for i, (form, _, _) in enumerate(tokens):
        by_lemma[indexed[i]].append(i)
        by_form[form].append(i)
    verbs = sorted({lem for _, lem, upos in tokens if upos in ("VERB", "AUX") and lem.isalpha()})
    gold_n = found_right = found_all = found_separable = 0
    for verb in verbs:
        wanted = {i for i, (_, lem, _) in enumerate(tokens) if lem == verb}
        q = {w for values in query_lemmas(verb).values() for w in values}
        found: set[int] = set()
        for lem in q:
            found.update(by_lemma.get(lem, ()))
        found.update(by_form.get(verb, ()))  # build_match always asks the text column too
        gold_n += len(wanted)
        found_right += len(found & wanted)
        found_all += len(found)
        found_separable += sum(1 for i in found - wanted if heads[i] == verb)
    return {"verb_lemmas": len(verbs), "recall": found_right / gold_n,
            "precision": (found_right + found_separable) / found_all if found_all else 0.0,
            "precision_strict": found_right / found_all if found_all else 0.0}


def _paragraphs(sentences: list[GoldSentence]) -> Iterator[tuple[str, list[int]]]:
    """Paragraph text (sentences joined by a space) and its gold sentence ends."""
    groups: dict[str, list[GoldSentence]] = {}
    for sent in sentences:
        groups.setdefault(sent.paragraph, []).append(sent)
    for group in groups.values():
        text, ends = "", []
        for sent in group:
            if text:
                text += " "
            text += sent.text.strip()
            ends.append(len(text))
        yield text, ends[:-1]


def sentence_scores(sentences: list[GoldSentence]) -> dict[str, float]:
    from wijkverhalen import nlp
    from wijkverhalen.models import Turn

    tp = fp = fn = 0
    for text, gold_ends in _paragraphs(sentences):
        turn = Turn(speaker="", start=0, body_start=0, end=len(text))
        predicted = {s.end for s in nlp.segment_turns(text, [turn])} - {len(text)}
        gold = set(gold_ends)
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return {"precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall), "bounds": tp + fn}


def pipeline_speed(sentences: list[GoldSentence], repeat: int = 5) -> dict[str, float]:
    """Best-of-``repeat`` seconds per 1,000 tokens: segmentation and lemmas, warm caches."""
    from wijkverhalen import nlp
    from wijkverhalen.models import Turn

    texts = [text for text, _ in _paragraphs(sentences)]
    n_tokens = sum(len(s.tokens) for s in sentences)
    nlp.segment_turns("Warm op.", [Turn(speaker="", start=0, body_start=0, end=8)])
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for text in texts:
            nlp.segment_turns(text, [Turn(speaker="", start=0, body_start=0, end=len(text))])
        best = min(best, time.process_time() - t0)
    return {"cpu_s_per_1000_tokens": best / n_tokens * 1000, "tokens": n_tokens}


def measure(path: Path) -> dict[str, object]:
    from wijkverhalen import nlp
    from wijkverhalen.lemma_context import sentence_lemmas

    sentences = read_conllu(path)
    lemmas = lemma_scores(sentences, sentence_lemmas)
    halves = {which: lemma_scores(half(sentences, which), sentence_lemmas)
              for which in ("dev", "held-out")}
    search = verb_search(sentences, sentence_lemmas, nlp.query_lemmas)
    bounds = sentence_scores(sentences)
    return {"lemmas": lemmas, "lemma_halves": halves, "verb_search": search,
            "sentences": bounds, "speed": pipeline_speed(sentences)}


def _row(label: str, value: float, goal: float | None) -> str:
    mark = "" if goal is None else ("  ok" if value >= goal else "  BELOW GOAL")
    goal_text = "" if goal is None else f">= {goal:.1%}"
    return f"{label:<34} {value:>7.1%}   {goal_text:<9}{mark}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--errors", type=int, default=0, help="show the N most frequent errors (dev half) with their UPOS")
    args = parser.parse_args(argv)
    path = gold_path()
    if path is None:
        print(f"gold data not found ({DEFAULT_GOLD}); set WIJKVERHALEN_NLP_GOLD. Skipped.")
        return 0
    figures = measure(path)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    lemmas: dict[str, dict[str, float]] = figures["lemmas"]  # type: ignore[assignment]
    search: dict[str, float] = figures["verb_search"]  # type: ignore[assignment]
    bounds: dict[str, float] = figures["sentences"]  # type: ignore[assignment]
    speed: dict[str, float] = figures["speed"]  # type: ignore[assignment]
    load = Path('/proc/loadavg').read_text().split()[0]
    print(f"gold: {path.name}  (load average {load})")
    print(_row("lemma accuracy, all words", lemmas["ALL"]["acc"], GOALS["lemma_accuracy"]))
    verb_n = lemmas["VERB"]["n"]
    print(_row(f"lemma accuracy, VERB ({verb_n})", lemmas["VERB"]["acc"], GOALS["lemma_accuracy_verb"]))
    for upos, row in sorted(lemmas.items(), key=lambda kv: -kv[1]["n"]):
        if upos not in ("ALL", "VERB"):
            print(_row(f"  {upos} ({row['n']})", row["acc"], None))
    for which, row in figures["lemma_halves"].items():  # type: ignore[attr-defined]
        print(_row(f"  {which} half: all / VERB", row["ALL"]["acc"], None)
              + f"  / {row['VERB']['acc']:.1%}")
    print(_row(f"verb search recall ({search['verb_lemmas']} lemmas)", search["recall"],
               GOALS["verb_search_recall"]))
    print(_row("verb search precision", search["precision"], GOALS["verb_search_precision"]))
    print(_row("  strict (separable verbs wrong)", search["precision_strict"], None))
    print(_row(f"sentence bound precision ({bounds['bounds']})", bounds["precision"],
               GOALS["sentence_precision"]))
    print(_row("sentence bound recall", bounds["recall"], None))
    print(_row("sentence bound F1", bounds["f1"], GOALS["sentence_f1"]))
    print(f"{'pipeline CPU per 1,000 tokens':<34} {speed['cpu_s_per_1000_tokens'] * 1000:>7.2f} ms")
    if args.errors:
        from wijkverhalen.lemma_context import sentence_lemmas

        wrong = lemma_errors(half(read_conllu(path), "dev"), sentence_lemmas,
                             {"VERB", "AUX", "ADJ", "NOUN", "PROPN"})
        by_upos: Counter[str] = Counter()
        for (upos, *_), n in wrong.items():
            by_upos[upos] += n
        print("errors on the dev half by UPOS: "
              + ", ".join(f"{u} {n}" for u, n in by_upos.most_common()))
        for (upos, form, got, want), n in wrong.most_common(args.errors):
            print(f"  {n:>3}  {upos:<6} {form:<20} {got:<20} gold {want}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
