"""Writing and safely reading the XML of REFI-QDA files.

Writing: a small streaming writer rather than ElementTree, because REFI-QDA text
must survive a round trip exactly. An XML parser turns a literal carriage return in
text or attributes into a newline (end-of-line normalisation) and tabs/newlines in
attributes into spaces, so memos with Windows line ends would come back changed;
this writer escapes them as character references (``&#13;``, ``&#10;``, ``&#9;``).
Characters that XML 1.0 cannot hold at all (most C0 controls, lone surrogates) are
replaced by U+FFFD so the file always parses.

Reading: the XML comes from outside, so it is parsed with ``defusedxml``, which
refuses entity declarations (billion laughs, external entities / XXE) and never
touches the network. Namespaces are stripped: real files use ``urn:QDA-XML:project:1.0``,
older drafts (``0:4``) or none at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from ..errors import ExchangeError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_ATTR_ESCAPES = {**_TEXT_ESCAPES, '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
_TEXT_RE = re.compile("[&<>\r]")
_ATTR_RE = re.compile('[&<>"\r\n\t]')


_TEXT_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ATTR_SPECIAL = re.compile('[&<>"\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]')


def xml_text(value: str) -> str:
    if _TEXT_SPECIAL.search(value) is None:  # the usual case: nothing to escape
        return value
    value = _INVALID.sub("\ufffd", value)
    return _TEXT_RE.sub(lambda m: _TEXT_ESCAPES[m.group(0)], value)


def xml_attr(value: str) -> str:
    if _ATTR_SPECIAL.search(value) is None:
        return value
    value = _INVALID.sub("\ufffd", value)
    return _ATTR_RE.sub(lambda m: _ATTR_ESCAPES[m.group(0)], value)


class XmlWriter:
    """Appends indented XML to a list of strings; ``getvalue()`` joins them.

    A ``fragment`` writer has no declaration and no namespace and is indented by
    ``depth`` levels, for building a part of a document separately.
    """

    def __init__(self, namespace: str, *, fragment: bool = False, depth: int = 0) -> None:
        self.parts: list[str] = [] if fragment else ['<?xml version="1.0" encoding="utf-8"?>\n']
        self.namespace = None if fragment else namespace
        self.depth = depth
        self.stack: list[str] = []

    def _open(self, tag: str, attrs: dict[str, Any]) -> str:
        if self.namespace is not None:
            attrs = {"xmlns": self.namespace, **attrs}
            self.namespace = None
        rendered = "".join([f' {k}="{xml_attr(v if isinstance(v, str) else str(v))}"'
                            for k, v in attrs.items() if v is not None])
        return f"{'  ' * (self.depth + len(self.stack))}<{tag}{rendered}"

    def start(self, tag: str, **attrs: Any) -> None:
        self.parts.append(self._open(tag, attrs) + ">\n")
        self.stack.append(tag)

    def end(self) -> None:
        tag = self.stack.pop()
        self.parts.append(f"{'  ' * (self.depth + len(self.stack))}</{tag}>\n")

    def empty(self, tag: str, **attrs: Any) -> None:
        self.parts.append(self._open(tag, attrs) + "/>\n")

    def text(self, tag: str, value: str, **attrs: Any) -> None:
        self.parts.append(self._open(tag, attrs) + f">{xml_text(value)}</{tag}>\n")

    def raw(self, fragment: XmlWriter) -> None:
        """Insert a finished fragment writer's output here."""
        self.parts.append(fragment.getvalue())

    def getvalue(self) -> str:
        if self.stack:
            raise RuntimeError(f"unclosed elements: {self.stack}")
        return "".join(self.parts)


def parse_xml(data: bytes | bytearray, what: str) -> Element:
    """Parse untrusted XML bytes; entities and DTDs with entities are refused."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        return safe_et.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ExchangeError(f"{what}: refused XML with entity declarations or external references "
                            f"({type(exc).__name__})") from exc
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ExchangeError(f"{what}: not well-formed XML ({exc})", line=line) from exc


_LOCAL: dict[str, str] = {}


def local(tag: str) -> str:
    """``{urn:QDA-XML:project:1.0}Code`` -> ``Code`` (cached: a project has few distinct tags)."""
    try:
        return _LOCAL[tag]
    except KeyError:
        name = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""  # comments have a function as tag
        if isinstance(tag, str) and len(_LOCAL) < 1000:
            _LOCAL[tag] = name
        return name
    except TypeError:
        return ""


def by_name(element: Element) -> dict[str, list[Element]]:
    """The element's children grouped by local name, in one pass."""
    out: dict[str, list[Element]] = {}
    for item in element:
        out.setdefault(local(item.tag), []).append(item)
    return out


def children(element: Element, name: str) -> Iterator[Element]:
    for child in element:
        if local(child.tag) == name:
            yield child


def child(element: Element, name: str) -> Element | None:
    return next(children(element, name), None)


def child_text(element: Element, name: str) -> str:
    found = child(element, name)
    return "".join(found.itertext()) if found is not None else ""
