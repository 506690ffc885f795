"""A raster of a simulation's spikes drawn with matplotlib, read back from the axes (exercise ``raster``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifteach.exercises import _plots
from lifteach.exercises._answers import Unjudged
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.simulate import Result

__all__ = ["RASTER", "check_raster"]


@dataclass
class _Raster:
    points: np.ndarray
    """What the learner drew, (x, y) rows."""
    spikes: np.ndarray
    """Every output spike as (time in ms, neuron) rows."""
    input_spikes: np.ndarray
    """Every input spike as (time in ms, neuron) rows (the input is bool, or non-zero where a spike is)."""
    labels: tuple[str, str]
    dt_ms: float

    @staticmethod
    def _as_set(rows: np.ndarray) -> set[tuple[float, float]]:
        return {(round(float(x), 6), round(float(y), 6)) for x, y in rows}

    def _same(self, drawn: np.ndarray, rows: np.ndarray) -> bool:
        """Whether ``drawn`` marks are exactly ``rows`` (time in ms or in steps along x)."""
        in_steps = rows / np.array([self.dt_ms, 1.0])
        return self._as_set(drawn) in (self._as_set(rows), self._as_set(in_steps))

    def shows(self, rows: np.ndarray) -> bool:
        return self._same(self.points, rows)

    @property
    def swapped(self) -> bool:
        return self._same(self.points[:, ::-1], self.spikes)

    @property
    def drawn_count(self) -> int:
        return len(self._as_set(self.points))

    @property
    def total(self) -> int:
        return len(self.spikes)

    @property
    def unlabelled(self) -> bool:
        return not (_plots.time_unit(self.labels[0]) and self.labels[1])


def _read_raster(answer: object, result: object) -> _Raster:
    if not isinstance(result, Result):
        raise Unjudged("Pass the simulation as the second argument: `check_raster(ax, result)`.")
    picture = _plots.drawn(answer)
    if len(picture.points) == 0:
        raise Unjudged(
            "Your axes show lines but no points: a raster draws one mark per spike, e.g. "
            '`ax.plot(times, neurons, "|")` or `ax.scatter(times, neurons, s=2)`.'
        )
    dt_ms = result.dt * 1000.0
    steps, neurons = result.spike_indices()
    spikes = np.column_stack([steps * dt_ms, neurons]).astype(float)
    input_steps, input_neurons = np.nonzero(result.input.cpu().numpy())
    input_spikes = np.column_stack([input_steps * dt_ms, input_neurons]).astype(float)
    return _Raster(picture.points, spikes, input_spikes, (picture.xlabel, picture.ylabel), dt_ms)


RASTER: Exercise[_Raster] = Exercise(
    "raster",
    _read_raster,
    (
        not_yet(
            "Your raster shows every spike. Now label the axes with what they show and the unit of time, "
            'e.g. `ax.set(xlabel="time (ms)", ylabel="neuron")`.',
            when=lambda f: f.shows(f.spikes) and f.unlabelled,
        ),
        right(
            "Every one of the {total} spikes is a mark at its time and neuron: `result.spike_indices()` gives "
            "the steps and neurons of the spikes, in the shape of the data (time first, then neurons).",
            when=lambda f: f.shows(f.spikes),
        ),
        not_yet(
            "Time and neuron are swapped: time goes along the x axis, the neurons up the y axis. "
            "`steps, neurons = result.spike_indices()` gives them in that order.",
            when=lambda f: f.swapped,
        ),
        not_yet(
            "Those are the input spikes, `result.input`; the raster shows the spikes the neurons fired, "
            "`result.spikes`.",
            when=lambda f: len(f.input_spikes) > 0 and f.shows(f.input_spikes),
        ),
        not_yet(
            "Your raster shows {drawn_count} marks, but the neurons fired {total} spikes: draw one mark per "
            "spike, at (time, neuron), for every neuron. `steps, neurons = result.spike_indices()` gives "
            "them all."
        ),
    ),
)


def check_raster(answer: object, result: object) -> Feedback:
    """A raster of ``result``'s spikes drawn with matplotlib: one mark per spike at (time, neuron).

    Args:
        answer: the axes the learner drew on; marks from ``ax.plot(..., "|")``, ``ax.scatter``,
            ``ax.eventplot`` or ``ax.vlines`` all count, with time in ms or in steps along x.
        result: the ``Result`` of the simulation whose spikes are shown.
    """
    return RASTER.check(answer, result)
