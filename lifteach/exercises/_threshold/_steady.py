"""Below the threshold: the voltage a constant input settles at, and the least input that lifts it across
(exercises ``steady_voltage`` and ``rheobase``). Inputs per step, ``dt`` in seconds."""

from __future__ import annotations

from dataclasses import dataclass

from lifteach import analysis
from lifteach.exercises import _answers
from lifteach.exercises._answers import close
from lifteach.exercises._exercise import Exercise, not_yet, right
from lifteach.exercises._feedback import Feedback
from lifteach.lif import LIFParameters

__all__ = ["RHEOBASE", "STEADY_VOLTAGE", "check_rheobase", "check_steady_voltage"]


# --- steady_voltage ----------------------------------------------------------------------------------------


@dataclass
class _Steady:
    value: float
    x: float
    v_leak: float
    v_th: float
    tau_syn_inv: float
    """1/s."""
    dt: float
    """s."""

    @property
    def current(self) -> float:
        """The current the voltage integrates under constant input ``x`` (just after each step's jump)."""
        return self.x / (self.dt * self.tau_syn_inv)

    @property
    def expected(self) -> float:
        return self.v_leak + self.current

    def near(self, voltage: float) -> bool:
        return close(self.value, voltage, relative=1e-2)


def _read_steady(answer: object, x: float, p: LIFParameters, dt: float) -> _Steady:
    value = _answers.number(answer, "the voltage")
    return _Steady(value, x, float(p.v_leak), float(p.v_th), float(p.tau_syn_inv), dt)


STEADY_VOLTAGE: Exercise[_Steady] = Exercise(
    "steady_voltage",
    _read_steady,
    (
        right(
            "The voltage settles at v_leak + x / (dt·tau_syn_inv) = {expected:g}. The current grows until "
            "its decay per step, dt·tau_syn_inv·i, balances the jump x; it then stays at {current:g} just "
            "after each jump, and the voltage settles where its leak balances that current.",
            when=lambda f: f.near(f.expected),
        ),
        not_yet(
            "The input is a jump of the current at every step, and the current keeps what it had: it "
            "grows until the part that decays in a step (dt·tau_syn_inv·i) equals the jump x.",
            when=lambda f: f.near(f.v_leak + f.x),
        ),
        not_yet(
            "That is the current after its decay within a step; the voltage integrates the current just "
            "after the jump, i + x.",
            when=lambda f: f.near(f.v_leak + f.current - f.x),
        ),
        not_yet(
            "Mind the units: tau_syn_inv is per second and x is per step; the decay per step is dt·tau_syn_inv.",
            when=lambda f: f.near(f.v_leak + f.x / f.tau_syn_inv),
        ),
        not_yet(
            "That is at or above the threshold {v_th:g}: the neuron would spike and reset, so "
            "the voltage could not settle there. Check your arithmetic.",
            when=lambda f: f.expected < f.v_th <= f.value,
        ),
        not_yet(
            "In the steady state nothing changes from step to step: set the new current equal to the old one "
            "in the update i <- (i + x)(1 - dt·tau_syn_inv), solve for it, then do the same for v."
        ),
    ),
)


def check_steady_voltage(
    answer: object, x: float = 0.1, p: LIFParameters = LIFParameters(), dt: float = 1e-3
) -> Feedback:
    """Where does the voltage settle under a constant input ``x`` per step (below the rheobase)?

    Args:
        answer: the learner's voltage (a number, in the units of ``v_th``).
        x: the constant input per step.
        p: parameters (Norse's defaults: 5 ms synapse, 10 ms membrane, threshold 1).
        dt: time step in seconds.
    """
    return STEADY_VOLTAGE.check(answer, x, p, dt)


# --- rheobase ----------------------------------------------------------------------------------------------


_DEFAULT_TAU_SYN_INV = float(LIFParameters().tau_syn_inv)
"""Norse's default synapse (1/s), against which a learner compares a faster or slower one."""


