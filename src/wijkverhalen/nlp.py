"""Dutch sentence segmentation, lemmas and phrase matching with spaCy.

spaCy is imported inside the functions, never at module import, so that
``wijkverhalen --help`` and the TUI start fast. The default pipeline is
``spacy.blank("nl")`` with a rule-based sentencizer and the lookup lemmatizer
(tables from spacy-lookups-data, fully offline); a trained pipeline such as
``nl_core_news_sm`` can be named instead for better lemmas and sentence bounds.

Sentences never cross a turn or a blank line. A single line break ends a
sentence after sentence-final punctuation; otherwise the next line continues it,
so hard-wrapped transcripts keep whole sentences.
Offsets are code-point indices into the document's canonical text, trimmed of
whitespace, so ``text[s.start:s.end]`` is exactly the sentence.
"""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from wijkverhalen.errors import InvalidInput
from wijkverhalen.lemma_context import in_context
from wijkverhalen.lemmas import homograph_lemmas, lemma_of, load_table, query_terms, verb_lemmas
from wijkverhalen.models import ParsedDocument, Sentence, Turn
from wijkverhalen.sentence_rows import Plan as _Plan
from wijkverhalen.sentence_rows import Row, group_blocks, group_rows
from wijkverhalen.sentence_rows import plan_for as _plan_for
from wijkverhalen.sentence_rules import (
    WIJK_SENTENCES,
    register_component,
)

if TYPE_CHECKING:
    from spacy.language import Language

BATCH_SIZE = 1000
# spaCy refuses longer texts by default; a single line this long (a .txt without
# line breaks) is cut at whitespace before this size.
MAX_CHUNK = 100_000
_WORD = re.compile(r"\w+")
# Components a trained pipeline does not need for sentences and lemmas.
_UNUSED_COMPONENTS = ("ner",)


class PipelineNotInstalled(InvalidInput):
    """A spaCy pipeline named by the user (e.g. ``nl_core_news_sm``) is not installed."""


def import_spacy() -> None:
    """Import spaCy, its Dutch language data and the lemma tables, without building
    a pipeline: what forked import workers can share with their parent."""
    _import_spacy_without_its_cli()
    import spacy.lang.nl  # noqa: F401

    load_table()
    verb_lemmas()
    homograph_lemmas()
    import spacy.pipeline  # noqa: F401


def _import_spacy_without_its_cli() -> None:
    """``import spacy``, leaving out its command line.

    ``spacy/__init__.py`` imports ``spacy.cli.info`` only to offer ``spacy.info``;
    that pulls in spaCy's whole command line (typer, weasel, httpx, requests:
    about 360 modules, 0.3 s, a third of spaCy's import), which an import never
    uses. Stand-ins for those two modules are in ``sys.modules`` while spaCy's
    package runs and are removed after it, so ``import spacy.cli`` still gives the
    real one, and the ``spacy.info`` it leaves behind loads the real one when called.
    """
    import sys
    import types

    if "spacy" in sys.modules:
        return
    names = ("spacy.cli", "spacy.cli.info")
    if any(name in sys.modules for name in names):  # pragma: no cover - spaCy's CLI without spaCy
        import spacy  # noqa: F401
        return

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    stand_in = types.ModuleType("spacy.cli.info")
    stand_in.info = info  # type: ignore[attr-defined]
    package = types.ModuleType("spacy.cli")
    package.info = stand_in  # type: ignore[attr-defined]
    sys.modules.update(zip(names, (package, stand_in), strict=True))
    try:
        import spacy
    except Exception:  # a spaCy that needs more of its CLI at import: import it whole
        for name in names:
            sys.modules.pop(name, None)
        import spacy
    else:
        for name, module in zip(names, (package, stand_in), strict=True):
            if sys.modules.get(name) is module:
                del sys.modules[name]
        if spacy.__dict__.get("cli") is package:
            del spacy.__dict__["cli"]


def prepare_for_workers(name: str | None = None) -> None:
    """Everything forked import workers need, made once here and shared with them:
    spaCy's modules, the lemma tables, the pipeline ``name`` and its caches.

    Building the pipeline here rather than in each worker costs the same wall
    time (the workers built theirs side by side) and one build less CPU time
    (0.5-0.7 s), and the workers share its memory with this process.
    """
    import_spacy()
    _plan_for(load_pipeline(name))


