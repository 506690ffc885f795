"""Control values in people's units -> the arguments of ``lifteach.simulate``: pure, no widgets involved.

``simulate(**simulation_arguments({"v_th": 0.5}))`` runs what the explorer shows for those values, in a test or
a notebook. The input depends only on ``input_settings(values)``, so an explorer whose neuron changed (``v_th``,
``tau_mem``, ``tau_syn``) passes its previous input back in: making 100,000 neurons' input costs more than
simulating them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypedDict

import torch

from lifteach import inputs
from lifteach._checks import finite_number
from lifteach.analysis import rheobase
from lifteach.explorer.controls import INPUT_KINDS, defaults
from lifteach.lif import LIFParameters
from lifteach.simulate import Result, simulate

__all__ = [
    "MAX_NEURON_STEPS",
    "TRACED_NEURONS",
    "SimulateArguments",
    "Simulation",
    "input_settings",
    "simulation_arguments",
]

MAX_NEURON_STEPS = 100_000 * 1000
"""Largest ``n_neurons x steps`` the explorer simulates: 100,000 neurons for one second at dt = 1 ms."""

TRACED_NEURONS = 3
"""How many neurons' voltage and current traces the explorer records (the first ones)."""


class SimulateArguments(TypedDict):
    """Keyword arguments of ``lifteach.simulate``."""

    input: torch.Tensor
    p: LIFParameters
    dt: float
    record: tuple[str, ...]
    record_neurons: list[int] | None
    input_weight: float | None
    refractory: float


def _whole(name: str, value: object, minimum: int) -> int:
    number = finite_number(name, value)
    whole = round(number)
    if whole < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}.")
    return whole


def input_settings(values: Mapping[str, object] | None = None) -> tuple[object, ...]:
    """The control values the input depends on (with defaults filled in): equal settings, equal input.

    Changing only the neuron's parameters (``v_th``, ``tau_mem``, ``tau_syn``, ``refractory``) keeps these, so the input
    of the previous run can be passed again to ``simulation_arguments(..., input=...)``.
    """
    merged = defaults(values)
    kind = merged["input_kind"]
    random = kind in ("spikes", "noisy")
    spikes = kind == "spikes"
    return (
        kind,
        None if spikes else merged["scale"],
        None,  # the weight of an input spike is applied by simulate: the spikes stay the same
        merged["rate"] if spikes else None,
        merged["noise"] if kind == "noisy" else None,
        merged["n_neurons"],
        merged["duration"],
        merged["dt"],
        merged["seed"] if random else None,
    )


