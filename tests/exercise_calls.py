"""Where the notebooks call the exercises: shared by the registry and the solution tests."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import jupytext
from IPython.core.inputtransformer2 import TransformerManager

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOK_SOURCES = sorted(NOTEBOOKS.glob("[0-9]*.md"))


@dataclass(frozen=True)
class Call:
    """One call ``exercises.check_<name>(...)`` or ``exercises.solution("<name>")`` in a notebook's code."""

    notebook: str
    cell: int
    """Index among the notebook's code cells."""
    function: str
    """``check_rheobase`` or ``solution``."""
    name: str | None
    """The exercise the call names: ``rheobase`` for both; None for a solution called without a literal name."""


def code_cells(source: Path) -> list[str]:
    """The code cells of a notebook's .md source, in order, as Python (a magic becomes a get_ipython() call)."""
    notebook = jupytext.read(source)
    python = TransformerManager()  # type: ignore[no-untyped-call]  # IPython leaves its __init__ unannotated
    return [python.transform_cell(cell.source) for cell in notebook.cells if cell.cell_type == "code"]


def calls_in(source: Path) -> list[Call]:
    found = []
    for index, code in enumerate(code_cells(source)):
        for node in ast.walk(ast.parse(code)):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "exercises"
            ):
                continue
            function = node.func.attr
            name: str | None = None
            if function.startswith("check_"):
                name = function.removeprefix("check_")
            elif function != "solution":
                continue  # another name of lifteach.exercises, e.g. mystery_neuron: not a call of an exercise
            elif node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                name = node.args[0].value
            found.append(Call(source.stem, index, function, name))
    return sorted(found, key=lambda call: call.cell)


ALL_CALLS = [call for source in NOTEBOOK_SOURCES for call in calls_in(source)]
