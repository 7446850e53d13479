"""Write a project as a REFI-QDA project (.qdpx) or codebook (.qdc).

The .qdpx is a zip holding ``project.qde`` (valid against Project-mrt2019.xsd) and
each document's canonical text as UTF-8 (no BOM) under ``sources/<GUID>.txt``,
referenced as ``internal://<GUID>.txt``. Every coding is one ``PlainTextSelection``
with code-point offsets (end exclusive) holding one ``Coding`` whose GUID is the
coding's own; memos of documents, codes and codings are written twice, as the
element's ``Description`` (QualCoder reads memos only there) and as a ``Note``
referred to by ``NoteRef`` (ATLAS.ti, MAXQDA, NVivo); every ``Note`` and
``TextSource`` carries its creating and modifying user and date-time (QualCoder's
importer stops at a note without one). Document attributes are typed ``Variables``;
cases are ``Cases``; code groups are ``Sets``.

Offsets are code points, as the standard says; ``offsets="utf16"`` counts UTF-16
code units instead, for NVivo for Windows (which reads them so): a text with emoji
or other characters outside the Basic Multilingual Plane differs between the two.

Things REFI-QDA cannot say (code ids, glosses, keywords, indicator links, valences,
the speaker turns and sentences) go into ``wijkverhalen.json`` beside
``project.qde``. Other programs ignore that file; wijkverhalen reads it back so a
round trip is exact, and the import skips re-running spaCy.

With ``pseudonymise`` the texts themselves are pseudonymised and every offset is
moved with them (:class:`~..pseudonymise.OffsetMap`); turns and sentences are then
left out of the sidecar (lemmas would carry the names) and the importer re-segments.
"""

from __future__ import annotations

import bisect
import json
import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..exporters import ProgressCallback, atomic_path, no_progress
from ..exporters.pseudonymise import IDENTITY, Pseudonymiser
from ..models import Code
from ..store.exchange import user_guid
from .codetext import compose_description
from .xmlio import CODEBOOK_NS, PROJECT_NS, XmlWriter, xml_attr, xml_text

if TYPE_CHECKING:
    from ..store import Project

SIDECAR = "wijkverhalen.json"
SIDECAR_FORMAT = 1
ORIGIN = f"wijkverhalen {__version__}"
_NAMESPACE = uuid.UUID("9d2e4c71-5a3b-4f8e-b0c6-1e7a2d9f4b35")
_INT = re.compile(r"^-?(?:0|[1-9][0-9]{0,17})$")
_DECIMAL = re.compile(r"^-?(?:0|[1-9][0-9]*)\.[0-9]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$")
_NAME_LIMIT = 200
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
OFFSET_MODES = ("codepoints", "utf16")
CODE_SETS_META = "refi_code_sets"  # JSON {set name: [code id, ...]}: code groups (ATLAS.ti, MAXQDA)
UNCODABLE_META = "refi_uncodable"  # JSON [code id, ...]: codes that came as isCodable="false"
PROJECT_MEMO_META = "project_memo"  # free-standing notes of imported projects


def utf16_counter(text: str) -> Any:
    """A function mapping a code-point offset of ``text`` to its UTF-16 unit offset."""
    astral = [m.start() for m in _ASTRAL.finditer(text)]
    if not astral:
        return lambda offset: offset
    return lambda offset: offset + bisect.bisect_left(astral, offset)


def meta_json(project: Project, key: str, default: Any) -> Any:
    """A JSON value kept in the project's meta table, or ``default`` when absent or malformed."""
    raw = project.get_meta(key)
    if not raw:
        return default
    try:
        value = json.loads(raw)
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


