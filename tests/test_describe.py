"""The figure in words (lifteach.describe), the explorer's text alternative, and notebook figures with alt text.

Every number a description states is checked against the result it describes: spike counts and mean rates
against ``Result`` and ``lifteach.analysis``, spike times against the spikes themselves.
"""

from __future__ import annotations

import html
import re

import matplotlib
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from lifteach import analysis, figures, inputs, plot
from lifteach import describe as describe_words
from lifteach.describe import PANEL_DESCRIPTIONS, describe
from lifteach.explorer.parts import error_html
from lifteach.lif import LIFParameters
from lifteach.simulate import Result, simulate


def hand_made_run() -> Result:
    """Three neurons: 0 gets two strong kicks (two spikes), 1 one weak kick (no spike), 2 nothing."""
    drive = torch.zeros(100, 3)
    drive[10, 0] = drive[50, 0] = 1.5
    drive[10, 1] = 0.8
    return simulate(drive, LIFParameters(v_th=0.3), record_neurons=[0, 1, 2])


def test_the_voltage_panel_says_who_spiked_when_and_the_peak_against_the_threshold() -> None:
    result = hand_made_run()
    times = [result.times_ms[np.flatnonzero(result.spikes[:, 0].numpy())]]
    assert len(times[0]) == 2
    words = describe(result, ["voltage"])
    assert words.startswith(
        "Membrane voltage of neurons 0, 1 and 2 over 100 ms against the threshold v_th = 0.3"
    )
    assert f"neuron 0 spiked 2 times, at {times[0][0]:.4g} and {times[0][1]:.4g} ms" in words
    assert result.v is not None
    peak = float(result.v[:, 1].max())
    assert 0 < peak < 0.3
    assert f"neuron 1 did not spike: its voltage peaked at {peak:.3g}" in words
    assert f"{peak / 0.3:.0%} of the threshold 0.3" in words
    assert "neuron 2 did not spike: its voltage peaked at 0" in words


def test_a_busy_neuron_is_summed_up_by_count_first_and_last_spike() -> None:
    result = simulate(torch.full((200, 1), 1.0), LIFParameters(v_th=0.3))
    steps = np.flatnonzero(result.spikes[:, 0].numpy())
    assert len(steps) > 4
    words = describe(result, ["voltage"])
    assert (
        f"neuron 0 spiked {len(steps)} times, first at {steps[0]:g} ms and last at {steps[-1]:g} ms" in words
    )


def test_raster_and_histogram_state_the_numbers_of_the_result() -> None:
    drive = inputs.poisson_spikes(rate=40.0, steps=500, neurons=300, seed=1).float() * 0.5
    result = simulate(drive, LIFParameters(v_th=0.3))
    counts = analysis.spike_counts(result).numpy()
    raster = describe(result, ["raster"])
    assert f"{result.total_spikes:,} spikes" in raster
    assert f"mean rate of {analysis.firing_rates(result).mean().item():.3g} Hz" in raster
    assert f"{(counts == 0).mean():.0%} of the neurons never spiked" in raster
    histogram = describe(result, ["spike_counts"])
    assert f"mean {counts.mean():.3g}, standard deviation {counts.std():.3g}" in histogram
    assert f"from {counts.min()} to {counts.max()} across 300 neurons" in histogram
    assert f"a rate of {analysis.firing_rates(result).mean().item():.3g} Hz" in histogram


def test_every_panel_has_a_description_and_options_change_it() -> None:
    assert set(PANEL_DESCRIPTIONS) == set(plot.PANELS)
    result = simulate(inputs.poisson_spikes(20.0, 300, 50, seed=0).float(), record_neurons=range(6))
    lines = describe(result, list(PANEL_DESCRIPTIONS)).split("\n")
    assert len(lines) == len(PANEL_DESCRIPTIONS) and all(lines)
    five = describe(result, ["voltage"], {"voltage": {"neurons": 5, "colors": ["#000000"]}})
    assert "neurons 0, 1, 2, 3 and 4" in five
    rate = describe(result, ["rate"], {"rate": {"bin_width": 0.05}})
    _starts, rates = analysis.population_rate(result, 0.05)
    assert rate.startswith(
        f"Population rate in 50 ms bins: mean {rates.mean():.3g} Hz, peak {rates.max():.3g} Hz"
    )


