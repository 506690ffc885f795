"""The seed tutorial's synaptic current and voltage over time: the current trace, drawn or given, and the step
at which the voltage peaks (exercises ``current_trace`` and ``peak_step``)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from matplotlib.axes import Axes

from lifteach.exercises import _answers, _plots
from lifteach.exercises._answers import Unjudged
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.exercises._simulating._run import seed_input
from lifteach.lif import LIF

__all__ = ["CURRENT_TRACE", "PEAK_STEP", "check_current_trace", "check_peak_step"]


# --- current_trace -----------------------------------------------------------------------------------------


@dataclass
class _Trace:
    trace: torch.Tensor
    expected: torch.Tensor
    """The first run's current, float64, shape (1000,)."""
    voltage: torch.Tensor
    labels: tuple[str, str] | None = None
    """The axis labels (x, y) of the plot the trace was read from; None when a trace was given."""
    times: torch.Tensor | None = None
    """The x data of the plotted line; None when a trace was given."""

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.trace.shape)

    @property
    def misshapen(self) -> bool:
        return self.trace.numel() != self.expected.numel() or self.trace.squeeze().dim() > 1

    def matches(self, other: torch.Tensor) -> bool:
        return torch.allclose(self.trace.reshape(-1), other, rtol=1e-4, atol=1e-6)

    @property
    def unlabelled(self) -> bool:
        """A plot whose axes do not both say what they show (the time axis with its unit)."""
        return self.labels is not None and not (_plots.time_unit(self.labels[0]) and self.labels[1])

    @property
    def in_seconds(self) -> bool:
        """A plotted line whose time axis is in seconds (step n at n / 1000), where ms are asked for."""
        if self.times is None or self.times.numel() != self.expected.numel():
            return False
        seconds = torch.arange(self.expected.numel(), dtype=torch.float64) / 1000.0
        return bool(torch.allclose(self.times.double().reshape(-1), seconds, rtol=1e-4, atol=1e-9))

    @property
    def last_time(self) -> float:
        return float(self.times.reshape(-1)[-1]) if self.times is not None else 0.0

    @property
    def peak(self) -> int:
        return int(torch.argmax(self.expected))

    @property
    def peak_current(self) -> float:
        return float(self.expected[self.peak])


def _read_trace(answer: object) -> _Trace:
    _, states = LIF(record_states=True)(seed_input())
    expected, voltage = states.i.detach().double().reshape(-1), states.v.detach().double().reshape(-1)
    if not isinstance(answer, Axes):
        trace = _answers.tensor(answer, "the current trace")
        return _Trace(trace, expected, voltage)
    picture = _plots.drawn(answer)
    if not picture.curves:
        raise Unjudged("Your axes show points but no line: draw the current as a line, `ax.plot(...)`.")
    # Of several lines, the one that is the current counts (a learner may draw the voltage beside it).
    curves = [torch.as_tensor(curve) for curve in picture.curves]
    index = next(
        (k for k, c in enumerate(curves) if c.numel() == expected.numel() and _close(c, expected)), 0
    )
    times = torch.as_tensor(picture.curve_times[index]) if picture.curve_times else None
    return _Trace(curves[index], expected, voltage, (picture.xlabel, picture.ylabel), times)


def _close(trace: torch.Tensor, other: torch.Tensor) -> bool:
    return torch.allclose(trace.reshape(-1), other, rtol=1e-4, atol=1e-6)


CURRENT_TRACE: Exercise[_Trace] = Exercise(
    "current_trace",
    _read_trace,
    (
        not_yet(
            "Your trace has shape {shape}; the current of one neuron over the 1000 steps "
            "of the first run has shape (1000, 1) (or (1000,) once squeezed).",
            when=lambda f: f.misshapen,
        ),
        not_yet(
            "Your plot shows the current. Now say so on the axes, with units: a reader cannot tell a "
            "current from a voltage, or ms from steps, without them. For example "
            '`ax.set(xlabel="time (ms)", ylabel="synaptic current i")`.',
            when=lambda f: f.matches(f.expected) and f.unlabelled,
        ),
        not_yet(
            "Your plot shows the current, against time in seconds (the last step at {last_time:g}); the "
            "exercise asks for the time in ms, as the course's figures show it: step n is at n ms here, and "
            "`first_run.times_ms` holds the times in ms.",
            when=lambda f: f.matches(f.expected) and f.in_seconds,
        ),
        right(
            "The current jumps by the input at steps 100 and 120 and then decays with the synaptic time "
            "constant (5 ms); it peaks at step {peak} with {peak_current:.3f} (recorded after the step's "
            "decay: 1 x 0.8 plus what was left of the first jump). The voltage follows it more slowly, "
            "which is why the voltage peaks a few steps later.",
            when=lambda f: f.matches(f.expected),
        ),
        not_yet(
            "That is the voltage `v`; the state's other field, `i`, is the synaptic current.",
            when=lambda f: f.matches(f.voltage),
        ),
        not_yet(
            "Those values are not the current of the first run: take the field `i` of the states recorded by "
            "`LIF(record_states=True)` on the unscaled input."
        ),
    ),
)


