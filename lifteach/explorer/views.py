"""How the explorer's figure reaches the page: one protocol, two views.

- ``ImageView``: the picture as a PNG in a ``FigureImage``, an ``<img>`` whose alt text is the figure in words,
  with a "Describe the figure" disclosure under it. Needs no CDN (anywidget's front end is in its wheel), so
  it works the same in JupyterLab, Notebook 7, Voila and Binder.
- ``CanvasView``: ipympl's interactive canvas (zoom, pan, the coordinates under the mouse), where a learner
  turned it on with ``%matplotlib widget``. A learner who zoomed into a panel keeps that view while the sliders
  move; the toolbar's Home button, or the explorer's Reset, returns every panel to its own view.

Both draw with the same ``BlitRenderer``; the explorer talks to either through ``FigureView`` and never asks
which one it has. Either takes the figure's description (``describe``) before ``show``, and sends it with
the picture that it describes.
"""

from __future__ import annotations

import contextlib
from base64 import b64encode
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any, Protocol

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from lifteach import plot
from lifteach.explorer._described import FigureImage
from lifteach.explorer._render import BlitRenderer, png_bytes

__all__ = ["IPYMPL_BACKENDS", "CanvasView", "FigureView", "ImageView", "ipympl_active", "make_view"]

IPYMPL_BACKENDS = frozenset({"widget", "ipympl", "module://ipympl.backend_nbagg"})
"""The names ``%matplotlib widget`` (and ``matplotlib.use``) give ipympl's backend."""

View = tuple[tuple[float, float], tuple[float, float]]
"""An axes' view: its x limits and its y limits."""


class FigureView(Protocol):
    """Shows a figure of panels in a widget.

    Attributes:
        widget: the widget to put on the page.
        below: widgets to put right under it (the description, where ``widget`` cannot show it itself).
        renderer: the renderer drawing the figure.
    """

    widget: widgets.DOMWidget
    below: tuple[widgets.DOMWidget, ...]
    renderer: BlitRenderer

    def describe(self, description: str) -> None:
        """The figure in words (one line per panel), shown with the next ``show``."""

    def show(self, panels: Sequence[plot.Panel], force: bool = False) -> None:
        """Draw the panels (everything when ``force``) and put the picture on the page."""

    def png(self) -> bytes:
        """The figure as shown, as PNG bytes."""

    def keeping_zoom(self) -> contextlib.AbstractContextManager[None]:
        """Panels update inside the block; views a learner zoomed to are kept."""

    def forget_zoom(self) -> bool:
        """Every panel back to its own view; True when one was zoomed."""

    def close(self) -> None:
        """Close the view's widgets."""


def ipympl_active() -> bool:
    """True when matplotlib's backend is ipympl's, as after ``%matplotlib widget``."""
    # rcParams["backend"] would choose and load a backend when none was chosen yet; the stored value does not.
    backend = dict.__getitem__(matplotlib.rcParams, "backend")
    return isinstance(backend, str) and backend.lower() in IPYMPL_BACKENDS


def make_view(
    figure: Figure,
    layout: ConstrainedLayoutEngine,
    axes: Sequence[Axes],
    interactive: bool,
    on_home: Callable[[], None],
) -> FigureView:
    """A ``CanvasView`` when ``interactive``, else an ``ImageView``; ``on_home`` runs after the canvas's Home."""
    if interactive:
        return CanvasView(figure, layout, axes, on_home)
    return ImageView(figure, layout)


