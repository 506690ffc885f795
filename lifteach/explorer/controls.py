"""The explorer's controls: what each one means, and the one place a control value is understood.

A ``ControlSpec`` knows a control's label (with its unit), default, range and kind, and turns a value into one
the control can take in each of the three ways values arrive:

- ``check``: a value from code (``Explorer(v_th=0.5)``): refused, with the fix, when outside the range;
- ``clamp``: a value set while the explorer runs (``explorer.set(v_th=9)``): clamped to the range, as a slider
  does;
- ``parse``: text from the page address (``?v_th=0.5``): read as the control's kind and refused when it does
  not fit.

All three start from ``convert`` (the value's kind, no range), which ``simulation_arguments`` uses too.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from lifteach._checks import finite_number

__all__ = [
    "CONTROLS",
    "DEFAULT_CONTROLS",
    "INPUT_CONTROLS",
    "INPUT_KINDS",
    "ControlSpec",
    "check_names",
    "chosen_names",
    "defaults",
    "ranged_specs",
]

INPUT_KINDS = {
    "spikes": "Bernoulli spikes",
    "constant": "constant current",
    "step": "step current",
    "noisy": "noisy current",
}
"""The input kinds by value, with the label the chooser shows."""

INPUT_CONTROLS: dict[str, frozenset[str]] = {
    "scale": frozenset({"constant", "step", "noisy"}),
    "weight": frozenset({"spikes"}),
    "rate": frozenset({"spikes"}),
    "noise": frozenset({"noisy"}),
}
"""The controls of the input, by name, with the input kinds that use them (the others ignore them)."""


@dataclass(frozen=True)
class ControlSpec:
    """One control: its name, label, default, range (``low`` to ``high`` in steps of ``step``) and kind.

    ``kind`` is ``"float"``, ``"int"``, ``"log"`` (a float slider on a log scale, e.g. neuron counts) or
    ``"choice"`` (``options``: value -> label). ``help`` says what the control does, for tooltips. ``unit``
    is said after a slider's value by screen readers ("10 Hz"), and after its label when the label lacks it.
    """

    name: str
    label: str
    default: Any
    kind: str
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    options: Mapping[Any, str] | None = None
    help: str = ""
    unit: str = ""

    def convert(self, value: object) -> Any:
        """``value`` as this control's kind (a choice, a finite number, a whole number), range not checked."""
        if self.kind == "choice":
            assert self.options is not None
            if value not in self.options:
                raise ValueError(
                    f"{self.name} must be one of {', '.join(map(repr, self.options))}, got {value!r}."
                )
            return value
        number = finite_number(self.name, value)
        return round(number) if self.kind == "int" else number

    def check(self, value: object) -> Any:
        """``value`` for this control, refused with the fix when it lies outside the control's range."""
        converted = self.convert(value)
        if self.kind != "choice" and not self.low <= converted <= self.high:
            raise ValueError(
                f"{self.name}={value!r} is outside the control's range {self.low:g} to {self.high:g}; "
                f"pass ranges={{{self.name!r}: (low, high)}} to widen it."
            )
        return converted

    def clamp(self, value: object) -> Any:
        """``value`` for this control, moved into its range as a slider would."""
        if self.kind == "choice":
            return self.convert(value)
        number = min(max(finite_number(self.name, value), self.low), self.high)
        return round(number) if self.kind == "int" else number

    def parse(self, text: str) -> Any:
        """Text from a page address as a value of this control; ``ValueError`` says why it does not fit.

        A choice is found by its value or its label (``input_kind=constant`` or ``=constant current``,
        ``dt=0.5``); a number must be finite, whole for a whole-number control, and inside the range.
        """
        shown = f"{self.name}={text!r}"
        if self.kind == "choice":
            assert self.options is not None
            wanted = text.strip().lower()
            for value, label in self.options.items():
                if wanted in (str(value).lower(), label.lower()):
                    return value
                if isinstance(value, float):
                    with contextlib.suppress(ValueError):
                        if float(wanted) == value:
                            return value
            allowed = ", ".join(f"{value} ({label})" for value, label in self.options.items())
            raise ValueError(f"{shown} is not one of: {allowed}")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{shown} is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{shown} is not a finite number")
        if self.kind == "int" and not number.is_integer():
            raise ValueError(f"{shown} is not a whole number")
        if not self.low <= number <= self.high:
            raise ValueError(f"{shown} lies outside the range {self.low:g} to {self.high:g}")
        return int(number) if self.kind == "int" else number

    def with_range(self, bounds: Sequence[float]) -> ControlSpec:
        """This control with the range ``(low, high)`` or ``(low, high, step)`` a teacher chose."""
        where = f"ranges[{self.name!r}]"
        if self.kind == "choice":
            raise ValueError(f"{self.name} is a choice; its options cannot be given a range.")
        if isinstance(bounds, str) or len(bounds) not in (2, 3):
            raise ValueError(f"{where} must be (low, high) or (low, high, step), got {bounds!r}.")
        low, high = finite_number(f"{where} low", bounds[0]), finite_number(f"{where} high", bounds[1])
        step = finite_number(f"{where} step", bounds[2]) if len(bounds) == 3 else self.step
        if not low < high or step <= 0 or (self.kind == "log" and low <= 0):
            raise ValueError(
                f"{where} needs low < high (low > 0 for {self.name}) and step > 0, got {bounds!r}."
            )
        return replace(self, low=low, high=high, step=step)


