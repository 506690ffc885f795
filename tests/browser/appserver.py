"""Start ``lifteach app`` (or Voila) in the background for tests and benchmarks, and stop it cleanly.

Used by the browser tests' fixture, tests/test_app.py, tests/test_binder.py and benchmarks/bench_app.py.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

STARTUP_TIMEOUT = 90.0

CHROMIUM = os.environ.get("LIFTEACH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    # This machine's network is closed: without these, Chromium keeps trying to reach Google's services.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def app_command(*extra: str, show_tracebacks: bool = True) -> list[str]:
    """``lifteach app`` without a browser on the port ``running`` picks ({port}), plus ``extra`` options."""
    tracebacks = ["--show-tracebacks"] if show_tracebacks else []
    return [sys.executable, "-m", "lifteach", "app", "--no-browser", *tracebacks, "--port", "{port}", *extra]


def jupyter_command(folder: Path) -> tuple[list[str], dict[str, str]]:
    """``jupyter lab`` (JupyterLab and Notebook 7) on ``folder`` without token or browser, and its environment.

    The environment gives it a fresh settings and workspace folder: no one's saved layout or dialogs.
    """
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={folder}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--ServerApp.log_level=WARN",
        "--allow-root",  # CI and these machines run as root
    ]
    environment = {
        "JUPYTERLAB_SETTINGS_DIR": str(folder / ".settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(folder),
    }
    return command, environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningApp:
    """A server running in the background: its address, its process and what it printed so far."""

    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def fetch(self, path: str = "", timeout: float = 180.0) -> str:
        """GET ``url + path`` and return the page; Voila sends it once every cell has run.

        Voila keeps a slow page's connection alive with heartbeats, so a read never times out by itself:
        ``timeout`` bounds the whole page.
        """
        deadline = time.monotonic() + timeout
        parts = []
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=30) as response:
            while chunk := response.read1(65536):
                parts.append(chunk)
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.url + path} did not finish within {timeout} s:\n{self.output}")
        return b"".join(parts).decode("utf-8")


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _pump(stream: object, lines: list[str]) -> None:
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        lines.append(line)


def _wait_listening(port: int, process: subprocess.Popen[str], lines: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}:\n{''.join(lines)}")
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"the server did not listen on port {port} within {timeout} s:\n{''.join(lines)}"
            )
        time.sleep(0.1)


@contextlib.contextmanager
def running(
    command: Sequence[str] | None = None,
    port: int | None = None,
    cwd: Path | str | None = None,
    env: dict[str, str] | None = None,
    ready_line: str | None = "is running at",
    timeout: float = STARTUP_TIMEOUT,
) -> Iterator[RunningApp]:
    """Run ``command`` (default: ``python -m lifteach app --no-browser --show-tracebacks``) on ``port``.

    ``{port}`` in the command is replaced by the port. The server runs in its own process group and is
    stopped with Ctrl-C (SIGINT to the group, as a terminal does); ``RunningApp.process.returncode`` then
    tells whether it stopped cleanly.
    """
    port = free_port() if port is None else port
    if command is None:
        command = app_command()
    command = [part.replace("{port}", str(port)) for part in command]
    # Not from the checkout by default, so that Python imports the installed package.
    process = subprocess.Popen(
        command,
        cwd=tempfile.gettempdir() if cwd is None else cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # Ctrl-C as from a terminal, even when these tests run as a background job that ignores SIGINT.
        preexec_fn=_interruptible,
    )
    lines: list[str] = []
    pump = threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True)
    pump.start()
    app = RunningApp(url=f"http://127.0.0.1:{port}/", process=process, lines=lines)
    try:
        _wait_listening(port, process, lines, timeout)
        if ready_line is not None:
            deadline = time.monotonic() + timeout
            while not any(ready_line in line for line in lines):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server never printed {ready_line!r}:\n{app.output}")
                time.sleep(0.05)
        yield app
    finally:
        stop(process)
        pump.join(timeout=5)


def stop(process: subprocess.Popen[str], timeout: float = 90.0) -> None:
    """Ctrl-C for the server's process group, then wait; kill only if it does not stop.

    The wait is long because stopping includes Voila shutting down every kernel, which on a busy two-core
    machine (CI, with the suite's earlier kernels still around) was seen to take more than 30 s."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
