"""The registry holds names, checks, solution files and the notebooks' calls together."""

from __future__ import annotations

import dataclasses
import inspect
import re
import string
import typing
from pathlib import Path

import pytest
from exercise_calls import ALL_CALLS, NOTEBOOK_SOURCES, Call

from lifteach import exercises
from lifteach.exercises import _registry, _solutions
from lifteach.exercises._exercise import Exercise, not_yet, right

PUBLIC_CHECKS = sorted(name for name in exercises.__all__ if name.startswith("check_"))


def test_the_exercises_are_registered_in_notebook_order() -> None:
    assert exercises.EXERCISES == (
        "states_shape",
        "peak_step",
        "spiking_scale",
        "current_shape",
        "current_trace",
        "raster_marks",
        "raster",
        "steady_voltage",
        "rheobase",
        "firing_rate",
        "rate_function",
        "mean_rate",
        "hand_intervals",
        "interspike_function",
        "most_irregular",
        "cv",
        "spike_drive",
        "half_silent",
        "first_spike",
        "tau_syn_effect",
        "noise_per_step",
        "filtered_noise",
        "noisy_subthreshold",
        "fluctuation_cv",
        "stair_rate",
        "fine_step_rate",
        "refractory_rate",
        "max_rate",
        "mystery_first_to_fall",
        "mystery_tau_mem",
        "mystery_highest_voltage",
        "mystery_threshold",
        "mystery_fastest_interval",
        "mystery_refractory",
        "mystery_noisy_ratio",
        "step_input",
        "spike_step_voltage",
        "step_error",
        "surrogate_peak",
        "held_interval",
    )
    assert tuple(_registry.REGISTRY) == exercises.EXERCISES
    assert all(_registry.REGISTRY[name].name == name for name in exercises.EXERCISES)


def test_every_registered_exercise_has_a_solution_file_and_every_file_an_exercise() -> None:
    assert set(_solutions.solution_names()) == set(exercises.EXERCISES)


def test_the_solution_files_are_package_data() -> None:
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    package_data = pyproject.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    assert re.search(r'^lifteach = \[[^\]]*"exercises/solutions/\*\.md"', package_data, re.MULTILINE)


def test_every_registered_exercise_has_a_public_check_and_every_check_an_exercise() -> None:
    assert sorted(f"check_{name}" for name in exercises.EXERCISES) == PUBLIC_CHECKS
    for check in PUBLIC_CHECKS:
        function = getattr(exercises, check)
        assert inspect.signature(function).return_annotation == "Feedback", check
        assert function.__doc__, f"{check} has no docstring"


def test_the_notebooks_call_the_exercises() -> None:
    assert {call.notebook for call in ALL_CALLS} >= {
        "01_simulating_and_plotting_neurons",
        "03_threshold_rheobase_fi",
        "04_populations_and_variability",
    }
    # Every exercise is offered by some notebook (so the solution test runs every solution there).
    assert {call.name for call in ALL_CALLS} == set(exercises.EXERCISES)


@pytest.mark.parametrize("call", ALL_CALLS, ids=lambda call: f"{call.notebook}-{call.cell}-{call.function}")
def test_every_notebook_call_names_a_registered_exercise(call: Call) -> None:
    where = f"{call.notebook}.md, code cell {call.cell}"
    assert call.function == "solution" or call.function in PUBLIC_CHECKS, (
        f"{where} calls exercises.{call.function}, which lifteach.exercises does not have"
    )
    assert call.name in exercises.EXERCISES, (
        f"{where}: exercises.{call.function} names {call.name!r}, not one of {exercises.EXERCISES}"
        " (give solution() the name as a string literal)"
    )


def test_the_notebook_sources_are_found() -> None:
    assert len(NOTEBOOK_SOURCES) >= 5


def test_an_unknown_name_is_refused_with_the_names_that_exist() -> None:
    for name in ("rheobse", 3, None):
        with pytest.raises(
            ValueError,
            match=r"name must be one of the exercises 'states_shape', .*'held_interval'; got",
        ):
            _registry.exercise(name)
    with pytest.raises(ValueError, match="got 'rheobse'"):
        _registry.exercise("rheobse")
    assert _registry.exercise("rheobase").name == "rheobase"
    shown = exercises.solution("rheobse")
    assert shown.text.startswith("There is no exercise called 'rheobse'; the exercises are 'states_shape', ")


def test_a_missing_solution_file_names_the_file_and_the_fix() -> None:
    with pytest.raises(FileNotFoundError, match=r"solutions/no_such\.md is missing.*package-data"):
        _solutions.solution_text("no_such")


def read_number(answer: object) -> float:
    return float(answer)  # type: ignore[arg-type]


def test_an_exercise_table_must_end_with_a_row_for_every_answer() -> None:
    with pytest.raises(ValueError, match=r"'demo': the last outcome must have when=None"):
        Exercise("demo", read_number, (right("yes", when=lambda value: value == 1),))
    with pytest.raises(ValueError, match=r"'demo': only the last outcome may have when=None"):
        Exercise("demo", read_number, (right("yes"), not_yet("no")))
    with pytest.raises(ValueError, match=r"'two words' is not a Python identifier"):
        Exercise("two words", read_number, (not_yet("no"),))


def test_an_exercise_fills_its_templates_from_the_facts_and_points_at_the_solution() -> None:
    # The facts are the float itself; "{real:g}" quotes its attribute `real`.
    demo: Exercise[float] = Exercise(
        "demo", read_number, (right("{real:g} is one", when=lambda value: value == 1), not_yet("not one"))
    )
    assert str(demo.check(1)) == "Correct (demo): 1 is one"
    assert (
        str(demo.check(2)) == "Not yet (demo): not one (Stuck? `exercises.solution('demo')` shows one way.)"
    )
    assert str(demo.check("x")).startswith(
        "Hint (demo): The check could not use your answer: could not convert"
    )


@pytest.mark.parametrize("name", exercises.EXERCISES)
def test_every_template_quotes_only_what_its_facts_have(name: str) -> None:
    # A template that names a missing fact would fail only when a learner's answer reaches its row.
    exercise = _registry.REGISTRY[name]
    facts = typing.get_type_hints(exercise.read)["return"]
    known = {field.name for field in dataclasses.fields(facts)} | set(dir(facts))
    for row in exercise.outcomes:
        for _, field, _, _ in string.Formatter().parse(row.says):
            if field is not None:
                assert re.split(r"[.\[]", field)[0] in known, f"{name}: {row.says!r} quotes {field!r}"
