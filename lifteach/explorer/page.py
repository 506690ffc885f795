"""The explorer as the app page shows it: starting values from the page address, and notices for bad ones.

Runs inside the app notebook's kernel. A teacher hands out a link to a prepared state
(``...?v_th=0.5&n_neurons=200&seed=3``); each value is read by its control's ``ControlSpec.parse``, and one
that does not fit leaves that control at its default with a notice saying why.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import ipywidgets as widgets

from lifteach.explorer.controls import CONTROLS, ControlSpec
from lifteach.explorer.parts import CSS_PREFIX
from lifteach.explorer.toggle import ToggleButton
from lifteach.explorer.widget import Explorer
from lifteach.inspector import StepInspector
from lifteach.lif import warm_up

__all__ = ["ExplorerApp", "explorer_app", "query_string", "query_values"]

VOILA_PORT = 8866
"""Voila's default port, where a preheated kernel finds Voila when nothing says otherwise."""


def query_string() -> str:
    """The query part of the page's address (``v_th=0.5&seed=3``), or "" outside Voila.

    Voila hands the address to the kernel in the environment variable ``QUERY_STRING``. A preheated kernel
    (``lifteach app`` preheats one by default) has run the imports before anyone asked for the page, so it first
    waits for the request.
    """
    if os.environ.get("VOILA_PREHEAT") == "True":
        # Load the compiled loop while nobody waits, so that the visitor's first change is as quick as the next.
        warm_up()
        _wait_for_visitor()
    return os.environ.get("QUERY_STRING", "")


def _wait_for_visitor() -> None:
    """Block until Voila gives this preheated kernel a visitor, then put the request's details in the environment.

    Voila's own ``voila.utils.wait_for_request`` does this, but importing that module loads Voila's server side
    into every kernel (44 MB each, beyond a classroom's memory budget per kernel); Voila's side of it is one
    JSON message on the websocket ``voila/query/<kernel id>``, which the small ``websockets`` client (a Voila
    dependency, declared in our ``app`` extra) reads here.
    """
    from websockets.sync.client import connect

    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    host = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", str(VOILA_PORT))
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    url = f"{protocol}://{host}:{port}{base}voila/query/{os.environ.get('VOILA_KERNEL_ID', '')}"
    with connect(url, open_timeout=10) as connection:
        request = connection.recv()  # no timeout: a preheated kernel waits as long as it takes
    for key, value in json.loads(request).items():
        os.environ[key] = str(value)


def query_values(
    query: str, specs: Mapping[str, ControlSpec] = CONTROLS
) -> tuple[dict[str, object], list[str]]:
    """Initial control values from a page query such as ``v_th=0.5&n_neurons=200&seed=3``.

    Args:
        query: the query part of the address, with or without the leading ``?``.
        specs: the controls by name (default: every control, ``CONTROLS``).

    Returns:
        The valid values, read as each control's kind and checked against its range or choices, and one
        notice per value left out (unknown name, not a number, out of range): the app then starts from the
        default for those and shows the notices.
    """
    values: dict[str, object] = {}
    notices: list[str] = []
    for name, text in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        if name not in specs:
            notices.append(f"{name!r} is not a setting of this app (the settings are {', '.join(specs)})")
            continue
        try:
            values[name] = specs[name].parse(text)
        except ValueError as error:
            values.pop(name, None)  # an earlier valid value of the same name does not count either
            notices.append(str(error))
    return values, notices


def _notice(notices: Sequence[str]) -> widgets.HTML:
    items = "".join(f"<li>{html.escape(text)}</li>" for text in notices)
    notice = widgets.HTML(
        "<div role='alert' style='background:#fff4ce;border-left:4px solid #E69F00;padding:2px 8px'>"
        "<b>Some settings in the page address were not used</b>; the app starts from the default value "
        f"instead:<ul style='margin:2px 0'>{items}</ul></div>"
    )
    notice.add_class(f"{CSS_PREFIX}query-notice")
    return notice


