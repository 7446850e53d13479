"""Write a :class:`~wijkverhalen.linking.triangulation.Validation` as Markdown, XLSX or JSON.

Every format states the verdict rules with the thresholds in force, so a table
pasted into the yearly report carries its own method section. Markdown links the
plots (``--plots DIR``) relative to the report file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InvalidInput
from .quantitative import plural
from .triangulation import CLAIM_NL, SILENT_NL, VERDICT_NL, VERDICTS, Finding, Validation

REPORT_FORMATS = {".md": "md", ".markdown": "md", ".xlsx": "xlsx", ".json": "json"}
ARROW = {1: "↑", -1: "↓", 0: "→", None: "·"}
FINDING_COLUMNS = (
    "code", "code_label", "indicator", "indicator_label", "link", "aspect", "hypothesis", "passages",
    "respondents", "documents", "codings", "positive", "negative", "mixed", "unrated", "citations_left_out",
    "stories", "expected_indicator", "roles", "story_years", "editions", "last_edition", "level", "first", "last",
    "slope_per_year", "change", "unit", "vs_rotterdam", "vs_nprz", "threshold", "threshold_rule", "verdict",
    "verdict_nl", "silent", "rule", "evidence", "flags")


def report_format(path: Path) -> str:
    fmt = REPORT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(f"cannot write '{path.name}': end it in .md, .xlsx or .json")
    return fmt


def fmt_number(x: float | None, signed: bool = False) -> str:
    """One decimal, '.0' dropped; '' for None."""
    if x is None:
        return ""
    if signed and abs(x) < 0.05:
        return "0"
    text = f"{x:+.1f}" if signed else f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def comparison_value(f: Finding, area: str) -> float | None:
    """BoTu's level gap to (or change beyond) ``area`` ("Rotterdam", "NPRZ"); None when not compared."""
    return next((c.value for c in f.quant.comparisons if c.area == area), None)


def verdict_label(f: Finding) -> str:
    """``agreement (consistent met)``; silence says who is silent."""
    text = f"{f.verdict} ({f.verdict_nl})"
    return text + (f" — {SILENT_NL[f.silent]}" if f.silent else "")


def finding_row(f: Finding) -> dict[str, Any]:
    """The flat numbers of one finding (the columns of the tables and the XLSX)."""
    q, n = f.qual, f.quant
    return {
        "code": f.code_id, "code_label": f.code_label, "indicator": f.indicator, "indicator_label": n.label,
        "link": f.link_direction, "aspect": f.aspect, "hypothesis": f.hypothesis, "passages": q.passages,
        "respondents": q.respondents, "documents": q.documents, "codings": q.codings, "positive": q.positive,
        "negative": q.negative, "mixed": q.mixed, "unrated": q.unrated, "citations_left_out": len(q.citations),
        "stories": q.claim, "expected_indicator": {1: "up", -1: "down"}.get(f.expected, "") if f.expected else "",
        "roles": ", ".join(f"{k} {v}" for k, v in q.roles.items()),
        "story_years": ", ".join(f"{k}: {v}" for k, v in q.years.items()),
        "editions": ", ".join(map(str, n.years)), "last_edition": n.last_edition, "level": n.level,
        "first": n.first, "last": n.last, "slope_per_year": n.slope, "change": n.change, "unit": n.unit,
        "vs_rotterdam": comparison_value(f, "Rotterdam"), "vs_nprz": comparison_value(f, "NPRZ"),
        "threshold": n.threshold, "threshold_rule": n.threshold_rule, "verdict": f.verdict,
        "verdict_nl": f.verdict_nl, "silent": f.silent, "rule": f.rule, "evidence": f.reason,
        "flags": "; ".join(f.flags),
    }


# ----------------------------------------------------------------------------- markdown


