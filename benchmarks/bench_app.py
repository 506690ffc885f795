"""The web app's speed as a person meets it, measured in Chromium.

1. Opening the page: from asking for the address to interactive controls (the threshold slider and the
   figure on screen), on a server that has just started (the first visit is the coldest) and on later visits;
   without a preheated kernel (``lifteach app --no-preheat``), and with one (the default; measured once the
   waiting kernel has finished its imports).
2. Moving a slider: from the key press on the threshold slider to the new figure decoded and painted,
   20 changes one after the other (median and 90th percentile). Beside it, the explorer's own time per change
   in this process (simulation + redraw + PNG), to show how much is the kernel and how much the way there and
   back.

Targets on this machine (issue 5): under 6 s cold to interactive, under 250 ms median slider-to-image.

Run: ``PYTHONPATH=tests .venv/bin/python benchmarks/bench_app.py`` (tests/ holds the server helpers) (prints a Markdown table for docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import psutil
from browser.appserver import CHROMIUM, CHROMIUM_ARGS, RunningApp, app_command, running
from playwright.sync_api import Browser, Page, sync_playwright

INTERACTIVE = ".lifteach-control-v_th input[type=range]"

# Records, in the page, when the figure's image changes and when the new one has been decoded and painted.
INSTRUMENT = """
() => {
  window.__shown = [];
  const img = document.querySelector('.lifteach-figure img');
  new MutationObserver(() => {
    const changed = performance.now();
    img.decode().then(() => requestAnimationFrame(() => window.__shown.push({changed, painted: performance.now()})));
  }).observe(img, {attributes: true, attributeFilter: ['src']});
  const handle = document.querySelector('.lifteach-control-v_th input[type=range]');
  handle.addEventListener('keydown', () => { window.__pressed = performance.now(); }, true);
}
"""


def _open(browser: Browser, url: str) -> tuple[float, Page]:
    """Seconds from asking for ``url`` to interactive controls, and the page (in its own browser context)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=120_000)
    page.locator(INTERACTIVE).wait_for(state="visible", timeout=120_000)
    page.wait_for_function(
        "() => { const img = document.querySelector('.lifteach-figure img');"
        " return img && img.complete && img.naturalWidth > 0; }",
        timeout=120_000,
    )
    return time.perf_counter() - start, page


def _close(page: Page) -> None:
    context = page.context
    page.close()  # Voila shuts the page's kernel down when it is left
    context.close()


def _open_cold(browser: Browser, server: RunningApp, visits: int) -> list[float]:
    times = []
    for _ in range(visits):
        seconds, page = _open(browser, server.url)
        times.append(seconds)
        _close(page)
    return times


def _kernels_settled(server: RunningApp, timeout: float = 120.0) -> None:
    """Wait until Voila's kernels stopped working: a preheated kernel is ready once it idles at the request."""
    deadline = time.monotonic() + timeout
    watched: dict[int, psutil.Process] = {}
    quiet = 0
    while quiet < 4 and time.monotonic() < deadline:
        time.sleep(0.5)
        for child in psutil.Process(server.process.pid).children(recursive=True):
            try:
                is_kernel = "ipykernel" in " ".join(child.cmdline())
            except psutil.Error:  # gone, or a zombie about to be reaped
                continue
            if child.pid not in watched and is_kernel:
                watched[child.pid] = child
                child.cpu_percent(interval=None)  # the first reading only starts the measurement
                quiet = -1
        busy = 0.0
        for pid, kernel in list(watched.items()):
            try:
                busy += kernel.cpu_percent(interval=None)
            except psutil.Error:
                del watched[pid]
        quiet = quiet + 1 if watched and busy < 5.0 else 0


def _open_preheated(browser: Browser, server: RunningApp, visits: int) -> list[float]:
    times = []
    for _ in range(visits):
        _kernels_settled(server)
        seconds, page = _open(browser, server.url)
        times.append(seconds)
        _close(page)
        time.sleep(2.0)  # Voila refills its pool a second after a kernel was taken
    return times


def _slider_to_image(page: Page, changes: int) -> list[float]:
    page.evaluate(INSTRUMENT)
    page.locator(INTERACTIVE).focus()
    latencies = []
    for index in range(changes):
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => window.__shown.length > {index}", timeout=30_000)
        mark: dict[str, float] = page.evaluate(f"() => window.__shown[{index}]")
        pressed: float = page.evaluate("() => window.__pressed")
        latencies.append((mark["painted"] - pressed) / 1000.0)
    return latencies


def _kernel_side(changes: int) -> list[float]:
    """The explorer's own time per threshold change in this process (what the kernel spends)."""
    from lifteach.explorer import Explorer

    explorer = Explorer()
    times = []
    v_th = explorer.controls["v_th"].value
    for _ in range(changes):
        v_th = round(v_th + 0.01, 2)
        start = time.perf_counter()
        explorer.controls["v_th"].value = v_th
        times.append(time.perf_counter() - start)
    explorer.close()
    return times


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visits", type=int, default=3, help="page openings per server (default 3)")
    parser.add_argument("--changes", type=int, default=20, help="slider changes (default 20)")
    args = parser.parse_args(argv)

    rows: list[tuple[str, str, str]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            lifteach_app = app_command(show_tracebacks=False)
            with running([*lifteach_app, "--no-preheat"]) as server:
                cold = _open_cold(browser, server, args.visits)
                _, page = _open(browser, server.url)
                latencies = _slider_to_image(page, args.changes)
                _close(page)
            with running(lifteach_app) as server:  # preheated: the default
                preheated = _open_preheated(browser, server, args.visits)
        finally:
            browser.close()
    kernel = _kernel_side(args.changes)

    rows.append(("open the app, first visit after start (cold)", f"{cold[0]:.2f} s", "< 6 s"))
    if len(cold) > 1:
        rows.append(
            (
                f"open the app, later visits (median of {len(cold) - 1})",
                f"{statistics.median(cold[1:]):.2f} s",
                "",
            )
        )
    rows.append(
        (
            f"open the app, preheated kernel (median of {len(preheated)})",
            f"{statistics.median(preheated):.2f} s",
            "",
        )
    )
    rows.append(
        (
            f"slider key press -> new figure painted (median of {len(latencies)})",
            f"{1000 * statistics.median(latencies):.0f} ms",
            "< 250 ms",
        )
    )
    rows.append(
        ("slider key press -> new figure painted (90th percentile)", f"{1000 * _p90(latencies):.0f} ms", "")
    )
    rows.append(
        (
            "of which the explorer in the kernel (median, same change in this process)",
            f"{1000 * statistics.median(kernel):.0f} ms",
            "",
        )
    )
    print("| measured in Chromium | time | target |")
    print("| --- | ---: | --- |")
    for what, value, target in rows:
        print(f"| {what} | {value} | {target} |")
    print(
        f"\nall cold openings: {', '.join(f'{t:.2f}' for t in cold)} s; preheated: "
        f"{', '.join(f'{t:.2f}' for t in preheated)} s"
    )
    print(f"slider-to-image, ms: {', '.join(f'{1000 * t:.0f}' for t in latencies)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
