"""Search hits are offset spans, not brackets in the text: a transcript's own
``[lacht]`` is text, and an unbalanced ``[`` swallows nothing (core and CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sample import SAMPLE_CODES, sample_input

from wijkverhalen import nlp
from wijkverhalen.cli import cli
from wijkverhalen.models import Snippet
from wijkverhalen.snippets import snippet_parts, snippet_text
from wijkverhalen.store import Project

BRACKETS = (
    "I: Hoe was het in de buurt?\n"
    "R: We hielpen elkaar [lacht] met boodschappen. "
    "Toen kwam de buurvrouw [onverstaanbaar en we hielpen haar ook.\n"
)
LACHT = "We hielpen elkaar [lacht] met boodschappen"
UNBALANCED = "Toen kwam de buurvrouw [onverstaanbaar en we hielpen haar ook."


@pytest.fixture
def bracket_project(tmp_path: Path) -> Path:
    path = tmp_path / "brackets.wijk"
    with Project.create(path, codes=SAMPLE_CODES, coder="anna") as project:
        project.documents.add([sample_input(BRACKETS, name="haakjes")], "anna")
    return path


def spans_of(text: str, *words: str) -> tuple[tuple[int, int], ...]:
    out = []
    pos = 0
    for word in words:
        start = text.index(word, pos)
        out.append((start, start + len(word)))
        pos = start + len(word)
    return tuple(out)


def test_brackets_in_the_transcript_are_text_not_hits(bracket_project: Path) -> None:
    with Project.open(bracket_project) as project:
        hits = project.retrieval.search("hielpen")
        assert [h.text for h in hits] == [LACHT, UNBALANCED]
        assert hits[0].spans == spans_of(LACHT, "hielpen")
        assert hits[1].spans == spans_of(UNBALANCED, "hielpen")
        # a search for the bracketed word finds it as a word, and marks only the word
        [lacht] = project.retrieval.search("lacht")
        assert lacht.spans == spans_of(LACHT, "lacht")
    assert snippet_parts(hits[0].snippet) == [
        ("We ", False),
        ("hielpen", True),
        (" elkaar [lacht] met boodschappen", False),
    ]
    # the unbalanced bracket swallows nothing: every character is shown, one match styled
    parts = snippet_parts(hits[1].snippet)
    assert "".join(p for p, _ in parts) == UNBALANCED
    assert [p for p, is_match in parts if is_match] == ["hielpen"]


def test_snippet_text_styles_exactly_the_spans() -> None:
    snippet = Snippet("a [b] c [d", ((3, 4), (9, 10)))
    text = snippet_text(snippet, style="bold")
    assert text.plain == "a [b] c [d"
    assert [(s.start, s.end, str(s.style)) for s in text.spans] == [(3, 4, "bold"), (9, 10, "bold")]


def test_search_json_gives_matches_as_offsets(
    bracket_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nlp, "query_lemmas", lambda query: {})
    result = CliRunner().invoke(cli, ["search", str(bracket_project), "hielpen", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert [h["text"] for h in hits] == [LACHT, UNBALANCED]
    for hit in hits:
        assert "snippet" not in hit
        assert [hit["text"][a:b] for a, b in hit["matches"]] == ["hielpen"]
        with Project.open(bracket_project) as project:  # offsets + start: the document's words
            doc = project.documents.text(hit["document_id"])
        a, b = hit["matches"][0]
        assert doc[hit["start"] + a : hit["start"] + b] == "hielpen"


def test_search_table_highlights_matches_and_keeps_brackets(
    bracket_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wijkverhalen.cli import common

    monkeypatch.setattr(nlp, "query_lemmas", lambda query: {})
    # piped: the sentences whole and as they are, no markers
    piped = CliRunner().invoke(cli, ["search", str(bracket_project), "hielpen"])
    assert piped.exit_code == 0, piped.output
    assert piped.output.splitlines()[2:] == [
        "\t".join(["haakjes", f"{a}-{b}", "R", text])
        for (a, b), text in zip(_offsets(bracket_project), [LACHT, UNBALANCED], strict=True)
    ]
    # on a terminal: the matches styled, the brackets kept
    monkeypatch.setattr(common, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(cli, ["search", str(bracket_project), "hielpen"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "\x1b[1;7mhielpen\x1b[0m" in out  # bold reverse on the match
    assert "[lacht]" in out and "\x1b[1;7mlacht" not in out
    assert "[onverstaanbaar en we" in out


def _offsets(path: Path) -> list[tuple[int, int]]:
    with Project.open(path) as project:
        return [(h.start, h.end) for h in project.retrieval.search("hielpen")]
