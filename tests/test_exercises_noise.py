"""Notebook 06's exercises (lifteach.exercises._noise): every verdict reachable, a hint for each real mistake,
and the checks' own simulations equal to the notebook's."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import torch

from lifteach import Result, analysis, exercises, inputs, simulate
from lifteach.exercises import Feedback, _noise

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "06_noise_and_variability.md"


def right(feedback: Feedback, *words: str) -> None:
    assert feedback.correct, feedback.message
    assert feedback.verdict == "Correct"
    for word in words:
        assert word in feedback.message, feedback.message


def hint(feedback: Feedback, *words: str) -> None:
    assert not feedback.correct, feedback.message
    assert feedback.verdict in ("Not yet", "Hint")
    for word in words:
        assert word in feedback.message, feedback.message


# --- noise_per_step ----------------------------------------------------------------------------------------


def test_the_kick_per_step_scales_with_the_square_root_of_dt() -> None:
    right(exercises.check_noise_per_step(0.5 * math.sqrt(0.1)), "0.158", "whatever the step")
    right(exercises.check_noise_per_step(0.158))
    right(exercises.check_noise_per_step(torch.tensor(0.1581)))


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (0.05, ["scales the noise with dt", "variances", "√dt"]),  # scaled like the mean
        (0.5, ["10 times as many steps", "variances add"]),  # left unchanged
        (0.5 * math.sqrt(10), ["upside down"]),
        (5.0, ["upside down"]),
        (0.025, ["variance per step"]),
        (0.3, ["T / dt", "proportional"]),
    ],
)
def test_the_kick_per_step_hints_name_the_mistake(answer: float, words: list[str]) -> None:
    feedback = exercises.check_noise_per_step(answer)
    hint(feedback, *words)
    assert feedback.verdict == "Not yet"
    assert "exercises.solution('noise_per_step')" in feedback.message


def test_an_unreadable_kick_is_a_hint_not_an_error() -> None:
    for answer in (..., "0.158", None, [0.1, 0.2]):
        feedback = exercises.check_noise_per_step(answer)
        assert feedback.verdict == "Hint", feedback


def test_the_kick_per_step_matches_noisy_current() -> None:
    # The check's right answer is what inputs.noisy_current does at 0.1 ms.
    kicks = inputs.noisy_current(0.0, _noise.NOISE, 20_000, 50, seed=0, dt=_noise.FINE_DT_MS / 1000)
    assert float(kicks.std()) == pytest.approx(0.5 * math.sqrt(0.1), rel=1e-2)


# --- filtered_noise ----------------------------------------------------------------------------------------


def test_a_slower_synapse_spreads_the_noisy_current_more() -> None:
    right(exercises.check_filtered_noise("larger"), "Larger", "√2", "σ² τ_syn / 2")
    right(exercises.check_filtered_noise(" Larger "))
    hint(exercises.check_filtered_noise("smaller"), "not divided by τ_syn")
    hint(exercises.check_filtered_noise("same"), "how many kicks overlap")
    assert exercises.check_filtered_noise("bigger").verdict == "Hint"


def test_the_current_spread_follows_the_ornstein_uhlenbeck_variance() -> None:
    for tau_syn_ms in (5.0, 10.0):
        assert _noise.current_spread(tau_syn_ms) == pytest.approx(0.5 * math.sqrt(tau_syn_ms / 2), rel=0.05)
    assert _noise.current_spread(10.0) / _noise.current_spread(5.0) == pytest.approx(math.sqrt(2), rel=0.05)


# --- noisy_subthreshold ------------------------------------------------------------------------------------


def test_noise_makes_a_neuron_below_its_rheobase_fire() -> None:
    right(exercises.check_noisy_subthreshold("fires"), "It fires", "0 Hz")
    hint(exercises.check_noisy_subthreshold("silent"), "about the mean input")
    assert exercises.check_noisy_subthreshold(True).verdict == "Hint"
    assert _noise.subthreshold_rate(0.0) == 0.0
    assert _noise.subthreshold_rate() > 1.0


# --- fluctuation_cv ----------------------------------------------------------------------------------------


MEAN_OF, NOISE_OF = torch.meshgrid(
    torch.tensor([0.5, 1.75, 3.0]), torch.tensor([0.0, 1.5, 3.0]), indexing="ij"
)
"""A 3 x 3 grid as the notebook's (row: mean, column: noise): mean 0.5 to 3, noise 0 to 3 x rheobase."""


def small_grid(seed: int = 4) -> Result:
    """The 3 x 3 grid, 20 s."""
    unit = analysis.rheobase()
    x = inputs.noisy_current(MEAN_OF.reshape(-1) * unit, NOISE_OF.reshape(-1) * unit, 20_000, 9, seed=seed)
    return simulate(x, record=())


