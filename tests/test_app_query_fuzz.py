"""Garbage in the app's address: the app starts with defaults for what it cannot use, and says so.

A link a teacher hands out can be mistyped, truncated or tampered with; whatever the query holds, the app
must open, every control must hold a value it can take, good settings must still apply, and each bad one
must get a notice.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifteach import app
from lifteach.explorer import CONTROLS

SMALL = {"n_neurons": 50, "duration": 50}  # keeps each app cheap; a query may still override them
SLIDERS = [name for name, spec in CONTROLS.items() if spec.kind != "choice"]


@st.composite
def good_pairs(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(SLIDERS), unique=True, max_size=4))
    values: dict[str, Any] = {}
    for name in names:
        spec = CONTROLS[name]
        if spec.kind == "int":
            values[name] = draw(st.integers(int(spec.low), int(min(spec.high, spec.low + 50))))
        else:
            values[name] = draw(st.floats(spec.low, min(spec.high, 200.0)))
    if "n_neurons" in values or "duration" in values:  # keep the run small whatever was drawn
        values["n_neurons"], values["duration"] = min(values.get("n_neurons", 50), 50), 50
    return values


garbage_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), min_size=0, max_size=12
) | st.sampled_from(["nan", "inf", "-inf", "1e999", "0x10", "1,5", "", "  ", "%00", "<script>", "None", "-1"])


def control_values(shown: app.ExplorerApp) -> dict[str, Any]:
    return {name: control.value for name, control in shown.explorer.controls.items()}


def assert_every_control_holds_a_value_it_can_take(shown: app.ExplorerApp) -> None:
    for name, value in control_values(shown).items():
        spec = CONTROLS[name]
        if spec.kind == "choice":
            assert value in (spec.options or {})
        else:
            assert spec.low - 1e-9 <= value <= spec.high + 1e-9


FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(query=st.text(max_size=60))
def test_any_query_opens_the_app(query: str) -> None:
    shown = app.explorer_app(query, **SMALL)
    try:
        assert_every_control_holds_a_value_it_can_take(shown)
    finally:
        shown.explorer.close()


@FUZZ
@given(
    good=good_pairs(), bad_name=st.sampled_from([*SLIDERS, "input_kind", "no_such_setting"]), bad=garbage_text
)
def test_good_settings_apply_and_each_bad_one_gets_a_notice(
    good: dict[str, Any], bad_name: str, bad: str
) -> None:
    spec = CONTROLS.get(bad_name)
    try:
        usable = spec is not None and app.query_values(urlencode({bad_name: bad}), CONTROLS)[1] == []
    except Exception as error:  # query_values must never raise
        raise AssertionError(f"query_values raised {error!r}") from error
    good = {name: value for name, value in good.items() if name != bad_name}
    query = urlencode({**{name: str(value) for name, value in good.items()}, bad_name: bad})
    shown = app.explorer_app(query, **SMALL)
    try:
        assert_every_control_holds_a_value_it_can_take(shown)
        values = control_values(shown)
        for name, value in good.items():
            assert abs(values[name] - value) <= CONTROLS[name].step / 2 + 1e-9 or CONTROLS[name].kind == "log"
        if not usable:
            assert len(shown.notices) >= 1
            assert any(bad_name in notice for notice in shown.notices)
    finally:
        shown.explorer.close()
