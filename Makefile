# Two commands on a fresh machine with Python 3.11 and pip:  `make demo` (the main job) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUILT := $(VENV)/.built
#: The modules setup.py compiles with mypyc (COMPILED there; a test checks the two lists agree).
HOT := $(addprefix icws_state/,_journal.py _records.py _changes.py _datetimes.py _json.py _readonly.py _stores.py \
	_history.py _validation.py _reducer.py _cache.py _logs.py _replay.py)

.PHONY: demo test lint typecheck pytest pytest-compiled pytest-pure test-deep docs docs-serve bench bench-smoke \
	build wheel clean

## The editable install compiles the hot path in place (mypyc) where a C compiler and the Python headers are
## present, and installs it as plain Python where not (or with ICWS_STATE_PURE=1); `icws_state.compiled` tells.
$(STAMP): pyproject.toml setup.py
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools>=77"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP) $(BUILT)

## Compile the hot path again after its sources changed (until then `import icws_state` runs the sources, warning).
$(BUILT): $(STAMP) $(HOT) setup.py
	$(BIN)/python setup.py --quiet build_ext --inplace
	touch $(BUILT)

build: $(BUILT)

## A wheel in dist/: compiled for this Python and platform where it can be, pure Python (py3-none-any) where not.
wheel: $(STAMP)
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .

## The main job: replay a shipped example log and write its snapshot.
demo: $(BUILT)
	$(BIN)/icws-state replay examples/agent-day.jsonl --snapshot agent-day.snapshot.json

## Everything CI checks: lint, types, the test suite, the docs build, a smoke run of the benchmarks.
test: $(STAMP) lint typecheck pytest docs bench-smoke

lint: $(STAMP)
	$(BIN)/ruff check icws_state tests benchmarks examples setup.py conftest.py docs/hooks.py docs/griffe_doctests.py

typecheck: $(STAMP)
	$(BIN)/mypy

## The suite as CI runs it: the derandomized `ci` profile and a fixed hash seed, so every run of the same code
## draws the same examples and gives the same result, whatever HYPOTHESIS_PROFILE the caller's shell exports.
## Twice: on the build as installed (compiled where it could be; it also checks that both builds write the same
## snapshots), then on the pure-Python modules. ICWS_STATE_REQUIRE_COMPILED=1 (CI) fails when nothing compiled.
pytest: pytest-compiled pytest-pure

pytest-compiled: $(BUILT)
	@$(BIN)/python -c "import icws_state; print('icws_state.compiled =', icws_state.compiled)"
	@[ -z "$$ICWS_STATE_REQUIRE_COMPILED" ] || $(BIN)/python -c "import sys, icws_state; sys.exit(not icws_state.compiled)"
	HYPOTHESIS_PROFILE=ci PYTHONHASHSEED=0 $(BIN)/pytest

pytest-pure: $(STAMP)
	ICWS_STATE_PURE=1 HYPOTHESIS_PROFILE=ci PYTHONHASHSEED=0 $(BIN)/pytest

## Random exploration, not part of `test`: the `dev` profile (500 examples a test) from a fresh seed, used for both
## Hypothesis and PYTHONHASHSEED and printed before and after the run; `make test-deep SEED=N` replays it, and
## PYTEST_ARGS narrows it (`make test-deep SEED=N PYTEST_ARGS=tests/test_stateful.py`).
test-deep: $(STAMP)
	@seed="$(SEED)"; [ -n "$$seed" ] || seed=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); \
	echo "test-deep: seed $$seed (rerun: make test-deep SEED=$$seed)"; \
	HYPOTHESIS_PROFILE=dev PYTHONHASHSEED=$$seed $(BIN)/pytest --hypothesis-seed=$$seed \
		--hypothesis-show-statistics $(PYTEST_ARGS) \
		|| { rc=$$?; echo "test-deep: FAILED with seed $$seed; rerun: make test-deep SEED=$$seed"; exit $$rc; }; \
	echo "test-deep: passed with seed $$seed"

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

docs-serve: $(STAMP)
	$(BIN)/mkdocs serve

## Full benchmark run: figures and plot into docs/performance.md and docs/img/.
bench: $(BUILT)
	$(BIN)/python -m benchmarks

bench-smoke: $(BUILT)
	$(BIN)/python -m benchmarks --smoke

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
	rm -f icws_state/*.so icws_state__mypyc*.so
