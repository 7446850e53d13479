"""Bad and hostile input: one clear line naming the file, nothing lost, bounded memory.

Every hostile file is generated here in tmp_path (small archives and YAML that
would expand to gigabytes if read naively); bench/bench_hostile.py measures the
time and memory each one costs.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkverhalen.cli import cli
from wijkverhalen.codebook import load_codebook, validate_codebook_file
from wijkverhalen.config import load_config, save_config
from wijkverhalen.errors import CodebookError, ConfigError, DataError, ImportError_
from wijkverhalen.importers import archive, iter_import_paths, parse_file, read_metadata_csv
from wijkverhalen.importers.encoding import decode_text
from wijkverhalen.importing import import_paths
from wijkverhalen.linking.actors import parse_actor_registry
from wijkverhalen.store import Project
from wijkverhalen.textsafe import printable

GOOD = "I: Hoe begon het?\nR: In maart hielpen we de buren met boodschappen.\n"

# A front matter block of ~350 bytes that expands to 9**8 (43 million) strings.
YAML_BOMB = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "---\n" + GOOD
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    path = tmp_path / "botu.wijk"
    assert run("init", str(path))[0] == 0
    return path


def document_names(path: Path) -> dict[str, dict[str, str]]:
    with Project.open(path) as project:
        return {d.name: dict(d.attributes) for d in project.documents.all()}


# --- metadata CSV ---------------------------------------------------------------


def test_csv_standard_quoting_keeps_cells_in_their_columns(tmp_path: Path) -> None:
    # Sniffing the header alone read '""' wrongly and shifted 'oud' into 'wijk'.
    path = tmp_path / "m.csv"
    path.write_text('file,rol,wijk,leeftijd\na.txt,"bewoner ""A"", oud",Bospolder,54\n',
                    encoding="utf-8")
    assert read_metadata_csv(path) == {
        "a.txt": {"rol": 'bewoner "A", oud', "wijk": "Bospolder", "leeftijd": "54"}}


@pytest.mark.parametrize("sep", [";", "\t"])
def test_csv_semicolon_and_tab_with_quoted_separators(tmp_path: Path, sep: str) -> None:
    path = tmp_path / "m.csv"
    rows = [["Bestand", "rol", "wijk"], ["a.txt", f'"bewoner{sep} ""oud"""', "Bospolder, BoTu"],
            ["b.txt", "professional", "Tussendijken"]]
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    assert read_metadata_csv(path) == {
        "a.txt": {"rol": f'bewoner{sep} "oud"', "wijk": "Bospolder, BoTu"},
        "b.txt": {"rol": "professional", "wijk": "Tussendijken"},
    }


CELL = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs"),
                                      include_characters=',;\t"\n'), max_size=20)


@settings(max_examples=60, deadline=None)
@given(sep=st.sampled_from([",", ";", "\t"]),
       rows=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=5))
