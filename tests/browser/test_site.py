"""The course website in Chromium: every page offline, its figures drawn, search working, axe content.

The site (built once per session by docsite.built_site) is served from a local HTTP server; every request to
another address is blocked and recorded, and none may be attempted.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from axe import report, serious_violations
from docsite import TUTORIALS, built_site, html_pages
from playwright.sync_api import Page, Route, expect


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    html = built_site(tmp_path_factory)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=html)
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@dataclass
class Offline:
    """A page whose requests may go only to the site; the others are blocked and recorded."""

    page: Page
    base: str
    blocked: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)  # returns once the page fired "load": its scripts and styles are in
        # Every image loaded (or failed) before anything is judged.
        self.page.wait_for_function("[...document.images].every((image) => image.complete)")


@pytest.fixture
def offline(page: Page, site_url: str) -> Iterator[Offline]:
    state = Offline(page, site_url)
    # Generous, since each wait ends as soon as its condition holds: CI shares two cores with other jobs.
    page.set_default_timeout(90_000)
    page.context.route("**/*", state.route)
    yield state
    assert state.blocked == [], f"the page tried to load from other hosts: {state.blocked}"


def site_pages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every page the build wrote (the API pages, genindex, py-modindex, search...), and search with results."""
    html = built_site(tmp_path_factory)
    pages = [page.relative_to(html).as_posix() for page in html_pages(html)]
    return [*pages, "search.html?q=rheobase"]


def test_every_page_works_offline_and_axe_finds_nothing_serious(
    offline: Offline, tmp_path_factory: pytest.TempPathFactory
) -> None:
    pages = site_pages(tmp_path_factory)
    # The pages the other tests rely on are among them, so the list cannot quietly shrink.
    assert {"docs/index.html", "genindex.html", "py-modindex.html", "docs/api/lifteach.simulate.html"} <= set(
        pages
    )
    assert {f"notebooks/{notebook.stem}.html" for notebook in TUTORIALS} <= set(pages)
    page = offline.page
    problems: list[str] = []
    for path in pages:
        if path == "index.html":
            # The site's front door only sends the reader on (a refresh at once) to docs/index.html, checked
            # in its turn.
            page.goto(offline.base + path)
            page.wait_for_url("**/docs/index.html")
            continue
        offline.open(path)
        expect(page.locator("h1:visible").first).to_be_visible()
        # Every figure was drawn: a broken image has no natural width.
        broken = page.evaluate(
            "[...document.images].filter((image) => image.naturalWidth === 0).map((i) => i.src)"
        )
        if broken:
            problems.append(f"images that did not load on {path}: {broken}")
        found = serious_violations(page)
        if found:
            problems.append(report(found, path))
    print(f"axe ran on {len(pages)} pages")
    assert problems == [], "\n\n".join(problems)


def test_tutorial_figures_are_drawn_in_the_browser(offline: Offline) -> None:
    offline.open("notebooks/01_simulating_and_plotting_neurons.html")
    figures = offline.page.locator("div.cell_output img")
    assert figures.count() >= 5
    widths = figures.evaluate_all("(images) => images.map((image) => image.naturalWidth)")
    assert min(widths) > 100


def test_search_finds_a_tutorial_offline(offline: Offline) -> None:
    offline.open("docs/index.html")
    page = offline.page
    # The sidebar's search field, as a reader would use it (Ctrl+K opens the search dialog).
    page.keyboard.press("Control+k")
    field = page.locator("#pst-search-dialog input[name=q]")
    expect(field).to_be_focused()
    field.fill("rheobase")
    field.press("Enter")
    page.wait_for_url("**/search.html?q=rheobase*")
    results = page.locator("#search-results li a")
    expect(results.first).to_be_visible(timeout=30_000)
    expect(page.locator("#search-results a[href*='03_threshold_rheobase_fi']").first).to_be_visible()


def test_the_launch_menu_opens_binder_and_the_app(offline: Offline) -> None:
    offline.open("notebooks/03_threshold_rheobase_fi.html")
    page = offline.page
    page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
    lab = page.get_by_role("link", name="JupyterLab on Binder")
    expect(page.get_by_role("button", name="Live Code")).to_be_visible(timeout=30_000)
    app = page.get_by_role("link", name="LIF explorer app")
    expect(lab).to_be_visible(timeout=30_000)
    expect(app).to_be_visible(timeout=30_000)
    assert (lab.get_attribute("href") or "").endswith(
        "urlpath=lab/tree/notebooks/03_threshold_rheobase_fi.ipynb"
    )
    assert "urlpath=voila/render/notebooks/02_lif_explorer.ipynb" in (app.get_attribute("href") or "")
    # The open menu is part of the page too.
    found = serious_violations(page)
    assert not found, report(found, "the open launch menu")


def test_the_axe_helper_reports_what_is_wrong(page: Page) -> None:
    # A page with the faults axe rates critical or serious: an image without alt text, a button without a
    # name, grey on grey text. The helper must find them and say where.
    page.set_content(
        '<html><head><title>t</title></head><body><main><h1>Faults</h1><img src="data:image/gif;base64,'
        'R0lGODlhAQABAAAAACw=" id="figure"><button id="nameless"></button>'
        '<p style="color:#bbb;background:#ccc">faint</p></main></body></html>'
    )
    found = {violation.rule: violation for violation in serious_violations(page)}
    assert {"image-alt", "button-name", "color-contrast"} <= set(found)
    assert found["image-alt"].impact == "critical"
    assert "#figure" in found["image-alt"].targets
    text = report(list(found.values()), "the test page")
    assert "image-alt" in text and "#nameless" in text and "dequeuniversity.com" in text


def test_the_site_works_from_its_files_without_a_server(
    page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # The README says to open docs/_build/html/index.html: from files, the home page and search must work.
    html = built_site(tmp_path_factory)
    offline = Offline(page, html.as_uri() + "/")
    page.set_default_timeout(90_000)
    page.context.route("**/*", offline.route)  # file:// is not routed; anything else would be recorded
    offline.open("index.html")
    page.wait_for_url("**/docs/index.html")
    expect(page.locator("h1:visible").first).to_have_text("lifteach#")
    offline.open("search.html?q=explorer")
    expect(page.locator("#search-results li a").first).to_be_visible(timeout=30_000)
    assert offline.blocked == []
