"""Figures in words: what a sighted learner reads from each panel, as text for alt attributes and captions.

``describe(result, panels)`` is a pure function of a ``Result``: one line per panel, with the numbers the panel
shows (which neurons spiked and when, the peak voltage against the threshold, spike totals and the mean rate,
a histogram's mean and spread). The explorer shows it as its figure's alt text and under "Describe the
figure"; notebooks pass it to ``lifteach.figures.show``::

    fig, (top, bottom) = plt.subplots(2, 1)
    plot.voltage(top, result)
    plot.raster(bottom, result)
    figures.show(fig, describe(result, ["voltage", "raster"]))

Figures that no panel drew have words here too: ``interval_histogram`` (a histogram of one neuron's inter-spike
intervals), ``circuit`` (``plot.circuit.rc_circuit``'s drawing) and ``plotted`` (any ``Axes``, such as a
learner's own plot: its labels, ranges and what is drawn on it).

Times in ms, rates in Hz, voltages and currents in the model's units, as on the panels' axes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.collections import Collection, LineCollection
from matplotlib.patches import Rectangle

from lifteach import analysis
from lifteach.lif import LIFParameters
from lifteach.plot import shared_spike_counts
from lifteach.simulate import Result

__all__ = ["PANEL_DESCRIPTIONS", "circuit", "describe", "interval_histogram", "plotted"]

_LISTED_SPIKES = 4
"""Up to this many spikes of a neuron are listed by time; more are summed up as first, last and count."""


def _ms(value: float) -> str:
    return f"{value:.4g} ms"


def _and(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _threshold(p: LIFParameters, neuron: int) -> float:
    """The threshold of one neuron (a per-neuron tensor has one value each)."""
    v_th = p.v_th
    if isinstance(v_th, torch.Tensor) and v_th.numel() > 1:
        return float(v_th.reshape(-1)[neuron])
    return float(v_th)


def _spike_times(result: Result, neuron: int) -> np.ndarray:
    """Spike times of one neuron in ms, as the panels draw them (step t at t * dt)."""
    return result.times_ms[np.flatnonzero(result.spikes[:, neuron].numpy())]


def _when(times_ms: np.ndarray) -> str:
    if len(times_ms) == 1:
        return f"once, at {_ms(float(times_ms[0]))}"
    if len(times_ms) <= _LISTED_SPIKES:
        return f"{len(times_ms)} times, at {_and([f'{t:.4g}' for t in times_ms])} ms"
    return (
        f"{len(times_ms):,} times, first at {_ms(float(times_ms[0]))} and last at {_ms(float(times_ms[-1]))}"
    )


def _shown_neurons(result: Result, neurons: int) -> list[int]:
    return [int(n) for n in result.recorded_neurons[:neurons].tolist()]


def voltage(result: Result, neurons: int = 3) -> str:
    """The voltage panel: which of the first ``neurons`` recorded neurons spiked and when, and the peak of
    those that did not against their threshold."""
    duration = result.duration * 1000.0
    if result.v is None or result.v.shape[1] == 0:
        return f"Membrane voltage over {_ms(duration)}: no voltage was recorded."
    shown = _shown_neurons(result, neurons)
    thresholds = {_threshold(result.p, n) for n in shown}
    against = (
        f"the threshold v_th = {next(iter(thresholds)):.3g} (dashed line)"
        if len(thresholds) == 1
        else "each neuron's own threshold"
    )
    who = "neuron" if len(shown) == 1 else "neurons"
    parts = []
    for column, neuron in enumerate(shown):
        times = _spike_times(result, neuron)
        if len(times):
            parts.append(f"neuron {neuron} spiked {_when(times)}")
            continue
        trace = result.v[:, column].numpy()
        peak_step = int(np.argmax(trace))
        peak, v_th = float(trace[peak_step]), _threshold(result.p, neuron)
        share = f"{peak / v_th:.0%} of" if v_th > 0 and peak > 0 else "below"
        parts.append(
            f"neuron {neuron} did not spike: its voltage peaked at {peak:.3g} at "
            f"{_ms(float(result.times_ms[peak_step]))}, {share} the threshold {v_th:.3g}"
        )
    return (
        f"Membrane voltage of {who} {_and([str(n) for n in shown])} over {_ms(duration)} against {against}: "
        + "; ".join(parts)
        + "."
    )


def current(result: Result, neurons: int = 3) -> str:
    """The current panel: the peak and mean synaptic current of the first ``neurons`` recorded neurons."""
    duration = result.duration * 1000.0
    if result.i is None or result.i.shape[1] == 0:
        return f"Synaptic current over {_ms(duration)}: no current was recorded."
    shown = _shown_neurons(result, neurons)
    parts = []
    for column, neuron in enumerate(shown):
        trace = result.i[:, column].numpy()
        peak_step = int(np.argmax(trace))
        parts.append(
            f"neuron {neuron} peaked at {float(trace[peak_step]):.3g} at "
            f"{_ms(float(result.times_ms[peak_step]))}, mean {float(trace.mean()):.3g}"
        )
    who = "neuron" if len(shown) == 1 else "neurons"
    return (
        f"Synaptic current of {who} {_and([str(n) for n in shown])} over {_ms(duration)}: "
        + "; ".join(parts)
        + "."
    )


def raster(result: Result) -> str:
    """The raster: how many spikes from how many neurons, the mean rate and the share of silent neurons."""
    counts = shared_spike_counts(result)
    total = int(counts.sum())
    rate = total / (result.n_neurons * result.duration)
    silent = float((counts == 0).mean())
    return (
        f"Raster of {_plural(result.n_neurons, 'neuron')} over {_ms(result.duration * 1000.0)}: "
        f"{_plural(total, 'spike')}, a mean rate of {rate:.3g} Hz per neuron; "
        f"{silent:.0%} of the neurons never spiked."
    )


def _histogram(values: np.ndarray, what: str, unit: str, each: str = "neuron") -> str:
    """Mean, standard deviation and range of one number per ``each`` (a neuron, an interval)."""
    if values.size == 0:
        return f"{what}: no {each}s."
    mean, spread = float(values.mean()), float(values.std())
    low, high = float(values.min()), float(values.max())
    return (
        f"{what}: mean {mean:.3g}{unit}, standard deviation {spread:.3g}{unit}, "
        f"from {low:.4g} to {high:.4g}{unit} across {_plural(values.size, each)}"
    )


def spike_counts(result: Result) -> str:
    """The spike-count histogram: the mean (also as a rate) and the spread of spikes per neuron."""
    counts = shared_spike_counts(result)
    text = _histogram(counts, f"Histogram of spikes per neuron in {_ms(result.duration * 1000.0)}", "")
    if counts.size == 0:
        return text
    mean_rate = float(counts.mean()) / result.duration
    values, numbers = np.unique(counts, return_counts=True)
    common = int(values[np.argmax(numbers)])
    return (
        f"{text}; the mean is a rate of {mean_rate:.3g} Hz, and the most common count is "
        f"{_plural(common, 'spike')} ({_plural(int(numbers.max()), 'neuron')})."
    )


def _input_totals(result: Result) -> tuple[np.ndarray, str]:
    """Input per neuron as the input histogram counts it: spikes for spike trains of one weight (bools, or
    floats that are non-zero on at most half of the steps and always equal), else the summed input."""
    x = result.input
    if x.dtype == torch.bool:
        return np.count_nonzero(x.numpy(), axis=0), "input spikes per neuron"
    nonzero = x != 0
    carrying = int(nonzero.sum())
    if 0 < carrying <= nonzero.numel() // 2:
        weights = x[nonzero]
        if bool((weights == weights[0]).all()):
            return np.count_nonzero(nonzero.numpy(), axis=0), "input spikes per neuron"
    return x.sum(0, dtype=torch.float64).numpy(), "summed input per neuron (model units)"


def input_counts(result: Result) -> str:
    """The input histogram: the mean and spread of the input each neuron received."""
    totals, what = _input_totals(result)
    return _histogram(totals, f"Histogram of {what}", "") + "."


def rate(result: Result, bin_width: float = 0.01) -> str:
    """The population rate: its mean and its peak (Hz) and when the peak was, in bins of ``bin_width`` s."""
    starts_ms, rates = analysis.population_rate(result, bin_width)
    if rates.size == 0:
        return "Population rate: no time steps."
    peak = int(np.argmax(rates))
    end = min(float(starts_ms[peak]) + bin_width * 1000.0, result.duration * 1000.0)
    return (
        f"Population rate in {bin_width * 1000:g} ms bins: mean {float(rates.mean()):.3g} Hz, "
        f"peak {float(rates[peak]):.3g} Hz between {float(starts_ms[peak]):.4g} and {_ms(end)}."
    )


def fi(result: Result) -> str:
    """The f-I curve: this neuron's rheobase, the rate ceiling of a refractory period, and where this run lies
    (mean input and mean rate)."""
    unit = analysis.rheobase(LIFParameters(), result.dt)
    try:
        own = analysis.rheobase(result.p, result.dt)
    except ValueError:  # per-neuron parameters have no single curve, and the panel draws none
        return "f-I curve: none for per-neuron parameters."
    x = result.input
    mean_input = (
        float(np.count_nonzero(x.numpy())) / max(1, x.numel())
        if x.dtype == torch.bool
        else float(torch.mean(x, dtype=torch.float64))
    )
    mean_rate = float(shared_spike_counts(result).mean()) / result.duration
    predicted = analysis.predicted_rate(mean_input, result.p, result.dt, result.refractory)
    ceiling = (
        f" With a refractory period of {_ms(result.refractory * 1000.0)} the curve flattens towards a ceiling "
        f"of {analysis.rate_ceiling(result.dt, result.refractory):.3g} Hz (dashed line), which no input exceeds."
        if result.refractory > 0
        else ""
    )
    return (
        f"f-I curve: firing rate against constant input in multiples of the default rheobase; this neuron "
        f"starts to fire above {own / unit:.3g}.{ceiling} This run: mean input {mean_input / unit:.3g} and mean "
        f"rate {mean_rate:.3g} Hz, where a constant input of that size gives {predicted:.3g} Hz."
    )


def interval_histogram(result: Result, neuron: int = 0, title: str = "") -> str:
    """A histogram of ``neuron``'s inter-spike intervals (ms): how many, their mean, spread, range and CV."""
    gaps = analysis.interspike_intervals(result, neuron) * 1000.0
    what = f"Histogram of the intervals between spikes of neuron {neuron}" + (f" ({title})" if title else "")
    if gaps.size == 0:
        return f"{what}: none, the neuron spiked fewer than twice."
    cv = analysis.coefficient_of_variation(gaps)
    return f"{_histogram(gaps, what, ' ms', 'interval')}; coefficient of variation {cv:.2g}."


