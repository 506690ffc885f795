"""The teacher's edition: every offered solution written out, and the learners' notebooks store none."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from exercise_calls import ALL_CALLS, NOTEBOOKS

from lifteach.exercises import EXERCISES, solution, teacher


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("teacher")
    assert teacher.main([str(NOTEBOOKS), str(target)]) == 0
    return target


def cells(path: Path) -> list[dict[str, object]]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    return list(notebook["cells"])


def text(cell: dict[str, object]) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else str(source)


def test_the_make_target_builds_into_an_untracked_folder() -> None:
    makefile = (NOTEBOOKS.parent / "Makefile").read_text(encoding="utf-8")
    assert re.search(
        r"^teacher-edition: .*\n\t.*-m lifteach\.exercises\.teacher notebooks build/teacher$", makefile, re.M
    )
    assert "build/" in (NOTEBOOKS.parent / ".gitignore").read_text(encoding="utf-8").split()


def test_every_notebook_gets_a_teacher_copy_with_each_solution_where_it_is_offered(edition: Path) -> None:
    stored = sorted(path.name for path in NOTEBOOKS.glob("[0-9]*.ipynb"))
    assert sorted(path.name for path in edition.glob("*.ipynb")) == stored
    shown: set[str] = set()
    for name in stored:
        copy = cells(edition / name)
        assert "Teacher's edition" in text(copy[0])
        for cell in copy:
            assert teacher.offered(text(cell)) is None, f"{name}: an offer was left in place"
            found = re.match(r"\*\*Solution \((\w+)\)\*\*\n\n", text(cell))
            if found:
                assert cell["cell_type"] == "markdown"
                assert solution(found.group(1)).text in text(cell)
                shown.add(found.group(1))
        # Everything else is kept, stored outputs included.
        original = cells(NOTEBOOKS / name)
        kept = [cell for cell in original if teacher.offered(text(cell)) is None]
        assert [cell for cell in copy[1:] if not text(cell).startswith("**Solution (")] == kept
    assert shown == set(EXERCISES), f"solutions never shown: {sorted(set(EXERCISES) - shown)}"


def test_every_exercise_a_notebook_checks_is_offered_in_that_notebook() -> None:
    for notebook in {call.notebook for call in ALL_CALLS}:
        checked = {
            call.name for call in ALL_CALLS if call.notebook == notebook and call.function != "solution"
        }
        offered = (teacher.offered(text(cell)) for cell in cells(NOTEBOOKS / f"{notebook}.ipynb"))
        offers = {name for name in offered if name is not None}
        assert checked == offers, (
            f"{notebook}: checks {sorted(checked, key=str)}, offers solutions {sorted(offers)}"
        )


def test_an_offer_of_an_unknown_exercise_is_refused() -> None:
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "a", "metadata": {}, "source": '# exercises.solution("rheobse")',
         "outputs": [], "execution_count": 1},
    ]}  # fmt: skip
    with pytest.raises(ValueError, match="'rheobse', which is not one of the exercises"):
        teacher.teacher_notebook(notebook)


def test_an_offer_is_a_cell_of_comments_ending_with_the_call() -> None:
    assert teacher.offered('# Stuck? Remove the "# "\n# exercises.solution("cv")\n') == "cv"
    assert (
        teacher.offered("exercises.solution('cv')") is None
    )  # a live call is not an offer: it stores output
    assert teacher.offered('x = 1\n# exercises.solution("cv")') is None
    assert teacher.offered("# just a comment") is None
