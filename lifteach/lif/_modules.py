"""The Norse-compatible modules: ``LIF`` (a time series), ``LIFCell`` and ``LIFRefracCell`` (one step).

Thin ``torch.nn.Module``s as Norse's: each checks its input, fills a missing state with neurons at rest, and
delegates to the loop or the step. They hold no state between calls. A sparse COO input gives sparse spikes.
"""

from __future__ import annotations

import torch

from lifteach import _checks
from lifteach.lif._loop import _integrate
from lifteach.lif._parameters import (
    _PARAMETER_NAMES,
    LIFParameters,
    LIFRefracParameters,
    LIFRefracState,
    LIFState,
    _dtype_for,
    _initial_state,
    _parameter_tensors,
)
from lifteach.lif._step import _refractory_step, _step
from lifteach.lif._torch_compile import _eager
from lifteach.lif._validate import (
    _check_refractory_state,
    _check_shape,
    _check_state,
    check_parameters,
    check_refractory_parameters,
)

__all__ = ["LIF", "LIFCell", "LIFRefracCell"]


def _dense(x: object) -> tuple[torch.Tensor, bool]:
    """A sparse COO input as a dense tensor (Norse accepts sparse input and answers with sparse spikes)."""
    if isinstance(x, torch.Tensor) and x.is_sparse:
        return x.to_dense(), True
    return x, False  # type: ignore[return-value]  # checked by the caller, which names the argument


class LIF(torch.nn.Module):
    """A population of LIF neurons simulated over time; a drop-in for Norse 1.1.0's ``LIF``.

    ``spikes, state = LIF(p, dt, record_states)(x)`` with ``x`` of shape ``(steps, *neurons)`` (floats or
    bools, time first; a sparse COO input gives sparse spikes) gives spikes of ``x``'s shape and, with
    ``record_states=True``, ``LIFState`` traces of ``x``'s shape, else the final state. ``lif(x, state)``
    continues from a state. The module holds no state between calls. As in Norse, a run from rest carries an
    autograd graph whenever gradients are enabled (its initial voltage requires a gradient), so
    ``spikes.sum().backward()`` works; the graph is replayed only when a gradient is asked for.

    Args:
        p: parameters; time constants in 1/s.
        dt: time step in seconds (1e-3 is 1 ms).
        record_states: keep the voltage and current of every step (memory: 2 x the input's size in floats).
    """

    def __init__(self, p: LIFParameters = LIFParameters(), dt: float = 1e-3, record_states: bool = False):
        super().__init__()
        self.dt = check_parameters(p, dt)
        self.p = p
        self.record_states = bool(record_states)

    def extra_repr(self) -> str:
        return f"p={self.p}, dt={self.dt}, record_states={self.record_states}"

    @_eager
    def forward(self, x: torch.Tensor, state: LIFState | None = None) -> tuple[torch.Tensor, LIFState]:
        x, sparse = _dense(x)
        record = ("v", "i") if self.record_states else ()
        x = _checks.time_series("x", x)
        neuron_shape = x.shape[1:]
        dt = check_parameters(self.p, self.dt, tuple(neuron_shape))
        if state is None:
            v_leak = torch.as_tensor(self.p.v_leak, device=x.device)
            state = _initial_state(neuron_shape, v_leak, _dtype_for(x, None))
            if torch.is_grad_enabled():
                state.v.requires_grad_()  # as Norse's: the outputs carry a graph
        else:
            state = _check_state(state, neuron_shape)
        run = _integrate(x, self.p, dt, state, record, None, False)
        spikes = run.spikes.to_sparse() if sparse else run.spikes
        if self.record_states:
            return spikes, LIFState(v=run.traces["v"], i=run.traces["i"])
        return spikes, run.final


