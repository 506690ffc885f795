"""Figure panels for a simulation ``Result``: ``panel(ax, result, **style) -> handle``; ``handle.update(result)``.

Each function draws one panel on the matplotlib ``Axes`` it is given (the object API only: no pyplot state, no
``rcParams``) and returns a handle whose ``update(new_result)`` changes the panel's artists in place, so that a
figure can follow a slider without being rebuilt::

    fig, (top, bottom) = plt.subplots(2, 1)
    trace = plot.voltage(top, result)
    spikes = plot.raster(bottom, result)
    trace.update(simulate(...))          # same axes, new data

Times are in ms and rates in Hz on every axis. Colours are from the Okabe-Ito palette, which people with the
common colour-vision deficiencies can tell apart.

A handle also tells an owner that redraws by blitting (the explorer) what it needs: ``handle.artists`` are the
artists ``update`` changes, and ``handle.background_key()`` changes whenever anything else (limits, notes,
legend, reference) changed, so that the owner knows when the cached background must be drawn again.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import torch
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import StepPatch
from matplotlib.text import Text
from matplotlib.ticker import AutoLocator, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from lifteach import analysis
from lifteach.lif import LIFParameters
from lifteach.simulate import Result

__all__ = [
    "GHOST_COLOR",
    "OKABE_ITO",
    "PANELS",
    "TRACE_COLORS",
    "FICurvePanel",
    "HistogramPanel",
    "Panel",
    "RasterPanel",
    "RatePanel",
    "TracePanel",
    "current",
    "fi_curve",
    "input_count_histogram",
    "population_rate",
    "raster",
    "shared_spike_counts",
    "spike_count_histogram",
    "voltage",
]

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
"""Okabe & Ito's palette of eight colours that stay distinct under the common colour-vision deficiencies."""

TRACE_COLORS = tuple(
    OKABE_ITO[name] for name in ("blue", "vermillion", "green", "purple", "orange", "sky_blue")
)
"""Colours of the traces of neuron 1, 2, 3, ... in voltage and current panels."""

GHOST_COLOR = "#8c8c8c"
"""Colour of a kept reference run, drawn faintly behind the current one."""

_GHOST_ALPHA = 0.45
_NOTE_STYLE: dict[str, Any] = {
    "fontsize": 8,
    "color": "#333333",
    "bbox": {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
}

T = TypeVar("T")


# --- helpers -------------------------------------------------------------------------------------------


def _result(result: object) -> Result:
    if not isinstance(result, Result):
        raise TypeError(f"result must be the Result of lifteach.simulate(...), got {type(result).__name__}.")
    return result


def _axes(ax: object) -> Axes:
    if not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes (e.g. from fig.subplots()), got {type(ax).__name__}; "
            "panels draw on the axes they are given."
        )
    return ax


_per_result: dict[int, tuple[weakref.ref[Result], dict[str, Any]]] = {}


def _shared(result: Result, key: str, compute: Callable[[], T]) -> T:
    """A quantity computed once per result and shared by every panel that shows it (e.g. spike counts)."""
    entry = _per_result.get(id(result))
    if entry is None or entry[0]() is not result:
        ident = id(result)
        entry = (weakref.ref(result, lambda _gone: _per_result.pop(ident, None)), {})
        _per_result[ident] = entry
    store = entry[1]
    if key not in store:
        store[key] = compute()
    value: T = store[key]
    return value


def shared_spike_counts(result: Result) -> np.ndarray:
    """``analysis.spike_counts(result)`` as a numpy array, computed once per result however many ask.

    Counted by numpy: torch's sum over a bool tensor is some 40 times slower on this CPU.
    """
    return _shared(result, "spike_counts", lambda: result.spikes.numpy().sum(0))


_FINE = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
_COARSE = (1.0, 2.0, 3.0, 5.0, 10.0)


def _nice_ceiling(value: float, steps: Sequence[float] = _FINE) -> float:
    """The smallest of ``steps`` (1, 1.5, 2, 3, 4, 5, 6, 8) times a power of ten that is at least ``value``.

    Axis limits move in these steps, so that small changes of the data keep the axes (and a cached
    background) as they are; ``_COARSE`` steps suit limits that follow random data (counts, rates).
    """
    if not math.isfinite(value) or value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for mantissa in steps:
        if mantissa * power >= value * (1 - 1e-9):
            return mantissa * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def _scalar(p: LIFParameters, name: str) -> float | None:
    """A parameter as one float, or None when it is a per-neuron tensor."""
    value = getattr(p, name)
    if isinstance(value, torch.Tensor):
        return float(value) if value.numel() == 1 else None
    return float(value)


def _set_xlim(ax: Axes, low: float, high: float) -> None:
    if ax.get_xlim() != (low, high):
        ax.set_xlim(low, high)


def _set_ylim(ax: Axes, low: float, high: float) -> None:
    if ax.get_ylim() != (low, high):
        ax.set_ylim(low, high)


# --- the handle every panel returns --------------------------------------------------------------------


