"""The notebooks: every .md/.ipynb pair in sync, stored outputs clean, figures drawn, numbers in the text true.

nbval (``pytest --nbval``, set in pyproject.toml) re-runs the notebooks and compares their outputs with the
stored ones; these tests check what nbval does not. After editing a notebook's .md, refresh the stored outputs
with ``make refresh-notebooks``.
"""

from __future__ import annotations

import base64
import itertools
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupytext.cli import jupytext

from lifteach import exercises

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
TEXT_NOTEBOOKS = sorted(NOTEBOOKS.glob("[0-9]*.md"))
STORED_NOTEBOOKS = sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
# The Voila app page (02) is not a lesson: it opens with what the app does, not with learning goals.
APP_NOTEBOOKS = ("02_lif_explorer",)
TUTORIALS = tuple(path.stem for path in TEXT_NOTEBOOKS if path.stem not in APP_NOTEBOOKS)
FIGURE_CALL = re.compile(r"\bplt\.(subplots|figure)\(")
REFRESH = "run `make refresh-notebooks` after editing a notebook's .md"
# A figure as lifteach.figures.show stores it: the PNG inline, the description as the alt text.
DESCRIBED_FIGURE = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"')


def stem(path: Path) -> str:
    return path.stem


def code_cells(path: Path) -> list[Any]:
    notebook = nbformat.read(path, as_version=4)
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def output_text(output: Any) -> str:
    """The text an output shows: a stream's text, or the text forms of a result or display."""
    if output.output_type == "stream":
        return str(output.text)
    if output.output_type == "error":
        return "\n".join(output.traceback)
    data = output.get("data", {})
    return "\n".join(str(data[kind]) for kind in ("text/plain", "text/markdown", "text/html") if kind in data)


def test_every_notebook_is_a_pair_of_md_and_ipynb() -> None:
    text = {path.stem for path in TEXT_NOTEBOOKS}
    stored = {path.stem for path in STORED_NOTEBOOKS}
    assert {
        "01_simulating_and_plotting_neurons",
        "03_threshold_rheobase_fi",
        "04_populations_and_variability",
    } <= text
    assert text == stored, f"unpaired notebooks: {sorted(text ^ stored)}; {REFRESH}"


