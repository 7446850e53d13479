"""Agreement measures against published worked examples, and the units they are computed on."""

from __future__ import annotations

import json
import math
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from sample import SAMPLE_CODES, SAMPLE_TEXT, sample_input

from wijkverhalen.analysis import reliability as r
from wijkverhalen.analysis.agreement import agreement, agreement_units, disagreements, overlap_share
from wijkverhalen.cli import cli
from wijkverhalen.store import Project

N = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, nominal values 1-5 with missing values.
KRIPPENDORFF_2011_NOMINAL = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
# Same paper, section A: two observers, ten units, binary.
KRIPPENDORFF_2011_BINARY = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]


def test_krippendorff_2011_nominal_example() -> None:
    assert round(r.krippendorff_alpha(KRIPPENDORFF_2011_NOMINAL), 3) == 0.743


def test_krippendorff_2011_binary_example() -> None:
    assert round(r.krippendorff_alpha(KRIPPENDORFF_2011_BINARY), 3) == 0.095


def test_cohen_kappa_textbook_example() -> None:
    # Wikipedia "Cohen's kappa", 50 proposals: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.4
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert round(r.cohen_kappa(a, b), 3) == 0.400
    assert r.percent_agreement([a, b]) == pytest.approx(0.7)
    assert round(r.brennan_prediger(0.7, 2), 3) == 0.400  # (0.7 - .5) / .5


@pytest.mark.parametrize("seed", range(8))
def test_alpha_matches_the_krippendorff_package(seed: int) -> None:
    rng = np.random.default_rng(seed)
    coders, units = int(rng.integers(2, 6)), int(rng.integers(5, 60))
    data = rng.integers(0, int(rng.integers(2, 5)), size=(coders, units)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert r.krippendorff_alpha(data) == pytest.approx(expected, abs=1e-9)


def test_bootstrap_is_seeded_and_brackets_alpha() -> None:
    data = np.array(KRIPPENDORFF_2011_NOMINAL, dtype=float)
    low, high = r.bootstrap_alpha(data, 500, seed=3)
    assert (low, high) == r.bootstrap_alpha(data, 500, seed=3)
    assert low < r.krippendorff_alpha(data) < high <= 1
    assert r.reading(0.81) == "reliable" and r.reading(0.70) == "tentative" and r.reading(0.5) == "not reliable"


def test_no_variation_has_no_alpha() -> None:
    assert math.isnan(r.krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))
    assert math.isnan(r.krippendorff_alpha([[1, N], [N, 1]]))  # nothing pairable


@pytest.fixture
def coded(tmp_path: Path) -> Project:
    """Two documents; anna and bram code the first, only anna codes the second."""
    p = Project.create(tmp_path / "k.wijk", codes=SAMPLE_CODES, coder="anna")
    p.documents.add([sample_input(name="d1"), sample_input(SAMPLE_TEXT.replace("buren", "bewoners"), name="d2")],
                    "anna")
    d1, d2 = p.documents.resolve("d1"), p.documents.resolve("d2")
    t = p.documents.text(d1)
    s = t.index("Ik vertrouw")
    p.codings.add(d1, s, s + 20, "relaties.vertrouwen", "anna")
    p.codings.add(d1, s, s + 30, "relaties.vertrouwen", "bram")
    w = t.index("We hielpen")
    p.codings.add(d1, w, w + 10, "netwerken", "anna")
    p.codings.add(d2, w, w + 10, "relaties.vertrouwen", "anna")
    yield p
    p.close()


def test_uncoded_documents_count_as_absent_unless_not_done(coded: Project) -> None:
    d2 = coded.documents.resolve("d2")
    units = agreement_units(coded, ["anna", "bram"], "relaties.vertrouwen")
    sentences_d2 = len(coded.documents.segments(d2))
    # bram left d2 uncoded: his values there are 0 (absent), not missing
    assert sum(1 for v in units.rows[1][-sentences_d2:] if v == 0) == sentences_d2
    table = agreement(coded, ["anna", "bram"])
    assert table.at["relaties.vertrouwen", "reading"] == "not reliable"
    # once bram marks only d1 done, d2 does not count for him: his values there are missing
    coded.teams.mark_done(coded.documents.resolve("d1"), "bram")
    units = agreement_units(coded, ["anna", "bram"], "relaties.vertrouwen")
    assert all(math.isnan(v) for v in units.rows[1][-sentences_d2:])
    after = agreement(coded, ["anna", "bram"])
    assert after.at["relaties.vertrouwen", "alpha"] > table.at["relaties.vertrouwen", "alpha"]
    assert after.at["relaties.vertrouwen", "units"] < table.at["relaties.vertrouwen", "units"]


def test_overlap_units_as_maxqda(coded: Project) -> None:
    assert overlap_share((0, 20), (0, 30)) == pytest.approx(100 * 20 / 30)
    strict = agreement(coded, ["anna", "bram"], unit="overlap", overlap=90, code_ids=["relaties.vertrouwen"])
    loose = agreement(coded, ["anna", "bram"], unit="overlap", overlap=60, code_ids=["relaties.vertrouwen"])
    # 20 of 30 characters in common: agree at 60 %, not at 90 %
    assert loose.at["relaties.vertrouwen", "percent"] > strict.at["relaties.vertrouwen", "percent"]
    assert strict.at["relaties.vertrouwen", "units"] == 3  # anna's two passages and bram's one


def test_consensus_is_compared_only_when_named(coded: Project) -> None:
    d1 = coded.documents.resolve("d1")
    coded.codings.add(d1, 0, 5, "stressor", "consensus")
    assert "marked:consensus" not in agreement(coded).columns
    assert "marked:consensus" in agreement(coded, ["anna", "consensus"]).columns


def test_document_units_and_nominal_set(coded: Project) -> None:
    table = agreement(coded, ["anna", "bram"], unit="document", nominal_set=["netwerken", "stressor"])
    assert table.at["relaties.vertrouwen", "units"] == 2
    assert table.at["relaties.vertrouwen", "percent"] == 0.5
    assert "(nominal set)" in table.index


def test_disagreements_list_who_applied_what(coded: Project) -> None:
    found = disagreements(coded, ["anna", "bram"], code_ids=["netwerken"])
    assert len(found) == 1
    assert found[0]["anna"] == "applied" and found[0]["bram"] == "not applied"
    assert found[0]["text"].startswith("We hielpen")


def test_agreement_cli_outputs(coded: Project, tmp_path: Path) -> None:
    path = coded.path
    coded.close()
    md, xlsx = tmp_path / "d.md", tmp_path / "d.xlsx"
    result = CliRunner().invoke(cli, ["agreement", str(path), "--bootstrap", "50", "-o", str(tmp_path / "a.md"),
                                      "--disagreements", str(md), "--disagreements", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert "reading" in result.output and "95% interval" in result.output
    assert "| d1 |" in md.read_text(encoding="utf-8") and xlsx.stat().st_size > 0
    assert "Krippendorff" not in (tmp_path / "a.md").read_text(encoding="utf-8")
    rows = json.loads(CliRunner().invoke(cli, ["agreement", str(path), "--unit", "turn", "--json"]).output)
    assert {"percent", "cohen_kappa", "bp_kappa", "alpha", "reading"} <= set(rows[0])
    bad = CliRunner().invoke(cli, ["agreement", str(path), "--set", "netwerken,nope"])
    assert bad.exit_code == 1 and "nope" in bad.stderr
