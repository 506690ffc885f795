"""Figure panels for a simulation ``Result``: ``panel(ax, result, **style) -> handle``; ``handle.update(result)``.

Each function draws one panel on the matplotlib ``Axes`` it is given (the object API only: no pyplot state, no
``rcParams``) and returns a handle whose ``update(new_result)`` changes the panel's artists in place, so that a
figure can follow a slider without being rebuilt::

    fig, (top, bottom) = plt.subplots(2, 1)
    trace = plot.voltage(top, result)
    spikes = plot.raster(bottom, result)
    trace.update(simulate(...))          # same axes, new data

Times are in ms and rates in Hz on every axis. Colours are from the Okabe-Ito palette, which people with the
common colour-vision deficiencies can tell apart. Panels only draw: the numbers come from ``lifteach.analysis``
and from the ``Result`` (which counts its spikes once, however many panels show them).

A handle also tells an owner that redraws by blitting (the explorer) what it needs: ``handle.artists`` are the
artists ``update`` changes, and ``handle.background_key()`` changes whenever anything else (limits, notes,
legend, reference) changed, so that the owner knows when the cached background must be drawn again.

One module per panel family: ``traces`` (voltage, current), ``raster``, ``histograms`` (spike counts, input
counts), ``rate`` (population rate), ``fi`` (f-I curve); ``_base`` holds the ``Panel`` handle and the colours.
"""

from __future__ import annotations

from collections.abc import Callable

from lifteach.plot._base import GHOST_COLOR, OKABE_ITO, TRACE_COLORS, Panel, shared_spike_counts
from lifteach.plot.fi import FICurvePanel, fi_curve
from lifteach.plot.histograms import HistogramPanel, input_count_histogram, spike_count_histogram
from lifteach.plot.raster import RasterPanel, raster
from lifteach.plot.rate import RatePanel, population_rate
from lifteach.plot.traces import TracePanel, current, voltage

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
