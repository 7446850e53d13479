"""Render the coded summary (:class:`~.summary.Report`) as Markdown.

The output is plain CommonMark with pipe tables, so it reads well as text, renders
on GitHub/GitLab and converts with pandoc. Headings follow the codebook hierarchy
(``##`` for a top-level code, one level deeper per sub-code, at most ``######``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import ProgressCallback, atomic_output
from .summary import CodeSection, Report, ReportPart, aantal, build_report
from .summary_index import number_nl

if TYPE_CHECKING:
    from ..store import Project

_ESCAPE = re.compile(r"([\\`*_\[\]<>|])")


def escape(text: str) -> str:
    """Backslash-escape Markdown syntax so names and quotes show literally."""
    return _ESCAPE.sub(r"\\\1", text)


def render_markdown(report: Report, figures: Path | None = None, relative_to: Path | None = None) -> str:
    """The report as Markdown; with ``figures`` the Index+ plots are written there and linked."""
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
    body: list[str] = []
    body += _overview(report)
    for part in report.parts:
        body += [f"## {escape(part.title)}", ""]
        if part.intro:
            body += [f"*{escape(part.intro)}*", ""]
        body += _cases(part)
        body += _qualities(part)
        body += _index(part, report, figures, relative_to)
        if part.empty:
            body += ["Geen gecodeerde passages bij dit onderdeel.", ""]
        for section in part.sections:
            body += _section(section, 3)
    body += _method(report)
    body += _sources(report)
    out += _contents(body)
    out += body
    out.append(f"<!-- wijkverhalen {report.version} -->")
    return "\n".join(out).rstrip() + "\n"


def _contents(body: list[str]) -> list[str]:
    """The table of contents from the ``##`` and ``###`` headings of ``body``."""
    lines = ["## Inhoud", ""]
    for line in body:
        if line.startswith("## "):
            lines.append(f"- {line[3:].split(' — ')[0]}")
        elif line.startswith("### "):
            lines.append(f"  - {line[4:].split(' — ')[0]}")
    return [*lines, ""]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> list[str]:
    out = ["| " + " | ".join(escape(h) for h in header) + " |",
           "| " + " | ".join("---:" if i in numeric else "---" for i in range(len(header))) + " |"]
    out += ["| " + " | ".join(escape(str(c)) for c in row) + " |" for row in rows]
    return [*out, ""]


def _overview(report: Report) -> list[str]:
    if not report.overview:
        return ["## Overzicht", "", "Er zijn (in deze selectie) nog geen gecodeerde passages.", ""]
    lines = ["## Overzicht", "", "| Code | Passages | Documenten | Respondenten |", "| --- | ---: | ---: | ---: |"]
    for label, depth, codings, documents, respondents in report.overview:
        indent = "&nbsp;&nbsp;" * depth
        lines.append(f"| {indent}{escape(label)} | {codings} | {documents} | {respondents} |")
    return [*lines, ""]


def _cases(part: ReportPart) -> list[str]:
    out: list[str] = []
    for case in part.cases:
        roles = ", ".join(f"{n} {r}" for r, n in case.roles.items())
        out += [f"### Casus {escape(case.name)}", "",
                escape(aantal(case.documents, "document") + (f" ({roles})" if roles else "")
                       + ". De casus langs de inventarisaties (passages met subcodes):"), ""]
        out += _table(("Onderdeel", "Passages", "Documenten"), [(t, str(n), str(d)) for t, n, d in case.rows], (1, 2))
    return out


def _qualities(part: ReportPart) -> list[str]:
    if not part.qualities:
        return []
    return _table(("Dimensie", "Kwaliteit van een responsieve overheid", "Passages", "Documenten"),
                  [(dim, quality, str(n), str(d)) for dim, quality, n, d in part.qualities], (2, 3))


