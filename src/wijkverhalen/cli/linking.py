"""Linking commands: actors, code-indicator links, validate.

All heavy lifting is in :mod:`wijkverhalen.linking`; these commands parse options,
call the core and print. pandas, spaCy, networkx and matplotlib are imported inside
the commands so ``wijkverhalen --help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from .common import (
    coder_option,
    console,
    echo_json,
    json_option,
    opened,
    project_argument,
    resolve_coder,
    table,
)

_DIRECTIONS = {"+": "+", "up": "+", "plus": "+", "-": "-", "down": "-", "minus": "-"}


# ----------------------------------------------------------------------------- links


@cli.group()
def links() -> None:
    """Links between codes and indicators, with the direction a story should move them."""


@links.command("list")
@project_argument
@json_option
def links_list(project: Path, as_json: bool) -> None:
    """List code-indicator links (from the codebook and 'links add').

    \b
    Example:
      wijkverhalen links list botu.wijk
    """
    with opened(project) as proj:
        rows = [{"code": code_id, "indicator": link.indicator, "direction": link.direction,
                 "aspect": link.aspect, "hypothesis": link.hypothesis,
                 "imported": proj.has_indicator(link.indicator)}
                for code_id, link in proj.indicator_links()]
    if as_json:
        echo_json(rows)
        return
    table(f"{len(rows)} link(s)", ["code", "indicator", "direction", "aspect", "basis", "indicator imported"],
          [[r["code"], r["indicator"], r["direction"], r["aspect"],
            "hypothesis" if r["hypothesis"] else "seed / agreed", "yes" if r["imported"] else "NO"] for r in rows])


@links.command("add")
@project_argument
@click.argument("code_id")
@click.argument("indicator")
@click.option("--direction", type=click.Choice(sorted(_DIRECTIONS)), default="+", show_default=True,
              help="'+' (up): more of the theme goes with a higher value; '-' (down): with a lower one.")
@click.option("--aspect", type=click.Choice(["level", "change"]), default=None,
              help="What the stories speak of: the level (how much; the default for a new link) or a change "
                   "(more or less than before). Default: keep the link's aspect.")
@coder_option
def links_add(project: Path, code_id: str, indicator: str, direction: str, aspect: str | None,
              coder: str | None) -> None:
    """Link a code to an imported indicator, or change the link's direction or aspect (undoable).

    A level link compares the stories with BoTu's level beside Rotterdam and NPRZ;
    a change link with BoTu's trend beside theirs (see 'wijkverhalen validate').

    \b
    Example:
      wijkverhalen links add botu.wijk relaties.samenhang contact_buren
      wijkverhalen links add botu.wijk relaties.sociaal_kapitaal contact_buren --aspect change
      wijkverhalen links add botu.wijk buurt.kwetsbaarheid.wonen tevreden_woning --direction down
    """
    with opened(project) as proj:
        proj.set_indicator_link(code_id, indicator, _DIRECTIONS[direction], resolve_coder(coder), aspect=aspect)
        link = next(link for c, link in proj.indicator_links() if c == code_id and link.indicator == indicator)
    click.echo(f"linked {code_id} -> {indicator} ({link.direction}, {link.aspect})")


@links.command("remove")
@project_argument
@click.argument("code_id")
@click.argument("indicator")
@coder_option
def links_remove(project: Path, code_id: str, indicator: str, coder: str | None) -> None:
    """Remove a code-indicator link (undoable).

    \b
    Example:
      wijkverhalen links remove botu.wijk governance gemeente_ondersteunt_initiatieven
    """
    with opened(project) as proj:
        proj.remove_indicator_link(code_id, indicator, resolve_coder(coder))
    click.echo(f"unlinked {code_id} -> {indicator}")


# ----------------------------------------------------------------------------- actors


@cli.group()
def actors() -> None:
    """The actor registry and actor mentions in the stories (the network inventory)."""


@actors.command("import")
@project_argument
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@coder_option
def actors_import(project: Path, file: Path | None, coder: str | None) -> None:
    """Import an actor registry (YAML or CSV: id, name, aliases, type, inventory).

    Without FILE the bundled registry of the actors named in the monitor is used.
    Actors are matched by id: a second import updates them (undoable).

    \b
    Example:
      wijkverhalen actors import botu.wijk
      wijkverhalen actors import botu.wijk mijn-actoren.csv
    """
    from ..linking.actors import parse_actor_registry
    from ..resources import resource_path

    path = file or resource_path("data/actors.yaml")
    registry = parse_actor_registry(path)
    with opened(project) as proj:
        added, changed, unchanged = proj.import_actors(registry, resolve_coder(coder), source=str(path))
    click.echo(f"{path}: {added} actor(s) added, {changed} changed, {unchanged} unchanged")


@actors.command("detect")
@project_argument
@click.option("--document", "documents", multiple=True, help="Only this document (id or name; repeatable).")
@click.option("--pipeline", default=None, hidden=True,
              help="Ignored: matching is on words and needs no spaCy pipeline (kept for old scripts).")
@coder_option
def actors_detect(project: Path, documents: tuple[str, ...], pipeline: str | None, coder: str | None) -> None:
    """Find mentions of the registry's actors in the documents.

    Matching ignores case and allows Dutch forms of a name (Havensteders, de
    Coöperatie's, BoTu12-leden, a name over a line break); a one-word name that is
    also a word needs its capital ("Rebel", not "een echte rebel"). What only a
    lower-case alias finds ("de gemeente") is stored as a suggestion to confirm.
    Confirmed and rejected mentions are kept; unreviewed ones are found afresh.

    \b
    Example:
      wijkverhalen actors detect botu.wijk
    """
    from ..linking.actors import detect_in_project

    with opened(project) as proj:
        ids = [proj.resolve_document(d) for d in documents] if documents else None
        report = detect_in_project(proj, resolve_coder(coder), document_ids=ids, pipeline=pipeline)
        names = {a.id: a.name for a in proj.actors()}
        suggested = len(proj.mentions(statuses=["suggested"], context=0))
    click.echo(f"{report.documents} document(s): {report.found} mention(s) found, {report.added} new, "
               f"{report.kept} already known, {report.removed} no longer found")
    if suggested:
        click.echo(f"  {suggested} suggestion(s) from generic aliases such as 'de gemeente' to review: "
                   f"wijkverhalen actors mentions {project} --status suggested")
    for actor_id, n in sorted(report.per_actor.items(), key=lambda t: (-t[1], t[0])):
        click.echo(f"  {names.get(actor_id, actor_id)}: {n}")
    missing = sorted(set(names) - set(report.per_actor))
    if missing:
        click.echo("  not mentioned: " + ", ".join(names[m] for m in missing))


@actors.command("list")
@project_argument
@click.option("--confirmed-only", is_flag=True, help="Count only confirmed mentions.")
@json_option
def actors_list(project: Path, confirmed_only: bool, as_json: bool) -> None:
    """List actors with their mentions, documents and ties.

    \b
    Example:
      wijkverhalen actors list botu.wijk --json
    """
    from ..linking.network import NetworkOptions, build_network

    with opened(project) as proj:
        graph = build_network(proj, NetworkOptions(confirmed_only=confirmed_only, include_codes=True))
        registry = proj.actors()
        status: dict[str, dict[str, int]] = {}
        for m in proj.mentions(context=0):
            status.setdefault(m.actor_id, {}).setdefault(m.status, 0)
            status[m.actor_id][m.status] += 1
    rows = []
    for a in registry:
        node = graph.nodes[f"actor:{a.id}"]
        neighbours = [graph.nodes[n]["kind"] for n in graph[f"actor:{a.id}"]]
        rows.append({"id": a.id, "name": a.name, "type": a.type, "inventory": list(a.inventory),
                     "aliases": list(a.aliases), "mentions": node["mentions"], "documents": node["documents"],
                     "actor_ties": neighbours.count("actor"), "code_ties": neighbours.count("code"),
                     "status": status.get(a.id, {})})
    if as_json:
        echo_json(rows)
        return
    table(f"{len(rows)} actor(s)", ["id", "name", "type", "inventory", "mentions", "docs", "actor ties",
                                    "code ties", "confirmed/rejected/open/suggested"],
          [[r["id"], r["name"], r["type"], ", ".join(r["inventory"]), r["mentions"], r["documents"],
            r["actor_ties"], r["code_ties"], "/".join(str(r["status"].get(s, 0))
                                                       for s in ("confirmed", "rejected", "detected", "suggested"))]
           for r in rows])


@actors.command("mentions")
@project_argument
@click.option("--actor", "actor_id", default=None, help="Only this actor id.")
@click.option("--document", default=None, help="Only this document (id or name).")
@click.option("--status", "statuses", multiple=True, type=click.Choice(["detected", "suggested", "confirmed", "rejected"]),
              help="Only mentions with this status (repeatable).")
@json_option
def actors_mentions(project: Path, actor_id: str | None, document: str | None, statuses: tuple[str, ...],
                    as_json: bool) -> None:
    """List mentions with their id, status and context (to confirm or reject them).

    \b
    Example:
      wijkverhalen actors mentions botu.wijk --actor delfshaven_helpt --status detected
    """
    from dataclasses import asdict

    with opened(project) as proj:
        if actor_id:
            proj.actor(actor_id)
        doc_id = proj.resolve_document(document) if document else None
        found = proj.mentions(actor_id=actor_id, document_id=doc_id, statuses=list(statuses) or None)
    if as_json:
        echo_json([asdict(m) for m in found])
        return
    table(f"{len(found)} mention(s)", ["id", "actor", "document", "span", "status", "context"],
          [[m.id, m.actor_id, m.document_name, f"{m.start}-{m.end}", m.status, m.context] for m in found])


def _set_status(project: Path, ids: tuple[int, ...], status: str, coder: str | None) -> None:
    with opened(project) as proj:
        changed = proj.set_mention_status(ids, status, resolve_coder(coder))
    click.echo(f"{status} {changed} mention(s)" + (f" ({len(ids) - changed} already {status})"
                                                    if changed < len(ids) else ""))


@actors.command("confirm")
@project_argument
@click.argument("mention_ids", nargs=-1, required=True, type=int)
@coder_option
def actors_confirm(project: Path, mention_ids: tuple[int, ...], coder: str | None) -> None:
    """Confirm detected mentions (one undoable step).

    \b
    Example:
      wijkverhalen actors confirm botu.wijk 12 13 15
    """
    _set_status(project, mention_ids, "confirmed", coder)


@actors.command("reject")
@project_argument
@click.argument("mention_ids", nargs=-1, required=True, type=int)
@coder_option
def actors_reject(project: Path, mention_ids: tuple[int, ...], coder: str | None) -> None:
    """Reject mentions that do not name the actor (one undoable step); they never count.

    \b
    Example:
      wijkverhalen actors reject botu.wijk 7
    """
    _set_status(project, mention_ids, "rejected", coder)


@actors.command("mention")
@project_argument
@click.argument("document")
@click.argument("start", type=int)
@click.argument("end", type=int)
@click.argument("actor_id")
@coder_option
def actors_mention(project: Path, document: str, start: int, end: int, actor_id: str, coder: str | None) -> None:
    """Mark characters START..END of DOCUMENT by hand as naming ACTOR_ID (undoable).

    \b
    Example:
      wijkverhalen actors mention botu.wijk 05_professional 1200 1214 havensteder
    """
    with opened(project) as proj:
        mention = proj.add_mention(proj.resolve_document(document), start, end, actor_id, resolve_coder(coder))
    click.echo(f"mention {mention.id}: {actor_id} on \"{mention.text}\"")


# ----------------------------------------------------------------------------- validate


@cli.command()
@project_argument
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report: .md, .xlsx or .json (repeatable).")
@click.option("--plots", "plots_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write a PNG and an SVG per code and indicator to this folder.")
@click.option("--case", default=None, help="Only the documents of this case (e.g. 'Delfshaven Helpt', SIBD).")
@click.option("--code", "code_id", default=None, help="Only this code and its sub-codes.")
@click.option("--area", default="BoTu", show_default=True, help="Focus area compared with NPRZ and Rotterdam.")
@click.option("--min-respondents", type=click.IntRange(0), default=3, show_default=True,
              help="Respondents with a rated passage needed before the stories speak.")
@click.option("--mixed-ratio", type=click.FloatRange(0, 1, min_open=True), default=0.5, show_default=True,
              help="Stories are mixed when the smaller side (positive or negative) is at least this share of the larger.")
@click.option("--threshold", type=click.FloatRange(0), default=None,
              help="Smallest difference or change that counts, in the indicator's unit, for every indicator "
                   "[default: the indicator's own (indicators describe --threshold), else its median "
                   "edition-to-edition change].")
@click.option("--min-editions", type=click.IntRange(2), default=3, show_default=True,
              help="Editions needed to judge a change.")
@click.option("--edition-span", type=click.IntRange(0), default=1, show_default=True,
              help="An edition counts for a level when it lies within this many years of the story years.")
@click.option("--children/--no-children", default=True, show_default=True,
              help="Count passages of sub-codes for their parent's links.")
@click.option("--by-coder", default=None, help="Only codings by this coder.")
@click.option("--no-cases", is_flag=True, help="Leave out the per-case view of the four inventories.")
@json_option
def validate(project: Path, outputs: tuple[Path, ...], plots_dir: Path | None, case: str | None,
             code_id: str | None, area: str, min_respondents: int, mixed_ratio: float, threshold: float | None,
             min_editions: int, edition_span: int, children: bool, by_coder: str | None, no_cases: bool,
             as_json: bool) -> None:
    """Set the coded stories beside the indicators: agreement, partial agreement, dissonance or silence.

    Per code and linked indicator: a 'level' link compares BoTu's level with
    Rotterdam and the NPRZ group in the editions of the stories' years; a
    'change' link compares BoTu's robust (Theil-Sen) change with theirs. A
    difference counts beyond the indicator's own edition-to-edition variation
    (or --threshold). Evidence is unique passages and respondents; passages
    citing the survey are left out. Each verdict prints the rule that fired and
    its evidence; stories later than the last edition are flagged.

    \b
    Example:
      wijkverhalen validate botu.wijk
      wijkverhalen validate botu.wijk -o validatie.md -o validatie.xlsx --plots figuren/
      wijkverhalen validate botu.wijk --case "Delfshaven Helpt" --min-respondents 2
    """
    from ..linking.triangulation import ValidationOptions
    from ..linking.triangulation import validate as run_validation
    from ..linking.validation_report import print_validation, report_format, to_json, write_report

    for out in outputs:
        report_format(out)
    options = ValidationOptions(area=area, min_respondents=min_respondents, mixed_ratio=mixed_ratio,
                                threshold=threshold, min_editions=min_editions, edition_span=edition_span,
                                include_children=children, case=case, coder=by_coder, code=code_id,
                                with_cases=not no_cases)
    with opened(project) as proj:
        result = run_validation(proj, options)
    plots = {}
    if plots_dir is not None:
        from ..linking.plots import write_plots

        plots = write_plots(result, plots_dir)
    for out in outputs:
        write_report(result, out, title=project.stem, plots=plots)
    if as_json:
        echo_json(to_json(result))
        return
    print_validation(result, console())
    if plots:
        click.echo(f"wrote {sum(len(v) for v in plots.values())} plot file(s) to {plots_dir}")
    for out in outputs:
        click.echo(f"wrote {out}")