def test_csv_round_trip_through_the_standard_writer(tmp_path_factory: pytest.TempPathFactory,
                                                    sep: str, rows: list[tuple[str, str]]) -> None:
    """Whatever Excel-style CSV the csv module writes comes back in the right columns."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(["file", "rol", "wijk"])
    for i, (rol, wijk) in enumerate(rows):
        writer.writerow([f"doc{i}.txt", rol, wijk])
    path = tmp_path_factory.mktemp("csv") / "m.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    expected = {f"doc{i}.txt": {k: v.strip() for k, v in (("rol", rol), ("wijk", wijk)) if v.strip()}
                for i, (rol, wijk) in enumerate(rows)}
    assert read_metadata_csv(path) == expected


DUTCH_LINE = st.text(alphabet="abcdeijnoprstuvwz ,.?éëïöüàèç", max_size=30)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.tuples(DUTCH_LINE, st.booleans()), min_size=1, max_size=8))
def test_lines_in_either_encoding_decode_to_the_same_text(lines: list[tuple[str, bool]]) -> None:
    data = b"\n".join(text.encode("cp1252" if cp else "utf-8") for text, cp in lines) + b"\nI: x\n"
    decoded = decode_text(data, "x.txt")
    assert decoded.text == "\n".join(text for text, _ in lines) + "\nI: x\n"
    mixed = any(cp and not t.isascii() for t, cp in lines) and any(
        not cp and not t.isascii() for t, cp in lines)
    assert bool(decoded.warnings) == mixed


def write_corpus(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        (folder / name).write_text(f"I: Vraag {i}?\nR: Antwoord nummer {i} over de buurt.\n",
                                   encoding="utf-8")
    return folder


def test_unmatched_rows_and_files_are_reported(proj: Path, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", ["a.txt", "b.txt"])
    (tmp_path / "m.csv").write_text("file,rol\na.txt,bewoner\nzz_onbekend.txt,x\n", encoding="utf-8")
    code, out, err = run("import", str(proj), str(corpus), "--metadata", str(tmp_path / "m.csv"))
    assert code == 0, err
    assert "metadata row matches no imported file: zz_onbekend.txt" in err
    assert f"no metadata row for: {corpus / 'b.txt'}" in err
    assert document_names(proj)["a"] == {"rol": "bewoner"}


def test_metadata_matching_no_file_is_an_error_and_writes_nothing(proj: Path, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", ["a.txt", "b.txt"])
    (tmp_path / "m.csv").write_text("file,rol\nx.txt,bewoner\ny.txt,bewoner\n", encoding="utf-8")
    code, out, err = run("import", str(proj), str(corpus), "--metadata", str(tmp_path / "m.csv"))
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"error: {tmp_path / 'm.csv'}: no row matches")
    assert "x.txt" in err and "a.txt" in err
    assert document_names(proj) == {}


def test_metadata_without_file_column_is_an_error(proj: Path, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", ["a.txt"])
    (tmp_path / "m.csv").write_text("naam,rol\na.txt,bewoner\n", encoding="utf-8")
    code, _, err = run("import", str(proj), str(corpus), "--metadata", str(tmp_path / "m.csv"))
    assert code == 1 and "its columns are: 'naam', 'rol'" in err and err.count("\n") == 1
    assert document_names(proj) == {}


def make_docx(path: Path, text: str = "I: Hallo.\nR: Dag.") -> Path:
    from docx import Document

    document = Document()
    document.core_properties.author = "jdevries.gemeente"
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(str(path))
    return path


def test_docx_properties_only_with_the_flag(proj: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    make_docx(corpus / "a.docx")
    assert run("import", str(proj), str(corpus))[0] == 0
    assert "author" not in document_names(proj)["a"]
    other = tmp_path / "other.wijk"
    run("init", str(other))
    assert run("import", str(other), str(corpus), "--docx-properties")[0] == 0
    assert document_names(other)["a"]["author"] == "jdevries.gemeente"


# --- mixed encodings ------------------------------------------------------------


def test_mixed_utf8_and_cp1252_lines_are_each_decoded(tmp_path: Path) -> None:
    data = "I: Café één\n".encode() + "R: Caf\xe9 open\n".encode("cp1252") + b"I: Dank\n"
    decoded = decode_text(data, tmp_path / "x.txt")
    assert decoded.text == "I: Café één\nR: Café open\nI: Dank\n"
    assert "Ã" not in decoded.text
    assert decoded.encoding == "mixed"
    assert decoded.warnings == (f"{tmp_path / 'x.txt'}:2: not UTF-8 like the rest of the file; "
                                "read as Windows-1252",)


def test_mixed_encoding_warning_reaches_the_import_summary(proj: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes("I: Café?\n".encode() + "R: Caf\xe9!\n".encode("cp1252"))
    code, _, err = run("import", str(proj), str(corpus))
    assert code == 0
    assert f"warning: {corpus / 'a.txt'}:2: not UTF-8" in err


def test_wholly_cp1252_file_has_no_warning() -> None:
    decoded = decode_text("Caf\xe9\nna\xefef\n".encode("cp1252"))
    assert (decoded.text, decoded.encoding, decoded.warnings) == ("Café\nnaïef\n", "cp1252", ())


def test_undecodable_line_is_named() -> None:
    with pytest.raises(ImportError_, match="byte 0x81") as info:
        decode_text(b"regel een\nregel twee\nkapot \x81 hier\n", "x.txt")
    assert info.value.line == 3


# --- YAML: front matter and codebook ----------------------------------------------


@pytest.mark.parametrize("front, message", [
    (YAML_BOMB.split("---\n")[1], "anchors and aliases"),
    ("a: &a [*a]\n", "anchors and aliases"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than"),
], ids=["alias-bomb", "recursive-alias", "deep-nesting"])
def test_front_matter_bombs_fail_alone(proj: Path, tmp_path: Path, front: str, message: str) -> None:
    corpus = write_corpus(tmp_path / "in", ["a.txt", "b.txt", "c.txt"])
    (corpus / "bom.md").write_text(f"---\n{front}---\n{GOOD}", encoding="utf-8")
    code, out, err = run("import", str(proj), str(corpus))
    assert code == 0
    assert "imported 3 document(s)" in out
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"  skipped: {corpus / 'bom.md'}: line 2: ")
    assert message in lines[0]
    assert set(document_names(proj)) == {"a", "b", "c"}


@pytest.mark.parametrize("body, line", [
    ("name: x\ncodes:\n  - &a {id: a, label: A, children: [*a]}\n", 3),
    # Small here (4**3 codes); the same shape with 9 per level and 8 levels took 8 GB.
    ("name: x\ncodes:\n  - &n0 {id: x, label: X}\n"
     "  - &n1 {id: x1, label: X, children: [*n0, *n0, *n0, *n0]}\n"
     "  - &n2 {id: x2, label: X, children: [*n1, *n1, *n1, *n1]}\n"
     "  - {id: x3, label: X, children: [*n2, *n2, *n2, *n2]}\n", 3),
    ("name: x\ncodes:\n" + "  " + "[" * 3000 + "]" * 3000 + "\n", 3),
], ids=["recursive-alias", "alias-bomb", "deep-nesting"])
def test_codebook_aliases_and_nesting_are_refused(tmp_path: Path, body: str, line: int) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(body, encoding="utf-8")
    errors = validate_codebook_file(path)
    assert len(errors) == 1 and errors[0].line == line
    with pytest.raises(CodebookError, match=r"codebook\.yaml:\d+:\d+: (anchors and aliases|nested)"):
        load_codebook(path)


ACTORS_BOMBS = [
    ("- id: a\n  name: A\n  aliases: &a [*a]\n", 3),
    # Small here (4**3 aliases); 9 per level and 8 levels would be 43 million strings.
    ("- id: a\n  name: A\n  memo: &m0 [x, x, x, x]\n"
     "- id: b\n  name: B\n  memo: &m1 [*m0, *m0, *m0, *m0]\n"
     "- id: c\n  name: C\n  aliases: [*m1, *m1, *m1, *m1]\n", 3),
]


@pytest.mark.parametrize("body, line", ACTORS_BOMBS, ids=["recursive-alias", "alias-bomb"])
def test_actor_registry_aliases_are_refused(proj: Path, tmp_path: Path, body: str, line: int) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataError, match="anchors and aliases") as info:
        parse_actor_registry(path)
    assert (info.value.path, info.value.line) == (str(path), line)
    code, _, err = run("actors", "import", str(proj), str(path))
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:{line}: ")


def test_user_config_alias_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user config is read with the strict loader: a bomb under ``keys:`` is never expanded."""
    path = tmp_path / "config.yaml"
    path.write_text("coder: anna\n"
                    "a: &a [x, x, x, x, x, x, x, x, x]\n"
                    "keys: {b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a], c: [*b, *b, *b, *b]}\n",
                    encoding="utf-8")
    monkeypatch.setenv("WIJKVERHALEN_CONFIG", str(path))
    with pytest.raises(ConfigError, match="anchors and aliases") as info:
        load_config()
    assert (info.value.path, info.value.line) == (str(path), 2)
    assert path.read_text(encoding="utf-8").startswith("coder: anna\n")  # never written over
    with pytest.raises(ConfigError):
        save_config({"coder": "bram"})
    assert "coder: anna" in path.read_text(encoding="utf-8")


