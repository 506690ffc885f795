"""Notebook 08's predictions on the way: which falls first after an input pulse, the current or the voltage
(checked against the learner's own neuron), where a firing neuron's highest recorded voltage lies, how many
steps longer than the refractory period the fastest interval between spikes is, and where noise on the input
moves the voltage's decay ratio most.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lifteach import inputs
from lifteach.exercises import _answers
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.exercises._mystery._neuron import as_mystery

# --- first_to_fall --------------------------------------------------------------------------------------

_PULSE_STEPS, _PULSE_AT_S, _PULSE = 300, 0.010, 0.1
"""Notebook 08's first experiment: one pulse of 0.1 at 10 ms, 300 ms recorded at dt = 1 ms."""


@dataclass
class _Fall:
    answer: str
    current_half_ms: float
    """How long after its peak the current has fallen to half of it, ms."""
    voltage_half_ms: float


def _half_time(trace: np.ndarray) -> float:
    """Steps (ms at dt = 1 ms) from a trace's peak until it is at or below half of the peak."""
    peak = int(np.argmax(trace))
    below = np.flatnonzero(trace[peak:] <= trace[peak] / 2)
    return float(below[0]) if len(below) else math.inf


def _read_fall(answer: object, mystery: object) -> _Fall:
    word = _answers.choice(answer, ("current", "voltage", "together"), "what falls first")
    neuron = as_mystery(mystery)
    kick = inputs.pulses([_PULSE_AT_S], steps=_PULSE_STEPS, amplitude=_PULSE)
    recording = neuron.run(kick)
    return _Fall(word, _half_time(recording.i[:, 0].numpy()), _half_time(recording.v[:, 0].numpy()))


FIRST_TO_FALL: Exercise[_Fall] = Exercise(
    "mystery_first_to_fall",
    _read_fall,
    (
        right(
            "The current: it is at half its peak {current_half_ms:.0f} ms after it, the voltage only "
            "{voltage_half_ms:.0f} ms after its own. The synapse is faster than the membrane, so the current "
            "goes first and keeps pushing the voltage for a while: only the voltage's later fall, once the "
            "current has gone, is τ_mem's alone.",
            when=lambda f: f.answer == "current",
        ),
        not_yet(
            "The voltage is driven by the current: while the current flows, it pushes the voltage up. Which "
            "of the two can fall first, then?",
            when=lambda f: f.answer == "voltage",
        ),
        not_yet(
            "They decay with different time constants, τ_syn for the current and τ_mem for the voltage, and "
            "the voltage cannot fall while the current still pushes it up. Which goes first?"
        ),
    ),
)


def check_mystery_first_to_fall(answer: object, mystery: object) -> Feedback:
    """After one input pulse, which falls back first: the "current", the "voltage" or both "together"?

    Args:
        answer: the learner's word.
        mystery: the neuron, from ``exercises.mystery_neuron(seed)`` (the check gives it notebook 08's pulse).
    """
    return FIRST_TO_FALL.check(answer, mystery)


# --- highest_voltage -------------------------------------------------------------------------------------


@dataclass
class _Highest:
    answer: str


def _read_highest(answer: object) -> _Highest:
    return _Highest(_answers.choice(answer, ("above", "at", "below"), "where the highest voltage lies"))


HIGHEST_VOLTAGE: Exercise[_Highest] = Exercise(
    "mystery_highest_voltage",
    _read_highest,
    (
        right(
            "Below. A spike happens in the step whose voltage passes v_th, and that step records the reset "
            "value: what the trace keeps of a firing neuron is the step before, still at or under v_th. Only "
            "near the rheobase, where the voltage creeps up to v_th, does that come close to the threshold.",
            when=lambda f: f.answer == "below",
        ),
        not_yet(
            "Look at what a spiking step records: the step whose voltage passes v_th ends at the reset value, "
            "so the value above v_th is never stored.",
            when=lambda f: f.answer == "above",
        ),
        not_yet(
            "Exactly at v_th a neuron does not fire (a spike needs v strictly above v_th), and the step that "
            "passes it records the reset value: does a recording of a firing neuron ever reach v_th?"
        ),
    ),
)


def check_mystery_highest_voltage(answer: object) -> Feedback:
    """Is the highest recorded voltage of a firing LIF neuron "above", "at" or "below" its threshold?

    Args:
        answer: the learner's word.
    """
    return HIGHEST_VOLTAGE.check(answer)


# --- fastest_interval ------------------------------------------------------------------------------------


@dataclass
class _Fastest:
    steps: float
    """The learner's answer: how many steps the fastest interval is longer than the refractory period."""


def _read_fastest(answer: object) -> _Fastest:
    return _Fastest(_answers.number(answer, "the number of steps"))


FASTEST_INTERVAL: Exercise[_Fastest] = Exercise(
    "mystery_fastest_interval",
    _read_fastest,
    (
        right(
            "One step. The spike's step ends at the reset value, the refractory period holds the voltage "
            "there, and then the voltage needs one free step to climb back over the threshold, however strong "
            "the drive: the shortest interval is t_ref + dt, and the rate levels off at 1 / (t_ref + dt).",
            when=lambda f: f.steps == 1,
        ),
        not_yet(
            "When the hold ends, the voltage is still at the reset value: a spike needs a step in which it "
            "climbs back over the threshold. So the interval is the refractory period plus how many steps?",
            when=lambda f: f.steps == 0,
        ),
        not_yet(
            "That many steps is the climb of a neuron that is not driven hard enough. Raise the input: a drive "
            "strong enough carries the voltage over the threshold in the first step after the hold, so the "
            "interval stops shrinking at t_ref + how many steps?",
            when=lambda f: f.steps > 1 and f.steps == int(f.steps),
        ),
        not_yet(
            "Count in whole steps: the hold lasts a whole number of steps, and a spike happens in a step, not "
            "between two. After the hold, how many steps does the voltage need, at the least, to get from the "
            "reset value back over the threshold?"
        ),
    ),
)


def check_mystery_fastest_interval(answer: object) -> Feedback:
    """At the fastest rate, how many steps longer than the refractory period is the interval between spikes?

    Args:
        answer: the learner's number of steps.
    """
    return FASTEST_INTERVAL.check(answer)


# --- noisy_ratio -----------------------------------------------------------------------------------------


@dataclass
class _NoisyRatio:
    answer: str


def _read_noisy_ratio(answer: object) -> _NoisyRatio:
    return _NoisyRatio(_answers.choice(answer, ("early", "late"), "where the noise moves the ratio most"))


NOISY_RATIO: Exercise[_NoisyRatio] = Exercise(
    "mystery_noisy_ratio",
    _read_noisy_ratio,
    (
        right(
            "Late. The noise pushes the voltage by about the same amount at every step, while the pulse's "
            "response shrinks by the factor a = 1 - dt/τ_mem per step: late in the tail the ratio v[t + 1] / "
            "v[t] measures mostly the noise. Measure where the response is still far above the noise (just "
            "after the current has gone) and average over many repetitions.",
            when=lambda f: f.answer == "late",
        ),
        not_yet(
            "Compare sizes: the noise pushes the voltage by about the same amount at every step, and the pulse's "
            "response shrinks at every step. Where is the push of the noise large next to the response?"
        ),
    ),
)


def check_mystery_noisy_ratio(answer: object) -> Feedback:
    """With noise on the input, where does the decay ratio v[t+1] / v[t] after a pulse move most: "early"
    in the voltage's tail or "late"?

    Args:
        answer: the learner's word.
    """
    return NOISY_RATIO.check(answer)
