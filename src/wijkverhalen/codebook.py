"""Codebook YAML: load, validate, write back and compare.

The format (documented in the header of ``codebook/veerkracht.yaml``) nests codes
through ``children:``; a :class:`Codebook` holds them flattened in tree pre-order with
``parent_id`` and ``position`` set. Validation walks the node graph of
:func:`yaml.compose`, not plain Python objects, because only nodes keep their marks:
every problem is a :class:`~wijkverhalen.errors.CodebookError` with file, line and
column. :func:`dump_codebook` writes the same format back (``parse(dump(cb)) == cb``).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from wijkverhalen.errors import CodebookError
from wijkverhalen.models import Code, IndicatorLink
from wijkverhalen.safeyaml import CodebookLoader, RefusedYAML

TOP_LEVEL_KEYS = ("name", "version", "language", "description", "codes")
CODE_KEYS = ("id", "label", "gloss", "definition", "include", "exclude", "valence",
             "example", "source", "memo", "color", "keywords", "indicators", "actors",
             "children")
INDICATOR_KEYS = ("id", "direction", "hypothesis", "aspect")
ASPECTS = ("level", "change")
DEFAULT_COLOR = "#888888"  # for top-level codes without a colour; sub-codes inherit
_TEXT_FIELDS = ("gloss", "definition", "include", "exclude", "valence", "example", "source")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
# The YAML mistakes people make in codebooks, with the usual fix.
_SYNTAX_HINTS = {
    "sequence entries are not allowed here": "a lone '-' must be quoted: direction: \"-\"",
    "expected <block end>, but found '-'":
        "check the indentation: sub-codes go in a list under 'children:'",
    "mapping values are not allowed here":
        "quote text that contains ': ', as in label: \"Wonen: woning en straat\"",
    "that cannot start any token": "YAML does not allow tabs for indentation",
}


@dataclass(frozen=True)
class Codebook:
    """A validated codebook; ``codes`` are in tree pre-order."""

    name: str
    version: str
    description: str
    language: str
    codes: tuple[Code, ...]

    def by_id(self) -> dict[str, Code]:
        """Codes keyed by id, in tree order."""
        return {code.id: code for code in self.codes}

    def children(self, parent_id: str | None) -> tuple[Code, ...]:
        """Direct children of ``parent_id`` (``None``: the top-level codes), by position."""
        kids = [code for code in self.codes if code.parent_id == parent_id]
        return tuple(sorted(kids, key=lambda code: code.position))


def normalize_color(value: str) -> str | None:
    """``#abc`` or ``#aabbcc`` as upper-case ``#AABBCC``; ``None`` if not a colour."""
    value = value.strip()
    if not _COLOR.match(value):
        return None
    digits = value[1:] if len(value) == 7 else "".join(ch * 2 for ch in value[1:])
    return "#" + digits.upper()


# The colours offered for codes: well apart on a dark and on a light terminal. A new code
# without a colour gets the one of these furthest from the colours around it (new_code_color).
PALETTE: tuple[tuple[str, str], ...] = (
    ("blue", "#3D7DD8"),
    ("teal", "#1E9E8F"),
    ("green", "#4C9A2A"),
    ("olive", "#8C8C1E"),
    ("amber", "#D08A00"),
    ("orange", "#E0672B"),
    ("red", "#CC3D3D"),
    ("rose", "#C2457A"),
    ("purple", "#8A55C9"),
    ("indigo", "#5A62C8"),
    ("brown", "#9A6B3F"),
    ("grey", "#888888"),
)


