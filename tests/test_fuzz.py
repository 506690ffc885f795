"""Fuzzing every public function with random shapes, dtypes, NaN/inf, negative and huge values.

The only acceptable outcomes are a correct-looking result or a ValueError/TypeError whose message is a
sentence a learner can act on; never another exception, a hang, or a result with NaN in it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifteach import LIF, LIFParameters, LIFState, analysis, inputs, lif_step, simulate

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

odd_floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from([0.0, -0.0, 1e-45, 1e30, -1e30, 3e38, 1e300, -1.0, 0.5]),
)
odd_scalars = st.one_of(
    odd_floats,
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
    st.complex_numbers(max_magnitude=10, allow_nan=False),
)
dtypes = st.sampled_from(
    [torch.float32, torch.float64, torch.float16, torch.bool, torch.int64, torch.int8, torch.complex64]
)


@st.composite
def odd_tensors(draw: st.DrawFn, max_dims: int = 3) -> torch.Tensor:
    shape = draw(st.lists(st.integers(0, 5), min_size=0, max_size=max_dims))
    dtype = draw(dtypes)
    values = torch.tensor(draw(st.lists(odd_floats, min_size=1, max_size=4)), dtype=torch.float64)
    count = math.prod(shape)
    flat = values.repeat(count // len(values) + 1)[:count]
    if dtype == torch.bool:
        return (flat.nan_to_num(0.0) > 0).reshape(shape)
    if not dtype.is_floating_point and not dtype.is_complex:
        return flat.nan_to_num(0.0, posinf=1.0, neginf=-1.0).clamp(-100, 100).to(dtype).reshape(shape)
    return flat.to(dtype).reshape(shape)


anything = st.one_of(odd_scalars, odd_tensors())


def mostly(valid: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Valid values three times in four, so that fuzzing also reaches the work past the checks."""
    return st.one_of(valid, valid, valid, odd)


sane_inputs = st.builds(
    lambda steps, neurons, scale, as_bool, seed: (
        torch.rand((steps, neurons), generator=torch.Generator().manual_seed(seed)) < 0.3
        if as_bool
        else torch.rand((steps, neurons), generator=torch.Generator().manual_seed(seed)) * scale
    ),
    st.integers(1, 30),
    st.integers(1, 5),
    st.sampled_from([0.1, 1.0, 1e3, 1e30]),
    st.booleans(),
    st.integers(0, 100),
)
inputs_to_fuzz = mostly(sane_inputs, anything)


@st.composite
def wild_parameters(draw: st.DrawFn) -> LIFParameters:
    """Parameters with each field sane, missing (the default) or odd."""
    fields: dict[str, Any] = {}
    for name, valid in SANE_FIELDS.items():
        choice = draw(st.sampled_from(["default", "sane", "odd"]))
        if choice == "sane":
            fields[name] = draw(valid)
        elif choice == "odd":
            fields[name] = draw(st.one_of(odd_scalars, odd_tensors(max_dims=1)))
    if draw(st.booleans()):
        fields["method"] = draw(st.sampled_from(["heaviside", "tanh", ""]))
    return LIFParameters(**fields)


SANE_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "tau_syn_inv": st.floats(1.0, 900.0),
    "tau_mem_inv": st.floats(1.0, 900.0),
    "v_leak": st.floats(-1.0, 0.5),
    "v_th": st.floats(0.6, 2.0),
    "v_reset": st.floats(-1.0, 0.5),
    "alpha": st.floats(1.0, 200.0),
}
odd_parameters = mostly(
    st.fixed_dictionaries(SANE_FIELDS).map(lambda f: LIFParameters(**f)), wild_parameters()
)


def outcome(call: Callable[[], Any]) -> Any:
    """Run ``call``; let a helpful ValueError/TypeError through as None, fail on anything else."""
    try:
        return call()
    except (ValueError, TypeError) as error:
        message = str(error)
        assert len(message) > 25 and message[0].isalpha(), f"unhelpful message: {message!r}"
        return None


