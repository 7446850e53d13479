"""Indicator series per area with the coded passages per year (matplotlib, PNG and SVG).

One figure per finding (code x indicator): the focus area (BoTu) as a bold line, its
parts (Bospolder, Tussendijken) thin, the NPRZ focus neighbourhoods dashed and the
Rotterdam average dotted grey; light bars on a second axis count the code's passages
per story year, each labelled "n=...". The trend window of the verdict is shaded.

matplotlib is imported inside :func:`plot_finding` with the Agg backend (no display
needed), and figures are built with the object API (no pyplot state), so plotting
from a worker thread is safe. SVGs carry no date and a fixed hash salt, so the same
data gives the same file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput

if TYPE_CHECKING:
    from .triangulation import Finding, Series, Validation

FOCUS_COLOR = "#C0392B"
MEMBER_COLORS = ("#E59866", "#AF7AC5", "#5DADE2")
NPRZ_COLOR = "#1F618D"
REFERENCE_COLOR = "#7F8C8D"
BAR_COLOR = "#F5CBA7"


def plot_name(finding: Finding) -> str:
    """A file stem safe on every platform: ``relaties.vertrouwen__vertrouwen_gebiedsbestuur``."""
    return re.sub(r"[^0-9A-Za-z._-]+", "_", f"{finding.code_id}__{finding.indicator}")


def plot_finding(finding: Finding, out_dir: Path, *, area: str = "BoTu", formats: tuple[str, ...] = ("png", "svg"),
                 dpi: int = 150) -> list[Path]:
    """Draw one finding; returns the files written (none when the indicator has no series)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    quant = finding.quant
    if quant.focus is None and quant.reference is None and quant.nprz is None:
        return []
    # Fixed margins instead of constrained layout: a third faster, and the figures are all alike.
    fig = Figure(figsize=(7.5, 4.2))
    fig.subplots_adjust(left=0.08, right=0.97, top=0.86, bottom=0.09)
    ax = fig.add_subplot()
    years_seen: set[int] = set()
    bars = ax.twinx()
    if finding.qual.years:
        ys, ns = list(finding.qual.years), list(finding.qual.years.values())
        bars.bar(ys, ns, width=0.6, color=BAR_COLOR, alpha=0.6, label="coded passages", zorder=0)
        for y, n in zip(ys, ns, strict=True):
            bars.annotate(f"n={n}", (y, n), ha="center", va="bottom", fontsize=8, color="#935116")
        bars.set_ylim(0, max(ns) * 3.2)
        years_seen.update(ys)
    bars.set_yticks([])
    ax.set_zorder(bars.get_zorder() + 1)
    ax.patch.set_visible(False)

    def line(series: Series | None, **style: Any) -> None:
        if series is None or not series.values:
            return
        xs = sorted(series.values)
        label = series.area
        if series.derived_from:
            label += " (mean of " + ", ".join(series.derived_from) + ")"
        ax.plot(xs, [series.values[x] for x in xs], marker="o", label=label, **style)
        years_seen.update(xs)

    for color, member in zip(MEMBER_COLORS, quant.members, strict=False):
        line(member, color=color, linewidth=1.2, markersize=3)
    line(quant.focus, color=FOCUS_COLOR, linewidth=2.6, markersize=6)
    line(quant.nprz, color=NPRZ_COLOR, linewidth=1.6, linestyle="--", markersize=4)
    line(quant.reference, color=REFERENCE_COLOR, linewidth=1.6, linestyle=":", markersize=4)
    if quant.years and len(quant.years) > 1:
        ax.axvspan(quant.years[0], quant.years[-1], color="#D5D8DC", alpha=0.25, zorder=0)
    if years_seen:
        ticks = sorted(years_seen)
        ax.set_xticks(ticks)
        ax.set_xticklabels([str(t) for t in ticks])
        ax.set_xlim(min(ticks) - 0.8, max(ticks) + 0.8)
    ax.set_ylabel(quant.unit or "value")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(f"{quant.label}\n{finding.code_label} ({finding.code_id}, link {finding.link_direction}): "
                 f"{finding.verdict}", fontsize=9)
    handles, labels = ax.get_legend_handles_labels()
    bar_handles, bar_labels = bars.get_legend_handles_labels()
    ax.legend(handles + bar_handles, labels + bar_labels, fontsize=7, loc="best", frameon=False)
    written = []
    stem = plot_name(finding)
    for fmt in formats:
        path = out_dir / f"{stem}.{fmt}"
        metadata = {"Date": None} if fmt == "svg" else {}
        with matplotlib.rc_context({"svg.hashsalt": "wijkverhalen"}):
            fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata)
        written.append(path)
    return written


