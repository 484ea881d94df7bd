# Two commands: `make run` and `make test`. Everything lands in ./.venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test install install-test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP)
install-test: $(TEST_STAMP)

run: $(STAMP)
	$(BIN)/openaccesslink db upgrade
	$(BIN)/openaccesslink seed
	LIVE_SYNC=$${LIVE_SYNC:-true} $(BIN)/openaccesslink serve

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

pytest: $(TEST_STAMP)
	@command -v chromium >/dev/null 2>&1 || ./scripts/ensure-chromium || true
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(TEST_STAMP)
	$(BIN)/python bench/users_get.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
