"""The step inspector: one Euler step of a recorded LIF run at a time, written out with its numbers.

::

    from lifteach.inspector import StepInspector
    inspector = StepInspector(v_th=1.0, input_kind="constant", scale=1.5, n_neurons=1, duration=100)
    inspector                       # step slider (ms), neuron chooser, previous / play / next, figure, text
    inspector.values                # {"x", "i", "v", "i_jump", "v_decayed", "i_decayed", "spike", "v_new"}
    print(inspector.text)           # the update in the core's order, with its numbers
    explorer.inspect()              # the same on an explorer's current settings

The rooms: ``numbers`` (the core's values of one step, the exact solution over one ``dt``, the surrogate
derivative; pure, no widgets), ``text`` (the step written out), ``_figure`` (the traces around the step) and
``widget`` (``StepInspector``, wiring only). The run is simulated once; moving the step only reads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lifteach.inspector.numbers import VALUE_KEYS, StepNumbers, exact_step, step_numbers, surrogate_derivative
from lifteach.inspector.text import step_text

if TYPE_CHECKING:
    from lifteach.inspector.widget import StepInspector

__all__ = [
    "VALUE_KEYS",
    "StepInspector",
    "StepNumbers",
    "exact_step",
    "step_numbers",
    "step_text",
    "surrogate_derivative",
]


def __getattr__(name: str) -> Any:
    # The widget (and with it ipywidgets) loads on first use: the numbers serve without it (the exercises).
    if name == "StepInspector":
        from lifteach.inspector.widget import StepInspector

        return StepInspector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
