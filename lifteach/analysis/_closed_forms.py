"""The closed forms of the f-I curve under constant input: rheobase, steady rates (discrete and continuous
time), the rate ceiling, and f-I curves simulated next to the closed form.

Inputs are per step (a jump of the synaptic current), ``dt`` and refractory periods in seconds, rates in Hz.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch

from lifteach import _checks
from lifteach.analysis._spikes import firing_rates
from lifteach.lif import LIFParameters, check_parameters
from lifteach.simulate import _refractory_steps, simulate


def rheobase(p: LIFParameters = LIFParameters(), dt: float = 1e-3) -> float:
    """The smallest constant input (per step) that makes the neuron spike in this discrete scheme.

    Under constant input x the voltage settles at ``v_leak + x / (dt * tau_syn_inv)`` from below, so the
    neuron spikes exactly when ``x > (v_th - v_leak) * dt * tau_syn_inv`` (0.2 with the defaults).
    """
    dt = check_parameters(p, dt)
    for name in ("v_th", "v_leak", "tau_syn_inv"):
        if isinstance(getattr(p, name), torch.Tensor) and getattr(p, name).numel() > 1:
            raise ValueError(f"rheobase needs one value of p.{name}, got a per-neuron tensor.")
    return (float(p.v_th) - float(p.v_leak)) * dt * float(p.tau_syn_inv)


def predicted_rate(
    x: float, p: LIFParameters = LIFParameters(), dt: float = 1e-3, refractory: float = 0.0
) -> float:
    """Steady firing rate in Hz under constant input ``x``, in closed form for this discrete scheme.

    Once the current has settled (``x / (dt * tau_syn_inv)`` after the jump), the voltage relaxes from
    ``v_reset`` towards ``V = v_leak + x / (dt * tau_syn_inv)`` as ``V + (v_reset - V) (1 - dt*tau_mem_inv)^n``;
    the neuron spikes at the first step n where that exceeds ``v_th``. An absolute refractory period of
    ``refractory`` seconds (rounded to whole steps, as ``simulate`` does) holds the voltage at ``v_reset`` for
    that many steps first, so the rate is ``1 / ((n + refractory_steps) dt)``. The climb takes at least one
    step (n >= 1), so the rate is at most ``rate_ceiling(dt, refractory) = 1 / (refractory + dt)``, which
    strong inputs reach: 1000 Hz at dt = 1 ms without a refractory period, 333.3 Hz with 2 ms. 0 at or
    below the rheobase.
    """
    x = _checks.finite_number("x", x)
    dt = _scalar_parameters(p, dt)
    return _predicted_rate(x, p, dt, _refractory_steps(refractory, dt))


def rate_ceiling(dt: float = 1e-3, refractory: float = 0.0) -> float:
    """The highest steady firing rate in Hz any constant input can give: ``1 / (refractory + dt)``.

    A spike takes at least one step of ``dt`` seconds and the refractory period (``refractory`` seconds,
    rounded to whole steps as ``simulate`` does) holds the voltage after it, so no neuron fires more often
    than once every ``refractory_steps + 1`` steps, whatever its parameters: 333 Hz for 2 ms at dt = 1 ms,
    476 Hz at dt = 0.1 ms (a finer step shortens the one step a spike takes). Without a refractory period
    the ceiling is one spike per step (``1 / dt``), an artefact of the time step rather than of the neuron.
    ``predicted_rate`` reaches it once the input is strong enough to cross the threshold in one step.
    """
    dt = _checks.time_step(dt)
    return 1.0 / ((_refractory_steps(refractory, dt) + 1) * dt)


def continuous_rate(
    x: float, p: LIFParameters = LIFParameters(), dt: float = 1e-3, refractory: float = 0.0
) -> float:
    """Steady firing rate in Hz of the continuous-time LIF with the settled current of this discrete scheme.

    The same target as ``predicted_rate``, ``V = v_leak + x / (dt * tau_syn_inv)``, but the voltage follows the
    exact solution ``V + (v_reset - V) exp(-t / tau_mem)`` and spikes whenever it passes ``v_th``, between
    steps too: ``1 / (tau_mem ln((V - v_reset) / (V - v_th)) + refractory)``, with the refractory period in
    seconds as given (not rounded to steps). 0 at or below the rheobase. What the discrete neuron approaches
    as ``dt`` shrinks (with ``x`` scaled by ``dt``, the same current): 448.1 Hz at 5 x the rheobase, where the
    discrete neuron at dt = 1 ms fires at 333.3 Hz.
    """
    x = _checks.finite_number("x", x)
    dt = _scalar_parameters(p, dt)
    seconds = _checks.finite_number("refractory", refractory)
    if seconds < 0:
        raise ValueError(
            f"refractory must be at least 0 s (it is in seconds: 2 ms is refractory=2e-3), got {seconds!r}."
        )
    target = float(p.v_leak) + x / (dt * float(p.tau_syn_inv))
    if target <= float(p.v_th):
        return 0.0
    climb = math.log((target - float(p.v_reset)) / (target - float(p.v_th))) / float(p.tau_mem_inv)
    return 1.0 / (climb + seconds)


def _scalar_parameters(p: LIFParameters, dt: float) -> float:
    """Check parameters for the closed forms, which take one value of each; return ``dt`` (s)."""
    dt = check_parameters(p, dt)
    for name in ("v_th", "v_leak", "v_reset", "tau_syn_inv", "tau_mem_inv"):
        if isinstance(getattr(p, name), torch.Tensor) and getattr(p, name).numel() > 1:
            raise ValueError(f"the closed form needs one value of p.{name}, got a per-neuron tensor.")
    return dt


def _predicted_rate(x: float, p: LIFParameters, dt: float, refractory_steps: int) -> float:
    """``predicted_rate`` on checked arguments (a curve checks once, not at every point)."""
    if x <= (float(p.v_th) - float(p.v_leak)) * dt * float(p.tau_syn_inv):
        return 0.0
    decay = 1.0 - dt * float(p.tau_mem_inv)
    target = float(p.v_leak) + x / (dt * float(p.tau_syn_inv))
    ratio = (target - float(p.v_th)) / (target - float(p.v_reset))
    # Smallest n >= 1 with decay**n < ratio; the guard below corrects floating rounding at exact ties.
    n = max(1, math.ceil(math.log(ratio) / math.log(decay))) if decay > 0 else 1
    while n > 1 and target + (float(p.v_reset) - target) * decay ** (n - 1) > float(p.v_th):
        n -= 1
    while target + (float(p.v_reset) - target) * decay**n <= float(p.v_th):
        n += 1
    return 1.0 / ((n + refractory_steps) * dt)


def fi_curve(
    inputs: Sequence[float] | torch.Tensor,
    p: LIFParameters = LIFParameters(),
    dt: float = 1e-3,
    duration: float = 1.0,
    refractory: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Firing rate against constant input: simulated (one neuron per input, one run) and predicted.

    Args:
        inputs: constant input values (per step), e.g. multiples of ``rheobase(p, dt)``.
        p: parameters (scalars); time constants in 1/s.
        dt: time step in seconds.
        duration: simulated time in seconds.
        refractory: absolute refractory period in seconds (rounded to whole steps of ``dt``; 0: none).

    Returns:
        ``(inputs, simulated_hz, predicted_hz)`` as numpy arrays.
    """
    # The prediction takes the inputs as asked (float64): rounded to float32 first, an input of exactly the
    # rheobase (0.2) would become 0.20000000298 and be predicted to fire while the simulation stays silent.
    if isinstance(inputs, torch.Tensor):
        requested = _checks.float_tensor("inputs", inputs).double().reshape(-1)
    elif isinstance(inputs, Sequence) and not isinstance(inputs, str):
        requested = torch.tensor(
            [_checks.finite_number("inputs[...]", x) for x in inputs], dtype=torch.float64
        )
    else:
        raise TypeError(f"inputs must be a list of constant input values, got {_checks._show(inputs)}.")
    if requested.numel() == 0:
        raise ValueError("inputs must hold at least one input value, e.g. [0.1, 0.2, 0.4].")
    values = requested.float()
    duration = _checks.positive_number("duration", duration, "s")
    dt = _scalar_parameters(p, dt)
    refractory_steps = _refractory_steps(refractory, dt)
    steps = max(1, round(duration / dt))
    run = simulate(values.expand(steps, -1), p, dt, record=(), refractory=refractory_steps * dt)
    simulated = firing_rates(run).numpy()
    predicted = np.array([_predicted_rate(float(x), p, dt, refractory_steps) for x in requested])
    return values.numpy(), simulated, predicted


