"""Population firing rate (Hz) over time (ms), a PSTH: ``population_rate``."""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.patches import StepPatch

from lifteach import analysis
from lifteach.plot._base import (
    COARSE_STEPS,
    GHOST_ALPHA,
    GHOST_COLOR,
    OKABE_ITO,
    Panel,
    nice_ceiling,
    set_xlim,
    set_ylim,
)
from lifteach.simulate import Result


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
            alpha=GHOST_ALPHA,
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
        """``(rate in Hz per bin, bin edges in ms)``: the numbers of ``analysis.population_rate``.

        Cheap to ask again (the reference at every change): the spikes per step are counted once per result.
        """
        starts_ms, rate = analysis.population_rate(result, self.bin_width)
        return rate, np.append(starts_ms, result.duration_ms)

    def _draw(self) -> None:
        rate, edges = self._rate(self.result)
        self.line.set_data(rate, edges)
        high = float(rate.max()) if rate.size else 0.0
        end = float(edges[-1])
        if self.reference is not None:
            ref_rate, ref_edges = self._rate(self.reference)
            high = max(high, float(ref_rate.max()))
            end = max(end, float(ref_edges[-1]))
        set_xlim(self.ax, 0.0, end)
        set_ylim(self.ax, 0.0, nice_ceiling(high * 1.1, COARSE_STEPS) if high > 0 else 1.0)

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
