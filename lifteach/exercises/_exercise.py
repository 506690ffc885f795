"""One exercise, declared: how the answer is read, and the verdicts it can earn, in the order they are tried.

An ``Exercise`` is a name, a ``read`` function and a table of ``Outcome`` rows. ``read`` takes the check's
arguments (the learner's answer first) and returns the *facts* the rows talk about: the answer as a value,
the right answer, and the quantities the messages quote. It raises ``Unjudged`` for an answer it cannot read.
Each row says when it applies (a condition on the facts), whether the answer is then right, and what to say:
a template filled in from the facts (``"{expected:g}"`` reads ``facts.expected``). The first row whose
condition holds gives the verdict; the last row has no condition and catches the rest.

So an exercise's feedback reads top to bottom as a table: the right answer and what it teaches, then one
row per typical mistake, then a general hint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from lifteach.exercises._answers import Unjudged
from lifteach.exercises._feedback import Feedback

__all__ = ["Exercise", "Outcome", "not_yet", "right"]

Facts = TypeVar("Facts")


@dataclass(frozen=True)
class Outcome(Generic[Facts]):
    """One row of an exercise's table: when ``when(facts)`` holds, the answer is ``correct`` and ``says`` why.

    ``when=None`` means always: the last row of a table, which catches every answer the rows above did not.
    """

    correct: bool
    says: str
    when: Callable[[Facts], bool] | None = None


def right(says: str, when: Callable[[Facts], bool] | None = None) -> Outcome[Facts]:
    """A row for a right answer."""
    return Outcome(True, says, when)


def not_yet(says: str, when: Callable[[Facts], bool] | None = None) -> Outcome[Facts]:
    """A row for a wrong answer: ``says`` is the hint about the idea that was missed."""
    return Outcome(False, says, when)


class _Fields(Mapping[str, Any]):
    """The facts' attributes as a mapping, so that templates can quote properties as well as fields."""

    def __init__(self, facts: object) -> None:
        self._facts = facts

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self._facts, key)
        except AttributeError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(vars(self._facts))

    def __len__(self) -> int:
        return len(vars(self._facts))


@dataclass(frozen=True)
class Exercise(Generic[Facts]):
    """An exercise: its ``name`` (what ``solution`` takes), how its answer is ``read`` and its ``outcomes``."""

    name: str
    read: Callable[..., Facts]
    outcomes: tuple[Outcome[Facts], ...]

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(
                f"Exercise name {self.name!r} is not a Python identifier; the check is called "
                "check_<name>, so use letters, digits and underscores."
            )
        if not self.outcomes or self.outcomes[-1].when is not None:
            raise ValueError(
                f"Exercise {self.name!r}: the last outcome must have when=None, so that every answer gets a "
                "verdict; end the table with a general hint, e.g. not_yet('...')."
            )
        if any(row.when is None for row in self.outcomes[:-1]):
            raise ValueError(
                f"Exercise {self.name!r}: only the last outcome may have when=None (the rows after an "
                "unconditional one could never apply); give the others a condition."
            )

    @property
    def stuck(self) -> str:
        """The pointer to the worked solution that ends every hint."""
        return f"(Stuck? `exercises.solution({self.name!r})` shows one way.)"

    def check(self, *args: object, **kwargs: object) -> Feedback:
        """The verdict on an answer: ``args`` and ``kwargs`` are the public check's arguments, answer first."""
        try:
            facts = self.read(*args, **kwargs)
            row = next(row for row in self.outcomes if row.when is None or row.when(facts))
        except Unjudged as unjudged:
            return Feedback(self.name, False, f"{unjudged} {self.stuck}", judged=False)
        except (TypeError, ValueError) as error:
            # lifteach refused a value the answer led to (e.g. intervals below 0 s): its message names the fix.
            return Feedback(
                self.name, False, f"The check could not use your answer: {error} {self.stuck}", judged=False
            )
        # Outside the try: a template that does not fit its facts is our bug, not the learner's answer.
        message = row.says.format_map(_Fields(facts))
        if row.correct:
            return Feedback(self.name, True, message)
        return Feedback(self.name, False, f"{message} {self.stuck}")
