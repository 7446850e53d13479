"""Coder copies, merging them back (issue 13), and done marks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sample import SAMPLE_CODES, SAMPLE_TEXT, sample_input

from wijkverhalen.cli import cli
from wijkverhalen.models import Code
from wijkverhalen.store import Project, copy_project

TEXT2 = SAMPLE_TEXT.replace("buren", "bewoners van de straat")


def state(path: Path) -> dict[str, Any]:
    """Everything a coder keeps, independent of ids: for 'nothing lost' and 'no change' checks."""
    with Project.open(path) as p:
        docs = {d.id: d.name for d in p.documents.all()}
        return {
            "codes": {c.id: (c.label, c.memo, c.parent_id) for c in p.codes.all()},
            "codings": sorted((c.guid, docs[c.document_id], c.start, c.end, c.code_id, c.coder, c.memo)
                              for c in p.codings.all()),
            "memos": {d.name: d.memo for d in p.documents.all()},
            "attributes": {d.name: d.attributes for d in p.documents.all()},
            "done": {k: sorted(docs[i] for i in v) for k, v in p.teams.done_marks().items()},
            "conflicts": [(c["kind"], c["ref"], c["field"], c["kept"], c["other"]) for c in p.teams.merge_conflicts()],
            "history": sorted((o.timestamp, o.coder, o.label) for o in p.history.recent(limit=10_000)
                              if not o.label.startswith("merge ")),
        }


@pytest.fixture
def team(tmp_path: Path) -> dict[str, Path]:
    """A lead project with one coding, and two copies with a mixed history each."""
    main = tmp_path / "botu.wijk"
    with Project.create(main, codes=SAMPLE_CODES, coder="lead") as p:
        p.documents.add([sample_input(name="int1"), sample_input(TEXT2, name="int2")], "lead")
        doc = p.documents.resolve("int1")
        shared = p.codings.add(doc, 0, 10, "stressor", "lead")
        p.codings.add(doc, 40, 60, "netwerken", "bram")
    anna, bram = tmp_path / "anna.wijk", tmp_path / "bram.wijk"
    copy_project(main, anna, "anna", blind=True)
    copy_project(main, bram, "bram")
    with Project.open(anna) as p:
        d1, d2 = p.documents.resolve("int1"), p.documents.resolve("int2")
        t = p.documents.text(d1)
        s = t.index("Ik vertrouw")
        p.codings.add(d1, s, s + 20, "relaties.vertrouwen", "anna", memo="anna's reden")
        gone = p.codings.add(d2, 5, 15, "netwerken", "anna")
        p.codings.add(d2, 20, 30, "stressor", "anna")
        p.history.undo("anna")  # undo in a copy: the stressor coding never happened
        p.codings.remove(gone.id, "anna")  # a removal of her own new coding
        p.codes.add(Code(id="zelfregie", label="Zelfregie", gloss="self-direction"), "anna")
        p.codings.add(d2, 40, 50, "zelfregie", "anna")
        p.codes.update("netwerken", "anna", label="Netwerk (anna)")
        p.documents.set_memo(d1, "memo van anna", "anna")
        p.documents.set_attribute(d2, "wijk", "Tussendijken", "anna")
        p.teams.mark_done(d1, "anna")
        p.teams.mark_done(d2, "anna")
    with Project.open(bram) as p:
        d1 = p.documents.resolve("int1")
        p.codings.add(d1, 0, 12, "stressor", "bram")
        p.codes.update("netwerken", "bram", label="Netwerken (bram)")
        p.codes.update("stressor", "bram", memo="crisis als stressor")
        p.documents.set_memo(d1, "memo van bram", "bram")
        p.codings.remove(shared.id, "bram")  # removes the lead's coding from before the copy
        p.teams.mark_done(d1, "bram")
    return {"main": main, "anna": anna, "bram": bram}


def test_blind_copy_hides_other_coders(team: dict[str, Path], tmp_path: Path) -> None:
    with Project.open(team["anna"]) as p:
        assert p.get_meta("copy_coder") == "anna" and p.get_meta("copy_blind") == "yes"
        assert {c.coder for c in p.codings.all()} <= {"anna"}
        assert not any("bram" in json.dumps(o.changes) for o in p.history.recent(limit=1000))
    plain = copy_project(team["main"], tmp_path / "plain.wijk", "zoe")
    with Project.open(team["main"]) as p, Project.open(plain) as q:  # everyone's codings, same ids
        assert [(c.id, c.guid, c.coder) for c in q.codings.all()] == [(c.id, c.guid, c.coder) for c in p.codings.all()]
        assert {c.coder for c in q.codings.all()} == {"lead", "bram"}


def test_merge_two_copies_loses_nothing(team: dict[str, Path]) -> None:
    before = state(team["main"])
    anna, bram = state(team["anna"]), state(team["bram"])
    with Project.open(team["main"]) as p:
        first = p.exchange.merge_from(team["anna"], "lead")
        second = p.exchange.merge_from(team["bram"], "lead")
    assert first.added["coding"] == 2 and first.added["code"] == 1 and first.operations > 5
    assert second.removed["coding"] == 1  # bram removed the lead's coding in his copy
    after = state(team["main"])
    guids = {c[0] for c in after["codings"]}
    assert {c[0] for c in anna["codings"]} <= guids and {c[0] for c in bram["codings"] if c[5] == "bram"} <= guids
    assert not any(c[4] == "stressor" and c[5] == "anna" for c in after["codings"])  # undone in the copy
    assert after["codes"]["zelfregie"][0] == "Zelfregie"
    assert after["codes"]["stressor"][1] == "crisis als stressor"  # changed in one copy only: taken
    assert after["attributes"]["int2"]["wijk"] == "Tussendijken"
    assert after["done"] == {"anna": ["int1", "int2"], "bram": ["int1"]}
    # relabelled in both, memo edited in both: the first merge's value is kept, the other is a conflict
    assert after["codes"]["netwerken"][0] == "Netwerk (anna)"
    assert after["memos"]["int1"] == "memo van anna"
    conflicts = {(c[0], c[2]): c for c in after["conflicts"]}
    assert conflicts[("code", "label")][3:] == ("Netwerk (anna)", "Netwerken (bram)")
    assert conflicts[("document", "memo")][3:] == ("memo van anna", "memo van bram")
    # the audit trail says who did what: every operation of both copies is in the history
    anna_own = {h for h in anna["history"] if "hidden" not in h[2]}  # the blind copy hid bram's coding
    assert anna_own | set(bram["history"]) | set(before["history"]) <= set(after["history"])
    assert any(h[1] == "anna" and h[2] == "code zelfregie in document 2 [40:50]" for h in after["history"]) \
        or any(h[1] == "anna" and "zelfregie" in h[2] for h in after["history"])
    who = {h[1] for h in after["history"]}
    assert {"anna", "bram", "lead"} <= who


def test_merge_twice_changes_nothing(team: dict[str, Path]) -> None:
    with Project.open(team["main"]) as p:
        p.exchange.merge_from(team["anna"], "lead")
        p.exchange.merge_from(team["bram"], "lead")
    once = state(team["main"])
    with Project.open(team["main"]) as p:
        ops = len(p.history.recent(limit=10_000))
        again = [p.exchange.merge_from(team["anna"], "lead"), p.exchange.merge_from(team["bram"], "lead")]
        assert len(p.history.recent(limit=10_000)) == ops
    assert not any(r.changed for r in again)
    assert state(team["main"]) == once


def test_undo_of_the_merge(team: dict[str, Path]) -> None:
    before = state(team["main"])
    with Project.open(team["main"]) as p:
        p.exchange.merge_from(team["anna"], "lead")
        merged = state(team["main"])
        assert merged != before
        assert p.history.undo("lead") == "merge anna.wijk"
    assert state(team["main"]) == before
    with Project.open(team["main"]) as p:
        p.history.redo("lead")
    assert state(team["main"]) == merged


def test_merge_brings_new_documents_and_migrates_old_copies(team: dict[str, Path], tmp_path: Path) -> None:
    with Project.open(team["anna"]) as p:
        p.documents.add([sample_input(SAMPLE_TEXT.replace("gemeente", "deelgemeente"), name="int3")], "anna")
        d3 = p.documents.resolve("int3")
        p.codings.add(d3, 0, 8, "stressor", "anna")
    # an older schema: the copy is taken back to before the done marks (migration 6)
    conn = sqlite3.connect(team["bram"])
    conn.execute("DROP TABLE coder_done")
    conn.execute("DROP TABLE merge_conflicts")
    conn.execute("DROP TABLE consensus_rejections")  # migration 9
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    with Project.open(team["main"]) as p:
        report = p.exchange.merge_from(team["anna"], "lead")
        assert report.added["document"] == 1
        d3 = p.documents.resolve("int3")
        assert [c.code_id for c in p.codings.all(document_id=d3)] == ["stressor"]
        assert p.documents.sentence_lemmas(d3)  # segments came along
        p.exchange.merge_from(team["bram"], "lead")
        assert "bram" in p.codings.coders()


def test_cli_copy_done_merge(team: dict[str, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    dest = tmp_path / "zoe.wijk"
    result = runner.invoke(cli, ["copy", str(team["main"]), str(dest), "--coder", "zoe", "--blind"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["done", str(dest), "int1", "--coder", "zoe"])
    assert result.exit_code == 0 and "done by zoe" in result.output
    with Project.open(dest) as p:
        assert p.teams.done_marks() == {"zoe": {p.documents.resolve("int1")}}
        assert p.history.undo("zoe") == f"mark done: document {p.documents.resolve('int1')}"
        assert p.teams.done_marks() == {}
        p.history.redo("zoe")
    result = runner.invoke(cli, ["merge", str(team["main"]), str(team["anna"]), str(team["bram"]), str(dest),
                                 "--coder", "lead"])
    assert result.exit_code == 0, result.output
    assert "conflict(s)" in result.output and "Netwerken (bram)" in result.output
    result = runner.invoke(cli, ["merge", str(team["main"]), str(team["anna"])])
    assert "nothing new" in result.output
    result = runner.invoke(cli, ["merge", str(team["main"]), str(team["main"])])
    assert result.exit_code == 1 and "into itself" in result.stderr