def test_describe_refuses_what_it_cannot_describe() -> None:
    with pytest.raises(ValueError, match="unknown panel"):
        describe(hand_made_run(), ["volts"])
    with pytest.raises(TypeError, match="Result"):
        describe("a result", ["voltage"])  # type: ignore[arg-type]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def luminance(color: str) -> float:
        channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_error_message_text_meets_aa_contrast() -> None:
    # axe checks the app page's notice and summary; the error message appears only after a refused change.
    color = re.search(r"color:(#[0-9a-fA-F]{6})", error_html("x")).group(1)  # type: ignore[union-attr]
    assert contrast(color, "#ffffff") >= 4.5


def test_a_notebook_figure_is_shown_with_its_description_as_alt_text() -> None:
    result = hand_made_run()
    figure = Figure()
    plot.voltage(figure.subplots(), result)
    words = describe(result, ["voltage"])
    shown = figures.DescribedFigure(figure, words)
    bundle = shown._repr_mimebundle_()
    assert bundle["text/plain"] == words
    page = bundle["text/html"]
    assert f'alt="{html.escape(words, quote=True)}"' in page
    assert "<summary style='cursor:pointer'>Describe the figure</summary>" in page
    assert shown.png.startswith(b"\x89PNG") and "data:image/png;base64," in page
    with pytest.raises(ValueError, match="in words"):
        figures.DescribedFigure(figure, " ")


def test_show_displays_once_and_closes_the_pyplot_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda *objects, **_: shown.extend(objects))
    figure, ax = plt.subplots()
    plot.raster(ax, hand_made_run())
    figures.show(figure, "A raster.")
    assert len(shown) == 1 and isinstance(shown[0], figures.DescribedFigure)
    assert not plt.fignum_exists(figure.number), "the inline backend would show it a second time"


def test_the_f_i_words_name_the_ceiling_of_a_refractory_period_only_when_there_is_one() -> None:
    x = inputs.constant_current(1.0, 500, 2)
    held = simulate(x, refractory=2e-3)
    words = describe(held, ["fi"])
    ceiling = analysis.rate_ceiling(1e-3, 2e-3)
    assert "refractory period of 2 ms" in words and f"ceiling of {ceiling:.3g} Hz" in words
    predicted = analysis.predicted_rate(float(x.mean()), held.p, held.dt, 2e-3)
    assert f"gives {predicted:.3g} Hz" in words
    assert "ceiling" not in describe(simulate(x), ["fi"])


def test_rate_curves_say_where_each_curve_starts_and_ends() -> None:
    from lifteach.describe import rate_curves

    words = rate_curves([0.0, 1.0, 2.0], {"quiet": [0.0, 0.0, 0.0], "noisy": [0.0, 3.5, 120.0]})
    assert words.startswith(
        "Firing rate (Hz) against the mean input in multiples of the rheobase, from 0 to 2:"
    )
    assert "quiet: silent throughout, 0 Hz at 2 × rheobase" in words
    assert "noisy: first fires at 1 × rheobase (3.5 Hz), 120 Hz at 2 × rheobase." in words
    with pytest.raises(ValueError, match=r"curves\['noisy'\] must hold one rate per input \(3\)"):
        rate_curves([0.0, 1.0, 2.0], {"noisy": [1.0]})


def test_cv_map_names_the_most_regular_and_irregular_points_and_the_blanks() -> None:
    from lifteach.describe import cv_map

    cvs = np.array([[np.nan, 0.9], [0.0, 0.3]])
    words = cv_map([0.5, 2.0], [0.0, 3.0], cvs)
    assert (
        "over 2 mean inputs (0.5 to 2 × rheobase) and 2 noise strengths (0 to 3 × rheobase per √ms)" in words
    )
    assert "most regular CV 0 at mean 2 and noise 0" in words
    assert "most irregular CV 0.9 at mean 0.5 and noise 3" in words
    assert "1 grid point fired too few spikes" in words
    assert "no grid point fired enough" in cv_map([1.0], [1.0], np.array([[np.nan]]))
    with pytest.raises(ValueError, match=r"cvs must have shape \(2, 2\)"):
        cv_map([0.5, 2.0], [0.0, 3.0], np.zeros(4))


def test_the_current_panel_states_each_neurons_peak_and_mean() -> None:
    result = hand_made_run()
    words = describe(result, ["current"])
    assert result.i is not None
    assert words.startswith("Synaptic current of neurons 0, 1 and 2 over 100 ms: ")
    for column in range(3):
        trace = result.i[:, column].numpy()
        peak_step = int(np.argmax(trace))
        assert (
            f"neuron {column} peaked at {trace[peak_step]:.3g} at {result.times_ms[peak_step]:.4g} ms, "
            f"mean {trace.mean():.3g}"
        ) in words
    # Worked by hand: the kick of 0.8 at step 10 is recorded after one step's decay, 0.8 x (1 - 1 ms x 200/s).
    assert "neuron 1 peaked at 0.64 at 10 ms" in words
    assert "neuron 2 peaked at 0 at 0 ms, mean 0." in words


