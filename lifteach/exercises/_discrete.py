"""Exercises of notebook 07, *Discrete time and the refractory period*: the rate on a stair of the f-I curve,
the rate at a finer time step, the rate with a refractory period, and the highest rate a refractory period
allows.

Inputs are given as ``scale``, a multiple of the default neuron's rheobase at the time step ``dt`` (0.2 per step
at 1 ms, 0.02 at 0.1 ms), so that one scale is the same current at every ``dt``, as in the explorer. ``dt`` and
``refractory`` are in seconds, rates in Hz. The refractory period is counted in whole steps, as ``simulate``
and ``LIFRefracCell`` count it: after a spike the neuron is held for ``R = refractory / dt`` steps, then its
voltage climbs from ``v_reset`` again, so the interval between spikes is ``R`` held steps plus the climb.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lifteach import _checks, analysis
from lifteach.exercises import _answers
from lifteach.exercises._answers import close
from lifteach.exercises._exercise import Exercise, Outcome, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.exercises._threshold import unit_slip
from lifteach.lif import LIFParameters
from lifteach.simulate import _refractory_steps

__all__ = [
    "EXERCISES",
    "check_fine_step_rate",
    "check_max_rate",
    "check_refractory_rate",
    "check_stair_rate",
]

_P = LIFParameters()
"""The neuron of notebook 07: Norse's defaults (τ_mem = 10 ms, τ_syn = 5 ms, v_th = 1, v_reset = v_leak = 0)."""


def _voltage_after(steps: int, scale: float, dt: float) -> float:
    """The voltage ``steps`` steps after a reset, with the current settled (model units)."""
    target = float(_P.v_leak) + scale * (float(_P.v_th) - float(_P.v_leak))
    decay = 1.0 - dt * float(_P.tau_mem_inv)
    return target + (float(_P.v_reset) - target) * decay**steps


# --- stair_rate, fine_step_rate, refractory_rate: the steady rate on a stair ---------------------------------


@dataclass
class _StairRate:
    value: float
    """The learner's rate, Hz."""
    scale: float
    """Input in multiples of the rheobase at ``dt``."""
    dt: float
    """s."""
    held: int
    """Refractory steps after each spike."""

    @property
    def x(self) -> float:
        """The input per step."""
        return self.scale * analysis.rheobase(_P, self.dt)

    @property
    def expected(self) -> float:
        return analysis.predicted_rate(self.x, _P, self.dt, self.held * self.dt)

    @property
    def silent(self) -> bool:
        return self.expected == 0

    @property
    def at_rheobase(self) -> bool:
        return close(self.scale, 1.0, relative=1e-9)

    @property
    def interval(self) -> int:
        """Steps from one spike to the next (held steps and climb)."""
        return round(1.0 / (self.expected * self.dt)) if self.expected else 0

    @property
    def climb(self) -> int:
        """Steps the voltage needs from v_reset to above v_th."""
        return self.interval - self.held

    @property
    def dt_ms(self) -> float:
        return self.dt * 1000.0

    @property
    def interval_ms(self) -> float:
        return self.interval * self.dt_ms

    @property
    def refractory_ms(self) -> float:
        return self.held * self.dt_ms

    @property
    def continuous(self) -> float:
        """The continuous-time formula (refractory period included, unrounded), Hz."""
        return analysis.continuous_rate(self.x, _P, self.dt, self.held * self.dt)

    @property
    def fractional(self) -> float:
        """The discrete decay with a step count that is not rounded up to a whole number, Hz."""
        decay = 1.0 - self.dt * float(_P.tau_mem_inv)
        target = float(_P.v_leak) + self.scale * (float(_P.v_th) - float(_P.v_leak))
        ratio = (target - float(_P.v_th)) / (target - float(_P.v_reset))
        return 1.0 / ((math.log(ratio) / math.log(decay) + self.held) * self.dt)

    @property
    def forgot_steps(self) -> bool:
        """The answer lets spikes fall between steps (continuous formula or a fractional step count)."""
        if self.silent or close(self.value, self.expected, relative=3e-3):
            return False
        return any(close(self.value, rate, relative=5e-3) for rate in (self.continuous, self.fractional))

    @property
    def without_hold(self) -> float:
        """The rate if the refractory steps are left out of the interval, Hz."""
        return analysis.predicted_rate(self.x, _P, self.dt)

    @property
    def forgot_hold(self) -> bool:
        return self.held > 0 and close(self.value, self.without_hold, relative=1e-2)

    @property
    def one_step_short(self) -> float:
        """The rate with one step fewer in the climb (the step count rounded down), Hz."""
        return 1.0 / ((self.interval - 1) * self.dt) if self.climb > 1 else math.inf

    @property
    def rounded_down(self) -> bool:
        return self.climb > 1 and close(self.value, self.one_step_short, relative=1e-2)

    @property
    def voltage_before(self) -> float:
        """The voltage one step before the spike (the step count rounded down), model units."""
        return _voltage_after(self.climb - 1, self.scale, self.dt)

    @property
    def tie(self) -> bool:
        """Whether the voltage one step before the spike is exactly v_th, so that only ``>`` withholds it."""
        return close(self.voltage_before, float(_P.v_th), relative=1e-9, absolute=1e-9)

    @property
    def coarse(self) -> float:
        """The rate of the same current at dt = 1 ms, Hz (the stair of the coarser step)."""
        return analysis.predicted_rate(self.scale * analysis.rheobase(_P, 1e-3), _P, 1e-3, self.held * 1e-3)

    @property
    def kept_coarse(self) -> bool:
        return not close(self.dt, 1e-3) and close(self.value, self.coarse, relative=1e-2)

    @property
    def millisecond_steps(self) -> bool:
        """The right count of steps, each taken as 1 ms long."""
        return not close(self.dt, 1e-3) and close(self.value, 1000.0 / self.interval, relative=1e-2)

    @property
    def climb_before(self) -> int:
        return self.climb - 1

    @property
    def slip(self) -> str | None:
        return unit_slip(self.value, self.expected, self.dt)