@functools.lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """The Dutch pipeline, built once per name.

    ``None`` gives the blank Dutch pipeline with sentencizer and lookup lemmatizer;
    a name such as ``"nl_core_news_sm"`` loads that installed package (without NER).
    """
    _import_spacy_without_its_cli()
    import spacy

    register_component()  # also needed to load a saved default pipeline
    if name is None:
        nlp = spacy.blank("nl")
        nlp.add_pipe(WIJK_SENTENCES)
        lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        # Rule-based components only: no nlp.initialize(), which would load the
        # tables again the slow way.
        lemmatizer.initialize(lookups=_lookup_tables())  # type: ignore[attr-defined]
        return nlp
    try:
        nlp = spacy.load(name, exclude=list(_UNUSED_COMPONENTS))
    except OSError as exc:
        raise PipelineNotInstalled(f"spaCy pipeline '{name}' is not installed") from exc
    if not any(nlp.has_pipe(p) for p in ("parser", "senter", "sentencizer", WIJK_SENTENCES)):
        nlp.add_pipe(WIJK_SENTENCES, first=True)
    elif nlp.has_pipe("senter") and nlp.has_pipe("parser"):
        nlp.disable_pipe("senter")  # the parser sets sentence bounds itself
    return nlp


def _lookup_tables() -> Any:
    """A lookups object whose ``lemma_lookup`` table answers with ``lemmas.lemma_of``.

    spaCy's own loader hashes all 213k keys of spacy-lookups-data into a ``Table``
    (about a second per process); the merged table of ``wijkverhalen.lemmas`` is a
    plain dict read from the user cache, and every import worker shares it.
    """
    from spacy.lookups import Lookups

    data = load_table()

    class FastLookups(Lookups):  # type: ignore[misc]
        def to_bytes(self, **kwargs: Any) -> bytes:
            # A saved pipeline loads with spaCy's own classes: write their format.
            real = Lookups()
            real.add_table("lemma_lookup", data)
            return bytes(real.to_bytes())

    lookups = FastLookups()
    lookups._tables["lemma_lookup"] = _StringTable("lemma_lookup", data)  # no public setter keeps the type
    return lookups


def _string_table_class() -> Any:
    from spacy.lookups import Table

    class StringTable(Table):  # type: ignore[misc]
        """A lookups ``Table`` backed by a str-keyed dict (what the lemmatizer reads)."""

        def __init__(self, name: str, data: dict[str, str]) -> None:
            super().__init__(name=name)
            self.strings = data

        def get(self, key: Any, default: Any = None) -> Any:
            # The same answer as the replayed path and as a search's query words.
            return lemma_of(key) if isinstance(key, str) else default

        def __contains__(self, key: Any) -> bool:
            return isinstance(key, str)


    return StringTable


def _StringTable(name: str, data: dict[str, str]) -> Any:  # noqa: N802 - a lazy class
    return _string_table_class()(name, data)


def _run(nlp: Language, texts: Iterable[str], skip: tuple[str, ...]) -> Iterator[Any]:
    """Docs for ``texts``, chaining the components' batch ``pipe`` methods.

    This is what ``Language.pipe`` does minus its per-doc bookkeeping, which costs
    more than the blank pipeline's own work on short transcript lines.
    """
    tokenizer: Any = nlp.tokenizer
    docs: Iterator[Any] = tokenizer.pipe(texts, batch_size=BATCH_SIZE)
    for name, proc in nlp.pipeline:
        if name in skip:
            continue
        pipe = getattr(proc, "pipe", None)
        docs = pipe(docs, batch_size=BATCH_SIZE) if pipe is not None else map(proc, docs)
    return docs


_NON_SPACE = re.compile(r"\S")
_ENDS_SENTENCE = re.compile(r"""[.!?…:;]["'”’)\]]*\s*$""")