def assert_sound_spikes(spikes: torch.Tensor, x: torch.Tensor) -> None:
    assert spikes.shape == x.shape
    assert bool(((spikes == 0) | (spikes == 1)).all())


@FUZZ
@given(x=inputs_to_fuzz, p=odd_parameters, dt=mostly(st.sampled_from([1e-3, 1e-4]), odd_scalars))
def test_the_lif_module_either_simulates_or_explains(x: Any, p: LIFParameters, dt: Any) -> None:
    module = outcome(lambda: LIF(p, dt=dt, record_states=True))
    if module is None:
        return
    result = outcome(lambda: module(x))
    if result is not None:
        spikes, state = result
        assert_sound_spikes(spikes, x)
        assert bool(torch.isfinite(state.v).all()) and bool(torch.isfinite(state.i).all())


@FUZZ
@given(
    x=mostly(st.just(torch.tensor([0.5, 0.0, 2.0])), odd_tensors()),
    v=mostly(st.just(torch.tensor([0.9, 0.0, 0.2])), anything),
    i=mostly(st.just(torch.zeros(3)), anything),
    p=odd_parameters,
)
def test_one_step_either_advances_or_explains(x: torch.Tensor, v: Any, i: Any, p: LIFParameters) -> None:
    result = outcome(lambda: lif_step(x, LIFState(v=v, i=i), p))
    if result is not None:
        z, state = result
        assert_sound_spikes(z, torch.broadcast_to(x, z.shape))
        assert bool(torch.isfinite(state.v).all())


@FUZZ
@given(
    x=inputs_to_fuzz,
    p=odd_parameters,
    record=st.sampled_from([("v",), ("v", "i"), (), ("w",), "v"]),
    neurons=mostly(
        st.one_of(st.none(), st.just("all"), st.lists(st.integers(0, 0), max_size=2)), odd_scalars
    ),
    budget=mostly(st.just(2**30), st.one_of(st.integers(-5, 10**3), odd_scalars)),
)
def test_simulate_either_records_what_was_asked_or_explains(
    x: Any, p: LIFParameters, record: Any, neurons: Any, budget: Any
) -> None:
    result = outcome(lambda: simulate(x, p, record=record, record_neurons=neurons, memory_budget=budget))
    if result is not None:
        assert result.spikes.dtype == torch.bool
        assert result.spikes.shape[0] == x.shape[0]
        for trace in (result.v, result.i):
            if trace is not None:
                assert trace.shape == (result.n_steps, len(result.recorded_neurons))
                assert bool(torch.isfinite(trace).all())


@FUZZ
@given(
    rate=mostly(st.floats(0.0, 1000.0), st.one_of(odd_scalars, odd_tensors(max_dims=1))),
    steps=mostly(st.integers(1, 50), odd_scalars),
    neurons=mostly(st.integers(1, 50), odd_scalars),
    dt=mostly(st.just(1e-3), odd_scalars),
    seed=mostly(st.integers(0, 10), odd_scalars),
)
def test_poisson_spikes_either_draw_or_explain(
    rate: Any, steps: Any, neurons: Any, dt: Any, seed: Any
) -> None:
    steps_ok = isinstance(steps, int) and not isinstance(steps, bool) and 0 < steps <= 50
    neurons_ok = isinstance(neurons, int) and not isinstance(neurons, bool) and 0 < neurons <= 50
    if not (steps_ok and neurons_ok):  # keep the sizes small; the size checks have their own tests
        steps, neurons = (steps if not steps_ok else 5), (neurons if not neurons_ok else 3)
        if isinstance(steps, int) and not isinstance(steps, bool) and steps > 50:
            steps = 50
        if isinstance(neurons, int) and not isinstance(neurons, bool) and neurons > 50:
            neurons = 50
    state_before = torch.random.get_rng_state()
    spikes = outcome(lambda: inputs.poisson_spikes(rate, steps, neurons, dt=dt, seed=seed))
    assert torch.equal(torch.random.get_rng_state(), state_before)
    if spikes is not None:
        assert spikes.dtype == torch.bool and spikes.shape == (steps, neurons)


