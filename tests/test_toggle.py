"""The pressed-or-not button's Python side: its state, what a press from the page does, and what it says.

Its view (one ``<button>`` with ``aria-pressed``) is tested in a real browser in
tests/browser/test_keyboard_and_axe.py, which presses "Keep as reference" by keys and reads the state
Chromium's accessibility tree announces.
"""

from __future__ import annotations

from typing import Any

from lifteach.explorer import Explorer
from lifteach.explorer.toggle import ToggleButton


def test_a_press_from_the_page_flips_value_and_tells_the_observers() -> None:
    button = ToggleButton(description="Keep as reference", icon="clone")
    seen: list[Any] = []
    button.observe(lambda change: seen.append(change["new"]), "value")
    # What the view sends when the learner presses it: a state update of value.
    button.set_state({"value": True})
    button.set_state({"value": False})
    assert seen == [True, False]
    assert button.value is False


def test_every_trait_the_view_reads_is_synced_to_the_page() -> None:
    button = ToggleButton(description="Step by step", tooltip="one Euler step at a time", disabled=True)
    state = button.get_state()
    for name in ("value", "description", "icon", "tooltip", "disabled"):
        assert name in state, f"{name} is not sent to the page"
    assert (state["description"], state["tooltip"], state["disabled"]) == (
        "Step by step",
        "one Euler step at a time",
        True,
    )


def test_the_view_writes_aria_pressed_from_value_and_hides_the_icon_glyph() -> None:
    view = ToggleButton()._esm
    assert 'setAttribute("aria-pressed", pressed ? "true" : "false")' in view
    assert 'setAttribute("aria-hidden", "true")' in view


def test_the_explorers_keep_as_reference_is_this_button_and_draws_the_reference() -> None:
    keeping, plain = Explorer(interactive=False), Explorer(interactive=False)
    assert isinstance(keeping.keep_reference, ToggleButton)
    keeping.keep_reference.set_state({"value": True})  # pressed on the page
    for explorer in (keeping, plain):
        explorer.set(v_th=0.5)
    assert keeping.png() != plain.png(), "the kept run is drawn behind the new one"
    for explorer in (keeping, plain):
        explorer.close()
