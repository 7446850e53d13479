"""Parse REFI-QDA XML (project.qde, .qdc) into plain dataclasses, tolerating real files.

Files written by ATLAS.ti, NVivo, MAXQDA, QualCoder, Taguette and qc differ from the
schema in small ways this parser accepts: other namespace versions or none, GUIDs in
either case or in braces, empty list elements (``<Sets/>``), a source's codings
directly on the source instead of on a selection, notes linked to selections through
``Links`` (NVivo annotations), memos as ``Description`` or as ``NoteRef``. Nothing
here touches the store or the zip; :mod:`.importer` does.

Hostile files: codes nested deeper than :data:`MAX_CODE_DEPTH` are refused with one
line (the walk is iterative, so no depth reaches Python's recursion limit), and every
value quoted in a message is cut short (:func:`clip`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from ..errors import ExchangeError
from .xmlio import by_name, child, child_text, children, local

SOURCE_KINDS = {"TextSource": "text", "PDFSource": "PDF", "PictureSource": "picture",
                "AudioSource": "audio", "VideoSource": "video"}
MAX_CODE_DEPTH = 100  # real codebooks are a few levels deep; NVivo allows about 20
VALUE_ELEMENTS = ("TextValue", "IntegerValue", "FloatValue", "BooleanValue", "DateValue", "DateTimeValue")


def norm_guid(value: str | None) -> str:
    return (value or "").strip().strip("{}").upper()


def clip(value: object, limit: int = 60) -> str:
    """A value from a file, cut short for a message (a hostile file can hold kilobytes)."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


@dataclass
class RefiCode:
    guid: str
    name: str
    color: str | None
    description: str
    codable: bool
    note_refs: list[str] = field(default_factory=list)
    children: list[RefiCode] = field(default_factory=list)


@dataclass
class RefiCoding:
    guid: str
    code_guid: str
    user: str
    created: str
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    guid: str
    start: int | None
    end: int | None
    raw_start: str
    raw_end: str
    description: str
    user: str
    created: str
    modified: str
    codings: list[RefiCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiSource:
    guid: str
    name: str
    kind: str
    plain_path: str
    rich_path: str
    content: str | None
    description: str
    user: str
    created: str
    values: list[tuple[str, str]] = field(default_factory=list)  # (variable guid, value)
    selections: list[RefiSelection] = field(default_factory=list)
    codings: list[RefiCoding] = field(default_factory=list)  # whole-source codings
    note_refs: list[str] = field(default_factory=list)
    other_selections: int = 0  # picture/PDF/audio selections that cannot be imported
    other_codings: int = 0  # the codings on those selections


@dataclass
class RefiNote:
    guid: str
    name: str
    content: str | None
    plain_path: str


@dataclass
class RefiCase:
    guid: str
    name: str
    description: str
    source_refs: list[str] = field(default_factory=list)
    selection_refs: list[str] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RefiSet:
    guid: str
    name: str
    description: str
    codes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiProject:
    name: str
    origin: str
    description: str = ""
    users: dict[str, str] = field(default_factory=dict)  # guid -> name
    codes: list[RefiCode] = field(default_factory=list)
    variables: dict[str, tuple[str, str]] = field(default_factory=dict)  # guid -> (name, type)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: dict[str, RefiNote] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)  # (origin guid, target guid)
    sets: list[RefiSet] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)  # names
    unknown_user_refs: int = 0


def _int(value: str | None) -> int | None:
    if value is None or len(value.strip()) > 20:  # no text has offsets of more than 20 digits
        return None
    try:
        return int(value.strip())
    except ValueError:
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return int(number) if number.is_integer() else None


def _refs(element: Element, name: str) -> list[str]:
    return [norm_guid(r.get("targetGUID") or r.get("guid")) for r in children(element, name)
            if r.get("targetGUID") or r.get("guid")]


