"""The mystery neuron of notebook 08: solvable for every seed, hidden when printed, every verdict reachable.

The property tests run the worked solutions themselves (the textbook procedures the notebook teaches) on
neurons of many seeds and on the corners of the ranges the parameters are drawn from.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

import pytest
import torch

from lifteach import analysis, exercises, inputs
from lifteach.exercises import _mystery, solution
from lifteach.exercises._mystery import RANGES, TOLERANCES, MysteryNeuron, mystery_neuron
from lifteach.lif import LIFParameters
from lifteach.simulate import simulate

CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
CHECKS = {
    "mystery_tau_mem": exercises.check_mystery_tau_mem,
    "mystery_threshold": exercises.check_mystery_threshold,
    "mystery_refractory": exercises.check_mystery_refractory,
}


def neuron_with(tau_mem_ms: float, tau_syn_ms: float, v_th: float, refractory_ms: int) -> MysteryNeuron:
    """A mystery neuron with these hidden values (a test reaches into the private attributes)."""
    neuron = mystery_neuron(0)
    neuron._p = LIFParameters(
        tau_syn_inv=1000.0 / tau_syn_ms, tau_mem_inv=1000.0 / tau_mem_ms, v_th=v_th, method="heaviside"
    )
    neuron._refractory_ms = refractory_ms
    return neuron


def hidden(neuron: MysteryNeuron) -> tuple[float, float, float, int]:
    return neuron._tau_mem_ms, neuron._tau_syn_ms, neuron._v_th, neuron._refractory_ms


def solve(name: str, neuron: MysteryNeuron) -> tuple[float, Any]:
    """Run the worked solution of ``name`` on ``neuron``: (the learner's estimate, the check's feedback)."""
    verdicts: list[Any] = []

    class Recorder:
        def __getattr__(self, attribute: str) -> Any:
            found = getattr(exercises, attribute)
            if not attribute.startswith("check_"):
                return found

            def check(*args: Any) -> Any:
                verdicts.append((args[0], found(*args)))
                return verdicts[-1][1]

            return check

    scope: dict[str, Any] = {
        "mystery": neuron,
        "inputs": inputs,
        "exercises": Recorder(),
        "print": lambda *a: None,
    }
    for block in CODE_BLOCK.findall(solution(name).text):
        exec(compile(block, f"<solution {name}>", "exec"), scope)
    assert len(verdicts) == 1, name
    estimate, feedback = verdicts[0]
    return float(estimate), feedback


# --- solvable ---------------------------------------------------------------------------------------------

SEEDS = [*range(12), 123456, 20261201, "s1234567", "ada lovelace"]


@pytest.mark.parametrize("seed", SEEDS, ids=str)
def test_the_textbook_procedures_recover_every_parameter_of_every_seed(seed: int | str) -> None:
    neuron = mystery_neuron(seed)
    tau_mem_ms, _, v_th, refractory_ms = hidden(neuron)
    for name, truth in (
        ("mystery_tau_mem", tau_mem_ms),
        ("mystery_threshold", v_th),
        ("mystery_refractory", refractory_ms),
    ):
        estimate, feedback = solve(name, neuron)
        assert feedback.correct, f"seed {seed!r}, {name}: {feedback}"
        # Well inside what the check accepts: the procedure is not lucky.
        assert abs(estimate - truth) / truth < TOLERANCES[name.removeprefix("mystery_")] / 2


CORNERS = list(
    itertools.product(RANGES["tau_mem_ms"], RANGES["tau_syn_ms"], RANGES["v_th"], (2, 6)),
)


@pytest.mark.parametrize("corner", CORNERS, ids=lambda c: "-".join(f"{x:g}" for x in c))
def test_the_procedures_work_at_every_corner_of_the_ranges(corner: tuple[float, float, float, int]) -> None:
    neuron = neuron_with(*corner)
    facts = _mystery.FIRST_TO_FALL.read("current", neuron)
    assert facts.current_half_ms < facts.voltage_half_ms
    for name in CHECKS:
        _, feedback = solve(name, neuron)
        assert feedback.correct, f"{corner}, {name}: {feedback}"


def test_the_ranges_keep_each_mistake_apart_from_the_answer() -> None:
    # At dt = 1 ms, the effective time constant is 2.5 to 6.4% short of tau_mem: outside the 2% accepted.
    low, high = RANGES["tau_mem_ms"]
    shortfall = [1 - (-1 / math.log(1 - 1 / tau)) / tau for tau in (low, high)]
    assert shortfall[0] == pytest.approx(0.064, abs=5e-4) and shortfall[1] == pytest.approx(0.025, abs=5e-4)
    assert min(shortfall) > TOLERANCES["tau_mem"]
    # The synapse is always faster than the membrane (by 8/5 at least): its time constant is never accepted.
    assert RANGES["tau_syn_ms"][1] * (1 + 2 * TOLERANCES["tau_mem"]) < RANGES["tau_mem_ms"][0]
    # One step of 1 ms is more than 5% of every refractory period.
    assert 1.0 / RANGES["refractory_ms"][1] > TOLERANCES["refractory"]
    # The rheobase lies inside the threshold solution's sweep (0 to 2 per step) with room to spare.
    assert RANGES["v_th"][1] / RANGES["tau_syn_ms"][0] < 1.0


def test_the_mystery_is_the_core_lif_with_its_hidden_parameters() -> None:
    neuron = mystery_neuron(3)
    x = inputs.noisy_current(0.5, 0.3, steps=400, neurons=3, seed=1)
    recording = neuron.run(x)
    expected = simulate(x, neuron._p, record_neurons="all", refractory=neuron._refractory_ms * 1e-3)
    assert torch.equal(recording.spikes, expected.spikes)
    assert expected.v is not None and torch.equal(recording.v, expected.v)
    assert expected.i is not None and torch.equal(recording.i, expected.i)


def test_each_column_drives_its_own_copy_of_the_same_neuron() -> None:
    neuron = mystery_neuron(5)
    strengths = torch.tensor([0.3, 1.0, 30.0])
    sweep = neuron.run(inputs.constant_current(1.0, 500, neurons=3) * strengths)
    assert sweep.v.shape == sweep.i.shape == sweep.spikes.shape == (500, 3) and sweep.n_copies == 3
    for k, x in enumerate(strengths.tolist()):
        alone = neuron.run(inputs.constant_current(x, 500))
        assert torch.equal(alone.v[:, 0], sweep.v[:, k])
    assert sweep.firing_rates().tolist() == pytest.approx((sweep.spike_counts().double() / 0.5).tolist())
    assert sweep.times_ms[1] == 1.0 and sweep.duration_ms == 500.0


def test_the_refractory_period_is_the_same_time_at_every_allowed_dt() -> None:
    neuron = mystery_neuron(8)
    refractory_ms = neuron._refractory_ms
    for dt in (1e-3, 5e-4, 1e-4):
        steps = round(0.2 / dt)
        drive = neuron.run(inputs.constant_current(1000.0 * dt / 1e-3, steps), dt=dt)
        shortest_ms = 1000 * float(drive.interspike_intervals().min())
        assert shortest_ms == pytest.approx(refractory_ms + 1000 * dt)


def test_a_bool_spike_train_drives_it_with_a_weight() -> None:
    neuron = mystery_neuron(2)
    train = inputs.poisson_spikes(200.0, steps=300, seed=4)
    weighted = neuron.run(train, input_weight=0.5)
    assert torch.equal(weighted.v, neuron.run(train.float() * 0.5).v)


# --- different and hidden ---------------------------------------------------------------------------------


def test_different_seeds_give_different_neurons_and_the_same_seed_the_same() -> None:
    drawn = {hidden(mystery_neuron(seed)) for seed in range(300)}
    assert len(drawn) == 300
    assert hidden(mystery_neuron(42)) == hidden(mystery_neuron(42)) == hidden(mystery_neuron("42"))
    assert (
        hidden(mystery_neuron(" s123 ")) == hidden(mystery_neuron("s123")) != hidden(mystery_neuron("s124"))
    )
    assert hidden(mystery_neuron()) == hidden(mystery_neuron(_mystery.DEFAULT_SEED))
    # The draws fill the ranges: every refractory period occurs, and the others spread over their ranges.
    values = [hidden(mystery_neuron(seed)) for seed in range(300)]
    assert {value[3] for value in values} == {2, 3, 4, 5, 6}
    for index, name in enumerate(("tau_mem_ms", "tau_syn_ms", "v_th")):
        low, high = RANGES[name]
        column = [value[index] for value in values]
        assert (
            low <= min(column) < low + 0.05 * (high - low)
            and high - 0.05 * (high - low) < max(column) <= high
        )


def test_the_same_seed_gives_the_same_neuron_on_every_computer() -> None:
    # Drawn from sha256 of the seed and numpy's PCG64: fixed numbers, not Python's salted hash().
    tau_mem_ms, tau_syn_ms, v_th, refractory_ms = hidden(mystery_neuron(8))
    assert (round(tau_mem_ms, 4), round(tau_syn_ms, 4), round(v_th, 4), refractory_ms) == (
        14.0646,
        4.4033,
        1.0649,
        4,
    )


def shown_numbers(neuron: MysteryNeuron) -> list[str]:
    tau_mem_ms, tau_syn_ms, v_th, refractory_ms = hidden(neuron)
    texts = []
    for value in (tau_mem_ms, tau_syn_ms, v_th, 1000 / tau_mem_ms, 1000 / tau_syn_ms):
        texts += [f"{value:.2f}", f"{value:.3g}", f"{value:.4g}"]
    return [*texts, f"{refractory_ms} ms", f"{refractory_ms * 1e-3:g}", f"refractory={refractory_ms}"]


@pytest.mark.parametrize("seed", [8, 1, 77])
def test_printing_the_neuron_or_a_recording_shows_no_parameter(seed: int) -> None:
    neuron = mystery_neuron(seed)
    recording = neuron.run(inputs.pulses([0.01], steps=50, amplitude=0.1))
    for text in (repr(neuron), str(neuron), repr(recording), str(recording)):
        for number in shown_numbers(neuron):
            assert number not in text, f"{text!r} shows {number!r}"
    assert "hidden" in repr(neuron) and f"seed={seed}" in repr(neuron)
    # Nothing public carries a parameter: only the seed, the run and what a recording measures.
    public = {name for name in dir(neuron) if not name.startswith("_")}
    assert public == {"run", "seed"}
    assert not any(hasattr(recording, name) for name in ("p", "refractory", "final_state"))


def test_the_description_says_what_the_figure_shows_without_a_parameter() -> None:
    neuron = mystery_neuron(8)
    recording = neuron.run(inputs.constant_current(0.5, 100))
    words = recording.describe()
    first = float(recording.times_ms[int(recording.spikes[:, 0].nonzero()[0, 0])])
    count = int(recording.spike_counts()[0])
    assert f"with {count} spikes, the first at {first:.4g} ms" in words
    assert f"peaks at {float(recording.v[:, 0].max()):.3g}" in words
    # It says what was recorded (a firing neuron's peak may come near v_th: that is data), never a parameter.
    assert "threshold" not in words and "v_th" not in words
    quiet = neuron.run(inputs.pulses([0.01], steps=300, amplitude=0.1)).describe()
    assert not any(number in quiet for number in shown_numbers(neuron))


# --- clear errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "error", "message"),
    [
        (3.5, TypeError, r"seed must be a whole number .* got 3\.5 \(float\)"),
        (True, TypeError, r"seed must be a whole number .* got True \(bool\)"),
        (None, TypeError, r"seed must be a whole number .* got None"),
        ([1], TypeError, r"seed must be a whole number .* got \[1\] \(list\)"),
        (-1, ValueError, r"seed must be at least 0, got -1; give your student number"),
        ("", ValueError, r"seed must not be empty, got ''"),
        ("   ", ValueError, r"seed must not be empty, got '   '"),
    ],
)
def test_a_bad_seed_is_refused_with_the_value_and_the_fix(seed: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        mystery_neuron(seed)  # type: ignore[arg-type]  # wrong on purpose


@pytest.mark.parametrize(
    ("dt", "error", "message"),
    [
        (3e-4, ValueError, r"dt must be 1 ms divided by a whole number, .* got dt=0\.0003 s"),
        (2e-3, ValueError, r"dt must be 1 ms divided by a whole number, .* got dt=0\.002 s"),
        (1e-7, ValueError, r"dt must be 1 ms divided by a whole number"),
        (0.0, ValueError, r"dt"),
        ("1ms", TypeError, r"dt"),
    ],
)
def test_a_bad_time_step_is_refused_with_the_value_and_the_fix(dt: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        mystery_neuron(1).run(inputs.constant_current(0.1, 10), dt=dt)  # type: ignore[arg-type]


def test_a_bad_input_is_refused_by_the_core_with_its_message() -> None:
    with pytest.raises(ValueError, match="input must have shape"):
        mystery_neuron(1).run(torch.zeros(3, 2, 2))


# --- every verdict reachable ------------------------------------------------------------------------------

NEURON = mystery_neuron(8)  # tau_mem 14.06 ms, tau_syn 4.40 ms, v_th 1.0649, refractory 4 ms
TAU_MEM, TAU_SYN, V_TH, REFRACTORY = hidden(NEURON)

VERDICTS = {
    "mystery_tau_mem": [
        (TAU_MEM * 1.015, "Correct", "within 1.5% of this neuron's τ_mem = 14.06 ms"),
        (TAU_MEM / 1000, "Not yet", "in seconds"),
        (1000 / TAU_MEM, "Not yet", "tau_mem_inv"),
        (1 - 1 / TAU_MEM, "Not yet", "decay factor per step"),
        (TAU_SYN, "Not yet", "synaptic time constant τ_syn"),
        (-1 / math.log(1 - 1 / TAU_SYN), "Not yet", "synaptic time constant τ_syn"),
        (-1 / math.log(1 - 1 / TAU_MEM), "Not yet", "effective time constant at dt = 1 ms"),
        (TAU_MEM * 1.3, "Not yet", "30.0% too large. A decay that looks slower"),
        (TAU_MEM * 0.8, "Not yet", "20.0% too small. Reading a time off the trace"),
    ],
    "mystery_threshold": [
        (V_TH * 0.99, "Correct", "within 1.0% of this neuron's threshold v_th = 1.0649"),
        (1.064, "Correct", "every voltage a recording shows lies below it (a lower bound"),
        (V_TH / TAU_SYN, "Not yet", "looks like the rheobase"),
        (V_TH * 5 / TAU_SYN, "Not yet", "Norse's default τ_syn = 5 ms"),
        (V_TH * (1 - 1 / TAU_SYN), "Not yet", "settled *recorded* current"),
        (V_TH * 0.9, "Not yet", "10.0% too small. A recorded voltage never shows the value that crossed"),
        (V_TH * 1.3, "Not yet", "30.0% too large: a voltage that settled there would have crossed"),
    ],
    "mystery_refractory": [
        (REFRACTORY, "Correct", "within 0.0% of this neuron's refractory period, 4 ms"),
        (REFRACTORY + 0.1, "Correct", "fastest rate is 1 / (4 ms + 1 step) = 200.0 Hz"),
        (REFRACTORY / 1000, "Not yet", "in seconds"),
        ((REFRACTORY + 1) / 1000, "Not yet", "in seconds"),
        (200.0, "Not yet", "a rate in Hz"),
        (REFRACTORY + 1, "Not yet", "one step (1 ms) too long"),
        (REFRACTORY * 10, "Not yet", "count of steps at dt = 0.1 ms"),
        (REFRACTORY * 10 + 1, "Not yet", "count of steps at dt = 0.1 ms"),
        (REFRACTORY + 3, "Not yet", "needed 3 steps to climb back"),
        (REFRACTORY - 1, "Not yet", "25.0% too small: no spike can follow another sooner"),
        (REFRACTORY + 0.5, "Not yet", "12.5% too large. Drive the neuron with inputs from the rheobase"),
    ],
}


@pytest.mark.parametrize(
    ("name", "answer", "verdict", "words"),
    [(name, *row) for name, rows in VERDICTS.items() for row in rows],
    ids=lambda value: f"{value:.4g}" if isinstance(value, float) else str(value)[:20],
)
def test_every_verdict_and_hint_is_reachable(name: str, answer: float, verdict: str, words: str) -> None:
    feedback = CHECKS[name](answer, NEURON)
    assert feedback.verdict == verdict, feedback
    assert words in feedback.message, feedback


@pytest.mark.parametrize("name", CHECKS)
def test_every_row_of_every_table_is_reached(name: str) -> None:
    exercise = next(exercise for exercise in _mystery.EXERCISES if exercise.name == name)
    reached = set()
    for answer, _, _ in VERDICTS[name]:
        facts = exercise.read(answer, NEURON)
        reached.add(
            next(index for index, row in enumerate(exercise.outcomes) if row.when is None or row.when(facts))
        )
    assert reached == set(range(len(exercise.outcomes)))


@pytest.mark.parametrize("name", CHECKS)
@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (..., "Replace the `...`"),
        ("12 ms", "without quotes"),
        (None, "Your answer is None"),
        (float("nan"), "finite number"),
        (torch.tensor([1.0, 2.0]), "single number"),
    ],
    ids=["ellipsis", "text", "none", "nan", "tensor"],
)
def test_an_answer_that_cannot_be_judged_gets_a_hint(name: str, answer: object, words: str) -> None:
    feedback = CHECKS[name](answer, NEURON)
    assert feedback.verdict == "Hint" and words in feedback.message, feedback


@pytest.mark.parametrize(
    ("answer", "verdict", "words"),
    [
        ("current", "Correct", "The current: it is at half its peak"),
        (" Current ", "Correct", "only the voltage's later fall"),
        ("voltage", "Not yet", "pushes the voltage up"),
        ("together", "Not yet", "different time constants"),
        ("both", "Hint", '"current" or "voltage" or "together"'),
        (..., "Hint", "Replace the `...`"),
    ],
)
def test_every_verdict_of_the_first_prediction_is_reachable(answer: object, verdict: str, words: str) -> None:
    feedback = exercises.check_mystery_first_to_fall(answer, NEURON)
    assert feedback.verdict == verdict and words in feedback.message, feedback


@pytest.mark.parametrize("seed", SEEDS, ids=str)
def test_the_current_falls_first_for_every_neuron(seed: int | str) -> None:
    facts = _mystery.FIRST_TO_FALL.read("current", mystery_neuron(seed))
    assert 0 < facts.current_half_ms < facts.voltage_half_ms < math.inf


@pytest.mark.parametrize(
    ("answer", "verdict", "words"),
    [
        ("below", "Correct", "records the reset value"),
        ("above", "Not yet", "the value above v_th is never stored"),
        ("at", "Not yet", "strictly above v_th"),
        ("under", "Hint", '"above" or "at" or "below"'),
    ],
)
def test_every_verdict_of_the_second_prediction_is_reachable(answer: str, verdict: str, words: str) -> None:
    feedback = exercises.check_mystery_highest_voltage(answer)
    assert feedback.verdict == verdict and words in feedback.message, feedback


@pytest.mark.parametrize(
    ("answer", "verdict", "words"),
    [
        (1, "Correct", "the shortest interval is t_ref + dt"),
        (1.0, "Correct", "levels off at 1 / (t_ref + dt)"),
        (0, "Not yet", "needs a step in which it climbs back"),
        (3, "Not yet", "not driven hard enough"),
        (0.5, "Not yet", "Count in whole steps"),
        ("one", "Hint", "without quotes"),
    ],
)
def test_every_verdict_of_the_fastest_interval_is_reachable(answer: object, verdict: str, words: str) -> None:
    feedback = exercises.check_mystery_fastest_interval(answer)
    assert feedback.verdict == verdict and words in feedback.message, feedback


@pytest.mark.parametrize("seed", SEEDS, ids=str)
def test_the_fastest_interval_is_one_step_longer_than_the_refractory_period(seed: int | str) -> None:
    neuron = mystery_neuron(seed)
    drive = neuron.run(inputs.constant_current(1000.0 * neuron._v_th / neuron._tau_syn_ms, 1000))
    assert 1000 * float(drive.interspike_intervals(copy=0).min()) == pytest.approx(neuron._refractory_ms + 1)


@pytest.mark.parametrize(
    ("answer", "verdict", "words"),
    [
        ("late", "Correct", "measures mostly the noise"),
        (" Late ", "Correct", "average over many repetitions"),
        ("early", "Not yet", "Compare sizes"),
        ("middle", "Hint", '"early" or "late"'),
    ],
)
def test_every_verdict_of_the_noisy_ratio_is_reachable(answer: str, verdict: str, words: str) -> None:
    feedback = exercises.check_mystery_noisy_ratio(answer)
    assert feedback.verdict == verdict and words in feedback.message, feedback


def test_noise_moves_the_decay_ratio_more_late_in_the_tail() -> None:
    # What the noisy-ratio prediction says, for the notebook's neuron, pulse and noise.
    kick = inputs.pulses([0.010], steps=300, amplitude=0.1)
    ratios: dict[int, list[float]] = {40: [], 100: []}
    for seed in range(20):
        noisy = NEURON.run(kick + inputs.noisy_current(0.0, 0.02, steps=300, seed=seed))
        for t, found in ratios.items():
            found.append(float(noisy.v[t + 1, 0] / noisy.v[t, 0]))
    assert float(torch.tensor(ratios[100]).std()) > 2 * float(torch.tensor(ratios[40]).std())


def test_a_firing_mystery_neuron_never_records_its_threshold() -> None:
    # What the second prediction says, for many neurons and drives.
    for seed in range(20):
        neuron = mystery_neuron(seed)
        rheobase = neuron._v_th / neuron._tau_syn_ms
        strengths = torch.tensor([1.001, 1.01, 1.5, 3.0, 30.0]) * rheobase
        sweep = neuron.run(inputs.constant_current(1.0, 1000, neurons=5) * strengths)
        assert bool((sweep.spike_counts() > 0).all())
        assert float(sweep.v.max()) <= neuron._v_th


@pytest.mark.parametrize("name", CHECKS)
def test_forgetting_to_pass_the_neuron_gets_a_hint_that_shows_the_call(name: str) -> None:
    feedback = CHECKS[name](5.0, 8)
    assert feedback.verdict == "Hint"
    assert "pass your mystery neuron" in feedback.message and "mystery)" in feedback.message


def test_each_learner_is_checked_against_their_own_neuron() -> None:
    other = mystery_neuron(9)
    assert exercises.check_mystery_tau_mem(TAU_MEM, NEURON).correct
    assert not exercises.check_mystery_tau_mem(TAU_MEM, other).correct


def test_the_notebook_states_the_tolerances_the_checks_use() -> None:
    from test_notebooks import markdown_of

    text = markdown_of("08_the_mystery_neuron")
    for name in ("tau_mem", "threshold", "refractory"):
        assert f"{TOLERANCES[name]:.0%}" in text
    assert analysis.rheobase(NEURON._p) == pytest.approx(V_TH / TAU_SYN, rel=1e-6)
