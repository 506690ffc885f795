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

import math
from typing import Any, NamedTuple

import torch

from lifteach import _checks, _memory
from lifteach._threads import one_thread

__all__ = ["LIF", "LIFParameters", "LIFState", "check_parameters", "lif_integrate", "lif_step"]

METHODS = ("super", "heaviside")
_BLOCK_STEPS = 64  # most steps the fast loop runs between copies in and out of its block buffers
_BLOCK_BYTES = 2 * 1024 * 1024  # and at most this much memory per block buffer


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
            if neuron_shape is not None and value.dim() > 0:
                try:
                    shape = torch.broadcast_shapes(value.shape, neuron_shape)
                except RuntimeError:
                    shape = None
                if shape != torch.Size(neuron_shape):
                    raise ValueError(
                        f"p.{name} has shape {tuple(value.shape)}, which does not broadcast to the neurons' shape "
                        f"{tuple(neuron_shape)}; give one value per neuron (shape {tuple(neuron_shape)[-1:]}) "
                        "or a single float."
                    )
        else:
            _checks.finite_number(f"p.{name}", value)
    if p.method not in METHODS:
        raise ValueError(f"p.method must be one of {METHODS}, got {p.method!r}.")
    if bool(torch.as_tensor(p.alpha).le(0).any()):
        raise ValueError(f"p.alpha must be positive, got {_checks._show(p.alpha)}.")
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


def _initial_state(neuron_shape: torch.Size, v_leak: torch.Tensor, dtype: torch.dtype) -> LIFState:
    """Neurons at rest: ``v = v_leak`` and ``i = 0``."""
    v = v_leak.to(dtype).expand(neuron_shape).clone()
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


def _needs_graph(x: torch.Tensor, state: LIFState | None, q: dict[str, torch.Tensor]) -> bool:
    """True when autograd must follow the simulation (something given to it requires a gradient)."""
    if not torch.is_grad_enabled():
        return False
    tensors = [x, *q.values()] + ([] if state is None else [state.v, state.i])
    return any(t.requires_grad for t in tensors)


