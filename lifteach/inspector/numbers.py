"""The numbers of one step of a recorded run, taken from the core, beside the exact solution over that step.

``step_numbers(result, neuron, step)`` reads the state a neuron had before ``step`` from a ``Result``'s
recorded traces (at rest before step 0), and runs the core's own step function on it (``lifteach.lif``,
the one ``lif_step`` calls), so every value is the core's, bit for bit. Beside it: what the exact solution of
the same two linear ODEs gives over one ``dt`` (``exact_step``), and the SuperSpike surrogate derivative a
training run would use at that step (``surrogate_derivative``, through the core's autograd function).

Units: ``dt`` in seconds, inverse time constants in 1/s, voltages and currents in model units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from lifteach import _checks
from lifteach.lif import LIFParameters, LIFState, _parameter_tensors, _spike, _step_parts
from lifteach.simulate import Result

__all__ = ["VALUE_KEYS", "StepNumbers", "exact_step", "step_numbers", "surrogate_derivative"]

VALUE_KEYS = ("x", "i", "v", "i_jump", "v_decayed", "i_decayed", "spike", "v_new")
"""The keys of ``StepNumbers.values``: the state before the step, then every value in the core's order."""


@dataclass(frozen=True)
class StepNumbers:
    """One step of one neuron: its state before, every value the core computes, and the two comparisons.

    Attributes:
        step: the step's index (0 is the first step); ``time_ms`` its time as the traces label it.
        neuron: the neuron's index in the population.
        dt: the time step in seconds.
        x: the input at this step (model units; a current jump).
        i, v: the current and voltage before the step (the recorded state of the step before, or rest).
        i_jump, v_decayed, i_decayed, spike, v_new: the core's values, in the order it computes them;
            ``spike`` is 0.0 or 1.0; the recorded state after the step is ``(v_new, i_decayed)``.
        tau_mem_inv, tau_syn_inv: inverse time constants in 1/s; v_leak, v_th, v_reset in model units.
        method: the parameters' spike method (``"super"`` or ``"heaviside"``).
        exact_v, exact_i: the exact solution of the ODEs over this ``dt`` from ``(v, i_jump)``, before any
            reset (float64).
        surrogate: the surrogate derivative d spike / d v at this step (0.0 for ``"heaviside"``).
    """

    step: int
    neuron: int
    dt: float
    x: float
    i: float
    v: float
    i_jump: float
    v_decayed: float
    i_decayed: float
    spike: float
    v_new: float
    tau_mem_inv: float
    tau_syn_inv: float
    v_leak: float
    v_th: float
    v_reset: float
    method: str
    exact_v: float
    exact_i: float
    surrogate: float

    @property
    def time_ms(self) -> float:
        """The step's time in ms as the traces label it (``step * dt``)."""
        return self.step * self.dt * 1000.0

    @property
    def values(self) -> dict[str, float]:
        """The state before the step and the core's values, as floats, by ``VALUE_KEYS``."""
        return {key: float(getattr(self, key)) for key in VALUE_KEYS}


def exact_step(
    v: float, i_jump: float, tau_mem_inv: float, tau_syn_inv: float, v_leak: float, dt: float
) -> tuple[float, float]:
    """``(v, i)`` after ``dt`` seconds of the exact solution of the LIF ODEs, from ``v`` and ``i_jump``.

    The ODEs ``dv/dt = tau_mem_inv * (v_leak - v + i)`` and ``di/dt = -tau_syn_inv * i`` (inverse time
    constants in 1/s) are linear: with ``a = tau_mem_inv``, ``b = tau_syn_inv`` and ``w = v - v_leak``,
    ``i(t) = i_jump * exp(-b t)`` and ``w(t) = w(0) exp(-a t) + i_jump * a t exp(-a t) * g((a - b) t)``, where
    ``g(u) = (exp(u) - 1) / u`` (``g(0) = 1``, which covers ``a = b``). No threshold or reset: this is the
    voltage the step would reach if it were integrated exactly. Forward Euler, the core's scheme, keeps the
    current at ``i_jump`` for the whole step instead.
    """
    values = {
        name: _checks.finite_number(name, value)
        for name, value in (
            ("v", v),
            ("i_jump", i_jump),
            ("tau_mem_inv", tau_mem_inv),
            ("tau_syn_inv", tau_syn_inv),
            ("v_leak", v_leak),
            ("dt", dt),
        )
    }
    for name in ("tau_mem_inv", "tau_syn_inv", "dt"):
        if values[name] <= 0:
            unit = "s" if name == "dt" else "1/s"
            raise ValueError(f"{name} must be positive (in {unit}), got {values[name]!r}.")
    a, b, t = values["tau_mem_inv"], values["tau_syn_inv"], values["dt"]
    current = values["i_jump"]
    u = (a - b) * t
    growth = 1.0 if u == 0 else math.expm1(u) / u  # expm1: accurate when a and b are close
    w = (values["v"] - values["v_leak"]) * math.exp(-a * t) + current * a * t * math.exp(-a * t) * growth
    return values["v_leak"] + w, current * math.exp(-b * t)


