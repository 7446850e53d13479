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
# One test worker more than cores: TUI and subprocess tests spend part of their time waiting
# (on Textual, on child processes). Tests go out one at a time (--maxschedchunk 1), slow
# modules first, so no worker is left with a long queue at the end. Bytecode is cached
# even where PYTHONDONTWRITEBYTECODE is set: the suite starts many Python processes.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
PYTEST := PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q -n $(TEST_WORKERS) --maxschedchunk 1

test: $(STAMP)
	$(PYTEST)

test-quick: $(STAMP)
	$(PYTEST) -m "not slow and not tui"

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
