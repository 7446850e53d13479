"""Indicator commands beside import/list: show one indicator with its comparison areas,
describe what its numbers mean, and choose the NPRZ reference group.

The group ``indicators`` itself and ``import``/``list``/``areas`` live in
:mod:`wijkverhalen.cli.linking`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import InvalidInput
from .common import (
    coder_option,
    echo_json,
    json_option,
    opened,
    project_argument,
    resolve_coder,
    table,
)
from .linking import indicators

_BETTER = {"higher": "higher", "hoger": "higher", "lower": "lower", "lager": "lower", "none": "", "": ""}


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"
    return text + ("%" if unit == "%" else "")


@indicators.command("show")
@project_argument
@click.argument("indicator")
@click.option("--area", default="BoTu", show_default=True, help="The focus area set beside NPRZ and Rotterdam.")
@click.option("--nprz", "nprz", multiple=True, metavar="NEIGHBOURHOOD",
              help="A member of the NPRZ reference group (repeatable; default: the project's setting).")
@click.option("--weights", "weight_indicator", default=None, metavar="INDICATOR",
              help="Indicator holding the inhabitants to weight by (default: aantal_inwoners when imported).")
@json_option
def indicators_show(project: Path, indicator: str, area: str, nprz: tuple[str, ...], weight_indicator: str | None,
                    as_json: bool) -> None:
    """Show an indicator: what its numbers mean, their sources, and BoTu beside NPRZ and Rotterdam.

    BoTu is the table's own BoTu row, else the mean of Bospolder and Tussendijken,
    weighted by inhabitants when known; the rule used is printed, as is an
    incomplete NPRZ group or a missing Rotterdam row.

    \b
    Example:
      wijkverhalen indicators show botu.wijk sociale_index
      wijkverhalen indicators show botu.wijk sociale_index --nprz Carnisse --nprz Tarwewijk --nprz Hillesluis
    """
    from dataclasses import asdict

    from ..linking.comparison import compare_in_project

    with opened(project) as proj:
        comparison = compare_in_project(proj, indicator, focus=area, nprz_members=list(nprz) or None,
                                        weight_indicator=weight_indicator)
        meta = next(i for i in proj.indicators.all() if i.id == indicator)
        rows = proj.indicators.values([indicator])
    provenance: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        name = r["file"].replace("\\", "/").rsplit("/", 1)[-1]
        provenance.setdefault((r["source"] or "source not given", name), set()).add(str(r["edition"] or r["year"]))
    if as_json:
        echo_json({"indicator": asdict(meta), "meaning": meta.meta.describe(), "comparison": asdict(comparison),
                   "rules": comparison.rules(),
                   "provenance": [{"source": s, "file": f, "editions": sorted(e)} for (s, f), e in provenance.items()]})
        return
    click.echo(f"{meta.id}: {meta.label}")
    click.echo(f"  {meta.meta.describe()}")
    for (source, name), editions in sorted(provenance.items()):
        click.echo(f"  {source}, editions {', '.join(sorted(editions))} ({name})")
    years = sorted({y for s in (comparison.focus, comparison.nprz, comparison.reference) for y in s.values}
                   | {y for v in comparison.parts.values() for y in v})
    body: list[list[Any]] = []
    for name, series in comparison.parts.items():
        body.append([name, *(_cell(series.get(y), meta.unit) for y in years)])
    for agg in (comparison.focus, comparison.nprz, comparison.reference):
        label = agg.area + ("" if agg.method == "table row" else " (no row)" if agg.method == "missing"
                            else " (computed)")
        body.append([label, *(_cell(agg.values.get(y), meta.unit) for y in years)])
    table(None, ["area", *map(str, years)], body, no_wrap=("area",))
    for line in comparison.rules():
        click.echo(f"  {line}")


@indicators.command("describe")
@project_argument
@click.argument("indicator")
@click.option("--label", default=None, help="What the indicator measures, in words.")
@click.option("--unit", default=None, help="Unit of the numbers: %, index, inwoners...")
@click.option("--scale", default=None, help="What the numbers are measured against, e.g. 'Rotterdam 2014 = 100'.")
@click.option("--better", type=click.Choice(sorted(_BETTER)), default=None,
              help="Which direction is better: higher/hoger, lower/lager, or none (not said).")
@click.option("--source", default=None, help="The indicator's source, e.g. 'Wijkprofiel Rotterdam'.")
@click.option("--threshold", default=None, metavar="NUMBER|auto",
              help="Smallest difference or change (in the indicator's unit) that validate counts; "
                   "'auto': its median edition-to-edition change.")
@coder_option
def indicators_describe(project: Path, indicator: str, label: str | None, unit: str | None, scale: str | None,
                        better: str | None, source: str | None, threshold: str | None, coder: str | None) -> None:
    """Say what an indicator's numbers mean: label, unit, scale, better direction, source, threshold (undoable).

    \b
    Example:
      wijkverhalen indicators describe botu.wijk eenzaamheid --unit % --better lower
      wijkverhalen indicators describe botu.wijk sociale_index --scale "Rotterdam 2014 = 100" --better higher
      wijkverhalen indicators describe botu.wijk sociale_index --threshold 10
    """
    fields: dict[str, str | float | None] = {
        k: v for k, v in {"label": label, "unit": unit, "scale": scale, "source": source,
                          "better": _BETTER[better] if better is not None else None}.items() if v is not None}
    if threshold is not None:
        fields["threshold"] = _threshold(threshold)
    with opened(project) as proj:
        changed = proj.indicators.set_meta(indicator, resolve_coder(coder), **fields)
        meta = next(i for i in proj.indicators.all() if i.id == indicator)
    shown = "" if meta.threshold is None else f"; threshold {meta.threshold:g}"
    click.echo(f"{indicator}: {meta.meta.describe()}{shown}" + ("" if changed else " (unchanged)"))


def _threshold(text: str) -> float | None:
    if text.strip().lower() in ("auto", "none", ""):
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise InvalidInput(f"--threshold must be a number >= 0 or 'auto', not '{text}'") from None
    if not 0 <= value < float("inf"):
        raise InvalidInput(f"--threshold must be a number >= 0 or 'auto', not '{text}'")
    return value


@indicators.command("nprz")
@project_argument
@click.argument("members", nargs=-1)
@click.option("--clear", is_flag=True, help="Forget the members (comparisons then use an NPRZ row of the table).")
@json_option
def indicators_nprz(project: Path, members: tuple[str, ...], clear: bool, as_json: bool) -> None:
    """Show or set the neighbourhoods of the NPRZ reference group (a project setting).

    The seed compares BoTu with "3 focuswijken"; name them here. Without
    MEMBERS the current setting is shown.

    \b
    Example:
      wijkverhalen indicators nprz botu.wijk Carnisse Hillesluis Tarwewijk
      wijkverhalen indicators nprz botu.wijk --clear
    """
    if clear and members:
        raise click.UsageError("give members or --clear, not both")
    with opened(project) as proj:
        if clear or members:
            proj.indicators.set_nprz_members(list(members))
        current = proj.indicators.nprz_members()
    if as_json:
        echo_json(current)
        return
    click.echo("NPRZ reference group: " + (", ".join(current) if current else
                                           "not set (an NPRZ row of the table is used when there is one)"))


@indicators.command("alias")
@project_argument
@click.argument("area")
@click.argument("aliases", nargs=-1, required=True)
@coder_option
def indicators_alias(project: Path, area: str, aliases: tuple[str, ...], coder: str | None) -> None:
    """Let other names or codes (a CBS wijkcode, an export's spelling) stand for AREA (undoable).

    \b
    Example:
      wijkverhalen indicators alias botu.wijk Bospolder BU9999001 "Bospolder (wijk)"
    """
    with opened(project) as proj:
        new = proj.indicators.add_area_aliases(area, list(aliases), resolve_coder(coder))
        name = proj.indicators.area_registry().require(area)
    click.echo(f"{name}: " + (f"added {', '.join(new)}" if new else "no new names"))
