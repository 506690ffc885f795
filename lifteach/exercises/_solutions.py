"""Worked solutions, stored as Markdown package data: ``solutions/<exercise name>.md``.

A solution is prose and a code block that runs in the notebook that offers it (the notebook's variables, e.g.
``population`` in 04, not new ones); ``tests/test_exercises_solutions.py`` runs each one there. Keeping them as
files lets an author edit a solution as Markdown, without Python string quoting.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # importlib.resources.abc is new in Python 3.11; importlib.abc has it in 3.10 too.
    from importlib.abc import Traversable

__all__ = ["solution_names", "solution_text"]

_FOLDER = "solutions"


def _folder() -> Traversable:
    return resources.files("lifteach.exercises").joinpath(_FOLDER)


def solution_names() -> tuple[str, ...]:
    """The names of the stored solutions (file names without ``.md``), sorted."""
    return tuple(
        sorted(entry.name[: -len(".md")] for entry in _folder().iterdir() if entry.name.endswith(".md"))
    )


@functools.cache
def solution_text(name: str) -> str:
    """The Markdown of the solution to exercise ``name``, without the file's final newline."""
    entry = _folder().joinpath(f"{name}.md")
    if not entry.is_file():
        raise FileNotFoundError(
            f"No stored solution for exercise {name!r}: lifteach/exercises/{_FOLDER}/{name}.md is missing. "
            "Add it, and reinstall if lifteach was installed without its package data "
            "(pyproject's [tool.setuptools.package-data])."
        )
    return entry.read_text(encoding="utf-8").rstrip("\n")
