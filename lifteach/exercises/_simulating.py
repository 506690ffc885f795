"""Exercises of notebook 01, *Simulating and plotting neurons*: what ``states`` holds, just enough input to
spike, and the synaptic current.

All three are about the seed tutorial's run: one neuron, 1000 steps of ``dt = 1 ms``, input spikes of 1 at
100 ms and 120 ms, Norse's default parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch
from matplotlib.axes import Axes

from lifteach.exercises import _answers, _plots
from lifteach.exercises._answers import Unjudged
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.lif import LIF, LIFParameters, LIFState
from lifteach.simulate import Result

__all__ = [
    "EXERCISES",
    "check_current_trace",
    "check_peak_step",
    "check_raster",
    "check_spiking_scale",
    "check_states_shape",
]


def _seed_input(steps: int = 1000) -> torch.Tensor:
    """The seed tutorial's input: one neuron, input spikes at 100 ms and 120 ms (dt = 1 ms), shape (steps, 1)."""
    data = torch.zeros(steps, 1)
    data[100] = 1.0
    data[120] = 1.0
    return data


# --- states_shape ------------------------------------------------------------------------------------------


@dataclass
class _Shape:
    shape: tuple[int, ...]
    steps: int
    neurons: int

    @property
    def recorded(self) -> tuple[int, int]:
        return (self.steps, self.neurons)

    @property
    def final(self) -> tuple[int]:
        return (self.neurons,)


def _read_shape(answer: object, steps: int, neurons: int) -> _Shape:
    placeholder = _answers.missing(answer)
    if placeholder:
        raise Unjudged(placeholder)
    if isinstance(answer, (torch.Tensor, np.ndarray)):
        raise Unjudged("You gave a tensor; the question asks for its shape: try `states.v.shape`.")
    if isinstance(answer, LIFState):
        raise Unjudged(
            "You gave the state itself; the question asks for the shape of its voltage, `states.v.shape`."
        )
    if (
        isinstance(answer, (str, bytes))
        or not isinstance(answer, (tuple, list, torch.Size))
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in answer)
    ):
        raise Unjudged(
            f"You gave {_answers.describe(answer)}; give the shape as a tuple of whole numbers, like `(2, 3)`."
        )
    return _Shape(tuple(answer), steps, neurons)


STATES_SHAPE: Exercise[_Shape] = Exercise(
    "states_shape",
    _read_shape,
    (
        right(
            "`states` is an `LIFState` with two fields, the voltage `v` and the current `i`, each of shape "
            "{recorded}: one value per time step (first) and per neuron (last). With "
            "`record_states=False` you get only the state after the last step, shape {final}.",
            when=lambda f: f.shape == f.recorded,
        ),
        not_yet(
            "Those are the right numbers in the wrong order: time comes first, then the neurons.",
            when=lambda f: f.shape == (f.neurons, f.steps),
        ),
        not_yet(
            "Close: there is one value per time step, but the neuron dimension is kept too.",
            when=lambda f: f.shape in ((f.steps,), (f.steps * f.neurons,)),
        ),
        not_yet(
            "That is the shape of the final state you get with `record_states=False`; with "
            "`record_states=True` the state of every time step is kept.",
            when=lambda f: f.shape in (f.final, (1,)),
        ),
        not_yet(
            "The input had shape {recorded} (steps, neurons); with `record_states=True` the voltage "
            "is recorded once per input value."
        ),
    ),
)


def check_states_shape(answer: object, steps: int = 1000, neurons: int = 1) -> Feedback:
    """What shape does ``states.v`` have after ``LIF(record_states=True)`` ran ``steps`` steps of ``neurons``?

    Args:
        answer: the learner's shape, e.g. ``(1000, 1)``, a list, or ``states.v.shape``.
        steps: number of simulated time steps.
        neurons: number of neurons.
    """
    return STATES_SHAPE.check(answer, steps, neurons)


# --- spiking_scale -----------------------------------------------------------------------------------------


