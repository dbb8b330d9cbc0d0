# Every target builds its own virtual environment, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench compile golden clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	touch $(STAMP)

## run: install, then start the questionnaire (or the check, when no terminal)
run: $(STAMP)
	$(BIN)/hitpath $(ARGS)

# The shipped rules are checked as on a fixed date, so CI does not start failing the day the
# six-month review falls due (people running hitpath are warned about that in every report).
RULES_AS_OF := 2026-04-01

## test: install, then lint, check the rules (printing the walk's coverage), and run every test
test: $(STAMP)
	$(BIN)/ruff check hitpath tests
	$(BIN)/mypy hitpath
	$(BIN)/hitpath rules check --as-of $(RULES_AS_OF)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check hitpath tests
	$(BIN)/mypy hitpath

## bench: install (with copier, for comparison), then print the benchmark figures
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]' --config-settings editable_mode=compat
	$(BIN)/python bench/bench.py

## golden: accept intended changes to the golden reports (then review git diff tests/golden)
golden: $(STAMP)
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py
	$(BIN)/hitpath rules walk --summary --as-of $(RULES_AS_OF) --transcript tests/golden/walk.txt

## compile: rebuild the validated, pre-compiled copy of the shipped rules
compile: $(STAMP)
	$(BIN)/hitpath rules compile

clean:
	rm -rf $(VENV) build *.egg-info