class Panel:
    """The handle of a drawn panel: its ``ax``, the ``result`` shown, and ``update(result)``.

    Subclasses draw in ``__init__`` and change artists in ``update``; they never clear the axes.
    """

    def __init__(self, ax: Axes, result: Result) -> None:
        self.ax = _axes(ax)
        self.result = _result(result)
        self.reference: Result | None = None
        self._background_version = 0

    @property
    def artists(self) -> list[Artist]:
        """The artists ``update`` changes (an owner that blits draws them over a cached background)."""
        return []

    def update(self, result: Result) -> None:
        """Show ``result`` instead of the current one, changing the artists in place."""
        self.result = _result(result)
        self._draw()

    def set_reference(self, result: Result | None) -> None:
        """Draw ``result`` faintly behind the current run (a "ghost" to compare with), or remove it (None)."""
        self.reference = None if result is None else _result(result)
        self._draw_reference()
        self._draw()
        self._background_changed()

    def background_key(self) -> tuple[Any, ...]:
        """Changes whenever something outside ``artists`` changed (limits, labels, notes, the reference)."""
        ax = self.ax
        return (
            self._background_version,
            ax.get_xlim(),
            ax.get_ylim(),
            ax.get_title(),
            ax.get_xlabel(),
            ax.get_ylabel(),
        )

    def _background_changed(self) -> None:
        self._background_version += 1

    def _draw(self) -> None:  # pragma: no cover - every panel overrides it
        raise NotImplementedError

    def _draw_reference(self) -> None:
        """Draw (or hide) the faint reference artists; panels without a reference view keep this."""

    def _note(self, text: Text, message: str) -> None:
        """Show ``message`` in the panel's note box (empty hides it)."""
        visible = bool(message)
        if text.get_text() != message or text.get_visible() != visible:
            text.set_text(message)
            text.set_visible(visible)
            self._background_changed()


def _note_text(ax: Axes, x: float = 0.99, y: float = 0.97, ha: str = "right") -> Text:
    return ax.text(x, y, "", transform=ax.transAxes, ha=ha, va="top", visible=False, zorder=5, **_NOTE_STYLE)


# --- voltage and current traces ------------------------------------------------------------------------


