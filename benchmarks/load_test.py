"""A classroom on one server: 10 browser sessions on one ``lifteach app``, each moving a slider 20 times.

What it checks (exit status 1 if any fails):
- every session gets every update: after each round of key presses every page shows a new figure, and at the
  end each page's threshold reads the value its presses lead to and its summary is the one a simulation at
  the page's values gives;
- no kernel dies (Voila reports none, and every session's kernel lives until its page closes);
- kernels of closed pages are shut down and the server's memory comes back.

What it reports: slider-to-image latency (median, 95th percentile) under that load, the server's peak
memory (Voila and all its kernels), the memory of one app kernel once interactive, and the memory after the
pages closed. Bounded: loopback only, a fixed number of sessions and changes, a timeout on every wait.

Run: ``PYTHONPATH=tests .venv/bin/python benchmarks/load_test.py`` (or ``make load-test``); ``--sessions`` and ``--changes``
change the load. tests/load/test_classroom.py runs it in the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from browser.appserver import CHROMIUM, CHROMIUM_ARGS, RunningApp, app_command, running
from playwright.sync_api import Page, WebSocket, sync_playwright

SLIDER = ".lifteach-control-v_th input[type=range]"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
# A hang guard, not a budget: ten kernels importing torch and loading the compiled loop at once on two cores
# took over 4 minutes while other tests ran beside them.
OPEN_TIMEOUT_MS = 600_000
CHANGE_TIMEOUT_MS = 60_000
# Voila culls a kernel with no page connected once it has been idle this long. A page connects only after it
# has loaded and rendered its widgets; with ten pages opening at once that took over 80 s here, and at 30 s
# the culler stopped kernels whose pages were still loading (they never showed a slider). Three minutes
# leaves room for a busy machine; closed pages end their kernels themselves, the culler is the fallback.
CULL_AFTER_S = 180
SHUTDOWN_TIMEOUT_S = CULL_AFTER_S + 60 + 150.0  # idle limit, one look of the culler, and the stopping

# Records in the page when the figure's image changes and when the new one has been painted.
INSTRUMENT = """
() => {
  window.__shown = [];
  // The explorer's figure draws its picture into an <img> inside it (lifteach/explorer/_described.py). The
  // whole page is watched, not that one element: were the figure's view ever drawn again, its new <img> counts
  // too, as it does for the learner; window.__first says whether the first one is still on the page.
  window.__first = document.querySelector('.lifteach-figure img');
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.target.matches('.lifteach-figure img')) {
        change.target.decode().then(() => requestAnimationFrame(() => window.__shown.push(performance.now())));
      }
    }
  }).observe(document.body, {attributes: true, attributeFilter: ['src'], subtree: true});
  window.__pressed = [];
  document.querySelector('.lifteach-control-v_th input[type=range]')
    .addEventListener('keydown', () => window.__pressed.push(performance.now()), true);
}
"""


@dataclass
class _Socket:
    """What a page's websocket did, for the report of a page that stops getting updates."""

    url: str
    closed: float | None = None
    sent: list[float] = field(default_factory=list)
    received: list[float] = field(default_factory=list)


_SOCKETS: dict[int, list[_Socket]] = {}


def watch_sockets(page: Page) -> None:
    """Record the page's websockets (the kernel's among them) from now on; ``socket_story`` tells it."""
    # A fresh list: a closed page's id can be given to a new page later in the same process.
    sockets = _SOCKETS[id(page)] = []

    def opened(websocket: WebSocket) -> None:
        record = _Socket(websocket.url)
        sockets.append(record)
        websocket.on("framesent", lambda _: record.sent.append(time.monotonic()))
        websocket.on("framereceived", lambda _: record.received.append(time.monotonic()))
        websocket.on("close", lambda _: setattr(record, "closed", time.monotonic()))

    page.on("websocket", opened)


def socket_story(page: Page, since: float) -> str:
    """The page's websockets: open or when closed, and the frames each sent and received since ``since``."""
    told = []
    for record in _SOCKETS.get(id(page), []):
        state = "open" if record.closed is None else f"closed {record.closed - since:+.1f} s"
        sent = [t for t in record.sent if t >= since]
        received = [t for t in record.received if t >= since]
        last = f", last received {received[-1] - since:+.1f} s" if received else ""
        told.append(f"{record.url.split('?')[0]} ({state}): {len(sent)} sent, {len(received)} received{last}")
    return "; ".join(told) or "no websocket seen"


