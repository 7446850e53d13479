"""Render the coded summary (:class:`~.summary.Report`) as a Word document (python-docx).

The document is A4 with 2.5 cm margins and page numbers in the footer (a ``PAGE``
field). It uses Word's own styles so researchers can restyle it with their report
template: ``Title``, ``Heading 1-9`` (the seed's parts, then the codebook
hierarchy), ``Quote`` for quotes, ``List Bullet``, ``TOC 1-3`` for the table of
contents and a table style for the tables. The table of contents is written out
from the headings (so it reads right in any viewer and in the PDF) inside a real
``TOC`` field, which Word refreshes with page numbers when the file is opened (the
document asks to update fields) and LibreOffice via Tools > Update. Table columns
get widths from their content. The language is Dutch so spell checking works on
the quotes.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ProgressCallback, atomic_path
from .summary import CodeSection, Report, ReportPart, aantal, build_report
from .summary_index import IndexIndicator, number_nl

if TYPE_CHECKING:
    from ..store import Project

# Characters XML 1.0 (and so Word) cannot hold; a transcript from an old .doc may have them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
A4 = (21.0, 29.7)  # cm
MARGIN = 2.5  # cm
TOC_LEVELS = 2



def _clean(text: str) -> str:
    return _INVALID_XML.sub(" ", text)


def _table_style(document: Any, *names: str) -> str | None:
    available = {s.name for s in document.styles}
    return next((n for n in names if n in available), None)


def _field_run(paragraph: Any, kind: str, instruction: str | None = None) -> None:
    """Append a complex-field character (``begin``/``separate``/``end``), or an instruction."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    if instruction is not None:
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = instruction
        run._r.append(instr)
        return
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


def _simple_field(paragraph: Any, instruction: str, shown: str) -> None:
    """A field Word and LibreOffice compute on display (PAGE), with ``shown`` as the cached result."""
    _field_run(paragraph, "begin")
    _field_run(paragraph, "", f" {instruction} ")
    _field_run(paragraph, "separate")
    paragraph.add_run(shown)
    _field_run(paragraph, "end")


