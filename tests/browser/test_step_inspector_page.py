"""The step inspector in the app, in a real browser: open it, tab to the step control, scrub with the arrow keys.

Every expected text is computed here, in the test process, from the core's numbers (``step_numbers`` on the
run ``simulate`` gives for the page's values) and ``step_text``: the page must write out the same step.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browser.apppage import (
    CHANGE_TIMEOUT_MS,
    TIMEOUT_MS,
    assert_no_errors,
    control,
    open_app,
    open_notebook_and_run_all,
    page_values,
    slider,
    value_box,
)
from browser.appserver import RunningApp, jupyter_command, running
from browser.test_jupyterlab_and_notebook import notebook_7s_own
from playwright.sync_api import Page, expect

from lifteach.explorer import simulation_arguments
from lifteach.inspector import step_numbers, step_text
from lifteach.inspector._figure import figure_text
from lifteach.simulate import Result, simulate

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def recorded_run(values: dict[str, Any]) -> Result:
    return simulate(**simulation_arguments(values, record=("v", "i")))


def expected_text(result: Result, step: int, neuron: int = 0) -> str:
    return step_text(step_numbers(result, neuron, step))


def shown_words(result: Result, step: int, neuron: int = 0) -> str:
    """The inspector figure's words as the disclosure shows them: one paragraph per line, no line breaks."""
    return "".join(figure_text(result, step_numbers(result, neuron, step)).split("\n"))


def first_spike(result: Result, neuron: int = 0) -> int:
    return int(result.spikes[:, neuron].nonzero()[0, 0])


def open_step_by_step(page: Page) -> None:
    page.get_by_role("button", name="Step by step").click()
    expect(page.locator(".lifteach-inspector-text")).to_be_visible(timeout=CHANGE_TIMEOUT_MS)


def test_the_step_control_scrubs_with_the_keyboard_and_the_text_follows(
    page: Page, app_server: RunningApp
) -> None:
    errors = open_app(page, app_server)
    result = recorded_run(page_values(page))
    start = first_spike(result)
    # Closed, the page has the explorer's figure alone; the inspector is made when asked for.
    expect(page.locator(".lifteach-inspector")).to_have_count(0)
    open_step_by_step(page)
    text = page.get_by_role("status", name="the step written out")
    expect(text).to_have_text(expected_text(result, start), timeout=CHANGE_TIMEOUT_MS)
    assert (
        "yes: a spike" in text.inner_text()
        and "The recorded voltage shows the reset value" in text.inner_text()
    )
    image = page.locator(".lifteach-inspector-figure img")
    expect(image).to_have_count(1)
    expect(image).to_have_attribute("alt", figure_text(result, step_numbers(result, 0, start)))
    # The figure's words are visible too: a "Describe the figure" disclosure under it, opened here by a click.
    disclosure = page.locator(".lifteach-inspector-figure details")
    expect(disclosure).to_be_visible()
    disclosure.locator("summary").click()
    words = disclosure.locator(".lifteach-description-text")
    expect(words).to_be_visible()
    expect(words).to_have_text(shown_words(result, start))

    # From the toggle, the next stop of the Tab key is the step control's handle.
    page.get_by_role("button", name="Step by step").focus()
    page.keyboard.press("Tab")
    handle = slider(page, "step")
    expect(handle).to_be_focused()
    picture = image.get_attribute("src")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(value_box(page, "step")).to_have_value(f"{start + 3}")
    expect(text).to_have_text(expected_text(result, start + 3), timeout=CHANGE_TIMEOUT_MS)
    expect(image).not_to_have_attribute("src", picture or "")
    # The alt text and the visible words say what the figure shows around the new step.
    expect(image).to_have_attribute("alt", figure_text(result, step_numbers(result, 0, start + 3)))
    expect(words).to_have_text(shown_words(result, start + 3))
    assert figure_text(result, step_numbers(result, 0, start + 3)) != figure_text(
        result, step_numbers(result, 0, start)
    )
    page.keyboard.press("ArrowLeft")
    expect(text).to_have_text(expected_text(result, start + 2), timeout=CHANGE_TIMEOUT_MS)
    # The whole inspector as people see it (the page's own screenshot stops at the window's height).
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".lifteach-inspector").screenshot(path=str(SCREENSHOTS / "step_inspector_in_the_app.png"))
    assert_no_errors(page, errors)


