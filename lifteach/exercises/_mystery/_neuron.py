"""The mystery neuron of notebook 08: its hidden parameters drawn from a seed, its runs, and the ``Recording``
of a run, which holds what an experimenter measures (voltage, current, spikes) and no parameter.

Neither ``MysteryNeuron`` nor ``Recording`` shows a parameter when printed; they are kept in private
attributes. ``as_mystery`` is how the checks take the neuron a learner passes.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from lifteach import _checks, analysis
from lifteach.exercises import _answers
from lifteach.exercises._answers import Unjudged
from lifteach.lif import LIFParameters
from lifteach.simulate import Result, simulate

DEFAULT_SEED = 8
"""The seed of the neuron whose experiments notebook 08 stores (a learner puts their own, e.g. a student number)."""

RANGES: dict[str, tuple[float, float]] = {
    "tau_mem_ms": (8.0, 20.0),
    "tau_syn_ms": (2.0, 5.0),
    "v_th": (0.6, 1.8),
    "refractory_ms": (2.0, 6.0),
}
"""Where the hidden values are drawn from (uniformly; the refractory period in whole ms, both ends included)."""

_DT_STEPS_PER_MS = 1000
"""The finest time step ``run`` takes is 1 ms divided by this (1 us)."""


def _seed_text(seed: object) -> str:
    """The seed as the text it is drawn from: a whole number >= 0 or a non-empty text (5 and "5" agree)."""
    if isinstance(seed, bool) or not isinstance(seed, (numbers.Integral, str)):
        raise TypeError(
            f"seed must be a whole number (e.g. your student number, 123456) or a text (e.g. 's123456'), "
            f"got {_answers.describe(seed)} ({type(seed).__name__})."
        )
    if isinstance(seed, str):
        text = seed.strip()
        if not text:
            raise ValueError(
                f"seed must not be empty, got {seed!r}; give your student number (e.g. seed=123456 or "
                "seed='s123456'), or leave seed out for the notebook's neuron."
            )
        return text
    if seed < 0:
        raise ValueError(
            f"seed must be at least 0, got {seed!r}; give your student number, e.g. seed=123456."
        )
    return str(int(seed))


class MysteryNeuron:
    """A LIF neuron whose τ_mem, threshold and refractory period (and τ_syn) are hidden: find them by experiment.

    Make one with ``mystery_neuron(seed)``. Drive it with ``run(input, dt)``: each column of the input drives
    its own copy of the same neuron, so one run can try many inputs.
    """

    __slots__ = ("_p", "_refractory_ms", "_seed")

    def __init__(self, seed: int | str = DEFAULT_SEED) -> None:
        text = _seed_text(seed)
        # sha256 of the text, not hash(): Python salts hash() per process, and a neuron must be the same on
        # every computer and every day.
        digest = hashlib.sha256(f"lifteach mystery neuron {text}".encode()).digest()
        draw = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        tau_mem_ms = float(draw.uniform(*RANGES["tau_mem_ms"]))
        tau_syn_ms = float(draw.uniform(*RANGES["tau_syn_ms"]))
        v_th = float(draw.uniform(*RANGES["v_th"]))
        low, high = RANGES["refractory_ms"]
        self._seed = seed if isinstance(seed, str) else int(seed)
        self._p = LIFParameters(
            tau_syn_inv=1000.0 / tau_syn_ms, tau_mem_inv=1000.0 / tau_mem_ms, v_th=v_th, method="heaviside"
        )
        self._refractory_ms = int(draw.integers(int(low), int(high) + 1))

    @property
    def seed(self) -> int | str:
        """The seed this neuron was drawn from."""
        return self._seed

    def __repr__(self) -> str:
        return (
            f"MysteryNeuron(seed={self._seed!r}): τ_mem, the threshold and the refractory period are hidden; "
            "v_leak = v_reset = 0. Experiment with .run(input, dt=1e-3)."
        )

    def run(self, input: torch.Tensor, dt: float = 1e-3, input_weight: float | None = None) -> Recording:
        """Drive the neuron with ``input`` and record what an experimenter sees.

        Args:
            input: the current jump at every step, as ``simulate`` takes it (``lifteach.inputs`` makes
                constant currents, steps, pulses and spike trains): shape ``(steps,)`` for one neuron, or
                ``(steps, copies)``, each column driving its own copy of this neuron. Floats or bools.
            dt: time step in seconds: 1 ms divided by a whole number (1e-3, 5e-4, 1e-4, ...), so that the
                refractory period, a whole number of ms, is a whole number of steps.
            input_weight: the current jump per input spike of a bool input (None: the input is the current).

        Returns:
            A ``Recording``: voltage ``v``, current ``i`` and ``spikes`` of every copy, shape ``(steps, copies)``.
        """
        step = _run_step(dt)
        result = simulate(
            input,
            self._p,
            step,
            record=("v", "i"),
            record_neurons="all",
            refractory=self._refractory_ms * 1e-3,
            input_weight=input_weight,
        )
        return Recording(result)

    # What the checks compare with (private: the learner's answer is compared, never shown before).

    @property
    def _tau_mem_ms(self) -> float:
        return 1000.0 / float(self._p.tau_mem_inv)

    @property
    def _tau_syn_ms(self) -> float:
        return 1000.0 / float(self._p.tau_syn_inv)

    @property
    def _v_th(self) -> float:
        return float(self._p.v_th)


def mystery_neuron(seed: int | str = DEFAULT_SEED) -> MysteryNeuron:
    """A neuron with hidden τ_mem, threshold and refractory period, drawn from ``seed``.

    Args:
        seed: a whole number >= 0 or a text, e.g. your student number: the same seed gives the same neuron on
            every computer, a different seed a different neuron. The default is the notebook's neuron.
    """
    return MysteryNeuron(seed)


def _run_step(dt: object) -> float:
    """``dt`` (s) checked to be 1 ms divided by a whole number from 1 to 1000."""
    step = _checks.time_step(dt)
    per_ms = 1e-3 / step
    whole = round(per_ms)
    if not (1 <= whole <= _DT_STEPS_PER_MS and math.isclose(per_ms, whole, rel_tol=1e-9)):
        raise ValueError(
            f"dt must be 1 ms divided by a whole number, e.g. 1e-3, 5e-4, 2e-4 or 1e-4 s, got dt={dt!r} s "
            "(the refractory period is a whole number of ms, and a whole number of steps at such a dt); "
            "use dt=1e-3 or a finer step such as dt=1e-4."
        )
    return 1e-3 / whole


@dataclass(frozen=True, eq=False, repr=False)
class Recording:
    """What one run of a mystery neuron recorded: no parameters, only what an experimenter measures.

    Times in ms (``times_ms``) or s (``dt``, ``duration``); voltages and currents in the model's units.
    Column ``k`` of every trace belongs to the copy driven by column ``k`` of the input.
    """

    _result: Result

    @property
    def v(self) -> torch.Tensor:
        """The membrane voltage after every step, shape ``(steps, copies)``: a spike's step records the reset
        value, so a trace never shows the value that crossed the threshold."""
        assert self._result.v is not None  # run records both traces
        return self._result.v

    @property
    def i(self) -> torch.Tensor:
        """The synaptic current after every step (after its decay in the step), shape ``(steps, copies)``."""
        assert self._result.i is not None
        return self._result.i

    @property
    def spikes(self) -> torch.Tensor:
        """Bools, shape ``(steps, copies)``: True where that copy spiked at that step."""
        return self._result.spikes

    @property
    def input(self) -> torch.Tensor:
        """The input the run was given, shape ``(steps, copies)``."""
        return self._result.input

    @property
    def dt(self) -> float:
        """The time step in seconds."""
        return self._result.dt

    @property
    def n_steps(self) -> int:
        return self._result.n_steps

    @property
    def n_copies(self) -> int:
        """How many copies of the neuron ran (the input's columns)."""
        return self._result.n_neurons

    @property
    def times_ms(self) -> np.ndarray:
        """The time of every step in ms (step t at t * dt)."""
        return self._result.times_ms

    @property
    def duration_ms(self) -> float:
        return self._result.duration_ms

    def spike_counts(self) -> torch.Tensor:
        """Spikes of each copy over the whole run, shape ``(copies,)``."""
        return analysis.spike_counts(self._result)

    def firing_rates(self) -> torch.Tensor:
        """Mean firing rate of each copy in Hz, shape ``(copies,)``."""
        return analysis.firing_rates(self._result)

    def interspike_intervals(self, copy: int = 0) -> np.ndarray:
        """Intervals between consecutive spikes of one copy, in seconds."""
        return analysis.interspike_intervals(self._result, copy)

    def __repr__(self) -> str:
        return (
            f"Recording of {self.n_copies} cop{'y' if self.n_copies == 1 else 'ies'} over "
            f"{self.duration_ms:g} ms at dt = {self.dt * 1000:g} ms, {int(self.spike_counts().sum())} spikes: "
            "read .v, .i, .spikes and .times_ms."
        )

    def describe(self, copies: Sequence[int] = (0,)) -> str:
        """What a figure of these copies' voltage and current shows, in words (a figure's alt text)."""
        lines = []
        for copy in copies:
            v, i = self.v[:, copy].numpy(), self.i[:, copy].numpy()
            count = int(self.spikes[:, copy].sum())
            peak_v, peak_i = int(np.argmax(v)), int(np.argmax(i))
            spikes = "no spikes" if count == 0 else f"{count} spike{'s' if count != 1 else ''}"
            if count:
                first = float(self.times_ms[int(np.flatnonzero(self.spikes[:, copy].numpy())[0])])
                spikes += f", the first at {first:.4g} ms"
            lines.append(
                f"Copy {copy} over {self.duration_ms:g} ms: the recorded voltage peaks at {float(v[peak_v]):.3g} "
                f"at {float(self.times_ms[peak_v]):.4g} ms and ends at {float(v[-1]):.3g}, with {spikes}; "
                f"the current peaks at {float(i[peak_i]):.3g} at {float(self.times_ms[peak_i]):.4g} ms and "
                f"ends at {float(i[-1]):.3g}."
            )
        return "\n".join(lines)


def as_mystery(mystery: object) -> MysteryNeuron:
    """The neuron a check was given, or ``Unjudged`` with how to pass it."""
    if not isinstance(mystery, MysteryNeuron):
        raise Unjudged(
            f"The second argument is {_answers.describe(mystery)}; pass your mystery neuron, e.g. "
            "`exercises.check_mystery_tau_mem(my_tau_mem_ms, mystery)`."
        )
    return mystery
