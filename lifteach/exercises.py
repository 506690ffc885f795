"""Exercises with feedback: a learner calls a check with an answer and reads what is right or a hint.

Every ``check_*`` takes the learner's answer first (a number, a tensor, or a function they wrote) and returns a
``Feedback``: ``.correct`` says whether the answer is right and ``.message`` explains, or, for a wrong answer,
points at the concept that was missed ("your rate is in spikes per step; the question asks for Hz"). A check
never raises for an answer, however malformed: a string where a number belongs, ``...`` left in a template cell,
or a function that crashes all get a hint. ``solution(name)`` shows a worked solution; notebooks keep it out of
sight until a learner asks.

In a notebook a ``Feedback`` shows as a short formatted line; ``print(feedback)`` gives the same as plain text.
This module does not import ipywidgets, so the checks also run under nbval and in plain Python.

Exercise names (for ``solution``): see ``EXERCISES``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from lifteach import analysis
from lifteach.lif import LIF, LIFParameters, LIFState
from lifteach.simulate import Result

__all__ = [
    "EXERCISES",
    "Feedback",
    "Solution",
    "check_current_trace",
    "check_cv",
    "check_firing_rate",
    "check_interspike_function",
    "check_mean_rate",
    "check_rate_function",
    "check_rheobase",
    "check_spiking_scale",
    "check_states_shape",
    "check_steady_voltage",
    "solution",
]


@dataclass(frozen=True)
class Feedback:
    """The verdict of a check: ``correct`` and a ``message`` that explains it or gives a hint."""

    exercise: str
    correct: bool
    message: str

    def __str__(self) -> str:
        verdict = "Correct" if self.correct else "Not yet"
        return f"{verdict} ({self.exercise}): {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        if self.correct:
            return f"✅ **Correct.** {self.message}"
        return f"💡 **Not yet.** {self.message}"


@dataclass(frozen=True)
class Solution:
    """A worked solution: ``text`` in Markdown (prose and a code block)."""

    exercise: str
    text: str

    def __str__(self) -> str:
        return f"Solution ({self.exercise}):\n{self.text}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return f"**Solution ({self.exercise})**\n\n{self.text}"


class _Hint(Exception):
    """Raised inside a check when the answer cannot be judged; its message becomes the feedback."""


def _right(exercise: str, message: str) -> Feedback:
    return Feedback(exercise, True, message)


def _hint(exercise: str, message: str) -> Feedback:
    return Feedback(exercise, False, f"{message} (Stuck? `exercises.solution({exercise!r})` shows one way.)")


def _describe(answer: object) -> str:
    text = repr(answer)
    return text if len(text) <= 40 else text[:37] + "..."


def _missing(answer: object) -> str | None:
    """A hint for the placeholders a template cell leaves behind, else None."""
    if answer is Ellipsis:
        return "Replace the `...` with your answer, then run the cell again."
    if answer is None:
        return (
            "Your answer is None: give the value itself (a cell that ends in `print(...)` or an assignment "
            "has no value, and a function without `return` gives None)."
        )
    return None


def _number(answer: object, what: str) -> float:
    """The answer as a float, or a ``_Hint`` saying what kind of value is expected."""
    placeholder = _missing(answer)
    if placeholder:
        raise _Hint(placeholder)
    if isinstance(answer, str):
        raise _Hint(f"You gave the text {_describe(answer)}; {what} is a number: write it without quotes.")
    if isinstance(answer, (torch.Tensor, np.ndarray)):
        count = answer.numel() if isinstance(answer, torch.Tensor) else answer.size
        if count != 1:
            raise _Hint(
                f"You gave an array of shape {tuple(answer.shape)}; {what} is a single number. "
                "If it holds one value per neuron, pick the neuron (`[0]`) or average (`.mean()`)."
            )
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise _Hint(f"You gave {_describe(answer)} ({type(answer).__name__}); {what} is a number.")
    value = float(answer)
    if not math.isfinite(value):
        raise _Hint(f"You gave {value}; {what} is a finite number.")
    return value


def _tensor(answer: object, what: str) -> torch.Tensor:
    """The answer as a float64 tensor (from a tensor, array or list), or a ``_Hint``."""
    placeholder = _missing(answer)
    if placeholder:
        raise _Hint(placeholder)
    if isinstance(answer, LIFState):
        raise _Hint(f"You gave the whole state (v and i); {what} is one of its fields, e.g. `states.i`.")
    if isinstance(answer, str):
        raise _Hint(f"You gave the text {_describe(answer)}; {what} is a tensor of numbers.")
    if isinstance(answer, torch.Tensor):
        answer = answer.detach().cpu()
    if isinstance(answer, (torch.Tensor, np.ndarray)) and np.iscomplexobj(answer):
        raise _Hint(f"You gave complex numbers; {what} holds real numbers.")
    try:
        values = torch.as_tensor(np.asarray(answer, dtype=np.float64))
    except (TypeError, ValueError, RuntimeError):
        raise _Hint(
            f"You gave {_describe(answer)} ({type(answer).__name__}); {what} is a tensor of numbers."
        ) from None
    return values


def _close(answer: float, expected: float, relative: float = 1e-3, absolute: float = 1e-6) -> bool:
    return math.isclose(answer, expected, rel_tol=relative, abs_tol=absolute)


def _judge(exercise: str, checker: Callable[[], Feedback]) -> Feedback:
    try:
        return checker()
    except _Hint as hint:
        return _hint(exercise, str(hint))
    except (TypeError, ValueError) as error:
        # lifteach refused a value the answer led to (e.g. intervals below 0 s): its message names the fix.
        return _hint(exercise, f"The check could not use your answer: {error}")


# --- 01 Simulating and plotting neurons --------------------------------------------------------------------


def _seed_input(steps: int = 1000) -> torch.Tensor:
    """The seed tutorial's input: one neuron, input spikes at 100 ms and 120 ms (dt = 1 ms)."""
    data = torch.zeros(steps, 1)
    data[100] = 1.0
    data[120] = 1.0
    return data


