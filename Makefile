# tifa: `make figures` and `make test` set themselves up (a .venv beside this file) and run.
# Any Python 3.10-3.13: `make figures PYTHON=python3.13` (the .venv is rebuilt when its Python differs).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# uv installs in seconds; when it is not on PATH it is installed into the .venv with pip first.
UV     := $(or $(shell command -v uv 2>/dev/null),$(abspath $(VENV))/bin/uv)
# One lock for every supported Python (uv's universal resolution; `make lock` remakes it), applied
# as constraints: exactly the locked versions of what the extras need, nothing else.
LOCK   := requirements-lock.txt
PYVER  := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
INSTALLED := $(VENV)/.installed-$(PYVER)
# The tests run on every core (pytest-xdist), a test file per worker so that each file's built
# corpus is made once: on 2 cores the whole suite takes about 2 min 50 s instead of 4 min 45 s.
# `make test PYTEST_PARALLEL=` runs them in one process.
PYTEST_PARALLEL ?= -n auto --dist loadfile
# uv installs no bytecode: the .venv's is written by the first import of each module. With
# PYTHONDONTWRITEBYTECODE set, every process would compile numpy, pandas … again (about 5 s each).
unexport PYTHONDONTWRITEBYTECODE
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
.PHONY: help setup figures corpus test check docs bench lab lock clean distclean browser

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null || \
	  { echo "error: '$(PYTHON)' is $(if $(PYVER),Python $(PYVER),not a working Python); tifa needs 3.10 to 3.13: pass PYTHON=python3.X" >&2; exit 2; }
	@# a .venv of another Python is made anew; it gets no pip of its own yet (5 s saved), uv installs it below
	@$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != tuple(map(int, "$(PYVER)".split("."))))' 2>/dev/null || \
	  { test ! -d $(VENV) || echo "$(VENV) is for another Python: making it anew for Python $(PYVER)"; \
	    rm -rf $(VENV) && $(PYTHON) -m venv --without-pip $(VENV); }
	@test -x "$(UV)" || $(PYTHON) -m pip --python $(PY) install --quiet uv 2>/dev/null || \
	  { $(PY) -m ensurepip >/dev/null && $(PY) -m pip install --quiet uv; } || \
	  { echo "error: could not install uv: $(PYTHON) has no pip; install uv, or pip for $(PYTHON)" >&2; exit 2; }
	$(UV) pip install --quiet --python $(PY) -c $(LOCK) -e '.[dev]' pip
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(INSTALLED)  ## create .venv and install the package (done by every target that needs it)

corpus: $(INSTALLED)  ## build the documents table from seeds/ (data/corpus/documents.parquet)
	$(PY) -m analysis corpus

figures: $(INSTALLED)  ## build every figure and table (only stages whose inputs changed rerun)
	$(PY) -m analysis figures $(FIGURES_ARGS)

test: $(INSTALLED) browser  ## run the test suite (real-corpus tests skip when ../shared/corpora is absent)
	$(PY) -m pytest -q $(PYTEST_PARALLEL)

# The concordance page's test lays it out in headless Chromium: Debian's chromium package, installed
# here when it is missing and apt-get can (as root); elsewhere the test says it was skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "installing Debian's chromium for the concordance page's browser test"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	    else echo "no chromium and no apt-get as root: the browser test will be skipped"; fi; }

check: $(INSTALLED)  ## the fast tier: every test not marked slow (about a minute; run it on every change)
	$(PY) -m pytest -q -m "not slow" $(PYTEST_PARALLEL)

docs: $(INSTALLED)  ## regenerate docs/architecture.md's data flow, stages and rooms, and the README's command table
	$(PY) -m analysis.pipeline.stage_map

lock: $(INSTALLED)  ## re-resolve requirements-lock.txt for every supported Python (needs PyPI)
	$(UV) pip compile --quiet --universal --python-version 3.10 pyproject.toml --extra dev --extra lab -o $(LOCK)

bench: $(INSTALLED)  ## run the benchmarks and write bench/RESULTS.md (needs ../shared/corpora)
	$(PY) bench/bench_ingest.py
	$(PY) bench/bench_tokens.py
	$(PY) bench/eval_segmentation.py
	$(PY) bench/bench_slogans.py
	$(PY) bench/bench_keywords.py
	$(PY) bench/bench_figures.py
	$(PY) bench/bench_topics.py

lab: $(INSTALLED)  ## open JupyterLab with the project's kernel on notebooks/
	$(UV) pip install --quiet --python $(PY) -c $(LOCK) -e '.[lab]'
	$(PY) -m ipykernel install --user --name tifa --display-name "tifa (.venv)" >/dev/null
	cd notebooks && ../$(PY) -m jupyter lab

clean:  ## remove derived data and generated outputs (never seeds/)
	rm -rf data
	find figures -mindepth 1 ! -name README.md -delete 2>/dev/null || true

distclean: clean  ## also remove the virtual environment
	rm -rf $(VENV)
