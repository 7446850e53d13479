"""The actor registry (actorenregister) and finding actor mentions in documents.

A registry is a YAML list (or a mapping with an ``actors:`` list) or a CSV file with
the columns ``id, name, aliases, type, inventory[, memo]``; see ``data/actors.yaml``.
Every problem is a :class:`~wijkverhalen.errors.DataError` naming file and line.

Mentions are found on whole words, ignoring case, with the Dutch forms of a name:
inflected (Havensteders, de Coöperatie's, BoTu12'ers), as the first part of a
hyphenated compound (Havensteder-medewerkers, BoTu12-leden), and with a line break
between its words. A one-word name that is also an ordinary word must have its
capital in the text ("Rebel", not "een echte rebel"); an alias written all in lower
case in the registry ("de gemeente", "kernteam") is generic, and what only it finds
is stored as a *suggestion* for the coder to confirm. Each name and alias is also
tried without its final punctuation ("Delfshaven Helpt!" -> "Delfshaven Helpt") and
without diacritics ("Coöperatie" -> "Cooperatie"). Where matches overlap, the
longest wins ("Gemeente Rotterdam" over "gemeente").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from .. import safeyaml
from ..errors import DataError
from ..models.linking import Actor
from ..safeyaml import StrictLoader

if TYPE_CHECKING:
    from spacy.language import Language

    from ..store import Project

ACTOR_KEYS = ("id", "name", "aliases", "type", "inventory", "memo")
_MEMO_KEYS = ("memo", "description", "omschrijving", "notes", "url", "website")
INVENTORIES = ("netwerken", "index+", "sibd", "governance")
_INVENTORY_SYNONYMS = {
    "netwerken": "netwerken", "netwerk": "netwerken", "networks": "netwerken", "network": "netwerken",
    "index": "index+", "indexplus": "index+", "index+": "index+", "wijkprofiel": "index+",
    "sibd": "sibd", "socialimpactbydesign": "sibd",
    "governance": "governance", "bestuur": "governance",
}
# Dutch type values (as in data/actors.yaml) and the English or short forms people also write.
ACTOR_TYPES: dict[str, tuple[str, ...]] = {
    "bewonersinitiatief": ("resident initiative", "initiatief", "resident_initiative"),
    "formele instelling": ("formal institution", "instelling", "institution", "formal_institution"),
    "woningcorporatie": ("housing corporation", "corporatie", "housing_corporation"),
    "gemeente": ("municipality", "overheid", "government"),
    "kennisinstelling": ("knowledge institution", "research institution", "onderzoek"),
    "programma": ("programme", "program"),
    "bewonersgroep": ("residents group", "resident group", "bewonersgroepen"),
    "ondernemer": ("entrepreneur", "business", "bedrijf", "ondernemers"),
}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_SPLIT = re.compile(r"\s*[;|]\s*")


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^0-9a-z+]+", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower())


def normalize_type(value: str) -> str:
    key = _key(value)
    for canonical, synonyms in ACTOR_TYPES.items():
        if key in {_key(canonical), *(_key(s) for s in synonyms)}:
            return canonical
    return value.strip().lower()


def normalize_inventory(value: str, path: str, line: int | None) -> str:
    found = _INVENTORY_SYNONYMS.get(_key(value))
    if found is None:
        raise DataError(f"unknown inventory '{value}' (use {', '.join(INVENTORIES)})", path=path, line=line)
    return found


def _text_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [p for p in _SPLIT.split(str(value).strip()) if p]


def _make_actor(record: dict[str, Any], path: str, line: int | None) -> Actor:
    actor_id = str(record.get("id") or "").strip()
    if not actor_id:
        raise DataError("actor without an id", path=path, line=line)
    if not _ID_RE.match(actor_id):
        raise DataError(f"actor id '{actor_id}' must be lower-case letters, digits, '_', '.' or '-'",
                        path=path, line=line)
    name = str(record.get("name") or "").strip()
    if not name:
        raise DataError(f"actor '{actor_id}' has no name", path=path, line=line)
    memo = " ".join(str(record[k]).strip() for k in _MEMO_KEYS if record.get(k))
    return Actor(id=actor_id, name=name, type=normalize_type(str(record.get("type") or "")),
                 inventory=tuple(dict.fromkeys(normalize_inventory(v, path, line)
                                               for v in _text_list(record.get("inventory")))),
                 aliases=tuple(a for a in dict.fromkeys(_text_list(record.get("aliases"))) if a != name),
                 memo=memo, line=line)


def _parse_yaml(text: str, path: str) -> list[Actor]:
    try:
        root = yaml.compose(text, Loader=StrictLoader)  # no anchors/aliases: no bombs
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(f"invalid YAML: {getattr(exc, 'problem', exc)}", path=path,
                        line=mark.line + 1 if mark else None) from exc
    if root is None:
        raise DataError("the registry is empty", path=path)
    if isinstance(root, yaml.MappingNode):
        items = [v for k, v in root.value if k.value == "actors"]
        if not items:
            raise DataError("expected a list of actors or a mapping with 'actors:'", path=path,
                            line=root.start_mark.line + 1)
        root = items[0]
    if not isinstance(root, yaml.SequenceNode):
        raise DataError("expected a list of actors", path=path, line=root.start_mark.line + 1)
    actors = []
    for node in root.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            raise DataError("each actor must be a mapping with id, name, aliases, type, inventory",
                            path=path, line=line)
        record: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in ACTOR_KEYS and key not in _MEMO_KEYS:
                raise DataError(f"unknown field '{key}' (fields: {', '.join(ACTOR_KEYS)})",
                                path=path, line=key_node.start_mark.line + 1)
            record[key] = safeyaml.load(yaml.serialize(value_node))
        actors.append(_make_actor(record, path, line))
    return actors


def _parse_csv(text: str, path: str) -> list[Actor]:
    head = "\n".join(text.splitlines()[:10])
    try:
        delimiter = csv.Sniffer().sniff(head, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = [(f or "").strip().lower() for f in reader.fieldnames or []]
    missing = [f for f in ("id", "name") if f not in fields]
    if missing:
        raise DataError(f"the registry needs column(s) {', '.join(missing)}; found: {', '.join(fields)}",
                        path=path, line=1)
    unknown = [f for f in fields if f and f not in ACTOR_KEYS and f not in _MEMO_KEYS]
    if unknown:
        raise DataError(f"unknown column(s) {', '.join(unknown)} (columns: {', '.join(ACTOR_KEYS)})",
                        path=path, line=1)
    actors = []
    for raw in reader:
        record = {(k or "").strip().lower(): v for k, v in raw.items()}
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue
        actors.append(_make_actor(record, path, reader.line_num))
    return actors


def parse_actor_registry(path: str | Path) -> list[Actor]:
    """Read and check a registry file (YAML or CSV). Duplicate ids or aliases are errors."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError("no such file", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read: {exc}", path=path) from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        actors = _parse_yaml(text, str(path))
    elif path.suffix.lower() in (".csv", ".tsv", ".txt"):
        actors = _parse_csv(text, str(path))
    else:
        raise DataError(f"unknown registry format '{path.suffix}' (use .yaml or .csv)", path=path)
    if not actors:
        raise DataError("the registry holds no actors", path=path)
    check_registry(actors, str(path))
    return actors