def circuit() -> str:
    """``plot.circuit.rc_circuit``'s drawing of the LIF neuron as an electric circuit."""
    return (
        "Circuit drawing of the LIF neuron: between two wires, the inside and the outside of the membrane, four "
        "branches side by side: a current source, the synaptic current i (arrow pointing in); a capacitor C; "
        "a resistor R in series with a battery at v_leak; and a switch labelled 'reset to v_reset when v > "
        "v_th'. Above: v, the membrane voltage (inside minus outside); below: τ_mem = R·C."
    )


def _axis(label: str, limits: tuple[float, float]) -> str:
    named = f"'{label}'" if label else "unlabelled"
    return f"{named}, from {limits[0]:.3g} to {limits[1]:.3g}"


def _drawn(ax: Axes) -> list[str]:
    """What is drawn on ``ax``: curves, marks (marker-only lines, scatters, event lines) and bars."""
    curves = marks = 0
    for line in ax.get_lines():
        points = len(np.atleast_1d(line.get_xdata()))
        if points == 0:
            continue
        if line.get_linestyle() in ("None", "none", " ", ""):
            marks += points
        else:
            curves += 1
    for collection in ax.collections:
        if isinstance(collection, LineCollection):
            marks += len(collection.get_segments())
        elif isinstance(collection, Collection):
            marks += int(np.shape(collection.get_offsets())[0])
    bars = sum(1 for patch in ax.patches if isinstance(patch, Rectangle) and patch.get_height() > 0)
    drawn = []
    if curves:
        drawn.append(_plural(curves, "curve"))
    if marks:
        drawn.append(_plural(marks, "mark"))
    if bars:
        drawn.append(_plural(bars, "bar"))
    return drawn


