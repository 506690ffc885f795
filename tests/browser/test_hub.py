"""A class on JupyterHub: the project's hub (deploy/jupyterhub) on loopback, ten learners in Chromium.

One hub serves the whole module, in the order a class goes: ten learners log in at once with the room's
password, each hub spawns the learner's own Jupyter server, whose default page is the explorer in Voila; each
moves the threshold slider, all at once (as benchmarks/load_test.py does on one `lifteach app`). Then: one
learner cannot open another's server, the hub's API answers nobody without a token, an nbgitpuller link puts
the tutorials into a learner's home and opens notebook 01 in JupyterLab, and once the pages are closed the
idle culler stops every server and their memory comes back.

What must hold is asserted; latencies and memory are printed in the load test's form, never asserted: this
machine is shared. About 4 minutes.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from apppage import expected_summary, page_values
from conftest import ROOT, SCREENSHOTS
from hubserver import TEACHER, Hub, MemoryWatch, bare_clone, log_in, running_hub, tree_mb, wait_until
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

sys.path.insert(0, str(ROOT / "benchmarks"))

# The load test's own instruments and key presses, so that the figures compare.
from load_test import INSTRUMENT, SLIDER, move_sliders_together, watch_sockets

from lifteach.explorer import CONTROLS

LEARNERS = [f"learner-{number}" for number in range(10)]
CHANGES = 10  # slider presses per learner
# A learner's server is stopped after this long unused. Shorter would risk stopping a server whose first
# page is still being made on a busy machine (the kernel imports torch without a word for many seconds).
CULL_IDLE_S = 60
OPEN_TIMEOUT_MS = 420_000  # ten servers spawning and ten kernels importing torch at once, on two cores
STALLED_S = 20.0  # a waiting page whose server has answered this long has lost its progress stream
CULL_TIMEOUT_S = CULL_IDLE_S + 180.0  # the culler looks every 10 s; stopping ten servers takes a while
TUTORIAL = "notebooks/01_simulating_and_plotting_neurons.ipynb"


@dataclass
class Classroom:
    hub: Hub
    repo_url: str
    pages: dict[str, Page] = field(default_factory=dict)
    latencies_s: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    idle_hub_mb: float = 0.0
    class_mb: float = 0.0
    server_rss_mb: list[float] = field(default_factory=list)
    server_pss_mb: list[float] = field(default_factory=list)
    server_alone_rss_mb: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    open_s: float = 0.0
    restarts: list[str] = field(default_factory=list)
    watch: MemoryWatch | None = None

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_s)
        return 1000 * ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _open_class(classroom: Classroom, browser: Browser) -> None:
    """Every learner logs in before any page is waited for: a class arriving."""
    hub = classroom.hub
    for name in LEARNERS:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        watch_sockets(page)
        log_in(page, hub, name)
        classroom.pages[name] = page
    for name, page in classroom.pages.items():
        try:
            _wait_for_the_explorer_page(classroom, name, page)
            page.locator(SLIDER).wait_for(state="visible", timeout=OPEN_TIMEOUT_MS)
            page.wait_for_function(
                "() => { const s = document.querySelector('.lifteach-summary');"
                " return s && s.textContent.trim(); }",
                timeout=OPEN_TIMEOUT_MS,
            )
        except Exception as error:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"hub_{name}_not_open.png"))
            said = [line for line in hub.app.lines if name in line]
            raise AssertionError(
                f"{name}'s explorer did not open: the page is at {page.url} and says "
                f"{page.locator('body').inner_text()[:600]!r}; the hub said of {name}:\n{''.join(said[-30:])}"
            ) from error
        page.evaluate(INSTRUMENT)


def _wait_for_the_explorer_page(classroom: Classroom, name: str, page: Page) -> None:
    """Wait until the hub sends the learner on to the server's default page, the explorer in Voila.

    On this busy machine the hub's waiting page ("Your server is starting up") was seen to stay at 0 % for
    minutes once in a few runs, while the server itself had started: its progress stream never reached the
    page. A learner whose server answers while the page still waits reloads it, which sends them on; so does
    this test, once the server has answered for ``STALLED_S`` (time for the page's own stream to move it on),
    and the report counts it.
    """
    deadline = time.monotonic() + OPEN_TIMEOUT_MS / 1000
    explorer = f"**/user/{name}/voila/render/explorer.ipynb*"
    server_up_since: float | None = None
    while True:
        try:
            page.wait_for_url(explorer, wait_until="commit", timeout=5_000)
            return
        except PlaywrightTimeoutError:
            if time.monotonic() > deadline:
                raise
            if "/hub/spawn-pending/" not in page.url:
                continue  # logging in, or on the way to the explorer
            if not _server_answers(classroom.hub, name):
                server_up_since = None
                continue
            server_up_since = server_up_since or time.monotonic()
            if time.monotonic() - server_up_since >= STALLED_S:
                classroom.restarts.append(name)
                server_up_since = None
                page.reload(wait_until="commit", timeout=OPEN_TIMEOUT_MS)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer in itself here, not a page to follow


def _server_answers(hub: Hub, name: str) -> bool:
    """Whether the proxy sends ``/user/<name>/`` to the learner's running server (it does once the hub has
    seen the server start; until then the hub answers with a redirect). The server's ``/api`` (its version)
    answers without a login."""
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(f"{hub.url}user/{name}/api", timeout=60) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):  # HTTPError (a redirect, 503) is a URLError
        return False


def _threshold_shown(page: Page) -> float:
    return float(page.locator(".lifteach-control-v_th .lifteach-slider-value").input_value())


def _move_sliders(classroom: Classroom) -> None:
    pages = classroom.pages
    start_values = {name: _threshold_shown(page) for name, page in pages.items()}
    latencies, failures = move_sliders_together(pages, CHANGES, "hub")
    classroom.latencies_s += latencies
    classroom.failures += failures
    for name, page in pages.items():
        expected = round(start_values[name] + CHANGES * CONTROLS["v_th"].step, 2)
        if abs(_threshold_shown(page) - expected) > 1e-9:
            classroom.failures.append(f"{name} shows v_th {_threshold_shown(page)}, expected {expected}")
        summary = page.locator(".lifteach-summary").inner_text().strip()
        if summary != expected_summary(page_values(page)):
            classroom.failures.append(f"{name}'s summary does not match its values: {summary}")


@pytest.fixture(scope="module")
def classroom(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Classroom]:
    """The hub with ten learners who have each moved a slider ``CHANGES`` times."""
    state = tmp_path_factory.mktemp("hub")
    # nbgitpuller pulls from a git URL: here a bare clone of this checkout, which a teacher replaces by the
    # repository's public address (docs/classroom.md).
    # Named as the public repository is (no .git): nbgitpuller names the learner's folder after it.
    repo_url = bare_clone(ROOT, state / "git" / "lifteach")
    with running_hub(state / "hub", CULL_IDLE_S) as hub:
        classroom = Classroom(hub, repo_url)
        time.sleep(2)  # the culler's first look at the hub, before the baseline is read
        classroom.idle_hub_mb = hub.memory_mb()
        classroom.watch = MemoryWatch(hub)
        classroom.watch.start()
        try:
            _open_class(classroom, browser)
            classroom.open_s = time.monotonic() - classroom.started
            # The control for the stalled-page rule above: every learner's server answers through the proxy.
            for name in LEARNERS:
                if not _server_answers(hub, name):
                    classroom.failures.append(f"{name}'s server does not answer at /user/{name}/api")
            servers = hub.servers()
            for name in LEARNERS:
                if name not in servers:
                    classroom.failures.append(f"{name} has no server running")
                    continue
                rss, pss = tree_mb(servers[name])
                classroom.server_alone_rss_mb.append(servers[name].memory_info().rss / 1e6)
                classroom.server_rss_mb.append(rss)
                classroom.server_pss_mb.append(pss)
            pids = {name: process.pid for name, process in servers.items()}
            _move_sliders(classroom)
            classroom.class_mb = hub.memory_mb()
            alive = {name: process.pid for name, process in hub.servers().items()}
            for name, pid in pids.items():
                if alive.get(name) != pid:
                    classroom.failures.append(f"{name}'s server died during the class")
            for word in ("Kernel died", "restarting", "Traceback"):
                if word in hub.app.output:
                    classroom.failures.append(f"the hub reported {word!r}:\n{hub.app.output[-3000:]}")
            # Two learners stay for the tests below; the others leave now, so that their servers' idle time
            # runs while those tests do.
            for name in LEARNERS[2:]:
                classroom.pages[name].context.close()
            yield classroom
        finally:
            classroom.watch.stopped.set()
            classroom.watch.join()
            for page in classroom.pages.values():
                if not page.is_closed():
                    page.context.close()


def test_ten_learners_on_the_hub_move_sliders_and_get_every_update(classroom: Classroom) -> None:
    page = classroom.pages[LEARNERS[0]]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "hub_learner_explorer.png"), full_page=True)
    print(
        "\n".join(
            [
                "| measure | value |",
                "| --- | ---: |",
                f"| learners x slider changes | {len(LEARNERS)} x {CHANGES} |",
                f"| updates received / expected | {len(classroom.latencies_s)} / {len(LEARNERS) * CHANGES} |",
                f"| slider -> new image, median | {classroom.pct(0.5):.0f} ms |",
                f"| slider -> new image, 95th percentile | {classroom.pct(0.95):.0f} ms |",
                f"| hub before the class (hub + proxy + culler, PSS) | {classroom.idle_hub_mb:.0f} MB |",
                f"| hub with the class (all servers and kernels, PSS) | {classroom.class_mb:.0f} MB |",
                f"| one learner's server + kernel once interactive (median RSS) | {statistics.median(classroom.server_rss_mb):.0f} MB |",
                f"| one learner's server + kernel once interactive (median PSS) | {statistics.median(classroom.server_pss_mb):.0f} MB |",
                f"| of which the Jupyter server without its kernel (median RSS) | {statistics.median(classroom.server_alone_rss_mb):.0f} MB |",
                f"| learners who reloaded a waiting page whose server had started | {len(classroom.restarts)} |",
                f"| hub start to every learner's explorer interactive | {classroom.open_s:.0f} s |",
                f"| class so far | {time.monotonic() - classroom.started:.0f} s |",
            ]
        )
    )
    # A page left without updates: what the learners' servers said of kernels and websockets, to tell a
    # dropped connection from a silent kernel.
    kernel_lines = [
        line for line in classroom.hub.app.lines if "kernel" in line.lower() or "websocket" in line.lower()
    ]
    assert classroom.failures == [], "\n".join(
        [*classroom.failures, "the servers said:", *kernel_lines[-40:]]
    )
    assert len(classroom.latencies_s) == len(LEARNERS) * CHANGES


def _status(url: str, cookie_page: Page | None = None, headers: dict[str, str] | None = None) -> int:
    """The status of a GET, with a browser context's cookies (``cookie_page``) or with plain urllib."""
    if cookie_page is not None:
        return cookie_page.context.request.get(url, headers=headers).status
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_a_learner_cannot_open_another_learners_server(classroom: Classroom) -> None:
    hub, me, other = classroom.hub, LEARNERS[0], LEARNERS[1]
    page = classroom.pages[me]
    assert set(hub.servers()) >= {me, other}, "both servers must be running for this to mean anything"
    # The control: my own server answers me.
    assert _status(f"{hub.url}user/{me}/api/status", page) == 200
    # Another learner's server: its API, its files, and its explorer page opened in my browser.
    for path in ("api/status", "api/contents", "files/explorer.ipynb", "lab"):
        assert _status(f"{hub.url}user/{other}/{path}", page) == 403, path
    visit = page.context.new_page()
    response = visit.goto(f"{hub.url}user/{other}/voila/render/explorer.ipynb", timeout=120_000)
    assert response is not None
    assert response.status == 403, f"{visit.url} answered {response.status}"
    assert visit.locator(".lifteach-figure").count() == 0
    visit.close()


