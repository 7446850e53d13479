"""Pseudonymisation (AVG): the matcher, offset maps, the project table, CSV import and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sample import SAMPLE_CODES

from wijkverhalen.cli import cli
from wijkverhalen.errors import DataError, InvalidInput, NotFound
from wijkverhalen.exporters.pseudonymise import Pseudonymiser, read_pseudonym_csv
from wijkverhalen.store import Project

P = Pseudonymiser([("Fatima", "Bewoner 7"), ("Jan de Vries", "Bewoner 8"), ("Jan", "Bewoner 9"),
                   ("Henk", "Buurman")])


@pytest.mark.parametrize(("text", "expected"), [
    ("Fatima zei het", "Bewoner 7 zei het"),
    ("FATIMA en fatima", "Bewoner 7 en Bewoner 7"),
    ("Fatima's kinderen", "Bewoner 7's kinderen"),
    ("Fatima’s kinderen", "Bewoner 7’s kinderen"),
    ("Jans fiets", "Bewoner 9's fiets"),  # Dutch genitive; apostrophe after a digit
    ("Henks fiets", "Buurmans fiets"),
    ("Janssen kwam in januari", "Janssen kwam in januari"),  # whole words only
    ("Jan  de\nVries kwam", "Bewoner 8 kwam"),  # longest name first, any whitespace
    ("03_bewoner_henk_eenzaamheid", "03_bewoner_Buurman_eenzaamheid"),  # file names
    ("", ""),
])
def test_names_are_replaced_as_whole_words(text: str, expected: str) -> None:
    assert P(text) == expected


def test_empty_pseudonymiser_is_identity() -> None:
    empty = Pseudonymiser()
    assert not empty and empty("Fatima") == "Fatima"
    text, moved = empty.apply_with_offsets("abc")
    assert text == "abc" and moved(2) == 2


@given(st.lists(st.sampled_from(["Fatima", "Jan de Vries", "hallo ", " ", "\n", "😀", "é", "Jan", ".", "'s"]),
                max_size=30), st.data())
def test_offset_map_moves_spans_onto_the_same_words(parts: list[str], data: st.DataObject) -> None:
    text = "".join(parts)
    new, moved = P.apply_with_offsets(text)
    assert new == P(text)
    assert moved(0) == 0 and moved(len(text), end=True) == len(new)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    ns, ne = moved(start), moved(end, end=True)
    assert 0 <= ns <= ne <= len(new)
    # A span that touches no name keeps its text exactly.
    touched = any(s < end and e > start for s, e, _, _ in moved.spans)
    if not touched:
        assert new[ns:ne] == text[start:end]


def test_project_table_is_undoable(project: Project) -> None:
    project.add_pseudonym("Fatima  Bakkali", "Bewoner 7", "anna")
    assert [(p.name, p.pseudonym) for p in project.pseudonyms()] == [("Fatima Bakkali", "Bewoner 7")]
    assert project.add_pseudonym("fatima bakkali", "Bewoner 8", "anna") is True  # case-insensitive key
    assert project.pseudonyms()[0].pseudonym == "Bewoner 8"
    project.undo("anna")
    assert project.pseudonyms()[0].pseudonym == "Bewoner 7"
    project.remove_pseudonym("FATIMA BAKKALI", "anna")
    assert project.pseudonyms() == []
    project.undo("anna")
    assert len(project.pseudonyms()) == 1
    with pytest.raises(NotFound):
        project.remove_pseudonym("Henk", "anna")
    with pytest.raises(InvalidInput):
        project.add_pseudonym("Henk", "henk", "anna")
    with pytest.raises(InvalidInput):
        project.add_pseudonym(" ", "Bewoner 1", "anna")


def test_csv_reader_accepts_dutch_excel_files(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("\ufeffnaam;pseudoniem\nFatima Bakkali;Bewoner 7\n\n# commentaar\nHenk;Bewoner 2\n",
                    encoding="utf-8")
    assert read_pseudonym_csv(str(path)) == [(2, "Fatima Bakkali", "Bewoner 7"), (5, "Henk", "Bewoner 2")]
    path.write_text("Fatima,Bewoner 7\nHenk\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_pseudonym_csv(str(path))
    assert err.value.line == 2
    path.write_bytes(b"Fran\xe7ois;B1\n")
    with pytest.raises(DataError, match="UTF-8"):
        read_pseudonym_csv(str(path))


def _run(*args: str, ok: bool = True):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_cli_add_import_list_remove(tmp_path: Path) -> None:
    path = str(tmp_path / "cli.wijk")
    Project.create(path, codes=SAMPLE_CODES, coder="anna").close()
    assert "added" in _run("pseudonyms", "add", path, "Fatima", "Bewoner 7").output
    csv_file = tmp_path / "p.csv"
    csv_file.write_text("name,pseudonym\nHenk,Bewoner 2\nFatima,Bewoner 1\n", encoding="utf-8")
    assert "added 1, changed 1, unchanged 0" in _run("pseudonyms", "import", path, str(csv_file)).output
    listed = json.loads(_run("pseudonyms", "list", path, "--json").output)
    assert listed == [{"name": "Fatima", "pseudonym": "Bewoner 1"}, {"name": "Henk", "pseudonym": "Bewoner 2"}]
    assert "removed: Henk" in _run("pseudonyms", "remove", path, "henk").output
    bad = _run("pseudonyms", "remove", path, "Henk", ok=False)
    assert bad.exit_code == 1 and "no pseudonym for 'Henk'" in bad.output
    csv_file.write_text("Rosa,B3\nrosa,B4\n", encoding="utf-8")
    dup = _run("pseudonyms", "import", path, str(csv_file), ok=False)
    assert dup.exit_code == 1 and "p.csv:2" in dup.output and "listed twice" in dup.output


def test_every_export_pseudonymises_but_the_text_stays(project: Project, tmp_path: Path) -> None:
    from wijkverhalen.exporters.markdown import export_markdown
    from wijkverhalen.exporters.tables import export_segments
    from wijkverhalen.refi import export_qdpx

    doc = project.documents()[0]
    text = project.document_text(doc.id)
    start = text.index("De gemeente")
    project.add_coding(doc.id, start, start + 30, "relaties.vertrouwen", "anna", memo="Gemeente's rol, zei Gemeente")
    project.set_attribute(doc.id, "respondent", "gemeente", "anna")
    project.add_pseudonym("gemeente", "instantie X", "anna")
    export_markdown(project, tmp_path / "r.md", pseudonymise=True)
    export_segments(project, tmp_path / "s.csv", pseudonymise=True)
    export_qdpx(project, tmp_path / "p.qdpx", pseudonymise=True)
    import zipfile

    archive = zipfile.ZipFile(tmp_path / "p.qdpx")
    blobs = [(tmp_path / "r.md").read_text(encoding="utf-8"), (tmp_path / "s.csv").read_text(encoding="utf-8-sig")]
    blobs += [archive.read(n).decode("utf-8") for n in archive.namelist()]
    for blob in blobs:
        assert "gemeente" not in blob.lower().replace("gemeente_", "")  # code ids may say gemeente_
    assert "instantie X's rol" in blobs[1]
    assert project.document_text(doc.id) == text and "gemeente" in text
