"""Hostile .qdpx/.qdc files, built by the tests: zip slip, zip bombs, XML entities, junk."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from wijkverhalen.errors import ExchangeError
from wijkverhalen.refi import Limits, import_qdc, import_qdpx, read_qdpx
from wijkverhalen.refi.safezip import SafeArchive, safe_member_name

NS = 'xmlns="urn:QDA-XML:project:1.0"'
CODES = ('<CodeBook><Codes><Code guid="00000000-0000-4000-8000-0000000000c1" name="c" isCodable="true"/>'
         "</Codes></CodeBook>")


def source(path: str, guid: str = "00000000-0000-4000-8000-000000000001") -> str:
    return (f'<TextSource guid="{guid}" name="s" plainTextPath="{path}">'
            '<PlainTextSelection guid="00000000-0000-4000-8000-0000000000a1" startPosition="0" endPosition="4">'
            '<Coding guid="00000000-0000-4000-8000-0000000000b1">'
            '<CodeRef targetGUID="00000000-0000-4000-8000-0000000000c1"/></Coding></PlainTextSelection></TextSource>')


def qdpx(path: Path, qde: str, members: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in (members or {}).items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "sources/../../evil.txt", "C:\\evil.txt",
                                  "..\\..\\evil.txt", "a/\x00b"])
def test_unsafe_member_names_are_refused(name: str) -> None:
    assert safe_member_name(name) is None


def test_safe_member_names_are_normalised() -> None:
    assert safe_member_name("Sources\\x.txt") == "Sources/x.txt"
    assert safe_member_name("./sources//x.txt") == "sources/x.txt"


def test_zip_slip_members_are_never_read_or_written(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    qde = f'<Project {NS} name="x">{CODES}<Sources>{source("internal://../secret.txt")}</Sources></Project>'
    path = qdpx(work / "slip.qdpx", qde, {"../secret.txt": b"evil overwrite", "../../etc/evil": b"x",
                                          "/abs.txt": b"abs"})
    before = sorted(p for p in tmp_path.rglob("*"))
    cwd = os.getcwd()
    os.chdir(work)
    try:
        summary = import_qdpx(path, work / "p.wijk", coder="t")
    finally:
        os.chdir(cwd)
    assert secret.read_text(encoding="utf-8") == "SECRET"
    new_files = sorted(set(tmp_path.rglob("*")) - set(before))
    assert all(p.parent == work and p.name.startswith("p.wijk") for p in new_files)
    unsafe = [s for s in summary.skipped if s.kind == "file"]
    assert {s.subject for s in unsafe} == {"../secret.txt", "../../etc/evil", "/abs.txt"}
    assert any(s.kind == "source" and "missing" in s.reason for s in summary.skipped)
    assert summary.documents == []


def test_absolute_and_relative_source_paths_are_not_read_from_disk(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    qde = (f'<Project {NS} name="x" basePath="{tmp_path}">{CODES}<Sources>'
           f'{source(f"absolute://{secret}")}'
           f'{source("relative://secret.txt", "00000000-0000-4000-8000-000000000002")}</Sources></Project>')
    plan = read_qdpx(qdpx(tmp_path / "ext.qdpx", qde))
    assert plan.documents == []
    assert [s.reason.split(" (")[0] for s in plan.skipped] == ["is an external file", "is an external file"]


def test_zip_bomb_is_stopped_while_unpacking(tmp_path: Path) -> None:
    qde = f'<Project {NS} name="x">{CODES}<Sources>{source("internal://bomb.txt")}</Sources></Project>'
    path = qdpx(tmp_path / "bomb.qdpx", qde, {"sources/bomb.txt": b"a" * 5_000_000})
    assert path.stat().st_size < 100_000  # it compresses to almost nothing
    with pytest.raises(ExchangeError, match="zip bomb"):
        read_qdpx(path, limits=Limits(member_bytes=10_000_000, total_bytes=1_000_000))
    with pytest.raises(ExchangeError, match="over the limit"):
        read_qdpx(path, limits=Limits(member_bytes=1_000_000))


def test_lying_size_header_is_caught(tmp_path: Path) -> None:
    path = qdpx(tmp_path / "lie.qdpx", f'<Project {NS} name="x"/>', {"sources/big.txt": b"b" * 200_000})
    data = bytearray(path.read_bytes())
    # Make the central directory claim the member is tiny; the unpacked stream is still 200 kB.
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("sources/big.txt")
    offset = data.rfind(b"sources/big.txt") - 46
    assert data[offset:offset + 4] == b"PK\x01\x02"
    data[offset + 24:offset + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with SafeArchive(path, Limits(member_bytes=50_000)) as archive, pytest.raises(ExchangeError):
        archive.read("sources/big.txt")
    assert info.file_size == 200_000


def test_too_many_members(tmp_path: Path) -> None:
    path = qdpx(tmp_path / "many.qdpx", f'<Project {NS} name="x"/>', {f"sources/{i}.txt": b"x" for i in range(30)})
    with pytest.raises(ExchangeError, match="more than the limit"):
        read_qdpx(path, limits=Limits(members=10))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>"""


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExchangeError, match="entity"):
        read_qdpx(qdpx(tmp_path / "lol.qdpx", BILLION_LAUGHS))
    (tmp_path / "lol.qdc").write_text(BILLION_LAUGHS.replace("Project", "CodeBook"), encoding="utf-8")
    with pytest.raises(ExchangeError, match="entity"):
        import_qdc(tmp_path / "lol.qdc", tmp_path / "p.wijk", coder="t")
    assert not (tmp_path / "p.wijk").exists()


def test_external_entity_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file://{secret}">]>'
           f'<Project {NS} name="&x;"/>')
    with pytest.raises(ExchangeError, match="entity"):
        read_qdpx(qdpx(tmp_path / "xxe.qdpx", xxe))
    remote = (f'<?xml version="1.0"?><!DOCTYPE p SYSTEM "http://127.0.0.1:9/evil.dtd">'
              f'<Project {NS} name="x"/>')
    plan = read_qdpx(qdpx(tmp_path / "dtd.qdpx", remote))  # an external DTD is not fetched
    assert plan.documents == []


@pytest.mark.parametrize(("content", "message"), [
    (b"not a zip at all", "not a zip archive"),
    (None, "no project.qde"),
])
def test_junk_archives_give_one_line_errors(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "junk.qdpx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "hello")
    else:
        path.write_bytes(content)
    with pytest.raises(ExchangeError, match=message) as err:
        read_qdpx(path)
    assert "\n" not in err.value.one_line()


def test_wrong_root_element(tmp_path: Path) -> None:
    with pytest.raises(ExchangeError, match="expected <Project>"):
        read_qdpx(qdpx(tmp_path / "root.qdpx", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'))
    (tmp_path / "x.qdc").write_text("<Something/>", encoding="utf-8")
    with pytest.raises(ExchangeError, match="neither <CodeBook> nor <Project>"):
        import_qdc(tmp_path / "x.qdc", tmp_path / "p.wijk", coder="t")
