"""Ready-made inputs (lifteach/inputs.py): shapes, dtypes, seeds, the global RNG, Poisson statistics."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
import torch

from lifteach import LIFParameters, inputs, simulate
from lifteach.analysis import rheobase

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


def test_noisy_current_means_the_same_at_every_time_step() -> None:
    # White noise: at 1 ms the per-step std is `std`, at dt it is std * sqrt(dt / 1 ms), so the variance added
    # over any stretch of time is the same and a noise-driven neuron fires at the same rate at every dt.
    # (The mean is a jump per step, so a current that means the same scales with dt, as the rheobase does.)
    rates = []
    for dt in (1e-3, 5e-4, 1e-4):
        steps, neurons = round(1.0 / dt), 400
        mean = 1.0 * rheobase(LIFParameters(), dt)  # at the rheobase: the noise decides how often it fires
        x = inputs.noisy_current(mean, 0.2, steps, neurons, seed=1, dt=dt)
        run = simulate(x, dt=dt, record=())
        rates.append(run.total_spikes / (neurons * run.duration))
    # ~12,000 spikes per run: counting noise ~1%; forward Euler's own change from 1 to 0.1 ms is ~5%.
    assert rates[0] > 20
    assert all(abs(rate - rates[0]) < 0.1 * rates[0] for rate in rates), rates
    # Below the rheobase, a per-step std that shrank with dt itself (the old input) silences the neurons.
    below = 0.8 * rheobase(LIFParameters(), 1e-4)
    white = simulate(inputs.noisy_current(below, 0.2, 10_000, 400, seed=1, dt=1e-4), dt=1e-4, record=())
    shrunk = simulate(inputs.noisy_current(below, 0.2 * 0.1, 10_000, 400, seed=1), dt=1e-4, record=())
    assert white.total_spikes > 2000 and shrunk.total_spikes < 0.1 * white.total_spikes


def test_noisy_current_at_one_millisecond_is_unchanged() -> None:
    # The numbers at dt = 1 ms are those of a per-step std: mean + std * N(0, 1) from the seed's generator.
    expected = torch.randn((200, 3), generator=torch.Generator().manual_seed(4)).mul_(0.3).add_(0.1)
    assert torch.equal(inputs.noisy_current(0.1, 0.3, 200, 3, seed=4), expected)
    assert torch.equal(inputs.noisy_current(0.1, 0.3, 200, 3, seed=4, dt=1e-3), expected)
    quarter = inputs.noisy_current(0.1, 0.3, 200, 3, seed=4, dt=2.5e-4)  # sqrt(0.25) = 0.5: half the std
    assert torch.equal(
        quarter, torch.randn((200, 3), generator=torch.Generator().manual_seed(4)).mul_(0.15).add_(0.1)
    )


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: inputs.poisson_spikes(rate=10.0, steps=10000, neurons=1_000_000, seed=0), "poisson_spikes"),
        (lambda: inputs.noisy_current(0.1, 0.1, steps=10000, neurons=100_000), "noisy_current"),
        (lambda: inputs.constant_current(0.3, steps=100_000, neurons=10_000), "constant_current"),
        (lambda: inputs.step_current(0.3, steps=100_000, neurons=10_000), "step_current"),
        (lambda: inputs.pulses([0.1], steps=100_000, neurons=10_000), "pulses"),
    ],
)
def test_an_input_larger_than_the_memory_budget_is_refused_before_it_is_made(
    make: Callable[[], torch.Tensor], name: str
) -> None:
    with pytest.raises(ValueError) as caught:
        make()
    message = str(caught.value)
    assert name in message and "neurons=" in message and "steps=" in message
    assert "MB" in message and "memory budget" in message
    assert "fewer neurons or fewer steps" in message and "memory_budget" in message


def test_a_larger_memory_budget_allows_a_larger_input() -> None:
    with pytest.raises(ValueError, match="memory budget of 1 MB"):
        inputs.poisson_spikes(10.0, steps=1000, neurons=2000, memory_budget=1_000_000)
    assert inputs.poisson_spikes(10.0, steps=1000, neurons=2000, memory_budget=2_000_000).shape == (
        1000,
        2000,
    )


def test_poisson_spikes_drawn_in_blocks_equal_one_draw() -> None:
    # The spikes are drawn a block of rows at a time (no float temporary as large as the input); the numbers
    # are those of a single draw from the same generator.
    steps, neurons = 3000, 2000  # 6 million draws: two blocks and a part
    one_draw = torch.rand((steps, neurons), generator=torch.Generator().manual_seed(5)) < 0.02
    assert torch.equal(inputs.poisson_spikes(20.0, steps, neurons, seed=5), one_draw)


def test_noisy_current_takes_a_mean_and_a_noise_per_neuron() -> None:
    # One neuron per condition: column n has mean[n] and std[n] (per square root of a ms), the numbers of
    # the float call where the condition is the same for every neuron.
    means, stds = torch.tensor([0.0, 0.1, 0.3]), torch.tensor([0.2, 0.0, 0.1])
    current = inputs.noisy_current(means, stds, steps=20_000, neurons=3, seed=2, dt=1e-4)
    assert current.mean(0).tolist() == pytest.approx(means.tolist(), abs=0.003)
    assert current.std(0).tolist() == pytest.approx((stds * 0.1**0.5).tolist(), rel=0.02)
    assert torch.equal(current[:, 1], torch.full((20_000,), 0.1))
    same = inputs.noisy_current(torch.full((3,), 0.1), torch.full((3,), 0.3), 200, 3, seed=4)
    assert torch.equal(same, inputs.noisy_current(0.1, 0.3, 200, 3, seed=4))
    mixed = inputs.noisy_current(means, 0.3, 200, 3, seed=4)
    assert torch.allclose(mixed - means, inputs.noisy_current(0.0, 0.3, 200, 3, seed=4), atol=1e-6)


def test_noisy_current_refuses_a_wrong_mean_or_noise_per_neuron() -> None:
    with pytest.raises(
        ValueError, match=r"mean must be a float or have shape \(3,\) \(one per neuron\), got \(2,\)"
    ):
        inputs.noisy_current(torch.zeros(2), 0.1, 10, 3)
    with pytest.raises(ValueError, match=r"std must be at least 0, got tensor of shape \(3,\)"):
        inputs.noisy_current(0.0, torch.tensor([0.1, -0.1, 0.0]), 10, 3)
    with pytest.raises(ValueError, match="std contains NaN"):
        inputs.noisy_current(0.0, torch.tensor([0.1, math.nan, 0.0]), 10, 3)
    with pytest.raises(TypeError, match="std must hold floats"):
        inputs.noisy_current(0.0, torch.tensor([1, 2, 3]), 10, 3)