def _read_stair(answer: object, scale: float, dt: float, refractory: float) -> _StairRate:
    value = _answers.number(answer, "the firing rate")
    scale = _checks.finite_number("scale", scale)
    if scale < 0:
        raise ValueError(f"scale must be at least 0 (a multiple of the rheobase), got {scale!r}.")
    dt = _checks.time_step(dt)
    return _StairRate(value, scale, dt, _refractory_steps(refractory, dt))


def _stair_outcomes(says_right: str) -> tuple[Outcome[_StairRate], ...]:
    """The table shared by the three rate exercises: the same ideas, missed in the same ways."""
    return (
        right(
            "0 Hz: {scale:g} x the rheobase is not above it, so the voltage never crosses v_th.",
            when=lambda f: f.silent and abs(f.value) < 0.5,
        ),
        not_yet(
            "{scale:g} x the rheobase is exactly the rheobase: the voltage creeps up to v_th but never above "
            "it, and a spike needs v strictly above v_th (`v > v_th`), so the neuron stays silent.",
            when=lambda f: f.silent and f.at_rheobase,
        ),
        not_yet(
            "{scale:g} x the rheobase is not above the rheobase: does the voltage ever cross v_th?",
            when=lambda f: f.silent,
        ),
        not_yet(
            "One step short: after {climb_before} steps the voltage is exactly v_th = 1, and a spike needs v "
            "strictly above v_th (`v > v_th`), so the spike waits one more step.",
            when=lambda f: f.rounded_down and f.tie,
        ),
        not_yet(
            "{value:g} Hz lets spikes fall between steps (the continuous-time formula, or a step count that "
            "is not a whole number). Here the voltage is only computed at whole steps of {dt_ms:g} ms, so the "
            "interval is a whole number of steps: the first step n at which the voltage is above v_th"
            " (plus any refractory steps); the rate is 1 / (steps·dt).",
            when=lambda f: f.forgot_steps,
        ),
        right(says_right, when=lambda f: close(f.value, f.expected, relative=2e-2)),
        not_yet(
            "That is the rate without the refractory period. The interval holds the refractory steps too: "
            "after each spike the neuron is held for {held} steps ({refractory_ms:g} ms), and only then does "
            "its voltage climb from v_reset, which takes {climb} steps.",
            when=lambda f: f.forgot_hold,
        ),
        not_yet(
            "One step short: after {climb_before} steps the voltage is {voltage_before:.3f}, still below "
            "v_th. The spike falls on the first step at which v is above v_th: round the number of steps up, "
            "not down.",
            when=lambda f: f.rounded_down,
        ),
        not_yet(
            "That is the stair at dt = 1 ms ({coarse:.1f} Hz). The same current at dt = {dt_ms:g} ms climbs "
            "in finer steps: count steps of {dt_ms:g} ms (the decay per step is 1 - dt/τ_mem).",
            when=lambda f: f.kept_coarse,
        ),
        not_yet(
            "The count is right, {interval} steps, but each step is {dt_ms:g} ms, not 1 ms: the interval is "
            "{interval} x {dt_ms:g} ms.",
            when=lambda f: f.millisecond_steps,
        ),
        not_yet("{slip}", when=lambda f: f.slip is not None),
        not_yet(
            "{scale:g} x the rheobase is above it, so the neuron does fire.",
            when=lambda f: f.value == 0,
        ),
        not_yet(
            "After a reset the voltage relaxes from v_reset towards V = {scale:g} x v_th, closing the gap by a "
            "factor 1 - dt/τ_mem per step: count the whole steps n until it is above v_th, add the refractory "
            "steps, and the rate is 1 / (steps·dt). Or simulate one second and count the spikes."
        ),
    )


