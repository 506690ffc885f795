"""Rendering a figure of panels fast: redraw only what a change needs, then encode it or send it.

``BlitRenderer`` keeps the picture of everything that does not change with the data (the background) and, on
the usual change, restores it and draws only the panels' changing artists on top ("blit"). The explorer
encodes the result as a PNG (``png_bytes``) for an ``ipywidgets.Image``, or, on an ipympl canvas, lets
ipympl send the changed pixels.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.spines import Spine

from lifteach import plot

__all__ = ["BlitRenderer", "png_bytes"]


class BlitRenderer:
    """Draws a figure of panels on its Agg canvas, redrawing as little as the change needs.

    The background is everything except the panels' changing artists (and whatever lies above them). A
    change of data only restores the cached background and draws those artists on top, in z-order ("blit").
    A change of an axes' limits or notes redraws that axes' background in its own footprint ("partial");
    a change of what the layout depends on redraws everything ("full").
    """

    def __init__(self, figure: Figure, layout: ConstrainedLayoutEngine, canvas: Any = None) -> None:
        self.figure = figure
        # The layout is worked out only when what it depends on (titles, labels, the width of tick labels,
        # legends) changed: it costs as much as the drawing itself.
        self.layout = layout
        self._layout_key: tuple[Any, ...] | None = None
        # Any: matplotlib leaves the Agg canvas's methods unannotated. Any Agg canvas will do (ipympl's is one).
        self.canvas: Any = FigureCanvasAgg(figure) if canvas is None else canvas
        self._panels: list[plot.Panel] = []
        self._size: tuple[float, float] = (0.0, 0.0)
        self._drawing = False
        self._background: Any = None
        self._layer_ids: tuple[int, ...] = ()
        self._layer: list[Artist] = []
        self._keys: list[tuple[Any, ...]] = []
        self._cells: dict[int, tuple[int, int, int, int]] | None = None
        self.draws = {"full": 0, "partial": 0, "blit": 0}
        self.last_draw = ""

    def _layers(self, panels: Sequence[plot.Panel]) -> list[Artist]:
        """The artists drawn over the background: the panels' changing ones and any above them."""
        layer: list[Artist] = []
        renderer = self.canvas.get_renderer()
        for panel in panels:
            changing = panel.artists
            if not changing:
                continue
            lowest = min(artist.get_zorder() for artist in changing)
            ids = {id(artist) for artist in changing}
            ax = panel.ax
            inside = ax.bbox.padded(-1.0)  # touching the edge (a legend above the axes) is not inside
            # Static artists that lie above the changing ones and inside the axes (spines, notes) are drawn
            # with them, so the picture keeps its z-order; titles and legends outside the axes are not.
            above = [
                child
                for child in ax.get_children()
                if id(child) not in ids
                and child is not ax.patch
                and child.get_zorder() > lowest
                and child.get_visible()
                # Spines border the axes by definition (and measuring them measures every tick label).
                and (isinstance(child, Spine) or child.get_window_extent(renderer).overlaps(inside))
            ]
            layer.extend(sorted([*changing, *above], key=lambda artist: artist.get_zorder()))
        return layer

    def render(self, panels: Sequence[plot.Panel], force: bool = False) -> bytes:
        """Draw the panels' latest data (see ``draw``) and return the picture as PNG bytes."""
        self.draw(panels, force)
        return self.encode()

    def draw(self, panels: Sequence[plot.Panel], force: bool = False) -> None:
        """Bring the canvas up to date with the panels' artists, redrawing as little as the change needs."""
        self._panels = list(panels)
        layer = self._layers(panels)
        layer_ids = tuple(map(id, layer))
        # The layer is left out of the background (animated); whatever left the layer goes back into it.
        for artist in self._layer:
            if id(artist) not in layer_ids:
                artist.set_animated(False)
        for artist in layer:
            if not artist.get_animated():
                artist.set_animated(True)
        self._layer = layer
        keys = [panel.background_key() for panel in panels]
        if (
            force
            or self._background is None
            or self._size != self._figure_size()
            or layer_ids != self._layer_ids
            or len(keys) != len(self._keys)
        ):
            self._draw_everything(panels)
        elif keys != self._keys:
            if self._needs_layout(panels):
                self._draw_everything(panels)
            else:
                changed = [
                    panel for panel, key, old in zip(panels, keys, self._keys, strict=True) if key != old
                ]
                if self._cells is None:
                    self._draw_everything(panels)
                else:
                    self._redraw_backgrounds(changed, self._cells)
        else:
            self.canvas.restore_region(self._background)
            self.last_draw = "blit"
        self.draws[self.last_draw] += 1
        self._layer_ids = layer_ids
        self._keys = [panel.background_key() for panel in panels]
        renderer = self.canvas.get_renderer()
        for artist in layer:
            artist.draw(renderer)

    def after_outside_draw(self) -> None:
        """Call after something else drew the whole figure (ipympl zooming, panning or resizing it).

        A full draw leaves out the changing artists (they are "animated"): take the new background and
        draw them on it, so the picture that is sent is whole.
        """
        if self._drawing or not self._panels:
            return
        self._remember_background(self._panels)
        self._keys = [panel.background_key() for panel in self._panels]
        renderer = self.canvas.get_renderer()
        for artist in self._layer:
            artist.draw(renderer)

    def _needs_layout(self, panels: Sequence[plot.Panel]) -> bool:
        """True when the figure's size, texts or legends changed, or tick labels grew (or shrank by more
        than two characters)."""
        if self._layout_key is None or self._size != self._figure_size():
            return True
        texts, lengths = zip(*(_layout_key(panel) for panel in panels), strict=True)
        laid_texts, laid_lengths = self._layout_key
        if texts != laid_texts or len(lengths) != len(laid_lengths):
            return True
        return any(
            not laid - 2 <= now <= laid
            for now_pair, laid_pair in zip(lengths, laid_lengths, strict=True)
            for now, laid in zip(now_pair, laid_pair, strict=True)
        )

    def _draw_everything(self, panels: Sequence[plot.Panel]) -> None:
        if self._needs_layout(panels):
            self._lay_out(panels)
        # The Agg draw itself: an ipympl canvas's own draw() would also send the picture, before the
        # changing artists are on it.
        self._drawing = True
        try:
            FigureCanvasAgg.draw(self.canvas)  # type: ignore[no-untyped-call]  # unannotated
        finally:
            self._drawing = False
        self._remember_background(panels)
        self.last_draw = "full"

    def _lay_out(self, panels: Sequence[plot.Panel]) -> None:
        self.layout.execute(self.figure)
        texts, lengths = zip(*(_layout_key(panel) for panel in panels), strict=True)
        self._layout_key = (texts, lengths)

    def relayout(self) -> None:
        """Work the layout out again before the next full draw (call when the figure changed size)."""
        if self._panels:
            self._lay_out(self._panels)

    def _figure_size(self) -> tuple[float, float]:
        """The figure's size in pixels (it changes when ipympl resizes it or the screen's pixel ratio)."""
        width, height = self.figure.bbox.size
        return float(width), float(height)

    def _remember_background(self, panels: Sequence[plot.Panel]) -> None:
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._cells = _cells(self.canvas, panels)
        self._size = self._figure_size()

    def _redraw_backgrounds(
        self, panels: Sequence[plot.Panel], cells: Mapping[int, tuple[int, int, int, int]]
    ) -> None:
        """Redraw the static part of these panels only: clear each one's cell of the figure, draw it there."""
        renderer = self.canvas.get_renderer()
        self.canvas.restore_region(self._background)
        pixels = np.asarray(self.canvas.buffer_rgba())
        paper = np.array([round(255 * c) for c in to_rgba(self.figure.get_facecolor())], dtype=np.uint8)
        for panel in panels:
            left, top, right, bottom = cells[id(panel)]
            pixels[top:bottom, left:right] = paper
            panel.ax.draw(renderer)
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.last_draw = "partial"

    def encode(self) -> bytes:
        """The canvas as PNG bytes; see ``png_bytes``."""
        return png_bytes(np.asarray(self.canvas.buffer_rgba()))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(rgba: np.ndarray) -> bytes:
    """An opaque ``(height, width, 4)`` uint8 image as PNG bytes: RGB, rows unfiltered, zlib level 1.

    Encoding is on the clock of every change: this takes half the time of Pillow's PNG writer (which tries
    a filter per row) for a file of the same size, as a figure's large plain areas compress well as they
    are.
    """
    height, width = rgba.shape[:2]
    rows = np.empty((height, 1 + 3 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type "None" for every row
    rows[:, 1:].reshape(height, width, 3)[:] = rgba[:, :, :3]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
        + _png_chunk(b"IEND", b"")
    )


def _cells(canvas: Any, panels: Sequence[plot.Panel]) -> dict[int, tuple[int, int, int, int]] | None:
    """Each panel's own part of the figure, ``(left, top, right, bottom)`` in pixels from the top left.

    A panel's footprint (its axes with ticks, labels, title and legend) grows halfway towards each
    neighbouring footprint, or to the figure's edge. Redrawing a panel inside its cell cannot disturb the
    others, even when its tick labels became a little wider. None when footprints overlap.
    """
    renderer = canvas.get_renderer()
    width, height = canvas.get_width_height(physical=True)
    boxes = []
    for panel in panels:
        box = panel.ax.get_tightbbox(renderer)
        if box is None:
            return None
        # Display coordinates count rows from the bottom, the pixel buffer from the top.
        boxes.append(
            (math.floor(box.x0), height - math.ceil(box.y1), math.ceil(box.x1), height - math.floor(box.y0))
        )
    cells = {}
    for i, (left, top, right, bottom) in enumerate(boxes):
        cell = [0, 0, width, height]
        for j, (other_left, other_top, other_right, other_bottom) in enumerate(boxes):
            if i == j:
                continue
            beside = other_top < bottom and top < other_bottom
            above_or_below = other_left < right and left < other_right
            if beside and above_or_below:
                return None
            if beside and other_right <= left:
                cell[0] = max(cell[0], (other_right + left) // 2)
            if beside and other_left >= right:
                cell[2] = min(cell[2], (right + other_left) // 2)
            if above_or_below and other_bottom <= top:
                cell[1] = max(cell[1], (other_bottom + top) // 2)
            if above_or_below and other_top >= bottom:
                cell[3] = min(cell[3], (bottom + other_top) // 2)
        cells[id(panels[i])] = (cell[0], cell[1], cell[2], cell[3])
    regions = list(cells.values())
    for i, (left, top, right, bottom) in enumerate(regions):
        for other_left, other_top, other_right, other_bottom in regions[i + 1 :]:
            if other_left < right and left < other_right and other_top < bottom and top < other_bottom:
                return None
    return cells


def _layout_key(panel: plot.Panel) -> tuple[tuple[Any, ...], tuple[int, int]]:
    """What the space around an axes depends on: its texts and legend, and how long its tick labels are."""
    ax = panel.ax
    legend = ax.get_legend()
    texts = (
        ax.get_title("left"),
        ax.get_title(),
        ax.get_xlabel(),
        ax.get_ylabel(),
        () if legend is None else tuple(text.get_text() for text in legend.get_texts()),
    )
    return texts, (_longest_tick_label(ax.yaxis), _longest_tick_label(ax.xaxis))


def _longest_tick_label(axis: Any) -> int:
    """Characters in the longest tick label that is drawn (ticks outside the view are not)."""
    low, high = sorted(axis.get_view_interval())
    slack = 1e-9 * max(1.0, abs(high - low))
    return max(
        (
            len(label.get_text())
            for location, label in zip(axis.get_majorticklocs(), axis.get_majorticklabels(), strict=False)
            if low - slack <= location <= high + slack
        ),
        default=0,
    )
