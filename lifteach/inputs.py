"""Ready-made inputs for LIF neurons, shape ``(steps, neurons)``: spike trains and currents.

An input value is the current jump a neuron receives at a step (see ``lifteach.lif``). Times are in seconds,
rates in Hz. Random inputs take a ``seed`` (an int) or a ``torch.Generator`` and never touch torch's global
random state, so a seed reproduces a figure and a simulation does not change the learner's own random numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lifteach import _checks

__all__ = ["constant_current", "noisy_current", "poisson_spikes", "pulses", "step_current"]


def _size(steps: object, neurons: object) -> tuple[int, int]:
    return _checks.whole_number("steps", steps, minimum=1), _checks.whole_number(
        "neurons", neurons, minimum=1
    )


def poisson_spikes(
    rate: float | torch.Tensor,
    steps: int,
    neurons: int = 1,
    dt: float = 1e-3,
    seed: int | torch.Generator = 0,
) -> torch.Tensor:
    """Bernoulli (discrete-time Poisson) spike trains: a spike at each step with probability ``rate * dt``.

    Args:
        rate: firing rate in Hz, a float or one per neuron (shape ``(neurons,)``); between 0 and ``1/dt``.
        steps: number of time steps.
        neurons: number of spike trains.
        dt: time step in seconds.
        seed: an int or a ``torch.Generator``.

    Returns:
        A bool tensor of shape ``(steps, neurons)``; about ``rate * steps * dt`` spikes per neuron.
    """
    steps, neurons = _size(steps, neurons)
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
    return torch.rand((steps, neurons), generator=gen) < probability


def constant_current(amplitude: float, steps: int, neurons: int = 1) -> torch.Tensor:
    """The same input ``amplitude`` at every step, shape ``(steps, neurons)``.

    With the default parameters the voltage settles at ``v_leak + amplitude / (dt * tau_syn_inv)``.
    """
    steps, neurons = _size(steps, neurons)
    return torch.full((steps, neurons), _checks.input_value("amplitude", amplitude))


def step_current(
    amplitude: float,
    steps: int,
    neurons: int = 1,
    start: float = 0.1,
    stop: float | None = None,
    dt: float = 1e-3,
) -> torch.Tensor:
    """Zero input, then ``amplitude`` from time ``start`` until ``stop`` (seconds; None: to the end)."""
    steps, neurons = _size(steps, neurons)
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
    times: Sequence[float], steps: int, neurons: int = 1, amplitude: float = 1.0, dt: float = 1e-3
) -> torch.Tensor:
    """Input ``amplitude`` at the given ``times`` (seconds) and zero elsewhere, shape ``(steps, neurons)``.

    ``pulses([0.100, 0.120], steps=1000)`` is the seed tutorial's two input spikes at 100 and 120 ms.
    """
    steps, neurons = _size(steps, neurons)
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


def noisy_current(
    mean: float, std: float, steps: int, neurons: int = 1, seed: int | torch.Generator = 0
) -> torch.Tensor:
    """Gaussian white-noise input: ``mean + std * N(0, 1)`` drawn independently per step and neuron."""
    steps, neurons = _size(steps, neurons)
    mean = _checks.input_value("mean", mean)
    std = _checks.input_value("std", std)
    if std < 0:
        raise ValueError(f"std must be at least 0, got {std!r}.")
    gen = _checks.generator(seed)
    return torch.randn((steps, neurons), generator=gen).mul_(std).add_(mean)
