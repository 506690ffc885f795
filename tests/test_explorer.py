"""The explorer, driven from code as a notebook or a test would: controls, set(), the figure and exports."""

from __future__ import annotations

import base64
import csv
import gc
import io
import logging
import re
from collections.abc import Iterator
from typing import Any, TypedDict, TypeVar

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from matplotlib.figure import Figure
from PIL import Image

from lifteach import analysis, plot
from lifteach.explorer import (
    CONTROLS,
    DEFAULT_CONTROLS,
    MAX_NEURON_STEPS,
    Explorer,
    input_settings,
    simulation_arguments,
    summary_text,
)
from lifteach.lif import LIFParameters
from lifteach.simulate import MEMORY_BUDGET_BYTES, simulate


class Small(TypedDict):
    n_neurons: int
    duration: int


SMALL: Small = {"n_neurons": 100, "duration": 200}
"""A small explorer: quick to simulate and draw."""

T = TypeVar("T")


def shown(value: T | None) -> T:
    """``value``, which the test expects to be there (an explorer's result, a recorded trace, a match)."""
    assert value is not None
    return value


@pytest.fixture
def explorer() -> Iterator[Explorer]:
    app = Explorer(**SMALL)
    yield app
    app.close()


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def counted(app: Explorer) -> tuple[int, int]:
    return app.simulations, app.renders


# --- the pure mapping from controls to simulate's arguments ---------------------------------------------


def test_control_values_become_simulate_arguments_in_the_cores_units() -> None:
    arguments = simulation_arguments({"tau_mem": 20.0, "tau_syn": 4.0, "v_th": 0.7, "n_neurons": 12.4})
    assert arguments["p"] == LIFParameters(tau_syn_inv=250.0, tau_mem_inv=50.0, v_th=0.7)
    assert arguments["dt"] == 1e-3
    assert arguments["input"].shape == (1000, 12)
    assert arguments["record"] == ("v", "i") and arguments["record_neurons"] == [0, 1, 2]
    result = simulate(**arguments)
    assert result.n_neurons == 12


def test_scale_is_in_multiples_of_the_default_neurons_rheobase() -> None:
    unit = analysis.rheobase(LIFParameters(), 1e-3)
    constant = simulation_arguments({"input_kind": "constant", "scale": 1.5, "n_neurons": 3, "duration": 50})
    assert torch.allclose(constant["input"], torch.full((50, 3), 1.5 * unit))
    step = simulation_arguments({"input_kind": "step", "scale": 2.0, "n_neurons": 2, "duration": 100})[
        "input"
    ]
    assert torch.all(step[:20] == 0) and torch.allclose(step[20:], torch.full((80, 2), 2 * unit))
    noisy = simulation_arguments({"input_kind": "noisy", "scale": 1.0, "noise": 2.0, "n_neurons": 500})[
        "input"
    ]
    assert float(noisy.mean()) == pytest.approx(unit, abs=0.005)
    assert float(noisy.std()) == pytest.approx(2 * unit, rel=0.01)


def test_an_input_spike_makes_the_current_jump_by_its_weight_and_scale_is_only_for_currents() -> None:
    arguments = simulation_arguments({"input_kind": "spikes", "weight": 1.0, "rate": 50.0, "duration": 1000})
    spikes = arguments["input"]
    # The spikes stay bools; simulate weights them in its loop (no float copy of the whole input).
    assert spikes.dtype == torch.bool and arguments["input_weight"] == 1.0
    assert float(spikes.float().mean()) == pytest.approx(0.05, rel=0.05)
    # The default drive: a jump of 1 at 10 Hz is a mean input of 0.01 per step, 0.05 x the rheobase (0.2).
    mean_drive = CONTROLS["weight"].default * CONTROLS["rate"].default * 1e-3
    assert mean_drive / analysis.rheobase(LIFParameters(), 1e-3) == pytest.approx(0.05)
    # Each control moves only the inputs it names, so the input of the other kind is kept.
    assert torch.equal(simulation_arguments({"scale": 9.0})["input"], simulation_arguments({})["input"])
    assert input_settings({"scale": 9.0}) == input_settings({})
    assert input_settings({"input_kind": "constant", "weight": 3.0}) == input_settings(
        {"input_kind": "constant"}
    )
    # A new weight keeps the same input spikes: only how much each one counts changes.
    assert input_settings({"weight": 3.0}) == input_settings({})
    assert simulation_arguments({"weight": 3.0})["input_weight"] == 3.0
    assert "jump of i" in CONTROLS["weight"].label and "rheobase" in CONTROLS["scale"].label