def check_states_shape(answer: object, steps: int = 1000, neurons: int = 1) -> Feedback:
    """What shape does ``states.v`` have after ``LIF(record_states=True)`` ran ``steps`` steps of ``neurons``?

    Args:
        answer: the learner's shape, e.g. ``(1000, 1)``, a list, or ``states.v.shape``.
        steps: number of simulated time steps.
        neurons: number of neurons.
    """
    exercise = "states_shape"

    def judge() -> Feedback:
        placeholder = _missing(answer)
        if placeholder:
            raise _Hint(placeholder)
        if isinstance(answer, (torch.Tensor, np.ndarray)):
            raise _Hint("You gave a tensor; the question asks for its shape: try `states.v.shape`.")
        if isinstance(answer, LIFState):
            raise _Hint(
                "You gave the state itself; the question asks for the shape of its voltage, `states.v.shape`."
            )
        if (
            isinstance(answer, (str, bytes))
            or not isinstance(answer, (tuple, list, torch.Size))
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in answer)
        ):
            raise _Hint(
                f"You gave {_describe(answer)}; give the shape as a tuple of whole numbers, like `(2, 3)`."
            )
        shape = tuple(answer)
        if shape == (steps, neurons):
            return _right(
                exercise,
                f"`states` is an `LIFState` with two fields, the voltage `v` and the current `i`, each of shape "
                f"{(steps, neurons)}: one value per time step (first) and per neuron (last). With "
                f"`record_states=False` you get only the state after the last step, shape {(neurons,)}.",
            )
        if shape == (neurons, steps):
            raise _Hint("Those are the right numbers in the wrong order: time comes first, then the neurons.")
        if shape in ((steps,), (steps * neurons,)):
            raise _Hint("Close: there is one value per time step, but the neuron dimension is kept too.")
        if shape in ((neurons,), (1,)):
            raise _Hint(
                "That is the shape of the final state you get with `record_states=False`; with "
                "`record_states=True` the state of every time step is kept."
            )
        raise _Hint(
            f"The input had shape {(steps, neurons)} (steps, neurons); with `record_states=True` the voltage "
            "is recorded once per input value."
        )

    return _judge(exercise, judge)


