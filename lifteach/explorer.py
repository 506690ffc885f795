"""The LIF explorer: sliders that re-run the simulation and redraw the panels in place.

::

    from lifteach.explorer import Explorer
    Explorer()                                   # every control, voltage + raster + spike-count panels
    Explorer(controls=["v_th", "scale"], panels=["voltage", "raster"], v_th=0.5)

Two layers. ``simulation_arguments(values)`` is a pure function from control values in people's units (ms,
Hz, input scale in multiples of the rheobase) to the arguments of ``lifteach.simulate``: test it, or call
``simulate(**simulation_arguments({...}))`` in a notebook, without any widget. ``Explorer`` wires ipywidgets
controls to it: one change runs one simulation, hands the result to every panel handle (``lifteach.plot``),
and renders the figure once, as a PNG in an ``ipywidgets.Image`` (no front-end extension or CDN needed, so it
works the same in JupyterLab, Notebook 7 and Voila), or, after ``%matplotlib widget``, on ipympl's
interactive canvas (``lifteach._interactive``).

Speed: the usual change restores a cached background and draws just the changed artists on it (blitting),
then encodes the PNG; a panel whose limits changed has its own part of the figure redrawn, and the whole figure
is drawn (and laid out) again only when titles, legends or the length of tick labels change. A change of the
neuron's parameters reuses the previous input. While a slider is dragged, ipywidgets' front end keeps at most one change in flight and sends only the
latest value once the kernel is free again, so changes never queue up: the latest value wins.
"""

from __future__ import annotations

import base64
import html
import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypedDict

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from lifteach import inputs, plot
from lifteach._checks import finite_number as _number
from lifteach._interactive import InteractiveCanvas, ipympl_active
from lifteach._render import BlitRenderer
from lifteach._threads import one_thread
from lifteach.analysis import rheobase
from lifteach.app import CSS_PREFIX
from lifteach.lif import LIFParameters
from lifteach.simulate import Result, simulate

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

_log = logging.getLogger(__name__)

INPUT_KINDS = {
    "spikes": "Bernoulli spikes",
    "constant": "constant current",
    "step": "step current",
    "noisy": "noisy current",
}
"""The input kinds by value, with the label the chooser shows."""

MAX_NEURON_STEPS = 100_000 * 1000
"""Largest ``n_neurons x steps`` the explorer simulates: 100,000 neurons for one second at dt = 1 ms."""

TRACED_NEURONS = 3
"""How many neurons' voltage and current traces the explorer records (the first ones)."""


@dataclass(frozen=True)
class ControlSpec:
    """One control: its label, default, range (``low`` to ``high`` in steps of ``step``) and kind.

    ``kind`` is ``"float"``, ``"int"``, ``"log"`` (a float slider on a log scale, e.g. neuron counts) or
    ``"choice"`` (``options``: value -> label).
    """

    label: str
    default: Any
    kind: str
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    options: Mapping[Any, str] | None = None
    help: str = ""


CONTROLS: dict[str, ControlSpec] = {
    "input_kind": ControlSpec(
        "input", "spikes", "choice", options=INPUT_KINDS, help="what drives the neurons"
    ),
    "scale": ControlSpec(
        "input scale (× rheobase)",
        5.0,
        "float",
        0.0,
        20.0,
        0.1,
        help="input strength in multiples of the default neuron's rheobase (0.2 per step at dt = 1 ms): "
        "the current of a constant or step input, the mean of a noisy one, the jump of each input spike",
    ),
    "rate": ControlSpec(
        "input rate (Hz)", 10.0, "float", 0.0, 500.0, 1.0, help="Bernoulli input spikes per second"
    ),
    "noise": ControlSpec(
        "noise (× rheobase)",
        2.0,
        "float",
        0.0,
        10.0,
        0.1,
        help="standard deviation of a noisy current per step",
    ),
    "v_th": ControlSpec("threshold v_th", 0.3, "float", 0.05, 3.0, 0.01, help="spike when v goes above it"),
    "tau_mem": ControlSpec("τ_mem (ms)", 10.0, "float", 0.5, 100.0, 0.5, help="membrane time constant"),
    "tau_syn": ControlSpec("τ_syn (ms)", 5.0, "float", 0.5, 100.0, 0.5, help="synaptic time constant"),
    "n_neurons": ControlSpec("neurons", 1000, "log", 1, 100_000, 0.01, help="population size"),
    "duration": ControlSpec("duration (ms)", 1000, "int", 10, 1000, 10, help="simulated time"),
    "seed": ControlSpec("seed", 0, "int", 0, 999_999, 1, help="random seed of the input"),
    "dt": ControlSpec(
        "dt (ms)",
        1.0,
        "choice",
        options={0.1: "0.1", 0.2: "0.2", 0.5: "0.5", 1.0: "1"},
        help="time step of the simulation",
    ),
}
"""Every control the explorer knows, by name. Times in ms, rates in Hz."""

