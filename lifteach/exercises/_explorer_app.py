"""Questions of the explorer app (notebook 02), checked in notebook 04: what the default spike input drives,
and the threshold at which half of the neurons fall silent.

They are about the explorer's default population: 1000 neurons for one second (dt = 1 ms), each with its own
Bernoulli input spikes at 10 Hz (seed 0), each spike a jump of 1 in the synaptic current, Norse's time
constants (10 ms membrane, 5 ms synapse). ``tests/test_exercises.py`` holds this input equal to the explorer's
``simulation_arguments({})``; the explorer itself is not imported here, because it needs ipywidgets.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch

from lifteach import analysis, inputs
from lifteach.exercises import _answers
from lifteach.exercises._answers import close
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.lif import LIFParameters
from lifteach.simulate import simulate

__all__ = ["EXERCISES", "check_half_silent", "check_spike_drive", "explorer_default_input"]

_NEURONS, _STEPS, _RATE_HZ, _WEIGHT, _DT = 1000, 1000, 10.0, 1.0, 1e-3
_HALF_BAND = 0.05
"""An answer is right when the silent fraction at that threshold is within 5 percentage points of a half."""


def explorer_default_input() -> torch.Tensor:
    """The explorer's default input: Bernoulli spikes at 10 Hz of weight 1, shape (1000 steps, 1000 neurons)."""
    return inputs.poisson_spikes(_RATE_HZ, _STEPS, _NEURONS, _DT, seed=0).float().mul_(_WEIGHT)


# --- spike_drive -------------------------------------------------------------------------------------------


@dataclass
class _Drive:
    value: float
    weight: float
    rate: float
    """Hz."""
    dt: float
    """s."""

    @property
    def per_step(self) -> float:
        """The mean input per step: the weight times the probability of a spike in a step."""
        return self.weight * self.rate * self.dt

    @property
    def threshold_input(self) -> float:
        return analysis.rheobase(LIFParameters(), self.dt)

    @property
    def expected(self) -> float:
        return self.per_step / self.threshold_input

    @property
    def probability(self) -> float:
        return self.rate * self.dt

    def near(self, value: float) -> bool:
        return close(self.value, value, relative=1e-2)


def _read_drive(answer: object, weight: float, rate: float, dt: float) -> _Drive:
    return _Drive(_answers.number(answer, "the mean drive"), weight, rate, dt)


SPIKE_DRIVE: Exercise[_Drive] = Exercise(
    "spike_drive",
    _read_drive,
    (
        right(
            "{expected:g} times the rheobase: a spike of weight {weight:g} arrives with probability "
            "{probability:g} per step, so the mean input is {per_step:g} per step, and the rheobase is "
            "{threshold_input:g}. The mean alone would never make a neuron fire: the spikes that do come "
            "close together do.",
            when=lambda f: f.near(f.expected),
        ),
        not_yet(
            "{value:g} is one spike's jump in rheobases ({weight:g} / {threshold_input:g}). But a spike "
            "arrives on only a fraction {probability:g} of the steps (rate x dt): the mean input per step is "
            "the weight times that fraction.",
            when=lambda f: f.near(f.weight / f.threshold_input),
        ),
        not_yet(
            "{value:g} is the mean input per step itself (weight x rate x dt); the question asks for it in "
            "multiples of the rheobase, {threshold_input:g}.",
            when=lambda f: f.near(f.per_step),
        ),
        not_yet(
            "Mind the units: the rate is per second and the input per step; a spike arrives with "
            "probability rate x dt per step.",
            when=lambda f: f.near(f.weight * f.rate / f.threshold_input),
        ),
        not_yet(
            "Each step, a spike arrives with probability rate x dt and makes the current jump by the weight: "
            "the mean input per step is their product. Divide it by the rheobase ({threshold_input:g})."
        ),
    ),
)


def check_spike_drive(answer: object, weight: float = 1.0, rate: float = 10.0, dt: float = 1e-3) -> Feedback:
    """The mean input per step of Bernoulli spikes, in multiples of the default neuron's rheobase.

    Args:
        answer: the learner's multiple (a number, no unit).
        weight: the jump each input spike gives the synaptic current (model units).
        rate: the input rate in Hz.
        dt: time step in seconds.
    """
    return SPIKE_DRIVE.check(answer, weight, rate, dt)


# --- half_silent -------------------------------------------------------------------------------------------


@functools.cache
def _peak_voltages() -> np.ndarray:
    """Each neuron's highest voltage under the default input if it never spiked, sorted.

    Until its first spike a neuron runs the same as one without a threshold, so a neuron stays silent at
    ``v_th`` exactly when this peak is not above ``v_th``: one run answers the question for every threshold.
    """
    free = simulate(explorer_default_input(), LIFParameters(v_th=1e9), record=("v",), record_neurons="all")
    assert free.v is not None
    return np.sort(free.v.max(dim=0).values.double().numpy())


@dataclass
class _Silent:
    value: float
    peaks: np.ndarray
    """Sorted peak voltages of the neurons without threshold."""

    @property
    def silent(self) -> int:
        return int(np.searchsorted(self.peaks, self.value, side="right"))

    @property
    def neurons(self) -> int:
        return len(self.peaks)

    @property
    def percent(self) -> float:
        return 100.0 * self.silent / self.neurons

    @property
    def half_way(self) -> float:
        """A threshold with exactly half of the neurons silent (the middle of the two middle peaks)."""
        middle = self.neurons // 2
        return float((self.peaks[middle - 1] + self.peaks[middle]) / 2)

    @property
    def near_half(self) -> bool:
        return abs(self.silent / self.neurons - 0.5) <= _HALF_BAND


def _read_silent(answer: object) -> _Silent:
    return _Silent(_answers.number(answer, "the threshold v_th"), _peak_voltages())


HALF_SILENT: Exercise[_Silent] = Exercise(
    "half_silent",
    _read_silent,
    (
        not_yet(
            "v_th is a voltage above v_reset = 0; at or below 0 every neuron would fire at once.",
            when=lambda f: f.value <= 0,
        ),
        right(
            "At v_th = {value:g}, {silent} of the {neurons} neurons never fire ({percent:.1f}%); about "
            "{half_way:.3f} silences exactly half. A lone input spike lifts the voltage by only about 0.27, "
            "so above that a neuron fires only when input spikes come close together, and the higher the "
            "threshold, the more of them it needs at once: fewer neurons ever get that lucky.",
            when=lambda f: f.near_half,
        ),
        not_yet(
            "At v_th = {value:g} only {silent} of the {neurons} neurons stay silent ({percent:.1f}%): raise "
            "the threshold, so that more neurons never gather enough input spikes close together.",
            when=lambda f: f.silent < f.neurons / 2,
        ),
        not_yet(
            "At v_th = {value:g}, {silent} of the {neurons} neurons stay silent ({percent:.1f}%), more than "
            "half: lower the threshold."
        ),
    ),
)


def check_half_silent(answer: object) -> Feedback:
    """The threshold at which half of the explorer's default population fires no spike at all (within 5%).

    Args:
        answer: the learner's threshold ``v_th`` (model units); right when 45% to 55% of the 1000 neurons
            stay silent at it.
    """
    return HALF_SILENT.check(answer)


EXERCISES = (SPIKE_DRIVE, HALF_SILENT)
"""The explorer app's questions, in the order notebook 02 asks them."""
