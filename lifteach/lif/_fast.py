"""The time loop without an autograd graph: compiled on the CPU, in-place torch operations elsewhere.

Both run the step of ``lifteach.lif._step`` with the same float operations in the same order, so their numbers
are those of the differentiable step bit for bit (``tests/test_lif.py`` holds every path together).
"""

from __future__ import annotations

import math
import os
from typing import NamedTuple

import numpy as np
import torch

from lifteach._threads import one_thread
from lifteach.lif._parameters import _PARAMETER_NAMES
from lifteach.lif._torch_compile import _eager

__all__ = ["COMPILED_LOOP_SWITCH"]

_BLOCK_STEPS = 64  # most steps the fast loop runs between copies in and out of its block buffers
_BLOCK_BYTES = 2 * 1024 * 1024  # and at most this much memory per block buffer


class _Plan(NamedTuple):
    """How to run: everything but the tensors. ``weight`` multiplies the input (None: the input as it is)."""

    method: str
    dt: float
    record: tuple[str, ...]
    record_neurons: torch.Tensor | None
    float_spikes: bool
    weight: float | None
    refractory: bool
    # The dtype of the state and traces: float32 as in Norse, unless a float64 input or state asks more.
    dtype: torch.dtype


def _trace_shape(x: torch.Tensor, record_neurons: torch.Tensor | None) -> tuple[int, ...]:
    if record_neurons is None:
        return tuple(x.shape)
    return (x.shape[0], *x.shape[1:-1], len(record_neurons))


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


Value = torch.Tensor | float
"""A value the fast loops take: a tensor, or a plain number for a single value (as ``LIFParameters`` holds it)."""


def _integrate_fast(plan: _Plan, engine: str, x: torch.Tensor, *values: Value) -> tuple[torch.Tensor, ...]:
    """The loop without a graph: compiled on the CPU (for the dtypes numpy knows), torch operations elsewhere.

    ``values``: the initial ``v``, ``i`` and refractory count, ``rho_reset`` and the parameters in
    ``_PARAMETER_NAMES`` order, each a tensor or a number; both loops spread a single value over the neurons.
    """
    compiled_fits = x.device.type == "cpu" and x.dtype in _NUMPY_DTYPES and plan.dtype in _NUMPY_DTYPES
    if engine == "compiled" or (engine == "auto" and compiled_fits and _compiled_loop_allowed()):
        outputs: tuple[torch.Tensor, ...] = _integrate_compiled(plan, x, *values)
        return outputs
    # Numbers become tensors as Norse makes them (torch.as_tensor: the default float dtype).
    tensors = (v if isinstance(v, torch.Tensor) else torch.as_tensor(v, device=x.device) for v in values)
    with one_thread():
        return _integrate_torch(plan, x, *tensors)


