"""Who may import whom (docs: DESIGN.md, "Layers"): the core and the measures never need a figure or a widget,
and panels never need widgets or pyplot's state machine.

Imports run in a fresh interpreter, so that modules imported by other tests cannot hide a dependency.
"""

from __future__ import annotations

import json
import subprocess
import sys

CORE = ["lifteach.lif", "lifteach.inputs", "lifteach._checks", "lifteach.simulate", "lifteach.analysis"]

WATCHED = ["matplotlib", "matplotlib.pyplot", "ipywidgets"]

# Imports the modules one after the other and says, for each, which watched modules its import loaded.
_PROBE = """
import importlib, json, sys
watched, loaded = {watched!r}, {{}}
for module in {modules!r}:
    before = set(sys.modules)
    importlib.import_module(module)
    loaded[module] = sorted(set(watched) & (set(sys.modules) - before))
print(json.dumps(loaded))
"""


def watched_imports(modules: list[str]) -> dict[str, list[str]]:
    """For each module, imported in this order in a fresh interpreter: the ``WATCHED`` modules it loaded.

    Importing in order is enough: a module whose import loaded nothing watched cannot hide anything watched
    that a later module needs.
    """
    code = _PROBE.format(watched=WATCHED, modules=modules)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded: dict[str, list[str]] = json.loads(run.stdout)
    return loaded


def test_the_core_and_the_measures_import_neither_matplotlib_nor_ipywidgets() -> None:
    loaded = watched_imports(CORE)
    assert loaded == {module: [] for module in CORE}


def test_panels_import_matplotlib_but_not_pyplot_or_ipywidgets() -> None:
    loaded = watched_imports(["lifteach.plot"])
    # matplotlib itself must show up: the probe sees what an import loads.
    assert loaded == {"lifteach.plot": ["matplotlib"]}
