"""Ready-made inputs for LIF neurons, shape ``(steps, neurons)``: spike trains and currents.

An input value is the current jump a neuron receives at a step (see ``lifteach.lif``). Times are in seconds,
rates in Hz. Random inputs take a ``seed`` (an int) or a ``torch.Generator`` and never touch torch's global
random state, so a seed reproduces a figure and a simulation does not change the learner's own random numbers.
Every maker refuses, before allocating anything, an input larger than ``memory_budget`` bytes (1 GiB by
default, as ``simulate``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from lifteach import _checks

__all__ = ["constant_current", "noisy_current", "poisson_spikes", "pulses", "step_current"]


_DRAW_BLOCK = (
    1 << 22
)  # random numbers drawn at a time: a 16 MB float temporary, not one as large as the input


def _size(
    steps: object, neurons: object, maker: str, bytes_each: int, memory_budget: object
) -> tuple[int, int]:
    """Checked ``(steps, neurons)`` of an input that fits the memory budget."""
    steps = _checks.whole_number("steps", steps, minimum=1)
    neurons = _checks.whole_number("neurons", neurons, minimum=1)
    kind = "bools" if bytes_each == 1 else "float32 values"
    _checks.within_budget(
        f"{maker}(steps={steps}, neurons={neurons})",
        steps * neurons * bytes_each,
        f"{steps:,} steps x {neurons:,} neurons of {kind}",
        "use fewer neurons or fewer steps (a shorter duration or a larger dt)",
        memory_budget,
    )
    return steps, neurons


def poisson_spikes(
    rate: float | torch.Tensor,
    steps: int,
    neurons: int = 1,
    dt: float = 1e-3,
    seed: int | torch.Generator = 0,
    memory_budget: int = _checks.MEMORY_BUDGET_BYTES,
) -> torch.Tensor:
    """Bernoulli (discrete-time Poisson) spike trains: a spike at each step with probability ``rate * dt``.

    Args:
        rate: firing rate in Hz, a float or one per neuron (shape ``(neurons,)``); between 0 and ``1/dt``.
        steps: number of time steps.
        neurons: number of spike trains.
        dt: time step in seconds.
        seed: an int or a ``torch.Generator``.
        memory_budget: largest size of the result in bytes (one per value); a larger one is refused.

    Returns:
        A bool tensor of shape ``(steps, neurons)``; about ``rate * steps * dt`` spikes per neuron.
    """
    steps, neurons = _size(steps, neurons, "poisson_spikes", 1, memory_budget)
    dt = _checks.time_step(dt)
    if isinstance(rate, torch.Tensor) and rate.numel() > 1:
        rates = _checks.float_tensor("rate", rate).double()
        if rates.shape != (neurons,):
            raise ValueError(
                f"rate must be a float or have shape ({neurons},) (one per neuron), got {tuple(rates.shape)}."
            )
    else:
        rates = torch.tensor(_checks.finite_number("rate", rate), dtype=torch.float64)
    if bool((rates < 0).any()):
        raise ValueError(f"rate must be at least 0 Hz, got {_checks._show(rate)}.")
    if bool((rates * dt > 1).any()):
        raise ValueError(
            f"rate must be at most 1/dt = {1 / dt:g} Hz (one spike per step), got {_checks._show(rate)} Hz; "
            "lower the rate or the time step dt."
        )
    gen = _checks.generator(seed)
    probability = (rates * dt).float().expand(neurons)
    # Drawn a block of rows at a time into the bool result: the same numbers as one draw of the whole
    # (the generator runs on in order), without a float temporary four times the result's size.
    spikes = torch.empty((steps, neurons), dtype=torch.bool)
    for block in spikes.split(max(1, _DRAW_BLOCK // neurons)):
        torch.lt(torch.rand(block.shape, generator=gen), probability, out=block)
    return spikes


def constant_current(
    amplitude: float, steps: int, neurons: int = 1, memory_budget: int = _checks.MEMORY_BUDGET_BYTES
) -> torch.Tensor:
    """The same input ``amplitude`` (a current jump per step) at every step, shape ``(steps, neurons)``.

    With the default parameters the voltage settles at ``v_leak + amplitude / (dt * tau_syn_inv)``.
    ``memory_budget`` (bytes, 4 per value) refuses a larger result.
    """
    steps, neurons = _size(steps, neurons, "constant_current", 4, memory_budget)
    return torch.full((steps, neurons), _checks.input_value("amplitude", amplitude))


def step_current(
    amplitude: float,
    steps: int,
    neurons: int = 1,
    start: float = 0.1,
    stop: float | None = None,
    dt: float = 1e-3,
    memory_budget: int = _checks.MEMORY_BUDGET_BYTES,
) -> torch.Tensor:
    """Zero input, then ``amplitude`` (per step) from time ``start`` until ``stop`` (seconds; None: to the end).

    ``memory_budget`` (bytes, 4 per value) refuses a larger result.
    """
    steps, neurons = _size(steps, neurons, "step_current", 4, memory_budget)
    dt = _checks.time_step(dt)
    amplitude = _checks.input_value("amplitude", amplitude)
    first = round(_checks.finite_number("start", start) / dt)
    last = steps if stop is None else round(_checks.finite_number("stop", stop) / dt)
    if first < 0 or last < first:
        raise ValueError(f"need 0 <= start <= stop (seconds), got start={start!r} and stop={stop!r}.")
    current = torch.zeros((steps, neurons))
    current[first:last] = amplitude
    return current


def pulses(
    times: Sequence[float],
    steps: int,
    neurons: int = 1,
    amplitude: float = 1.0,
    dt: float = 1e-3,
    memory_budget: int = _checks.MEMORY_BUDGET_BYTES,
) -> torch.Tensor:
    """Input ``amplitude`` at the given ``times`` (seconds) and zero elsewhere, shape ``(steps, neurons)``.

    ``pulses([0.100, 0.120], steps=1000)`` is the seed tutorial's two input spikes at 100 and 120 ms.
    ``memory_budget`` (bytes, 4 per value) refuses a larger result.
    """
    steps, neurons = _size(steps, neurons, "pulses", 4, memory_budget)
    dt = _checks.time_step(dt)
    amplitude = _checks.input_value("amplitude", amplitude)
    if isinstance(times, (str, bytes)) or not isinstance(times, Sequence | torch.Tensor):
        raise TypeError(f"times must be a list of times in seconds, got {_checks._show(times)}.")
    current = torch.zeros((steps, neurons))
    for time in list(times):
        step = round(_checks.finite_number("times[...]", time) / dt)
        if not 0 <= step < steps:
            raise ValueError(
                f"times must lie between 0 and {(steps - 1) * dt:g} s (the simulated duration), got {time!r} s."
            )
        current[step] += amplitude
    return current


def _per_neuron(name: str, value: object, neurons: int) -> float | torch.Tensor:
    """A float, or a float32 tensor of one finite value per neuron (shape ``(neurons,)``), for ``name``."""
    if isinstance(value, torch.Tensor) and value.numel() > 1:
        values = _checks.float_tensor(name, value).detach().float()
        if values.shape != (neurons,):
            raise ValueError(
                f"{name} must be a float or have shape ({neurons},) (one per neuron), got {tuple(values.shape)}."
            )
        if bool((values.abs() > _checks.INPUT_LIMIT).any()):
            raise ValueError(
                f"{name} must lie between -{_checks.INPUT_LIMIT:g} and {_checks.INPUT_LIMIT:g} "
                "(simulations run in float32)."
            )
        return values
    return _checks.input_value(name, value)


def noisy_current(
    mean: float | torch.Tensor,
    std: float | torch.Tensor,
    steps: int,
    neurons: int = 1,
    seed: int | torch.Generator = 0,
    dt: float = 1e-3,
    memory_budget: int = _checks.MEMORY_BUDGET_BYTES,
) -> torch.Tensor:
    """Gaussian white-noise input, drawn independently per step and neuron: ``mean + std * sqrt(dt / 1 ms) * N(0, 1)``.

    The noise is white: its strength ``std`` is a property of the input, not of the time step, so a run
    means the same at every ``dt``. The standard deviation per step is ``std`` at ``dt = 1 ms`` and shrinks
    as the square root of ``dt`` (``std / sqrt(10)`` at 0.1 ms), so that the variance the input adds over a
    given time is the same at every resolution.

    Args:
        mean: the mean input per step (a current jump, as ``constant_current``'s ``amplitude``): a float, or
            one per neuron (shape ``(neurons,)``).
        std: the noise strength, in input units per square root of a millisecond: the standard deviation of
            the input per step at ``dt = 1e-3``; at least 0. A float, or one per neuron (shape ``(neurons,)``):
            a population in which every neuron has its own mean and noise runs as one simulation.
        steps: number of time steps.
        neurons: number of independent inputs.
        seed: an int or a ``torch.Generator``.
        dt: time step in seconds (1e-3 is 1 ms).
        memory_budget: largest size of the result in bytes (4 per value); a larger one is refused.

    Returns:
        A float32 tensor of shape ``(steps, neurons)``.
    """
    steps, neurons = _size(steps, neurons, "noisy_current", 4, memory_budget)
    mean = _per_neuron("mean", mean, neurons)
    std = _per_neuron("std", std, neurons)
    dt = _checks.time_step(dt)
    if bool(torch.as_tensor(std).lt(0).any()):
        raise ValueError(f"std must be at least 0, got {_checks._show(std)}.")
    gen = _checks.generator(seed)
    # At dt = 1 ms the factor is exactly 1: the numbers are those of a per-step standard deviation of std.
    per_step = std * math.sqrt(dt / 1e-3)
    return torch.randn((steps, neurons), generator=gen).mul_(per_step).add_(mean)
