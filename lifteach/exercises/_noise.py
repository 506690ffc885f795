"""Exercises of notebook 06, *Noise and variability*: the white-noise kick per step at a finer time step, what
a slower synapse does to the noisy current, whether noise makes a neuron below its rheobase fire, and the CV of
fluctuation-driven firing.

Noise strengths are in the input's units per square root of a millisecond (``inputs.noisy_current``'s
``std``: the standard deviation per step at dt = 1 ms), times in ms in the messages, rates in Hz.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import torch

from lifteach import analysis, inputs
from lifteach.exercises import _answers
from lifteach.exercises._answers import Unjudged, close
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.lif import LIFParameters
from lifteach.simulate import Result, simulate

__all__ = [
    "EXERCISES",
    "check_filtered_noise",
    "check_fluctuation_cv",
    "check_noise_per_step",
    "check_noisy_subthreshold",
    "current_spread",
    "subthreshold_rate",
]

NOISE = 0.5
"""The noise strength of the first question, per square root of a ms (the spread per step at dt = 1 ms)."""
FINE_DT_MS = 0.1
"""The finer time step of the first question, ms."""


# --- noise_per_step ----------------------------------------------------------------------------------------


@dataclass
class _PerStep:
    value: float
    noise: float
    dt_ms: float

    @property
    def expected(self) -> float:
        return self.noise * math.sqrt(self.dt_ms)

    @property
    def steps(self) -> int:
        """Steps in 1 ms at the finer dt."""
        return round(1.0 / self.dt_ms)

    def near(self, spread: float) -> bool:
        return close(self.value, spread, relative=2e-2)


def _read_per_step(answer: object) -> _PerStep:
    return _PerStep(_answers.number(answer, "the standard deviation per step"), NOISE, FINE_DT_MS)


NOISE_PER_STEP: Exercise[_PerStep] = Exercise(
    "noise_per_step",
    _read_per_step,
    (
        right(
            "{expected:.3f} = {noise:g} × √{dt_ms:g}. In 1 ms the {steps} smaller kicks add up to a variance "
            "of {steps} × {expected:.3f}² = {noise:g}², the same as one kick of {noise:g} at dt = 1 ms: the "
            "noise per elapsed time stays the same, whatever the step.",
            when=lambda f: f.near(f.expected),
        ),
        not_yet(
            "That scales the noise with dt, as the mean is scaled. But independent kicks add up by their "
            "variances, not their sizes: {steps} kicks of {value:g} have a total spread of only "
            "√{steps} × {value:g}, not {noise:g}, and the noise would fade away as dt shrinks. The variance per "
            "step must scale with dt, so the standard deviation scales with √dt.",
            when=lambda f: f.near(f.noise * f.dt_ms),
        ),
        not_yet(
            "With the same kick at every step, {steps} times as many steps fit in a millisecond, and their "
            "variances add: the total spread would grow √{steps} times. Each kick must shrink so that "
            "{steps} of them add up to a variance of {noise:g}².",
            when=lambda f: f.near(f.noise),
        ),
        not_yet(
            "That is {noise:g} × √{steps}: upside down. A smaller step means more kicks in the same time, so "
            "each kick must be smaller, not larger: their variances add up to {noise:g}² per ms.",
            when=lambda f: f.near(f.noise / math.sqrt(f.dt_ms)) or f.near(f.noise / f.dt_ms),
        ),
        not_yet(
            "That is the variance per step ({noise:g}² × {dt_ms:g}); the question asks for the standard "
            "deviation, its square root.",
            when=lambda f: f.near(f.noise**2 * f.dt_ms),
        ),
        not_yet(
            "In a time T there are T / dt kicks, and independent kicks add up by their variances: T / dt × "
            "(spread per step)². For that to depend on T alone, the variance per step must be proportional "
            "to dt."
        ),
    ),
)


def check_noise_per_step(answer: object) -> Feedback:
    """The standard deviation per step at dt = 0.1 ms of white noise of 0.5 per √ms (0.5 per step at 1 ms).

    Args:
        answer: the learner's standard deviation per step (input units, within 2%).
    """
    return NOISE_PER_STEP.check(answer)


# --- filtered_noise ----------------------------------------------------------------------------------------


@functools.cache
def current_spread(tau_syn_ms: float, noise: float = NOISE, dt_ms: float = FINE_DT_MS) -> float:
    """The standard deviation of the synaptic current ``i`` under white noise of ``noise`` per √ms, mean 0.

    200 neurons for 1 s at ``dt_ms``, the first 50 ms left out (the current starts at 0); seed 5.
    """
    dt = dt_ms / 1000.0
    steps = round(1000.0 / dt_ms)
    kicks = inputs.noisy_current(0.0, noise, steps, 200, seed=5, dt=dt)
    # A threshold the current never reaches: only the current is asked about, no spike resets anything.
    p = LIFParameters(tau_syn_inv=1000.0 / tau_syn_ms, v_th=1e9)
    run = simulate(kicks, p, dt, record=("i",), record_neurons="all")
    assert run.i is not None
    return float(run.i[round(50.0 / dt_ms) :].std())


@dataclass
class _Filtered:
    answer: str

    @property
    def short(self) -> float:
        return current_spread(5.0)

    @property
    def long(self) -> float:
        return current_spread(10.0)

    @property
    def ratio(self) -> float:
        return self.long / self.short


def _read_filtered(answer: object) -> _Filtered:
    return _Filtered(_answers.choice(answer, ("larger", "smaller", "same"), "the change in the spread"))


FILTERED_NOISE: Exercise[_Filtered] = Exercise(
    "filtered_noise",
    _read_filtered,
    (
        right(
            "Larger: the current's standard deviation grows from {short:.2f} at τ_syn = 5 ms to {long:.2f} at "
            "10 ms, {ratio:.2f} times, close to √2. The kicks are not divided by τ_syn: a slower current "
            "keeps each kick for longer, so more of them pile up, and its variance settles at "
            "σ² τ_syn / 2, twice as large.",
            when=lambda f: f.answer == "larger",
        ),
        not_yet(
            "A slower filter does smooth the current (its ups and downs last longer), but here the kicks "
            "are not divided by τ_syn: each one stays for longer, more of them overlap, and the spread "
            "grows. The variance settles where the decay, 2 Var / τ_syn per ms, balances the σ² the kicks "
            "add per ms.",
            when=lambda f: f.answer == "smaller",
        ),
        not_yet(
            "τ_syn decides how long each kick stays in the current, and so how many kicks overlap at any "
            "moment. The variance settles where the decay, 2 Var / τ_syn per ms, balances the σ² the kicks "
            "add per ms: what does doubling τ_syn do to it?"
        ),
    ),
)


def check_filtered_noise(answer: object) -> Feedback:
    """With the same white noise, is the current's spread "larger", "smaller" or the "same" at τ_syn = 10 ms?

    Args:
        answer: the learner's word (compared with τ_syn = 5 ms; noise 0.5 per √ms at dt = 0.1 ms).
    """
    return FILTERED_NOISE.check(answer)


# --- noisy_subthreshold ------------------------------------------------------------------------------------

SUBTHRESHOLD_MEAN, SUBTHRESHOLD_NOISE = 0.8, 1.0
"""The question's mean input and noise, in multiples of the rheobase (0.2 per step; noise per √ms)."""


