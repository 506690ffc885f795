r"""The leaky integrate-and-fire (LIF) neuron: parameters, state, one step, the time loop and a module.

The membrane voltage ``v`` leaks towards ``v_leak`` and integrates a synaptic current ``i``; the current
decays to zero and jumps by the input ``x`` at every step:

.. math::
    \dot v = \tau_\mathrm{mem}^{-1} (v_\mathrm{leak} - v + i), \qquad
    \dot i = -\tau_\mathrm{syn}^{-1} i, \qquad
    z = \Theta(v - v_\mathrm{th}),\ v \leftarrow v_\mathrm{reset} \text{ after a spike}.

Units: time in seconds (``dt=1e-3`` is 1 ms), inverse time constants in 1/s (``tau_mem_inv=100`` is a 10 ms
membrane time constant), voltages and currents in the model's dimensionless units (threshold 1 by default).

The numbers are those of Norse 1.1.0's feed-forward LIF, step for step and bit for bit, so code written
against Norse runs unchanged. One forward Euler step is, in this order::

    i_jump = i + x
    v_dec  = v + dt * tau_mem_inv * ((v_leak - v) + i_jump)
    i_dec  = i_jump - dt * tau_syn_inv * i_jump
    z      = heaviside(v_dec - v_th)            # strictly above threshold spikes
    v_new  = (1 - z) * v_dec + z * v_reset      # recorded state: (v_new, i_dec)
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

import numpy as np
import torch

from lifteach import _checks, _memory
from lifteach._threads import one_thread

__all__ = [
    "LIF",
    "LIFCell",
    "LIFFeedForwardState",
    "LIFParameters",
    "LIFRefracCell",
    "LIFRefracParameters",
    "LIFRefracState",
    "LIFState",
    "check_parameters",
    "check_refractory_parameters",
    "lif_current_encoder",
    "lif_feed_forward_integral",
    "lif_feed_forward_step",
    "lif_integrate",
    "lif_refrac_step",
    "lif_step",
    "warm_up",
]

METHODS = ("super", "heaviside")
_BLOCK_STEPS = 64  # most steps the fast loop runs between copies in and out of its block buffers
_BLOCK_BYTES = 2 * 1024 * 1024  # and at most this much memory per block buffer


_Function = TypeVar("_Function", bound=Callable[..., Any])


def _eager(function: _Function) -> _Function:
    """Run ``function`` eagerly under ``torch.compile`` (as ``torch.compiler.disable`` does), at no import cost.

    Tracing the public steps, loops and modules would spend a minute generating kernels for argument checks
    and for a loop that is compiled already, and gain nothing; code around them (a learner's network) is still
    compiled. ``torch.compiler.disable`` itself imports torch's compiler (~70 MB of memory) when it is
    applied, so it is applied on the first call made while that compiler is loaded, i.e. only by people who
    use ``torch.compile``.
    """
    disabled: list[Callable[..., Any]] = []

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        if "torch._dynamo" not in sys.modules:
            return function(*args, **kwargs)
        if not disabled:
            disabled.append(torch.compiler.disable(function))
        return disabled[0](*args, **kwargs)

    return call  # type: ignore[return-value]  # the same signature as function


class LIFParameters(NamedTuple):
    """Parameters of a population of LIF neurons; every field takes a float or a per-neuron tensor.

    Attributes:
        tau_syn_inv: inverse synaptic time constant in 1/s (200 means 5 ms).
        tau_mem_inv: inverse membrane time constant in 1/s (100 means 10 ms).
        v_leak: resting (leak) voltage, dimensionless.
        v_th: threshold voltage; a step whose voltage is strictly above it spikes.
        v_reset: voltage after a spike; must be below ``v_th``.
        method: ``"super"`` (SuperSpike surrogate gradient) or ``"heaviside"`` (no gradient through spikes).
        alpha: surrogate-gradient sharpness, kept for compatibility with Norse (see ``SuperSpike``).
    """

    tau_syn_inv: float | torch.Tensor = 200.0
    tau_mem_inv: float | torch.Tensor = 100.0
    v_leak: float | torch.Tensor = 0.0
    v_th: float | torch.Tensor = 1.0
    v_reset: float | torch.Tensor = 0.0
    method: str = "super"
    alpha: float | torch.Tensor = 100.0


class LIFState(NamedTuple):
    """State of LIF neurons: membrane voltage ``v`` and synaptic current ``i`` (dimensionless).

    Shapes are the neuron shape (the input's shape without time), or, for recorded traces, the input's shape.
    """

    v: torch.Tensor
    i: torch.Tensor


class SuperSpike(torch.autograd.Function):
    """Heaviside step forward; SuperSpike surrogate derivative backward (Zenke & Ganguli, 2018).

    The backward pass is ``grad / (|v - v_th| + 1)**2``, exactly as in Norse 1.1.0, which keeps ``alpha`` in
    its parameters but does not use it there; we match it so that gradients agree with Norse's too.
    """

    @staticmethod
    def forward(ctx: Any, distance: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(distance)
        return torch.gt(distance, 0.0).to(distance.dtype)

    @staticmethod
    def backward(ctx: Any, grad_output: torch.Tensor) -> torch.Tensor:
        (distance,) = ctx.saved_tensors
        gradient: torch.Tensor = grad_output / (distance.abs() + 1.0).pow(2)
        return gradient


def _spike(distance: torch.Tensor, method: str) -> torch.Tensor:
    """1.0 where ``distance = v - v_th`` is strictly positive, else 0.0, in ``distance``'s dtype."""
    if method == "super":
        result: torch.Tensor = SuperSpike.apply(distance)  # type: ignore[no-untyped-call]  # torch leaves apply unannotated
        return result
    return torch.gt(distance, 0.0).to(distance.dtype)


def _parameter_tensors(p: Any, like: torch.Tensor) -> dict[str, torch.Tensor]:
    """The numeric fields of ``p`` as tensors on ``like``'s device (floats become float32, as in Norse)."""
    names = ("tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset")
    return {name: torch.as_tensor(getattr(p, name), device=like.device) for name in names}


def check_parameters(p: Any, dt: object = 1e-3, neuron_shape: tuple[int, ...] | None = None) -> float:
    """Check LIF parameters and the time step ``dt`` (s) together; return ``dt`` as a float.

    Raises ``TypeError``/``ValueError`` naming the field, its value and the fix. With ``neuron_shape``, a
    per-neuron tensor field must broadcast to that shape without enlarging it.
    """
    step = _checks.time_step(dt)
    for name in ("tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset", "alpha"):
        if not hasattr(p, name):
            raise TypeError(f"p must be LIFParameters (it has no field {name!r}), got {type(p).__name__}.")
        value = getattr(p, name)
        if isinstance(value, torch.Tensor):
            if value.is_complex() or value.dtype == torch.bool:
                raise TypeError(f"p.{name} must hold real numbers, got a tensor of dtype {value.dtype}.")
            if value.numel() == 0:
                raise ValueError(f"p.{name} is an empty tensor; give a float or one value per neuron.")
            if not bool(torch.isfinite(value).all()):
                raise ValueError(f"p.{name} contains NaN or inf; every value must be a finite number.")
            _check_shape(f"p.{name}", value, neuron_shape)
        else:
            _checks.finite_number(f"p.{name}", value)
    if p.method not in METHODS:
        raise ValueError(f"p.method must be one of {METHODS}, got {p.method!r}.")
    # Norse 1.1.0 keeps alpha but its SuperSpike does not use it; 0 is accepted as Norse accepts it.
    if bool(torch.as_tensor(p.alpha).lt(0).any()):
        raise ValueError(f"p.alpha must be at least 0, got {_checks._show(p.alpha)}.")
    for name, what in (("tau_mem_inv", "membrane"), ("tau_syn_inv", "synaptic")):
        inverse = torch.as_tensor(getattr(p, name)).detach().to(torch.float64)  # no grad warning
        if bool(inverse.le(0).any()):
            raise ValueError(
                f"p.{name} (the inverse {what} time constant, 1/s) must be positive, "
                f"got {_checks._show(getattr(p, name))}."
            )
        worst = float(inverse.max()) * step
        if worst >= 1:
            raise ValueError(
                f"dt * p.{name} = {worst:g} is >= 1, so forward Euler no longer decays and the {what} "
                f"equation blows up. Use a smaller dt (below {1 / float(inverse.max()):g} s) or a smaller "
                f"{name} (a longer {what} time constant, above {1000 * step:g} ms)."
            )
    if bool((torch.as_tensor(p.v_th) <= torch.as_tensor(p.v_reset)).any()):
        raise ValueError(
            f"p.v_th must be above p.v_reset, got v_th={_checks._show(p.v_th)} and "
            f"v_reset={_checks._show(p.v_reset)}; raise v_th or lower v_reset."
        )
    return step


def check_refractory_parameters(
    p: Any, dt: object = 1e-3, neuron_shape: tuple[int, ...] | None = None
) -> float:
    """Check ``LIFRefracParameters`` (its ``lif`` field as ``check_parameters`` does) and ``dt`` (s)."""
    if not (hasattr(p, "lif") and hasattr(p, "rho_reset")):
        raise TypeError(f"p must be LIFRefracParameters(lif, rho_reset), got {type(p).__name__}.")
    step = check_parameters(p.lif, dt, neuron_shape)
    rho_reset = p.rho_reset
    if isinstance(rho_reset, torch.Tensor):
        rho_reset = _checks.float_tensor("p.rho_reset", rho_reset)
        if rho_reset.numel() == 0 or bool(rho_reset.lt(0).any()):
            raise ValueError(
                f"p.rho_reset (the refractory period in steps) must be at least 0, got {_checks._show(rho_reset)}."
            )
        _check_shape("p.rho_reset", rho_reset, neuron_shape)
    elif _checks.finite_number("p.rho_reset", rho_reset) < 0:
        raise ValueError(
            f"p.rho_reset (the refractory period in steps) must be at least 0, got {rho_reset!r}; "
            "0 means no refractory period."
        )
    return step


def _check_shape(name: str, value: torch.Tensor, neuron_shape: tuple[int, ...] | None) -> None:
    if neuron_shape is None or value.dim() == 0:
        return
    try:
        shape = torch.broadcast_shapes(value.shape, neuron_shape)
    except RuntimeError:
        shape = None
    if shape != torch.Size(neuron_shape):
        raise ValueError(
            f"{name} has shape {tuple(value.shape)}, which does not broadcast to the neurons' shape "
            f"{tuple(neuron_shape)}; give one value per neuron (shape {tuple(neuron_shape)[-1:]}) or a single float."
        )


class LIFRefracParameters(NamedTuple):
    """Parameters of LIF neurons with an absolute refractory period, as Norse 1.1.0's.

    Attributes:
        lif: the ``LIFParameters`` of the neurons (time constants in 1/s).
        rho_reset: the refractory period in time steps (a float or one per neuron): after a spike the voltage
            is held and no spike is possible for ``ceil(rho_reset)`` steps; ``5.0`` is 5 ms at ``dt = 1e-3``.
    """

    lif: LIFParameters = LIFParameters()
    rho_reset: float | torch.Tensor = 5.0


class LIFRefracState(NamedTuple):
    """State of LIF neurons with a refractory period: ``lif`` (``LIFState(v, i)``) and the count ``rho``.

    ``rho`` is the number of steps (a float) the neuron stays refractory; 0 means it is free.
    """

    lif: LIFState
    rho: torch.Tensor


def _initial_state(neuron_shape: torch.Size, v_leak: torch.Tensor, dtype: torch.dtype) -> LIFState:
    """Neurons at rest: ``v = v_leak`` and ``i = 0``."""
    v = v_leak.detach().to(dtype).expand(neuron_shape).clone()
    return LIFState(v=v, i=torch.zeros(neuron_shape, dtype=dtype, device=v_leak.device))


class StepParts(NamedTuple):
    """Every value one step computes, in the order it computes them (see the module docstring)."""

    i_jump: torch.Tensor
    v_decayed: torch.Tensor
    i_decayed: torch.Tensor
    z: torch.Tensor
    v_new: torch.Tensor


def _step_parts(
    x: torch.Tensor, state: LIFState, q: dict[str, torch.Tensor], method: str, dt: float
) -> StepParts:
    """One step of the equations in the module docstring with its intermediate values, without checks.

    ``q``: parameter tensors. The step inspector (``lifteach.inspector``) reads the intermediate values here,
    so that what it shows is what the core computes.
    """
    i_jump = state.i + x
    v_decayed = state.v + dt * q["tau_mem_inv"] * ((q["v_leak"] - state.v) + i_jump)
    i_decayed = i_jump + -dt * q["tau_syn_inv"] * i_jump
    z = _spike(v_decayed - q["v_th"], method)
    v_new = (1 - z) * v_decayed + z * q["v_reset"]
    return StepParts(i_jump, v_decayed, i_decayed, z, v_new)


def _step(x: torch.Tensor, state: LIFState, q: dict[str, torch.Tensor], method: str, dt: float) -> Any:
    """One step of the equations in the module docstring, without checks (``q``: parameter tensors)."""
    parts = _step_parts(x, state, q, method, dt)
    return parts.z, LIFState(v=parts.v_new, i=parts.i_decayed)


def _refractory_update(
    rho: torch.Tensor,
    z: torch.Tensor,
    v_new: torch.Tensor,
    v_before: torch.Tensor,
    rho_reset: torch.Tensor,
    method: str,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Norse's refractory rule, the one place it is written: ``(v, z, rho)`` after a LIF step.

    While the count ``rho`` is above 0 the neuron is held: the voltage keeps its value from before the step,
    no spike is let through, and the count goes down by one; a spike sets the count to ``rho_reset`` steps.
    """
    held = _spike(rho, method)
    v_new = (1 - held) * v_new + held * v_before
    z = (1 - held) * z
    rho_new = (1 - z) * torch.nn.functional.relu(rho - held) + z * rho_reset
    return v_new, z, rho_new


def _refractory_step(
    x: torch.Tensor,
    state: LIFRefracState,
    q: dict[str, torch.Tensor],
    rho_reset: torch.Tensor,
    method: str,
    dt: float,
) -> tuple[torch.Tensor, LIFRefracState]:
    z, lif = _step(x, state.lif, q, method, dt)
    v, z, rho = _refractory_update(state.rho, z, lif.v, state.lif.v, rho_reset, method)
    return z, LIFRefracState(lif=LIFState(v=v, i=lif.i), rho=rho)


def _check_state(state: object, neuron_shape: torch.Size) -> LIFState:
    if not (hasattr(state, "v") and hasattr(state, "i")):
        raise TypeError(f"state must be an LIFState(v, i), got {type(state).__name__}.")
    checked = []
    for name in ("v", "i"):
        value = _checks.float_tensor(f"state.{name}", getattr(state, name))
        try:
            shape = torch.broadcast_shapes(value.shape, neuron_shape)
        except RuntimeError:
            shape = None
        if shape != neuron_shape:
            raise ValueError(
                f"state.{name} has shape {tuple(value.shape)}, but the input's neurons have shape "
                f"{tuple(neuron_shape)}; continue from the final state of a run with the same neurons."
            )
        checked.append(value)
    return LIFState(v=checked[0], i=checked[1])


def _check_refractory_state(state: object, neuron_shape: torch.Size) -> LIFRefracState:
    if not (hasattr(state, "lif") and hasattr(state, "rho")):
        raise TypeError(f"state must be an LIFRefracState(lif, rho), got {type(state).__name__}.")
    lif = _check_state(state.lif, neuron_shape)
    rho = _checks.float_tensor("state.rho", state.rho)
    try:
        shape = torch.broadcast_shapes(rho.shape, neuron_shape)
    except RuntimeError:
        shape = None
    if shape != neuron_shape:
        raise ValueError(
            f"state.rho has shape {tuple(rho.shape)}, but the input's neurons have shape {tuple(neuron_shape)}; "
            "continue from the final state of a run with the same neurons."
        )
    return LIFRefracState(lif=lif, rho=rho)


@_eager
def lif_step(
    x: torch.Tensor, state: LIFState, p: LIFParameters = LIFParameters(), dt: float = 1e-3
) -> tuple[torch.Tensor, LIFState]:
    """Advance LIF neurons by one time step of ``dt`` seconds.

    Args:
        x: input current jump at this step, shape = the neurons' shape (floats or bools).
        state: ``LIFState(v, i)`` before the step, shapes broadcastable to ``x``'s.
        p: parameters (floats or per-neuron tensors); time constants in 1/s.
        dt: time step in seconds.

    Returns:
        ``(z, state)``: spikes (1.0 or 0.0, shape of ``x``) and the state after the step.
    """
    x = _checks.float_tensor("x", x, allow_bool=True)
    dt = check_parameters(p, dt, tuple(x.shape))
    state = _check_state(state, x.shape)
    z, new_state = _step(x, state, _parameter_tensors(p, x), p.method, dt)
    return z, new_state


@_eager
def lif_refrac_step(
    x: torch.Tensor, state: LIFRefracState, p: LIFRefracParameters = LIFRefracParameters(), dt: float = 1e-3
) -> tuple[torch.Tensor, LIFRefracState]:
    """One step of ``dt`` seconds of LIF neurons with an absolute refractory period (Norse's rule).

    Args:
        x: input current jump at this step, shape = the neurons' shape (floats or bools).
        state: ``LIFRefracState(lif=LIFState(v, i), rho)``; ``rho`` counts the refractory steps left.
        p: ``LIFRefracParameters``; ``rho_reset`` is the refractory period in steps.
        dt: time step in seconds.

    Returns:
        ``(z, state)``: spikes (1.0 or 0.0, shape of ``x``) and the state after the step.
    """
    x = _checks.float_tensor("x", x, allow_bool=True)
    dt = check_refractory_parameters(p, dt, tuple(x.shape))
    state = _check_refractory_state(state, x.shape)
    rho_reset = torch.as_tensor(p.rho_reset, device=x.device)
    return _refractory_step(x, state, _parameter_tensors(p.lif, x), rho_reset, p.lif.method, dt)


@_eager
def lif_current_encoder(
    input_current: torch.Tensor, voltage: torch.Tensor, p: LIFParameters = LIFParameters(), dt: float = 1e-3
) -> tuple[torch.Tensor, torch.Tensor]:
    """One step of ``dt`` seconds of a LIF neuron driven directly by a current (no synaptic filter), as Norse's.

    ``v += dt * tau_mem_inv * ((v_leak - v) + input_current)``, then a spike above ``v_th`` resets to
    ``v_reset``. Returns ``(z, voltage)``.
    """
    input_current = _checks.float_tensor("input_current", input_current, allow_bool=True)
    voltage = _checks.float_tensor("voltage", voltage)
    dt = check_parameters(p, dt)
    q = _parameter_tensors(p, voltage)
    voltage = voltage + dt * q["tau_mem_inv"] * ((q["v_leak"] - voltage) + input_current)
    z = _spike(voltage - q["v_th"], p.method)
    return z, voltage - z * (voltage - q["v_reset"])


# Norse's names for the feed-forward step, its state and its time loop, so that Norse code runs unchanged.
LIFFeedForwardState = LIFState
lif_feed_forward_step = lif_step


def lif_feed_forward_integral(
    input_tensor: torch.Tensor, state: LIFState, p: LIFParameters = LIFParameters(), dt: float = 1e-3
) -> tuple[torch.Tensor, LIFState]:
    """Norse's ``lif_feed_forward_integral``: ``(spikes of every step, final state)``; see ``lif_integrate``."""
    spikes, final, _ = lif_integrate(input_tensor, p, dt, state, record=())
    return spikes, final


# --- the time loops ----------------------------------------------------------------------------------------------


class _Run(NamedTuple):
    """What a loop produced: spikes, the final state (and refractory count), and the recorded traces."""

    spikes: torch.Tensor
    final: LIFState
    rho: torch.Tensor | None
    traces: dict[str, torch.Tensor]


class _Plan(NamedTuple):
    """How to run: everything but the tensors. ``weight`` multiplies the input (None: the input as it is)."""

    method: str
    dt: float
    record: tuple[str, ...]
    record_neurons: torch.Tensor | None
    float_spikes: bool
    weight: float | None
    refractory: bool


ENGINES = ("auto", "compiled", "torch", "graph")
"""The loops behind ``lif_integrate``; all give the same numbers bit for bit (``tests/test_lif.py``)."""


@_eager
def lif_integrate(
    x: torch.Tensor,
    p: LIFParameters = LIFParameters(),
    dt: float = 1e-3,
    state: LIFState | None = None,
    record: tuple[str, ...] = ("v", "i"),
    record_neurons: torch.Tensor | None = None,
    bool_spikes: bool = False,
) -> tuple[torch.Tensor, LIFState, dict[str, torch.Tensor]]:
    """Simulate LIF neurons over the time steps of ``x``; the loop behind ``LIF`` and ``simulate``.

    Args:
        x: input, shape ``(steps, *neurons)``, floats or bools; a current jump per step.
        p: parameters (floats or per-neuron tensors); time constants in 1/s.
        dt: time step in seconds.
        state: state to continue from (default: at rest, ``v = v_leak`` and ``i = 0``).
        record: which traces to keep, any of ``"v"`` and ``"i"``; ``()`` keeps none.
        record_neurons: indices into the last dimension of the neurons to record (default: all).
        bool_spikes: return spikes as bools (a quarter of the memory of floats; no gradient).

    Returns:
        ``(spikes, final_state, traces)``: spikes (floats 0/1, or bools), shape of ``x``; the state after the last step;
        ``traces[name]`` of shape ``(steps, *neurons)`` (or ``(steps, ..., len(record_neurons))``).

    On the CPU the steps run in a compiled loop (``lifteach._kernel``), elsewhere in a loop of in-place torch
    operations. When something passed in requires a gradient, the outputs carry a graph whose backward pass
    recomputes the run through the differentiable step, so the forward pass costs the same either way.
    """
    x = _checks.time_series("x", x)
    neuron_shape = x.shape[1:]
    dt = check_parameters(p, dt, tuple(neuron_shape))
    if state is not None:
        state = _check_state(state, neuron_shape)
    unknown = set(record) - {"v", "i"}
    if unknown or isinstance(record, str):
        raise ValueError(f"record must be a tuple of 'v' and/or 'i', got {record!r}.")
    if record_neurons is not None:
        record_neurons = neuron_indices(record_neurons, neuron_shape)
    run = _integrate(x, p, dt, state, tuple(record), record_neurons, bool_spikes)
    return run.spikes, run.final, run.traces


def _integrate(
    x: torch.Tensor,
    p: LIFParameters,
    dt: float,
    state: LIFState | None,
    record: tuple[str, ...],
    record_neurons: torch.Tensor | None,
    bool_spikes: bool,
    *,
    weight: float | None = None,
    rho: torch.Tensor | None = None,
    rho_reset: float | torch.Tensor | None = None,
    engine: str = "auto",
) -> _Run:
    """The time loop on checked arguments (callers check; nothing is checked twice).

    With ``rho_reset`` (steps) the neurons have Norse's refractory period, ``rho`` the counts to start from.
    ``engine`` chooses the loop; the default takes the compiled one on the CPU.
    """
    q = _parameter_tensors(p, x)
    refractory = rho_reset is not None
    dtype = _dtype_for(x, state)
    if state is None:
        state = _initial_state(x.shape[1:], q["v_leak"], dtype)
    if refractory:
        rho = torch.zeros(x.shape[1:], dtype=dtype, device=x.device) if rho is None else rho
        reset = torch.as_tensor(rho_reset, device=x.device)
    else:
        rho = reset = torch.zeros(0, device=x.device)
    plan = _Plan(p.method, dt, record, record_neurons, not bool_spikes, weight, refractory)
    tensors = (x, state.v, state.i, rho, reset, *(q[name] for name in _PARAMETER_NAMES))
    if engine == "graph":
        outputs = _integrate_with_graph(plan, *tensors)
    elif not bool_spikes and torch.is_grad_enabled() and any(t.requires_grad for t in tensors):
        outputs = _FastWithRecomputedGradient.apply(plan, engine, *tensors)  # type: ignore[no-untyped-call]
    else:
        with torch.no_grad():
            outputs = _integrate_fast(plan, engine, *tensors)
    spikes, v, i, rho_final, trace_v, trace_i = outputs
    traces = {name: trace for name, trace in (("v", trace_v), ("i", trace_i)) if name in record}
    final = LIFState(v=v, i=i)
    _check_no_overflow(final, x)
    return _Run(spikes, final, rho_final if refractory else None, traces)


_PARAMETER_NAMES = ("tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset")


class _FastWithRecomputedGradient(torch.autograd.Function):
    """The fast loop forward; backward recomputes the run through the differentiable step.

    Norse's outputs always carry a graph (its initial voltage requires a gradient); recording that graph
    costs ten times the simulation. Here the forward pass runs the fast loop and keeps only its inputs, and the
    backward pass replays the steps with autograd on, so gradients are those of the differentiable step,
    Norse's, at the price of a second simulation only when a gradient is asked for.
    """

    @staticmethod
    def forward(ctx: Any, plan: _Plan, engine: str, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
        ctx.set_materialize_grads(False)
        ctx.plan = plan
        ctx.save_for_backward(*tensors)
        outputs = _integrate_fast(plan, engine, *tensors)
        # One call: each call of mark_non_differentiable replaces the previous one's list.
        spikes_have_no_gradient = plan.method != "super" or not plan.float_spikes
        ctx.mark_non_differentiable(
            *([outputs[0]] if spikes_have_no_gradient else []), *([] if plan.refractory else [outputs[3]])
        )
        return outputs

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, *grads: torch.Tensor | None) -> tuple[torch.Tensor | None, ...]:
        needs = ctx.needs_input_grad[2:]
        with torch.enable_grad():
            leaves = [
                t.detach().requires_grad_(need) for t, need in zip(ctx.saved_tensors, needs, strict=True)
            ]
            outputs = _integrate_with_graph(ctx.plan, *leaves)
            pairs = [(o, g) for o, g in zip(outputs, grads, strict=True) if g is not None and o.requires_grad]
            wanted = [leaf for leaf in leaves if leaf.requires_grad]
            found = (
                torch.autograd.grad([o for o, _ in pairs], wanted, [g for _, g in pairs], allow_unused=True)
                if pairs
                else [None] * len(wanted)
            )
        answers = iter(found)
        return (None, None, *(next(answers) if need else None for need in needs))


def _check_no_overflow(final: LIFState, x: torch.Tensor) -> None:
    """Refuse a result that overflowed rather than return it silently wrong.

    A current or voltage beyond float range becomes inf, and the reset turns inf into NaN, which then stays
    for the rest of the run; so a finite final state means no step overflowed.
    """
    for name in ("v", "i"):
        value = getattr(final, name).detach()
        if value.numel() == 0:
            return
        lowest, highest = torch.aminmax(value)
        if not (math.isfinite(float(lowest)) and math.isfinite(float(highest))):
            largest = float(x.detach().abs().max()) if x.is_floating_point() else 1.0
            raise ValueError(
                f"the simulation overflowed: the {'voltage' if name == 'v' else 'current'} left the range of "
                f"{value.dtype} (about 3e38 for float32). The input reaches {largest:g} per step; "
                "scale the input down."
            )


def neuron_indices(indices: object, neuron_shape: torch.Size) -> torch.Tensor:
    """Check indices into the last neuron dimension and return them as a 1-d long tensor."""
    if len(neuron_shape) == 0:
        raise ValueError("record_neurons needs an input with a neuron dimension, shape (steps, neurons).")
    count = neuron_shape[-1]
    index = torch.as_tensor(indices) if not isinstance(indices, torch.Tensor) else indices
    if index.dtype == torch.bool or index.is_floating_point() or index.is_complex() or index.dim() > 1:
        raise TypeError(
            f"record_neurons must be a list or 1-d tensor of neuron indices (ints), got {indices!r}."
        )
    index = index.reshape(-1).long()
    if index.numel() and (int(index.min()) < 0 or int(index.max()) >= count):
        raise ValueError(
            f"record_neurons must be indices between 0 and {count - 1} (there are {count} neurons), "
            f"got {index.tolist()!r}."
        )
    return index


def _dtype_for(x: torch.Tensor, state: LIFState | None) -> torch.dtype:
    """Norse keeps its state in float32; a float64 input (or state) promotes it, as torch's rules do."""
    dtype = torch.promote_types(torch.float32, x.dtype) if x.is_floating_point() else torch.float32
    if state is not None:
        dtype = torch.promote_types(dtype, torch.promote_types(state.v.dtype, state.i.dtype))
    return dtype


def _trace_shape(x: torch.Tensor, record_neurons: torch.Tensor | None) -> tuple[int, ...]:
    if record_neurons is None:
        return tuple(x.shape)
    return (x.shape[0], *x.shape[1:-1], len(record_neurons))


def _integrate_fast(plan: _Plan, engine: str, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The loop without a graph: compiled on the CPU (for the dtypes numpy knows), torch operations elsewhere."""
    x, v0 = tensors[0], tensors[1]
    dtype = torch.promote_types(_dtype_for(x, None), v0.dtype)
    compiled_fits = x.device.type == "cpu" and x.dtype in _NUMPY_DTYPES and dtype in _NUMPY_DTYPES
    if engine == "compiled" or (engine == "auto" and compiled_fits and _compiled_loop_allowed()):
        outputs: tuple[torch.Tensor, ...] = _integrate_compiled(plan, *tensors)
        return outputs
    with one_thread():
        return _integrate_torch(plan, *tensors)


_NUMPY_DTYPES = {torch.bool: np.bool_, torch.float32: np.float32, torch.float64: np.float64}
COMPILED_LOOP_SWITCH = "LIFTEACH_COMPILED_LOOP"
"""Environment variable: ``0`` keeps the compiled loop out of this process (the torch loop runs instead)."""


def _compiled_loop_allowed() -> bool:
    """Whether the environment allows the compiled loop (read at every run; nothing is kept).

    Loading numba and its LLVM costs a process about 120-170 MB of resident memory and ~2 s on its first
    run; a server that runs many small kernels may prefer the torch loop (same numbers, slower below ~10,000
    neurons) by starting them with ``LIFTEACH_COMPILED_LOOP=0``.
    """
    return os.environ.get(COMPILED_LOOP_SWITCH, "1") != "0"


@_eager  # torch.compile cannot trace into compiled numba code
def _integrate_compiled(plan: _Plan, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
    from lifteach import _kernel  # numba's import (~1 s) is paid on the first run, not on `import lifteach`

    x, v0, i0, rho0, rho_reset, *parameters = (t.detach() for t in tensors)
    q = dict(zip(_PARAMETER_NAMES, parameters, strict=True))
    steps, neuron_shape = x.shape[0], x.shape[1:]
    neurons = math.prod(neuron_shape)
    dtype = torch.promote_types(_dtype_for(x, None), torch.promote_types(v0.dtype, i0.dtype))

    def per_neuron(value: torch.Tensor) -> np.ndarray:
        return value.to(dtype).expand(neuron_shape).reshape(neurons).contiguous().numpy()

    def own_copy(value: torch.Tensor) -> np.ndarray:
        # The loop writes into the state: never into what the caller gave.
        return value.to(dtype).expand(neuron_shape).reshape(neurons).clone().numpy()

    input_dtype = x.dtype if x.is_floating_point() else torch.float32
    arrays = {
        "x": x.reshape(steps, neurons).contiguous().numpy(),
        "weight": np.array([1.0 if plan.weight is None else plan.weight], dtype=_NUMPY_DTYPES[input_dtype]),
        "v": own_copy(v0),
        "i": own_copy(i0),
        # The same constant factors Norse forms at every step (dt times a float32 tensor), formed once.
        "membrane_factor": per_neuron(q["tau_mem_inv"] * plan.dt),
        "synapse_factor": per_neuron(q["tau_syn_inv"] * -plan.dt),
        "v_leak": per_neuron(q["v_leak"]),
        "v_th": per_neuron(q["v_th"]),
        "v_reset": per_neuron(q["v_reset"]),
    }
    if plan.refractory:
        arrays["rho"], arrays["rho_reset"] = own_copy(rho0), per_neuron(rho_reset)
    else:
        arrays["rho"] = arrays["rho_reset"] = np.zeros(1, dtype=_NUMPY_DTYPES[dtype])
    spikes = _memory.empty((steps, neurons), dtype if plan.float_spikes else torch.bool, x.device)
    arrays["spikes"] = spikes.numpy()
    # Recorded neurons as flat indices, one per trace column.
    if plan.record_neurons is None:
        flat = torch.arange(neurons)
    else:
        leading = math.prod(neuron_shape[:-1])
        flat = (torch.arange(leading)[:, None] * neuron_shape[-1] + plan.record_neurons[None, :]).reshape(-1)
    arrays["record_index"] = flat.numpy() if plan.record else np.zeros(0, dtype=np.int64)
    traces = {}
    for name in ("v", "i"):
        columns = len(flat) if name in plan.record else 0
        trace = _memory.empty((steps, columns), dtype, x.device)
        arrays[f"trace_{name}"] = trace.numpy()
        traces[name] = trace.reshape(_trace_shape(x, plan.record_neurons)) if columns else trace.new_empty(0)
    _kernel.run(arrays, plan.refractory)
    rho = (
        torch.from_numpy(arrays["rho"]).reshape(neuron_shape)
        if plan.refractory
        else torch.zeros(0, dtype=dtype)
    )
    return (
        spikes.reshape(x.shape),
        torch.from_numpy(arrays["v"]).reshape(neuron_shape),
        torch.from_numpy(arrays["i"]).reshape(neuron_shape),
        rho,
        traces["v"],
        traces["i"],
    )


def _integrate_torch(plan: _Plan, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The loop in in-place torch operations on preallocated buffers, for devices other than the CPU."""
    x, v0, i0, rho0, rho_reset, *parameters = (t.detach() for t in tensors)
    q = dict(zip(_PARAMETER_NAMES, parameters, strict=True))
    steps, neuron_shape = x.shape[0], x.shape[1:]
    dtype = torch.promote_types(_dtype_for(x, None), torch.promote_types(v0.dtype, i0.dtype))
    # The same constant factors Norse forms at every step (dt times a float32 tensor), formed once.
    membrane_factor = q["tau_mem_inv"] * plan.dt
    synapse_factor = q["tau_syn_inv"] * -plan.dt
    v_leak, v_th, v_reset = q["v_leak"], q["v_th"], q["v_reset"]
    reset_is_zero = v_reset.dim() == 0 and float(v_reset) == 0.0
    record_neurons = plan.record_neurons
    traces = {name: _memory.empty(_trace_shape(x, record_neurons), dtype, x.device) for name in plan.record}
    spikes = _memory.empty(x.shape, dtype if plan.float_spikes else torch.bool, x.device)
    # The loop runs through the steps a block at a time, on small block buffers whose per-step rows are
    # made once: making a view of a row costs as much as an operation on 1,000 neurons. Input is copied
    # (and converted from bool) into the block, results are copied out to the outputs, one operation per
    # block each.
    neurons = max(1, math.prod(neuron_shape))
    block_steps = max(1, min(_BLOCK_STEPS, _BLOCK_BYTES // (neurons * torch.finfo(dtype).bits // 8)))
    input_dtype = x.dtype if x.is_floating_point() else torch.float32
    x_block = torch.empty((min(block_steps, steps), *neuron_shape), dtype=input_dtype, device=x.device)
    v_block, i_block, z_block = (
        torch.empty((min(block_steps, steps), *neuron_shape), dtype=dtype, device=x.device) for _ in range(3)
    )
    x_rows, v_rows, i_rows, z_rows = (block.unbind(0) for block in (x_block, v_block, i_block, z_block))
    v_previous = v0.to(dtype).expand(neuron_shape).clone()
    i_previous = i0.to(dtype).expand(neuron_shape).clone()
    if plan.refractory:
        rho = rho0.to(dtype).expand(neuron_shape).clone()
        held = torch.empty(neuron_shape, dtype=dtype, device=x.device)
    drive = torch.empty(neuron_shape, dtype=dtype, device=x.device)  # scratch for one step's increments
    # With v_leak exactly 0, (v_leak - v) + i_jump equals i_jump - v bit for bit: one operation fewer.
    leak_is_zero = v_leak.dim() == 0 and float(v_leak) == 0.0
    for first in range(0, steps, block_steps):
        count = min(block_steps, steps - first)
        x_block[:count].copy_(x[first : first + count])
        if plan.weight is not None:
            x_block[:count].mul_(plan.weight)  # what `input * weight` gives, a block at a time
        for x_t, v_now, i_now, z in zip(
            x_rows[:count], v_rows[:count], i_rows[:count], z_rows[:count], strict=True
        ):
            torch.add(i_previous, x_t, out=i_now)  # i_jump
            # Separate multiply and add, never addcmul: its fused multiply-add rounds differently from Norse.
            if leak_is_zero:
                torch.sub(i_now, v_previous, out=drive).mul_(membrane_factor)
            else:
                torch.sub(v_leak, v_previous, out=drive).add_(i_now).mul_(membrane_factor)
            torch.add(v_previous, drive, out=v_now)  # v_decayed
            torch.mul(i_now, synapse_factor, out=drive)  # -dt * tau_syn_inv * i_jump
            i_now.add_(drive)  # i_decayed
            # Spike and reset as float arithmetic: comparisons into bool and masked_fill cost three times
            # as much. With z in {0, 1} the products are exact, so this equals (1 - z) * v + z * v_reset.
            torch.gt(v_now, v_th, out=z)
            v_now.addcmul_(z, v_now, value=-1)
            if not reset_is_zero:
                v_now.addcmul_(z, v_reset)
            if plan.refractory:
                # _refractory_update with held in {0, 1}, in place: the same products, all exact.
                torch.gt(rho, 0, out=held)
                v_now.addcmul_(held, v_now, value=-1).addcmul_(held, v_previous)
                z.addcmul_(held, z, value=-1)
                rho.sub_(held).clamp_(min=0)
                rho.addcmul_(z, rho, value=-1).addcmul_(z, rho_reset)
            v_previous, i_previous = v_now, i_now
        spikes[first : first + count].copy_(z_block[:count])
        for name, trace in traces.items():
            block = (v_block if name == "v" else i_block)[:count]
            if record_neurons is None:
                trace[first : first + count].copy_(block)
            else:
                torch.index_select(block, -1, record_neurons, out=trace[first : first + count])
    empty = torch.zeros(0, dtype=dtype, device=x.device)
    return (
        spikes,
        v_previous.clone(),
        i_previous.clone(),
        rho if plan.refractory else empty,
        traces.get("v", empty),
        traces.get("i", empty),
    )


def _integrate_with_graph(plan: _Plan, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The loop of differentiable steps (``_step``, ``_refractory_update``) that autograd can follow."""
    x, v0, i0, rho, rho_reset, *parameters = tensors
    q = dict(zip(_PARAMETER_NAMES, parameters, strict=True))
    state = LIFState(v=v0, i=i0)
    neuron_shape = x.shape[1:]
    spikes = []
    kept: dict[str, list[torch.Tensor]] = {name: [] for name in plan.record}
    for x_t in x.unbind(0):
        drive = x_t if plan.weight is None else x_t * plan.weight
        if plan.refractory:
            z, refrac = _refractory_step(
                drive, LIFRefracState(state, rho), q, rho_reset, plan.method, plan.dt
            )
            state, rho = refrac.lif, refrac.rho
        else:
            z, state = _step(drive, state, q, plan.method, plan.dt)
        spikes.append(z.expand(neuron_shape))
        for name, rows in kept.items():
            value = getattr(state, name).expand(neuron_shape)
            rows.append(value if plan.record_neurons is None else value.index_select(-1, plan.record_neurons))
    dtype = spikes[0].dtype
    empty = torch.zeros(0, dtype=dtype, device=x.device)
    stacked = torch.stack(spikes)
    return (
        stacked if plan.float_spikes else stacked.bool(),
        state.v.expand(neuron_shape),
        state.i.expand(neuron_shape),
        rho.expand(neuron_shape) if plan.refractory else rho,
        torch.stack(kept["v"]) if "v" in kept else empty,
        torch.stack(kept["i"]) if "i" in kept else empty,
    )


# --- modules -------------------------------------------------------------------------------------------------------


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


def warm_up() -> None:
    """Load (or, the first time in an environment, compile) the compiled loop for the common inputs.

    Takes a few seconds once per environment and about 2 s afterwards (numba caches the machine code on
    disk, but loading numba and LLVM takes that long); call it where a learner does not wait, e.g. in a
    preheated app kernel before the first visitor. Does nothing where ``LIFTEACH_COMPILED_LOOP=0``.
    """
    if not _compiled_loop_allowed():
        return  # LIFTEACH_COMPILED_LOOP=0: this process runs the torch loop, nothing to load
    with torch.no_grad():
        for x in (
            torch.zeros(2, 2, dtype=torch.bool),
            torch.zeros(2, 2),
            torch.zeros(2, 2, dtype=torch.float64),
        ):
            for bool_spikes in (True, False):
                _integrate(x, LIFParameters(), 1e-3, None, ("v", "i"), None, bool_spikes, engine="compiled")
            _integrate(
                x,
                LIFParameters(),
                1e-3,
                None,
                ("v",),
                torch.tensor([0]),
                True,
                engine="compiled",
                rho_reset=1.0,
            )
