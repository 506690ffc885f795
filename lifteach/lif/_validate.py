"""The checks at the core's public boundary: parameters, ``dt``, a state to continue from, recorded neurons.

Each raises ``TypeError``/``ValueError`` with a message that names the argument, its value and the fix. The
functions behind the boundary (the step, the loops) trust their callers and check nothing again.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lifteach import _checks
from lifteach.lif._parameters import LIFRefracState, LIFState

__all__ = ["check_parameters", "check_refractory_parameters", "neuron_indices"]

METHODS = ("super", "heaviside")


def check_parameters(p: Any, dt: object = 1e-3, neuron_shape: tuple[int, ...] | None = None) -> float:
    """Check LIF parameters and the time step ``dt`` (s) together; return ``dt`` as a float.

    Raises ``TypeError``/``ValueError`` naming the field, its value and the fix. With ``neuron_shape``, a
    per-neuron tensor field must broadcast to that shape without enlarging it.
    """
    step = _checks.time_step(dt)
    # Each field as a float where it holds one value (the usual case), else as its tensor: the checks below
    # then cost microseconds, not a dozen small tensor operations per run.
    fields: dict[str, float | torch.Tensor] = {}
    for name in ("tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset", "alpha"):
        if not hasattr(p, name):
            raise TypeError(f"p must be LIFParameters (it has no field {name!r}), got {type(p).__name__}.")
        value = getattr(p, name)
        if isinstance(value, torch.Tensor):
            if value.is_complex() or value.dtype == torch.bool:
                raise TypeError(f"p.{name} must hold real numbers, got a tensor of dtype {value.dtype}.")
            if value.numel() == 0:
                raise ValueError(f"p.{name} is an empty tensor; give a float or one value per neuron.")
            if value.dim() == 0:
                fields[name] = _checks.finite_number(f"p.{name}", value)
                continue
            if not bool(torch.isfinite(value).all()):
                raise ValueError(f"p.{name} contains NaN or inf; every value must be a finite number.")
            _check_shape(f"p.{name}", value, neuron_shape)
            fields[name] = value.detach()
        else:
            fields[name] = _checks.finite_number(f"p.{name}", value)
    if p.method not in METHODS:
        raise ValueError(f"p.method must be one of {METHODS}, got {p.method!r}.")
    # Norse 1.1.0 keeps alpha but its SuperSpike does not use it; 0 is accepted as Norse accepts it.
    if _lowest(fields["alpha"]) < 0:
        raise ValueError(f"p.alpha must be at least 0, got {_checks._show(p.alpha)}.")
    for name, what in (("tau_mem_inv", "membrane"), ("tau_syn_inv", "synaptic")):
        if _lowest(fields[name]) <= 0:
            raise ValueError(
                f"p.{name} (the inverse {what} time constant, 1/s) must be positive, "
                f"got {_checks._show(getattr(p, name))}."
            )
        largest = _highest(fields[name])
        if largest * step >= 1:
            raise ValueError(
                f"dt * p.{name} = {largest * step:g} is >= 1, so forward Euler no longer decays and the {what} "
                f"equation blows up. Use a smaller dt (below {1 / largest:g} s) or a smaller "
                f"{name} (a longer {what} time constant, above {1000 * step:g} ms)."
            )
    if _threshold_not_above_reset(p.v_th, p.v_reset):
        raise ValueError(
            f"p.v_th must be above p.v_reset, got v_th={_checks._show(p.v_th)} and "
            f"v_reset={_checks._show(p.v_reset)}; raise v_th or lower v_reset."
        )
    return step


def _lowest(value: float | torch.Tensor) -> float:
    return value if isinstance(value, float) else float(value.to(torch.float64).min())


def _highest(value: float | torch.Tensor) -> float:
    return value if isinstance(value, float) else float(value.to(torch.float64).max())


def _threshold_not_above_reset(v_th: object, v_reset: object) -> bool:
    """Whether some neuron's ``v_th <= v_reset``, compared in the dtype the core computes in."""
    if isinstance(v_th, (int, float)) and isinstance(v_reset, (int, float)):
        # The core holds Python numbers as float32 (torch's default dtype): compare what it will compare.
        return bool(np.float32(v_th) <= np.float32(v_reset))
    return bool((torch.as_tensor(v_th) <= torch.as_tensor(v_reset)).any())


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


def neuron_indices(indices: object, neuron_shape: torch.Size) -> torch.Tensor:
    """Check indices into the last neuron dimension and return them as a 1-d long tensor."""
    if len(neuron_shape) == 0:
        raise ValueError("record_neurons needs an input with a neuron dimension, shape (steps, neurons).")
    count = neuron_shape[-1]
    if isinstance(indices, list | tuple) and indices and all(type(k) is int for k in indices):
        # The usual case, a few ints: checked in Python, one tensor made (torch's min and max cost more).
        if any(k < 0 or k >= count for k in indices):
            raise ValueError(
                f"record_neurons must be indices between 0 and {count - 1} (there are {count} neurons), "
                f"got {list(indices)!r}."
            )
        return torch.from_numpy(np.array(indices, dtype=np.int64))  # torch.tensor(list) costs twice as much
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