def to_markdown(v: Validation, *, title: str = "", plots: dict[tuple[str, str], list[Path]] | None = None,
                relative_to: Path | None = None) -> str:
    o = v.options
    lines = [f"# Validatie (triangulatie){': ' + title if title else ''}", ""]
    lines.append(f"Focus area **{o.area}** beside Rotterdam and the NPRZ group"
                 + (f", case **{v.case}**" if v.case else "") + f"; made {date.today().isoformat()}.")
    counts = v.counts()
    lines += ["", " · ".join(f"{k} ({VERDICT_NL[k]}): {counts[k]}" for k in VERDICTS), ""]
    lines += ["## Verdict rules", ""]
    lines += [f"- **{name}**" + (f" ({VERDICT_NL[name]})" if name in VERDICT_NL else "") + f": {text}"
              for name, text in v.rules]
    if v.warnings:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in v.warnings]
    lines += ["", "## Findings", ""]
    lines += _findings_table(v.findings, o.area)
    lines += ["", "## Per code", ""]
    by_code: dict[str, list[Finding]] = {}
    for f in v.findings:
        by_code.setdefault(f.code_id, []).append(f)
    for code_id, fs in by_code.items():
        q = fs[0].qual
        lines += [f"### {fs[0].code_label} (`{code_id}`)", ""]
        lines.append(f"- evidence: {plural(q.passages, 'unique passage')} of {plural(q.respondents, 'respondent')} "
                     f"in {plural(q.documents, 'document')} (from {plural(q.codings, 'coding')}); valence: {q.positive} positive, "
                     f"{q.negative} negative, {q.mixed} mixed, {q.unrated} without; stories: "
                     f"{q.claim or 'unrated'} ({CLAIM_NL[q.claim]})")
        if q.roles:
            lines.append("- respondents by role: " + ", ".join(f"{k} {n}" for k, n in q.roles.items()))
        if q.years:
            lines.append("- years of the stories (passages): " + ", ".join(f"{k}: {n}" for k, n in q.years.items()))
        for p in q.quotes[:12]:
            lines.append(f"- passage {p.document} {p.start}-{p.end} ({p.respondent}, {p.valence or 'unrated'}): "
                         f"\"{_cell(' '.join(p.text.split())[:160])}\"")
        if q.citations:
            lines.append("- left out (they cite the indicator or survey): " + "; ".join(
                f"{p.document} {p.start}-{p.end} ({p.cites})" for p in q.citations))
        for f in fs:
            lines += ["", f"**{f.quant.label}** (`{f.indicator}`, link {f.link_direction}, {f.aspect}"
                          f"{', hypothesis' if f.hypothesis else ''}): **{verdict_label(f)}**", "",
                      f"- rule: {f.rule}", f"- evidence: {f.reason}"]
            lines += [f"- flag: {flag}" for flag in f.flags]
            lines.append("")
            lines += _series_table(f)
            for path in (plots or {}).get((f.code_id, f.indicator), []):
                if path.suffix == ".png":
                    rel = os.path.relpath(path, relative_to) if relative_to else str(path)
                    lines += ["", f"![{f.code_id} × {f.indicator}]({Path(rel).as_posix()})"]
        lines.append("")
    if v.unlinked:
        lines += ["## Coded themes without a linked indicator", "",
                  "| code | label | passages |", "| --- | --- | ---: |"]
        lines += [f"| `{c}` | {_cell(label)} | {n} |" for c, label, n in v.unlinked]
        lines.append("")
    if v.cases:
        lines += ["## Casuïstiek: the four inventories per case", ""]
        for case in v.cases:
            lines += _case_markdown(case)
    if v.inclusiveness is not None:
        lines += _inclusiveness_markdown(v.inclusiveness)
    return "\n".join(lines).rstrip() + "\n"


def _findings_table(findings: list[Finding], area: str) -> list[str]:
    out = [f"| code | indicator | link | aspect | passages | respondents | + | − | ± | stories | {area} "
           "| vs Rotterdam | vs NPRZ | threshold | verdict |",
           "| --- | --- | :-: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | --- |"]
    for f in findings:
        q, n = f.qual, f.quant
        value = ""
        if n.enough:
            value = (f"{fmt_number(n.level)} ({', '.join(map(str, n.years))})" if f.aspect == "level"
                     else f"{fmt_number(n.change, True)} ({n.years[0]}-{n.years[-1]})")
        out.append(
            f"| `{f.code_id}` | {_cell(n.label)} | {f.link_direction} | {f.aspect} | {q.passages} | {q.respondents} "
            f"| {q.positive} | {q.negative} | {q.mixed} | {q.claim or '–'} | {value} "
            f"| {fmt_number(comparison_value(f, 'Rotterdam'), True)} | {fmt_number(comparison_value(f, 'NPRZ'), True)} "
            f"| {fmt_number(n.threshold)} | **{verdict_label(f)}** |")
    if not findings:
        out.append("| | | | | | | | | | | | | | | no findings |")
    return out


def _series_table(f: Finding) -> list[str]:
    n = f.quant
    series = [s for s in [n.focus, *n.members, n.nprz, n.reference] if s is not None]
    if not series:
        return []
    years = sorted({y for s in series for y in s.values} | set(f.qual.years))
    out = ["| area | " + " | ".join(str(y) + ("*" if y in n.years else "") for y in years) + " |",
           "| --- |" + " ---: |" * len(years)]
    for s in series:
        name = s.area + (" (mean of " + ", ".join(s.derived_from) + ")" if s.derived_from else "")
        out.append(f"| {name} | " + " | ".join(fmt_number(s.values.get(y)) for y in years) + " |")
    out.append("| *coded passages* | " + " | ".join(str(f.qual.years.get(y, "")) for y in years) + " |")
    return out + ["", "\\* editions used for this verdict"]


