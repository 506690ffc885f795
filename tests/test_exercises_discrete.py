"""Notebook 07's exercises: the rate on a stair, at a finer dt, with a refractory period, and the top rate.

Each verdict is reached by the answer a learner would give for it, and each hint names the idea missed: whole
steps for a continuous-time rate, the refractory steps left out of the interval, the strict ``>`` where it
decides, the step after the hold.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lifteach import LIFParameters, analysis, exercises, inputs, simulate
from lifteach.exercises import Feedback, _discrete


def right(feedback: Feedback, *words: str) -> None:
    assert feedback.correct, feedback.message
    assert feedback.verdict == "Correct"
    for word in words:
        assert word in feedback.message, feedback.message


def hint(feedback: Feedback, *words: str, verdict: str = "Not yet") -> None:
    assert not feedback.correct, feedback.message
    assert feedback.verdict == verdict, feedback
    for word in words:
        assert word in feedback.message, feedback.message


def simulated_interval(scale: float, dt: float, refractory: float = 0.0) -> float:
    """The steady interval (s) of a simulation, to hold the checks' numbers to the core's."""
    x = scale * analysis.rheobase(dt=dt)
    run = simulate(inputs.constant_current(x, steps=round(0.1 / dt)), dt=dt, record=(), refractory=refractory)
    return float(analysis.interspike_intervals(run)[-1])


# --- the numbers the checks expect are the simulation's ------------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "dt", "refractory", "rate_hz"),
    [
        (5.0, 1e-3, 0.0, 1000 / 3),
        (5.0, 1e-4, 0.0, 1e4 / 23),
        (10.0, 1e-3, 0.0, 500.0),  # exactly v_th after one step: the strict > waits for the second
        (5.0, 1e-3, 2e-3, 200.0),
        (100.0 / 0.2, 1e-3, 2e-3, 1000 / 3),
    ],
)
def test_the_expected_rates_are_the_simulated_intervals(
    scale: float, dt: float, refractory: float, rate_hz: float
) -> None:
    facts = _discrete._read_stair(rate_hz, scale, dt, refractory)
    assert facts.expected == pytest.approx(rate_hz)
    assert simulated_interval(scale, dt, refractory) == pytest.approx(1 / rate_hz)


def test_the_continuous_time_rate_at_5x_the_rheobase_is_448_hz() -> None:
    facts = _discrete._read_stair(0.0, 5.0, 1e-3, 0.0)
    assert facts.continuous == pytest.approx(1000 / (10 * math.log(5 / 4)))
    assert round(facts.continuous, 1) == 448.1
    assert round(facts.fractional, 1) == 472.2  # the effective 9.49 ms, with a fractional step count


# --- stair_rate ------------------------------------------------------------------------------------------------


def test_stair_rate_accepts_the_whole_step_rate_and_a_simulated_second() -> None:
    right(exercises.check_stair_rate(333.3), "3 steps", "448.1 Hz")
    right(exercises.check_stair_rate(332))  # the spikes of one simulated second
    right(exercises.check_stair_rate(1000 / 3))


def test_a_continuous_time_rate_gets_a_hint_about_whole_steps() -> None:
    continuous = analysis.continuous_rate(5 * analysis.rheobase())
    hint(exercises.check_stair_rate(continuous), "between steps", "whole number of steps")
    hint(exercises.check_stair_rate(448), "between steps")
    hint(exercises.check_stair_rate(472.2), "between steps")  # effective τ, but a fractional step count
    hint(exercises.check_fine_step_rate(448.1), "between steps", "0.1 ms")


def test_rounding_the_steps_down_is_named() -> None:
    hint(exercises.check_stair_rate(500), "One step short", "0.950", "round the number of steps up")


def test_the_strict_threshold_is_named_where_it_decides() -> None:
    right(exercises.check_stair_rate(500, scale=10.0), "2 steps")
    hint(exercises.check_stair_rate(1000, scale=10.0), "exactly v_th", "strictly above", "`v > v_th`")
    hint(exercises.check_stair_rate(100, scale=1.0), "strictly above")
    right(exercises.check_stair_rate(0, scale=1.0), "0 Hz")
    hint(exercises.check_stair_rate(10, scale=0.5), "not above the rheobase")
    hint(exercises.check_stair_rate(0), "does fire")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (1 / 3, ["spikes per step"]),
        (0.003, ["time between spikes in seconds"]),
        (3, ["time between spikes in milliseconds"]),
        (50, ["count the whole steps"]),
    ],
)
def test_stair_rate_unit_slips_and_a_general_hint(answer: float, words: list[str]) -> None:
    hint(exercises.check_stair_rate(answer), *words)


def test_an_answer_that_cannot_be_judged_gets_a_hint() -> None:
    hint(exercises.check_stair_rate(...), "Replace the `...`", verdict="Hint")
    hint(exercises.check_stair_rate("333"), "without quotes", verdict="Hint")
    hint(exercises.check_stair_rate(333, scale=-1), "scale must be at least 0", verdict="Hint")
    hint(exercises.check_stair_rate(333, dt=0), "dt", verdict="Hint")
    hint(
        exercises.check_refractory_rate(200, refractory=-1e-3),
        "refractory must be at least 0",
        verdict="Hint",
    )


# --- fine_step_rate --------------------------------------------------------------------------------------------


def test_fine_step_rate_verdicts() -> None:
    right(exercises.check_fine_step_rate(434.8), "23 steps", "0.1 ms", "closer")
    right(exercises.check_fine_step_rate(432))  # one simulated second at 0.1 ms
    hint(exercises.check_fine_step_rate(333.3), "stair at dt = 1 ms", "finer steps")
    hint(exercises.check_fine_step_rate(1000 / 23), "23 steps", "each step is 0.1 ms")
    hint(exercises.check_fine_step_rate(1e4 / 22), "One step short", "round the number of steps up")


# --- refractory_rate -------------------------------------------------------------------------------------------


def test_refractory_rate_verdicts() -> None:
    right(exercises.check_refractory_rate(200), "held for 2 steps", "5 steps")
    right(exercises.check_refractory_rate(199))  # one simulated second
    hint(exercises.check_refractory_rate(333.3), "without the refractory period", "held for 2 steps")
    hint(exercises.check_refractory_rate(1 / (1 / 448.142 + 2e-3)), "between steps")  # continuous + t_ref
    hint(exercises.check_refractory_rate(250), "One step short")
    right(exercises.check_refractory_rate(125, refractory=5e-3), "held for 5 steps")


def test_a_refractory_period_is_rounded_to_whole_steps_as_simulate_does() -> None:
    facts = _discrete._read_stair(200, 5.0, 1e-3, 2.2e-3)
    assert facts.held == 2 and facts.refractory_ms == pytest.approx(2.0)


# --- max_rate ----------------------------------------------------------------------------------------------------


def test_max_rate_is_one_over_the_period_plus_a_step() -> None:
    right(exercises.check_max_rate(333.3), "1 / (t_ref + dt)", "3 steps")
    right(exercises.check_max_rate(1 / 2.1e-3, dt=1e-4), "21 steps")
    right(exercises.check_max_rate(1000, refractory=0.0), "one spike per step")
    strong = simulate(inputs.constant_current(100.0, steps=100), refractory=2e-3, record=())
    assert np.all(analysis.interspike_intervals(strong) == pytest.approx(3e-3))


def test_max_rate_hints() -> None:
    hint(exercises.check_max_rate(500), "1 / t_ref", "at least one more step")
    hint(exercises.check_max_rate(1000), "one spike per step", "refractory steps belong")
    hint(exercises.check_max_rate(250), "One step too many")
    hint(exercises.check_max_rate(2000), "at most 1 / dt")
    hint(exercises.check_max_rate(3), "time between spikes in milliseconds")
    hint(exercises.check_max_rate(100), "Make the input huge", "at least one")
    hint(exercises.check_max_rate(...), "Replace the `...`", verdict="Hint")


def test_the_checks_use_the_default_neuron() -> None:
    assert LIFParameters() == _discrete._P
