"""Measures of spiking: counts, rates (Hz), inter-spike intervals (s), CV, population rate, rheobase, f-I.

Functions take a ``Result`` from ``lifteach.simulate``. Rates are in Hz, times in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from lifteach import _checks
from lifteach.lif import LIFParameters, check_parameters
from lifteach.simulate import Result, _refractory_steps, simulate

__all__ = [
    "coefficient_of_variation",
    "fi_curve",
    "firing_rates",
    "interspike_intervals",
    "population_rate",
    "predicted_rate",
    "rheobase",
    "spike_counts",
]


def _result(result: object) -> Result:
    if not isinstance(result, Result):
        raise TypeError(f"expected the Result of lifteach.simulate(...), got {type(result).__name__}.")
    return result


def spike_counts(result: Result) -> torch.Tensor:
    """Number of spikes of each neuron over the whole run, shape ``(neurons,)`` (int64)."""
    # numpy counts bools several times faster than torch's sum over a dimension.
    return torch.from_numpy(np.count_nonzero(_result(result).spikes.cpu().numpy(), axis=0).astype(np.int64))


def firing_rates(result: Result) -> torch.Tensor:
    """Mean firing rate of each neuron in Hz (spikes per second), shape ``(neurons,)``."""
    result = _result(result)
    return spike_counts(result).double() / result.duration


def interspike_intervals(result: Result, neuron: int = 0) -> np.ndarray:
    """Intervals between consecutive spikes of one neuron, in seconds (empty with fewer than 2 spikes)."""
    result = _result(result)
    neuron = _checks.whole_number("neuron", neuron)
    if neuron >= result.n_neurons:
        raise ValueError(f"neuron must be between 0 and {result.n_neurons - 1}, got {neuron}.")
    steps = np.flatnonzero(result.spikes[:, neuron].numpy())
    return np.diff(steps) * result.dt


def coefficient_of_variation(intervals: Sequence[float] | np.ndarray | torch.Tensor) -> float:
    """Standard deviation over mean of inter-spike intervals: 0 for a clock, about 1 for Poisson firing.

    NaN when there are fewer than two intervals (no variability can be measured).
    """
    values = np.asarray(intervals.numpy() if isinstance(intervals, torch.Tensor) else intervals)
    if values.dtype.kind not in "iuf":
        raise TypeError(f"intervals must be a list of times in seconds, got {_checks._show(intervals)}.")
    if values.ndim != 1:
        raise ValueError(f"intervals must be a 1-d list of times in seconds, got shape {values.shape}.")
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError(f"intervals must be finite times of at least 0 s, got {_checks._show(intervals)}.")
    values = values.astype(float)
    if len(values) < 2:
        return math.nan
    if values.max() == 0:
        raise ValueError("intervals are all 0 s; the CV needs intervals of some length.")
    relative = (
        values / values.max()
    )  # scale first, so that summing or squaring huge intervals cannot overflow
    return float(relative.std() / relative.mean())


def population_rate(result: Result, bin_width: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """Peri-stimulus time histogram: the population's mean rate per neuron, in Hz, in bins of ``bin_width`` s.

    Returns:
        ``(bin_starts_ms, rate_hz)``; a last partial bin is averaged over its own length.
    """
    result = _result(result)
    bin_width = _checks.positive_number("bin_width", bin_width, "s")
    steps_per_bin = max(1, round(bin_width / result.dt))
    per_step = np.count_nonzero(result.spikes.cpu().numpy(), axis=1).astype(float)
    starts = np.arange(0, result.n_steps, steps_per_bin)
    counts = np.add.reduceat(per_step, starts)
    lengths = np.diff(np.append(starts, result.n_steps)) * result.dt
    return starts * result.dt * 1000.0, counts / (lengths * result.n_neurons)


def rheobase(p: LIFParameters = LIFParameters(), dt: float = 1e-3) -> float:
    """The smallest constant input (per step) that makes the neuron spike in this discrete scheme.

    Under constant input x the voltage settles at ``v_leak + x / (dt * tau_syn_inv)`` from below, so the
    neuron spikes exactly when ``x > (v_th - v_leak) * dt * tau_syn_inv`` (0.2 with the defaults).
    """
    dt = check_parameters(p, dt)
    for name in ("v_th", "v_leak", "tau_syn_inv"):
        if isinstance(getattr(p, name), torch.Tensor) and getattr(p, name).numel() > 1:
            raise ValueError(f"rheobase needs one value of p.{name}, got a per-neuron tensor.")
    return (float(p.v_th) - float(p.v_leak)) * dt * float(p.tau_syn_inv)


def predicted_rate(
    x: float, p: LIFParameters = LIFParameters(), dt: float = 1e-3, refractory: float = 0.0
) -> float:
    """Steady firing rate in Hz under constant input ``x``, in closed form for this discrete scheme.

    Once the current has settled (``x / (dt * tau_syn_inv)`` after the jump), the voltage relaxes from
    ``v_reset`` towards ``V = v_leak + x / (dt * tau_syn_inv)`` as ``V + (v_reset - V) (1 - dt*tau_mem_inv)^n``;
    the neuron spikes at the first step n where that exceeds ``v_th``. An absolute refractory period of
    ``refractory`` seconds (rounded to whole steps, as ``simulate`` does) holds the voltage at ``v_reset`` for
    that many steps first, so the rate is ``1 / ((n + refractory_steps) dt)``, at most ``1 / refractory``.
    0 at or below the rheobase.
    """
    x = _checks.finite_number("x", x)
    dt = _scalar_parameters(p, dt)
    return _predicted_rate(x, p, dt, _refractory_steps(refractory, dt))


def _scalar_parameters(p: LIFParameters, dt: float) -> float:
    """Check parameters for the closed forms, which take one value of each; return ``dt`` (s)."""
    dt = check_parameters(p, dt)
    for name in ("v_th", "v_leak", "v_reset", "tau_syn_inv", "tau_mem_inv"):
        if isinstance(getattr(p, name), torch.Tensor) and getattr(p, name).numel() > 1:
            raise ValueError(f"the closed form needs one value of p.{name}, got a per-neuron tensor.")
    return dt


def _predicted_rate(x: float, p: LIFParameters, dt: float, refractory_steps: int) -> float:
    """``predicted_rate`` on checked arguments (a curve checks once, not at every point)."""
    if x <= (float(p.v_th) - float(p.v_leak)) * dt * float(p.tau_syn_inv):
        return 0.0
    decay = 1.0 - dt * float(p.tau_mem_inv)
    target = float(p.v_leak) + x / (dt * float(p.tau_syn_inv))
    ratio = (target - float(p.v_th)) / (target - float(p.v_reset))
    # Smallest n >= 1 with decay**n < ratio; the guard below corrects floating rounding at exact ties.
    n = max(1, math.ceil(math.log(ratio) / math.log(decay))) if decay > 0 else 1
    while n > 1 and target + (float(p.v_reset) - target) * decay ** (n - 1) > float(p.v_th):
        n -= 1
    while target + (float(p.v_reset) - target) * decay**n <= float(p.v_th):
        n += 1
    return 1.0 / ((n + refractory_steps) * dt)


def fi_curve(
    inputs: Sequence[float] | torch.Tensor,
    p: LIFParameters = LIFParameters(),
    dt: float = 1e-3,
    duration: float = 1.0,
    refractory: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Firing rate against constant input: simulated (one neuron per input, one run) and predicted.

    Args:
        inputs: constant input values (per step), e.g. multiples of ``rheobase(p, dt)``.
        p: parameters (scalars); time constants in 1/s.
        dt: time step in seconds.
        duration: simulated time in seconds.
        refractory: absolute refractory period in seconds (rounded to whole steps of ``dt``; 0: none).

    Returns:
        ``(inputs, simulated_hz, predicted_hz)`` as numpy arrays.
    """
    # The prediction takes the inputs as asked (float64): rounded to float32 first, an input of exactly the
    # rheobase (0.2) would become 0.20000000298 and be predicted to fire while the simulation stays silent.
    if isinstance(inputs, torch.Tensor):
        requested = _checks.float_tensor("inputs", inputs).double().reshape(-1)
    elif isinstance(inputs, Sequence) and not isinstance(inputs, str):
        requested = torch.tensor(
            [_checks.finite_number("inputs[...]", x) for x in inputs], dtype=torch.float64
        )
    else:
        raise TypeError(f"inputs must be a list of constant input values, got {_checks._show(inputs)}.")
    if requested.numel() == 0:
        raise ValueError("inputs must hold at least one input value, e.g. [0.1, 0.2, 0.4].")
    values = requested.float()
    duration = _checks.positive_number("duration", duration, "s")
    dt = _scalar_parameters(p, dt)
    refractory_steps = _refractory_steps(refractory, dt)
    steps = max(1, round(duration / dt))
    run = simulate(values.expand(steps, -1), p, dt, record=(), refractory=refractory_steps * dt)
    simulated = firing_rates(run).numpy()
    predicted = np.array([_predicted_rate(float(x), p, dt, refractory_steps) for x in requested])
    return values.numpy(), simulated, predicted