@dataclass
class _Rheobase:
    value: float
    expected: float
    v_th: float
    gap: float
    """v_th - v_leak."""
    tau_syn_inv: float
    tau_mem_inv: float
    dt: float

    def near(self, input_per_step: float) -> bool:
        return close(self.value, input_per_step)

    @property
    def default_rheobase(self) -> float:
        return self.gap * self.dt * _DEFAULT_TAU_SYN_INV

    @property
    def wrong_way_factor(self) -> float:
        """The factor by which the synapse changed the rheobase, inverted (1/2 for a twice faster synapse)."""
        return _DEFAULT_TAU_SYN_INV / self.tau_syn_inv

    @property
    def wrong_way(self) -> float:
        """The default rheobase moved by the synapse's change the wrong way: faster decay, less input."""
        return self.default_rheobase * self.wrong_way_factor


def _read_rheobase(answer: object, p: LIFParameters, dt: float) -> _Rheobase:
    value = _answers.number(answer, "the rheobase")
    gap = float(p.v_th) - float(p.v_leak)
    return _Rheobase(
        value, analysis.rheobase(p, dt), float(p.v_th), gap, float(p.tau_syn_inv), float(p.tau_mem_inv), dt
    )


RHEOBASE: Exercise[_Rheobase] = Exercise(
    "rheobase",
    _read_rheobase,
    (
        right(
            "The rheobase is (v_th - v_leak)·dt·tau_syn_inv = {expected:g}. At exactly {expected:g} the "
            "voltage creeps up to the threshold but never above it (a spike needs v strictly above v_th); "
            "any larger constant input makes the neuron spike.",
            when=lambda f: f.near(f.expected),
        ),
        not_yet(
            "That is the voltage the neuron has to reach, not the input per step that gets it there. "
            "Under a constant input x the voltage settles at v_leak + x / (dt·tau_syn_inv): which x "
            "puts it at v_th?",
            when=lambda f: f.near(f.gap) or f.near(f.v_th),
        ),
        not_yet(
            "Mind the units: tau_syn_inv is per second and the input is per step; a factor dt is missing.",
            when=lambda f: f.near(f.gap * f.tau_syn_inv),
        ),
        not_yet(
            "That moves the rheobase the wrong way: the default neuron's {default_rheobase:g} times "
            "{wrong_way_factor:g}. The synaptic time constant sets it: a current that decays faster (a "
            "larger tau_syn_inv) keeps less of each jump and settles lower, at x / (dt·tau_syn_inv), so it "
            "takes more input, not less, to bring the voltage to v_th. The membrane's tau_mem_inv does not "
            "enter the rheobase at all.",
            when=lambda f: f.tau_syn_inv != _DEFAULT_TAU_SYN_INV and f.near(f.wrong_way),
        ),
        not_yet(
            "That uses the membrane's tau_mem_inv; the input enters through the synaptic current, whose "
            "decay sets how large the current grows.",
            when=lambda f: f.near(f.gap * f.dt * f.tau_mem_inv),
        ),
        not_yet(
            "That is upside down: the steady voltage is x / (dt·tau_syn_inv) above v_leak.",
            when=lambda f: f.expected > 0 and f.near(1.0 / f.expected),
        ),
        not_yet(
            "Start from the steady voltage under constant input x, v_leak + x / (dt·tau_syn_inv), and find "
            "the x at which it reaches v_th."
        ),
    ),
)


def check_rheobase(answer: object, p: LIFParameters = LIFParameters(), dt: float = 1e-3) -> Feedback:
    """The rheobase: the smallest constant input per step above which the neuron spikes.

    Args:
        answer: the learner's rheobase (a number, input per step).
        p: parameters; the rheobase of this discrete scheme is ``(v_th - v_leak) * dt * tau_syn_inv``.
        dt: time step in seconds.
    """
    return RHEOBASE.check(answer, p, dt)