def check_spiking_scale(answer: object, v_th: float = 1.0) -> Feedback:
    """By what factor must the seed tutorial's input be scaled so the neuron *just* spikes (at most 2% more)?

    Args:
        answer: the learner's scale factor (a number).
        v_th: the threshold used in the run (the other parameters are Norse's defaults).
    """
    exercise = "spiking_scale"

    def judge() -> Feedback:
        scale = _number(answer, "the scale factor")
        p = LIFParameters(v_th=v_th)
        # Below threshold the neuron is linear in its input: the scaled run's peak is scale x this one.
        _, states = LIF(record_states=True)(_seed_input(200))
        peak_voltage = float(states.v.detach().max())  # the states carry a graph, as in Norse
        needed = v_th / peak_voltage
        if scale <= 0:
            raise _Hint("Scaling by zero or less removes or inverts the input; the factor must be above 1.")
        if scale > needed * 1.02:
            raise _Hint(
                f"The neuron spikes, but scale {scale:g} is more than just enough: the peak of the unscaled "
                f"run is {peak_voltage:.4f}, so a smaller factor already lifts it above the threshold {v_th:g}."
            )
        spikes, _ = LIF(p)(_seed_input(200) * scale)
        if not bool(spikes.sum() > 0):
            raise _Hint(
                f"With scale {scale:g} the peak voltage is about {scale * peak_voltage:.3f}, not above the "
                f"threshold {v_th:g}. Before the first spike the voltage grows in proportion to the input, so "
                f"the peak is scale x {peak_voltage:.4f}."
            )
        return _right(
            exercise,
            f"Scale {scale:g} lifts the peak voltage from {peak_voltage:.4f} to just above the threshold "
            f"{v_th:g}: the smallest factor is v_th / peak = {needed:.4f}.",
        )

    return _judge(exercise, judge)


def check_current_trace(answer: object) -> Feedback:
    """The synaptic current ``i`` of the seed tutorial's neuron (input spikes at 100 and 120 ms), every step.

    Args:
        answer: the learner's trace, shape ``(1000,)`` or ``(1000, 1)`` (a tensor, array or list).
    """
    exercise = "current_trace"

    def judge() -> Feedback:
        trace = _tensor(answer, "the current trace")
        _, states = LIF(record_states=True)(_seed_input())
        expected = states.i.detach().double().reshape(-1)
        voltage = states.v.detach().double().reshape(-1)
        if trace.numel() != expected.numel() or trace.squeeze().dim() > 1:
            raise _Hint(
                f"Your trace has shape {tuple(trace.shape)}; the current of one neuron over the 1000 steps "
                "of the first run has shape (1000, 1) (or (1000,) once squeezed)."
            )
        trace = trace.reshape(-1)
        if torch.allclose(trace, expected, rtol=1e-4, atol=1e-6):
            peak = int(torch.argmax(expected))
            return _right(
                exercise,
                f"The current jumps by the input at steps 100 and 120 and then decays with the synaptic time "
                f"constant (5 ms); it peaks at step {peak} with {float(expected[peak]):.3f}. The voltage follows "
                "it more slowly, which is why the voltage peaks a few steps later.",
            )
        if torch.allclose(trace, voltage, rtol=1e-4, atol=1e-6):
            raise _Hint("That is the voltage `v`; the state's other field, `i`, is the synaptic current.")
        raise _Hint(
            "Those values are not the current of the first run: take the field `i` of the states recorded by "
            "`LIF(record_states=True)` on the unscaled input."
        )

    return _judge(exercise, judge)


# --- 03 Threshold, rheobase and the f-I curve --------------------------------------------------------------


def _steady_current(x: float, p: LIFParameters, dt: float) -> float:
    """The current the voltage integrates under constant input ``x`` (just after each step's jump)."""
    return x / (dt * float(p.tau_syn_inv))


