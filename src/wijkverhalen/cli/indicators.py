"""The ``indicators`` group: import tables, list indicators and areas, show one indicator
with its comparison areas, describe what its numbers mean, and choose the NPRZ
reference group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import InvalidInput
from . import cli
from .common import (
    coder_option,
    echo_json,
    json_option,
    opened,
    project_argument,
    resolve_coder,
    table,
)


@cli.group()
def indicators() -> None:
    """Quantitative data (Index+ / Wijkprofiel): import tables, list indicators and areas."""


@indicators.command("import")
@project_argument
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sheet", default=None, help="Sheet of an XLSX/ODS workbook (default: the first).")
@click.option("--form", type=click.Choice(["auto", "long", "wide-years", "wide-indicators", "wide-areas"]),
              default="auto", show_default=True, help="Layout of the table (auto detects it from the column names).")
@click.option("--area-column", default=None, help="The column with the neighbourhood names (default: detected).")
@click.option("--year-column", default=None, help="The column with the year or edition (default: detected).")
@click.option("--year", type=click.IntRange(1900, 2100), default=None,
              help="The edition of a table without a year column (a detail export of one year).")
@click.option("--only", multiple=True, metavar="INDICATOR", help="Import only this indicator (repeatable).")
@click.option("--skip", multiple=True, metavar="INDICATOR", help="Leave this indicator out (repeatable).")
@click.option("--districts", is_flag=True,
              help="The area column holds districts (gebieden such as Delfshaven): import them as districts.")
@click.option("--source", default="", help="Source of values without a source column, e.g. 'Wijkprofiel Rotterdam'.")
@click.option("--new-area", "new_areas", multiple=True, metavar="NAME=GROUP",
              help="Accept an area the project does not know yet; GROUP is botu, nprz, reference or other.")
@coder_option
def indicators_import(project: Path, file: Path, sheet: str | None, form: str, area_column: str | None,
                      year_column: str | None, year: int | None, only: tuple[str, ...], skip: tuple[str, ...],
                      districts: bool, source: str, new_areas: tuple[str, ...], coder: str | None) -> None:
    """Import a CSV/XLSX table of indicator values (Wijkprofiel, CBS or your own).

    The layout and the role of each column are detected and printed: area and
    year columns (jaar, editie, periode), identifiers (wijk_slug, wijkcode),
    districts (gebied) and text are never read as indicators. Long form has
    area, year, indicator, value (and optionally unit, schaal, beter, bron,
    label); wide forms have one column per year, per indicator or per area. A
    table without a year column needs --year. A district where a neighbourhood
    is expected is an error (older map exports put the district in 'wijknaam').
    Importing a changed table again updates the values it holds (undoable).

    \b
    Example:
      wijkverhalen indicators import botu.wijk data/indicators_illustrative.csv
      wijkverhalen indicators import botu.wijk wijkprofiel.csv --skip veiligheidsindex
      wijkverhalen indicators import botu.wijk detail_bospolder.csv --year 2020 --source "Wijkprofiel 2020"
      wijkverhalen indicators import botu.wijk kaart.csv --area-column buurtnaam
      wijkverhalen indicators import botu.wijk extra.csv --new-area "Spangen=other"
    """
    from ..linking.indicators import TableOptions, import_indicator_file
    from ..models.areas import parse_new_area

    options = TableOptions(sheet=sheet, form=form, area_column=area_column, year_column=year_column, year=year,
                           only=only, skip=skip, districts=districts, source=source)
    with opened(project) as proj:
        start = len(proj.areas())
        areas = tuple(parse_new_area(spec, start + i) for i, spec in enumerate(new_areas))
        report = import_indicator_file(proj, file, resolve_coder(coder), new_areas=areas, options=options)
    where = f"{file}" + (f" [{report.sheet}]" if report.sheet else "")
    click.echo(f"{where} ({report.form}): {report.added} value(s) added, {report.changed} changed, "
               f"{report.unchanged} unchanged" + (f", {report.skipped_empty} empty cell(s) skipped"
                                                  if report.skipped_empty else ""))
    read = [f"{col} = {role}" for col, role in report.columns.items()]
    if read:
        click.echo("  columns: " + "; ".join(read))
    if report.new_indicators:
        click.echo(f"  new indicators: {', '.join(report.new_indicators)}")
    if report.new_areas:
        click.echo(f"  new areas: {', '.join(report.new_areas)}")


@indicators.command("list")
@project_argument
@click.option("--values", "show_values", is_flag=True, help="List every value with its provenance.")
@click.option("--indicator", "indicator_ids", multiple=True, help="Only this indicator (repeatable).")
@json_option
def indicators_list(project: Path, show_values: bool, indicator_ids: tuple[str, ...], as_json: bool) -> None:
    """List indicators with unit, scale, better direction, source, years and linked codes.

    \b
    Example:
      wijkverhalen indicators list botu.wijk
      wijkverhalen indicators list botu.wijk --values --indicator contact_buren --json
    """
    from dataclasses import asdict

    with opened(project) as proj:
        inds = [i for i in proj.indicators() if not indicator_ids or i.id in indicator_ids]
        unknown = sorted(set(indicator_ids) - {i.id for i in inds})
        if unknown:
            raise InvalidInput(f"no indicator {', '.join(unknown)} (see 'wijkverhalen indicators list')")
        values = proj.indicator_values([i.id for i in inds]) if show_values else []
    if as_json:
        echo_json({"indicators": [asdict(i) for i in inds], "values": values} if show_values
                  else [asdict(i) for i in inds])
        return
    if show_values:
        meta = {i.id: i for i in inds}
        table(f"{len(values)} value(s)", ["indicator", "area", "year", "value", "unit", "scale", "better",
                                          "source", "edition", "file", "row"],
              [[v["indicator"], v["area"], v["year"], f"{v['value']:g}", v["unit"], meta[v["indicator"]].scale,
                meta[v["indicator"]].better, v["source"], v["edition"] or v["year"],
                v["file"] + (f" [{v['sheet']}]" if v["sheet"] else ""), v["row"]] for v in values])
        return
    table(f"{len(inds)} indicator(s)", ["id", "label", "unit (scale)", "better", "source", "years", "areas",
                                        "linked codes"],
          [[i.id, i.label, i.unit + (f" ({i.scale})" if i.scale else ""), i.better, i.meta.source, _years(i.years),
            len(i.areas), ", ".join(i.linked_codes)] for i in inds])


def _years(years: tuple[int, ...]) -> str:
    return f"{years[0]}-{years[-1]} ({len(years)})" if years else ""


@indicators.command("areas")
@project_argument
@json_option
def indicators_areas(project: Path, as_json: bool) -> None:
    """List the areas the project knows, their group and the names that map to them.

    \b
    Example:
      wijkverhalen indicators areas botu.wijk
    """
    from dataclasses import asdict

    with opened(project) as proj:
        areas = proj.areas()
    if as_json:
        echo_json([asdict(a) for a in areas])
        return
    table(None, ["area", "group", "level", "district", "aggregate", "also written as"],
          [[a.name, a.group, a.level, a.district, "yes" if a.aggregate else "", ", ".join(a.aliases)]
           for a in areas])


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
        meta = next(i for i in proj.indicators() if i.id == indicator)
        rows = proj.indicator_values([indicator])
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
        changed = proj.set_indicator_meta(indicator, resolve_coder(coder), **fields)
        meta = next(i for i in proj.indicators() if i.id == indicator)
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
            proj.set_nprz_members(list(members))
        current = proj.nprz_members()
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
        new = proj.add_area_aliases(area, list(aliases), resolve_coder(coder))
        name = proj.area_registry().require(area)
    click.echo(f"{name}: " + (f"added {', '.join(new)}" if new else "no new names"))
