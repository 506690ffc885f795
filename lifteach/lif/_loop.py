"""The time loop behind ``LIF`` and ``simulate``: ``lif_integrate``, the engines, and its gradient.

``_integrate`` runs checked arguments through one of the engines: the fast loops of ``lifteach.lif._fast``
(no graph) or the loop of differentiable steps that autograd follows. When a gradient is wanted, the fast loop
runs forward and the backward pass replays the differentiable loop (``_FastWithRecomputedGradient``).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import torch

from lifteach import _checks
from lifteach.lif._fast import _compiled_loop_allowed, _integrate_fast, _Plan
from lifteach.lif._parameters import (
    _PARAMETER_NAMES,
    LIFParameters,
    LIFRefracState,
    LIFState,
    _dtype_for,
    _initial_state,
    _parameter_tensors,
)
from lifteach.lif._step import _refractory_step, _step
from lifteach.lif._torch_compile import _eager
from lifteach.lif._validate import _check_state, check_parameters, neuron_indices

__all__ = ["ENGINES", "lif_feed_forward_integral", "lif_integrate", "warm_up"]


class _Run(NamedTuple):
    """What a loop produced: spikes, the final state (and refractory count), and the recorded traces."""

    spikes: torch.Tensor
    final: LIFState
    rho: torch.Tensor | None
    traces: dict[str, torch.Tensor]


ENGINES = ("auto", "compiled", "torch", "graph")
"""The loops behind ``lif_integrate``; all give the same numbers bit for bit (``tests/test_lif.py``)."""


@_eager
def lif_integrate(
    x: torch.Tensor,
    p: LIFParameters = LIFParameters(),
    dt: float = 1e-3,
    state: LIFState | None = None,
    record: tuple[str, ...] = ("v", "i"),
    record_neurons: torch.Tensor | None = None,
    bool_spikes: bool = False,
) -> tuple[torch.Tensor, LIFState, dict[str, torch.Tensor]]:
    """Simulate LIF neurons over the time steps of ``x``; the loop behind ``LIF`` and ``simulate``.

    Args:
        x: input, shape ``(steps, *neurons)``, floats or bools; a current jump per step.
        p: parameters (floats or per-neuron tensors); time constants in 1/s.
        dt: time step in seconds.
        state: state to continue from (default: at rest, ``v = v_leak`` and ``i = 0``).
        record: which traces to keep, any of ``"v"`` and ``"i"``; ``()`` keeps none.
        record_neurons: indices into the last dimension of the neurons to record (default: all).
        bool_spikes: return spikes as bools (a quarter of the memory of floats; no gradient).

    Returns:
        ``(spikes, final_state, traces)``: spikes (floats 0/1, or bools), shape of ``x``; the state after the last step;
        ``traces[name]`` of shape ``(steps, *neurons)`` (or ``(steps, ..., len(record_neurons))``).

    On the CPU the steps run in a compiled loop (``lifteach._kernel``), elsewhere in a loop of in-place torch
    operations. When something passed in requires a gradient, the outputs carry a graph whose backward pass
    recomputes the run through the differentiable step, so the forward pass costs the same either way.
    """
    x = _checks.time_series("x", x)
    neuron_shape = x.shape[1:]
    dt = check_parameters(p, dt, tuple(neuron_shape))
    if state is not None:
        state = _check_state(state, neuron_shape)
    unknown = set(record) - {"v", "i"}
    if unknown or isinstance(record, str):
        raise ValueError(f"record must be a tuple of 'v' and/or 'i', got {record!r}.")
    if record_neurons is not None:
        record_neurons = neuron_indices(record_neurons, neuron_shape)
    run = _integrate(x, p, dt, state, tuple(record), record_neurons, bool_spikes)
    return run.spikes, run.final, run.traces


def lif_feed_forward_integral(
    input_tensor: torch.Tensor, state: LIFState, p: LIFParameters = LIFParameters(), dt: float = 1e-3
) -> tuple[torch.Tensor, LIFState]:
    """Norse's ``lif_feed_forward_integral``: ``(spikes of every step, final state)``; see ``lif_integrate``."""
    spikes, final, _ = lif_integrate(input_tensor, p, dt, state, record=())
    return spikes, final


