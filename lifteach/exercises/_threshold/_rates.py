"""Above the threshold: the firing rate under a constant input and the whole f-I curve as a learner's function
(exercises ``firing_rate`` and ``rate_function``), with the wrong rates a learner may give: a rate in another
unit (``unit_slip``, also used by notebook 04's exercises) or one that lets spikes fall between steps
(``continuous_rates``). Inputs per step, ``dt`` in seconds, rates in Hz."""

from __future__ import annotations

import math
from dataclasses import dataclass

from lifteach import analysis
from lifteach.exercises import _answers
from lifteach.exercises._answers import Unjudged, close
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.lif import LIFParameters

__all__ = [
    "FIRING_RATE",
    "RATE_FUNCTION",
    "check_firing_rate",
    "check_rate_function",
    "continuous_rates",
    "unit_slip",
]


def unit_slip(value: float, rate_hz: float, dt: float) -> str | None:
    """A hint when ``value`` is ``rate_hz`` (Hz) said in another unit (``dt`` in seconds), else None."""
    if rate_hz <= 0:
        return None
    if close(value, rate_hz * dt, relative=2e-2):
        return "Your rate is in spikes per step; the question asks for Hz (spikes per second): divide by dt."
    if not close(dt, 1e-3) and close(value, rate_hz / 1000.0, relative=2e-2):
        return "Your rate is in spikes per millisecond; the question asks for Hz (spikes per second)."
    if close(value, 1.0 / rate_hz, relative=2e-2):
        return "That is the time between spikes in seconds; the rate is one over it."
    if close(value, 1000.0 / rate_hz, relative=2e-2):
        return "That is the time between spikes in milliseconds; the rate in Hz is 1000 divided by it."
    if close(value, round(1.0 / (rate_hz * dt)), relative=1e-6):
        return "That is the number of steps between spikes; the rate is 1 / (steps x dt) in Hz."
    return None


def continuous_rates(x: float, p: LIFParameters, dt: float) -> tuple[float, float]:
    """Two rates in Hz that forget that spikes fall on steps: (continuous time, fractional steps).

    The first is the continuous-time LIF's ``1 / (tau_mem ln((V - v_reset) / (V - v_th)))`` with the discrete
    scheme's target ``V = v_leak + x / (dt * tau_syn_inv)``; the second counts the steps to threshold as a
    real number ``ln(ratio) / ln(1 - dt * tau_mem_inv)`` instead of rounding it up to a whole step. Both are
    0 at or below the rheobase.
    """
    target = float(p.v_leak) + x / (dt * float(p.tau_syn_inv))
    if target <= float(p.v_th):
        return 0.0, 0.0
    ratio = (target - float(p.v_th)) / (target - float(p.v_reset))
    continuous = 1.0 / (-math.log(ratio) / float(p.tau_mem_inv))
    decay = 1.0 - dt * float(p.tau_mem_inv)
    fractional = 1.0 / (math.log(ratio) / math.log(decay) * dt) if decay > 0 else math.inf
    return continuous, fractional


# --- firing_rate -------------------------------------------------------------------------------------------


@dataclass
class _Rate:
    value: float
    """Hz."""
    expected: float
    """Hz."""
    x: float
    threshold_input: float
    dt: float
    continuous: tuple[float, float] = (0.0, 0.0)
    """The rates that forget the whole steps (``continuous_rates``), Hz."""

    @property
    def forgot_steps(self) -> bool:
        """Whether the answer is a rate that lets spikes fall between steps, and not the discrete one."""
        if self.silent or close(self.value, self.expected, relative=3e-3):
            return False
        return any(close(self.value, rate, relative=5e-3) for rate in self.continuous)

    @property
    def interval_ms(self) -> float:
        return 1000.0 / self.value if self.value else math.inf

    @property
    def at_rheobase(self) -> bool:
        return close(self.x, self.threshold_input, relative=1e-9)

    @property
    def silent(self) -> bool:
        return self.expected == 0

    @property
    def steps(self) -> int:
        """Steps between spikes in the steady state."""
        return round(1.0 / (self.expected * self.dt))

    @property
    def dt_ms(self) -> float:
        return self.dt * 1000

    @property
    def slip(self) -> str | None:
        return unit_slip(self.value, self.expected, self.dt)