def check_steady_voltage(
    answer: object, x: float = 0.1, p: LIFParameters = LIFParameters(), dt: float = 1e-3
) -> Feedback:
    """Where does the voltage settle under a constant input ``x`` per step (below the rheobase)?

    Args:
        answer: the learner's voltage (a number).
        x: the constant input per step.
        p: parameters (Norse's defaults: 5 ms synapse, 10 ms membrane, threshold 1).
        dt: time step in seconds.
    """
    exercise = "steady_voltage"

    def judge() -> Feedback:
        value = _number(answer, "the voltage")
        current = _steady_current(x, p, dt)
        expected = float(p.v_leak) + current
        if _close(value, expected, relative=1e-2):
            return _right(
                exercise,
                f"The voltage settles at v_leak + x / (dt·tau_syn_inv) = {expected:g}. The current grows until "
                f"its decay per step, dt·tau_syn_inv·i, balances the jump x; it then stays at {current:g} just "
                "after each jump, and the voltage settles where its leak balances that current.",
            )
        if _close(value, float(p.v_leak) + x, relative=1e-2):
            raise _Hint(
                "The input is a jump of the current at every step, and the current keeps what it had: it "
                "grows until the part that decays in a step (dt·tau_syn_inv·i) equals the jump x."
            )
        if _close(value, float(p.v_leak) + current - x, relative=1e-2):
            raise _Hint(
                "That is the current after its decay within a step; the voltage integrates the current just "
                "after the jump, i + x."
            )
        if _close(value, float(p.v_leak) + x / float(p.tau_syn_inv), relative=1e-2):
            raise _Hint(
                "Mind the units: tau_syn_inv is per second and x is per step; the decay per step is dt·tau_syn_inv."
            )
        if expected < float(p.v_th) <= value:
            raise _Hint(
                f"That is at or above the threshold {float(p.v_th):g}: the neuron would spike and reset, so "
                "the voltage could not settle there. Check your arithmetic."
            )
        raise _Hint(
            "In the steady state nothing changes from step to step: set the new current equal to the old one "
            "in the update i <- (i + x)(1 - dt·tau_syn_inv), solve for it, then do the same for v."
        )

    return _judge(exercise, judge)


def check_rheobase(answer: object, p: LIFParameters = LIFParameters(), dt: float = 1e-3) -> Feedback:
    """The rheobase: the smallest constant input per step above which the neuron spikes.

    Args:
        answer: the learner's rheobase (a number, input per step).
        p: parameters; the rheobase of this discrete scheme is ``(v_th - v_leak) * dt * tau_syn_inv``.
        dt: time step in seconds.
    """
    exercise = "rheobase"

    def judge() -> Feedback:
        value = _number(answer, "the rheobase")
        expected = analysis.rheobase(p, dt)
        gap = float(p.v_th) - float(p.v_leak)
        if _close(value, expected):
            return _right(
                exercise,
                f"The rheobase is (v_th - v_leak)·dt·tau_syn_inv = {expected:g}. At exactly {expected:g} the "
                "voltage creeps up to the threshold but never above it (a spike needs v strictly above v_th); "
                "any larger constant input makes the neuron spike.",
            )
        if _close(value, gap) or _close(value, float(p.v_th)):
            raise _Hint(
                "That is the voltage the neuron has to reach, not the input per step that gets it there. "
                "Under a constant input x the voltage settles at v_leak + x / (dt·tau_syn_inv): which x "
                "puts it at v_th?"
            )
        if _close(value, gap * float(p.tau_syn_inv)):
            raise _Hint(
                "Mind the units: tau_syn_inv is per second and the input is per step; a factor dt is missing."
            )
        if _close(value, gap * dt * float(p.tau_mem_inv)):
            raise _Hint(
                "That uses the membrane's tau_mem_inv; the input enters through the synaptic current, whose "
                "decay sets how large the current grows."
            )
        if expected > 0 and _close(value, 1.0 / expected):
            raise _Hint("That is upside down: the steady voltage is x / (dt·tau_syn_inv) above v_leak.")
        raise _Hint(
            "Start from the steady voltage under constant input x, v_leak + x / (dt·tau_syn_inv), and find "
            "the x at which it reaches v_th."
        )

    return _judge(exercise, judge)