def plotted(ax: Axes) -> str:
    """Any axes in words: its title, each axis's label and range, and how many curves, marks and bars it
    shows; for figures no panel drew, such as a learner's own plot."""
    title = ax.get_title() or ax.get_title("left")
    drawn = _drawn(ax)
    xlim = ax.get_xlim()
    ylim = ax.get_ylim()
    return (
        f"Plot{f' {title!r}' if title else ''}: x axis {_axis(ax.get_xlabel(), xlim)}; "
        f"y axis {_axis(ax.get_ylabel(), ylim)}; "
        + (f"it shows {_and(drawn)}." if drawn else "nothing is drawn on it yet.")
    )


PANEL_DESCRIPTIONS: dict[str, Callable[..., str]] = {
    "voltage": voltage,
    "current": current,
    "raster": raster,
    "spike_counts": spike_counts,
    "input_counts": input_counts,
    "rate": rate,
    "fi": fi,
}
"""How each panel of ``lifteach.plot.PANELS`` is put in words, by the same names."""


def describe(
    result: Result,
    panels: Sequence[str] = ("voltage", "raster", "spike_counts"),
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """What a figure of ``panels`` (names of ``lifteach.plot.PANELS``) drawn from ``result`` shows, in words.

    One line per panel, in the figure's order. ``options`` are the panels' options (``{"voltage":
    {"neurons": 5}}``, as ``Explorer(panel_options=...)`` takes them); those that change what a panel shows
    (``neurons``, ``bin_width``) change its description too, the others (colours, titles) are not read.
    Raises ``ValueError`` for a panel name it does not know.
    """
    if not isinstance(result, Result):
        raise TypeError(f"result must be the Result of lifteach.simulate(...), got {type(result).__name__}.")
    if isinstance(panels, str):
        panels = [panels]
    unknown = [name for name in panels if name not in PANEL_DESCRIPTIONS]
    if unknown:
        raise ValueError(f"unknown panel(s) {unknown!r}; choose from {', '.join(PANEL_DESCRIPTIONS)}.")
    lines = []
    for name in panels:
        words = PANEL_DESCRIPTIONS[name]
        accepted = set(inspect.signature(words).parameters) - {"result"}
        given = {key: value for key, value in (options or {}).get(name, {}).items() if key in accepted}
        lines.append(words(result, **given))
    return "\n".join(lines)


# --- figures of noise and variability (notebook 06) ---------------------------------------------------------
# Figures drawn from numbers the notebook measured over many neurons (a curve per noise level, a map over a
# grid) rather than from one panel of a Result: each function takes those numbers, in the figure's units.


def rate_curves(
    inputs: Sequence[float] | np.ndarray, curves: Mapping[str, Sequence[float] | np.ndarray]
) -> str:
    """Firing-rate curves against input (in multiples of the rheobase): where each starts and how high it gets.

    ``curves`` maps a curve's name (its legend entry) to its rates in Hz, one per value of ``inputs``.
    """
    x = np.asarray(inputs, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"inputs must be a 1-d list of input values, got shape {x.shape}.")
    parts = []
    for name, values in curves.items():
        rates = np.asarray(values, dtype=float)
        if rates.shape != x.shape:
            raise ValueError(
                f"curves[{name!r}] must hold one rate per input ({x.size}), got shape {rates.shape}."
            )
        firing = np.flatnonzero(rates > 0)
        start = (
            "silent throughout"
            if firing.size == 0
            else f"first fires at {x[firing[0]]:.3g} × rheobase ({rates[firing[0]]:.3g} Hz)"
        )
        parts.append(f"{name}: {start}, {rates[-1]:.3g} Hz at {x[-1]:.3g} × rheobase")
    return (
        f"Firing rate (Hz) against the mean input in multiples of the rheobase, from {x[0]:.3g} to "
        f"{x[-1]:.3g}: " + "; ".join(parts) + "."
    )


def cv_map(
    means: Sequence[float] | np.ndarray,
    noises: Sequence[float] | np.ndarray,
    cvs: np.ndarray,
) -> str:
    """A map of the CV of inter-spike intervals over mean input (rows) and noise (columns), both in multiples
    of the rheobase: the most regular and the most irregular grid points, and how many fired too little to
    measure (NaN: fewer than two intervals)."""
    rows, columns = np.asarray(means, dtype=float), np.asarray(noises, dtype=float)
    values = np.asarray(cvs, dtype=float)
    if values.shape != (rows.size, columns.size):
        raise ValueError(
            f"cvs must have shape ({rows.size}, {columns.size}) (one row per mean, one column per noise), "
            f"got {values.shape}."
        )
    measured = np.isfinite(values)
    head = (
        f"CV of the intervals between spikes over {rows.size} mean inputs ({rows.min():.3g} to "
        f"{rows.max():.3g} × rheobase) and {columns.size} noise strengths ({columns.min():.3g} to "
        f"{columns.max():.3g} × rheobase per √ms)"
    )
    if not measured.any():
        return f"{head}: no grid point fired enough spikes to measure a CV."
    filled = np.where(measured, values, np.nan)
    low = np.unravel_index(np.nanargmin(filled), values.shape)
    high = np.unravel_index(np.nanargmax(filled), values.shape)
    missing = int((~measured).sum())
    return (
        f"{head}: most regular CV {values[low]:.2g} at mean {rows[low[0]]:.3g} and noise {columns[low[1]]:.3g}; "
        f"most irregular CV {values[high]:.2g} at mean {rows[high[0]]:.3g} and noise {columns[high[1]]:.3g}; "
        f"{_plural(missing, 'grid point')} fired too few spikes for a CV (blank)."
    )