@dataclass
class Report:
    sessions: int
    changes: int
    latencies_s: list[float] = field(default_factory=list)
    peak_server_mb: float = 0.0
    idle_server_mb: float = 0.0
    kernel_mb: list[float] = field(default_factory=list)
    kernel_pss_mb: list[float] = field(default_factory=list)
    after_close_mb: float = 0.0
    kernels_after_close: int = 0
    close_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def table(self) -> str:
        def pct(q: float) -> float:
            ordered = sorted(self.latencies_s)
            return 1000 * ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

        lines = [
            "| measure | value |",
            "| --- | ---: |",
            f"| sessions x slider changes | {self.sessions} x {self.changes} |",
            f"| updates received / expected | {len(self.latencies_s)} / {self.sessions * self.changes} |",
            f"| slider -> new image, median | {pct(0.5):.0f} ms |",
            f"| slider -> new image, 95th percentile | {pct(0.95):.0f} ms |",
            f"| server memory before the class (Voila + preheated kernel, PSS) | {self.idle_server_mb:.0f} MB |",
            f"| server memory, peak (Voila + all kernels, PSS) | {self.peak_server_mb:.0f} MB |",
            f"| one app kernel once interactive (median RSS) | {statistics.median(self.kernel_mb):.0f} MB |",
            f"| one app kernel once interactive (median PSS) | {statistics.median(self.kernel_pss_mb):.0f} MB |",
            f"| server memory after the pages closed (PSS) | {self.after_close_mb:.0f} MB |",
            f"| kernels left after the pages closed | {self.kernels_after_close} |",
            f"| pages closed -> their kernels gone | {self.close_seconds:.0f} s |",
            f"| whole run | {self.seconds:.0f} s |",
        ]
        return "\n".join(lines)


def _kernels(server: RunningApp) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def _server_mb(server: RunningApp) -> float:
    """Memory of Voila and its kernels in MB, as proportional set size (PSS).

    RSS would count the shared libraries every kernel maps (torch alone is ~80 MB of them) once per kernel;
    PSS shares them out, so the sum is what the machine really gives the server.
    """
    total = 0
    root = psutil.Process(server.process.pid)
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):  # a kernel may end while we look
            total += process.memory_full_info().pss
    return total / 1e6


class _MemoryWatch(threading.Thread):
    """Samples the server's memory twice a second and keeps the peak."""

    def __init__(self, server: RunningApp) -> None:
        super().__init__(daemon=True)
        self.server, self.peak, self.stopped = server, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            self.peak = max(self.peak, _server_mb(self.server))


def _open_all(server: RunningApp, browser: object, sessions: int) -> list[Page]:
    pages = []
    for _ in range(sessions):  # every page starts loading before any is waited for: a class arriving
        context = browser.new_context(viewport={"width": 1280, "height": 1000})  # type: ignore[attr-defined]
        page = context.new_page()
        watch_sockets(page)
        page.goto(server.url, wait_until="commit", timeout=OPEN_TIMEOUT_MS)
        pages.append(page)
    for page in pages:
        page.locator(SLIDER).wait_for(state="visible", timeout=OPEN_TIMEOUT_MS)
        page.wait_for_function(
            "() => { const s = document.querySelector('.lifteach-summary'); return s && s.textContent.trim(); }",
            timeout=OPEN_TIMEOUT_MS,
        )
        page.evaluate(INSTRUMENT)
    return pages


def move_sliders_together(
    pages: Mapping[str, Page], changes: int, screenshot_prefix: str
) -> tuple[list[float], list[str]]:
    """Every page presses ArrowRight on its threshold slider ``changes`` times, all before any is waited for.

    Returns the key-to-new-image latencies (s) and what failed, each failure starting with the page's key. A
    page that misses an update is reported once, with where its keyboard focus was, what its message line
    said and a screenshot, and not waited for again (each wait would take ``CHANGE_TIMEOUT_MS``).
    """
    latencies: list[float] = []
    failures: list[str] = []
    for page in pages.values():
        page.locator(SLIDER).focus()
    stuck: set[str] = set()
    for round_index in range(changes):
        pressed_at = time.monotonic()
        for page in pages.values():
            page.keyboard.press("ArrowRight")
        for key, page in pages.items():
            if key in stuck:
                continue
            try:
                page.wait_for_function(
                    f"() => window.__shown.length > {round_index}", timeout=CHANGE_TIMEOUT_MS
                )
            except Exception as error:
                stuck.add(key)
                focused, message, summary, first_on_page = page.evaluate(
                    """() => [document.activeElement && document.activeElement.outerHTML.slice(0, 200),
                              (document.querySelector('.lifteach-message') || {}).textContent || '',
                              (document.querySelector('.lifteach-summary') || {}).textContent || '',
                              Boolean(window.__first && window.__first.isConnected)]"""
                )
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                shot = SCREENSHOTS / f"{screenshot_prefix}_{key}.png"
                page.screenshot(path=str(shot), full_page=True)
                failures.append(
                    f"{key} got no image for change {round_index + 1} (focus on {focused}; message "
                    f"{message.strip()[:300]!r}; summary {summary.strip()[:200]!r}; first figure image still on "
                    f"the page: {first_on_page}; websockets since the press: {socket_story(page, pressed_at)}; "
                    f"screenshot {shot}): {error}"
                )
                continue
            pressed = page.evaluate(f"() => window.__pressed[{round_index}]")
            shown = page.evaluate(f"() => window.__shown[{round_index}]")
            latencies.append((shown - pressed) / 1000.0)
    return latencies, failures