def _unit_slip(value: float, rate_hz: float, dt: float) -> str | None:
    """A hint when ``value`` is ``rate_hz`` expressed in another unit, else None."""
    if rate_hz <= 0:
        return None
    if _close(value, rate_hz * dt, relative=2e-2):
        return "Your rate is in spikes per step; the question asks for Hz (spikes per second): divide by dt."
    if not _close(dt, 1e-3) and _close(value, rate_hz / 1000.0, relative=2e-2):
        return "Your rate is in spikes per millisecond; the question asks for Hz (spikes per second)."
    if _close(value, 1.0 / rate_hz, relative=2e-2):
        return "That is the time between spikes in seconds; the rate is one over it."
    if _close(value, 1000.0 / rate_hz, relative=2e-2):
        return "That is the time between spikes in milliseconds; the rate in Hz is 1000 divided by it."
    if _close(value, round(1.0 / (rate_hz * dt)), relative=1e-6):
        return "That is the number of steps between spikes; the rate is 1 / (steps x dt) in Hz."
    return None


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
    exercise = "firing_rate"

    def judge() -> Feedback:
        value = _number(answer, "the firing rate")
        expected = analysis.predicted_rate(x, p, dt)
        threshold_input = analysis.rheobase(p, dt)
        if expected == 0:
            if abs(value) < 0.5:
                return _right(exercise, f"0 Hz: x = {x:g} is not above the rheobase {threshold_input:g}.")
            raise _Hint(
                f"x = {x:g} is not above the rheobase {threshold_input:g}: does the voltage ever cross v_th?"
            )
        if _close(value, expected, relative=2e-2):
            steps = round(1.0 / (expected * dt))
            return _right(
                exercise,
                f"About {expected:.1f} Hz: after each reset the voltage needs {steps} steps to climb above "
                f"the threshold again, so the rate is 1 / ({steps} x {dt * 1000:g} ms).",
            )
        slip = _unit_slip(value, expected, dt)
        if slip:
            raise _Hint(slip)
        if value == 0:
            raise _Hint(f"x = {x:g} is above the rheobase {threshold_input:g}, so the neuron does fire.")
        raise _Hint(
            "Between spikes the voltage relaxes from v_reset towards V = v_leak + x / (dt·tau_syn_inv), "
            "closing the gap by a factor (1 - dt·tau_mem_inv) per step: count the steps n until it is above "
            "v_th; the rate is 1 / (n·dt). Or simulate one second and count the spikes."
        )

    return _judge(exercise, judge)


def _call(function: Callable[..., Any], args: tuple[Any, ...], case: str) -> Any:
    """Call a learner's function; an exception becomes a hint naming the case it failed on."""
    try:
        value = function(*args)
    except Exception as error:  # a learner's function may raise anything; report it as a hint
        raise _Hint(
            f"Your function raised {type(error).__name__}: {error} (when called with {case})."
        ) from None
    if value is Ellipsis:
        raise _Hint(
            "Your function returns `...`: replace the `...` in it with your code, then run the cell again."
        )
    return value


def _function(answer: object) -> Callable[..., Any]:
    placeholder = _missing(answer)
    if placeholder:
        raise _Hint(placeholder)
    if not callable(answer):
        raise _Hint(
            f"You gave {_describe(answer)}, not a function: pass the function itself, without parentheses, "
            "e.g. `check(my_function)`."
        )
    return answer


