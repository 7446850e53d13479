"""Hostile .qdpx files (second round): caps before parsing, deep nesting, encryption, bad sidecars.

Sizes here are small with small ``Limits``; bench/bench_refi_bombs.py runs the real
bombs (500 MB members, a 60 MB source) against the default caps.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sample import SAMPLE_CODES, sample_input

from wijkverhalen.cli import cli
from wijkverhalen.errors import ExchangeError
from wijkverhalen.refi import Limits, export_qdpx, import_qdpx, read_qdpx
from wijkverhalen.refi.safezip import SafeArchive
from wijkverhalen.store import Project

NS = 'xmlns="urn:QDA-XML:project:1.0"'
CODES = '<CodeBook><Codes><Code guid="00000000-0000-4000-8000-0000000000C1" name="c" isCodable="true"/></Codes></CodeBook>'


def source(n: int, selection: str = "") -> str:
    return (f'<TextSource guid="00000000-0000-4000-8000-00000000000{n}" name="s{n}" '
            f'plainTextPath="internal://s{n}.txt">{selection}</TextSource>')


def qdpx(path: Path, qde: str, members: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return path


def patch_central_directory(path: Path, name: str, *, size: int | None = None, flag: int | None = None) -> None:
    """Make the zip's central directory claim another unpacked size or flag bits for ``name``."""
    data = bytearray(path.read_bytes())
    offset = data.rfind(name.encode()) - 46
    assert data[offset:offset + 4] == b"PK\x01\x02"
    if size is not None:
        data[offset + 24:offset + 28] = size.to_bytes(4, "little")
    if flag is not None:
        data[offset + 8:offset + 10] = flag.to_bytes(2, "little")
    path.write_bytes(bytes(data))