_RIGHT = (
    "About {expected:.1f} Hz: after each reset the voltage needs {climb} steps of {dt_ms:g} ms to climb above "
    "v_th, so the interval is {interval_ms:g} ms, on a stair of the f-I curve (the continuous-time formula "
    "says {continuous:.1f} Hz)."
)

STAIR_RATE: Exercise[_StairRate] = Exercise(
    "stair_rate",
    _read_stair,
    _stair_outcomes(_RIGHT),
)

FINE_STEP_RATE: Exercise[_StairRate] = Exercise(
    "fine_step_rate",
    _read_stair,
    _stair_outcomes(
        _RIGHT + " The smaller dt, the closer the two: the shorter effective τ_mem and the rounding up to a "
        "whole step both shrink with dt."
    ),
)

REFRACTORY_RATE: Exercise[_StairRate] = Exercise(
    "refractory_rate",
    _read_stair,
    _stair_outcomes(
        "About {expected:.1f} Hz: after each spike the neuron is held for {held} steps ({refractory_ms:g} ms), "
        "then its voltage climbs from v_reset for {climb} steps, so the interval is {interval} steps = "
        "{interval_ms:g} ms."
    ),
)


def check_stair_rate(answer: object, scale: float = 5.0, dt: float = 1e-3) -> Feedback:
    """The steady rate in Hz of the discrete-time neuron under a constant input of ``scale`` x the rheobase.

    Args:
        answer: the learner's rate in Hz (within 2%).
        scale: the constant input in multiples of the rheobase at ``dt`` (5 is 1.0 per step at 1 ms).
        dt: time step in seconds.
    """
    return STAIR_RATE.check(answer, scale, dt, 0.0)


def check_fine_step_rate(answer: object, scale: float = 5.0, dt: float = 1e-4) -> Feedback:
    """The steady rate in Hz of the same neuron and current at a finer time step (0.1 ms by default).

    Args:
        answer: the learner's rate in Hz (within 2%).
        scale: the constant input in multiples of the rheobase at ``dt`` (the same current at every dt).
        dt: time step in seconds.
    """
    return FINE_STEP_RATE.check(answer, scale, dt, 0.0)


def check_refractory_rate(
    answer: object, scale: float = 5.0, refractory: float = 2e-3, dt: float = 1e-3
) -> Feedback:
    """The steady rate in Hz with an absolute refractory period of ``refractory`` seconds (whole steps).

    Args:
        answer: the learner's rate in Hz (within 2%).
        scale: the constant input in multiples of the rheobase at ``dt``.
        refractory: the refractory period in seconds (2e-3 is 2 ms), rounded to whole steps as ``simulate``
            does.
        dt: time step in seconds.
    """
    return REFRACTORY_RATE.check(answer, scale, dt, refractory)


