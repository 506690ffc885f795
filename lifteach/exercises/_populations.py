"""Exercises of notebook 04, *Populations and variability*: a population's mean rate, the intervals between
spikes of a small example worked by hand and then as a function, which of three neurons fires most irregularly,
and the coefficient of variation of its intervals.

Rates are in Hz, intervals and ``dt`` in seconds, the CV has no unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from lifteach import analysis
from lifteach.exercises import _answers
from lifteach.exercises._answers import Unjudged, close
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.exercises._threshold import unit_slip
from lifteach.simulate import Result

__all__ = [
    "EXERCISES",
    "check_cv",
    "check_hand_intervals",
    "check_interspike_function",
    "check_mean_rate",
    "check_most_irregular",
]


# --- mean_rate ---------------------------------------------------------------------------------------------


@dataclass
class _MeanRate:
    value: float
    """Hz."""
    expected: float
    """Hz."""
    total_spikes: int
    n_neurons: int
    duration: float
    """s."""
    dt: float

    @property
    def per_neuron(self) -> float:
        return self.total_spikes / self.n_neurons

    @property
    def slip(self) -> str | None:
        return unit_slip(self.value, self.expected, self.dt)

    def near(self, rate: float) -> bool:
        return close(self.value, rate, relative=1e-2)


def _read_mean_rate(answer: object, result: object) -> _MeanRate:
    if not isinstance(result, Result):
        raise Unjudged("Pass the simulation as the second argument: `check_mean_rate(your_rate, result)`.")
    value = _answers.number(answer, "the mean rate")
    expected = float(analysis.firing_rates(result).mean())
    return _MeanRate(value, expected, result.total_spikes, result.n_neurons, result.duration, result.dt)


MEAN_RATE: Exercise[_MeanRate] = Exercise(
    "mean_rate",
    _read_mean_rate,
    (
        right(
            "{expected:.2f} Hz: {total_spikes} spikes from {n_neurons} neurons in "
            "{duration:g} s, that is {per_neuron:.2f} spikes per neuron, divided by the duration.",
            when=lambda f: f.near(f.expected),
        ),
        not_yet("{slip}", when=lambda f: f.slip is not None),
        not_yet(
            "That is the number of spikes per neuron in the whole run of {duration:g} s; a rate "
            "is per second: divide by the duration.",
            when=lambda f: not close(f.duration, 1.0) and f.near(f.per_neuron),
        ),
        not_yet(
            "That is the total number of spikes of all neurons; the mean rate is per neuron and per second.",
            when=lambda f: f.near(f.total_spikes),
        ),
        not_yet(
            "That is the rate of the whole population together; divide by the number of neurons.",
            when=lambda f: f.near(f.total_spikes / f.duration),
        ),
        not_yet(
            "Count the spikes of each neuron (`analysis.spike_counts`), divide by the duration in seconds, "
            "then average over neurons."
        ),
    ),
)


def check_mean_rate(answer: object, result: object) -> Feedback:
    """The mean firing rate of the population in ``result``, in Hz per neuron (within 1%).

    Args:
        answer: the learner's rate in Hz (a number).
        result: the ``Result`` of the simulation the question is about.
    """
    return MEAN_RATE.check(answer, result)


# --- interspike_function -----------------------------------------------------------------------------------

# (spike steps, train length in steps, dt in s). The first train uses dt = 0.5 ms, so that intervals in steps
# and in ms differ; the last two have no interval at all.
_TRAINS = [((3, 10, 12, 30), 50, 5e-4), ((5, 25), 40, 1e-3), ((7,), 20, 1e-3), ((), 20, 1e-3)]


def _intervals(value: object, case: str) -> np.ndarray:
    """An answer read as a flat array of intervals; ``case`` says which call or argument it came from."""
    try:
        return _answers.tensor(value, "the list of intervals").reshape(-1).numpy()
    except Unjudged as unjudged:
        raise Unjudged(f"For {case}: {unjudged}") from None


@dataclass
class _Intervals:
    """The first spike train the learner's function got wrong, or ``case=None`` if it got all of them."""

    case: str | None = None
    spikes: int = 0
    got: np.ndarray | None = None
    """The function's intervals (s)."""
    times: np.ndarray | None = None
    """The spike times (s)."""
    dt: float = 1e-3

    @property
    def want(self) -> np.ndarray:
        assert self.times is not None
        return np.diff(self.times)

    def gave(self, expected: np.ndarray) -> bool:
        """Whether the function's intervals are ``expected``, in shape and value."""
        return self.got is not None and self.got.shape == expected.shape and np.allclose(self.got, expected)

    @property
    def got_list(self) -> list[float]:
        assert self.got is not None
        return list(self.got.tolist())

    @property
    def want_list(self) -> list[float]:
        return list(np.round(self.want, 6).tolist())