DEFAULT_CONTROLS = (
    "input_kind",
    "scale",
    "rate",
    "noise",
    "v_th",
    "tau_mem",
    "tau_syn",
    "n_neurons",
    "duration",
    "seed",
)
"""The controls an ``Explorer()`` shows (``dt`` stays at 1 ms unless asked for)."""

DEFAULT_PANELS = ("voltage", "raster", "spike_counts")
"""The panels an ``Explorer()`` shows; see ``lifteach.plot.PANELS`` for all."""

_TIME_PANELS = ("voltage", "current", "raster", "rate")


class SimulateArguments(TypedDict):
    """Keyword arguments of ``lifteach.simulate``."""

    input: torch.Tensor
    p: LIFParameters
    dt: float
    record: tuple[str, ...]
    record_neurons: list[int] | None


def _whole(name: str, value: object, minimum: int) -> int:
    number = _number(name, value)
    whole = round(number)
    if whole < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}.")
    return whole


def _check_names(values: Mapping[str, object]) -> None:
    unknown = sorted(set(values) - set(CONTROLS))
    if unknown:
        raise TypeError(
            f"unknown control(s) {', '.join(map(repr, unknown))}; the controls are {', '.join(CONTROLS)}."
        )


def input_settings(values: Mapping[str, object] | None = None) -> tuple[object, ...]:
    """The control values the input depends on (with defaults filled in): equal settings, equal input.

    Changing only the neuron's parameters (``v_th``, ``tau_mem``, ``tau_syn``) keeps these, so the input
    of the previous run can be passed again to ``simulation_arguments(..., input=...)``.
    """
    merged = {name: spec.default for name, spec in CONTROLS.items()} | dict(values or {})
    kind = merged["input_kind"]
    random = kind in ("spikes", "noisy")
    return (
        kind,
        merged["scale"],
        merged["rate"] if kind == "spikes" else None,
        merged["noise"] if kind == "noisy" else None,
        merged["n_neurons"],
        merged["duration"],
        merged["dt"],
        merged["seed"] if random else None,
    )


