# Two-command quick start: `make demo` and `make test` each set up their own
# virtual environment on a machine that has only python3 (with venv) and make.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## demo: the whole pipeline on the sample project in this repository, offline
demo: $(STAMP)
	$(BIN)/localize --project . run

## test: the test suite (browser and gettext tests skip visibly without chromium/msgfmt, fail under CI)
test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf site site-md .localize .pytest_cache
