"""The step inspector: the core's numbers of one step, bit for bit, the exact solution, the text, the widget."""

from __future__ import annotations

import io
import itertools
import math
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from lifteach.explorer import Explorer, simulation_arguments
from lifteach.explorer.page import explorer_app
from lifteach.inspector import (
    VALUE_KEYS,
    StepInspector,
    exact_step,
    step_numbers,
    step_text,
    surrogate_derivative,
)
from lifteach.inspector._figure import figure_text
from lifteach.lif import LIFRefracParameters, LIFRefracState, LIFState, lif_refrac_step, lif_step
from lifteach.simulate import Result, simulate

ONE_NEURON: dict[str, Any] = {
    "input_kind": "constant",
    "scale": 1.5,
    "v_th": 1.0,
    "n_neurons": 1,
    "duration": 100,
}
"""Control values (any of the explorer's, as the inspector takes them) for one neuron under a constant input."""


@pytest.fixture
def inspector() -> Iterator[StepInspector]:
    shown = StepInspector(step=0.0, **ONE_NEURON)
    yield shown
    shown.close()


def _state_before(result: Result, neuron: int, step: int) -> LIFState:
    """The recorded state before ``step``, or rest before the first, as one-neuron tensors."""
    assert result.v is not None and result.i is not None
    column = [int(n) for n in result.recorded_neurons].index(neuron)
    if step == 0:
        return LIFState(v=torch.full((1,), float(result.p.v_leak)), i=torch.zeros(1))
    return LIFState(v=result.v[step - 1, column : column + 1], i=result.i[step - 1, column : column + 1])


def core_step(result: Result, neuron: int, step: int, **changes: float) -> tuple[torch.Tensor, LIFState]:
    """``lif_step`` on the recorded state before ``step`` (rest before the first), as a test would by hand."""
    x = result.input[step, neuron : neuron + 1].float()
    fields: dict[str, Any] = dict(changes)
    return lif_step(x, _state_before(result, neuron, step), result.p._replace(**fields), result.dt)


def refractory_counts(result: Result, neuron: int) -> list[float]:
    """The refractory count before every step, found by stepping ``lif_refrac_step`` through the run's input
    from rest: another path than the inspector's, which reads it from the spikes."""
    rho_reset = round(result.refractory / result.dt)
    p = LIFRefracParameters(lif=result.p, rho_reset=float(rho_reset))
    state = LIFRefracState(lif=_state_before(result, neuron, 0), rho=torch.zeros(1))
    counts = []
    for step in range(result.n_steps):
        counts.append(float(state.rho[0]))
        _, state = lif_refrac_step(result.input[step, neuron : neuron + 1].float(), state, p, result.dt)
    return counts


def assert_the_cores_step(
    result: Result, values: dict[str, float], neuron: int, step: int, counts: list[float] | None = None
) -> None:
    """``values`` are ``lif_step`` (with a refractory period, ``lif_refrac_step``) on the recorded state before
    the step, and what the run recorded. ``counts``: ``refractory_counts(result, neuron)``, when known."""
    assert result.v is not None and result.i is not None
    column = [int(n) for n in result.recorded_neurons].index(neuron)
    assert set(values) == set(VALUE_KEYS) and all(type(value) is float for value in values.values())
    if result.refractory > 0:
        counts = refractory_counts(result, neuron) if counts is None else counts
        assert values["rho"] == counts[step]
        state = LIFRefracState(lif=_state_before(result, neuron, step), rho=torch.tensor([counts[step]]))
        p = LIFRefracParameters(lif=result.p, rho_reset=float(round(result.refractory / result.dt)))
        z, refrac = lif_refrac_step(result.input[step, neuron : neuron + 1].float(), state, p, result.dt)
        after = refrac.lif
        assert values["rho_new"] == float(refrac.rho[0])
    else:
        z, after = core_step(result, neuron, step)
        assert values["rho"] == values["rho_new"] == 0.0
    assert values["spike"] == float(z[0])
    assert values["v_new"] == float(after.v[0])
    assert values["i_decayed"] == float(after.i[0])
    # With the threshold out of reach, the core's LIF step keeps the voltage it computed before the reset.
    _, unreset = core_step(result, neuron, step, v_th=3.0e38)
    assert values["v_decayed"] == float(unreset.v[0])
    assert values["x"] == float(result.input[step, neuron])
    if step > 0:
        assert values["v"] == float(result.v[step - 1, column])
        assert values["i"] == float(result.i[step - 1, column])
    else:
        assert (values["v"], values["i"]) == (float(result.p.v_leak), 0.0)
    assert values["i_jump"] == float(torch.tensor(values["i"]) + torch.tensor(values["x"]))
    # ... and what the run recorded for this step (the fast loop: another path through the core).
    assert values["v_new"] == float(result.v[step, column])
    assert values["i_decayed"] == float(result.i[step, column])
    assert values["spike"] == float(result.spikes[step, neuron])


