# Two commands on a fresh machine with Python 3.11 and pip:  `make demo` (the main job) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest docs docs-serve bench bench-smoke clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

## The main job: replay a shipped example log and write its snapshot.
demo: $(STAMP)
	$(BIN)/icws-state replay examples/agent-day.jsonl --snapshot agent-day.snapshot.json

## Everything CI checks: lint, types, the test suite, the docs build, a smoke run of the benchmarks.
test: $(STAMP) lint typecheck pytest docs bench-smoke

lint: $(STAMP)
	$(BIN)/ruff check icws_state tests benchmarks examples docs/hooks.py docs/griffe_doctests.py

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

docs-serve: $(STAMP)
	$(BIN)/mkdocs serve

## Full benchmark run: figures and plot into docs/performance.md and docs/img/.
bench: $(STAMP)
	$(BIN)/python -m benchmarks

bench-smoke: $(STAMP)
	$(BIN)/python -m benchmarks --smoke

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis
