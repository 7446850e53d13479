"""Dutch lemmas word by word, without spaCy: the one function import and search share.

``lemma_of(word)`` gives the lower-case lemma of one word, without part of
speech (the import pipeline has no tagger). It reads one merged table:

1. a few fixed forms (``OVERRIDES``): the commonest irregular forms, which
   search depends on most (``is``/``was``/``ben`` -> ``zijn``...);
2. spaCy's Dutch lookup table (spacy-lookups-data) where it has the word: it is
   right more often than the alternative on the words it knows;
3. otherwise simplemma's Dutch dictionary, which knows first-person and
   irregular verb forms (``help`` -> ``helpen``, ``kwam`` -> ``komen``) and
   most plurals the lookup table lacks;
4. a word in neither table is its own lemma.

Separable verbs' ``_`` (``op_bellen``) is dropped. The rule was chosen on the
UD LassySmall gold data (``bench/bench_nlp_gold.py``); a guard that kept
``-en`` words that are also verb lemmas (``bellen`` not ``bel``) lost more
nouns (``stemmen``, ``vormen``) than it won verbs there, so the lemma stays
as the tables give it and search makes up for it instead: ``query_terms``
expands a query word that is itself a lemma, so ``search bellen`` finds
"belde" (lemma ``bellen``) and "bellen" (lemma ``bel``) alike.

Building the merged table means loading both sources (about two seconds), so it
is built once per machine and kept in the user cache folder as a sorted
``word<TAB>lemma`` file. Import workers read it whole into a dict; a search
looks its few words up by binary search in the file, so ``wijkverhalen search``
neither loads spaCy nor the tables. Only words whose lemma differs from the word
are stored.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import mmap
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

# Bump when the rule below changes: the cached table is rebuilt.
RULE_VERSION = "2"
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")

# Issue 12's forms, fixed whatever the tables say (they are also what the
# tables give today: this keeps them right if a table changes).
OVERRIDES: dict[str, str] = {
    "is": "zijn", "was": "zijn", "waren": "zijn", "ben": "zijn", "bent": "zijn", "zijn": "zijn",
    "heeft": "hebben", "heb": "hebben", "hebt": "hebben", "had": "hebben", "hadden": "hebben",
    "kwam": "komen", "kwamen": "komen", "gaat": "gaan", "ging": "gaan", "gingen": "gaan",
    "mensen": "mens", "buren": "buur", "kinderen": "kind", "grote": "groot",
    "help": "helpen", "vertrouw": "vertrouwen", "durf": "durven",
}


def normalise(word: str) -> str:
    """Lower case without edge punctuation (tokenizer exceptions keep the dot of "u.")."""
    return _EDGE_PUNCT.sub("", word.lower())


def _clean(lemma: str) -> str:
    return lemma.replace("_", "").lower()


def merge_tables(lookup: Mapping[str, str], simplemma: Mapping[str, str]) -> dict[str, str]:
    """word -> lemma for every word of both tables (the rule in the module docstring).

    Where simplemma says a word is its own lemma, it is kept: the lookup table
    maps some nouns to verbs (``boer`` -> ``boeren``, ``ridder`` -> ``ridderen``).
    """
    merged: dict[str, str] = {}
    for word in (*simplemma.keys(), *lookup.keys()):
        key = word.lower()
        if key in merged:
            continue
        own = simplemma.get(key)
        if own is not None and own.lower() == key:
            lemma = key
        else:
            lemma = lookup.get(key) or own or lookup.get(word) or simplemma.get(word) or key
        merged[key] = _clean(lemma)
    merged.update(OVERRIDES)
    return {w: lem for w, lem in merged.items() if lem and _CLEAN_ENTRY.fullmatch(w + lem)}


_CLEAN_ENTRY = re.compile(r"[^\t\n\r]+")


def _source_tables() -> tuple[dict[str, str], Mapping[str, str]]:
    import gzip
    import importlib.resources
    import json

    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    resource = importlib.resources.files("spacy_lookups_data") / "data" / "nl_lemma_lookup.json.gz"
    lookup: dict[str, str] = json.loads(gzip.decompress(resource.read_bytes()))
    return lookup, DefaultDictionaryFactory(cache_max_size=1).get_dictionary("nl")


def _source_files() -> list[Path]:
    """The two data files the table is made from (found without importing their packages)."""
    from importlib.util import find_spec

    files = []
    for package, relative in (("simplemma", "strategies/dictionaries/data/nl.plzma"),
                              ("spacy_lookups_data", "data/nl_lemma_lookup.json.gz")):
        spec = find_spec(package)
        if spec is not None and spec.origin:
            files.append(Path(spec.origin).parent / relative)
    return files


def _versions() -> str:
    """What the cached table depends on: the rule and the size and time of its sources.

    Cheaper than package metadata (a search pays this on every call)."""
    parts = [RULE_VERSION]
    for path in _source_files():
        try:
            st = path.stat()
            parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{path.name}:missing")
    return "-".join(parts)


def cache_file() -> Path:
    """Where the merged table is kept: ``$WIJKVERHALEN_CACHE_DIR`` or the user cache folder."""
    from platformdirs import user_cache_dir

    folder = Path(os.environ.get("WIJKVERHALEN_CACHE_DIR") or user_cache_dir("wijkverhalen"))
    digest = hashlib.sha1(_versions().encode()).hexdigest()[:12]
    return folder / f"lemmas-nl-{digest}.tsv"


def _write_table(path: Path, table: Mapping[str, str]) -> None:
    """``word<TAB>lemma<TAB>flag`` lines sorted by UTF-8 bytes (what the binary search
    compares), written atomically. ``flag`` is ``L`` when the word is the lemma of
    some other word (what ``query_terms`` needs), else empty; a word that is its
    own lemma is stored only then."""
    lemma_values = set(table.values())
    lines = [f"{w}\t{lem}\t{'L' if w in lemma_values else ''}\n".encode()
             for w, lem in table.items() if lem != w or w in lemma_values]
    lines += [f"{lem}\t{lem}\tL\n".encode() for lem in lemma_values if lem not in table]
    lines.sort()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lemmas-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.writelines(lines)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@functools.lru_cache(maxsize=1)
def table_path() -> Path | None:
    """The cached table, built first if needed; ``None`` when it cannot be written."""
    path = cache_file()
    if path.is_file():
        return path
    table = merge_tables(*_source_tables())
    _memory_table.cache_clear()
    try:
        _write_table(path, table)
    except OSError:
        _built[0] = table  # read-only home: keep it in memory for this process
        return None
    _built[0] = table
    _remove_stale_tables(path)
    return path


STALE_AFTER_S = 30 * 24 * 3600


def _remove_stale_tables(current: Path) -> None:
    """Remove tables of earlier versions, but only month-old ones: two installs of
    wijkverhalen (two virtual environments) share the cache folder with different
    tables, and neither may delete the file the other is reading."""
    import time

    cutoff = time.time() - STALE_AFTER_S
    for stale in [*current.parent.glob("lemmas-nl-*.tsv"), *current.parent.glob("lemmas-nl-*.marshal")]:
        try:
            if stale.stem.split("-py")[0] != current.stem and stale.stat().st_mtime < cutoff:
                stale.unlink(missing_ok=True)
        except OSError:
            pass


def _current_table_path() -> Path | None:
    """``table_path()``, built again if the file went away since it was found."""
    path = table_path()
    if path is not None and not path.is_file():
        table_path.cache_clear()
        path = table_path()
    return path


_built: list[dict[str, str] | None] = [None]


@functools.lru_cache(maxsize=1)
def _memory_table() -> dict[str, str]:
    path = _current_table_path()
    if _built[0] is not None:
        return _built[0]
    assert path is not None
    snapshot = _snapshot_path(path)
    loaded = _read_snapshot(snapshot)
    if loaded is not None:
        table, _flagged[0] = loaded
        return table
    table = {}
    flagged: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, lemma, flag = line.split("\t", 2)
            if lemma != word:
                table[word] = lemma
            if flag == "L\n":
                flagged.append(word)
    _flagged[0] = lemma_set = frozenset(flagged)
    _write_snapshot(snapshot, table, lemma_set)
    return table


def _snapshot_path(path: Path) -> Path:
    """The table file's ``marshal`` snapshot: what an import reads (about five times
    faster than the lines, on the import's start-up path). ``marshal``'s format
    belongs to the Python version, which is in the name."""
    version = "".join(map(str, sys.version_info[:2]))
    return path.with_name(f"{path.stem}-py{version}.marshal")


def _read_snapshot(path: Path) -> tuple[dict[str, str], frozenset[str]] | None:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], dict)
            and isinstance(data[1], frozenset)):
        return data
    return None


def _write_snapshot(path: Path, table: dict[str, str], flagged: frozenset[str]) -> None:
    """Written atomically next to the table file; a read-only cache folder only costs speed."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lemmas-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps((table, flagged)))
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