def _page_setup(document: Any, title: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    for section in document.sections:
        section.page_width, section.page_height = Cm(A4[0]), Cm(A4[1])
        section.left_margin = section.right_margin = Cm(MARGIN)
        section.top_margin = section.bottom_margin = Cm(MARGIN)
        section.header_distance = section.footer_distance = Cm(1.25)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run(_clean(f"{title} · pagina ")).font.size = Pt(8)
        _simple_field(footer, "PAGE", "1")
        for run in footer.runs:
            run.font.size = Pt(8)


def _toc_styles(document: Any) -> dict[int, str]:
    """Paragraph styles 'TOC 1-3' (Word's built-in names), made when the template lacks them."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt

    out = {}
    available = {s.name for s in document.styles}
    for level in range(1, TOC_LEVELS + 1):
        name = f"TOC {level}"
        if name not in available:
            style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = document.styles["Normal"]
            style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            style.paragraph_format.space_after = Pt(2 if level > 1 else 4)
            style.font.bold = level == 1
        out[level] = name
    return out


def _fill_toc(document: Any, anchor: Any, entries: Sequence[tuple[int, str]]) -> None:
    """The table of contents at ``anchor``: the entries written out, inside a ``TOC`` field."""
    styles = _toc_styles(document)
    shown = [(level, text) for level, text in entries if 1 <= level <= TOC_LEVELS]
    paragraphs = []
    for level, text in shown or [(1, "(geen koppen)")]:
        paragraph = anchor.insert_paragraph_before(style=styles[level])
        paragraphs.append((paragraph, text))
    first, last = paragraphs[0][0], paragraphs[-1][0]
    _field_run(first, "begin")
    _field_run(first, "", f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u')
    _field_run(first, "separate")
    for paragraph, text in paragraphs:
        paragraph.add_run(_clean(text))
    _field_run(last, "end")
    anchor._p.getparent().remove(anchor._p)
    # Ask Word to refresh fields (the TOC, with page numbers) when the document opens.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)


def _set_language(document: Any, lang: str = "nl-NL") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = document.styles["Normal"].element.get_or_add_rPr()
    element = OxmlElement("w:lang")
    element.set(qn("w:val"), lang)
    rpr.append(element)


class _Styles:
    """Style ids looked up once (python-docx resolves a style *name* by scanning every
    style on each paragraph, which made a 1,000-document report take seconds), and the
    headings written, for the table of contents."""

    def __init__(self, document: Any) -> None:
        self.ids: dict[str, str] = {}
        self.headings: list[tuple[int, str]] = []
        for name in ("Title", "Quote", "List Bullet", "Caption", *(f"Heading {i}" for i in range(1, 10))):
            try:
                self.ids[name] = document.styles[name].style_id
            except KeyError:  # a template without it: fall back to Normal
                continue

    def paragraph(self, document: Any, text: str = "", style: str | None = None) -> Any:
        paragraph = document.add_paragraph(_clean(text)) if text else document.add_paragraph()
        if style is not None and style in self.ids:
            paragraph._p.style = self.ids[style]
        return paragraph

    def heading(self, document: Any, text: str = "", level: int = 1, toc: str | None = None,
                new_page: bool = False) -> Any:
        if level > 0 and (toc or text):
            self.headings.append((level, toc or text))
        paragraph = self.paragraph(document, text, "Title" if level == 0 else f"Heading {min(level, 9)}")
        paragraph.paragraph_format.keep_with_next = True
        if new_page:
            paragraph.paragraph_format.page_break_before = True
        return paragraph


def _lead(document: Any, lead: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(lead + " ").bold = True
    paragraph.add_run(_clean(text))


def _italic(document: Any, text: str) -> None:
    document.add_paragraph().add_run(_clean(text)).italic = True


def render_docx(report: Report, path: str | Path) -> None:
    import docx

    document = docx.Document()
    styles = _Styles(document)
    _set_language(document)
    _page_setup(document, report.title)
    props = document.core_properties
    props.title = _clean(report.title)
    props.subject = f"wijkverhalen {report.version}: {report.project}"
    props.author = ", ".join(report.coders) or "wijkverhalen"
    props.keywords = "wijkverhalen; veerkracht; BoTu"
    props.language = "nl-NL"
    styles.heading(document, report.title, 0)
    _italic(document, f"{report.project} · {report.generated} · {report.subtitle()}")
    if report.case:
        _lead(document, "Casus.", report.case)
    if report.code_filter:
        _lead(document, "Codes.", ", ".join(report.code_filter))
    if report.pseudonymised:
        document.add_paragraph("Namen van respondenten zijn vervangen door pseudoniemen (AVG).")
    toc_title = document.add_paragraph("Inhoud", style="TOC Heading" if _table_style(document, "TOC Heading")
                                       else None)
    toc_title.runs[0].bold = True
    anchor = document.add_paragraph()
    _overview(document, report, styles)
    with tempfile.TemporaryDirectory(prefix="wijk-report-") as figures:
        for part in report.parts:
            styles.heading(document, part.title, 1, new_page=True)
            if part.intro:
                _italic(document, part.intro)
            _cases(document, part, styles)
            _governance_qualities(document, part)
            _index(document, part, report, styles, Path(figures))
            if part.empty:
                document.add_paragraph("Geen gecodeerde passages bij dit onderdeel.")
            for section in part.sections:
                _section(document, section, 2, styles)
        _method(document, report, styles)
        _sources(document, report, styles)
        _fill_toc(document, anchor, styles.headings)
        document.save(str(path))


CHAR_CM = 0.19  # the width of an average character of 9 pt text
CELL_PADDING_CM = 0.45


def _words(text: str) -> list[str]:
    """The pieces a line may break between: spaces, and after '_' and '/' (see :func:`_breakable`)."""
    return [w for w in re.split(r"[\s_/]+", text) if w]


def _breakable(text: str) -> str:
    """Let file names like ``01_bewoner_fatima`` wrap after '_' (a zero-width space)."""
    return text.replace("_", "_\u200b")


def _column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], total_cm: float,
                   char_cm: float = CHAR_CM) -> list[float]:
    """Widths in cm from each column's content.

    A column wants room for its longest text (up to 60 characters, then it wraps) and
    at least its longest header word (bold; words do not break). When the wishes do not
    fit the text width, only the columns that can wrap give up room, in proportion to
    what they would give up; numbers and short codes keep their width.
    """
    need, least = [], []
    for i, head in enumerate(header):
        word = max((len(w) for w in str(head).split()), default=1) * 1.35
        cells = [str(r[i]) for r in rows]
        longest = max((len(c) for c in cells), default=0)
        longest_word = max((len(w) for c in cells for w in _words(c)), default=0)
        if i == 0:  # the table style sets the first column in bold
            longest, longest_word = int(longest * 1.15), int(longest_word * 1.15)
        need.append(max(word, min(longest, 60), 3) * char_cm + CELL_PADDING_CM)
        least.append(max(word, min(longest_word, 16), 3) * char_cm + CELL_PADDING_CM)
    if sum(need) <= total_cm:
        return need
    if sum(least) >= total_cm:  # even the least does not fit: share the page by the least
        return [m * total_cm / sum(least) for m in least]
    slack = [n - m for n, m in zip(need, least, strict=True)]
    give = sum(need) - total_cm
    return [n - s * give / sum(slack) for n, s in zip(need, slack, strict=True)]


def _table(document: Any, header: Sequence[str], rows: Sequence[Sequence[str]],
           numeric: Sequence[int] = (), caption: str = "") -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    table = document.add_table(rows=1, cols=len(header))
    style = _table_style(document, "Light Grid Accent 1", "Light List Accent 1", "Table Grid")
    if style:
        table.style = style
    table.autofit = False
    size = 9 if len(header) < 6 else 8  # wide tables (the sources) in smaller type
    widths = _column_widths(header, rows, A4[0] - 2 * MARGIN, CHAR_CM * size / 9)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    small = Pt(size)
    for i, (cell, text) in enumerate(zip(table.rows[0].cells, header, strict=True)):
        cell.text = _clean(text)
        cell.width = Cm(widths[i])
        for run in cell.paragraphs[0].runs:
            run.bold = True
            if small:
                run.font.size = small
        if i in numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = _breakable(_clean(str(text)))
            cell.width = Cm(widths[i])
            if small:
                for run in cell.paragraphs[0].runs:
                    run.font.size = small
            if i in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if caption:
        document.add_paragraph(_clean(caption), style="Caption")
    else:
        document.add_paragraph()
    return table


def _overview(document: Any, report: Report, styles: _Styles) -> None:
    styles.heading(document, "Overzicht", 1, new_page=True)
    if not report.overview:
        document.add_paragraph("Er zijn (in deze selectie) nog geen gecodeerde passages.")
        return
    rows = [("\u2003" * depth + label, str(c), str(d), str(r)) for label, depth, c, d, r in report.overview]
    _table(document, ("Code", "Passages", "Documenten", "Respondenten"), rows, numeric=(1, 2, 3))


def _cases(document: Any, part: ReportPart, styles: _Styles) -> None:
    for case in part.cases:
        styles.heading(document, case.name, 2, toc=f"Casus {case.name}")
        roles = ", ".join(f"{n} {r}" for r, n in case.roles.items())
        document.add_paragraph(_clean(f"{aantal(case.documents, 'document')}" + (f" ({roles})" if roles else "")
                                      + ". De casus langs de inventarisaties (passages met subcodes):"))
        _table(document, ("Onderdeel", "Passages", "Documenten"),
               [(title, str(n), str(d)) for title, n, d in case.rows], numeric=(1, 2))


def _governance_qualities(document: Any, part: ReportPart) -> None:
    if not part.qualities:
        return
    rows = [(dim, quality, str(n), str(d)) for dim, quality, n, d in part.qualities]
    _table(document, ("Dimensie", "Kwaliteit van een responsieve overheid", "Passages", "Documenten"), rows,
           numeric=(2, 3), caption="Vijf dimensies, vier kwaliteiten (seed, governance); passages met subcodes.")


def _index(document: Any, part: ReportPart, report: Report, styles: _Styles, figures: Path) -> None:
    if part.title != "Index+":
        return
    if not part.index:
        document.add_paragraph("Geen ingelezen indicatoren gekoppeld aan de gecodeerde thema's "
                               "(wijkverhalen indicators import).")
    for k, item in enumerate(part.index, start=1):
        styles.heading(document, item.heading, 2)
        _italic(document, item.meta_line)
        header = ("Editie", *item.columns)
        rows = [(str(year), *(number_nl(v) for v in values)) for year, values in item.rows]
        _table(document, header, rows, numeric=tuple(range(1, len(header))),
               caption=f"Tabel {k}. {item.label} ({item.unit or 'waarde'}), per editie.")
        _plot(document, item, figures, k)
        _lead(document, "Aggregatie.", "; ".join(item.rules) + ".")
        for flag in item.flags:
            _lead(document, "Let op.", flag + ".")
        if item.provenance:
            document.add_paragraph().add_run("Bron en herkomst.").bold = True
            for line in item.provenance:
                styles.paragraph(document, line, "List Bullet")
        for note in item.notes:
            paragraph = styles.paragraph(document, "", "List Bullet")
            paragraph.add_run(_clean(f"{note.code_label} ({note.direction}): ")).bold = True
            paragraph.add_run(_clean(note.verdict or "geen oordeel"))
            if note.detail:
                paragraph.add_run(_clean(f". Bewijs: {note.detail}"))
            if note.rule:
                paragraph.add_run(_clean(f". Regel: {note.rule}")).italic = True


def _plot(document: Any, item: IndexIndicator, figures: Path, k: int) -> None:
    from docx.shared import Cm

    try:
        from ..linking.plots import plot_comparison
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return
    png = plot_comparison(item.series, figures / f"index_{k}.png", title=item.label, unit=item.unit,
                          note="; ".join(item.rules + item.flags))
    if png is not None:
        document.add_picture(str(png), width=Cm(15.5))
        document.add_paragraph(_clean(f"Figuur {k}. {item.label}: BoTu naast de NPRZ-focuswijken en "
                                      "Rotterdam, per editie."), style="Caption")


def _method(document: Any, report: Report, styles: _Styles) -> None:
    styles.heading(document, "Verantwoording", 1, new_page=True)
    for name, text in report.method:
        _lead(document, f"{name}.", text)
    if report.thresholds:
        rows = [(k, v) for k, v in report.thresholds.items() if v != ""]
        _table(document, ("Instelling", "Waarde"), rows, caption="Drempels en instellingen van de triangulatie.")
    for warning in report.warnings:
        _lead(document, "Let op.", warning)


def _section(document: Any, section: CodeSection, base: int, styles: _Styles) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    code = section.code
    if section.is_part:  # the inventory's own code: its part heading stands for it
        if code.gloss:
            _italic(document, code.gloss)
    else:
        heading = styles.heading(document, "", base + section.depth, toc=code.label)
        heading.add_run(_clean(code.label))
        if code.gloss:
            heading.add_run(" — ")
            heading.add_run(_clean(code.gloss)).italic = True
    if section.moved_from:
        _italic(document, f"Uit: {section.moved_from} (hier geplaatst zoals in de monitor).")
    if not section.heading_only:
        if code.definition:
            _lead(document, "Definitie.", code.definition)
        _lead(document, "Telling.", section.count_line)
        if section.coder_line:
            _lead(document, "Codeurs.", section.coder_line)
        if section.indicators:
            document.add_paragraph().add_run("Indicatoren.").bold = True
            for note in section.indicators:
                styles.paragraph(document, note.line, "List Bullet")
        for q in section.quotes:
            styles.paragraph(document, f"“{q.text}”", "Quote")
            ref = styles.paragraph(document, "", "Quote")
            extra = f"; codeur {q.coder}" + (f"; memo: {' '.join(q.memo.split())}" if q.memo else "")
            run = ref.add_run(_clean(f"— {q.reference}{extra}"))
            run.font.size = Pt(9)
            ref.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if code.memo:
            _lead(document, "Memo.", " ".join(code.memo.split()))
        if section.memos:
            document.add_paragraph().add_run("Memo's bij passages.").bold = True
            for ref_text, memo in section.memos:
                paragraph = styles.paragraph(document, "", "List Bullet")
                paragraph.add_run(_clean(ref_text) + ": ").italic = True
                paragraph.add_run(_clean(" ".join(memo.split())))
    for child in section.children:
        _section(document, child, base, styles)


def _sources(document: Any, report: Report, styles: _Styles) -> None:
    if not report.sources:
        return
    styles.heading(document, "Bronnen", 1, new_page=True)
    names = list(report.source_columns)
    rows = [(name, *(attrs.get(n, "") for n in names), str(words)) for name, attrs, words in report.sources]
    _table(document, ("Document", *(n.capitalize() for n in names), "Woorden"), rows, numeric=(len(names) + 1,))
    if report.source_count > len(report.sources):
        document.add_paragraph(f"En {aantal(report.source_count - len(report.sources), 'document')} meer; "
                               "zie 'wijkverhalen export segments'.")


def export_docx(project: Project, output: str | Path, *, case: str | None = None,
                codes: Sequence[str] = (), pseudonymise: bool = False, quotes: int = 3,
                all_codes: bool = False, progress: ProgressCallback | None = None,
                source_attributes: Sequence[str] | None = None) -> Report:
    """Write the coded summary as a .docx file to ``output``; returns the report model."""
    report = build_report(project, case=case, codes=codes, pseudonymise=pseudonymise, quotes=quotes,
                          all_codes=all_codes, progress=progress, source_attributes=source_attributes)
    with atomic_path(output) as tmp:
        render_docx(report, tmp)
    return report
