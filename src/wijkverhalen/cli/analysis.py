"""Analysis commands: inter-coder agreement."""

from __future__ import annotations

import math
from pathlib import Path

import click

from ..errors import InvalidInput
from . import cli
from .common import echo_json, json_option, opened, project_argument, table


@cli.command()
@project_argument
@click.option("--coders", default=None, metavar="A,B,...",
              help="Coders to compare (default: everyone who coded).")
@click.option("--children", is_flag=True, help="Count a sub-code's passages for its parent codes too.")
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the table to .csv or .xlsx (repeatable).")
@json_option
def agreement(project: Path, coders: str | None, children: bool, outputs: tuple[Path, ...], as_json: bool) -> None:
    """Inter-coder agreement per code (Krippendorff's alpha over sentences).

    Units are the sentences of documents that at least two of the coders coded; a
    coder marks a sentence for a code when one of their passages with that code
    overlaps it. 1 is perfect agreement, 0 chance level; codes nobody varied on
    have no alpha.

    \b
    Example:
      wijkverhalen agreement botu.wijk --coders anna,bram -o overeenstemming.xlsx
    """
    from ..analysis.agreement import agreement as compute
    from ..exporters.tables import frame_rows, write_table

    chosen = [c.strip() for c in coders.split(",") if c.strip()] if coders else None
    for out in outputs:
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise InvalidInput("output must end in .csv or .xlsx", path=out)
    with opened(project) as proj:
        known = set(proj.coders())
        if chosen:
            missing = [c for c in chosen if c not in known]
            if missing:
                raise InvalidInput(f"no codings by {', '.join(missing)} (coders: {', '.join(sorted(known)) or 'none'})")
        if len(chosen or known) < 2:
            raise InvalidInput("agreement needs codings by at least two coders")
        frame = compute(proj, chosen, include_children=children)
    rated = frame[frame["alpha"].notna()]
    for out in outputs:
        write_table(out, frame_rows(frame, index=True, index_label="code"), sheet_name="agreement")
    if as_json:
        echo_json([{"code": k, **{c: (None if isinstance(v, float) and math.isnan(v) else v)
                                  for c, v in row.items()}} for k, row in frame.to_dict("index").items()])
        return
    documents = int(frame["documents"].iloc[0]) if len(frame) else 0
    click.echo(f"{documents} document(s) coded by two or more of the coders; "
               f"{len(rated)} code(s) with an alpha")
    table(None, ["code", "label", "alpha", "sentences"],
          [[k, r["label"], f"{r['alpha']:.2f}", r["sentences"]] for k, r in rated.iterrows()])
    for out in outputs:
        click.echo(f"wrote {out}")