class TracePanel(Panel):
    """Voltage or current traces of a few recorded neurons over time (ms); see ``voltage`` and ``current``."""

    def __init__(
        self,
        ax: Axes,
        result: Result,
        quantity: str,
        neurons: int,
        colors: Sequence[str],
        title: str | None,
    ) -> None:
        super().__init__(ax, result)
        if quantity not in ("v", "i"):
            raise ValueError(f"quantity must be 'v' or 'i', got {quantity!r}.")
        if isinstance(neurons, bool) or not isinstance(neurons, int) or neurons < 1:
            raise ValueError(
                f"neurons must be a whole number of traces to show (at least 1), got {neurons!r}."
            )
        if len(colors) == 0:
            raise ValueError("colors must hold at least one colour.")
        self.quantity = quantity
        self.max_traces = neurons
        self.colors = tuple(colors)
        self.traces: list[Line2D] = []
        self.spike_marks: list[Line2D] = []
        self.ghosts: list[Line2D] = []
        self._labels: tuple[str, ...] = ()
        is_voltage = quantity == "v"
        ax.set_title(
            title if title is not None else ("Membrane voltage" if is_voltage else "Synaptic current"),
            loc="left",
        )
        ax.set_xlabel("time (ms)")
        ax.set_ylabel("voltage v (model units)" if is_voltage else "current i (model units)")
        if is_voltage:
            self.threshold_line: Line2D | None = ax.axhline(
                0.0, color=OKABE_ITO["black"], linestyle="--", linewidth=1.0, zorder=3
            )
            self.threshold_label: Text | None = ax.text(
                0.995,
                0.0,
                "",
                transform=blended_transform_factory(ax.transAxes, ax.transData),
                ha="right",
                va="bottom",
                zorder=4,
                **_NOTE_STYLE,
            )
            self.ghost_threshold: Line2D | None = ax.axhline(
                0.0, color=GHOST_COLOR, linestyle="--", linewidth=1.0, alpha=_GHOST_ALPHA, visible=False
            )
        else:
            self.threshold_line = self.threshold_label = self.ghost_threshold = None
            ax.axhline(0.0, color="#bbbbbb", linewidth=0.8, zorder=1)
        self.note = _note_text(ax)
        self._draw()

    @property
    def artists(self) -> list[Artist]:
        extra: list[Artist] = [a for a in (self.threshold_line, self.threshold_label) if a is not None]
        return [*self.traces, *self.spike_marks, *extra]

    def _shown(self, result: Result) -> tuple[np.ndarray | None, np.ndarray]:
        """``(traces (steps, k), neuron indices (k,))`` of the neurons this panel shows."""
        recorded = result.v if self.quantity == "v" else result.i
        if recorded is None:
            return None, np.zeros(0, dtype=np.int64)
        count = min(self.max_traces, recorded.shape[1])
        return recorded[:, :count].numpy(), result.recorded_neurons[:count].numpy()

    def _ensure_lines(self, count: int) -> None:
        while len(self.traces) < count:
            color = self.colors[len(self.traces) % len(self.colors)]
            (trace,) = self.ax.plot([], [], color=color, linewidth=1.3, zorder=2)
            self.traces.append(trace)
            (marks,) = self.ax.plot([], [], color=color, linewidth=1.3, zorder=2)
            self.spike_marks.append(marks)
        while len(self.traces) > count:
            self.traces.pop().remove()
            self.spike_marks.pop().remove()

    def _draw(self) -> None:
        result = self.result
        ax = self.ax
        traces, neurons = self._shown(result)
        times = result.times_ms
        count = 0 if traces is None else traces.shape[1]
        self._ensure_lines(count)
        labels = tuple(f"neuron {n}" for n in neurons)
        p = result.p
        v_th, v_leak, v_reset = (_scalar(p, name) for name in ("v_th", "v_leak", "v_reset"))
        scalars = [value for value in (v_leak, v_reset) if value is not None]
        base = min(scalars) if self.quantity == "v" and scalars else 0.0
        # Limits from the parameters and from data in coarse steps, so most changes keep the axes.
        low_data, high_data = base, base
        for data in [traces, *self._ghost_data()]:
            if data is not None and data.size:
                low_data = min(low_data, float(data.min()))
                high_data = max(high_data, float(data.max()))
        if self.quantity == "v" and v_th is not None:
            high = base + _nice_ceiling((max(v_th, high_data) - base) * 1.3)
        else:
            high = base + _nice_ceiling((high_data - base) * 1.1, _COARSE) if high_data > base else base + 1.0
        low = base - (
            _nice_ceiling((base - low_data) * 1.1, _COARSE) if low_data < base else 0.05 * (high - base)
        )
        mark_top = high - 0.04 * (high - low)
        for j in range(count):
            assert traces is not None
            self.traces[j].set_data(times, traces[:, j])
            if self.quantity == "v" and v_th is not None:
                # A spike is drawn as a stroke from the threshold up, as in textbooks: the recorded voltage
                # of that step is already the reset value.
                steps = np.flatnonzero(result.spikes[:, int(neurons[j])].numpy())
                xs = np.repeat(times[steps], 3)
                ys = np.tile(np.array([v_th, mark_top, np.nan]), len(steps))
                xs[2::3] = np.nan
                self.spike_marks[j].set_data(xs, ys)
            else:
                self.spike_marks[j].set_data([], [])
        if self.threshold_line is not None and self.threshold_label is not None:
            level = v_th if v_th is not None else math.nan
            self.threshold_line.set_ydata([level, level])
            self.threshold_label.set_y(level)
            self.threshold_label.set_text(
                f"threshold v_th = {v_th:.3g}" if v_th is not None else "per-neuron thresholds"
            )
        _set_xlim(ax, 0.0, max([result.n_steps * result.dt * 1000.0, *self._ghost_extent()]))
        _set_ylim(ax, low, high)
        if labels != self._labels:
            self._labels = labels
            handles: list[Artist] = list(self.traces)
            names = list(labels)
            if self.threshold_line is not None:
                handles.append(self.threshold_line)
                names.append("threshold")
            if handles:
                # Beside the left-aligned title, above the axes, where it hides no data.
                ax.legend(
                    handles,
                    names,
                    loc="lower right",
                    bbox_to_anchor=(1.0, 1.0),
                    fontsize=8,
                    ncols=len(handles),
                    frameon=False,
                    borderaxespad=0.1,
                    handlelength=1.5,
                    columnspacing=1.0,
                )
            elif ax.get_legend() is not None:
                ax.get_legend().remove()  # type: ignore[union-attr]  # checked just above
            self._background_changed()
        what = "voltage" if self.quantity == "v" else "current"
        self._note(
            self.note,
            "" if traces is not None else f"no {what} recorded: simulate(..., record=('{self.quantity}',))",
        )

    def _ghost_data(self) -> list[np.ndarray]:
        if self.reference is None:
            return []
        traces, _ = self._shown(self.reference)
        return [] if traces is None else [traces]

    def _ghost_extent(self) -> list[float]:
        ref = self.reference
        return [] if ref is None else [ref.n_steps * ref.dt * 1000.0]

    def _draw_reference(self) -> None:
        for ghost in self.ghosts:
            ghost.remove()
        self.ghosts = []
        ref = self.reference
        if self.ghost_threshold is not None:
            level = None if ref is None else _scalar(ref.p, "v_th")
            self.ghost_threshold.set_visible(level is not None)
            if level is not None:
                self.ghost_threshold.set_ydata([level, level])
        if ref is None:
            return
        traces, _ = self._shown(ref)
        if traces is None:
            return
        for j in range(traces.shape[1]):
            (ghost,) = self.ax.plot(
                ref.times_ms, traces[:, j], color=GHOST_COLOR, alpha=_GHOST_ALPHA, linewidth=1.0, zorder=1
            )
            self.ghosts.append(ghost)