def write_plots(validation: Validation, out_dir: str | Path, *, formats: tuple[str, ...] = ("png", "svg")) -> dict[tuple[str, str], list[Path]]:
    """Plot every finding with indicator data; returns ``(code, indicator) -> files``."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InvalidInput("is a file, not a folder", path=out)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[tuple[str, str], list[Path]] = {}
    for finding in validation.findings:
        files = plot_finding(finding, out, area=validation.options.area, formats=formats)
        if files:
            written[(finding.code_id, finding.indicator)] = files
    return written


def plot_comparison(series: dict[str, dict[int, float]], path: str | Path, *, title: str, unit: str = "",
                    focus: str = "BoTu", nprz: str = "NPRZ-focuswijken", reference: str = "Rotterdam",
                    note: str = "", dpi: int = 150) -> Path | None:
    """One indicator for the report's Index+ section: ``focus`` beside ``nprz`` and ``reference``.

    ``series`` maps an area to its values per edition (as
    :func:`wijkverhalen.exporters.summary_index.index_section` gives them); the focus
    area's own neighbourhoods are drawn thin. Labels are Dutch; the format follows the
    suffix of ``path`` (PNG for the Word report). ``note`` (the aggregation rule) is printed
    small under the plot, so a figure taken out of the report still says how its lines were
    made. Returns ``None`` when there is nothing to draw.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    drawn = {name: values for name, values in series.items() if values}
    if not drawn:
        return None
    import textwrap

    lines = textwrap.wrap(note, 120) if note else []
    height = 3.0 + 0.16 * len(lines)
    fig = Figure(figsize=(6.3, height))
    fig.subplots_adjust(left=0.1, right=0.72, top=1 - 0.36 / height, bottom=(0.42 + 0.16 * len(lines)) / height)
    if lines:
        fig.text(0.01, 0.01, "\n".join(lines), fontsize=6, color="#555555", va="bottom", ha="left")
    ax = fig.add_subplot()
    styles = {focus: {"color": FOCUS_COLOR, "linewidth": 2.6, "markersize": 6},
              nprz: {"color": NPRZ_COLOR, "linewidth": 1.6, "linestyle": "--", "markersize": 4},
              reference: {"color": REFERENCE_COLOR, "linewidth": 1.6, "linestyle": ":", "markersize": 4}}
    others = iter(MEMBER_COLORS)
    years: set[int] = set()
    for name in sorted(drawn, key=lambda n: (n not in styles, list(styles).index(n) if n in styles else 0, n)):
        values = drawn[name]
        xs = sorted(values)
        style = styles.get(name) or {"color": next(others, "#999999"), "linewidth": 1.0, "markersize": 3}
        ax.plot(xs, [values[x] for x in xs], marker="o", label=name, **style)  # type: ignore[arg-type]
        years.update(xs)
    ticks = sorted(years)
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.set_xlim(min(ticks) - 0.6, max(ticks) + 0.6)
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}".replace(".", ",")))  # Dutch decimals
    ax.set_ylabel(unit or "waarde")
    ax.set_xlabel("editie")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    out = Path(path)
    fig.savefig(out, format=out.suffix.lstrip(".") or "png", dpi=dpi,
                metadata={"Date": None} if out.suffix == ".svg" else {})
    return out
