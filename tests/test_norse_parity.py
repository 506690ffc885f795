"""lifteach against the real Norse 1.1.0: the same spikes, voltages and currents, bit for bit.

Norse is installed beside lifteach by the Makefile, so a missing Norse is an error here, never a skip.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

import norse  # noqa: F401  # imported first so that a missing Norse fails this module loudly
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from norse.torch.module.lif import LIF as NorseLIF
from norse.torch.module.lif import LIFCell as NorseLIFCell
from norse.torch.module.lif import LIFParameters as NorseParameters
from norse.torch.module.lif_refrac import LIFRefracCell as NorseLIFRefracCell

import lifteach
from lifteach import LIF, LIFParameters, LIFState


def norse_parameters(p: LIFParameters) -> NorseParameters:
    return NorseParameters(
        tau_syn_inv=torch.as_tensor(p.tau_syn_inv),
        tau_mem_inv=torch.as_tensor(p.tau_mem_inv),
        v_leak=torch.as_tensor(p.v_leak),
        v_th=torch.as_tensor(p.v_th),
        v_reset=torch.as_tensor(p.v_reset),
        method=p.method,
        alpha=torch.as_tensor(p.alpha),
    )


def run_both(
    x: torch.Tensor, p: LIFParameters, dt: float = 1e-3, state: LIFState | None = None
) -> tuple[tuple[torch.Tensor, LIFState], tuple[torch.Tensor, object]]:
    ours = LIF(p, dt=dt, record_states=True)(x, state)
    norse_state = state
    if state is None and isinstance(p.v_leak, torch.Tensor) and p.v_leak.dim() > 0:
        # Norse fills its initial state with torch.full(shape, v_leak), which takes one value only; give it
        # the same state at rest (v = v_leak, i = 0) that lifteach starts from.
        rest = p.v_leak.expand(x.shape[1:]).clone()
        norse_state = LIFState(v=rest, i=torch.zeros_like(rest))
    theirs = NorseLIF(norse_parameters(p), dt=dt, record_states=True)(x, norse_state)
    return ours, theirs


def assert_identical(ours: tuple[torch.Tensor, LIFState], theirs: tuple[torch.Tensor, object]) -> None:
    assert torch.equal(ours[0], theirs[0].detach())
    assert torch.equal(ours[1].v, theirs[1].v.detach())  # type: ignore[attr-defined]
    assert torch.equal(ours[1].i, theirs[1].i.detach())  # type: ignore[attr-defined]
    assert ours[0].dtype == theirs[0].dtype


def test_the_reference_is_norse_1_1_0() -> None:
    assert importlib.metadata.version("norse") == "1.1.0"


# --- the seed workloads ---------------------------------------------------------------------------------------


def test_seed_workload_one_neuron_two_input_spikes() -> None:
    data = torch.zeros(1000, 1)
    data[100] = 1.0
    data[120] = 1.0
    assert_identical(*run_both(data, LIFParameters()))


@pytest.mark.parametrize("neurons", [1000, 10_000])
def test_seed_workload_bernoulli_input_with_a_lower_threshold(neurons: int) -> None:
    spikes_in = torch.rand((1000, neurons), generator=torch.Generator().manual_seed(neurons)) < 0.01
    ours, theirs = run_both(spikes_in, LIFParameters(v_th=0.3))
    assert ours[0].sum() > 0
    assert_identical(ours, theirs)


def test_the_scaled_input_that_spikes_exactly_once() -> None:
    data = torch.zeros(1000, 1)
    data[100] = 1.0
    data[120] = 1.0
    max_voltage = run_both(data, LIFParameters())[0][1].v.max()
    scaled = (1.001 * (data / max_voltage))[:200]
    ours, theirs = run_both(scaled, LIFParameters())
    assert int(ours[0].sum()) == 1
    assert_identical(ours, theirs)


# --- random inputs and parameters ------------------------------------------------------------------------------


@st.composite
def parameters(draw: st.DrawFn, neurons: int) -> LIFParameters:
    def field(low: float, high: float) -> float | torch.Tensor:
        if draw(st.booleans()):  # one value per neuron
            return torch.tensor(draw(st.lists(st.floats(low, high), min_size=neurons, max_size=neurons)))
        return draw(st.floats(low, high))

    v_leak = field(-1.0, 0.5)
    v_th = torch.as_tensor(v_leak) + torch.as_tensor(field(0.05, 2.0))
    v_reset = v_th - torch.as_tensor(field(0.01, 2.0))
    return LIFParameters(
        tau_syn_inv=field(1.0, 999.0),
        tau_mem_inv=field(1.0, 999.0),
        v_leak=v_leak,
        v_th=v_th if v_th.dim() else float(v_th),
        v_reset=v_reset if v_reset.dim() else float(v_reset),
        method=draw(st.sampled_from(["super", "heaviside"])),
    )


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    steps=st.integers(1, 120),
    neurons=st.integers(1, 8),
    kind=st.sampled_from(["bool", "float32", "float64"]),
)
def test_random_inputs_and_parameters_match_norse(
    data: st.DataObject, steps: int, neurons: int, kind: str
) -> None:
    p = data.draw(parameters(neurons))
    dt = data.draw(st.sampled_from([1e-3, 5e-4, 1e-4]))
    gen = torch.Generator().manual_seed(data.draw(st.integers(0, 2**31)))
    if kind == "bool":
        x: torch.Tensor = torch.rand(steps, neurons, generator=gen) < data.draw(st.floats(0.0, 1.0))
    else:
        x = (torch.rand(steps, neurons, generator=gen) - 0.3) * data.draw(st.floats(0.0, 4.0))
        x = x.double() if kind == "float64" else x
    assert_identical(*run_both(x, p, dt))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31), split=st.integers(1, 99))
def test_continuing_from_a_state_matches_norse(seed: int, split: int) -> None:
    x = torch.rand(100, 5, generator=torch.Generator().manual_seed(seed)) * 0.5
    p = LIFParameters(v_th=0.4, v_reset=-0.2, v_leak=0.1)
    first = LIF(p, record_states=False)(x[:split])
    start = LIFState(v=first[1].v.clone(), i=first[1].i.clone())
    assert_identical(*run_both(x[split:], p, state=start))


def test_leading_neuron_dimensions_match_norse() -> None:
    x = torch.rand(80, 3, 4, generator=torch.Generator().manual_seed(0)) < 0.2
    assert_identical(*run_both(x, LIFParameters(v_th=torch.tensor([0.2, 0.3, 0.4, 0.5]))))


# --- gradients ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("record_states", [False, True])
def test_input_gradients_agree_with_norse(record_states: bool) -> None:
    base = torch.rand(150, 12, generator=torch.Generator().manual_seed(1)) * 0.6
    p = LIFParameters(v_th=0.4)
    grads = []
    for module in (
        LIF(p, record_states=record_states),
        NorseLIF(norse_parameters(p), record_states=record_states),
    ):
        x = base.clone().requires_grad_()
        spikes, states = module(x)
        (spikes.sum() + 0.1 * states.v.sum()).backward()
        grads.append(x.grad)
    assert grads[0] is not None and grads[1] is not None
    assert grads[0].abs().sum() > 0
    torch.testing.assert_close(grads[0], grads[1], rtol=1e-5, atol=1e-7)


def test_parameter_gradients_agree_with_norse() -> None:
    x = torch.rand(100, 6, generator=torch.Generator().manual_seed(2)) < 0.1
    grads = []
    for make in (lambda p: LIF(p), lambda p: NorseLIF(norse_parameters(p))):
        v_th = torch.full((6,), 0.3, requires_grad=True)
        tau_mem_inv = torch.full((6,), 100.0, requires_grad=True)
        spikes, _ = make(LIFParameters(v_th=v_th, tau_mem_inv=tau_mem_inv))(x)
        spikes.sum().backward()
        grads.append((v_th.grad, tau_mem_inv.grad))
    torch.testing.assert_close(grads[0][0], grads[1][0])
    torch.testing.assert_close(grads[0][1], grads[1][1])


# --- the seed tutorial, run unchanged with the import swapped ---------------------------------------------------


def test_the_seed_tutorial_runs_unchanged_with_lifteach() -> None:
    # The text of Norse's "Simulating and plotting neurons", with only the import line changed.
    from lifteach import LIF, LIFParameters

    torch.manual_seed(0)  # the tutorial draws from the global generator; fix it for a reproducible test
    lif = LIF(record_states=True)
    data = torch.zeros(1000, 1)
    data[100] = 1.0
    data[120] = 1.0
    output, states = lif(data)
    voltages = states.v.detach()
    max_voltage = torch.max(voltages)
    message = f"maximal voltage: {max_voltage} at {torch.argmax(voltages)} ms"
    assert float(max_voltage) == pytest.approx(0.3309, abs=1e-4)
    assert int(torch.argmax(voltages)) == 125
    assert message.startswith("maximal voltage: 0.330") and message.endswith("at 125 ms")

    scaled_data = 1.001 * (data / max_voltage)
    output, states = lif(scaled_data[:200])
    assert int(output.sum()) == 1  # now spikes once

    timesteps = 1000
    num_neurons = 1000
    input_spikes = torch.rand((timesteps, num_neurons)) < 0.01
    mean_inputs = input_spikes.sum(dim=0).float().mean()
    assert 5 < float(mean_inputs) < 15

    lif = LIF(p=LIFParameters(v_th=0.3), record_states=True)
    spikes, states = lif(input_spikes)
    assert spikes.shape == torch.Size([1000, 1000])
    indices = spikes.to_sparse().indices()
    assert indices.shape[0] == 2 and indices.shape[1] == int(spikes.sum())
    mean_spikes = torch.mean(torch.sum(spikes, dim=0))
    counts = spikes.sum(0).detach().numpy()
    assert isinstance(counts, np.ndarray) and counts.shape == (1000,)
    assert float(mean_spikes) == pytest.approx(counts.mean())
    assert states.v.detach().shape == (1000, 1000)

    # And the numbers are Norse's own.
    theirs = NorseLIF(p=NorseParameters(v_th=torch.as_tensor(0.3)), record_states=True)(input_spikes)
    assert torch.equal(spikes, theirs[0].detach())
    assert torch.equal(states.v, theirs[1].v.detach())
    assert lifteach.LIF is LIF


# --- the single-step cells ---------------------------------------------------------------------------------------


def norse_refrac_parameters(p: lifteach.LIFRefracParameters) -> Any:
    from norse.torch.functional.lif_refrac import LIFRefracParameters as NorseRefracParameters

    return NorseRefracParameters(lif=norse_parameters(p.lif), rho_reset=torch.as_tensor(p.rho_reset))


def step_both_cells(
    x: torch.Tensor, ours: torch.nn.Module, theirs: torch.nn.Module, state: Any = None
) -> list[tuple[Any, Any]]:
    """Both cells stepped over the rows of ``x``: per step, ours and Norse's ``(z, state)``."""
    steps = []
    our_state, their_state = state, state
    for x_t in x:
        z_ours, our_state = ours(x_t, our_state)
        z_theirs, their_state = theirs(x_t, their_state)
        steps.append(((z_ours, our_state), (z_theirs, their_state)))
    return steps


