"""The widgets an explorer is made of, built from control specs, and the CSS classes that mark them.

Pages, tests and teachers' style sheets find the parts by class, the same in every front end:
``lifteach-control-<name>``, ``lifteach-figure``, ``lifteach-summary``, ``lifteach-message`` (and, in the app,
``lifteach-app`` and ``lifteach-query-notice``).
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from lifteach.explorer.controls import ControlSpec
from lifteach.explorer.slider import IntSlider, Slider
from lifteach.explorer.toggle import ToggleButton

if TYPE_CHECKING:
    from lifteach.simulate import Result

__all__ = ["CSS_PREFIX", "Footer", "Status", "control_widget", "controls_grid", "error_html", "mark"]

_log = logging.getLogger("lifteach.explorer")

CSS_PREFIX = "lifteach-"
"""The prefix of every CSS class the explorer and the app give their parts."""

LABEL_WIDTH = "12.5em"
"""Room for the longest label, "spike weight (jump of i)"."""

RESHAPING = frozenset({"n_neurons", "duration"})
"""Controls that change the input's shape cost most per change: they run on release, or per key press."""


def control_widget(spec: ControlSpec, value: Any) -> widgets.ValueWidget | Slider:
    """The widget for one control at ``value``: a dropdown, a text box (the seed) or a ``Slider``.

    A slider says its label, unit and value to screen readers from its own view (``slider.Slider``).
    """
    common: dict[str, Any] = {"description": spec.label, "tooltip": spec.help}
    control: widgets.ValueWidget | Slider
    if spec.kind == "choice" or spec.name == "seed":
        boxed = {
            **common,
            "description_allow_html": False,
            "style": {"description_width": LABEL_WIDTH},
            "layout": widgets.Layout(width="auto"),
        }
        if spec.kind == "choice":
            assert spec.options is not None
            options = [(label, key) for key, label in spec.options.items()]
            control = widgets.Dropdown(options=options, value=value, **boxed)
        else:  # any of a million seeds: typed, not dragged
            control = widgets.BoundedIntText(value=value, min=int(spec.low), max=int(spec.high), **boxed)
    else:
        sliding = {**common, "unit": spec.unit, "continuous_update": spec.name not in RESHAPING}
        if spec.kind == "log":
            control = Slider(
                value=value,
                min=math.log10(spec.low),
                max=math.log10(spec.high),
                step=spec.step,
                scale="log",
                decimals=0,
                **sliding,
            )
        elif spec.kind == "int":
            control = IntSlider(value=value, min=spec.low, max=spec.high, step=spec.step, **sliding)
        else:
            decimals = max(0, -math.floor(math.log10(spec.step)))
            control = Slider(
                value=value, min=spec.low, max=spec.high, step=spec.step, decimals=decimals, **sliding
            )
    control.add_class(f"{CSS_PREFIX}control-{spec.name}")
    return control


def error_html(text: str, unexpected: bool = False) -> str:
    """The message shown above the figure when a change cannot be simulated (or, ``unexpected``, for a bug)."""
    lead = "Something went wrong (please report it)" if unexpected else "These values cannot be simulated"
    return (
        f'<div style="color:#a1140a;border-left:4px solid #D55E00;padding:2px 8px">'
        f"<b>{lead}:</b> {html.escape(text)} <i>The figure still shows the last run that worked.</i></div>"
    )


class Status:
    """The summary line under the figure and the message above it, where errors are shown.

    Attributes:
        summary: a ``Label`` with the summary line; ``message``: an ``HTML`` widget, hidden while empty.
        error: the error shown (its text), or None.
    """

    def __init__(self) -> None:
        self.summary = widgets.Label(value="", layout=widgets.Layout(margin="0 0 4px 8px"))
        self.message = widgets.HTML(value="", layout=widgets.Layout(display="none"))
        self.error: str | None = None

    def show_error(self, error: BaseException | None, unexpected: bool = False) -> None:
        """Show ``error`` above the figure (``unexpected``: a bug, not the learner's values); None hides it."""
        self.error = None if error is None else (str(error) or type(error).__name__)
        self.message.value = "" if self.error is None else error_html(self.error, unexpected)
        self.message.layout.display = "none" if self.error is None else "block"

    def simulated(self, run: Callable[[], Result]) -> Result | None:
        """``run()``'s result, or None with the reason shown: the learner's values (a ``ValueError`` or
        ``TypeError`` from the checks) or a bug (anything else, also logged)."""
        try:
            return run()
        except (ValueError, TypeError) as error:  # values the learner chose that cannot be simulated
            self.show_error(error)
        except Exception as error:  # a bug, not the learner's doing: say so in the app and in the log
            _log.exception("the explorer's simulation failed")
            self.show_error(error, unexpected=True)
        return None

    def guarded(self, what: str, action: Callable[[], object]) -> bool:
        """Run ``action``; a bug in it is shown in the page and logged instead of breaking the widget."""
        try:
            action()
        except Exception as error:
            _log.exception("the explorer could not %s", what)
            self.show_error(error, unexpected=True)
            return False
        return True


@dataclass
class Footer:
    """The buttons under the figure, and the place their download links appear."""

    reset: widgets.Button = field(
        default_factory=lambda: widgets.Button(
            description="Reset", icon="undo", tooltip="back to the starting values"
        )
    )
    keep_reference: ToggleButton = field(
        default_factory=lambda: ToggleButton(
            description="Keep as reference",
            icon="clone",
            tooltip="show this run in grey behind the next ones",
        )
    )
    export: widgets.Button = field(
        default_factory=lambda: widgets.Button(
            description="Export",
            icon="download",
            tooltip="make download links for the figure (PNG) and data (CSV)",
        )
    )
    downloads: widgets.HTML = field(default_factory=lambda: widgets.HTML(value=""))

    @property
    def buttons(self) -> widgets.HBox:
        return widgets.HBox([self.reset, self.keep_reference, self.export])


def controls_grid(controls: Sequence[widgets.Widget]) -> widgets.GridBox:
    """The controls in as many columns as fit, each at least 320 px wide."""
    layout = widgets.Layout(
        grid_template_columns="repeat(auto-fill, minmax(320px, 1fr))", grid_gap="2px 12px"
    )
    return widgets.GridBox(list(controls), layout=layout)


def mark(**parts: widgets.DOMWidget) -> None:
    """Give each part its CSS class, ``lifteach-<name>``."""
    for name, part in parts.items():
        part.add_class(f"{CSS_PREFIX}{name}")