def surrogate_derivative(distance: torch.Tensor | float, method: str = "super") -> float:
    """The derivative of the spike with respect to the voltage that training uses, at ``v - v_th``.

    The spike itself is a step (1 when ``distance > 0``), whose derivative is zero everywhere but at the
    threshold; training (``method="super"``, the default) replaces it by SuperSpike's ``1 / (|distance| + 1)**2``,
    here through the core's own autograd function, so it is the number ``backward`` uses. ``"heaviside"``
    passes no gradient through the spike: 0.0.
    """
    if method == "heaviside":
        return 0.0
    tensor = torch.as_tensor(distance).detach().clone().requires_grad_(True)
    with torch.enable_grad():
        (gradient,) = torch.autograd.grad(_spike(tensor, method), tensor)
    return float(gradient)


def _for_neuron(value: float | torch.Tensor, neuron: int, count: int) -> torch.Tensor:
    """A parameter as the 0-d tensor of ``neuron`` (a float or a per-neuron tensor, as the core takes it)."""
    tensor = torch.as_tensor(value)
    return tensor if tensor.numel() == 1 else tensor.expand(count)[neuron]


def _state_before(result: Result, column: int, step: int, neuron: int) -> LIFState:
    """The recorded state at the end of the step before ``step``, or rest before the first step."""
    assert result.v is not None and result.i is not None
    if step > 0:
        return LIFState(v=result.v[step - 1, column], i=result.i[step - 1, column])
    dtype = result.v.dtype
    # The core starts at rest: v = v_leak in the traces' dtype, i = 0 (lif._initial_state).
    v_leak = _for_neuron(result.p.v_leak, neuron, result.n_neurons)
    return LIFState(v=v_leak.to(dtype), i=torch.zeros((), dtype=dtype))


def _column(result: Result, neuron: object) -> int:
    """Where ``neuron``'s traces are in the result; refused with the neurons that were recorded."""
    recorded = [int(n) for n in result.recorded_neurons]
    if isinstance(neuron, bool) or not isinstance(neuron, int) or neuron not in recorded:
        raise ValueError(
            f"neuron must be one of the neurons whose traces were recorded, {recorded}, got {neuron!r}; "
            "simulate with record_neurons=[...] including it."
        )
    return recorded.index(neuron)


def step_numbers(result: Result, neuron: int, step: int) -> StepNumbers:
    """The numbers of ``step`` (an index, 0 to ``result.n_steps - 1``) of ``neuron`` in a recorded run.

    Args:
        result: a ``simulate`` result that recorded ``"v"`` and ``"i"`` for ``neuron`` and started at rest.
        neuron: the neuron's index in the population (one of ``result.recorded_neurons``).
        step: the step's index; its time is ``step * dt`` (ms as in the traces: ``step * result.dt * 1000``).

    Returns:
        A ``StepNumbers``: the core's step applied to the recorded state before ``step``.
    """
    if not isinstance(result, Result):
        raise TypeError(f"result must be the Result of lifteach.simulate(...), got {type(result).__name__}.")
    if result.v is None or result.i is None:
        raise ValueError(
            "result must have recorded both 'v' and 'i' (simulate(..., record=('v', 'i'))); the step before "
            "needs the voltage and the current."
        )
    column = _column(result, neuron)
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < result.n_steps:
        raise ValueError(
            f"step must be a step index from 0 to {result.n_steps - 1} (the run has {result.n_steps} steps), "
            f"got {step!r}."
        )
    p: LIFParameters = result.p
    before = _state_before(result, column, step, neuron)
    x = result.input[step, neuron].to(before.v.dtype)
    q = {
        name: _for_neuron(tensor, neuron, result.n_neurons)
        for name, tensor in _parameter_tensors(p, x).items()
    }
    with torch.no_grad():
        parts = _step_parts(x, before, q, p.method, result.dt)
    exact_v, exact_i = exact_step(
        float(before.v), float(parts.i_jump), float(q["tau_mem_inv"]), float(q["tau_syn_inv"]),
        float(q["v_leak"]), result.dt,
    )  # fmt: skip
    return StepNumbers(
        step=step,
        neuron=neuron,
        dt=result.dt,
        x=float(x),
        i=float(before.i),
        v=float(before.v),
        i_jump=float(parts.i_jump),
        v_decayed=float(parts.v_decayed),
        i_decayed=float(parts.i_decayed),
        spike=float(parts.z),
        v_new=float(parts.v_new),
        tau_mem_inv=float(q["tau_mem_inv"]),
        tau_syn_inv=float(q["tau_syn_inv"]),
        v_leak=float(q["v_leak"]),
        v_th=float(q["v_th"]),
        v_reset=float(q["v_reset"]),
        method=p.method,
        exact_v=exact_v,
        exact_i=exact_i,
        surrogate=surrogate_derivative(parts.v_decayed - q["v_th"], p.method),
    )
