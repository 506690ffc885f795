"""Who may import whom (docs: DESIGN.md, "Layers"): the core and the measures never need a figure or a widget,
and panels never need widgets or pyplot's state machine.

Imports run in a fresh interpreter, so that modules imported by other tests cannot hide a dependency.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

# The core package's modules (lifteach/lif/) as well as the package: a module added there is probed without
# anyone having to list it here.
LIF_MODULES = sorted(
    f"lifteach.lif.{path.stem}"
    for path in (Path(__file__).resolve().parents[1] / "lifteach" / "lif").glob("_*.py")
    if path.stem != "__init__"
)
# The same for the measures (lifteach/analysis/).
ANALYSIS_MODULES = sorted(
    f"lifteach.analysis.{path.stem}"
    for path in (Path(__file__).resolve().parents[1] / "lifteach" / "analysis").glob("_*.py")
    if path.stem != "__init__"
)
CORE = [
    *LIF_MODULES,
    "lifteach.lif",
    "lifteach.inputs",
    "lifteach._checks",
    "lifteach.simulate",
    *ANALYSIS_MODULES,
    "lifteach.analysis",
]

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
    assert len(LIF_MODULES) >= 7  # the glob found the core's modules
    assert len(ANALYSIS_MODULES) >= 3  # and the measures'
    loaded = watched_imports(CORE)
    assert loaded == {module: [] for module in CORE}


def test_panels_import_matplotlib_but_not_pyplot_or_ipywidgets() -> None:
    loaded = watched_imports(["lifteach.plot"])
    # matplotlib itself must show up: the probe sees what an import loads.
    assert loaded == {"lifteach.plot": ["matplotlib"]}


# The layers from the bottom up (DESIGN.md, "Layers"): a module may import its own layer and those below.
LAYERS = {
    "core": ["lif", "inputs", "_checks", "_kernel", "_threads", "simulate", "analysis"],
    "panels": ["plot", "describe", "figures"],
    "interaction": ["explorer", "inspector", "exercises"],
    "app": ["app", "__main__"],
}
PACKAGE = Path(__file__).resolve().parents[1] / "lifteach"


def _layer_of(module: str) -> int:
    """The layer of ``lifteach.<module>...`` (its first part decides), as an index into ``LAYERS``."""
    first = module.split(".")[0]
    for index, members in enumerate(LAYERS.values()):
        if first in members:
            return index
    raise AssertionError(f"lifteach.{module} belongs to no layer: add it to LAYERS in {__file__}")


def _imports_of(path: Path) -> set[str]:
    """The ``lifteach`` modules a file imports, anywhere in it (inside functions too), without the prefix."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "lifteach":
                # A submodule (`from lifteach import plot`), or a core name lifteach/__init__.py re-exports.
                found |= {
                    alias.name
                    if (PACKAGE / alias.name).exists() or (PACKAGE / f"{alias.name}.py").exists()
                    else "lif"
                    for alias in node.names
                }
            elif node.module.startswith("lifteach."):
                found.add(node.module.removeprefix("lifteach."))
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("lifteach.") for a in node.names if a.name.startswith("lifteach.")}
    return found


def _modules() -> dict[str, Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    names = {}
    for path in files:
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name:  # lifteach/__init__.py re-exports the core and sits above nothing
            names[name] = path
    return names


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = []
    for module, path in _modules().items():
        for imported in _imports_of(path):
            if (
                imported in {"__version__"}
                or imported[0].isupper()
                or imported.startswith(("lif_", "simulate"))
            ):
                continue  # names re-exported by lifteach/__init__.py (the core)
            if _layer_of(imported) > _layer_of(module):
                upward.append(f"lifteach.{module} imports lifteach.{imported}")
    assert upward == []


def test_the_package_has_no_import_cycle() -> None:
    modules = _modules()
    graph = {
        module: {imported for imported in _imports_of(path) if imported in modules and imported != module}
        for module, path in modules.items()
    }
    # A package's __init__ importing its own submodules is how packages expose them, not a cycle.
    for module in graph:
        graph[module] = {m for m in graph[module] if not m.startswith(module + ".")}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        if module in done:
            return
        assert module not in visiting, "import cycle: " + " -> ".join([*visiting, module])
        visiting.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_launcher_starts_without_matplotlib_or_widgets() -> None:
    """``lifteach app`` hands over to Voila; loading the explorer's stack first would only delay it (torch comes
    with the package itself, whose ``__init__`` exports the core)."""
    code = "import sys, lifteach.app, lifteach.__main__; print(sorted({'matplotlib', 'ipywidgets'} & set(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


MOST_LINES = 420
"""A module is one idea and reads in one sitting: about 400 lines at most (issue 10), with a little slack."""


def test_no_module_is_longer_than_about_400_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in _modules().values()
        if (lines := len(path.read_text().splitlines())) > MOST_LINES
    }
    assert long == {}, f"split these modules by idea: {long}"
