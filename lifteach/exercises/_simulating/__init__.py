"""Exercises of notebook 01, *Simulating and plotting neurons*: what ``states`` holds, just enough input to
spike, the synaptic current and when the voltage peaks, and a raster of a population's spikes.

All but the raster are about the seed tutorial's run: one neuron, 1000 steps of ``dt = 1 ms``, input spikes of
1 at 100 ms and 120 ms, Norse's default parameters. One module per topic: ``_run`` (the run, the shape of its
states, the input scale that just makes it spike), ``_traces`` (its current and voltage over time) and
``_raster`` (spikes drawn with matplotlib); ``_predictions`` holds the predictions asked before the current is
plotted and before the raster is drawn.
"""

from __future__ import annotations

from lifteach.exercises._simulating._predictions import (
    CURRENT_SHAPE,
    RASTER_MARKS,
    check_current_shape,
    check_raster_marks,
)
from lifteach.exercises._simulating._raster import RASTER, check_raster
from lifteach.exercises._simulating._run import (
    SPIKING_SCALE,
    STATES_SHAPE,
    check_spiking_scale,
    check_states_shape,
)
from lifteach.exercises._simulating._traces import (
    CURRENT_TRACE,
    PEAK_STEP,
    check_current_trace,
    check_peak_step,
)

__all__ = [
    "EXERCISES",
    "check_current_shape",
    "check_current_trace",
    "check_peak_step",
    "check_raster",
    "check_raster_marks",
    "check_spiking_scale",
    "check_states_shape",
]

EXERCISES = (STATES_SHAPE, PEAK_STEP, SPIKING_SCALE, CURRENT_SHAPE, CURRENT_TRACE, RASTER_MARKS, RASTER)
"""This notebook's exercises, in the order the notebook meets them."""