def assert_shown_step(inspector: StepInspector) -> None:
    assert_the_cores_step(inspector.result, inspector.values, inspector.numbers.neuron, inspector.step)


# --- the numbers -----------------------------------------------------------------------------------------


def _steps_shorter_than_the_time_constants(values: dict[str, Any]) -> bool:
    return bool(min(values["tau_mem"], values["tau_syn"]) > 1.01 * values["dt"])  # the core refuses dt >= tau


settings_strategy: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {
        "input_kind": st.sampled_from(["spikes", "constant", "step", "noisy"]),
        "scale": st.floats(0.0, 20.0),
        "rate": st.floats(0.0, 500.0),
        "noise": st.floats(0.0, 10.0),
        "v_th": st.floats(0.05, 3.0),
        "tau_mem": st.floats(0.5, 100.0),
        "tau_syn": st.floats(0.5, 100.0),
        "n_neurons": st.integers(1, 6),
        "duration": st.integers(10, 80),
        "seed": st.integers(0, 999_999),
        "dt": st.sampled_from([0.1, 0.2, 0.5, 1.0]),
        "refractory": st.sampled_from([0.0, 0.0, 1.0, 2.0, 5.0]),  # ms, whole ms as the control offers
    }
).filter(_steps_shorter_than_the_time_constants)


@settings(max_examples=60, deadline=None)
@given(values=settings_strategy, data=st.data())
def test_step_numbers_are_the_cores_step_bit_for_bit_for_any_settings_neuron_and_step(
    values: dict[str, Any], data: st.DataObject
) -> None:
    result = simulate(**simulation_arguments(values, traced_neurons=3))
    for _ in range(5):
        neuron = data.draw(st.sampled_from([int(n) for n in result.recorded_neurons]))
        # Steps just after a spike, where a refractory period holds the neuron, as often as any others.
        spikes = [int(t) for t in result.spikes[:, neuron].nonzero()[:, 0]]
        after_spike = (
            st.sampled_from(spikes).flatmap(lambda t: st.integers(t, min(t + 6, result.n_steps - 1)))
            if spikes
            else st.nothing()
        )
        step = data.draw(st.integers(0, result.n_steps - 1) | after_spike)
        numbers = step_numbers(result, neuron, step)
        assert_the_cores_step(result, numbers.values, neuron, step)


# Each example makes a widget with a figure (about a second on a busy machine): fewer examples, more moves.
@settings(max_examples=8, deadline=None)
@given(values=settings_strategy, data=st.data())
def test_the_inspectors_values_are_the_cores_step_bit_for_bit_for_any_settings_neuron_and_step(
    values: dict[str, Any], data: st.DataObject
) -> None:
    inspector = StepInspector(**values)
    try:
        for _ in range(6):
            neuron = data.draw(st.sampled_from([int(n) for n in inspector.result.recorded_neurons]))
            step = data.draw(st.integers(0, inspector.result.n_steps - 1))
            inspector.controls["neuron"].value = neuron
            inspector.controls["step"].value = step * inspector.dt_ms
            assert (inspector.numbers.neuron, inspector.step) == (neuron, step)
            assert_shown_step(inspector)
    finally:
        inspector.close()