def _read_intervals(fn: object) -> _Intervals:
    learners_function = _answers.function(fn)
    # Train by train, stopping at the first one the function gets wrong: its hint is about that train.
    for steps, length, dt in _TRAINS:
        train = torch.zeros(length, dtype=torch.bool)
        train[list(steps)] = True
        case = f"spikes at steps {list(steps)} and dt = {dt:g} s ({dt * 1000:g} ms)"
        got = _intervals(_answers.call(learners_function, (train, dt), case), case)
        times = np.array(steps, dtype=float) * dt
        want = np.diff(times)
        if not (got.shape == want.shape and np.allclose(got, want, rtol=1e-6, atol=1e-9)):
            return _Intervals(case, len(steps), got, times, dt)
    return _Intervals()


INTERSPIKE_FUNCTION: Exercise[_Intervals] = Exercise(
    "interspike_function",
    _read_intervals,
    (
        right(
            "Your function gives the intervals between consecutive spikes in seconds, and none for a train "
            "with fewer than two spikes.",
            when=lambda f: f.case is None,
        ),
        not_yet(
            "For {case}: with fewer than two spikes there is no interval; return an empty list "
            "(your function gave {got_list}).",
            when=lambda f: f.spikes < 2,
        ),
        not_yet(
            "For {case}: those are intervals in steps; multiply by dt to get seconds.",
            when=lambda f: f.gave(f.want / f.dt),
        ),
        not_yet(
            "For {case}: those are intervals in milliseconds; the question asks for seconds.",
            when=lambda f: f.gave(f.want * 1000),
        ),
        not_yet(
            "For {case}: those are the spike times; the intervals are the differences between "
            "consecutive spike times.",
            when=lambda f: f.times is not None and (f.gave(f.times) or f.gave(f.times / f.dt)),
        ),
        not_yet(
            "For {case}: n spikes have n - 1 intervals; the time from the start to the first spike "
            "is not an interval between spikes.",
            when=lambda f: f.times is not None and f.gave(np.diff(f.times, prepend=0.0)),
        ),
        not_yet("For {case} the intervals are {want_list} s, your function gave {got_list}."),
    ),
)


def check_interspike_function(fn: object) -> Feedback:
    """A function ``fn(spikes, dt) -> intervals`` between consecutive spikes, in seconds.

    ``spikes`` is a 1-d bool tensor (one neuron, one value per step) and ``dt`` the time step in seconds; the
    function returns the intervals as a list, array or tensor (empty for fewer than two spikes).
    """
    return INTERSPIKE_FUNCTION.check(fn)


# --- cv ----------------------------------------------------------------------------------------------------


@dataclass
class _Variation:
    value: float
    expected: float
    """The CV with the population standard deviation (numpy's default, ``analysis``'s)."""
    sample: float
    """The CV with the sample standard deviation (n - 1, torch's default)."""
    std: float
    """The standard deviation of the intervals, s."""

    def near(self, cv: float) -> bool:
        return close(self.value, cv, relative=1e-2)


def _read_variation(answer: object, intervals: object) -> _Variation:
    values = _intervals(intervals, "the intervals (second argument)")
    if values.size < 2:
        raise Unjudged(
            "Those intervals are too few to measure variability: a CV needs at least two intervals "
            "(three spikes)."
        )
    value = _answers.number(answer, "the CV")
    expected = analysis.coefficient_of_variation(values)
    return _Variation(value, expected, float(values.std(ddof=1) / values.mean()), float(values.std()))


CV: Exercise[_Variation] = Exercise(
    "cv",
    _read_variation,
    (
        right(
            "CV = {expected:.3f}: 0 would be a clock, about 1 is as irregular as a Poisson process.",
            when=lambda f: f.near(f.expected),
        ),
        right(
            "CV = {sample:.3f} with the sample standard deviation (n - 1, torch's default); with n "
            "(numpy's default) it is {expected:.3f}. Either is fine: 0 is a clock, about 1 is Poisson.",
            when=lambda f: f.near(f.sample),
        ),
        not_yet(
            "That is the standard deviation of the intervals; the CV divides it by their mean, so it "
            "has no unit and does not depend on seconds or milliseconds.",
            when=lambda f: f.near(f.std) or f.near(f.std * 1000),
        ),
        not_yet(
            "That is the variance; the CV uses the standard deviation (its square root) over the mean.",
            when=lambda f: f.near(f.std**2) or f.near((f.std * 1000) ** 2),
        ),
        not_yet(
            "That is upside down: the CV is the standard deviation divided by the mean.",
            when=lambda f: f.expected > 0 and f.near(1.0 / f.expected),
        ),
        not_yet("The CV is the standard deviation of the intervals divided by their mean."),
    ),
)


