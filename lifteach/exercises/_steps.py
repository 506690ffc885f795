"""Exercises of notebook 09, *One step at a time*: the predictions asked before each look at the step inspector.

The notebook's neuron: threshold 1, Norse's default time constants (τ_mem = 10 ms, τ_syn = 5 ms), a constant
input of 1.5 times the rheobase (0.3 per step at ``dt = 1 ms``) from the first step on, 100 ms. The checks run
the same neuron with ``lifteach.simulate`` and quote the numbers the inspector shows (``step_numbers``, which
needs no widgets): whether the input of step 0 moves the voltage in step 0
(``step_input``), what the recorded voltage of a spike step shows (``spike_step_voltage``), how the error of
one Euler step shrinks when ``dt`` halves (``step_error``), at which step the surrogate derivative is largest
(``surrogate_peak``) and how much longer a refractory period of 3 ms makes the interval between spikes
(``held_interval``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import torch

from lifteach import inputs
from lifteach.exercises import _answers
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.inspector.numbers import StepNumbers, step_numbers
from lifteach.lif import LIFParameters
from lifteach.simulate import Result, simulate

__all__ = [
    "EXERCISES",
    "check_held_interval",
    "check_spike_step_voltage",
    "check_step_error",
    "check_step_input",
    "check_surrogate_peak",
]

_SCALE, _V_TH, _DURATION_MS, _REFRACTORY_MS = 1.5, 1.0, 100, 3.0
"""Notebook 09's neuron: 1.5 times the rheobase (0.2 per step at 1 ms, so 0.3), threshold 1, 100 ms."""


@cache
def _run(dt_ms: float = 1.0, refractory_ms: float = 0.0) -> Result:
    steps = round(_DURATION_MS / dt_ms)
    x = _SCALE * 0.2 * dt_ms  # the default neuron's rheobase per step is 0.2 at 1 ms, in proportion to dt
    return simulate(
        inputs.constant_current(x, steps=steps),
        LIFParameters(v_th=_V_TH),
        dt=dt_ms / 1000.0,
        refractory=refractory_ms / 1000.0,
    )


def _spike_steps(result: Result) -> list[int]:
    return [int(step) for step in torch.nonzero(result.spikes[:, 0]).flatten()]


def _step(result: Result, step: int) -> StepNumbers:
    """One Euler step of the notebook's neuron with the numbers the inspector shows."""
    return step_numbers(result, 0, step)


# --- step_input -----------------------------------------------------------------------------------------


@dataclass
class _Answer:
    answer: str

    @property
    def first(self) -> StepNumbers:
        return _step(_run(), 0)

    @property
    def spike(self) -> StepNumbers:
        return _step(_run(), _spike_steps(_run())[0])


def _yes_no(what: str) -> Callable[[object], _Answer]:
    """A reader of a "yes" or "no"; ``what`` names the question in the hint."""

    def read(answer: object) -> _Answer:
        return _Answer(_answers.choice(answer, ("yes", "no"), what))

    return read


STEP_INPUT: Exercise[_Answer] = Exercise(
    "step_input",
    _yes_no("whether the input of step 0 has moved the voltage"),
    (
        right(
            "Yes: the voltage recorded at the end of step 0 is {first.v_new:.4f}, not 0. Line 1 adds the input "
            "x = {first.x:.4f} to the current before line 2 updates the voltage, which moves 0.1 of the way to "
            "v_leak + i_jump: 0.1 × {first.i_jump:.4f} = {first.v_decayed:.4f}. An input strong enough can make "
            "the neuron spike in the very step it arrives.",
            when=lambda f: f.answer == "yes",
        ),
        not_yet(
            "Look at the order of the lines: the input is added to the current in line 1, and the voltage is "
            "updated from that current in line 2, in the same step. What does that leave of the 0?"
        ),
    ),
)


def check_step_input(answer: object) -> Feedback:
    """Notebook 09: has the input of step 0 already moved the voltage recorded at the end of step 0 ("yes"
    or "no")?

    Args:
        answer: the learner's word.
    """
    return STEP_INPUT.check(answer)


