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
BOMS: tuple[tuple[bytes, str], ...] = (
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
_MAX_LINE_WARNINGS = 5


@dataclass(frozen=True)
class DecodedText:
    """Decoded, newline-normalised text and the encoding it was read with."""

    text: str
    encoding: str
    #: ``file:line: ...`` notes for lines read differently from the rest of the file.
    warnings: tuple[str, ...] = ()


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


def _where(path: str | Path | None, line: int) -> str:
    return f"{path}:{line}" if path is not None else f"line {line}"


def _decode_lines(body: bytes, path: str | Path | None,
                  utf8_known: bool = False) -> tuple[str, str, tuple[str, ...]]:
    """Decode a file that is not valid UTF-8 line by line: UTF-8 where it is, else cp1252.

    A file pasted together from two editors (one UTF-8, one Windows) has both
    kinds of line; decoding all of it as cp1252 turns every UTF-8 accent into
    mojibake ("CafÃ©"). A wholly cp1252 file (no UTF-8 line with accents) comes
    back as ``cp1252`` without warnings, as before; a mixed one as ``mixed`` with
    one warning per cp1252 line (the first few, then a count).
    """
    parts: list[str] = []
    utf8_accented = utf8_known
    cp1252_lines: list[int] = []
    for number, raw in enumerate(body.split(b"\n"), start=1):
        try:
            part = raw.decode("utf-8")
            utf8_accented = utf8_accented or not raw.isascii()
        except UnicodeDecodeError:
            try:
                part = raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise ImportError_(
                    f"cannot decode text (byte 0x{raw[exc.start]:02x} is not UTF-8 or Windows-1252)",
                    path=path, line=number,
                ) from exc
            cp1252_lines.append(number)
        parts.append(part)
    text = "\n".join(parts)
    if not utf8_accented:
        return text, "cp1252", ()
    shown = cp1252_lines[:_MAX_LINE_WARNINGS]
    warnings = [f"{_where(path, n)}: not UTF-8 like the rest of the file; read as Windows-1252"
                for n in shown]
    if len(cp1252_lines) > len(shown):
        warnings.append(f"{path}: {len(cp1252_lines) - len(shown)} more line(s) read as Windows-1252")
    return text, "mixed", tuple(warnings)


def decode_text(data: bytes, path: str | Path | None = None) -> DecodedText:
    """Decode a text file's bytes: BOM'd UTF-8/16/32, plain UTF-8, else cp1252.

    A file with both UTF-8 and cp1252 lines is decoded line by line (encoding
    ``mixed``) and its ``warnings`` name each cp1252 line; nothing is garbled.

    Raises :class:`ImportError_` for an empty or whitespace-only file, for binary
    data (NUL bytes outside UTF-16/32, or many control characters) and for bytes
    that are neither UTF-8 nor cp1252.
    """
    if not data:
        raise ImportError_("empty file", path=path)
    warnings: tuple[str, ...] = ()
    encoding: str | None = None
    body = data
    for bom, name in BOMS:
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
            if encoding == "utf-8":  # a UTF-8 BOM, yet a line from a Windows editor
                text, _, warnings = _decode_lines(body, path, utf8_known=True)
                encoding = "mixed"
            else:
                raise ImportError_(
                    f"cannot decode as {encoding.upper()} (byte {exc.start})", path=path
                ) from exc
    else:
        try:
            text, encoding = body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            # Only after UTF-8 fails: cp1252 accepts almost any byte sequence, so
            # trying it first would garble every UTF-8 file with accents.
            text, encoding, warnings = _decode_lines(body, path)
    sample = text[:_SAMPLE]
    # A regex scan runs in C; the search short-circuits for the usual clean file.
    if _CONTROL.search(sample) is not None and len(
        _CONTROL.findall(sample)
    ) > _MAX_CONTROL_SHARE * len(sample):
        raise ImportError_("binary file, not text", path=path)
    text = normalise_newlines(text)
    if not text or text.isspace():  # (strip() would copy the whole text)
        raise ImportError_("empty file", path=path)
    return DecodedText(text, encoding, warnings)


def read_text_file(path: Path) -> DecodedText:
    """Read and decode a text file, turning OS errors into :class:`ImportError_`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"cannot read file ({exc.strerror or exc})", path=path) from exc
    return decode_text(data, path)