def check_current_trace(answer: object) -> Feedback:
    """The synaptic current ``i`` of the seed tutorial's neuron (input spikes at 100 and 120 ms), every step.

    Args:
        answer: the axes the learner plotted the current on (its line is read back, and its axis labels
            must say what they show), or the trace itself, shape ``(1000,)`` or ``(1000, 1)``: a tensor,
            array or list.
    """
    return CURRENT_TRACE.check(answer)


# --- peak_step ---------------------------------------------------------------------------------------------


@dataclass
class _Peak:
    value: float
    voltage: torch.Tensor
    """The seed run's voltage, float64, shape (1000,)."""
    current: torch.Tensor
    """The seed run's current (recorded after each step's decay), float64, shape (1000,)."""

    @property
    def expected(self) -> int:
        return int(torch.argmax(self.voltage))

    @property
    def peak_voltage(self) -> float:
        return float(self.voltage[self.expected])

    @property
    def step(self) -> int:
        return round(self.value)

    @property
    def rising(self) -> bool:
        """Whether the voltage still rises after the learner's step (their step is before the peak)."""
        return 120 <= self.step < self.expected

    @property
    def current_then(self) -> float:
        """The current just after the jump at the learner's step, which the voltage integrates."""
        return float(self.current[min(max(self.step, 0), 999)]) / 0.8

    @property
    def voltage_then(self) -> float:
        return float(self.voltage[min(max(self.step, 0), 999)])


def _read_peak(answer: object) -> _Peak:
    value = _answers.number(answer, "the step of the peak")
    _, states = LIF(record_states=True)(seed_input())
    return _Peak(value, states.v.detach().double().reshape(-1), states.i.detach().double().reshape(-1))


PEAK_STEP: Exercise[_Peak] = Exercise(
    "peak_step",
    _read_peak,
    (
        not_yet(
            "That is a time in seconds; the question asks for the step, its index (with dt = 1 ms the step "
            "number is the time in ms).",
            when=lambda f: 0 < f.value < 1,
        ),
        not_yet(
            "A step is a whole number: the index of a time step, from 0 to 999.",
            when=lambda f: f.value != f.step,
        ),
        right(
            "Step {expected}, with {peak_voltage:.4f}: five steps after the second input spike. The current "
            "peaks at the jump (step 120), but the voltage keeps rising as long as the current is above it "
            "(it changes by dt·tau_mem_inv·(i - v) per step) and peaks where the decaying current meets it.",
            when=lambda f: f.step == f.expected,
        ),
        not_yet(
            "Step 120 is when the current peaks (the second input spike). The voltage integrates the current "
            "with the slower membrane time constant: it keeps rising while the current is above it.",
            when=lambda f: f.step == 120,
        ),
        not_yet(
            "Step 100 is the first input spike; the second one, at 120, arrives while the voltage is still "
            "raised, so the peak comes after the second.",
            when=lambda f: f.step == 100,
        ),
        not_yet(
            "At step {step} the voltage ({voltage_then:.3f}) is still below the current it integrates "
            "({current_then:.3f} just after that step's jump), so it is still rising: the peak comes later.",
            when=lambda f: f.rising,
        ),
        not_yet(
            "By step {step} the voltage is falling again: the current has decayed below it. The peak comes "
            "a few steps after the second input at step 120.",
            when=lambda f: f.step > f.expected,
        ),
        not_yet(
            "The input spikes arrive at steps 100 and 120, and the voltage follows the current with a delay: "
            "the peak comes a few steps after the second input."
        ),
    ),
)


def check_peak_step(answer: object) -> Feedback:
    """At which step does the seed tutorial's voltage peak (input spikes at steps 100 and 120)?

    Args:
        answer: the learner's step (a whole number, 0 to 999; with dt = 1 ms it is the time in ms).
    """
    return PEAK_STEP.check(answer)