# --- .docx and .odt packages ---------------------------------------------------


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes],
                padding: tuple[str, int] | None = None) -> Path:
    """Copy a zip, replacing members; ``padding`` (name, n) streams n filler bytes into a part.

    An XML part gets n spaces before its last closing tag (still valid XML, which
    a parser would read in full); a new part gets n zero bytes.
    """
    pad_name, pad_size = padding if padding is not None else ("", 0)
    block = 1048576
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for filename in names:
            data = replace.get(filename, src.read(filename))
            if filename != pad_name:
                dst.writestr(filename, data)
                continue
            cut = data.rindex(b"</")
            info = zipfile.ZipInfo(filename, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=pad_size > 2**31 - 1) as member:
                member.write(data[:cut])
                for _ in range(pad_size // block):
                    member.write(b" " * block)
                member.write(data[cut:])
        if pad_name and pad_name not in names:
            info = zipfile.ZipInfo(pad_name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=pad_size > 2**31 - 1) as member:
                for _ in range(pad_size // block):
                    member.write(bytes(block))
    return target


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> int:
    """A lower size cap, so a bomb above it is quick to build (bench_hostile uses the real one)."""
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 12 * 2**20)
    monkeypatch.setattr(archive, "RATIO_FLOOR", 4 * 2**20)
    return archive.MAX_TOTAL_BYTES


def test_docx_zip_bomb_is_refused(tmp_path: Path, small_cap: int) -> None:
    good = make_docx(tmp_path / "good.docx")
    bomb = rewrite_zip(good, tmp_path / "bom.docx", {}, ("word/document.xml", small_cap + 2**20))
    assert bomb.stat().st_size < 100 * 1024
    with pytest.raises(ImportError_, match=r"refused: the \.docx package declares more than"):
        parse_file(bomb)


def test_docx_high_ratio_below_the_cap_is_refused(tmp_path: Path, small_cap: int) -> None:
    bomb = rewrite_zip(make_docx(tmp_path / "good.docx"), tmp_path / "bom.docx", {},
                       ("word/document.xml", 8 * 2**20))
    with pytest.raises(ImportError_, match="times its compressed size"):
        parse_file(bomb)


def test_docx_lying_sizes_are_caught_while_reading(tmp_path: Path) -> None:
    bomb = rewrite_zip(make_docx(tmp_path / "good.docx"), tmp_path / "bom.docx", {},
                       ("word/document.xml", 8 * 2**20))
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as archive:
        info = archive.getinfo("word/document.xml")
        head = archive.open(info).read(1000)
    # Claim 1,000 bytes, with the checksum of those 1,000, in the central directory
    # entry and in the local header: zipfile stops there and finds nothing wrong.
    central = data.index(b"word/document.xml", data.index(b"PK\x01\x02")) - 46
    assert data[central : central + 4] == b"PK\x01\x02"
    for field_at in (central + 16, info.header_offset + 14):
        struct.pack_into("<II", data, field_at, zlib.crc32(head), info.compress_size)
        struct.pack_into("<I", data, field_at + 8, 1000)
    bomb.write_bytes(bytes(data))
    with zipfile.ZipFile(bomb) as archive:
        assert len(archive.open("word/document.xml").read(2**20)) == 1000  # passes zipfile
    with pytest.raises(ImportError_, match=r"part word/document\.xml declares 1,000 bytes but "
                                           r"inflates to 8,3\d\d,\d\d\d \(a zip bomb\?\)"):
        parse_file(bomb)


def test_docx_with_entities_is_refused_not_silently_cut(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx")
    with zipfile.ZipFile(good) as archive:
        xml = archive.read("word/document.xml").decode()
    head, rest = xml.split("?>", 1)
    xml = head + '?>\n<!DOCTYPE w:document [<!ENTITY buurt "Bospolder">]>' + rest
    xml = xml.replace("Dag.", "Dag &buurt;.")
    bad = rewrite_zip(good, tmp_path / "entity.docx", {"word/document.xml": xml.encode()})
    with pytest.raises(ImportError_, match=r"refused: part word/document\.xml contains a DTD") as info:
        parse_file(bad)
    assert info.value.path == str(bad)


def make_odt(path: Path) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text="I: Hallo."))
    document.save(str(path))
    return path