def test_default_caps_refuse_the_three_500_mb_members_before_reading(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sources = "".join(source(n) for n in (1, 2, 3))
    path = qdpx(tmp_path / "bomb.qdpx", f'<Project {NS} name="x">{CODES}<Sources>{sources}</Sources></Project>',
                {f"sources/s{n}.txt": b"R: tekst" for n in (1, 2, 3)})
    for n in (1, 2, 3):  # what the 2.2 MB bomb declares: 500 MB a member
        patch_central_directory(path, f"sources/s{n}.txt", size=500 * 1024 * 1024)
    read: list[str] = []
    original = SafeArchive.read
    monkeypatch.setattr(SafeArchive, "read", lambda self, name, cap=None: read.append(name) or original(self, name, cap))
    with pytest.raises(ExchangeError, match="over the limit"):
        read_qdpx(path)
    assert read == ["project.qde"]  # refused before any source was unpacked


def test_total_cap_is_checked_before_any_source_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = "".join(source(n) for n in (1, 2, 3))
    path = qdpx(tmp_path / "t.qdpx", f'<Project {NS} name="x">{CODES}<Sources>{sources}</Sources></Project>',
                {f"sources/s{n}.txt": b"R: " + b"a" * 40_000 for n in (1, 2, 3)})
    read: list[str] = []
    original = SafeArchive.read
    monkeypatch.setattr(SafeArchive, "read", lambda self, name, cap=None: read.append(name) or original(self, name, cap))
    with pytest.raises(ExchangeError, match="zip bomb"):
        read_qdpx(path, limits=Limits(member_bytes=50_000, total_bytes=100_000))
    assert read == ["project.qde"]


def test_codes_nested_thousands_deep_give_one_line(tmp_path: Path) -> None:
    depth = 5000
    nested = "".join(f'<Code guid="00000000-0000-4000-8000-{i:012X}" name="c{i}" isCodable="true">'
                     for i in range(depth)) + "</Code>" * depth
    path = qdpx(tmp_path / "deep.qdpx", f'<Project {NS} name="x"><CodeBook><Codes>{nested}</Codes></CodeBook></Project>')
    result = CliRunner().invoke(cli, ["qdpx", "import", str(tmp_path / "deep.wijk"), str(path)])
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert result.output.startswith("error: ") and "nested more than" in result.output
    assert not (tmp_path / "deep.wijk").exists()


def test_encrypted_member_gives_one_line(tmp_path: Path) -> None:
    path = qdpx(tmp_path / "enc.qdpx", f'<Project {NS} name="x">{CODES}<Sources>{source(1)}</Sources></Project>',
                {"sources/s1.txt": b"R: geheim"})
    patch_central_directory(path, "sources/s1.txt", flag=0x1)
    result = CliRunner().invoke(cli, ["qdpx", "import", str(tmp_path / "enc.wijk"), str(path)])
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert "encrypted" in result.output


@pytest.fixture
def own_export(tmp_path: Path) -> Path:
    with Project.create(tmp_path / "own.wijk", coder="anna") as project:
        for code in SAMPLE_CODES:
            project.add_code(code, "anna")
        project.add_documents([sample_input()], "anna")
        project.add_coding(project.documents()[0].id, 3, 8, "netwerken", "anna")
        export_qdpx(project, tmp_path / "own.qdpx", coder="anna")
    return tmp_path / "own.qdpx"


@pytest.mark.parametrize(("where", "value"), [
    (("codes", 0, "position"), "x" * 5000),
    (("codes", 0, "keywords"), {"a": 1}),
    (("documents", 0, "word_count"), [1, 2]),
    (("documents", 0, "imported_at"), 12),
    (("codings", 0, "coder"), ["anna"]),
    (("offsets",), "utf-32"),
], ids=["position", "keywords", "word_count", "imported_at", "coder", "offsets"])
def test_malformed_sidecar_values_give_one_line(own_export: Path, tmp_path: Path, where: tuple[object, ...],
                                                 value: object) -> None:
    with zipfile.ZipFile(own_export) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    sidecar = json.loads(members["wijkverhalen.json"])
    if len(where) == 1:
        sidecar[where[0]] = value
    else:
        group, _, key = where
        first = next(iter(sidecar[group]))
        sidecar[group][first][key] = value
    members["wijkverhalen.json"] = json.dumps(sidecar).encode()
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = CliRunner().invoke(cli, ["qdpx", "import", str(tmp_path / "bad.wijk"), str(bad)])
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert "wijkverhalen.json: malformed value" in result.output and len(result.output) < 300
    assert not (tmp_path / "bad.wijk").exists()


def test_hostile_values_are_cut_short_in_messages(tmp_path: Path) -> None:
    long = "9" * 10_000
    sel = (f'<PlainTextSelection guid="{"A" * 5000}" startPosition="x{long}" endPosition="{long}">'
           '<Coding guid="00000000-0000-4000-8000-0000000000B1"><CodeRef targetGUID="00000000-0000-4000-8000-'
           '0000000000C1"/></Coding></PlainTextSelection>')
    name = "N" * 10_000
    qde = (f'<Project {NS} name="x">{CODES}<Sources><TextSource guid="00000000-0000-4000-8000-000000000001" '
           f'name="{name}"><PlainTextContent>R: tekst hier</PlainTextContent>{sel}</TextSource>'
           f'<PDFSource guid="00000000-0000-4000-8000-000000000002" name="{name}" path="internal://x.pdf"/>'
           "</Sources></Project>")
    digits = "7" * 4000  # below Python's int() limit, so it parses as a number
    sel2 = sel.replace(f'startPosition="x{long}" endPosition="{long}"', f'startPosition="{digits}" endPosition="{digits}1"')
    qde = qde.replace("</TextSource>", sel2.replace("A" * 5000, "B" * 5000) + "</TextSource>", 1)
    plan = read_qdpx(qdpx(tmp_path / "long.qdpx", qde))
    assert len(plan.skipped) == 3
    for skipped in plan.skipped:
        assert len(skipped.subject) + len(skipped.reason) < 400, skipped


def test_interrupted_import_into_a_new_project_leaves_no_file(own_export: Path, tmp_path: Path) -> None:
    target = tmp_path / "new" / "p.wijk"
    target.parent.mkdir()
    seen: list[bool] = []

    def progress(done: int, total: int, what: str) -> None:
        seen.append(target.exists())
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_qdpx(own_export, target, coder="t", workers=1, progress=progress)
    assert seen == [False]  # not even while the import ran
    assert list(target.parent.iterdir()) == []
    summary = import_qdpx(own_export, target, coder="t", workers=1)
    assert summary.target == str(target) and target.exists()
    assert [p.name for p in target.parent.iterdir()] == ["p.wijk"]