def derived_guid(*parts: str) -> str:
    """A GUID that is the same on every export of the same thing."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts))).upper()


_SELECTION_MASK = uuid.UUID("5e1ec7ed-0000-0000-0000-00000000a11c").int


def _selection_guid(coding_guid: str) -> str:
    """The selection's GUID: the coding's with fixed bits flipped (cheap, stable, distinct)."""
    try:
        return str(uuid.UUID(int=uuid.UUID(coding_guid).int ^ _SELECTION_MASK)).upper()
    except ValueError:
        return derived_guid("selection", coding_guid)


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    documents: int
    codes: int
    codings: int
    notes: int
    variables: int
    cases: int
    users: int
    pseudonymised: bool


def _valid_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _valid_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def variable_type(values: Sequence[str]) -> str:
    """The REFI-QDA type every value fits, written back exactly as stored (else Text).

    Integers with leading zeros ("007") stay Text: a number would lose them.
    """
    values = [v for v in values if v != ""]
    if not values:
        return "Text"
    if all(_INT.match(v) for v in values):
        return "Integer"
    if all(_DECIMAL.match(v) for v in values):
        return "Float"
    if all(v in ("true", "false") for v in values):
        return "Boolean"
    if all(_DATE.match(v) and _valid_date(v) for v in values):
        return "Date"
    if all(_DATETIME.match(v) and _valid_datetime(v) for v in values):
        return "DateTime"
    return "Text"


_VALUE_ELEMENT = {"Text": "TextValue", "Integer": "IntegerValue", "Float": "FloatValue",
                  "Boolean": "BooleanValue", "Date": "DateValue", "DateTime": "DateTimeValue"}


def _tree(codes: Sequence[Code]) -> dict[str | None, list[Code]]:
    ids = {c.id for c in codes}
    children: dict[str | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id if code.parent_id in ids else None, []).append(code)
    return children


def _write_codes(xml: XmlWriter, children: dict[str | None, list[Code]], guids: dict[str, str],
                 parent: str | None, notes: dict[str, str] | None, uncodable: frozenset[str] = frozenset()) -> None:
    # Iterative (an explicit stack), so no depth of codes can exhaust Python's recursion.
    stack: list[tuple[list[Code], int]] = [(children.get(parent, []), 0)]
    while stack:
        items, i = stack.pop()
        if i == len(items):
            if stack:
                xml.end()
            continue
        code = items[i]
        stack.append((items, i + 1))
        xml.start("Code", guid=guids[code.id], name=code.label,
                  isCodable="false" if code.id in uncodable else "true", color=_color(code.color))
        # The memo in the description too: QualCoder reads a code's memo only there.
        xml.text("Description", compose_description(code, memo=True))
        if notes is not None and code.id in notes:
            xml.empty("NoteRef", targetGUID=notes[code.id])
        stack.append((children.get(code.id, []), 0))


def _color(value: str) -> str | None:
    return value if re.fullmatch(r"#(?:[0-9A-Fa-f]{3}){1,2}", value or "") else None


def codebook_xml(codes: Sequence[Code], guids: dict[str, str]) -> str:
    """A Codebook-mrt2019.xsd document (.qdc) of the codes; memos go into descriptions."""
    xml = XmlWriter(CODEBOOK_NS)
    xml.start("CodeBook", origin=ORIGIN)
    xml.start("Codes")
    _write_codes(xml, _tree(codes), guids, None, None)
    xml.end()
    xml.end()
    return xml.getvalue()


def export_qdc(project: Project, output: str | Path) -> int:
    """Write the project's codebook as a .qdc file; returns the number of codes."""
    from ..errors import InvalidInput

    codes = project.codes()
    if not codes:
        raise InvalidInput("the project has no codes to export")
    text = codebook_xml(codes, project.code_guids())
    with atomic_path(output) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    return len(codes)