def test_odt_bomb_and_entities_are_refused(tmp_path: Path, small_cap: int) -> None:
    good = make_odt(tmp_path / "good.odt")
    assert parse_file(good).text == "I: Hallo."
    bomb = rewrite_zip(good, tmp_path / "bom.odt", {}, ("content.xml", small_cap + 2**20))
    with pytest.raises(ImportError_, match=r"refused: the \.odt package declares"):
        parse_file(bomb)
    with zipfile.ZipFile(good) as archive:
        xml = archive.read("content.xml").decode()
    head, rest = xml.split("?>", 1)
    lol = '<!ENTITY a "lollollol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
    bad = rewrite_zip(good, tmp_path / "lol.odt",
                      {"content.xml": (head + f"?><!DOCTYPE x [{lol}]>" + rest).encode()})
    with pytest.raises(ImportError_, match=r"part content\.xml contains a DTD"):
        parse_file(bad)


def test_odt_nested_too_deeply_is_one_line(tmp_path: Path) -> None:
    good = make_odt(tmp_path / "good.odt")
    with zipfile.ZipFile(good) as archive:
        xml = archive.read("content.xml").decode()
    deep = "<text:list><text:list-item>" * 5000 + "<text:p>diep</text:p>" + \
        "</text:list-item></text:list>" * 5000
    xml = xml.replace("<text:p>I: Hallo.</text:p>", deep)
    bad = rewrite_zip(good, tmp_path / "diep.odt", {"content.xml": xml.encode()})
    with pytest.raises(ImportError_, match="nested too deeply"):
        parse_file(bad)


