"""The teaching entry point: ``simulate(input, p) -> Result``, recording only what will be shown.

A voltage panel shows a handful of neurons, so by default only the first few neurons' traces are kept: a
100,000-neuron run then stores its spikes (as bools) and ten voltage traces, not 100,000 of them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch

from lifteach import _checks
from lifteach.lif import (
    LIFParameters,
    LIFRefracState,
    LIFState,
    _check_refractory_state,
    _check_state,
    _integrate,
    check_parameters,
    neuron_indices,
)

__all__ = ["DEFAULT_RECORDED", "MEMORY_BUDGET_BYTES", "Result", "simulate"]

DEFAULT_RECORDED = 10
"""How many neurons' traces ``simulate`` keeps when ``record_neurons`` is not given."""

MEMORY_BUDGET_BYTES = _checks.MEMORY_BUDGET_BYTES
"""Largest memory a ``simulate`` call may ask for (spikes plus recorded traces, 1 GiB); larger runs are refused
before they start. Binder gives 1-2 GB per user; pass ``memory_budget=`` to allow more on a bigger machine."""


@dataclass(frozen=True)
class Result:
    """What one simulation produced; panels, analysis and exercises all take it.

    Attributes:
        spikes: bool tensor, shape ``(steps, neurons)``; ``spikes[t, n]`` is True when neuron n spiked at step t.
        v: recorded membrane voltages, shape ``(steps, len(recorded_neurons))``, or None if not recorded.
        i: recorded synaptic currents, same shape as ``v``, or None.
        recorded_neurons: indices of the neurons whose traces were kept (a long tensor).
        dt: time step in seconds.
        p: the parameters used (time constants in 1/s).
        input: the input used, shape ``(steps, neurons)`` (a current jump per step, floats or bools).
        final_state: the state after the last step (continue with ``simulate(..., state=result.final_state)``):
            an ``LIFState``, or an ``LIFRefracState`` when the run had a refractory period.
        input_weight: the current jump per unit of ``input`` (per input spike for a bool input); 1.0 when the
            input is itself the current.
        refractory: the absolute refractory period in seconds (0.0: none), a whole number of steps.
    """

    spikes: torch.Tensor
    v: torch.Tensor | None
    i: torch.Tensor | None
    recorded_neurons: torch.Tensor
    dt: float
    p: LIFParameters
    input: torch.Tensor
    final_state: LIFState | LIFRefracState
    input_weight: float = 1.0
    refractory: float = 0.0

    @property
    def n_steps(self) -> int:
        return int(self.spikes.shape[0])

    @property
    def n_neurons(self) -> int:
        return int(self.spikes.shape[1])

    @property
    def duration(self) -> float:
        """Simulated time in seconds."""
        return self.n_steps * self.dt

    @property
    def times_ms(self) -> np.ndarray:
        """The time of every step in milliseconds (step t ends at (t + 1) * dt; we label it t * dt)."""
        return np.arange(self.n_steps) * (self.dt * 1000.0)

    @property
    def total_spikes(self) -> int:
        return int(self.spikes_per_neuron.sum())

    def spike_indices(self) -> tuple[np.ndarray, np.ndarray]:
        """``(steps, neurons)`` of every spike, as two integer arrays sorted by time."""
        steps, neurons = np.nonzero(self.spikes.numpy())
        return steps, neurons

    # What many readers need (panels, analysis, the explorer's summary), computed once per result on first
    # use. The dataclass is frozen but has a __dict__ (no slots), where cached_property keeps its value; the
    # arrays are read-only, so that no reader can change the numbers the others see.

    @cached_property
    def spikes_per_neuron(self) -> np.ndarray:
        """Number of spikes of each neuron over the whole run, shape ``(neurons,)`` (int64, read-only).

        The one place spikes are counted per neuron: ``analysis.spike_counts``, ``total_spikes``, the panels
        and the explorer's summary all read it.
        """
        # numpy counts bools several times faster than torch's sum over a dimension.
        return _read_only(np.count_nonzero(self.spikes.cpu().numpy(), axis=0).astype(np.int64))

    @cached_property
    def spikes_per_step(self) -> np.ndarray:
        """Number of neurons that spiked at each step, shape ``(steps,)`` (int64, read-only)."""
        return _read_only(np.count_nonzero(self.spikes.cpu().numpy(), axis=1).astype(np.int64))

    @cached_property
    def duration_ms(self) -> float:
        """Simulated time in milliseconds (``duration * 1000``)."""
        return self.n_steps * self.dt * 1000.0

    @cached_property
    def mean_input(self) -> float:
        """Mean input per step and neuron (current jump per step; the share of steps with a spike for bool
        input), computed without a float64 copy of a large input."""
        x = self.input
        if x.dtype == torch.bool:
            return float(np.count_nonzero(x.cpu().numpy())) / max(1, x.numel())
        return float(torch.mean(x, dtype=torch.float64))


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _neuron_selection(record_neurons: object, n_neurons: int) -> torch.Tensor:
    if record_neurons is None:
        return torch.arange(min(n_neurons, DEFAULT_RECORDED))
    if isinstance(record_neurons, str):
        if record_neurons != "all":
            raise ValueError(
                f"record_neurons must be 'all', None or a list of indices, got {record_neurons!r}."
            )
        return torch.arange(n_neurons)
    if isinstance(record_neurons, range):
        record_neurons = list(record_neurons)
    return neuron_indices(record_neurons, torch.Size([n_neurons]))


