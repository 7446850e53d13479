"""Importers: decoding, front matter, CSV sidecars, .docx/.odt, turns and folders."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkverhalen.errors import ImportError_, InvalidInput
from wijkverhalen.importers import (
    detect_turns,
    iter_import_paths,
    metadata_for,
    parse_file,
    read_metadata_csv,
    supported_suffixes,
)
from wijkverhalen.importers.encoding import decode_text

DATA = Path(__file__).parent / "data" / "importers"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def speakers(text: str, pattern: str | None = None) -> list[str | None]:
    return [t.speaker for t in detect_turns(text, pattern)]


# --- encodings ---------------------------------------------------------------


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"\xef\xbb\xbfI: Hallo\nR: Dag\n")
    parsed = parse_file(path)
    assert parsed.text == "I: Hallo\nR: Dag\n"
    assert parsed.format == "txt" and parsed.name == "a"
    assert parsed.source_path == str(path)


@pytest.mark.parametrize("codec,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_utf16_with_bom(tmp_path: Path, codec: str, bom: bytes) -> None:
    text = "Fatima: Wij zijn één buurt 😀\r\nJan: Ja.\r\n"
    path = write(tmp_path, "u.txt", bom + text.encode(codec))
    assert parse_file(path).text == "Fatima: Wij zijn één buurt 😀\nJan: Ja.\n"


def test_utf16_without_bom_is_recognised() -> None:
    assert decode_text("Hallo buurt\n".encode("utf-16-le")).encoding == "utf-16-le"


def test_cp1252_fallback_decodes_accents_and_euro(tmp_path: Path) -> None:
    path = write(tmp_path, "oud.txt", "Café, reünie en €5 subsidie.".encode("cp1252"))
    decoded = decode_text(path.read_bytes(), path)
    assert decoded.encoding == "cp1252"
    assert parse_file(path).text == "Café, reünie en €5 subsidie."


def test_valid_utf8_is_not_read_as_cp1252(tmp_path: Path) -> None:
    path = write(tmp_path, "nieuw.txt", "Café en €".encode())
    assert decode_text(path.read_bytes()).encoding == "utf-8"
    assert parse_file(path).text == "Café en €"


def test_crlf_and_cr_are_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "w.txt", b"een\r\ntwee\rdrie\n")
    assert parse_file(path).text == "een\ntwee\ndrie\n"


def test_binary_file_named_txt_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "foto.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(256))
    with pytest.raises(ImportError_, match="binary file, not text") as info:
        parse_file(path)
    assert info.value.path == str(path)


def test_control_characters_without_nul_are_binary() -> None:
    with pytest.raises(ImportError_, match="binary"):
        decode_text(bytes(range(1, 9)) * 20 + b"tekst")


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, "leeg.txt", content)
    with pytest.raises(ImportError_, match="empty file"):
        parse_file(path)


def test_undecodable_bytes_are_refused() -> None:
    # 0x81 is undefined in cp1252 and invalid as UTF-8.
    with pytest.raises(ImportError_, match="cannot decode"):
        decode_text(b"tekst \x81\x8d tekst")


# --- front matter -------------------------------------------------------------


def test_front_matter_parsed_and_removed() -> None:
    parsed = parse_file(DATA / "buurthuis.md")
    assert parsed.format == "md"
    assert parsed.metadata == {
        "wijk": "Tussendijken",
        "rol": "initiatiefnemer",
        "datum": "2020-11-03",
        "id": "007",
        "thema's": "corona, voedsel",
    }
    assert parsed.text.startswith("# Gesprek buurthuis\n")
    assert "---" not in parsed.text
    # Markdown markup stays in the canonical text.
    assert "**Interviewer:**" in parsed.text


def test_malformed_front_matter_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "x.md", "---\nwijk: Bospolder\nrol: [bewoner\n---\nTekst\n")
    with pytest.raises(ImportError_, match="malformed front matter") as info:
        parse_file(path)
    assert info.value.path == str(path)
    assert info.value.line == 3  # where the unclosed "[" starts
    assert f"{path}:{info.value.line}:" in str(info.value)


def test_unclosed_front_matter_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", "---\nwijk: Bospolder\nTekst zonder einde\n")
    with pytest.raises(ImportError_, match="not closed") as info:
        parse_file(path)
    assert info.value.line == 1


def test_front_matter_error_line_for_bad_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, "x.md", "---\nwijk: a\n  b: c\n---\nTekst\n")
    with pytest.raises(ImportError_) as info:
        parse_file(path)
    assert info.value.line == 3


def test_front_matter_must_be_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", "---\n- een\n- twee\n---\nTekst\n")
    with pytest.raises(ImportError_, match="mapping"):
        parse_file(path)


def test_front_matter_only_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "x.md", "---\nwijk: BoTu\n---\n\n")
    with pytest.raises(ImportError_, match="empty file"):
        parse_file(path)


def test_dashes_later_in_text_are_not_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", "Tekst\n---\nwijk: x\n---\n")
    parsed = parse_file(path)
    assert parsed.metadata == {}
    assert parsed.text == "Tekst\n---\nwijk: x\n---\n"


# --- CSV sidecar --------------------------------------------------------------


def test_metadata_csv_semicolons_bestand_column() -> None:
    rows = read_metadata_csv(DATA / "metadata.csv")
    assert rows["interview_fatima.txt"] == {"wijk": "Bospolder", "rol": "bewoner", "leeftijd": "54"}
    # Empty cells are left out so they cannot overwrite other attributes.
    assert rows["buurthuis"] == {"wijk": "Tussendijken", "rol": "initiatiefnemer"}


def test_metadata_for_matches_name_case_and_stem() -> None:
    rows = read_metadata_csv(DATA / "metadata.csv")
    assert metadata_for(rows, DATA / "interview_fatima.txt")["wijk"] == "Bospolder"
    assert metadata_for(rows, Path("INTERVIEW_FATIMA.TXT"))["rol"] == "bewoner"
    assert metadata_for(rows, DATA / "buurthuis.md")["wijk"] == "Tussendijken"
    assert metadata_for(rows, Path("onbekend.docx")) == {}


def test_metadata_csv_key_column_by_name_and_values_stripped(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "wijk,File Name\n Bospolder , a.txt \n")
    assert read_metadata_csv(path) == {"a.txt": {"wijk": "Bospolder"}}


def test_metadata_csv_without_file_column_lists_the_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "naam,wijk\na.txt,Bospolder\n")
    with pytest.raises(ImportError_, match="no file column .*its columns are: 'naam', 'wijk'") as info:
        read_metadata_csv(path)
    assert info.value.line == 1


def test_metadata_csv_duplicate_key_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "file,wijk\na.txt,Bospolder\nb.txt,x\n\nA.txt,Tussendijken\n")
    with pytest.raises(ImportError_, match="duplicate file 'A.txt' \\(first on line 2\\)") as info:
        read_metadata_csv(path)
    assert info.value.line == 5


def test_metadata_csv_missing_key_value_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "filename,wijk\na.txt,Bospolder\n,Tussendijken\n")
    with pytest.raises(ImportError_, match="no value in column 'filename'") as info:
        read_metadata_csv(path)
    assert info.value.line == 3


def test_metadata_csv_without_key_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", ",wijk\na.txt,Bospolder\n")
    with pytest.raises(ImportError_, match="no file column") as info:
        read_metadata_csv(path)
    assert info.value.line == 1


def test_metadata_csv_too_many_cells(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "file,wijk\na.txt,Bospolder,extra\n")
    with pytest.raises(ImportError_, match="3 cells") as info:
        read_metadata_csv(path)
    assert info.value.line == 2


# --- .docx --------------------------------------------------------------------


def make_docx(path: Path) -> Path:
    from docx import Document

    document = Document()
    document.core_properties.title = "Gesprek Delfshaven Helpt"
    document.core_properties.author = "Veldacademie"
    document.add_paragraph("I: Voor de tabel.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Wijk"
    table.cell(0, 1).text = "Bospolder"
    table.cell(1, 0).text = "Rol"
    table.cell(1, 1).text = "bewoner"
    table.cell(1, 1).add_paragraph("sinds 1990")
    inner = table.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "genest"
    document.add_paragraph("R: Na de tabel.")
    document.add_paragraph("I: Regel met\tTab.")
    document.save(str(path))
    return path


def test_docx_paragraphs_and_table_in_document_order(tmp_path: Path) -> None:
    parsed = parse_file(make_docx(tmp_path / "gesprek.docx"))
    assert parsed.format == "docx"
    assert parsed.text == (
        "I: Voor de tabel.\nWijk | Bospolder genest\nRol | bewoner sinds 1990\n"
        "R: Na de tabel.\nI: Regel met\tTab."
    )
    # Core properties (author: often a login name) stay out unless asked for.
    assert parsed.metadata == {}
    with_props = parse_file(tmp_path / "gesprek.docx", properties=True)
    assert with_props.metadata["title"] == "Gesprek Delfshaven Helpt"
    assert with_props.metadata["author"] == "Veldacademie"
    assert with_props.metadata["created"].startswith("20")
    assert speakers(parsed.text) == ["I", "R", "I"]
    # The table rows belong to the first turn.
    first = parsed.turns[0]
    assert parsed.text[first.start : first.end].endswith("Rol | bewoner sinds 1990")


def test_docx_random_bytes_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "kapot.docx", os.urandom(512))
    with pytest.raises(ImportError_, match=r"not a valid \.docx \(not a zip archive\)"):
        parse_file(path)


def test_docx_zip_without_document_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "leeg.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hallo.txt", "geen word")
    with pytest.raises(ImportError_, match=r"not a valid \.docx") as info:
        parse_file(path)
    assert info.value.path == str(path)


def test_docx_without_text_is_empty(tmp_path: Path) -> None:
    from docx import Document

    Document().save(str(tmp_path / "leeg.docx"))
    with pytest.raises(ImportError_, match="empty file"):
        parse_file(tmp_path / "leeg.docx")


# --- .odt ---------------------------------------------------------------------


def make_odt(path: Path) -> Path:
    from odf import dc
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, LineBreak, List, ListItem, P

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Buurtgesprek"))
    document.text.addElement(H(outlinelevel=1, text="Gesprek"))
    document.text.addElement(P(text="Fatima: Eerste regel."))
    table = Table(name="Gegevens")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    for value in ("Wijk", "Tussendijken"):
        cell = TableCell()
        cell.addElement(P(text=value))
        row.addElement(cell)
    cell.addElement(P(text="(BoTu)"))
    table.addElement(row)
    document.text.addElement(table)
    paragraph = P(text="Jan: Twee")
    paragraph.addElement(LineBreak())
    paragraph.addText("regels.")
    document.text.addElement(paragraph)
    items = List()
    item = ListItem()
    item.addElement(P(text="Fatima: In een lijst."))
    items.addElement(item)
    document.text.addElement(items)
    document.save(str(path))
    return path


def test_odt_paragraphs_headings_tables_lists_in_order(tmp_path: Path) -> None:
    parsed = parse_file(make_odt(tmp_path / "gesprek.odt"))
    assert parsed.format == "odt"
    assert parsed.text == (
        "Gesprek\nFatima: Eerste regel.\nWijk | Tussendijken (BoTu)\nJan: Twee\nregels.\n"
        "Fatima: In een lijst."
    )
    assert parsed.metadata == {}  # meta fields only with properties=True
    assert parse_file(tmp_path / "gesprek.odt", properties=True).metadata == {"title": "Buurtgesprek"}
    # "Jan:" occurs once, but inside a transcript that has turns: a third voice.
    assert speakers(parsed.text) == [None, "Fatima", "Jan", "Fatima"]


def test_odt_random_bytes_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "kapot.odt", os.urandom(300))
    with pytest.raises(ImportError_, match=r"not a valid \.odt"):
        parse_file(path)


def test_odt_zip_without_content_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "half.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(ImportError_, match=r"not a valid \.odt"):
        parse_file(path)


# --- turns --------------------------------------------------------------------


def test_turns_i_r_with_preamble_and_multiline_turn() -> None:
    parsed = parse_file(DATA / "interview_fatima.txt")
    text = parsed.text
    assert [t.speaker for t in parsed.turns] == [None, "I", "R", "I", "R"]
    preamble, _, answer = parsed.turns[:3]
    assert text[preamble.start : preamble.end].startswith("Interview Delfshaven")
    assert text[answer.start : answer.end] == (
        "R: Via mijn buurvrouw. Zij kookte al voor de ouderen in de straat.\n"
        "In maart 2020 zijn we met twintig vrijwilligers begonnen."
    )
    assert text[answer.body_start :].startswith("Via mijn buurvrouw")
    last = parsed.turns[-1]
    assert last.end == len(text.rstrip())


def test_turns_interviewer_and_names_with_particles_and_accents() -> None:
    text = (
        "Interviewer: Welkom.\nJan de Vries: Dank je.\nÉlodie: Hallo.\n"
        "Interviewer: Verder.\nJan de Vries: Goed.\nÉlodie: Ja.\n"
    )
    assert speakers(text) == ["Interviewer", "Jan de Vries", "Élodie"] * 2


def test_turns_bracket_labels() -> None:
    text = "[Fatima] Wij begonnen.\n[Interviewer]: Wanneer?\n[Fatima] In maart."
    turns = detect_turns(text)
    assert [t.speaker for t in turns] == ["Fatima", "Interviewer", "Fatima"]
    assert text[turns[1].body_start : turns[1].end] == "Wanneer?"


def test_turns_markdown_bold_labels() -> None:
    parsed = parse_file(DATA / "buurthuis.md")
    assert [t.speaker for t in parsed.turns] == [
        None,
        "Interviewer",
        "Jan de Vries",
        "Interviewer",
        "Jan de Vries",
    ]
    turn = parsed.turns[1]
    assert parsed.text[turn.body_start : turn.end] == "Wat deed het buurthuis tijdens de lockdown?"


def test_single_use_name_label_is_not_a_speaker() -> None:
    text = "I: Vraag?\nR: Antwoord.\nNotitie: dit hoort bij het antwoord.\nI: Nog een?\n"
    turns = detect_turns(text)
    assert [t.speaker for t in turns] == ["I", "R", "I"]
    assert text[turns[1].start : turns[1].end].endswith("dit hoort bij het antwoord.")


def test_lowercase_and_long_labels_are_not_speakers() -> None:
    text = "let op: dit\nlet op: dat\n" + ("Een Heel Lange Naam Van Meer Dan Drie: x\n" * 2)
    assert speakers(text) == [None, None, None, None]


def test_timestamps_before_labels() -> None:
    text = "[00:01:02] I: Hoi.\n[00:01:09] R: Dag."
    turns = detect_turns(text)
    assert [t.speaker for t in turns] == ["I", "R"]
    assert turns[0].start == 0 and text[turns[0].body_start : turns[0].end] == "Hoi."


def test_paragraph_fallback_blank_lines() -> None:
    text = "\n\nEerste alinea\nloopt door.\n\n  \nTweede alinea.  \n\n"
    turns = detect_turns(text)
    assert [text[t.start : t.end] for t in turns] == [
        "Eerste alinea\nloopt door.",
        "Tweede alinea.",
    ]
    assert all(t.speaker is None and t.body_start == t.start for t in turns)


def test_paragraph_fallback_single_lines_without_blank_lines() -> None:
    text = "Regel een.\nRegel twee.\n   \nR: maar één sprekerregel."
    assert [text[t.start : t.end] for t in detect_turns("Regel een.\nRegel twee.")] == [
        "Regel een.",
        "Regel twee.",
    ]
    assert speakers(text) == [None, None]


def test_custom_speaker_pattern() -> None:
    text = "SPREKER A > Hallo.\nSPREKER B > Dag.\nGeen spreker > tekst."
    turns = detect_turns(text, r"SPREKER (?P<speaker>\w+) >")
    assert [t.speaker for t in turns] == ["A", "B"]
    assert text[turns[1].body_start : turns[1].end] == "Dag.\nGeen spreker > tekst."
    # Without a group the label itself is the speaker.
    assert speakers("-- x\n-- y", r"--") == ["--", "--"]


def test_custom_speaker_pattern_via_parse_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "#1 hallo\n#2 dag\n")
    assert [t.speaker for t in parse_file(path, speaker_pattern=r"#(\d)").turns] == ["1", "2"]


def test_invalid_speaker_pattern() -> None:
    with pytest.raises(InvalidInput, match="invalid speaker pattern"):
        detect_turns("x", "(unclosed")


def test_whitespace_only_text_has_no_turns() -> None:
    assert detect_turns(" \n\t\n") == ()


_ALPHABET = st.sampled_from(
    list("ab ÉéR:I[]\n\t.?!")
    + ["I: ", "R: ", "\nFatima: ", "[Jan] ", "😀", "e\u0301", "\u00a0", "\u2028"]
)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(_ALPHABET, max_size=60).map("".join)))
def test_turns_always_slice_the_text_exactly(text: str) -> None:
    previous_end = 0
    for turn in detect_turns(text):
        assert previous_end <= turn.start <= turn.body_start <= turn.end <= len(text)
        assert turn.start < turn.end
        chunk = text[turn.start : turn.end]
        assert chunk == chunk.strip() and chunk
        previous_end = turn.end


# --- files and folders --------------------------------------------------------


def test_registry_covers_formats() -> None:
    assert set(supported_suffixes()) == {".txt", ".md", ".markdown", ".docx", ".odt", ".pdf", ".vtt", ".srt"}


def test_parse_file_unsupported_and_missing(tmp_path: Path) -> None:
    with pytest.raises(ImportError_, match="old Word .doc format"):
        parse_file(write(tmp_path, "oud.doc", b"x"))
    with pytest.raises(ImportError_, match="not found"):
        parse_file(tmp_path / "weg.txt")


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    assert parse_file(write(tmp_path, "HOOFD.TXT", "Hallo")).format == "txt"


def test_folder_import_lists_files_and_unsupported_with_reasons(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", "b")
    write(tmp_path, "a.md", "a")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "c.docx", b"")
    write(tmp_path / "sub", "scan.pages", b"x")
    write(tmp_path / "sub", "~$c.docx", b"lock")
    write(tmp_path, "metadata.csv", "file,wijk\n")
    write(tmp_path, ".verborgen.txt", "x")
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git", "x.txt", "x")
    files, skipped = iter_import_paths([tmp_path, tmp_path / "b.txt", tmp_path / "nergens"])
    assert files == [tmp_path / "a.md", tmp_path / "b.txt", tmp_path / "sub" / "c.docx"]
    reasons = {path.name: reason for path, reason in skipped}
    # The sidecar CSV inside the folder is passed over silently.
    assert set(reasons) == {"scan.pages", "~$c.docx", "nergens"}
    assert "Pages" in reasons["scan.pages"]
    assert "lock file" in reasons["~$c.docx"]
    assert reasons["nergens"] == "not found"


def test_csv_named_explicitly_is_reported(tmp_path: Path) -> None:
    csv_path = write(tmp_path, "metadata.csv", "file,wijk\n")
    hidden = write(tmp_path, ".notities.txt", "x")
    files, skipped = iter_import_paths([csv_path, hidden])
    assert files == [hidden]
    assert skipped == [(csv_path, "a table, not a transcript (use it as a metadata sidecar)")]


def test_unknown_suffix_reason_lists_supported(tmp_path: Path) -> None:
    _, skipped = iter_import_paths([write(tmp_path, "x.xyz", "x")])
    assert skipped[0][1].startswith("unsupported file type '.xyz' (supported: .txt")
