"""Histograms over neurons: spikes per neuron (``spike_count_histogram``), input per neuron
(``input_count_histogram``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import StepPatch
from matplotlib.text import Text
from matplotlib.ticker import AutoLocator, MaxNLocator

from lifteach import analysis
from lifteach.plot._base import (
    COARSE_STEPS,
    GHOST_COLOR,
    NOTE_STYLE,
    OKABE_ITO,
    Panel,
    nice_ceiling,
    set_xlim,
    set_ylim,
)
from lifteach.simulate import Result


class Measure(NamedTuple):
    """One number per neuron to histogram, and how to read it."""

    per_neuron: np.ndarray
    whole_numbers: bool  # counts: bins centred on whole numbers, ticks at whole numbers only
    label: str  # the x axis label, with its unit


class _Histogram(NamedTuple):
    counts: np.ndarray  # neurons per bin
    edges: np.ndarray
    mean: float  # mean over neurons, in the measure's unit
    label: str
    whole_numbers: bool


class HistogramPanel(Panel):
    """A histogram over neurons of one number per neuron; see ``spike_count_histogram``."""

    def __init__(
        self,
        ax: Axes,
        result: Result,
        measure: Callable[[Result], Measure],
        color: str,
        title: str,
        mean_label: Callable[[Result, float], str],
    ) -> None:
        super().__init__(ax, result)
        self.measure = measure
        self.mean_label = mean_label
        # The histogram of the result shown, kept until another result is shown: a reference being set
        # redraws the current result, whose input totals can take a pass over a large input.
        self._shown: tuple[Result, _Histogram] | None = None
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
            0.99, 0.97, "", transform=ax.transAxes, ha="right", va="top", zorder=4, **NOTE_STYLE
        )
        ax.set_title(title)
        ax.set_ylabel("number of neurons")
        ax.yaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
        self._integer_ticks = False
        self._draw()

    @property
    def artists(self) -> list[Artist]:
        return [self.bars, self.mean_line, self.mean_text]

    def _histogram(self, result: Result) -> _Histogram:
        if self._shown is not None and self._shown[0] is result:
            return self._shown[1]
        values, whole, label = self.measure(result)
        if whole:
            counts, edges = analysis.whole_number_histogram(values)
        else:
            counts, edges = analysis.value_histogram(values)
        histogram = _Histogram(counts, edges, float(values.mean()) if values.size else 0.0, label, whole)
        if result is self.result:
            self._shown = (result, histogram)
        return histogram

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
            set_xlim(self.ax, -0.5, -0.5 + max(5.0, nice_ceiling(high_x + 0.5, COARSE_STEPS)))
        else:
            span = nice_ceiling(high_x - low_x, COARSE_STEPS)
            set_xlim(self.ax, low_x - 0.05 * span, low_x + 1.05 * span)
        # No bar can be taller than the number of neurons: above that, the axis would only waste space.
        set_ylim(self.ax, 0.0, min(nice_ceiling(high_y * 1.1, COARSE_STEPS), max(1.0, neurons * 1.05)))

    def _draw_reference(self) -> None:
        ref = self.reference
        self.ghost_bars.set_visible(ref is not None)
        if ref is not None:
            histogram = self._histogram(ref)
            self.ghost_bars.set_data(histogram.counts, histogram.edges)


def _spike_counts(result: Result) -> Measure:
    return Measure(result.spikes_per_neuron, True, f"spikes per neuron in {result.duration_ms:g} ms")


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
        _spike_counts,
        color,
        title if title is not None else "Spikes per neuron",
        _rate_text,
    )


def _input_totals(result: Result) -> Measure:
    """Input spikes per neuron, or the summed input per neuron for a current (``analysis.input_totals``)."""
    totals = analysis.input_totals(result)
    if not totals.counts_spikes:
        return Measure(totals.per_neuron, False, "summed input per neuron")
    weight = totals.weight
    each = "" if weight == 1 else f" (each adds {weight:.3g} to i)"
    return Measure(totals.per_neuron, True, "input spikes per neuron" + each)


def _input_text(result: Result, mean: float) -> str:
    return f"mean {mean:.3g}"


def input_count_histogram(
    ax: Axes, result: Result, *, color: str = OKABE_ITO["vermillion"], title: str | None = None
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