def simulation_arguments(
    values: Mapping[str, object] | None = None,
    *,
    record: Sequence[str] = ("v", "i"),
    traced_neurons: int = TRACED_NEURONS,
    input: torch.Tensor | None = None,
) -> SimulateArguments:
    """Control values (people's units) -> keyword arguments of ``lifteach.simulate``; no widgets involved.

    Args:
        values: control values by name (see ``CONTROLS``); missing ones take their defaults. ``v_th`` in
            model units, ``tau_mem``, ``tau_syn``, ``duration`` and ``dt`` in ms, ``rate`` in Hz,
            ``n_neurons`` a count (a float is rounded), ``seed`` an int, ``input_kind`` one of ``INPUT_KINDS``.
            ``scale`` and ``noise`` are in multiples of the default neuron's rheobase at this dt (0.2 per
            step at 1 ms: the weakest constant input that makes a neuron with ``v_th = 1`` fire). ``scale``
            is the input per step of a constant or step current (the step switches on after a fifth of the
            run) and the mean of a noisy one (``noise`` the standard deviation of its kicks over 1 ms; each step's kick scales with sqrt(dt)). Bernoulli spikes
            ignore ``scale``: each input spike makes the synaptic current jump by ``weight`` (model units,
            those of ``v_th``), whatever dt, so their mean drive is ``weight * rate * dt`` per step: a spike's
            effect does not depend on the time step, a current's per-step input does. ``refractory`` (ms)
            is the absolute refractory period after each spike; the core counts it in whole steps of dt
            (the nearest number, halves up), so the slider's whole milliseconds mean the same time at every
            dt offered (0.1, 0.2, 0.5 and 1 ms all divide 1 ms) and ``Result.refractory`` says the time used.
        record: traces to keep (``"v"``, ``"i"``).
        traced_neurons: how many neurons' traces to keep (the first ones).
        input: the input these values make, if already at hand (from a call whose ``input_settings`` were
            the same): it is used instead of making it again. Inputs are only read, never changed.

    Returns:
        ``{"input", "p", "dt", "record", "record_neurons", "input_weight", "refractory"}``: call ``simulate(**arguments)``. The same values
        (seed included) give the same input; torch's global random state is never used.

    Raises:
        TypeError: an unknown control name or a value of the wrong type.
        ValueError: a value outside what can be simulated, named with the fix. Combinations the core
            refuses (e.g. ``tau_mem`` <= ``dt``) are raised by ``simulate`` itself.
    """
    merged = defaults(values)
    kind = merged["input_kind"]
    if kind not in INPUT_KINDS:
        raise ValueError(f"input_kind must be one of {', '.join(map(repr, INPUT_KINDS))}, got {kind!r}.")
    dt_ms = finite_number("dt", merged["dt"])
    if dt_ms <= 0:
        raise ValueError(f"dt must be a positive time in ms, got {dt_ms!r}.")
    dt = dt_ms / 1000.0
    duration = finite_number("duration", merged["duration"])
    if duration < dt_ms:
        raise ValueError(f"duration must be at least one time step (dt = {dt_ms:g} ms), got {duration!r} ms.")
    steps = max(1, round(duration / dt_ms))
    n_neurons = _whole("n_neurons", merged["n_neurons"], 1)
    if n_neurons * steps > MAX_NEURON_STEPS:
        raise ValueError(
            f"{n_neurons:,} neurons x {steps:,} steps is more than the explorer's limit of "
            f"{MAX_NEURON_STEPS:,} neuron-steps (about 2 s and 1 GB); use fewer neurons, a shorter duration "
            "or a larger dt."
        )
    taus = {}
    for name in ("tau_mem", "tau_syn"):
        tau = finite_number(name, merged[name])
        if tau <= 0:
            raise ValueError(f"{name} must be a positive time in ms, got {tau!r}.")
        taus[name] = tau
    p = LIFParameters(
        tau_syn_inv=1000.0 / taus["tau_syn"],
        tau_mem_inv=1000.0 / taus["tau_mem"],
        v_th=finite_number("v_th", merged["v_th"]),
    )
    refractory_ms = finite_number("refractory", merged["refractory"])
    if refractory_ms < 0:
        raise ValueError(f"refractory must be a time of at least 0 ms (0: none), got {refractory_ms!r} ms.")
    unit = rheobase(LIFParameters(), dt)
    scale = finite_number("scale", merged["scale"])
    amplitude = scale * unit
    seed = merged["seed"]
    if isinstance(seed, float) and seed.is_integer():
        seed = int(seed)
    if input is not None:
        if not isinstance(input, torch.Tensor) or tuple(input.shape) != (steps, n_neurons):
            raise ValueError(
                f"input must be the input of these values, shape ({steps}, {n_neurons}), got "
                f"{tuple(input.shape) if isinstance(input, torch.Tensor) else type(input).__name__}."
            )
        x = input
    elif kind == "spikes":
        # Bool spikes, weighted inside the loop: a float copy of 100,000 neurons' input would take 400 MB.
        x = inputs.poisson_spikes(finite_number("rate", merged["rate"]), steps, n_neurons, dt, seed)
    elif kind == "constant":
        # One column broadcast to every neuron: no memory per neuron for an input they all share.
        x = inputs.constant_current(amplitude, steps).expand(steps, n_neurons)
    elif kind == "step":
        x = inputs.step_current(amplitude, steps, start=steps // 5 * dt, dt=dt).expand(steps, n_neurons)
    else:
        # White noise: its strength is given at 1 ms and noisy_current scales it with sqrt(dt).
        spread = finite_number("noise", merged["noise"]) * rheobase(LIFParameters(), 1e-3)
        x = inputs.noisy_current(amplitude, spread, steps, n_neurons, seed, dt=dt)
    record = tuple(record)
    traced = min(n_neurons, traced_neurons) if record else 0
    return SimulateArguments(
        input=x,
        p=p,
        dt=dt,
        record=record if traced else (),
        record_neurons=list(range(traced)) if traced else None,
        input_weight=finite_number("weight", merged["weight"]) if kind == "spikes" else None,
        refractory=refractory_ms / 1000.0,
    )


class Simulation:
    """Runs what the explorer shows for control values, keeping the last input for the next run.

    A change of the neuron alone (``v_th``, ``tau_mem``, ``tau_syn``, ``refractory``) keeps ``input_settings`` and so the
    input: at 100,000 neurons making it costs more than simulating them. One input is kept, no more.

    Attributes:
        record: the traces to record (``"v"``, ``"i"``).
        runs: how many simulations ran.
    """

    def __init__(self, record: Sequence[str]) -> None:
        self.record = tuple(record)
        self.runs = 0
        self._input: tuple[tuple[object, ...], torch.Tensor] | None = None

    def __call__(self, values: Mapping[str, object]) -> Result:
        self.runs += 1
        settings = input_settings(values)
        reuse = self._input[1] if self._input is not None and self._input[0] == settings else None
        arguments = simulation_arguments(values, record=self.record, input=reuse)
        self._input = (settings, arguments["input"])
        return simulate(**arguments)
