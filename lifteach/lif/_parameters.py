"""What a population of LIF neurons is: its parameters and its state, as Norse 1.1.0's NamedTuples.

Units: inverse time constants in 1/s, voltages and currents dimensionless. Every numeric field takes a float or
a per-neuron tensor; inside the core the fields become tensors (``_parameter_tensors``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import torch

__all__ = ["LIFParameters", "LIFRefracParameters", "LIFRefracState", "LIFState"]


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


_PARAMETER_NAMES = ("tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset")


def _parameter_tensors(p: Any, like: torch.Tensor) -> dict[str, torch.Tensor]:
    """The numeric fields of ``p`` as tensors on ``like``'s device (floats become float32, as in Norse)."""
    names = ("tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset")
    return {name: torch.as_tensor(getattr(p, name), device=like.device) for name in names}


def _initial_state(neuron_shape: torch.Size, v_leak: torch.Tensor, dtype: torch.dtype) -> LIFState:
    """Neurons at rest: ``v = v_leak`` and ``i = 0``."""
    v = v_leak.detach().to(dtype).expand(neuron_shape).clone()
    return LIFState(v=v, i=torch.zeros(neuron_shape, dtype=dtype, device=v_leak.device))


def _dtype_for(x: torch.Tensor, state: LIFState | None) -> torch.dtype:
    """Norse keeps its state in float32; a float64 input (or state) promotes it, as torch's rules do."""
    dtype = torch.promote_types(torch.float32, x.dtype) if x.is_floating_point() else torch.float32
    if state is not None:
        dtype = torch.promote_types(dtype, torch.promote_types(state.v.dtype, state.i.dtype))
    return dtype