@_eager  # torch.compile cannot trace into compiled numba code
def _integrate_compiled(plan: _Plan, x: torch.Tensor, *values: Value) -> tuple[torch.Tensor, ...]:
    from lifteach import _kernel  # numba's import (~1 s) is paid on the first run, not on `import lifteach`

    # Few torch operations here: at 1000 neurons each costs about as much as a hundredth of the loop, and
    # many more when the CPU's caches are cold. Single values are numbers or one-element tensors.
    v0, i0, rho0, rho_reset, *parameters = (
        v.detach() if isinstance(v, torch.Tensor) and v.requires_grad else v for v in values
    )
    x = x.detach() if x.requires_grad else x
    q = dict(zip(_PARAMETER_NAMES, parameters, strict=True))
    steps, neuron_shape = x.shape[0], x.shape[1:]
    neurons = math.prod(neuron_shape)
    dtype = plan.dtype
    np_dtype = _NUMPY_DTYPES[dtype]

    # A number is what torch.as_tensor(number) holds: the default float dtype's value.
    number_precision = _NUMPY_DTYPES.get(torch.get_default_dtype())

    def per_neuron(value: Value, times: float | None = None) -> np.ndarray:
        """``value`` (times ``times``, in ``value``'s precision as torch multiplies) for each neuron, as a fresh
        array: the loop writes into the state, never into what the caller gave."""
        if isinstance(value, torch.Tensor):
            precision = _NUMPY_DTYPES.get(value.dtype) if value.numel() == 1 else None
        else:
            precision = number_precision
        if precision is None:  # one value per neuron, or a precision numpy lacks: torch rounds it
            tensor = torch.as_tensor(value)
            tensor = tensor if times is None else tensor * times
            return tensor.to(dtype).expand(neuron_shape).reshape(neurons).clone().numpy()
        held = precision(value.item() if isinstance(value, torch.Tensor) else value)
        return np.full(neurons, float(held if times is None else held * precision(times)), dtype=np_dtype)

    input_dtype = x.dtype if x.is_floating_point() else torch.float32
    arrays = {
        "x": x.numpy()
        if x.dim() == 2 and x.is_contiguous()
        else x.reshape(steps, neurons).contiguous().numpy(),
        "weight": np.array([1.0 if plan.weight is None else plan.weight], dtype=_NUMPY_DTYPES[input_dtype]),
        "v": per_neuron(v0),
        "i": per_neuron(i0),
        # The same constant factors Norse forms at every step (dt times a float32 tensor), formed once.
        "membrane_factor": per_neuron(q["tau_mem_inv"], plan.dt),
        "synapse_factor": per_neuron(q["tau_syn_inv"], -plan.dt),
        "v_leak": per_neuron(q["v_leak"]),
        "v_th": per_neuron(q["v_th"]),
        "v_reset": per_neuron(q["v_reset"]),
    }
    if plan.refractory:
        arrays["rho"], arrays["rho_reset"] = per_neuron(rho0), per_neuron(rho_reset)
    else:
        arrays["rho"] = arrays["rho_reset"] = np.zeros(1, dtype=np_dtype)
    spikes: np.ndarray = np.empty((steps, neurons), dtype=np_dtype if plan.float_spikes else np.bool_)
    arrays["spikes"] = spikes
    # Recorded neurons as flat indices, one per trace column.
    if plan.record_neurons is None:
        flat = np.arange(neurons)
    elif len(neuron_shape) == 1:
        flat = np.ascontiguousarray(plan.record_neurons.numpy())
    else:
        leading = math.prod(neuron_shape[:-1])
        last = plan.record_neurons.numpy()[None, :]
        flat = (np.arange(leading)[:, None] * neuron_shape[-1] + last).reshape(-1)
    arrays["record_index"] = flat if plan.record else np.zeros(0, dtype=np.int64)
    traces = {}
    for name in ("v", "i"):
        columns = len(flat) if name in plan.record else 0
        arrays[f"trace_{name}"] = np.empty((steps, columns), dtype=np_dtype)
        trace = torch.from_numpy(arrays[f"trace_{name}"])
        traces[name] = _shaped(trace, _trace_shape(x, plan.record_neurons)) if columns else trace.new_empty(0)
    _kernel.run(arrays, plan.refractory)
    rho = (
        _shaped(torch.from_numpy(arrays["rho"]), neuron_shape)
        if plan.refractory
        else torch.zeros(0, dtype=dtype)
    )
    return (
        _shaped(torch.from_numpy(spikes), x.shape),
        _shaped(torch.from_numpy(arrays["v"]), neuron_shape),
        _shaped(torch.from_numpy(arrays["i"]), neuron_shape),
        rho,
        traces["v"],
        traces["i"],
    )


def _shaped(tensor: torch.Tensor, shape: tuple[int, ...] | torch.Size) -> torch.Tensor:
    """``tensor`` in ``shape``, reshaped only when it is not in it already (one operation fewer)."""
    return tensor if tensor.shape == shape else tensor.reshape(shape)


def _integrate_torch(plan: _Plan, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The loop in in-place torch operations on preallocated buffers, for devices other than the CPU."""
    x, v0, i0, rho0, rho_reset, *parameters = (t.detach() for t in tensors)
    q = dict(zip(_PARAMETER_NAMES, parameters, strict=True))
    steps, neuron_shape = x.shape[0], x.shape[1:]
    dtype = plan.dtype
    # The same constant factors Norse forms at every step (dt times a float32 tensor), formed once.
    membrane_factor = q["tau_mem_inv"] * plan.dt
    synapse_factor = q["tau_syn_inv"] * -plan.dt
    v_leak, v_th, v_reset = q["v_leak"], q["v_th"], q["v_reset"]
    reset_is_zero = v_reset.dim() == 0 and float(v_reset) == 0.0
    record_neurons = plan.record_neurons
    traces = {
        name: torch.empty(_trace_shape(x, record_neurons), dtype=dtype, device=x.device)
        for name in plan.record
    }
    spikes = torch.empty(x.shape, dtype=dtype if plan.float_spikes else torch.bool, device=x.device)
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