def check_registry(actors: Sequence[Actor], path: str) -> None:
    """Duplicate ids, and a name or alias claimed by two actors, are errors."""
    first: dict[str, Actor] = {}
    owner: dict[str, Actor] = {}
    for actor in actors:
        if actor.id in first:
            raise DataError(f"duplicate actor id '{actor.id}' (first on line {first[actor.id].line})",
                            path=path, line=actor.line)
        first[actor.id] = actor
        for phrase in actor.phrases():
            key = _key(phrase)
            other = owner.get(key)
            if other is not None and other.id != actor.id:
                raise DataError(f"'{phrase}' of actor '{actor.id}' is also a name or alias of "
                                f"'{other.id}' (line {other.line}); an alias must name one actor",
                                path=path, line=actor.line)
            owner[key] = actor


# ----------------------------------------------------------------------------- detection

# Articles that may open an alias ("de Coöperatie"); they say nothing about the actor.
_ARTICLES = frozenset(["de", "het", "een", "'t", "’t"])
# Dutch endings of a proper name used as a noun: Havensteders, de Coöperatie's, BoTu12'ers.
_INFLECTION = r"(?:['’](?:s|ers?)|s|en|ers?)?"
# A long one-word name also heads closed compounds (Havenstederwoningen, Veldacademiestudenten).
_CLOSED_COMPOUND = r"(?:['’](?:s|ers?)|[^\W\d_]{0,24})"
_COMPOUND_MIN = 8
# A compound with the name as its first part, joined by a hyphen: Havensteder-medewerkers.
_HYPHEN_HEAD = r"(?:-[^\W\d_][^\W_]*)*"
# Words of a name may be split by a line break (a wrapped line in a transcript).
_GAP = r"(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*)"
_WORD_END = r"(?![^\W_])"


