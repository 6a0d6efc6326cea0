# tifa: `make figures` and `make test` set themselves up (a .venv beside this file) and run.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Exact versions from requirements-lock.txt on the Python they were locked with (3.11);
# on other Pythons the lower bounds in pyproject.toml apply.
LOCK   := $(shell $(PYTHON) -c 'import sys; print("-c requirements-lock.txt" if sys.version_info[:2] == (3, 11) else "")' 2>/dev/null)
INSTALLED := $(VENV)/.installed

.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
.PHONY: help setup figures corpus test bench lab clean distclean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml requirements-lock.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(LOCK) -e '.[dev]'
	@touch $@

setup: $(INSTALLED)  ## create .venv and install the package (done by every target that needs it)

corpus: $(INSTALLED)  ## build the documents table from seeds/ (data/corpus/documents.parquet)
	$(PY) -m analysis corpus

figures: $(INSTALLED)  ## build every figure and table (only stages whose inputs changed rerun)
	$(PY) -m analysis figures

test: $(INSTALLED)  ## run the test suite (real-corpus tests skip when ../shared/corpora is absent)
	$(PY) -m pytest -q

bench: $(INSTALLED)  ## run the benchmarks and write bench/RESULTS.md (needs ../shared/corpora)
	$(PY) bench/bench_ingest.py
	$(PY) bench/bench_tokens.py
	$(PY) bench/eval_segmentation.py
	$(PY) bench/bench_slogans.py
	$(PY) bench/bench_keywords.py
	$(PY) bench/bench_figures.py
	$(PY) -m pip install --quiet tomotopy && $(PY) bench/bench_topics.py

lab: $(INSTALLED)  ## open JupyterLab with the project's kernel on notebooks/
	$(PY) -m pip install --quiet $(LOCK) -e '.[lab]'
	$(PY) -m ipykernel install --user --name tifa --display-name "tifa (.venv)" >/dev/null
	cd notebooks && ../$(PY) -m jupyter lab

clean:  ## remove derived data and generated outputs (never seeds/)
	rm -rf data
	find figures -mindepth 1 ! -name README.md -delete 2>/dev/null || true

distclean: clean  ## also remove the virtual environment
	rm -rf $(VENV)
