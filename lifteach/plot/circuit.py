"""The LIF neuron as an electric circuit, drawn with matplotlib lines and patches on the axes it is given.

The membrane is a capacitor ``C`` in parallel with a leak: a resistor ``R`` in series with a battery at the
resting voltage ``v_leak``. The synaptic current ``i`` charges the capacitor, the leak discharges it towards
``v_leak``; the voltage ``v`` across the capacitor is the membrane voltage, and ``tau_mem = R C``. A switch
beside the capacitor stands for the spike: when ``v`` goes above ``v_th`` it closes for an instant and puts
``v`` back to ``v_reset``. In the model's units ``R = 1``, so a current ``i`` held constant moves ``v`` to
``v_leak + i``.

No pyplot: ``rc_circuit(ax)`` draws only on ``ax`` (a test holds it to that), so it works in a figure made
with ``matplotlib.figure.Figure`` as well as with ``plt.subplots``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch
from matplotlib.text import Text

__all__ = ["CircuitHandle", "rc_circuit"]

_TOP, _BOTTOM = 3.0, 0.0
"""Heights of the two wires (the inside and the outside of the membrane), in the drawing's own units."""
_SOURCE_X, _CAPACITOR_X, _LEAK_X, _RESET_X = 0.0, 2.0, 4.0, 6.0
"""Where the four branches stand: the current source, the capacitor, the leak and the reset switch."""


@dataclass(frozen=True)
class CircuitHandle:
    """What ``rc_circuit`` drew: the wires and symbols, and the labels by what they name."""

    lines: list[Line2D]
    labels: dict[str, Text]


def _wire(ax: Axes, xs: list[float], ys: list[float], lines: list[Line2D]) -> None:
    (line,) = ax.plot(xs, ys, color="black", linewidth=1.5, solid_capstyle="round")
    lines.append(line)


def _current_source(ax: Axes, lines: list[Line2D]) -> None:
    middle = (_TOP + _BOTTOM) / 2
    _wire(ax, [_SOURCE_X, _SOURCE_X], [_BOTTOM, middle - 0.45], lines)
    _wire(ax, [_SOURCE_X, _SOURCE_X], [middle + 0.45, _TOP], lines)
    ax.add_patch(Circle((_SOURCE_X, middle), 0.45, fill=False, linewidth=1.5))
    # The arrow points into the top wire: a positive i charges the inside of the membrane.
    ax.add_patch(
        FancyArrowPatch(
            (_SOURCE_X, middle - 0.3), (_SOURCE_X, middle + 0.3), arrowstyle="-|>", mutation_scale=12
        )
    )


def _capacitor(ax: Axes, lines: list[Line2D]) -> None:
    middle = (_TOP + _BOTTOM) / 2
    _wire(ax, [_CAPACITOR_X, _CAPACITOR_X], [_TOP, middle + 0.12], lines)
    _wire(ax, [_CAPACITOR_X, _CAPACITOR_X], [middle - 0.12, _BOTTOM], lines)
    for plate in (middle + 0.12, middle - 0.12):
        _wire(ax, [_CAPACITOR_X - 0.45, _CAPACITOR_X + 0.45], [plate, plate], lines)


def _leak(ax: Axes, lines: list[Line2D]) -> None:
    # From the top: a zigzag resistor, then a battery (long plate +, short plate -), then the bottom wire.
    zig_top, zig_bottom = _TOP - 0.3, 1.6
    _wire(ax, [_LEAK_X, _LEAK_X], [_TOP, zig_top], lines)
    heights = np.linspace(zig_top, zig_bottom, 9)
    offsets = [0.0, 0.25, -0.25, 0.25, -0.25, 0.25, -0.25, 0.25, 0.0]
    _wire(ax, [_LEAK_X + dx for dx in offsets], list(heights), lines)
    battery_plus, battery_minus = 1.05, 0.85
    _wire(ax, [_LEAK_X, _LEAK_X], [zig_bottom, battery_plus], lines)
    _wire(ax, [_LEAK_X - 0.4, _LEAK_X + 0.4], [battery_plus, battery_plus], lines)
    _wire(ax, [_LEAK_X - 0.2, _LEAK_X + 0.2], [battery_minus, battery_minus], lines)
    _wire(ax, [_LEAK_X, _LEAK_X], [battery_minus, _BOTTOM], lines)


def _reset_switch(ax: Axes, lines: list[Line2D]) -> None:
    middle = (_TOP + _BOTTOM) / 2
    _wire(ax, [_RESET_X, _RESET_X], [_TOP, middle + 0.35], lines)
    _wire(ax, [_RESET_X, _RESET_X], [middle - 0.35, _BOTTOM], lines)
    # An open switch: the blade leans away from the lower contact until v goes above v_th.
    _wire(ax, [_RESET_X, _RESET_X + 0.45], [middle - 0.35, middle + 0.3], lines)


def rc_circuit(ax: Axes) -> CircuitHandle:
    """Draw the LIF neuron's circuit on ``ax``: current source ``i``, capacitor ``C``, leak ``R`` + ``v_leak``.

    Returns the drawn lines and the labels (keys ``"i"``, ``"C"``, ``"R"``, ``"v_leak"``, ``"v"``, ``"reset"``,
    ``"tau"``). The axes' frame and ticks are switched off: the picture has no coordinates.
    """
    lines: list[Line2D] = []
    _wire(ax, [_SOURCE_X, _RESET_X], [_TOP, _TOP], lines)
    _wire(ax, [_SOURCE_X, _RESET_X], [_BOTTOM, _BOTTOM], lines)
    _current_source(ax, lines)
    _capacitor(ax, lines)
    _leak(ax, lines)
    _reset_switch(ax, lines)
    middle = (_TOP + _BOTTOM) / 2
    labels = {
        "i": ax.text(_SOURCE_X - 0.6, middle, "synaptic\ncurrent i", ha="right", va="center"),
        "C": ax.text(_CAPACITOR_X + 0.55, middle, "C", ha="left", va="center"),
        "R": ax.text(_LEAK_X + 0.4, 2.1, "R", ha="left", va="center"),
        "v_leak": ax.text(_LEAK_X + 0.5, 0.95, "v_leak", ha="left", va="center"),
        "reset": ax.text(_RESET_X + 0.55, middle, "reset to v_reset\nwhen v > v_th", ha="left", va="center"),
        "v": ax.text(
            (_SOURCE_X + _RESET_X) / 2, _TOP + 0.35, "v: membrane voltage (inside minus outside)", ha="center"
        ),
        "tau": ax.text((_SOURCE_X + _RESET_X) / 2, _BOTTOM - 0.6, "τ_mem = R·C", ha="center", va="top"),
    }
    ax.set_xlim(_SOURCE_X - 2.2, _RESET_X + 2.6)
    ax.set_ylim(_BOTTOM - 1.1, _TOP + 0.8)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return CircuitHandle(lines, labels)
