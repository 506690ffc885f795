"""Exercises of notebook 05, *Zoom into a spike*: which way the first spike moves as τ_mem grows, and what
τ_syn does to the firing.

Both are about notebook 05's explorer: one neuron, 200 ms at dt = 1 ms, a step of current from 40 ms of 1.5
times the default neuron's rheobase (0.3 per step), threshold 1. ``tests/test_exercises.py`` holds this input
equal to the explorer's; the explorer itself is not imported here, because it needs ipywidgets.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from lifteach import analysis, inputs
from lifteach.exercises import _answers
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.lif import LIFParameters
from lifteach.simulate import simulate

__all__ = ["EXERCISES", "check_first_spike", "check_tau_syn_effect", "first_spike_and_count"]

_STEPS, _START_S, _SCALE = 200, 0.04, 1.5


@functools.cache
def first_spike_and_count(tau_mem_ms: float = 10.0, tau_syn_ms: float = 5.0) -> tuple[float, int]:
    """Notebook 05's neuron with these time constants (ms): (time of the first spike in ms, spikes in 200 ms).

    The time is NaN when the neuron does not fire (a τ_syn below 3.3 ms keeps the current under threshold).
    """
    amplitude = _SCALE * analysis.rheobase(LIFParameters(), 1e-3)
    drive = inputs.step_current(amplitude, _STEPS, start=_START_S)
    p = LIFParameters(tau_mem_inv=1000.0 / tau_mem_ms, tau_syn_inv=1000.0 / tau_syn_ms)
    result = simulate(drive, p, record=())
    steps, _ = result.spike_indices()
    first = float(result.times_ms[steps[0]]) if len(steps) else math.nan
    return first, result.total_spikes


# --- first_spike -------------------------------------------------------------------------------------------


@dataclass
class _Direction:
    answer: str

    @property
    def short(self) -> tuple[float, int]:
        return first_spike_and_count(5.0)

    @property
    def long(self) -> tuple[float, int]:
        return first_spike_and_count(40.0)


def _read_direction(answer: object) -> _Direction:
    return _Direction(_answers.choice(answer, ("earlier", "later", "same"), "the direction"))


FIRST_SPIKE: Exercise[_Direction] = Exercise(
    "first_spike",
    _read_direction,
    (
        right(
            "Later: from {short[0]:.0f} ms at τ_mem = 5 ms to {long[0]:.0f} ms at 40 ms. The voltage heads for "
            "the same target (v_leak plus the current just after the jump), but a longer τ_mem makes it "
            "approach more slowly, so it takes longer to pass the threshold.",
            when=lambda f: f.answer == "later",
        ),
        not_yet(
            "A longer τ_mem does not raise where the voltage is heading (v_leak plus the current just after "
            "the jump, in these units): it slows the approach down. Each step closes a fraction dt / τ_mem of "
            "the gap.",
            when=lambda f: f.answer == "earlier",
        ),
        not_yet(
            "Where the voltage is heading does not depend on τ_mem, but how fast it gets there does: each "
            "step closes a fraction dt / τ_mem of the gap to the target."
        ),
    ),
)


def check_first_spike(answer: object) -> Feedback:
    """Which way does notebook 05's first spike move when τ_mem grows: "earlier", "later" or "same"?

    Args:
        answer: the learner's word.
    """
    return FIRST_SPIKE.check(answer)


# --- tau_syn_effect ----------------------------------------------------------------------------------------


@dataclass
class _SynapseEffect:
    answer: str

    @property
    def default(self) -> tuple[float, int]:
        return first_spike_and_count(10.0, 5.0)

    @property
    def slow(self) -> tuple[float, int]:
        return first_spike_and_count(10.0, 10.0)

    @property
    def plateau_default(self) -> float:
        """The current just after each step's jump once settled, at τ_syn = 5 ms: x / (dt * tau_syn_inv)."""
        return _SCALE * analysis.rheobase(LIFParameters(), 1e-3) / (1e-3 * 200.0)

    @property
    def plateau_slow(self) -> float:
        return _SCALE * analysis.rheobase(LIFParameters(), 1e-3) / (1e-3 * 100.0)


def _read_synapse(answer: object) -> _SynapseEffect:
    return _SynapseEffect(_answers.choice(answer, ("more", "fewer", "same"), "the change in spikes"))


TAU_SYN_EFFECT: Exercise[_SynapseEffect] = Exercise(
    "tau_syn_effect",
    _read_synapse,
    (
        right(
            "More: {default[1]} spikes at τ_syn = 5 ms, {slow[1]} at 10 ms. The input per step stays the same "
            "(1.5 x the default neuron's rheobase), but a slower current keeps more of each jump: it settles "
            "at x / (dt·tau_syn_inv), {plateau_default:g} at 5 ms and {plateau_slow:g} at 10 ms. τ_syn sets "
            "the current's plateau, not only its rise.",
            when=lambda f: f.answer == "more",
        ),
        not_yet(
            "A slower current does rise more slowly, but it also keeps more of each jump and settles higher, "
            "at x / (dt·tau_syn_inv), which grows with τ_syn: here the first spike even comes earlier "
            "({default[0]:.0f} ms at τ_syn = 5 ms, {slow[0]:.0f} ms at 10 ms).",
            when=lambda f: f.answer == "fewer",
        ),
        not_yet(
            "τ_syn does more than set how fast the current rises: the current settles where each step's "
            "decay, dt·tau_syn_inv·i, balances the jump x, at x / (dt·tau_syn_inv). What happens to that "
            "when τ_syn doubles?"
        ),
    ),
)


def check_tau_syn_effect(answer: object) -> Feedback:
    """With the same input, does notebook 05's neuron fire "more", "fewer" or the "same" spikes at τ_syn = 10 ms?

    Args:
        answer: the learner's word (compared with τ_syn = 5 ms, in 200 ms).
    """
    return TAU_SYN_EFFECT.check(answer)


EXERCISES = (FIRST_SPIKE, TAU_SYN_EFFECT)
"""This notebook's exercises, in the order the notebook meets them."""
