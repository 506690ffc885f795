"""``Explorer``: controls wired to one simulation and one figure per change. Wiring only.

What a value means lives in ``controls``; values become simulate arguments in ``arguments``; panels draw in
``lifteach.plot``; the figure reaches the page through a ``views.FigureView``; words and files come from
``export``. One change runs one simulation, hands the result to every panel, and shows the figure once.
While a slider is dragged, ipywidgets' front end keeps at most one change in flight and sends only the latest
value once the kernel is free again, so changes never queue up.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import torch

from lifteach import plot
from lifteach._threads import one_thread
from lifteach.explorer import export
from lifteach.explorer._changes import Changes
from lifteach.explorer._figure import PanelFigure
from lifteach.explorer._values import ControlValues
from lifteach.explorer.arguments import Simulation
from lifteach.explorer.controls import (
    CONTROLS,
    DEFAULT_CONTROLS,
    check_names,
    chosen_names,
    ranged_specs,
)
from lifteach.explorer.parts import Footer, Status, controls_grid, mark
from lifteach.explorer.views import ImageView, ipympl_active
from lifteach.simulate import Result, simulate

if TYPE_CHECKING:
    from lifteach.inspector import StepInspector

__all__ = ["DEFAULT_PANELS", "Explorer"]

DEFAULT_PANELS = ("voltage", "raster", "spike_counts")
"""The panels an ``Explorer()`` shows; see ``lifteach.plot.PANELS`` for all."""


def _silent_run(duration_ms: object) -> Result:
    """A run without spikes to build the panels on when the first values cannot be simulated."""
    steps = max(1, round(float(duration_ms))) if isinstance(duration_ms, int | float) else 1000
    return simulate(torch.zeros(steps, 1), record_neurons=[0])


class Explorer:
    """An interactive LIF explorer: controls, a figure of panels, and a one-line summary.

    Args:
        controls: names of the controls to show (see ``CONTROLS``; default ``DEFAULT_CONTROLS``). Values of
            the others stay fixed at their initial values (they can still be changed with ``set``).
        panels: names of the panels to draw (see ``lifteach.plot.PANELS``; default ``DEFAULT_PANELS``).
        ranges: ``{name: (low, high)}`` or ``(low, high, step)`` to change a slider's range.
        panel_options: ``{panel name: {option: value}}`` passed to the panel function (e.g. ``max_neurons``).
        figsize: figure size in inches (default: from the panels).
        dpi: pixels per inch of the figure image.
        interactive: draw the figure on an ipympl canvas (zoom, pan, cursor readout) instead of as a PNG
            image. Default: when ``%matplotlib widget`` is active. Needs ipympl and its front-end extension
            (JupyterLab, Notebook 7; Voila when ipympl is installed where it runs).
        **initial_values: initial control values (default ``CONTROLS[name].default``); the reset button
            returns to them. Times in ms, rates in Hz, ``scale`` (currents) in multiples of the rheobase,
            ``weight`` (input spikes) in the model's units of the current.

    Attributes:
        controls: the control widgets by name; set ``.value`` or call ``set`` to change them from code.
        result: the latest simulation ``Result`` (None until one succeeded).
        figure: the matplotlib ``Figure`` (created without pyplot, so never shown twice).
        view: how the figure reaches the page (``views.ImageView`` or ``views.CanvasView``).
        figure_widget: the widget showing the figure: ``image``, or ipympl's canvas when ``interactive``.
        image: the ``FigureImage`` showing the figure as a PNG with its description (``describe``) as alt
            text and under "Describe the figure"; None when ``interactive``.
        panels: the panel handles by name.
        summary: a ``Label`` with the summary line; ``message``: an ``HTML`` widget showing errors.
        simulations, renders: how many simulations and figure renders ran (one each per change).
        timings: milliseconds spent in the last change, by stage.
    """

    def __init__(
        self,
        controls: Sequence[str] | None = None,
        panels: Sequence[str] | None = None,
        *,
        ranges: Mapping[str, Sequence[float]] | None = None,
        panel_options: Mapping[str, Mapping[str, Any]] | None = None,
        figsize: tuple[float, float] | None = None,
        dpi: float = 100,
        interactive: bool | None = None,
        **initial_values: Any,
    ) -> None:
        control_names = chosen_names(DEFAULT_CONTROLS if controls is None else controls, CONTROLS, "control")
        panel_names = chosen_names(DEFAULT_PANELS if panels is None else panels, plot.PANELS, "panel")
        check_names(initial_values)
        options = dict(panel_options or {})
        if set(options) - set(panel_names):
            raise ValueError(
                f"panel_options names panels that are not shown: {sorted(set(options) - set(panel_names))!r}."
            )
        self.specs = ranged_specs(ranges)
        self.defaults = {name: spec.default for name, spec in self.specs.items()}
        self.defaults |= {name: self.specs[name].check(value) for name, value in initial_values.items()}
        self._values = ControlValues(self.specs, self.defaults, control_names)
        self.controls = self._values.controls
        self._changes = Changes(self._run)
        recorded = tuple(q for q, panel in (("v", "voltage"), ("i", "current")) if panel in panel_names)
        self._simulate = Simulation(recorded or ("v", "i"))
        self.timings: dict[str, float] = {}
        self.result: Result | None = None
        self.status = Status()
        self.summary, self.message = self.status.summary, self.status.message
        footer = Footer()
        self.reset_button, self.keep_reference, self.export_button = (
            footer.reset,
            footer.keep_reference,
            footer.export,
        )
        self.downloads = footer.downloads
        self.reset_button.on_click(lambda _button: self.reset())
        self.export_button.on_click(lambda _button: self.status.guarded("export", self._make_downloads))
        self.keep_reference.observe(
            lambda _change: self.status.guarded("draw the reference", self._reference), "value"
        )
        for control in self.controls.values():
            control.observe(lambda _change: self._changed(), names="value")

        # The panels are built on the first result (a silent placeholder run if it cannot be simulated).
        try:
            with one_thread():
                self.result = self._simulate(self.values)
        except (ValueError, TypeError) as error:
            self.status.show_error(error)
        self.interactive = ipympl_active() if interactive is None else bool(interactive)
        shown = self.result or _silent_run(self.defaults["duration"])
        self._figure = PanelFigure(panel_names, shown, options, figsize, dpi, self.interactive)
        self.figure, self.view, self.panels = self._figure.figure, self._figure.view, self._figure.panels
        self.figure_widget = self.view.widget
        self.image = self.view.image if isinstance(self.view, ImageView) else None
        if self.result is not None:
            self.summary.value = export.summary_text(self.result)

        self._controls_box = controls_grid(list(self.controls.values()))
        self._footer = footer.buttons
        mark(figure=self.figure_widget, summary=self.summary, message=self.message)
        # The summary has a line of its own: beside the buttons, a long one was cut off.
        parts = [self._controls_box, self.message, self.figure_widget, *self.view.below, self.summary]
        width = f"{self.figure.get_figwidth() * dpi + 40:.0f}px"
        self.widget = widgets.VBox(
            [*parts, self._footer, self.downloads], layout=widgets.Layout(max_width=width)
        )

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, shown or fixed, by name."""
        return self._values.values

    def _changed(self) -> None:
        with one_thread():
            self._changes.changed()

    def hold(self) -> AbstractContextManager[None]:
        """Change several controls inside ``with explorer.hold():`` and re-run once at the end."""
        return self._changes.hold()

    def set(self, **values: Any) -> None:
        """Change several controls at once; the simulation and the figure follow once, before this returns.

        Values outside a control's range are clamped to it, as the widgets do; a value of the wrong kind
        raises ``TypeError``/``ValueError`` before anything changes.
        """
        with self.hold():
            if self._values.set(values):
                self._changes.pending = True

    def reset(self) -> None:
        """Back to the starting values, and every panel back to its own view if one was zoomed (one re-run)."""
        with self.hold():
            if self.view.forget_zoom():
                self._changes.pending = True
            self.set(**self.defaults)

    @property
    def simulations(self) -> int:
        """How many simulations ran (one per change)."""
        return self._simulate.runs

    @property
    def renders(self) -> int:
        """How many times the figure was shown (one per change)."""
        return self._figure.renders

    @property
    def error(self) -> str | None:
        """The error the page shows (why the last change could not be simulated), or None."""
        return self.status.error

    def _run(self) -> None:
        self.downloads.value = ""
        marks = [time.perf_counter()]
        result = self.status.simulated(lambda: self._simulate(self.values))
        if result is None:
            return
        self.result = result
        marks.append(time.perf_counter())
        for step in (lambda: self._figure.update(result), self._figure.render):
            if not self.status.guarded("draw the figure", step):
                return
            marks.append(time.perf_counter())
        self.summary.value = export.summary_text(result)
        self.status.show_error(None)
        stages = zip(("simulate_ms", "update_ms", "render_ms"), marks, marks[1:], strict=False)
        self.timings = {name: 1000 * (end - begin) for name, begin, end in stages}
        self.timings["total_ms"] = 1000 * (time.perf_counter() - marks[0])

    def _reference(self) -> None:
        self._figure.set_reference(self.result if self.keep_reference.value else None)

    def png(self) -> bytes:
        """The figure as shown, as PNG bytes."""
        return self.view.png()

    def inspect(self, **options: Any) -> StepInspector:
        """A ``StepInspector`` on the current settings: one Euler step at a time, with its numbers.

        ``options`` go to ``StepInspector`` (``step`` in ms, ``neuron``, ``neurons``, ``dpi``).
        """
        from lifteach.inspector import StepInspector  # the inspector builds on the explorer's parts

        return StepInspector(**options, **self.values)

    def csv(self) -> str:
        """The latest run as CSV text (see ``export.result_csv``); empty when nothing ran yet."""
        return "" if self.result is None else export.result_csv(self.result, self.values)

    def _make_downloads(self) -> None:
        self.downloads.value = export.download_links(self.png(), self.csv())

    def show(self) -> None:
        """Display the explorer (in a notebook, the explorer as the last expression of a cell does too)."""
        from IPython.display import display

        display(self.widget)  # type: ignore[no-untyped-call]  # IPython is unannotated

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close every widget of the explorer (frees them in the kernel and removes them from the page)."""
        for widget in (*self.controls.values(), self._controls_box, self.message, *self._footer.children):
            widget.close()
        for widget in (self._footer, self.downloads, self.widget):
            widget.close()
        self.view.close()
