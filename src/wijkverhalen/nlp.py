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
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from wijkverhalen.errors import InvalidInput
from wijkverhalen.lemma_context import in_context
from wijkverhalen.lemmas import homograph_lemmas, lemma_of, load_table, query_terms, verb_lemmas
from wijkverhalen.models import ParsedDocument, Sentence, Turn
from wijkverhalen.sentence_rules import (
    WIJK_SENTENCES,
    register_component,
    sentence_starts,
    token_kind,
)

if TYPE_CHECKING:
    from spacy.language import Language

BATCH_SIZE = 1000
# spaCy refuses longer texts by default; a single line this long (a .txt without
# line breaks) is cut at whitespace before this size.
MAX_CHUNK = 100_000
_WORD = re.compile(r"\w+")
# Trimmed from lemmas: tokenizer exceptions keep the dot of "u." or "bijv.".
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
# Components a trained pipeline does not need for sentences and lemmas.
_UNUSED_COMPONENTS = ("ner",)


class PipelineNotInstalled(InvalidInput):
    """A spaCy pipeline named by the user (e.g. ``nl_core_news_sm``) is not installed."""


def import_spacy() -> None:
    """Import spaCy, its Dutch language data and the lemma table, without building
    a pipeline: what forked import workers can share with their parent."""
    import spacy  # noqa: F401
    import spacy.lang.nl  # noqa: F401

    load_table()
    import spacy.pipeline  # noqa: F401


@functools.lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """The Dutch pipeline, built once per name.

    ``None`` gives the blank Dutch pipeline with sentencizer and lookup lemmatizer;
    a name such as ``"nl_core_news_sm"`` loads that installed package (without NER).
    """
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


class _LemmaCache(dict[int, str]):
    """Token or lemma hash -> lower-case lemma without edge punctuation (``""`` if no word).

    Lemmas are looked up by hash in a dict instead of through a Token object per
    word, which would dominate the cost of lemmatising with the blank pipeline.
    ``lookup`` maps a token's text to its lemma (the lookup table), or is ``None``
    when the hashes already are lemmas.
    """

    def __init__(self, strings: Any, lookup: Callable[[str], str] | None) -> None:
        super().__init__()
        self.strings = strings
        self.lookup = lookup

    def __missing__(self, key: int) -> str:
        lemma = self.strings[key]
        if self.lookup is not None:
            lemma = self.lookup(lemma)
        value = _EDGE_PUNCT.sub("", lemma.lower())
        self[key] = value
        return value


class _LowerCache(dict[int, str]):
    """ORTH hash -> lower-cased text (what ``lemma_context`` asks of a few tokens)."""

    def __init__(self, strings: Any) -> None:
        super().__init__()
        self.strings = strings

    def __missing__(self, key: int) -> str:
        value = str(self.strings[key]).lower()
        self[key] = value
        return value


class _PunctKinds(dict[int, int]):
    """ORTH hash -> ``sentence_rules.token_kind`` of that text."""

    def __init__(self, vocab: Any, punct_chars: set[str]) -> None:
        super().__init__()
        self.vocab = vocab
        self.punct_chars = punct_chars

    def __missing__(self, key: int) -> int:
        text = self.vocab.strings[key]
        value = token_kind(text, bool(self.vocab[text].is_punct), self.punct_chars)
        self[key] = value
        return value


class _Plan:
    """How to get sentences and lemmas out of one pipeline quickly.

    Two components of the default pipeline only look at each token's text, so
    they are skipped and replayed per distinct word through dict caches, which
    avoids creating a Python Token object per word (the dominant cost):

    - a lookup-mode lemmatizer becomes a cache from ORTH hash to lemma;
    - a sentencizer (when no parser or senter sets sentence bounds) becomes the
      same rule as ``Sentencizer.predict`` over ORTH hashes: after a
      sentence-final character, the next token that is not punctuation starts
      a sentence.

    Other lemmatizers (rule-based, trained) run and their LEMMA hashes are read;
    a pipeline without a lemmatizer falls back to lower-case forms. With
    ``replay=False`` every component runs (tests compare the two paths).
    """

    def __init__(self, nlp: Language, *, replay: bool = True) -> None:
        from spacy.attrs import LEMMA, LOWER, ORTH
        from spacy.lang.nl.lemmatizer import DutchLemmatizer
        from spacy.pipeline import Lemmatizer

        factories = {name: nlp.get_pipe_meta(name).factory for name in nlp.pipe_names}
        lemmatizers = [n for n, f in factories.items() if "lemmatizer" in f]
        sentencizers = [n for n, f in factories.items() if f in ("sentencizer", WIJK_SENTENCES)]
        skip: list[str] = []
        self.lemma_attr = LEMMA if lemmatizers else LOWER
        self.orth = ORTH
        self.forms = _LowerCache(nlp.vocab.strings)
        self.lemmas = _LemmaCache(nlp.vocab.strings, None)
        component: Any = nlp.get_pipe(lemmatizers[0]) if len(lemmatizers) == 1 else None
        # Only the two classes whose lookup rule is known (text, or lower-cased
        # text for Dutch) are replayed; anything else runs as a component.
        if (
            replay
            and type(component) in (Lemmatizer, DutchLemmatizer)
            and getattr(component, "mode", None) == "lookup"
        ):
            skip.append(lemmatizers[0])
            self.lemma_attr = ORTH
            # Every Dutch lookup lemmatizer is replayed with the one lemma function
            # that search uses too (wijkverhalen.lemmas), whatever table it was saved with.
            lookup = lemma_of
            self.lemmas = _LemmaCache(nlp.vocab.strings, lookup)
        self.kinds: _PunctKinds | None = None
        other_bounds = any(f in ("parser", "beam_parser", "senter") for f in factories.values())
        if replay and len(sentencizers) == 1 and not other_bounds:
            skip.append(sentencizers[0])
            punct = set(getattr(nlp.get_pipe(sentencizers[0]), "punct_chars", ()))
            self.kinds = _PunctKinds(nlp.vocab, punct)
        self.skip = tuple(skip)
        self.attrs = [ORTH] if self.lemma_attr == ORTH else [ORTH, self.lemma_attr]

    def spans(self, doc: Any) -> Iterator[tuple[int, int, int, int, list[int]]]:
        """``(first_token, end_token, start_char, end_char, lemma_hashes)`` per sentence."""
        if not len(doc):
            return
        table = doc.to_array(self.attrs)
        if len(self.attrs) == 1:
            orths = lemma_hashes = table.tolist()
        else:
            orths, lemma_hashes = table[:, 0].tolist(), table[:, 1].tolist()
        if self.kinds is None:
            for sent in doc.sents:
                yield sent.start, sent.end, sent.start_char, sent.end_char, lemma_hashes
            return
        starts = sentence_starts(map(self.kinds.__getitem__, orths), doc)
        starts.append(len(doc))
        for first, stop in zip(starts, starts[1:], strict=False):
            last = doc[stop - 1]
            yield first, stop, doc[first].idx, last.idx + len(last), lemma_hashes


@functools.lru_cache(maxsize=4)
def _plan_for(nlp: Language) -> _Plan:
    return _Plan(nlp)


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


def _segment(text: str, turns: Sequence[Turn], nlp: Language, plan: _Plan) -> list[Sentence]:
    return list(_sentences(text, turns, nlp, plan))


def _sentences(text: str, turns: Sequence[Turn], nlp: Language, plan: _Plan) -> Iterator[Sentence]:
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
