"""Every notebook in notebooks/ renders in Voila (as on Binder's voila/render/...) without an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser.appserver import RunningApp
from playwright.sync_api import Page, expect

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
CELL_ERROR = "There was an error when executing cell"


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
