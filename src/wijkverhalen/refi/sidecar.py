"""Reading back ``wijkverhalen.json``, the sidecar our own .qdpx files carry.

The sidecar holds what REFI-QDA cannot say (code ids and fields, valences, turns and
sentences; see :mod:`.writer`). It comes from a file, so it is checked like any other
input: a value of the wrong type or out of range is an :class:`ExchangeError` naming
the file and the entry, with the value cut short, never a ``ValueError`` or
``TypeError`` from deep inside the import.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import ExchangeError
from .offsets import MODES
from .reader import clip
from .safezip import SafeArchive

SIDECAR = "wijkverhalen.json"
SIDECAR_FORMAT = 1

_CODE_TEXT = ("id", "label", "gloss", "definition", "include", "exclude", "example", "color", "memo",
              "source", "valence")
_CODE_LISTS = ("keywords", "actors")
_DOC_TEXT = ("format", "source_path", "imported_at")


def _fail(where: str, value: object) -> ExchangeError:
    return ExchangeError(f"{SIDECAR}: malformed value at {clip(where, 80)}: {clip(repr(value))}")


def _text(entry: dict[str, Any], key: str, where: str, *, nullable: bool = True) -> None:
    value = entry.get(key)
    if value is None and nullable:
        return
    if not isinstance(value, str):
        raise _fail(f"{where}.{key}", value)


def _integer(entry: dict[str, Any], key: str, where: str) -> None:
    value = entry.get(key)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 53:
        raise _fail(f"{where}.{key}", value)


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(key, value)
    for name, entry in value.items():
        if not isinstance(entry, dict):
            raise _fail(f"{key}.{name}", entry)
    return value


def check_sidecar(data: dict[str, Any]) -> dict[str, Any]:
    """The sidecar with every value the importer uses checked for its type and range."""
    for name, code in _mapping(data, "codes").items():
        where = f"codes.{name}"
        for key in _CODE_TEXT:
            _text(code, key, where)
        _integer(code, "position", where)
        for key in _CODE_LISTS:
            items = code.get(key)
            if items is not None and (not isinstance(items, list) or not all(isinstance(i, str) for i in items)):
                raise _fail(f"{where}.{key}", items)
        indicators = code.get("indicators")
        if indicators is not None and (not isinstance(indicators, list) or not all(
                isinstance(i, dict) and isinstance(i.get("indicator"), str)
                and isinstance(i.get("direction", "+"), str) for i in indicators)):
            raise _fail(f"{where}.indicators", indicators)
    for name, doc in _mapping(data, "documents").items():
        where = f"documents.{name}"
        for key in _DOC_TEXT:
            _text(doc, key, where)
        _integer(doc, "word_count", where)
        _integer(doc, "text_length", where)
        for key in ("turns", "sentences"):
            if doc.get(key) is not None and not isinstance(doc.get(key), list):
                raise _fail(f"{where}.{key}", doc.get(key))
    for name, coding in _mapping(data, "codings").items():
        _text(coding, "coder", f"codings.{name}")
        _text(coding, "valence", f"codings.{name}")
    codebook = data.get("codebook")
    if codebook is not None and not isinstance(codebook, dict):
        raise _fail("codebook", codebook)
    if data.get("offsets") is not None and data.get("offsets") not in MODES:
        raise _fail("offsets", data.get("offsets"))
    return data


def load_sidecar(archive: SafeArchive | None) -> dict[str, Any]:
    """The checked sidecar, or ``{}`` when there is none or it is not ours (other format)."""
    name = archive.find(SIDECAR) if archive is not None else None
    if archive is None or name is None:
        return {}
    try:
        data = json.loads(archive.read(name, archive.limits.qde_bytes).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("format") != SIDECAR_FORMAT:
        return {}
    return check_sidecar(data)
