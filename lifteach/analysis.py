"""Measures of spiking: counts, rates (Hz), inter-spike intervals (s), CV, population rate, rheobase, f-I.

Functions take a ``Result`` from ``lifteach.simulate``. Rates are in Hz, times in seconds.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch

from lifteach import _checks
from lifteach.lif import LIFParameters, check_parameters
from lifteach.simulate import Result, _refractory_steps, simulate

__all__ = [
    "FICurvePoints",
    "InputTotals",
    "coefficient_of_variation",
    "coefficients_of_variation",
    "continuous_rate",
    "fi_curve",
    "fi_curve_points",
    "firing_rates",
    "input_totals",
    "interspike_intervals",
    "population_rate",
    "predicted_rate",
    "rate_ceiling",
    "rheobase",
    "spike_counts",
    "spike_density",
    "spike_times_ms",
    "value_histogram",
    "whole_number_histogram",
]


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
    that many steps first, so the rate is ``1 / ((n + refractory_steps) dt)``. The climb takes at least one
    step (n >= 1), so the rate is at most ``rate_ceiling(dt, refractory) = 1 / (refractory + dt)``, which
    strong inputs reach: 1000 Hz at dt = 1 ms without a refractory period, 333.3 Hz with 2 ms. 0 at or
    below the rheobase.
    """
    x = _checks.finite_number("x", x)
    dt = _scalar_parameters(p, dt)
    return _predicted_rate(x, p, dt, _refractory_steps(refractory, dt))


def rate_ceiling(dt: float = 1e-3, refractory: float = 0.0) -> float:
    """The highest steady firing rate in Hz any constant input can give: ``1 / (refractory + dt)``.

    A spike takes at least one step of ``dt`` seconds and the refractory period (``refractory`` seconds,
    rounded to whole steps as ``simulate`` does) holds the voltage after it, so no neuron fires more often
    than once every ``refractory_steps + 1`` steps, whatever its parameters: 333 Hz for 2 ms at dt = 1 ms,
    476 Hz at dt = 0.1 ms (a finer step shortens the one step a spike takes). Without a refractory period
    the ceiling is one spike per step (``1 / dt``), an artefact of the time step rather than of the neuron.
    ``predicted_rate`` reaches it once the input is strong enough to cross the threshold in one step.
    """
    dt = _checks.time_step(dt)
    return 1.0 / ((_refractory_steps(refractory, dt) + 1) * dt)


def continuous_rate(
    x: float, p: LIFParameters = LIFParameters(), dt: float = 1e-3, refractory: float = 0.0
) -> float:
    """Steady firing rate in Hz of the continuous-time LIF with the settled current of this discrete scheme.

    The same target as ``predicted_rate``, ``V = v_leak + x / (dt * tau_syn_inv)``, but the voltage follows the
    exact solution ``V + (v_reset - V) exp(-t / tau_mem)`` and spikes whenever it passes ``v_th``, between
    steps too: ``1 / (tau_mem ln((V - v_reset) / (V - v_th)) + refractory)``, with the refractory period in
    seconds as given (not rounded to steps). 0 at or below the rheobase. What the discrete neuron approaches
    as ``dt`` shrinks (with ``x`` scaled by ``dt``, the same current): 448.1 Hz at 5 x the rheobase, where the
    discrete neuron at dt = 1 ms fires at 333.3 Hz.
    """
    x = _checks.finite_number("x", x)
    dt = _scalar_parameters(p, dt)
    seconds = _checks.finite_number("refractory", refractory)
    if seconds < 0:
        raise ValueError(
            f"refractory must be at least 0 s (it is in seconds: 2 ms is refractory=2e-3), got {seconds!r}."
        )
    target = float(p.v_leak) + x / (dt * float(p.tau_syn_inv))
    if target <= float(p.v_th):
        return 0.0
    climb = math.log((target - float(p.v_reset)) / (target - float(p.v_th))) / float(p.tau_mem_inv)
    return 1.0 / (climb + seconds)


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


# --- what the panels draw ----------------------------------------------------------------------------------
# Measures that figures show: computed here, so that a panel only draws them and a test or a notebook can
# reach the same numbers without a figure.


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


class FICurvePoints(NamedTuple):
    """An f-I curve to draw, inputs in multiples of a unit; see ``fi_curve_points``. Read-only arrays.

    Attributes:
        line_inputs: inputs of the closed-form line (multiples of the unit).
        predicted_hz: ``predicted_rate`` at each of ``line_inputs``, in Hz.
        sampled_inputs: inputs that were simulated (multiples of the unit).
        simulated_hz: simulated firing rate at each of ``sampled_inputs``, in Hz (one neuron each, 1 s).
    """

    line_inputs: np.ndarray
    predicted_hz: np.ndarray
    sampled_inputs: np.ndarray
    simulated_hz: np.ndarray


_FI_PARAMETERS = ("tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset")


def fi_curve_points(
    p: LIFParameters = LIFParameters(),
    dt: float = 1e-3,
    *,
    unit: float,
    max_input: float,
    points: int = 21,
    line_points: int = 400,
    refractory: float = 0.0,
) -> FICurvePoints:
    """The f-I curve of one neuron from 0 to ``max_input`` (in multiples of ``unit``, an input per step).

    The closed form (``predicted_rate``) at ``line_points`` inputs and the simulation (``fi_curve``, 1 s) at
    ``points`` inputs, equally spaced, with an absolute refractory period of ``refractory`` seconds (rounded
    to whole steps of ``dt``; 0: none), under which the curve flattens towards ``rate_ceiling``. Remembered
    for the last 64 sets of arguments: a figure that follows a slider asks again for the curve of the same
    neuron many times. Needs one value per parameter.
    """
    numbers = []
    for name in _FI_PARAMETERS:
        value = getattr(p, name)
        if isinstance(value, torch.Tensor) and value.numel() != 1:
            raise ValueError(f"fi_curve_points needs one value of p.{name}, got a per-neuron tensor.")
        numbers.append(float(value))
    return _fi_curve_points(
        (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]),
        _checks.time_step(dt),
        _checks.positive_number("unit", unit),
        _checks.positive_number("max_input", max_input, "units"),
        _checks.whole_number("points", points, minimum=2),
        _checks.whole_number("line_points", line_points, minimum=2),
        _refractory_steps(refractory, dt),
    )


@functools.lru_cache(maxsize=64)
def _fi_curve_points(
    numbers: tuple[float, float, float, float, float],
    dt: float,
    unit: float,
    max_input: float,
    points: int,
    line_points: int,
    refractory_steps: int,
) -> FICurvePoints:
    # Only floats and whole numbers as arguments: they hash by value (a tensor would hash by identity) and cannot change.
    tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset = numbers
    p = LIFParameters(
        tau_syn_inv=tau_syn_inv, tau_mem_inv=tau_mem_inv, v_leak=v_leak, v_th=v_th, v_reset=v_reset
    )
    line_inputs = np.linspace(0.0, max_input, line_points)
    refractory = refractory_steps * dt
    predicted = np.array([predicted_rate(float(x) * unit, p, dt, refractory) for x in line_inputs])
    sampled = np.linspace(0.0, max_input, points)
    _, simulated, _ = fi_curve(torch.from_numpy(sampled * unit), p, dt, duration=1.0, refractory=refractory)
    for array in (line_inputs, predicted, sampled, simulated):
        array.flags.writeable = False  # shared by every caller with these arguments
    return FICurvePoints(line_inputs, predicted, sampled, simulated)