@pytest.fixture(scope="module")
def grid() -> Result:
    return small_grid()


def check(answer: object, grid: object) -> exercises.Feedback:
    return exercises.check_fluctuation_cv(answer, grid, MEAN_OF, NOISE_OF)


def test_the_fluctuation_driven_corner_is_poisson_like(grid: Result) -> None:
    cvs = analysis.coefficients_of_variation(grid)
    corner = float(cvs[2])  # row 0 (mean 0.5), column 2 (noise 3)
    assert 0.8 < corner < 1.3  # about 1: 20 s give a few hundred intervals
    right(check(corner, grid), f"CV {corner:.2f}", "Poisson", "mean of 0.5 × the rheobase and noise 3 ×")
    right(check(1.0, grid), "The mean-driven corner (mean 3, noise 1.5)")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (0.0, ["CV 0 is a clock", "below the rheobase"]),
        (-0.5, ["never below 0"]),
        (0.3, ["mean-driven", "waits for the noise"]),
        (2.0, ["bursts"]),
    ],
)
def test_the_fluctuation_cv_hints_name_the_mistake(grid: Result, answer: float, words: list[str]) -> None:
    feedback = check(answer, grid)
    hint(feedback, *words)
    assert feedback.verdict == "Not yet"


def test_the_fluctuation_cv_needs_the_grid(grid: Result) -> None:
    hint(check(1.0, "grid"), "second argument")
    hint(check(..., grid), "Replace the `...`")
    silent = simulate(torch.zeros(100, 9))
    hint(check(1.0, silent), "fewer than three spikes")
    hint(exercises.check_fluctuation_cv(1.0, grid), "mean inputs too", "as the grid was made")
    hint(exercises.check_fluctuation_cv(1.0, grid, MEAN_OF, NOISE_OF[:2]), "hold 6 values", "9 neurons")


def test_the_fluctuation_cv_feedback_states_the_numbers_notebook_06_states() -> None:
    # The grid of notebook 06, as its cell makes it: the check's numbers must be the ones the text gives.
    unit = analysis.rheobase()
    mean_of, noise_of = torch.meshgrid(
        torch.linspace(0.5, 3.0, 11), torch.linspace(0.0, 3.0, 11), indexing="ij"
    )
    x = inputs.noisy_current(
        mean_of.reshape(-1) * unit, noise_of.reshape(-1) * unit, steps=20_000, neurons=mean_of.numel(), seed=4
    )
    source = NOTEBOOK.read_text(encoding="utf-8")
    assert "steps=20_000, neurons=mean_of.numel(), seed=4" in source
    assert "exercises.check_fluctuation_cv(my_cv, grid, mean_of, noise_of)" in source
    message = exercises.check_fluctuation_cv(1.0, simulate(x, record=()), mean_of, noise_of).message
    found = re.search(
        r"mean of ([\d.]+) × the rheobase and noise ([\d.]+) × the rheobase per √ms fires at ([\d.]+) Hz with "
        r"CV ([\d.]+).*\(mean ([\d.]+), noise ([\d.]+)\) is a near-clock \(CV ([\d.]+)\)",
        message,
    )
    assert found, message
    mean, noise, rate, cv, regular_mean, regular_noise, regular_cv = found.groups()
    prose = " ".join(source.split())
    assert f"At half the rheobase with noise {noise} it fires at {rate} Hz with CV {cv}" in prose
    assert mean == "0.5"
    assert f"At {regular_mean} times the rheobase with a little noise ({regular_noise})" in prose
    assert re.search(
        rf"with a little noise \({regular_noise}\) the firing stays almost regular, [\d.]+ Hz with CV {regular_cv}",
        prose,
    )


def test_the_checks_simulate_what_the_notebook_simulates() -> None:
    # The checks quote numbers of their own runs: they must be the runs the notebook describes.
    source = NOTEBOOK.read_text(encoding="utf-8")
    assert "inputs.noisy_current(mean=0.0, std=0.5, steps=10_000, neurons=200, seed=5, dt=fine_dt)" in source
    assert re.search(r"fine_dt = 1e-4", source)
    assert "a mean of 0.8 times the rheobase" in source and "noise of 1 times the rheobase" in source
    assert (_noise.SUBTHRESHOLD_MEAN, _noise.SUBTHRESHOLD_NOISE) == (0.8, 1.0)
    assert "dt = 0.1 ms" in source and _noise.FINE_DT_MS == 0.1 and _noise.NOISE == 0.5
