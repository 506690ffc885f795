"""The LIF explorer: sliders that re-run the simulation and redraw the panels in place.

::

    from lifteach.explorer import Explorer
    Explorer()                                   # every control, voltage + raster + spike-count panels
    Explorer(controls=["v_th", "scale"], panels=["voltage", "raster"], v_th=0.5)

Two layers. ``simulation_arguments(values)`` is a pure function from control values in people's units (ms,
Hz, a current in multiples of the rheobase, an input spike's weight as the jump it gives the current) to the arguments of ``lifteach.simulate``: test it, or call
``simulate(**simulation_arguments({...}))`` in a notebook, without any widget. ``Explorer`` wires ipywidgets
controls to it: one change runs one simulation, hands the result to every panel handle (``lifteach.plot``),
and shows the figure once, as a PNG whose alt text and "Describe the figure" disclosure say in words what it
shows (``lifteach.describe``; a small anywidget, no CDN needed, so it works the same in JupyterLab, Notebook 7
and Voila), or, after ``%matplotlib widget``, on ipympl's interactive canvas with the disclosure under it.

The rooms: ``controls`` (what each control means; parse, check, clamp), ``arguments`` (values -> simulate
arguments), ``parts`` (the widgets, built from the specs), ``views`` and ``_described`` (how the figure and its words reach the page),
``_render`` (blitting: redraw only what changed), ``export`` (summary, CSV, downloads), ``widget`` (the
``Explorer`` wiring) and ``page`` (the app page: values from the page address, notices).

Speed: the usual change restores a cached background and draws just the changed artists on it (blitting),
then encodes the PNG; a panel whose limits changed has its own part of the figure redrawn, and the whole figure
is drawn (and laid out) again only when titles, legends or the length of tick labels change. A change of the
neuron's parameters reuses the previous input.
"""

from __future__ import annotations

from lifteach.explorer.arguments import (
    MAX_NEURON_STEPS,
    SimulateArguments,
    input_settings,
    simulation_arguments,
)
from lifteach.explorer.controls import CONTROLS, DEFAULT_CONTROLS, INPUT_KINDS, ControlSpec
from lifteach.explorer.export import result_csv, summary_text
from lifteach.explorer.widget import DEFAULT_PANELS, Explorer

__all__ = [
    "CONTROLS",
    "DEFAULT_CONTROLS",
    "DEFAULT_PANELS",
    "INPUT_KINDS",
    "MAX_NEURON_STEPS",
    "ControlSpec",
    "Explorer",
    "SimulateArguments",
    "input_settings",
    "result_csv",
    "simulation_arguments",
    "summary_text",
]