def _read_rate(answer: object, x: float, p: LIFParameters, dt: float) -> _Rate:
    value = _answers.number(answer, "the firing rate")
    return _Rate(
        value, analysis.predicted_rate(x, p, dt), x, analysis.rheobase(p, dt), dt, continuous_rates(x, p, dt)
    )


FIRING_RATE: Exercise[_Rate] = Exercise(
    "firing_rate",
    _read_rate,
    (
        right(
            "0 Hz: x = {x:g} is not above the rheobase {threshold_input:g}.",
            when=lambda f: f.silent and abs(f.value) < 0.5,
        ),
        not_yet(
            "x = {x:g} is exactly the rheobase: the voltage creeps up to v_th but never above it, and a "
            "spike needs v strictly above v_th (`v > v_th`), so the neuron stays silent.",
            when=lambda f: f.silent and f.at_rheobase,
        ),
        not_yet(
            "x = {x:g} is not above the rheobase {threshold_input:g}: does the voltage ever cross v_th?",
            when=lambda f: f.silent,
        ),
        not_yet(
            "{value:g} Hz is an interval of {interval_ms:.2f} ms, a rate for a neuron whose spikes may fall "
            "between steps (the continuous-time formula, or a step count that is not a whole number). Here "
            "the voltage is only computed at whole steps, so the interval is a whole number of steps n, the "
            "first at which the voltage is above v_th; the rate is 1 / (n·dt).",
            when=lambda f: f.forgot_steps,
        ),
        right(
            "About {expected:.1f} Hz: after each reset the voltage needs {steps} steps to climb above "
            "the threshold again, so the rate is 1 / ({steps} x {dt_ms:g} ms).",
            when=lambda f: close(f.value, f.expected, relative=2e-2),
        ),
        not_yet("{slip}", when=lambda f: f.slip is not None),
        not_yet(
            "x = {x:g} is above the rheobase {threshold_input:g}, so the neuron does fire.",
            when=lambda f: f.value == 0,
        ),
        not_yet(
            "Between spikes the voltage relaxes from v_reset towards V = v_leak + x / (dt·tau_syn_inv), "
            "closing the gap by a factor (1 - dt·tau_mem_inv) per step: count the steps n until it is above "
            "v_th; the rate is 1 / (n·dt). Or simulate one second and count the spikes."
        ),
    ),
)


def check_firing_rate(
    answer: object, x: float = 0.4, p: LIFParameters = LIFParameters(), dt: float = 1e-3
) -> Feedback:
    """The steady firing rate in Hz under a constant input ``x`` per step (within 2%).

    Args:
        answer: the learner's rate in Hz (a number).
        x: the constant input per step.
        p: parameters.
        dt: time step in seconds.
    """
    return FIRING_RATE.check(answer, x, p, dt)


# --- rate_function -----------------------------------------------------------------------------------------


_RATE_FUNCTION_FACTORS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0)
"""The inputs the learner's f-I function is tried at, as multiples of the rheobase. Exactly at the rheobase the
voltage only creeps up to v_th and never passes it (a spike needs ``v > v_th``), so a function that treats the
rheobase itself as firing (``>=``) fails there."""


