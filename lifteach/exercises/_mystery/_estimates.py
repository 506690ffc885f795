"""Notebook 08's estimates of the hidden parameters: the membrane time constant τ_mem (ms), the threshold
v_th and the refractory period (ms), each checked within ``TOLERANCES`` of the learner's own neuron, with the
mistakes each measurement invites named in the feedback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lifteach.exercises import _answers
from lifteach.exercises._answers import close
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.exercises._mystery._neuron import as_mystery

TOLERANCES = {"tau_mem": 0.02, "threshold": 0.02, "refractory": 0.05}
"""The relative error each check accepts."""


# --- reading an estimate ----------------------------------------------------------------------------------


def _relative_error(value: float, truth: float) -> float:
    return (value - truth) / truth


@dataclass
class _Estimate:
    """An estimate (in the check's unit), the true value, and what the messages quote."""

    value: float
    truth: float
    tolerance: float
    tau_syn_ms: float
    """The hidden synaptic time constant, which several mistakes produce."""

    @property
    def error(self) -> float:
        """Relative error of the estimate, signed (negative: too small)."""
        return _relative_error(self.value, self.truth)

    @property
    def size(self) -> float:
        """The relative error, unsigned."""
        return abs(self.error)

    @property
    def off(self) -> str:
        """The relative error in words: "3.1% too small"."""
        return f"{abs(self.error):.1%} too {'small' if self.error < 0 else 'large'}"

    @property
    def right(self) -> bool:
        return abs(self.error) <= self.tolerance + 1e-12

    def near(self, value: float, relative: float = 0.02) -> bool:
        return close(self.value, value, relative=relative, absolute=0.0)


# --- tau_mem ----------------------------------------------------------------------------------------------


@dataclass
class _TauMem(_Estimate):
    @property
    def decay(self) -> float:
        """The voltage's decay factor per step at dt = 1 ms."""
        return 1.0 - 1.0 / self.truth

    @property
    def effective(self) -> float:
        """The effective time constant at dt = 1 ms, ms: what an exponential fitted to the steps gives."""
        return -1.0 / math.log(self.decay)

    @property
    def tau_syn_effective(self) -> float:
        return -1.0 / math.log(1.0 - 1.0 / self.tau_syn_ms)


def _read_tau_mem(answer: object, mystery: object) -> _TauMem:
    value = _answers.number(answer, "τ_mem in ms")
    neuron = as_mystery(mystery)
    return _TauMem(value, neuron._tau_mem_ms, TOLERANCES["tau_mem"], neuron._tau_syn_ms)


TAU_MEM: Exercise[_TauMem] = Exercise(
    "mystery_tau_mem",
    _read_tau_mem,
    (
        right(
            "{value:g} ms is within {size:.1%} of this neuron's τ_mem = {truth:.2f} ms (the check accepts 2%). "
            "Once the current has gone, the voltage falls by the factor 1 - dt/τ_mem = {decay:.4f} per 1 ms "
            "step.",
            when=lambda f: f.right,
        ),
        not_yet(
            "That looks like τ_mem in seconds; the check takes milliseconds (multiply by 1000).",
            when=lambda f: f.near(f.truth / 1000.0, 0.05),
        ),
        not_yet(
            "That looks like tau_mem_inv, the inverse time constant in 1/s; the check takes τ_mem in ms "
            "(1000 / tau_mem_inv).",
            when=lambda f: f.near(1000.0 / f.truth, 0.05),
        ),
        not_yet(
            "That is a decay factor per step, v[t+1] / v[t], not a time: the voltage closes a fraction "
            "dt/τ_mem of its gap to rest per step, so τ_mem = dt / (1 - factor).",
            when=lambda f: 0.0 < f.value < 1.0 and f.near(f.decay, 0.01),
        ),
        not_yet(
            "{value:g} ms is {off}: that is close to the synaptic time constant τ_syn of this neuron, not its "
            "τ_mem. The recorded current decays with τ_syn, and so does the voltage's fall right after a pulse, "
            "while the current still flows. τ_mem is the voltage's own decay once the current has gone: "
            "measure where `recording.i` is next to 0.",
            when=lambda f: f.near(f.tau_syn_ms, 0.05) or f.near(f.tau_syn_effective, 0.05),
        ),
        not_yet(
            "{value:g} ms is {off}: it is the effective time constant at dt = 1 ms, -dt / ln(a) = "
            "{effective:.2f} ms, which an exponential exp(-t/τ) fitted to the steps gives. The neuron's "
            "parameter τ_mem is nominal: each step multiplies the voltage by a = 1 - dt/τ_mem, so "
            "τ_mem = dt / (1 - a).",
            when=lambda f: f.near(f.effective, 0.01),
        ),
        not_yet(
            "{value:g} ms is {off}. A decay that looks slower than τ_mem usually means the current was still "
            "flowing while you measured (it keeps pushing the voltage up), or that you timed the charging under "
            "a step, which the synapse slows down. Measure the ratio v[t+1] / v[t] long after the input, where "
            "`recording.i` is next to 0.",
            when=lambda f: f.error > 0,
        ),
        not_yet(
            "{value:g} ms is {off}. Reading a time off the trace (where the voltage has fallen to 37%) is only "
            "as precise as a step; the ratio v[t+1] / v[t] of two recorded steps, once the current has gone, "
            "gives the decay factor a exactly, and τ_mem = dt / (1 - a)."
        ),
    ),
)


def check_mystery_tau_mem(answer: object, mystery: object) -> Feedback:
    """Your estimate of the mystery neuron's membrane time constant τ_mem, in ms (within 2%).

    Args:
        answer: τ_mem in milliseconds (a number).
        mystery: the neuron, from ``exercises.mystery_neuron(seed)``.
    """
    return TAU_MEM.check(answer, mystery)


# --- threshold --------------------------------------------------------------------------------------------


@dataclass
class _Threshold(_Estimate):
    @property
    def rheobase(self) -> float:
        """The rheobase at dt = 1 ms, an input per step."""
        return self.truth / self.tau_syn_ms

    @property
    def default_synapse(self) -> float:
        """The threshold computed from the rheobase with Norse's default τ_syn = 5 ms instead of this one's."""
        return self.rheobase * 5.0

    @property
    def recorded_current(self) -> float:
        """The threshold computed from the recorded (decayed) current instead of the current after the jump."""
        return self.truth * (1.0 - 1.0 / self.tau_syn_ms)

    @property
    def synapse_differs(self) -> bool:
        return not close(self.tau_syn_ms, 5.0, relative=0.03)


def _read_threshold(answer: object, mystery: object) -> _Threshold:
    value = _answers.number(answer, "the threshold")
    neuron = as_mystery(mystery)
    return _Threshold(value, neuron._v_th, TOLERANCES["threshold"], neuron._tau_syn_ms)


THRESHOLD: Exercise[_Threshold] = Exercise(
    "mystery_threshold",
    _read_threshold,
    (
        right(
            "{value:g} is within {size:.1%} of this neuron's threshold v_th = {truth:.4f} (the check accepts "
            "2%). Two measurements bracket v_th: every voltage a recording shows lies below it (a lower "
            "bound, close under weak drive and far under strong drive), and the steady voltage "
            "x / (dt·tau_syn_inv) of any constant input that makes it fire lies above it.",
            when=lambda f: f.right,
        ),
        not_yet(
            "That looks like the rheobase, an input per step ({rheobase:.3g} at dt = 1 ms); the threshold is "
            "a voltage: where the voltage settles under the rheobase input, v_leak + x / (dt·tau_syn_inv).",
            when=lambda f: f.near(f.rheobase, 0.03),
        ),
        not_yet(
            "{value:g} is {off}: it is the rheobase divided by dt·tau_syn_inv with Norse's default τ_syn = "
            "5 ms, but this neuron's synapse is different. Measure τ_syn from the decay of `recording.i`, or "
            "skip it: read where the voltage of the strongest silent input settles.",
            when=lambda f: f.synapse_differs and f.near(f.default_synapse, 0.02),
        ),
        not_yet(
            "{value:g} is {off}: it is the settled *recorded* current, which is the current after its decay "
            "within a step. The voltage integrates the current just after the jump, larger by 1 / (1 - "
            "dt·tau_syn_inv); or read the settled voltage itself.",
            when=lambda f: f.near(f.recorded_current, 0.01),
        ),
        not_yet(
            "{value:g} is {off}. A recorded voltage never shows the value that crossed the threshold: the step "
            "that crosses records the reset value, so the trace of a firing neuron peaks below v_th. Find the "
            "strongest constant input that never fires (between it and the weakest that fires lies the "
            "rheobase): its voltage settles just under v_th.",
            when=lambda f: f.error < 0,
        ),
        not_yet(
            "{value:g} is {off}: a voltage that settled there would have crossed the threshold first. If you "
            "computed where the weakest firing input would settle, narrow the bracket between the strongest "
            "silent input and the weakest firing one until the two agree to 1%."
        ),
    ),
)


def check_mystery_threshold(answer: object, mystery: object) -> Feedback:
    """Your estimate of the mystery neuron's threshold v_th, a voltage in the model's units (within 2%).

    Args:
        answer: the threshold (a number; the neuron rests and resets at 0).
        mystery: the neuron, from ``exercises.mystery_neuron(seed)``.
    """
    return THRESHOLD.check(answer, mystery)


# --- refractory -------------------------------------------------------------------------------------------


@dataclass
class _Refractory(_Estimate):
    @property
    def extra_ms(self) -> float:
        """How many ms the estimate is above the refractory period."""
        return self.value - self.truth

    @property
    def one_step_more(self) -> bool:
        return abs(self.extra_ms - 1.0) <= 0.05

    @property
    def climbing_steps(self) -> int:
        """Whole ms (steps at 1 ms) above the refractory period, or 0 when the excess is not whole."""
        steps = round(self.extra_ms)
        return steps if steps >= 2 and abs(self.extra_ms - steps) <= 0.05 else 0

    @property
    def steps_per_ms(self) -> int:
        """k when the estimate is k times the period (or that plus one step), k >= 4: a count of steps at
        dt = 1/k ms. (Twice or three times the period is as likely an interval of a neuron that was not
        driven hard enough, whose hint comes next.)"""
        k = round(self.value / self.truth)
        if k < 4:
            return 0
        for count in (k * self.truth, k * self.truth + 1.0):
            if close(self.value, count, relative=0.02, absolute=0.0):
                return k
        return 0

    @property
    def step_ms(self) -> float:
        return 1.0 / max(1, self.steps_per_ms)

    @property
    def max_rate(self) -> float:
        """The most this neuron can fire at dt = 1 ms, Hz."""
        return 1000.0 / (self.truth + 1.0)


def _read_refractory(answer: object, mystery: object) -> _Refractory:
    value = _answers.number(answer, "the refractory period in ms")
    neuron = as_mystery(mystery)
    return _Refractory(value, float(neuron._refractory_ms), TOLERANCES["refractory"], neuron._tau_syn_ms)


REFRACTORY: Exercise[_Refractory] = Exercise(
    "mystery_refractory",
    _read_refractory,
    (
        right(
            "{value:g} ms is within {size:.1%} of this neuron's refractory period, {truth:g} ms (the check "
            "accepts 5%). At dt = 1 ms its fastest rate is 1 / ({truth:g} ms + 1 step) = {max_rate:.1f} Hz.",
            when=lambda f: f.right,
        ),
        not_yet(
            "That looks like the refractory period in seconds; the check takes milliseconds.",
            when=lambda f: f.near(f.truth / 1000.0, 0.05) or f.near((f.truth + 1.0) / 1000.0, 0.05),
        ),
        not_yet(
            "That is a rate in Hz; the refractory period is a time. The shortest interval between spikes is "
            "1 / (the highest rate).",
            when=lambda f: f.near(f.max_rate, 0.03) or f.near(1000.0 / f.truth, 0.03),
        ),
        not_yet(
            "{value:g} ms is one step (1 ms) too long: the shortest interval between spikes is the refractory "
            "period plus the step in which the voltage climbs back over the threshold, and the flat stretch "
            "after a spike includes the spike's own step, which records the reset value. Subtract one step.",
            when=lambda f: f.one_step_more,
        ),
        not_yet(
            "That looks like a count of steps at dt = {step_ms:g} ms ({steps_per_ms} steps per ms); the check "
            "takes milliseconds: multiply the number of steps by dt.",
            when=lambda f: f.steps_per_ms > 0,
        ),
        not_yet(
            "{value:g} ms is {off}: the neuron was not firing as fast as it can. After the refractory period "
            "the voltage still needed {climbing_steps} steps to climb back over the threshold. Raise the input "
            "until the rate stops growing (tens of times the rheobase): then it crosses in the first free step.",
            when=lambda f: f.climbing_steps > 0,
        ),
        not_yet(
            "{value:g} ms is {off}: no spike can follow another sooner than the refractory period plus one step. "
            "Drive the neuron hard (tens of times the rheobase), take the shortest interval between spikes and "
            "subtract one step.",
            when=lambda f: f.error < 0,
        ),
        not_yet(
            "{value:g} ms is {off}. Drive the neuron with inputs from the rheobase up to a thousand times it: "
            "the rate grows, then stops at 1 / (refractory period + dt). The refractory period is the shortest "
            "interval between spikes minus one step."
        ),
    ),
)


def check_mystery_refractory(answer: object, mystery: object) -> Feedback:
    """Your estimate of the mystery neuron's absolute refractory period, in ms (within 5%).

    Args:
        answer: the refractory period in milliseconds (a number).
        mystery: the neuron, from ``exercises.mystery_neuron(seed)``.
    """
    return REFRACTORY.check(answer, mystery)
