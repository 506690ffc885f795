"""An explorer's values: every control's, shown (a widget) or fixed (kept here), read and changed in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from lifteach.explorer.controls import INPUT_CONTROLS, ControlSpec, check_names
from lifteach.explorer.parts import control_widget
from lifteach.explorer.slider import Slider

__all__ = ["ControlValues"]


class ControlValues:
    """The value of every control: the widgets of ``shown`` and fixed values for the others.

    Args:
        specs: every control's spec by name (ranges as the explorer was given them).
        starting: every control's starting value by name, already checked.
        shown: the names of the controls that get a widget.

    Attributes:
        controls: the widgets by name; fixed: the values of the controls without one.
    """

    def __init__(
        self, specs: Mapping[str, ControlSpec], starting: Mapping[str, Any], shown: Sequence[str]
    ) -> None:
        self.specs = specs
        self.controls: dict[str, widgets.ValueWidget | Slider] = {
            name: control_widget(specs[name], starting[name]) for name in shown
        }
        self.fixed = {name: value for name, value in starting.items() if name not in self.controls}
        self.update_enabled()
        if "input_kind" in self.controls:  # observed first: the controls are greyed before a run starts
            self.controls["input_kind"].observe(lambda _change: self.update_enabled(), names="value")

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, shown or fixed, by name."""
        return {**self.fixed, **{name: control.value for name, control in self.controls.items()}}

    def set(self, values: Mapping[str, Any]) -> bool:
        """Change controls; values outside a range are clamped to it, as the widgets do.

        A value of the wrong kind raises ``TypeError``/``ValueError`` before anything changes. Returns
        whether a fixed value changed (a widget's change is announced by the widget itself).
        """
        check_names(values)
        clean = {name: self.specs[name].clamp(value) for name, value in values.items()}
        fixed_changed = False
        for name, value in clean.items():
            if name in self.controls:
                self.controls[name].value = value
            elif self.fixed[name] != value:
                self.fixed[name] = value
                fixed_changed = True
        if fixed_changed and "input_kind" in clean:
            self.update_enabled()
        return fixed_changed

    def update_enabled(self) -> None:
        """Grey out the controls the chosen input kind does not use."""
        kind = self.values["input_kind"]
        for name, kinds in INPUT_CONTROLS.items():
            if name in self.controls:
                self.controls[name].disabled = kind not in kinds