class FICurvePoints(NamedTuple):
    """An f-I curve to draw, inputs in multiples of a unit; see ``fi_curve_points``. Read-only arrays.

    Attributes:
        line_inputs: inputs of the closed-form line (multiples of the unit).
        predicted_hz: ``predicted_rate`` at each of ``line_inputs``, in Hz.
        sampled_inputs: inputs that were simulated (multiples of the unit).
        simulated_hz: simulated firing rate at each of ``sampled_inputs``, in Hz (one neuron each, 1 s).
    """

    line_inputs: np.ndarray
    predicted_hz: np.ndarray
    sampled_inputs: np.ndarray
    simulated_hz: np.ndarray


_FI_PARAMETERS = ("tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset")


def fi_curve_points(
    p: LIFParameters = LIFParameters(),
    dt: float = 1e-3,
    *,
    unit: float,
    max_input: float,
    points: int = 21,
    line_points: int = 400,
    refractory: float = 0.0,
) -> FICurvePoints:
    """The f-I curve of one neuron from 0 to ``max_input`` (in multiples of ``unit``, an input per step).

    The closed form (``predicted_rate``) at ``line_points`` inputs and the simulation (``fi_curve``, 1 s) at
    ``points`` inputs, equally spaced, with an absolute refractory period of ``refractory`` seconds (rounded
    to whole steps of ``dt``; 0: none), under which the curve flattens towards ``rate_ceiling``. Remembered
    for the last 64 sets of arguments: a figure that follows a slider asks again for the curve of the same
    neuron many times. Needs one value per parameter.
    """
    numbers = []
    for name in _FI_PARAMETERS:
        value = getattr(p, name)
        if isinstance(value, torch.Tensor) and value.numel() != 1:
            raise ValueError(f"fi_curve_points needs one value of p.{name}, got a per-neuron tensor.")
        numbers.append(float(value))
    return _fi_curve_points(
        (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]),
        _checks.time_step(dt),
        _checks.positive_number("unit", unit),
        _checks.positive_number("max_input", max_input, "units"),
        _checks.whole_number("points", points, minimum=2),
        _checks.whole_number("line_points", line_points, minimum=2),
        _refractory_steps(refractory, dt),
    )


@functools.lru_cache(maxsize=64)
def _fi_curve_points(
    numbers: tuple[float, float, float, float, float],
    dt: float,
    unit: float,
    max_input: float,
    points: int,
    line_points: int,
    refractory_steps: int,
) -> FICurvePoints:
    # Only floats and whole numbers as arguments: they hash by value (a tensor would hash by identity) and cannot change.
    tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset = numbers
    p = LIFParameters(
        tau_syn_inv=tau_syn_inv, tau_mem_inv=tau_mem_inv, v_leak=v_leak, v_th=v_th, v_reset=v_reset
    )
    line_inputs = np.linspace(0.0, max_input, line_points)
    refractory = refractory_steps * dt
    predicted = np.array([predicted_rate(float(x) * unit, p, dt, refractory) for x in line_inputs])
    sampled = np.linspace(0.0, max_input, points)
    _, simulated, _ = fi_curve(torch.from_numpy(sampled * unit), p, dt, duration=1.0, refractory=refractory)
    for array in (line_inputs, predicted, sampled, simulated):
        array.flags.writeable = False  # shared by every caller with these arguments
    return FICurvePoints(line_inputs, predicted, sampled, simulated)