def parse_codes(codes_element: Element | None) -> list[RefiCode]:
    """The code tree, walked with an explicit stack (no recursion), at most MAX_CODE_DEPTH deep."""
    out: list[RefiCode] = []
    if codes_element is None:
        return out
    stack: list[tuple[Element, list[RefiCode], int]] = [(e, out, 1) for e in reversed(list(children(codes_element, "Code")))]
    while stack:
        element, siblings, depth = stack.pop()
        if depth > MAX_CODE_DEPTH:
            raise ExchangeError(f"codes are nested more than {MAX_CODE_DEPTH} levels deep (code "
                                f"'{clip(element.get('name') or element.get('guid') or '')}'); refused")
        code = _code(element)
        siblings.append(code)
        stack.extend((c, code.children, depth + 1) for c in reversed(list(children(element, "Code"))))
    return out


def _code(element: Element) -> RefiCode:
    return RefiCode(
        guid=norm_guid(element.get("guid")), name=(element.get("name") or "").strip(),
        color=element.get("color"), description=child_text(element, "Description"),
        codable=(element.get("isCodable") or "true").strip().lower() not in ("false", "0"),
        note_refs=_refs(element, "NoteRef"))


def walk_codes(roots: list[RefiCode]) -> list[RefiCode]:
    """Every code of the tree, parents first (iterative)."""
    out: list[RefiCode] = []
    stack = list(reversed(roots))
    while stack:
        code = stack.pop()
        out.append(code)
        stack.extend(reversed(code.children))
    return out


def _ref_list(items: list[Element]) -> list[str]:
    return [norm_guid(r.get("targetGUID") or r.get("guid")) for r in items if r.get("targetGUID") or r.get("guid")]


def _text_of(items: list[Element] | None) -> str:
    return "".join(items[0].itertext()) if items else ""


def _coding(element: Element) -> RefiCoding:
    kids = by_name(element)
    ref = kids.get("CodeRef", [None])[0]
    return RefiCoding(
        guid=norm_guid(element.get("guid")),
        code_guid=norm_guid(ref.get("targetGUID") if ref is not None else None),
        user=norm_guid(element.get("creatingUser")), created=element.get("creationDateTime") or "",
        note_refs=_ref_list(kids.get("NoteRef", [])))


def _values(element: Element, items: list[Element] | None = None) -> list[tuple[str, str]]:
    out = []
    for vv in items if items is not None else list(children(element, "VariableValue")):
        ref = child(vv, "VariableRef")
        if ref is None:
            continue
        value = next((child_text(vv, name) for name in VALUE_ELEMENTS if child(vv, name) is not None), "")
        out.append((norm_guid(ref.get("targetGUID")), value.strip()))
    return out


def _source(element: Element, kind: str) -> RefiSource:
    kids = by_name(element)
    content = kids.get("PlainTextContent")
    source = RefiSource(
        guid=norm_guid(element.get("guid")), name=(element.get("name") or "").strip(), kind=kind,
        plain_path=element.get("plainTextPath") or (element.get("path") if kind != "text" else "") or "",
        rich_path=element.get("richTextPath") or "",
        content="".join(content[0].itertext()) if content else None,
        description=_text_of(kids.get("Description")),
        user=norm_guid(element.get("creatingUser") or element.get("modifyingUser")),
        created=element.get("creationDateTime") or element.get("modifiedDateTime") or "",
        values=_values(element, kids.get("VariableValue", [])), note_refs=_ref_list(kids.get("NoteRef", [])),
        codings=[_coding(c) for c in kids.get("Coding", [])])
    for sel in kids.get("PlainTextSelection", []):
        parts = by_name(sel)
        source.selections.append(RefiSelection(
            guid=norm_guid(sel.get("guid")), start=_int(sel.get("startPosition")),
            end=_int(sel.get("endPosition")), raw_start=sel.get("startPosition") or "",
            raw_end=sel.get("endPosition") or "", description=_text_of(parts.get("Description")),
            user=norm_guid(sel.get("creatingUser") or sel.get("modifyingUser")),
            created=sel.get("creationDateTime") or "", modified=sel.get("modifiedDateTime") or "",
            codings=[_coding(c) for c in parts.get("Coding", [])], note_refs=_ref_list(parts.get("NoteRef", []))))
    for sel_name in ("PictureSelection", "PDFSelection", "AudioSelection", "VideoSelection"):
        for sel in kids.get(sel_name, []):
            source.other_selections += 1
            source.other_codings += sum(1 for _ in children(sel, "Coding"))
    for rep in kids.get("Representation", []) + kids.get("Transcript", []):  # PDF text, A/V transcripts
        for sel in children(rep, "PlainTextSelection"):
            source.other_selections += 1
            source.other_codings += sum(1 for _ in children(sel, "Coding"))
    return source