def _index(part: ReportPart, report: Report, figures: Path | None, relative_to: Path | None) -> list[str]:
    if part.title != "Index+":
        return []
    lines: list[str] = []
    if not part.index:
        lines += ["Geen ingelezen indicatoren gekoppeld aan de gecodeerde thema's (wijkverhalen indicators import).",
                  ""]
    for k, item in enumerate(part.index, start=1):
        lines += [f"### {escape(item.heading)}", "", f"*{escape(item.meta_line)}*", ""]
        lines += _table(("Editie", *item.columns),
                        [(str(y), *(number_nl(v) for v in values)) for y, values in item.rows],
                        tuple(range(1, len(item.columns) + 1)))
        if figures is not None:
            from ..linking.plots import plot_comparison

            figures.mkdir(exist_ok=True)
            png = plot_comparison(item.series, figures / f"index_{k}_{item.id}.png", title=item.label,
                                  unit=item.unit, note="; ".join(item.rules + item.flags))
            if png is not None:
                rel = os.path.relpath(png, relative_to) if relative_to else str(png)
                lines += [f"![Figuur {k}. {escape(item.label)}]({Path(rel).as_posix()})", ""]
        lines += [f"**Aggregatie.** {escape('; '.join(item.rules))}.", ""]
        lines += [f"**Let op.** {escape(flag)}." for flag in item.flags]
        if item.flags:
            lines.append("")
        if item.provenance:
            lines += ["**Bron en herkomst.**", ""] + [f"- {escape(p)}" for p in item.provenance] + [""]
        for note in item.notes:
            text = f"- **{escape(note.code_label)} ({note.direction})**: {escape(note.verdict or 'geen oordeel')}"
            if note.detail:
                text += f". Bewijs: {escape(note.detail)}"
            if note.rule:
                text += f". *Regel: {escape(note.rule)}*"
            lines.append(text)
        if item.notes:
            lines.append("")
    return lines


def _method(report: Report) -> list[str]:
    lines = ["## Verantwoording", ""]
    lines += [f"**{escape(name)}.** {escape(text)}" + "\n" for name, text in report.method]
    if report.thresholds:
        lines += _table(("Instelling", "Waarde"), [(k, v) for k, v in report.thresholds.items() if v != ""])
    lines += [f"**Let op.** {escape(w)}" + "\n" for w in report.warnings]
    return lines


def _section(section: CodeSection, base: int) -> list[str]:
    code = section.code
    level = min(6, base + section.depth)
    title = escape(code.label)
    if code.gloss:
        title += f" — *{escape(code.gloss)}*"
    lines = [f"{'#' * level} {title}", ""]
    if section.is_part:  # the inventory's own code: the part heading stands for it
        lines = [f"*{escape(code.gloss)}*", ""] if code.gloss else []
    if section.moved_from:
        lines += [f"*Uit: {escape(section.moved_from)} (hier geplaatst zoals in de monitor).*", ""]
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
    names = list(report.source_columns)
    lines = ["## Bronnen", ""]
    lines += _table(("Document", *(n.capitalize() for n in names), "Woorden"),
                    [(name, *(attrs.get(n, "") for n in names), str(words)) for name, attrs, words in report.sources],
                    (len(names) + 1,))
    if report.source_count > len(report.sources):
        lines += [f"*En {aantal(report.source_count - len(report.sources), 'document')} meer; "
                  "zie 'wijkverhalen export segments'.*", ""]
    return lines


def export_markdown(project: Project, output: str | Path, *, case: str | None = None,
                    codes: Sequence[str] = (), pseudonymise: bool = False, quotes: int = 3,
                    all_codes: bool = False, progress: ProgressCallback | None = None,
                    source_attributes: Sequence[str] | None = None, figures: bool = True) -> Report:
    """Write the coded summary as Markdown to ``output``; returns the report model.

    With ``figures`` the Index+ plots are written as PNG into ``<name>_figuren/`` beside
    the file and linked from it.
    """
    report = build_report(project, case=case, codes=codes, pseudonymise=pseudonymise, quotes=quotes,
                          all_codes=all_codes, progress=progress, source_attributes=source_attributes)
    target = Path(output)
    folder = target.parent / f"{target.stem}_figuren" if figures and target.parent.is_dir() else None
    with atomic_output(output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(render_markdown(report, folder, target.parent.resolve()))
    return report