_flagged: list[frozenset[str] | None] = [None]


def load_table() -> dict[str, str]:
    """The whole merged table in memory (import workers: many distinct words)."""
    return _memory_table()


def _file_lookup(path: Path, word: str) -> tuple[str, bool] | None:
    """``(lemma, is_a_lemma)`` of ``word`` by binary search of the sorted lines."""
    key = word.encode() + b"\t"
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        lo, hi = 0, len(data)
        while lo < hi:  # lo and hi are line starts; lines before lo sort below key
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", 0, mid) + 1
            end = data.find(b"\n", start)
            if data[start:end + 1] < key:
                lo = end + 1
            else:
                hi = start
        line = data[lo:data.find(b"\n", lo)]
        if line.startswith(key):
            lemma, flag = line[len(key):].decode().split("\t")
            return lemma, flag == "L"
    return None


def lemma_of(word: str) -> str:
    """Lower-case lemma of one word (``""`` when it has no letters or digits)."""
    w = normalise(word)
    if not w:
        return ""
    table = _memory_table()
    found = table.get(w)
    if found is not None:
        return found
    lemma_set = _lemma_values()
    if w in lemma_set:
        return w
    return guess_unknown(w, table.get, lemma_set.__contains__)


_PREFIXES = ("aan", "achter", "af", "bij", "door", "in", "mee", "na", "om", "onder", "op",
             "over", "terug", "toe", "uit", "uiteen", "voor", "weg")