def export_qdpx(project: Project, output: str | Path, *, pseudonymise: bool = False, coder: str | None = None,
                offsets: str = "codepoints", progress: ProgressCallback | None = None) -> ExportSummary:
    """Write the whole project as a .qdpx file (see the module docstring)."""
    from ..errors import InvalidInput

    if offsets not in OFFSET_MODES:
        raise InvalidInput(f"--offsets must be codepoints or utf16, not '{offsets[:40]}'")
    progress = progress or no_progress
    anonymise: Pseudonymiser = Pseudonymiser.from_project(project) if pseudonymise else IDENTITY
    codes = project.codes()
    code_guids = project.code_guids()
    documents = project.documents()
    users = project.user_guids()
    if coder:
        users.setdefault(coder, user_guid(coder))
    if not users:  # every Note and TextSource names its user: there must be one
        users["wijkverhalen"] = user_guid("wijkverhalen")
    default_user = users.get(coder or "") or next(iter(users.values()))
    uncodable = frozenset(meta_json(project, UNCODABLE_META, []))
    code_sets = meta_json(project, CODE_SETS_META, {})
    codings_by_doc: dict[int, list[dict[str, Any]]] = {}
    for row in project.coding_spans():
        codings_by_doc.setdefault(row["document_id"], []).append(row)
    turns = {} if pseudonymise else project.all_segments("turn")
    sentences = {} if pseudonymise else project.all_segments("sentence")
    cases = project.case_rows()
    now = datetime.now().astimezone().replace(microsecond=0).isoformat()

    notes: list[tuple[str, str, str, str, str]] = []  # guid, name, text, user, time
    code_notes: dict[str, str] = {}
    for code in codes:
        if code.memo:
            guid = derived_guid("memo", "code", code.id)
            code_notes[code.id] = guid
            notes.append((guid, f"Memo: {code.label}", code.memo, default_user, now))

    attribute_names = sorted({k for d in documents for k in d.attributes})
    variable_types = {n: variable_type([anonymise(d.attributes.get(n, "")) for d in documents])
                      for n in attribute_names}
    variable_guids = {n: derived_guid("variable", n) for n in attribute_names}
    labels = {c.id: c.label for c in codes}
    sidecar: dict[str, Any] = {
        "wijkverhalen": __version__, "format": SIDECAR_FORMAT, "pseudonymised": pseudonymise,
        "codebook": {"name": project.get_meta("codebook_name") or "",
                     "version": project.get_meta("codebook_version") or ""},
        "codes": {code_guids[c.id]: _code_extras(c) for c in codes},
        "documents": {}, "codings": {}, "offsets": offsets,
    }
    doc_guid = {d.id: d.guid for d in documents}
    source_xml = XmlWriter(PROJECT_NS, fragment=True, depth=2)  # joined into the main writer below
    n_codings = 0
    tmp_target: Path
    # Deflate level 1: a third of the time of the default for a file 10% larger.
    with atomic_path(output) as tmp_target, zipfile.ZipFile(tmp_target, "w", zipfile.ZIP_DEFLATED,
                                                             compresslevel=1) as archive:
        for i, doc in enumerate(documents):
            text = project.document_text(doc.id)
            new_text, moved = anonymise.apply_with_offsets(text)
            archive.writestr(f"sources/{doc.guid}.txt", new_text.encode("utf-8"))
            attrs = anonymise.mapping(doc.attributes)
            rows = codings_by_doc.get(doc.id, [])
            created_doc = doc.imported_at or now
            modified_doc = max([created_doc, *(r["updated_at"] for r in rows if r["updated_at"])])
            source_xml.start("TextSource", guid=doc.guid, name=anonymise(doc.name),
                             plainTextPath=f"internal://{doc.guid}.txt",
                             creatingUser=default_user, creationDateTime=created_doc,
                             modifyingUser=default_user, modifiedDateTime=modified_doc)
            doc_memo = anonymise(doc.memo) if doc.memo else ""
            if doc_memo:  # QualCoder reads a document's memo only from its Description
                source_xml.text("Description", doc_memo)
            out = source_xml.parts
            units = utf16_counter(new_text) if offsets == "utf16" else None
            for row in rows:
                # The hot loop (one pass per coding) writes its lines directly: only the
                # name and timestamps can need escaping; GUIDs and numbers never do.
                start, end = moved(row["start"]), moved(row["end"], end=True)
                user = users.get(row["coder"]) or user_guid(row["coder"])
                created, updated = xml_attr(row["created_at"]), xml_attr(row["updated_at"])
                name = xml_attr(" ".join(new_text[start:end].split())[:_NAME_LIMIT])
                at, to = (units(start), units(end)) if units is not None else (start, end)
                out.append(f'      <PlainTextSelection guid="{_selection_guid(row["guid"])}" name="{name}" '
                           f'startPosition="{at}" endPosition="{to}" creatingUser="{user}" '
                           f'creationDateTime="{created}" modifyingUser="{user}" modifiedDateTime="{updated}">\n')
                memo = anonymise(row["memo"]) if row["memo"] else ""
                if memo:  # QualCoder reads a coding's memo only from the selection's Description
                    out.append(f"        <Description>{xml_text(memo)}</Description>\n")
                out.append(f'        <Coding guid="{row["guid"]}" creatingUser="{user}" creationDateTime="{created}">\n'
                           f'          <CodeRef targetGUID="{code_guids[row["code_id"]]}"/>\n'
                           f'        </Coding>\n')
                if memo:
                    note = derived_guid("memo", "coding", row["guid"])
                    notes.append((note, f"Memo: {labels.get(row['code_id'], row['code_id'])} in "
                                        f"{anonymise(doc.name)}", memo, user, row["updated_at"] or created))
                    out.append(f'        <NoteRef targetGUID="{note}"/>\n')
                out.append("      </PlainTextSelection>\n")
                sidecar["codings"][row["guid"]] = {"valence": row["valence"], "coder": row["coder"]}
                n_codings += 1
            if doc_memo:
                note = derived_guid("memo", "document", doc.guid)
                notes.append((note, f"Memo: {anonymise(doc.name)}", doc_memo, default_user, modified_doc))
                source_xml.empty("NoteRef", targetGUID=note)
            for name in attribute_names:
                if attrs.get(name, "") == "":
                    continue
                source_xml.start("VariableValue")
                source_xml.empty("VariableRef", targetGUID=variable_guids[name])
                source_xml.text(_VALUE_ELEMENT[variable_types[name]], attrs[name])
                source_xml.end()
            source_xml.end()
            sidecar["documents"][doc.guid] = {
                "format": doc.format, "source_path": anonymise(doc.source_path),
                "imported_at": doc.imported_at, "word_count": doc.word_count,
                "text_length": len(new_text), "canonical": not pseudonymise,
                # Turns and sentences only for the canonical text: the importer re-segments a
                # pseudonymised one (its lemmas would carry the names).
                "turns": [] if pseudonymise else [[s, e, sp] for s, e, _t, sp, _l in turns.get(doc.id, [])],
                "sentences": [[s, e, t, lem] for s, e, t, _sp, lem in sentences.get(doc.id, [])],
            }
            progress(i + 1, len(documents), doc.name)

        xml = XmlWriter(PROJECT_NS)
        first_user = users.get(coder or "") if coder else next(iter(users.values()), None)
        xml.start("Project", name=anonymise(project.path.stem), origin=ORIGIN,
                  creatingUserGUID=first_user, creationDateTime=now, modifyingUserGUID=first_user,
                  modifiedDateTime=now)
        if users:
            xml.start("Users")
            for name, guid in users.items():
                xml.empty("User", guid=guid, name=name, id=name)
            xml.end()
        if codes:
            xml.start("CodeBook")
            xml.start("Codes")
            _write_codes(xml, _tree(codes), code_guids, None, code_notes, uncodable)
            xml.end()
            xml.end()
        if attribute_names:
            xml.start("Variables")
            for name in attribute_names:
                xml.empty("Variable", guid=variable_guids[name], name=name, typeOfVariable=variable_types[name])
            xml.end()
        if cases:
            xml.start("Cases")
            for case in cases:
                xml.start("Case", guid=case["guid"], name=anonymise(case["name"]))
                if case["memo"]:
                    xml.text("Description", anonymise(case["memo"]))
                for doc_id in case["documents"]:
                    xml.empty("SourceRef", targetGUID=doc_guid[doc_id])
                xml.end()
            xml.end()
        if documents:
            xml.start("Sources")
            xml.raw(source_xml)
            xml.end()
        if notes:
            xml.start("Notes")
            for guid, name, text, user, when in notes:
                xml.start("Note", guid=guid, name=name[:_NAME_LIMIT], creatingUser=user, creationDateTime=when,
                          modifyingUser=user, modifiedDateTime=when)
                xml.text("PlainTextContent", text)
                xml.end()
            xml.end()
        known = set(code_guids)
        sets = {name: [c for c in members if isinstance(c, str) and c in known]
                for name, members in code_sets.items() if isinstance(name, str) and isinstance(members, list)}
        sets = {name: members for name, members in sets.items() if members}
        if sets:
            xml.start("Sets")
            for name, members in sorted(sets.items()):
                xml.start("Set", guid=derived_guid("set", "codes", name), name=name)
                for code_id in members:
                    xml.empty("MemberCode", targetGUID=code_guids[code_id])
                xml.end()
            xml.end()
        xml.text("Description", f"Geëxporteerd uit wijkverhalen {__version__}; codeboek "
                                f"{sidecar['codebook']['name']} {sidecar['codebook']['version']}".strip())
        xml.end()
        archive.writestr("project.qde", xml.getvalue().encode("utf-8"))
        archive.writestr(SIDECAR, json.dumps(sidecar, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return ExportSummary(path=Path(output), documents=len(documents), codes=len(codes), codings=n_codings,
                         notes=len(notes), variables=len(attribute_names), cases=len(cases),
                         users=len(users), pseudonymised=pseudonymise)


def _code_extras(code: Code) -> dict[str, Any]:
    return {"id": code.id, "label": code.label, "parent_id": code.parent_id, "position": code.position,
            "gloss": code.gloss, "definition": code.definition, "include": code.include,
            "exclude": code.exclude, "example": code.example, "color": code.color,
            "keywords": list(code.keywords),
            "indicators": [{"indicator": i.indicator, "direction": i.direction, "hypothesis": i.hypothesis,
                            "aspect": i.aspect} for i in code.indicators],
            "actors": list(code.actors), "memo": code.memo, "source": code.source, "valence": code.valence}