# --- spike_step_voltage ---------------------------------------------------------------------------------

SPIKE_STEP_VOLTAGE: Exercise[_Answer] = Exercise(
    "spike_step_voltage",
    _yes_no("whether the recorded voltage of the spike step shows a value above 1"),
    (
        right(
            "No: the recorded voltage of the spike step (step {spike.step}) is {spike.v_new:.4f}, the reset "
            "value. The value that crossed the threshold, v_decayed = {spike.v_decayed:.4f}, exists only inside "
            "the step, which compares it with v_th and resets it; the step before recorded {spike.v:.4f}, "
            "below the threshold.",
            when=lambda f: f.answer == "no",
        ),
        not_yet(
            "The step that crosses the threshold does two things before it records: it compares v_decayed with "
            "v_th, and it resets the voltage. Which of the two values is left to record?"
        ),
    ),
)


def check_spike_step_voltage(answer: object) -> Feedback:
    """Notebook 09: does the recorded voltage of the neuron's first spike step show a value above the
    threshold 1 ("yes" or "no")?

    Args:
        answer: the learner's word.
    """
    return SPIKE_STEP_VOLTAGE.check(answer)


# --- step_error ------------------------------------------------------------------------------------------


@dataclass
class _Error:
    answer: str

    @property
    def coarse(self) -> float:
        """Euler's error in the voltage in the step at 10 ms, dt = 1 ms."""
        numbers = _step(_run(1.0), 10)
        return numbers.v_decayed - numbers.exact_v

    @property
    def fine(self) -> float:
        """The same at dt = 0.5 ms (the step at 10 ms is step 20)."""
        numbers = _step(_run(0.5), 20)
        return numbers.v_decayed - numbers.exact_v

    @property
    def ratio(self) -> float:
        return self.coarse / self.fine


def _read_error(answer: object) -> _Error:
    return _Error(_answers.choice(answer, ("halves", "more", "less"), "how the error of one step shrinks"))


STEP_ERROR: Exercise[_Error] = Exercise(
    "step_error",
    _read_error,
    (
        right(
            "More: the error of one step goes from {coarse:+.2e} at dt = 1 ms to {fine:+.2e} at 0.5 ms, "
            "{ratio:.1f} times smaller. It grows with dt squared. A fixed time takes twice as many steps at "
            "half the dt, so the error over that time only halves: forward Euler is a first-order method.",
            when=lambda f: f.answer == "more",
        ),
        not_yet(
            "Halving is what the error over a fixed time does, which takes twice the steps. In one step, Euler "
            "keeps the current at i_jump while in truth it decays, and the voltage gains a share dt of that "
            "slip: two factors that each shrink with dt. So by how much does one step's error shrink?",
            when=lambda f: f.answer == "halves",
        ),
        not_yet(
            "In one step, Euler keeps the current at i_jump while in truth it decays, a slip that shrinks with "
            "dt; and the voltage gains a share dt of it. Two factors of dt: does the error shrink less than dt "
            "does?"
        ),
    ),
)


def check_step_error(answer: object) -> Feedback:
    """Notebook 09: when dt halves, does the error of one Euler step "halves" too, shrink "more" or "less"?

    Args:
        answer: the learner's word.
    """
    return STEP_ERROR.check(answer)


# --- surrogate_peak --------------------------------------------------------------------------------------


@dataclass
class _Peak:
    value: float

    @property
    def spike_step(self) -> int:
        return _spike_steps(_run())[0]

    @property
    def before(self) -> StepNumbers:
        return _step(_run(), self.spike_step - 1)

    @property
    def spike(self) -> StepNumbers:
        return _step(_run(), self.spike_step)

    @property
    def start(self) -> StepNumbers:
        return _step(_run(), 0)

    @property
    def largest(self) -> int:
        steps = (self.start, self.before, self.spike)
        return max(steps, key=lambda numbers: numbers.surrogate).step

    @property
    def before_gap(self) -> float:
        return abs(self.before.v_decayed - _V_TH)

    @property
    def spike_gap(self) -> float:
        return abs(self.spike.v_decayed - _V_TH)