def test_a_current_means_the_same_at_any_time_step_and_so_does_an_input_spike() -> None:
    for dt in (0.1, 0.5, 1.0):
        constant = simulation_arguments({"input_kind": "constant", "scale": 2.0, "dt": dt, "duration": 50})
        # Under constant input x the current settles at x / (dt * tau_syn_inv): the same for every dt.
        settled = float(constant["input"][0, 0]) / (constant["dt"] * constant["p"].tau_syn_inv)
        assert settled == pytest.approx(2.0)
        spikes = simulation_arguments({"weight": 0.4, "rate": 400.0, "dt": dt, "duration": 50})
        assert spikes["input"].dtype == torch.bool and spikes["input_weight"] == pytest.approx(0.4)


def test_changing_only_the_neuron_reuses_the_input(explorer: Explorer) -> None:
    first = explorer.result
    assert first is not None
    explorer.set(v_th=0.4, tau_mem=12.0, tau_syn=6.0)
    assert explorer.result is not None and explorer.result.input is first.input
    fresh = simulate(**simulation_arguments(explorer.values, record=("v",)))
    assert torch.equal(shown(explorer.result).spikes, fresh.spikes)
    explorer.set(seed=1)
    assert explorer.result.input is not first.input
    assert input_settings({"v_th": 2.0}) == input_settings({}) != input_settings({"seed": 1})
    assert input_settings({"input_kind": "constant", "seed": 1}) == input_settings({"input_kind": "constant"})
    with pytest.raises(ValueError, match=r"shape \(1000, 1000\)"):
        simulation_arguments({}, input=torch.zeros(10, 10))


def test_the_seed_reproduces_the_input_and_leaves_global_random_state_alone() -> None:
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()
    first = simulation_arguments({"seed": 4, "input_kind": "noisy"})["input"]
    assert torch.equal(first, simulation_arguments({"seed": 4, "input_kind": "noisy"})["input"])
    assert not torch.equal(first, simulation_arguments({"seed": 5, "input_kind": "noisy"})["input"])
    app = Explorer(seed=4, **SMALL)
    assert app.result is not None
    assert torch.equal(app.result.spikes, shown(Explorer(seed=4, **SMALL).result).spikes)
    assert torch.equal(torch.get_rng_state(), torch_state)
    numpy_after = np.random.get_state()
    assert isinstance(numpy_state, tuple) and isinstance(numpy_after, tuple)  # (name, keys, ...)
    assert np.array_equal(numpy_after[1], numpy_state[1])


def test_the_mapping_refuses_what_it_cannot_simulate() -> None:
    with pytest.raises(TypeError, match=r"unknown control.*'vth'"):
        simulation_arguments({"vth": 1.0})
    with pytest.raises(ValueError, match="input_kind must be one of"):
        simulation_arguments({"input_kind": "sine"})
    with pytest.raises(ValueError, match="neuron-steps"):
        simulation_arguments({"n_neurons": 100_000, "duration": 1000, "dt": 0.5})
    with pytest.raises(TypeError, match="v_th must be a real number"):
        simulation_arguments({"v_th": "high"})
    with pytest.raises(ValueError, match=r"tau_mem_inv.*>= 1"):
        simulate(**simulation_arguments({"tau_mem": 1.0}))


