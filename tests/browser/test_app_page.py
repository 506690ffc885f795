"""The web app in a real browser, used the way a person uses it: open the page, move a slider with the
keyboard, type into a readout, open a link with settings in it.

Every expected summary line is computed here, in the test process, from ``lifteach.simulate`` and the
explorer's pure mapping ``simulation_arguments``: the page must show the same run.
"""

from __future__ import annotations

import contextlib
import re
import time

import psutil
import pytest
from browser.apppage import (
    CHANGE_TIMEOUT_MS,
    assert_no_errors,
    control,
    expected_summary,
    image_source,
    open_app,
    page_values,
    slider,
    value_box,
    wait_for_new_run,
)
from browser.appserver import RunningApp, app_command, running
from playwright.sync_api import Browser, Page, expect

from lifteach.explorer import CONTROLS, DEFAULT_CONTROLS, INPUT_KINDS


def test_the_page_shows_every_control_and_one_figure_and_no_error(page: Page, app_server: RunningApp) -> None:
    errors = open_app(page, app_server)
    for name in DEFAULT_CONTROLS:
        expect(control(page, name)).to_have_count(1)
        expect(control(page, name)).to_be_visible()
    expect(page.locator(".lifteach-figure")).to_have_count(1)
    expect(page.locator(".lifteach-summary")).to_have_count(1)
    # One figure in all: a second (e.g. matplotlib's own display of the same figure) would be another image.
    expect(page.locator(".jp-OutputArea-output img")).to_have_count(1)
    expect(page.locator(".lifteach-summary")).to_have_text(expected_summary({}))
    assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0, "the app must not show code"
    assert "explorer_app" not in page.inner_text("body")
    assert_no_errors(page, errors)


def test_the_threshold_slider_moves_with_the_keyboard(page: Page, app_server: RunningApp) -> None:
    errors = open_app(page, app_server)
    before = page_values(page)
    after = {**before, "v_th": round(before["v_th"] + 5 * CONTROLS["v_th"].step, 2)}
    assert expected_summary(after) != expected_summary(before), "choose a change that changes the summary"
    source, summary = image_source(page), page.locator(".lifteach-summary").inner_text()

    handle = slider(page, "v_th")
    handle.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(value_box(page, "v_th")).to_have_value(f"{after['v_th']:.2f}")
    wait_for_new_run(page, source, summary)
    assert page_values(page) == after
    assert_no_errors(page, errors)


def type_into_readout(page: Page, name: str, text: str) -> None:
    """Click a slider's value box, replace what it shows with ``text`` and press Enter, as a person types."""
    value_box(page, name).click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_typing_into_a_readout_re_runs(page: Page, app_server: RunningApp) -> None:
    errors = open_app(page, app_server)
    source, summary = image_source(page), page.locator(".lifteach-summary").inner_text()
    type_into_readout(page, "n_neurons", "250")
    wait_for_new_run(page, source, summary)
    assert re.search(r"from 25\d neurons", page.locator(".lifteach-summary").inner_text())

    # And the threshold, typed: the summary must follow again.
    source, summary = image_source(page), page.locator(".lifteach-summary").inner_text()
    type_into_readout(page, "v_th", "0.2")
    wait_for_new_run(page, source, summary)
    assert page_values(page)["v_th"] == 0.2
    assert_no_errors(page, errors)


def test_a_link_with_settings_opens_with_them(page: Page, app_server: RunningApp) -> None:
    errors = open_app(page, app_server, "?v_th=0.5&n_neurons=200&seed=3")
    values = page_values(page)
    assert (values["v_th"], values["n_neurons"], values["seed"]) == (0.5, 200, 3)
    expect(page.locator(".lifteach-summary")).to_have_text(
        expected_summary({"v_th": 0.5, "n_neurons": 200, "seed": 3})
    )
    expect(page.locator(".lifteach-query-notice")).to_have_count(0)
    assert_no_errors(page, errors)


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("?v_th=abc&n_neurons=200&seed=3", "v_th='abc' is not a number"),
        ("?v_th=50&n_neurons=200&seed=3", "v_th='50' lies outside the range 0.05 to 3"),
    ],
)
def test_a_bad_value_in_the_link_falls_back_with_a_notice(
    page: Page, app_server: RunningApp, query: str, notice: str
) -> None:
    errors = open_app(page, app_server, query)
    expect(page.locator(".lifteach-query-notice")).to_be_visible()
    expect(page.locator(".lifteach-query-notice")).to_contain_text(notice)
    values = page_values(page)
    assert values["v_th"] == CONTROLS["v_th"].default
    assert (values["n_neurons"], values["seed"]) == (200, 3)  # the good values are still used
    expect(page.locator(".lifteach-summary")).to_have_text(expected_summary({"n_neurons": 200, "seed": 3}))
    assert_no_errors(page, errors)


def test_every_input_kind_can_be_chosen(page: Page, app_server: RunningApp) -> None:
    errors = open_app(page, app_server)
    select = control(page, "input_kind").locator("select")
    for kind, label in list(INPUT_KINDS.items())[1:]:
        source = image_source(page)
        select.select_option(label=label)
        expect(page.locator(".lifteach-figure img")).not_to_have_attribute(
            "src", source, timeout=CHANGE_TIMEOUT_MS
        )
        expected = expected_summary({**page_values(page), "input_kind": kind})
        expect(page.locator(".lifteach-summary")).to_have_text(expected, timeout=CHANGE_TIMEOUT_MS)
    assert_no_errors(page, errors)


def _kernels(app: RunningApp) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(app.process.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
    return found


def test_closing_the_page_shuts_its_kernel_down(browser: Browser) -> None:
    """A closing page asks Voila to shut its kernel down; the app sets the XSRF cookie that request needs, so
    the kernel's memory comes back at once, not after the culler's ten minutes (the default kept here)."""
    with running(app_command("--no-preheat")) as server:
        context = browser.new_context()
        try:
            page = context.new_page()
            errors = open_app(page, server)
            assert_no_errors(page, errors)
            assert len(_kernels(server)) == 1
            assert "_xsrf" in {cookie["name"] for cookie in context.cookies()}
            # The context stays open: a browser sends the closing page's last request after the page is gone.
            page.close(run_before_unload=True)
            deadline = time.monotonic() + 120  # far below the ten minutes after which culling would do it
            while _kernels(server) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _kernels(server) == [], "the closed page's kernel still runs"
        finally:
            context.close()
    assert "403" not in server.output, server.output