def check_rate_function(fn: object, p: LIFParameters = LIFParameters(), dt: float = 1e-3) -> Feedback:
    """A function ``fn(x) -> rate in Hz`` for a constant input ``x`` per step: the neuron's f-I curve.

    It is compared with the closed-form steady rate at inputs from half to five times the rheobase; within
    3% (or 2 Hz) passes, so simulating one second and counting spikes is right too.

    Args:
        fn: the learner's function of one float.
        p: parameters.
        dt: time step in seconds.
    """
    exercise = "rate_function"

    def judge() -> Feedback:
        function = _function(fn)
        threshold_input = analysis.rheobase(p, dt)
        inputs = [factor * threshold_input for factor in (0.5, 0.75, 1.25, 1.5, 2.0, 3.0, 5.0)]
        rates = []
        for x in inputs:
            value = _call(function, (x,), f"x = {x:g}")
            try:
                rates.append(_number(value, "the rate your function returns"))
            except _Hint as hint:
                raise _Hint(f"For x = {x:g}: {hint}") from None
        expected = [analysis.predicted_rate(x, p, dt) for x in inputs]
        wrong = [
            (x, got, want)
            for x, got, want in zip(inputs, rates, expected, strict=True)
            if abs(got - want) > max(0.03 * want, 2.0)
        ]
        if not wrong:
            return _right(
                exercise,
                f"Your function matches the neuron's f-I curve from {inputs[0]:g} to {inputs[-1]:g}: zero up to "
                f"the rheobase {threshold_input:g}, then rising steeply and bending over as the rate "
                f"approaches one spike per step.",
            )
        firing = [(got, want) for got, want in zip(rates, expected, strict=True) if want > 0]
        slips = {_unit_slip(got, want, dt) for got, want in firing}
        if len(slips) == 1 and None not in slips:
            raise _Hint(str(slips.pop()))
        below = [(x, got) for x, got, want in wrong if want == 0]
        if below:
            x, got = below[0]
            raise _Hint(
                f"At x = {x:g}, below the rheobase {threshold_input:g}, the neuron never spikes, but your "
                f"function gives {got:g} Hz."
            )
        x, got, want = wrong[0]
        raise _Hint(
            f"At x = {x:g} your function gives {got:g} Hz, but the neuron fires at about {want:.1f} Hz."
        )

    return _judge(exercise, judge)


# --- 04 Populations and variability ------------------------------------------------------------------------


def check_mean_rate(answer: object, result: object) -> Feedback:
    """The mean firing rate of the population in ``result``, in Hz per neuron (within 1%).

    Args:
        answer: the learner's rate in Hz (a number).
        result: the ``Result`` of the simulation the question is about.
    """
    exercise = "mean_rate"

    def judge() -> Feedback:
        if not isinstance(result, Result):
            raise _Hint("Pass the simulation as the second argument: `check_mean_rate(your_rate, result)`.")
        value = _number(answer, "the mean rate")
        expected = float(analysis.firing_rates(result).mean())
        per_neuron = result.total_spikes / result.n_neurons
        if _close(value, expected, relative=1e-2):
            return _right(
                exercise,
                f"{expected:.2f} Hz: {result.total_spikes} spikes from {result.n_neurons} neurons in "
                f"{result.duration:g} s, that is {per_neuron:.2f} spikes per neuron, divided by the duration.",
            )
        slip = _unit_slip(value, expected, result.dt)
        if slip:
            raise _Hint(slip)
        if not _close(result.duration, 1.0) and _close(value, per_neuron, relative=1e-2):
            raise _Hint(
                f"That is the number of spikes per neuron in the whole run of {result.duration:g} s; a rate "
                "is per second: divide by the duration."
            )
        if _close(value, result.total_spikes, relative=1e-2):
            raise _Hint(
                "That is the total number of spikes of all neurons; the mean rate is per neuron and per second."
            )
        if _close(value, result.total_spikes / result.duration, relative=1e-2):
            raise _Hint("That is the rate of the whole population together; divide by the number of neurons.")
        raise _Hint(
            "Count the spikes of each neuron (`analysis.spike_counts`), divide by the duration in seconds, "
            "then average over neurons."
        )

    return _judge(exercise, judge)


def _intervals_answer(value: object, case: str) -> np.ndarray:
    try:
        return _tensor(value, "the list of intervals").reshape(-1).numpy()
    except _Hint as hint:
        raise _Hint(f"For {case}: {hint}") from None


