"""Spike raster, time (ms) x neuron index: ``raster``; a density image when there are too many ticks."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.image import AxesImage

from lifteach import analysis
from lifteach.plot._base import GHOST_ALPHA, GHOST_COLOR, OKABE_ITO, Panel, note_text, set_xlim, set_ylim
from lifteach.simulate import Result


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
            [], [], linestyle="none", marker="|", color=GHOST_COLOR, alpha=GHOST_ALPHA, zorder=1
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
        self.note = note_text(ax)
        self.shown_every = 1
        self.mode = "points"
        self._draw()

    @property
    def artists(self) -> list[Artist]:
        return [self.points, self.density]

    def _sample_step(self, n_neurons: int) -> int:
        """Draw every k-th neuron, so that at most ``max_neurons`` rows are shown."""
        return max(1, math.ceil(n_neurons / self.max_neurons))

    def _draw(self) -> None:
        result, ax = self.result, self.ax
        every = self._sample_step(result.n_neurons)
        shown = math.ceil(result.n_neurons / every)
        duration_ms = result.duration_ms
        # The spikes of the neurons shown, from the counts every panel shares (no second pass over spikes).
        n_spikes = int(result.spikes_per_neuron[::every].sum())
        mode = "points" if n_spikes <= self.max_points else "density"
        if mode == "points":
            times, neurons = analysis.spike_times_ms(result, every)
            self.points.set_data(times, neurons)
            # A tick about as tall as a row, within readable bounds.
            height_pt = ax.get_position().height * ax.get_figure(root=True).get_figheight() * 72  # type: ignore[union-attr]  # panels always sit in a figure
            self.points.set_markersize(float(np.clip(0.9 * height_pt / max(shown, 1), 1.5, 8.0)))
            self.points.set_markeredgewidth(1.0 if shown <= 200 else 0.7)
        else:
            self.points.set_data([], [])
            self.density.set_data(analysis.spike_density(result, every))
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
        extent = [duration_ms] + ([] if self.reference is None else [self.reference.duration_ms])
        neurons_high = max(
            [result.n_neurons] + ([] if self.reference is None else [self.reference.n_neurons])
        )
        set_xlim(ax, 0.0, max(extent))
        set_ylim(ax, -0.5, neurons_high - 0.5)

    def _draw_reference(self) -> None:
        ref = self.reference
        if ref is None:
            self.ghost_points.set_data([], [])
            return
        times, neurons = analysis.spike_times_ms(ref, self._sample_step(ref.n_neurons))
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