@functools.cache
def subthreshold_rate(noise: float = SUBTHRESHOLD_NOISE) -> float:
    """The rate in Hz of a neuron at 0.8 x the rheobase with ``noise`` x the rheobase per √ms: 10 s, seed 6."""
    unit = analysis.rheobase()
    x = inputs.noisy_current(SUBTHRESHOLD_MEAN * unit, noise * unit, 10_000, seed=6)
    return float(analysis.firing_rates(simulate(x, record=()))[0])


@dataclass
class _Subthreshold:
    answer: str
    mean: float = SUBTHRESHOLD_MEAN
    noise: float = SUBTHRESHOLD_NOISE

    @property
    def rate(self) -> float:
        return subthreshold_rate()

    @property
    def quiet(self) -> float:
        return subthreshold_rate(0.0)


def _read_subthreshold(answer: object) -> _Subthreshold:
    return _Subthreshold(_answers.choice(answer, ("fires", "silent"), "what the neuron does"))


NOISY_SUBTHRESHOLD: Exercise[_Subthreshold] = Exercise(
    "noisy_subthreshold",
    _read_subthreshold,
    (
        right(
            "It fires: {rate:.1f} Hz at a mean of {mean:g} × the rheobase with noise {noise:g}, where the same "
            "mean without noise gives {quiet:g} Hz. The rheobase is a statement about the mean: the noise "
            "swings the current above it now and then, and a swing that lasts a few ms lifts the voltage over "
            "the threshold.",
            when=lambda f: f.answer == "fires",
        ),
        not_yet(
            "Without noise it would stay silent: the voltage settles at {mean:g} of the threshold. But the "
            "noise makes the current swing around its mean, half of the time above it, and a swing that "
            "lasts a few ms carries the voltage over the threshold. The rheobase is about the mean input, "
            "not about every moment."
        ),
    ),
)