def _line_chunks(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """``(offset, chunk)`` for the text blocks of ``text[start:end]``, trimmed.

    A line break ends a chunk when the line ends a sentence or a blank line
    follows, or after the file's first line (a title) when the next line starts
    with a capital; otherwise (hard-wrapped transcripts) the next line continues the
    same sentence, so wrapping does not cut sentences in two.
    """
    pos = start
    # The file's first line is a title when the next line starts with a capital:
    # it does not run on into the first sentence.
    first = _NON_SPACE.search(text)
    first_line = text.rfind("\n", 0, first.start()) + 1 if first else -1
    block_start: int | None = None
    block_end = start
    while pos <= end:
        nl = text.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        # Searched in place: a copy of each line is a copy of a text without line breaks.
        if _NON_SPACE.search(text, pos, line_end) is not None:
            if block_start is None:
                block_start = pos
            block_end = line_end
            closes = _ENDS_SENTENCE.search(text, pos, line_end) is not None or (
                pos == first_line and _starts_upper(text, line_end + 1, end))
        else:
            closes = True
        if (closes or nl == -1) and block_start is not None:
            yield from _trimmed_pieces(text, block_start, block_end)
            block_start = None
        if nl == -1:
            break
        pos = line_end + 1


def _starts_upper(text: str, pos: int, end: int) -> bool:
    """Whether the line at ``pos`` (before ``end``) starts with an upper-case letter."""
    nl = text.find("\n", pos, end)
    first = _NON_SPACE.search(text, pos, end if nl == -1 else nl)
    return first is not None and text[first.start()].isupper()


def _trimmed_pieces(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """``text[start:end]`` without its edge white space, in pieces of at most ``MAX_CHUNK``.

    A piece ends at the last space before the limit (or at the limit); the next one
    starts at the next non-space. Only the pieces are copied, never the block: a
    text without line breaks is one block (issue 11: an import within ~5x its text).
    """
    first = _NON_SPACE.search(text, start, end)
    if first is None:
        return
    pos = first.start()
    while end > pos and text[end - 1].isspace():
        end -= 1
    while end - pos > MAX_CHUNK:
        space = text.rfind(" ", pos, pos + MAX_CHUNK)
        cut = space - pos if space > pos else MAX_CHUNK
        yield pos, text[pos:pos + cut]
        following = _NON_SPACE.search(text, pos + cut, end)
        pos = following.start() if following is not None else end
    if end > pos:
        yield pos, text[pos:end]


def segment_turns(text: str, turns: Sequence[Turn], nlp: Language | None = None) -> list[Sentence]:
    """Sentences of each turn body, in order, with lower-case lemmas.

    Sentences stay inside ``body_start..end`` of their turn; a line break ends a
    sentence only after sentence-final punctuation or before a blank line.
    Each satisfies ``text[s.start:s.end] == text[s.start:s.end].strip() != ""``.
    """
    return list(iter_sentences(text, turns, nlp))


def iter_sentences(text: str, turns: Sequence[Turn], nlp: Language | None = None) -> Iterator[Sentence]:
    """The sentences of :func:`segment_turns`, one at a time.

    Only a batch of text blocks and their spaCy docs is alive at any moment, so a
    writer that stores the sentences as they come holds no list of them: a whole
    import stays within a few times its text (issue 11).
    """
    nlp = nlp or load_pipeline()
    return _sentences(text, turns, nlp, _plan_for(nlp))


def sentence_rows(text: str, turns: Sequence[Turn], nlp: Language | None = None) -> Iterator[Row]:
    """The sentences of :func:`segment_turns` as plain ``(start, end, turn_index, lemmas)``
    tuples, one at a time: what import workers send to the writer (tuples pickle
    faster than named tuples, and are not built twice)."""
    nlp = nlp or load_pipeline()
    plan = _plan_for(nlp)
    if plan.grouped:
        return _grouped_rows(text, turns, nlp, plan)
    return map(tuple, _sentences(text, turns, nlp, plan))  # type: ignore[arg-type]


def _segment(text: str, turns: Sequence[Turn], nlp: Language, plan: _Plan) -> list[Sentence]:
    return list(_sentences(text, turns, nlp, plan))


def _sentences(text: str, turns: Sequence[Turn], nlp: Language, plan: _Plan) -> Iterator[Sentence]:
    if plan.grouped:
        return map(Sentence._make, _grouped_rows(text, turns, nlp, plan))
    return _block_sentences(text, turns, nlp, plan)


def _grouped_rows(text: str, turns: Sequence[Turn], nlp: Language, plan: _Plan) -> Iterator[Row]:
    """The default pipeline's path: blocks tokenized in groups (``sentence_rows``)."""
    blocks = ((offset, turn_index, chunk) for turn_index, turn in enumerate(turns)
              for offset, chunk in _line_chunks(text, turn.body_start, turn.end))
    tokenizer = nlp.tokenizer
    verbs, homographs = verb_lemmas(), homograph_lemmas()
    forms = plan.forms
    assert plan.kinds is not None
    for group in group_blocks(blocks):
        yield from group_rows(tokenizer, plan.columns, group, plan.kinds, plan.lemmas, plan.flags,
                              forms, verbs, homographs)


def _block_sentences(text: str, turns: Sequence[Turn], nlp: Language, plan: _Plan) -> Iterator[Sentence]:
    """Any other pipeline's path: one doc per text block, through its components."""
    # The blocks are cut as spaCy asks for them and remembered only until their doc
    # comes back (at most a batch later), never all at once.
    pending: deque[tuple[int, int, str]] = deque()

    def blocks() -> Iterator[str]:
        for turn_index, turn in enumerate(turns):
            for offset, chunk in _line_chunks(text, turn.body_start, turn.end):
                pending.append((offset, turn_index, chunk))
                yield chunk

    lookup = plan.lemmas.__getitem__
    verbs, homographs = verb_lemmas(), homograph_lemmas()
    forms = plan.forms if plan.lemma_attr == plan.orth else None
    for doc in _run(nlp, blocks(), plan.skip):
        offset, turn_index, chunk = pending.popleft()
        for first, stop, s, e, hashes in plan.spans(doc):
            piece = chunk[s:e]
            stripped = piece.strip()
            if not stripped:
                continue
            s += len(piece) - len(piece.lstrip())
            form_of = (functools.partial(_form_of_hash, forms, hashes, first) if forms is not None
                       else functools.partial(_form_of, doc, first))
            words = in_context(list(map(lookup, hashes[first:stop])), verbs, form_of, homographs)
            lemmas = " ".join(filter(None, words))
            yield Sentence(start=offset + s, end=offset + s + len(stripped), turn_index=turn_index, lemmas=lemmas)
    if pending:  # pragma: no cover - spaCy returns one doc per text
        raise RuntimeError("spaCy returned fewer docs than text blocks")


def _form_of_hash(forms: dict[int, str], hashes: list[int], first: int, i: int) -> str:
    """Text of token ``first + i`` lower-cased, from its ORTH hash (the fast path)."""
    return forms[hashes[first + i]]


def _form_of(doc: Any, first: int, i: int) -> str:
    """Text of token ``first + i``, lower-cased (for ``lemma_context``)."""
    return str(doc[first + i].lower_)


def segment_document(parsed: ParsedDocument, nlp: Language | None = None) -> list[Sentence]:
    """Sentences of a parsed document, using its turns (or detecting them)."""
    turns = parsed.turns
    if not turns:
        from wijkverhalen.importers.turns import detect_turns

        turns = detect_turns(parsed.text)
    return segment_turns(parsed.text, turns, nlp)


def lemmatize_query(q: str, nlp: Language | None = None) -> list[str]:
    """Lower-case lemmas of the words of a search query (punctuation dropped)."""
    nlp = nlp or load_pipeline()
    if not q.strip():
        return []
    plan = _plan_for(nlp)
    chunks = [chunk for _, chunk in _line_chunks(q, 0, len(q))]
    words: list[str] = []
    for doc in _run(nlp, chunks, plan.skip):
        for first, stop, _, _, hashes in plan.spans(doc):
            words.extend(filter(None, map(plan.lemmas.__getitem__, hashes[first:stop])))
    return words


def query_lemmas(query: str, nlp: Language | None = None) -> dict[str, list[str]]:
    """Each distinct ``\\w+`` word of a search query -> the lemmas to search for.

    See ``lemmas.query_terms``: a word that is itself a lemma is searched as such
    (``zijn`` finds "is"), any other word as its lemma (``mensen`` -> ``mens``).
    spaCy is not loaded (``nlp`` is accepted for compatibility and ignored).
    Keys are the words as typed, which is how ``store.retrieval.build_match`` looks
    them up; words inside quoted phrases are included too (harmless extra keys).
    """
    return query_terms(dict.fromkeys(_WORD.findall(query)))


def count_words(text: str) -> int:
    """Number of words (``\\w+`` runs): cheap enough to run on every import.

    Counted one match at a time: ``findall`` would build a list of every word, about
    ten times the text in memory (issue 11's memory budget for an import is ~5x).
    """
    return sum(1 for _ in _WORD.finditer(text))


def find_phrases(
    text: str, phrases: dict[str, list[str]], nlp: Language | None = None
) -> list[tuple[str, int, int]]:
    """Case-insensitive whole-token matches of ``phrases`` (key -> variants) in ``text``.

    Returns ``(key, start, end)`` character spans sorted by position; overlapping
    matches of different keys are all kept. Uses the tokenizer only.
    """
    from spacy.matcher import PhraseMatcher

    nlp = nlp or load_pipeline()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for key, variants in phrases.items():
        patterns = [nlp.make_doc(v) for v in variants if v.strip()]
        if patterns:
            matcher.add(key, patterns)
    if not len(matcher):
        return []
    found: list[tuple[str, int, int]] = []
    chunks = [(0, text)] if len(text) <= MAX_CHUNK else list(_line_chunks(text, 0, len(text)))
    for offset, chunk in chunks:
        doc = nlp.make_doc(chunk)
        for match_id, start, end in matcher(doc):
            span = doc[start:end]
            found.append(
                (nlp.vocab.strings[match_id], offset + span.start_char, offset + span.end_char)
            )
    found.sort(key=lambda m: (m[1], m[2], m[0]))
    return found
