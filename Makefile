# Two entry points, both usable on a fresh clone with nothing but Python 3.10+ (and root for Chromium):
#   make app   - set everything up and open the LIF explorer in the browser
#   make test  - set everything up and run the whole test suite (lint, types, unit, notebooks, browser)
#   make check - lint, types and unit tests only: the inner loop while developing
# Everything is installed into .venv/ from requirements/constraints.txt, which pins the CPU build of
# torch 2.13.0 so that no multi-GB CUDA build is ever downloaded.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
STAMP := $(VENV)/.installed

.PHONY: app test check lint docs docs-live live-code-scripts benchmark load-test refresh-notebooks teacher-edition chromium hub-proxy hub clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The CPU build first, so nothing later can ask for a CUDA one.
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) torch
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[test,app,docs,hub]"
	# Norse 1.1.0 is the reference the core is compared with; its torchvision requirement is not needed
	# for the LIF and would pull another torch, hence --no-deps.
	$(BIN)/python -m pip install --quiet --no-deps -c $(CONSTRAINTS) norse nir nirtorch h5py
	touch $(STAMP)

app: $(STAMP)
	$(BIN)/lifteach app

# Debian's Chromium drives the browser tests; `playwright install` cannot download browsers here.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# JupyterHub's proxy (configurable-http-proxy) from npm, at the version package-lock.json pins, into
# deploy/jupyterhub/node_modules/ (ignored by git), where deploy/jupyterhub/jupyterhub_config.py finds it.
HUB_DIR := deploy/jupyterhub
HUB_PROXY := $(HUB_DIR)/node_modules/.installed
$(HUB_PROXY): $(HUB_DIR)/package.json $(HUB_DIR)/package-lock.json
	cd $(HUB_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $(HUB_PROXY)
hub-proxy: $(HUB_PROXY)

# Live Code's scripts (thebe's prebuilt bundle and require.js) from npm, at the versions package-lock.json pins,
# into docs/thebe/node_modules/ (ignored by git); docs/live_code.py copies them into the site's _static/.
# thebe's own dependencies are what its bundle was built from (959 packages, 580 MB): package.json's
# overrides stand in for them with an empty package, so only the two packages the browser runs are fetched.
THEBE_DIR := docs/thebe
THEBE := $(THEBE_DIR)/node_modules/.installed
$(THEBE): $(THEBE_DIR)/package.json $(THEBE_DIR)/package-lock.json
	cd $(THEBE_DIR) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(THEBE)
live-code-scripts: $(THEBE)

# A workshop's hub on this computer (deploy/jupyterhub/README.md): needs LIFTEACH_HUB_PASSWORD set.
hub: $(STAMP) $(HUB_PROXY)
	cd $(HUB_DIR) && ../../$(BIN)/jupyterhub -f jupyterhub_config.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) chromium $(HUB_PROXY) $(THEBE) lint
	$(BIN)/python -m pytest

# The inner loop (a few minutes): lint, types and the unit tests, without the tests that start servers, build
# environments or drive a browser, and without re-running the notebooks. `make test` is the whole proof.
check: $(THEBE) lint
	$(BIN)/python -m pytest tests -q -m "not browser and not server"

# The course website in docs/_build/html (open docs/_build/html/index.html): the stored notebooks, the API
# and docs/*.md. The source directory is the repository root (docs/conf.py says which files are pages);
# -W --keep-going turns every warning into a failure after reporting all of them.
docs: $(STAMP) $(THEBE)
	$(BIN)/sphinx-build -W --keep-going -q -c docs -b html . docs/_build/html

# The site with Live Code run by a Jupyter server on this computer instead of Binder, for a class without
# Binder: builds docs/_build/live for the server, then serves both on 127.0.0.1 until Ctrl+C (docs/live.py).
docs-live: $(STAMP) $(THEBE)
	$(BIN)/python docs/live.py

# Re-execute every notebook and store its outputs (nbval compares against them): first the .ipynb takes the
# cells of its .md (the file people edit; --update keeps cell ids, so diffs show only real changes), then
# nbconvert runs it in a fresh kernel, without timing metadata that would change on every run. Of the cells'
# metadata it keeps tags, jupyter (collapsed outputs) and mystnb (a figure's alt text on the website).
NOTEBOOK_SOURCES := $(sort $(wildcard notebooks/[0-9]*.md))
refresh-notebooks: $(STAMP)
	$(BIN)/jupytext --update --to ipynb $(NOTEBOOK_SOURCES)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=120 --ExecutePreprocessor.record_timing=False \
		--ClearMetadataPreprocessor.enabled=True --ClearMetadataPreprocessor.clear_notebook_metadata=False \
		--ClearMetadataPreprocessor.preserve_cell_metadata_mask=tags \
		--ClearMetadataPreprocessor.preserve_cell_metadata_mask=jupyter \
		--ClearMetadataPreprocessor.preserve_cell_metadata_mask=mystnb \
		--ExecutePreprocessor.store_widget_state=False \
		$(NOTEBOOK_SOURCES:.md=.ipynb)
	# The app notebook inside the package is notebook 02 without outputs (tests/test_app.py checks it).
	$(BIN)/jupytext --to ipynb --output lifteach/notebooks/explorer.ipynb notebooks/02_lif_explorer.md
	# jupytext's contents manager refuses an .ipynb newer than its .md; the .md is the source either way.
	touch $(NOTEBOOK_SOURCES)

# The teacher's edition: copies of the stored notebooks with every worked solution written out where the
# learners' notebooks only offer it (build/ is not tracked; see lifteach/exercises/teacher.py).
teacher-edition: $(STAMP)
	$(BIN)/python -m lifteach.exercises.teacher notebooks build/teacher

# Benchmarks share the browser tests' helpers (tests/browser/appserver.py): tests/ is on their path.
benchmark: $(STAMP) chromium
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_explorer.py
	PYTHONPATH=tests $(BIN)/python benchmarks/bench_app.py

# Ten browser sessions moving sliders on one app server (about 2 minutes); see docs/hardening.md.
load-test: $(STAMP) chromium
	PYTHONPATH=tests $(BIN)/python benchmarks/load_test.py

clean:
	rm -rf $(VENV) $(HUB_DIR)/node_modules
