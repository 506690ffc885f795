"""Argument checks shared by the public functions.

Every check raises ``TypeError`` or ``ValueError`` whose message names the argument, the value that was
given and what is allowed, so that a learner can fix the call without reading our source.
"""

from __future__ import annotations

import math
import numbers

import torch


def _show(value: object) -> str:
    """A short, readable form of a value for error messages."""
    if isinstance(value, torch.Tensor):
        if value.numel() == 1:
            return f"tensor({value.item()!r})"
        return f"tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def real_number(name: str, value: object) -> float:
    """Return ``value`` as a float, refusing bools, strings, complex numbers and multi-element tensors."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_complex():
        if value.dtype == torch.bool:
            raise TypeError(f"{name} must be a real number, got the boolean {_show(value)}.")
        return float(value.item())
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number (an int or a float), got {_show(value)}.")
    return float(value)


def finite_number(name: str, value: object) -> float:
    number = real_number(name, value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {number!r}.")
    return number


INPUT_LIMIT = 1e30
"""Largest input magnitude accepted: the core computes in float32, which overflows near 3.4e38."""


def input_value(name: str, value: object) -> float:
    """A finite input amplitude small enough for float32 arithmetic (at most 1e30 in size)."""
    number = finite_number(name, value)
    if abs(number) > INPUT_LIMIT:
        raise ValueError(
            f"{name} must lie between -{INPUT_LIMIT:g} and {INPUT_LIMIT:g} (simulations run in float32), "
            f"got {number!r}."
        )
    return number


def positive_number(name: str, value: object, unit: str = "") -> float:
    number = finite_number(name, value)
    if number <= 0:
        suffix = f" {unit}" if unit else ""
        raise ValueError(f"{name} must be positive, got {number!r}{suffix}.")
    return number


def whole_number(name: str, value: object, minimum: int = 0) -> int:
    """An int (not a bool, not a float) that is at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number (an int), got {_show(value)}.")
    if int(value) < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {int(value)}.")
    return int(value)


def time_step(dt: object) -> float:
    """The integration time step in seconds."""
    return positive_number("dt", dt, "s (dt is in seconds: 1 ms is dt=1e-3)")


def generator(seed: object) -> torch.Generator:
    """A private random generator from a seed (int) or an existing ``torch.Generator``.

    The global random state is never used, so that a seed reproduces a result and a simulation does not
    change the random numbers of the learner's own code.
    """
    if isinstance(seed, torch.Generator):
        return seed
    number = whole_number("seed", seed, minimum=0)
    gen = torch.Generator()
    gen.manual_seed(number)
    return gen


def float_tensor(name: str, value: object, allow_bool: bool = False) -> torch.Tensor:
    """A floating tensor without NaN or inf (a bool tensor passes unchanged when ``allow_bool``)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}: {_show(value)}.")
    if value.dtype == torch.bool:
        if allow_bool:
            return value
        raise TypeError(f"{name} must hold floats, got a bool tensor; convert it with {name}.float().")
    if value.is_complex():
        raise TypeError(f"{name} must hold real floats, got dtype {value.dtype}; use its real part.")
    if not value.is_floating_point():
        raise TypeError(
            f"{name} must hold floats (or bools for spikes), got dtype {value.dtype}; "
            f"convert it with {name}.float()."
        )
    if value.numel():
        # One pass for both extremes: NaN propagates into them and so does inf; isfinite() costs 5x more.
        lowest, highest = torch.aminmax(value.detach())
        if not (math.isfinite(float(lowest)) and math.isfinite(float(highest))):
            bad = "NaN" if bool(torch.isnan(value).any()) else "inf"
            raise ValueError(f"{name} contains {bad}; every value must be a finite number.")
    return value


def time_series(name: str, value: object) -> torch.Tensor:
    """An input with time as its first dimension and at least one step; floats or bools."""
    tensor = float_tensor(name, value, allow_bool=True)
    if tensor.dim() == 0:
        raise ValueError(
            f"{name} must have time as its first dimension, got a scalar (shape ()); "
            f"give it shape (steps, neurons), e.g. {name}.reshape(1, 1)."
        )
    if tensor.shape[0] == 0:
        raise ValueError(f"{name} has zero time steps (shape {tuple(tensor.shape)}); give at least one step.")
    return tensor


MEMORY_BUDGET_BYTES = 1024**3
"""Largest memory one call may ask for by default (1 GiB): Binder gives 1-2 GB per user."""


def within_budget(what: str, needed: int, detail: str, fix: str, memory_budget: object) -> None:
    """Refuse, before anything is allocated, a call that would need more than ``memory_budget`` bytes.

    ``what`` names the call, ``detail`` says where the bytes go, ``fix`` how to ask for less.
    """
    budget = whole_number("memory_budget", memory_budget, minimum=1)
    if needed > budget:
        raise ValueError(
            f"{what} would need {needed / 1e6:,.0f} MB ({detail}), more than the memory budget of "
            f"{budget / 1e6:,.0f} MB; {fix} (or raise memory_budget if this machine has the memory)."
        )