def check_interspike_function(fn: object) -> Feedback:
    """A function ``fn(spikes, dt) -> intervals`` between consecutive spikes, in seconds.

    ``spikes`` is a 1-d bool tensor (one neuron, one value per step) and ``dt`` the time step in seconds; the
    function returns the intervals as a list, array or tensor (empty for fewer than two spikes).
    """
    exercise = "interspike_function"
    # The first train uses dt = 0.5 ms, so that intervals in steps and in ms differ.
    cases = [((3, 10, 12, 30), 50, 5e-4), ((5, 25), 40, 1e-3), ((7,), 20, 1e-3), ((), 20, 1e-3)]

    def judge() -> Feedback:
        function = _function(fn)
        for steps, length, dt in cases:
            train = torch.zeros(length, dtype=torch.bool)
            train[list(steps)] = True
            case = f"spikes at steps {list(steps)} and dt = {dt:g} s ({dt * 1000:g} ms)"
            got = _intervals_answer(_call(function, (train, dt), case), case)
            times = np.array(steps, dtype=float) * dt
            want = np.diff(times)
            if got.shape == want.shape and np.allclose(got, want, rtol=1e-6, atol=1e-9):
                continue
            if len(steps) < 2:
                raise _Hint(
                    f"For {case}: with fewer than two spikes there is no interval; return an empty list "
                    f"(your function gave {got.tolist()})."
                )
            if got.shape == want.shape and np.allclose(got, want / dt):
                raise _Hint(f"For {case}: those are intervals in steps; multiply by dt to get seconds.")
            if got.shape == want.shape and np.allclose(got, want * 1000):
                raise _Hint(
                    f"For {case}: those are intervals in milliseconds; the question asks for seconds."
                )
            if got.shape == times.shape and (np.allclose(got, times) or np.allclose(got, times / dt)):
                raise _Hint(
                    f"For {case}: those are the spike times; the intervals are the differences between "
                    "consecutive spike times."
                )
            if got.shape == times.shape and np.allclose(got, np.diff(times, prepend=0.0)):
                raise _Hint(
                    f"For {case}: n spikes have n - 1 intervals; the time from the start to the first spike "
                    "is not an interval between spikes."
                )
            raise _Hint(
                f"For {case} the intervals are {np.round(want, 6).tolist()} s, your function gave {got.tolist()}."
            )
        return _right(
            exercise,
            "Your function gives the intervals between consecutive spikes in seconds, and none for a train "
            "with fewer than two spikes.",
        )

    return _judge(exercise, judge)


def check_cv(answer: object, intervals: object) -> Feedback:
    """The coefficient of variation (standard deviation over mean) of ``intervals`` (within 1%).

    Args:
        answer: the learner's CV (a number, no unit).
        intervals: the inter-spike intervals the question is about (seconds).
    """
    exercise = "cv"

    def judge() -> Feedback:
        values = _intervals_answer(intervals, "the intervals (second argument)")
        if values.size < 2:
            raise _Hint(
                "Those intervals are too few to measure variability: a CV needs at least two intervals "
                "(three spikes)."
            )
        value = _number(answer, "the CV")
        expected = analysis.coefficient_of_variation(values)
        sample = float(values.std(ddof=1) / values.mean())
        if _close(value, expected, relative=1e-2):
            return _right(
                exercise,
                f"CV = {expected:.3f}: 0 would be a clock, about 1 is as irregular as a Poisson process.",
            )
        if _close(value, sample, relative=1e-2):
            return _right(
                exercise,
                f"CV = {sample:.3f} with the sample standard deviation (n - 1, torch's default); with n "
                f"(numpy's default) it is {expected:.3f}. Either is fine: 0 is a clock, about 1 is Poisson.",
            )
        std = float(values.std())
        if _close(value, std, relative=1e-2) or _close(value, std * 1000, relative=1e-2):
            raise _Hint(
                "That is the standard deviation of the intervals; the CV divides it by their mean, so it "
                "has no unit and does not depend on seconds or milliseconds."
            )
        if _close(value, std**2, relative=1e-2) or _close(value, (std * 1000) ** 2, relative=1e-2):
            raise _Hint(
                "That is the variance; the CV uses the standard deviation (its square root) over the mean."
            )
        if expected > 0 and _close(value, 1.0 / expected, relative=1e-2):
            raise _Hint("That is upside down: the CV is the standard deviation divided by the mean.")
        raise _Hint("The CV is the standard deviation of the intervals divided by their mean.")

    return _judge(exercise, judge)


# --- Solutions ---------------------------------------------------------------------------------------------