def test_slider_ranges_stay_within_the_memory_budget_and_the_neuron_step_limit() -> None:
    neurons, duration = CONTROLS["n_neurons"].high, CONTROLS["duration"].high
    steps = round(duration / CONTROLS["dt"].default)
    assert neurons * steps <= MAX_NEURON_STEPS
    assert neurons * steps + 4 * steps * 3 * 2 < MEMORY_BUDGET_BYTES


# --- the explorer from code ---------------------------------------------------------------------------


def test_the_explorer_has_the_named_controls_and_shows_controls_figure_and_summary(
    explorer: Explorer,
) -> None:
    for name in (
        "v_th",
        "scale",
        "weight",
        "n_neurons",
        "rate",
        "tau_mem",
        "tau_syn",
        "duration",
        "seed",
        "input_kind",
    ):
        assert name in explorer.controls
    assert list(explorer.controls) == list(DEFAULT_CONTROLS)
    assert sorted(explorer.panels) == ["raster", "spike_counts", "voltage"]
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    children = explorer.widget.children
    assert explorer.image in children and explorer.message in children
    assert shown(explorer.image).value == explorer.png() and explorer.png().startswith(b"\x89PNG")
    width, height = Image.open(io.BytesIO(explorer.png())).size
    assert (width, height) == tuple(round(x * explorer.figure.dpi) for x in explorer.figure.get_size_inches())
    assert explorer.summary.value.startswith(f"{shown(explorer.result).total_spikes:,} spikes")
    assert isinstance(explorer.figure, Figure)


def test_one_change_runs_one_simulation_and_one_render(explorer: Explorer) -> None:
    start = counted(explorer)
    explorer.controls["v_th"].value = 0.5
    assert counted(explorer) == (start[0] + 1, start[1] + 1)
    explorer.set(v_th=0.6, scale=6.0, rate=20.0, seed=3)
    assert counted(explorer) == (start[0] + 2, start[1] + 2)
    explorer.set(v_th=0.6)  # nothing changed: nothing to do
    assert counted(explorer) == (start[0] + 2, start[1] + 2)
    explorer.reset_button.click()
    assert counted(explorer) == (start[0] + 3, start[1] + 3)
    assert explorer.values["v_th"] == CONTROLS["v_th"].default and explorer.values["seed"] == 0
    explorer.keep_reference.value = True  # redraws, does not re-simulate
    assert counted(explorer) == (start[0] + 3, start[1] + 4)
    with explorer.hold():
        explorer.controls["seed"].value = 8
        explorer.controls["scale"].value = 3.0
        assert counted(explorer) == (start[0] + 3, start[1] + 4)
    assert counted(explorer) == (start[0] + 4, start[1] + 5)


def test_a_change_during_a_run_is_run_once_more_with_the_latest_value(explorer: Explorer) -> None:
    seeds = iter([11, 12])

    def meddle(change: dict[str, Any]) -> None:  # as if the front end sent more values meanwhile
        seed = next(seeds, None)
        if seed is not None:
            explorer.controls["seed"].value = seed

    explorer.summary.observe(meddle, names="value")
    before = explorer.simulations
    explorer.set(seed=10)
    assert explorer.values["seed"] == 12
    fresh = simulate(**simulation_arguments(explorer.values, record=("v",)))
    assert torch.equal(shown(explorer.result).spikes, fresh.spikes)
    assert explorer.simulations - before == 3  # 10, then 11 (set during the run of 10), then 12


