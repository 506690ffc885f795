"""Panels of lifteach.plot: each draws on the axes it is given and updates its artists in place."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
import pytest
import torch
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection
from matplotlib.colors import to_hex, to_rgba, to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from test_describe import contrast

from lifteach import analysis, plot
from lifteach.inputs import constant_current, poisson_spikes
from lifteach.lif import LIFParameters
from lifteach.plot._base import GHOST_ALPHA
from lifteach.simulate import Result, simulate

ALL_PANELS = sorted(plot.PANELS)

T = TypeVar("T")


def axes() -> Axes:
    figure = Figure(figsize=(5, 3))
    FigureCanvasAgg(figure)
    return figure.add_subplot()


def shown(value: T | None) -> T:
    """``value``, which the test expects to be there: an artist a panel may leave out, a trace not recorded."""
    assert value is not None
    return value


def xdata(line: Line2D) -> np.ndarray:
    return np.asarray(line.get_xdata())


def ydata(line: Line2D) -> np.ndarray:
    return np.asarray(line.get_ydata())


def draw(panel: plot.Panel) -> None:
    shown(panel.ax.get_figure(root=True)).canvas.draw()


def tiny() -> Result:
    """One neuron, 20 steps, two spikes."""
    x = torch.zeros(20, 1)
    x[2] = 2.0
    x[10] = 2.0
    return simulate(x, LIFParameters(v_th=0.3))


def silent(neurons: int = 4, steps: int = 30) -> Result:
    return simulate(torch.zeros(steps, neurons))


def population(neurons: int = 1000, steps: int = 1000, seed: int = 0, v_th: float = 0.3) -> Result:
    return simulate(poisson_spikes(10.0, steps, neurons, seed=seed), LIFParameters(v_th=v_th))


@pytest.mark.parametrize("name", ALL_PANELS)
@pytest.mark.parametrize("make", [tiny, silent], ids=["tiny", "empty"])
def test_every_panel_draws_tiny_and_empty_results_and_updates_between_them(
    name: str, make: Callable[[], Result]
) -> None:
    first = make()
    panel = plot.PANELS[name](axes(), first)
    draw(panel)
    children = len(panel.ax.get_children())
    other = silent() if make is tiny else tiny()
    panel.update(other)
    panel.update(first)
    draw(panel)
    assert panel.result is first
    assert len(panel.ax.get_children()) == children, "update must change artists, not add them"
    assert panel.ax.get_title() or panel.ax.get_title("left"), "every panel has a title"
    for artist in panel.artists:
        assert artist.axes is panel.ax


def test_panels_never_touch_pyplot() -> None:
    code = "import sys, lifteach.plot, lifteach.explorer; sys.exit('matplotlib.pyplot' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_raster_draws_one_tick_per_spike_and_keeps_its_artist() -> None:
    result = population()
    panel = plot.raster(axes(), result)
    times, neurons = panel.points.get_data()
    assert len(np.asarray(times)) == result.total_spikes > 0
    steps, expected_neurons = result.spike_indices()
    np.testing.assert_allclose(np.asarray(times), steps * 1.0)
    np.testing.assert_array_equal(np.asarray(neurons), expected_neurons)
    line = panel.points
    other = population(neurons=200, steps=500, seed=1)
    panel.update(other)
    assert panel.points is line
    assert len(xdata(panel.points)) == other.total_spikes
    assert panel.ax.get_ylim() == (-0.5, 199.5)
    assert panel.ax.get_xlim() == (0.0, 500.0)


def test_an_empty_raster_is_an_empty_raster() -> None:
    panel = plot.raster(axes(), silent(neurons=50))
    assert len(xdata(panel.points)) == 0
    assert panel.points.get_visible() and not panel.density.get_visible()
    assert not panel.note.get_visible()
    draw(panel)


def test_a_large_raster_draws_a_sample_and_says_so() -> None:
    result = simulate(poisson_spikes(20.0, 50, 100_000, seed=2), LIFParameters(v_th=0.05), record=())
    panel = plot.raster(axes(), result, max_neurons=1000)
    assert panel.shown_every == 100
    sampled = result.spikes[:, ::100]
    assert len(xdata(panel.points)) == int(sampled.sum()) > 0
    assert set(np.unique(ydata(panel.points)) % 100) == {0}
    assert panel.note.get_visible() and "every 100th neuron" in panel.note.get_text()
    assert panel.ax.get_ylim() == (-0.5, 99_999.5)


def test_a_raster_with_too_many_spikes_shows_their_density_and_says_so() -> None:
    result = population(neurons=300, steps=300, v_th=0.01)
    panel = plot.raster(axes(), result, max_points=1000)
    assert result.total_spikes > 1000
    assert panel.mode == "density" and panel.density.get_visible() and not panel.points.get_visible()
    assert float(shown(panel.density.get_array()).sum()) == result.total_spikes
    assert "darker = more spikes" in panel.note.get_text()
    panel.update(silent(neurons=300))
    assert panel.mode == "points" and not panel.note.get_visible()


def test_voltage_shows_traces_threshold_and_a_mark_per_spike() -> None:
    result = population(neurons=20, steps=400)
    panel = plot.voltage(axes(), result, neurons=2)
    assert len(panel.traces) == 2
    np.testing.assert_array_equal(ydata(panel.traces[1]), shown(result.v)[:, 1].numpy())
    np.testing.assert_allclose(xdata(panel.traces[0]), result.times_ms)
    assert list(ydata(shown(panel.threshold_line))) == [0.3, 0.3]
    for j in range(2):
        marks = np.asarray(panel.spike_marks[j].get_xdata())
        assert np.count_nonzero(~np.isnan(marks)) == 2 * int(result.spikes[:, j].sum())
    assert panel.ax.get_ylim()[1] > 0.3
    panel.update(simulate(torch.zeros(50, 1), LIFParameters(v_th=2.0)))
    assert list(ydata(shown(panel.threshold_line))) == [2.0, 2.0]
    assert "2" in shown(panel.threshold_label).get_text()
    assert len(panel.traces) == 1
    assert [text.get_text() for text in shown(panel.ax.get_legend()).get_texts()] == ["neuron 0", "threshold"]


def test_trace_panels_say_when_nothing_was_recorded() -> None:
    result = simulate(torch.zeros(10, 2), record=())
    for make in (plot.voltage, plot.current):
        panel = make(axes(), result)
        assert panel.traces == [] and panel.note.get_visible() and "recorded" in panel.note.get_text()


def test_current_traces_are_the_recorded_current() -> None:
    result = tiny()
    panel = plot.current(axes(), result)
    np.testing.assert_array_equal(ydata(panel.traces[0]), shown(result.i)[:, 0].numpy())
    assert panel.threshold_line is None


def test_spike_count_histogram_adds_up_to_the_neurons() -> None:
    result = population()
    panel = plot.spike_count_histogram(axes(), result)
    counts, _edges, _ = panel.bars.get_data()
    assert counts.sum() == 1000
    expected = np.bincount(analysis.spike_counts(result).numpy())
    np.testing.assert_array_equal(counts[: len(expected)], expected)
    assert xdata(panel.mean_line)[0] == pytest.approx(result.total_spikes / 1000)
    panel.update(population(neurons=37, steps=200))
    assert panel.bars.get_data()[0].sum() == 37


def test_wide_spike_counts_are_binned_but_still_add_up() -> None:
    result = simulate(constant_current(0.5, 1000, 3) * torch.tensor([0.1, 1.0, 3.0]))
    panel = plot.spike_count_histogram(axes(), result)
    counts, _edges, _ = panel.bars.get_data()
    assert counts.sum() == 3 and len(counts) <= 60


def test_input_count_histogram_counts_input_spikes() -> None:
    spikes = poisson_spikes(50.0, 200, 100, seed=3)
    bool_run = simulate(spikes)
    panel = plot.input_count_histogram(axes(), bool_run)
    counts, _edges, _ = panel.bars.get_data()
    assert counts.sum() == 100
    assert panel.ax.get_xlabel() == "input spikes per neuron"
    assert xdata(panel.mean_line)[0] == pytest.approx(float(spikes.sum()) / 100)
    weighted = simulate(spikes.float() * 0.5)
    panel.update(weighted)
    assert "each adds 0.5" in panel.ax.get_xlabel()
    assert xdata(panel.mean_line)[0] == pytest.approx(float(spikes.sum()) / 100)
    panel.update(simulate(constant_current(0.1, 100, 10)))
    assert panel.ax.get_xlabel().startswith("summed input")
    assert xdata(panel.mean_line)[0] == pytest.approx(10.0)
    assert panel.bars.get_data()[0].sum() == 10


def test_population_rate_is_the_analysis_psth_in_hz() -> None:
    result = population(neurons=300, steps=1000)
    panel = plot.population_rate(axes(), result, bin_width=0.02)
    rate, edges, _ = panel.line.get_data()
    starts, expected = analysis.population_rate(result, 0.02)
    np.testing.assert_allclose(rate, expected)
    np.testing.assert_allclose(edges[:-1], starts)
    assert edges[-1] == 1000.0
    assert panel.ax.get_ylabel() == "rate (Hz)"


def test_fi_curve_puts_the_closed_form_beside_simulated_points() -> None:
    result = simulate(constant_current(0.3, 300, 1), LIFParameters(v_th=0.5))
    panel = plot.fi_curve(axes(), result)
    unit = analysis.rheobase(LIFParameters(), 1e-3)
    fine, predicted = (np.asarray(a) for a in panel.prediction.get_data())
    for x, rate in list(zip(fine, predicted, strict=True))[::37]:
        assert rate == analysis.predicted_rate(float(x) * unit, result.p)
    sampled, simulated = (np.asarray(a) for a in panel.simulated.get_data())
    _, expected, _ = analysis.fi_curve(torch.from_numpy(sampled * unit), result.p)
    np.testing.assert_allclose(simulated, expected)
    assert xdata(panel.rheobase_line)[0] == pytest.approx(0.5)
    x_run, y_run = (float(np.asarray(a)[0]) for a in panel.this_run.get_data())
    assert x_run == pytest.approx(1.5)
    assert y_run == pytest.approx(result.total_spikes / 0.3)
    assert panel.ax.get_xlim()[1] >= 2.0


def test_references_are_drawn_and_removed() -> None:
    first, second = population(neurons=100, steps=300), population(neurons=100, steps=300, v_th=0.5)
    for name in ALL_PANELS:
        panel = plot.PANELS[name](axes(), second)
        before = panel.background_key()
        panel.set_reference(first)
        assert panel.reference is first
        assert panel.background_key() != before
        draw(panel)
        panel.set_reference(None)
        draw(panel)
    voltage = plot.voltage(axes(), second)
    voltage.set_reference(first)
    assert len(voltage.ghosts) == 3 and shown(voltage.ghost_threshold).get_visible()
    voltage.set_reference(None)
    assert voltage.ghosts == [] and not shown(voltage.ghost_threshold).get_visible()


def over_white(rgba: Sequence[float]) -> str:
    """The colour ``rgba`` shows as over a white background (blended as Agg does, in sRGB), as ``#rrggbb``."""
    red, green, blue, alpha = rgba
    return "#" + "".join(f"{round(255 * (alpha * c + 1 - alpha)):02x}" for c in (red, green, blue))