@pytest.mark.parametrize("refractory", [0, 3])
def test_the_values_agree_with_the_explorers_recorded_traces(refractory: int) -> None:
    explorer = Explorer(
        panels=["voltage", "current"], input_kind="noisy", n_neurons=20, duration=300, refractory=refractory
    )
    try:
        assert explorer.result is not None and explorer.result.v is not None and explorer.result.i is not None
        inspector = explorer.inspect(neuron=1)
        try:
            assert inspector.control_values == explorer.values
            spikes = explorer.result.spikes[:, 1].nonzero()
            assert len(spikes), "choose settings where neuron 1 spikes"
            first = int(spikes[0, 0])
            for step in (0, 1, first, first + 1, first + 3, first + 4, 299):
                inspector.controls["step"].value = step * inspector.dt_ms
                assert inspector.values["v_new"] == float(explorer.result.v[step, 1])
                assert inspector.values["i_decayed"] == float(explorer.result.i[step, 1])
                assert inspector.values["spike"] == float(explorer.result.spikes[step, 1])
                # 3 ms at dt = 1 ms: held for the three steps after the spike, free from the fourth.
                held = refractory and first < step <= first + 3
                assert inspector.numbers.held == bool(held)
        finally:
            inspector.close()
    finally:
        explorer.close()


def test_a_refractory_step_holds_the_voltage_and_counts_down() -> None:
    inspector = StepInspector(input_kind="constant", scale=5.0, n_neurons=1, duration=50, refractory=3)
    try:
        first = inspector.step  # it opens at the first spike
        text = inspector.text
        assert "The refractory period starts: ρ = 3, so the next 3 steps (3 ms) hold the voltage" in text
        for k, left in enumerate([3, 2, 1], start=1):
            inspector.controls["step"].value = (first + k) * inspector.dt_ms
            values, text = inspector.values, inspector.text
            assert (values["rho"], values["rho_new"]) == (left, left - 1)
            assert values["spike"] == 0.0 and values["v_new"] == values["v"]
            assert values["i_decayed"] != values["i"], "the current is not held"
            assert f"refractory: ρ = {left} of its 3 steps (3 ms) left" in text
            assert "5. The hold:" in text and "so no spike is let through (spike = 0)" in text
            assert "Surrogate derivative: 0 in this step" in text
            assert inspector.numbers.surrogate == 0.0
            described = figure_text(inspector.result, inspector.numbers)
            assert f"the neuron was refractory ({left} of 3 steps left): the voltage was held at" in described
        assert "(free again from the next step)" in text
        # At five times the rheobase the free neuron spikes at once: every fourth step, 1 / (3 ms + 1 ms).
        inspector.controls["step"].value = (first + 4) * inspector.dt_ms
        assert inspector.values["spike"] == 1.0 and inspector.values["rho"] == 0.0
    finally:
        inspector.close()


def test_the_figure_starts_at_rest_before_the_first_step(inspector: StepInspector) -> None:
    inspector.controls["step"].value = 5 * inspector.dt_ms
    for panel, rest in zip(inspector.panels, (0.0, 0.0), strict=True):
        times, values = panel.trace.get_data()
        assert float(np.asarray(times)[0]) == -inspector.dt_ms
        assert float(np.asarray(values)[0]) == rest  # v_leak = 0 and no current, not the shown step's state