class LIFCell(torch.nn.Module):
    """One time step of LIF neurons; a drop-in for Norse 1.1.0's ``LIFCell``.

    ``z, state = cell(x_t, state)`` with ``x_t`` of the neurons' shape (floats or bools; sparse gives sparse
    spikes) and ``state`` an ``LIFState(v, i)``, or None for neurons at rest. As in Norse, a step from rest
    carries an autograd graph whenever gradients are enabled.

    Args:
        p: parameters; time constants in 1/s.
        dt: time step in seconds (1e-3 is 1 ms).
    """

    def __init__(self, p: LIFParameters = LIFParameters(), dt: float = 1e-3):
        super().__init__()
        self.dt = check_parameters(p, dt)
        self.p = p

    def extra_repr(self) -> str:
        return f"p={self.p}, dt={self.dt}"

    @_eager
    def forward(self, x: torch.Tensor, state: LIFState | None = None) -> tuple[torch.Tensor, LIFState]:
        x, sparse = _dense(x)
        x = _checks.float_tensor("x", x, allow_bool=True)
        for name in _PARAMETER_NAMES:
            value = getattr(self.p, name)
            if isinstance(value, torch.Tensor):
                _check_shape(f"p.{name}", value, tuple(x.shape))
        q = _parameter_tensors(self.p, x)
        state = _cell_state(x, state, q["v_leak"])
        z, new_state = _step(x, state, q, self.p.method, self.dt)
        return (z.to_sparse() if sparse else z), new_state


def _cell_state(x: torch.Tensor, state: LIFState | None, v_leak: torch.Tensor) -> LIFState:
    if state is not None:
        return _check_state(state, x.shape)
    rest = _initial_state(x.shape, v_leak, _dtype_for(x, None))
    if torch.is_grad_enabled():
        rest.v.requires_grad_()  # as Norse's: the outputs carry a graph
    return rest


class LIFRefracCell(torch.nn.Module):
    """One time step of LIF neurons with an absolute refractory period; Norse 1.1.0's ``LIFRefracCell``.

    ``z, state = cell(x_t, state)`` with ``state`` an ``LIFRefracState(lif=LIFState(v, i), rho)``, or None
    for neurons at rest and free. After a spike the voltage is held and no spike is possible while the count
    ``rho`` (set to ``p.rho_reset`` steps by the spike) is above 0; the current goes on integrating its input.

    Args:
        p: ``LIFRefracParameters(lif=LIFParameters(...), rho_reset=steps)``; time constants in 1/s.
        dt: time step in seconds (1e-3 is 1 ms).
    """

    def __init__(self, p: LIFRefracParameters = LIFRefracParameters(), dt: float = 1e-3):
        super().__init__()
        self.dt = check_refractory_parameters(p, dt)
        self.p = p

    def extra_repr(self) -> str:
        return f"p={self.p}, dt={self.dt}"

    @_eager
    def forward(
        self, x: torch.Tensor, state: LIFRefracState | None = None
    ) -> tuple[torch.Tensor, LIFRefracState]:
        x, sparse = _dense(x)
        x = _checks.float_tensor("x", x, allow_bool=True)
        for name in _PARAMETER_NAMES:
            value = getattr(self.p.lif, name)
            if isinstance(value, torch.Tensor):
                _check_shape(f"p.lif.{name}", value, tuple(x.shape))
        if isinstance(self.p.rho_reset, torch.Tensor):
            _check_shape("p.rho_reset", self.p.rho_reset, tuple(x.shape))
        q = _parameter_tensors(self.p.lif, x)
        if state is None:
            lif = _cell_state(x, None, q["v_leak"])
            state = LIFRefracState(lif=lif, rho=torch.zeros_like(lif.i))
        else:
            state = _check_refractory_state(state, x.shape)
        rho_reset = torch.as_tensor(self.p.rho_reset, device=x.device)
        z, new_state = _refractory_step(x, state, q, rho_reset, self.p.lif.method, self.dt)
        return (z.to_sparse() if sparse else z), new_state