RGBA = tuple[float, float, float, float]


def drawn_colours(artist: Artist) -> list[RGBA]:
    """The colours (RGBA, the artist's alpha applied) that ``artist`` draws its lines or marks with."""
    if isinstance(artist, Line2D):
        return [to_rgba(artist.get_color(), artist.get_alpha())]
    if isinstance(artist, Collection | Patch):
        return [(r, g, b, a) for r, g, b, a in to_rgba_array(artist.get_edgecolor())]
    return []


def test_traces_and_references_reach_3_to_1_against_white() -> None:
    # WCAG 2.1's 1.4.11: lines and marks a reader must see need 3:1 against their background.
    for colour in plot.TRACE_COLORS:
        assert contrast(colour, "#ffffff") >= 3.0, colour
    assert len(set(plot.TRACE_COLORS)) == len(plot.TRACE_COLORS)
    assert contrast(over_white(to_rgba(plot.GHOST_COLOR, GHOST_ALPHA)), "#ffffff") >= 3.0
    # As drawn: the six traces of a voltage panel, and every artist of a kept reference in every panel.
    result = simulate(torch.full((50, 6), 0.5), LIFParameters(v_th=0.3))
    voltage = plot.voltage(axes(), result, neurons=6)
    drawn = {to_hex(drawn_colours(line)[0]).upper() for line in voltage.ax.get_lines()}
    assert drawn >= set(plot.TRACE_COLORS)
    first, second = population(neurons=100, steps=300), population(neurons=100, steps=300, v_th=0.5)
    ghost = to_rgba(plot.GHOST_COLOR)[:3]
    for name in ALL_PANELS:
        panel = plot.PANELS[name](axes(), second)
        panel.set_reference(first)
        draw(panel)
        ghosts = [
            rgba
            for artist in panel.ax.get_children()
            if artist.get_visible()
            for rgba in drawn_colours(artist)
            if rgba[:3] == ghost
        ]
        assert ghosts, f"the {name} panel draws no reference"
        for rgba in ghosts:
            assert contrast(over_white(rgba), "#ffffff") >= 3.0, (name, rgba)