class Found(NamedTuple):
    """A mention found in a text; ``suggested`` when only a generic alias ("de gemeente") matched."""

    actor_id: str
    start: int
    end: int
    text: str
    suggested: bool = False


class AliasRule(NamedTuple):
    actor_id: str
    phrase: str
    key: str  # the first word after any article, lower case: where to look for the phrase
    article: str  # "de" for "de Coöperatie": it must stand before the key word
    pattern: re.Pattern[str]  # the phrase from its key word on, matched at a found key word
    capital: bool  # a one-word name that is also a word ("Rebel"): only with a capital in the text
    generic: bool  # written in lower case in the registry ("de gemeente"): a suggestion to review


def phrase_variants(phrase: str) -> list[str]:
    """The phrase, without edge punctuation, and both without diacritics."""
    stripped = re.sub(r"^[\W_]+|[\W_]+$", "", phrase)
    out = [phrase, stripped]
    for text in (phrase, stripped):
        decomposed = unicodedata.normalize("NFKD", text)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return [p for p in dict.fromkeys(out) if p.strip()]


def is_generic(phrase: str) -> bool:
    """An alias all in lower case ("de gemeente", "kernteam") names a kind of thing, not one actor."""
    return not any(ch.isupper() or ch.isdigit() for ch in phrase)


def _needs_capital(words: list[str]) -> bool:
    """One word, capitalised and otherwise lower case ("Rebel", "Havensteder"): it may be an
    ordinary word in lower case ("een echte rebel"). "BoTu12", "IABR", "RebelGroup" are not words."""
    if len(words) != 1:
        return False
    word = words[0]
    return word[:1].isupper() and word[1:] == word[1:].lower() and not any(ch.isdigit() for ch in word)


def alias_rules(actors: Sequence[Actor]) -> list[AliasRule]:
    """One rule per name, alias and variant (without final punctuation, without diacritics)."""
    rules: list[AliasRule] = []
    for actor in actors:
        for phrase in actor.phrases():
            generic = is_generic(phrase)
            for variant in phrase_variants(phrase):
                words = variant.split()
                article = ""
                if len(words) > 1 and words[0].lower() in _ARTICLES:
                    article, words = words[0].lower(), words[1:]
                if not words:
                    continue
                body = _GAP.join(re.escape(w) for w in words)
                capital = _needs_capital(words) and not generic
                if words[-1][-1:].isalnum():
                    closed = capital and len(words[-1]) >= _COMPOUND_MIN
                    body += (_CLOSED_COMPOUND if closed else _INFLECTION) + _HYPHEN_HEAD
                pattern = re.compile(body + _WORD_END, re.IGNORECASE)
                rules.append(AliasRule(actor.id, variant, words[0].lower(), article, pattern, capital, generic))
    return rules