def _lab(color: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a ``#RRGGBB`` colour: distances there are close to what eyes see."""
    hex_value = normalize_color(color) or DEFAULT_COLOR
    rgb = [int(hex_value[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def color_distance(a: str, b: str) -> float:
    """How different two colours look (CIE76 ΔE; below ~10 they are hard to tell apart)."""
    return math.dist(_lab(a), _lab(b))


def new_code_color(codes: Iterable[Code], parent_id: str | None = None) -> str:
    """A colour for a new code under ``parent_id`` that stands out from those around it.

    The palette colour furthest from its parent's and siblings' colours, and among
    equals the one furthest from every colour in the codebook (never grey: that is
    the colour of codes nobody coloured).
    """
    codes = list(codes)
    near = [c.color for c in codes if c.parent_id == parent_id or c.id == parent_id]
    used = [c.color for c in codes]

    def apart(color: str, others: list[str]) -> float:
        return min((color_distance(color, o) for o in others), default=math.inf)

    candidates = [hex_value for _, hex_value in PALETTE if hex_value != DEFAULT_COLOR]
    return max(candidates, key=lambda c: (apart(c, near), apart(c, used)))


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file; raise the first :class:`CodebookError`."""
    return parse_codebook(_read_text(path), str(path))


def parse_codebook(text: str, path: str = "<string>") -> Codebook:
    """Validate codebook YAML ``text``; raise the first error in document order."""
    codebook, errors = _analyse(text, path)
    if errors or codebook is None:
        raise errors[0]
    return codebook


def validate_codebook_text(text: str, path: str = "<string>") -> list[CodebookError]:
    """Every problem in ``text``, in document order (empty when the codebook is valid)."""
    return _analyse(text, path)[1]


def validate_codebook_file(path: str | Path) -> list[CodebookError]:
    """Like :func:`validate_codebook_text`; an unreadable file is one error."""
    try:
        text = _read_text(path)
    except CodebookError as error:
        return [error]
    return validate_codebook_text(text, str(path))


def default_codebook_path() -> Path:
    """The bundled ``veerkracht.yaml`` (a wheel's resources, else the source checkout)."""
    from .resources import resource_path

    path = resource_path("codebook/veerkracht.yaml")
    if not path.is_file():
        raise CodebookError("the bundled codebook veerkracht.yaml is missing from this install")
    return path


def _read_text(path: str | Path) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise CodebookError(f"cannot read codebook: {error.strerror}", path=path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        raise CodebookError("the codebook is not valid UTF-8", path=path,
                            line=data[: error.start].count(b"\n") + 1,
                            column=error.start - line_start + 1) from None


def _analyse(text: str, path: str) -> tuple[Codebook | None, list[CodebookError]]:
    try:
        root = yaml.compose(text, Loader=CodebookLoader)  # no anchors/aliases: no bombs
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        hints = [hint for key, hint in _SYNTAX_HINTS.items() if key in problem]
        message = f"YAML syntax error: {problem}" + (f" ({hints[0]})" if hints else "")
        if isinstance(error, RefusedYAML):  # valid YAML, but refused (an anchor, deep nesting)
            message = problem
        where = {"line": mark.line + 1, "column": mark.column + 1} if mark else {}
        return None, [CodebookError(message, path=path, **where)]
    except yaml.reader.ReaderError as error:  # a control character or similar
        line = text[: error.position].count("\n") + 1
        return None, [CodebookError(f"YAML syntax error: {error.reason}", path=path, line=line)]
    checker = _Checker(path)
    codebook = checker.codebook(root)
    errors = sorted(checker.errors, key=lambda e: (e.line or 0, e.column or 0))
    return (None if errors else codebook), errors


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "an empty value" if _is_null(node) else f"the value {node.value!r}"


class _Checker:
    """Walks the composed node graph, building codes and collecting errors."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[CodebookError] = []
        self.first_line: dict[str, int] = {}  # code id -> line of its first definition

    def error(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.errors.append(CodebookError(message, path=self.path,
                                         line=mark.line + 1, column=mark.column + 1))

    def mapping(self, node: yaml.MappingNode, allowed: Sequence[str],
                where: str) -> dict[str, yaml.Node]:
        """Values of a mapping node by key; reports unknown and repeated keys."""
        found: dict[str, yaml.Node] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.error(key_node, f"unknown key {key!r} {where}; {hint}"
                                     f"allowed keys: {', '.join(allowed)}")
            elif key in found:
                self.error(key_node, f"duplicate key {key!r} {where} "
                                     f"(first on line {key_lines[key]})")
            else:
                found[key], key_lines[key] = value_node, key_node.start_mark.line + 1
        return found

    def text(self, node: yaml.Node, field: str, *, required: bool = False) -> str | None:
        """A scalar as written in the file (``1.0`` stays ``"1.0"``), stripped."""
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{field} must be text, not {_kind(node)}")
            return None
        value = "" if node.tag == _NULL_TAG else node.value.strip()
        if required and not value:
            self.error(node, f"{field} is empty")
            return None
        return value

    def items(self, node: yaml.Node, field: str) -> list[yaml.Node]:
        """Entries of a list (an empty value counts as an empty list)."""
        if _is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{field} must be a list, as in {field}: [a, b], not {_kind(node)}")
            return []
        return list(node.value)

    def texts(self, node: yaml.Node, field: str, *, slugs: bool = False) -> tuple[str, ...]:
        """A list of text (or of slugs), lower-cased for keywords, without repeats."""
        out: list[str] = []
        for item in self.items(node, field):
            if not isinstance(item, yaml.ScalarNode) or _is_null(item):
                self.error(item, f"every entry of {field} must be text, not {_kind(item)}")
            elif slugs and not self.slug(item, item.value, f"{field[:-1]} id"):
                continue
            else:
                value = item.value if slugs else " ".join(item.value.lower().split())
                if value and value not in out:
                    out.append(value)
        return tuple(out)

    def slug(self, node: yaml.Node, value: str, what: str) -> bool:
        if _SLUG.match(value):
            return True
        self.error(node, f"{what} {value!r} is not a slug: use lower-case letters, digits "
                         "and . _ - (starting with a letter or digit)")
        return False

    def codebook(self, root: yaml.Node | None) -> Codebook | None:
        if root is None:
            self.errors.append(CodebookError("the codebook is empty", path=self.path, line=1))
            return None
        if not isinstance(root, yaml.MappingNode):
            self.error(root, f"the top level must be a mapping with keys "
                             f"{', '.join(TOP_LEVEL_KEYS)}, not {_kind(root)}")
            return None
        keys = self.mapping(root, TOP_LEVEL_KEYS, "at the top level")
        meta = {"name": "", "version": "1", "language": "nl", "description": ""}
        for field in meta:
            value = self.text(keys[field], field) if field in keys else None
            meta[field] = value or meta[field]
        if "codes" not in keys:
            self.error(root, "missing key 'codes' (the list of codes)")
            return None
        codes: list[Code] = []
        self.code_list(keys["codes"], None, DEFAULT_COLOR, codes, "codes")
        return Codebook(codes=tuple(codes), **meta)

    def code_list(self, node: yaml.Node, parent: str | None, parent_color: str,
                  out: list[Code], field: str) -> None:
        if not _is_null(node) and not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{field} must be a list of codes (start each code with '- '), "
                             f"not {_kind(node)}")
            return
        position = 0
        for entry in node.value if isinstance(node, yaml.SequenceNode) else ():
            if self.code(entry, parent, position, parent_color, out):
                position += 1

    def code(self, node: yaml.Node, parent: str | None, position: int,
             parent_color: str, out: list[Code]) -> bool:
        """Check one code and its children; append it to ``out`` if it is valid."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"a code must be a mapping with at least id and label, "
                             f"not {_kind(node)} (check the nesting)")
            return False
        shown = "in a code"
        for key_node, value_node in node.value:
            if getattr(key_node, "value", None) == "id" and getattr(value_node, "value", ""):
                shown = f"in code {value_node.value!r}"
        keys = self.mapping(node, CODE_KEYS, shown)
        code_id = self.code_id(node, keys.get("id"))
        label = self.text(keys["label"], "label", required=True) if "label" in keys else None
        if "label" not in keys:
            self.error(node, f"code {code_id!r} has no label" if code_id else
                       "code without a label")
        values = {f: self.text(keys[f], f) for f in (*_TEXT_FIELDS, "memo") if f in keys}
        color = parent_color
        if "color" in keys:
            raw = self.text(keys["color"], "color")
            if raw == "":
                self.error(keys["color"], "color is empty; quote it, as in color: \"#3D7DD8\" "
                                          "(an unquoted # starts a YAML comment)")
            elif raw is not None and normalize_color(raw) is None:
                self.error(keys["color"], f"color {raw!r} is not #RGB or #RRGGBB")
            # Kept as written (not normalised), so a sync sees only real edits.
            color = raw if raw and normalize_color(raw) else parent_color
        words = self.texts(keys["keywords"], "keywords") if "keywords" in keys else ()
        links = self.indicators(keys["indicators"]) if "indicators" in keys else ()
        actors = self.texts(keys["actors"], "actors", slugs=True) if "actors" in keys else ()
        code = None
        if code_id and label and None not in values.values():
            code = Code(id=code_id, label=label, parent_id=parent, position=position,
                        color=color, keywords=words, indicators=links, actors=actors,
                        **values)  # type: ignore[arg-type]
            out.append(code)
        if "children" in keys:  # checked under a broken parent too, so all errors surface
            self.code_list(keys["children"], code_id if code else parent, color, out,
                           "children")
        return code is not None

    def code_id(self, node: yaml.MappingNode, id_node: yaml.Node | None) -> str | None:
        """The id of a code if it is present, a slug and new; reports it otherwise."""
        if id_node is None:
            self.error(node, "code without an id")
            return None
        code_id = self.text(id_node, "id", required=True)
        if code_id is None or not self.slug(id_node, code_id, "code id"):
            return None
        if code_id in self.first_line:
            self.error(id_node, f"duplicate code id {code_id!r} "
                                f"(first defined on line {self.first_line[code_id]})")
            return None
        self.first_line[code_id] = id_node.start_mark.line + 1
        return code_id

    def indicators(self, node: yaml.Node) -> tuple[IndicatorLink, ...]:
        """Indicator links: a bare id (direction ``+``) or ``{id, direction, hypothesis, aspect}``.

        ``aspect`` is ``level`` (the default: the stories say how much of the theme there
        is) or ``change`` (they say it grows or shrinks).
        """
        links = []
        for item in self.items(node, "indicators"):
            id_node: yaml.Node = item
            direction: str | None = "+"
            hypothesis: bool | None = False
            aspect: str | None = "level"
            if isinstance(item, yaml.MappingNode):
                keys = self.mapping(item, INDICATOR_KEYS, "in an indicator")
                if "id" not in keys:
                    self.error(item, "indicator without an id")
                    continue
                id_node = keys["id"]
                if "direction" in keys:
                    direction = self.text(keys["direction"], "direction")
                    if direction is not None and direction not in ("+", "-"):
                        self.error(keys["direction"], "indicator direction must be \"+\" "
                                                      f"or \"-\", not {direction!r}")
                        direction = None
                if "hypothesis" in keys:
                    flag = self.text(keys["hypothesis"], "hypothesis")
                    hypothesis = _BOOLS.get((flag or "").lower())
                    if flag is not None and hypothesis is None:
                        self.error(keys["hypothesis"], "hypothesis must be true or false, "
                                                       f"not {flag!r}")
                if "aspect" in keys:
                    aspect = self.text(keys["aspect"], "aspect")
                    if aspect is not None and aspect not in ASPECTS:
                        self.error(keys["aspect"], f"indicator aspect must be level or change, not {aspect!r}")
                        aspect = None
            elif not isinstance(item, yaml.ScalarNode) or _is_null(item):
                self.error(item, "an indicator must be an id or a mapping with id and "
                                 f"direction, not {_kind(item)}")
                continue
            indicator = self.text(id_node, "indicator id", required=True)
            if (indicator and self.slug(id_node, indicator, "indicator id") and direction
                    and hypothesis is not None and aspect):
                links.append(IndicatorLink(indicator, direction, hypothesis, aspect))
        return tuple(links)


class _Flow(list):  # type: ignore[type-arg]
    """A list written in flow style: ``[a, b, c]``."""


class _FlowMap(dict):  # type: ignore[type-arg]
    """A mapping written in flow style: ``{id: x, direction: "+"}``."""


class _Quoted(str):
    """Text always written in double quotes (colours, ``"+"``/``"-"``), as people write it."""


class _Dumper(yaml.SafeDumper):
    """SafeDumper that indents lists under their key, as people write codebooks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        # Never write anchors: the codebook loader refuses them (safeyaml).
        return True


_Dumper.add_representer(str, lambda d, v: d.represent_scalar(
    _STR_TAG, v, style="|" if "\n" in v else None))
_Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar(_STR_TAG, str(v), style='"'))
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence(
    "tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(_FlowMap, lambda d, v: d.represent_mapping(
    "tag:yaml.org,2002:map", v, flow_style=True))


def dump_codebook(codebook: Codebook | Sequence[Code], *, name: str | None = None,
                  version: str | None = None, description: str | None = None,
                  language: str | None = None, header: str | None = None) -> str:
    """Write codes as nested codebook YAML that :func:`parse_codebook` reads back.

    ``codebook`` is a :class:`Codebook` or a sequence of codes with ``parent_id`` and
    ``position`` set (as the project store returns them); keyword arguments override
    the codebook's metadata. Empty optional fields are left out, and so is a colour
    equal to the parent's (children inherit it). ``header`` becomes a ``#`` comment.
    """
    codes: Sequence[Code] = codebook.codes if isinstance(codebook, Codebook) else codebook
    if isinstance(codebook, Codebook):
        name = codebook.name if name is None else name
        version = codebook.version if version is None else version
        description = codebook.description if description is None else description
        language = codebook.language if language is None else language
    known = {code.id for code in codes}
    kids: dict[str | None, list[Code]] = {}
    for code in codes:
        if code.parent_id is not None and code.parent_id not in known:
            raise CodebookError(f"code {code.id!r} has parent {code.parent_id!r}, "
                                "which is not in the codebook")
        kids.setdefault(code.parent_id, []).append(code)

    def entries(parent: str | None, parent_color: str) -> list[dict[str, Any]]:
        return [entry(code, parent_color)
                for code in sorted(kids.get(parent, []), key=lambda code: code.position)]

    def entry(code: Code, parent_color: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": code.id, "label": code.label}
        out.update({f: getattr(code, f) for f in (*_TEXT_FIELDS, "memo") if getattr(code, f)})
        if code.color != parent_color:
            out["color"] = _Quoted(code.color)
        if code.keywords:
            out["keywords"] = _Flow(code.keywords)
        if code.indicators:
            out["indicators"] = [_FlowMap(id=link.indicator, direction=_Quoted(link.direction),
                                          **({"hypothesis": True} if link.hypothesis else {}),
                                          **({"aspect": link.aspect} if link.aspect != "level" else {}))
                                 for link in code.indicators]
        if code.actors:
            out["actors"] = _Flow(code.actors)
        if code.id in kids:
            out["children"] = entries(code.id, code.color)
        return out

    document: dict[str, Any] = {"name": name or "", "version": _Quoted(version or "1"),
                                "language": language or "nl"}
    if description:
        document["description"] = description
    document["codes"] = entries(None, DEFAULT_COLOR)
    text = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=88, indent=2, default_flow_style=False)
    # A blank line between top-level codes. Continuation lines of values are indented
    # deeper than two spaces, so this cannot change a value.
    text = re.sub(r"(?<!\ncodes:)\n(  - id: )", r"\n\n\1", text)
    if header:
        text = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines()) + "\n" + text
    return text


@dataclass(frozen=True)
class CodeChange:
    """A code on both sides whose content differs; ``fields`` names what changed."""

    id: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class CodebookDiff:
    """What turns the old codes into the new ones (ids in the order of their side).

    ``moved`` holds codes with a new parent or a new order among the siblings they
    keep; codes added or removed around them do not make them move.
    """

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[CodeChange, ...] = ()
    moved: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved)

    def summary(self) -> str:
        """One line, e.g. ``2 added, 1 removed, 3 changed, 0 moved``."""
        return (f"{len(self.added)} added, {len(self.removed)} removed, "
                f"{len(self.changed)} changed, {len(self.moved)} moved")


_CONTENT_FIELDS = tuple(f.name for f in fields(Code)
                        if f.name not in ("id", "parent_id", "position"))


def diff_codebooks(old_codes: Codebook | Sequence[Code],
                   new_codes: Codebook | Sequence[Code]) -> CodebookDiff:
    """Compare two codebooks by code id (ids are stable; labels may change)."""
    old = {c.id: c for c in (old_codes.codes if isinstance(old_codes, Codebook) else old_codes)}
    new = {c.id: c for c in (new_codes.codes if isinstance(new_codes, Codebook) else new_codes)}
    changed = []
    for code_id in (i for i in new if i in old):
        differs = tuple(f for f in _CONTENT_FIELDS
                        if getattr(old[code_id], f) != getattr(new[code_id], f))
        if differs:
            changed.append(CodeChange(code_id, differs))
    # Codes kept on both sides under the same parent, ranked among each other per side.
    stay = [i for i in new if i in old and old[i].parent_id == new[i].parent_id]

    def rank(side: dict[str, Code]) -> dict[str, int]:
        ordered = sorted(stay, key=lambda i: (side[i].parent_id or "", side[i].position))
        return {i: sum(1 for j in ordered[:n] if side[j].parent_id == side[i].parent_id)
                for n, i in enumerate(ordered)}

    old_rank, new_rank = rank(old), rank(new)
    moved = tuple(i for i in new if i in old and (
        old[i].parent_id != new[i].parent_id or old_rank[i] != new_rank[i]))
    return CodebookDiff(added=tuple(i for i in new if i not in old),
                        removed=tuple(i for i in old if i not in new),
                        changed=tuple(changed), moved=moved)