def _integrate(
    x: torch.Tensor,
    p: LIFParameters,
    dt: float,
    state: LIFState | None,
    record: tuple[str, ...],
    record_neurons: torch.Tensor | None,
    bool_spikes: bool,
    *,
    weight: float | None = None,
    rho: torch.Tensor | None = None,
    rho_reset: float | torch.Tensor | None = None,
    engine: str = "auto",
) -> _Run:
    """The time loop on checked arguments (callers check; nothing is checked twice).

    With ``rho_reset`` (steps) the neurons have Norse's refractory period, ``rho`` the counts to start from.
    ``engine`` chooses the loop; the default takes the compiled one on the CPU.
    """
    refractory = rho_reset is not None
    dtype = _dtype_for(x, state)
    plan = _Plan(p.method, dt, record, record_neurons, not bool_spikes, weight, refractory, dtype)
    fields = [getattr(p, name) for name in _PARAMETER_NAMES]
    given = (x, rho_reset, *fields, *(state or ()), rho)
    wants_graph = (
        not bool_spikes
        and torch.is_grad_enabled()
        and any(isinstance(t, torch.Tensor) and t.requires_grad for t in given)
    )
    if engine != "graph" and not wants_graph:
        # The fast loops take single values as they are (numbers, as LIFParameters holds them) and spread
        # them over the neurons themselves: no tensors made for them here.
        v0, i0 = (p.v_leak, 0.0) if state is None else state
        rho0 = 0.0 if rho is None else rho
        with torch.no_grad():
            outputs = _integrate_fast(
                plan, engine, x, v0, i0, rho0, 0.0 if rho_reset is None else rho_reset, *fields
            )
    else:
        q = _parameter_tensors(p, x)
        if state is None:
            state = _initial_state(x.shape[1:], q["v_leak"], dtype)
        reset = torch.as_tensor(rho_reset, device=x.device) if refractory else torch.zeros(0, device=x.device)
        if not refractory:
            rho = reset  # empty: no count to keep
        elif rho is None:
            rho = torch.zeros(x.shape[1:], dtype=dtype, device=x.device)
        tensors = (x, state.v, state.i, rho, reset, *(q[name] for name in _PARAMETER_NAMES))
        if engine == "graph":
            outputs = _integrate_with_graph(plan, *tensors)
        else:
            outputs = _FastWithRecomputedGradient.apply(plan, engine, *tensors)  # type: ignore[no-untyped-call]
    spikes, v, i, rho_final, trace_v, trace_i = outputs
    traces = {name: trace for name, trace in (("v", trace_v), ("i", trace_i)) if name in record}
    final = LIFState(v=v, i=i)
    _check_no_overflow(final, x)
    return _Run(spikes, final, rho_final if refractory else None, traces)


class _FastWithRecomputedGradient(torch.autograd.Function):
    """The fast loop forward; backward recomputes the run through the differentiable step.

    Norse's outputs always carry a graph (its initial voltage requires a gradient); recording that graph
    costs ten times the simulation. Here the forward pass runs the fast loop and keeps only its inputs, and the
    backward pass replays the steps with autograd on, so gradients are those of the differentiable step,
    Norse's, at the price of a second simulation only when a gradient is asked for.
    """

    @staticmethod
    def forward(ctx: Any, plan: _Plan, engine: str, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
        ctx.set_materialize_grads(False)
        ctx.plan = plan
        ctx.save_for_backward(*tensors)
        outputs = _integrate_fast(plan, engine, *tensors)
        # One call: each call of mark_non_differentiable replaces the previous one's list.
        spikes_have_no_gradient = plan.method != "super" or not plan.float_spikes
        ctx.mark_non_differentiable(
            *([outputs[0]] if spikes_have_no_gradient else []), *([] if plan.refractory else [outputs[3]])
        )
        return outputs

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, *grads: torch.Tensor | None) -> tuple[torch.Tensor | None, ...]:
        needs = ctx.needs_input_grad[2:]
        with torch.enable_grad():
            leaves = [
                t.detach().requires_grad_(need) for t, need in zip(ctx.saved_tensors, needs, strict=True)
            ]
            outputs = _integrate_with_graph(ctx.plan, *leaves)
            pairs = [(o, g) for o, g in zip(outputs, grads, strict=True) if g is not None and o.requires_grad]
            wanted = [leaf for leaf in leaves if leaf.requires_grad]
            found = (
                torch.autograd.grad([o for o, _ in pairs], wanted, [g for _, g in pairs], allow_unused=True)
                if pairs
                else [None] * len(wanted)
            )
        answers = iter(found)
        return (None, None, *(next(answers) if need else None for need in needs))