def check_cv(answer: object, intervals: object) -> Feedback:
    """The coefficient of variation (standard deviation over mean) of ``intervals`` (within 1%).

    Args:
        answer: the learner's CV (a number, no unit).
        intervals: the inter-spike intervals the question is about (seconds).
    """
    return CV.check(answer, intervals)


# --- hand_intervals: the intervals of a small example, predicted before the function is written ---------

HAND_SPIKE_STEPS = (2, 5, 9)
"""The small example of notebook 04: spikes at these steps of 12, ``dt = 1 ms``."""
HAND_DT = 1e-3


@dataclass
class _Hand:
    answer: np.ndarray

    @property
    def expected(self) -> np.ndarray:
        return np.diff(np.array(HAND_SPIKE_STEPS, dtype=np.float64)) * HAND_DT

    def matches(self, values: np.ndarray | list[float]) -> bool:
        wanted = np.asarray(values, dtype=np.float64)
        return self.answer.shape == wanted.shape and bool(
            np.allclose(self.answer, wanted, rtol=1e-6, atol=1e-12)
        )

    @property
    def steps(self) -> np.ndarray:
        return np.array(HAND_SPIKE_STEPS, dtype=np.float64)


def _read_hand(answer: object) -> _Hand:
    values = _answers.tensor(answer, "the answer").numpy().reshape(-1)
    return _Hand(values)


HAND_INTERVALS: Exercise[_Hand] = Exercise(
    "hand_intervals",
    _read_hand,
    (
        right(
            "[0.003, 0.004] s: three spikes make two intervals, 5 - 2 = 3 steps and 9 - 5 = 4 steps, each step "
            "1 ms. Your function does the same: the steps of the spikes, their differences, times dt.",
            when=lambda f: f.matches(f.expected),
        ),
        not_yet(
            "Those are the intervals in steps; the function returns seconds: multiply each by dt = 0.001 s.",
            when=lambda f: f.matches(f.expected / HAND_DT),
        ),
        not_yet(
            "Those are in milliseconds; the function returns seconds (divide by 1000).",
            when=lambda f: f.matches(f.expected * 1000),
        ),
        not_yet(
            "Those are the times of the spikes, not the intervals between them: an interval is the difference "
            "of two consecutive spike times.",
            when=lambda f: f.matches(f.steps * HAND_DT) or f.matches(f.steps),
        ),
        not_yet(
            "That counts an interval from step 0 to the first spike: before the first spike there is no spike, "
            "so no interval. Three spikes make two intervals.",
            when=lambda f: (
                f.matches(np.diff(np.concatenate([[0.0], f.steps])) * HAND_DT)
                or f.matches(np.diff(np.concatenate([[0.0], f.steps])))
            ),
        ),
        not_yet(
            "Three spikes, at steps 2, 5 and 9, make two intervals between consecutive spikes: how many steps "
            "each, and how many seconds at dt = 1 ms?"
        ),
    ),
)


def check_hand_intervals(answer: object) -> Feedback:
    """The intervals, in seconds, between spikes at steps 2, 5 and 9 of a run at ``dt = 1 ms``.

    Args:
        answer: the learner's intervals: a list, array or tensor.
    """
    return HAND_INTERVALS.check(answer)


# --- most_irregular ------------------------------------------------------------------------------------


@dataclass
class _Irregular:
    answer: str


def _read_irregular(answer: object) -> _Irregular:
    return _Irregular(
        _answers.choice(answer, ("constant", "noisy", "fluctuation-driven"), "the most irregular neuron")
    )


MOST_IRREGULAR: Exercise[_Irregular] = Exercise(
    "most_irregular",
    _read_irregular,
    (
        right(
            "The fluctuation-driven neuron. On average its voltage stays below the threshold, so it does not "
            "climb there on its own: it waits for the noise to push it over, and when that happens is random, "
            "as for a Poisson process. The noisy neuron still climbs on its own, and the noise only makes it "
            "arrive a little earlier or later.",
            when=lambda f: f.answer == "fluctuation-driven",
        ),
        not_yet(
            "A constant input above the rheobase makes a clock: the same climb from the reset to the threshold "
            "every time. Which neuron's spikes depend most on chance?",
            when=lambda f: f.answer == "constant",
        ),
        not_yet(
            "The noisy neuron has noise, but its mean input is above the rheobase: it still climbs to the "
            "threshold on its own, and the noise only shifts when it arrives. Which neuron cannot reach the "
            "threshold without the noise?"
        ),
    ),
)


def check_most_irregular(answer: object) -> Feedback:
    """Which of notebook 04's three neurons fires most irregularly: "constant", "noisy" or
    "fluctuation-driven"?

    Args:
        answer: the learner's word.
    """
    return MOST_IRREGULAR.check(answer)


EXERCISES = (MEAN_RATE, HAND_INTERVALS, INTERSPIKE_FUNCTION, MOST_IRREGULAR, CV)
"""This notebook's exercises, in the order the notebook meets them."""