_SOLUTIONS = {
    "states_shape": """`states` is an `LIFState(v, i)`. With `record_states=True` each field holds one value per
time step and neuron, in the input's shape (time first):

```python
print(states.v.shape, states.i.shape)   # torch.Size([1000, 1]) twice
exercises.check_states_shape(states.v.shape)
```

With `record_states=False` the module returns only the state after the last step, shape `(1,)`.""",
    "spiking_scale": """Before the first spike the neuron is linear: scaling the input scales the voltage. So the
smallest factor lifts the peak voltage just to the threshold, and a little headroom makes it cross:

```python
scale = 1.001 * 1.0 / float(voltages.max())   # v_th / peak, plus 0.1 %
exercises.check_spiking_scale(scale)
```""",
    "current_trace": """The current is the state's other field; plot it with the current panel (or `ax.plot`):

```python
current = states.i.detach()
fig, ax = plt.subplots()
ax.plot(current)
exercises.check_current_trace(current)
```""",
    "steady_voltage": """In the steady state the current after a step's jump, `c = i + x`, is the same every step:
`c = c * (1 - dt * tau_syn_inv) + x`, so `c = x / (dt * tau_syn_inv)`. The voltage stops changing when its
leak balances that current: `v = v_leak + c`.

```python
p, dt, x = LIFParameters(), 1e-3, 0.1
v_steady = p.v_leak + x / (dt * p.tau_syn_inv)    # 0.5
exercises.check_steady_voltage(v_steady)
```""",
    "rheobase": """The steady voltage `v_leak + x / (dt * tau_syn_inv)` reaches `v_th` when
`x = (v_th - v_leak) * dt * tau_syn_inv`; a spike needs the voltage strictly above `v_th`, so that input is
the boundary (`analysis.rheobase` computes it):

```python
p, dt = LIFParameters(), 1e-3
x_rheobase = (p.v_th - p.v_leak) * dt * p.tau_syn_inv   # 0.2
exercises.check_rheobase(x_rheobase)
```""",
    "firing_rate": """After a reset the voltage relaxes towards `V = v_leak + x / (dt * tau_syn_inv)`; after `n`
steps the gap to `V` has shrunk by `(1 - dt * tau_mem_inv) ** n`. Count the steps until the voltage is above
`v_th` (or simulate a second and count spikes):

```python
x = 0.4
rate_hz = analysis.predicted_rate(x)            # closed form, 142.9 Hz
result = simulate(inputs.constant_current(x, 1000))
print(analysis.firing_rates(result))            # simulated: 142 spikes in 1 s
exercises.check_firing_rate(rate_hz)
```""",
    "rate_function": """Simulate one neuron with the constant input for one second and turn the count into Hz:

```python
def my_rate(x):
    result = simulate(inputs.constant_current(x, steps=1000))
    return float(analysis.firing_rates(result)[0])    # spikes / duration in s

exercises.check_rate_function(my_rate)
```

`analysis.predicted_rate` is the same curve in closed form.""",
    "mean_rate": """Spikes per neuron, divided by the duration in seconds, averaged over neurons:

```python
counts = analysis.spike_counts(result)            # spikes of each neuron
mean_rate = float(counts.double().mean() / result.duration)
exercises.check_mean_rate(mean_rate, result)      # the same as analysis.firing_rates(result).mean()
```""",
    "interspike_function": """Find the steps with a spike, take the differences between consecutive ones and
convert steps to seconds:

```python
def my_intervals(spikes, dt):
    steps = torch.nonzero(spikes).flatten()
    return torch.diff(steps) * dt       # n spikes give n - 1 intervals; empty for fewer than two

exercises.check_interspike_function(my_intervals)
```""",
    "cv": """The coefficient of variation is the standard deviation of the intervals over their mean:

```python
cv = float(intervals.std() / intervals.mean())
exercises.check_cv(cv, intervals)        # analysis.coefficient_of_variation(intervals) is the same
```""",
}

EXERCISES: tuple[str, ...] = tuple(_SOLUTIONS)
"""The names of the exercises, in the order the notebooks meet them."""


def solution(name: object) -> Solution:
    """A worked solution to the exercise ``name`` (one of ``EXERCISES``), shown as Markdown in a notebook."""
    if isinstance(name, str) and name in _SOLUTIONS:
        return Solution(name, _SOLUTIONS[name])
    names = ", ".join(repr(known) for known in EXERCISES)
    return Solution(str(name), f"There is no exercise called {_describe(name)}; the exercises are {names}.")