def test_the_hubs_api_answers_only_with_a_token(classroom: Classroom, browser: Browser) -> None:
    hub, learner = classroom.hub, classroom.pages[LEARNERS[0]]
    users = f"{hub.url}hub/api/users"
    # The control: the teacher (an admin, logged in with the admin password) makes a token, which works.
    context = browser.new_context()
    teacher = context.new_page()
    log_in(teacher, hub, TEACHER, hub.admin_password, next_url="/hub/home")
    expect(teacher.locator("#start")).to_be_visible(timeout=60_000)  # the home page's "Start My Server"
    made = teacher.evaluate(
        """async url => {
            const response = await fetch(url, {method: 'POST', body: JSON.stringify({expires_in: 600}),
                headers: {'X-XSRFToken': window.jhdata.xsrf_token, 'Content-Type': 'application/json'}});
            return [response.status, await response.json()];
        }""",
        f"{hub.url}hub/api/users/{TEACHER}/tokens",
    )
    assert made[0] == 201, made
    token = made[1]["token"]
    request = urllib.request.Request(users, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        names = {user["name"] for user in json.load(response)}
    assert set(LEARNERS) <= names
    context.close()
    # Without a token: nobody, a learner's browser, a made-up token; and the admin's actions too.
    assert _status(users) == 403
    assert _status(users, learner) == 403
    assert _status(users, headers={"Authorization": "token not-a-token"}) == 403
    for path in (f"hub/api/users/{LEARNERS[1]}", "hub/api/proxy", f"hub/api/users/{LEARNERS[1]}/tokens"):
        assert _status(hub.url + path) == 403, path
        # The hub tells a learner that another learner does not exist (404) rather than that it is forbidden.
        assert _status(hub.url + path, learner) in (403, 404), path
    stop = urllib.request.Request(f"{hub.url}hub/api/users/{LEARNERS[1]}/server", method="DELETE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(stop, timeout=60)
    assert refused.value.code == 403
    assert LEARNERS[1] in hub.servers()


def test_an_nbgitpuller_link_puts_the_tutorials_in_a_home_and_opens_notebook_01(
    classroom: Classroom,
) -> None:
    hub, name = classroom.hub, LEARNERS[0]
    page = classroom.pages[name]
    # The link a teacher hands out (docs/classroom.md), with this checkout's clone as the repository.
    query = urllib.parse.urlencode({"repo": classroom.repo_url, "urlpath": f"lab/tree/lifteach/{TUTORIAL}"})
    page.goto(f"{hub.url}hub/user-redirect/git-pull?{query}", timeout=120_000)
    page.wait_for_url(f"**/user/{name}/lab/tree/lifteach/{TUTORIAL}", timeout=180_000)
    tab = page.locator(".lm-TabBar-tab.jp-mod-current .lm-TabBar-tabLabel")
    expect(tab).to_have_text(Path(TUTORIAL).name, timeout=180_000)
    # Its first cell, as the learner reads it (JupyterLab adds a "¶" link to the heading).
    title = nbformat.read(ROOT / TUTORIAL, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
    heading = page.locator(".jp-NotebookPanel:visible .jp-MarkdownOutput h1").first
    expect(heading).to_contain_text(title, timeout=120_000)
    expect(page.get_by_text("Would you like to get notified about official Jupyter news?")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "hub_learner_tutorial_01.png"))
    pulled = hub.homes / name / "lifteach" / "notebooks"
    for notebook in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        assert (pulled / notebook.name).read_bytes() == notebook.read_bytes(), notebook.name


def test_idle_servers_are_culled_and_their_memory_comes_back(classroom: Classroom) -> None:
    hub = classroom.hub
    for page in classroom.pages.values():  # the rest of the class leaves
        if not page.is_closed():
            page.context.close()
    left = time.monotonic()
    wait_until(lambda: not hub.servers(), CULL_TIMEOUT_S, interval_s=2)
    culled_after_s = time.monotonic() - left
    time.sleep(2)
    after_mb = hub.memory_mb()
    print(
        f"\n| hub with the class at work (PSS) | {classroom.class_mb:.0f} MB |"
        f"\n| hub after culling (PSS) | {after_mb:.0f} MB |"
        f"\n| memory returned by culling | {classroom.class_mb - after_mb:.0f} MB |"
        f"\n| hub before the class (PSS) | {classroom.idle_hub_mb:.0f} MB |"
        f"\n| hub, peak during the class (PSS) | {classroom.watch.peak if classroom.watch else 0:.0f} MB |"
        f"\n| last servers culled after the last learners left (idle limit {CULL_IDLE_S} s) | {culled_after_s:.0f} s |"
        f"\n| whole run | {time.monotonic() - classroom.started:.0f} s |"
    )
    assert hub.servers() == {}, f"still running after {CULL_TIMEOUT_S:.0f} s: {sorted(hub.servers())}"
    for name in LEARNERS:  # stopped by the culler for being idle, not by anything else
        assert f"Culling server {name} (inactive for" in hub.app.output, name
        assert not _server_answers(hub, name), f"{name}'s server still answers after culling"
    assert after_mb <= 1.25 * classroom.idle_hub_mb, (
        f"memory did not come back: {after_mb:.0f} MB after culling, {classroom.idle_hub_mb:.0f} MB before the class"
    )
