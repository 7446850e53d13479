"""Turn the bytes of a text file into canonical text.

Interview transcripts arrive from many tools: modern editors write UTF-8 (sometimes
with a byte-order mark), Windows Notepad and some transcription services write
UTF-16 with a BOM, and files from the Word era are Windows-1252 (cp1252). This
module decides which one a file is, refuses files that are not text at all, and
normalises newlines so that offsets into the text are stable across platforms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from wijkverhalen.errors import ImportError_

# Longest BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# Characters that never occur in real text; tab, newline, carriage return,
# vertical tab and form feed do (form feeds appear in old Word exports).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SAMPLE = 65536
_MAX_CONTROL_SHARE = 0.05


@dataclass(frozen=True)
class DecodedText:
    """Decoded, newline-normalised text and the encoding it was read with."""

    text: str
    encoding: str


def normalise_newlines(text: str) -> str:
    """Replace Windows (``\\r\\n``) and old Mac (``\\r``) line ends with ``\\n``."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _bomless_utf16(data: bytes) -> str | None:
    """Recognise UTF-16 without a BOM: mostly-ASCII text has NULs in every other byte."""
    sample = data[:4096]
    if len(data) % 2 or len(sample) < 4:
        return None
    half = len(sample) // 2
    odd_nuls = sample[1::2].count(0)
    even_nuls = sample[0::2].count(0)
    if odd_nuls >= 0.9 * half and even_nuls == 0:
        return "utf-16-le"
    if even_nuls >= 0.9 * half and odd_nuls == 0:
        return "utf-16-be"
    return None


def decode_text(data: bytes, path: str | Path | None = None) -> DecodedText:
    """Decode a text file's bytes: BOM'd UTF-8/16/32, plain UTF-8, else cp1252.

    Raises :class:`ImportError_` for an empty or whitespace-only file, for binary
    data (NUL bytes outside UTF-16/32, or many control characters) and for bytes
    that are neither UTF-8 nor cp1252.
    """
    if not data:
        raise ImportError_("empty file", path=path)
    encoding: str | None = None
    body = data
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, body = name, data[len(bom) :]
            break
    if encoding is None and b"\x00" in data:
        encoding = _bomless_utf16(data)
        if encoding is None:
            raise ImportError_("binary file, not text", path=path)
    if encoding is not None:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ImportError_(
                f"cannot decode as {encoding.upper()} (byte {exc.start})", path=path
            ) from exc
    else:
        try:
            text, encoding = body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            # Only after UTF-8 fails: cp1252 accepts almost any byte sequence, so
            # trying it first would garble every UTF-8 file with accents.
            try:
                text, encoding = body.decode("cp1252"), "cp1252"
            except UnicodeDecodeError as exc:
                raise ImportError_(
                    "cannot decode text (not UTF-8, UTF-16 or Windows-1252)", path=path
                ) from exc
    sample = text[:_SAMPLE]
    # A regex scan runs in C; the search short-circuits for the usual clean file.
    if _CONTROL.search(sample) is not None and len(
        _CONTROL.findall(sample)
    ) > _MAX_CONTROL_SHARE * len(sample):
        raise ImportError_("binary file, not text", path=path)
    text = normalise_newlines(text)
    if not text.strip():
        raise ImportError_("empty file", path=path)
    return DecodedText(text, encoding)


def read_text_file(path: Path) -> DecodedText:
    """Read and decode a text file, turning OS errors into :class:`ImportError_`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"cannot read file ({exc.strerror or exc})", path=path) from exc
    return decode_text(data, path)
