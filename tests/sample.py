"""Small hand-segmented sample documents and codes for core tests."""

from __future__ import annotations

from wijkverhalen.models import Code, ParsedDocument, Sentence, Turn
from wijkverhalen.store import DocumentInput

SAMPLE_TEXT = (
    "I: Hoe begon Delfshaven Helpt?\n"
    "R: We hielpen eerst de buren. Daarna kwamen de voedselpakketten.\n"
    "I: En de gemeente?\n"
    "R: De gemeente sloot later aan. Ik vertrouw de gebiedscommissie wel.\n"
)

SAMPLE_CODES = [
    Code(id="relaties", label="Relaties tussen actoren", gloss="relations", color="#3366cc"),
    Code(id="relaties.vertrouwen", label="Onderling vertrouwen", gloss="mutual trust",
         parent_id="relaties", color="#3399ff", keywords=("vertrouwen",)),
    Code(id="netwerken", label="Netwerken", gloss="networks", color="#cc6633", position=1),
    Code(id="stressor", label="Stressor", gloss="stressor", color="#cc3333", position=2),
]


def sample_input(text: str = SAMPLE_TEXT, name: str = "interview1",
                 attributes: dict[str, str] | None = None) -> DocumentInput:
    """A hand-segmented document: turns per line, sentences split on '. '."""
    turns = []
    sentences = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            body = pos + line.index(":") + 2
            turns.append(Turn(start=pos, end=pos + len(line), body_start=body, speaker=line.split(":")[0]))
            s = body
            for part in line[body - pos:].split(". "):
                part_start = text.index(part, s)
                part_end = part_start + len(part.rstrip())
                if part.strip():
                    sentences.append(Sentence(part_start, part_end, len(turns) - 1,
                                              " ".join(w.lower() for w in part.split())))
                s = part_end
        pos += len(line) + 1
    parsed = ParsedDocument(name=name, text=text, format="txt", source_path=f"/tmp/{name}.txt",
                            turns=tuple(turns))
    return DocumentInput(parsed=parsed, sentences=sentences, word_count=len(text.split()),
                         attributes=attributes or {"rol": "bewoner", "wijk": "Bospolder"})
