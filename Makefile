# Every target builds its own virtual environment, so a fresh clone needs only Python 3.11+ and make.
# Installs come from the committed locks (requirements/*.lock, every file pinned with its hash), so
# the versions tested here are the versions everyone runs; `make lock` refreshes them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# The project itself installs without touching the network: its build backend comes from the lock.
SELF := --no-deps --no-build-isolation -e . --config-settings editable_mode=compat

.PHONY: run test checks lint bench rules compile golden lock test-latest dist distcheck clean cli-docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Running needs only the runtime dependencies; the test tool-chain comes with `make test`.
$(VENV)/.installed-run: $(BIN)/python requirements/run.lock pyproject.toml
	$(INSTALL) --require-hashes --no-deps -r requirements/run.lock
	$(INSTALL) $(SELF)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run requirements/test.lock
	$(INSTALL) --require-hashes --no-deps -r requirements/test.lock
	touch $@

## run: install, then start the questionnaire (or the check, when no terminal)
run: $(VENV)/.installed-run
	$(BIN)/hitpath $(ARGS)

# The shipped rules are checked as on a fixed date, so CI does not start failing the day the
# six-month review falls due (people running hitpath are warned about that in every report).
RULES_AS_OF := 2026-11-30
# The previous shipped rules: the rules changelog must cover every change since them.
PREVIOUS_RULES := tests/fixtures/rules-2026.03.1.yaml

## test: install with the test tools, then lint, check the rules (printing the walk's coverage)
## and run every test
test: $(VENV)/.installed-test
	$(MAKE) --no-print-directory checks BIN=$(BIN)

checks:
	$(BIN)/ruff check hitpath tests bench
	$(BIN)/mypy hitpath
	$(BIN)/lint-imports --no-cache
	$(BIN)/hitpath rules check --as-of $(RULES_AS_OF)
	$(BIN)/hitpath rules changes --check $(PREVIOUS_RULES)
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check hitpath tests bench
	$(BIN)/mypy hitpath
	$(BIN)/lint-imports --no-cache

## test-latest: the newest versions the bounds in pyproject.toml allow, in a separate
## environment, so drift shows before it breaks anyone (not part of CI)
test-latest:
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --disable-pip-version-check --upgrade \
	  --upgrade-strategy eager -r requirements/build.in -e '.[test]' --config-settings editable_mode=compat
	.venv-latest/bin/python -m pip list --format=freeze
	$(MAKE) --no-print-directory checks BIN=.venv-latest/bin

## lock: re-resolve requirements/*.lock from pyproject.toml (needs uv: pipx install uv)
lock:
	@command -v uv >/dev/null || { echo "make lock needs uv on PATH (pipx install uv)"; exit 2; }
	for set in run:"" test:"--extra test" bench:"--extra test --extra bench"; do \
	  uv pip compile pyproject.toml requirements/build.in $${set#*:} --universal \
	    --python-version 3.11 --generate-hashes --no-header --quiet \
	    -o requirements/$${set%%:*}.lock || exit 1; \
	done

## dist: build the source distribution and the wheel into dist/ (as `python -m build` does, with
## the locked build backend, so nothing is downloaded)
dist: $(VENV)/.installed-test
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .

## distcheck: test what dist/ holds as a newcomer would: the unpacked sdist's own `make test`, then
## the suite again against the wheel installed in a fresh environment (about twice `make test`)
DISTCHECK := $(abspath build/distcheck)
VERSION = $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' hitpath/__init__.py)
distcheck: dist
	rm -rf $(DISTCHECK) && mkdir -p $(DISTCHECK)
	tar -xzf dist/hitpath-$(VERSION).tar.gz -C $(DISTCHECK)
	@# Run straight from make, with no shell between: the shell completion test detects the
	@# shell it runs under, and sh is not one that completion supports.
	$(MAKE) --no-print-directory -C $(DISTCHECK)/hitpath-$(VERSION) test PYTHON=$(PYTHON)
	$(PYTHON) -m venv $(DISTCHECK)/wheel
	$(DISTCHECK)/wheel/bin/python -m pip install --quiet --disable-pip-version-check \
	  --require-hashes --no-deps -r requirements/test.lock
	$(DISTCHECK)/wheel/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
	  dist/hitpath-$(VERSION)-py3-none-any.whl
	# The tests without the source package beside them, so every import is the installed wheel's.
	mkdir $(DISTCHECK)/tests-only && cd $(DISTCHECK)/hitpath-$(VERSION) && cp -r tests examples docs bench \
	  README.md CHANGELOG.md LICENSE pyproject.toml $(DISTCHECK)/tests-only/
	cd $(DISTCHECK)/tests-only && $(DISTCHECK)/wheel/bin/python -c \
	  'import hitpath, sys; sys.exit("site-packages" not in hitpath.__file__)'
	env -C $(DISTCHECK)/tests-only $(DISTCHECK)/wheel/bin/python -m pytest -p no:cacheprovider
	@echo "distcheck: the sdist and the wheel both pass their tests"

## bench: install (with copier, for comparison), then print the benchmark figures
bench: $(VENV)/.installed-test
	$(INSTALL) --require-hashes --no-deps -r requirements/bench.lock
	$(BIN)/python bench/bench.py

## cli-docs: regenerate the command-line reference (docs/cli.md) from the program
cli-docs: $(VENV)/.installed-run
	$(BIN)/python -m hitpath.clidoc > docs/cli.md

## rules: after editing hitpath/rules.yaml or hitpath/rules_changes.yaml (or the code that reads
## them), regenerate everything derived from them: the compiled copy, the JSON Schemas, the walk
## transcript, the golden reports and the Rules section of CHANGELOG.md (then review git diff);
## a test fails while any of them is stale
rules: $(VENV)/.installed-test
	$(BIN)/hitpath rules compile
	$(BIN)/hitpath rules schema --for rules > hitpath/schemas/rules.schema.json.tmp
	mv hitpath/schemas/rules.schema.json.tmp hitpath/schemas/rules.schema.json
	$(BIN)/hitpath rules schema --for answers > hitpath/schemas/answers.schema.json.tmp
	mv hitpath/schemas/answers.schema.json.tmp hitpath/schemas/answers.schema.json
	$(BIN)/hitpath rules walk --summary --as-of $(RULES_AS_OF) --transcript tests/golden/walk.txt
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py
	$(BIN)/python -m hitpath.lint.changes CHANGELOG.md
	git diff --stat -- hitpath/rules.compiled.json hitpath/schemas tests/golden CHANGELOG.md || true

## golden, compile: parts of `make rules`, kept for habit
golden: rules
compile: rules

clean:
	rm -rf $(VENV) .venv-latest build dist *.egg-info