def lif_integrate(
    x: torch.Tensor,
    p: LIFParameters = LIFParameters(),
    dt: float = 1e-3,
    state: LIFState | None = None,
    record: tuple[str, ...] = ("v", "i"),
    record_neurons: torch.Tensor | None = None,
    bool_spikes: bool = False,
) -> tuple[torch.Tensor, LIFState, dict[str, torch.Tensor]]:
    """Simulate LIF neurons over the time steps of ``x``; the fast loop behind ``LIF`` and ``simulate``.

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

    Without gradients (nothing passed in requires one), the loop runs a handful of in-place operations per
    step on preallocated buffers; with them, it steps the differentiable equations so autograd can follow.
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
    q = _parameter_tensors(p, x)
    if _needs_graph(x, state, q) and not bool_spikes:
        outcome = _integrate_with_graph(x, p.method, q, dt, state, record, record_neurons)
    else:
        with torch.no_grad(), one_thread():
            outcome = _integrate_fast(x, q, dt, state, record, record_neurons, float_spikes=not bool_spikes)
    _check_no_overflow(outcome[1], x)
    return outcome


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


def _integrate_fast(
    x: torch.Tensor,
    q: dict[str, torch.Tensor],
    dt: float,
    state: LIFState | None,
    record: tuple[str, ...],
    record_neurons: torch.Tensor | None,
    float_spikes: bool,
) -> tuple[torch.Tensor, LIFState, dict[str, torch.Tensor]]:
    steps, neuron_shape = x.shape[0], x.shape[1:]
    dtype = _dtype_for(x, state)
    if state is None:
        state = _initial_state(neuron_shape, q["v_leak"], dtype)
    # The same constant factors Norse forms at every step (dt times a float32 tensor), formed once.
    membrane_factor = q["tau_mem_inv"] * dt
    synapse_factor = q["tau_syn_inv"] * -dt
    v_leak, v_th, v_reset = q["v_leak"], q["v_th"], q["v_reset"]
    reset_is_zero = v_reset.dim() == 0 and float(v_reset) == 0.0
    trace_shape = (steps, *neuron_shape[:-1], len(record_neurons)) if record_neurons is not None else x.shape
    traces = {name: _memory.empty(trace_shape, dtype, x.device) for name in record}
    spikes = _memory.empty(x.shape, dtype if float_spikes else torch.bool, x.device)
    # The loop runs through the steps a block at a time, on small block buffers whose per-step rows are
    # made once: making a view of a row costs as much as an operation on 1,000 neurons. Input is copied
    # (and converted from bool) into the block, results are copied out to the outputs, one operation per
    # block each.
    neurons = max(1, math.prod(neuron_shape))
    block_steps = max(1, min(_BLOCK_STEPS, _BLOCK_BYTES // (neurons * torch.finfo(dtype).bits // 8)))
    x_block, v_block, i_block, z_block = (
        torch.empty((min(block_steps, steps), *neuron_shape), dtype=dtype, device=x.device) for _ in range(4)
    )
    x_rows, v_rows, i_rows, z_rows = (block.unbind(0) for block in (x_block, v_block, i_block, z_block))
    v_previous = state.v.to(dtype).expand(neuron_shape).clone()
    i_previous = state.i.to(dtype).expand(neuron_shape).clone()
    drive = torch.empty(neuron_shape, dtype=dtype, device=x.device)  # scratch for one step's increments
    # With v_leak exactly 0, (v_leak - v) + i_jump equals i_jump - v bit for bit: one operation fewer.
    leak_is_zero = v_leak.dim() == 0 and float(v_leak) == 0.0
    for first in range(0, steps, block_steps):
        count = min(block_steps, steps - first)
        x_block[:count].copy_(x[first : first + count])
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
            v_previous, i_previous = v_now, i_now
        spikes[first : first + count].copy_(z_block[:count])
        for name, trace in traces.items():
            block = (v_block if name == "v" else i_block)[:count]
            if record_neurons is None:
                trace[first : first + count].copy_(block)
            else:
                torch.index_select(block, -1, record_neurons, out=trace[first : first + count])
    return spikes, LIFState(v=v_previous.clone(), i=i_previous.clone()), traces


def _integrate_with_graph(
    x: torch.Tensor,
    method: str,
    q: dict[str, torch.Tensor],
    dt: float,
    state: LIFState | None,
    record: tuple[str, ...],
    record_neurons: torch.Tensor | None,
) -> tuple[torch.Tensor, LIFState, dict[str, torch.Tensor]]:
    if state is None:
        state = _initial_state(x.shape[1:], q["v_leak"], _dtype_for(x, None))
    spikes = []
    kept: dict[str, list[torch.Tensor]] = {name: [] for name in record}
    for x_t in x.unbind(0):
        z, state = _step(x_t, state, q, method, dt)
        spikes.append(z)
        for name, rows in kept.items():
            value = getattr(state, name).expand(x_t.shape)
            rows.append(value if record_neurons is None else value.index_select(-1, record_neurons))
    traces = {name: torch.stack(rows) for name, rows in kept.items()}
    return torch.stack(spikes), state, traces


class LIF(torch.nn.Module):
    """A population of LIF neurons simulated over time; a drop-in for Norse 1.1.0's ``LIF``.

    ``spikes, state = LIF(p, dt, record_states)(x)`` with ``x`` of shape ``(steps, *neurons)`` (floats or
    bools, time first) gives spikes of ``x``'s shape and, with ``record_states=True``, ``LIFState`` traces of
    ``x``'s shape, else the final state. ``lif(x, state)`` continues from a state. The module holds no state
    between calls.

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

    def forward(self, x: torch.Tensor, state: LIFState | None = None) -> tuple[torch.Tensor, LIFState]:
        record = ("v", "i") if self.record_states else ()
        spikes, final, traces = lif_integrate(x, self.p, self.dt, state, record)
        if self.record_states:
            return spikes, LIFState(v=traces["v"], i=traces["i"])
        return spikes, final
