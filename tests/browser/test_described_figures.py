"""Every figure has its words, in a real browser: alt text on the image and a "Describe the figure" disclosure
that the keyboard opens, on the app page and on every tutorial rendered in Voila; and axe finds no critical or
serious violation there (feedback boxes and their colours included).

The controls' names are tests/browser/test_keyboard_and_axe.py's concern; axe here holds every page to every
rule all the same.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from axe import report, serious_violations
from browser.apppage import (
    CHANGE_TIMEOUT_MS,
    TIMEOUT_MS,
    assert_no_errors,
    open_app,
    slider,
    value_box,
)
from browser.appserver import RunningApp
from browser.conftest import SCREENSHOTS
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from lifteach.explorer import CONTROLS

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _figures_in(notebook: Path) -> int:
    """How many figures the stored notebook shows: each ``lifteach.figures`` output, and each widget view (every
    widget a tutorial displays is an explorer or an inspector, one figure each)."""
    outputs = [
        output
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for output in cell.get("outputs", [])
    ]
    return sum(
        "application/vnd.jupyter.widget-view+json" in output.get("data", {})
        or "lifteach-described-figure" in "".join(output.get("data", {}).get("text/html", ""))
        for output in outputs
    )


def test_the_app_figure_has_alt_text_that_follows_a_keyboard_change(
    page: Page, app_server: RunningApp
) -> None:
    errors = open_app(page, app_server)
    image = page.locator(".lifteach-figure img")
    expect(image).not_to_have_attribute("alt", "", timeout=TIMEOUT_MS)
    before = image.get_attribute("alt") or ""
    assert before.startswith("Membrane voltage of neurons 0, 1 and 2") and "v_th = 0.3 " in before
    assert "Raster of 1,000 neurons" in before and "Histogram of spikes per neuron" in before

    slider(page, "v_th").focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    after_v_th = round(0.3 + 5 * CONTROLS["v_th"].step, 2)
    expect(value_box(page, "v_th")).to_have_value(f"{after_v_th:.2f}")
    # Each key press is a change; the words follow the last one.
    expect(image).to_have_attribute(
        "alt", re.compile(f"^Membrane voltage .* v_th = {after_v_th:g} "), timeout=CHANGE_TIMEOUT_MS
    )
    after = image.get_attribute("alt") or ""
    assert after != before

    # The disclosure: reached by Tab from the figure's neighbourhood, opened by Enter, shows the same words.
    summary = page.locator(".lifteach-figure summary")
    expect(summary).to_have_text("Describe the figure")
    summary.focus()
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    text = page.locator(".lifteach-figure .lifteach-description-text")
    expect(text).to_be_visible()
    expect(text).to_have_text(after.replace("\n", ""), timeout=CHANGE_TIMEOUT_MS)
    found = serious_violations(page)
    assert not found, report(found, "the app page")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "app_with_the_figure_described.png"), full_page=True)
    assert_no_errors(page, errors)


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("[0-9]*.ipynb")), ids=lambda path: path.stem)
def test_every_figure_in_the_notebook_in_voila_has_its_words_and_axe_finds_nothing_serious(
    page: Page, voila_tree: RunningApp, notebook: Path
) -> None:
    response = page.goto(f"{voila_tree.url}voila/render/{notebook.name}", timeout=180_000)
    assert response is not None and response.ok
    expect(page.locator(".jp-Cell").first).to_be_visible()
    # An explorer's or an inspector's picture arrives with its widget, after the page's static figures: wait
    # until every figure the stored notebook shows is on the page and has words (the assertions below say which
    # do not, if that never happens). Counting only "some figure" raced: the explorer's image could land between
    # two of the counts below.
    expected = _figures_in(notebook)
    images = page.locator(".jp-OutputArea-output img")
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            "(expected) => { const images = [...document.querySelectorAll('.jp-OutputArea-output img')];"
            " const canvases = document.querySelectorAll('.lifteach-figure.jupyter-matplotlib').length;"
            " return images.length + canvases >= expected"
            " && images.every((image) => (image.getAttribute('alt') || '').trim()); }",
            arg=expected,
            timeout=TIMEOUT_MS,
        )
    # ipympl's canvas (notebook 05 runs %matplotlib widget, and Voila has ipympl) has no alt attribute to set:
    # its words are the disclosure under it.
    canvases = page.locator(".lifteach-figure.jupyter-matplotlib").count()
    assert images.count() + canvases == expected, (
        f"{notebook.name}: {images.count()} images and {canvases} canvases where the stored notebook shows {expected}"
    )
    words = page.locator(".lifteach-description-text").evaluate_all(
        "(texts) => texts.map((text) => text.textContent)"
    )
    assert sum(1 for text in words if text.strip()) >= canvases, (
        f"{notebook.name}: a canvas without its words"
    )
    alts = images.evaluate_all("(images) => images.map((image) => image.getAttribute('alt') || '')")
    assert all(alt.strip() for alt in alts), f"{notebook.name}: figures without alt text: {alts}"
    # The words are visible too: one "Describe the figure" disclosure per figure (notebook figures shown by
    # lifteach.figures, the explorer's and the inspector's pictures, ipympl's canvas).
    disclosures = page.locator(".jp-OutputArea-output details:visible").filter(
        has=page.locator("summary", has_text="Describe the figure")
    )
    assert disclosures.count() == images.count() + canvases, (
        f"{notebook.name}: {disclosures.count()} disclosures for {images.count()} images and {canvases} canvases"
    )
    found = serious_violations(page)
    assert not found, report(found, notebook.name)
    if notebook.stem.startswith("01"):
        summary = page.locator(".lifteach-described-figure summary").first
        summary.focus()
        page.keyboard.press("Enter")
        expect(page.locator(".lifteach-described-figure details").first).to_have_attribute("open", "")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".lifteach-described-figure").first.screenshot(
            path=str(SCREENSHOTS / "notebook_01_in_voila_figure_described.png")
        )
