"""Measures of spiking: counts, rates (Hz), inter-spike intervals (s), CV, population rate, rheobase, f-I.

Functions take a ``Result`` from ``lifteach.simulate``. Rates are in Hz, times in seconds.

Inside, one module per idea, each importing only those above it in this list:

- ``_spikes``: spike counts, firing rates, inter-spike intervals, their CV, the population rate;
- ``_closed_forms``: the rheobase, the steady rate in closed form (``predicted_rate``, ``continuous_rate``,
  ``rate_ceiling``) and the f-I curve simulated next to it (``fi_curve``, ``fi_curve_points``);
- ``_panels``: what the panels draw (spike times, spike density, input totals, histograms).
"""

from lifteach.analysis._closed_forms import (
    FICurvePoints,
    continuous_rate,
    fi_curve,
    fi_curve_points,
    predicted_rate,
    rate_ceiling,
    rheobase,
)
from lifteach.analysis._panels import (
    InputTotals,
    input_totals,
    spike_density,
    spike_times_ms,
    value_histogram,
    whole_number_histogram,
)
from lifteach.analysis._spikes import (
    coefficient_of_variation,
    coefficients_of_variation,
    firing_rates,
    interspike_intervals,
    population_rate,
    spike_counts,
)

__all__ = [
    "FICurvePoints",
    "InputTotals",
    "coefficient_of_variation",
    "coefficients_of_variation",
    "continuous_rate",
    "fi_curve",
    "fi_curve_points",
    "firing_rates",
    "input_totals",
    "interspike_intervals",
    "population_rate",
    "predicted_rate",
    "rate_ceiling",
    "rheobase",
    "spike_counts",
    "spike_density",
    "spike_times_ms",
    "value_histogram",
    "whole_number_histogram",
]

# Each public name says it lives here, as when the measures were one module: in reprs, in pickles (a saved
# InputTotals loads by the same path) and on the API page.
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
