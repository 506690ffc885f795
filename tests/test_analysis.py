"""Measures of spiking (lifteach/analysis/): counts, rates, ISIs, CV, PSTH, rheobase, predicted f-I."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from lifteach import LIFParameters, LIFState, Result, analysis, simulate
from lifteach.analysis import (
    coefficient_of_variation,
    fi_curve,
    firing_rates,
    interspike_intervals,
    population_rate,
    predicted_rate,
    rheobase,
    spike_counts,
)
from lifteach.inputs import constant_current, poisson_spikes


def result_with_spikes(spikes: list[list[int]], dt: float = 1e-3) -> Result:
    """A tiny Result whose spikes are given (rows: steps, columns: neurons), for exact expectations."""
    tensor = torch.tensor(spikes, dtype=torch.bool)
    neurons = tensor.shape[1]
    return Result(
        spikes=tensor,
        v=None,
        i=None,
        recorded_neurons=torch.arange(0),
        dt=dt,
        p=LIFParameters(),
        input=torch.zeros(tensor.shape),
        final_state=LIFState(v=torch.zeros(neurons), i=torch.zeros(neurons)),
    )


# Three neurons over 10 steps of 2 ms: neuron 0 fires at steps 1, 4, 7; neuron 1 at 0 and 9; neuron 2 never.
TINY = result_with_spikes(
    [
        [0, 1, 0],
        [1, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [1, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [1, 0, 0],
        [0, 0, 0],
        [0, 1, 0],
    ],
    dt=2e-3,
)


def test_spike_counts() -> None:
    assert spike_counts(TINY).tolist() == [3, 2, 0]


def test_firing_rates_are_in_hz() -> None:
    # 10 steps of 2 ms = 20 ms: 3 spikes is 150 Hz, 2 spikes 100 Hz.
    assert firing_rates(TINY).tolist() == pytest.approx([150.0, 100.0, 0.0])


def test_interspike_intervals_are_in_seconds() -> None:
    assert interspike_intervals(TINY, 0) == pytest.approx([0.006, 0.006])
    assert interspike_intervals(TINY, 1) == pytest.approx([0.018])
    assert len(interspike_intervals(TINY, 2)) == 0


def test_coefficient_of_variation() -> None:
    assert coefficient_of_variation([0.01, 0.01, 0.01]) == 0.0
    assert coefficient_of_variation([1.0, 3.0]) == pytest.approx(0.5)
    assert math.isnan(coefficient_of_variation([0.01]))
    assert math.isnan(coefficient_of_variation([]))


def test_regular_firing_has_a_cv_near_zero_and_poisson_driven_firing_a_larger_one() -> None:
    regular = simulate(constant_current(0.3, steps=2000), record=())
    regular_intervals = interspike_intervals(regular)
    assert len(regular_intervals) > 20
    assert coefficient_of_variation(regular_intervals) < 0.01
    driven = simulate(
        poisson_spikes(300.0, steps=5000, neurons=1, seed=7).float() * 0.3, LIFParameters(v_th=0.3)
    )
    driven_intervals = interspike_intervals(driven)
    assert len(driven_intervals) > 20
    assert coefficient_of_variation(driven_intervals) > 0.2


def test_population_rate_bins_spikes_per_neuron_in_hz() -> None:
    # Bins of 4 ms = 2 steps: steps (0,1) hold 2 spikes, (2,3) none, (4,5) one, (6,7) one, (8,9) one.
    # Rate per neuron = spikes / (3 neurons x 4 ms).
    starts, rate = population_rate(TINY, bin_width=0.004)
    assert starts.tolist() == pytest.approx([0.0, 4.0, 8.0, 12.0, 16.0])
    assert rate.tolist() == pytest.approx([2 / 0.012, 0.0, 1 / 0.012, 1 / 0.012, 1 / 0.012])


def test_population_rate_averages_a_last_partial_bin_over_its_own_length() -> None:
    # Bins of 3 steps (6 ms): steps 0-2, 3-5, 6-8 and a last bin of step 9 alone (2 ms) with one spike.
    starts, rate = population_rate(TINY, bin_width=0.006)
    assert starts.tolist() == pytest.approx([0.0, 6.0, 12.0, 18.0])
    assert rate[-1] == pytest.approx(1 / (3 * 0.002))
    # The mean over time, weighted by bin length, is the mean firing rate.
    lengths = np.array([3, 3, 3, 1]) * 0.002
    assert (rate * lengths).sum() / lengths.sum() == pytest.approx(firing_rates(TINY).mean().item())


def test_rheobase_with_the_defaults_is_0_2() -> None:
    assert rheobase() == pytest.approx(0.2)
    assert rheobase(LIFParameters(v_th=0.3)) == pytest.approx(0.06)
    assert rheobase(LIFParameters(v_leak=-0.5), dt=5e-4) == pytest.approx(1.5 * 5e-4 * 200)


def test_the_rheobase_separates_silence_from_firing() -> None:
    threshold_input = rheobase()
    silent = simulate(constant_current(threshold_input * 0.999, steps=5000), record=())
    firing = simulate(constant_current(threshold_input * 1.01, steps=5000), record=())
    assert silent.total_spikes == 0
    assert firing.total_spikes > 0


@pytest.mark.parametrize(
    ("x", "p"),
    [
        (0.21, LIFParameters()),
        (0.25, LIFParameters()),
        (0.4, LIFParameters()),
        (1.0, LIFParameters()),
        (3.0, LIFParameters()),
        (0.08, LIFParameters(v_th=0.3, v_reset=-0.2)),
        (0.5, LIFParameters(tau_mem_inv=50.0, tau_syn_inv=400.0, v_leak=0.1)),
    ],
)
def test_the_predicted_rate_matches_a_long_simulation_within_one_spike(x: float, p: LIFParameters) -> None:
    # The prediction is the steady rate; the run starts with no current, and at high rates that start-up
    # costs a few spikes. So count from 200 ms on, when the current has settled (40 synaptic time constants).
    settled, duration = 200, 2000
    result = simulate(constant_current(x, steps=duration), p, record=())
    rate = predicted_rate(x, p)
    assert rate > 0
    steady_spikes = int(result.spikes[settled:].sum())
    assert abs(steady_spikes - rate * (duration - settled) * 1e-3) <= 1
    # In the steady state the neuron is a clock whose period is the predicted one.
    intervals = interspike_intervals(result)[-10:]
    assert intervals == pytest.approx(np.full(10, 1 / rate))
    # Over the whole run, the start-up costs less than the time to the first spike.
    first_spike = int(result.spikes[:, 0].nonzero()[0])
    assert 0 <= rate * duration * 1e-3 - result.total_spikes <= 1 + rate * first_spike * 1e-3


def test_the_predicted_rate_is_zero_at_and_below_the_rheobase() -> None:
    assert predicted_rate(0.0) == 0.0
    assert predicted_rate(0.2) == 0.0
    assert predicted_rate(-1.0) == 0.0
    assert predicted_rate(0.2001) > 0


def test_fi_curve_simulates_and_predicts_the_same_rates() -> None:
    values, simulated, predicted = fi_curve([0.1, 0.2, 0.3, 0.6, 1.2], duration=2.0)
    assert values.tolist() == pytest.approx([0.1, 0.2, 0.3, 0.6, 1.2])
    # At and below the rheobase (0.2) both are silent.
    assert simulated[0] == simulated[1] == predicted[0] == predicted[1] == 0.0
    # Within the spikes lost while the current builds up from zero (a few at the highest rate) over 2 s.
    assert np.all(np.abs(simulated - predicted) <= 3 / 2.0)
    assert np.all(np.diff(simulated) >= 0)  # more input, faster firing


@pytest.mark.parametrize(
    "p", [LIFParameters(), LIFParameters(v_th=0.7), LIFParameters(v_th=0.3, v_leak=-0.1)]
)
def test_fi_curve_in_multiples_of_the_rheobase_is_silent_at_one(p: LIFParameters) -> None:
    # float32(0.2) is a little above 0.2: predicting from the rounded input would fire at 1x the rheobase.
    multiples = [0.5, 1.0, 1.5, 3.0]
    _, simulated, predicted = fi_curve([m * rheobase(p) for m in multiples], p, duration=1.0)
    assert simulated[1] == predicted[1] == 0.0
    assert predicted[2] > 0 and simulated[2] > 0


# --- what the panels draw ----------------------------------------------------------------------------------


def test_spike_times_are_in_ms_sorted_by_time_and_can_sample_every_kth_neuron() -> None:
    times, neurons = analysis.spike_times_ms(TINY)  # dt = 2 ms
    assert times.tolist() == [0.0, 2.0, 8.0, 14.0, 18.0]
    assert neurons.tolist() == [1, 0, 0, 0, 1]
    times, neurons = analysis.spike_times_ms(TINY, every=2)  # neurons 0 and 2
    assert times.tolist() == [2.0, 8.0, 14.0] and neurons.tolist() == [0, 0, 0]


def test_spike_density_counts_spikes_in_blocks_of_steps_and_neurons() -> None:
    # Blocks of 2 steps x 2 neurons (neuron 2 alone in the last block of neurons).
    density = analysis.spike_density(TINY, max_time_bins=5, max_neuron_bins=2)
    assert density.tolist() == [[2, 0, 1, 1, 1], [0, 0, 0, 0, 0]]
    assert analysis.spike_density(TINY, every=2, max_time_bins=10).tolist() == [
        [0, 1, 0, 0, 1, 0, 0, 1, 0, 0],
        [0] * 10,
    ]


def test_spike_density_of_a_large_run_is_small_and_adds_up_to_its_spikes() -> None:
    run = simulate(poisson_spikes(50.0, 1200, 450, seed=4), LIFParameters(v_th=0.3), record=())
    density = analysis.spike_density(run)
    assert density.shape == (150, 400)  # 3 neurons x 3 steps per cell: at most 200 x 500 cells
    assert density.sum() == run.total_spikes > 0
    assert analysis.spike_density(run, every=3).sum() == int(run.spikes[:, ::3].sum())


def test_input_totals_count_input_spikes_or_add_up_a_current() -> None:
    spikes = poisson_spikes(50.0, 200, 30, seed=3)
    per_neuron = spikes.sum(0).numpy()
    counted = analysis.input_totals(simulate(spikes))
    assert counted.counts_spikes and counted.weight == 1.0
    np.testing.assert_array_equal(counted.per_neuron, per_neuron)
    weighted = analysis.input_totals(simulate(spikes.float() * 0.5))
    assert weighted.counts_spikes and weighted.weight == 0.5
    np.testing.assert_array_equal(weighted.per_neuron, per_neuron)
    current = analysis.input_totals(simulate(constant_current(0.1, 100, 4)))
    assert not current.counts_spikes and current.weight is None
    np.testing.assert_allclose(current.per_neuron, np.full(4, 10.0))
    # Spikes of different weights are a current: their sum is what the neuron received.
    mixed = spikes.float() * torch.linspace(0.5, 1.0, 30)
    totals = analysis.input_totals(simulate(mixed))
    assert not totals.counts_spikes
    np.testing.assert_allclose(totals.per_neuron, mixed.sum(0).double().numpy())


def test_whole_number_histograms_centre_bins_on_the_numbers() -> None:
    counts, edges = analysis.whole_number_histogram(np.array([0, 1, 1, 3]))
    assert counts.tolist() == [1, 2, 0, 1]
    assert edges.tolist() == [-0.5, 0.5, 1.5, 2.5, 3.5]
    counts, edges = analysis.whole_number_histogram(np.array([-2, 1]))
    assert edges[0] == -2.5 and counts.tolist() == [1, 0, 0, 1]
    # Wide ranges share bins but still count every value once.
    counts, edges = analysis.whole_number_histogram(np.arange(0, 201), max_bins=60)
    assert len(counts) <= 60 and counts.sum() == 201 and np.all(np.diff(edges) == 4)
    counts, edges = analysis.whole_number_histogram(np.array([], dtype=np.int64))
    assert counts.tolist() == [0] and edges.tolist() == [-0.5, 0.5]


def test_value_histograms_span_the_values_and_widen_around_equal_ones() -> None:
    counts, edges = analysis.value_histogram(np.array([1.0, 2.0, 3.0]), bins=2)
    assert counts.tolist() == [1, 2] and edges.tolist() == [1.0, 2.0, 3.0]
    counts, edges = analysis.value_histogram(np.array([5.0, 5.0]))
    assert counts.sum() == 2 and edges[0] == 4.5 and edges[-1] == 5.5


def test_fi_curve_points_are_the_closed_form_and_the_simulation_in_units() -> None:
    p, unit = LIFParameters(v_th=0.5), rheobase()
    curve = analysis.fi_curve_points(p, unit=unit, max_input=2.0, points=5, line_points=9)
    assert curve.line_inputs.tolist() == np.linspace(0.0, 2.0, 9).tolist()
    assert curve.predicted_hz.tolist() == [predicted_rate(float(x) * unit, p) for x in curve.line_inputs]
    assert curve.sampled_inputs.tolist() == [0.0, 0.5, 1.0, 1.5, 2.0]
    _, simulated, _ = fi_curve(torch.from_numpy(curve.sampled_inputs * unit), p)
    np.testing.assert_array_equal(curve.simulated_hz, simulated)
    assert curve.simulated_hz[1] == 0.0 < curve.simulated_hz[-1]  # silent up to its rheobase, 0.5 units


def test_fi_curve_points_are_remembered_read_only_and_need_one_neuron() -> None:
    first = analysis.fi_curve_points(LIFParameters(v_th=0.75), unit=0.2, max_input=3.0, points=4)
    again = analysis.fi_curve_points(
        LIFParameters(v_th=torch.tensor(0.75)), unit=0.2, max_input=3.0, points=4
    )
    assert again is first  # a tensor of one value means the same neuron: the same curve, not a new run
    with pytest.raises(ValueError, match="read-only"):
        first.simulated_hz[0] = 1.0
    with pytest.raises(ValueError, match=r"one value of p\.v_th"):
        analysis.fi_curve_points(LIFParameters(v_th=torch.tensor([0.5, 1.0])), unit=0.2, max_input=3.0)
    with pytest.raises(ValueError, match="max_input"):
        analysis.fi_curve_points(unit=0.2, max_input=0.0)


@pytest.mark.parametrize(("x", "refractory"), [(0.4, 2e-3), (1.0, 5e-3), (3.0, 1e-3), (0.25, 10e-3)])
def test_the_predicted_rate_with_a_refractory_period_matches_a_simulation(
    x: float, refractory: float
) -> None:
    rate = predicted_rate(x, refractory=refractory)
    assert 0 < rate <= 1 / refractory + 1e-9
    assert rate < predicted_rate(x)
    result = simulate(constant_current(x, steps=2000), record=(), refractory=refractory)
    intervals = interspike_intervals(result)[-10:]
    assert intervals == pytest.approx(np.full(10, 1 / rate))  # the steady clock has the predicted period


def test_fi_curve_with_a_refractory_period_saturates_at_one_over_it() -> None:
    _, simulated, predicted = fi_curve([0.1, 0.4, 2.0, 20.0], duration=1.0, refractory=5e-3)
    assert predicted[0] == simulated[0] == 0.0
    assert np.all(predicted <= 200.0) and predicted[-1] > 150.0
    assert np.all(np.abs(simulated - predicted) <= 3.0)
    assert predicted_rate(0.4, refractory=0.0) == predicted_rate(0.4)


@pytest.mark.parametrize(("refractory", "dt"), [(0.0, 1e-3), (2e-3, 1e-3), (5e-3, 1e-3), (2e-3, 1e-4)])
def test_the_highest_rate_is_one_over_the_refractory_period_plus_a_step(refractory: float, dt: float) -> None:
    # A held step cannot spike and leaves the voltage at v_reset: the climb takes at least one more step.
    top = 1 / (refractory + dt)
    huge = 1000 * analysis.rheobase(dt=dt)  # one step lifts v from v_reset far above v_th
    assert predicted_rate(huge, dt=dt, refractory=refractory) == pytest.approx(top)
    strong = simulate(constant_current(huge, steps=200), dt=dt, record=(), refractory=refractory)
    assert interspike_intervals(strong) == pytest.approx(np.full(len(interspike_intervals(strong)), 1 / top))
    for scale in (1.5, 5.0, 10.0, 100.0):
        assert predicted_rate(scale * analysis.rheobase(dt=dt), dt=dt, refractory=refractory) <= top


def test_the_continuous_rate_is_the_textbook_formula_and_the_limit_of_small_steps() -> None:
    x = 5 * analysis.rheobase()  # the target V = 5: T = tau_mem ln(5 / 4)
    assert analysis.continuous_rate(x) == pytest.approx(1 / (0.01 * math.log(5 / 4)))
    assert analysis.continuous_rate(x, refractory=2e-3) == pytest.approx(1 / (0.01 * math.log(5 / 4) + 2e-3))
    assert analysis.continuous_rate(analysis.rheobase()) == 0.0 == analysis.continuous_rate(0.0)
    # The same current at every dt: the discrete interval is less than a step longer or shorter.
    for dt in (1e-3, 1e-4, 1e-5):
        scaled = 5 * analysis.rheobase(dt=dt)
        assert abs(1 / predicted_rate(scaled, dt=dt) - 1 / analysis.continuous_rate(scaled, dt=dt)) < dt
    assert predicted_rate(x) == pytest.approx(1000 / 3)  # 333.3 Hz against the continuous 448.1 Hz
    with pytest.raises(ValueError, match=r"refractory must be at least 0 s"):
        analysis.continuous_rate(x, refractory=-1e-3)
    with pytest.raises(ValueError, match="x"):
        analysis.continuous_rate(math.nan)


def test_a_negative_refractory_period_is_refused() -> None:
    with pytest.raises(ValueError, match=r"refractory must be at least 0 s.*-0.001"):
        predicted_rate(0.4, refractory=-1e-3)
    with pytest.raises(ValueError, match="refractory"):
        simulate(torch.zeros(10, 1), refractory=-1e-3)


def test_a_refractory_period_is_counted_in_the_nearest_whole_steps_halves_up() -> None:
    # Whole steps at every dt the explorer offers; a tie goes up (not to the even number as round() would).
    for dt, refractory, steps in [
        (1e-3, 2e-3, 2),
        (1e-4, 2e-3, 20),
        (1e-4, 3e-4, 3),  # 2.9999999999999996 steps in floats
        (1e-3, 2.5e-3, 3),
        (1e-3, 3.5e-3, 4),
        (1e-4, 1.5e-4, 2),  # 1.4999999999999998 steps in floats, a tie on paper
        (1e-3, 0.4e-3, 0),
    ]:
        assert simulate(torch.zeros(3, 1), dt=dt, refractory=refractory).refractory == pytest.approx(
            steps * dt
        )


def test_the_rate_ceiling_is_one_spike_per_refractory_period_plus_one_step() -> None:
    assert analysis.rate_ceiling(1e-3, 2e-3) == pytest.approx(1000 / 3)
    assert analysis.rate_ceiling(1e-4, 2e-3) == pytest.approx(1 / 2.1e-3)
    assert analysis.rate_ceiling(1e-3) == pytest.approx(1000.0)  # without one: a spike every step
    # The closed form climbs to it and never past it; an input that crosses the threshold in one step reaches it.
    inputs = np.linspace(0.21, 40.0, 300)
    rates = [predicted_rate(float(x), refractory=5e-3) for x in inputs]
    ceiling = analysis.rate_ceiling(1e-3, 5e-3)
    assert np.all(np.diff(rates) >= 0) and max(rates) <= ceiling
    assert predicted_rate(40.0, refractory=5e-3) == pytest.approx(ceiling)
    # And so does a simulation: a strong input fires at the ceiling, whatever the neuron.
    for p in (LIFParameters(), LIFParameters(v_th=0.3, tau_mem_inv=50.0)):
        run = simulate(constant_current(50.0, steps=1200), p, record=(), refractory=5e-3)
        assert interspike_intervals(run)[-5:] == pytest.approx(np.full(5, 1 / ceiling))
    with pytest.raises(ValueError, match="refractory must be at least 0 s"):
        analysis.rate_ceiling(1e-3, -1.0)
    with pytest.raises(ValueError, match="dt"):
        analysis.rate_ceiling(0.0)


def test_fi_curve_points_with_a_refractory_period_are_its_closed_form_and_simulation() -> None:
    unit = rheobase()
    curve = analysis.fi_curve_points(unit=unit, max_input=12.0, points=7, line_points=25, refractory=3e-3)
    assert curve.predicted_hz.tolist() == [
        predicted_rate(float(x) * unit, refractory=3e-3) for x in curve.line_inputs
    ]
    _, simulated, _ = fi_curve(torch.from_numpy(curve.sampled_inputs * unit), refractory=3e-3)
    np.testing.assert_array_equal(curve.simulated_hz, simulated)
    ceiling = analysis.rate_ceiling(1e-3, 3e-3)
    assert curve.predicted_hz.max() == pytest.approx(ceiling) and curve.simulated_hz.max() <= ceiling
    free = analysis.fi_curve_points(unit=unit, max_input=12.0, points=7, line_points=25)
    assert np.all(curve.predicted_hz <= free.predicted_hz) and free.predicted_hz.max() > ceiling


def test_coefficients_of_variation_give_one_cv_per_neuron() -> None:
    # Neuron 0 fires like a clock, neuron 1 at irregular steps, neuron 2 twice (one interval), neuron 3 never.
    spikes = torch.zeros(100, 4, dtype=torch.bool)
    spikes[[10, 20, 30, 40], 0] = True
    spikes[[5, 6, 16, 46], 1] = True
    spikes[[10, 90], 2] = True
    run = dataclasses.replace(simulate(torch.zeros(100, 4), record=()), spikes=spikes)
    cvs = analysis.coefficients_of_variation(run)
    assert cvs.shape == (4,)
    assert cvs[0] == 0.0
    assert cvs[1] == pytest.approx(coefficient_of_variation(np.array([1.0, 10.0, 30.0]) * 1e-3))
    assert math.isnan(cvs[2]) and math.isnan(cvs[3])
    assert cvs[1] == pytest.approx(coefficient_of_variation(interspike_intervals(run, 1)))
    fewer = analysis.coefficients_of_variation(run, min_intervals=3)
    assert fewer[0] == 0.0 and not math.isnan(fewer[1])
    assert math.isnan(analysis.coefficients_of_variation(run, min_intervals=4)[0])
    with pytest.raises(ValueError, match="min_intervals must be at least 2"):
        analysis.coefficients_of_variation(run, min_intervals=1)