# --- max_rate: the highest rate a refractory period allows ---------------------------------------------------


@dataclass
class _MaxRate:
    value: float
    """Hz."""
    dt: float
    """s."""
    held: int
    """Refractory steps after each spike."""

    @property
    def expected(self) -> float:
        """One spike per held steps plus one climbing step, Hz."""
        return 1.0 / ((self.held + 1) * self.dt)

    @property
    def dt_ms(self) -> float:
        return self.dt * 1000.0

    @property
    def refractory_ms(self) -> float:
        return self.held * self.dt_ms

    @property
    def interval(self) -> int:
        return self.held + 1

    @property
    def one_over_refractory(self) -> float:
        return 1.0 / (self.held * self.dt) if self.held else math.inf

    @property
    def per_step(self) -> float:
        return 1.0 / self.dt

    @property
    def extra_step(self) -> float:
        """The rate with the spike step counted apart from the climbing step, Hz."""
        return 1.0 / ((self.held + 2) * self.dt)

    @property
    def slip(self) -> str | None:
        return unit_slip(self.value, self.expected, self.dt)


def _read_max(answer: object, refractory: float, dt: float) -> _MaxRate:
    value = _answers.number(answer, "the highest rate")
    dt = _checks.time_step(dt)
    return _MaxRate(value, dt, _refractory_steps(refractory, dt))


MAX_RATE: Exercise[_MaxRate] = Exercise(
    "max_rate",
    _read_max,
    (
        right(
            "{expected:.1f} Hz: with input above 10 x the rheobase one step lifts the voltage from v_reset "
            "above v_th, so the neuron spikes on the first step after its {held} held steps. The shortest "
            "interval is {interval} steps, t_ref + dt = {refractory_ms:g} + {dt_ms:g} ms: the top rate is "
            "1 / (t_ref + dt), and without a refractory period one spike per step, 1 / dt.",
            when=lambda f: close(f.value, f.expected, relative=1e-2),
        ),
        not_yet(
            "1 / t_ref = {one_over_refractory:.1f} Hz would need a spike on the last held step. But a held step "
            "cannot spike, and the voltage is still at v_reset when the hold ends: it needs at least one more "
            "step to climb above v_th. The shortest interval is the {held} held steps plus one.",
            when=lambda f: f.held > 0 and close(f.value, f.one_over_refractory, relative=1e-2),
        ),
        not_yet(
            "That is one spike per step, the limit without a refractory period. The refractory steps belong "
            "in the interval: after a spike the neuron is held for {held} steps ({refractory_ms:g} ms).",
            when=lambda f: f.held > 0 and close(f.value, f.per_step, relative=1e-2),
        ),
        not_yet(
            "One step too many: the step after the hold is the one that climbs above v_th and spikes, so the "
            "interval from spike to spike is {held} held steps plus that one, not plus two.",
            when=lambda f: close(f.value, f.extra_step, relative=1e-2),
        ),
        not_yet(
            "No neuron here spikes more than once per step: the rate is at most 1 / dt = {per_step:g} Hz.",
            when=lambda f: f.value > f.per_step * 1.01,
        ),
        not_yet("{slip}", when=lambda f: f.slip is not None),
        not_yet(
            "Make the input huge: how many steps are there from one spike to the next? Count the held steps "
            "after the spike ({held}, for t_ref = {refractory_ms:g} ms at dt = {dt_ms:g} ms) and the steps "
            "the voltage needs to climb from v_reset above v_th (at least one)."
        ),
    ),
)


def check_max_rate(answer: object, refractory: float = 2e-3, dt: float = 1e-3) -> Feedback:
    """The highest steady rate in Hz that any constant input drives, with a refractory period (whole steps).

    Args:
        answer: the learner's rate in Hz (within 1%).
        refractory: the refractory period in seconds (0.0: none), rounded to whole steps as ``simulate`` does.
        dt: time step in seconds.
    """
    return MAX_RATE.check(answer, refractory, dt)


EXERCISES = (STAIR_RATE, FINE_STEP_RATE, REFRACTORY_RATE, MAX_RATE)
"""This notebook's exercises, in the order the notebook meets them."""