def test_the_figure_follows_the_controls(explorer: Explorer) -> None:
    explorer.set(v_th=0.45, n_neurons=250, duration=300, seed=2)
    result = explorer.result
    assert result is not None and result.n_neurons == 250 and result.n_steps == 300
    raster, voltage, histogram = (explorer.panels[name] for name in ("raster", "voltage", "spike_counts"))
    assert isinstance(raster, plot.RasterPanel) and isinstance(voltage, plot.TracePanel)
    assert isinstance(histogram, plot.HistogramPanel)
    assert len(np.asarray(raster.points.get_xdata())) == result.total_spikes > 0
    assert list(np.asarray(shown(voltage.threshold_line).get_ydata())) == [0.45, 0.45]
    assert histogram.bars.get_data()[0].sum() == 250
    assert raster.ax.get_ylim() == (-0.5, 249.5) and raster.ax.get_xlim() == (0.0, 300.0)
    explorer.controls["n_neurons"].value = 40
    counts = explorer.panels["spike_counts"]
    assert isinstance(counts, plot.HistogramPanel) and counts.bars.get_data()[0].sum() == 40


def test_summary_says_total_spikes_mean_rate_and_silent_share(explorer: Explorer) -> None:
    result = explorer.result
    assert result is not None
    counts = analysis.spike_counts(result)
    text = explorer.summary.value
    total, rate, silent = shown(
        re.search(r"([\d,]+) spikes .* mean rate ([\d.]+) Hz · ([\d.]+)% of neurons silent", text)
    ).groups()
    assert int(total.replace(",", "")) == result.total_spikes
    assert float(rate) == pytest.approx(float(analysis.firing_rates(result).mean()), rel=1e-2)
    assert float(silent) == pytest.approx(100 * float((counts == 0).float().mean()), abs=0.05)
    assert summary_text(result) == text


def test_summary_counts_one_neuron_and_one_spike_in_the_singular() -> None:
    one = simulate(torch.zeros(20, 1).index_fill_(0, torch.tensor([2]), 5.0), record_neurons=[0])
    assert one.total_spikes == 1
    assert summary_text(one).startswith("1 spike from 1 neuron in 20 ms · ")
    two = simulate(torch.zeros(20, 2))
    assert summary_text(two).startswith("0 spikes from 2 neurons in 20 ms · ")


def test_csv_export_holds_every_spike_and_the_recorded_traces(explorer: Explorer) -> None:
    explorer.set(v_th=0.25, seed=7)
    result = explorer.result
    assert result is not None
    text = explorer.csv()
    assert "v_th=0.25" in text.splitlines()[1]
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    spikes = [row for row in rows if row["quantity"] == "spike"]
    assert len(spikes) == result.total_spikes > 0
    steps, neurons = result.spike_indices()
    assert [(float(r["time_ms"]), int(r["neuron"])) for r in spikes] == list(
        zip(steps * 1.0, neurons, strict=True)
    )
    voltages = [row for row in rows if row["quantity"] == "v"]
    assert len(voltages) == result.n_steps * 3
    neuron_1 = [float(r["value"]) for r in voltages if r["neuron"] == "1"]
    np.testing.assert_array_equal(np.array(neuron_1, dtype=np.float32), shown(result.v)[:, 1].numpy())


