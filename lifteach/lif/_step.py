r"""One time step of LIF neurons: the equations, the surrogate gradient and the checked step functions.

``_step_parts`` is the step as ``lifteach.lif``'s docstring writes it, with its intermediate values;
``_refractory_update`` is Norse's refractory rule. Both are differentiable and check nothing; ``lif_step``,
``lif_refrac_step`` and ``lif_current_encoder`` (Norse's functional API) check their arguments, then call them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import torch

from lifteach import _checks
from lifteach.lif._parameters import (
    LIFParameters,
    LIFRefracParameters,
    LIFRefracState,
    LIFState,
    _parameter_tensors,
)
from lifteach.lif._torch_compile import _eager
from lifteach.lif._validate import (
    _check_refractory_state,
    _check_state,
    check_parameters,
    check_refractory_parameters,
)

__all__ = [
    "LIFFeedForwardState",
    "SuperSpike",
    "lif_current_encoder",
    "lif_feed_forward_step",
    "lif_refrac_step",
    "lif_step",
]


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
