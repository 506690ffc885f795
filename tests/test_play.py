"""The step inspector's play button, Python side: its range and what a tick from the page does."""

from __future__ import annotations

import re

import pytest

from lifteach.inspector import StepInspector
from lifteach.inspector.play import PlayButton


def test_the_value_stays_in_the_range() -> None:
    play = PlayButton(value=5, min=0, max=10, interval=600)
    play.value = 42
    assert play.value == 10
    play.value = -1
    assert play.value == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"min": 3, "max": 3}, "min must be below max, got min=3 and max=3; swap them."),
        ({"interval": 0}, "interval must be above 0 ms, got 0."),
    ],
)
def test_bad_arguments_are_refused_with_the_fix(arguments: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        PlayButton(**arguments)


def test_a_tick_from_the_page_moves_the_inspector_one_step() -> None:
    inspector = StepInspector(step=10, n_neurons=3, duration=50, input_kind="constant")
    renders = inspector.renders
    # What the widget's comm does with the page's message at each tick of the timer.
    inspector.play.set_state({"value": 11})
    assert (inspector.step, inspector.renders, inspector.controls["step"].value) == (11, renders + 1, 11.0)
    assert inspector.play.get_state()["max"] == 49 and "Pause" in inspector.play._esm
    inspector.close()
