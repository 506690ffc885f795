"""The inspector's figure: voltage and current a few steps either side of the shown step, the step marked.

Each recorded value is a dot at its step's time (ms), joined by lines, as the explorer's traces label them
(step ``t`` at ``t * dt``). The shown step is shaded from the state before it to the state after it; the
exact solution of the ODEs over that step is drawn dotted beside Euler's straight line, and at a spike the
value that crossed the threshold is drawn hollow above the reset it never shows in the trace.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.transforms import blended_transform_factory

from lifteach import plot
from lifteach.inspector.numbers import StepNumbers, exact_step
from lifteach.plot._base import nice_ceiling, set_xlim, set_ylim
from lifteach.simulate import Result

__all__ = ["WINDOW_STEPS", "StepPanel", "figure_text", "window"]

WINDOW_STEPS = 20
"""How many steps either side of the shown step the traces show."""

_EXACT_POINTS = 24  # points of the exact curve across one step: smooth at any size the figure is shown


def window(step: int, n_steps: int) -> tuple[int, int]:
    """The recorded steps the figure draws around ``step``: ``range(first, last)`` of a run of ``n_steps``."""
    return max(0, step - WINDOW_STEPS), min(n_steps, step + WINDOW_STEPS + 1)


def _when(times_ms: np.ndarray) -> str:
    if len(times_ms) == 0:
        return "no spike"
    listed = ", ".join(f"{t:g}" for t in times_ms)
    return f"{len(times_ms)} spike{'s' if len(times_ms) > 1 else ''}, at {listed} ms"


def figure_text(result: Result, numbers: StepNumbers) -> str:
    """The figure in words (its alt text and "Describe the figure"): the window it shows, the shown step's voltage and current before
    and after, against the threshold, and the spikes in the window. Times in ms, values in model units."""
    s = numbers
    first, last = window(s.step, result.n_steps)
    dt_ms = result.dt * 1000.0
    spikes = result.spikes[first:last, s.neuron].numpy()
    spike_times = (first + np.flatnonzero(spikes)) * dt_ms
    if s.held:
        voltage = (
            f"the neuron was refractory ({s.rho:g} of {s.rho_reset} steps left): the voltage was held at "
            f"{s.v_new:.4g} and no spike was let through"
        )
    elif s.spike == 1.0:
        voltage = (
            f"the voltage rose from {s.v:.4g} to {s.v_decayed:.4g}, above the threshold v_th = {s.v_th:.4g}, and "
            f"was reset to {s.v_new:.4g}: a spike"
        )
    else:
        voltage = f"the voltage went from {s.v:.4g} to {s.v_new:.4g}, below the threshold v_th = {s.v_th:.4g}: no spike"
    return (
        f"Voltage and current of neuron {s.neuron} from {first * dt_ms:g} to {(last - 1) * dt_ms:g} ms, one dot "
        f"per {dt_ms:g} ms step, the step at {s.time_ms:g} ms shaded.\n"
        f"In that step {voltage}"
        + ("" if s.held else f"; the exact solution ends the step at {s.exact_v:.4g}")
        + ".\n"
        f"The current jumped by the input {s.x:.4g} from {s.i:.4g} to {s.i_jump:.4g}, then decayed to "
        f"{s.i_decayed:.4g}.\n"
        f"In the window shown, neuron {s.neuron} has {_when(spike_times)}."
    )


def _ceiling(value: float) -> float:
    """A round upper limit at least ``value`` (1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten)."""
    return nice_ceiling(value)


class StepPanel(plot.Panel):
    """The voltage (``quantity="v"``) or current (``"i"``) of one neuron around one step; see the module."""

    def __init__(self, ax: Axes, result: Result, quantity: str, numbers: StepNumbers) -> None:
        super().__init__(ax, result)
        self.quantity = quantity
        self.numbers = numbers
        is_voltage = quantity == "v"
        color = plot.OKABE_ITO["blue"] if is_voltage else plot.OKABE_ITO["vermillion"]
        # Short titles: the legend above the voltage panel needs the rest of the line.
        ax.set_title("Voltage" if is_voltage else "Current", loc="left")
        ax.set_xlabel("time (ms)")
        ax.set_ylabel("voltage v (model units)" if is_voltage else "current i (model units)")
        self.span = Rectangle(
            (0.0, 0.0),
            0.0,
            1.0,
            transform=blended_transform_factory(ax.transData, ax.transAxes),
            facecolor=plot.OKABE_ITO["yellow"],
            alpha=0.35,
            edgecolor="none",
            zorder=0.5,
        )
        ax.add_patch(self.span)
        (self.trace,) = ax.plot([], [], color=color, marker="o", markersize=3, linewidth=1.0, zorder=2)
        # The exact curve ends in a cross, where the step would end if the ODEs were solved exactly.
        (self.exact,) = ax.plot(
            [], [], color=plot.OKABE_ITO["black"], linestyle=":", linewidth=1.6, marker="x", markersize=7,
            markevery=[-1], zorder=5,
        )  # fmt: skip
        (self.ends,) = ax.plot(
            [], [], linestyle="none", marker="o", markersize=7, color=color, markeredgecolor="black", zorder=4
        )
        (self.crossing,) = ax.plot(
            [], [], color=plot.OKABE_ITO["black"], linestyle="--", linewidth=1.0, marker="o", markersize=7,
            markerfacecolor="white", markevery=[0], zorder=4,
        )  # fmt: skip
        if is_voltage:
            ax.axhline(numbers.v_th, color=plot.OKABE_ITO["black"], linestyle="--", linewidth=1.0, zorder=1)
            # One legend for both panels (the same marks mean the same in each), above the voltage.
            ax.legend(
                [self.trace, self.ends, self.exact, self.crossing],
                ["recorded (a dot per step)", "before / after the step", "exact ODE", "crossed, then reset"],
                loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, ncols=4, frameon=False,
                borderaxespad=0.1, handlelength=1.8, columnspacing=1.0,
            )  # fmt: skip
        else:
            ax.axhline(0.0, color="#bbbbbb", linewidth=0.8, zorder=1)
        self._draw()

    @property
    def artists(self) -> list[Artist]:
        return [self.span, self.trace, self.exact, self.ends, self.crossing]

    def show(self, numbers: StepNumbers) -> None:
        """Show the step ``numbers`` describe (same result, any neuron and step)."""
        self.numbers = numbers
        self._draw()

    def _draw(self) -> None:
        s, result = self.numbers, self.result
        dt_ms = result.dt * 1000.0
        column = [int(n) for n in result.recorded_neurons].index(s.neuron)
        recorded = result.v if self.quantity == "v" else result.i
        assert recorded is not None
        first, last = window(s.step, result.n_steps)
        start = s.v if self.quantity == "v" else s.i
        # Rest (v_leak, no current) before the first step, drawn at -dt.
        rest = [s.v_leak if self.quantity == "v" else 0.0] if first == 0 else []
        values = np.concatenate([rest, recorded[first:last, column].numpy()])
        times = np.arange(first - len(rest), last) * dt_ms
        self.trace.set_data(times, values)
        before, after = (s.step - 1) * dt_ms, s.step * dt_ms
        self.span.set_x(before)
        self.span.set_width(dt_ms)
        fractions = np.linspace(0.0, 1.0, _EXACT_POINTS)
        curve = [
            exact_step(s.v, s.i_jump, s.tau_mem_inv, s.tau_syn_inv, s.v_leak, result.dt * f)
            if f
            else (s.v, s.i)
            for f in fractions
        ]
        # The current jumps by x at the start of the step, then decays: the exact curve starts at i_jump.
        exact = [v for v, _ in curve] if self.quantity == "v" else [s.i_jump] + [i for _, i in curve[1:]]
        # A held voltage follows no ODE in that step (Norse's refractory rule keeps it): no exact curve.
        held_voltage = self.quantity == "v" and s.held
        if held_voltage:
            self.exact.set_data([], [])
        else:
            self.exact.set_data(before + fractions * dt_ms, exact)
        end = s.v_new if self.quantity == "v" else s.i_decayed
        self.ends.set_data([before, after], [start, end])
        spiked = self.quantity == "v" and s.spike == 1.0
        self.crossing.set_data([after, after] if spiked else [], [s.v_decayed, s.v_new] if spiked else [])
        shown = [*values, *([] if held_voltage else exact), s.v_decayed if spiked else end]
        if self.quantity == "v":
            shown += [s.v_th, s.v_reset, s.v_leak]
        low, high = min(0.0, *shown), max(0.0, *shown)
        reach = _ceiling(max(high, -low, 1e-6) * 1.15)
        set_xlim(self.ax, (first - 1) * dt_ms, (first + 2 * WINDOW_STEPS + 1) * dt_ms)
        set_ylim(self.ax, -reach if low < -0.05 * reach else -0.05 * reach, reach)
