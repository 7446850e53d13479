"""The benchmark's synthetic corpus: deterministic, transcript-shaped, the right size.

No timings are asserted here; ``bench/run_bench.py`` only reports them.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

CORPUS_PY = Path(__file__).resolve().parents[1] / "bench" / "corpus.py"
WORD = re.compile(r"\w+")  # how wijkverhalen counts words
TURN = re.compile(r"^(I|R): (.+)$", re.MULTILINE)


@pytest.fixture(scope="module")
def corpus() -> ModuleType:
    # bench/ is a folder of scripts, not an installed package: load the file itself.
    spec = importlib.util.spec_from_file_location("bench_corpus", CORPUS_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module
    spec.loader.exec_module(module)
    return module


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_gives_the_same_bytes(corpus: ModuleType, tmp_path: Path) -> None:
    corpus.generate(tmp_path / "a", n=4, words=600, seed=7)
    corpus.generate(tmp_path / "b", n=4, words=600, seed=7)
    corpus.generate(tmp_path / "c", n=4, words=600, seed=8)
    a, b, c = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert sorted(a) == [f"interview_000{i}.txt" for i in range(1, 5)] + ["metadata.csv"]
    assert a == b
    assert a["interview_0001.txt"] != c["interview_0001.txt"]
    # Every document differs, or the importer would skip duplicates.
    assert len({v for k, v in a.items() if k.endswith(".txt")}) == 4


def test_a_document_does_not_depend_on_corpus_size(corpus: ModuleType, tmp_path: Path) -> None:
    corpus.generate(tmp_path / "small", n=2, words=400)
    corpus.generate(tmp_path / "big", n=5, words=400)
    assert (tmp_path / "small" / "interview_0002.txt").read_bytes() == \
        (tmp_path / "big" / "interview_0002.txt").read_bytes()


@pytest.mark.parametrize("words", [300, 3000])
def test_word_count_is_close_to_requested(corpus: ModuleType, tmp_path: Path, words: int) -> None:
    paths = corpus.generate(tmp_path, n=3, words=words, seed=1)
    for path in paths:
        count = len(WORD.findall(path.read_text(encoding="utf-8")))
        assert words <= count <= words * 1.05 + 30, (path.name, count)


def test_documents_are_speaker_turns_of_sentences(corpus: ModuleType) -> None:
    text = corpus.generate_document(0, words=3000, seed=0)
    turns = TURN.findall(text)
    speakers = [speaker for speaker, _ in turns]
    assert len(turns) >= 30
    assert speakers[:4] == ["I", "R", "I", "R"]
    assert all(a != b for a, b in zip(speakers, speakers[1:], strict=False))  # alternating
    # Everything after the title line is a turn.
    assert text.count("\n\n") == len(turns)
    for _, body in turns:
        n_turn = len(WORD.findall(body))
        assert 15 <= n_turn <= 160, body
        for sentence in re.split(r"(?<=[.?!]) ", body):
            assert sentence[0].isupper() and sentence[-1] in ".?!"
            assert 6 <= len(WORD.findall(sentence)) <= 30, sentence


def test_vocabulary_exercises_lemma_and_theme_search(corpus: ModuleType, tmp_path: Path) -> None:
    paths = corpus.generate(tmp_path, n=5, words=3000, seed=0)
    text = "\n".join(p.read_text(encoding="utf-8") for p in paths)
    words = set(WORD.findall(text))
    for form in ("hielpen", "geholpen", "helpt", "vertrouwen", "buurthuis", "gemeente",
                 "voedselpakketten", "eenzaam"):
        assert form in words, form
    assert "Delfshaven Helpt" in text


def test_metadata_csv_has_a_row_per_file(corpus: ModuleType, tmp_path: Path) -> None:
    paths = corpus.generate(tmp_path, n=6, words=200, seed=3)
    with (tmp_path / "metadata.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == ("file", "rol", "wijk", "jaar", "casus")
    assert [r["file"] for r in rows] == [p.name for p in paths]
    assert {r["rol"] for r in rows} <= set(corpus.ROLES)
    assert {r["wijk"] for r in rows} <= set(corpus.WIJKEN)


def test_cli_writes_the_corpus(corpus: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert corpus.main([str(tmp_path / "out"), "--n", "3", "--words", "100"]) == 0
    assert len(list((tmp_path / "out").glob("*.txt"))) == 3
    assert "wrote 3 transcripts" in capsys.readouterr().out
