"""The registry: every exercise by name, in the order the notebooks meet them, and ``solution(name)``.

A notebook names an exercise twice: in its check (``check_<name>``) and in ``solution("<name>")``. Both
resolve here, and ``tests/test_exercises_registry.py`` holds the names, the checks, the solution files and
the notebooks' calls together.
"""

from __future__ import annotations

from typing import Any

from lifteach.exercises import (
    _discrete,
    _explorer_app,
    _mystery,
    _noise,
    _populations,
    _simulating,
    _steps,
    _threshold,
    _zoom,
)
from lifteach.exercises._answers import describe
from lifteach.exercises._exercise import Exercise
from lifteach.exercises._feedback import Solution
from lifteach.exercises._solutions import solution_text

__all__ = ["EXERCISES", "REGISTRY", "exercise", "solution"]

_IN_ORDER: tuple[Exercise[Any], ...] = (
    *_simulating.EXERCISES,
    *_threshold.EXERCISES,
    *_populations.EXERCISES,
    *_explorer_app.EXERCISES,
    *_zoom.EXERCISES,
    *_noise.EXERCISES,
    *_discrete.EXERCISES,
    *_mystery.EXERCISES,
    *_steps.EXERCISES,
)
REGISTRY: dict[str, Exercise[Any]] = {exercise.name: exercise for exercise in _IN_ORDER}
"""Every exercise by name, in notebook order (01, 03, 04 with the explorer app's questions from 02, 05, 06, 07, 08,
09)."""

EXERCISES: tuple[str, ...] = tuple(REGISTRY)
"""The names of the exercises, in the order the notebooks meet them."""


def _known() -> str:
    return ", ".join(repr(name) for name in EXERCISES)


def exercise(name: object) -> Exercise[Any]:
    """The exercise called ``name``; a ``ValueError`` naming the value and the known names otherwise."""
    if isinstance(name, str) and name in REGISTRY:
        return REGISTRY[name]
    raise ValueError(f"name must be one of the exercises {_known()}; got {describe(name)}.")


def solution(name: object) -> Solution:
    """A worked solution to the exercise ``name`` (one of ``EXERCISES``), shown as Markdown in a notebook.

    An unknown name gives a ``Solution`` that says so and lists the exercises, rather than an exception: a
    learner who mistypes the name in a notebook reads the right names in the cell's output.
    """
    if isinstance(name, str) and name in REGISTRY:
        return Solution(name, solution_text(name))
    return Solution(str(name), f"There is no exercise called {describe(name)}; the exercises are {_known()}.")
