"""The explorer on ipympl's interactive canvas (``%matplotlib widget``), driven through ipympl's own protocol.

``FrontEnd`` stands in for the browser: it keeps the picture ipympl sent (a full image, then images of the
changed pixels laid over it, as ipympl's JavaScript does), answers ipympl's draw requests, and sends the
mouse and toolbar messages a learner's clicks send. The real page is tested in tests/browser/test_interactive_canvas.py.
"""

from __future__ import annotations

import gc
import io
import json
import sys
from collections.abc import Iterator
from typing import Any, TypedDict

import matplotlib
import numpy as np
import pytest
from matplotlib.axes import Axes
from PIL import Image

from lifteach.explorer import Explorer
from lifteach.explorer.views import IPYMPL_BACKENDS, CanvasView, ipympl_active


class Small(TypedDict):
    n_neurons: int
    duration: int


SMALL: Small = {"n_neurons": 100, "duration": 200}


class FrontEnd:
    """What ipympl's JavaScript does with an explorer's canvas, in Python."""

    def __init__(self, app: Explorer) -> None:
        assert isinstance(app.view, CanvasView)
        self.canvas: Any = app.view.canvas
        self.images: list[str] = []  # the image mode ("full" or "diff") of each picture received
        self.picture: np.ndarray | None = None
        self.draw_requests = 0
        self.canvas.send = self._receive
        self.send({"type": "initialized"})
        self.send({"type": "refresh"})
        self.answer_draw_requests()

    def _receive(self, content: dict[str, Any], buffers: list[bytes] | None = None) -> None:
        message = json.loads(content["data"])
        if message["type"] == "binary":
            assert buffers is not None
            image = np.asarray(Image.open(io.BytesIO(buffers[0])).convert("RGBA"))
            mode = self.canvas._image_mode
            self.images.append(mode)
            if mode == "full" or self.picture is None or self.picture.shape != image.shape:
                assert mode == "full", "a diff image needs the full one it changes"
                self.picture = image.copy()
            else:
                # Unchanged pixels are sent fully transparent, and the page keeps what it has there.
                changed = image[..., 3] != 0
                self.picture[changed] = image[changed]
        elif message["type"] == "draw":
            self.draw_requests += 1

    def send(self, content: dict[str, Any]) -> None:
        self.canvas._handle_message(self.canvas, content, [])

    def answer_draw_requests(self) -> None:
        """The page answers each of ipympl's draw requests with a "draw" message (once it is idle)."""
        while self.draw_requests:
            self.draw_requests = 0
            self.send({"type": "draw"})

    def mouse(self, kind: str, x: float, y: float, buttons: int) -> None:
        self.send({"type": kind, "x": x, "y": y, "button": 0, "buttons": buttons, "modifiers": []})

    def drag_zoom(self, ax: Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
        """Press the zoom button, drag a rectangle from ``start`` to ``end`` (in axes fractions)."""
        self.send({"type": "toolbar_button", "name": "zoom"})
        height = self.canvas.figure.bbox.height
        (x0, y0), (x1, y1) = (ax.transAxes.transform(point) for point in (start, end))
        self.mouse("button_press", x0, height - y0, buttons=1)
        self.mouse("motion_notify", x1, height - y1, buttons=1)
        self.mouse("button_release", x1, height - y1, buttons=0)
        self.send({"type": "toolbar_button", "name": "zoom"})  # zoom off again
        self.answer_draw_requests()

    def click_home(self) -> None:
        self.send({"type": "toolbar_button", "name": "home"})
        self.answer_draw_requests()

    def shown(self) -> np.ndarray:
        assert self.picture is not None
        return self.picture[..., :3]


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.fixture
def app() -> Iterator[Explorer]:
    explorer = Explorer(interactive=True, **SMALL)
    yield explorer
    explorer.close()


@pytest.fixture
def frontend(app: Explorer) -> FrontEnd:
    return FrontEnd(app)


def picture_of_a_fresh_image_explorer(app: Explorer, views: dict[str, Any] | None = None) -> np.ndarray:
    """The PNG a fresh explorer at ``app``'s values draws, with the given panels' views set."""
    fresh = Explorer(interactive=False, **app.values)
    for name, (x, y) in (views or {}).items():
        fresh.panels[name].ax.set_xlim(x)
        fresh.panels[name].ax.set_ylim(y)
    shown = pixels(fresh.view.renderer.render(list(fresh.panels.values()), force=True))
    fresh.close()
    return shown


# --- choosing the canvas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", sorted(IPYMPL_BACKENDS))
def test_the_explorer_draws_on_ipympls_canvas_where_matplotlib_widget_is_on(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipympl.backend_nbagg import Canvas

    monkeypatch.setitem(matplotlib.rcParams, "backend", backend)  # what %matplotlib widget does
    assert ipympl_active()
    explorer = Explorer(**SMALL)
    assert explorer.interactive and explorer.image is None
    assert isinstance(explorer.figure_widget, Canvas) and explorer.figure.canvas is explorer.figure_widget
    assert explorer.figure_widget in explorer.widget.children
    canvas: Any = explorer.figure_widget  # ipympl's Canvas widget, whose traits mypy cannot see (untyped)
    assert "lifteach-figure" in canvas._dom_classes
    assert canvas.toolbar_visible == "fade-in-fade-out" and not canvas.header_visible
    explorer.close()


def test_elsewhere_the_figure_is_a_png_image_and_ipympl_is_not_needed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(matplotlib.rcParams, "backend", "agg")
    assert not ipympl_active()
    monkeypatch.setitem(sys.modules, "ipympl.backend_nbagg", None)  # as if ipympl were not installed
    explorer = Explorer(**SMALL)
    assert not explorer.interactive and explorer.figure_widget is explorer.image
    assert explorer.png().startswith(b"\x89PNG")
    explorer.close()
    with pytest.raises(ImportError, match=r"interactive=True needs ipympl: pip install ipympl"):
        Explorer(interactive=True, **SMALL)


def test_no_figure_is_registered_with_pyplot_so_none_is_shown_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.pyplot as plt

    monkeypatch.setitem(matplotlib.rcParams, "backend", "widget")
    explorer = Explorer(**SMALL)
    explorer.set(v_th=0.5)
    assert plt.get_fignums() == []
    explorer.close()


# --- what the page shows ----------------------------------------------------------------------------------


def test_the_page_shows_the_picture_of_the_png_explorer_after_every_change(
    app: Explorer, frontend: FrontEnd
) -> None:
    assert frontend.images[-1] == "full"
    assert np.array_equal(frontend.shown(), picture_of_a_fresh_image_explorer(app))
    for change in ({"v_th": 0.5}, {"seed": 3}, {"weight": 1.6}, {"duration": 500}, {"input_kind": "noisy"}):
        received = len(frontend.images)
        app.set(**change)
        frontend.answer_draw_requests()
        assert len(frontend.images) == received + 1, "one picture per change"
        assert frontend.images[-1] == "diff", "a change sends only the pixels that changed"
        assert np.array_equal(frontend.shown(), picture_of_a_fresh_image_explorer(app)), change


def test_one_change_runs_one_simulation_and_one_render(app: Explorer, frontend: FrontEnd) -> None:
    before = (app.simulations, app.renders)
    app.controls["tau_mem"].value = 20.0
    assert (app.simulations, app.renders) == (before[0] + 1, before[1] + 1)


def test_zooming_draws_the_traces_too_and_the_zoom_survives_slider_moves(
    app: Explorer, frontend: FrontEnd
) -> None:
    voltage = app.panels["voltage"].ax
    own_view = (voltage.get_xlim(), voltage.get_ylim())
    frontend.drag_zoom(voltage, (0.25, 0.1), (0.5, 0.9))
    zoomed = (voltage.get_xlim(), voltage.get_ylim())
    assert zoomed != own_view and own_view[0][0] < zoomed[0][0] < zoomed[0][1] < own_view[0][1]
    # ipympl drew the figure whole; the traces and spikes (drawn over the background) are in the picture.
    assert np.array_equal(frontend.shown(), picture_of_a_fresh_image_explorer(app, {"voltage": zoomed}))

    app.set(tau_mem=25.0, seed=2)
    frontend.answer_draw_requests()
    assert (voltage.get_xlim(), voltage.get_ylim()) == zoomed
    assert np.array_equal(frontend.shown(), picture_of_a_fresh_image_explorer(app, {"voltage": zoomed}))
    raster = app.panels["raster"].ax
    assert raster.get_xlim() == (0.0, 200.0), "panels that were not zoomed follow the data"

    frontend.click_home()
    assert (voltage.get_xlim(), voltage.get_ylim()) != zoomed
    assert voltage.get_xlim() == own_view[0]
    assert np.array_equal(frontend.shown(), picture_of_a_fresh_image_explorer(app))


def test_reset_also_returns_a_zoomed_panel_to_its_own_view(app: Explorer, frontend: FrontEnd) -> None:
    voltage = app.panels["voltage"].ax
    own_x = voltage.get_xlim()
    frontend.drag_zoom(voltage, (0.1, 0.1), (0.3, 0.9))
    assert voltage.get_xlim() != own_x
    before = app.simulations
    app.reset()  # the values are the defaults already: only the view changes
    frontend.answer_draw_requests()
    assert app.simulations == before + 1 and voltage.get_xlim() == own_x
    assert np.array_equal(frontend.shown(), picture_of_a_fresh_image_explorer(app))


def test_a_resized_canvas_is_laid_out_again_and_stays_whole(app: Explorer, frontend: FrontEnd) -> None:
    assert tuple(app.figure.bbox.size) != (700, 450)
    frontend.send({"type": "resize", "width": 700, "height": 450})
    frontend.answer_draw_requests()
    assert frontend.shown().shape == (450, 700, 3)
    app.set(v_th=0.6)
    frontend.answer_draw_requests()
    fresh = Explorer(interactive=False, figsize=(7.0, 4.5), **app.values)
    assert np.array_equal(frontend.shown(), pixels(fresh.png()))
    fresh.close()


def test_the_png_export_is_the_figure_as_shown(app: Explorer, frontend: FrontEnd) -> None:
    app.set(seed=4)
    assert np.array_equal(pixels(app.png()), frontend.shown())


def test_keep_as_reference_works_on_the_canvas(app: Explorer, frontend: FrontEnd) -> None:
    app.keep_reference.value = True
    app.set(v_th=0.8)
    frontend.answer_draw_requests()
    fresh = Explorer(interactive=False, **{**app.values, "v_th": 0.3})
    fresh.keep_reference.value = True
    fresh.set(v_th=0.8)
    assert np.array_equal(frontend.shown(), pixels(fresh.png()))
    fresh.close()


def test_close_closes_the_canvas_and_its_toolbar(app: Explorer) -> None:
    canvas = app.figure_widget
    toolbar = canvas.toolbar
    app.close()
    assert canvas.comm is None and toolbar.comm is None


def test_300_updates_on_the_canvas_leak_no_figures_or_widgets() -> None:
    from ipympl.backend_nbagg import Canvas

    explorer = Explorer(interactive=True, figsize=(6, 3.5), dpi=50, n_neurons=300, duration=100)
    FrontEnd(explorer)
    for change in range(20):
        explorer.set(seed=change % 5)
    gc.collect()
    canvases = sum(type(obj) is Canvas for obj in gc.get_objects())
    children = [len(ax.get_children()) for ax in explorer.figure.axes]
    for change in range(300):
        explorer.set(seed=change % 5)
    gc.collect()
    assert explorer.error is None
    assert sum(type(obj) is Canvas for obj in gc.get_objects()) == canvases
    assert [len(ax.get_children()) for ax in explorer.figure.axes] == children
    explorer.close()
