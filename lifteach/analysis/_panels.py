"""What the panels draw from a run: spike times for a raster, a spike density image, the input each neuron
received, and histograms of whole numbers and of values.

Computed here, so that a panel only draws them and a test or a notebook can reach the same numbers without a
figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch

from lifteach import _checks
from lifteach.analysis._spikes import _result
from lifteach.simulate import Result


def spike_times_ms(result: Result, every: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``(times in ms, neuron indices)`` of every spike of every ``every``-th neuron (0, every, 2 * every, ...).

    The points of a raster; a very large population is drawn as a sample of its neurons.
    """
    result = _result(result)
    every = _checks.whole_number("every", every, minimum=1)
    spikes = result.spikes if every == 1 else result.spikes[:, ::every]
    steps, columns = np.nonzero(spikes.cpu().numpy())
    return steps * (result.dt * 1000.0), columns * every


def spike_density(
    result: Result, every: int = 1, max_time_bins: int = 500, max_neuron_bins: int = 200
) -> np.ndarray:
    """Spike counts in bins of neurons x bins of time, shape ``(neuron bins, time bins)`` (floats).

    Of every ``every``-th neuron; at most ``max_neuron_bins`` x ``max_time_bins`` cells, each as many whole
    steps and neurons wide as needed (the last bins may hold fewer). Drawn as an image where a raster would
    have too many ticks; the cells add up to the spikes of the neurons counted.
    """
    result = _result(result)
    every = _checks.whole_number("every", every, minimum=1)
    max_time_bins = _checks.whole_number("max_time_bins", max_time_bins, minimum=1)
    max_neuron_bins = _checks.whole_number("max_neuron_bins", max_neuron_bins, minimum=1)
    spikes = result.spikes if every == 1 else result.spikes[:, ::every]
    steps, neurons = spikes.shape
    time_bin = max(1, math.ceil(steps / max_time_bins))
    neuron_bin = max(1, math.ceil(neurons / max_neuron_bins))
    # Padded with silent steps and neurons to whole bins, then summed per bin in one reshape.
    padded = torch.zeros(
        (math.ceil(steps / time_bin) * time_bin, math.ceil(neurons / neuron_bin) * neuron_bin),
        dtype=torch.int32,
    )
    padded[:steps, :neurons] = spikes.cpu()
    rows, columns = padded.shape
    counts = padded.view(rows // time_bin, time_bin, columns // neuron_bin, neuron_bin).sum((1, 3))
    density: np.ndarray = counts.T.numpy().astype(float)
    return density


class InputTotals(NamedTuple):
    """How much input each neuron received; see ``input_totals``.

    Attributes:
        per_neuron: input spikes per neuron (int64) when ``counts_spikes``, else the summed input per neuron
            (float64, in current jumps per step added up over the run); shape ``(neurons,)``.
        counts_spikes: True when the input is spike trains (bools, or floats whose non-zero values share one
            weight) and ``per_neuron`` counts them.
        weight: the current jump one input spike adds to ``i`` (1.0 for bool input); None for a current.
    """

    per_neuron: np.ndarray
    counts_spikes: bool
    weight: float | None


def input_totals(result: Result) -> InputTotals:
    """Input spikes per neuron (bool input, or float input whose non-zero values share one weight), else the
    summed input per neuron."""
    x = _result(result).input
    if x.dtype == torch.bool:
        return InputTotals(x.cpu().numpy().sum(0), True, 1.0)
    nonzero = x != 0
    carrying = int(nonzero.sum())
    # Spike trains of one weight: input on at most half of the steps, always the same value. (A step current
    # that is on for a short while looks the same; it is then counted in steps with input.)
    if 0 < carrying <= nonzero.numel() // 2:
        weights = x[nonzero]
        if bool((weights == weights[0]).all()):
            return InputTotals(nonzero.cpu().numpy().sum(0), True, float(weights[0]))
    return InputTotals(x.sum(0, dtype=torch.float64).cpu().numpy(), False, None)


def whole_number_histogram(
    values: np.ndarray | Sequence[int], max_bins: int = 60
) -> tuple[np.ndarray, np.ndarray]:
    """``(neurons per bin, bin edges)`` of whole-number values (e.g. spikes per neuron).

    Bins are centred on the whole numbers from ``min(0, lowest)`` to the highest value (edges at k - 0.5);
    above ``max_bins`` of them, each bin spans several numbers. The counts add up to the number of values;
    no values give one empty bin around 0.
    """
    values = np.asarray(values)
    max_bins = _checks.whole_number("max_bins", max_bins, minimum=1)
    if values.size == 0:
        return np.zeros(1), np.array([-0.5, 0.5])
    low = int(min(0, values.min()))
    high = int(values.max())
    width = max(1, math.ceil((high - low + 1) / max_bins))
    per_value = np.bincount((values - low).astype(np.int64))
    bins = math.ceil(len(per_value) / width)
    counts = np.zeros(bins * width)
    counts[: len(per_value)] = per_value
    edges = low - 0.5 + width * np.arange(bins + 1)
    return counts.reshape(bins, width).sum(1), edges


def value_histogram(values: np.ndarray | Sequence[float], bins: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """``(values per bin, bin edges)`` in ``bins`` equal bins from the lowest to the highest value.

    When all values are (nearly) equal, the bins span a small range around them, so that a bar shows.
    """
    values = np.asarray(values, dtype=float)
    bins = _checks.whole_number("bins", bins, minimum=1)
    if values.size == 0:
        return np.zeros(1), np.array([-0.5, 0.5])
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9 * max(1.0, abs(high)):
        half = max(abs(high) * 0.02, 0.5)
        low, high = low - half, high + half
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return counts.astype(float), edges
