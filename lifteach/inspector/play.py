"""``PlayButton``: steps through a run by itself, with a button that says "Play" or "Pause" in words.

ipywidgets' ``Play`` draws icon-only buttons that screen readers announce as "button" with no name. This view
is one named button; the timer runs in the page, as ``Play``'s does, so playing costs the kernel one message
per step. The Python surface is ``Play``'s: ``value``, ``min``, ``max``, ``interval`` (ms), ``playing``.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import anywidget
import traitlets

__all__ = ["PlayButton"]

_ESM = (resources.files("lifteach.inspector") / "play.js").read_text(encoding="utf-8")


class PlayButton(anywidget.AnyWidget):
    """Moves ``value`` one on from ``min`` to ``max``, every ``interval`` ms while ``playing``."""

    _esm = traitlets.Unicode(_ESM).tag(sync=True)

    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    interval = traitlets.Int(100).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    # Not shown; ipywidgets' view reads it to set the tooltip and fails on a widget without one.
    description = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        low, high = kwargs.get("min", 0), kwargs.get("max", 100)
        if not low < high:
            raise ValueError(f"min must be below max, got min={low!r} and max={high!r}; swap them.")
        if kwargs.get("interval", 100) <= 0:
            raise ValueError(f"interval must be above 0 ms, got {kwargs['interval']!r}.")
        super().__init__(**kwargs)

    @traitlets.validate("value")
    def _valid_value(self, proposal: traitlets.Bunch) -> Any:
        return min(max(int(proposal["value"]), self.min), self.max)
