"""Render the coded summary (:class:`~.report.Report`) as a Word document (python-docx).

The document uses Word's own styles so researchers can restyle it with their report
template: ``Title``, ``Heading 1-9`` (the codebook hierarchy, which also feeds the
table of contents), ``Quote`` for quotes, ``List Bullet`` and a table style for the
overview. The table of contents is a real ``TOC`` field; Word fills it when the file
is opened (the document asks to update fields), LibreOffice via Tools > Update.
The language is set to Dutch so spell checking works on the quotes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import ProgressCallback, atomic_path
from .report import CodeSection, Report, ReportPart, build_report

# Characters XML 1.0 (and so Word) cannot hold; a transcript from an old .doc may have them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub(" ", text)


def _table_style(document: Any, *names: str) -> str | None:
    available = {s.name for s in document.styles}
    return next((n for n in names if n in available), None)


def _add_toc(document: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-4" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(separate)
    placeholder = paragraph.add_run("Inhoudsopgave: klik met rechts en kies 'Veld bijwerken' (F9).")
    placeholder.italic = True
    end_run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    end_run._r.append(end)
    # Ask Word to refresh fields (the TOC) when the document opens.
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _set_language(document: Any, lang: str = "nl-NL") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = document.styles["Normal"].element.get_or_add_rPr()
    element = OxmlElement("w:lang")
    element.set(qn("w:val"), lang)
    rpr.append(element)


class _Styles:
    """Style ids looked up once: python-docx resolves a style *name* by scanning every
    style on each paragraph, which made a 1,000-document report take seconds."""

    def __init__(self, document: Any) -> None:
        self.ids: dict[str, str] = {}
        for name in ("Title", "Quote", "List Bullet", *(f"Heading {i}" for i in range(1, 10))):
            try:
                self.ids[name] = document.styles[name].style_id
            except KeyError:  # a template without it: fall back to Normal
                continue

    def paragraph(self, document: Any, text: str = "", style: str | None = None) -> Any:
        paragraph = document.add_paragraph(_clean(text)) if text else document.add_paragraph()
        if style is not None and style in self.ids:
            paragraph._p.style = self.ids[style]
        return paragraph

    def heading(self, document: Any, text: str = "", level: int = 1) -> Any:
        return self.paragraph(document, text, "Title" if level == 0 else f"Heading {min(level, 9)}")


def _lead(document: Any, lead: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(lead + " ").bold = True
    paragraph.add_run(_clean(text))


def render_docx(report: Report, path: str | Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    styles = _Styles(document)
    _set_language(document)
    props = document.core_properties
    props.title = _clean(report.title)
    props.subject = f"wijkverhalen {report.version}: {report.project}"
    props.author = ", ".join(report.coders) or "wijkverhalen"
    props.keywords = "wijkverhalen; veerkracht; BoTu"
    styles.heading(document, report.title, 0)
    sub = document.add_paragraph(_clean(f"{report.project} · {report.generated} · {report.subtitle()}"))
    sub.runs[0].italic = True
    if report.case:
        _lead(document, "Casus.", report.case)
    if report.code_filter:
        _lead(document, "Codes.", ", ".join(report.code_filter))
    if report.pseudonymised:
        document.add_paragraph("Namen van respondenten zijn vervangen door pseudoniemen (AVG).")
    _add_toc(document)
    _overview(document, report, styles)
    base = 1
    for part in report.parts:
        if len(report.parts) > 1 or part.title != "Codeboek":
            styles.heading(document, part.title, 1)
            if part.intro:
                document.add_paragraph(_clean(part.intro)).runs[0].italic = True
            base = 2
        _indicator_table(document, part, report)
        if not part.sections and not part.indicator_table:
            document.add_paragraph("Geen gecodeerde passages in deze inventarisatie.")
        for section in part.sections:
            _section(document, section, base, styles, WD_ALIGN_PARAGRAPH.RIGHT, Pt(9))
    _sources(document, report, styles)
    document.save(str(path))


def _table(document: Any, header: Sequence[str], rows: Sequence[Sequence[str]],
           numeric: Sequence[int] = ()) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=1, cols=len(header))
    style = _table_style(document, "Light Grid Accent 1", "Light List Accent 1", "Table Grid")
    if style:
        table.style = style
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = _clean(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = _clean(str(text))
            if i in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()


def _overview(document: Any, report: Report, styles: _Styles) -> None:
    styles.heading(document, "Overzicht", 1)
    if not report.overview:
        document.add_paragraph("Er zijn (in deze selectie) nog geen gecodeerde passages.")
        return
    rows = [("\u2003" * depth + label, str(c), str(d), str(r)) for label, depth, c, d, r in report.overview]
    _table(document, ("Code", "Passages", "Documenten", "Respondenten"), rows, numeric=(1, 2, 3))


def _indicator_table(document: Any, part: ReportPart, report: Report) -> None:
    if part.title != "Index+":
        return
    if part.indicator_table:
        rows = [(n.label, n.direction, n.code_label, (n.verdict or "–") + (f" — {n.detail}" if n.detail else ""))
                for n in part.indicator_table]
        _table(document, ("Indicator", "Richting", "Code", "Oordeel"), rows)
    if report.triangulation_note:
        document.add_paragraph(_clean(report.triangulation_note)).runs[0].italic = True


def _section(document: Any, section: CodeSection, base: int, styles: _Styles, right: Any, small: Any) -> None:
    code = section.code
    heading = styles.heading(document, "", base + section.depth)
    heading.add_run(_clean(code.label))
    if code.gloss:
        heading.add_run(" — ")
        heading.add_run(_clean(code.gloss)).italic = True
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
            run.font.size = small
            ref.alignment = right
        if code.memo:
            _lead(document, "Memo.", " ".join(code.memo.split()))
        if section.memos:
            document.add_paragraph().add_run("Memo's bij passages.").bold = True
            for ref_text, memo in section.memos:
                paragraph = styles.paragraph(document, "", "List Bullet")
                paragraph.add_run(_clean(ref_text) + ": ").italic = True
                paragraph.add_run(_clean(" ".join(memo.split())))
    for child in section.children:
        _section(document, child, base, styles, right, small)


def _sources(document: Any, report: Report, styles: _Styles) -> None:
    if not report.sources:
        return
    styles.heading(document, "Bronnen", 1)
    names = sorted({k for _, attrs, _ in report.sources for k in attrs})[:6]
    rows = [(name, *(attrs.get(n, "") for n in names), str(words)) for name, attrs, words in report.sources]
    _table(document, ("Document", *names, "Woorden"), rows, numeric=(len(names) + 1,))
    if report.source_count > len(report.sources):
        document.add_paragraph(f"En {report.source_count - len(report.sources)} documenten meer; "
                               "zie 'wijkverhalen export segments'.")


def export_docx(project: object, output: str | Path, *, case: str | None = None,
                codes: Sequence[str] = (), pseudonymise: bool = False, quotes: int = 3,
                all_codes: bool = False, progress: ProgressCallback | None = None) -> Report:
    """Write the coded summary as a .docx file to ``output``; returns the report model."""
    report = build_report(project, case=case, codes=codes, pseudonymise=pseudonymise, quotes=quotes,
                          all_codes=all_codes, progress=progress)
    with atomic_path(output) as tmp:
        render_docx(report, tmp)
    return report