@dataclass
class _Scale:
    scale: float
    v_th: float
    peak_voltage: float
    """The peak of the unscaled run's voltage (0.3309 with Norse's defaults)."""

    @property
    def needed(self) -> float:
        # Below threshold the neuron is linear in its input: the scaled run's peak is scale x the unscaled one.
        return self.v_th / self.peak_voltage

    @property
    def scaled_peak(self) -> float:
        return self.scale * self.peak_voltage

    @cached_property
    def fires(self) -> bool:
        # Simulated only when the rows above did not already judge the answer (a huge scale would overflow).
        spikes, _ = LIF(LIFParameters(v_th=self.v_th))(_seed_input(200) * self.scale)
        return bool(spikes.sum() > 0)


def _read_scale(answer: object, v_th: float) -> _Scale:
    scale = _answers.number(answer, "the scale factor")
    _, states = LIF(record_states=True)(_seed_input(200))
    return _Scale(scale, v_th, float(states.v.detach().max()))  # the states carry a graph, as in Norse


SPIKING_SCALE: Exercise[_Scale] = Exercise(
    "spiking_scale",
    _read_scale,
    (
        not_yet(
            "Scaling by zero or less removes or inverts the input; the factor must be above 1.",
            when=lambda f: f.scale <= 0,
        ),
        not_yet(
            "The neuron spikes, but scale {scale:g} is more than just enough: the peak of the unscaled "
            "run is {peak_voltage:.4f}, so a smaller factor already lifts it above the threshold {v_th:g}.",
            when=lambda f: f.scale > f.needed * 1.02,
        ),
        not_yet(
            "Scale {scale:g} lifts the peak to the threshold {v_th:g} itself, and a spike needs the voltage "
            "strictly above v_th (`v > v_th`): give it a little headroom, e.g. 0.1% more.",
            when=lambda f: not f.fires and _answers.close(f.scale, f.needed, relative=1e-4),
        ),
        not_yet(
            "With scale {scale:g} the peak voltage is about {scaled_peak:.3f}, not above the "
            "threshold {v_th:g}. Before the first spike the voltage grows in proportion to the input, so "
            "the peak is scale x {peak_voltage:.4f}.",
            when=lambda f: not f.fires,
        ),
        right(
            "Scale {scale:g} lifts the peak voltage from {peak_voltage:.4f} to just above the threshold "
            "{v_th:g}: the smallest factor is v_th / peak = {needed:.4f}."
        ),
    ),
)


def check_spiking_scale(answer: object, v_th: float = 1.0) -> Feedback:
    """By what factor must the seed tutorial's input be scaled so the neuron *just* spikes (at most 2% more)?

    Args:
        answer: the learner's scale factor (a number, no unit).
        v_th: the threshold used in the run (the other parameters are Norse's defaults).
    """
    return SPIKING_SCALE.check(answer, v_th)


# --- current_trace -----------------------------------------------------------------------------------------


@dataclass
class _Trace:
    trace: torch.Tensor
    expected: torch.Tensor
    """The first run's current, float64, shape (1000,)."""
    voltage: torch.Tensor
    labels: tuple[str, str] | None = None
    """The axis labels (x, y) of the plot the trace was read from; None when a trace was given."""

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
    def peak(self) -> int:
        return int(torch.argmax(self.expected))

    @property
    def peak_current(self) -> float:
        return float(self.expected[self.peak])


def _read_trace(answer: object) -> _Trace:
    _, states = LIF(record_states=True)(_seed_input())
    expected, voltage = states.i.detach().double().reshape(-1), states.v.detach().double().reshape(-1)
    if not isinstance(answer, Axes):
        trace = _answers.tensor(answer, "the current trace")
        return _Trace(trace, expected, voltage)
    picture = _plots.drawn(answer)
    if not picture.curves:
        raise Unjudged("Your axes show points but no line: draw the current as a line, `ax.plot(...)`.")
    # Of several lines, the one that is the current counts (a learner may draw the voltage beside it).
    curves = [torch.as_tensor(curve) for curve in picture.curves]
    found = next((c for c in curves if c.numel() == expected.numel() and _close(c, expected)), curves[0])
    return _Trace(found, expected, voltage, (picture.xlabel, picture.ylabel))


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
    _, states = LIF(record_states=True)(_seed_input())
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


# --- raster ------------------------------------------------------------------------------------------------


