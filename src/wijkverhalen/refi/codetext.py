"""A code's fields as one REFI-QDA ``Description`` and back, and ids for foreign codes.

REFI-QDA gives a code only a name, a colour and a free-text description. To keep
the codebook's structure readable in ATLAS.ti or NVivo and recoverable when it comes
back, the description is written as labelled paragraphs::

    Gloss: Mutual trust
    <definition>
    Wel coderen: ...
    Niet coderen: ...
    Voorbeeld: ...
    Valentie: ...
    Bron: ...
    Trefwoorden: vertrouwen, vertrouwd
    Indicatoren: vertrouwen_gebiedsbestuur (+), bereid_zorgen (+, hypothese), contact_buren (+, verandering)
    [wijkverhalen-id: relaties.vertrouwen]

The last line carries the stable code id, so a codebook that went through another
program (which keeps descriptions) still maps onto the same codes. A description
without that line (a foreign code) becomes the code's definition, and its id is
derived from the names in the tree (:func:`slug_id`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from ..models import Code, IndicatorLink

_ID_LINE = re.compile(r"^\[wijkverhalen-id: ?([a-z0-9][a-z0-9_.-]*)\]\s*$")
_FIELDS = (("gloss", "Gloss"), ("include", "Wel coderen"), ("exclude", "Niet coderen"),
           ("example", "Voorbeeld"), ("valence", "Valentie"), ("source", "Bron"), ("memo", "Memo"))
_INDICATOR = re.compile(r"^\s*([^\s(]+)\s*(?:\(([+-])(, hypothese)?(, verandering)?\))?\s*$")


def compose_description(code: Code, *, memo: bool = False) -> str:
    paragraphs: list[str] = []
    if code.gloss:
        paragraphs.append(f"Gloss: {code.gloss}")
    if code.definition:
        paragraphs.append(code.definition)
    for attr, label in _FIELDS[1:6]:
        value = getattr(code, attr)
        if value:
            paragraphs.append(f"{label}: {value}")
    if code.keywords:
        paragraphs.append("Trefwoorden: " + ", ".join(code.keywords))
    if code.indicators:
        paragraphs.append("Indicatoren: " + ", ".join(
            f"{i.indicator} ({i.direction}{', hypothese' if i.hypothesis else ''}"
            f"{', verandering' if i.aspect == 'change' else ''})" for i in code.indicators))
    if code.actors:
        paragraphs.append("Actoren: " + ", ".join(code.actors))
    if memo and code.memo:
        paragraphs.append(f"Memo: {code.memo}")
    paragraphs.append(f"[wijkverhalen-id: {code.id}]")
    return "\n\n".join(paragraphs)


def parse_description(text: str) -> tuple[str | None, dict[str, object]]:
    """``(id, fields)`` from a description; without an id line all text is the definition."""
    text = text.replace("\r\n", "\n").strip()
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    if not paragraphs or not _ID_LINE.match(paragraphs[-1].strip()):
        return None, {"definition": text}
    match = _ID_LINE.match(paragraphs.pop().strip())
    assert match is not None
    fields: dict[str, object] = {}
    # The memo is written last and may hold paragraphs of its own: all of it up to the id line.
    body = text[: text.rstrip().rfind("\n") + 1].rstrip() if "\n" in text else ""
    at = 0 if body.startswith("Memo: ") else body.find("\n\nMemo: ")
    if at >= 0:
        memo_start = at + (len("Memo: ") if at == 0 else len("\n\nMemo: "))
        fields["memo"] = body[memo_start:]
        paragraphs = [p for p in re.split(r"\n\s*\n", body[:at]) if p.strip()]
    definition: list[str] = []
    labels = {label: attr for attr, label in _FIELDS}
    for paragraph in paragraphs:
        head, sep, rest = paragraph.partition(": ")
        if sep and head in labels and labels[head] not in fields:
            fields[labels[head]] = rest
        elif sep and head == "Trefwoorden":
            fields["keywords"] = tuple(k.strip() for k in rest.split(",") if k.strip())
        elif sep and head == "Actoren":
            fields["actors"] = tuple(a.strip() for a in rest.split(",") if a.strip())
        elif sep and head == "Indicatoren":
            links = []
            for item in re.split(r",(?![^(]*\))", rest):  # not the comma in "(+, hypothese)"
                m = _INDICATOR.match(item)
                if m:
                    links.append(IndicatorLink(m.group(1), m.group(2) or "+", bool(m.group(3)),
                                               "change" if m.group(4) else "level"))
            fields["indicators"] = tuple(links)
        else:
            definition.append(paragraph)
    fields["definition"] = "\n\n".join(definition)
    return match.group(1), fields


def apply_fields(code: Code, fields: dict[str, object]) -> Code:
    return replace(code, **fields)  # type: ignore[arg-type]


def slug(name: str) -> str:
    """``"Onderling vertrouwen!"`` -> ``"onderling_vertrouwen"`` (ASCII, lower case)."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    value = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
    return value[:60].rstrip("_") or "code"


def slug_id(name: str, parent_id: str | None, taken: set[str]) -> str:
    """A new code id under ``parent_id`` from a name, unique among ``taken``."""
    base = slug(name)
    candidate = f"{parent_id}.{base}" if parent_id else base
    n = 2
    unique = candidate
    while unique in taken:
        unique = f"{candidate}_{n}"
        n += 1
    return unique
