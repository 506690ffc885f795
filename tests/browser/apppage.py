"""What the browser tests read from the app page, and the summary they expect (computed in this process)."""

from __future__ import annotations

from typing import Any

from appserver import RunningApp
from playwright.sync_api import Locator, Page, expect

from lifteach.explorer import CONTROLS, DEFAULT_CONTROLS, simulation_arguments, summary_text
from lifteach.simulate import simulate

CELL_ERROR = "There was an error when executing cell"
TIMEOUT_MS = 60_000  # the first visit starts a kernel that imports torch
CHANGE_TIMEOUT_MS = 15_000


def expected_summary(values: dict[str, Any]) -> str:
    return summary_text(simulate(**simulation_arguments(values)))


def control(page: Page, name: str) -> Locator:
    return page.locator(f".lifteach-control-{name}")


def open_app(page: Page, app: RunningApp, query: str = "") -> list[str]:
    """Open the app and wait for its figure; returns the list that collects the page's JavaScript errors."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(app.url + query, timeout=TIMEOUT_MS)
    expect(page.locator(".lifteach-figure")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".lifteach-summary")).not_to_be_empty(timeout=TIMEOUT_MS)
    return errors


def assert_no_errors(page: Page, errors: list[str]) -> None:
    text = page.content()
    assert CELL_ERROR not in text
    assert "Traceback" not in text
    assert "Error displaying widget" not in text
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0, (
        "a warning is shown"
    )
    assert errors == [], f"JavaScript errors on the page: {errors}"


def page_values(page: Page) -> dict[str, Any]:
    """The value every control shows, read from the page as a person reads it."""
    values: dict[str, Any] = {}
    for name in DEFAULT_CONTROLS:
        spec = CONTROLS[name]
        widget = control(page, name)
        if spec.kind == "choice":
            label = widget.locator("select").input_value()  # the option's value is its label
            values[name] = next(key for key, text in spec.options.items() if text == label)
        elif widget.locator(".widget-readout").count():
            text = widget.locator(".widget-readout").inner_text()
            values[name] = int(text) if spec.kind == "int" else float(text)
        else:
            values[name] = int(widget.locator("input").input_value())
    return values


def image_source(page: Page) -> str:
    source = page.locator(".lifteach-figure").get_attribute("src")
    assert source, "the figure has no image"
    return source


def wait_for_new_run(page: Page, old_source: str, old_summary: str) -> str:
    """Wait until the figure and the summary both changed and the summary is that of the values shown."""
    expect(page.locator(".lifteach-figure")).not_to_have_attribute(
        "src", old_source, timeout=CHANGE_TIMEOUT_MS
    )
    summary = page.locator(".lifteach-summary")
    expect(summary).not_to_have_text(old_summary, timeout=CHANGE_TIMEOUT_MS)
    values = page_values(page)
    expected = expected_summary(values)
    expect(summary).to_have_text(expected, timeout=CHANGE_TIMEOUT_MS)
    return expected
