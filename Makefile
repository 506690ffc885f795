# Two entry points, both usable on a fresh clone with nothing but Python 3.10+ (and root for Chromium):
#   make app   - set everything up and open the LIF explorer in the browser
#   make test  - set everything up and run the whole test suite (lint, types, unit, notebooks, browser)
# Everything is installed into .venv/ from requirements/constraints.txt, which pins the CPU build of
# torch 2.13.0 so that no multi-GB CUDA build is ever downloaded.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
STAMP := $(VENV)/.installed

.PHONY: app test lint benchmark load-test refresh-notebooks chromium hub-proxy hub clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The CPU build first, so nothing later can ask for a CUDA one.
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) torch
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[test,app,hub]"
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

# A workshop's hub on this computer (deploy/jupyterhub/README.md): needs LIFTEACH_HUB_PASSWORD set.
hub: $(STAMP) $(HUB_PROXY)
	cd $(HUB_DIR) && ../../$(BIN)/jupyterhub -f jupyterhub_config.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) chromium $(HUB_PROXY) lint
	$(BIN)/python -m pytest

# Re-execute every notebook and store its outputs (nbval compares against them): first the .ipynb takes the
# cells of its .md (the file people edit; --update keeps cell ids, so diffs show only real changes), then
# nbconvert runs it in a fresh kernel, without timing metadata that would change on every run.
NOTEBOOK_SOURCES := $(sort $(wildcard notebooks/[0-9]*.md))
refresh-notebooks: $(STAMP)
	$(BIN)/jupytext --update --to ipynb $(NOTEBOOK_SOURCES)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=120 --ExecutePreprocessor.record_timing=False \
		--ClearMetadataPreprocessor.enabled=True --ClearMetadataPreprocessor.clear_notebook_metadata=False \
		--ClearMetadataPreprocessor.preserve_cell_metadata_mask=tags \
		--ClearMetadataPreprocessor.preserve_cell_metadata_mask=jupyter \
		--ExecutePreprocessor.store_widget_state=False \
		$(NOTEBOOK_SOURCES:.md=.ipynb)
	# jupytext's contents manager refuses an .ipynb newer than its .md; the .md is the source either way.
	touch $(NOTEBOOK_SOURCES)

benchmark: $(STAMP) chromium
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_explorer.py
	$(BIN)/python benchmarks/bench_app.py

# Ten browser sessions moving sliders on one app server (about 2 minutes); see docs/hardening.md.
load-test: $(STAMP) chromium
	$(BIN)/python benchmarks/load_test.py

clean:
	rm -rf $(VENV) $(HUB_DIR)/node_modules
