"""``Slider``: a slider whose own view is accessible: a named range input, its value said with its unit.

ipywidgets 8.1 draws a slider as noUiSlider's ``role=slider`` handle beside a ``<label>`` tied to nothing, so
a screen reader says "slider" alone, and a log slider's handle says the exponent ("3.00" for 1,000 neurons).
This view draws a native ``<input type="range">`` named by a ``<label for>`` that says the control and its
unit, an ``aria-valuetext`` of the value shown with its unit, and a labelled box to type a value in; disabled,
both are greyed out and skipped by Tab. The view writes these itself on every change of the model, so they
cannot be lost to another script re-drawing the slider.

The Python side keeps ipywidgets' slider surface (``value``, ``min``, ``max``, ``step``, ``disabled``,
``description``, ``continuous_update``, ``observe``, ``add_class``); with ``scale="log"``, ``min``, ``max``
and ``step`` are powers of ten, as in ``ipywidgets.FloatLogSlider``, and ``value`` is the number itself.
The front end is an ES module for anywidget, whose front-end extension ships in its wheel (JupyterLab 4,
Notebook 7 and Voila load it offline).

Upstream, ipywidgets' slider view could pass noUiSlider's ``handleAttributes`` with an ``aria-labelledby``
pointing at its label (or an ``aria-label`` from ``description``), re-applied whenever it re-creates the
handle, set ``aria-valuetext`` to the readout it shows, and give the readout a role and a name; its ``Play``
could name its icon-only buttons and ``Image`` could take an ``alt`` trait (docs/hardening.md). This view does
not depend on any of that.
"""

from __future__ import annotations

import math
from importlib import resources
from typing import Any

import anywidget
import traitlets

__all__ = ["IntSlider", "Slider"]

_HERE = resources.files("lifteach.explorer")
_ESM = (_HERE / "slider.js").read_text(encoding="utf-8")
_CSS = (_HERE / "slider.css").read_text(encoding="utf-8")

SCALES = ("linear", "log")


def _finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}; give a number such as 0.5.")
    return float(value)


class Slider(anywidget.AnyWidget):
    """A float slider with a typed value, named with its unit for screen readers.

    Args:
        value: the value (for ``scale="log"`` the number itself, e.g. 1000 neurons).
        min, max, step: the range and its step (for ``scale="log"``: exponents of ten).
        description: the label people see (e.g. ``"τ_mem (ms)"``).
        unit: said after the value (``"ms"``), and after the label when the label does not show it.
        decimals: digits after the point of the value shown, typed and said.
        scale: ``"linear"`` or ``"log"`` (base 10).
        continuous_update: send the value while the slider is dragged (else on release, or per key press).
        disabled: greyed out, skipped by Tab, and refusing changes from the page.
    """

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    _css = traitlets.Unicode(_CSS).tag(sync=True)

    # Any, checked by the validator below: a whole number from the page (1 for 1.0) or a float from code.
    value: Any = traitlets.Any(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(100.0).tag(sync=True)
    step = traitlets.Float(1.0).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    unit = traitlets.Unicode("").tag(sync=True)
    decimals = traitlets.Int(2).tag(sync=True)
    scale = traitlets.Unicode("linear").tag(sync=True)
    continuous_update = traitlets.Bool(True).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, value: float | None = None, **kwargs: Any) -> None:
        for name in ("min", "max", "step"):
            if name in kwargs:
                kwargs[name] = _finite(name, kwargs[name])
        low, high = kwargs.get("min", 0.0), kwargs.get("max", 100.0)
        if not low < high:
            raise ValueError(f"min must be below max, got min={low!r} and max={high!r}; swap them.")
        if kwargs.get("step", 1.0) <= 0:
            raise ValueError(f"step must be above 0, got {kwargs['step']!r}; give the size of one step.")
        scale = kwargs.get("scale", "linear")
        if scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, got {scale!r}.")
        decimals = kwargs.get("decimals", 2)
        if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 15:
            raise ValueError(f"decimals must be a whole number from 0 to 15, got {decimals!r}.")
        # The range first, so that the value is clamped to this slider's range, not the default one.
        super().__init__(**kwargs)
        if value is not None:
            self.value = _finite("value", value)
        else:
            self.value = self._clamped(self.value)

    @property
    def accessible_name(self) -> str:
        """What a screen reader calls the slider: the label, with the unit when the label does not show it."""
        if self.unit and self.unit not in self.description:
            return f"{self.description} ({self.unit})"
        return str(self.description)

    @property
    def lowest(self) -> float:
        """The smallest value (``10 ** min`` on a log scale)."""
        return float(10.0**self.min) if self.scale == "log" else float(self.min)

    @property
    def highest(self) -> float:
        """The largest value (``10 ** max`` on a log scale)."""
        return float(10.0**self.max) if self.scale == "log" else float(self.max)

    def _clamped(self, value: float) -> float:
        return min(max(value, self.lowest), self.highest)

    @traitlets.validate("value")
    def _valid_value(self, proposal: traitlets.Bunch) -> Any:
        # Moved into the range, as ipywidgets' sliders do: a value from code never lies off the slider.
        return self._clamped(_finite("value", proposal["value"]))

    @traitlets.validate("min")
    def _valid_min(self, proposal: traitlets.Bunch) -> Any:
        low = _finite("min", proposal["value"])
        if low >= self.max:
            raise traitlets.TraitError(f"min={low!r} must be below max={self.max!r}; raise max first.")
        return low

    @traitlets.validate("max")
    def _valid_max(self, proposal: traitlets.Bunch) -> Any:
        high = _finite("max", proposal["value"])
        if high <= self.min:
            raise traitlets.TraitError(f"max={high!r} must be above min={self.min!r}; lower min first.")
        return high

    @traitlets.observe("min", "max", "scale")
    def _range_changed(self, _change: traitlets.Bunch) -> None:
        self.value = self._clamped(self.value)


class IntSlider(Slider):
    """A ``Slider`` of whole numbers: ``value`` is an ``int`` (a float given is rounded)."""

    decimals = traitlets.Int(0).tag(sync=True)

    @traitlets.validate("value")
    def _valid_value(self, proposal: traitlets.Bunch) -> Any:
        number = _finite("value", proposal["value"])
        return round(self._clamped(number))