@pytest.mark.parametrize("markdown", TEXT_NOTEBOOKS, ids=stem)
def test_pairs_are_in_sync(markdown: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `jupytext --diff` compares the cells (sources and metadata) of the two files and prints nothing when
    # they agree. Never `--sync` here: it trusts timestamps and could overwrite the .md.
    stored = markdown.with_suffix(".ipynb")
    assert stored.exists(), f"{stored.name} is missing; {REFRESH}"
    capsys.readouterr()
    jupytext(["--diff", str(markdown), str(stored)])
    difference = capsys.readouterr().out
    assert difference == "", f"{markdown.name} and {stored.name} differ; {REFRESH}:\n{difference}"


@pytest.mark.parametrize("path", [*TEXT_NOTEBOOKS, *STORED_NOTEBOOKS], ids=lambda path: path.name)
def test_the_jupytext_version_stays_out_of_the_files(path: Path) -> None:
    assert "jupytext_version" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", STORED_NOTEBOOKS, ids=stem)
def test_every_code_cell_was_run_and_stored_no_error_or_warning(path: Path) -> None:
    for index, cell in enumerate(code_cells(path)):
        where = f"{path.name}, code cell {index} ({cell.source.splitlines()[:1]})"
        assert cell.execution_count is not None, f"{where} was not executed; {REFRESH}"
        for output in cell.outputs:
            assert output.output_type != "error", f"{where} stored an error:\n{output_text(output)}"
            if output.output_type == "stream":
                assert output.name == "stdout", f"{where} wrote to stderr:\n{output.text}"
            text = output_text(output)
            for word in ("Traceback", "Warning:", "warnings.warn"):
                assert word not in text, f"{where} stored {word!r}:\n{text}"


@pytest.mark.parametrize("path", STORED_NOTEBOOKS, ids=stem)
def test_every_figure_cell_shows_its_figure_with_a_text_alternative(path: Path) -> None:
    # A cell that makes a figure (plt.subplots/plt.figure) or is tagged "figure" must show it through
    # lifteach.figures.show: an <img> of the PNG with the figure in words as its alt text. A bare image/png
    # output would reach JupyterLab, Notebook 7 and Voila as an image without alt text.
    for index, cell in enumerate(code_cells(path)):
        if FIGURE_CALL.search(cell.source) or "figure" in cell.metadata.get("tags", []):
            bare = [output for output in cell.outputs if "image/png" in output.get("data", {})]
            assert not bare, (
                f"{path.name}, code cell {index} shows a figure without alt text: use figures.show"
            )
            shown = [
                (png, alt)
                for output in cell.outputs
                for png, alt in DESCRIBED_FIGURE.findall(str(output.get("data", {}).get("text/html", "")))
            ]
            assert shown, f"{path.name}, code cell {index} makes a figure but stored none; {REFRESH}"
            for png, alt in shown:
                assert base64.b64decode(png).startswith(b"\x89PNG") and alt.strip(), (
                    f"{path.name}, code cell {index}: a figure without its picture or its words"
                )


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorials_open_with_goals_and_time(name: str) -> None:
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    opening = notebook.cells[0]
    assert opening.cell_type == "markdown"
    assert "**What you will be able to do:**" in opening.source
    assert re.search(r"\*\*Time:\*\* about \d+ minutes", opening.source)


# Numbers the narrative states as results: each must appear in the text and in a stored output, so that a
# change of the code or the seeds that changes a result cannot leave the text behind unnoticed.
CLAIMS = {
    "01_simulating_and_plotting_neurons": [
        "0.3309 at step 125",
        "124",
        "9.96 input spikes per neuron",
        "2.51 spikes per neuron",
        "129 neurons",
    ],
    "03_threshold_rheobase_fi": [
        "effective 4.48 ms",
        "effective 9.49 ms",
        "0.5000",
        "142 Hz",
        "142.9 Hz",
        "from 7 to 7 ms",
        "from rest: 142 spikes, first at step 10",
        "settled: 142 spikes, first at step 6",
        "34",
        "332",
        "(500.0, 1000.0)",
    ],
    "04_populations_and_variability": [
        "2.6 Hz",
        "18.4 Hz",
        "20.97 spikes",
        "10.48 Hz",
        "CV 0.46",
        "CV 0.94",
        "129 of 1000 neurons silent",
    ],
    "05_zoom_into_a_spike": [
        "at 49 ms, 30 spikes",
        "at 55 ms",
        "at 65 ms",
        "at 87 ms, 3 spikes",
        "recorded current 1.20, just after the jump 1.50",
        "tau_syn =  2.5 ms: no spike, 0 spikes",
        "first spike at 55 ms, 14 spikes",
        "first spike at 50 ms, 37 spikes",
        "first spike at 49 ms, 70 spikes",
    ],
    "06_noise_and_variability": [
        "kicks of spread 0.501",
        "kicks of spread 0.158",
        "their sum spreads 5.05",
        "their sum spreads 5.06",
        "it would spread 1.60",
        "the current spreads 0.78, sigma * sqrt(tau_syn / 2) = 0.79",
        "the current spreads 1.11, sigma * sqrt(tau_syn / 2) = 1.12",
        "recorded current spreads 0.67",
        "just after the jump 0.84",
        "= 0.75 (tau_eff",
        "4.48 ms)",
        "(43.4 Hz)",
        "0.0 Hz at 0.8",
        "11.6 Hz at 0.8",
        "26.8 Hz at 0.8",
        "249.8 Hz at 3",
        "228.9 Hz at 3",
        "121 neurons, 20 s each",
        "241.9 Hz, CV 0.08",
        "19.2 Hz, CV 1.04",
        "mean interval 52.1 ms, standard deviation 54.2 ms",
        "from 3 to 419 ms",
        "98.4% below 200 ms",
        "2.6% of the intervals, 9.2% for a Poisson process",
        "11.8 Hz",
        "10.4 Hz",
    ],
    "07_discrete_time_and_refractory_period": [
        "simulated: 332 spikes in 1 s",
        "whole steps: 333.3 Hz",
        "continuous time: 448.1 Hz",
        "434.8 Hz at dt = 0.1 ms",
        "effective 4.48 ms",
        "effective 9.49 ms",
        "effective 4.95 ms",
        "effective 9.95 ms",
        "effective crossing at 2.12 ms (472 Hz)",
        "(472 Hz)",
        "interval 3.00 ms, whole steps 333.3 Hz",
        "interval 2.50 ms, whole steps 400.0 Hz",
        "interval 2.40 ms, whole steps 416.7 Hz",
        "interval 2.30 ms, whole steps 434.8 Hz",
        "interval 2.24 ms, whole steps 446.4 Hz",
        "446.4 Hz",
        "explorer at dt = 0.1 ms: interval 2.3 ms",
        "x = 2.01: interval 1 ms",
        "spiked 12 times",
        "spiked 7 times",
        "199 spikes in 1 s, intervals of 5 to 5 ms",
        "closed form: 200.0 Hz",
        "closed form 333.3 Hz",
        "333.3 Hz for 2 ms",
        "166.7 Hz for 5 ms",
    ],
    "08_the_mystery_neuron": [
        "MysteryNeuron(seed=8)",
        "peaks at 0.0197 at 16 ms",
        "x = 0.2:   0 spikes",
        "x = 0.3:  37 spikes",
        "highest recorded voltage 0.440",
        "highest recorded voltage 0.881",
        "highest recorded voltage 1.060",
        "highest recorded voltage 1.064",
        "highest recorded voltage 0.909",
        "76.0 Hz, shortest interval 13 ms",
        "166.0 Hz, shortest interval 6 ms",
        "shortest interval 13 ms",
        "shortest interval 6 ms",
        "0.929 at both",
        "0.844, at 100 ms",
        "1.058, at 100 ms",
        "-1.077",
        "0.893",
    ],
    "09_one_step_at_a_time": [
        "0.1: the share of the way",
        "[11]",  # steps between spikes without a refractory period
        "[14]",  # with 3 ms
    ],
}


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_numbers_in_the_text_match_the_outputs(name: str) -> None:
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    prose = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    shown = "\n".join(
        output_text(output) for cell in code_cells(NOTEBOOKS / f"{name}.ipynb") for output in cell.outputs
    )
    for claim in CLAIMS[name]:
        found = re.search(r"\d+(\.\d+)?", claim)
        assert found is not None
        # The text may round away trailing zeros (an output's 0.5000 is 0.5 in the text).
        number = found.group().rstrip("0").rstrip(".") if "." in found.group() else found.group()
        assert number in prose, f"{name}: the text no longer states {number!r}"
        assert claim in shown, f"{name}: no output shows {claim!r}"


def test_nbval_is_part_of_the_test_command() -> None:
    # `make test` runs `pytest` with no arguments: the notebooks must be in testpaths and nbval switched on.
    pyproject = (NOTEBOOKS.parent / "pyproject.toml").read_text(encoding="utf-8")
    settings = pyproject.split("[tool.pytest.ini_options]", 1)[1]
    assert re.search(r'testpaths = \[[^\]]*"notebooks"', settings)
    assert "--nbval " in settings
    assert "--nbval-sanitize-with=notebooks/nbval_sanitize.cfg" in settings
    assert (NOTEBOOKS / "nbval_sanitize.cfg").exists()


def test_no_notebook_stores_a_solution_in_its_outputs() -> None:
    # Solutions stay out of sight until a learner asks: not even a collapsed output may hold one, because
    # GitHub, nbviewer, Voila and a website show stored outputs whatever the cell's metadata says.
    texts = {name: exercises.solution(name).text for name in exercises.EXERCISES}
    for path in STORED_NOTEBOOKS:
        for index, cell in enumerate(code_cells(path)):
            shown = "\n".join(output_text(output) for output in cell.outputs)
            for name, text in texts.items():
                assert text not in shown and f"Solution ({name})" not in shown, (
                    f"{path.name}, code cell {index} stores the solution of {name!r}"
                )
            assert not re.search(r"^\s*exercises\.solution\(", cell.source, re.MULTILINE), (
                f"{path.name}, code cell {index} calls exercises.solution: offer it as a comment instead, "
                '`# exercises.solution("name")`, which the learner uncomments and the teacher\'s edition fills in'
            )


COURSE = (
    "01_simulating_and_plotting_neurons",
    "02_lif_explorer",
    "03_threshold_rheobase_fi",
    "04_populations_and_variability",
    "05_zoom_into_a_spike",
    "06_noise_and_variability",
    "07_discrete_time_and_refractory_period",
    "08_the_mystery_neuron",
)
"""The course in order: each notebook's **Next:** links to the one after it (append new tutorials here)."""

NEXT_LINK = re.compile(r"^\*\*Next:\*\*.*?\]\(([^)]+\.ipynb)\)", re.MULTILINE | re.DOTALL)


def markdown_of(name: str) -> str:
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def test_the_course_is_one_chain_of_next_links() -> None:
    # 09 (one step at a time, the step inspector) stands beside the chain as an appendix: 08 links to it.
    assert set(COURSE) == {path.stem for path in TEXT_NOTEBOOKS} - {"09_one_step_at_a_time"}
    for here, there in itertools.pairwise(COURSE):
        links = NEXT_LINK.findall(markdown_of(here))
        assert links == [f"{there}.ipynb"], f"{here}: its **Next:** should link {there}.ipynb, got {links}"
    last = markdown_of(COURSE[-1])
    assert "**Next:**" in last
    assert NEXT_LINK.findall(last) == [], f"{COURSE[-1]} ends the course: its **Next:** links nothing"
    assert "09_one_step_at_a_time.ipynb" in last


def test_every_link_to_a_notebook_finds_it() -> None:
    for name in COURSE:
        for target in re.findall(r"\]\(([^)#:]+\.ipynb)\)", markdown_of(name)):
            assert (NOTEBOOKS / target).exists(), f"{name} links {target}, which does not exist"


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorials_name_prerequisites_and_references(name: str) -> None:
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    opening = "\n".join(cell.source for cell in notebook.cells[:3] if cell.cell_type == "markdown")
    assert "**Prerequisites:**" in opening
    text = markdown_of(name)
    assert "## References" in text and "*Neuronal Dynamics*" in text
    assert "https://neuronaldynamics.epfl.ch/online/" in text


@pytest.mark.parametrize("name", TUTORIALS)
def test_every_figure_is_described_in_the_text_after_it(name: str) -> None:
    # A figure is read by some people through its description: the Markdown cell after a figure says what it
    # shows. The learner's own plots (cells that hand their axes to a check) are exempt: the check reads them.
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for index, cell in enumerate(notebook.cells):
        if (
            cell.cell_type != "code"
            or not FIGURE_CALL.search(cell.source)
            or "exercises.check_" in cell.source
        ):
            continue
        following = notebook.cells[index + 1] if index + 1 < len(notebook.cells) else None
        assert following is not None and following.cell_type == "markdown", (
            f"{name}, cell {index} draws a figure that no text describes: add a sentence saying what it shows"
        )
        assert re.match(r"The (figure|drawing|histogram|upper panel|raster|three)", following.source), (
            f"{name}, cell {index}: the text after the figure should say what it shows, "
            f"got {following.source[:60]!r}"
        )