def test_the_first_step_starts_at_rest_and_the_input_counts_in_its_own_step(inspector: StepInspector) -> None:
    # Constant input 1.5 x the rheobase 0.2 = 0.3 per step; dt / tau_mem = 0.1, dt / tau_syn = 0.2.
    values = inspector.values
    assert (values["v"], values["i"]) == (0.0, 0.0) and values["x"] == pytest.approx(0.3)
    assert values["i_jump"] == pytest.approx(0.3)
    assert values["v_decayed"] == pytest.approx(0.03)  # the input of step 0 already moves the voltage
    assert values["i_decayed"] == pytest.approx(0.24)
    assert values["spike"] == 0.0 and values["v_new"] == values["v_decayed"]
    assert_shown_step(inspector)


def test_it_opens_at_the_first_spike_where_the_reset_hides_the_crossing_value() -> None:
    inspector = StepInspector(**ONE_NEURON)
    try:
        first = int(inspector.result.spikes[:, 0].nonzero()[0, 0])
        assert inspector.step == first
        values = inspector.values
        assert values["spike"] == 1.0 and values["v_decayed"] > 1.0 and values["v_new"] == 0.0
        assert_shown_step(inspector)
    finally:
        inspector.close()


def fine_euler(
    v: float, i: float, a: float, b: float, v_leak: float, dt: float, steps: int
) -> tuple[float, float]:
    """Forward Euler with ``steps`` tiny steps over ``dt`` (the current decaying within the step)."""
    h = dt / steps
    for _ in range(steps):
        v, i = v + h * a * (v_leak - v + i), i - h * b * i
    return v, i


@pytest.mark.parametrize(
    ("v", "i_jump", "a", "b", "v_leak", "dt"),
    [
        (0.2, 0.6, 100.0, 200.0, 0.0, 1e-3),
        (0.9, 1.4, 50.0, 50.0, 0.0, 1e-3),  # equal time constants
        (-0.3, 0.2, 2000.0, 10.0, 0.1, 4e-4),
        (0.5, -0.8, 10.0, 1000.0, -0.2, 9e-4),
    ],
)
def test_the_exact_step_agrees_with_a_very_fine_euler_integration(
    v: float, i_jump: float, a: float, b: float, v_leak: float, dt: float
) -> None:
    exact = exact_step(v, i_jump, a, b, v_leak, dt)
    fine = fine_euler(v, i_jump, a, b, v_leak, dt, 200_000)
    assert exact == pytest.approx(fine, abs=1e-6)


def test_equal_time_constants_are_the_limit_of_close_ones() -> None:
    equal = exact_step(0.4, 0.9, 100.0, 100.0, 0.0, 1e-3)
    close = exact_step(0.4, 0.9, 100.0, 100.0 * (1 + 1e-9), 0.0, 1e-3)
    assert equal == pytest.approx(close, rel=1e-8)


def test_eulers_error_in_one_step_shrinks_fourfold_when_dt_is_halved() -> None:
    v, i_jump = 0.3, 0.8
    errors = []
    for dt in (1e-3, 5e-4, 2.5e-4, 1.25e-4):
        state = LIFState(v=torch.tensor([v], dtype=torch.float64), i=torch.zeros(1, dtype=torch.float64))
        x = torch.tensor([i_jump], dtype=torch.float64)
        _, after = lif_step(x, state, dt=dt)
        exact_v, _ = exact_step(v, i_jump, 100.0, 200.0, 0.0, dt)
        errors.append(abs(float(after.v[0]) - exact_v))
    ratios = [big / small for big, small in itertools.pairwise(errors)]
    assert all(3.5 < ratio < 4.5 for ratio in ratios), ratios


@pytest.mark.parametrize("distance", [-2.0, -0.25, 0.0, 0.125, 3.0])
def test_the_surrogate_derivative_is_superspikes(distance: float) -> None:
    assert surrogate_derivative(distance) == pytest.approx(1 / (abs(distance) + 1) ** 2)
    assert surrogate_derivative(distance, "heaviside") == 0.0


