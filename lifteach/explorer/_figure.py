"""The explorer's figure: one axes per panel, time panels stacked on the left, the others on the right."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.gridspec import GridSpec, GridSpecFromSubplotSpec
from matplotlib.layout_engine import ConstrainedLayoutEngine

__all__ = ["TIME_PANELS", "panel_figure"]

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
