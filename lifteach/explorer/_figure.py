"""The explorer's figure: one axes per panel (time panels stacked on the left, the others on the right), its
panels drawn on one result at a time, described in words, and shown once per change through one view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.gridspec import GridSpec, GridSpecFromSubplotSpec
from matplotlib.layout_engine import ConstrainedLayoutEngine

from lifteach import plot
from lifteach.describe import describe
from lifteach.explorer.views import make_view
from lifteach.simulate import Result

__all__ = ["TIME_PANELS", "PanelFigure", "panel_figure"]

TIME_PANELS = ("voltage", "current", "raster", "rate")
"""Panels whose x axis is time (ms); they share the wider left column."""

PANEL_HEIGHT = 2.45
"""Height of one panel row in inches."""


def panel_figure(
    names: Sequence[str], figsize: tuple[float, float] | None = None, dpi: float = 100
) -> tuple[Figure, ConstrainedLayoutEngine, dict[str, Axes]]:
    """A figure (made without pyplot) with an axes for each panel name, its layout engine, and the axes by name.

    The layout engine is not attached to the figure: the renderer runs it only when what it depends on changed.
    """
    left = [name for name in names if name in TIME_PANELS]
    right = [name for name in names if name not in TIME_PANELS]
    height = PANEL_HEIGHT * max(len(left), len(right))
    figure = Figure(figsize=figsize or ((10.0 if left and right else 8.0), height + 0.3), dpi=dpi)
    layout = ConstrainedLayoutEngine(h_pad=0.06, w_pad=0.06, hspace=0.04, wspace=0.03)
    columns: list[tuple[list[str], GridSpec | GridSpecFromSubplotSpec]]
    if left and right:
        outer = figure.add_gridspec(1, 2, width_ratios=(2.3, 1))
        columns = [(left, outer[0].subgridspec(len(left), 1)), (right, outer[1].subgridspec(len(right), 1))]
    else:
        only = left or right
        columns = [(only, figure.add_gridspec(len(only), 1))]
    axes: dict[str, Axes] = {}
    for group, grid in columns:
        for row, name in enumerate(group):
            axes[name] = figure.add_subplot(grid[row, 0])
    return figure, layout, axes


class PanelFigure:
    """The panels ``names`` in one figure, drawn on one result at a time and shown through one view.

    Args:
        names: the panels (see ``lifteach.plot.PANELS``), built on ``result``.
        result: the first result to draw.
        options: ``{panel name: {option: value}}`` for the panel functions.
        figsize: figure size in inches (default: from the panels); ``dpi``: pixels per inch of the image.
        interactive: on ipympl's canvas instead of as a PNG image (``views.make_view``).

    Attributes:
        figure, view, panels (by name), renders (how many times the figure was shown).
    """

    def __init__(
        self,
        names: Sequence[str],
        result: Result,
        options: Mapping[str, Mapping[str, Any]],
        figsize: tuple[float, float] | None,
        dpi: float,
        interactive: bool,
    ) -> None:
        self.figure, layout, axes = panel_figure(names, figsize, dpi)
        self.view = make_view(self.figure, layout, list(axes.values()), interactive, self.render)
        self.options = options
        self.renders = 0
        with self.view.keeping_zoom():  # the canvas learns each panel's own view
            self.panels = {
                name: plot.PANELS[name](axes[name], result, **options.get(name, {})) for name in names
            }
        self.view.describe(describe(result, names, options))
        self.render(force=True)

    def update(self, result: Result) -> None:
        """Hand ``result`` to every panel and describe the figure anew (``render`` then shows it)."""
        with self.view.keeping_zoom():
            for panel in self.panels.values():
                panel.update(result)
        self.view.describe(describe(result, list(self.panels), self.options))

    def set_reference(self, reference: Result | None) -> None:
        """Draw ``reference`` in grey behind every panel (None: no reference), and show the figure."""
        with self.view.keeping_zoom():
            for panel in self.panels.values():
                panel.set_reference(reference)
        self.render()

    def render(self, force: bool = False) -> None:
        """Show the figure as the panels now are (once per change; ``force``: even if nothing changed)."""
        self.view.show(list(self.panels.values()), force=force)
        self.renders += 1
