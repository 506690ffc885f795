"""The teacher's edition: copies of the tutorials with each worked solution written out where it is offered.

A learner's notebook keeps solutions out of sight until the learner asks: each exercise ends with a code cell
of comments only, whose last line is ``# exercises.solution("<name>")``. Run as it stands, that cell does
nothing and stores nothing, so no solution sits in an output that one scrolls past on GitHub, nbviewer, Voila
or a website; removing the ``# `` and running it shows the solution. The teacher's edition replaces each such
cell with a Markdown cell holding the solution, and keeps everything else, stored outputs included::

    python -m lifteach.exercises.teacher notebooks build/teacher     # what `make teacher-edition` runs

Notebooks are read and written as JSON (nbformat 4), so building needs nothing beyond the standard library.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lifteach.exercises._registry import EXERCISES
from lifteach.exercises._solutions import solution_text

__all__ = ["OFFER", "build", "main", "offered", "teacher_notebook"]

OFFER = re.compile(r'^#\s*exercises\.solution\(["\'](\w+)["\']\)\s*$')
"""The last line of a cell that offers a solution: ``# exercises.solution("<name>")``."""

_BANNER = (
    "**Teacher's edition.** Each exercise's worked solution is written out below it, where the learners' "
    'notebook has a cell `# exercises.solution("...")`. Build it again with `make teacher-edition`.'
)


def offered(source: str) -> str | None:
    """The exercise whose solution a cell offers, or None: a cell of comments only, ending with the offer."""
    lines = [line for line in source.strip().splitlines() if line.strip()]
    if not lines or not all(line.lstrip().startswith("#") for line in lines):
        return None
    found = OFFER.match(lines[-1].strip())
    return found.group(1) if found else None


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _markdown_cell(text: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def teacher_notebook(notebook: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of ``notebook`` (nbformat 4 JSON) with its offered solutions written out, and their names.

    Raises ``ValueError`` for an offer that names no exercise, so a misspelt name cannot build silently.
    """
    cells: list[dict[str, Any]] = [_markdown_cell(_BANNER)]
    names: list[str] = []
    for cell in notebook.get("cells", []):
        name = offered(_source(cell)) if cell.get("cell_type") == "code" else None
        if name is None:
            cells.append(cell)
            continue
        if name not in EXERCISES:
            raise ValueError(f"a cell offers the solution of {name!r}, which is not one of the exercises.")
        names.append(name)
        cells.append(_markdown_cell(f"**Solution ({name})**\n\n{solution_text(name)}"))
    # Cell ids must be unique in nbformat 4.5: the new Markdown cells get their own.
    for index, cell in enumerate(cells):
        if "id" in cell or notebook.get("nbformat_minor", 0) >= 5:
            cell["id"] = cell.get("id") or f"teacher-{index}"
    return {**notebook, "cells": cells}, names


def build(source: Path, target: Path) -> list[Path]:
    """Write the teacher's edition of every numbered notebook in ``source`` (``NN_*.ipynb``) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.glob("[0-9]*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        edition, _ = teacher_notebook(notebook)
        out = target / path.name
        out.write_text(json.dumps(edition, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(out)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lifteach.exercises.teacher SOURCE TARGET``: build the teacher's edition, list what it wrote."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) != 2:
        print("usage: python -m lifteach.exercises.teacher SOURCE_FOLDER TARGET_FOLDER", file=sys.stderr)
        return 2
    for path in build(Path(arguments[0]), Path(arguments[1])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
