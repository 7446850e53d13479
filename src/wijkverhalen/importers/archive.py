"""Check a .docx or .odt package before a parser opens it.

Both formats are zip archives of XML parts. python-docx and odfpy read every
part into memory, so a "zip bomb" (a few megabytes that inflate to gigabytes)
would take all the memory there is, and an XML part with a DTD can declare
entities that expand without bound or that python-docx silently drops with the
text they stand for. :func:`check_package` refuses both before any parsing:

- at most :data:`MAX_MEMBERS` parts and :data:`MAX_TOTAL_BYTES` uncompressed in
  all, judged first by the sizes the archive declares and then by the bytes it
  really inflates to, inflated :data:`CHUNK` at a time so memory stays flat;
- every part inflates to exactly the size it declares, with a matching checksum;
- an inflation ratio above :data:`MAX_RATIO` for archives beyond
  :data:`RATIO_FLOOR` bytes (text XML inflates 5-20 times; bombs 1,000 times);
- no DTD (``<!DOCTYPE``) in any XML part: Word and LibreOffice never write one.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from wijkverhalen.errors import ImportError_

MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 16 * 1024 * 1024
CHUNK = 1024 * 1024
# How much of an XML part may come before its root element (declaration,
# comments); real parts need about 60 bytes.
_MAX_PROLOG = 1024 * 1024
_XML_SUFFIXES = (".xml", ".rels")


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB"


class _RootReached(Exception):
    """Raised from the expat handler once the root element starts: the prolog is clean."""


class _PrologCheck:
    """Feed an XML part chunk by chunk; refuse a DTD, stop at the root element."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._entity
        self.parser.StartElementHandler = self._root
        self.done = False
        self.seen = 0
        self.refused: str | None = None

    def _doctype(self, *_: object) -> None:
        self.refused = "a DTD (<!DOCTYPE>), which can declare entities"
        raise _RootReached

    def _entity(self, *_: object) -> None:  # pragma: no cover - only inside a DTD
        self.refused = "an XML entity declaration"
        raise _RootReached

    def _root(self, *_: object) -> None:
        raise _RootReached

    def feed(self, data: bytes) -> None:
        if self.done:
            return
        self.seen += len(data)
        try:
            self.parser.Parse(data, False)
        except _RootReached:
            self.done = True
            return
        except expat.ExpatError:
            # Malformed XML: the parser proper reports it with more context.
            self.done = True
            return
        if self.seen > _MAX_PROLOG:
            self.refused = f"more than {_mib(_MAX_PROLOG)} before its first element"
            self.done = True


def check_package(path: Path, kind: str) -> None:
    """Raise :class:`ImportError_` naming ``path`` when the archive is hostile or broken.

    ``kind`` is ``".docx"`` or ``".odt"``, for the messages.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        reason = "not a zip archive" if path.is_file() else "cannot read file"
        raise ImportError_(f"not a valid {kind} ({reason})", path=path) from exc
    with archive:
        infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ImportError_(f"refused: {len(infos)} parts in the {kind} package "
                           f"(limit {MAX_MEMBERS})", path=path)
    compressed = max(1, sum(info.compress_size for info in infos))
    _check_total(path, kind, sum(info.file_size for info in infos), compressed, "declares")
    actual = 0
    try:
        with open(path, "rb") as raw:
            for info in infos:
                if info.is_dir():
                    continue
                xml = _PrologCheck() if info.filename.lower().endswith(_XML_SUFFIXES) else None
                size = 0
                crc = 0
                for chunk in _inflate(raw, info):
                    size += len(chunk)
                    actual += len(chunk)
                    _check_total(path, kind, actual, compressed, "inflates to")
                    crc = zlib.crc32(chunk, crc)
                    if xml is not None:
                        xml.feed(chunk)
                if size != info.file_size:
                    # zipfile would inflate the whole stream into memory before
                    # noticing; the parsers would read it.
                    raise ImportError_(f"refused: part {info.filename} declares {info.file_size:,} "
                                       f"bytes but inflates to {size:,} (a zip bomb?)", path=path)
                if crc != info.CRC:
                    raise _Damaged(info.filename, "checksum does not match")
                if xml is not None and xml.refused:
                    raise ImportError_(f"refused: part {info.filename} contains {xml.refused}",
                                       path=path)
    except _Damaged as exc:
        raise ImportError_(f"not a valid {kind} (damaged part {exc.args[0]}: {exc.args[1]})",
                           path=path) from exc
    except (OSError, zlib.error) as exc:
        raise ImportError_(f"not a valid {kind} (damaged: {exc})", path=path) from exc


class _Damaged(Exception):
    """(part name, reason): a part that cannot be read as it claims to be."""


def _inflate(raw: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The uncompressed bytes of one part, at most :data:`CHUNK` at a time.

    Reads the compressed bytes straight from the file rather than through
    :mod:`zipfile`, which stops at the size a part declares (so a lying part
    passes) yet inflates the whole stream at once when read in full.
    """
    if info.flag_bits & 0x1:
        raise _Damaged(info.filename, "encrypted")
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise _Damaged(info.filename, "no local header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        while left:
            chunk = raw.read(min(CHUNK, left))
            if not chunk:
                raise _Damaged(info.filename, "truncated")
            left -= len(chunk)
            yield chunk
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _Damaged(info.filename, f"compression method {info.compress_type} is not used "
                                      "by Word or LibreOffice")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    while left:
        data = raw.read(min(CHUNK, left))
        if not data:
            raise _Damaged(info.filename, "truncated")
        left -= len(data)
        while data:
            chunk = inflater.decompress(data, CHUNK)
            data = inflater.unconsumed_tail
            if chunk:
                yield chunk
    if tail := inflater.flush():
        yield tail


def _check_total(path: Path, kind: str, total: int, compressed: int, verb: str) -> None:
    if total > MAX_TOTAL_BYTES:
        raise ImportError_(f"refused: the {kind} package {verb} more than "
                           f"{_mib(MAX_TOTAL_BYTES)} (a zip bomb?)", path=path)
    if total > RATIO_FLOOR and total > MAX_RATIO * compressed:
        raise ImportError_(f"refused: the {kind} package {verb} {total // compressed} times "
                           f"its compressed size (a zip bomb?)", path=path)
