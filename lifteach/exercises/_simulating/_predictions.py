"""Notebook 01's predictions before two plotting exercises: what the synaptic current does after an input spike
(exercise ``current_shape``), and how many marks a raster of a population's spikes holds (``raster_marks``).
"""

from __future__ import annotations

from dataclasses import dataclass

from lifteach.exercises import _answers
from lifteach.exercises._answers import Unjudged
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.simulate import Result

__all__ = ["CURRENT_SHAPE", "RASTER_MARKS", "check_current_shape", "check_raster_marks"]

# --- current_shape -------------------------------------------------------------------------------------


@dataclass
class _Shape:
    answer: str


def _read_shape(answer: object) -> _Shape:
    return _Shape(_answers.choice(answer, ("jumps", "rises", "steps"), "what the current does"))


CURRENT_SHAPE: Exercise[_Shape] = Exercise(
    "current_shape",
    _read_shape,
    (
        right(
            "It jumps: each input spike adds its weight (1) to `i` at once, and `i` then loses a fraction "
            "dt/τ_syn = 1 ms / 5 ms = 0.2 of itself per step, a fast decay. It is the voltage that rises slowly: "
            "it integrates the current with τ_mem = 10 ms.",
            when=lambda f: f.answer == "jumps",
        ),
        not_yet(
            "A slow rise is what the voltage does: it integrates the current. The current itself is where the "
            "input spike arrives: by how much does one input spike change `i`, and in how many steps?",
            when=lambda f: f.answer == "rises",
        ),
        not_yet(
            "The current is a synaptic current, and a synapse forgets: with no new input, `i` loses a fraction "
            "dt/τ_syn of itself at every step. Does it stay up after the jump?"
        ),
    ),
)


def check_current_shape(answer: object) -> Feedback:
    """After each input spike, does the synaptic current "jumps" (up, then decay), "rises" (slowly) or "steps"
    (up, and stay there)?

    Args:
        answer: the learner's word.
    """
    return CURRENT_SHAPE.check(answer)


# --- raster_marks ----------------------------------------------------------------------------------------


@dataclass
class _Marks:
    answer: str
    spikes: int
    """The run's spikes, all neurons."""
    firing: int
    """How many neurons fired at least once."""
    neurons: int
    input_spikes: int

    @property
    def silent(self) -> int:
        """How many neurons never fired."""
        return self.neurons - self.firing


def _read_marks(answer: object, result: object) -> _Marks:
    word = _answers.choice(answer, ("spikes", "neurons", "inputs"), "what one mark stands for")
    if not isinstance(result, Result):
        raise Unjudged("Pass the simulation as the second argument: `check_raster_marks(my_marks, result)`.")
    counts = result.spikes.sum(0)
    return _Marks(
        word,
        int(result.total_spikes),
        int((counts > 0).sum()),
        int(result.spikes.shape[1]),
        int((result.input != 0).sum()),
    )


RASTER_MARKS: Exercise[_Marks] = Exercise(
    "raster_marks",
    _read_marks,
    (
        right(
            "One mark per spike: this raster holds {spikes} marks, `result.total_spikes`, the sum of every "
            "neuron's spike count. They fill the rows of the {firing} neurons that fired at least once; the "
            "rows of the other {silent} stay empty.",
            when=lambda f: f.answer == "spikes",
        ),
        not_yet(
            "A neuron that fires twice gets two marks in its row: a raster marks events, not neurons. With "
            "{neurons} neurons of which only {firing} fire, what does one mark stand for?",
            when=lambda f: f.answer == "neurons",
        ),
        not_yet(
            "The raster shows the neurons' own spikes, their output; the {input_spikes} input spikes are what "
            "drove them. What does one mark of the raster of `result.spikes` stand for?"
        ),
    ),
)


def check_raster_marks(answer: object, result: object) -> Feedback:
    """What does one mark of a raster of ``result``'s spikes stand for: one of the "spikes", one of the
    "neurons" or one of the "inputs"? The feedback gives the number of marks.

    Args:
        answer: the learner's word.
        result: the simulation the raster will show (``lifteach.Result``).
    """
    return RASTER_MARKS.check(answer, result)
