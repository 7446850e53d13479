# The two commands a newcomer needs: `make demo` and `make test`.
# Both create .venv and install the project with its test extras on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test test-quick check lint typecheck docs bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m wijkverhalen demo

# The whole suite, always (docs/development.md). test-quick leaves out the slow and TUI tests while you work.
# Two test workers per core: TUI and subprocess tests spend much of their time waiting
# (on Textual's refresh, on child processes), so one worker per core leaves cores idle.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))

test: $(STAMP)
	$(PY) -m pytest -q -n $(TEST_WORKERS)

test-quick: $(STAMP)
	$(PY) -m pytest -q -n $(TEST_WORKERS) -m "not slow and not tui"

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench tools
	$(VENV)/bin/lint-imports
	$(PY) tools/gen_docs.py --check

typecheck: $(STAMP)
	$(VENV)/bin/mypy src

check: lint typecheck test

# docs/cli.md and docs/keys.md are generated from the code; tests/test_docs.py fails when they drift.
docs: $(STAMP)
	$(PY) tools/gen_docs.py

bench: $(STAMP)
	$(PY) bench/run_bench.py
	$(PY) bench/bench_tui.py
	$(PY) bench/bench_validate.py
	$(PY) bench/bench_export.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
