"""Measures of one run's spikes: counts, rates (Hz), inter-spike intervals (s), their CV, the population rate.

Functions take a ``Result`` from ``lifteach.simulate``. Rates are in Hz, times in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from lifteach import _checks
from lifteach.simulate import Result


def _result(result: object) -> Result:
    if not isinstance(result, Result):
        raise TypeError(f"expected the Result of lifteach.simulate(...), got {type(result).__name__}.")
    return result


def spike_counts(result: Result) -> torch.Tensor:
    """Number of spikes of each neuron over the whole run, shape ``(neurons,)`` (int64)."""
    # Counted once per result (Result.spikes_per_neuron); a copy, so that changing it changes no one else's.
    return torch.from_numpy(_result(result).spikes_per_neuron.copy())


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


def coefficients_of_variation(result: Result, min_intervals: int = 2) -> np.ndarray:
    """The CV of each neuron's inter-spike intervals, shape ``(neurons,)``.

    NaN for a neuron with fewer than ``min_intervals`` intervals (at least 2): a CV measured from a handful
    of intervals is itself noisy, so a map may ask for more. One neuron per condition (a grid of mean inputs
    and noise strengths, say) then gives the CV of every condition from one simulation.
    """
    result = _result(result)
    min_intervals = _checks.whole_number("min_intervals", min_intervals, minimum=2)
    # Spike steps grouped by neuron and in time order within each (nonzero of the transpose runs that way).
    neurons, steps = np.nonzero(result.spikes.cpu().numpy().T)
    bounds = np.searchsorted(neurons, np.arange(result.n_neurons + 1))
    cvs = np.full(result.n_neurons, math.nan)
    for neuron in range(result.n_neurons):
        own = steps[bounds[neuron] : bounds[neuron + 1]]
        if len(own) > min_intervals:
            cvs[neuron] = coefficient_of_variation(np.diff(own) * result.dt)
    return cvs


def population_rate(result: Result, bin_width: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """Peri-stimulus time histogram: the population's mean rate per neuron, in Hz, in bins of ``bin_width`` s.

    Returns:
        ``(bin_starts_ms, rate_hz)``; a last partial bin is averaged over its own length.
    """
    result = _result(result)
    bin_width = _checks.positive_number("bin_width", bin_width, "s")
    steps_per_bin = max(1, round(bin_width / result.dt))
    per_step = result.spikes_per_step.astype(float)
    starts = np.arange(0, result.n_steps, steps_per_bin)
    counts = np.add.reduceat(per_step, starts)
    lengths = np.diff(np.append(starts, result.n_steps)) * result.dt
    return starts * result.dt * 1000.0, counts / (lengths * result.n_neurons)