def guess_unknown(w: str, known: Callable[[str], str | None],
                  is_lemma: Callable[[str], bool]) -> str:
    """Lemma of a word neither table knows, from its ending or a particle in front.

    ``known(word)`` is the table's lemma when it differs from the word, else
    ``None``; ``is_lemma(word)`` whether the word is some word's lemma. In order:
    an inflected ``-e`` is dropped when the table knows the rest (``gemaskerde`` ->
    ``maskeren``, ``intensieve`` -> ``intensief``, ``gestichte`` -> ``stichten``); a
    present participle ``-end`` becomes its verb (``toeziend`` -> ``toezien``);
    a separable particle before a known verb form joins that verb
    (``afgebroken`` -> ``af`` + ``breken``). Otherwise the word is its own lemma.
    """
    base = w
    if len(w) > 4 and w[-1] == "e" and w[-2].isalpha():
        stem = w[:-1]
        if stem[-1] == "v":
            stem = stem[:-1] + "f"
        elif stem[-1] == "z":
            stem = stem[:-1] + "s"
        lemma = known(stem)
        if lemma is not None:
            return lemma
        if is_lemma(stem):
            return stem
        if stem.endswith("end"):
            base = stem
    if base.endswith("end") and is_lemma(base[:-1]):
        return base[:-1]
    for prefix in _PREFIXES:
        if base.startswith(prefix) and len(base) > len(prefix) + 3:
            lemma = known(base[len(prefix):])
            if lemma is not None and lemma.endswith("en") and is_lemma(prefix + lemma):
                return prefix + lemma
    return base


def query_terms(words: Iterable[str]) -> dict[str, list[str]]:
    """Per query word, the lemmas to look for in the lemma column.

    A word that is itself the lemma of other words is searched as that lemma
    (``zijn`` finds "is", "was", "ben"; ``helpen`` finds "ik help"), not as its
    own lemma: ``delen`` is the lemma of "deelde" but its own lemma is the noun
    ``deel``, and searching ``deel`` would bring every noun "deel" along (the
    literal form is matched in the text column anyway). Any other word is
    searched as its lemma. Reads only the few lines these words need from the
    cached table, so a search neither loads spaCy nor the tables; the answers
    agree with ``lemma_of``.
    """
    out: dict[str, list[str]] = {}
    path = _current_table_path()
    for word in words:
        w = normalise(word)
        if not w:
            out[word] = []
            continue
        if path is None:  # no cache file: the table lives in this process
            out[word] = [w] if w in _lemma_values() else [lemma_of(w)]
            continue
        found = _file_lookup(path, w)
        if found is None:
            out[word] = [guess_unknown(w, functools.partial(_file_lemma, path),
                                       functools.partial(_file_is_lemma, path))]
        else:
            lemma, is_lemma = found
            out[word] = [w] if is_lemma else [lemma]
    return out


def _file_lemma(path: Path, word: str) -> str | None:
    found = _file_lookup(path, word)
    return found[0] if found is not None and found[0] != word else None


def _file_is_lemma(path: Path, word: str) -> bool:
    found = _file_lookup(path, word)
    return found is not None and found[1]


@functools.lru_cache(maxsize=1)
def _lemma_values() -> frozenset[str]:
    """Words that are some word's lemma, themselves included: the ``L`` flag of
    the table file (what ``query_terms`` reads), so import and search agree."""
    table = _memory_table()
    if _built[0] is None and _flagged[0] is not None:
        return _flagged[0]
    return frozenset(table.values())


def verb_lemmas() -> frozenset[str]:
    """Every lemma of the table (what ``lemma_context`` checks a separable verb against)."""
    return _lemma_values()


@functools.lru_cache(maxsize=1)
def homograph_lemmas() -> frozenset[str]:
    """Lemmas the table gives to "-en" words that are verb lemmas too (``tekenen`` ->
    ``teken``): where ``lemma_context`` may take the verb instead."""
    lemma_set = _lemma_values()
    return frozenset(lem for w, lem in _memory_table().items()
                     if w.endswith("en") and w in lemma_set and not lem.endswith("en")
                     and lem not in _SHORT_VERBS)


_SHORT_VERBS = frozenset({"zijn", "gaan", "staan", "doen", "zien", "slaan"})
