"""simulate(): the teaching entry point records only what is asked and returns one Result."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from lifteach import LIF, LIFParameters, LIFRefracState, LIFState, Result, analysis, simulate
from lifteach.inputs import poisson_spikes
from lifteach.simulate import DEFAULT_RECORDED


def test_a_large_run_keeps_only_the_requested_neurons_traces() -> None:
    x = poisson_spikes(20.0, steps=200, neurons=100_000, seed=0)
    result = simulate(x, LIFParameters(v_th=0.3), record_neurons=[0, 1])
    assert result.spikes.shape == (200, 100_000)
    assert result.spikes.dtype == torch.bool
    assert result.v is not None and result.v.shape == (200, 2)
    assert result.i is not None and result.i.shape == (200, 2)
    assert result.recorded_neurons.tolist() == [0, 1]
    assert isinstance(result.final_state, LIFState) and result.final_state.v.shape == (100_000,)


def test_the_default_records_the_first_ten_neurons() -> None:
    result = simulate(torch.rand(50, 40, generator=torch.Generator().manual_seed(0)))
    assert result.recorded_neurons.tolist() == list(range(DEFAULT_RECORDED)) == list(range(10))
    assert result.v is not None and result.v.shape == (50, 10)
    few = simulate(torch.rand(50, 3))
    assert few.recorded_neurons.tolist() == [0, 1, 2]


def test_recorded_traces_equal_the_full_modules_traces_and_spikes() -> None:
    x = torch.rand(300, 25, generator=torch.Generator().manual_seed(1)) < 0.05
    p = LIFParameters(v_th=0.3)
    spikes, states = LIF(p, record_states=True)(x)
    for neurons in ([3, 17, 0], range(5, 9), torch.tensor([24]), "all"):
        result = simulate(x, p, record_neurons=neurons)
        chosen = result.recorded_neurons
        assert torch.equal(result.spikes, spikes.bool())
        assert result.v is not None and result.i is not None
        assert torch.equal(result.v, states.v[:, chosen])
        assert torch.equal(result.i, states.i[:, chosen])
        assert isinstance(result.final_state, LIFState)
        assert torch.equal(result.final_state.v, states.v[-1])


def test_record_names_choose_the_traces() -> None:
    x = torch.rand(20, 4)
    only_v = simulate(x, record=("v",))
    assert only_v.v is not None and only_v.i is None
    only_i = simulate(x, record="i")
    assert only_i.v is None and only_i.i is not None
    nothing = simulate(x, record=())
    assert nothing.v is None and nothing.i is None
    assert nothing.recorded_neurons.numel() == 0


def test_one_dimensional_input_is_one_neuron() -> None:
    result = simulate(torch.full((100,), 0.5))
    assert result.spikes.shape == (100, 1)
    assert result.n_neurons == 1 and result.n_steps == 100


def test_the_result_describes_its_run() -> None:
    x = torch.zeros(250, 2)
    x[10, 0] = 50.0
    p = LIFParameters(v_th=0.5)
    result = simulate(x, p, dt=2e-3)
    assert isinstance(result, Result)
    assert result.p is p and result.input is x and result.dt == 2e-3
    assert result.duration == 0.5
    assert np.allclose(result.times_ms, np.arange(250) * 2.0)
    assert result.total_spikes == int(result.spikes.sum()) > 0
    steps, neurons = result.spike_indices()
    assert (neurons == 0).all() and steps[0] == 10 and (np.diff(steps) > 0).all()


def test_continuing_from_the_final_state_equals_one_run() -> None:
    x = torch.rand(400, 6, generator=torch.Generator().manual_seed(2)) * 0.6
    whole = simulate(x, record_neurons="all")
    first = simulate(x[:100], record_neurons="all")
    second = simulate(x[100:], record_neurons="all", state=first.final_state)
    assert torch.equal(torch.cat([first.spikes, second.spikes]), whole.spikes)
    assert first.v is not None and second.v is not None and whole.v is not None
    assert torch.equal(torch.cat([first.v, second.v]), whole.v)


def test_simulate_leaves_the_global_random_state_alone() -> None:
    before = torch.random.get_rng_state()
    simulate(poisson_spikes(100.0, 100, 50, seed=3))
    assert torch.equal(torch.random.get_rng_state(), before)


def test_the_result_counts_its_spikes_once_for_every_reader() -> None:
    result = simulate(poisson_spikes(50.0, 300, 40, seed=5), LIFParameters(v_th=0.3))
    counts = result.spikes_per_neuron
    assert counts.dtype == np.int64 and counts.shape == (40,)
    np.testing.assert_array_equal(counts, result.spikes.sum(0).numpy())
    assert result.spikes_per_neuron is counts  # counted once, kept on the result
    np.testing.assert_array_equal(result.spikes_per_step, result.spikes.sum(1).numpy())
    assert result.spikes_per_step is result.spikes_per_step
    assert result.total_spikes == int(result.spikes.sum()) == counts.sum()
    # No reader can change the numbers the others see; analysis hands out its own copy.
    with pytest.raises(ValueError, match="read-only"):
        counts[0] = -1
    copy = analysis.spike_counts(result)
    copy[0] = -1
    assert result.spikes_per_neuron[0] >= 0


def test_the_result_knows_its_duration_in_ms_and_its_mean_input() -> None:
    x = torch.zeros(250, 2)
    x[10, 0] = 50.0
    result = simulate(x, dt=2e-3)
    assert result.duration_ms == 500.0 == result.duration * 1000
    assert result.mean_input == pytest.approx(50.0 / 500)
    spikes = torch.zeros(100, 4, dtype=torch.bool)
    spikes[::10, 1] = True
    assert simulate(spikes).mean_input == 10 / 400  # share of steps and neurons with an input spike


def test_the_result_stays_frozen_with_its_cached_numbers() -> None:
    result = simulate(torch.zeros(5, 2))
    assert result.spikes_per_neuron.tolist() == [0, 0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.dt = 1.0  # type: ignore[misc]  # the point of the test


def test_an_input_weight_equals_the_weighted_float_input_bit_for_bit() -> None:
    spikes_in = poisson_spikes(30.0, steps=400, neurons=50, seed=4)
    p = LIFParameters(v_th=0.3)
    for weight in (0.25, 0.7, -0.4, 3.0):
        weighted = simulate(spikes_in, p, input_weight=weight, record_neurons="all")
        materialised = simulate(spikes_in.float() * weight, p, record_neurons="all")
        assert torch.equal(weighted.spikes, materialised.spikes)
        assert weighted.v is not None and materialised.v is not None
        assert torch.equal(weighted.v, materialised.v)
        assert weighted.input is spikes_in and weighted.input_weight == weight
    assert simulate(spikes_in, p, input_weight=0.7).total_spikes > 0
    assert simulate(spikes_in).input_weight == 1.0


def test_a_refractory_period_spaces_the_spikes() -> None:
    x = torch.full((1000, 1), 2.0)  # ten times the rheobase: without a refractory period it fires every step
    free = simulate(x)
    held = simulate(x, refractory=4e-3)
    assert held.refractory == 4e-3 and free.refractory == 0.0
    gaps = np.diff(held.spike_indices()[0])
    assert gaps.min() >= 5  # the spike step and 4 held steps
    assert held.total_spikes < free.total_spikes
    # The same period at a finer dt is the same time, in more steps.
    finer = simulate(torch.full((4000, 1), 0.5), dt=2.5e-4, refractory=4e-3)
    assert np.diff(finer.spike_indices()[0]).min() >= 17


def test_continuing_a_refractory_run_from_its_final_state_equals_one_run() -> None:
    x = torch.rand(300, 8, generator=torch.Generator().manual_seed(3)) * 0.9
    whole = simulate(x, refractory=3e-3, record_neurons="all")
    first = simulate(x[:101], refractory=3e-3, record_neurons="all")
    assert isinstance(first.final_state, LIFRefracState)
    second = simulate(x[101:], refractory=3e-3, record_neurons="all", state=first.final_state)
    assert torch.equal(torch.cat([first.spikes, second.spikes]), whole.spikes)
    assert first.v is not None and second.v is not None and whole.v is not None
    assert torch.equal(torch.cat([first.v, second.v]), whole.v)
    assert whole.total_spikes > 0