def simulate(
    input: torch.Tensor,
    p: LIFParameters = LIFParameters(),
    dt: float = 1e-3,
    record: Sequence[str] = ("v", "i"),
    record_neurons: Sequence[int] | torch.Tensor | str | None = None,
    state: LIFState | LIFRefracState | None = None,
    memory_budget: int = MEMORY_BUDGET_BYTES,
    refractory: float = 0.0,
    input_weight: float | None = None,
) -> Result:
    """Simulate a population of LIF neurons driven by ``input`` and keep what a figure needs.

    Args:
        input: shape ``(steps, neurons)`` (or ``(steps,)`` for one neuron), floats or bools: the current jump
            each neuron receives at each step. See ``lifteach.inputs`` for ready-made inputs.
        p: parameters; time constants in 1/s.
        dt: time step in seconds (1e-3 is 1 ms).
        record: traces to keep, any of ``"v"`` (voltage) and ``"i"`` (current).
        record_neurons: whose traces to keep: indices, ``"all"``, or None for the first 10 neurons.
        state: state to continue from (default: at rest), e.g. the ``final_state`` of a previous ``Result``.
        memory_budget: largest number of bytes the spikes and traces may take; a larger run is refused.
        refractory: absolute refractory period in seconds (2e-3 is 2 ms; 0.0, the default, is none), rounded
            to the nearest whole number of steps of ``dt``, halves up (``Result.refractory`` says what was
            used): after a spike the voltage is held and no spike is possible for that long,
            exactly as stepping ``LIFRefracCell`` with ``rho_reset = refractory / dt`` steps.
        input_weight: the current jump per unit of ``input``: with a bool spike train, the jump each input
            spike gives (same units as the input current; the rheobase is 0.2 with the defaults). The run
            equals ``simulate(input.float() * input_weight, ...)`` bit for bit without making that float copy
            (a quarter of the memory for bool input). None (the default) takes the input as the current.

    Returns:
        A ``Result``. Spikes are kept as bools; traces of the recorded neurons only.
    """
    input = _checks.time_series("input", input)
    if input.dim() == 1:
        input = input.reshape(-1, 1)
    if input.dim() != 2:
        raise ValueError(
            f"input must have shape (steps, neurons), got shape {tuple(input.shape)}; "
            "flatten the neuron dimensions with input.reshape(len(input), -1)."
        )
    if isinstance(record, str):
        record = (record,)
    record = tuple(record)
    if not set(record) <= {"v", "i"}:
        raise ValueError(f"record must name 'v' and/or 'i', got {record!r}.")
    steps, n_neurons = input.shape
    dt = check_parameters(p, dt, (n_neurons,))
    refractory_steps = _refractory_steps(refractory, dt)
    weight = None if input_weight is None else _checks.input_value("input_weight", input_weight)
    rho = None
    if isinstance(state, LIFRefracState) or hasattr(state, "rho"):
        refrac_state = _check_refractory_state(state, torch.Size([n_neurons]))
        state, rho = refrac_state.lif, refrac_state.rho
    elif state is not None:
        state = _check_state(state, torch.Size([n_neurons]))
    refractory_run = refractory_steps > 0 or rho is not None
    neurons = _neuron_selection(record_neurons, n_neurons) if record else torch.arange(0)
    budget = _checks.whole_number("memory_budget", memory_budget, minimum=1)
    needed = steps * n_neurons + 4 * steps * len(neurons) * len(record)
    if needed > budget:
        raise ValueError(
            f"this run would need {needed / 1e6:.0f} MB ({steps} steps x {n_neurons} neurons of spikes"
            f" plus {len(record)} trace(s) of {len(neurons)} neurons), more than the budget of "
            f"{budget / 1e6:.0f} MB; use fewer neurons, a shorter duration or fewer recorded neurons "
            "(or raise memory_budget if this machine has the memory)."
        )
    everyone = len(neurons) == n_neurons and torch.equal(neurons, torch.arange(n_neurons))
    # Everything is checked: the loop trusts its arguments (no second pass over a large input).
    run = _integrate(
        input,
        p,
        dt,
        state,
        record,
        None if everyone else neurons,
        True,
        weight=weight,
        rho=rho,
        rho_reset=float(refractory_steps) if refractory_run else None,
    )
    final: LIFState | LIFRefracState = run.final
    if run.rho is not None:
        final = LIFRefracState(lif=run.final, rho=run.rho)
    return Result(
        spikes=run.spikes,
        v=run.traces.get("v"),
        i=run.traces.get("i"),
        recorded_neurons=neurons,
        dt=dt,
        p=p,
        input=input,
        final_state=final,
        input_weight=1.0 if weight is None else weight,
        refractory=refractory_steps * dt,
    )


def _refractory_steps(refractory: object, dt: float) -> int:
    """The refractory period (s) as a whole number of steps of ``dt`` (s): the nearest, halves rounded up.

    The one rule for every caller (``simulate``, the closed forms, the explorer): 2 ms is 2 steps at 1 ms, 20
    at 0.1 ms; 2.5 ms at dt = 1 ms is 3 steps (3 ms), as a tie always goes up (Python's ``round`` would send
    2.5 to 2 and 3.5 to 4). A period that is a whole number of steps within floating rounding (0.3 ms at
    0.1 ms is 2.9999999999999996 steps) counts as that number.
    """
    seconds = _checks.finite_number("refractory", refractory)
    if seconds < 0:
        raise ValueError(
            f"refractory must be at least 0 s (it is in seconds: 2 ms is refractory=2e-3), got {seconds!r}."
        )
    ratio = seconds / dt
    steps = math.floor(ratio + 0.5 + 1e-9 * max(1.0, ratio))
    if steps > 2**24:  # a float32 count of steps is exact up to 2**24
        raise ValueError(f"refractory must be at most {2**24 * dt:g} s, got {seconds!r} s.")
    return steps