def _case_markdown(case: Any) -> list[str]:
    roles = ", ".join(f"{k} {n}" for k, n in case.roles.items())
    out = [f"### {case.name}", "", f"{case.documents} document(s){': ' + roles if roles else ''}", ""]
    netwerken = [f"{a['name']} ({a['mentions']}×, {a['documents']} doc)"
                 + (" — " + ", ".join(f"{n} {w}" for n, w in a["ties"]) if a["ties"] else "")
                 for a in case.actors]
    index = [f"{f.code_id} × {f.indicator}: {f.verdict} ({f.verdict_nl})" for f in case.findings]
    sibd = [f"{c.label}: {c.passages} ({c.positive}+ {c.negative}− {c.mixed}±)" for c in case.sibd]
    gov = [f"{c.label}: {c.passages} ({c.positive}+ {c.negative}− {c.mixed}±)" for c in case.governance]
    columns = [netwerken, index, sibd, gov]
    depth = max(1, *(len(c) for c in columns))
    out += ["| Netwerken (actors, ties) | Index+ (indicators) | Social Impact by Design | Governance |",
            "| --- | --- | --- | --- |"]
    for i in range(depth):
        cells = [_cell(c[i]) if i < len(c) else ("—" if i == 0 else "") for c in columns]
        out.append("| " + " | ".join(cells) + " |")
    return out + [""]


def _inclusiveness_markdown(inc: Any) -> list[str]:
    out = ["## Netwerken: who is hardly in the network (inclusiveness)", "", f"Rule: {inc.rule}.", ""]
    if inc.unmentioned:
        out.append("- actors never mentioned: " + ", ".join(name for _, name in inc.unmentioned))
    if inc.few_ties:
        out.append("- actors with few ties: " + ", ".join(f"{name} ({ties} ties, {m}×)" for _, name, ties, m in inc.few_ties))
    if inc.respondents_few_actors:
        out.append("- respondents naming few actors: "
                   + ", ".join(f"{name} ({group}, {n})" for name, group, n in inc.respondents_few_actors))
    out += ["", "| respondent group | documents | naming an actor | distinct actors | actors per document | few ties |",
            "| --- | ---: | ---: | ---: | ---: | :-: |"]
    out += [f"| {g.group} | {g.documents} | {g.documents_with_actors} | {g.actors} | {g.mean_actors:.2f} "
            f"| {'yes' if g.few_ties else ''} |" for g in inc.groups]
    return out + [""]


# ----------------------------------------------------------------------------- json, xlsx


def to_json(v: Validation) -> dict[str, Any]:
    data = asdict(v)
    data["counts"] = v.counts()
    data["rules"] = [{"name": name, "rule": text} for name, text in v.rules]
    data["rows"] = [finding_row(f) for f in v.findings]
    return json.loads(json.dumps(data, default=str))


def to_xlsx(v: Validation, path: Path) -> None:
    """Findings, series, rules and cases as sheets (formula-safe, written atomically)."""
    from ..exporters.tables import Sheet, write_xlsx

    header = list(FINDING_COLUMNS)
    findings: list[list[Any]] = [header, *([row[k] for k in header] for row in map(finding_row, v.findings))]
    series: list[list[Any]] = [["code", "indicator", "area", "derived_from", "year", "value",
                                "coded_passages_that_year"]]
    for f in v.findings:
        for s in [f.quant.focus, *f.quant.members, f.quant.nprz, f.quant.reference]:
            if s is None:
                continue
            for year, value in s.values.items():
                series.append([f.code_id, f.indicator, s.area, ", ".join(s.derived_from), year, value,
                               f.qual.years.get(year, 0)])
    rules: list[list[Any]] = [["rule", "text"], *([name, text] for name, text in v.rules)]
    for key, value in asdict(v.options).items():
        rules.append([f"option {key}", "" if value is None else str(value)])
    cases: list[list[Any]] = [["case", "inventory", "item", "count", "positive", "negative", "mixed", "detail"]]
    for case in v.cases:
        for a in case.actors:
            cases.append([case.name, "netwerken", a["name"], a["mentions"], None, None, None,
                          ", ".join(f"{n} {w}" for n, w in a["ties"])])
        for f in case.findings:
            cases.append([case.name, "index+", f"{f.code_id} × {f.indicator}", f.qual.passages, f.qual.positive,
                          f.qual.negative, f.qual.mixed, f"{f.verdict} ({f.verdict_nl})"])
        for inventory, items in (("sibd", case.sibd), ("governance", case.governance)):
            for c in items:
                cases.append([case.name, inventory, c.label, c.passages, c.positive, c.negative, c.mixed, c.code_id])
    # The evidence passages once per code (every link of a code has the same stories).
    passages: list[list[Any]] = [["code", "document", "start", "end", "respondent", "role", "year", "valence",
                                  "codings", "evidence", "cites", "text"]]
    listed: set[str] = set()
    for f in v.findings:
        if f.code_id in listed:
            continue
        listed.add(f.code_id)
        for p in [*f.qual.quotes, *f.qual.citations]:
            passages.append([f.code_id, p.document, p.start, p.end, p.respondent, p.role, p.year, p.valence,
                             p.codings, "no (cites the survey)" if p.cites else "yes", p.cites, p.text])
    write_xlsx(path, [Sheet("Findings", findings), Sheet("Series", series), Sheet("Rules", rules),
                      Sheet("Passages", passages), Sheet("Cases", cases)])