def _threshold_shown(page: Page) -> float:
    return float(page.locator(".lifteach-control-v_th .lifteach-slider-value").input_value())


def run(sessions: int = 10, changes: int = 20) -> Report:
    """Run the classroom against a fresh ``lifteach app`` and return what was measured and what failed."""
    from browser.apppage import expected_summary, page_values

    from lifteach.explorer import CONTROLS

    report = Report(sessions=sessions, changes=changes)
    started = time.monotonic()
    # Kernels of closed pages are culled after this much idle time; the default (10 min) is too long here.
    command = app_command("--cull-after", str(CULL_AFTER_S))
    with running(command) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        time.sleep(5)  # let the preheated kernel finish its imports before the baseline is read
        report.idle_server_mb = _server_mb(server)
        watch = _MemoryWatch(server)
        watch.start()
        try:
            pages = _open_all(server, browser, sessions)
            report.kernel_mb = [kernel.memory_info().rss / 1e6 for kernel in _kernels(server)]
            report.kernel_pss_mb = [kernel.memory_full_info().pss / 1e6 for kernel in _kernels(server)]
            kernel_pids = {kernel.pid for kernel in _kernels(server)}
            start_values = [_threshold_shown(page) for page in pages]
            latencies, failures = move_sliders_together(
                {str(n): page for n, page in enumerate(pages)}, changes, "load_test_session"
            )
            report.latencies_s += latencies
            report.failures += [f"session {failure}" for failure in failures]
            for number, page in enumerate(pages):
                expected_threshold = round(start_values[number] + changes * CONTROLS["v_th"].step, 2)
                if abs(_threshold_shown(page) - expected_threshold) > 1e-9:
                    report.failures.append(
                        f"session {number} shows v_th {_threshold_shown(page)}, expected {expected_threshold}"
                    )
                summary = page.locator(".lifteach-summary").inner_text().strip()
                if summary != expected_summary(page_values(page)):
                    report.failures.append(f"session {number}'s summary does not match its values: {summary}")
            alive = {kernel.pid for kernel in _kernels(server)}
            if not kernel_pids <= alive:
                report.failures.append(f"{len(kernel_pids - alive)} kernel(s) died during the class")
            contexts = [page.context for page in pages]
            for page in pages:  # each closing page asks the app to shut its kernel down
                page.close(run_before_unload=True)
            deadline = time.monotonic() + SHUTDOWN_TIMEOUT_S
            while time.monotonic() < deadline and len(_kernels(server)) > 1:
                time.sleep(1)
            report.close_seconds = SHUTDOWN_TIMEOUT_S - (deadline - time.monotonic())
            for context in contexts:  # open until now: a browser sends a closing page's last request after it
                context.close()
            time.sleep(2)
            report.kernels_after_close = len(_kernels(server))
            report.after_close_mb = _server_mb(server)
        finally:
            watch.stopped.set()
            watch.join()
            report.peak_server_mb = watch.peak
            browser.close()
        if report.after_close_mb > 1.25 * report.idle_server_mb:
            report.failures.append(
                f"memory did not come back: {report.after_close_mb:.0f} MB after the class, "
                f"{report.idle_server_mb:.0f} MB before it"
            )
        if report.close_seconds >= CULL_AFTER_S:
            report.failures.append(
                f"the closed pages' kernels took {report.close_seconds:.0f} s to go: the culler's time, so "
                "closing a page did not shut its kernel down"
            )
        if report.kernels_after_close > 1:  # the preheated kernel waiting for the next visitor may stay
            report.failures.append(f"{report.kernels_after_close} kernels still run after every page closed")
        for word in ("Kernel died", "restarting", "Traceback"):
            if word in server.output:
                report.failures.append(f"the server reported {word!r}:\n{server.output[-2000:]}")
    report.seconds = time.monotonic() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=10, help="browser sessions at once (default 10)")
    parser.add_argument("--changes", type=int, default=20, help="slider changes per session (default 20)")
    args = parser.parse_args(argv)
    report = run(args.sessions, args.changes)
    print(report.table())
    for failure in report.failures:
        print("FAILED:", failure)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
