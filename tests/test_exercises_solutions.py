"""Every worked solution runs in the notebook that offers it, and its checks say "Correct" there.

A notebook offers a solution in two places: the cell that calls ``exercises.check_<name>`` (whose hint,
shown once the cell has run, says ``exercises.solution('<name>')``) and a ``solution("<name>")`` cell. At each,
the solution's code must run with the variables the notebook has defined by then (``population`` in 04, not a
``result`` it never made). So each notebook's code cells run in order in one namespace, and after every
offering cell each offered solution's code blocks run in a copy of it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pytest
from exercise_calls import ALL_CALLS, NOTEBOOKS, code_cells

from lifteach import exercises
from lifteach.exercises import Feedback

CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
OFFERING = sorted({call.notebook for call in ALL_CALLS})


class RecordingExercises:
    """Stands in for ``lifteach.exercises`` in a solution's namespace and keeps the feedback of every check."""

    def __init__(self) -> None:
        self.verdicts: list[tuple[str, Feedback]] = []

    def __getattr__(self, attribute: str) -> Any:
        found = getattr(exercises, attribute)
        if not attribute.startswith("check_"):
            return found

        def check(*args: Any, **kwargs: Any) -> Feedback:
            feedback: Feedback = found(*args, **kwargs)
            self.verdicts.append((attribute, feedback))
            return feedback

        return check


class NoIPython:
    """Stands in for IPython where a notebook uses a magic: ``%matplotlib widget`` picks a backend that plain
    Python does not have, and the figures stay images (the Explorer then shows a PNG, as in Voila)."""

    def run_line_magic(self, magic: str, line: str) -> None:
        assert magic == "matplotlib", f"the notebooks use no magic but %matplotlib, got %{magic} {line}"


def run_solution(name: str, namespace: dict[str, Any], where: str) -> None:
    blocks = CODE_BLOCK.findall(exercises.solution(name).text)
    assert blocks, f"solution({name!r}) has no ```python block"
    recorder = RecordingExercises()
    # A copy, so that the solution's variables do not leak into the cells that follow.
    scope = {**namespace, "exercises": recorder}
    for block in blocks:
        try:
            exec(compile(block, f"<solution {name}>", "exec"), scope)
        except Exception as error:
            pytest.fail(f"solution({name!r}) fails {where}: {type(error).__name__}: {error}\n{block}")
    assert recorder.verdicts, f"solution({name!r}) calls no check"
    for check, feedback in recorder.verdicts:
        assert feedback.correct, f"solution({name!r}) {where}: its {check} says {feedback}"


@pytest.mark.parametrize("notebook", OFFERING)
def test_every_solution_runs_where_its_notebook_offers_it(notebook: str) -> None:
    offered: dict[int, set[str]] = {}
    for call in ALL_CALLS:
        if call.notebook == notebook and call.name is not None:
            offered.setdefault(call.cell, set()).add(call.name)
    namespace: dict[str, Any] = {"__name__": "__main__", "get_ipython": NoIPython}
    try:
        for index, code in enumerate(code_cells(NOTEBOOKS / f"{notebook}.md")):
            exec(compile(code, f"<{notebook} cell {index}>", "exec"), namespace)
            for name in sorted(offered.get(index, ())):
                run_solution(name, namespace, f"after code cell {index} of {notebook}.md")
    finally:
        plt.close("all")
    assert offered, notebook


def test_the_solutions_are_tried_in_every_notebook_that_offers_one() -> None:
    stems = {path.stem for path in Path(NOTEBOOKS).glob("[0-9]*.md")}
    assert set(OFFERING) <= stems
    assert {
        "01_simulating_and_plotting_neurons",
        "03_threshold_rheobase_fi",
        "04_populations_and_variability",
    } <= set(OFFERING)
