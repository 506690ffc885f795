"""Exercises of notebook 03, *Threshold, rheobase and the f-I curve*: the steady voltage under constant
input, the rheobase, the firing rate above it, and the whole f-I curve as a function.

Inputs are per step (a jump of the synaptic current), ``dt`` is in seconds, rates are in Hz. One module per
side of the threshold: ``_steady`` (where the voltage settles, and the least input that crosses) and
``_rates`` (how fast the neuron fires above it, and the unit slips a rate can show).
"""

from __future__ import annotations

from lifteach.exercises._threshold._rates import (
    FIRING_RATE,
    RATE_FUNCTION,
    check_firing_rate,
    check_rate_function,
    continuous_rates,
    unit_slip,
)
from lifteach.exercises._threshold._steady import (
    RHEOBASE,
    STEADY_VOLTAGE,
    check_rheobase,
    check_steady_voltage,
)

__all__ = [
    "EXERCISES",
    "check_firing_rate",
    "check_rate_function",
    "check_rheobase",
    "check_steady_voltage",
    "continuous_rates",
    "unit_slip",
]

EXERCISES = (STEADY_VOLTAGE, RHEOBASE, FIRING_RATE, RATE_FUNCTION)
"""This notebook's exercises, in the order the notebook meets them."""
