"""The checked predictions of notebooks 01, 04 and 09: every verdict reachable, and what each right answer
says true of the simulation it talks about."""

from __future__ import annotations

import pytest
import torch

from lifteach import LIFParameters, exercises, inputs, simulate
from lifteach.exercises import _steps
from lifteach.explorer import simulation_arguments
from lifteach.inspector import step_numbers

INPUT_SPIKES = inputs.poisson_spikes(rate=10.0, steps=1000, neurons=1000, seed=0)
POPULATION = simulate(INPUT_SPIKES, LIFParameters(v_th=0.3))  # notebook 01's population

CASES = [
    (exercises.check_current_shape, ("jumps",), "Correct", "loses a fraction"),
    (exercises.check_current_shape, ("rises",), "Not yet", "what the voltage does"),
    (exercises.check_current_shape, ("steps",), "Not yet", "a synapse forgets"),
    (exercises.check_current_shape, ("decays",), "Hint", '"jumps" or "rises" or "steps"'),
    (exercises.check_raster_marks, ("spikes", POPULATION), "Correct", "2511 marks"),
    (exercises.check_raster_marks, ("neurons", POPULATION), "Not yet", "marks events, not neurons"),
    (exercises.check_raster_marks, ("inputs", POPULATION), "Not yet", "what drove them"),
    (exercises.check_raster_marks, ("spikes", 3), "Hint", "Pass the simulation"),
    (exercises.check_hand_intervals, ([0.003, 0.004],), "Correct", "three spikes make two intervals"),
    (exercises.check_hand_intervals, (torch.tensor([0.003, 0.004]),), "Correct", "their differences"),
    (exercises.check_hand_intervals, ([3, 4],), "Not yet", "intervals in steps"),
    (exercises.check_hand_intervals, ([0.002, 0.005, 0.009],), "Not yet", "times of the spikes"),
    (exercises.check_hand_intervals, ([2, 5, 9],), "Not yet", "times of the spikes"),
    (exercises.check_hand_intervals, ([0.002, 0.003, 0.004],), "Not yet", "from step 0 to the first spike"),
    (exercises.check_hand_intervals, ([0.004],), "Not yet", "make two intervals between consecutive"),
    (exercises.check_hand_intervals, (...,), "Hint", "Replace the `...`"),
    (exercises.check_most_irregular, ("fluctuation-driven",), "Correct", "waits for the noise"),
    (exercises.check_most_irregular, ("constant",), "Not yet", "makes a clock"),
    (exercises.check_most_irregular, ("noisy",), "Not yet", "still climbs to the threshold on its own"),
    (exercises.check_step_input, ("yes",), "Correct", "is 0.0300, not 0"),
    (exercises.check_step_input, ("no",), "Not yet", "order of the lines"),
    (exercises.check_spike_step_voltage, ("no",), "Correct", "(step 15) is 0.0000, the reset value"),
    (exercises.check_spike_step_voltage, ("yes",), "Not yet", "Which of the two values is left"),
    (exercises.check_spike_step_voltage, ("maybe",), "Hint", '"yes" or "no"'),
    (exercises.check_step_error, ("more",), "Correct", "+1.57e-02 at dt = 1 ms to +4.03e-03 at 0.5 ms"),
    (exercises.check_step_error, ("halves",), "Not yet", "error over a fixed time"),
    (exercises.check_step_error, ("less",), "Not yet", "Two factors of dt"),
    (exercises.check_surrogate_peak, (14,), "Correct", "0.9863 is the nearest to the threshold"),
    (exercises.check_surrogate_peak, (15,), "Not yet", "does not ask on which side"),
    (exercises.check_surrogate_peak, (0,), "Not yet", "far below the threshold"),
    (exercises.check_surrogate_peak, (7,), "Not yet", "Choose one of the three steps"),
    (exercises.check_held_interval, (3,), "Correct", "every 14 steps instead of 11"),
    (exercises.check_held_interval, (0,), "Not yet", "How many steps does the hold last"),
    (exercises.check_held_interval, (4,), "Not yet", "the current is not held"),
    (exercises.check_held_interval, (1.5,), "Not yet", "three steps of 1 ms"),
]


@pytest.mark.parametrize(
    ("check", "args", "verdict", "words"),
    CASES,
    ids=[f"{check.__name__}-{args[0]!r}"[:40] for check, args, _, _ in CASES],
)
def test_every_verdict_of_the_predictions_is_reachable(
    check: object, args: tuple[object, ...], verdict: str, words: str
) -> None:
    feedback = check(*args)  # type: ignore[operator]
    assert feedback.verdict == verdict and words in feedback.message, feedback


def test_the_raster_has_one_mark_per_spike() -> None:
    steps, neurons = POPULATION.spike_indices()
    assert len(steps) == len(neurons) == POPULATION.total_spikes == int(POPULATION.spikes.sum())


SETTINGS = {"input_kind": "constant", "scale": 1.5, "v_th": 1.0, "n_neurons": 1, "duration": 100}


@pytest.mark.parametrize(("dt_ms", "refractory"), [(1.0, 0.0), (0.5, 0.0), (1.0, 3.0)])
def test_the_step_checks_run_the_neuron_the_inspector_shows(dt_ms: float, refractory: float) -> None:
    # Notebook 09 reads its numbers off the inspector, whose run is simulation_arguments(settings); the checks
    # run the same neuron through simulate (no widgets) and read its steps with the inspector's step_numbers.
    shown = simulate(**simulation_arguments({**SETTINGS, "dt": dt_ms, "refractory": refractory}))
    mine = _steps._run(dt_ms, refractory)
    assert shown.v is not None and mine.v is not None
    assert torch.equal(shown.spikes, mine.spikes) and torch.equal(shown.v, mine.v)
    for step in (0, 10, 15, 30):
        numbers, own = step_numbers(shown, 0, step), _steps._step(mine, step)
        assert own.v_decayed == pytest.approx(numbers.v_decayed, abs=1e-6)
        assert own.exact_v == pytest.approx(numbers.exact_v, abs=1e-6)
        if numbers.rho == 0:  # a held step masks the spike, and its surrogate is 0
            assert own.surrogate == pytest.approx(numbers.surrogate, abs=1e-6)
