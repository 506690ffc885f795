"""Browser tests: Debian's Chromium, driven by pytest-playwright, against ``lifteach app`` on a free port.

``playwright install`` cannot download browsers here, so the tests launch /usr/bin/chromium (``make chromium``
installs it). A missing browser fails the tests: it is never a reason to skip them.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser.appserver import CHROMIUM, CHROMIUM_ARGS, RunningApp, app_command, running
from playwright.sync_api import Browser, BrowserType, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium is missing ({CHROMIUM}); install it with `make chromium` (apt-get install chromium). "
            "The browser tests never skip.",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": {"width": 1280, "height": 1500}}


# pytest-playwright keeps Playwright (and with it a running asyncio loop in the main thread) for the whole
# session; later tests that call asyncio.run() would then fail. Here it lives for one test module only.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as session:
        yield session


@pytest.fixture(scope="module")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    browser_type: BrowserType = getattr(playwright, browser_name)
    return browser_type


@pytest.fixture(scope="module")
def launch_browser(
    browser_type_launch_args: dict[str, Any], browser_type: BrowserType
) -> Callable[..., Browser]:
    def launch(**options: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **options})

    return launch


@pytest.fixture(scope="module")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def app_server() -> Iterator[RunningApp]:
    """``lifteach app --no-browser --show-tracebacks`` on a free port, for the whole session."""
    # Each test's page gets a kernel; culling those of closed pages after a minute keeps the rest of the
    # suite from running beside a dozen idle kernels.
    command = app_command("--cull-after", "60")
    with running(command) as server:
        yield server
    assert server.process.returncode == 0, f"the app did not stop cleanly:\n{server.output}"


@pytest.fixture(autouse=True)
def screenshot(request: pytest.FixtureRequest) -> Iterator[None]:
    """Save what the page looked like at the end of every browser test, for people to look at."""
    if "page" not in request.fixturenames:
        yield
        return
    page: Page = request.getfixturevalue("page")  # set up first, so that it is still open below
    yield
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    if not page.is_closed():
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


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
