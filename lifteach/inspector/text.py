"""One step written out with its numbers, in the order the core computes it, as plain text.

The text is what a learner reads beside the figure and what a screen reader announces, so every line is a
sentence with its numbers: the input arrives, the voltage leaks and integrates, the current decays, the
threshold comparison, the reset (and, with a refractory period, the hold and its count); then the exact
solution over the same ``dt`` and the surrogate derivative.
"""

from __future__ import annotations

from lifteach.inspector.numbers import StepNumbers

__all__ = ["step_text"]

DECIMALS = 4
"""Decimals every number is written with, unless two numbers compared would then look equal."""


def _n(value: float, decimals: int = DECIMALS) -> str:
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.0000"


def _pair(a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` written with enough decimals to tell them apart (up to 9), e.g. near the threshold."""
    for decimals in range(DECIMALS, 10):
        shown = _n(a, decimals), _n(b, decimals)
        if a == b or shown[0] != shown[1]:
            return shown
    return _n(a, 9), _n(b, 9)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:g} ms"


def _exact_verdict(s: StepNumbers) -> str:
    """Whether the exact solution crosses the threshold by the end of the step, as Euler's step does or not."""
    exact_spikes = s.exact_v > s.v_th
    if exact_spikes == (s.crossed == 1.0):
        return f"At the end of the step the exact solution is {'above' if exact_spikes else 'below'} the threshold too."
    if exact_spikes:
        return "At the end of the step the exact solution would be above the threshold: Euler's step misses the spike."
    return "At the end of the step the exact solution would be below the threshold: only Euler's step spikes."


def step_text(numbers: StepNumbers) -> str:
    """The written-out update of one step (plain text, one numbered line per operation of the core)."""
    s = numbers
    dt_ms = s.dt * 1000
    membrane = s.dt * s.tau_mem_inv  # dt / tau_mem: the share of the way to its target v moves in one step
    synapse = s.dt * s.tau_syn_inv
    before = (
        f"the state recorded at step {s.step - 1}, {s.time_ms - dt_ms:g} ms"
        if s.step > 0
        else "rest, before the first step"
    )
    v_decayed, v_th = _pair(s.v_decayed, s.v_th)
    spiked = s.spike == 1.0
    period = f"{s.rho_reset} steps ({s.rho_reset * dt_ms:g} ms)"
    refractory = (
        f", refractory: ρ = {s.rho:g} of its {period} left"
        if s.held
        else (", free to spike" if s.rho_reset else "")
    )
    lines = [
        f"Step {s.step} (t = {s.time_ms:g} ms), neuron {s.neuron}, dt = {dt_ms:g} ms",
        f"Before the step: v = {_n(s.v)}, i = {_n(s.i)}{refractory} ({before}).",
        f"1. The input arrives: i_jump = i + x = {_n(s.i)} + {_n(s.x)} = {_n(s.i_jump)}. "
        "It counts in this very step, before the threshold is checked.",
        f"2. The voltage leaks and integrates: v_decayed = v + dt/τ_mem × ((v_leak − v) + i_jump) = "
        f"{_n(s.v)} + {membrane:.4g} × (({_n(s.v_leak)} − {_n(s.v)}) + {_n(s.i_jump)}) = {_n(s.v_decayed)}. "
        f"dt/τ_mem = dt × tau_mem_inv = {dt_ms:g} ms / {1000 / s.tau_mem_inv:g} ms = {membrane:.4g}: "
        "the share of the way to v_leak + i_jump the voltage moves in one step.",
        f"3. The current decays: i_decayed = i_jump − dt/τ_syn × i_jump = {_n(s.i_jump)} − {synapse:.4g} × "
        f"{_n(s.i_jump)} = {_n(s.i_decayed)}.",
        f"4. The threshold: v_decayed > v_th? {v_decayed} > {v_th}? "
        + (
            (
                "yes, but the neuron is refractory:"
                if s.crossed == 1.0
                else "no, and the neuron is refractory:"
            )
            if s.held
            else ("yes: a spike (spike = 1)." if spiked else "no: no spike (spike = 0).")
        ),
    ]
    if s.held:
        lines += [
            f"5. The hold: the neuron is refractory (ρ = {s.rho:g} > 0), so no spike is let through (spike = 0) "
            f"and the voltage keeps its value from before the step: v_new = v = {_n(s.v_new)}; v_decayed is "
            f"computed and dropped. The current goes on: it is not held. The count goes down by one: "
            f"ρ = {s.rho_new:g}" + (" (free again from the next step)." if s.rho_new == 0 else "."),
            f"Recorded for this step: v = {_n(s.v_new)}, i = {_n(s.i_decayed)}.",
        ]
    elif spiked:
        lines += [
            f"5. The reset: v_new = v_reset = {_n(s.v_reset)}.",
            f"Recorded for this step: v = {_n(s.v_new)}, i = {_n(s.i_decayed)}. The recorded voltage shows the "
            f"reset value, not {_n(s.v_decayed)}: the value that crossed the threshold exists only inside the "
            "step, which ends with the reset, so no voltage trace ever shows it (the explorer draws a stroke "
            "from the threshold up instead).",
        ]
        if s.rho_reset:
            lines.append(
                f"The refractory period starts: ρ = {s.rho_new:g}, so the next {s.rho_reset} steps "
                f"({s.rho_reset * dt_ms:g} ms) hold the voltage at {_n(s.v_new)} and let no spike through."
            )
    else:
        lines += [
            f"5. No reset: v_new = v_decayed = {_n(s.v_new)}.",
            f"Recorded for this step: v = {_n(s.v_new)}, i = {_n(s.i_decayed)}.",
        ]
    lines += [
        f"Exact solution of the same ODEs over {dt_ms:g} ms (the current decays during the step instead of "
        f"staying at i_jump): v = {_n(s.exact_v)}, i = {_n(s.exact_i)} before any reset. Euler's error in this "
        f"step: v {s.v_decayed - s.exact_v:+.2e}, i {s.i_decayed - s.exact_i:+.2e}; it shrinks about fourfold "
        "per step when dt is halved (twofold over a fixed time, which takes twice the steps). "
        + (
            "The hold is no part of the ODEs, which describe the free neuron."
            if s.held
            else _exact_verdict(s)
        ),
    ]
    distance = s.v_decayed - s.v_th
    if s.method == "heaviside":
        lines.append("Surrogate derivative: none; method='heaviside' passes no gradient through the spike.")
    elif s.held:
        lines.append(
            "Surrogate derivative: 0 in this step; the hold masks the spike (spike = (1 − held) × the "
            "threshold's step), so no gradient reaches the voltage while the neuron is refractory."
        )
    else:
        lines.append(
            f"Surrogate derivative (SuperSpike, what training uses for d spike / d v): "
            f"1 / (|v_decayed − v_th| + 1)² = 1 / ({abs(distance):.4f} + 1)² = {s.surrogate:.4f}."
        )
    return "\n".join(lines)
