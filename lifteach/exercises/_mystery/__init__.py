"""Notebook 08, *The mystery neuron*: a LIF neuron with hidden parameters, drawn per learner from a seed, the
checks of the learner's estimates of its membrane time constant, threshold and refractory period, and of four
predictions on the way (which falls first after a pulse, where a firing neuron's highest recorded voltage is,
how much longer than the refractory period the fastest interval is, where noise moves the decay ratio most).

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

One module per idea: ``_neuron`` (drawing the hidden parameters from a seed, running, the ``Recording``),
``_predictions`` (which falls first after a pulse, where the highest recorded voltage lies, the fastest
interval, the noisy decay ratio) and ``_estimates``
(the checks of τ_mem, the threshold and the refractory period).
"""

from __future__ import annotations

from typing import Any

from lifteach.exercises._exercise import Exercise
from lifteach.exercises._mystery._estimates import (
    REFRACTORY,
    TAU_MEM,
    THRESHOLD,
    TOLERANCES,
    check_mystery_refractory,
    check_mystery_tau_mem,
    check_mystery_threshold,
)
from lifteach.exercises._mystery._neuron import (
    DEFAULT_SEED,
    RANGES,
    MysteryNeuron,
    Recording,
    mystery_neuron,
)
from lifteach.exercises._mystery._predictions import (
    FASTEST_INTERVAL,
    HIGHEST_VOLTAGE,
    NOISY_RATIO,
    check_mystery_fastest_interval,
    check_mystery_first_to_fall,
    check_mystery_highest_voltage,
    check_mystery_noisy_ratio,
)

# Importable from here (the tests read its facts), as when this was one module, but not part of __all__.
from lifteach.exercises._mystery._predictions import FIRST_TO_FALL as FIRST_TO_FALL

__all__ = [
    "DEFAULT_SEED",
    "EXERCISES",
    "RANGES",
    "TOLERANCES",
    "MysteryNeuron",
    "Recording",
    "check_mystery_fastest_interval",
    "check_mystery_first_to_fall",
    "check_mystery_highest_voltage",
    "check_mystery_noisy_ratio",
    "check_mystery_refractory",
    "check_mystery_tau_mem",
    "check_mystery_threshold",
    "mystery_neuron",
]

EXERCISES: tuple[Exercise[Any], ...] = (
    FIRST_TO_FALL,
    TAU_MEM,
    HIGHEST_VOLTAGE,
    THRESHOLD,
    FASTEST_INTERVAL,
    REFRACTORY,
    NOISY_RATIO,
)
"""This notebook's exercises, in the order the notebook meets them."""

# The neuron, its recording and the checks say they live here, as when this was one module: in reprs and
# pickles (a pickled Recording loads by the same path).
for _public in (
    MysteryNeuron,
    Recording,
    mystery_neuron,
    check_mystery_fastest_interval,
    check_mystery_first_to_fall,
    check_mystery_highest_voltage,
    check_mystery_noisy_ratio,
    check_mystery_refractory,
    check_mystery_tau_mem,
    check_mystery_threshold,
):
    _public.__module__ = __name__
del _public
