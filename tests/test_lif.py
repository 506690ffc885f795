"""The LIF core (lifteach/lif.py): the equations, resets, thresholds, broadcasting, state, gradients, fast loop."""

from __future__ import annotations

import math
from typing import Literal, TypedDict

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lifteach import (
    LIF,
    LIFParameters,
    LIFRefracParameters,
    LIFRefracState,
    LIFState,
    lif_integrate,
    lif_step,
    simulate,
    warm_up,
)
from lifteach.analysis import rheobase
from lifteach.lif import _integrate, lif_refrac_step

# Parameters whose products are exact in binary (dt * tau = 0.5): every value below is a dyadic fraction, so
# float32 arithmetic is exact and the trace worked out by hand must match bit for bit.
EXACT = LIFParameters(tau_syn_inv=2.0, tau_mem_inv=2.0, v_leak=0.0, v_th=0.875, v_reset=-0.25)
EXACT_DT = 0.25


def reference_trace(
    inputs: list[float],
    tau_syn_inv: float,
    tau_mem_inv: float,
    v_leak: float,
    v_th: float,
    v_reset: float,
    dt: float,
) -> list[tuple[float, float, float]]:
    """The five equations of the issue in plain Python floats: ``(z, v, i)`` after every step."""
    v, i = v_leak, 0.0
    trace = []
    for x in inputs:
        i_jump = i + x
        v_decayed = v + dt * tau_mem_inv * ((v_leak - v) + i_jump)
        i = i_jump - dt * tau_syn_inv * i_jump
        z = 1.0 if v_decayed - v_th > 0 else 0.0
        v = (1 - z) * v_decayed + z * v_reset
        trace.append((z, v, i))
    return trace


