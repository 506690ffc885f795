"""Ready-made inputs (lifteach/inputs.py): shapes, dtypes, seeds, the global RNG, Poisson statistics."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch

from lifteach import inputs

RANDOM_INPUTS: dict[str, Callable[..., torch.Tensor]] = {
    "poisson_spikes": lambda seed: inputs.poisson_spikes(40.0, steps=500, neurons=30, seed=seed),
    "noisy_current": lambda seed: inputs.noisy_current(0.1, 0.05, steps=500, neurons=30, seed=seed),
}


def test_shapes_and_dtypes() -> None:
    assert inputs.poisson_spikes(10.0, 100, 7).shape == (100, 7)
    assert inputs.poisson_spikes(10.0, 100, 7).dtype == torch.bool
    assert inputs.poisson_spikes(10.0, 100).shape == (100, 1)
    for current in (
        inputs.constant_current(0.3, 100, 7),
        inputs.step_current(0.3, 100, 7),
        inputs.pulses([0.01], 100, 7),
        inputs.noisy_current(0.1, 0.2, 100, 7),
    ):
        assert current.shape == (100, 7)
        assert current.dtype == torch.float32


@pytest.mark.parametrize("name", sorted(RANDOM_INPUTS))
def test_a_seed_reproduces_and_another_seed_differs(name: str) -> None:
    make = RANDOM_INPUTS[name]
    assert torch.equal(make(1), make(1))
    assert not torch.equal(make(1), make(2))


@pytest.mark.parametrize("name", sorted(RANDOM_INPUTS))
def test_a_generator_is_used_and_advanced(name: str) -> None:
    make = RANDOM_INPUTS[name]
    gen = torch.Generator().manual_seed(5)
    first, second = make(gen), make(gen)
    assert not torch.equal(first, second)  # the generator moved on
    assert torch.equal(first, make(torch.Generator().manual_seed(5)))


@pytest.mark.parametrize("name", sorted(RANDOM_INPUTS))
def test_the_global_random_state_is_untouched(name: str) -> None:
    before = torch.random.get_rng_state()
    RANDOM_INPUTS[name](0)
    RANDOM_INPUTS[name](torch.Generator().manual_seed(0))
    assert torch.equal(torch.random.get_rng_state(), before)


def test_poisson_spikes_have_the_asked_mean_rate() -> None:
    rate, steps, neurons, dt = 50.0, 4000, 250, 1e-3
    spikes = inputs.poisson_spikes(rate, steps, neurons, dt=dt, seed=11)
    measured = spikes.sum().item() / (neurons * steps * dt)
    # 50,000 expected spikes, sd ~ 218: 2% is more than 4 standard deviations.
    assert measured == pytest.approx(rate, rel=0.02)


def test_poisson_spikes_take_one_rate_per_neuron_and_respect_dt() -> None:
    rates = torch.tensor([0.0, 20.0, 100.0, 500.0])
    spikes = inputs.poisson_spikes(rates, steps=20_000, neurons=4, dt=5e-4, seed=3)
    measured = spikes.sum(0).double() / (20_000 * 5e-4)
    assert measured[0] == 0
    assert torch.allclose(measured[1:], rates[1:].double(), rtol=0.1)
    assert inputs.poisson_spikes(1000.0, 50, 3, dt=1e-3).all()  # rate = 1/dt: a spike at every step
    assert not inputs.poisson_spikes(0.0, 50, 3).any()


def test_constant_current_is_constant() -> None:
    assert torch.equal(inputs.constant_current(0.25, 10, 2), torch.full((10, 2), 0.25))


def test_step_current_starts_and_stops_at_the_given_times() -> None:
    current = inputs.step_current(0.5, steps=100, neurons=2, start=0.02, stop=0.05, dt=1e-3)
    assert not current[:20].any()
    assert torch.equal(current[20:50], torch.full((30, 2), 0.5))
    assert not current[50:].any()
    to_the_end = inputs.step_current(0.5, steps=100, start=0.09)
    assert to_the_end[:90].sum() == 0 and (to_the_end[90:] == 0.5).all()


def test_pulses_are_the_seed_tutorials_input() -> None:
    data = torch.zeros(1000, 1)
    data[100] = 1.0
    data[120] = 1.0
    assert torch.equal(inputs.pulses([0.100, 0.120], steps=1000), data)
    twice = inputs.pulses([0.01, 0.01], steps=20, amplitude=0.5)
    assert twice[10, 0] == 1.0  # pulses at the same step add up


def test_noisy_current_has_the_asked_mean_and_spread() -> None:
    current = inputs.noisy_current(0.3, 0.1, steps=2000, neurons=100, seed=4)
    assert current.mean().item() == pytest.approx(0.3, abs=0.002)
    assert current.std().item() == pytest.approx(0.1, rel=0.02)
    assert torch.equal(inputs.noisy_current(0.3, 0.0, 10, 2), torch.full((10, 2), 0.3))