def voltage(
    ax: Axes,
    result: Result,
    *,
    neurons: int = 3,
    colors: Sequence[str] = TRACE_COLORS,
    title: str | None = None,
) -> TracePanel:
    """Membrane voltage of the first ``neurons`` recorded neurons over time (ms), with the threshold dashed.

    Each spike is marked by a stroke from the threshold upwards in the neuron's colour (the recorded voltage
    at a spike step is already the reset value). Needs a result with ``v`` recorded.
    """
    return TracePanel(ax, result, "v", neurons, colors, title)


def current(
    ax: Axes,
    result: Result,
    *,
    neurons: int = 3,
    colors: Sequence[str] = TRACE_COLORS,
    title: str | None = None,
) -> TracePanel:
    """Synaptic current ``i`` of the first ``neurons`` recorded neurons over time (ms)."""
    return TracePanel(ax, result, "i", neurons, colors, title)


# --- raster ---------------------------------------------------------------------------------------------


class RasterPanel(Panel):
    """Spike raster, time (ms) x neuron index; see ``raster``."""

    def __init__(
        self, ax: Axes, result: Result, max_neurons: int, max_points: int, color: str, title: str | None
    ) -> None:
        super().__init__(ax, result)
        for name, value in (("max_neurons", max_neurons), ("max_points", max_points)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
        self.max_neurons = max_neurons
        self.max_points = max_points
        # '|' markers on one Line2D: Agg stamps one cached marker path per point, far cheaper than scatter.
        (self.points,) = ax.plot([], [], linestyle="none", marker="|", color=color, zorder=2)
        (self.ghost_points,) = ax.plot(
            [], [], linestyle="none", marker="|", color=GHOST_COLOR, alpha=_GHOST_ALPHA, zorder=1
        )
        self.density: AxesImage = ax.imshow(
            np.zeros((1, 1)),
            aspect="auto",
            origin="lower",
            cmap="Greys",
            interpolation="nearest",
            visible=False,
            zorder=2,
        )
        ax.set_title(title if title is not None else "Raster: each tick is one spike")
        ax.set_xlabel("time (ms)")
        ax.set_ylabel("neuron")
        self.note = _note_text(ax)
        self.shown_every = 1
        self.mode = "points"
        self._draw()

    @property
    def artists(self) -> list[Artist]:
        return [self.points, self.density]

    def _sample_step(self, n_neurons: int) -> int:
        return max(1, math.ceil(n_neurons / self.max_neurons))

    def _points(self, result: Result) -> tuple[np.ndarray, np.ndarray]:
        """Spike times (ms) and neuron indices of every ``shown_every``-th neuron."""
        every = self._sample_step(result.n_neurons)
        spikes = result.spikes if every == 1 else result.spikes[:, ::every]
        steps, columns = np.nonzero(spikes.numpy())
        return steps * (result.dt * 1000.0), columns * every

    def _draw(self) -> None:
        result, ax = self.result, self.ax
        every = self._sample_step(result.n_neurons)
        shown = math.ceil(result.n_neurons / every)
        duration_ms = result.n_steps * result.dt * 1000.0
        n_spikes = _shared(
            result,
            f"sampled_spikes/{every}",
            lambda: int(np.count_nonzero(self._sampled(result, every).numpy())),
        )
        mode = "points" if n_spikes <= self.max_points else "density"
        if mode == "points":
            times, neurons = self._points(result)
            self.points.set_data(times, neurons)
            # A tick about as tall as a row, within readable bounds.
            height_pt = ax.get_position().height * ax.get_figure(root=True).get_figheight() * 72  # type: ignore[union-attr]  # panels always sit in a figure
            self.points.set_markersize(float(np.clip(0.9 * height_pt / max(shown, 1), 1.5, 8.0)))
            self.points.set_markeredgewidth(1.0 if shown <= 200 else 0.7)
        else:
            self.points.set_data([], [])
            self.density.set_data(self._density(result, every))
            self.density.set_extent((0.0, duration_ms, -0.5, result.n_neurons - 0.5))
            self.density.set_clim(0.0, max(1.0, float(self.density.get_array().max())))  # type: ignore[union-attr]  # set just above
        self.points.set_visible(mode == "points")
        self.density.set_visible(mode == "density")
        if mode != self.mode:
            self.mode = mode
            self._background_changed()
        self.shown_every = every
        notes = []
        if every > 1:
            notes.append(f"every {every}th neuron shown ({shown:,} of {result.n_neurons:,})")
        if mode == "density":
            notes.append("too many spikes to draw one by one: darker = more spikes")
        self._note(self.note, "\n".join(notes))
        extent = [duration_ms] + ([] if self.reference is None else [self.reference.duration * 1000.0])
        neurons_high = max(
            [result.n_neurons] + ([] if self.reference is None else [self.reference.n_neurons])
        )
        _set_xlim(ax, 0.0, max(extent))
        _set_ylim(ax, -0.5, neurons_high - 0.5)

    @staticmethod
    def _sampled(result: Result, every: int) -> torch.Tensor:
        return result.spikes if every == 1 else result.spikes[:, ::every]

    def _density(self, result: Result, every: int) -> np.ndarray:
        """Spike counts in (neuron bins x time bins), at most about 200 x 500 cells."""
        spikes = self._sampled(result, every)
        steps, neurons = spikes.shape
        time_bin = max(1, math.ceil(steps / 500))
        neuron_bin = max(1, math.ceil(neurons / 200))
        padded = torch.zeros(
            (math.ceil(steps / time_bin) * time_bin, math.ceil(neurons / neuron_bin) * neuron_bin),
            dtype=torch.int32,
        )
        padded[:steps, :neurons] = spikes
        rows, columns = padded.shape
        counts = padded.view(rows // time_bin, time_bin, columns // neuron_bin, neuron_bin).sum((1, 3))
        return counts.T.numpy().astype(float)

    def _draw_reference(self) -> None:
        ref = self.reference
        if ref is None:
            self.ghost_points.set_data([], [])
            return
        times, neurons = self._points(ref)
        if len(times) > self.max_points:
            times, neurons = times[: self.max_points], neurons[: self.max_points]
        self.ghost_points.set_data(times, neurons)
        self.ghost_points.set_markersize(self.points.get_markersize())
        self.ghost_points.set_markeredgewidth(self.points.get_markeredgewidth())


def raster(
    ax: Axes,
    result: Result,
    *,
    max_neurons: int = 2000,
    max_points: int = 100_000,
    color: str = OKABE_ITO["blue"],
    title: str | None = None,
) -> RasterPanel:
    """Spike raster: a tick at (time in ms, neuron index) for every spike.

    Above ``max_neurons`` neurons only every k-th neuron is drawn, and above ``max_points`` spikes the
    panel shows a density image instead of single ticks; either way a note on the axes says so. A result
    without spikes draws an empty raster.
    """
    return RasterPanel(ax, result, max_neurons, max_points, color, title)


# --- histograms -----------------------------------------------------------------------------------------


def _integer_histogram(values: np.ndarray, max_bins: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Counts of whole-number values in bins centred on the integers (wider bins above ``max_bins``)."""
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


def _float_histogram(values: np.ndarray, bins: int = 40) -> tuple[np.ndarray, np.ndarray]:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9 * max(1.0, abs(high)):
        half = max(abs(high) * 0.02, 0.5)
        low, high = low - half, high + half
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return counts.astype(float), edges


class HistogramPanel(Panel):
    """A histogram over neurons of one number per neuron; see ``spike_count_histogram``."""

    def __init__(
        self,
        ax: Axes,
        result: Result,
        measure: Callable[[Result], tuple[np.ndarray, bool, str]],
        color: str,
        title: str,
        mean_label: Callable[[Result, float], str],
    ) -> None:
        super().__init__(ax, result)
        self.measure = measure
        self.mean_label = mean_label
        self.bars: StepPatch = ax.stairs(
            np.zeros(1), np.array([-0.5, 0.5]), fill=True, color=color, alpha=0.85, zorder=2
        )
        self.ghost_bars: StepPatch = ax.stairs(
            np.zeros(1),
            np.array([-0.5, 0.5]),
            fill=False,
            color=GHOST_COLOR,
            alpha=0.9,
            linewidth=1.5,
            visible=False,
            zorder=3,
        )
        self.mean_line: Line2D = ax.axvline(
            0.0, color=OKABE_ITO["black"], linestyle="--", linewidth=1.0, zorder=3
        )
        self.mean_text: Text = ax.text(
            0.99, 0.97, "", transform=ax.transAxes, ha="right", va="top", zorder=4, **_NOTE_STYLE
        )
        ax.set_title(title)
        ax.set_ylabel("number of neurons")
        ax.yaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
        self._integer_ticks = False
        self._draw()

    @property
    def artists(self) -> list[Artist]:
        return [self.bars, self.mean_line, self.mean_text]

    def _histogram(self, result: Result) -> tuple[np.ndarray, np.ndarray, float, str, bool]:
        values, whole, label = self.measure(result)
        counts, edges = _integer_histogram(values) if whole else _float_histogram(values)
        return counts, edges, float(values.mean()) if values.size else 0.0, label, whole

    def _draw(self) -> None:
        counts, edges, mean, label, whole = self._histogram(self.result)
        self.bars.set_data(counts, edges)
        self.mean_line.set_xdata([mean, mean])
        self.mean_text.set_text(self.mean_label(self.result, mean))
        if self.ax.get_xlabel() != label:
            self.ax.set_xlabel(label)
        if whole != self._integer_ticks:  # counts are whole numbers: no tick at 0.5 spikes
            self.ax.xaxis.set_major_locator(
                MaxNLocator(nbins="auto", integer=True) if whole else AutoLocator()
            )
            self._integer_ticks = whole
            self._background_changed()
        high_x, high_y = float(edges[-1]), float(counts.max())
        low_x, neurons = float(edges[0]), float(counts.sum())
        if self.reference is not None:
            ref_counts, ref_edges = self.ghost_bars.get_data()[:2]
            high_x = max(high_x, float(ref_edges[-1]))
            low_x = min(low_x, float(ref_edges[0]))
            high_y = max(high_y, float(np.max(ref_counts)))
            neurons = max(neurons, float(np.sum(ref_counts)))
        if low_x >= -0.5:
            # At least 0 to 5: small counts fluctuate most, and their axis should not move with them.
            _set_xlim(self.ax, -0.5, -0.5 + max(5.0, _nice_ceiling(high_x + 0.5, _COARSE)))
        else:
            span = _nice_ceiling(high_x - low_x, _COARSE)
            _set_xlim(self.ax, low_x - 0.05 * span, low_x + 1.05 * span)
        # No bar can be taller than the number of neurons: above that, the axis would only waste space.
        _set_ylim(self.ax, 0.0, min(_nice_ceiling(high_y * 1.1, _COARSE), max(1.0, neurons * 1.05)))

    def _draw_reference(self) -> None:
        ref = self.reference
        self.ghost_bars.set_visible(ref is not None)
        if ref is not None:
            counts, edges, _, _, _ = self._histogram(ref)
            self.ghost_bars.set_data(counts, edges)


def _spike_count_measure(result: Result) -> tuple[np.ndarray, bool, str]:
    return shared_spike_counts(result), True, f"spikes per neuron in {result.duration * 1000:g} ms"


def _rate_text(result: Result, mean: float) -> str:
    return f"mean {mean:.3g} spikes\n= {mean / result.duration:.3g} Hz"


def spike_count_histogram(
    ax: Axes, result: Result, *, color: str = OKABE_ITO["blue"], title: str | None = None
) -> HistogramPanel:
    """How many neurons fired how many spikes: a histogram over neurons, with the mean dashed.

    The bars add up to the number of neurons.
    """
    return HistogramPanel(
        ax,
        result,
        _spike_count_measure,
        color,
        title if title is not None else "Spikes per neuron",
        _rate_text,
    )


def _input_totals(result: Result) -> tuple[np.ndarray, bool, str]:
    """Input spikes per neuron (bool input, or float input whose non-zero values share one weight), else
    the summed input per neuron."""

    def compute() -> tuple[np.ndarray, bool, str]:
        x = result.input
        if x.dtype == torch.bool:
            return x.numpy().sum(0), True, "input spikes per neuron"
        nonzero = x != 0
        carrying = int(nonzero.sum())
        # Spike trains of one weight: input on at most half of the steps, always the same value. (A step
        # current that is on for a short while looks the same; it is then counted in steps with input.)
        if 0 < carrying <= nonzero.numel() // 2:
            weights = x[nonzero]
            if bool((weights == weights[0]).all()):
                weight = float(weights[0])
                label = "input spikes per neuron" + ("" if weight == 1 else f" (each adds {weight:.3g} to i)")
                return nonzero.numpy().sum(0), True, label
        return (
            x.sum(0, dtype=torch.float64).numpy(),
            False,
            "summed input per neuron",
        )

    return _shared(result, "input_totals", compute)


def _input_text(result: Result, mean: float) -> str:
    return f"mean {mean:.3g}"


def input_count_histogram(
    ax: Axes, result: Result, *, color: str = OKABE_ITO["orange"], title: str | None = None
) -> HistogramPanel:
    """How much input each neuron received: input spikes per neuron (or summed input for a current)."""
    return HistogramPanel(
        ax,
        result,
        _input_totals,
        color,
        title if title is not None else "Input per neuron",
        _input_text,
    )


# --- population rate ------------------------------------------------------------------------------------


class RatePanel(Panel):
    """Population firing rate (Hz) over time (ms); see ``population_rate``."""

    def __init__(self, ax: Axes, result: Result, bin_width: float, color: str, title: str | None) -> None:
        super().__init__(ax, result)
        if isinstance(bin_width, bool) or not isinstance(bin_width, int | float) or not bin_width > 0:
            raise ValueError(
                f"bin_width must be a positive time in seconds (0.01 is 10 ms), got {bin_width!r}."
            )
        self.bin_width = float(bin_width)
        self.line: StepPatch = ax.stairs(
            np.zeros(1), np.array([0.0, 1.0]), baseline=None, color=color, linewidth=1.5, zorder=2
        )
        self.ghost_line: StepPatch = ax.stairs(
            np.zeros(1),
            np.array([0.0, 1.0]),
            baseline=None,
            color=GHOST_COLOR,
            alpha=_GHOST_ALPHA,
            visible=False,
            zorder=1,
        )
        ax.set_title(
            title
            if title is not None
            else f"Population rate (spikes per neuron per second, {self.bin_width * 1000:g} ms bins)"
        )
        ax.set_xlabel("time (ms)")
        ax.set_ylabel("rate (Hz)")
        self._draw()

    @property
    def artists(self) -> list[Artist]:
        return [self.line]

    def _rate(self, result: Result) -> tuple[np.ndarray, np.ndarray]:
        """``(rate in Hz per bin, bin edges in ms)``: the numbers of ``analysis.population_rate``."""

        def compute() -> tuple[np.ndarray, np.ndarray]:
            starts_ms, rate = analysis.population_rate(result, self.bin_width)
            return rate, np.append(starts_ms, result.n_steps * result.dt * 1000.0)

        return _shared(result, f"population_rate/{self.bin_width}", compute)

    def _draw(self) -> None:
        rate, edges = self._rate(self.result)
        self.line.set_data(rate, edges)
        high = float(rate.max()) if rate.size else 0.0
        end = float(edges[-1])
        if self.reference is not None:
            ref_rate, ref_edges = self._rate(self.reference)
            high = max(high, float(ref_rate.max()))
            end = max(end, float(ref_edges[-1]))
        _set_xlim(self.ax, 0.0, end)
        _set_ylim(self.ax, 0.0, _nice_ceiling(high * 1.1, _COARSE) if high > 0 else 1.0)

    def _draw_reference(self) -> None:
        ref = self.reference
        self.ghost_line.set_visible(ref is not None)
        if ref is not None:
            self.ghost_line.set_data(*self._rate(ref))


def population_rate(
    ax: Axes,
    result: Result,
    *,
    bin_width: float = 0.01,
    color: str = OKABE_ITO["vermillion"],
    title: str | None = None,
) -> RatePanel:
    """Population firing rate over time (a PSTH): mean spikes per neuron per second (Hz) in bins of
    ``bin_width`` seconds."""
    return RatePanel(ax, result, bin_width, color, title)


def _mean_input(x: torch.Tensor) -> float:
    """Mean input per step and neuron, without a float64 copy of a large input."""
    if x.dtype == torch.bool:
        return float(np.count_nonzero(x.numpy())) / max(1, x.numel())
    return float(torch.mean(x, dtype=torch.float64))


# --- f-I curve ------------------------------------------------------------------------------------------

_fi_cache: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}


class FICurvePanel(Panel):
    """Firing rate (Hz) against constant input; see ``fi_curve``."""

    def __init__(
        self,
        ax: Axes,
        result: Result,
        max_input: float | None,
        unit: float | None,
        points: int,
        title: str | None,
    ) -> None:
        super().__init__(ax, result)
        if max_input is not None and not (
            isinstance(max_input, int | float) and not isinstance(max_input, bool) and max_input > 0
        ):
            raise ValueError(
                f"max_input must be a positive multiple of the unit (or None), got {max_input!r}."
            )
        if isinstance(points, bool) or not isinstance(points, int) or points < 2:
            raise ValueError(f"points must be a whole number of at least 2, got {points!r}.")
        self.max_input = None if max_input is None else float(max_input)
        self.points = points
        self.unit = unit if unit is not None else analysis.rheobase(LIFParameters(), result.dt)
        (self.prediction,) = ax.plot(
            [], [], color=OKABE_ITO["black"], linewidth=1.3, label="closed form", zorder=2
        )
        (self.simulated,) = ax.plot(
            [], [], linestyle="none", marker="o", markersize=4.5, color=OKABE_ITO["sky_blue"],
            markeredgecolor=OKABE_ITO["blue"], label="simulated", zorder=3,
        )  # fmt: skip
        (self.this_run,) = ax.plot(
            [], [], linestyle="none", marker="D", markersize=7, color=OKABE_ITO["vermillion"],
            label="this run (means)", zorder=4,
        )  # fmt: skip
        self.rheobase_line: Line2D = ax.axvline(
            0.0, color=OKABE_ITO["green"], linestyle=":", linewidth=1.5, zorder=1
        )
        self.rheobase_text: Text = ax.text(
            0.0, 0.03, "", transform=blended_transform_factory(ax.transData, ax.transAxes),
            ha="left", va="bottom", fontsize=8, color=OKABE_ITO["green"], zorder=4,
        )  # fmt: skip
        (self.ghost,) = ax.plot([], [], color=GHOST_COLOR, alpha=_GHOST_ALPHA, linewidth=1.3, visible=False)
        (self.ghost_run,) = ax.plot(
            [], [], linestyle="none", marker="D", markersize=7, color=GHOST_COLOR, alpha=_GHOST_ALPHA,
            visible=False,
        )  # fmt: skip
        ax.set_title(title if title is not None else "f-I curve")
        # The unit is the default neuron's rheobase (0.2 per step at 1 ms) whatever this neuron's is.
        ax.set_xlabel("constant input (× default rheobase)")
        ax.set_ylabel("firing rate (Hz)")
        ax.legend(loc="upper left", fontsize=8, framealpha=0.85)
        self.note = _note_text(ax, x=0.01, y=0.85, ha="left")
        self._draw()

    @property
    def artists(self) -> list[Artist]:
        return [self.prediction, self.simulated, self.this_run, self.rheobase_line, self.rheobase_text]

    def _numbers(self, result: Result) -> tuple[float, float, float, float, float] | None:
        p = result.p
        numbers = [_scalar(p, name) for name in ("tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset")]
        if any(value is None for value in numbers):
            return None
        return tuple(numbers)  # type: ignore[return-value]  # None was excluded above

    def _span(self, result: Result) -> float:
        """The largest input shown (units): ``max_input``, or four rheobases of this neuron and this run."""
        if self.max_input is not None:
            return self.max_input
        numbers = self._numbers(result)
        own = 1.0 if numbers is None else analysis.rheobase(LIFParameters(*numbers), result.dt) / self.unit
        return _nice_ceiling(max(4.0 * own, 1.3 * self._run_point(result)[0], 0.5))

    def _curve(
        self, result: Result, span: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """``(fine inputs, predicted Hz, sampled inputs, simulated Hz)`` in units, or None for per-neuron p."""
        numbers = self._numbers(result)
        if numbers is None:
            return None
        key = (*numbers, result.dt, self.unit, span, self.points)
        if key not in _fi_cache:
            scalar_p = LIFParameters(*numbers)
            fine = np.linspace(0.0, span, 400)
            predicted = np.array(
                [analysis.predicted_rate(float(x) * self.unit, scalar_p, result.dt) for x in fine]
            )
            sampled = np.linspace(0.0, span, self.points)
            _, simulated, _ = analysis.fi_curve(
                torch.from_numpy(sampled * self.unit), scalar_p, result.dt, duration=1.0
            )
            if len(_fi_cache) > 64:
                _fi_cache.clear()
            _fi_cache[key] = (fine, predicted, sampled, simulated)
        return _fi_cache[key]

    def _run_point(self, result: Result) -> tuple[float, float]:
        """Mean input per step (units) and mean firing rate (Hz) of a run."""
        mean_input = _shared(result, "mean_input", lambda: _mean_input(result.input))
        mean_rate = float(shared_spike_counts(result).mean()) / result.duration
        return mean_input / self.unit, mean_rate

    def _draw(self) -> None:
        result, ref = self.result, self.reference
        span = max([self._span(result)] + ([] if ref is None else [self._span(ref)]))
        high = 0.0
        for run, curve_line, points, run_marker in (
            (result, self.prediction, self.simulated, self.this_run),
            (ref, self.ghost, None, self.ghost_run),
        ):
            if run is None:
                continue
            x_run, y_run = self._run_point(run)
            run_marker.set_data([x_run], [y_run])
            high = max(high, y_run)
            curve = self._curve(run, span)
            if curve is None:
                curve_line.set_data([], [])
                if points is not None:
                    points.set_data([], [])
                continue
            curve_line.set_data(curve[0], curve[1])
            high = max(high, float(curve[1].max()))
            if points is not None:
                points.set_data(curve[2], curve[3])
                high = max(high, float(curve[3].max()))
        numbers = self._numbers(result)
        if numbers is None:
            self.rheobase_line.set_xdata([math.nan, math.nan])
            self.rheobase_text.set_text("")
        else:
            threshold = analysis.rheobase(LIFParameters(*numbers), result.dt) / self.unit
            self.rheobase_line.set_xdata([threshold, threshold])
            self.rheobase_text.set_x(threshold)
            self.rheobase_text.set_text(f" rheobase {threshold:.3g}")
        self._note(self.note, "" if numbers is not None else "no f-I curve for per-neuron parameters")
        _set_xlim(self.ax, 0.0, span)
        _set_ylim(self.ax, 0.0, _nice_ceiling(high * 1.1, _COARSE) if high > 0 else 1.0)

    def _draw_reference(self) -> None:
        self.ghost.set_visible(self.reference is not None)
        self.ghost_run.set_visible(self.reference is not None)


def fi_curve(
    ax: Axes,
    result: Result,
    *,
    max_input: float | None = None,
    unit: float | None = None,
    points: int = 21,
    title: str | None = None,
) -> FICurvePanel:
    """The f-I curve of the result's neuron parameters: closed-form rate (line) and simulated rate (dots).

    Inputs are constant currents from 0 to ``max_input`` in multiples of ``unit`` (default unit: the
    rheobase of the default neuron at the result's dt, 0.2 per step at 1 ms; default ``max_input``: four
    times this neuron's rheobase, or more to include this run). A dotted line marks this neuron's own
    rheobase, and a diamond the current run: its mean input against its mean rate, which lies on the curve
    for a constant input and off it for noisy or spiking input. Needs one value per parameter.
    """
    return FICurvePanel(ax, result, max_input, unit, points, title)


PANELS: dict[str, Callable[..., Panel]] = {
    "voltage": voltage,
    "current": current,
    "raster": raster,
    "spike_counts": spike_count_histogram,
    "input_counts": input_count_histogram,
    "rate": population_rate,
    "fi": fi_curve,
}
"""The panels by the names an ``Explorer(panels=[...])`` uses."""
