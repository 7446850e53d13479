"""The built-in exporters: the coded summary, segments, matrices, REFI-QDA and the actor network.

Each ``run_*`` writes one file from an open project and returns what the CLI and the
workbench print (:class:`~.registry.ExportResult`); heavy libraries are imported
inside them. Registered in :mod:`.registry` on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import ProgressCallback
from .registry import Exporter, ExportResult, Format, Option, register

if TYPE_CHECKING:
    from ..store import Project

PSEUDONYMISED = " (pseudonymised)"

CASE = Option("case", help="Only documents of this case (name, acronym or prefix).", label="Case",
              placeholder="all documents (or a case: name, acronym, prefix)")
CODES = Option("codes", kind="list", metavar="ID,...", help="Only these codes (and their sub-codes).",
               label="Codes", placeholder="all codes (or ids, comma-separated)")
PSEUDONYMISE = Option("pseudonymise", kind="flag", flags=("--pseudonymise", "--pseudonymize"),
                      help="Replace names from the pseudonym table in everything written.",
                      label="AVG", placeholder="Pseudonymise names (pseudonym table)")


# ----------------------------------------------------------------------------- the coded summary


def run_report(project: Project, path: Path, *, format: str, progress: ProgressCallback, case: str | None,
               codes: tuple[str, ...], pseudonymise: bool, quotes: int, all_codes: bool,
               source_attributes: tuple[str, ...]) -> ExportResult:
    if format == "docx":
        from .docx import export_docx as write
    else:
        from .markdown import export_markdown as write
    report = write(project, path, case=case, codes=codes, pseudonymise=pseudonymise, quotes=quotes,
                   all_codes=all_codes, progress=progress, source_attributes=source_attributes or None)
    summary = (f"{len(report.overview)} code(s), {report.codings} passage(s) in {report.documents} document(s), "
               f"{sum(len(p.index) for p in report.parts)} indicator(s) in Index+"
               + (PSEUDONYMISED if pseudonymise else ""))
    return ExportResult(summary)


REPORT = Exporter(
    name="report",
    title="Coded summary",
    stem="samenvatting",
    formats=(Format("docx", ".docx", "Word .docx"), Format("md", ".md", "Markdown")),
    run=run_report,
    options=(
        CASE, CODES, PSEUDONYMISE,
        Option("quotes", kind="int", default=3, minimum=0, maximum=50, show_default=True,
               help="Strongest quotes per code."),
        Option("all_codes", kind="flag", help="Also show codes without passages."),
        Option("format", kind="format", choices=("md", "docx"),
               help="Format (default: from the suffix of --output)."),
        Option("source_attributes", kind="list", metavar="ATTR,...",
               help="Document attributes in the sources table [default: respondent,rol,wijk,jaar,casus, "
                    "those the documents have]."),
    ),
    help="""Write the coded summary for the report as Markdown or Word (.docx), in Dutch.

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
""")


# ----------------------------------------------------------------------------- tables


def run_segments(project: Project, path: Path, *, format: str, progress: ProgressCallback, case: str | None,
                 codes: tuple[str, ...], by_coder: str | None, pseudonymise: bool, delimiter: str) -> ExportResult:
    from .tables import export_segments

    n = export_segments(project, path, fmt=format, codes=codes, case=case, coder=by_coder,
                        pseudonymise=pseudonymise, delimiter="\t" if delimiter == "tab" else delimiter,
                        progress=progress)
    return ExportResult(f"{n} coding(s)")


SEGMENTS = Exporter(
    name="segments",
    title="Segments, one row per coding",
    stem="segmenten",
    formats=(Format("xlsx", ".xlsx", "Excel"), Format("csv", ".csv", "CSV")),
    run=run_segments,
    options=(
        CASE, CODES,
        Option("by_coder", flags=("--coder",), help="Only this coder's codings."),
        PSEUDONYMISE,
        Option("delimiter", kind="choice", choices=(",", ";", "tab"), default=",", show_default=True,
               help="CSV separator (Dutch Excel expects ';')."),
    ),
    help="""One row per coding as CSV or Excel (.xlsx).