def flat(state: Any) -> list[torch.Tensor]:
    """The tensors of a (possibly nested) state, in field order."""
    if isinstance(state, torch.Tensor):
        return [state]
    return [t for field in state for t in flat(field)]


def assert_same_steps(steps: list[tuple[Any, Any]]) -> None:
    for (z_ours, s_ours), (z_theirs, s_theirs) in steps:
        assert torch.equal(z_ours, z_theirs.detach())
        for a, b in zip(flat(s_ours), flat(s_theirs), strict=True):
            assert torch.equal(a, b.detach().expand(a.shape))


def test_lif_cell_matches_norses_on_the_seed_workload() -> None:
    data = torch.zeros(300, 1)
    data[100] = 1.0
    data[120] = 1.0
    p = LIFParameters()
    assert_same_steps(step_both_cells(data, lifteach.LIFCell(p), NorseLIFCell(norse_parameters(p))))


@settings(max_examples=30, deadline=None)
@given(
    data=st.data(), steps=st.integers(1, 60), neurons=st.integers(1, 6), kind=st.sampled_from(["bool", "f32"])
)
def test_lif_cell_matches_norses_on_random_inputs(
    data: st.DataObject, steps: int, neurons: int, kind: str
) -> None:
    p = data.draw(parameters(neurons))
    dt = data.draw(st.sampled_from([1e-3, 5e-4]))
    gen = torch.Generator().manual_seed(data.draw(st.integers(0, 2**31)))
    if kind == "bool":
        x: torch.Tensor = torch.rand(steps, neurons, generator=gen) < 0.5
    else:
        x = (torch.rand(steps, neurons, generator=gen) - 0.3) * data.draw(st.floats(0.0, 4.0))
    rest = torch.as_tensor(p.v_leak).expand(neurons).clone()
    state = LIFState(v=rest, i=torch.zeros(neurons))  # Norse's own fills v from a single v_leak only
    ours, theirs = lifteach.LIFCell(p, dt=dt), NorseLIFCell(norse_parameters(p), dt=dt)
    assert_same_steps(step_both_cells(x, ours, theirs, state))


