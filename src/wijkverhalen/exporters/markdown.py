"""Render the coded summary (:class:`~.report.Report`) as Markdown.

The output is plain CommonMark with pipe tables, so it reads well as text, renders
on GitHub/GitLab and converts with pandoc. Headings follow the codebook hierarchy
(``##`` for a top-level code, one level deeper per sub-code, at most ``######``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from . import ProgressCallback, atomic_output
from .report import CodeSection, Report, ReportPart, build_report

_ESCAPE = re.compile(r"([\\`*_\[\]<>|])")


def escape(text: str) -> str:
    """Backslash-escape Markdown syntax so names and quotes show literally."""
    return _ESCAPE.sub(r"\\\1", text)


def render_markdown(report: Report) -> str:
    out: list[str] = [f"# {escape(report.title)}", ""]
    out.append(f"*{escape(report.project)} · {report.generated} · {escape(report.subtitle())}*")
    out.append("")
    filters = []
    if report.case:
        filters.append(f"casus **{escape(report.case)}**")
    if report.code_filter:
        filters.append("codes " + ", ".join(f"`{c}`" for c in report.code_filter))
    if filters:
        out += ["Selectie: " + "; ".join(filters) + ".", ""]
    if report.pseudonymised:
        out += ["Namen van respondenten zijn vervangen door pseudoniemen (AVG).", ""]
    out += _overview(report)
    base = 2
    for part in report.parts:
        if len(report.parts) > 1 or part.title != "Codeboek":
            out += [f"## {escape(part.title)}", ""]
            if part.intro:
                out += [f"*{escape(part.intro)}*", ""]
            base = 3
        out += _indicator_table(part, report)
        if not part.sections and not part.indicator_table:
            out += ["Geen gecodeerde passages in deze inventarisatie.", ""]
        for section in part.sections:
            out += _section(section, base)
    out += _sources(report)
    out.append(f"<!-- wijkverhalen {report.version} -->")
    return "\n".join(out).rstrip() + "\n"


def _overview(report: Report) -> list[str]:
    if not report.overview:
        return ["Er zijn (in deze selectie) nog geen gecodeerde passages.", ""]
    lines = ["## Overzicht", "", "| Code | Passages | Documenten | Respondenten |", "| --- | ---: | ---: | ---: |"]
    for label, depth, codings, documents, respondents in report.overview:
        indent = "&nbsp;&nbsp;" * depth
        lines.append(f"| {indent}{escape(label)} | {codings} | {documents} | {respondents} |")
    return [*lines, ""]


def _indicator_table(part: ReportPart, report: Report) -> list[str]:
    if part.title != "Index+":
        return []
    lines: list[str] = []
    if part.indicator_table:
        lines += ["| Indicator | Richting | Code | Oordeel |", "| --- | :---: | --- | --- |"]
        for n in part.indicator_table:
            verdict = escape(n.verdict or "–") + (f" — {escape(n.detail)}" if n.detail else "")
            lines.append(f"| {escape(n.label)} | {n.direction} | {escape(n.code_label)} | {verdict} |")
        lines.append("")
    if report.triangulation_note:
        lines += [f"*{escape(report.triangulation_note)}*", ""]
    return lines


def _section(section: CodeSection, base: int) -> list[str]:
    code = section.code
    level = min(6, base + section.depth)
    title = escape(code.label)
    if code.gloss:
        title += f" — *{escape(code.gloss)}*"
    lines = [f"{'#' * level} {title}", ""]
    if section.heading_only:
        return lines + [line for child in section.children for line in _section(child, base)]
    if code.definition:
        lines += [f"**Definitie.** {escape(code.definition)}", ""]
    lines += [f"**Telling.** {escape(section.count_line)}", ""]
    if section.coder_line:
        lines += [f"**Codeurs.** {escape(section.coder_line)}", ""]
    if section.indicators:
        lines += ["**Indicatoren.**", ""]
        lines += [f"- {escape(n.line)}" for n in section.indicators]
        lines.append("")
    for q in section.quotes:
        lines.append(f"> “{escape(q.text)}”")
        lines.append(">")
        extra = f"; codeur {escape(q.coder)}"
        if q.memo:
            extra += f"; memo: {escape(' '.join(q.memo.split()))}"
        lines.append(f"> — {escape(q.reference)}{extra}")
        lines.append("")
    if code.memo:
        lines += [f"**Memo.** {escape(' '.join(code.memo.split()))}", ""]
    if section.memos:
        lines += ["**Memo's bij passages.**", ""]
        lines += [f"- *{escape(ref)}*: {escape(' '.join(memo.split()))}" for ref, memo in section.memos]
        lines.append("")
    for child in section.children:
        lines += _section(child, base)
    return lines


def _sources(report: Report) -> list[str]:
    if not report.sources:
        return []
    names = sorted({k for _, attrs, _ in report.sources for k in attrs})[:6]
    lines = ["## Bronnen", "", "| Document | " + " | ".join(escape(n) for n in names) + " | Woorden |",
             "| --- | " + " | ".join("---" for _ in names) + " | ---: |"]
    for name, attrs, words in report.sources:
        cells = " | ".join(escape(attrs.get(n, "")) for n in names)
        lines.append(f"| {escape(name)} | {cells} | {words} |")
    if report.source_count > len(report.sources):
        lines += ["", f"*En {report.source_count - len(report.sources)} documenten meer; "
                      "zie 'wijkverhalen export segments'.*"]
    return [*lines, ""]


def export_markdown(project: object, output: str | Path, *, case: str | None = None,
                    codes: Sequence[str] = (), pseudonymise: bool = False, quotes: int = 3,
                    all_codes: bool = False, progress: ProgressCallback | None = None) -> Report:
    """Write the coded summary as Markdown to ``output``; returns the report model."""
    report = build_report(project, case=case, codes=codes, pseudonymise=pseudonymise, quotes=quotes,
                          all_codes=all_codes, progress=progress)
    with atomic_output(output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(render_markdown(report))
    return report
