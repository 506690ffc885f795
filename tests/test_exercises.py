"""Exercise checks: a right answer is confirmed, a wrong one gets a hint about the concept, a malformed one a hint too."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest
import torch

from lifteach import LIF, LIFParameters, Result, analysis, exercises, inputs, simulate
from lifteach.exercises import Feedback


def seed_states() -> tuple[torch.Tensor, torch.Tensor]:
    data = inputs.pulses([0.100, 0.120], steps=1000)
    _, states = LIF(record_states=True)(data)
    return states.v.detach(), states.i.detach()  # LIF's states carry an autograd graph, as in Norse


def rate_by_simulation(x: float) -> float:
    return float(analysis.firing_rates(simulate(inputs.constant_current(x, steps=1000)))[0])


def intervals_in_seconds(spikes: torch.Tensor, dt: float) -> torch.Tensor:
    return torch.diff(torch.nonzero(spikes).flatten()) * dt


def intervals_in_steps(spikes: torch.Tensor, dt: float) -> torch.Tensor:
    return torch.diff(torch.nonzero(spikes).flatten())


def intervals_from_start(spikes: torch.Tensor, dt: float) -> np.ndarray:
    return np.diff(np.flatnonzero(spikes.numpy()) * dt, prepend=0.0)


def raises(spikes: object, dt: object = None) -> float:
    raise RuntimeError("not written yet")


@pytest.fixture(scope="module")
def population() -> Result:
    # 2 s, so that spikes per neuron and Hz differ by a factor 2.
    return simulate(inputs.poisson_spikes(20.0, steps=2000, neurons=200, seed=1), LIFParameters(v_th=0.3))


def right(feedback: Feedback) -> None:
    assert isinstance(feedback, Feedback)
    assert feedback.correct, feedback.message


def hint(feedback: Feedback, *words: str) -> None:
    assert isinstance(feedback, Feedback)
    assert not feedback.correct, feedback.message
    for word in words:
        assert word in feedback.message, feedback.message
    assert "exercises.solution(" in feedback.message


# --- right answers ------------------------------------------------------------------------------------------


def test_states_shape_accepts_the_recorded_shape() -> None:
    v, _ = seed_states()
    right(exercises.check_states_shape(v.shape))
    right(exercises.check_states_shape((1000, 1)))
    right(exercises.check_states_shape([1000, 1]))


def test_spiking_scale_accepts_just_enough() -> None:
    v, _ = seed_states()
    right(exercises.check_spiking_scale(1.001 / float(v.max())))
    right(exercises.check_spiking_scale(torch.tensor(3.03)))


def test_current_trace_accepts_the_current_in_either_shape() -> None:
    _, i = seed_states()
    right(exercises.check_current_trace(i))
    right(exercises.check_current_trace(i[:, 0].numpy()))
    right(exercises.check_current_trace(i[:, 0].tolist()))


def test_steady_voltage_rheobase_and_rate_accept_the_closed_forms() -> None:
    right(exercises.check_steady_voltage(0.5))
    right(exercises.check_steady_voltage(np.float32(0.4999995)))  # read off a simulation
    right(exercises.check_rheobase(0.2))
    right(exercises.check_rheobase(0.05, LIFParameters(v_th=0.5, tau_syn_inv=100.0)))
    right(exercises.check_firing_rate(analysis.predicted_rate(0.4)))
    right(exercises.check_firing_rate(142))  # counted in one simulated second
    right(exercises.check_firing_rate(0, x=0.1))


def test_rate_function_accepts_a_simulation_and_the_closed_form() -> None:
    right(exercises.check_rate_function(rate_by_simulation))
    right(exercises.check_rate_function(analysis.predicted_rate))
    right(exercises.check_rate_function(lambda x: torch.tensor([analysis.predicted_rate(x)])))


def test_mean_rate_accepts_hz(population: Result) -> None:
    rate = float(analysis.firing_rates(population).mean())
    right(exercises.check_mean_rate(rate, population))


def test_interspike_function_accepts_seconds_as_tensor_array_or_list() -> None:
    right(exercises.check_interspike_function(intervals_in_seconds))
    right(exercises.check_interspike_function(lambda s, dt: list(np.diff(np.flatnonzero(s.numpy())) * dt)))


def test_cv_accepts_population_and_sample_standard_deviation() -> None:
    intervals = np.array([0.010, 0.030, 0.020, 0.050, 0.012])
    right(exercises.check_cv(analysis.coefficient_of_variation(intervals), intervals))
    right(
        exercises.check_cv(float(torch.tensor(intervals).std() / torch.tensor(intervals).mean()), intervals)
    )


# --- wrong answers get a hint about the concept -------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ((1, 1000), ["time comes first"]),
        ((1000,), ["neuron dimension"]),
        ((1,), ["record_states=False"]),
        ((500, 2), ["record_states=True"]),
    ],
)
def test_states_shape_hints(answer: tuple[int, ...], words: list[str]) -> None:
    hint(exercises.check_states_shape(answer), *words)


def test_spiking_scale_hints_too_little_and_too_much() -> None:
    hint(exercises.check_spiking_scale(3.0), "not above", "proportion")
    hint(exercises.check_spiking_scale(5.0), "more than just enough")
    hint(exercises.check_spiking_scale(-1.0), "above 1")


def test_current_trace_hints_voltage_and_wrong_values() -> None:
    v, i = seed_states()
    hint(exercises.check_current_trace(v), "voltage")
    hint(exercises.check_current_trace(i * 2), "field `i`")
    hint(exercises.check_current_trace(i[:200]), "(1000, 1)")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (0.1, ["current keeps what it had"]),
        (0.4, ["after its decay"]),
        (0.0005, ["units"]),
        (1.5, ["threshold"]),
    ],
)
def test_steady_voltage_hints(answer: float, words: list[str]) -> None:
    hint(exercises.check_steady_voltage(answer), *words)


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (1.0, ["voltage the neuron has to reach"]),
        (200.0, ["dt is missing"]),
        (0.1, ["tau_mem_inv"]),
        (5.0, ["upside down"]),
        (0.3, ["steady voltage"]),
    ],
)
def test_rheobase_hints(answer: float, words: list[str]) -> None:
    hint(exercises.check_rheobase(answer), *words)


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (0.142857, ["spikes per step", "Hz"]),
        (0.007, ["seconds"]),
        (7.0, ["milliseconds"]),
        (0.0, ["above the rheobase"]),
        (100.0, ["count the steps"]),
    ],
)
def test_firing_rate_hints(answer: float, words: list[str]) -> None:
    hint(exercises.check_firing_rate(answer), *words)


def test_firing_rate_hints_in_spikes_per_ms_when_a_step_is_not_a_ms() -> None:
    rate = analysis.predicted_rate(0.2, dt=5e-4)
    hint(exercises.check_firing_rate(rate / 1000, x=0.2, dt=5e-4), "per millisecond")
    hint(exercises.check_firing_rate(3.0, x=0.1), "not above the rheobase")


@pytest.mark.parametrize(
    ("function", "words"),
    [
        (lambda x: rate_by_simulation(x) / 1000, ["spikes per step"]),
        (lambda x: 10.0, ["below the rheobase"]),
        (lambda x: 2 * analysis.predicted_rate(x), ["your function gives"]),
        (lambda x: 1 / 0, ["ZeroDivisionError", "x = 0.1"]),
        (raises, ["RuntimeError", "not written yet"]),
    ],
)
def test_rate_function_hints(function: Callable[[float], float], words: list[str]) -> None:
    hint(exercises.check_rate_function(function), *words)


def test_mean_rate_hints(population: Result) -> None:
    rate = float(analysis.firing_rates(population).mean())
    hint(exercises.check_mean_rate(rate * 1e-3, population), "spikes per step")
    hint(exercises.check_mean_rate(rate * 2, population), "divide by the duration")
    hint(exercises.check_mean_rate(population.total_spikes, population), "total number")
    hint(exercises.check_mean_rate(population.total_spikes / 2, population), "number of neurons")
    hint(exercises.check_mean_rate(rate + 3, population), "spike_counts")


@pytest.mark.parametrize(
    ("function", "words"),
    [
        (intervals_in_steps, ["in steps", "multiply by dt"]),
        (lambda s, dt: intervals_in_seconds(s, dt) * 1000, ["milliseconds"]),
        (intervals_from_start, ["n - 1 intervals"]),
        (lambda s, dt: torch.nonzero(s).flatten() * dt, ["spike times"]),
        (lambda s, dt: intervals_in_seconds(s, dt).tolist() or [0.0], ["fewer than two spikes"]),
        (lambda s, dt: 1 / 0, ["ZeroDivisionError", "spikes at steps"]),
        (lambda s, dt: None, ["None"]),
        (lambda s, dt: "0.007", ["text"]),
    ],
)
def test_interspike_function_hints(function: Callable[..., object], words: list[str]) -> None:
    hint(exercises.check_interspike_function(function), *words)


def test_interspike_function_hints_a_wrong_length() -> None:
    hint(exercises.check_interspike_function(lambda s, dt: [0.001, 0.002]), "the intervals are")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (float(np.std([0.010, 0.030, 0.020, 0.050])), ["standard deviation", "divides it by their mean"]),
        (float(np.var([0.010, 0.030, 0.020, 0.050])), ["variance"]),
        (
            float(np.mean([0.010, 0.030, 0.020, 0.050]) / np.std([0.010, 0.030, 0.020, 0.050])),
            ["upside down"],
        ),
        (0.0, ["divided by their mean"]),
    ],
)
def test_cv_hints(answer: float, words: list[str]) -> None:
    hint(exercises.check_cv(answer, [0.010, 0.030, 0.020, 0.050]), *words)


def test_cv_hints_when_too_few_intervals_or_malformed_intervals() -> None:
    hint(exercises.check_cv(0.0, [0.01]), "at least two intervals")
    hint(exercises.check_cv(0.5, "0.01, 0.02"), "second argument", "text")
    hint(exercises.check_cv(0.5, [0.01, -0.02, 0.03]), "could not use your answer", "at least 0 s")


def test_huge_and_gradient_carrying_answers_get_feedback() -> None:
    hint(exercises.check_spiking_scale(1e40), "more than just enough")
    _, i = seed_states()
    right(exercises.check_current_trace(i.clone().requires_grad_(True)))
    hint(exercises.check_rheobase(torch.tensor([0.2, 0.3], requires_grad=True)), "single number")


# --- malformed answers get a hint, never a crash ------------------------------------------------------------

NUMBER_CHECKS: list[Callable[[object], Feedback]] = [
    exercises.check_spiking_scale,
    exercises.check_steady_voltage,
    exercises.check_rheobase,
    exercises.check_firing_rate,
]


@pytest.mark.parametrize("check", NUMBER_CHECKS, ids=lambda check: check.__name__)
@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ("0.2", ["text", "without quotes"]),
        (..., ["Replace the `...`"]),
        (None, ["None"]),
        (torch.ones(3), ["shape (3,)", "single number"]),
        (np.array([]), ["single number"]),
        (True, ["bool"]),
        (float("nan"), ["finite"]),
        (1 + 2j, ["complex"]),
        ([0.2], ["list"]),
    ],
)
def test_number_checks_hint_at_malformed_answers(
    check: Callable[[object], Feedback], answer: object, words: list[str]
) -> None:
    hint(check(answer), *words)


def test_mean_rate_hints_at_malformed_answers(population: Result) -> None:
    hint(exercises.check_mean_rate("9 Hz", population), "text")
    hint(exercises.check_mean_rate(9.0, "result"), "second argument")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ("1000, 1", ["tuple"]),
        ((1000.0, 1.0), ["whole numbers"]),
        (torch.zeros(1000, 1), ["its shape"]),
        (..., ["Replace"]),
        (None, ["None"]),
        (7, ["tuple"]),
    ],
)
def test_states_shape_hints_at_malformed_answers(answer: object, words: list[str]) -> None:
    hint(exercises.check_states_shape(answer), *words)


def test_states_shape_hints_at_the_whole_state() -> None:
    _, states = LIF(record_states=True)(inputs.pulses([0.1], steps=200))
    hint(exercises.check_states_shape(states), "shape of its voltage")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ("states.i", ["text"]),
        ({"i": 1}, ["dict"]),
        (..., ["Replace"]),
        ([[1.0], [2.0, 3.0]], ["tensor of numbers"]),
        (torch.ones(1000, dtype=torch.complex64), ["complex"]),
    ],
)
def test_current_trace_hints_at_malformed_answers(answer: object, words: list[str]) -> None:
    hint(exercises.check_current_trace(answer), *words)


def test_current_trace_hints_at_the_whole_state() -> None:
    _, states = LIF(record_states=True)(inputs.pulses([0.100, 0.120], steps=1000))
    hint(exercises.check_current_trace(states), "whole state", "states.i")


@pytest.mark.parametrize(
    "check", [exercises.check_rate_function, exercises.check_interspike_function], ids=lambda c: c.__name__
)
@pytest.mark.parametrize(
    ("answer", "words"),
    [(142.0, ["not a function", "without parentheses"]), ("my_rate", ["not a function"]), (..., ["Replace"])],
)
def test_function_checks_hint_when_given_no_function(
    check: Callable[[object], Feedback], answer: object, words: list[str]
) -> None:
    hint(check(answer), *words)


def test_rate_function_hints_at_malformed_return_values() -> None:
    hint(exercises.check_rate_function(lambda x: "142 Hz"), "x = 0.1", "text")
    hint(exercises.check_rate_function(lambda x: ...), "Your function returns `...`")
    hint(exercises.check_interspike_function(lambda s, dt: ...), "Your function returns `...`")
    hint(exercises.check_rate_function(lambda x: torch.ones(2)), "single number")
    hint(exercises.check_rate_function(lambda: 1.0), "TypeError")


# --- display and solutions ----------------------------------------------------------------------------------


def test_feedback_displays_as_text_and_html() -> None:
    good = exercises.check_rheobase(0.2)
    bad = exercises.check_rheobase(1.0)
    unjudged = exercises.check_rheobase(...)
    assert str(good).startswith("Correct (rheobase): ")
    assert repr(bad).startswith("Not yet (rheobase): ")
    assert str(unjudged).startswith("Hint (rheobase): Replace the `...`")
    assert "<strong>Correct:</strong>" in good._repr_html_()
    assert "<strong>Not yet:</strong>" in bad._repr_html_()
    assert "<strong>Hint:</strong>" in unjudged._repr_html_()


def test_every_exercise_has_a_solution_with_code() -> None:
    # 20 up to notebook 05, four in 06, four in 07, seven in 08, five in 09
    assert len(exercises.EXERCISES) == 40
    for name in exercises.EXERCISES:
        shown = exercises.solution(name)
        assert shown.exercise == name
        assert "```python" in shown.text
        assert f"check_{name}" in shown.text
        assert shown._repr_markdown_().startswith(f"**Solution ({name})**")
        assert str(shown).startswith(f"Solution ({name}):")


def test_solution_lists_the_exercises_for_an_unknown_name() -> None:
    for name in ("rheobse", 3, None):
        shown = exercises.solution(name)
        assert "no exercise called" in shown.text
        assert "'rheobase'" in shown.text


def test_the_checks_stay_importable_without_ipywidgets() -> None:
    assert "ipywidgets" not in exercises.__dict__
    code = "import sys; sys.modules['ipywidgets'] = None; import lifteach.exercises"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_rate_function_is_tried_exactly_at_the_rheobase() -> None:
    # A spike needs v above v_th: at the rheobase the voltage only creeps up to it, and the rate is 0.
    rheobase = analysis.rheobase()
    assert analysis.predicted_rate(rheobase) == 0.0 and rate_by_simulation(rheobase) == 0.0

    def fires_at_the_rheobase(x: float) -> float:
        return 1.0 if x == rheobase else analysis.predicted_rate(x)

    hint(exercises.check_rate_function(fires_at_the_rheobase), "at or below the rheobase", "strictly above")


def test_current_trace_refuses_a_time_axis_in_seconds() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    first_run = simulate(inputs.pulses([0.100, 0.120], steps=1000))
    assert first_run.i is not None
    current = first_run.i[:, 0]
    try:
        for times, label, correct in (
            (first_run.times_ms, "time (ms)", True),
            (first_run.times_ms / 1000, "time (s)", False),
        ):
            _, ax = plt.subplots()
            ax.plot(times, current)
            ax.set(xlabel=label, ylabel="synaptic current i")
            feedback = exercises.check_current_trace(ax)
            assert feedback.correct == correct, feedback
            if not correct:
                assert "time in seconds" in feedback.message and "`first_run.times_ms`" in feedback.message
    finally:
        plt.close("all")
