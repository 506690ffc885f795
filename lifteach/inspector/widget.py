"""``StepInspector``: one recorded run, shown one Euler step at a time with its numbers. Wiring only.

The run is simulated once, when the inspector is made; moving the step or choosing another neuron reads the
recorded traces (``numbers.step_numbers``), writes the step out (``text.step_text``) and redraws the figure
once (``_figure.StepPanel`` through the explorer's ``views.ImageView``).
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from lifteach._checks import finite_number
from lifteach._threads import one_thread
from lifteach.explorer._figure import panel_figure
from lifteach.explorer.arguments import TRACED_NEURONS, simulation_arguments
from lifteach.explorer.controls import CONTROLS, ControlSpec, check_names, defaults
from lifteach.explorer.parts import CSS_PREFIX, control_widget, mark
from lifteach.explorer.views import ImageView
from lifteach.inspector._figure import StepPanel, figure_text
from lifteach.inspector.numbers import StepNumbers, step_numbers
from lifteach.inspector.play import PlayButton
from lifteach.inspector.text import step_text
from lifteach.simulate import simulate

__all__ = ["PLAY_INTERVAL_MS", "StepInspector"]

PLAY_INTERVAL_MS = 600
"""Time between steps while playing (ms): long enough to read the threshold line of each step."""


class StepInspector:
    """One Euler step of a recorded LIF run at a time: the update written out, the traces around it.

    Args:
        step: the step to show first, as its time in ms (``step_index * dt``); default: the chosen neuron's
            first spike, or 0 ms when it never spikes.
        neuron: the neuron to show first (one of the first ``neurons``).
        neurons: how many neurons (the first ones) can be chosen; their traces are recorded.
        dpi: pixels per inch of the figure image.
        **control_values: the explorer's control values (``v_th``, ``tau_mem`` in ms, ``input_kind``, ...;
            see ``lifteach.explorer.CONTROLS``); missing ones take the explorer's defaults. With
            ``refractory`` (ms) above 0, the steps after a spike show the hold of Norse's refractory rule.

    Attributes:
        controls: ``{"step": slider of the step's time in ms, "neuron": chooser}``; set ``.value`` to move.
        numbers: the shown step's ``StepNumbers`` (``values``, the exact solution, the surrogate derivative).
        result: the recorded run (``lifteach.simulate`` result); simulated once.
        simulations: how many simulations ran (one, when the inspector was made).
        renders: how many times the figure was drawn (one per move).
        widget: the widget to display.
    """

    def __init__(
        self,
        *,
        step: float | None = None,
        neuron: int = 0,
        neurons: int = TRACED_NEURONS,
        dpi: float = 100,
        **control_values: Any,
    ) -> None:
        check_names(control_values)
        values = defaults({name: CONTROLS[name].convert(value) for name, value in control_values.items()})
        if isinstance(neurons, bool) or not isinstance(neurons, int) or neurons < 1:
            raise ValueError(
                f"neurons must be a whole number of neurons to choose from (>= 1), got {neurons!r}."
            )
        with one_thread():
            self.result = simulate(**simulation_arguments(values, record=("v", "i"), traced_neurons=neurons))
        self.simulations = 1
        self.renders = 0
        self.control_values = values
        result = self.result
        choices = [int(n) for n in result.recorded_neurons]
        if neuron not in choices or isinstance(neuron, bool):
            raise ValueError(f"neuron must be one of {choices} (the first {len(choices)}), got {neuron!r}.")
        self.dt_ms = result.dt * 1000.0
        last_ms = (result.n_steps - 1) * self.dt_ms
        if step is None:
            spikes = result.spikes[:, neuron].nonzero()
            index = int(spikes[0, 0]) if len(spikes) else 0
        else:
            time = finite_number("step", step)
            if not 0 <= time <= last_ms + 1e-9:
                raise ValueError(
                    f"step={step!r} ms is outside the run: give a time from 0 to {last_ms:g} ms "
                    f"(the run has {result.n_steps} steps of {self.dt_ms:g} ms)."
                )
            index = round(time / self.dt_ms)
        specs = {
            "step": ControlSpec(
                "step", "step time (ms)", 0.0, "float", 0.0, last_ms, self.dt_ms,
                help="the time of the step shown, in ms; arrow keys move one step", unit="ms",
            ),
            "neuron": ControlSpec(
                "neuron", "neuron", choices[0], "choice", options={n: f"neuron {n}" for n in choices},
                help="whose step is shown",
            ),
        }  # fmt: skip
        self.controls = {
            "step": control_widget(specs["step"], index * self.dt_ms),
            "neuron": control_widget(specs["neuron"], neuron),
        }
        self.previous = widgets.Button(description="Previous", icon="step-backward", tooltip="one step back")
        self.next = widgets.Button(description="Next", icon="step-forward", tooltip="one step on")
        self.play = PlayButton(
            value=index,
            min=0,
            max=result.n_steps - 1,
            interval=PLAY_INTERVAL_MS,
            tooltip="step through the run",
        )
        self.numbers: StepNumbers = step_numbers(result, neuron, index)
        self.figure, layout, axes = panel_figure(["voltage", "current"], dpi=dpi)
        # What the figure shows around the step (the window, the step's voltage against the threshold, the
        # spikes) is its alt text and a visible "Describe the figure" disclosure under it, as on the explorer's
        # figure; the step's update is written out below that.
        self.view = ImageView(self.figure, layout)
        self.panels = [
            StepPanel(axes[name], result, name[0], self.numbers) for name in ("voltage", "current")
        ]
        self.text_box = widgets.HTML(value="")
        self._render(force=True)

        self.previous.on_click(lambda _button: self._move(-1))
        self.next.on_click(lambda _button: self._move(+1))
        self.play.observe(lambda change: self._go_to(int(change["new"])), names="value")
        for control in self.controls.values():
            control.observe(self._on_control, names="value")
        for name, part in (("previous", self.previous), ("next", self.next), ("play", self.play)):
            part.add_class(f"{CSS_PREFIX}inspector-{name}")
        mark(**{"inspector-figure": self.view.widget, "inspector-text": self.text_box})
        buttons = widgets.HBox([self.previous, self.play, self.next])
        self.widget = widgets.VBox(
            [self.controls["step"], self.controls["neuron"], buttons, self.view.widget, self.text_box],
            layout=widgets.Layout(max_width=f"{self.figure.get_figwidth() * dpi + 40:.0f}px"),
        )
        mark(inspector=self.widget)

    @property
    def step(self) -> int:
        """The shown step's index (its time in ms is ``step * dt``)."""
        return self.numbers.step

    @property
    def values(self) -> dict[str, float]:
        """The shown step's state before and the core's values: ``x, i, v, i_jump, v_decayed, i_decayed,
        spike, v_new`` (model units; ``spike`` 0.0 or 1.0)."""
        return self.numbers.values

    @property
    def text(self) -> str:
        """The shown step's update written out with its numbers (plain text)."""
        return step_text(self.numbers)

    def _index(self) -> int:
        """The step index the step slider points at (its value is a time in ms)."""
        index = round(float(self.controls["step"].value) / self.dt_ms)
        return min(max(index, 0), self.result.n_steps - 1)

    def _on_control(self, _change: dict[str, Any]) -> None:
        self._show(self._index(), int(self.controls["neuron"].value))

    def _go_to(self, index: int) -> None:
        """Move the step slider to step ``index`` (its observer shows the step)."""
        index = min(max(index, 0), self.result.n_steps - 1)
        self.controls["step"].value = index * self.dt_ms

    def _move(self, by: int) -> None:
        self._go_to(self.step + by)

    def _show(self, index: int, neuron: int) -> None:
        """Show step ``index`` of ``neuron``: one render, and nothing when it is already shown."""
        if (index, neuron) == (self.numbers.step, self.numbers.neuron):
            return
        self.numbers = step_numbers(self.result, neuron, index)
        if self.play.value != index:
            self.play.value = index  # keeps the play button where the step is; its observer finds it shown
        self._render()

    def _render(self, force: bool = False) -> None:
        with one_thread():
            for panel in self.panels:
                panel.show(self.numbers)
            self.view.describe(figure_text(self.result, self.numbers))
            self.view.show(self.panels, force=force)
        self.renders += 1
        text = html.escape(self.text)
        self.text_box.value = (
            '<pre role="status" aria-live="polite" aria-label="the step written out" '
            'style="white-space:pre-wrap;word-break:normal;overflow-wrap:break-word;font-size:0.9em;line-height:1.35;margin:4px 0">'
            f"{text}</pre>"
        )

    def png(self) -> bytes:
        """The figure as shown, as PNG bytes."""
        return self.view.png()

    def show(self) -> None:
        """Display the inspector (in a notebook, the inspector as the last expression of a cell does too)."""
        from IPython.display import display

        display(self.widget)  # type: ignore[no-untyped-call]  # IPython is unannotated

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        # Where widgets cannot be shown (a stored notebook, a terminal), the step written out still is.
        bundle["text/plain"] = self.text
        return bundle

    def close(self) -> None:
        """Close every widget of the inspector."""
        for widget in (*self.controls.values(), self.previous, self.next, self.play, self.text_box):
            widget.close()
        for box in self.widget.children:
            if isinstance(box, widgets.HBox):
                box.close()
        self.view.close()
        self.widget.close()