def test_export_makes_download_links_of_the_figure_and_the_data(explorer: Explorer) -> None:
    explorer.export_button.click()
    links = dict(re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', explorer.downloads.value))
    assert base64.b64decode(links["lifteach-figure.png"]) == explorer.png()
    assert base64.b64decode(links["lifteach-run.csv"]).decode() == explorer.csv()
    explorer.set(seed=1)
    assert explorer.downloads.value == "", "links of an old run are removed"


def test_widgets_clamp_out_of_range_values(explorer: Explorer) -> None:
    explorer.controls["v_th"].value = 100.0
    assert explorer.values["v_th"] == CONTROLS["v_th"].high
    explorer.set(v_th=-3.0, seed=-5, duration=5)
    assert explorer.values["v_th"] == CONTROLS["v_th"].low
    assert explorer.values["seed"] == 0 and explorer.values["duration"] == 10
    explorer.set(n_neurons=1e9)
    assert explorer.result is not None and explorer.result.n_neurons == 100_000
    with pytest.raises(ValueError, match="input_kind must be one of"):
        explorer.set(input_kind="sine", v_th=1.0)
    assert explorer.values["v_th"] == CONTROLS["v_th"].low, "a refused set changes nothing"
    with pytest.raises(TypeError, match="unknown control"):
        explorer.set(threshold=1.0)


def test_a_combination_the_core_refuses_shows_its_message_and_the_app_recovers(explorer: Explorer) -> None:
    before = explorer.result
    picture = explorer.png()
    explorer.set(tau_mem=1.0)
    assert explorer.result is before and explorer.png() == picture
    assert explorer.error is not None and "dt * p.tau_mem_inv = 1 is >= 1" in explorer.error
    assert "cannot be simulated" in explorer.message.value and explorer.message.layout.display == "block"
    explorer.set(tau_mem=5.0)
    assert explorer.error is None and explorer.message.value == "" and explorer.result is not before


def test_an_explorer_starting_at_refused_values_says_why_and_works_once_fixed() -> None:
    app = Explorer(tau_syn=0.5, **SMALL)
    assert app.result is None and app.error is not None and "tau_syn_inv" in app.error
    assert app.png().startswith(b"\x89PNG")
    app.set(tau_syn=5.0)
    assert app.result is not None and app.result.n_neurons == 100 and app.error is None


def test_an_unexpected_error_in_a_callback_is_shown_and_logged(
    explorer: Explorer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(result: object) -> None:
        raise RuntimeError("panel exploded")

    monkeypatch.setattr(explorer.panels["raster"], "update", broken)
    with caplog.at_level(logging.ERROR, logger="lifteach.explorer"):
        explorer.set(seed=3)
    assert "Something went wrong" in explorer.message.value and "panel exploded" in explorer.message.value
    assert "panel exploded" in caplog.text
    monkeypatch.undo()
    explorer.set(seed=4)
    assert explorer.error is None


def test_a_teacher_chooses_controls_panels_ranges_and_defaults() -> None:
    app = Explorer(
        controls=["v_th", "scale"],
        panels=["voltage", "raster", "rate", "fi", "current", "input_counts"],
        ranges={"v_th": (0.1, 10.0)},
        v_th=5.0,
        n_neurons=30,
        duration=100,
        input_kind="constant",
    )
    assert list(app.controls) == ["v_th", "scale"]
    assert app.controls["v_th"].max == 10.0 and app.values["v_th"] == 5.0
    assert app.result is not None and app.result.n_neurons == 30
    app.set(n_neurons=20, v_th=2.0)  # a control not shown still changes from code
    assert app.result.n_neurons == 20
    app.set(v_th=0.3, scale=4.0)
    app.reset()
    assert app.values["v_th"] == 5.0 and app.values["n_neurons"] == 30
    with pytest.raises(ValueError, match="outside the control's range"):
        Explorer(v_th=5.0)
    with pytest.raises(ValueError, match="unknown panel"):
        Explorer(panels=["voltage", "spectrogram"])
    with pytest.raises(ValueError, match="unknown control"):
        Explorer(controls=["v_th", "gain"])
    with pytest.raises(TypeError, match="unknown control"):
        Explorer(gain=2)


def test_controls_the_input_does_not_use_are_greyed_out(explorer: Explorer) -> None:
    def greyed() -> list[str]:
        return sorted(name for name, control in explorer.controls.items() if control.disabled)

    assert greyed() == ["noise", "scale"]
    explorer.set(input_kind="noisy")
    assert greyed() == ["rate", "weight"]
    explorer.set(input_kind="constant")
    assert greyed() == ["noise", "rate", "weight"]


def test_a_reference_stays_behind_later_runs_until_switched_off(explorer: Explorer) -> None:
    kept = explorer.result
    explorer.keep_reference.value = True
    explorer.set(v_th=0.6)
    explorer.set(seed=5)
    assert all(panel.reference is kept for panel in explorer.panels.values())
    explorer.keep_reference.value = False
    assert all(panel.reference is None for panel in explorer.panels.values())


@pytest.mark.parametrize(
    ("before", "change", "drawn"),
    [
        ({"seed": 1}, {"seed": 2}, "blit"),  # new data, same axes: only the changing artists are drawn
        ({"seed": 2}, {"weight": 1.1}, "partial"),  # the histogram's limits change: its background is redrawn
        ({"seed": 2}, {"duration": 1000}, "full"),  # tick labels grow: a new layout, everything is drawn
    ],
)
def test_each_way_of_redrawing_gives_the_picture_of_a_full_draw(
    explorer: Explorer, before: dict[str, Any], change: dict[str, Any], drawn: str
) -> None:
    explorer.set(**before)
    explorer.set(**change)
    assert explorer.view.renderer.last_draw == drawn
    shown = pixels(explorer.png())
    full = pixels(explorer.view.renderer.render(list(explorer.panels.values()), force=True))
    assert np.array_equal(shown, full)


# --- random sequences of changes end where a fresh explorer starts ------------------------------------

VALUES = {
    "v_th": st.sampled_from([0.1, 0.2, 0.3, 0.55, 1.0]),
    "scale": st.sampled_from([0.0, 1.0, 2.5, 5.0, 12.0]),
    "weight": st.sampled_from([0.0, 0.5, 1.0, 2.5]),
    "rate": st.sampled_from([0.0, 10.0, 80.0]),
    "tau_mem": st.sampled_from([2.0, 10.0, 30.0]),
    "tau_syn": st.sampled_from([2.0, 5.0, 20.0]),
    "n_neurons": st.sampled_from([1, 7, 60]),
    "duration": st.sampled_from([20, 70, 150]),
    "seed": st.integers(0, 3),
    "input_kind": st.sampled_from(["spikes", "constant", "step", "noisy"]),
}


def picture(app: Explorer) -> list[Any]:
    """What the figure shows, artist by artist (data, limits, texts), independent of how it was drawn."""
    shown: list[Any] = []
    for ax in app.figure.axes:
        shown.append((ax.get_xlim(), ax.get_ylim(), ax.get_title("left"), ax.get_title(), ax.get_xlabel()))
        for artist in ax.get_children():
            if not artist.get_visible():
                continue
            if hasattr(artist, "get_xydata"):  # NaN (gaps between spike marks) made comparable
                shown.append(np.nan_to_num(np.asarray(artist.get_xydata()), nan=-9e9).round(9).tolist())
            elif hasattr(artist, "get_text"):
                shown.append(artist.get_text())
            elif hasattr(artist, "get_data") and hasattr(artist, "get_baseline"):
                values, edges, _ = artist.get_data()
                shown.append((list(values), list(edges)))
    return shown


@settings(
    max_examples=6,
    stateful_step_count=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking explorers takes minutes; steps are few
)
class ControlSequences(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.app = Explorer(figsize=(7, 4), dpi=50, n_neurons=20, duration=50)

    @rule(name=st.sampled_from(sorted(VALUES)), data=st.data())
    def move_a_control(self, name: str, data: st.DataObject) -> None:
        before = self.app.simulations
        value = data.draw(VALUES[name])
        changed = value != self.app.values[name]
        self.app.controls[name].value = value
        assert self.app.simulations == before + changed

    @rule(data=st.data())
    def set_several(self, data: st.DataObject) -> None:
        names = data.draw(st.lists(st.sampled_from(sorted(VALUES)), min_size=2, max_size=4, unique=True))
        before = self.app.simulations
        values = {name: data.draw(VALUES[name]) for name in names}
        changed = any(values[name] != self.app.values[name] for name in names)
        self.app.set(**values)
        assert self.app.simulations == before + changed

    @rule()
    def reset(self) -> None:
        self.app.reset()

    @invariant()
    def nothing_went_wrong(self) -> None:
        assert self.app.error is None, self.app.error

    def teardown(self) -> None:
        app = self.app
        fresh = Explorer(figsize=(7, 4), dpi=50, **app.values)
        assert app.result is not None and fresh.result is not None
        assert torch.equal(app.result.spikes, fresh.result.spikes)
        assert app.summary.value == fresh.summary.value
        assert picture(app) == picture(fresh)
        # And the cached background was not stale: a full redraw of the same figure draws the same pixels.
        assert np.array_equal(
            pixels(app.png()), pixels(app.view.renderer.render(list(app.panels.values()), force=True))
        )
        app.close()
        fresh.close()


TestControlSequences = ControlSequences.TestCase


# --- nothing leaks --------------------------------------------------------------------------------------


def _live_figures() -> int:
    return sum(type(obj) is Figure for obj in gc.get_objects())


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def test_500_updates_leak_no_figures_artists_or_memory() -> None:
    app = Explorer(figsize=(6, 3.5), dpi=50, n_neurons=300, duration=100)
    for change in range(20):  # warm up caches and allocator pools
        app.set(seed=change % 5)
    gc.collect()
    figures = _live_figures()
    artists = [len(ax.get_children()) for ax in app.figure.axes]
    memory = _rss_mb()
    start = app.simulations
    for change in range(500):
        app.set(seed=change % 5)
    gc.collect()
    assert app.simulations - start == 500 and app.error is None
    assert _live_figures() == figures
    assert [len(ax.get_children()) for ax in app.figure.axes] == artists
    assert _rss_mb() - memory < 25, "memory grew over 500 updates"
    app.close()


# --- the refractory period -------------------------------------------------------------------------------


def test_the_refractory_control_is_in_ms_off_by_default_and_whole_steps_at_every_dt() -> None:
    spec = CONTROLS["refractory"]
    assert spec.label == "refractory (ms)" and spec.default == 0.0
    assert (spec.low, spec.high, spec.step) == (0.0, 20.0, 1.0)
    assert "refractory" in DEFAULT_CONTROLS
    assert simulation_arguments({})["refractory"] == 0.0
    # Every slider position is a whole number of steps at every dt offered: the same time at each.
    assert CONTROLS["dt"].options is not None
    for dt in CONTROLS["dt"].options:
        for ms in (1.0, 2.0, 7.0, 20.0):
            arguments = simulation_arguments({"refractory": ms, "dt": dt, "n_neurons": 2, "duration": 20})
            assert simulate(**arguments).refractory == pytest.approx(ms / 1000)
    # A value between steps (from code) is rounded to the nearest step, halves up, and the result says so.
    between = simulation_arguments({"refractory": 2.5, "n_neurons": 2, "duration": 20})
    assert simulate(**between).refractory == pytest.approx(3e-3)
    with pytest.raises(ValueError, match=r"refractory must be a time of at least 0 ms.*-1"):
        simulation_arguments({"refractory": -1.0})
    with pytest.raises(ValueError, match=r"refractory=25 is outside the control's range 0 to 20"):
        Explorer(refractory=25)


def test_the_explorer_with_a_refractory_period_gives_the_spikes_of_simulate() -> None:
    app = Explorer(n_neurons=50, duration=300, weight=2.0, rate=200.0, refractory=5)
    try:
        assert app.result is not None and app.result.refractory == pytest.approx(5e-3)
        x = simulation_arguments(app.values)["input"]
        expected = simulate(x, LIFParameters(v_th=0.3), input_weight=2.0, refractory=5e-3, record=())
        assert torch.equal(app.result.spikes, expected.spikes)
        assert not torch.equal(expected.spikes, simulate(x, LIFParameters(v_th=0.3), input_weight=2.0).spikes)
        # Changing the refractory period is a change of the neuron: the input is kept.
        first = app.result
        app.set(refractory=1)
        assert app.result is not first and app.result.input is first.input
        assert torch.equal(app.result.spikes, simulate(**simulation_arguments(app.values)).spikes)
        assert input_settings({"refractory": 3.0}) == input_settings({})
    finally:
        app.close()