class ImageView:
    """The figure as a PNG in a ``FigureImage`` (``image``), re-encoded after every change, its alt text and
    disclosure set from ``describe``.

    Args:
        disclosure: False for the alt text alone, where the page already shows the figure's words.
    """

    def __init__(self, figure: Figure, layout: ConstrainedLayoutEngine, disclosure: bool = True) -> None:
        self.renderer = BlitRenderer(figure, layout)
        self.image = FigureImage(disclosure=disclosure, layout=widgets.Layout(width="100%"))
        self.widget: widgets.DOMWidget = self.image
        self.below: tuple[widgets.DOMWidget, ...] = ()
        self._description: str | None = None

    def describe(self, description: str) -> None:
        self._description = description

    def show(self, panels: Sequence[plot.Panel], force: bool = False) -> None:
        description, self._description = self._description, None
        self.image.show(self.renderer.render(panels, force=force), description)

    def png(self) -> bytes:
        return bytes(self.image.value)  # the widget holds a memoryview

    def keeping_zoom(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()  # an image cannot be zoomed

    def forget_zoom(self) -> bool:
        return False

    def close(self) -> None:
        self.image.close()


def _view(ax: Axes) -> View:
    low_x, high_x = ax.get_xlim()
    low_y, high_y = ax.get_ylim()
    return (float(low_x), float(high_x)), (float(low_y), float(high_y))


@cache
def _canvas_class() -> type:
    """ipympl's canvas, sending its first picture as a data URL the page can load.

    Until the page has shown the canvas, ipympl keeps the picture in the ``_data_url`` trait, which the page
    loads as an image's address; ipympl 0.10 stores bare base64 there, which the browser cannot load
    ("Error setting state: ... HTMLImageElement ... 'broken' state", ipympl issue #472), when the canvas is
    shown inside other widgets rather than by itself.
    """
    from ipympl.backend_nbagg import Canvas

    class LifteachCanvas(Canvas):  # type: ignore[misc]  # ipympl is unannotated
        def send_binary(self, data: bytes) -> None:
            if self.syncing_data_url:
                height, width = self._last_buff.shape
                rgba = self._last_buff.view(np.uint8).reshape(height, width, 4)
                self._data_url = "data:image/png;base64," + b64encode(png_bytes(rgba)).decode("ascii")
            self.send({"data": '{"type": "binary"}'}, buffers=[data])

    return LifteachCanvas


class CanvasView:
    """ipympl's canvas showing the figure as the renderer draws it, keeping the views learners zoomed to.

    Args:
        figure: the figure (made without pyplot; it is not registered with pyplot, so never shown twice).
        layout: the figure's layout engine, run by the renderer when the layout needs it.
        axes: the axes whose views are kept when zoomed.
        on_home: called when the toolbar's Home button is pressed, after every view is back to its own.

    Attributes:
        canvas: ipympl's canvas widget (its toolbar is ``canvas.toolbar``).
        renderer: the ``BlitRenderer`` drawing on it.
    """

    def __init__(
        self,
        figure: Figure,
        layout: ConstrainedLayoutEngine,
        axes: Sequence[Axes],
        on_home: Callable[[], None],
    ) -> None:
        try:
            from ipympl.backend_nbagg import FigureManager
        except ImportError as error:
            raise ImportError(
                "interactive=True needs ipympl: pip install ipympl (or lifteach[app]), then run "
                "%matplotlib widget; or pass interactive=False for the figure as an image."
            ) from error
        self.axes = list(axes)
        # Any: ipympl is unannotated.
        self.canvas: Any = _canvas_class()(figure)
        self.widget: widgets.DOMWidget = self.canvas
        # ipympl draws its <canvas> elements inside its own view and offers no trait for an accessible name,
        # so the figure's words go in a disclosure of our own under it rather than into ipympl's elements.
        self.words = FigureImage(image=False)
        self.below: tuple[widgets.DOMWidget, ...] = (self.words,)
        self._description: str | None = None
        self.manager: Any = FigureManager(self.canvas, 1)
        self.renderer = renderer = BlitRenderer(figure, layout, self.canvas)
        self.canvas.header_visible = False  # the header says "Figure 1", which means nothing here
        # The toolbar floats over the figure's left edge: shown while the mouse is over the figure, so that
        # it hides no tick labels otherwise.
        self.canvas.toolbar_visible = "fade-in-fade-out"
        self.canvas.toolbar_position = "left"
        # The canvas is drawn whole by ipympl when a learner zooms, pans or resizes it; the renderer then
        # draws the changing artists on top (they are left out of full draws) before ipympl sends it.
        self.canvas.mpl_connect("draw_event", lambda _event: renderer.after_outside_draw())
        self.canvas.mpl_connect("resize_event", lambda _event: renderer.relayout())
        self._automatic: dict[int, View] = {}
        self._on_home = on_home
        # ipympl's toolbar calls toolbar.home() for its Home button; matplotlib's own would go back to the
        # view before the first zoom, which a slider may have changed since.
        self.canvas.toolbar.home = lambda *_args: self.home()

    def describe(self, description: str) -> None:
        self._description = description

    def show(self, panels: Sequence[plot.Panel], force: bool = False) -> None:
        self.renderer.draw(panels, force=force)
        self.canvas.blit()  # ipympl sends only the pixels that changed
        description, self._description = self._description, None
        if description is not None:
            self.words.show(description=description)

    def png(self) -> bytes:
        return self.renderer.encode()

    def zoomed_views(self) -> dict[int, View]:
        """The views of the axes a learner zoomed or panned (they differ from the panel's own), by axes id."""
        return {
            id(ax): _view(ax)
            for ax in self.axes
            if id(ax) in self._automatic and _view(ax) != self._automatic[id(ax)]
        }

    @contextlib.contextmanager
    def keeping_zoom(self) -> Iterator[None]:
        zoomed = self.zoomed_views()
        yield
        # The panels chose their views: remember those, then put zoomed views back.
        for ax in self.axes:
            self._automatic[id(ax)] = _view(ax)
            if id(ax) in zoomed:
                x, y = zoomed[id(ax)]
                ax.set_xlim(x)
                ax.set_ylim(y)

    def forget_zoom(self) -> bool:
        zoomed = self.zoomed_views()
        for ax in self.axes:
            if id(ax) in zoomed:
                x, y = self._automatic[id(ax)]
                ax.set_xlim(x)
                ax.set_ylim(y)
        self.canvas.toolbar.update()  # clear the Back/Forward history, whose views are outdated
        return bool(zoomed)

    def home(self) -> None:
        self.forget_zoom()
        self._on_home()

    def close(self) -> None:
        self.canvas.toolbar.close()
        self.canvas.close()
        self.words.close()
