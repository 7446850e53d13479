"""Analysis commands: inter-coder agreement."""

from __future__ import annotations

import math
from pathlib import Path

import click

from ..errors import InvalidInput
from . import cli
from .common import echo_json, json_option, opened, project_argument, table


def _split(value: str | None) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()] if value else []


def _num(value: float, digits: int = 3) -> str:
    return "" if math.isnan(value) else f"{value:.{digits}f}"


@cli.command()
@project_argument
@click.option("--coders", default=None, metavar="A,B,...",
              help="Coders to compare (default: everyone who coded).")
@click.option("--unit", type=click.Choice(["sentence", "turn", "document", "overlap"]), default="sentence",
              show_default=True, help="What is compared: sentences, turns, whole documents, or coded "
              "segments matched by overlap (MAXQDA).")
@click.option("--overlap", type=click.FloatRange(0, 100, min_open=True), default=90.0, show_default=True,
              help="With --unit overlap: two passages agree when they overlap by at least this % of their union.")
@click.option("--codes", default=None, metavar="A,B,...", help="Only these codes.")
@click.option("--set", "nominal_set", default=None, metavar="A,B,...",
              help="Also one nominal alpha across these mutually exclusive codes.")
@click.option("--bootstrap", type=click.IntRange(0, 100_000), default=0,
              help="Resample units N times for a 95% interval of alpha.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--children", is_flag=True, help="Count a sub-code's passages for its parent codes too.")
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the table to .csv, .xlsx or .md (repeatable).")
@click.option("--disagreements", "disagreement_outputs", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Write the disagreements (document, span, who applied what) to .csv, .xlsx or .md.")
@json_option
def agreement(project: Path, coders: str | None, unit: str, overlap: float, codes: str | None,
              nominal_set: str | None, bootstrap: int, seed: int, children: bool, outputs: tuple[Path, ...],
              disagreement_outputs: tuple[Path, ...], as_json: bool) -> None:
    """Inter-coder agreement per code: percent, kappas, Krippendorff's alpha.

    Units are sentences (default), turns, whole documents (code present or
    not), or coded segments (--unit overlap: two passages agree when they
    overlap by --overlap % of their union, as MAXQDA does). For a coder who
    marked documents done ('wijkverhalen done') only those count; otherwise
    every document counts, and a code a coder did not apply is "absent".

    Measures: percent agreement, Cohen's kappa (two coders), Brennan &
    Prediger's kappa, Krippendorff's alpha (any number of coders, missing
    values), read as >= .800 reliable, >= .667 tentative, below: not reliable.
    See docs/reliability-and-teams.md.

    \b
    Example:
      wijkverhalen agreement botu.wijk --coders anna,bram --bootstrap 1000 \\
          -o overeenstemming.xlsx --disagreements verschillen.md
    """
    from ..analysis.agreement import agreement as compute
    from ..analysis.agreement import disagreements
    from ..exporters.agreement import check_output, write_agreement, write_disagreements

    chosen = _split(coders) or None
    for out in (*outputs, *disagreement_outputs):
        check_output(out)
    with opened(project) as proj:
        coded = set(proj.codings.coders())
        known = coded if chosen else coded - {"consensus"}
        if chosen:
            missing = [c for c in chosen if c not in coded]
            if missing:
                raise InvalidInput(f"no codings by {', '.join(missing)} (coders: {', '.join(sorted(coded)) or 'none'})")
        if len(chosen or known) < 2:
            raise InvalidInput("agreement needs codings by at least two coders")
        for code_id in (*_split(codes), *_split(nominal_set)):
            if not proj.codes.has(code_id):
                raise proj.codes.not_found(code_id)
        if nominal_set and len(_split(nominal_set)) < 2:
            raise InvalidInput("--set needs two or more codes")
        who = chosen or sorted(known)
        frame = compute(proj, who, unit=unit, overlap=overlap, include_children=children,
                        code_ids=_split(codes) or None, nominal_set=_split(nominal_set), bootstrap=bootstrap,
                        seed=seed)
        found = disagreements(proj, who, unit=unit, overlap=overlap, include_children=children,
                              code_ids=_split(codes) or None) if disagreement_outputs else []
    for out in outputs:
        write_agreement(out, frame)
    for out in disagreement_outputs:
        write_disagreements(out, found, who)
    if as_json:
        echo_json([{"code": k, **{c: (None if isinstance(v, float) and math.isnan(v) else v)
                                  for c, v in row.items()}} for k, row in frame.to_dict("index").items()])
        return
    rated = frame[frame["units"] > 0]
    documents = int(frame["documents"].iloc[0]) if len(frame) else 0
    click.echo(f"{', '.join(who)}: {documents} document(s) counted, units: {unit}"
               + (f" (overlap >= {overlap:g}%)" if unit == "overlap" else ""))
    columns = ["code", "units", "percent", "kappa", "BP kappa", "alpha"]
    if bootstrap:
        columns.append("95% interval")
    columns.append("reading")
    rows = []
    for k, r in rated.iterrows():
        row = [k, r["units"], _num(r["percent"]), _num(r["cohen_kappa"]), _num(r["bp_kappa"]), _num(r["alpha"])]
        if bootstrap:
            row.append(f"{_num(r['alpha_low'])} - {_num(r['alpha_high'])}")
        rows.append([*row, r["reading"]])
    table(None, columns, rows)
    for out in (*outputs, *disagreement_outputs):
        click.echo(f"wrote {out}")
