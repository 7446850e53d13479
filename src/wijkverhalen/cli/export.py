"""Export commands (``wijkverhalen export ...``): report, segments, matrix, qdpx, qdc.

Each command is a thin face on :mod:`wijkverhalen.exporters`; the format follows
from the output file's suffix. ``--pseudonymise`` replaces the names in the
project's pseudonym table (``wijkverhalen pseudonyms``) in everything written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import cli
from .common import coder_option, opened, project_argument, resolve_coder

if TYPE_CHECKING:
    from ..store import Project

output_option = click.option("-o", "--output", "outputs", type=click.Path(dir_okay=False, path_type=Path),
                             required=True, multiple=True,
                             help="File to write; its suffix picks the format (repeatable: every file is written).")
pseudonymise_option = click.option("--pseudonymise", "--pseudonymize", "pseudonymise", is_flag=True,
                                   help="Replace names from the pseudonym table in everything written.")
case_option = click.option("--case", default=None, help="Only documents of this case (name, acronym or prefix).")


def _code_list(value: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in (value or "").split(",") if c.strip())


def progress_bar(label: str) -> Any:
    """A transient progress bar on stderr, silent when stderr is not a terminal."""
    import sys

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.description}"), console=Console(stderr=True), transient=True,
                    disable=not sys.stderr.isatty())


def remind_pseudonyms(project: Project, pseudonymise: bool) -> None:
    """Say so when the project has pseudonyms but this export keeps the real names."""
    if not pseudonymise:
        n = len(project.pseudonyms())
        if n:
            click.echo(f"note: the project has {n} pseudonym(s); this export keeps the real names "
                       "(add --pseudonymise to replace them)", err=True)


@cli.group()
def export() -> None:
    """Export coded material: report, segments, matrices, REFI-QDA, network."""


@export.command("report")
@project_argument
@output_option
@case_option
@click.option("--codes", default=None, metavar="ID,...", help="Only these codes (and their sub-codes).")
@pseudonymise_option
@click.option("--quotes", type=click.IntRange(0, 50), default=3, show_default=True,
              help="Strongest quotes per code.")
@click.option("--all-codes", is_flag=True, help="Also show codes without passages.")
@click.option("--format", "fmt", type=click.Choice(["md", "docx"]), default=None,
              help="Format (default: from the suffix of --output).")
@click.option("--source-attributes", default=None, metavar="ATTR,...",
              help="Document attributes in the sources table [default: respondent,rol,wijk,jaar,casus, "
                   "those the documents have].")
def export_report(project: Path, outputs: tuple[Path, ...], case: str | None, codes: str | None,
                  pseudonymise: bool, quotes: int, all_codes: bool, fmt: str | None,
                  source_attributes: str | None) -> None:
    """Write the coded summary for the report as Markdown or Word (.docx), in Dutch.

    Follows the monitor's structure (the seed): the cases (Casuïstiek), the four
    inventories (Netwerken; Index+ with BoTu beside the NPRZ group and Rotterdam
    per edition, table and plot; Social Impact by Design; Governance with its
    qualities), the resilience factors (Definitie veerkracht), the method
    (Verantwoording) and the sources. With --case only that case's documents,
    and trust and the other factors go where the seed puts them for the case.
    Per code: label, gloss, definition, counts, the strongest quotes with
    document, speaker, paragraph and sentence, memos and linked indicators with
    the triangulation verdict. Word files are A4 with a table of contents and
    page numbers; Markdown gets its plots in NAME_figuren/ beside it.

    \b
    Example:
      wijkverhalen export report botu.wijk -o samenvatting.docx
      wijkverhalen export report botu.wijk -o samenvatting.docx -o samenvatting.md
      wijkverhalen export report botu.wijk -o dh.md --case "Delfshaven Helpt" --pseudonymise
      wijkverhalen export report botu.wijk -o gov.md --codes governance,relaties.vertrouwen
      wijkverhalen export report botu.wijk -o r.docx --source-attributes respondent,rol,datum
    """
    from ..exporters import output_format

    formats = [output_format(output, ("md", "docx"), fmt) for output in outputs]
    with opened(project) as proj:
        for output, chosen in zip(outputs, formats, strict=True):
            with progress_bar("report") as bar:
                task = bar.add_task("", total=None)

                def progress(done: int, total: int, what: str, bar: Any = bar, task: Any = task) -> None:
                    bar.update(task, completed=done, total=total, description=what)

                kwargs = dict(case=case, codes=_code_list(codes), pseudonymise=pseudonymise, quotes=quotes,
                              all_codes=all_codes, progress=progress,
                              source_attributes=_code_list(source_attributes) if source_attributes else None)
                if chosen == "docx":
                    from ..exporters.docx import export_docx

                    report = export_docx(proj, output, **kwargs)  # type: ignore[arg-type]
                else:
                    from ..exporters.markdown import export_markdown

                    report = export_markdown(proj, output, **kwargs)  # type: ignore[arg-type]
            sections = sum(1 for _ in report.overview)
            click.echo(f"wrote {output}: {sections} code(s), {report.codings} passage(s) in "
                       f"{report.documents} document(s), {sum(len(p.index) for p in report.parts)} "
                       "indicator(s) in Index+" + (" (pseudonymised)" if pseudonymise else ""))
        remind_pseudonyms(proj, pseudonymise)
    if report.triangulation_note:
        click.echo(f"  note: {report.triangulation_note}")


@export.command("segments")
@project_argument
@output_option
@case_option
@click.option("--codes", default=None, metavar="ID,...", help="Only these codes (and their sub-codes).")
@click.option("--coder", default=None, help="Only this coder's codings.")
@pseudonymise_option
@click.option("--delimiter", type=click.Choice([",", ";", "tab"]), default=",", show_default=True,
              help="CSV separator (Dutch Excel expects ';').")
def export_segments_cmd(project: Path, outputs: tuple[Path, ...], case: str | None, codes: str | None,
                        coder: str | None, pseudonymise: bool, delimiter: str) -> None:
    """One row per coding as CSV or Excel (.xlsx).

    Columns: document, its attributes, speaker, paragraph and sentence, span,
    text, code id and path, coder, memo, valence and timestamps.

    \b
    Example:
      wijkverhalen export segments botu.wijk -o passages.xlsx
      wijkverhalen export segments botu.wijk -o passages.xlsx -o passages.csv
      wijkverhalen export segments botu.wijk -o passages.csv --delimiter ';' --pseudonymise
    """
    from ..exporters import output_format
    from ..exporters.tables import TABLE_FORMATS, segment_rows, write_segment_table

    for output in outputs:
        output_format(output, TABLE_FORMATS)
    with opened(project) as proj:
        header, rows = segment_rows(proj, codes=_code_list(codes), case=case, coder=coder,
                                    pseudonymise=pseudonymise)
        for output in outputs:
            write_segment_table(output, header, rows, delimiter="\t" if delimiter == "tab" else delimiter)
            click.echo(f"wrote {output}: {len(rows)} coding(s)")
        remind_pseudonyms(proj, pseudonymise)


@export.command("matrix")
@project_argument
@output_option
@click.option("--rows", type=click.Choice(["codes"]), default="codes", show_default=True,
              help="What the rows are.")
@click.option("--cols", required=True, metavar="ATTRIBUTE|documents|codes",
              help="Columns: a document attribute (rol, wijk, jaar...), 'documents' or 'codes'.")
@click.option("--children", "include_children", is_flag=True, help="Count sub-codes' passages in their parents.")
@click.option("--measure", type=click.Choice(["counts", "documents", "shares"]), default="counts",
              show_default=True, help="For .csv: which measure to write (.xlsx has all).")
@click.option("--drop-empty", is_flag=True, help="Leave out codes without passages.")
@case_option
@pseudonymise_option
def export_matrix_cmd(project: Path, outputs: tuple[Path, ...], rows: str, cols: str, include_children: bool,
                      measure: str, drop_empty: bool, case: str | None, pseudonymise: bool) -> None:
    """Code x attribute, code x document or code x code matrices (counts and shares).

    \b
    Example:
      wijkverhalen export matrix botu.wijk --cols rol -o codes-per-rol.xlsx
      wijkverhalen export matrix botu.wijk --cols rol -o codes-per-rol.xlsx -o codes-per-rol.csv
      wijkverhalen export matrix botu.wijk --cols codes -o co-occurrence.xlsx
      wijkverhalen export matrix botu.wijk --cols documents --children -o dekking.xlsx
    """
    from ..exporters import output_format
    from ..exporters.matrix import export_matrix

    for output in outputs:
        output_format(output, ("xlsx", "csv"))
    with opened(project) as proj:
        for output in outputs:
            matrix = export_matrix(proj, output, cols=cols, rows=rows, measure=measure,
                                   include_children=include_children, case=case, pseudonymise=pseudonymise,
                                   drop_empty=drop_empty)
            click.echo(f"wrote {output}: {matrix.counts.shape[0]} codes x {matrix.counts.shape[1]} "
                       f"{matrix.columns_label} column(s)")
        remind_pseudonyms(proj, pseudonymise)


@export.command("qdpx")
@project_argument
@output_option
@pseudonymise_option
@coder_option
@click.option("--offsets", type=click.Choice(["codepoints", "utf16"]), default="codepoints", show_default=True,
              help="Count selection offsets in code points (the standard; ATLAS.ti, MAXQDA, QualCoder, NVivo "
                   "for Mac) or in UTF-16 units (NVivo for Windows). Only texts with emoji or other "
                   "characters outside the BMP differ.")
def export_qdpx_cmd(project: Path, outputs: tuple[Path, ...], pseudonymise: bool, coder: str | None,
                    offsets: str) -> None:
    """The whole project as a REFI-QDA project (.qdpx) for ATLAS.ti, MAXQDA, NVivo, QualCoder...

    Users, the codebook (hierarchy, colours, descriptions), the texts, every coding
    with exact offsets, memos (as descriptions and as notes), attributes as
    variables, and cases.

    \b
    Example:
      wijkverhalen export qdpx botu.wijk -o botu.qdpx
      wijkverhalen export qdpx botu.wijk -o botu-anoniem.qdpx --pseudonymise
      wijkverhalen export qdpx botu.wijk -o botu-nvivo.qdpx --offsets utf16
    """
    from ..exporters.refi import export_qdpx

    with opened(project) as proj:
        for output in outputs:
            with progress_bar("qdpx") as bar:
                task = bar.add_task("", total=None)

                def progress(done: int, total: int, what: str, bar: Any = bar, task: Any = task) -> None:
                    bar.update(task, completed=done, total=total, description=what)

                summary = export_qdpx(proj, output, pseudonymise=pseudonymise, coder=resolve_coder(coder),
                                      offsets=offsets, progress=progress)
            click.echo(f"wrote {output}: {summary.documents} document(s), {summary.codes} code(s), "
                       f"{summary.codings} coding(s), {summary.notes} memo(s), {summary.variables} variable(s), "
                       f"{summary.cases} case(s), {summary.users} user(s)"
                       + (" (pseudonymised)" if pseudonymise else ""))
        remind_pseudonyms(proj, pseudonymise)


@export.command("qdc")
@project_argument
@output_option
def export_qdc_cmd(project: Path, outputs: tuple[Path, ...]) -> None:
    """The codebook as a REFI-QDA codebook (.qdc).

    \b
    Example:
      wijkverhalen export qdc botu.wijk -o veerkracht.qdc
    """
    from ..exporters.refi import export_qdc

    with opened(project) as proj:
        for output in outputs:
            n = export_qdc(proj, output)
            click.echo(f"wrote {output}: {n} code(s)")
