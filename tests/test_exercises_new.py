"""The exercises that ask for a prediction or a plot: peak step, current and raster plots read from the axes,
the explorer app's questions, notebook 05's time constants, and the hints for typical mistakes in 03."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lifteach import LIF, LIFParameters, Result, analysis, exercises, inputs, simulate
from lifteach.exercises import Feedback, _explorer_app, _threshold, _zoom
from lifteach.explorer import simulation_arguments


def right(feedback: Feedback, *words: str) -> None:
    assert feedback.correct, feedback.message
    for word in words:
        assert word in feedback.message, feedback.message


def hint(feedback: Feedback, *words: str) -> None:
    assert not feedback.correct, feedback.message
    for word in words:
        assert word in feedback.message, feedback.message


def axes() -> Axes:
    return Figure().add_subplot()


@pytest.fixture(scope="module")
def seed_states() -> tuple[torch.Tensor, torch.Tensor]:
    _, states = LIF(record_states=True)(inputs.pulses([0.100, 0.120], steps=1000))
    return states.v[:, 0].detach(), states.i[:, 0].detach()  # the states carry a graph, as in Norse


@pytest.fixture(scope="module")
def population() -> Result:
    return simulate(inputs.poisson_spikes(10.0, steps=1000, neurons=1000, seed=0), LIFParameters(v_th=0.3))


# --- 01: the peak, the current plot, the raster -------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (120, ["current peaks", "keeps rising"]),
        (100, ["first input spike"]),
        (122, ["still rising"]),
        (140, ["falling again"]),
        (0.125, ["seconds"]),
        (124.5, ["whole number"]),
        (900, ["falling again"]),
    ],
)
def test_peak_step_hints(answer: float, words: list[str]) -> None:
    hint(exercises.check_peak_step(answer), *words)


def test_peak_step_accepts_125_as_number_or_tensor(seed_states: tuple[torch.Tensor, torch.Tensor]) -> None:
    right(exercises.check_peak_step(125), "Step 125")
    right(exercises.check_peak_step(torch.argmax(seed_states[0])))


def test_current_trace_reads_the_learners_plot_and_asks_for_labels(
    seed_states: tuple[torch.Tensor, torch.Tensor],
) -> None:
    v, i = seed_states
    empty = axes()
    hint(exercises.check_current_trace(empty), "Nothing is drawn")
    unlabelled = axes()
    unlabelled.plot(i)
    hint(exercises.check_current_trace(unlabelled), "units", "xlabel")
    labelled = axes()
    labelled.plot(np.arange(1000), v, label="voltage")  # the voltage beside it does not matter
    labelled.plot(np.arange(1000), i)
    labelled.set(xlabel="time (ms)", ylabel="current i")
    right(exercises.check_current_trace(labelled), "peaks at step 120")
    voltage_only = axes()
    voltage_only.plot(v)
    voltage_only.set(xlabel="time (ms)", ylabel="v")
    hint(exercises.check_current_trace(voltage_only), "voltage `v`")
    no_unit = axes()
    no_unit.plot(i)
    no_unit.set(xlabel="time", ylabel="i")
    hint(exercises.check_current_trace(no_unit), "units")
    points = axes()
    points.plot(i, ".")
    hint(exercises.check_current_trace(points), "no line")


def raster_axes(population: Result, how: str) -> Axes:
    ax = axes()
    steps, neurons = population.spike_indices()
    times = steps * population.dt * 1000
    if how == "plot":
        ax.plot(times, neurons, "|")
    elif how == "scatter":
        ax.scatter(steps, neurons, s=1)  # time in steps counts too
    elif how == "eventplot":
        ax.eventplot([times[neurons == n] for n in range(population.n_neurons)])
    elif how == "vlines":
        ax.vlines(times, neurons - 0.4, neurons + 0.4)
    elif how == "swapped":
        ax.plot(neurons, times, ".")
    elif how == "input":
        in_steps, in_neurons = np.nonzero(population.input.numpy())
        ax.plot(in_steps, in_neurons, "|")
    elif how == "some":
        ax.plot(times[neurons < 10], neurons[neurons < 10], "|")
    ax.set(xlabel="time (ms)", ylabel="neuron")
    return ax


@pytest.mark.parametrize("how", ["plot", "scatter", "eventplot", "vlines"])
def test_raster_accepts_every_usual_way_to_draw_one(population: Result, how: str) -> None:
    right(
        exercises.check_raster(raster_axes(population, how), population), f"{population.total_spikes} spikes"
    )


@pytest.mark.parametrize(
    ("how", "words"),
    [("swapped", ["swapped"]), ("input", ["input spikes"]), ("some", ["marks", "every neuron"])],
)
def test_raster_hints(population: Result, how: str, words: list[str]) -> None:
    hint(exercises.check_raster(raster_axes(population, how), population), *words)


def test_raster_asks_for_labels_and_for_the_simulation(population: Result) -> None:
    ax = raster_axes(population, "plot")
    ax.set(xlabel="", ylabel="")
    hint(exercises.check_raster(ax, population), "label the axes")
    hint(exercises.check_raster(ax, "result"), "second argument")
    hint(exercises.check_raster(..., population), "Replace the `...`")
    hint(exercises.check_raster(population, population), "pass the axes")
    curve = axes()
    curve.plot([0, 1], [0, 1])
    hint(exercises.check_raster(curve, population), "no points")


# --- 02 (checked in 04): the explorer app's questions ---------------------------------------------------------


def test_the_app_questions_use_the_explorers_default_input() -> None:
    arguments = simulation_arguments({})
    weight = arguments["input_weight"]
    assert weight is not None  # the default input is spikes of a weight
    weighted = arguments["input"].float() * weight
    assert torch.equal(_explorer_app.explorer_default_input(), weighted)
    assert simulation_arguments({})["p"] == LIFParameters(v_th=0.3)


def test_half_silent_counts_silent_neurons_as_a_simulation_does() -> None:
    for v_th in (0.3, 0.46):
        run = simulate(**simulation_arguments({"v_th": v_th}))
        silent = int((analysis.spike_counts(run) == 0).sum())
        facts = _explorer_app._read_silent(v_th)
        assert facts.silent == silent
    assert _explorer_app._read_silent(0.3).silent == 129  # notebook 01's population


def test_half_silent_verdicts() -> None:
    right(exercises.check_half_silent(0.46), "silences exactly half")
    hint(exercises.check_half_silent(0.3), "raise the threshold")
    hint(exercises.check_half_silent(0.7), "lower the threshold")
    hint(exercises.check_half_silent(-1), "above v_reset")
    hint(exercises.check_half_silent("0.46"), "without quotes")


@pytest.mark.parametrize(
    ("answer", "words"),
    [(5, ["one spike's jump"]), (0.01, ["per step itself"]), (50, ["probability"]), (1, ["product"])],
)
def test_spike_drive_hints(answer: float, words: list[str]) -> None:
    hint(exercises.check_spike_drive(answer), *words)


def test_spike_drive_accepts_weight_times_rate_times_dt_over_the_rheobase() -> None:
    right(exercises.check_spike_drive(0.05), "0.05 times the rheobase")
    right(exercises.check_spike_drive(0.4, weight=2.0, rate=40.0))


# --- 05: the time constants ---------------------------------------------------------------------------------


def test_notebook_05s_neuron_is_the_explorers() -> None:
    values = {"input_kind": "step", "n_neurons": 1, "duration": 200, "v_th": 1.0, "scale": 1.5}
    for tau_mem, tau_syn in ((5.0, 5.0), (40.0, 5.0), (10.0, 10.0)):
        run = simulate(**simulation_arguments({**values, "tau_mem": tau_mem, "tau_syn": tau_syn}))
        steps, _ = run.spike_indices()
        assert _zoom.first_spike_and_count(tau_mem, tau_syn) == (
            float(run.times_ms[steps[0]]),
            run.total_spikes,
        )


def test_first_spike_and_tau_syn_verdicts() -> None:
    right(exercises.check_first_spike(" Later"), "49 ms", "87 ms")
    hint(exercises.check_first_spike("earlier"), "slows the approach")
    hint(exercises.check_first_spike("same"), "how fast")
    hint(exercises.check_first_spike("sooner"), '"earlier" or "later" or "same"')
    hint(exercises.check_first_spike(1), "in quotes")
    right(exercises.check_tau_syn_effect("more"), "14 spikes", "37 at 10 ms", "plateau")
    hint(exercises.check_tau_syn_effect("fewer"), "settles higher", "earlier")
    hint(exercises.check_tau_syn_effect("same"), "more than set how fast")


# --- 03: hints for the mistakes people make ---------------------------------------------------------------


def test_a_continuous_time_rate_gets_a_hint_about_whole_steps() -> None:
    continuous, fractional = _threshold.continuous_rates(0.4, LIFParameters(), 1e-3)
    assert continuous == pytest.approx(1000 / (10 * np.log(2)))  # 144.3 Hz: within 2% of 142.9
    hint(exercises.check_firing_rate(continuous), "between steps", "whole number of steps")
    hint(exercises.check_firing_rate(fractional), "between steps")
    right(exercises.check_firing_rate(142.9))
    right(exercises.check_firing_rate(142))

    def continuous_rate(x: float) -> float:
        return _threshold.continuous_rates(x, LIFParameters(), 1e-3)[0]

    hint(exercises.check_rate_function(continuous_rate), "continuous-time formula", "stairs")


def test_moving_the_rheobase_the_wrong_way_names_the_synaptic_time_constant() -> None:
    fast = LIFParameters(tau_syn_inv=400.0)
    hint(exercises.check_rheobase(0.1, fast), "wrong way", "synaptic time constant", "tau_mem_inv does not")
    right(exercises.check_rheobase(0.4, fast))
    slow = LIFParameters(tau_syn_inv=100.0)
    hint(exercises.check_rheobase(0.4, slow), "wrong way")


def test_the_strict_threshold_is_named_where_it_decides(
    seed_states: tuple[torch.Tensor, torch.Tensor],
) -> None:
    hint(exercises.check_firing_rate(100.0, x=0.2), "strictly above")
    right(exercises.check_firing_rate(0.0, x=0.2))
    exactly = 1.0 / float(seed_states[0].max())
    hint(exercises.check_spiking_scale(exactly), "strictly above", "headroom")
    right(exercises.check_spiking_scale(exactly * 1.001))