def _specs(*specs: ControlSpec) -> dict[str, ControlSpec]:
    return {spec.name: spec for spec in specs}


CONTROLS: dict[str, ControlSpec] = _specs(
    ControlSpec(
        "input_kind", "input", "spikes", "choice", options=INPUT_KINDS, help="what drives the neurons"
    ),
    ControlSpec(
        "scale",
        "current (× rheobase)",
        5.0,
        "float",
        0.0,
        20.0,
        0.1,
        help="the input current in multiples of the default neuron's rheobase (0.2 per step at dt = 1 ms): "
        "a constant or step current's input per step, a noisy one's mean; spike input uses the spike weight",
        unit="× rheobase",
    ),
    ControlSpec(
        "weight",
        "spike weight (jump of i)",
        1.0,
        "float",
        0.0,
        4.0,
        0.01,
        help="how much each Bernoulli input spike makes the synaptic current i jump, in the model's units "
        "(the threshold is in the same units); a mean drive of weight x rate x dt per step",
        unit="model units",
    ),
    ControlSpec(
        "rate",
        "input rate (Hz)",
        10.0,
        "float",
        0.0,
        500.0,
        1.0,
        help="Bernoulli input spikes per second",
        unit="Hz",
    ),
    ControlSpec(
        "noise",
        "noise (× rheobase/√ms)",
        2.0,
        "float",
        0.0,
        10.0,
        0.1,
        help="strength of the white noise: the standard deviation its kicks add up to over 1 ms, in multiples "
        "of the rheobase; each step's kick scales with the square root of dt, so a value means the same noise "
        "at every dt",
        unit="× rheobase/√ms",
    ),
    ControlSpec(
        "v_th",
        "threshold v_th",
        0.3,
        "float",
        0.05,
        3.0,
        0.01,
        help="spike when v goes above it",
        unit="model units",
    ),
    ControlSpec(
        "tau_mem", "τ_mem (ms)", 10.0, "float", 0.5, 100.0, 0.5, help="membrane time constant", unit="ms"
    ),
    ControlSpec(
        "tau_syn", "τ_syn (ms)", 5.0, "float", 0.5, 100.0, 0.5, help="synaptic time constant", unit="ms"
    ),
    ControlSpec(
        "refractory",
        "refractory (ms)",
        0.0,
        "float",
        0.0,
        20.0,
        1.0,
        help="absolute refractory period after each spike: the voltage is held at v_reset and no spike is "
        "possible. Counted in whole time steps: every slider position (whole ms) is a whole number of steps "
        "at each dt offered; another value is rounded to the nearest step, halves up",
        unit="ms",
    ),
    ControlSpec(
        "n_neurons", "neurons", 1000, "log", 1, 100_000, 0.01, help="population size", unit="neurons"
    ),
    ControlSpec("duration", "duration (ms)", 1000, "int", 10, 1000, 10, help="simulated time", unit="ms"),
    ControlSpec("seed", "seed", 0, "int", 0, 999_999, 1, help="random seed of the input"),
    ControlSpec(
        "dt",
        "dt (ms)",
        1.0,
        "choice",
        options={0.1: "0.1", 0.2: "0.2", 0.5: "0.5", 1.0: "1"},
        help="time step of the simulation",
        unit="ms",
    ),
)
"""Every control the explorer knows, by name. Times in ms, rates in Hz."""

DEFAULT_CONTROLS = (
    "input_kind",
    "scale",
    "weight",
    "rate",
    "noise",
    "v_th",
    "tau_mem",
    "tau_syn",
    "refractory",
    "n_neurons",
    "duration",
    "seed",
)
"""The controls an ``Explorer()`` shows (``dt`` stays at 1 ms unless asked for)."""


def check_names(values: Mapping[str, object]) -> None:
    """Refuse control names that do not exist, listing the ones that do."""
    unknown = sorted(set(values) - set(CONTROLS))
    if unknown:
        raise TypeError(
            f"unknown control(s) {', '.join(map(repr, unknown))}; the controls are {', '.join(CONTROLS)}."
        )


def defaults(values: Mapping[str, object] | None = None) -> dict[str, Any]:
    """Every control's value: those given (names checked), the defaults for the rest."""
    given = dict(values or {})
    check_names(given)
    return {name: spec.default for name, spec in CONTROLS.items()} | given


def chosen_names(names: Sequence[str], known: Mapping[str, object], what: str) -> list[str]:
    """``names`` as a list, refused unless they are distinct names from ``known`` (``what``: "control", "panel")."""
    if isinstance(names, str) or not names or len(set(names)) != len(names):
        raise ValueError(f"{what}s must be a list of distinct {what} names, got {names!r}.")
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"unknown {what}(s) {unknown!r}; choose from {', '.join(known)}.")
    return list(names)


def ranged_specs(ranges: Mapping[str, Sequence[float]] | None = None) -> dict[str, ControlSpec]:
    """Every control's spec, with the ranges a teacher gave (``{name: (low, high)}`` or ``(low, high, step)``)."""
    ranges = dict(ranges or {})
    check_names(ranges)
    return {
        name: spec.with_range(ranges[name]) if name in ranges else spec for name, spec in CONTROLS.items()
    }
