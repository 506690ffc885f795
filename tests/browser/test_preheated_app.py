"""``lifteach app --preheat``: a kernel that has already imported everything waits for the next visitor, and
still opens with the settings in the page address (it asks Voila for the address once someone comes)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from browser.apppage import assert_no_errors, expected_summary, open_app, page_values
from browser.appserver import RunningApp, running
from playwright.sync_api import Page, expect

from lifteach import app


@pytest.fixture(scope="module")
def preheated_app() -> Iterator[RunningApp]:
    # Voila's own command (as `lifteach app --preheat` runs it), with its log, which says which kernel it used.
    command = app.voila_command(
        app.app_notebook(), port=0, show_tracebacks=True, preheat=True, log_level="INFO"
    )
    command = ["--port={port}" if part == "--port=0" else part for part in command]
    with running(command, ready_line="is filled with") as server:
        yield server


def test_a_preheated_kernel_opens_with_the_settings_in_the_link(
    page: Page, preheated_app: RunningApp
) -> None:
    errors = open_app(page, preheated_app, "?v_th=0.5&n_neurons=200&seed=3")
    values = page_values(page)
    assert (values["v_th"], values["n_neurons"], values["seed"]) == (0.5, 200, 3)
    expect(page.locator(".lifteach-summary")).to_have_text(
        expected_summary({"v_th": 0.5, "n_neurons": 200, "seed": 3})
    )
    assert_no_errors(page, errors)
    deadline = time.monotonic() + 10
    while "Using pre-heated kernel" not in preheated_app.output and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Using pre-heated kernel" in preheated_app.output
