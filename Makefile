# Two commands do all set-up on a fresh machine with Python 3.11+:
#   make run   -> .venv with negotia, then the main job on the bundled Ukraine 2025 scenario:
#                 per issue, will they agree and what holds if not (negotia outlook)
#   make test  -> .venv with the dev extras, ruff and the import contracts, then the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_RUN  := $(VENV)/.installed-run
STAMP_DEV  := $(VENV)/.installed-dev

.PHONY: run test lint format bench mutation clean install install-dev docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(STAMP_RUN)

install: $(STAMP_RUN)
install-dev: $(STAMP_DEV)

run: $(STAMP_RUN)
	$(BIN)/negotia outlook ukraine-2025

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/lint-imports
	$(BIN)/python tools/size_check.py

format: $(STAMP_DEV)
	$(BIN)/ruff format src tests bench tools
	$(BIN)/ruff check --fix src tests bench tools

test: lint
	$(BIN)/python -m pytest -q -n 2

# The API reference (pdoc, HTML) of the facade and the core packages, into docs/api/
# (not committed: regenerated from the docstrings; tools/api_docs.py fails on a warning).
docs: $(STAMP_DEV)
	$(BIN)/python tools/api_docs.py docs/api

bench: $(STAMP_DEV)
	$(BIN)/python bench/run_all.py

# Mutation testing of the core modules (tools/mutation.py), one module at a time; CPU-heavy.
#   make mutation MODULES=models/compromise.py CHILDREN=2
MODULES  ?=
CHILDREN ?= 1
mutation: $(STAMP_DEV)
	$(BIN)/python tools/mutation.py $(MODULES) --max-children $(CHILDREN)

clean:
	rm -rf $(VENV) build dist docs/api .pytest_cache .ruff_cache .hypothesis .import_linter_cache .mutation mutants
