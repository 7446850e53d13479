"""Fixtures for the TUI tests: a small project built in tmp_path from inline interviews.

The documents are segmented here by hand (turns per ``Name: text`` line, sentences
on ``.?!``) with a tiny lemma table, so the tests need neither data/demo nor spaCy.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from wijkverhalen.models import Code, ParsedDocument, Sentence, Turn
from wijkverhalen.store import DocumentInput, Project
from wijkverhalen.tui.app import WijkApp, make_app

CODER = "anna"

CODES = [
    Code(
        id="relaties",
        label="Relaties tussen actoren",
        gloss="relations between actors",
        color="#3366CC",
        definition="Relaties tussen bewoners, initiatieven en instituties.",
        include="Contact, samenwerking, vertrouwen.",
        exclude="De rol van de overheid.",
        example="We kennen elkaar nu.",
    ),
    Code(
        id="relaties.vertrouwen",
        label="Onderling vertrouwen",
        gloss="mutual trust",
        parent_id="relaties",
        color="#3399FF",
        keywords=("vertrouwen",),
        definition="Vertrouwen tussen actoren.",
    ),
    Code(
        id="relaties.samenhang",
        label="Sociale samenhang",
        gloss="social cohesion",
        parent_id="relaties",
        color="#2E8B57",
        position=1,
        keywords=("buur", "buren"),
    ),
    Code(
        id="netwerken",
        label="Netwerken",
        gloss="networks",
        color="#CC6633",
        position=1,
        keywords=("whatsapp",),
    ),
    Code(
        id="governance",
        label="Governance",
        gloss="responsiveness of government",
        color="#8A55C9",
        position=2,
        keywords=("gemeente",),
    ),
    Code(
        id="stressor",
        label="Stressor",
        gloss="drastic change",
        color="#CC3333",
        position=3,
        keywords=("corona",),
    ),
]

DOCUMENTS = {
    "01_bewoner_fatima": (
        {"rol": "bewoner", "wijk": "Bospolder", "jaar": "2020"},
        "Interviewer: Hoe kwam je bij Delfshaven Helpt terecht?\n\n"
        "Fatima: Via de WhatsApp-groep van school. Een moeder zette er een bericht in. "
        "Ze zeiden gewoon: wij vertrouwen je. Dat vertrouwen heeft me echt geraakt.\n\n"
        "Interviewer: En de gemeente?\n\n"
        "Fatima: Met de gemeente heb ik geen goede ervaring. Maar de buren hielpen elkaar. "
        "Doe maar, ik denk dat je het kunt.\n",
    ),
    "02_professional_ronald": (
        {"rol": "professional", "wijk": "Tussendijken", "jaar": "2021"},
        "Interviewer: Wat deed Havensteder tijdens corona?\n\n"
        "Ronald: We belden alle oudere huurders op. Veel mensen waren eenzaam. "
        "De buurthuizen waren dicht.\n\n"
        "Interviewer: Werkte u samen met initiatieven?\n\n"
        "Ronald: Ja, met Delfshaven Helpt. De lijnen waren kort en we hielpen waar het kon.\n",
    ),
    "03_initiatiefnemer_ineke": (
        {"rol": "initiatiefnemer", "wijk": "Bospolder", "jaar": "2021"},
        "Ineke: De buurtkeuken begon met tien vrijwilligers. Nu koken we voor tachtig buren.\n",
    ),
}

LEMMAS = {
    "hielpen": "helpen",
    "helpt": "helpen",
    "belden": "bellen",
    "waren": "zijn",
    "buren": "buur",
    "vertrouwen": "vertrouwen",
    "kwam": "komen",
    "zeiden": "zeggen",
}


def fake_query_lemmas(query: str) -> dict[str, list[str]]:
    """The TUI's lemma hook without spaCy: a word's lemma from the small table."""
    return {w: [LEMMAS[w.lower()]] for w in re.findall(r"\w+", query) if w.lower() in LEMMAS}


def hand_segmented(name: str, text: str, attributes: dict[str, str]) -> DocumentInput:
    turns: list[Turn] = []
    sentences: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            colon = line.index(":")
            body = pos + colon + 2
            turns.append(
                Turn(start=pos, end=pos + len(line), body_start=body, speaker=line[:colon])
            )
            for m in re.finditer(r"[^.?!]+[.?!]", line[colon + 2 :]):
                piece = m.group(0)
                start = body + m.start() + (len(piece) - len(piece.lstrip()))
                end = body + m.end()
                words = re.findall(r"\w+", text[start:end].lower())
                sentences.append(
                    Sentence(start, end, len(turns) - 1, " ".join(LEMMAS.get(w, w) for w in words))
                )
        pos += len(line) + 1
    parsed = ParsedDocument(
        name=name,
        text=text,
        format="txt",
        source_path=f"/interviews/{name}.txt",
        turns=tuple(turns),
    )
    return DocumentInput(
        parsed=parsed, sentences=sentences, word_count=len(text.split()), attributes=attributes
    )


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    """A closed project file with three interviews and a six-code codebook."""
    path = tmp_path / "test.wijk"
    with Project.create(path, codes=CODES, coder=CODER, codebook_name="test") as project:
        project.documents.add([hand_segmented(n, t, a) for n, (a, t) in DOCUMENTS.items()], CODER)
    return path


@pytest.fixture
def make(project_path: Path) -> Callable[..., WijkApp]:
    """Build the app on the fixture project (as coder anna, without spaCy)."""

    def build(coder: str | None = CODER) -> WijkApp:
        return make_app(project_path, coder=coder, query_lemmas=fake_query_lemmas)

    return build


@pytest.fixture
def reopen(project_path: Path) -> Callable[[], Project]:
    """Open a fresh Project on the same file (call it after the app has exited)."""
    opened: list[Project] = []

    def open_() -> Project:
        project = Project.open(project_path)
        opened.append(project)
        return project

    yield open_
    for project in opened:
        with contextlib.suppress(sqlite3.ProgrammingError):  # a test closed it already
            project.close()