def parse_project(root: Element) -> RefiProject:
    if local(root.tag) != "Project":
        raise ExchangeError(f"project.qde has root element <{clip(local(root.tag))}>, expected <Project>")
    project = RefiProject(name=root.get("name") or "", origin=root.get("origin") or "",
                          description=child_text(root, "Description"))
    users = child(root, "Users")
    for user in children(users, "User") if users is not None else []:
        project.users[norm_guid(user.get("guid"))] = (user.get("name") or user.get("id") or "").strip()
    codebook = child(root, "CodeBook")
    if codebook is not None:
        project.codes = parse_codes(child(codebook, "Codes"))
    variables = child(root, "Variables")
    for var in children(variables, "Variable") if variables is not None else []:
        project.variables[norm_guid(var.get("guid"))] = ((var.get("name") or "").strip(),
                                                         var.get("typeOfVariable") or "Text")
    cases = child(root, "Cases")
    for case in children(cases, "Case") if cases is not None else []:
        project.cases.append(RefiCase(
            guid=norm_guid(case.get("guid")), name=(case.get("name") or "").strip(),
            description=child_text(case, "Description"), source_refs=_refs(case, "SourceRef"),
            selection_refs=_refs(case, "SelectionRef"), values=_values(case)))
    sources = child(root, "Sources")
    for element in list(sources) if sources is not None else []:
        kind = SOURCE_KINDS.get(local(element.tag))
        if kind is not None:
            project.sources.append(_source(element, kind))
    notes = child(root, "Notes")
    for note in children(notes, "Note") if notes is not None else []:
        content = child(note, "PlainTextContent")
        guid = norm_guid(note.get("guid"))
        project.notes[guid] = RefiNote(
            guid=guid, name=note.get("name") or "",
            content="".join(content.itertext()) if content is not None else None,
            plain_path=note.get("plainTextPath") or "")
    links = child(root, "Links")
    for link in children(links, "Link") if links is not None else []:
        project.links.append((norm_guid(link.get("originGUID")), norm_guid(link.get("targetGUID"))))
    sets = child(root, "Sets")
    for item in children(sets, "Set") if sets is not None else []:
        project.sets.append(RefiSet(
            guid=norm_guid(item.get("guid")), name=(item.get("name") or "").strip(),
            description=child_text(item, "Description"), codes=_refs(item, "MemberCode"),
            sources=_refs(item, "MemberSource"), notes=_refs(item, "MemberNote")))
    graphs = child(root, "Graphs")
    for graph in children(graphs, "Graph") if graphs is not None else []:
        project.graphs.append((graph.get("name") or norm_guid(graph.get("guid"))).strip())
    return project


def parse_codebook(root: Element) -> tuple[list[RefiCode], str]:
    """Codes and origin of a .qdc (``<CodeBook>``) or of a project (``<Project>``)."""
    tag = local(root.tag)
    if tag == "CodeBook":
        return parse_codes(child(root, "Codes")), root.get("origin") or ""
    if tag == "Project":
        codebook = child(root, "CodeBook")
        return parse_codes(child(codebook, "Codes") if codebook is not None else None), root.get("origin") or ""
    raise ExchangeError(f"root element <{clip(tag)}> is neither <CodeBook> nor <Project>")
