"""The accessible slider's Python side: its values, its range, its names, and what a page's message does.

The view itself (a named range input, its spoken value, the typed box) is tested in a real browser in
tests/browser/test_keyboard_and_axe.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import traitlets

from lifteach.explorer import CONTROLS, Explorer
from lifteach.explorer.parts import control_widget
from lifteach.explorer.slider import IntSlider, Slider


def test_a_value_from_code_is_clamped_to_the_range_as_a_slider_does() -> None:
    slider = Slider(value=0.5, min=0.0, max=1.0, step=0.1)
    slider.value = 7
    assert slider.value == 1.0 and isinstance(slider.value, float)
    slider.value = -3.0
    assert slider.value == 0.0
    assert Slider(value=9.0, min=0.0, max=1.0).value == 1.0, "clamped to its own range, not the default one"


def test_a_whole_number_slider_keeps_whole_numbers() -> None:
    slider = IntSlider(value=500, min=10, max=1000, step=10)
    slider.value = 499.6  # what a page sends for 500 after float arithmetic, or code's float
    assert slider.value == 500 and isinstance(slider.value, int)
    slider.value = 5000
    assert slider.value == 1000


def test_a_log_slider_holds_the_number_and_its_range_in_powers_of_ten() -> None:
    neurons = Slider(value=1000, min=0.0, max=5.0, step=0.01, scale="log", decimals=0)
    assert (neurons.value, neurons.lowest, neurons.highest) == (1000.0, 1.0, 100_000.0)
    neurons.value = 1e9
    assert neurons.value == 100_000.0
    neurons.value = 0.5
    assert neurons.value == 1.0


def test_a_narrower_range_moves_the_value_into_it() -> None:
    slider = Slider(value=0.9, min=0.0, max=1.0, step=0.1)
    slider.max = 0.5
    assert slider.value == 0.5
    slider.min = 0.2
    slider.value = 0.0
    assert slider.value == 0.2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"min": 2.0, "max": 1.0}, "min must be below max, got min=2.0 and max=1.0; swap them"),
        ({"step": 0.0}, "step must be above 0, got 0.0"),
        ({"min": float("nan")}, "min must be a finite number, got nan"),
        ({"value": "fast"}, "value must be a finite number, got 'fast'"),
        ({"scale": "ln"}, "scale must be one of"),
        ({"decimals": 1.5}, "decimals must be a whole number from 0 to 15, got 1.5"),
    ],
)
def test_bad_arguments_are_refused_with_the_fix(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Slider(**arguments)


def test_a_range_turned_inside_out_is_refused_and_nothing_changes() -> None:
    slider = Slider(value=0.5, min=0.0, max=1.0)
    with pytest.raises(
        traitlets.TraitError, match=re.escape("min=2.0 must be below max=1.0; raise max first")
    ):
        slider.min = 2.0
    with pytest.raises(
        traitlets.TraitError, match=re.escape("max=-1.0 must be above min=0.0; lower min first")
    ):
        slider.max = -1.0
    assert (slider.min, slider.max, slider.value) == (0.0, 1.0, 0.5)


def test_the_accessible_name_says_the_unit_once() -> None:
    assert Slider(description="τ_mem (ms)", unit="ms").accessible_name == "τ_mem (ms)"
    assert Slider(description="neurons", unit="neurons").accessible_name == "neurons"
    assert Slider(description="threshold v_th", unit="model units").accessible_name == (
        "threshold v_th (model units)"
    )
    assert Slider(description="seed").accessible_name == "seed"


def test_every_slider_of_the_explorer_is_accessible_and_has_a_unit() -> None:
    explorer = Explorer(n_neurons=20, duration=100)
    sliders = {name: c for name, c in explorer.controls.items() if isinstance(c, Slider)}
    # The dropdown of the input kind and the typed seed are ipywidgets' own (their labels are tied).
    assert set(explorer.controls) - set(sliders) == {"input_kind", "seed"}
    for name, slider in sliders.items():
        assert slider.unit, f"{name} has no unit"
        assert slider.accessible_name.startswith(CONTROLS[name].label), "the name starts with the label seen"
        assert f"lifteach-control-{name}" in slider._dom_classes
    assert sliders["n_neurons"].scale == "log" and sliders["n_neurons"].value == 20.0
    assert isinstance(sliders["duration"], IntSlider) and sliders["duration"].value == 100
    assert sliders["v_th"].decimals == 2 and sliders["tau_mem"].decimals == 1
    # Dragging the neuron count or the duration re-shapes the input: those run on release.
    assert [name for name, s in sliders.items() if not s.continuous_update] == ["n_neurons", "duration"]
    explorer.close()


def test_a_value_from_the_page_runs_the_explorer_once() -> None:
    explorer = Explorer(n_neurons=20, duration=100)
    runs = explorer.simulations
    # What the widget's comm does with the front end's message when a person presses an arrow key.
    explorer.controls["v_th"].set_state({"value": 0.31})
    assert (explorer.values["v_th"], explorer.simulations) == (0.31, runs + 1)
    explorer.controls["duration"].set_state({"value": 90})
    assert (explorer.values["duration"], explorer.simulations) == (90, runs + 2)
    assert explorer.result is not None and explorer.result.n_steps == 90
    explorer.close()


def test_the_front_end_is_shipped_with_the_package() -> None:
    slider = control_widget(CONTROLS["rate"], 10.0)
    assert "export default { render }" in slider._esm and "aria-valuetext" in slider._esm
    assert ".lifteach-slider" in slider._css
    assert slider.get_state()["unit"] == "Hz", "the unit reaches the page"