Columns: document, its attributes, speaker, paragraph and sentence, span,
text, code id and path, coder, memo, valence and timestamps.

\b
Example:
  wijkverhalen export segments botu.wijk -o passages.xlsx
  wijkverhalen export segments botu.wijk -o passages.xlsx -o passages.csv
  wijkverhalen export segments botu.wijk -o passages.csv --delimiter ';' --pseudonymise
""")


def run_matrix(project: Project, path: Path, *, format: str, progress: ProgressCallback, rows: str, cols: str,
               include_children: bool, measure: str, drop_empty: bool, case: str | None,
               pseudonymise: bool) -> ExportResult:
    from .matrix import export_matrix

    matrix = export_matrix(project, path, cols=cols, rows=rows, fmt=format, measure=measure,
                           include_children=include_children, case=case, pseudonymise=pseudonymise,
                           drop_empty=drop_empty)
    return ExportResult(f"{matrix.counts.shape[0]} codes x {matrix.counts.shape[1]} "
                        f"{matrix.columns_label} column(s)")


MATRIX = Exporter(
    name="matrix",
    title="Code matrix",
    stem="matrix",
    formats=(Format("xlsx", ".xlsx", "Excel"), Format("csv", ".csv", "CSV")),
    run=run_matrix,
    options=(
        Option("rows", kind="choice", choices=("codes",), default="codes", show_default=True,
               help="What the rows are."),
        Option("cols", required=True, default="rol", metavar="ATTRIBUTE|documents|codes",
               help="Columns: a document attribute (rol, wijk, jaar...), 'documents' or 'codes'.",
               label="Columns", placeholder="attribute, 'documents' or 'codes'"),
        Option("include_children", kind="flag", flags=("--children",),
               help="Count sub-codes' passages in their parents."),
        Option("measure", kind="choice", choices=("counts", "documents", "shares"), default="counts",
               show_default=True, help="For .csv: which measure to write (.xlsx has all)."),
        Option("drop_empty", kind="flag", help="Leave out codes without passages."),
        CASE, PSEUDONYMISE,
    ),
    help="""Code x attribute, code x document or code x code matrices (counts and shares).

\b
Example:
  wijkverhalen export matrix botu.wijk --cols rol -o codes-per-rol.xlsx
  wijkverhalen export matrix botu.wijk --cols rol -o codes-per-rol.xlsx -o codes-per-rol.csv
  wijkverhalen export matrix botu.wijk --cols codes -o co-occurrence.xlsx
  wijkverhalen export matrix botu.wijk --cols documents --children -o dekking.xlsx
""")


# ----------------------------------------------------------------------------- REFI-QDA


def run_qdpx(project: Project, path: Path, *, format: str, progress: ProgressCallback, pseudonymise: bool,
             coder: str | None, offsets: str) -> ExportResult:
    from ..refi import export_qdpx

    s = export_qdpx(project, path, pseudonymise=pseudonymise, coder=coder, offsets=offsets, progress=progress)
    return ExportResult(f"{s.documents} document(s), {s.codes} code(s), {s.codings} coding(s), {s.notes} memo(s), "
                        f"{s.variables} variable(s), {s.cases} case(s), {s.users} user(s)"
                        + (PSEUDONYMISED if pseudonymise else ""))


QDPX = Exporter(
    name="qdpx",
    title="REFI-QDA project",
    formats=(Format("qdpx", ".qdpx", ".qdpx"),),
    any_suffix=True,
    run=run_qdpx,
    options=(
        PSEUDONYMISE,
        Option("coder", kind="coder", help="Coder name (default: config, $WIJKVERHALEN_CODER or login name)."),
        Option("offsets", kind="choice", choices=("codepoints", "utf16"), default="codepoints", show_default=True,
               help="Count selection offsets in code points (the standard; ATLAS.ti, MAXQDA, QualCoder, NVivo "
                    "for Mac) or in UTF-16 units (NVivo for Windows). Only texts with emoji or other "
                    "characters outside the BMP differ."),
    ),
    help="""The whole project as a REFI-QDA project (.qdpx) for ATLAS.ti, MAXQDA, NVivo, QualCoder...