def check_noisy_subthreshold(answer: object) -> Feedback:
    """Does a neuron at 0.8 x the rheobase with noise of 1 x the rheobase per √ms "fires" or stay "silent"?

    Args:
        answer: the learner's word.
    """
    return NOISY_SUBTHRESHOLD.check(answer)


# --- fluctuation_cv ----------------------------------------------------------------------------------------


@dataclass
class _Fluctuation:
    value: float
    expected: float
    """The CV of the grid's fluctuation-driven neuron (lowest mean among the noisiest inputs)."""
    rate: float
    """Its rate, Hz."""
    mean: float
    noise: float
    """Its nominal mean input and noise in multiples of the rheobase (noise per √ms), as the grid was made."""
    regular: float
    """The CV of the mean-driven corner of the grid: the highest mean with the weakest noise above 0."""
    regular_mean: float
    regular_noise: float

    def near(self, cv: float, within: float) -> bool:
        return abs(self.value - cv) <= within


_CALL = "`check_fluctuation_cv(my_cv, grid, mean_of, noise_of)`"


def _per_neuron(values: object, grid: Result, what: str) -> np.ndarray:
    """The grid's nominal ``values`` (one per neuron, any shape with that many entries) as a flat array."""
    if values is None:
        raise Unjudged(
            f"Pass the grid's {what} too, one per neuron in multiples of the rheobase, as the grid was made: "
            f"{_CALL}. (A mean measured from the noisy input is off by the noise's own wobble.)"
        )
    flat = _answers.tensor(values, f"the grid's {what}").reshape(-1).numpy()
    if flat.size != grid.n_neurons:
        raise Unjudged(
            f"The grid's {what} hold {flat.size} values, the grid has {grid.n_neurons} neurons: give one per "
            f"neuron, in the order of the grid's columns ({_CALL})."
        )
    return flat