def test_step_numbers_refuse_what_they_cannot_show() -> None:
    result = simulate(torch.full((20, 4), 0.3), record_neurons=[0, 2])
    with pytest.raises(ValueError, match=r"step must be a step index from 0 to 19 .* got 20"):
        step_numbers(result, 0, 20)
    with pytest.raises(
        ValueError, match=r"neuron must be one of the neurons whose traces were recorded, \[0, 2\]"
    ):
        step_numbers(result, 1, 3)
    with pytest.raises(ValueError, match="recorded both 'v' and 'i'"):
        step_numbers(simulate(torch.zeros(5, 1), record=("v",)), 0, 1)
    with pytest.raises(TypeError, match="result must be the Result"):
        step_numbers("a run", 0, 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"tau_syn_inv must be positive \(in 1/s\), got -5.0"):
        exact_step(0.0, 0.1, 100.0, -5.0, 0.0, 1e-3)
    assert step_numbers(result, 2, 5).neuron == 2


# --- the text --------------------------------------------------------------------------------------------


def test_the_text_writes_the_update_out_in_the_cores_order(inspector: StepInspector) -> None:
    text = inspector.text
    lines = text.splitlines()
    assert lines[0] == "Step 0 (t = 0 ms), neuron 0, dt = 1 ms"
    assert "i_jump = i + x = 0.0000 + 0.3000 = 0.3000" in text
    assert "(0.0000 − 0.0000) + 0.3000) = 0.0300" in text
    assert "dt/τ_mem = dt × tau_mem_inv = 1 ms / 10 ms = 0.1" in text
    assert "i_decayed = i_jump − dt/τ_syn × i_jump = 0.3000 − 0.2 × 0.3000 = 0.2400" in text
    assert "0.0300 > 1.0000? no" in text
    assert "No reset: v_new = v_decayed = 0.0300" in text
    order = [text.index(f"{n}. ") for n in range(1, 6)]
    assert order == sorted(order)
    assert "Exact solution" in text and "Surrogate derivative (SuperSpike" in text
    assert step_text(inspector.numbers) == text


def test_a_spike_step_says_what_the_recorded_voltage_shows_and_why(inspector: StepInspector) -> None:
    first = int(inspector.result.spikes[:, 0].nonzero()[0, 0])
    inspector.controls["step"].value = first * inspector.dt_ms
    text, values = inspector.text, inspector.values
    assert "? yes: a spike (spike = 1)." in text
    assert "5. The reset: v_new = v_reset = 0.0000." in text
    assert f"The recorded voltage shows the reset value, not {values['v_decayed']:.4f}" in text


def test_numbers_close_to_the_threshold_get_the_decimals_that_tell_them_apart(
    inspector: StepInspector,
) -> None:
    numbers = inspector.numbers
    close = type(numbers)(**{**numbers.__dict__, "v_decayed": 0.99996, "v_th": 1.0})
    assert "0.99996 > 1.00000? no" in step_text(close)


# --- the widget ------------------------------------------------------------------------------------------


def test_moving_the_step_renders_once_and_simulates_nothing(inspector: StepInspector) -> None:
    renders = inspector.renders
    inspector.controls["step"].value = 7.0
    assert (inspector.step, inspector.renders, inspector.simulations) == (7, renders + 1, 1)
    inspector.next.click()
    assert (inspector.step, inspector.renders) == (8, renders + 2)
    inspector.previous.click()
    inspector.previous.click()
    assert (inspector.step, inspector.renders) == (6, renders + 4)
    inspector.play.value = 30  # what the play button does at every tick
    assert (inspector.step, inspector.renders, inspector.controls["step"].value) == (30, renders + 5, 30.0)
    inspector.controls["step"].value = 30.0  # the same step again: nothing to draw
    assert inspector.renders == renders + 5
    inspector.controls["step"].value = 0.0
    inspector.previous.click()  # before the first step there is none
    assert (inspector.step, inspector.simulations) == (0, 1)


