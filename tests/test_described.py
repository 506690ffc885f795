"""The explorer's and the inspector's figures carry their words: alt text and "Describe the figure", kept current.

The words are ``lifteach.describe`` of the run shown (its numbers are checked in test_describe.py); here: that
they reach the figure widget, once per change, with the picture they describe, and that the inspector's alt
text states the numbers of its step.
"""

from __future__ import annotations

from typing import Any

import matplotlib
import numpy as np
import pytest

import lifteach.explorer._figure as explorer_figure
from lifteach.describe import describe
from lifteach.explorer import Explorer
from lifteach.explorer._described import SUMMARY, FigureImage
from lifteach.inspector import StepInspector
from lifteach.inspector._figure import WINDOW_STEPS, figure_text

SMALL: dict[str, Any] = {"n_neurons": 100, "duration": 200}


def test_the_explorer_image_is_described_by_its_result_after_every_change() -> None:
    explorer = Explorer(**SMALL)
    image = explorer.image
    assert isinstance(image, FigureImage) and image.image and image.disclosure and image.summary == SUMMARY
    assert explorer.result is not None
    assert image.description == describe(explorer.result, list(explorer.panels))
    before = image.description
    explorer.set(v_th=0.6)
    assert image.description == describe(explorer.result, list(explorer.panels)) != before
    assert "v_th = 0.6" in image.description
    assert image.value == explorer.png() and explorer.png().startswith(b"\x89PNG")
    explorer.close()


def test_each_change_is_described_once_and_sent_with_its_picture(monkeypatch: pytest.MonkeyPatch) -> None:
    described: list[str] = []

    def counting(*args: Any, **kwargs: Any) -> str:
        described.append(text := describe(*args, **kwargs))
        return text

    monkeypatch.setattr(explorer_figure, "describe", counting)  # the figure describes each run
    explorer = Explorer(**SMALL)
    assert len(described) == 1
    image = explorer.image
    assert image is not None
    messages: list[set[str]] = []
    sent = image.send_state

    def counted_send(key: Any = None) -> None:
        messages.append(set(key or ()))
        sent(key)

    monkeypatch.setattr(image, "send_state", counted_send)
    simulations = explorer.simulations
    explorer.set(v_th=0.5, tau_mem=12.0)  # two controls, one change
    explorer.controls["seed"].value = 7
    assert explorer.simulations - simulations == 2 and len(described) == 3
    assert messages == [{"value", "description"}] * 2, "picture and words travel in one message"
    explorer.keep_reference.value = True  # a new picture of the same run: the words stay
    assert len(described) == 3 and messages[-1] == {"value"}
    explorer.close()


def test_the_canvas_explorer_puts_its_words_under_the_canvas(monkeypatch: pytest.MonkeyPatch) -> None:
    # Importing ipympl makes it matplotlib's backend; the tests after this one must not inherit it.
    monkeypatch.setitem(matplotlib.rcParams, "backend", "agg")
    explorer = Explorer(interactive=True, **SMALL)
    words = explorer.view.below[0]
    assert isinstance(words, FigureImage) and not words.image
    children = list(explorer.widget.children)
    assert children.index(words) == children.index(explorer.figure_widget) + 1
    explorer.set(v_th=0.7)
    assert explorer.result is not None
    assert words.description == describe(explorer.result, list(explorer.panels))
    explorer.close()


def test_the_inspector_figure_says_what_it_shows_around_the_step() -> None:
    inspector = StepInspector(input_kind="constant", scale=1.5, n_neurons=1, duration=100)
    s, result = inspector.numbers, inspector.result
    assert s.spike == 1.0  # the first step shown is the first spike
    image = inspector.view.image
    assert image.image and image.disclosure, "the words are the alt text and a visible disclosure"
    words = image.description
    assert words == figure_text(result, s)
    first, last = max(0, s.step - WINDOW_STEPS), min(result.n_steps, s.step + WINDOW_STEPS + 1)
    dt_ms = result.dt * 1000
    assert f"neuron 0 from {first * dt_ms:g} to {(last - 1) * dt_ms:g} ms" in words
    assert f"the step at {s.time_ms:g} ms shaded" in words
    assert (
        f"the voltage rose from {s.v:.4g} to {s.v_decayed:.4g}, above the threshold v_th = {s.v_th:.4g}, "
        f"and was reset to {s.v_reset:.4g}: a spike"
    ) in words
    assert f"ends the step at {s.exact_v:.4g}" in words
    assert (
        f"jumped by the input {s.x:.4g} from {s.i:.4g} to {s.i_jump:.4g}, then decayed to {s.i_decayed:.4g}"
        in words
    )
    spike_steps = first + np.flatnonzero(result.spikes[first:last, 0].numpy())
    listed = ", ".join(f"{t * dt_ms:g}" for t in spike_steps)
    assert f"neuron 0 has {len(spike_steps)} spikes, at {listed} ms" in words
    inspector.controls["step"].value = (s.step + 1) * dt_ms  # the step after a spike: below the threshold
    after = inspector.numbers
    assert after.spike == 0.0 and image.description == figure_text(result, after)
    assert (
        f"the voltage went from {after.v:.4g} to {after.v_new:.4g}, below the threshold" in image.description
    )
    inspector.close()
