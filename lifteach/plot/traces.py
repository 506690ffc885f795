"""Voltage and current traces of a few recorded neurons over time (ms): ``voltage`` and ``current``."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import blended_transform_factory

from lifteach.plot._base import (
    COARSE_STEPS,
    GHOST_ALPHA,
    GHOST_COLOR,
    NOTE_STYLE,
    OKABE_ITO,
    TRACE_COLORS,
    Panel,
    nice_ceiling,
    note_text,
    scalar_parameter,
    set_xlim,
    set_ylim,
)
from lifteach.simulate import Result


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
                **NOTE_STYLE,
            )
            self.ghost_threshold: Line2D | None = ax.axhline(
                0.0, color=GHOST_COLOR, linestyle="--", linewidth=1.0, alpha=GHOST_ALPHA, visible=False
            )
        else:
            self.threshold_line = self.threshold_label = self.ghost_threshold = None
            ax.axhline(0.0, color="#bbbbbb", linewidth=0.8, zorder=1)
        self.note = note_text(ax)
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
        v_th, v_leak, v_reset = (scalar_parameter(p, name) for name in ("v_th", "v_leak", "v_reset"))
        scalars = [value for value in (v_leak, v_reset) if value is not None]
        base = min(scalars) if self.quantity == "v" and scalars else 0.0
        # Limits from the parameters and from data in coarse steps, so most changes keep the axes.
        low_data, high_data = base, base
        for data in [traces, *self._ghost_data()]:
            if data is not None and data.size:
                low_data = min(low_data, float(data.min()))
                high_data = max(high_data, float(data.max()))
        if self.quantity == "v" and v_th is not None:
            high = base + nice_ceiling((max(v_th, high_data) - base) * 1.3)
        else:
            high = (
                base + nice_ceiling((high_data - base) * 1.1, COARSE_STEPS)
                if high_data > base
                else base + 1.0
            )
        low = base - (
            nice_ceiling((base - low_data) * 1.1, COARSE_STEPS) if low_data < base else 0.05 * (high - base)
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
        set_xlim(ax, 0.0, max([result.duration_ms, *self._ghost_extent()]))
        set_ylim(ax, low, high)
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
        return [] if ref is None else [ref.duration_ms]

    def _draw_reference(self) -> None:
        for ghost in self.ghosts:
            ghost.remove()
        self.ghosts = []
        ref = self.reference
        if self.ghost_threshold is not None:
            level = None if ref is None else scalar_parameter(ref.p, "v_th")
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
                ref.times_ms, traces[:, j], color=GHOST_COLOR, alpha=GHOST_ALPHA, linewidth=1.0, zorder=1
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