def test_the_background_key_follows_the_limits_but_not_the_data() -> None:
    panel = plot.raster(axes(), population(neurons=100, steps=300))
    key = panel.background_key()
    panel.update(population(neurons=100, steps=300, seed=5))
    assert panel.background_key() == key
    panel.update(population(neurons=100, steps=400, seed=5))
    assert panel.background_key() != key


def test_panels_refuse_what_they_cannot_draw() -> None:
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot.raster(object(), tiny())  # type: ignore[arg-type]  # the wrong type, on purpose
    with pytest.raises(TypeError, match=r"Result of lifteach\.simulate"):
        plot.voltage(axes(), torch.zeros(3, 3))  # type: ignore[arg-type]  # the wrong type, on purpose
    with pytest.raises(ValueError, match="neurons must be"):
        plot.voltage(axes(), tiny(), neurons=0)
    with pytest.raises(ValueError, match="bin_width"):
        plot.population_rate(axes(), tiny(), bin_width=0)
    with pytest.raises(ValueError, match="max_neurons"):
        plot.raster(axes(), tiny(), max_neurons=0)


def test_per_neuron_parameters_get_a_note_instead_of_an_f_i_curve() -> None:
    result = simulate(constant_current(0.5, 50, 2), LIFParameters(v_th=torch.tensor([0.5, 1.0])))
    panel = plot.fi_curve(axes(), result)
    assert len(xdata(panel.prediction)) == 0
    assert "per-neuron" in panel.note.get_text()
    voltage = plot.voltage(axes(), result)
    assert "per-neuron" in shown(voltage.threshold_label).get_text()
    draw(voltage)