def test_the_input_histogram_counts_input_spikes_or_sums_the_input() -> None:
    spikes = inputs.poisson_spikes(rate=50.0, steps=400, neurons=200, seed=3)
    counted = spikes.sum(0).numpy()
    words = describe(simulate(spikes), ["input_counts"])
    assert words.startswith("Histogram of input spikes per neuron: ")
    assert f"mean {counted.mean():.3g}, standard deviation {counted.std():.3g}" in words
    assert f"from {counted.min()} to {counted.max()} across 200 neurons" in words
    noisy = inputs.noisy_current(mean=0.25, std=0.1, steps=300, neurons=40, seed=0)
    totals = noisy.sum(0, dtype=torch.float64).numpy()
    words = describe(simulate(noisy), ["input_counts"])
    assert words.startswith("Histogram of summed input per neuron (model units): ")
    assert f"mean {totals.mean():.3g}, standard deviation {totals.std():.3g}" in words


def test_the_fi_curve_states_the_rheobase_and_where_the_run_lies() -> None:
    p, dt = LIFParameters(v_th=0.5), 1e-3
    unit = analysis.rheobase(LIFParameters(), dt)
    result = simulate(torch.full((500, 4), 0.6), p, dt=dt)
    words = describe(result, ["fi"])
    assert f"this neuron starts to fire above {analysis.rheobase(p, dt) / unit:.3g}" in words
    assert "starts to fire above 0.5" in words  # (0.5 - 0) x 1 ms x 200/s = 0.1, half the default 0.2
    rate = float(analysis.firing_rates(result).mean())
    assert f"mean input {0.6 / unit:.3g} and mean rate {rate:.3g} Hz" in words
    assert f"gives {analysis.predicted_rate(0.6, p, dt):.3g} Hz" in words


def test_intervals_state_the_histograms_numbers() -> None:
    result = simulate(inputs.noisy_current(mean=0.25, std=0.1, steps=1000, seed=2))
    gaps = analysis.interspike_intervals(result) * 1000
    assert gaps.size > 10
    words = describe_words.interval_histogram(result, title="noisy input")
    assert words.startswith("Histogram of the intervals between spikes of neuron 0 (noisy input): ")
    assert f"mean {gaps.mean():.3g} ms, standard deviation {gaps.std():.3g} ms" in words
    assert f"from {gaps.min():.4g} to {gaps.max():.4g} ms across {gaps.size} intervals" in words
    assert f"coefficient of variation {analysis.coefficient_of_variation(gaps):.2g}." in words
    silent = simulate(torch.zeros(50, 1))
    assert "none, the neuron spiked fewer than twice" in describe_words.interval_histogram(silent)


def test_the_circuit_words_name_every_label_of_the_drawing() -> None:
    from lifteach.plot.circuit import rc_circuit

    handle = rc_circuit(Figure().subplots())
    words = describe_words.circuit()
    for label in handle.labels.values():
        for part in label.get_text().replace("\n", " ").replace(":", "").split():
            assert part in words, f"the drawing's label word {part!r} is not in the words"


def test_any_axes_is_put_in_words_with_its_labels_ranges_and_marks() -> None:
    ax = Figure().subplots()
    assert describe_words.plotted(ax).endswith("nothing is drawn on it yet.")
    result = hand_made_run()
    steps, neurons = result.spike_indices()
    assert result.i is not None
    ax.plot(result.times_ms, result.i[:, 0].numpy())
    ax.plot(steps, neurons, "|")
    ax.set(title="mine", xlabel="time (ms)", ylabel="current i")
    words = describe_words.plotted(ax)
    low, high = ax.get_xlim()
    assert words.startswith(
        f"Plot 'mine': x axis 'time (ms)', from {low:.3g} to {high:.3g}; y axis 'current i'"
    )
    assert words.endswith(f"it shows 1 curve and {len(steps)} marks.")
    bars = Figure().subplots()
    bars.hist([1, 2, 2, 3], bins=[0.5, 1.5, 2.5, 3.5])
    assert describe_words.plotted(bars).endswith("it shows 3 bars.")