def write_report(v: Validation, path: str | Path, *, title: str = "",
                 plots: dict[tuple[str, str], list[Path]] | None = None) -> str:
    """Write the report in the format its suffix names; returns the format."""
    path = Path(path)
    fmt = report_format(path)
    if not path.parent.exists():
        raise InvalidInput("folder does not exist", path=path.parent)
    if fmt in ("md", "json"):
        from ..exporters import atomic_output

        text = (to_markdown(v, title=title, plots=plots, relative_to=path.parent.resolve()) if fmt == "md"
                else json.dumps(to_json(v), ensure_ascii=False, indent=2))
        with atomic_output(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        to_xlsx(v, path)
    return fmt


# ----------------------------------------------------------------------------- terminal

VERDICT_STYLE = {"agreement": "green", "partial agreement": "yellow", "dissonance": "red", "silence": "dim"}


def print_validation(v: Validation, out: Any) -> None:
    """The findings table, the counts, the rules and the warnings on a rich Console ``out``."""
    from rich.markup import escape
    from rich.table import Table

    o = v.options
    t = Table(title=f"validation: {o.area} beside Rotterdam and NPRZ" + (f", case {v.case}" if v.case else ""),
              header_style="bold")
    for col in ("code", "indicator", "aspect", "pass.", "resp.", "+/−/±", "stories", o.area, "vs R'dam",
                "vs NPRZ", "verdict"):
        t.add_column(col, overflow="fold")
    shown = [f for f in v.findings if f.qual.passages or f.qual.citations]
    quiet = [f for f in v.findings if f not in shown]
    for f in shown:
        q, n = f.qual, f.quant
        value = ""
        if n.enough:
            value = fmt_number(n.level) if f.aspect == "level" else f"{fmt_number(n.change, True)} ({n.years[0]}-{n.years[-1]})"
        t.add_row(escape(f.code_id), escape(f.indicator) + ("" if f.link_direction == "+" else " (−)"), f.aspect,
                  str(q.passages), str(q.respondents), f"{q.positive}/{q.negative}/{q.mixed}", q.claim or "–", value,
                  fmt_number(comparison_value(f, "Rotterdam"), True), fmt_number(comparison_value(f, "NPRZ"), True),
                  f"[{VERDICT_STYLE[f.verdict]}]{f.verdict}{': ' + f.silent if f.silent else ''}[/]")
    out.print(t)
    if quiet:
        # Links without a coded passage are all "silence: the stories"; named in one line, not one row each.
        out.print(f"silence ({VERDICT_NL['silence']}), no coded passages: {plural(len(quiet), 'link')}: "
                  + ", ".join(escape(f"{f.code_id} × {f.indicator}") for f in quiet), highlight=False)
    out.print("  ".join(f"[{VERDICT_STYLE[k]}]{k} ({VERDICT_NL[k]}): {n}[/]" for k, n in v.counts().items()))
    out.print("[bold]per finding: the rule that fired and the evidence[/]")
    for f in shown:
        out.print(f"  [bold]{escape(f.code_id)} × {escape(f.indicator)}[/] ({f.aspect}): {escape(f.rule)}",
                  highlight=False)
        out.print(f"    evidence: {escape(f.reason)}", highlight=False)
        for flag in f.flags:
            out.print(f"    [yellow]flag:[/] {escape(flag)}", highlight=False)
        for p in f.qual.citations:
            out.print(f"    left out (cites {escape(p.cites)}): {escape(p.document)} {p.start}-{p.end} "
                      f"\"{escape(' '.join(p.text.split())[:80])}\"", highlight=False)
    out.print("[bold]rules[/]")
    for name, text in v.rules:
        out.print(f"  [bold]{escape(name)}[/]: {escape(text)}", highlight=False)
    for w in v.warnings:
        out.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