def simulation_arguments(
    values: Mapping[str, object] | None = None,
    *,
    record: Sequence[str] = ("v", "i"),
    traced_neurons: int = TRACED_NEURONS,
    input: torch.Tensor | None = None,
) -> SimulateArguments:
    """Control values (people's units) -> keyword arguments of ``lifteach.simulate``; no widgets involved.

    Args:
        values: control values by name (see ``CONTROLS``); missing ones take their defaults. ``v_th`` in
            model units, ``tau_mem``, ``tau_syn``, ``duration`` and ``dt`` in ms, ``rate`` in Hz,
            ``n_neurons`` a count (a float is rounded), ``seed`` an int, ``input_kind`` one of ``INPUT_KINDS``.
            ``scale`` and ``noise`` are in multiples of the default neuron's rheobase at this dt (0.2 per
            step at 1 ms: the weakest constant input that makes a neuron with ``v_th = 1`` fire). ``scale``
            is the input per step of a constant or step current (the step switches on after a fifth of the
            run) and the mean of a noisy one (``noise`` its standard deviation per step). For Bernoulli
            spikes it is the jump each input spike gives the current, in multiples of 0.2 (the rheobase at
            1 ms) whatever dt: a spike's effect does not depend on the time step, a current's per-step
            input does.
        record: traces to keep (``"v"``, ``"i"``).
        traced_neurons: how many neurons' traces to keep (the first ones).
        input: the input these values make, if already at hand (from a call whose ``input_settings`` were
            the same): it is used instead of making it again. Inputs are only read, never changed.

    Returns:
        ``{"input", "p", "dt", "record", "record_neurons"}``: call ``simulate(**arguments)``. The same values
        (seed included) give the same input; torch's global random state is never used.

    Raises:
        TypeError: an unknown control name or a value of the wrong type.
        ValueError: a value outside what can be simulated, named with the fix. Combinations the core
            refuses (e.g. ``tau_mem`` <= ``dt``) are raised by ``simulate`` itself.
    """
    values = dict(values or {})
    _check_names(values)
    merged = {name: spec.default for name, spec in CONTROLS.items()} | values
    kind = merged["input_kind"]
    if kind not in INPUT_KINDS:
        raise ValueError(f"input_kind must be one of {', '.join(map(repr, INPUT_KINDS))}, got {kind!r}.")
    dt_ms = _number("dt", merged["dt"])
    if dt_ms <= 0:
        raise ValueError(f"dt must be a positive time in ms, got {dt_ms!r}.")
    dt = dt_ms / 1000.0
    duration = _number("duration", merged["duration"])
    if duration < dt_ms:
        raise ValueError(f"duration must be at least one time step (dt = {dt_ms:g} ms), got {duration!r} ms.")
    steps = max(1, round(duration / dt_ms))
    n_neurons = _whole("n_neurons", merged["n_neurons"], 1)
    if n_neurons * steps > MAX_NEURON_STEPS:
        raise ValueError(
            f"{n_neurons:,} neurons x {steps:,} steps is more than the explorer's limit of "
            f"{MAX_NEURON_STEPS:,} neuron-steps (about 2 s and 1 GB); use fewer neurons, a shorter duration "
            "or a larger dt."
        )
    taus = {}
    for name in ("tau_mem", "tau_syn"):
        tau = _number(name, merged[name])
        if tau <= 0:
            raise ValueError(f"{name} must be a positive time in ms, got {tau!r}.")
        taus[name] = tau
    p = LIFParameters(
        tau_syn_inv=1000.0 / taus["tau_syn"],
        tau_mem_inv=1000.0 / taus["tau_mem"],
        v_th=_number("v_th", merged["v_th"]),
    )
    unit = rheobase(LIFParameters(), dt)
    scale = _number("scale", merged["scale"])
    amplitude = scale * unit
    seed = merged["seed"]
    if isinstance(seed, float) and seed.is_integer():
        seed = int(seed)
    if input is not None:
        if not isinstance(input, torch.Tensor) or tuple(input.shape) != (steps, n_neurons):
            raise ValueError(
                f"input must be the input of these values, shape ({steps}, {n_neurons}), got "
                f"{tuple(input.shape) if isinstance(input, torch.Tensor) else type(input).__name__}."
            )
        x = input
    elif kind == "spikes":
        rate = _number("rate", merged["rate"])
        weight = scale * rheobase(LIFParameters(), 1e-3)
        x = inputs.poisson_spikes(rate, steps, n_neurons, dt, seed).float().mul_(weight)
    elif kind == "constant":
        # One column broadcast to every neuron: no memory per neuron for an input they all share.
        x = inputs.constant_current(amplitude, steps).expand(steps, n_neurons)
    elif kind == "step":
        x = inputs.step_current(amplitude, steps, start=steps // 5 * dt, dt=dt).expand(steps, n_neurons)
    else:
        # White noise: its strength is given at 1 ms and noisy_current scales it with sqrt(dt).
        spread = _number("noise", merged["noise"]) * rheobase(LIFParameters(), 1e-3)
        x = inputs.noisy_current(amplitude, spread, steps, n_neurons, seed, dt=dt)
    record = tuple(record)
    traced = min(n_neurons, traced_neurons) if record else 0
    return SimulateArguments(
        input=x,
        p=p,
        dt=dt,
        record=record if traced else (),
        record_neurons=list(range(traced)) if traced else None,
    )


def summary_text(result: Result) -> str:
    """One line about a run: total spikes, mean rate (Hz) and the share of neurons that never fired."""
    counts = plot.shared_spike_counts(result)
    total = int(counts.sum())
    rate = total / (result.n_neurons * result.duration)
    silent = float((counts == 0).mean())
    spikes = "spike" if total == 1 else "spikes"
    neurons = "neuron" if result.n_neurons == 1 else "neurons"
    return (
        f"{total:,} {spikes} from {result.n_neurons:,} {neurons} in {result.duration * 1000:g} ms · "
        f"mean rate {rate:.3g} Hz · {silent:.1%} of neurons silent"
    )


def result_csv(result: Result, settings: Mapping[str, object] | None = None) -> str:
    """A run as CSV text: one row per spike of every neuron and per recorded trace value.

    Columns ``quantity,neuron,time_ms,value`` with ``quantity`` one of ``spike`` (value 1), ``v`` and ``i``;
    comment lines starting with ``#`` hold the settings (``pandas.read_csv(..., comment="#")`` skips them).
    """
    dt_ms = result.dt * 1000.0
    lines = ["# lifteach run"]
    if settings:
        lines.append("# settings: " + ", ".join(f"{name}={value!r}" for name, value in settings.items()))
    lines.append(
        f"# dt = {dt_ms:g} ms, {result.n_steps} steps, {result.n_neurons} neurons; spikes of every neuron, "
        f"traces of neurons {result.recorded_neurons.tolist()}"
    )
    lines.append("quantity,neuron,time_ms,value")
    steps, neurons = result.spike_indices()
    lines.extend(
        f"spike,{n},{t * dt_ms:.10g},1" for t, n in zip(steps.tolist(), neurons.tolist(), strict=True)
    )
    times = [f"{t * dt_ms:.10g}" for t in range(result.n_steps)]
    for name, traces in (("v", result.v), ("i", result.i)):
        if traces is None:
            continue
        for column, neuron in enumerate(result.recorded_neurons.tolist()):
            values = traces[:, column].tolist()
            lines.extend(f"{name},{neuron},{t},{value:.9g}" for t, value in zip(times, values, strict=True))
    return "\n".join(lines) + "\n"


def _layout(figure: Figure, names: Sequence[str]) -> dict[str, Any]:
    """Axes for the panels: time panels stacked on the left, the others stacked on the right."""
    left = [name for name in names if name in _TIME_PANELS]
    right = [name for name in names if name not in _TIME_PANELS]
    axes: dict[str, Any] = {}
    if left and right:
        outer = figure.add_gridspec(1, 2, width_ratios=(2.3, 1))
        columns: list[tuple[list[str], Any]] = [
            (left, outer[0].subgridspec(len(left), 1)),
            (right, outer[1].subgridspec(len(right), 1)),
        ]
    else:
        only = left or right
        columns = [(only, figure.add_gridspec(len(only), 1))]
    for group, grid in columns:
        for row, name in enumerate(group):
            axes[name] = figure.add_subplot(grid[row, 0])
    return axes


def _empty_result(values: Mapping[str, Any]) -> Result:
    """A silent placeholder run to build the panels on when the first values cannot be simulated."""
    duration = values.get("duration", CONTROLS["duration"].default)
    steps = max(1, round(float(duration))) if isinstance(duration, int | float) else 1000
    return simulate(torch.zeros(steps, 1), record_neurons=[0])


# --- the widget app -------------------------------------------------------------------------------------


class Explorer:
    """An interactive LIF explorer: controls, a figure of panels, and a one-line summary.

    Args:
        controls: names of the controls to show (see ``CONTROLS``; default ``DEFAULT_CONTROLS``). Values of
            the others stay fixed at their initial values (they can still be changed with ``set``).
        panels: names of the panels to draw (see ``lifteach.plot.PANELS``; default ``DEFAULT_PANELS``).
        ranges: ``{name: (low, high)}`` or ``(low, high, step)`` to change a slider's range.
        panel_options: ``{panel name: {option: value}}`` passed to the panel function (e.g. ``max_neurons``).
        figsize: figure size in inches (default: from the panels).
        dpi: pixels per inch of the figure image.
        interactive: draw the figure on an ipympl canvas (zoom, pan, cursor readout) instead of as a PNG
            image. Default: when ``%matplotlib widget`` is active. Needs ipympl and its front-end extension
            (JupyterLab, Notebook 7; Voila when ipympl is installed where it runs).
        **initial_values: initial control values (default ``CONTROLS[name].default``); the reset button
            returns to them. Times in ms, rates in Hz, ``scale`` in multiples of the rheobase.

    Attributes:
        controls: the control widgets by name; set ``.value`` or call ``set`` to change them from code.
        result: the latest simulation ``Result`` (None until one succeeded).
        figure: the matplotlib ``Figure`` (created without pyplot, so never shown twice).
        figure_widget: the widget showing the figure: ``image``, or ipympl's canvas when ``interactive``.
        image: the ``Image`` widget showing the figure as a PNG; None when ``interactive``.
        panels: the panel handles by name.
        summary: a ``Label`` with the summary line; ``message``: an ``HTML`` widget showing errors.
        simulations, renders: how many simulations and figure renders ran (one each per change).
        timings: milliseconds spent in the last change, by stage.
    """

    def __init__(
        self,
        controls: Sequence[str] | None = None,
        panels: Sequence[str] | None = None,
        *,
        ranges: Mapping[str, Sequence[float]] | None = None,
        panel_options: Mapping[str, Mapping[str, Any]] | None = None,
        figsize: tuple[float, float] | None = None,
        dpi: float = 100,
        interactive: bool | None = None,
        **initial_values: Any,
    ) -> None:
        control_names = list(DEFAULT_CONTROLS if controls is None else controls)
        panel_names = list(DEFAULT_PANELS if panels is None else panels)
        for names, known, what in ((control_names, CONTROLS, "control"), (panel_names, plot.PANELS, "panel")):
            if isinstance(names, str) or not names or len(set(names)) != len(names):
                raise ValueError(f"{what}s must be a list of distinct {what} names, got {names!r}.")
            unknown = [name for name in names if name not in known]
            if unknown:
                raise ValueError(f"unknown {what}(s) {unknown!r}; choose from {', '.join(known)}.")
        _check_names(initial_values)
        options = dict(panel_options or {})
        bad = sorted(set(options) - set(panel_names))
        if bad:
            raise ValueError(f"panel_options names panels that are not shown: {bad!r}.")
        self.specs = {name: spec for name, spec in CONTROLS.items()}
        for name, bounds in (ranges or {}).items():
            _check_names({name: None})
            self.specs[name] = self._ranged(name, bounds)
        self.defaults: dict[str, Any] = {name: spec.default for name, spec in self.specs.items()}
        for name, value in initial_values.items():
            self.defaults[name] = self._checked(name, value)

        self._fixed = {name: value for name, value in self.defaults.items() if name not in control_names}
        self.controls: dict[str, widgets.ValueWidget] = {
            name: self._make_control(name, self.defaults[name]) for name in control_names
        }
        self._hold = 0
        self._busy = False
        self._pending = False
        self.simulations = 0
        self.renders = 0
        self.timings: dict[str, float] = {}
        self.error: str | None = None
        self.result: Result | None = None
        self._record = self._recorded(panel_names)
        # The input of the last run, by the settings that made it: a change of the neuron's parameters
        # only re-runs the neurons (making 100,000 neurons' input costs more than simulating them).
        self._input: tuple[tuple[object, ...], torch.Tensor] | None = None

        self.summary = widgets.Label(value="", layout=widgets.Layout(margin="0 0 4px 8px"))
        self.message = widgets.HTML(value="", layout=widgets.Layout(display="none"))
        self.interactive = ipympl_active() if interactive is None else bool(interactive)
        self.reset_button = widgets.Button(
            description="Reset", icon="undo", tooltip="back to the starting values"
        )
        self.keep_reference = widgets.ToggleButton(
            description="Keep as reference",
            icon="clone",
            tooltip="show this run faintly behind the next ones",
        )
        self.export_button = widgets.Button(
            description="Export",
            icon="download",
            tooltip="make download links for the figure (PNG) and data (CSV)",
        )
        self.downloads = widgets.HTML(value="")
        self.reset_button.on_click(lambda _button: self.reset())
        self.export_button.on_click(lambda _button: self._make_downloads())
        self.keep_reference.observe(self._on_reference, names="value")
        for name, control in self.controls.items():
            control.observe(self._on_change_of(name), names="value")
        self._update_enabled()

        # Build the figure and the panels on the first result (a silent placeholder if it cannot run).
        values = self.values
        first: Result | None
        try:
            with one_thread():
                first = self._simulate(values)
        except (ValueError, TypeError) as error:
            first = None
            self._show_error(error)
        height = 2.45 * max(
            len([n for n in panel_names if n in _TIME_PANELS]),
            len([n for n in panel_names if n not in _TIME_PANELS]),
        )
        both = any(n in _TIME_PANELS for n in panel_names) and any(n not in _TIME_PANELS for n in panel_names)
        self.figure = Figure(
            figsize=figsize or ((10.0 if both else 8.0), height + 0.3),
            dpi=dpi,
        )
        layout = ConstrainedLayoutEngine(h_pad=0.06, w_pad=0.06, hspace=0.04, wspace=0.03)
        axes = _layout(self.figure, panel_names)
        self.image: widgets.Image | None = None
        self._interactive: InteractiveCanvas | None = None
        self.figure_widget: widgets.DOMWidget
        if self.interactive:
            self._interactive = InteractiveCanvas(
                self.figure, layout, list(axes.values()), on_home=self._render
            )
            self._renderer = self._interactive.renderer
            self.figure_widget = self._interactive.widget
        else:
            self._renderer = BlitRenderer(self.figure, layout)
            self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%", height="auto"))
            self.figure_widget = self.image
        shown = first if first is not None else _empty_result(values)
        with self._keeping_zoom():  # the canvas learns each panel's own view
            self.panels: dict[str, plot.Panel] = {
                name: plot.PANELS[name](axes[name], shown, **options.get(name, {})) for name in panel_names
            }
        self.result = first
        self._render(force=True)
        if first is not None:
            self.summary.value = summary_text(first)

        self._controls_box = widgets.GridBox(
            list(self.controls.values()),
            layout=widgets.Layout(
                grid_template_columns="repeat(auto-fill, minmax(320px, 1fr))", grid_gap="2px 12px"
            ),
        )
        # Classes by which pages, tests and teachers' CSS find the parts (the same in every front end).
        for name, control in self.controls.items():
            control.add_class(f"{CSS_PREFIX}control-{name}")
        self.figure_widget.add_class(f"{CSS_PREFIX}figure")
        self.summary.add_class(f"{CSS_PREFIX}summary")
        self.message.add_class(f"{CSS_PREFIX}message")
        self._footer = widgets.HBox([self.reset_button, self.keep_reference, self.export_button])
        self.widget = widgets.VBox(
            [
                self._controls_box,
                self.message,
                self.figure_widget,
                self.summary,  # a line of its own: beside the buttons, a long summary was cut off
                self._footer,
                self.downloads,
            ],
            layout=widgets.Layout(max_width=f"{self.figure.get_figwidth() * dpi + 40:.0f}px"),
        )

    # --- controls -------------------------------------------------------------------------------------

    def _ranged(self, name: str, bounds: Sequence[float]) -> ControlSpec:
        spec = CONTROLS[name]
        if spec.kind == "choice":
            raise ValueError(f"{name} is a choice; its options cannot be given a range.")
        if isinstance(bounds, str) or len(bounds) not in (2, 3):
            raise ValueError(f"ranges[{name!r}] must be (low, high) or (low, high, step), got {bounds!r}.")
        low, high = _number(f"ranges[{name!r}] low", bounds[0]), _number(f"ranges[{name!r}] high", bounds[1])
        step = _number(f"ranges[{name!r}] step", bounds[2]) if len(bounds) == 3 else spec.step
        if not low < high or step <= 0 or (spec.kind == "log" and low <= 0):
            raise ValueError(
                f"ranges[{name!r}] needs low < high (low > 0 for {name}) and step > 0, got {bounds!r}."
            )
        return ControlSpec(spec.label, spec.default, spec.kind, low, high, step, spec.options, spec.help)

    def _checked(self, name: str, value: Any) -> Any:
        """A value for control ``name``, refused with a message when it is not one the control can take."""
        spec = self.specs[name]
        if spec.kind == "choice":
            assert spec.options is not None
            if value not in spec.options:
                raise ValueError(
                    f"{name} must be one of {', '.join(map(repr, spec.options))}, got {value!r}."
                )
            return value
        number = _number(name, value)
        if not spec.low <= number <= spec.high:
            raise ValueError(
                f"{name}={value!r} is outside the control's range {spec.low:g} to {spec.high:g}; "
                f"pass ranges={{{name!r}: (low, high)}} to widen it."
            )
        return round(number) if spec.kind == "int" else number

    def _make_control(self, name: str, value: Any) -> widgets.ValueWidget:
        spec = self.specs[name]
        common: dict[str, Any] = {
            "description": spec.label,
            "description_allow_html": False,
            "style": {"description_width": "12.5em"},  # the longest label, "input scale (× rheobase)"
            "layout": widgets.Layout(width="auto"),
            "tooltip": spec.help,
        }
        # Reshaping controls cost most per change: they run on release, or per key press.
        continuous = name not in ("n_neurons", "duration")
        if spec.kind == "choice":
            assert spec.options is not None
            return widgets.Dropdown(
                options=[(label, key) for key, label in spec.options.items()], value=value, **common
            )
        if spec.kind == "log":
            return widgets.FloatLogSlider(
                value=value,
                base=10,
                min=math.log10(spec.low),
                max=math.log10(spec.high),
                step=spec.step,
                readout_format=".0f",
                continuous_update=continuous,
                **common,
            )
        if spec.kind == "int" and name == "seed":
            return widgets.BoundedIntText(value=value, min=int(spec.low), max=int(spec.high), **common)
        if spec.kind == "int":
            return widgets.IntSlider(
                value=value,
                min=int(spec.low),
                max=int(spec.high),
                step=int(spec.step),
                continuous_update=continuous,
                **common,
            )
        decimals = max(0, -math.floor(math.log10(spec.step)))
        return widgets.FloatSlider(
            value=value,
            min=spec.low,
            max=spec.high,
            step=spec.step,
            readout_format=f".{decimals}f",
            continuous_update=continuous,
            **common,
        )

    def _update_enabled(self) -> None:
        """Grey out the controls the chosen input kind does not use."""
        kind = self.values["input_kind"]
        for name, used in (("rate", kind == "spikes"), ("noise", kind == "noisy")):
            if name in self.controls:
                self.controls[name].disabled = not used

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, shown or fixed, by name."""
        return {**self._fixed, **{name: control.value for name, control in self.controls.items()}}

    # --- changes --------------------------------------------------------------------------------------

    def _on_change_of(self, name: str) -> Callable[[dict[str, Any]], None]:
        def on_change(change: dict[str, Any]) -> None:
            if name == "input_kind":
                self._update_enabled()
            self._changed()

        return on_change

    def _changed(self) -> None:
        """Something changed: re-run now, unless a batch (``set``) or a run is under way (then it runs once,
        with the latest values, when that ends)."""
        self._pending = True
        if self._hold or self._busy:
            return
        self._busy = True
        try:
            while self._pending:
                self._pending = False
                self._run()
        finally:
            self._busy = False

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Change several controls inside ``with explorer.hold():`` and re-run once at the end."""
        self._hold += 1
        try:
            yield
        finally:
            self._hold -= 1
        if self._hold == 0 and self._pending:
            self._changed()

    def set(self, **values: Any) -> None:
        """Change several controls at once; the simulation and the figure follow once, before this returns.

        Values outside a control's range are clamped to it, as the widgets do; a value of the wrong kind
        raises ``TypeError``/``ValueError`` before anything changes.
        """
        _check_names(values)
        clean = {}
        for name, value in values.items():
            spec = self.specs[name]
            if spec.kind == "choice":
                clean[name] = self._checked(name, value)
            else:
                number = min(max(_number(name, value), spec.low), spec.high)
                clean[name] = round(number) if spec.kind == "int" else number
        with self.hold():
            for name, value in clean.items():
                if name in self.controls:
                    self.controls[name].value = value
                elif self._fixed[name] != value:
                    self._fixed[name] = value
                    self._pending = True

    def reset(self) -> None:
        """Back to the starting values, and every panel back to its own view if one was zoomed (one re-run)."""
        with self.hold():
            if self._interactive is not None and self._interactive.forget_zoom():
                self._pending = True
            self.set(**self.defaults)

    def _recorded(self, panel_names: Sequence[str]) -> tuple[str, ...]:
        return tuple(q for q, panel in (("v", "voltage"), ("i", "current")) if panel in panel_names) or (
            "v",
            "i",
        )

    def _simulate(self, values: Mapping[str, Any]) -> Result:
        self.simulations += 1
        settings = input_settings(values)
        reuse = self._input[1] if self._input is not None and self._input[0] == settings else None
        arguments = simulation_arguments(values, record=self._record, input=reuse)
        self._input = (settings, arguments["input"])
        return simulate(**arguments)

    def _run(self) -> None:
        with one_thread():
            self._run_on_one_thread()

    def _run_on_one_thread(self) -> None:
        self.downloads.value = ""
        start = time.perf_counter()
        try:
            result = self._simulate(self.values)
        except (ValueError, TypeError) as error:
            self._show_error(error)
            return
        except Exception as error:  # a bug, not the learner's doing: say so in the app and in the log
            _log.exception("the explorer's simulation failed")
            self._show_error(error, unexpected=True)
            return
        simulated = time.perf_counter()
        try:
            self.result = result
            with self._keeping_zoom():
                for panel in self.panels.values():
                    panel.update(result)
            updated = time.perf_counter()
            self._render()
            self.summary.value = summary_text(result)
        except Exception as error:
            _log.exception("the explorer could not draw the figure")
            self._show_error(error, unexpected=True)
            return
        done = time.perf_counter()
        self._show_error(None)
        self.timings = {
            "simulate_ms": 1000 * (simulated - start),
            "update_ms": 1000 * (updated - simulated),
            "render_ms": 1000 * (done - updated),
            "total_ms": 1000 * (done - start),
        }

    @contextmanager
    def _keeping_zoom(self) -> Iterator[None]:
        """Panels choose their views as they update; on the interactive canvas, zoomed views are kept."""
        if self._interactive is None:
            yield
            return
        zoomed = self._interactive.zoomed_views()
        yield
        self._interactive.keep_views(zoomed)

    def _render(self, force: bool = False) -> None:
        panels = list(self.panels.values())
        if self._interactive is None:
            assert self.image is not None
            self.image.value = self._renderer.render(panels, force=force)
        else:
            self._renderer.draw(panels, force=force)
            self._interactive.send()
        self.renders += 1

    def _show_error(self, error: BaseException | None, unexpected: bool = False) -> None:
        if error is None:
            self.error = None
            self.message.value = ""
            self.message.layout.display = "none"
            return
        text = str(error) or type(error).__name__
        self.error = text
        lead = "Something went wrong (please report it)" if unexpected else "These values cannot be simulated"
        self.message.value = (
            f'<div style="color:#a1140a;border-left:4px solid #D55E00;padding:2px 8px">'
            f"<b>{lead}:</b> {html.escape(text)} <i>The figure still shows the last run that worked.</i></div>"
        )
        self.message.layout.display = "block"

    def _on_reference(self, change: dict[str, Any]) -> None:
        try:
            reference = self.result if change["new"] else None
            with self._keeping_zoom():
                for panel in self.panels.values():
                    panel.set_reference(reference)
            self._render()
        except Exception as error:
            _log.exception("the explorer could not draw the reference")
            self._show_error(error, unexpected=True)

    # --- export and display ---------------------------------------------------------------------------

    def png(self) -> bytes:
        """The figure as shown, as PNG bytes."""
        if self.image is None:
            return self._renderer.encode()
        return bytes(self.image.value)  # the widget holds a memoryview

    def csv(self) -> str:
        """The latest run as CSV text (see ``result_csv``); empty when nothing ran yet."""
        return "" if self.result is None else result_csv(self.result, self.values)

    def _make_downloads(self) -> None:
        try:
            links = []
            for data, mime, filename, what in (
                (self.png(), "image/png", "lifteach-figure.png", "figure (PNG)"),
                (self.csv().encode(), "text/csv", "lifteach-run.csv", "spikes and traces (CSV)"),
            ):
                encoded = base64.b64encode(data).decode("ascii")
                links.append(
                    f'<a download="{filename}" href="data:{mime};base64,{encoded}" '
                    f'style="text-decoration:underline">{what}, {len(data) / 1000:.0f} kB</a>'
                )
            self.downloads.value = "Download: " + " · ".join(links)
        except Exception as error:
            _log.exception("the explorer could not export")
            self._show_error(error, unexpected=True)

    def show(self) -> None:
        """Display the explorer (in a notebook, the explorer as the last expression of a cell does too)."""
        from IPython.display import display

        display(self.widget)  # type: ignore[no-untyped-call]  # IPython is unannotated

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close every widget of the explorer (frees them in the kernel and removes them from the page)."""
        for widget in (
            *self.controls.values(),
            self._controls_box,
            self.message,
            *([] if self.image is None else [self.image]),
            *self._footer.children,
            self._footer,
            self.downloads,
            self.widget,
        ):
            widget.close()
        if self._interactive is not None:
            self._interactive.close()
