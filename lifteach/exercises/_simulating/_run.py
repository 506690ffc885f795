"""The seed tutorial's run: its input, the shape of the states ``LIF`` records, and the input scale that just
makes the neuron spike (exercises ``states_shape`` and ``spiking_scale``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch

from lifteach.exercises import _answers
from lifteach.exercises._answers import Unjudged
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.lif import LIF, LIFParameters, LIFState

__all__ = ["SPIKING_SCALE", "STATES_SHAPE", "check_spiking_scale", "check_states_shape", "seed_input"]


def seed_input(steps: int = 1000) -> torch.Tensor:
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
        spikes, _ = LIF(LIFParameters(v_th=self.v_th))(seed_input(200) * self.scale)
        return bool(spikes.sum() > 0)


def _read_scale(answer: object, v_th: float) -> _Scale:
    scale = _answers.number(answer, "the scale factor")
    _, states = LIF(record_states=True)(seed_input(200))
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