def _read_fluctuation(
    answer: object, grid: object, means: object = None, noises: object = None
) -> _Fluctuation:
    if not isinstance(grid, Result) or grid.input.dtype == torch.bool or grid.n_neurons < 4:
        raise Unjudged(
            f"Pass the grid's simulation as the second argument: {_CALL}, with one neuron per grid point."
        )
    value = _answers.number(answer, "the CV")
    nominal_means = _per_neuron(means, grid, "mean inputs")
    nominal_noises = _per_neuron(noises, grid, "noise strengths")
    cvs = analysis.coefficients_of_variation(grid)
    noisiest = np.isclose(nominal_noises, nominal_noises.max())
    corner = int(np.flatnonzero(noisiest)[np.argmin(nominal_means[noisiest])])
    if not math.isfinite(cvs[corner]):
        raise Unjudged(
            "The grid's noisiest, weakest-driven neuron fired fewer than three spikes: run the grid longer, "
            "or with more noise, so that it has intervals to measure."
        )
    noisy = nominal_noises > 0
    strongest = noisy & np.isclose(nominal_means, nominal_means[noisy].max())
    regular = int(np.flatnonzero(strongest)[np.argmin(nominal_noises[strongest])])
    rate = float(analysis.firing_rates(grid)[corner])
    return _Fluctuation(
        value,
        float(cvs[corner]),
        rate,
        float(nominal_means[corner]),
        float(nominal_noises[corner]),
        float(cvs[regular]),
        float(nominal_means[regular]),
        float(nominal_noises[regular]),
    )


FLUCTUATION_CV: Exercise[_Fluctuation] = Exercise(
    "fluctuation_cv",
    _read_fluctuation,
    (
        right(
            "The grid's neuron at a mean of {mean:.2g} × the rheobase and noise {noise:.2g} × the rheobase per "
            "√ms fires at {rate:.1f} Hz with CV {expected:.2f}, near a Poisson process's 1. Its mean input "
            "alone never reaches the threshold: it waits for the noise to push it over, and when that happens "
            "is random, whatever happened before. The mean-driven corner (mean {regular_mean:.2g}, noise "
            "{regular_noise:.2g}) is a near-clock (CV {regular:.2f}).",
            when=lambda f: f.near(f.expected, 0.25),
        ),
        not_yet(
            "A CV is a standard deviation over a mean, so it is never below 0; 0 is a clock.",
            when=lambda f: f.value < 0,
        ),
        not_yet(
            "CV 0 is a clock: every interval the same, as under a constant input above the rheobase. This "
            "neuron's mean input is below the rheobase: without the noise it would never fire, so every "
            "spike waits for a random upswing, and the intervals are as irregular as the noise.",
            when=lambda f: f.value < 0.1,
        ),
        not_yet(
            "That is how irregular a mean-driven neuron is (CV {regular:.2f} at a mean of {regular_mean:.2g} "
            "and noise {regular_noise:.2g}, the grid's strongest-driven noisy corner), where the voltage climbs to the threshold on its own and the noise only jitters "
            "the arrival. Here the mean stays below the threshold: the neuron waits for the noise, and "
            "waiting for a random event makes the intervals about as variable as they are long.",
            when=lambda f: f.value < f.expected - 0.25,
        ),
        not_yet(
            "More irregular than a Poisson process (CV 1) takes bursts: spikes in clumps, then long pauses. "
            "After a spike this neuron starts from the reset and must wait for the noise again, so its "
            "intervals are about as irregular as random arrivals, not more."
        ),
    ),
)


def check_fluctuation_cv(
    answer: object, grid: object, means: object = None, noises: object = None
) -> Feedback:
    """The CV of the fluctuation-driven corner of a grid run (lowest mean among the noisiest neurons).

    Args:
        answer: the learner's CV (a number, no unit; within 0.25 of the measured one).
        grid: the ``Result`` of the grid: one neuron per pair of mean input and noise (``noisy_current``).
        means, noises: the grid's nominal mean input and noise of each neuron (any shape with one value per
            neuron, in the order of the grid's columns), in multiples of the rheobase (noise per √ms): the
            values the grid was made with, which the feedback quotes.
    """
    return FLUCTUATION_CV.check(answer, grid, means, noises)


EXERCISES = (NOISE_PER_STEP, FILTERED_NOISE, NOISY_SUBTHRESHOLD, FLUCTUATION_CV)
"""This notebook's exercises, in the order the notebook meets them."""
