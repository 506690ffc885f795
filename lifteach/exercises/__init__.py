"""Exercises with feedback: a learner calls a check with an answer and reads what is right or a hint.

Every ``check_*`` takes the learner's answer first (a number, a tensor, or a function they wrote) and returns a
``Feedback``: ``.correct`` says whether the answer is right and ``.message`` explains, or, for a wrong answer,
points at the concept that was missed ("your rate is in spikes per step; the question asks for Hz"). A check
never raises for an answer, however malformed: a string where a number belongs, ``...`` left in a template cell,
or a function that crashes all get a hint. ``solution(name)`` shows a worked solution; notebooks keep it out of
sight until a learner asks.

A ``Feedback`` says its verdict in words: "Correct", "Not yet" (a wrong answer) or "Hint" (an answer that
could not be judged, such as a ``...`` left in place). In a notebook it shows as a coloured box that screen
readers announce; ``print(feedback)`` gives the same as plain text. This package does not import ipywidgets,
so the checks also run under nbval and in plain Python.

Inside: ``_exercise`` declares an exercise (how its answer is read, a table of outcomes), ``_simulating``,
``_threshold``, ``_populations``, ``_zoom``, ``_noise``, ``_discrete``, ``_mystery`` and ``_steps`` hold the
exercises of notebooks 01, 03, 04, 05, 06, 07, 08 and 09 (``_mystery`` also holds ``mystery_neuron``, the neuron with hidden
parameters that 08 studies),
``_explorer_app`` the questions of the explorer app (02, checked in 04), ``_plots`` reads back what a learner
drew on matplotlib axes, ``_registry`` names them all, ``_feedback`` is what a check returns, and
``solutions/<name>.md`` are the worked solutions. ``teacher`` builds the teacher's edition of the notebooks.

Exercise names (for ``solution``): see ``EXERCISES``.
"""

from __future__ import annotations

from lifteach.exercises._discrete import (
    check_fine_step_rate,
    check_max_rate,
    check_refractory_rate,
    check_stair_rate,
)
from lifteach.exercises._explorer_app import check_half_silent, check_spike_drive
from lifteach.exercises._feedback import Feedback, Solution
from lifteach.exercises._mystery import (
    MysteryNeuron,
    Recording,
    check_mystery_fastest_interval,
    check_mystery_first_to_fall,
    check_mystery_highest_voltage,
    check_mystery_noisy_ratio,
    check_mystery_refractory,
    check_mystery_tau_mem,
    check_mystery_threshold,
    mystery_neuron,
)
from lifteach.exercises._noise import (
    check_filtered_noise,
    check_fluctuation_cv,
    check_noise_per_step,
    check_noisy_subthreshold,
)
from lifteach.exercises._populations import (
    check_cv,
    check_hand_intervals,
    check_interspike_function,
    check_mean_rate,
    check_most_irregular,
)
from lifteach.exercises._registry import EXERCISES, solution
from lifteach.exercises._simulating import (
    check_current_shape,
    check_current_trace,
    check_peak_step,
    check_raster,
    check_raster_marks,
    check_spiking_scale,
    check_states_shape,
)
from lifteach.exercises._steps import (
    check_held_interval,
    check_spike_step_voltage,
    check_step_error,
    check_step_input,
    check_surrogate_peak,
)
from lifteach.exercises._threshold import (
    check_firing_rate,
    check_rate_function,
    check_rheobase,
    check_steady_voltage,
)
from lifteach.exercises._zoom import check_first_spike, check_tau_syn_effect

__all__ = [
    "EXERCISES",
    "Feedback",
    "MysteryNeuron",
    "Recording",
    "Solution",
    "check_current_shape",
    "check_current_trace",
    "check_cv",
    "check_filtered_noise",
    "check_fine_step_rate",
    "check_firing_rate",
    "check_first_spike",
    "check_fluctuation_cv",
    "check_half_silent",
    "check_hand_intervals",
    "check_held_interval",
    "check_interspike_function",
    "check_max_rate",
    "check_mean_rate",
    "check_most_irregular",
    "check_mystery_fastest_interval",
    "check_mystery_first_to_fall",
    "check_mystery_highest_voltage",
    "check_mystery_noisy_ratio",
    "check_mystery_refractory",
    "check_mystery_tau_mem",
    "check_mystery_threshold",
    "check_noise_per_step",
    "check_noisy_subthreshold",
    "check_peak_step",
    "check_raster",
    "check_raster_marks",
    "check_rate_function",
    "check_refractory_rate",
    "check_rheobase",
    "check_spike_drive",
    "check_spike_step_voltage",
    "check_spiking_scale",
    "check_stair_rate",
    "check_states_shape",
    "check_steady_voltage",
    "check_step_error",
    "check_step_input",
    "check_surrogate_peak",
    "check_tau_syn_effect",
    "mystery_neuron",
    "solution",
]