_ARTICLE_BEFORE = re.compile(r"(?<![^\W_])(de|het|een|'t|’t)" + _GAP + r"\Z", re.IGNORECASE)


def _key_positions(text: str, lowered: str, key: str) -> Iterator[int]:
    """Where ``key`` starts a word in the text (``lowered`` is ``text.lower()``, same length)."""
    pos = lowered.find(key)
    while pos != -1:
        if pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] == "_"):
            yield pos
        pos = lowered.find(key, pos + 1)


def longest_first(spans: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Drop spans that overlap a longer (or, equally long, earlier) span; sorted by position."""
    kept: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []
    for key, start, end in sorted(set(spans), key=lambda s: (-(s[2] - s[1]), s[1], s[0])):
        if any(start < e and end > s for s, e in taken):
            continue
        kept.append((key, start, end))
        taken.append((start, end))
    return sorted(kept, key=lambda s: (s[1], s[2], s[0]))


def find_mentions(text: str, rules: Sequence[AliasRule]) -> list[Found]:
    """Mentions in one text: every rule's matches, the longest where they overlap.

    Where a generic alias and a proper name of the same actor both match, the
    longer span wins; a span found only through generic aliases is a suggestion.
    Each key word is looked up with ``str.find`` and the phrase is matched only
    there, so the cost does not grow with the number of aliases times the text.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer ("İ"): keep offsets exact
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    by_key: dict[str, list[AliasRule]] = {}
    for rule in rules:
        by_key.setdefault(rule.key, []).append(rule)
    best: dict[tuple[str, int, int], bool] = {}  # span -> generic only
    for key, keyed in by_key.items():
        for pos in _key_positions(text, lowered, key):
            for rule in keyed:
                match = rule.pattern.match(text, pos)
                if match is None or (rule.capital and not match.group()[:1].isupper()):
                    continue
                start = pos
                if rule.article:
                    before = _ARTICLE_BEFORE.search(text, max(0, pos - 12), pos)
                    if before is None or before.group(1).lower() != rule.article:
                        continue
                    start = before.start()
                span = (rule.actor_id, start, match.end())
                best[span] = best.get(span, True) and rule.generic
    return [Found(actor_id, start, end, text[start:end], best[(actor_id, start, end)])
            for actor_id, start, end in longest_first(best)]


def detect_mentions(documents: Iterable[tuple[int, str]], actors: Sequence[Actor],
                    nlp: Language | None = None) -> dict[int, list[Found]]:
    """``document_id -> [Found(actor_id, start, end, matched_text, suggested)]`` for every document.

    Matching is on words, ignoring case, allowing Dutch inflection and compounds of a
    name (Havensteders, de Coöperatie's, BoTu12-leden) and a line break inside a
    name; a one-word name that is also a word needs its capital ("Rebel", not "een
    echte rebel"). ``nlp`` is accepted for compatibility and not needed.
    """
    rules = alias_rules(actors)
    return {doc_id: find_mentions(text, rules) for doc_id, text in documents}


def detect_in_project(project: Project, coder: str, *, document_ids: Sequence[int] | None = None,
                      pipeline: str | None = None) -> Any:
    """Find mentions of the project's actors in its documents and store them."""
    actors = project.actors()
    if not actors:
        raise DataError("the project has no actors; import a registry first "
                        "(wijkverhalen actors import PROJECT data/actors.yaml)")
    ids = list(document_ids) if document_ids is not None else sorted(project.document_names())
    texts = ((doc_id, project.document_text(doc_id)) for doc_id in ids)
    found = detect_mentions(texts, actors)  # ``pipeline`` is no longer needed: matching is on words
    return project.store_detected_mentions(found, coder)
