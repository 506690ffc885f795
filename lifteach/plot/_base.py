"""What every panel shares: the ``Panel`` handle, the colours, and small helpers for limits and notes.

Panels draw with matplotlib's object API only (no pyplot state, no ``rcParams``); the numbers they draw come
from ``lifteach.analysis`` and from the ``Result``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.text import Text

from lifteach.lif import LIFParameters
from lifteach.simulate import Result

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

TOL_MUTED = {"wine": "#882255", "indigo": "#332288"}
"""Two dark colours of Paul Tol's colour-blind-safe "muted" scheme."""

TRACE_COLORS = (
    *(OKABE_ITO[name] for name in ("blue", "vermillion", "green", "purple")),
    *TOL_MUTED.values(),
)
"""Colours of the traces of neuron 1, 2, 3, ... in voltage and current panels.

Each has a contrast of 3:1 or more against the white background, as WCAG 2.1 (1.4.11) asks of the lines a
reader must see: Okabe-Ito's orange (2.2:1) and sky blue (2.3:1) do not, so the fifth and sixth traces take
Tol's wine and indigo, which stay apart from the first four under the common colour-vision deficiencies
(they differ from them in lightness as well as hue).
"""

GHOST_COLOR = "#767676"
"""Colour of a kept reference run, drawn in grey behind the current one."""

GHOST_ALPHA = 0.85
"""Opacity of a reference run's artists: over white, the grey shows as #8b8b8b, 3.4:1 (WCAG's 3:1 for graphics)."""

NOTE_STYLE: dict[str, Any] = {
    "fontsize": 8,
    "color": "#333333",
    "bbox": {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
}
"""Text style of the small notes on a panel (threshold label, "every 100th neuron shown", means)."""


def checked_result(result: object) -> Result:
    if not isinstance(result, Result):
        raise TypeError(f"result must be the Result of lifteach.simulate(...), got {type(result).__name__}.")
    return result


def checked_axes(ax: object) -> Axes:
    if not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes (e.g. from fig.subplots()), got {type(ax).__name__}; "
            "panels draw on the axes they are given."
        )
    return ax


def shared_spike_counts(result: Result) -> np.ndarray:
    """Spikes of each neuron over the run as a read-only numpy array: ``result.spikes_per_neuron``.

    Counted once per result however many panels (and the explorer's summary) ask.
    """
    return checked_result(result).spikes_per_neuron


FINE_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
COARSE_STEPS = (1.0, 2.0, 3.0, 5.0, 10.0)


def nice_ceiling(value: float, steps: Sequence[float] = FINE_STEPS) -> float:
    """The smallest of ``steps`` (1, 1.5, 2, 3, 4, 5, 6, 8) times a power of ten that is at least ``value``.

    Axis limits move in these steps, so that small changes of the data keep the axes (and a cached
    background) as they are; ``COARSE_STEPS`` suit limits that follow random data (counts, rates).
    """
    if not math.isfinite(value) or value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for mantissa in steps:
        if mantissa * power >= value * (1 - 1e-9):
            return mantissa * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def scalar_parameter(p: LIFParameters, name: str) -> float | None:
    """A parameter as one float, or None when it is a per-neuron tensor (no single threshold to draw)."""
    value = getattr(p, name)
    if isinstance(value, torch.Tensor):
        return float(value) if value.numel() == 1 else None
    return float(value)


def set_xlim(ax: Axes, low: float, high: float) -> None:
    """Set the x limits only when they differ: ``set_xlim`` marks the axes stale and calls its limit-change
    callbacks even for the same limits."""
    if ax.get_xlim() != (low, high):
        ax.set_xlim(low, high)


def set_ylim(ax: Axes, low: float, high: float) -> None:
    """Set the y limits only when they differ (see ``set_xlim``)."""
    if ax.get_ylim() != (low, high):
        ax.set_ylim(low, high)


def note_text(ax: Axes, x: float = 0.99, y: float = 0.97, ha: str = "right") -> Text:
    """A hidden note box at ``(x, y)`` in axes coordinates, for ``Panel._note`` to fill."""
    return ax.text(x, y, "", transform=ax.transAxes, ha=ha, va="top", visible=False, zorder=5, **NOTE_STYLE)


class Panel:
    """The handle of a drawn panel: its ``ax``, the ``result`` shown, and ``update(result)``.

    Subclasses draw in ``__init__`` and change artists in ``update``; they never clear the axes.
    """

    def __init__(self, ax: Axes, result: Result) -> None:
        self.ax = checked_axes(ax)
        self.result = checked_result(result)
        self.reference: Result | None = None
        self._background_version = 0

    @property
    def artists(self) -> list[Artist]:
        """The artists ``update`` changes (an owner that blits draws them over a cached background)."""
        return []

    def update(self, result: Result) -> None:
        """Show ``result`` instead of the current one, changing the artists in place."""
        self.result = checked_result(result)
        self._draw()

    def set_reference(self, result: Result | None) -> None:
        """Draw ``result`` in grey behind the current run (a "ghost" to compare with), or remove it (None)."""
        self.reference = None if result is None else checked_result(result)
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
        """Draw (or hide) the reference artists; panels without a reference view keep this."""

    def _note(self, text: Text, message: str) -> None:
        """Show ``message`` in the panel's note box (empty hides it)."""
        visible = bool(message)
        if text.get_text() != message or text.get_visible() != visible:
            text.set_text(message)
            text.set_visible(visible)
            self._background_changed()