# --- symbolic links ---------------------------------------------------------------


def test_symlinks_out_of_the_folder_and_loops_are_skipped(proj: Path, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", ["a.txt"])
    secret = write_corpus(tmp_path / "elders", ["geheim.txt"])
    (corpus / "lus1.txt").symlink_to(corpus / "lus2.txt")
    (corpus / "lus2.txt").symlink_to(corpus / "lus1.txt")
    (corpus / "naar_buiten.txt").symlink_to(secret / "geheim.txt")
    (corpus / "map_buiten").symlink_to(secret, target_is_directory=True)
    (corpus / "binnen.txt").symlink_to(corpus / "a.txt")  # inside: the same file once
    (corpus / "weg.txt").symlink_to(corpus / "bestaat_niet.txt")
    files, skipped = iter_import_paths([corpus])
    assert files == [corpus / "a.txt"]
    reasons = {p.name: r for p, r in skipped}
    assert reasons["lus1.txt"].startswith("symbolic link loop")
    assert reasons["lus2.txt"].startswith("symbolic link loop")
    assert reasons["naar_buiten.txt"].startswith("symbolic link pointing outside the imported folder")
    assert reasons["map_buiten"].startswith("symbolic link pointing outside the imported folder")
    assert reasons["weg.txt"].startswith("broken symbolic link")
    code, out, err = run("import", str(proj), str(corpus))
    assert code == 0 and "imported 1 document(s)" in out
    assert f"skipped: {corpus / 'naar_buiten.txt'}: symbolic link pointing outside" in err
    assert set(document_names(proj)) == {"a"}


# --- terminal escapes ---------------------------------------------------------------


def test_control_characters_in_file_names_are_escaped(proj: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "rood\x1b[31m.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "titel\x1b]0;hack\x07.txt").write_bytes(b"")  # empty: fails, its name is printed
    (corpus / "bidi\u202etxt.doc").write_text("x", encoding="utf-8")
    code, out, err = run("import", str(proj), str(corpus))
    assert code == 0
    for stream in (out, err):
        assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream
    assert "titel\\x1b]0;hack\\x07.txt: empty file" in err
    assert "bidi\\u202etxt.doc" in err
    assert set(document_names(proj)) == {"rood\\x1b[31m"}


def test_error_lines_escape_control_characters() -> None:
    error = ImportError_("kapot", path="a\x1b[2J.txt", line=3)
    assert error.one_line() == "a\\x1b[2J.txt:3: kapot"
    assert printable("Café\tx") == "Café\\x09x"


def test_metadata_error_escapes_cells(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    rows = "".join(f"doc{i}.txt,bewoner in de wijk Bospolder\n" for i in range(5))
    path.write_text(f"file,rol\n{rows}a\x1b[2J.txt,x\nA\x1b[2J.txt,y\n", encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        read_metadata_csv(path)
    assert "\x1b" not in info.value.one_line() and "\\x1b[2J" in info.value.one_line()


def test_many_files_one_bomb_in_a_parallel_import(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", [f"doc{i:02}.txt" for i in range(26)])
    (corpus / "bom.md").write_text(YAML_BOMB, encoding="utf-8")
    (corpus / "kapot.docx").write_bytes(os.urandom(300))
    with Project.create(tmp_path / "p.wijk", codes=(), coder="t") as project:
        report = import_paths(project, [corpus], "t", workers=2)
        assert len(report.imported) == 26
        assert sorted(Path(p).name for p, _ in report.failed) == ["bom.md", "kapot.docx"]


def test_long_lists_of_unmatched_files_are_cut(proj: Path, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", [f"doc{i:02}.txt" for i in range(23)])
    (tmp_path / "m.csv").write_text("file,rol\ndoc00.txt,bewoner\n", encoding="utf-8")
    code, _, err = run("import", str(proj), str(corpus), "--metadata", str(tmp_path / "m.csv"),
                       "--workers", "1")
    assert code == 0
    assert err.count("no metadata row for: ") == 21  # 20 named, then the count
    assert "no metadata row for: ... and 2 more" in err
