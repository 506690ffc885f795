"""The RC-circuit drawing: it draws on the axes it is given, and only there."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from lifteach.plot.circuit import rc_circuit


def test_the_circuit_draws_on_its_axes_without_pyplot() -> None:
    figures_before = plt.get_fignums()
    figure = Figure(figsize=(7.5, 3.6))
    ax = figure.add_subplot()
    handle = rc_circuit(ax)
    # No figure appeared in pyplot's state: the drawing used only the axes it was given.
    assert plt.get_fignums() == figures_before
    assert set(handle.labels) == {"i", "C", "R", "v_leak", "v", "reset", "tau"}
    assert all(text.axes is ax for text in handle.labels.values())
    assert handle.lines and all(line.axes is ax for line in handle.lines)
    assert any(isinstance(patch, Circle) for patch in ax.patches)  # the current source
    assert "τ_mem = R·C" in handle.labels["tau"].get_text()
    assert not ax.axison
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")
