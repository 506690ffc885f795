"""Every explorer control at its minimum and maximum, alone and all together, for every input kind.

After each change the explorer must be consistent (its summary is that of a fresh simulation at the values
its controls show, or it shows why those values cannot be simulated and keeps the last picture) and usable
(going back to the defaults gives the default picture again).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pytest

from lifteach.explorer import CONTROLS, Explorer, simulation_arguments, summary_text
from lifteach.simulate import simulate

SLIDERS = [name for name, spec in CONTROLS.items() if spec.kind != "choice"]
KINDS = list(CONTROLS["input_kind"].options or {})
# The largest population makes a change cost about a second; it is tried alone and in the "all at max" run.
SMALL_POPULATION = {"n_neurons": 200, "duration": 200}


@pytest.fixture(scope="module")
def explorer() -> Iterator[Explorer]:
    app = Explorer(controls=list(CONTROLS))
    yield app
    app.close()


def assert_consistent(app: Explorer) -> None:
    shown = {name: control.value for name, control in app.controls.items()}
    if app.error is None:
        assert app.result is not None
        assert app.summary.value == summary_text(simulate(**simulation_arguments(shown)))
        assert app.message.layout.display == "none"
    else:  # refused: the message says why, the last good picture stays
        assert app.message.layout.display == "block" and html.escape(app.error) in app.message.value
        with pytest.raises((ValueError, TypeError)):
            simulate(**simulation_arguments(shown))
    assert app.png().startswith(b"\x89PNG")


def assert_usable(app: Explorer) -> None:
    app.reset()
    assert app.error is None
    defaults = {name: control.value for name, control in app.controls.items()}
    assert defaults == {name: spec.default for name, spec in app.specs.items() if name in app.controls}
    assert app.summary.value == summary_text(simulate(**simulation_arguments(defaults)))


@pytest.mark.parametrize("end", ["low", "high"])
@pytest.mark.parametrize("name", SLIDERS)
def test_each_control_alone_at_its_end(explorer: Explorer, name: str, end: str) -> None:
    spec = explorer.specs[name]
    values: dict[str, Any] = {} if name in ("n_neurons", "duration") else dict(SMALL_POPULATION)
    values[name] = getattr(spec, end)
    explorer.set(**values)
    assert explorer.controls[name].value == pytest.approx(getattr(spec, end))
    assert_consistent(explorer)
    assert_usable(explorer)


@pytest.mark.parametrize("end", ["low", "high"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_control_at_the_same_end_together(explorer: Explorer, kind: str, end: str) -> None:
    values: dict[str, Any] = {name: getattr(explorer.specs[name], end) for name in SLIDERS}
    values["input_kind"] = kind
    if end == "high" and kind != KINDS[0]:
        values.update(SMALL_POPULATION)  # the full-size run at "high" is done once, with the first kind
    explorer.set(**values)
    assert_consistent(explorer)
    assert_usable(explorer)


def test_assigning_values_past_the_ends_is_clamped_and_stays_consistent(explorer: Explorer) -> None:
    for name in SLIDERS:
        spec = explorer.specs[name]
        explorer.controls[name].value = spec.high * 10 + 1
        assert explorer.controls[name].value <= spec.high + 1e-9
        explorer.controls[name].value = spec.low - 10 * abs(spec.low) - 1
        assert explorer.controls[name].value >= spec.low - 1e-9
        assert_consistent(explorer)
    assert_usable(explorer)
