"""PDF transcripts (.pdf): the text layer, read with pypdf.

Pages are read in order and joined with a line break, so a turn that runs over a
page goes on; a line holding only a page number ("3", "Pagina 3 van 12") is left
out. A PDF without a text layer (a scan) cannot be coded and is refused with one
line saying so, as are encrypted PDFs that need a password, damaged files and
files past the limits below (memory stays bounded: pypdf itself caps every
decompressed stream). pypdf is imported lazily.
"""

from __future__ import annotations

import logging
import re
import warnings as warnings_module
from pathlib import Path

from wijkverhalen.errors import ImportError_

MAX_BYTES = 256 * 1024 * 1024
MAX_PAGES = 5_000
MAX_CHARS = 20_000_000
_PAGE_NUMBER = re.compile(
    r"^[ \t]*(?:(?:pagina|page|blz\.?|p\.)[ \t]*)?\d{1,4}(?:[ \t]*(?:van|of|/)[ \t]*\d{1,4})?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _page_text(page: object) -> str:
    text = page.extract_text() or ""  # type: ignore[attr-defined]
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n"))
    return _PAGE_NUMBER.sub("", text).strip("\n")


def _why(exc: BaseException) -> str:
    first = (str(exc).splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def extract_pdf(path: Path, *, properties: bool = False,
                warnings: list[str] | None = None) -> tuple[str, dict[str, str]]:
    """Text of a PDF's pages; title and author as metadata only with ``properties``."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportError_(f"cannot read file ({exc.strerror or exc})", path=path) from exc
    if size > MAX_BYTES:
        raise ImportError_(f"refused: the PDF is larger than {MAX_BYTES // 2**20} MiB", path=path)
    from pypdf import PdfReader  # lazy: pypdf is only needed for PDFs
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PyPdfError

    # pypdf logs and warns about every oddity of a damaged file; the import reports one line.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    with warnings_module.catch_warnings():
        warnings_module.simplefilter("ignore")
        try:
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ImportError_("encrypted PDF (it needs a password); save an unprotected copy", path=path)
            pages = reader.pages
            if len(pages) > MAX_PAGES:
                raise ImportError_(f"refused: more than {MAX_PAGES} pages", path=path)
            texts: list[str] = []
            total = 0
            for page in pages:
                texts.append(_page_text(page))
                total += len(texts[-1])
                if total > MAX_CHARS:
                    raise ImportError_(f"refused: more than {MAX_CHARS:,} characters of text", path=path)
            metadata: dict[str, str] = {}
            if properties and reader.metadata is not None:
                for key, value in (("title", reader.metadata.title), ("author", reader.metadata.author)):
                    if value and str(value).strip():
                        metadata[key] = str(value).strip()
        except ImportError_:
            raise
        except LimitReachedError as exc:
            raise ImportError_("refused: a part of the PDF inflates past pypdf's size limit (a zip bomb?)",
                               path=path) from exc
        except (FileNotDecryptedError, DependencyError) as exc:
            raise ImportError_(f"encrypted PDF that cannot be opened ({_why(exc)}); "
                               "save an unprotected copy", path=path) from exc
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                AssertionError, OSError, ZeroDivisionError) as exc:
            raise ImportError_(f"not a valid PDF ({_why(exc)})", path=path) from exc
    text = "\n".join(t for t in texts if t.strip())
    if not text.strip():
        raise ImportError_("no text in the PDF (a scan without a text layer?); run OCR on it or "
                           "import the transcript as .docx or .txt", path=path)
    return text, metadata
