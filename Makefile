# tussenstand: `make site` builds the reports and the website, `make test` runs the one test command.
#
# Both create the virtual environment .venv (python3.11, else python3) on first use and install the
# project into it with the test tools. Quarto (needed for the website and the PDFs) is not
# installed by `make`: `pip install -e ".[publish]"` or https://quarto.org/docs/get-started/.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.tussenstand-installed
JOBS ?=

# Offline runs, tests and CI read the real CBS extracts beside the project (never committed) when
# they are there and TUSSENSTAND_CBS_DIR is not set. The runner passes the CBS folder to the
# notebooks; under nbval the notebooks' defaults come from load_config(), which honours it too.
SHARED_CBS_DIR := $(abspath ../shared/data/cbs)
ifneq ($(wildcard $(SHARED_CBS_DIR)/*.csv),)
CBS_ENV := TUSSENSTAND_CBS_DIR="$${TUSSENSTAND_CBS_DIR:-$(SHARED_CBS_DIR)}"
endif

# Unit tests and the notebooks (nbval, outputs compared after sanitizing) in one pytest run.
NOTEBOOK_DIR := $(wildcard notebooks)
PYTEST_ARGS ?= --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg tests $(NOTEBOOK_DIR)

.PHONY: help venv site build render test notebooks lint clean

help:
	@echo "make site   - rapporten uitvoeren (tussenstand build) en de website maken (tussenstand render)"
	@echo "make test   - alle tests: unit tests en de notebooks (nbval)"
	@echo "make notebooks - de opgeslagen uitvoer van notebooks/ verversen (voor nbval)"
	@echo "make lint   - ruff: lint en opmaak controleren (zoals CI)"
	@echo "make clean  - verwijder uitgevoerde rapporten, tussenbestanden en de website"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 of nieuwer niet gevonden (python3.11 / python3)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

build: $(STAMP)
	$(CBS_ENV) $(BIN)/tussenstand build $(if $(JOBS),--jobs $(JOBS))

render: $(STAMP)
	$(CBS_ENV) $(BIN)/tussenstand render

# build, then render (in this order, also under make -j)
site: $(STAMP)
	$(CBS_ENV) $(BIN)/tussenstand build $(if $(JOBS),--jobs $(JOBS))
	$(CBS_ENV) $(BIN)/tussenstand render
	@if [ -f _site/index.html ]; then \
		echo "De website staat in _site/: open $(CURDIR)/_site/index.html in een browser."; \
	else \
		echo "De uitgevoerde rapporten staan in reports/; de website volgt zodra Quarto er is (zie hierboven)."; \
	fi

test: $(STAMP)
	$(CBS_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# Refresh the stored outputs of notebooks/ (what nbval compares) after a change to the package.
notebooks: $(STAMP)
	$(CBS_ENV) $(BIN)/python scripts/refresh_notebooks.py

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

clean:
	rm -rf _site .quarto _generated
	find reports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	find data/processed -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