def test_lif_refrac_cell_matches_norses_on_a_trace_worked_out_by_hand() -> None:
    # dt * tau = 0.5, v_th = 0.875, v_reset = -0.25, a refractory period of 2 steps. Steps 0-3 are the LIF
    # trace of tests/test_lif.py (a spike at step 3, rho = 2); then
    #   step 4, x=0: held (rho 2 > 0): v stays -0.25, i = 0.40625, rho = 1
    #   step 5, x=2: i_jump = 2.40625 would take v to 1.078125 > v_th, but held: v = -0.25, no spike, rho = 0
    #   step 6, x=0: free: v = -0.25 + 0.5 * (0.25 + 1.203125) = 0.4765625, i = 0.6015625
    by_hand = [
        (0.0, 0.5, 0.5, 0.0),
        (0.0, 0.5, 0.25, 0.0),
        (0.0, 0.875, 0.625, 0.0),
        (1.0, -0.25, 0.8125, 2.0),
        (0.0, -0.25, 0.40625, 1.0),
        (0.0, -0.25, 1.203125, 0.0),
        (0.0, 0.4765625, 0.6015625, 0.0),
    ]
    exact = LIFParameters(tau_syn_inv=2.0, tau_mem_inv=2.0, v_leak=0.0, v_th=0.875, v_reset=-0.25)
    p = lifteach.LIFRefracParameters(lif=exact, rho_reset=2.0)
    x = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 2.0, 0.0]).reshape(-1, 1)
    steps = step_both_cells(
        x, lifteach.LIFRefracCell(p, dt=0.25), NorseLIFRefracCell(norse_refrac_parameters(p), dt=0.25)
    )
    assert_same_steps(steps)
    assert all(isinstance(state, lifteach.LIFRefracState) for (_, state), _ in steps)
    got = [(float(z), float(s.lif.v), float(s.lif.i), float(s.rho)) for (z, s), _ in steps]
    assert got == by_hand
    # And simulate with a refractory period of 2 steps (0.5 s at dt = 0.25 s) gives the same trace.
    run = lifteach.simulate(x, exact, dt=0.25, refractory=0.5)
    assert run.v is not None and run.i is not None
    assert run.spikes[:, 0].tolist() == [bool(z) for z, *_ in by_hand]
    assert run.v[:, 0].tolist() == [v for _, v, _, _ in by_hand]
    assert run.i[:, 0].tolist() == [i for _, _, i, _ in by_hand]


