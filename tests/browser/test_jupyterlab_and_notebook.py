"""The explorer in JupyterLab and Jupyter Notebook 7, run as a learner runs a notebook: open it, Run All Cells.

One notebook shows the explorer twice: first as it comes (its figure a PNG image), then after
``%matplotlib widget`` (its figure on ipympl's canvas). In both front ends, each must show its figure, and a
slider moved with the keyboard must re-run the simulation and change the picture.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from browser.apppage import (
    CHANGE_TIMEOUT_MS,
    TIMEOUT_MS,
    canvas_ink,
    open_notebook_and_run_all,
    picture,
    slider,
    value_box,
    wait_for_first_canvas_picture,
    wait_for_new_picture,
)
from browser.appserver import RunningApp, jupyter_command, running
from conftest import SCREENSHOTS
from playwright.sync_api import Locator, Page, expect

STORED_TUTORIAL = (
    Path(__file__).resolve().parents[2] / "notebooks" / "01_simulating_and_plotting_neurons.ipynb"
)
EXPLORER = 'Explorer(controls=["v_th", "tau_mem"], panels=["voltage", "raster"], n_neurons=200, duration=300)'


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """A Jupyter server (JupyterLab and Notebook 7) on a folder holding the test notebook."""
    folder = tmp_path_factory.mktemp("jupyter")
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(f"from lifteach.explorer import Explorer\n\n{EXPLORER}"),
            nbformat.v4.new_code_cell("%matplotlib widget"),
            nbformat.v4.new_code_cell(EXPLORER),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    # One copy per front end: each opens its own kernel (a kernel that ran %matplotlib widget keeps it).
    for name in ("lab", "notebook"):
        nbformat.write(notebook, folder / f"explorers_{name}.ipynb")
    # A tutorial as a learner opens it from a fresh clone or on Binder: with its stored outputs, untrusted.
    shutil.copy(STORED_TUTORIAL, folder / STORED_TUTORIAL.name)
    command, environment = jupyter_command(folder)
    with running(command, cwd=folder, env=environment, ready_line=None) as server:
        yield server


NOTEBOOK_7S_OWN_ERRORS = (
    # Its start-up reads a settings schema that is not there: raised with a notebook holding just `1 + 1`
    # too, with or without the extensions installed here.
    "Cannot read properties of undefined (reading 'schema')",
    # Now and then, when JupyterLab had the same server open first: Notebook 7's page has no file browser.
    "Command 'filebrowser:open-path' not registered.",
)


def notebook_7s_own(error: str) -> bool:
    """An error Notebook 7.6.5's own code raises, whatever the notebook holds."""
    message, _, stack = error.partition("\n")
    return message in NOTEBOOK_7S_OWN_ERRORS and "/static/notebook/notebook_core." in stack


def move_threshold(page: Page, explorer: Locator, figure: Locator) -> None:
    """Drag the threshold slider's handle to the right with the mouse; the figure must show a new picture.

    (The mouse, not the arrow keys: Notebook 7 takes arrow keys for moving between cells.)
    """
    before, summary = picture(figure), explorer.locator(".lifteach-summary").inner_text()
    readout = value_box(explorer, "v_th")
    expect(readout).to_have_value("0.30")
    box = slider(explorer, "v_th").bounding_box()
    assert box is not None
    # The thumb of a range input sits where its value is: 0.30 of 0.05 to 3.0.
    x, y = box["x"] + box["width"] * (0.30 - 0.05) / (3.0 - 0.05), box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y, steps=6)
    page.mouse.up()
    expect(readout).not_to_have_value("0.30")
    expect(explorer.locator(".lifteach-summary")).not_to_have_text(summary, timeout=CHANGE_TIMEOUT_MS)
    wait_for_new_picture(page, figure, before)


@pytest.mark.parametrize("front_end", ["lab/tree/explorers_lab.ipynb", "notebooks/explorers_notebook.ipynb"])
def test_the_explorer_as_image_and_on_the_canvas_in_jupyterlab_and_notebook_7(
    page: Page, jupyter: RunningApp, front_end: str
) -> None:
    errors = open_notebook_and_run_all(page, jupyter.url + front_end)

    explorers = page.locator(".jp-OutputArea-output .widget-vbox:has(.lifteach-figure)")
    expect(explorers).to_have_count(2, timeout=TIMEOUT_MS)
    image, canvas = (
        explorers.nth(0).locator(".lifteach-figure img"),
        explorers.nth(1).locator(".lifteach-figure"),
    )
    expect(image).to_have_attribute("src", re.compile("^blob:|^data:image/png"), timeout=TIMEOUT_MS)
    wait_for_first_canvas_picture(page, canvas.locator("canvas").first)
    assert canvas_ink(canvas.locator("canvas").first) > 0.02, "the canvas shows no figure"
    assert canvas.locator("button[title^='Zoom to rectangle']").count() == 1

    move_threshold(page, explorers.nth(0), image)
    move_threshold(page, explorers.nth(1), canvas)
    assert canvas_ink(canvas.locator("canvas").first) > 0.02
    text = page.locator(".jp-OutputArea").all_inner_texts()
    assert not any("Traceback" in block or "Error displaying widget" in block for block in text)
    if front_end.startswith("notebooks/"):
        errors = [error for error in errors if not notebook_7s_own(error)]
    assert errors == [], f"JavaScript errors on the page: {errors}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = "jupyterlab" if front_end.startswith("lab") else "notebook7"
    page.screenshot(path=str(SCREENSHOTS / f"explorers_in_{name}.png"), full_page=True)


def test_a_stored_tutorials_figures_show_with_their_words_in_jupyterlab(
    jupyter: RunningApp, page: Page
) -> None:
    """Opened untrusted (stored outputs, never run here), each figure is still a picture with its alt text and
    its visible description: JupyterLab's sanitizer keeps ``figures.show``'s image, alt text and disclosure."""
    stored = nbformat.read(STORED_TUTORIAL, as_version=4)
    expected = sum(
        "lifteach-described-figure" in "".join(output.get("data", {}).get("text/html", ""))
        for cell in stored.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    assert expected >= 3, "the tutorial stores its figures through figures.show"
    page.goto(jupyter.url + f"lab/tree/{STORED_TUTORIAL.name}", timeout=TIMEOUT_MS)
    images = page.locator(".jp-OutputArea-output img")
    expect(images).to_have_count(expected, timeout=TIMEOUT_MS)
    for index in range(expected):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=image.element_handle()
        )
        assert len(image.get_attribute("alt") or "") > 20, "the alt text says what the figure shows"
    expect(page.locator(".jp-OutputArea-output details")).to_have_count(expected)
    page.screenshot(path=str(SCREENSHOTS / "jupyterlab_stored_tutorial_01.png"))