def test_buttons_and_the_neuron_chooser_move_the_step(page: Page, app_server: RunningApp) -> None:
    errors = open_app(page, app_server, "?n_neurons=20&input_kind=noisy")
    result = recorded_run(page_values(page))
    start = first_spike(result)
    open_step_by_step(page)
    text = page.get_by_role("status", name="the step written out")
    expect(text).to_have_text(expected_text(result, start), timeout=CHANGE_TIMEOUT_MS)
    page.get_by_role("button", name="Next").click()
    expect(text).to_have_text(expected_text(result, start + 1), timeout=CHANGE_TIMEOUT_MS)
    page.get_by_role("button", name="Previous").click()
    page.get_by_role("button", name="Previous").click()
    expect(text).to_have_text(expected_text(result, start - 1), timeout=CHANGE_TIMEOUT_MS)
    control(page, "neuron").locator("select").select_option(label="neuron 2")
    expect(text).to_have_text(expected_text(result, start - 1, neuron=2), timeout=CHANGE_TIMEOUT_MS)
    assert_no_errors(page, errors)


def test_an_open_inspector_follows_the_explorers_settings(page: Page, app_server: RunningApp) -> None:
    errors = open_app(page, app_server)
    before = page_values(page)
    start = first_spike(recorded_run(before))
    open_step_by_step(page)
    text = page.get_by_role("status", name="the step written out")
    expect(text).to_contain_text(f"Step {start} (t = {start} ms)", timeout=CHANGE_TIMEOUT_MS)
    handle = slider(page, "v_th")
    handle.focus()
    page.keyboard.press("ArrowRight")
    after = {**before, "v_th": round(before["v_th"] + 0.01, 2)}
    expect(value_box(page, "v_th")).to_have_value(f"{after['v_th']:.2f}")
    # The same step, of the run with the new threshold.
    expect(text).to_have_text(expected_text(recorded_run(after), start), timeout=TIMEOUT_MS)
    assert f"> {after['v_th']:.4f}?" in text.inner_text()
    assert_no_errors(page, errors)


# --- in JupyterLab and Notebook 7 ------------------------------------------------------------------------

NOTEBOOK_VALUES = {"input_kind": "constant", "scale": 1.5, "v_th": 1.0, "n_neurons": 1, "duration": 100}


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """A Jupyter server on a folder holding a notebook that shows a step inspector (one copy per front end)."""
    folder = tmp_path_factory.mktemp("jupyter")
    arguments = ", ".join(f"{name}={value!r}" for name, value in NOTEBOOK_VALUES.items())
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                f"from lifteach.inspector import StepInspector\n\nStepInspector({arguments})"
            )
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    for name in ("lab", "notebook"):
        nbformat.write(notebook, folder / f"inspector_{name}.ipynb")
    command, environment = jupyter_command(folder)
    with running(command, cwd=folder, env=environment, ready_line=None) as server:
        yield server


@pytest.mark.parametrize("front_end", ["lab/tree/inspector_lab.ipynb", "notebooks/inspector_notebook.ipynb"])
def test_the_inspector_in_jupyterlab_and_notebook_7(page: Page, jupyter: RunningApp, front_end: str) -> None:
    errors = open_notebook_and_run_all(page, jupyter.url + front_end)

    result = recorded_run(NOTEBOOK_VALUES)
    start = first_spike(result)
    text = page.locator(".lifteach-inspector-text")
    expect(text).to_have_text(expected_text(result, start), timeout=TIMEOUT_MS)
    expect(page.locator(".lifteach-inspector-figure img")).to_have_attribute(
        "src", re.compile("^blob:|^data:image/png"), timeout=TIMEOUT_MS
    )
    # Buttons, not arrow keys: Notebook 7 takes arrow keys for moving between cells.
    page.get_by_role("button", name="Next").click()
    expect(text).to_have_text(expected_text(result, start + 1), timeout=CHANGE_TIMEOUT_MS)
    page.get_by_role("button", name="Previous").click()
    page.get_by_role("button", name="Previous").click()
    expect(text).to_have_text(expected_text(result, start - 1), timeout=CHANGE_TIMEOUT_MS)
    blocks = page.locator(".jp-OutputArea").all_inner_texts()
    assert not any("Traceback" in block or "Error displaying widget" in block for block in blocks)
    if front_end.startswith("notebooks/"):
        errors = [error for error in errors if not notebook_7s_own(error)]
    assert errors == [], f"JavaScript errors on the page: {errors}"
