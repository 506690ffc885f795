"""What the browser tests read from the app page, and the summary they expect (computed in this process)."""

from __future__ import annotations

from typing import Any

from browser.appserver import RunningApp
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from lifteach.explorer import CONTROLS, DEFAULT_CONTROLS, simulation_arguments, summary_text
from lifteach.simulate import simulate

CELL_ERROR = "There was an error when executing cell"
# Guards against a hang, not budgets: the tests wait on what the page shows, and on a busy two-core machine
# (CI, other test servers, other learners' kernels) a kernel that imports torch was seen to need minutes.
TIMEOUT_MS = 300_000  # the first visit starts a kernel that imports torch
CHANGE_TIMEOUT_MS = 60_000  # one change: a simulation and a render, queued behind whatever else runs


def expected_summary(values: dict[str, Any]) -> str:
    return summary_text(simulate(**simulation_arguments(values)))


def control(page: Page, name: str) -> Locator:
    return page.locator(f".lifteach-control-{name}")


def slider(page: Page | Locator, name: str) -> Locator:
    """Control ``name``'s range input (``lifteach.explorer.slider``): focus it and press keys to move it."""
    return page.locator(f".lifteach-control-{name} input[type=range]")


def value_box(page: Page | Locator, name: str) -> Locator:
    """Control ``name``'s typed value: the number it shows, and where a person types one."""
    return page.locator(f".lifteach-control-{name} .lifteach-slider-value")


def shown_value(page: Page | Locator, name: str) -> str:
    """The value a slider shows in its box (while the box has no focus: what a person typed is not shown yet)."""
    return value_box(page, name).input_value().strip()


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
            values[name] = next(key for key, text in spec.options.items() if text == label)  # type: ignore[union-attr]  # a choice has options
        elif widget.locator(".lifteach-slider-value").count():
            text = shown_value(page, name)
            values[name] = int(text) if spec.kind == "int" else float(text)
        else:
            values[name] = int(widget.locator("input").input_value())
    return values


def image_source(page: Page) -> str:
    source = page.locator(".lifteach-figure img").get_attribute("src")
    assert source, "the figure has no image"
    return source


def wait_for_new_run(page: Page, old_source: str, old_summary: str) -> str:
    """Wait until the figure and the summary both changed and the summary is that of the values shown."""
    expect(page.locator(".lifteach-figure img")).not_to_have_attribute(
        "src", old_source, timeout=CHANGE_TIMEOUT_MS
    )
    summary = page.locator(".lifteach-summary")
    expect(summary).not_to_have_text(old_summary, timeout=CHANGE_TIMEOUT_MS)
    values = page_values(page)
    expected = expected_summary(values)
    expect(summary).to_have_text(expected, timeout=CHANGE_TIMEOUT_MS)
    return expected


# --- the figure on ipympl's canvas (notebooks with %matplotlib widget) ----------------------------------

_PICTURE = (
    "figure => { const canvas = figure.tagName === 'CANVAS' ? figure : figure.querySelector('canvas');"
    " const image = figure.tagName === 'IMG' ? figure : figure.querySelector('img');"
    " return canvas ? canvas.toDataURL() : image && image.src; }"
)


def picture(figure: Locator) -> str:
    """What a figure shows: an image's source, or a canvas's pixels as a data URL (new with each picture).

    ``figure`` is the ``.lifteach-figure`` element (an image or ipympl's canvas widget) or a canvas.
    """
    shown: str | None = figure.evaluate(_PICTURE)
    assert shown, "the figure shows nothing"
    return shown


def wait_for_new_picture(page: Page, figure: Locator, old: str) -> str:
    page.wait_for_function(
        f"([figure, old]) => ({_PICTURE})(figure) !== old",
        arg=[figure.element_handle(), old],
        timeout=CHANGE_TIMEOUT_MS,
    )
    return picture(figure)


def canvas_ink(canvas: Locator) -> float:
    """The share of a canvas's pixels that are not white: 0 for an empty canvas."""
    share: float = canvas.evaluate(
        """canvas => {
            if (canvas.width === 0) return 0;
            const {data} = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
            let inked = 0;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) inked++;
            }
            return inked / (data.length / 4);
        }"""
    )
    return share


def wait_for_first_canvas_picture(page: Page, canvas: Locator) -> None:
    """Wait until ipympl's canvas is shown and has a picture on it."""
    expect(canvas).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_function(
        "canvas => canvas.width > 0 && canvas.toDataURL() !== document.createElement('canvas').toDataURL()",
        arg=canvas.element_handle(),
        timeout=TIMEOUT_MS,
    )
    page.wait_for_timeout(500)  # the first picture lands in a frame


def run_all_cells(page: Page) -> None:
    """Run All Cells, as a learner does: again if no cell started (JupyterLab, its kernel shown idle just after
    opening, was seen to drop the first request: every prompt stayed ``[ ]``)."""
    started = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                       .some(prompt => /\\[(\\*|\\d+)\\]/.test(prompt.textContent))"""
    for attempt in range(3):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(started, timeout=60_000)
            return
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise


def open_notebook_and_run_all(page: Page, url: str) -> list[str]:
    """Open a notebook in JupyterLab or Notebook 7, wait for its kernel, Run All; returns the list that collects
    the page's JavaScript errors (with their stacks)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{error}\n{error.stack}"))
    page.goto(url, timeout=TIMEOUT_MS)
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    run_all_cells(page)
    return errors
