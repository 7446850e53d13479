"""Coding from the command line: ``code`` (by offsets or sentence numbers), ``show`` and ``coding edit``.

Sentences are numbered from 1 in each document, as in ``wijkverhalen show`` and the
``sentence`` column of ``export segments``. Offsets are code points into the
document's text, end exclusive.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import InvalidInput
from . import cli
from .common import coder_option, echo_json, json_option, opened, project_argument, resolve_coder

if TYPE_CHECKING:
    from ..store import Project

VALENCE_CHOICES = ("positive", "negative", "mixed")


def parse_offset(name: str, value: str) -> int:
    """An offset given on the command line: a whole number, 0 or more."""
    try:
        number = int(value)
    except ValueError:
        raise InvalidInput(f"{name} '{value}' is not a whole number") from None
    if number < 0:
        raise InvalidInput(f"{name} {number} is negative; offsets count characters from 0")
    return number


def check_span(start: int, end: int) -> None:
    if start > end:
        raise InvalidInput(f"start {start} is after end {end}")
    if start == end:
        raise InvalidInput(f"empty span {start}-{end}: the end is exclusive, so END must be greater than START")


def parse_sentence_range(value: str) -> tuple[int, int]:
    """``"32"`` -> (32, 32); ``"32-34"`` -> (32, 34); numbers from 1."""
    parts = value.split("-")
    if len(parts) > 2 or not all(p.strip() for p in parts):
        if value.strip().startswith("-"):
            raise InvalidInput(f"sentence '{value}' is negative; sentences are numbered from 1")
        raise InvalidInput(f"--sentence '{value}' must be N or N-M (e.g. 32 or 32-34)")
    try:
        first, last = int(parts[0]), int(parts[-1])
    except ValueError:
        raise InvalidInput(f"--sentence '{value}' must be N or N-M (e.g. 32 or 32-34)") from None
    if first < 1 or last < 1:
        raise InvalidInput(f"sentence {min(first, last)} does not exist; sentences are numbered from 1")
    if first > last:
        raise InvalidInput(f"sentence range {first}-{last}: start after end")
    return first, last


def sentence_span(project: Project, document_id: int, first: int, last: int) -> tuple[int, int]:
    """The character span of sentences ``first``..``last`` (1-based, inclusive) of a document."""
    sentences = project.segments(document_id, "sentence")
    if last > len(sentences):
        raise InvalidInput(f"document {project.document(document_id).name} has {len(sentences)} sentence(s); "
                           f"there is no sentence {last} (see 'wijkverhalen show')")
    return sentences[first - 1].start, sentences[last - 1].end


@cli.command(context_settings={"ignore_unknown_options": True})
@project_argument
@click.argument("document")
@click.argument("spec", nargs=-1, metavar="[START END] CODE")
@click.option("--sentence", "sentence", default=None, metavar="N|N-M",
              help="Code sentence N (or N to M) instead of START END; see 'wijkverhalen show'.")
@coder_option
@click.option("--memo", default="", help="Memo on the coding.")
@click.option("--valence", type=click.Choice(VALENCE_CHOICES), default=None)
def code(project: Path, document: str, spec: tuple[str, ...], sentence: str | None, coder: str | None, memo: str,
         valence: str | None) -> None:
    """Code characters START..END (code points, end exclusive) or sentences of DOCUMENT.

    DOCUMENT is a document id or (a unique prefix of) its name; CODE a code id.
    With --sentence, give only CODE: the sentence numbers are those of
    'wijkverhalen show PROJECT DOCUMENT'.

    \b
    Example:
      wijkverhalen code botu.wijk 01_bewoner_fatima 120 188 relaties.vertrouwen --memo "kernquote"
      wijkverhalen code botu.wijk 01_bewoner_fatima --sentence 32 relaties.vertrouwen
      wijkverhalen code botu.wijk 01_bewoner_fatima --sentence 32-34 netwerken
    """
    with opened(project) as proj:  # a missing project is the first thing to say
        _no_unknown_options(spec)
        if sentence is not None:
            if len(spec) != 1:
                raise InvalidInput("with --sentence give only the CODE (no START END)" if len(spec) == 3
                                   else "give the CODE after --sentence N")
        elif len(spec) != 3:
            raise InvalidInput("give START END CODE (or --sentence N CODE)")
        words = list(spec)
        code_id = words[-1]
        if sentence is None:
            start, end = parse_offset("start", words[0]), parse_offset("end", words[1])
            check_span(start, end)
        else:
            first, last = parse_sentence_range(sentence)
        doc_id = proj.resolve_document(document)
        if sentence is not None:
            start, end = sentence_span(proj, doc_id, first, last)
        proj.code(code_id)  # an unknown id or a label: the error names the closest ids
        coding = proj.add_coding(doc_id, start, end, code_id, resolve_coder(coder), memo=memo, valence=valence)
        text = proj.document_text(doc_id)[start:end]
    click.echo(f"coding {coding.id}: {code_id} [{start}-{end}] on \"{_short(text)}\"")


def _no_unknown_options(words: tuple[str, ...]) -> None:
    """``code`` lets ``-5`` through as a word (to say it is negative); a mistyped option is an error."""
    from ..suggest import closest, did_you_mean

    for word in words:
        if word.startswith("-") and not word.lstrip("-").isdigit():
            options = ["--sentence", "--coder", "--memo", "--valence", "--help"]
            raise InvalidInput(f"no such option '{word}'" + did_you_mean(closest(word.split("=")[0], options, n=1)))


@cli.command()
@project_argument
@click.argument("document")
@click.option("--codings", "with_codings", is_flag=True, help="List the codings that overlap each sentence.")
@json_option
def show(project: Path, document: str, with_codings: bool, as_json: bool) -> None:
    """Print a document sentence by sentence, with sentence numbers and offsets.

    Each line: sentence number, START-END (code points, end exclusive), speaker
    and the sentence. Use the numbers with 'code --sentence', the offsets with
    'code DOCUMENT START END'.

    \b
    Example:
      wijkverhalen show botu.wijk 01_bewoner_fatima
      wijkverhalen show botu.wijk 3 --codings
    """
    with opened(project) as proj:
        doc = proj.document(document)
        text = proj.document_text(doc.id)
        sentences = proj.segments(doc.id, "sentence")
        codings = proj.codings(doc.id) if with_codings else []
    rows = []
    for s in sentences:
        row: dict[str, Any] = {"sentence": s.index + 1, "start": s.start, "end": s.end, "speaker": s.speaker,
                               "text": text[s.start:s.end]}
        if with_codings:
            row["codings"] = [{"id": c.id, "code": c.code_id, "coder": c.coder}
                              for c in codings if c.start < s.end and c.end > s.start]
        rows.append(row)
    if as_json:
        echo_json({"id": doc.id, "name": doc.name, "length": len(text), "sentences": rows})
        return
    click.echo(f"{doc.name} (document {doc.id}): {len(rows)} sentence(s), {len(text)} characters")
    width = len(str(len(rows)))
    span_width = len(f"{len(text)}-{len(text)}")
    speaker = None
    for row in rows:
        if row["speaker"] != speaker and row["speaker"]:
            speaker = row["speaker"]
            click.echo(f"{'':>{width}}  {'':<{span_width}}  [{speaker}]")
        line = " ".join(row["text"].split())
        marks = "  {" + ", ".join(f"#{c['id']} {c['code']}" for c in row["codings"]) + "}" \
            if row.get("codings") else ""
        span = f"{row['start']}-{row['end']}"
        click.echo(f"{row['sentence']:>{width}}  {span:<{span_width}}  {line}{marks}")


@cli.group("coding")
def coding_group() -> None:
    """Change a coding: its code, valence or span (memos: 'wijkverhalen memo')."""


@coding_group.command("edit")
@project_argument
@click.argument("coding_id", type=int)
@click.option("--code", "code_id", default=None, help="Give the coding another code.")
@click.option("--valence", type=click.Choice([*VALENCE_CHOICES, "none"]), default=None,
              help="Set the valence ('none' removes it).")
@click.option("--span", default=None, metavar="START-END", help="New span (code points, end exclusive).")
@coder_option
def coding_edit(project: Path, coding_id: int, code_id: str | None, valence: str | None, span: str | None,
                coder: str | None) -> None:
    """Change the code, valence or span of a coding (one undoable step).

    \b
    Example:
      wijkverhalen coding edit botu.wijk 42 --code relaties.vertrouwen --valence positive
      wijkverhalen coding edit botu.wijk 42 --span 120-200
    """
    with opened(project) as proj:  # a missing project is the first thing to say
        values: dict[str, Any] = {}
        if code_id is not None:
            proj.code(code_id)
            values["code_id"] = code_id
        if valence is not None:
            values["valence"] = None if valence == "none" else valence
        if span is not None:
            if span.count("-") != 1:
                raise InvalidInput(f"--span '{span}' must be START-END (e.g. 120-200)")
            a, b = span.split("-")
            values["start"], values["end"] = parse_offset("start", a), parse_offset("end", b)
            check_span(values["start"], values["end"])
        if not values:
            raise InvalidInput("nothing to change; give --code, --valence or --span")
        coding = proj.update_coding(coding_id, resolve_coder(coder), **values)
    click.echo(f"coding {coding.id}: {coding.code_id} [{coding.start}-{coding.end}]"
               + (f" {coding.valence}" if coding.valence else ""))


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