def test_the_neuron_chooser_shows_the_same_step_of_another_neuron() -> None:
    inspector = StepInspector(step=12.0, n_neurons=50, duration=100, input_kind="noisy")
    try:
        assert inspector.controls["neuron"].options == (("neuron 0", 0), ("neuron 1", 1), ("neuron 2", 2))
        renders = inspector.renders
        inspector.controls["neuron"].value = 2
        assert (inspector.numbers.neuron, inspector.step, inspector.renders) == (2, 12, renders + 1)
        assert_shown_step(inspector)
    finally:
        inspector.close()


def test_the_controls_are_named_with_their_units(inspector: StepInspector) -> None:
    assert inspector.controls["step"].description == "step time (ms)"
    assert inspector.controls["neuron"].description == "neuron"
    assert inspector.controls["step"].step == 1.0 and inspector.controls["step"].max == 99.0
    assert "lifteach-control-step" in inspector.controls["step"]._dom_classes
    assert "lifteach-inspector-text" in inspector.text_box._dom_classes
    assert 'aria-live="polite"' in inspector.text_box.value
    assert inspector._repr_mimebundle_()["text/plain"] == inspector.text


def test_the_figure_is_a_picture_that_changes_with_the_step(inspector: StepInspector) -> None:
    before = np.asarray(Image.open(io.BytesIO(inspector.png())).convert("RGB"))
    inspector.controls["step"].value = 40.0
    after = np.asarray(Image.open(io.BytesIO(inspector.png())).convert("RGB"))
    assert before.shape == after.shape and before.shape[0] > 300
    assert (before != after).any(axis=2).mean() > 0.001


def test_a_finer_dt_gives_more_steps_of_a_smaller_size() -> None:
    inspector = StepInspector(step=10.0, dt=0.1, **ONE_NEURON)
    try:
        assert inspector.step == 100 and inspector.controls["step"].step == 0.1
        assert inspector.text.startswith("Step 100 (t = 10 ms), neuron 0, dt = 0.1 ms")
        inspector.next.click()
        assert inspector.step == 101
        assert math.isclose(inspector.controls["step"].value, 10.1)
        assert_shown_step(inspector)
    finally:
        inspector.close()


def test_bad_input_is_refused_with_the_fix() -> None:
    with pytest.raises(TypeError, match="unknown control"):
        StepInspector(threshold=1.0)
    with pytest.raises(TypeError, match="v_th must be a real number"):
        StepInspector(v_th="high")
    with pytest.raises(ValueError, match=r"step=500 ms is outside the run: give a time from 0 to 99 ms"):
        StepInspector(step=500, **ONE_NEURON)
    with pytest.raises(ValueError, match=r"neuron must be one of \[0\]"):
        StepInspector(neuron=3, **ONE_NEURON)
    with pytest.raises(ValueError, match="neurons must be a whole number"):
        StepInspector(neurons=0, **ONE_NEURON)


# --- where it lives --------------------------------------------------------------------------------------


def test_the_inspector_never_imports_voila_or_pyplot() -> None:
    code = "import sys, lifteach.inspector; sys.exit(sorted({'voila', 'matplotlib.pyplot'} & set(sys.modules)) or 0)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr


def test_the_app_opens_step_by_step_on_the_explorers_settings_and_follows_them() -> None:
    app = explorer_app(query="n_neurons=10&duration=200")
    try:
        assert app.inspector is None and app.step_by_step.description == "Step by step"
        app.step_by_step.value = True
        inspector = app.inspector
        assert inspector is not None and inspector.control_values == app.explorer.values
        assert app.step_view.children == (inspector.widget,)
        inspector.controls["step"].value = 42.0
        app.explorer.set(v_th=0.5)
        follower = app.inspector
        assert follower is not None and follower is not inspector
        assert (follower.control_values["v_th"], follower.step) == (0.5, 42)
        assert_shown_step(follower)
        app.step_by_step.value = False
        assert app.inspector is None and app.step_view.children == ()
    finally:
        app.step_by_step.value = False
        app.explorer.close()
