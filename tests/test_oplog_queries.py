"""The operation log owns its rows: the rest of the code asks store/oplog*.py instead of
reading the ``operations`` table or parsing its JSON row images."""

from __future__ import annotations

import re
from pathlib import Path

from sample import SAMPLE_CODES, SAMPLE_TEXT, sample_input

from wijkverhalen.store import Project, copy_project, oplog, oplog_queries
from wijkverhalen.tui.session import Session

SRC = Path(__file__).resolve().parents[1] / "src" / "wijkverhalen"
# The operation log: recording, undo/redo, queries.
OPERATION_LOG = {"store/oplog.py", "store/oplog_undo.py", "store/oplog_queries.py"}
_TOUCHES_LOG = re.compile(r"""(FROM|INTO|UPDATE|TABLE)\s+operations\b|["']operations["']""", re.IGNORECASE)


def _span(needle: str) -> tuple[int, int]:
    start = SAMPLE_TEXT.index(needle)
    return start, start + len(needle)


def test_only_the_operation_log_reads_or_writes_the_operations_table() -> None:
    offenders = []
    for module in SRC.rglob("*.py"):
        if module.relative_to(SRC).as_posix() in OPERATION_LOG | {"store/migrations.py"}:  # the table's creation
            continue
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1):
            if _TOUCHES_LOG.search(line) and "r.operations" not in line:
                offenders.append(f"{module.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []


def test_recent_codes_are_the_coders_own_done_codings_newest_first(project: Project) -> None:
    [doc] = project.documents.all()
    first, second = _span("We hielpen eerst de buren"), _span("Hoe begon Delfshaven Helpt?")
    for span, code_id in ((first, "relaties"), (first, "netwerken"), (second, "relaties"), (first, "stressor")):
        project.codings.add(doc.id, *span, code_id, "anna")
    project.codings.add(doc.id, *first, "relaties.vertrouwen", "bert")
    assert project.history.recent_codes("anna", 9) == ["stressor", "relaties", "netwerken"]
    assert project.history.recent_codes("anna", 2) == ["stressor", "relaties"]
    assert project.history.recent_codes("bert", 9) == ["relaties.vertrouwen"]
    project.history.undo("anna")  # the stressor coding is undone: no longer recent
    assert project.history.recent_codes("anna", 9) == ["relaties", "netwerken"]
    assert project.history.recent_codes("nobody", 9) == []


def test_recent_codes_leave_out_codes_gone_from_the_codebook(project: Project) -> None:
    [doc] = project.documents.all()
    start, end = _span("We hielpen eerst de buren")
    stressor = project.codings.add(doc.id, start, end, "stressor", "anna")
    project.codings.add(doc.id, start, end, "netwerken", "anna")
    project.codings.remove(stressor.id, "anna")
    project.codes.delete("stressor", "anna")
    assert project.history.recent_codes("anna", 9) == ["netwerken"]


def test_the_session_seeds_recent_codes_from_the_log(project: Project) -> None:
    [doc] = project.documents.all()
    start, end = _span("We hielpen eerst de buren")
    for code_id in ("netwerken", "stressor"):
        project.codings.add(doc.id, start, end, code_id, "anna")
    session = Session(project, "anna")
    session.seed_recent()
    assert session.recent == ["stressor", "netwerken"]


def test_newest_id_and_an_audit_entry(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.wijk") as project:
        assert oplog_queries.newest_id(project.conn) == 0
        with project.transaction():
            entry = oplog.save_audit(project.conn, "anna", "import nothing new")
        assert oplog_queries.newest_id(project.conn) == entry == project.history.change_stamp()[0]
        [op] = project.history.recent(5)
        assert (op.id, op.label, op.coder, op.changes) == (entry, "import nothing new", "anna", [])
        assert project.history.undo("anna") is None  # an audit entry has nothing to undo


def test_the_log_of_a_copy_is_read_whole_and_blind_copies_hide_others(tmp_path: Path) -> None:
    source = tmp_path / "team.wijk"
    with Project.create(source, codes=SAMPLE_CODES, coder="anna") as project:
        project.documents.add([sample_input()], "anna")
        [doc] = project.documents.all()
        start, end = _span("We hielpen eerst de buren")
        project.codings.add(doc.id, start, end, "netwerken", "bert")
        project.codings.add(doc.id, start, end, "stressor", "anna")
        rows = oplog_queries.read_log(project.conn)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert [r[2] for r in rows][-2:] == ["bert", "anna"]
    assert oplog_queries.row_changes(rows[-1])[0]["after"]["code_id"] == "stressor"
    copy = copy_project(source, tmp_path / "anna.wijk", "anna", blind=True)
    with Project.open(copy) as project:
        bert, anna = oplog_queries.read_log(project.conn)[-2:]
        assert bert[3] == "coding (hidden in a blind copy)" and oplog_queries.row_changes(bert) == []
        assert anna[3].startswith("code stressor")
        assert project.history.recent_codes("anna", 9) == ["stressor"]