@dataclass
class _Curve:
    inputs: list[float]
    rates: list[float]
    """The learner's rates, Hz."""
    expected: list[float]
    """The closed-form steady rates, Hz."""
    threshold_input: float
    dt: float
    continuous: list[tuple[float, float]]
    """The rates that forget the whole steps, per input (``continuous_rates``), Hz."""

    @property
    def wrong(self) -> list[tuple[float, float, float]]:
        """(input, learner's rate, expected rate) wherever they differ by more than 3% or 2 Hz, or wherever the
        neuron is silent and the function gives a rate at all (a spike in 1 s or 10 is as wrong as many)."""
        rows = zip(self.inputs, self.rates, self.expected, strict=True)
        return [
            (x, got, want)
            for x, got, want in rows
            if abs(got - want) > (max(0.03 * want, 2.0) if want > 0 else 1e-9)
        ]

    @property
    def slip(self) -> str | None:
        """The unit slip, if every input that makes the neuron fire shows the same one."""
        firing = [(got, want) for got, want in zip(self.rates, self.expected, strict=True) if want > 0]
        slips = {unit_slip(got, want, self.dt) for got, want in firing}
        return slips.pop() if len(slips) == 1 and None not in slips else None

    @property
    def below(self) -> tuple[float, float] | None:
        """(input, learner's rate) of the first input at or below the rheobase where the function gives a rate."""
        return next(((x, got) for x, got, want in self.wrong if want == 0), None)

    @property
    def forgot_steps(self) -> bool:
        """Whether the function gives a rate that lets spikes fall between steps at every input that fires."""
        rows = zip(self.rates, self.expected, self.continuous, strict=True)
        firing = [(got, rates) for got, want, rates in rows if want > 0]
        return all(any(close(got, rate, relative=1e-2) for rate in rates) for got, rates in firing)

    @property
    def first_input(self) -> float:
        return self.inputs[0]

    @property
    def last_input(self) -> float:
        return self.inputs[-1]


def _read_curve(fn: object, p: LIFParameters, dt: float) -> _Curve:
    learners_function = _answers.function(fn)
    threshold_input = analysis.rheobase(p, dt)
    inputs = [factor * threshold_input for factor in _RATE_FUNCTION_FACTORS]
    rates = []
    for x in inputs:
        value = _answers.call(learners_function, (x,), f"x = {x:g}")
        try:
            rates.append(_answers.number(value, "the rate your function returns"))
        except Unjudged as unjudged:
            raise Unjudged(f"For x = {x:g}: {unjudged}") from None
    expected = [analysis.predicted_rate(x, p, dt) for x in inputs]
    continuous = [continuous_rates(x, p, dt) for x in inputs]
    return _Curve(inputs, rates, expected, threshold_input, dt, continuous)


RATE_FUNCTION: Exercise[_Curve] = Exercise(
    "rate_function",
    _read_curve,
    (
        right(
            "Your function matches the neuron's f-I curve from {first_input:g} to {last_input:g}: zero up to "
            "the rheobase {threshold_input:g}, then rising steeply and bending over as the rate "
            "approaches one spike per step.",
            when=lambda f: not f.wrong,
        ),
        not_yet("{slip}", when=lambda f: f.slip is not None),
        not_yet(
            "Your function gives the rate of a neuron whose spikes may fall between steps (the "
            "continuous-time formula): at x = {wrong[0][0]:g} it gives {wrong[0][1]:g} Hz, the neuron "
            "{wrong[0][2]:.1f} Hz. Here spikes fall on whole steps: the interval is the first whole number "
            "of steps n at which the voltage is above v_th, so the rate is 1 / (n·dt), in stairs.",
            when=lambda f: f.below is None and f.forgot_steps,
        ),
        not_yet(
            "At x = {below[0]:g}, at or below the rheobase {threshold_input:g}, the neuron never spikes, but "
            "your function gives {below[1]:g} Hz. At the rheobase itself the voltage creeps up to v_th without "
            "passing it, and a spike needs v above v_th: the neuron fires only for x strictly above the "
            "rheobase.",
            when=lambda f: f.below is not None,
        ),
        not_yet(
            "At x = {wrong[0][0]:g} your function gives {wrong[0][1]:g} Hz, but the neuron fires at about "
            "{wrong[0][2]:.1f} Hz."
        ),
    ),
)


def check_rate_function(fn: object, p: LIFParameters = LIFParameters(), dt: float = 1e-3) -> Feedback:
    """A function ``fn(x) -> rate in Hz`` for a constant input ``x`` per step: the neuron's f-I curve.

    It is compared with the closed-form steady rate at inputs from half to five times the rheobase, the
    rheobase itself among them (where the rate is 0); within 3% (or 2 Hz) passes, so simulating one second and
    counting spikes is right too.

    Args:
        fn: the learner's function of one float.
        p: parameters.
        dt: time step in seconds.
    """
    return RATE_FUNCTION.check(fn, p, dt)