Users, the codebook (hierarchy, colours, descriptions), the texts, every coding
with exact offsets, memos (as descriptions and as notes), attributes as
variables, and cases.

\b
Example:
  wijkverhalen export qdpx botu.wijk -o botu.qdpx
  wijkverhalen export qdpx botu.wijk -o botu-anoniem.qdpx --pseudonymise
  wijkverhalen export qdpx botu.wijk -o botu-nvivo.qdpx --offsets utf16
""")


def run_qdc(project: Project, path: Path, *, format: str, progress: ProgressCallback) -> ExportResult:
    from ..refi import export_qdc

    return ExportResult(f"{export_qdc(project, path)} code(s)")


QDC = Exporter(
    name="qdc",
    title="REFI-QDA codebook",
    formats=(Format("qdc", ".qdc", ".qdc"),),
    any_suffix=True,
    run=run_qdc,
    help="""The codebook as a REFI-QDA codebook (.qdc).

\b
Example:
  wijkverhalen export qdc botu.wijk -o veerkracht.qdc
""")


# ----------------------------------------------------------------------------- the actor network


def _network_format(path: Path, fmt: str | None) -> str:
    from ..linking.network import network_format

    return network_format(path, fmt)


def run_network(project: Project, path: Path, *, format: str, progress: ProgressCallback, case: str | None,
                confirmed_only: bool, tie_level: str, min_weight: int, no_codes: bool, respondents: bool,
                max_ties: int) -> ExportResult:
    from ..linking import network

    options = network.NetworkOptions(confirmed_only=confirmed_only, case=case, tie_level=tie_level,
                                     min_weight=min_weight, include_codes=not no_codes,
                                     include_respondents=respondents)
    graph = network.build_network(project, options)
    report = network.inclusiveness(project, options, max_ties=max_ties)
    written = network.write_network(graph, path, format)
    s = network.network_summary(graph)
    return ExportResult(f"{written}, {s['nodes']} node(s), {s['edges']} tie(s)",
                        (f"{s['nodes']} node(s) {s['node_kinds']}, {s['edges']} tie(s) {s['tie_kinds']}",
                         *network.inclusiveness_lines(report)))


NETWORK = Exporter(
    name="network",
    title="Actor network",
    stem="netwerk",
    formats=(Format("gexf", ".gexf", "Gephi .gexf"), Format("graphml", ".graphml", "GraphML"),
             Format("xlsx", ".xlsx", "Kumu .xlsx")),
    run=run_network,
    choose_format=_network_format,
    output_help="File to write: .gexf, .graphml (Gephi) or .xlsx (Kumu); repeatable.",
    options=(
        Option("format", kind="format", choices=("gexf", "graphml", "xlsx"),
               help="Format when the file name does not tell it."),
        Option("case", help="Only the documents of this case.", label=CASE.label, placeholder=CASE.placeholder),
        Option("confirmed_only", kind="flag", help="Only confirmed mentions (default: all but rejected)."),
        Option("tie_level", kind="choice", choices=("document", "passage"), default="document", show_default=True,
               help="Actor ties count shared documents, or shared passages (speaker turns)."),
        Option("min_weight", kind="int", minimum=1, default=1, show_default=True,
               help="Leave out ties weaker than this."),
        Option("no_codes", kind="flag", help="Leave out actor-code ties."),
        Option("respondents", kind="flag", help="Add a node per document (respondent) tied to the actors it names."),
        Option("max_ties", kind="int", minimum=0, default=1, show_default=True,
               help="Actors with at most this many actor ties are reported as having few ties."),
    ),
    help="""Export the actor network (actor-actor and actor-code ties) for Gephi or Kumu.

Also reports who is hardly in the network: actors never mentioned or with few
ties, and respondent groups (rol) whose stories name few actors.

\b
Example:
  wijkverhalen export network botu.wijk -o netwerk.gexf -o netwerk.xlsx
  wijkverhalen export network botu.wijk -o dh.graphml --case "Delfshaven Helpt" --respondents
""")


for _exporter in (REPORT, SEGMENTS, MATRIX, QDPX, QDC, NETWORK):
    register(_exporter)
