"""The numbers of one step of a recorded run, taken from the core, beside the exact solution over that step.

``step_numbers(result, neuron, step)`` reads the state a neuron had before ``step`` from a ``Result``'s
recorded traces (at rest before step 0), and runs the core's own step function on it (``lifteach.lif``,
the one ``lif_step`` calls; with a refractory period, then Norse's refractory rule as ``lif_refrac_step``
applies it), so every value is the core's, bit for bit. The refractory count before a step is not a trace:
it follows from the neuron's last spike (``rho_reset`` steps after it, one fewer per held step). Beside it: what the exact solution of
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
from lifteach.lif._step import _refractory_update
from lifteach.simulate import Result

__all__ = ["VALUE_KEYS", "StepNumbers", "exact_step", "step_numbers", "surrogate_derivative"]

VALUE_KEYS = ("x", "i", "v", "rho", "i_jump", "v_decayed", "i_decayed", "spike", "v_new", "rho_new")
"""The keys of ``StepNumbers.values``: the input and the state before the step, then every value in the core's
order. ``rho`` and ``rho_new`` are the refractory steps left before and after (0.0 without a refractory period)."""


@dataclass(frozen=True)
class StepNumbers:
    """One step of one neuron: its state before, every value the core computes, and the two comparisons.

    Attributes:
        step: the step's index (0 is the first step); ``time_ms`` its time as the traces label it.
        neuron: the neuron's index in the population.
        dt: the time step in seconds.
        x: the input at this step (model units; a current jump).
        i, v: the current and voltage before the step (the recorded state of the step before, or rest).
        rho: the refractory steps left before the step (0.0: free; always 0.0 without a refractory period).
        i_jump, v_decayed, i_decayed: the core's LIF step, in the order it computes them.
        crossed: 1.0 when ``v_decayed > v_th`` (the threshold comparison), else 0.0.
        spike, v_new, rho_new: the step's outcome: ``spike`` is ``crossed`` unless the neuron is held
            (``rho > 0``); ``v_new`` the reset, the held voltage ``v`` or ``v_decayed``; ``rho_new`` the count
            after. The recorded state after the step is ``(v_new, i_decayed)``.
        rho_reset: the refractory period in steps (0: none).
        tau_mem_inv, tau_syn_inv: inverse time constants in 1/s; v_leak, v_th, v_reset in model units.
        method: the parameters' spike method (``"super"`` or ``"heaviside"``).
        exact_v, exact_i: the exact solution of the ODEs over this ``dt`` from ``(v, i_jump)``, before any
            reset (float64).
        surrogate: the surrogate derivative d spike / d v at this step (0.0 for ``"heaviside"``, and while
            the neuron is held, which masks the spike).
    """

    step: int
    neuron: int
    dt: float
    x: float
    i: float
    v: float
    rho: float
    i_jump: float
    v_decayed: float
    i_decayed: float
    crossed: float
    spike: float
    v_new: float
    rho_new: float
    rho_reset: int
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
    def held(self) -> bool:
        """True when the neuron is refractory during this step: its voltage is held and it cannot spike."""
        return self.rho > 0

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


def _refractory_count_before(result: Result, neuron: int, step: int, rho_reset: int) -> int:
    """The refractory steps left before ``step``: ``rho_reset`` after a spike, one fewer per step since.

    A run starts free (at rest); a spike at step ``s`` sets the count to ``rho_reset`` after that step, and
    each held step after it takes one off, so before step ``t`` it is ``rho_reset - (t - 1 - s)``, at least 0.
    """
    if rho_reset == 0 or step == 0:
        return 0
    earlier = torch.nonzero(result.spikes[max(0, step - 1 - rho_reset) : step, neuron])
    if len(earlier) == 0:
        return 0
    last = max(0, step - 1 - rho_reset) + int(earlier[-1, 0])
    return max(0, rho_reset - (step - 1 - last))


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
    rho_reset = round(result.refractory / result.dt)  # a whole number of steps (simulate rounds it)
    rho = _refractory_count_before(result, neuron, step, rho_reset)
    with torch.no_grad():
        parts = _step_parts(x, before, q, p.method, result.dt)
        z, v_new, rho_new = parts.z, parts.v_new, torch.zeros(())
        if rho_reset:
            # Norse's rule, as lif_refrac_step applies it after the same LIF step.
            rho_tensor = torch.tensor(float(rho), dtype=before.v.dtype)
            reset = torch.tensor(float(rho_reset), dtype=before.v.dtype)
            v_new, z, rho_new = _refractory_update(
                rho_tensor, parts.z, parts.v_new, before.v, reset, p.method
            )
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
        rho=float(rho),
        i_jump=float(parts.i_jump),
        v_decayed=float(parts.v_decayed),
        i_decayed=float(parts.i_decayed),
        crossed=float(parts.z),
        spike=float(z),
        v_new=float(v_new),
        rho_new=float(rho_new),
        rho_reset=rho_reset,
        tau_mem_inv=float(q["tau_mem_inv"]),
        tau_syn_inv=float(q["tau_syn_inv"]),
        v_leak=float(q["v_leak"]),
        v_th=float(q["v_th"]),
        v_reset=float(q["v_reset"]),
        method=p.method,
        exact_v=exact_v,
        exact_i=exact_i,
        # While held the spike is (1 - held) x spike: no gradient reaches the voltage.
        surrogate=0.0 if rho > 0 else surrogate_derivative(parts.v_decayed - q["v_th"], p.method),
    )