@FUZZ
@given(
    kind=st.sampled_from(["constant", "step", "pulses", "noisy"]),
    amplitude=mostly(st.floats(-2.0, 2.0), odd_scalars),
    other=mostly(st.floats(0.0, 0.03), odd_scalars),
    steps=mostly(st.integers(1, 40), odd_scalars),
    times=mostly(
        st.lists(st.floats(0.0, 0.02), max_size=3), st.one_of(st.lists(odd_floats, max_size=3), odd_scalars)
    ),
)
def test_currents_either_build_or_explain(
    kind: str, amplitude: Any, other: Any, steps: Any, times: Any
) -> None:
    if isinstance(steps, int) and not isinstance(steps, bool) and steps > 40:
        steps = 40
    makers: dict[str, Callable[[], torch.Tensor]] = {
        "constant": lambda: inputs.constant_current(amplitude, steps, 2),
        "step": lambda: inputs.step_current(amplitude, steps, 2, start=other),
        "pulses": lambda: inputs.pulses(times, steps, 2, amplitude=amplitude),
        "noisy": lambda: inputs.noisy_current(amplitude, other, steps, 2, seed=1),
    }
    current = outcome(makers[kind])
    if current is not None:
        assert current.shape == (steps, 2)
        assert bool(torch.isfinite(current).all())


@FUZZ
@given(p=odd_parameters, dt=mostly(st.just(1e-3), odd_scalars), x=mostly(st.floats(-1.0, 5.0), odd_scalars))
def test_closed_forms_either_answer_or_explain(p: LIFParameters, dt: Any, x: Any) -> None:
    threshold = outcome(lambda: analysis.rheobase(p, dt))
    if threshold is not None:  # at or below 0 when v_leak >= v_th: such a neuron fires without input
        assert math.isfinite(threshold)
        assert (threshold > 0) == (float(p.v_th) > float(p.v_leak))
    rate = outcome(lambda: analysis.predicted_rate(x, p, dt))
    if rate is not None:
        assert math.isfinite(rate) and 0 <= rate <= 1 / float(dt)


@FUZZ
@given(
    values=mostly(
        st.lists(st.floats(0.0, 2.0), min_size=1, max_size=4),
        st.one_of(st.lists(odd_floats, max_size=4), odd_scalars, odd_tensors(max_dims=2)),
    ),
    duration=mostly(st.just(0.05), odd_scalars),
    bin_width=mostly(st.floats(0.001, 0.1), odd_scalars),
    neuron=mostly(st.integers(0, 3), odd_scalars),
)
def test_measurements_either_measure_or_explain(
    values: Any, duration: Any, bin_width: Any, neuron: Any
) -> None:
    if isinstance(duration, (int, float)) and not isinstance(duration, bool) and duration > 0.2:
        duration = 0.2  # keep runs short; a long duration is not what is being fuzzed
    curve = outcome(lambda: analysis.fi_curve(values, duration=duration))
    if curve is not None:
        _, simulated, predicted = curve
        assert all(math.isfinite(r) and r >= 0 for r in [*simulated, *predicted])
    run = simulate(inputs.poisson_spikes(200.0, 50, 4, seed=2), LIFParameters(v_th=0.3))
    outcome(lambda: analysis.population_rate(run, bin_width))
    outcome(lambda: analysis.interspike_intervals(run, neuron))
    outcome(lambda: analysis.coefficient_of_variation(values))
    for measure in (analysis.spike_counts, analysis.firing_rates):
        outcome(lambda measure=measure: measure(values))  # type: ignore[misc]
