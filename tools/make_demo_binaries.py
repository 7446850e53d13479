"""Build the binary demo interviews (.docx, .odt) in ``data/demo/`` from plain-text sources.

The demo set must contain Word and OpenDocument files so that the importers can be tried
on real formats, but binaries are hard to review in git. So the text lives in
``tools/demo_sources/NAME.EXT.txt`` and this script renders it to ``data/demo/NAME.EXT``,
where ``EXT`` is ``docx`` or ``odt``.

Source format (UTF-8):

* blocks are separated by blank lines; the lines of one block are joined with spaces,
  so one block becomes one paragraph (one speaker turn);
* a block starting with ``# `` becomes a heading;
* a block whose lines all start with ``|`` becomes a table; the first row is the header
  and cells are separated by ``|``.

Speaker labels such as ``I:`` or ``Fatima:`` at the start of a turn are set in bold, as
transcribers often do; the text that comes out of the file is unchanged by that.

The output is reproducible: document dates and zip entry timestamps are fixed, so running
the script again does not change files that git already tracks. ``--check`` rebuilds into a
temporary folder and exits 1 when a committed binary is out of date.

Usage::

    .venv/bin/python tools/make_demo_binaries.py            # (re)write data/demo/*.docx|odt
    .venv/bin/python tools/make_demo_binaries.py --check    # verify they are up to date
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = ROOT / "tools" / "demo_sources"
DEFAULT_OUT = ROOT / "data" / "demo"

# One fixed moment for every date inside the generated files (reproducible builds).
FIXED_DATETIME = dt.datetime(2021, 3, 1, 12, 0, 0, tzinfo=dt.UTC)
FIXED_ZIP_TIME = (2021, 3, 1, 12, 0, 0)
AUTHOR = "wijkverhalen demo (fictief)"
SUBJECT = "fictief — illustratief interview, geen echte persoon"

SPEAKER_RE = re.compile(r"^((?:I|R|Interviewer|[A-Z][a-zé]+):|\[[^\]]+\])\s")
SUPPORTED = ("docx", "odt")


@dataclass
class Block:
    """One unit of a source: a heading, a paragraph (turn) or a table."""

    kind: str  # "heading", "paragraph" or "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


def parse_source(text: str) -> list[Block]:
    """Split a source text into blocks (see the module docstring for the format)."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("|") for line in lines):
            rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
            blocks.append(Block("table", rows=rows))
        elif lines[0].startswith("# "):
            blocks.append(Block("heading", text=" ".join(lines)[2:].strip()))
        else:
            blocks.append(Block("paragraph", text=" ".join(lines)))
    return blocks


def document_title(blocks: list[Block], fallback: str) -> str:
    """The first heading, or ``fallback`` when the source has none."""
    return next((b.text for b in blocks if b.kind == "heading"), fallback)


def split_speaker(text: str) -> tuple[str, str]:
    """``("R:", " rest")`` for a turn with a speaker label, else ``("", text)``."""
    match = SPEAKER_RE.match(text)
    if match is None:
        return "", text
    return match.group(1), text[match.end(1) :]


def write_docx(blocks: list[Block], path: Path, title: str) -> None:
    """Render blocks with python-docx: one paragraph per turn, tables as Word tables."""
    import docx  # imported here so --help works without the dependency

    document = docx.Document()
    props = document.core_properties
    props.title = title
    props.subject = SUBJECT
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.comments = SUBJECT
    props.created = FIXED_DATETIME.replace(tzinfo=None)
    props.modified = FIXED_DATETIME.replace(tzinfo=None)
    props.revision = 1

    for block in blocks:
        if block.kind == "heading":
            document.add_heading(block.text, level=1)
        elif block.kind == "table":
            ncols = max(len(row) for row in block.rows)
            table = document.add_table(rows=0, cols=ncols)
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                cells = table.add_row().cells
                for c, value in enumerate(row):
                    run = cells[c].paragraphs[0].add_run(value)
                    run.bold = r == 0
        else:
            paragraph = document.add_paragraph()
            label, rest = split_speaker(block.text)
            if label:
                paragraph.add_run(label).bold = True
            paragraph.add_run(rest)
    document.save(str(path))


def write_odt(blocks: list[Block], path: Path, title: str) -> None:
    """Render blocks with odfpy: ``text:h`` for headings, ``text:p`` per paragraph."""
    from odf import dc, meta, style, table, text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=title))
    document.meta.addElement(dc.Subject(text=SUBJECT))
    document.meta.addElement(dc.Creator(text=AUTHOR))
    stamp = FIXED_DATETIME.strftime("%Y-%m-%dT%H:%M:%S")
    document.meta.addElement(meta.CreationDate(text=stamp))
    document.meta.addElement(dc.Date(text=stamp))

    bold = style.Style(name="Spreker", family="text")
    bold.addElement(style.TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)

    for block in blocks:
        if block.kind == "heading":
            document.text.addElement(text.H(outlinelevel=1, text=block.text))
        elif block.kind == "table":
            ncols = max(len(row) for row in block.rows)
            odf_table = table.Table(name="Tabel")
            odf_table.addElement(table.TableColumn(numbercolumnsrepeated=ncols))
            for row in block.rows:
                odf_row = table.TableRow()
                for c in range(ncols):
                    cell = table.TableCell(valuetype="string")
                    cell.addElement(text.P(text=row[c] if c < len(row) else ""))
                    odf_row.addElement(cell)
                odf_table.addElement(odf_row)
            document.text.addElement(odf_table)
        else:
            paragraph = text.P()
            label, rest = split_speaker(block.text)
            if label:
                paragraph.addElement(text.Span(stylename=bold, text=label))
            paragraph.addText(rest)
            document.text.addElement(paragraph)
    document.save(str(path))


def normalise_zip(path: Path) -> None:
    """Rewrite a zip container with fixed timestamps, keeping entry order and compression.

    Both writers stamp entries with the current time; fixing it makes the build
    reproducible. Order matters for ODF: ``mimetype`` must stay first and stored.
    """
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w") as target:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    tmp.replace(path)


def build(sources: Path, out: Path) -> list[Path]:
    """Render every ``*.docx.txt`` / ``*.odt.txt`` in ``sources`` into ``out``."""
    written: list[Path] = []
    for source in sorted(sources.glob("*.txt")):
        name = source.name[: -len(".txt")]
        ext = name.rsplit(".", 1)[-1] if "." in name else ""
        if ext not in SUPPORTED:
            raise SystemExit(f"{source}: name must end in .docx.txt or .odt.txt")
        blocks = parse_source(source.read_text(encoding="utf-8"))
        title = document_title(blocks, fallback=name)
        target = out / name
        if ext == "docx":
            write_docx(blocks, target, title)
        else:
            write_odt(blocks, target, title)
        normalise_zip(target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sources",
        type=Path,
        default=DEFAULT_SOURCES,
        help="folder with NAME.docx.txt / NAME.odt.txt sources",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="folder to write the binaries into (default: data/demo)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild in a temporary folder; exit 1 if --out differs",
    )
    args = parser.parse_args(argv)

    if not args.check:
        args.out.mkdir(parents=True, exist_ok=True)
        for path in build(args.sources, args.out):
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        stale = [
            fresh.name
            for fresh in build(args.sources, Path(tmp))
            if not (args.out / fresh.name).is_file()
            or (args.out / fresh.name).read_bytes() != fresh.read_bytes()
        ]
    for name in stale:
        print(f"out of date: {args.out / name}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