@dataclass
class ExplorerApp:
    """The explorer as the web app shows it; displaying it shows ``widget``.

    Attributes:
        explorer: the ``Explorer``.
        notices: why values from the page address were not used (empty when all were).
        step_by_step: the toggle that opens the step inspector on the explorer's settings, below it.
        step_view: the box the open inspector is shown in (empty while closed).
        inspector: the open ``StepInspector``, or None.
        widget: the notice, if any, above the explorer and the step-by-step view.
    """

    explorer: Explorer
    notices: list[str] = field(default_factory=list)
    step_by_step: ToggleButton = field(init=False)
    inspector: StepInspector | None = field(init=False, default=None)
    step_view: widgets.VBox = field(init=False)
    widget: widgets.VBox = field(init=False)

    def __post_init__(self) -> None:
        self.step_by_step = ToggleButton(
            description="Step by step",
            icon="shoe-prints",
            tooltip="one Euler step at a time, with its numbers, on the explorer's settings",
        )
        self.step_by_step.add_class(f"{CSS_PREFIX}step-by-step")
        # Made when asked for: most visitors never open it, and it runs a simulation of its own.
        self.step_view = widgets.VBox([])
        self.step_by_step.observe(lambda _change: self._show_inspector(), names="value")
        for control in self.explorer.controls.values():
            control.observe(lambda _change: self._follow_explorer(), names="value")
        parts = [self.explorer.widget, self.step_by_step, self.step_view]
        children = [_notice(self.notices), *parts] if self.notices else parts
        self.widget = widgets.VBox(children).add_class(f"{CSS_PREFIX}app")

    def _show_inspector(self, keep: bool = False) -> None:
        """Open (or close) the inspector; ``keep``: on the step and neuron shown before, where they still exist."""
        shown = self.inspector
        if shown is not None:
            shown.close()
            self.inspector = None
        children: list[widgets.Widget] = []
        if self.step_by_step.value:
            where = {"step": shown.numbers.time_ms, "neuron": shown.numbers.neuron} if keep and shown else {}
            try:
                try:
                    self.inspector = self.explorer.inspect(**where)
                except ValueError:
                    if not where:
                        raise
                    self.inspector = self.explorer.inspect()  # the old step or neuron is gone: start afresh
                children = [self.inspector.widget]
            except (TypeError, ValueError) as error:  # the explorer says why too, above its figure
                children = [
                    widgets.HTML(
                        f"<p role='alert'>No step by step for these values: {html.escape(str(error))}</p>"
                    )
                ]
        for old in self.step_view.children:
            if shown is None or old is not shown.widget:
                old.close()
        self.step_view.children = children

    def _follow_explorer(self) -> None:
        """An open inspector follows the explorer's settings (a new run of its own, recorded once)."""
        if self.step_by_step.value:
            self._show_inspector(keep=True)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        # Where widgets cannot be shown (a stored notebook, a terminal), say what this is.
        bundle["text/plain"] = "LIF explorer (open in Jupyter or Voila to use its controls)"
        return bundle


def explorer_app(query: str | None = None, **options: Any) -> ExplorerApp:
    """The explorer with initial values from the page address, and a notice for any it could not use.

    Args:
        query: the query part of the address (default: the page's, see ``query_string``).
        **options: passed to ``Explorer`` (``controls``, ``panels``, ``ranges``, initial values); values from
            the address take precedence.

    Returns:
        An ``ExplorerApp``, to display as the last expression of the app notebook's cell.
    """
    unread: list[str] = []
    if query is None:
        try:
            query = query_string()
        except Exception as error:  # a preheated kernel that cannot reach Voila must still show the app
            query = ""
            unread.append(f"the page address could not be read ({type(error).__name__}: {error})")
    values, notices = query_values(query)
    notices = unread + notices
    try:
        explorer = Explorer(**{**options, **values})
    except (TypeError, ValueError) as error:  # a combination the explorer refuses as a whole
        notices.append(f"these settings do not work together: {error}")
        explorer = Explorer(**options)
    return ExplorerApp(explorer, notices)
