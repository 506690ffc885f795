"""Notebook 05 in a real browser: the explorer on ipympl's canvas, zoomed with the mouse as a learner does.

Voila serves the notebook as Binder's voila/render/... does; ``%matplotlib widget`` in it puts the explorer's
figure on ipympl's canvas, drawn by ipympl's own front-end extension. The test reads the time under the mouse
from the canvas's footer (matplotlib writes it there), so it checks what a learner sees: the view they zoomed
to survives a slider move, and Home brings the whole run back.
"""

from __future__ import annotations

import re

from browser.apppage import (
    CHANGE_TIMEOUT_MS,
    TIMEOUT_MS,
    assert_no_errors,
    canvas_ink,
    picture,
    slider,
    value_box,
    wait_for_first_canvas_picture,
    wait_for_new_picture,
)
from browser.appserver import RunningApp
from conftest import SCREENSHOTS
from playwright.sync_api import Locator, Page, expect

NOTEBOOK = "05_zoom_into_a_spike.ipynb"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def settled_text(page: Page, footer: Locator, unlike: str) -> str:
    """The footer's text once it differs from ``unlike`` and stayed the same for 300 ms (mouse moves reach
    the kernel and come back as text a little later, the last one last)."""
    expect(footer).not_to_have_text(unlike or "\u0000", timeout=CHANGE_TIMEOUT_MS)
    text = footer.inner_text()
    for _ in range(50):
        page.wait_for_timeout(300)
        again = footer.inner_text()
        if again == text:
            return text
        text = again
    raise AssertionError(f"the text below the figure never settled: {text!r}")


def time_under_mouse(page: Page, footer: Locator, x: float, y: float) -> float:
    """Point at (x, y) on the page and read the time (ms) matplotlib writes below the figure."""
    # A reading 40 px to the right first, so that the reading at (x, y) is a fresh one even when it is
    # the same as the last.
    page.mouse.move(x + 40, y)
    beside = settled_text(page, footer, unlike="")
    page.mouse.move(x, y)
    numbers = NUMBER.findall(settled_text(page, footer, unlike=beside))
    assert len(numbers) >= 2, f"no coordinates below the figure: {footer.inner_text()!r}"
    return float(numbers[0])


def test_a_zoomed_view_survives_a_slider_move_and_home_brings_the_whole_run_back(
    page: Page, voila_tree: RunningApp
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{voila_tree.url}voila/render/{NOTEBOOK}", timeout=TIMEOUT_MS * 3)
    figure = page.locator(".lifteach-figure")
    canvas = figure.locator("canvas").first
    footer = figure.locator(".jupyter-matplotlib-footer")
    wait_for_first_canvas_picture(page, canvas)
    assert canvas_ink(canvas) > 0.02, "the canvas shows no figure"

    box = canvas.bounding_box()
    assert box is not None and box["width"] == 800 and box["height"] == 520
    # A point in the voltage panel (the upper half of the figure), right of the zoom box below.
    point = (box["x"] + 0.62 * box["width"], box["y"] + 0.25 * box["height"])
    whole = time_under_mouse(page, footer, *point)

    # Zoom: the square in the toolbar (shown while the mouse is over the figure), then drag a box.
    shown = picture(canvas)
    figure.hover()
    figure.locator("button[title^='Zoom to rectangle']").click()
    page.mouse.move(box["x"] + 0.30 * box["width"], box["y"] + 0.12 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.70 * box["width"], box["y"] + 0.38 * box["height"], steps=8)
    page.mouse.up()
    shown = wait_for_new_picture(page, canvas, shown)
    figure.locator("button[title^='Zoom to rectangle']").click()  # zoom off again
    zoomed = time_under_mouse(page, footer, *point)
    assert abs(zoomed - whole) > 5, f"the zoom did not change the view: {whole} ms, then {zoomed} ms"

    # A slider move re-runs the simulation; the zoomed view stays.
    summary = page.locator(".lifteach-summary").inner_text()
    handle = slider(page, "tau_mem")
    handle.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    expect(value_box(page, "tau_mem")).to_have_value("15.0")
    expect(page.locator(".lifteach-summary")).not_to_have_text(summary, timeout=CHANGE_TIMEOUT_MS)
    shown = wait_for_new_picture(page, canvas, shown)
    assert time_under_mouse(page, footer, *point) == zoomed
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    figure.screenshot(path=str(SCREENSHOTS / "interactive_canvas_zoomed_after_a_slider_move.png"))

    # Home: the whole run again.
    figure.hover()
    figure.locator("button[title='Reset original view']").click()
    wait_for_new_picture(page, canvas, shown)
    assert time_under_mouse(page, footer, *point) == whole
    assert canvas_ink(canvas) > 0.02
    assert_no_errors(page, errors)