@settings(max_examples=30, deadline=None)
@given(data=st.data(), steps=st.integers(1, 80), neurons=st.integers(1, 6))
def test_lif_refrac_cell_and_simulate_match_norses_on_random_inputs(
    data: st.DataObject, steps: int, neurons: int
) -> None:
    lif = data.draw(parameters(neurons))
    rho_reset = data.draw(st.sampled_from([0.0, 1.0, 2.0, 5.0, 2.5, 7.0]))
    p = lifteach.LIFRefracParameters(lif=lif, rho_reset=rho_reset)
    dt = data.draw(st.sampled_from([1e-3, 5e-4]))
    gen = torch.Generator().manual_seed(data.draw(st.integers(0, 2**31)))
    x = (torch.rand(steps, neurons, generator=gen) - 0.2) * data.draw(st.floats(0.0, 5.0))
    rest = torch.as_tensor(lif.v_leak).expand(neurons).clone()
    state = lifteach.LIFRefracState(lif=LIFState(v=rest, i=torch.zeros(neurons)), rho=torch.zeros(neurons))
    ours = lifteach.LIFRefracCell(p, dt=dt)
    steps_both = step_both_cells(x, ours, NorseLIFRefracCell(norse_refrac_parameters(p), dt=dt), state)
    assert_same_steps(steps_both)
    if rho_reset.is_integer():  # simulate takes a whole number of steps
        run = lifteach.simulate(x, lif, dt=dt, refractory=rho_reset * dt, record_neurons="all")
        assert run.v is not None
        assert torch.equal(run.spikes, torch.stack([z for (z, _), _ in steps_both]).bool())
        assert torch.equal(run.v, torch.stack([s.lif.v.expand(neurons) for (_, s), _ in steps_both]))


def test_refractory_gradients_agree_with_norse() -> None:
    x = torch.rand(40, 4, generator=torch.Generator().manual_seed(3)) * 0.8
    p = lifteach.LIFRefracParameters(lif=LIFParameters(v_th=0.3), rho_reset=3.0)
    grads = []
    for cell in (lifteach.LIFRefracCell(p), NorseLIFRefracCell(norse_refrac_parameters(p))):
        inputs = x.clone().requires_grad_()
        state, total = None, torch.zeros(())
        for x_t in inputs:
            z, state = cell(x_t, state)
            total = total + z.sum() + 0.1 * state.lif.v.sum()
        total.backward()
        grads.append(inputs.grad)
    assert grads[0] is not None and grads[0].abs().sum() > 0
    torch.testing.assert_close(grads[0], grads[1])