def _read_peak(answer: object) -> _Peak:
    return _Peak(_answers.number(answer, "the step"))


SURROGATE_PEAK: Exercise[_Peak] = Exercise(
    "surrogate_peak",
    _read_peak,
    (
        right(
            "Step {largest}: its v_decayed = {before.v_decayed:.4f} is the nearest to the threshold, "
            "{before_gap:.4f} below it, against {spike_gap:.4f} above it at the spike step {spike_step}. The "
            "surrogate 1 / (|v_decayed − v_th| + 1)² = {before.surrogate:.4f} there depends only on that "
            "distance, not on the side.",
            when=lambda f: f.value == f.largest,
        ),
        not_yet(
            "The spike step crossed the threshold, but the surrogate does not ask on which side v_decayed is: "
            "it depends only on the distance |v_decayed − v_th|. Which of the three steps is nearest?",
            when=lambda f: f.value == f.spike_step,
        ),
        not_yet(
            "At step 0 the voltage starts from rest, far below the threshold, where the surrogate is small. "
            "Which of the three steps has v_decayed nearest the threshold?",
            when=lambda f: f.value == 0,
        ),
        not_yet(
            "Choose one of the three steps the cell prints: 0, {before.step} (the step before the first spike) "
            "or {spike_step} (the spike step). The surrogate is largest where |v_decayed − v_th| is smallest."
        ),
    ),
)


def check_surrogate_peak(answer: object) -> Feedback:
    """Notebook 09: of step 0, the step before the first spike and the spike step, at which is the surrogate
    derivative largest (the step's number)?

    Args:
        answer: the learner's step number.
    """
    return SURROGATE_PEAK.check(answer)


# --- held_interval ---------------------------------------------------------------------------------------


@dataclass
class _Held:
    value: float

    @staticmethod
    def _interval(refractory_ms: float) -> int:
        steps = _spike_steps(_run(1.0, refractory_ms))
        return steps[1] - steps[0]

    @property
    def free(self) -> int:
        """Steps between spikes without a refractory period."""
        return self._interval(0.0)

    @property
    def held(self) -> int:
        """Steps between spikes with 3 ms."""
        return self._interval(_REFRACTORY_MS)

    @property
    def longer(self) -> int:
        return self.held - self.free


def _read_held(answer: object) -> _Held:
    return _Held(_answers.number(answer, "the number of steps"))


HELD_INTERVAL: Exercise[_Held] = Exercise(
    "held_interval",
    _read_held,
    (
        right(
            "{longer} steps: spikes come every {held} steps instead of {free}. The hold keeps the voltage at the "
            "reset value for its 3 steps and lets no spike through, while the current goes on integrating its "
            "input (it is not held); then the voltage makes the same climb of {free} steps as without a "
            "refractory period.",
            when=lambda f: f.value == f.longer,
        ),
        not_yet(
            "The hold adds steps in which the voltage stays at the reset value: the climb to the threshold "
            "starts only after them. How many steps does the hold last?",
            when=lambda f: f.value == 0,
        ),
        not_yet(
            "One step more than the hold would mean a longer climb after it; but the current is not held, so "
            "the voltage climbs from the reset value as fast as without a refractory period. How many steps "
            "does the hold add, then?",
            when=lambda f: f.value == f.longer + 1,
        ),
        not_yet(
            "The refractory period is 3 ms, three steps of 1 ms, in which the voltage is held at the reset value "
            "and no spike can happen. After them the neuron climbs as it does after any reset. How many steps "
            "longer is the interval?"
        ),
    ),
)


def check_held_interval(answer: object) -> Feedback:
    """Notebook 09: how many steps longer is the interval between two spikes with a refractory period of 3 ms
    than without one?

    Args:
        answer: the learner's number of steps.
    """
    return HELD_INTERVAL.check(answer)


EXERCISES = (STEP_INPUT, SPIKE_STEP_VOLTAGE, STEP_ERROR, SURROGATE_PEAK, HELD_INTERVAL)
"""This notebook's exercises, in the order the notebook meets them."""
