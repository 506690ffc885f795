"""Live Code in Chromium: tutorial 01's cells run inside its page on a Jupyter server, as `make docs-live` serves it.

The site is built for a local server with docs/live.py's settings (free ports, a new token), served from one
loopback port and the Jupyter server (docs/live.py's command, allowing only the site's origin) from another.
Every request to any other address is blocked and recorded: before Live Code none may leave the site, after it
only the Jupyter server may be added.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from appserver import RunningApp, free_port, running
from axe import report, serious_violations
from docsite import ROOT, built_live_site, docs_module
from playwright.sync_api import Locator, Page, Route, expect

TUTORIAL = "notebooks/01_simulating_and_plotting_neurons.html"
# What tutorial 01 prints after the seed's first simulation (its stored output, which nbval checks).
MAX_VOLTAGE = "'maximal voltage 0.3309 at step 125'"
# Guards against a hang: the first cell imports torch in a new kernel on a shared two-core machine.
KERNEL_MS = 300_000
CELL_MS = 180_000
EXPLORER = "from lifteach.explorer import Explorer\n\nexplorer = Explorer(interactive=False)\nexplorer"


@dataclass
class LiveSite:
    site: str
    jupyter: RunningApp


@pytest.fixture(scope="module")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    live = docs_module("live")
    token = secrets.token_urlsafe(24)
    jupyter_port = free_port()
    html = built_live_site(tmp_path_factory, live.build_environment(jupyter_port, token))
    site = live.site_server(html, 0)
    site_port = site.server_address[1]
    command = live.jupyter_server_command(jupyter_port, token, site_port)
    try:
        # Its log level is WARN: it prints no "is running at" line, so the test waits until it listens.
        with running(command, port=jupyter_port, cwd=ROOT, ready_line=None) as jupyter:
            yield LiveSite(f"{live.origin(site_port)}/", jupyter)
    finally:
        site.shutdown()
        site.server_close()


@dataclass
class Requests:
    """Requests to the site pass; to the Jupyter server only once allowed; every other one is blocked."""

    site: str
    jupyter: str
    jupyter_allowed: bool = False
    blocked: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.site) or (self.jupyter_allowed and url.startswith(self.jupyter)):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


def thebe_cell(page: Page, text: str) -> Locator:
    """The live cell (an editor with run buttons) whose code contains ``text``."""
    return page.locator("div.cell").filter(has=page.locator(".thebe-input", has_text=text)).first


def run(cell: Locator) -> None:
    cell.get_by_role("button", name="run", exact=True).click()


def test_live_code_runs_the_first_cells_and_an_explorer_on_a_local_server(
    page: Page, live_site: LiveSite, tmp_path: Path
) -> None:
    page.set_default_timeout(90_000)
    requests = Requests(live_site.site, live_site.jupyter.url)
    page.context.route("**/*", requests.route)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_site.site + TUTORIAL)
    page.wait_for_load_state("networkidle")
    assert requests.blocked == [], f"before Live Code the page asked other hosts: {requests.blocked}"
    found = serious_violations(page)
    assert not found, report(found, "tutorial 01 before Live Code")

    requests.jupyter_allowed = True
    page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
    page.get_by_role("button", name="Live Code").click()
    status = page.locator("#live-code-status")
    expect(status).to_contain_text("connecting")
    expect(page.locator("html[data-live-code=ready]")).to_be_attached(timeout=KERNEL_MS)
    expect(status).to_contain_text("the kernel is ready")
    expect(status).to_be_visible()

    # Stored outputs stay until their cell runs: the voltage figure and the stored maximum are still there.
    result = thebe_cell(page, "max_voltage = voltages.max()")
    expect(result.locator(".cell_output")).to_contain_text(MAX_VOLTAGE)
    assert page.locator("div.cell_output img").count() >= 5

    # The seed's first simulation: the imports, the neuron, its input and run, then the maximal voltage.
    for code in (
        "import matplotlib.pyplot as plt",
        "lif = LIF(record_states=True)",
        "output, states = lif(data)",
    ):
        run(thebe_cell(page, code))
    run(result)
    # A new output is thebe's text rendering (the stored one was kept as the HTML the site showed).
    fresh = result.locator(".jp-OutputArea-output.jp-RenderedText")
    expect(fresh).to_have_text(MAX_VOLTAGE, timeout=CELL_MS)
    expect(result.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']")).to_have_count(
        0
    )

    # The page is still accessible with its live cells.
    found = serious_violations(page)
    assert not found, report(found, "tutorial 01 with Live Code")

    # A learner writes an explorer into a cell: its anywidget sliders and figure render (anywidget's front end
    # from the site), and a slider moved by keys runs the model and draws a new figure.
    # The cell is found by thebe's id for it: its code is about to change.
    thebe_id = thebe_cell(page, "my_shape = ...").locator(".thebe-cell").get_attribute("data-thebe-id")
    cell = page.locator(f'div.cell:has(.thebe-cell[data-thebe-id="{thebe_id}"])')
    cell.locator(".CodeMirror").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(EXPLORER)
    run(cell)
    threshold = cell.locator(".lifteach-control-v_th")
    slider = threshold.get_by_role("slider")
    expect(slider).to_be_visible(timeout=CELL_MS)
    expect(slider).to_have_accessible_name(re.compile(r"threshold"))
    picture = cell.locator(".lifteach-figure img")
    expect(picture).to_have_attribute("alt", re.compile(r"\S"))
    old_picture = picture.get_attribute("src")
    old_value = threshold.locator(".lifteach-slider-value").input_value()
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(threshold.locator(".lifteach-slider-value")).not_to_have_value(old_value)
    expect(picture).not_to_have_attribute("src", old_picture or "", timeout=CELL_MS)
    cell.screenshot(path=tmp_path / "live-explorer.png")  # to look at: pytest's temporary folder keeps it
    # The slider's own style sheet reached this page (anywidget runs in the page, not in thebe's frame).
    assert slider.evaluate("(input) => getComputedStyle(input.closest('.lifteach-slider')).display") == "flex"
    found = serious_violations(page)
    assert not found, report(found, "tutorial 01 with a live explorer")

    assert requests.blocked == [], (
        f"Live Code asked hosts other than the site and its server: {requests.blocked}"
    )
    assert errors == [], f"JavaScript errors on the page: {errors}"