def step_by_step(
    x: torch.Tensor, p: LIFParameters, dt: float, state: LIFState | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The plain loop: ``lif_step`` once per time step, stacking spikes, voltages and currents."""
    neuron_shape = x.shape[1:]
    if state is None:
        dtype = x.dtype if x.is_floating_point() else torch.float32
        dtype = torch.promote_types(dtype, torch.float32)
        v0 = torch.as_tensor(p.v_leak, dtype=dtype).expand(neuron_shape).clone()
        state = LIFState(v=v0, i=torch.zeros(neuron_shape, dtype=dtype))
    zs, vs, is_ = [], [], []
    for x_t in x:
        z, state = lif_step(x_t, state, p, dt)
        zs.append(z)
        vs.append(state.v.expand(neuron_shape))
        is_.append(state.i.expand(neuron_shape))
    return torch.stack(zs), torch.stack(vs), torch.stack(is_)


# --- the equations, against traces worked out by hand ---------------------------------------------------


def test_a_trace_worked_out_by_hand_with_a_step_at_threshold_and_a_reset() -> None:
    # dt * tau_mem_inv = dt * tau_syn_inv = 0.5. By hand, from v = 0, i = 0:
    #   step 0, x=1: i_jump=1,     v = 0     + 0.5*(0     + 1)     = 0.5,   i = 0.5
    #   step 1, x=0: i_jump=0.5,   v = 0.5   + 0.5*(-0.5  + 0.5)   = 0.5,   i = 0.25
    #   step 2, x=1: i_jump=1.25,  v = 0.5   + 0.5*(-0.5  + 1.25)  = 0.875, i = 0.625   (== v_th: no spike)
    #   step 3, x=1: i_jump=1.625, v = 0.875 + 0.5*(-0.875+ 1.625) = 1.25 > v_th: spike, v = v_reset = -0.25,
    #                                                                                  i = 0.8125
    #   step 4, x=0: i_jump=0.8125, v = -0.25 + 0.5*(0.25 + 0.8125) = 0.28125, i = 0.40625
    by_hand = [
        (0.0, 0.5, 0.5),
        (0.0, 0.5, 0.25),
        (0.0, 0.875, 0.625),
        (1.0, -0.25, 0.8125),
        (0.0, 0.28125, 0.40625),
    ]
    inputs = [1.0, 0.0, 1.0, 1.0, 0.0]
    assert reference_trace(inputs, 2.0, 2.0, 0.0, 0.875, -0.25, EXACT_DT) == by_hand
    x = torch.tensor(inputs).reshape(-1, 1)
    spikes, states = LIF(EXACT, dt=EXACT_DT, record_states=True)(x)
    expected = torch.tensor(by_hand)
    assert torch.equal(spikes[:, 0], expected[:, 0])
    assert torch.equal(states.v[:, 0], expected[:, 1])
    assert torch.equal(states.i[:, 0], expected[:, 2])


def test_the_default_parameters_follow_the_equations_in_plain_floats() -> None:
    # Norse's defaults (dt * tau_mem_inv = 0.1, dt * tau_syn_inv = 0.2) are not exact in binary: compare to
    # the float64 reference within float32 rounding, over a run with several spikes and resets.
    inputs = [0.0, 1.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0]
    p = LIFParameters(v_th=0.3, v_reset=-0.1, v_leak=0.05)
    expected = torch.tensor(reference_trace(inputs, 200.0, 100.0, 0.05, 0.3, -0.1, 1e-3), dtype=torch.float32)
    spikes, states = LIF(p, record_states=True)(torch.tensor(inputs).reshape(-1, 1))
    assert expected[:, 0].sum() >= 2  # the trace does exercise resets
    assert torch.equal(spikes[:, 0], expected[:, 0])
    torch.testing.assert_close(states.v[:, 0], expected[:, 1], rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(states.i[:, 0], expected[:, 2], rtol=1e-6, atol=1e-6)


def test_lif_step_is_one_step_of_the_equations() -> None:
    state = LIFState(v=torch.tensor([0.5, 0.5]), i=torch.tensor([0.25, 1.5]))
    z, new = lif_step(torch.tensor([1.0, 0.0]), state, EXACT, dt=EXACT_DT)
    # neuron 0: i_jump = 1.25, v = 0.5 + 0.5*(-0.5 + 1.25) = 0.875 (== v_th, no spike), i = 0.625
    # neuron 1: i_jump = 1.5,  v = 0.5 + 0.5*(-0.5 + 1.5)  = 1.0 > v_th: spike, v = -0.25, i = 0.75
    assert torch.equal(z, torch.tensor([0.0, 1.0]))
    assert torch.equal(new.v, torch.tensor([0.875, -0.25]))
    assert torch.equal(new.i, torch.tensor([0.625, 0.75]))


# --- thresholds and resets --------------------------------------------------------------------------------


def test_exactly_at_threshold_does_not_spike_and_just_above_does() -> None:
    # From rest with dt * tau_mem_inv = 0.5 and v_leak = 0, one input x gives v = 0.5 * x exactly.
    x = torch.tensor([[1.75, 1.75 + 2**-20, 1.75 - 2**-20]])
    spikes, states = LIF(EXACT, dt=EXACT_DT, record_states=True)(x)
    assert spikes.tolist() == [[0.0, 1.0, 0.0]]
    assert states.v[0, 0] == 0.875  # stays exactly at threshold, not reset


def test_a_spike_resets_to_v_reset_whatever_the_overshoot() -> None:
    p = LIFParameters(v_th=1.0, v_reset=-0.5)
    x = torch.tensor([[20.0, 200.0, 2000.0]])
    spikes, states = LIF(p, record_states=True)(x)
    assert torch.equal(spikes, torch.ones(1, 3))
    assert torch.equal(states.v, torch.full((1, 3), -0.5))


def test_reset_to_zero_and_to_a_nonzero_value_and_to_v_leak() -> None:
    x = torch.zeros(30, 1)
    x[0] = 30.0  # a big kick: spikes at step 0 and then some, while the current decays
    for v_reset in (0.0, 0.3, -0.7):
        spikes, states = LIF(LIFParameters(v_reset=v_reset, v_leak=0.1), record_states=True)(x)
        fired = spikes[:, 0].bool()
        assert fired.sum() >= 2
        assert torch.all(states.v[fired, 0] == torch.tensor(v_reset, dtype=torch.float32))


def test_with_v_leak_above_threshold_the_neuron_fires_without_input() -> None:
    # From rest at v_leak = 0 > v_th the first step spikes; after a reset to -1 the voltage leaks back as
    # -0.9**n (dt * tau_mem_inv = 0.1) and crosses -0.5 after 7 steps (0.9**7 = 0.478): a clock of period 7.
    p = LIFParameters(v_leak=0.0, v_th=-0.5, v_reset=-1.0)
    spikes = LIF(p)(torch.zeros(50, 2))[0]
    assert spikes[:, 0].nonzero().flatten().tolist() == list(range(0, 50, 7))
    assert torch.equal(spikes[:, 0], spikes[:, 1])


def test_no_input_no_spikes_and_the_neuron_stays_at_rest() -> None:
    p = LIFParameters(v_leak=0.25, v_th=0.9)
    spikes, states = LIF(p, record_states=True)(torch.zeros(100, 3))
    assert not spikes.any()
    assert torch.equal(states.v, torch.full((100, 3), 0.25))
    assert torch.equal(states.i, torch.zeros(100, 3))


# --- per-neuron parameters ---------------------------------------------------------------------------------


def test_per_neuron_parameters_equal_separate_runs_with_one_value_each() -> None:
    torch.manual_seed(0)  # only for this test's own data; the library never uses the global generator
    x = torch.rand(200, 4) * 0.6
    v_th = torch.tensor([0.3, 0.5, 0.8, 1.2])
    tau_mem_inv = torch.tensor([50.0, 100.0, 150.0, 300.0])
    together = LIF(LIFParameters(v_th=v_th, tau_mem_inv=tau_mem_inv), record_states=True)(x)
    for n in range(4):
        p = LIFParameters(v_th=float(v_th[n]), tau_mem_inv=float(tau_mem_inv[n]))
        alone = LIF(p, record_states=True)(x[:, n : n + 1])
        assert torch.equal(together[0][:, n : n + 1], alone[0])
        assert torch.equal(together[1].v[:, n : n + 1], alone[1].v)
        assert torch.equal(together[1].i[:, n : n + 1], alone[1].i)


def test_per_neuron_parameters_broadcast_over_leading_neuron_dimensions() -> None:
    x = torch.rand(50, 3, 4, generator=torch.Generator().manual_seed(1))
    v_th = torch.tensor([0.2, 0.4, 0.6, 0.8])  # one per neuron of the last dimension, shared by the 3 rows
    spikes, states = LIF(LIFParameters(v_th=v_th), record_states=True)(x)
    assert spikes.shape == states.v.shape == states.i.shape == (50, 3, 4)
    for row in range(3):
        alone = LIF(LIFParameters(v_th=v_th), record_states=True)(x[:, row])
        assert torch.equal(spikes[:, row], alone[0])


def test_per_neuron_parameters_that_do_not_broadcast_are_refused() -> None:
    lif = LIF(LIFParameters(v_th=torch.tensor([0.3, 0.5, 0.7])))
    with pytest.raises(ValueError, match=r"p\.v_th.*\(3,\).*\(5,\)"):
        lif(torch.zeros(10, 5))
    # A parameter with more dimensions than the neurons would enlarge the output: refused too.
    lif = LIF(LIFParameters(v_th=torch.full((2, 5), 0.5)))
    with pytest.raises(ValueError, match=r"p\.v_th"):
        lif(torch.zeros(10, 5))


# --- input types, state, recording ---------------------------------------------------------------------------


def test_bool_and_float_input_give_the_same_result() -> None:
    spikes_in = torch.rand(300, 20, generator=torch.Generator().manual_seed(2)) < 0.05
    lif = LIF(LIFParameters(v_th=0.3), record_states=True)
    from_bool = lif(spikes_in)
    from_float = lif(spikes_in.float())
    assert from_bool[0].dtype == from_float[0].dtype == torch.float32
    assert torch.equal(from_bool[0], from_float[0])
    assert torch.equal(from_bool[1].v, from_float[1].v)
    assert torch.equal(from_bool[1].i, from_float[1].i)


def test_float64_input_runs_in_float64() -> None:
    spikes, states = LIF(record_states=True)(torch.full((20, 2), 0.5, dtype=torch.float64))
    assert spikes.dtype == states.v.dtype == states.i.dtype == torch.float64


@pytest.mark.parametrize("record_states", [False, True])
def test_continuing_from_a_state_equals_one_long_run(record_states: bool) -> None:
    x = torch.rand(400, 30, generator=torch.Generator().manual_seed(3)) * 0.5
    lif = LIF(LIFParameters(v_th=0.4, v_reset=-0.1), record_states=record_states)
    whole = LIF(LIFParameters(v_th=0.4, v_reset=-0.1), record_states=True)(x)
    first = lif(x[:150])
    middle = first[1] if not record_states else LIFState(v=first[1].v[-1], i=first[1].i[-1])
    second = lif(x[150:], middle)
    assert torch.equal(torch.cat([first[0], second[0]]), whole[0])
    if record_states:
        assert torch.equal(torch.cat([first[1].v, second[1].v]), whole[1].v)
        assert torch.equal(torch.cat([first[1].i, second[1].i]), whole[1].i)
    else:
        assert torch.equal(second[1].v, whole[1].v[-1])
        assert torch.equal(second[1].i, whole[1].i[-1])


def test_a_given_state_is_not_changed_in_place() -> None:
    state = LIFState(v=torch.tensor([0.1, 0.2]), i=torch.tensor([0.3, 0.4]))
    before = LIFState(v=state.v.clone(), i=state.i.clone())
    x = torch.ones(10, 2)
    LIF()(x, state)
    lif_integrate(x, state=state)
    assert torch.equal(state.v, before.v)
    assert torch.equal(state.i, before.i)
    assert torch.equal(x, torch.ones(10, 2))


@pytest.mark.parametrize("shape", [(7,), (7, 1), (7, 5), (7, 2, 3)])
def test_record_states_true_gives_traces_of_the_inputs_shape(shape: tuple[int, ...]) -> None:
    spikes, states = LIF(record_states=True)(torch.rand(shape))
    assert spikes.shape == states.v.shape == states.i.shape == shape


@pytest.mark.parametrize("shape", [(7,), (7, 1), (7, 5), (7, 2, 3)])
def test_record_states_false_gives_the_final_state(shape: tuple[int, ...]) -> None:
    x = torch.rand(shape, generator=torch.Generator().manual_seed(4))
    spikes, final = LIF(record_states=False)(x)
    _, traces = LIF(record_states=True)(x)
    assert spikes.shape == shape
    assert isinstance(final, LIFState)
    assert final.v.shape == final.i.shape == shape[1:]
    assert torch.equal(final.v, traces.v[-1])
    assert torch.equal(final.i, traces.i[-1])


def test_lif_integrate_records_only_what_is_asked() -> None:
    x = torch.rand(40, 6, generator=torch.Generator().manual_seed(5))
    spikes, final, traces = lif_integrate(x, record=("v",), record_neurons=torch.tensor([4, 1]))
    _, full, _ = lif_integrate(x)
    everything = lif_integrate(x)[2]
    assert set(traces) == {"v"}
    assert traces["v"].shape == (40, 2)
    assert torch.equal(traces["v"], everything["v"][:, [4, 1]])
    assert torch.equal(final.v, full.v)
    assert lif_integrate(x, record=())[2] == {}
    bool_spikes = lif_integrate(x, bool_spikes=True)[0]
    assert bool_spikes.dtype == torch.bool
    assert torch.equal(bool_spikes, spikes.bool())


def test_the_module_holds_no_state_between_calls() -> None:
    lif = LIF(record_states=True)
    x = torch.rand(50, 3, generator=torch.Generator().manual_seed(6))
    first = lif(x)
    second = lif(x)
    assert torch.equal(first[0], second[0])
    assert torch.equal(first[1].v, second[1].v)
    assert "record_states=True" in repr(lif)


def test_a_long_input_crosses_the_fast_loops_conversion_blocks() -> None:
    # Bool input is converted to floats a block of 64 steps at a time; 200 steps = 3 full blocks + a partial.
    x = torch.rand(200, 5, generator=torch.Generator().manual_seed(7)) < 0.2
    fast = lif_integrate(x, LIFParameters(v_th=0.2))
    z, v, i = step_by_step(x, LIFParameters(v_th=0.2), 1e-3)
    assert torch.equal(fast[0], z)
    assert torch.equal(fast[2]["v"], v)
    assert torch.equal(fast[2]["i"], i)


# --- gradients -------------------------------------------------------------------------------------------------


def test_the_surrogate_gradient_reaches_the_input() -> None:
    x = (torch.rand(100, 8, generator=torch.Generator().manual_seed(8)) * 0.8).requires_grad_()
    spikes, _ = LIF(LIFParameters(method="super"), record_states=True)(x)
    assert spikes.sum() > 0
    assert spikes.requires_grad
    spikes.sum().backward()
    assert x.grad is not None
    assert torch.isfinite(x.grad).all()
    assert x.grad.abs().sum() > 0


def test_the_surrogate_gradient_is_superspikes() -> None:
    # One step from rest: v = dt * tau_mem_inv * x = 0.5 * x, and d spike / d v = 1 / (|v - v_th| + 1)^2.
    x = torch.tensor([[1.0, 3.0]], requires_grad=True)
    spikes, _ = LIF(EXACT, dt=EXACT_DT)(x)
    spikes.sum().backward()
    distance = 0.5 * torch.tensor([1.0, 3.0]) - 0.875
    assert x.grad is not None
    torch.testing.assert_close(x.grad[0], 0.5 / (distance.abs() + 1) ** 2)


def test_heaviside_has_no_gradient_path_through_the_spikes() -> None:
    x = (torch.rand(100, 8, generator=torch.Generator().manual_seed(8)) * 0.8).requires_grad_()
    spikes, states = LIF(LIFParameters(method="heaviside"), record_states=True)(x)
    assert spikes.sum() > 0
    if spikes.requires_grad:  # a graph may exist, but it must carry nothing back to the input
        spikes.sum().backward()
        assert x.grad is None or not x.grad.any()
    else:
        assert spikes.grad_fn is None
    states.v.sum().backward()  # the voltage itself still depends on the input
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_gradients_reach_per_neuron_parameters() -> None:
    v_th = torch.full((4,), 0.3, requires_grad=True)
    x = torch.rand(100, 4, generator=torch.Generator().manual_seed(9)) < 0.1
    spikes, _ = LIF(LIFParameters(v_th=v_th))(x)
    spikes.sum().backward()
    assert v_th.grad is not None and (v_th.grad < 0).all()  # a higher threshold, fewer spikes


def test_with_gradients_and_without_the_numbers_are_the_same() -> None:
    x = torch.rand(120, 6, generator=torch.Generator().manual_seed(10)) * 0.7
    p = LIFParameters(v_th=0.35, v_reset=-0.2, v_leak=0.05)
    with torch.no_grad():
        fast = LIF(p, record_states=True)(x)
    graph = LIF(p, record_states=True)(x.clone().requires_grad_())
    assert graph[0].requires_grad and not fast[0].requires_grad
    assert torch.equal(fast[0], graph[0].detach())
    assert torch.equal(fast[1].v, graph[1].v.detach())
    assert torch.equal(fast[1].i, graph[1].i.detach())


# --- properties (hypothesis) -------------------------------------------------------------------------------------


def float32_at_most(value: float) -> float:
    """The float32 nearest ``value`` that is not above it."""
    rounded = np.float32(value)
    return float(rounded if rounded <= value else np.nextafter(rounded, np.float32(-np.inf)))


class Float32(TypedDict):
    """The arguments of ``st.floats`` that draw finite float32 values."""

    width: Literal[32]
    allow_nan: bool
    allow_infinity: bool


# Parameters drawn as float32 values, so that the float64 closed forms and the float32 simulation agree on them.
f32: Float32 = {"width": 32, "allow_nan": False, "allow_infinity": False}


@st.composite
def parameters(
    draw: st.DrawFn, neurons: int, per_neuron: bool, slowest_tau_inv: float = 1.0
) -> LIFParameters:
    def field(low: float, high: float) -> float | torch.Tensor:
        if per_neuron and draw(st.booleans()):
            values = draw(st.lists(st.floats(low, high, **f32), min_size=neurons, max_size=neurons))
            return torch.tensor(values)
        return draw(st.floats(low, high, **f32))

    v_leak = np.float32(draw(st.floats(-1.0, 1.0, **f32)))
    v_th = v_leak + np.float32(draw(st.floats(0.0625, 2.0, **f32)))  # float32 sums: still float32 values
    v_reset = v_th - np.float32(draw(st.floats(0.0078125, 3.0, **f32)))
    return LIFParameters(
        tau_syn_inv=field(slowest_tau_inv, 990.0),
        tau_mem_inv=field(slowest_tau_inv, 990.0),
        v_leak=float(v_leak),
        v_th=float(v_th),
        v_reset=float(v_reset),
        method=draw(st.sampled_from(["super", "heaviside"])),
    )


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    steps=st.integers(1, 150),
    neurons=st.integers(1, 6),
    kind=st.sampled_from(["f32", "bool", "f64"]),
)
def test_the_fast_loop_equals_the_step_by_step_loop(
    data: st.DataObject, steps: int, neurons: int, kind: str
) -> None:
    p = data.draw(parameters(neurons, per_neuron=True))
    seed = data.draw(st.integers(0, 2**31))
    gen = torch.Generator().manual_seed(seed)
    if kind == "bool":
        x: torch.Tensor = torch.rand(steps, neurons, generator=gen) < data.draw(st.floats(0.0, 1.0))
    else:
        scale = data.draw(st.floats(0.0, 5.0))
        x = (torch.rand(steps, neurons, generator=gen) - 0.2) * scale
        x = x.double() if kind == "f64" else x
    with torch.no_grad():
        spikes, final, traces = lif_integrate(x, p)
        z, v, i = step_by_step(x, p, 1e-3)
    assert torch.equal(spikes, z)
    assert torch.equal(traces["v"], v)
    assert torch.equal(traces["i"], i)
    assert torch.equal(final.v, v[-1]) and torch.equal(final.i, i[-1])


@settings(max_examples=40, deadline=None)
@given(p=parameters(1, per_neuron=False), below=st.floats(0.0, 1.0))
def test_a_constant_input_at_or_below_the_rheobase_never_spikes(p: LIFParameters, below: float) -> None:
    threshold_input = rheobase(p)
    # At the rheobase itself and below, down to zero, as float32 inputs that are not above it.
    x = torch.tensor([float32_at_most(value) for value in (threshold_input, threshold_input * below, 0.0)])
    spikes, _ = LIF(p)(x.expand(3000, -1))
    assert not spikes.any()


@settings(max_examples=40, deadline=None)
@given(p=parameters(1, per_neuron=False, slowest_tau_inv=10.0), above=st.floats(1.01, 10.0))
def test_a_constant_input_a_bit_above_the_rheobase_spikes_eventually(p: LIFParameters, above: float) -> None:
    # The voltage approaches its steady value with the slower of the two decays; 1% above the rheobase it
    # crosses the threshold within -ln(0.01)/(dt * tau_inv) steps of each, a few thousand steps at worst.
    slowest = min(float(p.tau_mem_inv), float(p.tau_syn_inv)) * 1e-3
    steps = math.ceil(3 * math.log(100) / slowest) + 10
    x = torch.full((steps, 1), rheobase(p) * above)
    spikes, _ = LIF(p)(x)
    assert spikes.any()


def test_the_learners_thread_setting_is_restored_after_a_run() -> None:
    # The fast loop runs on one intra-op thread (many small operations); the setting is given back after.
    original = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        LIF()(torch.rand(100, 50_000) < 0.01)
        simulate(torch.rand(10, 5))
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(original)


@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    steps=st.integers(1, 150),
    neurons=st.integers(1, 6),
    kind=st.sampled_from(["f32", "bool", "f64"]),
    rho_reset=st.sampled_from([None, 0.0, 1.0, 3.0, 2.5]),
    weight=st.sampled_from([None, 0.3, -1.7, 2.0]),
    bool_spikes=st.booleans(),
)
def test_every_path_gives_the_same_numbers_bit_for_bit(
    data: st.DataObject,
    steps: int,
    neurons: int,
    kind: str,
    rho_reset: float | None,
    weight: float | None,
    bool_spikes: bool,
) -> None:
    """The compiled loop, the torch loop, the differentiable loop and the autograd path against single steps."""
    p = data.draw(parameters(neurons, per_neuron=True))
    dt = data.draw(st.sampled_from([1e-3, 2.5e-4]))
    gen = torch.Generator().manual_seed(data.draw(st.integers(0, 2**31)))
    if kind == "bool":
        x: torch.Tensor = torch.rand(steps, neurons, generator=gen) < data.draw(st.floats(0.0, 1.0))
    else:
        x = (torch.rand(steps, neurons, generator=gen) - 0.2) * data.draw(st.floats(0.0, 5.0))
        x = x.double() if kind == "f64" else x
    record_neurons = data.draw(st.sampled_from([None, torch.tensor([neurons - 1, 0])]))
    # The reference: one public step at a time, on the input multiplied out as a learner would.
    drive = x if weight is None else x * weight
    dtype = torch.float64 if kind == "f64" else torch.float32
    rest = LIFState(
        v=torch.as_tensor(p.v_leak, dtype=dtype).expand(neurons).clone(), i=torch.zeros(neurons, dtype=dtype)
    )
    zs, vs, is_ = [], [], []
    with torch.no_grad():
        if rho_reset is None:
            state: LIFState = rest
            for x_t in drive:
                z, state = lif_step(x_t, state, p, dt)
                zs.append(z)
                vs.append(state.v)
                is_.append(state.i)
        else:
            refrac = LIFRefracState(lif=rest, rho=torch.zeros(neurons, dtype=dtype))
            for x_t in drive:
                z, refrac = lif_refrac_step(x_t, refrac, LIFRefracParameters(p, rho_reset), dt)
                zs.append(z)
                vs.append(refrac.lif.v)
                is_.append(refrac.lif.i)
    z_ref, v_ref, i_ref = torch.stack(zs), torch.stack(vs), torch.stack(is_)
    if record_neurons is not None:
        v_ref, i_ref = v_ref[:, record_neurons], i_ref[:, record_neurons]
    runs = {}
    with torch.no_grad():
        for engine in ("compiled", "torch", "graph"):
            runs[engine] = _integrate(
                x,
                p,
                dt,
                None,
                ("v", "i"),
                record_neurons,
                bool_spikes,
                weight=weight,
                rho_reset=rho_reset,
                engine=engine,
            )
    if kind != "bool" and not bool_spikes:  # forward of the autograd path: the fast loop, a graph kept
        runs["autograd"] = _integrate(
            x.clone().requires_grad_(),
            p,
            dt,
            None,
            ("v", "i"),
            record_neurons,
            False,
            weight=weight,
            rho_reset=rho_reset,
        )
        assert runs["autograd"].traces["v"].requires_grad
    for engine, run in runs.items():
        assert torch.equal(run.spikes.detach(), z_ref.bool() if bool_spikes else z_ref), engine
        assert torch.equal(run.traces["v"].detach(), v_ref), engine
        assert torch.equal(run.traces["i"].detach(), i_ref), engine
        assert run.spikes.dtype == (torch.bool if bool_spikes else dtype)
        assert (run.rho is None) == (rho_reset is None)


def test_warm_up_loads_the_compiled_loop_and_changes_nothing() -> None:
    before = torch.random.get_rng_state()
    threads = torch.get_num_threads()
    warm_up()
    assert torch.equal(torch.random.get_rng_state(), before) and torch.get_num_threads() == threads


def test_the_compiled_loop_can_be_switched_off_with_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    x = torch.rand(200, 30, generator=torch.Generator().manual_seed(11)) < 0.2
    compiled = simulate(x, LIFParameters(v_th=0.3), record_neurons="all", refractory=2e-3)
    monkeypatch.setenv("LIFTEACH_COMPILED_LOOP", "0")
    torch_loop = simulate(x, LIFParameters(v_th=0.3), record_neurons="all", refractory=2e-3)
    assert torch.equal(compiled.spikes, torch_loop.spikes)
    assert compiled.v is not None and torch_loop.v is not None and torch.equal(compiled.v, torch_loop.v)
