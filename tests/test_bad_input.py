"""One test per bad input: the right exception, a message naming the argument and the value, nothing half-done."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import pytest
import torch

from lifteach import LIF, LIFParameters, LIFState, analysis, inputs, lif_integrate, lif_step, simulate
from lifteach.lif import check_parameters

REST = LIFState(v=torch.zeros(3), i=torch.zeros(3))


def with_field(name: str, value: object) -> LIFParameters:
    """The default parameters with the field ``name`` set to ``value`` (any value: the tests give wrong ones)."""
    fields: dict[str, Any] = {name: value}
    return LIFParameters()._replace(**fields)


def refused(error: type[Exception], call: Callable[[], Any], *fragments: str) -> str:
    """Run ``call``, expect ``error``, and check that its message holds every fragment; return the message."""
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} is not in the message {message!r}"
    return message


# Every entry point that takes parameters, so that each bad parameter is refused by all of them.
ENTRY_POINTS: dict[str, Callable[[LIFParameters, float], Any]] = {
    "LIF": lambda p, dt: LIF(p, dt=dt)(torch.zeros(5, 3)),
    "lif_step": lambda p, dt: lif_step(torch.zeros(3), REST, p, dt),
    "lif_integrate": lambda p, dt: lif_integrate(torch.zeros(5, 3), p, dt),
    "simulate": lambda p, dt: simulate(torch.zeros(5, 3), p, dt),
    "rheobase": lambda p, dt: analysis.rheobase(p, dt),
}
entry_points = pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))


# --- time constants and dt -------------------------------------------------------------------------------------


@entry_points
@pytest.mark.parametrize("name", ["tau_mem_inv", "tau_syn_inv"])
@pytest.mark.parametrize("value", [0.0, -50.0])
def test_a_non_positive_inverse_time_constant(entry: str, name: str, value: float) -> None:
    p = with_field(name, value)
    message = refused(ValueError, lambda: ENTRY_POINTS[entry](p, 1e-3), f"p.{name}", repr(value))
    assert "positive" in message


@entry_points
@pytest.mark.parametrize("name", ["tau_mem_inv", "tau_syn_inv"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_non_finite_inverse_time_constant(entry: str, name: str, value: float) -> None:
    p = with_field(name, value)
    refused(ValueError, lambda: ENTRY_POINTS[entry](p, 1e-3), f"p.{name}", repr(value))


@entry_points
@pytest.mark.parametrize("dt", [0.0, -1e-3, math.nan, math.inf])
def test_a_non_positive_or_non_finite_dt(entry: str, dt: float) -> None:
    refused(ValueError, lambda: ENTRY_POINTS[entry](LIFParameters(), dt), "dt", repr(dt))


@pytest.mark.parametrize("dt", ["1ms", None, True, torch.tensor([1e-3, 2e-3])])
def test_a_dt_that_is_not_a_number(dt: Any) -> None:
    refused(TypeError, lambda: LIF(dt=dt), "dt")


@entry_points
def test_dt_times_tau_mem_inv_at_or_above_one(entry: str) -> None:
    p = LIFParameters(tau_mem_inv=1000.0)  # dt * tau_mem_inv = 1: the Euler step no longer decays
    message = refused(ValueError, lambda: ENTRY_POINTS[entry](p, 1e-3), "dt * p.tau_mem_inv", "= 1 ")
    assert "membrane" in message and "smaller dt" in message and "tau_mem_inv" in message


@entry_points
def test_dt_times_tau_syn_inv_at_or_above_one(entry: str) -> None:
    p = LIFParameters(tau_syn_inv=2500.0)  # dt * tau_syn_inv = 2.5
    message = refused(ValueError, lambda: ENTRY_POINTS[entry](p, 1e-3), "dt * p.tau_syn_inv", "2.5")
    assert "synaptic" in message and "smaller dt" in message and "0.0004 s" in message


def test_a_large_dt_with_default_time_constants_says_which_product_and_the_fix() -> None:
    # dt = 6 ms: dt * tau_mem_inv = 0.6 is fine, dt * tau_syn_inv = 1.2 is not.
    message = refused(ValueError, lambda: LIF(dt=6e-3), "dt * p.tau_syn_inv = 1.2")
    assert "below 0.005 s" in message


def test_a_per_neuron_time_constant_with_one_bad_value() -> None:
    p = LIFParameters(tau_mem_inv=torch.tensor([100.0, 1500.0, 50.0]))
    refused(ValueError, lambda: LIF(p)(torch.zeros(5, 3)), "dt * p.tau_mem_inv = 1.5")
    p = LIFParameters(tau_syn_inv=torch.tensor([100.0, -1.0, 50.0]))
    refused(ValueError, lambda: LIF(p)(torch.zeros(5, 3)), "p.tau_syn_inv", "positive")


# --- voltages ---------------------------------------------------------------------------------------------------


@entry_points
@pytest.mark.parametrize(("v_th", "v_reset"), [(0.5, 0.5), (0.2, 0.6), (-1.0, 0.0)])
def test_threshold_at_or_below_reset(entry: str, v_th: float, v_reset: float) -> None:
    p = LIFParameters(v_th=v_th, v_reset=v_reset)
    message = refused(
        ValueError, lambda: ENTRY_POINTS[entry](p, 1e-3), "p.v_th", "p.v_reset", repr(v_th), repr(v_reset)
    )
    assert "raise v_th or lower v_reset" in message


def test_a_per_neuron_threshold_with_one_value_below_reset() -> None:
    p = LIFParameters(v_th=torch.tensor([1.0, -0.5, 1.0]))
    refused(ValueError, lambda: LIF(p), "p.v_th", "p.v_reset")


@entry_points
@pytest.mark.parametrize("name", ["v_leak", "v_th", "v_reset", "alpha"])
@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_a_non_finite_voltage_or_alpha(entry: str, name: str, value: float) -> None:
    p = with_field(name, value)
    refused(ValueError, lambda: ENTRY_POINTS[entry](p, 1e-3), f"p.{name}", repr(value))


@pytest.mark.parametrize("name", ["tau_mem_inv", "tau_syn_inv", "v_leak", "v_th", "v_reset"])
@pytest.mark.parametrize(("bad", "shown"), [(math.nan, "NaN"), (math.inf, "inf")])
def test_nan_or_inf_inside_a_per_neuron_parameter(name: str, bad: float, shown: str) -> None:
    values = getattr(LIFParameters(), name) * torch.ones(3)
    values[1] = bad
    p = LIFParameters()._replace(**{name: values})
    refused(ValueError, lambda: LIF(p), f"p.{name}", shown)


@pytest.mark.parametrize("value", ["0.3", None, True, 1 + 2j, torch.tensor([0.3], dtype=torch.complex64)])
def test_a_parameter_that_is_not_a_real_number(value: Any) -> None:
    refused(TypeError, lambda: LIF(LIFParameters(v_th=value)), "p.v_th")


def test_an_unknown_method() -> None:
    refused(ValueError, lambda: LIF(LIFParameters(method="adjoint")), "p.method", "'adjoint'", "'super'")


def test_a_negative_alpha() -> None:
    # 0 is accepted, as Norse 1.1.0 accepts it (its SuperSpike does not use alpha).
    refused(ValueError, lambda: LIF(LIFParameters(alpha=-1.0)), "p.alpha", "-1.0")
    LIF(LIFParameters(alpha=0.0))


def test_parameters_that_are_not_lif_parameters() -> None:
    refused(TypeError, lambda: LIF(p={"v_th": 0.3}), "p must be LIFParameters", "dict")  # type: ignore[arg-type]


# --- per-neuron shapes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["tau_mem_inv", "tau_syn_inv", "v_leak", "v_th", "v_reset"])
def test_a_per_neuron_parameter_that_does_not_broadcast(name: str) -> None:
    values = getattr(LIFParameters(), name) * torch.ones(4)
    p = LIFParameters()._replace(**{name: values})
    lif = LIF(p)
    refused(ValueError, lambda: lif(torch.zeros(10, 7)), f"p.{name}", "(4,)", "(7,)")
    refused(ValueError, lambda: simulate(torch.zeros(10, 7), p), f"p.{name}", "(4,)", "(7,)")
    refused(
        ValueError, lambda: lif_step(torch.zeros(7), LIFState(torch.zeros(7), torch.zeros(7)), p), f"p.{name}"
    )


def test_a_per_neuron_parameter_with_more_dimensions_than_the_neurons() -> None:
    p = LIFParameters(v_th=torch.full((2, 7), 0.5))
    refused(ValueError, lambda: LIF(p)(torch.zeros(10, 7)), "p.v_th", "(2, 7)", "(7,)")


def test_a_state_that_does_not_fit_the_input() -> None:
    state = LIFState(v=torch.zeros(4), i=torch.zeros(4))
    refused(ValueError, lambda: LIF()(torch.zeros(10, 7), state), "state.v", "(4,)", "(7,)")
    refused(TypeError, lambda: LIF()(torch.zeros(10, 7), (1, 2, 3)), "state", "tuple")
    bad = LIFState(v=torch.zeros(7), i=torch.full((7,), math.nan))
    refused(ValueError, lambda: LIF()(torch.zeros(10, 7), bad), "state.i", "NaN")


# --- input -------------------------------------------------------------------------------------------------------


INPUT_TAKERS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "LIF": ("x", lambda x: LIF()(x)),
    "lif_integrate": ("x", lambda x: lif_integrate(x)),
    "simulate": ("input", lambda x: simulate(x)),
}
input_takers = pytest.mark.parametrize("taker", sorted(INPUT_TAKERS))


@input_takers
@pytest.mark.parametrize(("bad", "shown"), [(math.nan, "NaN"), (math.inf, "inf"), (-math.inf, "inf")])
def test_nan_or_inf_in_the_input(taker: str, bad: float, shown: str) -> None:
    name, call = INPUT_TAKERS[taker]
    x = torch.zeros(10, 3)
    x[4, 1] = bad
    refused(ValueError, lambda: call(x), name, shown)


@input_takers
def test_an_input_without_a_time_dimension(taker: str) -> None:
    name, call = INPUT_TAKERS[taker]
    message = refused(ValueError, lambda: call(torch.tensor(0.5)), name, "shape ()")
    assert "time" in message


@input_takers
@pytest.mark.parametrize("shape", [(0,), (0, 3)])
def test_an_input_with_zero_steps(taker: str, shape: tuple[int, ...]) -> None:
    name, call = INPUT_TAKERS[taker]
    refused(ValueError, lambda: call(torch.zeros(shape)), name, "zero time steps", str(shape))


@input_takers
@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.uint8])
def test_an_integer_input(taker: str, dtype: torch.dtype) -> None:
    name, call = INPUT_TAKERS[taker]
    message = refused(TypeError, lambda: call(torch.zeros(10, 3, dtype=dtype)), name, str(dtype))
    assert ".float()" in message


@input_takers
@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_a_complex_input(taker: str, dtype: torch.dtype) -> None:
    name, call = INPUT_TAKERS[taker]
    refused(TypeError, lambda: call(torch.zeros(10, 3, dtype=dtype)), name, str(dtype))


@input_takers
def test_an_input_that_is_not_a_tensor(taker: str) -> None:
    name, call = INPUT_TAKERS[taker]
    refused(TypeError, lambda: call([[0.0, 1.0], [1.0, 0.0]]), name, "list")


def test_lif_step_refuses_the_same_inputs() -> None:
    refused(TypeError, lambda: lif_step(torch.zeros(3, dtype=torch.int64), REST), "x", "torch.int64")
    refused(ValueError, lambda: lif_step(torch.tensor([0.0, math.nan, 0.0]), REST), "x", "NaN")


def test_simulate_refuses_more_than_two_dimensions() -> None:
    message = refused(ValueError, lambda: simulate(torch.zeros(10, 2, 3)), "input", "(10, 2, 3)")
    assert "reshape" in message


# --- recording ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("neurons", [[0, 10], [-1], [3, 99]])
def test_record_neurons_out_of_range(neurons: list[int]) -> None:
    message = refused(
        ValueError, lambda: simulate(torch.zeros(5, 10), record_neurons=neurons), "record_neurons"
    )
    assert str(neurons) in message and "between 0 and 9" in message


@pytest.mark.parametrize("neurons", [[0.5, 1.0], [[0, 1], [2, 3]], [True, False]])
def test_record_neurons_that_are_not_indices(neurons: Any) -> None:
    refused(
        TypeError,
        lambda: simulate(torch.zeros(5, 10), record_neurons=neurons),
        "record_neurons",
        str(neurons),
    )


def test_record_neurons_as_an_unknown_word() -> None:
    refused(
        ValueError, lambda: simulate(torch.zeros(5, 10), record_neurons="some"), "record_neurons", "'some'"
    )


def test_record_neurons_out_of_range_in_lif_integrate() -> None:
    call = lambda: lif_integrate(torch.zeros(5, 10), record_neurons=torch.tensor([12]))  # noqa: E731
    refused(ValueError, call, "record_neurons", "[12]")


@pytest.mark.parametrize("record", [("x",), ("v", "z"), "voltage"])
def test_an_unknown_trace_name(record: Any) -> None:
    refused(ValueError, lambda: simulate(torch.zeros(5, 3), record=record), "record", repr(record[-1])[1:-1])
    refused(ValueError, lambda: lif_integrate(torch.zeros(5, 3), record=record), "record")


def test_a_run_larger_than_the_memory_budget() -> None:
    message = refused(ValueError, lambda: simulate(torch.zeros(100, 1000), memory_budget=50_000), "budget")
    assert "100 steps x 1000 neurons" in message


# --- inputs ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [-1.0, -1e-9])
def test_a_negative_rate(rate: float) -> None:
    refused(ValueError, lambda: inputs.poisson_spikes(rate, 100, 3), "rate", repr(rate), "at least 0 Hz")


def test_a_negative_rate_among_per_neuron_rates() -> None:
    rates = torch.tensor([10.0, -5.0, 20.0])
    refused(ValueError, lambda: inputs.poisson_spikes(rates, 100, 3), "rate", "at least 0 Hz")


@pytest.mark.parametrize(("rate", "dt", "limit"), [(1001.0, 1e-3, "1000 Hz"), (2500.0, 5e-4, "2000 Hz")])
def test_a_rate_above_one_spike_per_step(rate: float, dt: float, limit: str) -> None:
    message = refused(
        ValueError, lambda: inputs.poisson_spikes(rate, 100, 3, dt=dt), "rate", repr(rate), limit
    )
    assert "1/dt" in message


@pytest.mark.parametrize("rate", [math.nan, math.inf])
def test_a_non_finite_rate(rate: float) -> None:
    refused(ValueError, lambda: inputs.poisson_spikes(rate, 100, 3), "rate", repr(rate))


def test_per_neuron_rates_of_the_wrong_shape() -> None:
    refused(
        ValueError, lambda: inputs.poisson_spikes(torch.tensor([1.0, 2.0]), 100, 3), "rate", "(2,)", "(3,)"
    )


@pytest.mark.parametrize("make", ["poisson_spikes", "noisy_current"])
@pytest.mark.parametrize(
    ("seed", "error", "shown"),
    [(-1, ValueError, "-1"), (1.5, TypeError, "1.5"), ("abc", TypeError, "'abc'"), (True, TypeError, "True")],
)
def test_a_bad_seed(make: str, seed: Any, error: type[Exception], shown: str) -> None:
    calls = {
        "poisson_spikes": lambda: inputs.poisson_spikes(10.0, 100, 3, seed=seed),
        "noisy_current": lambda: inputs.noisy_current(0.0, 1.0, 100, 3, seed=seed),
    }
    refused(error, calls[make], "seed", shown)


@pytest.mark.parametrize(
    ("steps", "neurons", "error", "fragments"),
    [
        (0, 3, ValueError, ("steps", "0")),
        (-5, 3, ValueError, ("steps", "-5")),
        (10.5, 3, TypeError, ("steps", "10.5")),
        (10, 0, ValueError, ("neurons", "0")),
        (10, "3", TypeError, ("neurons", "'3'")),
    ],
)
def test_bad_sizes_for_every_input(
    steps: Any, neurons: Any, error: type[Exception], fragments: tuple[str, ...]
) -> None:
    for call in (
        lambda: inputs.poisson_spikes(10.0, steps, neurons),
        lambda: inputs.constant_current(0.3, steps, neurons),
        lambda: inputs.step_current(0.3, steps, neurons),
        lambda: inputs.pulses([0.0], steps, neurons),
        lambda: inputs.noisy_current(0.0, 1.0, steps, neurons),
    ):
        refused(error, call, *fragments)


def test_a_negative_noise_spread() -> None:
    refused(ValueError, lambda: inputs.noisy_current(0.0, -0.1, 100), "std", "-0.1")


def test_a_step_current_that_stops_before_it_starts() -> None:
    refused(
        ValueError, lambda: inputs.step_current(0.3, 100, start=0.05, stop=0.02), "start=0.05", "stop=0.02"
    )


def test_a_pulse_outside_the_run() -> None:
    refused(ValueError, lambda: inputs.pulses([0.01, 0.2], steps=100), "times", "0.2")
    refused(TypeError, lambda: inputs.pulses(0.01, steps=100), "times", "0.01")  # type: ignore[arg-type]


@pytest.mark.parametrize("amplitude", [math.nan, math.inf])
def test_a_non_finite_amplitude(amplitude: float) -> None:
    refused(ValueError, lambda: inputs.constant_current(amplitude, 10), "amplitude", repr(amplitude))
    refused(ValueError, lambda: inputs.step_current(amplitude, 10), "amplitude", repr(amplitude))


# --- analysis ----------------------------------------------------------------------------------------------------


def test_analysis_refuses_what_is_not_a_result() -> None:
    for measure in (analysis.spike_counts, analysis.firing_rates, analysis.population_rate):
        wrong = torch.zeros(5, 3)  # a tensor where a Result belongs, on purpose
        refused(TypeError, functools.partial(measure, wrong), "Result", "Tensor")  # type: ignore[arg-type]


def test_a_neuron_that_does_not_exist() -> None:
    run = simulate(torch.zeros(5, 3))
    refused(
        ValueError, lambda: analysis.interspike_intervals(run, neuron=3), "neuron", "3", "between 0 and 2"
    )
    refused(ValueError, lambda: analysis.interspike_intervals(run, neuron=-1), "neuron", "-1")


@pytest.mark.parametrize("width", [0.0, -0.01, math.nan])
def test_a_bad_bin_width(width: float) -> None:
    run = simulate(torch.zeros(5, 3))
    refused(ValueError, lambda: analysis.population_rate(run, bin_width=width), "bin_width", repr(width))


def test_rheobase_of_per_neuron_parameters() -> None:
    p = LIFParameters(v_th=torch.tensor([0.5, 1.0]))
    refused(ValueError, lambda: analysis.rheobase(p), "p.v_th", "per-neuron")


def test_fi_curve_with_no_inputs_or_a_bad_duration() -> None:
    refused(ValueError, lambda: analysis.fi_curve([]), "inputs")
    refused(ValueError, lambda: analysis.fi_curve([0.3], duration=0.0), "duration", "0.0")


# --- nothing is left half-done -----------------------------------------------------------------------------------


def test_a_module_that_refused_an_input_still_works_and_is_unchanged() -> None:
    p = LIFParameters(v_th=torch.tensor([0.3, 0.4, 0.5]))
    lif = LIF(p, record_states=True)
    good = torch.rand(50, 3, generator=torch.Generator().manual_seed(0)) < 0.1
    before = lif(good)
    bad_inputs = [
        torch.full((50, 3), math.nan),
        torch.zeros(50, 3, dtype=torch.int64),
        torch.zeros(50, 4),  # does not fit the per-neuron thresholds
        torch.tensor(1.0),
    ]
    for bad in bad_inputs:
        with pytest.raises((ValueError, TypeError)):
            lif(bad)
    assert lif.p is p and lif.dt == 1e-3 and lif.record_states
    assert torch.equal(torch.as_tensor(p.v_th), torch.tensor([0.3, 0.4, 0.5]))
    after = lif(good)
    assert torch.equal(before[0], after[0])
    assert torch.equal(before[1].v, after[1].v)
    assert list(lif.parameters()) == [] and list(lif.buffers()) == []


def test_a_refused_call_leaves_its_state_and_input_unchanged() -> None:
    state = LIFState(v=torch.tensor([0.1, 0.2, 0.3]), i=torch.tensor([0.5, 0.5, 0.5]))
    x = torch.ones(20, 3)
    with pytest.raises(ValueError):
        lif_integrate(x, LIFParameters(v_th=torch.tensor([0.2, 0.2])), state=state)
    with pytest.raises(ValueError):
        simulate(x, state=state, record_neurons=[7])
    assert torch.equal(state.v, torch.tensor([0.1, 0.2, 0.3]))
    assert torch.equal(state.i, torch.tensor([0.5, 0.5, 0.5]))
    assert torch.equal(x, torch.ones(20, 3))


def test_an_overflowing_run_is_refused_and_changes_nothing() -> None:
    state = LIFState(v=torch.zeros(2), i=torch.zeros(2))
    x = torch.full((40, 2), 1e38)  # the current settles at 5 x the input: past float32's range (3.4e38)
    with pytest.raises(ValueError, match="scale the input down"):
        lif_integrate(x, state=state)
    assert torch.equal(state.v, torch.zeros(2)) and torch.equal(state.i, torch.zeros(2))


def test_a_state_near_the_float32_limit_is_not_taken_for_an_overflow() -> None:
    # 1000 voltages of 3e38 sum past float32's range: the check must not sum them in float32.
    state = LIFState(v=torch.full((1000,), 3e38), i=torch.zeros(1000))
    p = LIFParameters(v_th=3.3e38)
    spikes, final, _ = lif_integrate(torch.zeros(1, 1000), p, state=state)
    assert not spikes.any() and bool(torch.isfinite(final.v).all()) and float(final.v[0]) > 2e38


def test_a_refused_random_input_draws_nothing() -> None:
    gen = torch.Generator().manual_seed(3)
    generator_before = gen.get_state()
    global_before = torch.random.get_rng_state()
    with pytest.raises(ValueError):
        inputs.poisson_spikes(-1.0, 100, 3, seed=gen)
    with pytest.raises(ValueError):
        inputs.noisy_current(0.0, -1.0, 100, 3, seed=gen)
    assert torch.equal(gen.get_state(), generator_before)
    assert torch.equal(torch.random.get_rng_state(), global_before)


def test_check_parameters_returns_dt_and_changes_nothing() -> None:
    p = LIFParameters(v_th=torch.tensor([0.3, 0.4]))
    assert check_parameters(p, 2e-3, (2,)) == 2e-3
    with pytest.raises(ValueError):
        check_parameters(p, 2e-3, (3,))
    assert torch.equal(torch.as_tensor(p.v_th), torch.tensor([0.3, 0.4]))
