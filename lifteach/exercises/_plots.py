"""Reading a learner's figure: what a matplotlib ``Axes`` shows, for the exercises that ask for a plot.

A learner plots with plain matplotlib (``ax.plot``, ``ax.scatter``, ``ax.eventplot``, ``ax.vlines``); the
check is given the axes and reads back the data of what was drawn, so any of those ways counts. Nothing here
draws or touches pyplot's state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import EventCollection, LineCollection, PathCollection

from lifteach.exercises._answers import Unjudged, describe, missing

__all__ = ["Drawn", "drawn", "time_unit"]

_TIME_UNITS = re.compile(r"\b(ms|s|steps?)\b|\((ms|s)\)", re.IGNORECASE)


@dataclass(frozen=True)
class Drawn:
    """What one ``Axes`` shows: its curves (y data of each line), its points (x, y) and its axis labels."""

    curves: list[np.ndarray]
    points: np.ndarray
    """Every marker, scatter point and event as ``(x, y)`` rows, shape ``(n, 2)``."""
    xlabel: str
    ylabel: str
    curve_times: list[np.ndarray] = field(default_factory=list)
    """The x data of each curve, in the order of ``curves``."""


def time_unit(label: str) -> bool:
    """Whether an axis label names a unit of time (ms, s or steps)."""
    return bool(_TIME_UNITS.search(label))


def _event_points(collection: EventCollection) -> np.ndarray:
    positions = np.asarray(collection.get_positions(), dtype=float)
    offset = float(collection.get_lineoffset())
    if collection.is_horizontal():
        return np.column_stack([positions, np.full(len(positions), offset)])
    return np.column_stack([np.full(len(positions), offset), positions])


def _segment_points(collection: LineCollection) -> np.ndarray:
    # ax.vlines(times, neuron - 0.4, neuron + 0.4): each short vertical segment is one spike at its middle.
    rows = [np.asarray(segment, dtype=float).mean(axis=0) for segment in collection.get_segments()]
    return np.array(rows).reshape(-1, 2)


def drawn(answer: object) -> Drawn:
    """The data an ``Axes`` shows; ``Unjudged`` for anything else, or for axes with nothing drawn on them."""
    placeholder = missing(answer)
    if placeholder:
        raise Unjudged(placeholder)
    if not isinstance(answer, Axes):
        raise Unjudged(
            f"You gave {describe(answer)}; pass the axes you drew on, the `ax` of `fig, ax = plt.subplots()`."
        )
    curves: list[np.ndarray] = []
    curve_times: list[np.ndarray] = []
    points: list[np.ndarray] = []
    for line in answer.get_lines():
        xy = np.asarray(line.get_xydata(), dtype=float)
        if line.get_linestyle() in ("None", "none", "", " "):
            points.append(xy)  # markers only: ax.plot(x, y, ".") or ax.plot(x, y, "|")
        else:
            curves.append(xy[:, 1])
            curve_times.append(xy[:, 0])
    for collection in answer.collections:
        if isinstance(collection, EventCollection):
            points.append(_event_points(collection))
        elif isinstance(collection, PathCollection):
            points.append(np.asarray(collection.get_offsets(), dtype=float).reshape(-1, 2))
        elif isinstance(collection, LineCollection):
            points.append(_segment_points(collection))
    if not curves and not points:
        raise Unjudged(
            "Nothing is drawn on your axes yet: replace the `...` with your plotting code "
            "(e.g. `ax.plot(...)`), then run the cell again."
        )
    every_point = np.concatenate(points) if points else np.zeros((0, 2))
    return Drawn(curves, every_point, answer.get_xlabel().strip(), answer.get_ylabel().strip(), curve_times)