def test_the_f_i_panel_draws_and_names_the_ceiling_of_a_refractory_period() -> None:
    result = simulate(constant_current(3.0, 300, 1), LIFParameters(v_th=0.5), refractory=4e-3)
    panel = plot.fi_curve(axes(), result, max_input=30.0)
    ceiling = analysis.rate_ceiling(result.dt, 4e-3)
    assert ydata(panel.ceiling_line)[0] == pytest.approx(ceiling)
    assert (
        f"{ceiling:.3g} Hz" in panel.ceiling_text.get_text()
        and "1/(4 ms + dt)" in panel.ceiling_text.get_text()
    )
    # The curve is the refractory one: it flattens onto the ceiling and stays under it.
    unit = analysis.rheobase(LIFParameters(), 1e-3)
    fine, predicted = (np.asarray(a) for a in panel.prediction.get_data())
    for x, rate in list(zip(fine, predicted, strict=True))[::37]:
        assert rate == analysis.predicted_rate(float(x) * unit, result.p, refractory=4e-3)
    assert predicted.max() == pytest.approx(ceiling)
    assert panel.ax.get_ylim()[1] > ceiling
    draw(panel)
    # A run without a refractory period has no ceiling drawn, and the panel follows the change.
    panel.update(simulate(constant_current(3.0, 300, 1), LIFParameters(v_th=0.5)))
    assert np.isnan(ydata(panel.ceiling_line)[0]) and panel.ceiling_text.get_text() == ""
    assert predicted.max() < np.asarray(panel.prediction.get_ydata()).max()
    draw(panel)