def _check_no_overflow(final: LIFState, x: torch.Tensor) -> None:
    """Refuse a result that overflowed rather than return it silently wrong.

    A current or voltage beyond float range becomes inf, and the reset turns inf into NaN, which then stays
    for the rest of the run; so a finite final state means no step overflowed.
    """
    for name in ("v", "i"):
        value = getattr(final, name).detach()
        if value.numel() == 0:
            return
        if value.device.type == "cpu" and value.dtype == torch.float32:
            # numpy answers in microseconds where torch's ops take tens. Summed in float64, finite float32
            # values cannot overflow (1e8 of them stay below 4e46), and NaN or inf carries into the sum: one
            # pass, no array of bools.
            finite = math.isfinite(np.add.reduce(value.numpy().reshape(-1), dtype=np.float64))
        elif value.device.type == "cpu":
            finite = bool(np.isfinite(value.numpy()).all())
        else:
            lowest, highest = torch.aminmax(value)
            finite = math.isfinite(float(lowest)) and math.isfinite(float(highest))
        if not finite:
            largest = float(x.detach().abs().max()) if x.is_floating_point() else 1.0
            raise ValueError(
                f"the simulation overflowed: the {'voltage' if name == 'v' else 'current'} left the range of "
                f"{value.dtype} (about 3e38 for float32). The input reaches {largest:g} per step; "
                "scale the input down."
            )


def _integrate_with_graph(plan: _Plan, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The loop of differentiable steps (``_step``, ``_refractory_update``) that autograd can follow."""
    x, v0, i0, rho, rho_reset, *parameters = tensors
    q = dict(zip(_PARAMETER_NAMES, parameters, strict=True))
    state = LIFState(v=v0, i=i0)
    neuron_shape = x.shape[1:]
    spikes = []
    kept: dict[str, list[torch.Tensor]] = {name: [] for name in plan.record}
    for x_t in x.unbind(0):
        drive = x_t if plan.weight is None else x_t * plan.weight
        if plan.refractory:
            z, refrac = _refractory_step(
                drive, LIFRefracState(state, rho), q, rho_reset, plan.method, plan.dt
            )
            state, rho = refrac.lif, refrac.rho
        else:
            z, state = _step(drive, state, q, plan.method, plan.dt)
        spikes.append(z.expand(neuron_shape))
        for name, rows in kept.items():
            value = getattr(state, name).expand(neuron_shape)
            rows.append(value if plan.record_neurons is None else value.index_select(-1, plan.record_neurons))
    dtype = spikes[0].dtype
    empty = torch.zeros(0, dtype=dtype, device=x.device)
    stacked = torch.stack(spikes)
    return (
        stacked if plan.float_spikes else stacked.bool(),
        state.v.expand(neuron_shape),
        state.i.expand(neuron_shape),
        rho.expand(neuron_shape) if plan.refractory else rho,
        torch.stack(kept["v"]) if "v" in kept else empty,
        torch.stack(kept["i"]) if "i" in kept else empty,
    )


def warm_up() -> None:
    """Load (or, the first time in an environment, compile) the compiled loop for the common inputs.

    Takes a few seconds once per environment and about 2 s afterwards (numba caches the machine code on
    disk, but loading numba and LLVM takes that long); call it where a learner does not wait, e.g. in a
    preheated app kernel before the first visitor. Does nothing where ``LIFTEACH_COMPILED_LOOP=0``.
    """
    if not _compiled_loop_allowed():
        return  # LIFTEACH_COMPILED_LOOP=0: this process runs the torch loop, nothing to load
    with torch.no_grad():
        for x in (
            torch.zeros(2, 2, dtype=torch.bool),
            torch.zeros(2, 2),
            torch.zeros(2, 2, dtype=torch.float64),
        ):
            for bool_spikes in (True, False):
                _integrate(x, LIFParameters(), 1e-3, None, ("v", "i"), None, bool_spikes, engine="compiled")
            _integrate(
                x,
                LIFParameters(),
                1e-3,
                None,
                ("v",),
                torch.tensor([0]),
                True,
                engine="compiled",
                rho_reset=1.0,
            )