@dataclass
class _Raster:
    points: np.ndarray
    """What the learner drew, (x, y) rows."""
    spikes: np.ndarray
    """Every output spike as (time in ms, neuron) rows."""
    input_spikes: np.ndarray
    """Every input spike as (time in ms, neuron) rows (the input is bool, or non-zero where a spike is)."""
    labels: tuple[str, str]
    dt_ms: float

    @staticmethod
    def _as_set(rows: np.ndarray) -> set[tuple[float, float]]:
        return {(round(float(x), 6), round(float(y), 6)) for x, y in rows}

    def _same(self, drawn: np.ndarray, rows: np.ndarray) -> bool:
        """Whether ``drawn`` marks are exactly ``rows`` (time in ms or in steps along x)."""
        in_steps = rows / np.array([self.dt_ms, 1.0])
        return self._as_set(drawn) in (self._as_set(rows), self._as_set(in_steps))

    def shows(self, rows: np.ndarray) -> bool:
        return self._same(self.points, rows)

    @property
    def swapped(self) -> bool:
        return self._same(self.points[:, ::-1], self.spikes)

    @property
    def drawn_count(self) -> int:
        return len(self._as_set(self.points))

    @property
    def total(self) -> int:
        return len(self.spikes)

    @property
    def unlabelled(self) -> bool:
        return not (_plots.time_unit(self.labels[0]) and self.labels[1])


def _read_raster(answer: object, result: object) -> _Raster:
    if not isinstance(result, Result):
        raise Unjudged("Pass the simulation as the second argument: `check_raster(ax, result)`.")
    picture = _plots.drawn(answer)
    if len(picture.points) == 0:
        raise Unjudged(
            "Your axes show lines but no points: a raster draws one mark per spike, e.g. "
            '`ax.plot(times, neurons, "|")` or `ax.scatter(times, neurons, s=2)`.'
        )
    dt_ms = result.dt * 1000.0
    steps, neurons = result.spike_indices()
    spikes = np.column_stack([steps * dt_ms, neurons]).astype(float)
    input_steps, input_neurons = np.nonzero(result.input.cpu().numpy())
    input_spikes = np.column_stack([input_steps * dt_ms, input_neurons]).astype(float)
    return _Raster(picture.points, spikes, input_spikes, (picture.xlabel, picture.ylabel), dt_ms)


RASTER: Exercise[_Raster] = Exercise(
    "raster",
    _read_raster,
    (
        not_yet(
            "Your raster shows every spike. Now label the axes with what they show and the unit of time, "
            'e.g. `ax.set(xlabel="time (ms)", ylabel="neuron")`.',
            when=lambda f: f.shows(f.spikes) and f.unlabelled,
        ),
        right(
            "Every one of the {total} spikes is a mark at its time and neuron: `result.spike_indices()` gives "
            "the steps and neurons of the spikes, in the shape of the data (time first, then neurons).",
            when=lambda f: f.shows(f.spikes),
        ),
        not_yet(
            "Time and neuron are swapped: time goes along the x axis, the neurons up the y axis. "
            "`steps, neurons = result.spike_indices()` gives them in that order.",
            when=lambda f: f.swapped,
        ),
        not_yet(
            "Those are the input spikes, `result.input`; the raster shows the spikes the neurons fired, "
            "`result.spikes`.",
            when=lambda f: len(f.input_spikes) > 0 and f.shows(f.input_spikes),
        ),
        not_yet(
            "Your raster shows {drawn_count} marks, but the neurons fired {total} spikes: draw one mark per "
            "spike, at (time, neuron), for every neuron. `steps, neurons = result.spike_indices()` gives "
            "them all."
        ),
    ),
)


def check_raster(answer: object, result: object) -> Feedback:
    """A raster of ``result``'s spikes drawn with matplotlib: one mark per spike at (time, neuron).

    Args:
        answer: the axes the learner drew on; marks from ``ax.plot(..., "|")``, ``ax.scatter``,
            ``ax.eventplot`` or ``ax.vlines`` all count, with time in ms or in steps along x.
        result: the ``Result`` of the simulation whose spikes are shown.
    """
    return RASTER.check(answer, result)


EXERCISES = (STATES_SHAPE, PEAK_STEP, SPIKING_SCALE, CURRENT_TRACE, RASTER)
"""This notebook's exercises, in the order the notebook meets them."""
