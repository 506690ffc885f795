"""Notebook 08, *The mystery neuron*: a LIF neuron with hidden parameters, drawn per learner from a seed, the
checks of the learner's estimates of its membrane time constant, threshold and refractory period, and of two
predictions on the way (which falls first after a pulse, where a firing neuron's highest recorded voltage is).

``mystery_neuron(seed)`` draws the neuron; ``MysteryNeuron.run(input, dt)`` drives it and returns a
``Recording`` of what an experimenter measures (voltage, current, spikes) without the parameters. Neither
shows a parameter when printed; they are kept in private attributes (a determined learner can dig them out,
which is fine: nothing shows them by default).

The hidden values are drawn so that each is found with one technique of the course, at ``dt = 1 ms``:

- τ_mem from 8 to 20 ms, from the voltage's decay once the current has gone (notebooks 03 and 05: each step
  closes a fraction ``dt / τ_mem`` of the gap to ``v_leak``); τ_syn from 2 to 5 ms, always faster, so that the
  current is gone some 100 ms after a pulse while the voltage is still measurably above rest. Fitting an
  exponential to the steps gives the effective time constant ``-dt / ln(1 - dt / τ_mem)``, 2.5 to 6.4% short
  of τ_mem at 1 ms: more than the 2% the check accepts, so that the check can name that mistake.
- the threshold from 0.6 to 1.8, from the rheobase (notebook 03): the rheobase ``v_th * dt / τ_syn`` lies
  between 0.12 and 0.9 per step at 1 ms, and the strongest constant input that never fires settles just under
  ``v_th``.
- the refractory period, a whole number of milliseconds from 2 to 6, from the maximal rate (notebook 07): an
  input strong enough to cross the threshold in the first free step fires every ``refractory + dt``.

``v_leak`` and ``v_reset`` are 0, as in Norse's default neuron, and are not hidden (the recorded voltage rests
and resets there). Times are in ms in the checks (as learners read them off the axes), in seconds in ``run``'s
``dt`` (as in ``simulate``).
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from lifteach import _checks, analysis, inputs
from lifteach.exercises import _answers
from lifteach.exercises._answers import Unjudged, close
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.lif import LIFParameters
from lifteach.simulate import Result, simulate

__all__ = [
    "DEFAULT_SEED",
    "EXERCISES",
    "RANGES",
    "TOLERANCES",
    "MysteryNeuron",
    "Recording",
    "check_mystery_first_to_fall",
    "check_mystery_highest_voltage",
    "check_mystery_refractory",
    "check_mystery_tau_mem",
    "check_mystery_threshold",
    "mystery_neuron",
]

DEFAULT_SEED = 8
"""The seed of the neuron whose experiments notebook 08 stores (a learner puts their own, e.g. a student number)."""

RANGES: dict[str, tuple[float, float]] = {
    "tau_mem_ms": (8.0, 20.0),
    "tau_syn_ms": (2.0, 5.0),
    "v_th": (0.6, 1.8),
    "refractory_ms": (2.0, 6.0),
}
"""Where the hidden values are drawn from (uniformly; the refractory period in whole ms, both ends included)."""

TOLERANCES = {"tau_mem": 0.02, "threshold": 0.02, "refractory": 0.05}
"""The relative error each check accepts."""

_DT_STEPS_PER_MS = 1000
"""The finest time step ``run`` takes is 1 ms divided by this (1 us)."""


# --- the neuron -------------------------------------------------------------------------------------------


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


# --- reading an estimate ----------------------------------------------------------------------------------


def _mystery(mystery: object) -> MysteryNeuron:
    if not isinstance(mystery, MysteryNeuron):
        raise Unjudged(
            f"The second argument is {_answers.describe(mystery)}; pass your mystery neuron, e.g. "
            "`exercises.check_mystery_tau_mem(my_tau_mem_ms, mystery)`."
        )
    return mystery


def _relative_error(value: float, truth: float) -> float:
    return (value - truth) / truth


@dataclass
class _Estimate:
    """An estimate (in the check's unit), the true value, and what the messages quote."""

    value: float
    truth: float
    tolerance: float
    tau_syn_ms: float
    """The hidden synaptic time constant, which several mistakes produce."""

    @property
    def error(self) -> float:
        """Relative error of the estimate, signed (negative: too small)."""
        return _relative_error(self.value, self.truth)

    @property
    def size(self) -> float:
        """The relative error, unsigned."""
        return abs(self.error)

    @property
    def off(self) -> str:
        """The relative error in words: "3.1% too small"."""
        return f"{abs(self.error):.1%} too {'small' if self.error < 0 else 'large'}"

    @property
    def right(self) -> bool:
        return abs(self.error) <= self.tolerance + 1e-12

    def near(self, value: float, relative: float = 0.02) -> bool:
        return close(self.value, value, relative=relative, absolute=0.0)


# --- first_to_fall --------------------------------------------------------------------------------------

_PULSE_STEPS, _PULSE_AT_S, _PULSE = 300, 0.010, 0.1
"""Notebook 08's first experiment: one pulse of 0.1 at 10 ms, 300 ms recorded at dt = 1 ms."""


@dataclass
class _Fall:
    answer: str
    current_half_ms: float
    """How long after its peak the current has fallen to half of it, ms."""
    voltage_half_ms: float


def _half_time(trace: np.ndarray) -> float:
    """Steps (ms at dt = 1 ms) from a trace's peak until it is at or below half of the peak."""
    peak = int(np.argmax(trace))
    below = np.flatnonzero(trace[peak:] <= trace[peak] / 2)
    return float(below[0]) if len(below) else math.inf


def _read_fall(answer: object, mystery: object) -> _Fall:
    word = _answers.choice(answer, ("current", "voltage", "together"), "what falls first")
    neuron = _mystery(mystery)
    kick = inputs.pulses([_PULSE_AT_S], steps=_PULSE_STEPS, amplitude=_PULSE)
    recording = neuron.run(kick)
    return _Fall(word, _half_time(recording.i[:, 0].numpy()), _half_time(recording.v[:, 0].numpy()))


FIRST_TO_FALL: Exercise[_Fall] = Exercise(
    "mystery_first_to_fall",
    _read_fall,
    (
        right(
            "The current: it is at half its peak {current_half_ms:.0f} ms after it, the voltage only "
            "{voltage_half_ms:.0f} ms after its own. The synapse is faster than the membrane, so the current "
            "goes first and keeps pushing the voltage for a while: only the voltage's later fall, once the "
            "current has gone, is τ_mem's alone.",
            when=lambda f: f.answer == "current",
        ),
        not_yet(
            "The voltage is driven by the current: while the current flows, it pushes the voltage up. Which "
            "of the two can fall first, then?",
            when=lambda f: f.answer == "voltage",
        ),
        not_yet(
            "They decay with different time constants, τ_syn for the current and τ_mem for the voltage, and "
            "the voltage cannot fall while the current still pushes it up. Which goes first?"
        ),
    ),
)


def check_mystery_first_to_fall(answer: object, mystery: object) -> Feedback:
    """After one input pulse, which falls back first: the "current", the "voltage" or both "together"?

    Args:
        answer: the learner's word.
        mystery: the neuron, from ``exercises.mystery_neuron(seed)`` (the check gives it notebook 08's pulse).
    """
    return FIRST_TO_FALL.check(answer, mystery)


# --- highest_voltage -------------------------------------------------------------------------------------


@dataclass
class _Highest:
    answer: str


def _read_highest(answer: object) -> _Highest:
    return _Highest(_answers.choice(answer, ("above", "at", "below"), "where the highest voltage lies"))


HIGHEST_VOLTAGE: Exercise[_Highest] = Exercise(
    "mystery_highest_voltage",
    _read_highest,
    (
        right(
            "Below. A spike happens in the step whose voltage passes v_th, and that step records the reset "
            "value: what the trace keeps of a firing neuron is the step before, still at or under v_th. Only "
            "near the rheobase, where the voltage creeps up to v_th, does that come close to the threshold.",
            when=lambda f: f.answer == "below",
        ),
        not_yet(
            "Look at what a spiking step records: the step whose voltage passes v_th ends at the reset value, "
            "so the value above v_th is never stored.",
            when=lambda f: f.answer == "above",
        ),
        not_yet(
            "Exactly at v_th a neuron does not fire (a spike needs v strictly above v_th), and the step that "
            "passes it records the reset value: does a recording of a firing neuron ever reach v_th?"
        ),
    ),
)


def check_mystery_highest_voltage(answer: object) -> Feedback:
    """Is the highest recorded voltage of a firing LIF neuron "above", "at" or "below" its threshold?

    Args:
        answer: the learner's word.
    """
    return HIGHEST_VOLTAGE.check(answer)


# --- tau_mem ----------------------------------------------------------------------------------------------


@dataclass
class _TauMem(_Estimate):
    @property
    def decay(self) -> float:
        """The voltage's decay factor per step at dt = 1 ms."""
        return 1.0 - 1.0 / self.truth

    @property
    def effective(self) -> float:
        """The effective time constant at dt = 1 ms, ms: what an exponential fitted to the steps gives."""
        return -1.0 / math.log(self.decay)

    @property
    def tau_syn_effective(self) -> float:
        return -1.0 / math.log(1.0 - 1.0 / self.tau_syn_ms)


def _read_tau_mem(answer: object, mystery: object) -> _TauMem:
    value = _answers.number(answer, "τ_mem in ms")
    neuron = _mystery(mystery)
    return _TauMem(value, neuron._tau_mem_ms, TOLERANCES["tau_mem"], neuron._tau_syn_ms)


TAU_MEM: Exercise[_TauMem] = Exercise(
    "mystery_tau_mem",
    _read_tau_mem,
    (
        right(
            "{value:g} ms is within {size:.1%} of this neuron's τ_mem = {truth:.2f} ms (the check accepts 2%). "
            "Once the current has gone, the voltage falls by the factor 1 - dt/τ_mem = {decay:.4f} per 1 ms "
            "step.",
            when=lambda f: f.right,
        ),
        not_yet(
            "That looks like τ_mem in seconds; the check takes milliseconds (multiply by 1000).",
            when=lambda f: f.near(f.truth / 1000.0, 0.05),
        ),
        not_yet(
            "That looks like tau_mem_inv, the inverse time constant in 1/s; the check takes τ_mem in ms "
            "(1000 / tau_mem_inv).",
            when=lambda f: f.near(1000.0 / f.truth, 0.05),
        ),
        not_yet(
            "That is a decay factor per step, v[t+1] / v[t], not a time: the voltage closes a fraction "
            "dt/τ_mem of its gap to rest per step, so τ_mem = dt / (1 - factor).",
            when=lambda f: 0.0 < f.value < 1.0 and f.near(f.decay, 0.01),
        ),
        not_yet(
            "{value:g} ms is {off}: that is close to the synaptic time constant τ_syn of this neuron, not its "
            "τ_mem. The recorded current decays with τ_syn, and so does the voltage's fall right after a pulse, "
            "while the current still flows. τ_mem is the voltage's own decay once the current has gone: "
            "measure where `recording.i` is next to 0.",
            when=lambda f: f.near(f.tau_syn_ms, 0.05) or f.near(f.tau_syn_effective, 0.05),
        ),
        not_yet(
            "{value:g} ms is {off}: it is the effective time constant at dt = 1 ms, -dt / ln(a) = "
            "{effective:.2f} ms, which an exponential exp(-t/τ) fitted to the steps gives. The neuron's "
            "parameter τ_mem is nominal: each step multiplies the voltage by a = 1 - dt/τ_mem, so "
            "τ_mem = dt / (1 - a).",
            when=lambda f: f.near(f.effective, 0.01),
        ),
        not_yet(
            "{value:g} ms is {off}. A decay that looks slower than τ_mem usually means the current was still "
            "flowing while you measured (it keeps pushing the voltage up), or that you timed the charging under "
            "a step, which the synapse slows down. Measure the ratio v[t+1] / v[t] long after the input, where "
            "`recording.i` is next to 0.",
            when=lambda f: f.error > 0,
        ),
        not_yet(
            "{value:g} ms is {off}. Reading a time off the trace (where the voltage has fallen to 37%) is only "
            "as precise as a step; the ratio v[t+1] / v[t] of two recorded steps, once the current has gone, "
            "gives the decay factor a exactly, and τ_mem = dt / (1 - a)."
        ),
    ),
)


def check_mystery_tau_mem(answer: object, mystery: object) -> Feedback:
    """Your estimate of the mystery neuron's membrane time constant τ_mem, in ms (within 2%).

    Args:
        answer: τ_mem in milliseconds (a number).
        mystery: the neuron, from ``exercises.mystery_neuron(seed)``.
    """
    return TAU_MEM.check(answer, mystery)


# --- threshold --------------------------------------------------------------------------------------------


@dataclass
class _Threshold(_Estimate):
    @property
    def rheobase(self) -> float:
        """The rheobase at dt = 1 ms, an input per step."""
        return self.truth / self.tau_syn_ms

    @property
    def default_synapse(self) -> float:
        """The threshold computed from the rheobase with Norse's default τ_syn = 5 ms instead of this one's."""
        return self.rheobase * 5.0

    @property
    def recorded_current(self) -> float:
        """The threshold computed from the recorded (decayed) current instead of the current after the jump."""
        return self.truth * (1.0 - 1.0 / self.tau_syn_ms)

    @property
    def synapse_differs(self) -> bool:
        return not close(self.tau_syn_ms, 5.0, relative=0.03)


def _read_threshold(answer: object, mystery: object) -> _Threshold:
    value = _answers.number(answer, "the threshold")
    neuron = _mystery(mystery)
    return _Threshold(value, neuron._v_th, TOLERANCES["threshold"], neuron._tau_syn_ms)


THRESHOLD: Exercise[_Threshold] = Exercise(
    "mystery_threshold",
    _read_threshold,
    (
        right(
            "{value:g} is within {size:.1%} of this neuron's threshold v_th = {truth:.4f} (the check accepts "
            "2%). The strongest constant input that never makes it fire settles just under v_th.",
            when=lambda f: f.right,
        ),
        not_yet(
            "That looks like the rheobase, an input per step ({rheobase:.3g} at dt = 1 ms); the threshold is "
            "a voltage: where the voltage settles under the rheobase input, v_leak + x / (dt·tau_syn_inv).",
            when=lambda f: f.near(f.rheobase, 0.03),
        ),
        not_yet(
            "{value:g} is {off}: it is the rheobase divided by dt·tau_syn_inv with Norse's default τ_syn = "
            "5 ms, but this neuron's synapse is different. Measure τ_syn from the decay of `recording.i`, or "
            "skip it: read where the voltage of the strongest silent input settles.",
            when=lambda f: f.synapse_differs and f.near(f.default_synapse, 0.02),
        ),
        not_yet(
            "{value:g} is {off}: it is the settled *recorded* current, which is the current after its decay "
            "within a step. The voltage integrates the current just after the jump, larger by 1 / (1 - "
            "dt·tau_syn_inv); or read the settled voltage itself.",
            when=lambda f: f.near(f.recorded_current, 0.01),
        ),
        not_yet(
            "{value:g} is {off}. A recorded voltage never shows the value that crossed the threshold: the step "
            "that crosses records the reset value, so the trace of a firing neuron peaks below v_th. Find the "
            "strongest constant input that never fires (between it and the weakest that fires lies the "
            "rheobase): its voltage settles just under v_th.",
            when=lambda f: f.error < 0,
        ),
        not_yet(
            "{value:g} is {off}: a voltage that settled there would have crossed the threshold first. If you "
            "computed where the weakest firing input would settle, narrow the bracket between the strongest "
            "silent input and the weakest firing one until the two agree to 1%."
        ),
    ),
)


def check_mystery_threshold(answer: object, mystery: object) -> Feedback:
    """Your estimate of the mystery neuron's threshold v_th, a voltage in the model's units (within 2%).

    Args:
        answer: the threshold (a number; the neuron rests and resets at 0).
        mystery: the neuron, from ``exercises.mystery_neuron(seed)``.
    """
    return THRESHOLD.check(answer, mystery)


# --- refractory -------------------------------------------------------------------------------------------


@dataclass
class _Refractory(_Estimate):
    @property
    def extra_ms(self) -> float:
        """How many ms the estimate is above the refractory period."""
        return self.value - self.truth

    @property
    def one_step_more(self) -> bool:
        return abs(self.extra_ms - 1.0) <= 0.05

    @property
    def climbing_steps(self) -> int:
        """Whole ms (steps at 1 ms) above the refractory period, or 0 when the excess is not whole."""
        steps = round(self.extra_ms)
        return steps if steps >= 2 and abs(self.extra_ms - steps) <= 0.05 else 0

    @property
    def steps_per_ms(self) -> int:
        """k when the estimate is k times the period (or that plus one step), k >= 4: a count of steps at
        dt = 1/k ms. (Twice or three times the period is as likely an interval of a neuron that was not
        driven hard enough, whose hint comes next.)"""
        k = round(self.value / self.truth)
        if k < 4:
            return 0
        for count in (k * self.truth, k * self.truth + 1.0):
            if close(self.value, count, relative=0.02, absolute=0.0):
                return k
        return 0

    @property
    def step_ms(self) -> float:
        return 1.0 / max(1, self.steps_per_ms)

    @property
    def max_rate(self) -> float:
        """The most this neuron can fire at dt = 1 ms, Hz."""
        return 1000.0 / (self.truth + 1.0)


def _read_refractory(answer: object, mystery: object) -> _Refractory:
    value = _answers.number(answer, "the refractory period in ms")
    neuron = _mystery(mystery)
    return _Refractory(value, float(neuron._refractory_ms), TOLERANCES["refractory"], neuron._tau_syn_ms)


REFRACTORY: Exercise[_Refractory] = Exercise(
    "mystery_refractory",
    _read_refractory,
    (
        right(
            "{value:g} ms is within {size:.1%} of this neuron's refractory period, {truth:g} ms (the check "
            "accepts 5%). At dt = 1 ms its fastest rate is 1 / ({truth:g} ms + 1 step) = {max_rate:.1f} Hz.",
            when=lambda f: f.right,
        ),
        not_yet(
            "That looks like the refractory period in seconds; the check takes milliseconds.",
            when=lambda f: f.near(f.truth / 1000.0, 0.05) or f.near((f.truth + 1.0) / 1000.0, 0.05),
        ),
        not_yet(
            "That is a rate in Hz; the refractory period is a time. The shortest interval between spikes is "
            "1 / (the highest rate).",
            when=lambda f: f.near(f.max_rate, 0.03) or f.near(1000.0 / f.truth, 0.03),
        ),
        not_yet(
            "{value:g} ms is one step (1 ms) too long: the shortest interval between spikes is the refractory "
            "period plus the step in which the voltage climbs back over the threshold, and the flat stretch "
            "after a spike includes the spike's own step, which records the reset value. Subtract one step.",
            when=lambda f: f.one_step_more,
        ),
        not_yet(
            "That looks like a count of steps at dt = {step_ms:g} ms ({steps_per_ms} steps per ms); the check "
            "takes milliseconds: multiply the number of steps by dt.",
            when=lambda f: f.steps_per_ms > 0,
        ),
        not_yet(
            "{value:g} ms is {off}: the neuron was not firing as fast as it can. After the refractory period "
            "the voltage still needed {climbing_steps} steps to climb back over the threshold. Raise the input "
            "until the rate stops growing (tens of times the rheobase): then it crosses in the first free step.",
            when=lambda f: f.climbing_steps > 0,
        ),
        not_yet(
            "{value:g} ms is {off}: no spike can follow another sooner than the refractory period plus one step. "
            "Drive the neuron hard (tens of times the rheobase), take the shortest interval between spikes and "
            "subtract one step.",
            when=lambda f: f.error < 0,
        ),
        not_yet(
            "{value:g} ms is {off}. Drive the neuron with inputs from the rheobase up to a thousand times it: "
            "the rate grows, then stops at 1 / (refractory period + dt). The refractory period is the shortest "
            "interval between spikes minus one step."
        ),
    ),
)


def check_mystery_refractory(answer: object, mystery: object) -> Feedback:
    """Your estimate of the mystery neuron's absolute refractory period, in ms (within 5%).

    Args:
        answer: the refractory period in milliseconds (a number).
        mystery: the neuron, from ``exercises.mystery_neuron(seed)``.
    """
    return REFRACTORY.check(answer, mystery)


EXERCISES: tuple[Exercise[Any], ...] = (FIRST_TO_FALL, TAU_MEM, HIGHEST_VOLTAGE, THRESHOLD, REFRACTORY)
"""This notebook's exercises, in the order the notebook meets them."""
