"""Start the project's JupyterHub (deploy/jupyterhub) on loopback for a test, and read what it runs.

The hub runs the configuration a teacher runs, unchanged; only the settings it reads from the environment
differ (ports, a temporary homes folder, passwords made for the run, a short idle time). It is stopped at the
end even when the test fails, and any learner's server it left behind is then stopped too.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from appserver import RunningApp, free_port, running
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
HUB_FOLDER = ROOT / "deploy" / "jupyterhub"
HUB_CONFIG = HUB_FOLDER / "jupyterhub_config.py"
PROXY = HUB_FOLDER / "node_modules" / ".bin" / "configurable-http-proxy"
TEACHER = "teacher"
SERVER_MODULE = "jupyterhub.singleuser"
STARTUP_TIMEOUT_S = 120.0
# Stopping the hub stops every learner's server first; ten of them on a busy machine take a while.
STOP_TIMEOUT_S = 150.0


@dataclass
class Hub:
    """A running hub: its address, its process, and the room's passwords."""

    url: str
    app: RunningApp
    homes: Path
    password: str
    admin_password: str
    seen: dict[int, float] = field(default_factory=dict)  # every process it ran: pid -> start time

    def processes(self) -> list[psutil.Process]:
        """The hub and everything it started (proxy, culler, learners' servers and their kernels)."""
        root = psutil.Process(self.app.process.pid)
        found = [root]
        with contextlib.suppress(psutil.NoSuchProcess):
            found += root.children(recursive=True)
        for process in found:
            with contextlib.suppress(psutil.NoSuchProcess):
                self.seen.setdefault(process.pid, process.create_time())
        return found

    def servers(self) -> dict[str, psutil.Process]:
        """Each running learner's Jupyter server, by user name."""
        found = {}
        for process in self.processes():
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                if SERVER_MODULE in process.cmdline():
                    found[process.environ().get("JUPYTERHUB_USER", "?")] = process
        return found

    def memory_mb(self) -> float:
        """The hub, its proxy, its culler and every learner's server with its kernels, as PSS in MB."""
        return sum(_pss_mb(process) for process in self.processes())


def _pss_mb(process: psutil.Process) -> float:
    with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):  # a process may end as we look
        return float(process.memory_full_info().pss) / 1e6
    return 0.0


def tree_mb(process: psutil.Process) -> tuple[float, float]:
    """A learner's server with its kernels: (RSS, PSS) in MB."""
    rss = pss = 0.0
    with contextlib.suppress(psutil.NoSuchProcess):
        for member in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                info = member.memory_full_info()
                rss, pss = rss + info.rss / 1e6, pss + info.pss / 1e6
    return rss, pss


class MemoryWatch(threading.Thread):
    """Samples the hub's memory (everything it runs) twice a second and keeps the peak."""

    def __init__(self, hub: Hub) -> None:
        super().__init__(daemon=True)
        self.hub, self.peak, self.stopped = hub, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            self.peak = max(self.peak, self.hub.memory_mb())


@contextlib.contextmanager
def running_hub(state: Path, cull_idle_seconds: int) -> Iterator[Hub]:
    """deploy/jupyterhub/jupyterhub_config.py on loopback ports, with its state files in ``state``."""
    if not PROXY.exists():
        raise RuntimeError(f"{PROXY} is missing: `make hub-proxy` installs configurable-http-proxy")
    port, hub_port, proxy_api_port = free_port(), free_port(), free_port()
    homes = state / "homes"
    password, admin_password = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
    environment = {
        "LIFTEACH_HUB_PASSWORD": password,
        "LIFTEACH_HUB_ADMIN_PASSWORD": admin_password,
        "LIFTEACH_HUB_TEACHER": TEACHER,
        "LIFTEACH_HUB_URL": f"http://127.0.0.1:{port}",
        "LIFTEACH_HUB_HOMES": str(homes),
        "LIFTEACH_HUB_CULL_IDLE_SECONDS": str(cull_idle_seconds),
        # These machines run everything as root; the configuration refuses that unless told.
        "LIFTEACH_HUB_ALLOW_ROOT": "1",
    }
    command = [
        sys.executable,
        "-m",
        "jupyterhub",
        "-f",
        str(HUB_CONFIG),
        # The hub's own API and the proxy's API on free loopback ports, beside other tests' servers.
        f"--JupyterHub.hub_bind_url=http://127.0.0.1:{hub_port}",
        f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{proxy_api_port}",
    ]
    state.mkdir(parents=True, exist_ok=True)
    with running(
        command,
        port=port,
        cwd=state,  # the hub's database, cookie secret and proxy pid file
        env=environment,
        ready_line="JupyterHub is now running",
        timeout=STARTUP_TIMEOUT_S,
    ) as app:
        hub = Hub(f"http://127.0.0.1:{port}/", app, homes, password, admin_password)
        try:
            yield hub
        finally:
            hub.processes()  # remember the last ones it ran, to check below that they are gone
            _stop(hub)


def _stop(hub: Hub) -> None:
    """Stop the hub (it stops the learners' servers), then anything of it that is still running."""
    from appserver import stop

    stop(hub.app.process, timeout=STOP_TIMEOUT_S)
    # Learners' servers run in sessions of their own, so a hub killed after a timeout would leave them.
    for pid, started in hub.seen.items():
        with contextlib.suppress(psutil.NoSuchProcess):
            process = psutil.Process(pid)
            if process.create_time() == started:  # the same process, not a new one with a reused pid
                process.kill()
                process.wait(10)


def log_in(
    page: Page,
    hub: Hub,
    name: str,
    password: str | None = None,
    next_url: str = "",
    timeout_ms: float = 60_000,
) -> None:
    """Log in on the hub's login page as a person does.

    The hub then sends the page on to ``next_url``, by default to the learner's own server (spawning it).
    """
    query = f"?next={urllib.parse.quote(next_url)}" if next_url else ""
    page.goto(f"{hub.url}hub/login{query}", timeout=timeout_ms)
    page.fill("#username_input", name)
    page.fill("#password_input", hub.password if password is None else password)
    page.click("#login_submit", no_wait_after=True)


def bare_clone(source: Path, target: Path) -> str:
    """A bare clone of ``source``'s committed history at ``target``; returns its file:// URL for git."""
    subprocess.run(
        ["git", "clone", "--quiet", "--bare", "--no-local", str(source), str(target)],
        check=True,
        timeout=120,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )
    return target.as_uri()


def wait_until(condition: Callable[[], object], timeout_s: float, interval_s: float = 1.0) -> bool:
    """Call ``condition`` until it returns true or ``timeout_s`` have passed; returns the last answer."""
    deadline = time.monotonic() + timeout_s
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(interval_s)
