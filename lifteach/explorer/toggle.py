"""``ToggleButton``: a button that is pressed or not, and says which to screen readers (``aria-pressed``).

ipywidgets' ``ToggleButton`` shows its state only as a colour: the accessibility tree has a plain button, so
a screen reader cannot tell whether "Keep as reference" is on. This view is one ``<button>`` with
``aria-pressed`` written from ``value`` on every change of the model. The Python surface is the part of
ipywidgets' that the explorer uses: ``value``, ``description``, ``icon``, ``tooltip``, ``disabled``,
``observe``, ``add_class``.
"""

from __future__ import annotations

from importlib import resources

import anywidget
import traitlets

__all__ = ["ToggleButton"]

_ESM = (resources.files("lifteach.explorer") / "toggle.js").read_text(encoding="utf-8")


class ToggleButton(anywidget.AnyWidget):
    """``value`` True while pressed; ``description`` is its name, ``icon`` a Font Awesome name shown before it."""

    _esm = traitlets.Unicode(_ESM).tag(sync=True)

    value = traitlets.Bool(False).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    icon = traitlets.Unicode("").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
