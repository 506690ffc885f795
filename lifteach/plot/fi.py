"""The f-I curve: firing rate (Hz) against constant input, closed form beside simulation: ``fi_curve``."""

from __future__ import annotations

import math

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import blended_transform_factory

from lifteach import analysis
from lifteach.lif import LIFParameters
from lifteach.plot._base import (
    COARSE_STEPS,
    GHOST_ALPHA,
    GHOST_COLOR,
    OKABE_ITO,
    Panel,
    nice_ceiling,
    note_text,
    scalar_parameter,
    set_xlim,
    set_ylim,
)
from lifteach.simulate import Result


class FICurvePanel(Panel):
    """Firing rate (Hz) against constant input; see ``fi_curve``."""

    def __init__(
        self,
        ax: Axes,
        result: Result,
        max_input: float | None,
        unit: float | None,
        points: int,
        title: str | None,
    ) -> None:
        super().__init__(ax, result)
        if max_input is not None and not (
            isinstance(max_input, int | float) and not isinstance(max_input, bool) and max_input > 0
        ):
            raise ValueError(
                f"max_input must be a positive multiple of the unit (or None), got {max_input!r}."
            )
        if isinstance(points, bool) or not isinstance(points, int) or points < 2:
            raise ValueError(f"points must be a whole number of at least 2, got {points!r}.")
        if unit is not None and not (
            isinstance(unit, int | float) and not isinstance(unit, bool) and unit > 0
        ):
            raise ValueError(f"unit must be a positive input per step (or None), got {unit!r}.")
        self.max_input = None if max_input is None else float(max_input)
        self.points = points
        self._given_unit = unit
        self.unit = self._unit(result)
        (self.prediction,) = ax.plot(
            [], [], color=OKABE_ITO["black"], linewidth=1.3, label="closed form", zorder=2
        )
        (self.simulated,) = ax.plot(
            [], [], linestyle="none", marker="o", markersize=4.5, color=OKABE_ITO["sky_blue"],
            markeredgecolor=OKABE_ITO["blue"], label="simulated", zorder=3,
        )  # fmt: skip
        (self.this_run,) = ax.plot(
            [], [], linestyle="none", marker="D", markersize=7, color=OKABE_ITO["vermillion"],
            label="this run (means)", zorder=4,
        )  # fmt: skip
        self.rheobase_line: Line2D = ax.axvline(
            0.0, color=OKABE_ITO["green"], linestyle=":", linewidth=1.5, zorder=1
        )
        self.rheobase_text: Text = ax.text(
            0.0, 0.03, "", transform=blended_transform_factory(ax.transData, ax.transAxes),
            ha="left", va="bottom", fontsize=8, color=OKABE_ITO["green"], zorder=4,
        )  # fmt: skip
        # The saturation a refractory period causes: the highest rate any input can give, drawn and named.
        self.ceiling_line: Line2D = ax.axhline(
            math.nan, color=OKABE_ITO["purple"], linestyle="--", linewidth=1.2, zorder=1
        )
        self.ceiling_text: Text = ax.text(
            0.99, math.nan, "", transform=blended_transform_factory(ax.transAxes, ax.transData),
            ha="right", va="bottom", fontsize=8, color=OKABE_ITO["purple"], zorder=4,
        )  # fmt: skip
        (self.ghost,) = ax.plot([], [], color=GHOST_COLOR, alpha=GHOST_ALPHA, linewidth=1.3, visible=False)
        (self.ghost_run,) = ax.plot(
            [], [], linestyle="none", marker="D", markersize=7, color=GHOST_COLOR, alpha=GHOST_ALPHA,
            visible=False,
        )  # fmt: skip
        ax.set_title(title if title is not None else "f-I curve")
        # The unit is the default neuron's rheobase (0.2 per step at 1 ms) whatever this neuron's is.
        ax.set_xlabel("constant input (× default rheobase)")
        ax.set_ylabel("firing rate (Hz)")
        ax.legend(loc="lower right", fontsize=8, framealpha=0.85)  # under a rising curve: always free
        self.note = note_text(ax, x=0.01, y=0.85, ha="left")
        self._draw()

    @property
    def artists(self) -> list[Artist]:
        return [
            self.prediction,
            self.simulated,
            self.this_run,
            self.rheobase_line,
            self.rheobase_text,
            self.ceiling_line,
            self.ceiling_text,
        ]

    @staticmethod
    def _neuron(result: Result) -> LIFParameters | None:
        """The run's parameters as single numbers, or None when any of them is per neuron (no one curve)."""
        p = result.p
        tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset = (
            scalar_parameter(p, name) for name in ("tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset")
        )
        if tau_syn_inv is None or tau_mem_inv is None or v_leak is None or v_th is None or v_reset is None:
            return None
        return LIFParameters(
            tau_syn_inv=tau_syn_inv, tau_mem_inv=tau_mem_inv, v_leak=v_leak, v_th=v_th, v_reset=v_reset
        )

    def _span(self, result: Result) -> float:
        """The largest input shown (units): ``max_input``, or four rheobases of this neuron and this run."""
        if self.max_input is not None:
            return self.max_input
        neuron = self._neuron(result)
        own = 1.0 if neuron is None else analysis.rheobase(neuron, result.dt) / self._unit(result)
        return nice_ceiling(max(4.0 * own, 1.3 * self._run_point(result)[0], 0.5))

    def _curve(self, result: Result, span: float) -> analysis.FICurvePoints | None:
        """The curve of the run's neuron up to ``span`` units, or None for per-neuron parameters."""
        neuron = self._neuron(result)
        if neuron is None:
            return None
        return analysis.fi_curve_points(
            neuron,
            result.dt,
            unit=self._unit(result),
            max_input=span,
            points=self.points,
            refractory=result.refractory,
        )

    def _run_point(self, result: Result) -> tuple[float, float]:
        """Mean input per step (units) and mean firing rate (Hz) of a run."""
        mean_rate = float(result.spikes_per_neuron.mean()) / result.duration
        return result.mean_input / self._unit(result), mean_rate

    def _unit(self, result: Result) -> float:
        """The input unit of a run: the one given, else the default neuron's rheobase at the run's dt (a dt
        changed by the explorer changes the unit as it changes the input: the axis keeps its meaning)."""
        return (
            self._given_unit
            if self._given_unit is not None
            else analysis.rheobase(LIFParameters(), result.dt)
        )

    def _draw(self) -> None:
        result, ref = self.result, self.reference
        self.unit = self._unit(result)
        span = max([self._span(result)] + ([] if ref is None else [self._span(ref)]))
        high = 0.0
        for run, curve_line, points, run_marker in (
            (result, self.prediction, self.simulated, self.this_run),
            (ref, self.ghost, None, self.ghost_run),
        ):
            if run is None:
                continue
            x_run, y_run = self._run_point(run)
            run_marker.set_data([x_run], [y_run])
            high = max(high, y_run)
            curve = self._curve(run, span)
            if curve is None:
                curve_line.set_data([], [])
                if points is not None:
                    points.set_data([], [])
                continue
            curve_line.set_data(curve.line_inputs, curve.predicted_hz)
            high = max(high, float(curve.predicted_hz.max()))
            if points is not None:
                points.set_data(curve.sampled_inputs, curve.simulated_hz)
                high = max(high, float(curve.simulated_hz.max()))
        neuron = self._neuron(result)
        if neuron is None:
            self.rheobase_line.set_xdata([math.nan, math.nan])
            self.rheobase_text.set_text("")
        else:
            threshold = analysis.rheobase(neuron, result.dt) / self.unit
            self.rheobase_line.set_xdata([threshold, threshold])
            self.rheobase_text.set_x(threshold)
            self.rheobase_text.set_text(f" rheobase {threshold:.3g}")
        if result.refractory > 0:
            ceiling = analysis.rate_ceiling(result.dt, result.refractory)
            self.ceiling_line.set_ydata([ceiling, ceiling])
            self.ceiling_text.set_y(ceiling)
            self.ceiling_text.set_text(
                f"ceiling {ceiling:.3g} Hz = 1/({result.refractory * 1000:.3g} ms + dt)"
            )
            high = max(high, ceiling / 1.05)  # room for the line and its name, without a coarser axis
        else:
            self.ceiling_line.set_ydata([math.nan, math.nan])
            self.ceiling_text.set_text("")
        self._note(self.note, "" if neuron is not None else "no f-I curve for per-neuron parameters")
        set_xlim(self.ax, 0.0, span)
        set_ylim(self.ax, 0.0, nice_ceiling(high * 1.1, COARSE_STEPS) if high > 0 else 1.0)

    def _draw_reference(self) -> None:
        self.ghost.set_visible(self.reference is not None)
        self.ghost_run.set_visible(self.reference is not None)


def fi_curve(
    ax: Axes,
    result: Result,
    *,
    max_input: float | None = None,
    unit: float | None = None,
    points: int = 21,
    title: str | None = None,
) -> FICurvePanel:
    """The f-I curve of the result's neuron parameters: closed-form rate (line) and simulated rate (dots).

    Inputs are constant currents from 0 to ``max_input`` in multiples of ``unit`` (default unit: the
    rheobase of the default neuron at the result's dt, 0.2 per step at 1 ms; default ``max_input``: four
    times this neuron's rheobase, or more to include this run). A dotted line marks this neuron's own
    rheobase, and a diamond the current run: its mean input against its mean rate, which lies on the curve
    for a constant input and off it for noisy or spiking input. With a refractory period
    (``simulate(..., refractory=...)``) the curve flattens towards the highest rate any input can give,
    ``analysis.rate_ceiling``: a dashed line marks and names it. Needs one value per parameter.
    """
    return FICurvePanel(ax, result, max_input, unit, points, title)
