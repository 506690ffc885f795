"""Every notebook in notebooks/ renders in Voila (as on Binder's voila/render/...) without an error."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from appserver import RunningApp, running
from playwright.sync_api import Page, expect

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
CELL_ERROR = "There was an error when executing cell"


@pytest.fixture(scope="module")
def voila_tree() -> Iterator[RunningApp]:
    """Voila serving the notebooks folder, with tracebacks shown and sources stripped, as the app is served."""
    command = [
        sys.executable,
        "-m",
        "voila",
        str(NOTEBOOKS),
        "--no-browser",
        "--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.log_level=WARN",
        "--show_tracebacks=True",
        "--strip_sources=True",
    ]
    with running(command, cwd=NOTEBOOKS, ready_line=None) as server:
        yield server


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda path: path.stem)
def test_the_notebook_renders_in_voila_without_error(
    page: Page, voila_tree: RunningApp, notebook: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The page arrives once every cell has run (Voila streams it while the kernel executes).
    response = page.goto(f"{voila_tree.url}voila/render/{notebook.name}", timeout=180_000)
    assert response is not None and response.ok
    expect(page.locator(".jp-Cell").first).to_be_visible()
    text = page.content()
    assert CELL_ERROR not in text
    assert "Traceback" not in text
    assert "Error displaying widget" not in text
    assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0, "sources must be stripped"
    assert errors == [], f"JavaScript errors on the page: {errors}"
