"""The LIF explorer as a web app: ``lifteach app`` serves the packaged app notebook through Voila.

Two halves live here. The server half (``serve``) runs in the ``lifteach`` command: it starts Voila on the
notebook that ships inside the package (``lifteach/notebooks/explorer.ipynb``), prints the address, opens the
browser and stops Voila cleanly on Ctrl-C. The page half (``explorer_app``) runs inside the app notebook's
kernel: it reads initial control values from the page address (``...?v_th=0.5&n_neurons=200&seed=3``), so
that a teacher can hand out a link to a prepared state, and builds the explorer from them.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

__all__ = [
    "CSS_PREFIX",
    "DEFAULT_IP",
    "DEFAULT_PORT",
    "ExplorerApp",
    "app_notebook",
    "explorer_app",
    "is_loopback",
    "query_values",
    "serve",
    "voila_command",
]

DEFAULT_IP = "127.0.0.1"
DEFAULT_PORT = 8866

CULL_IDLE_SECONDS = 600
"""A kernel that no page is connected to is shut down after this long idle (s): a closed page or a class that
has left must not hold ~300 MB per learner. Ten minutes let a laptop that slept briefly come back to its page."""

_STARTUP_TIMEOUT = 60.0
"""Seconds to wait for Voila to listen before giving up."""


# ---------------------------------------------------------------------------------------------------------
# The server half: the `lifteach app` command.


def app_notebook() -> Path:
    """The app notebook that ships inside the package (works after ``pip install``, not only in a checkout)."""
    path = Path(str(resources.files("lifteach") / "notebooks" / "explorer.ipynb"))
    if not path.is_file():
        raise FileNotFoundError(
            f"the app notebook {path} is missing from the installed package; reinstall lifteach "
            "(pip install --force-reinstall lifteach) or, in a checkout, run `pip install -e .`."
        )
    return path


def is_loopback(ip: str) -> bool:
    """True when ``ip`` (an address or a host name) only reaches this computer."""
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(ip, None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses)


def _host_for_url(ip: str) -> str:
    """The host part of the address people open: listening on every interface is reached locally."""
    if ip in ("", "0.0.0.0"):
        return "127.0.0.1"
    if ip == "::":
        return "[::1]"
    return f"[{ip}]" if ":" in ip else ip


def app_url(ip: str = DEFAULT_IP, port: int = DEFAULT_PORT) -> str:
    return f"http://{_host_for_url(ip)}:{port}/"


def voila_command(
    notebook: Path | str,
    ip: str = DEFAULT_IP,
    port: int = DEFAULT_PORT,
    show_tracebacks: bool = False,
    preheat: bool = False,
    cull_idle_seconds: int = CULL_IDLE_SECONDS,
    cull_interval_seconds: int = 60,
    log_level: str = "WARN",
) -> list[str]:
    """The Voila command line that serves ``notebook``.

    Sources are stripped (learners see the app, not the code). A cell that fails shows Voila's "There was an
    error when executing cell" message, or with ``show_tracebacks`` the Python traceback itself, which the
    browser tests look for. ``preheat`` keeps one kernel that has already run the notebook's imports waiting
    for the next visitor. Kernels idle for ``cull_idle_seconds`` are shut down.
    """
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",  # `serve` opens the browser itself, once the server listens
        f"--port={port}",
        f"--Voila.ip={ip}",
        # Voila would silently move to another port; the address we print must be the one served.
        "--Voila.port_retries=0",
        f"--Voila.log_level={log_level}",
        "--strip_sources=True",
        f"--show_tracebacks={show_tracebacks}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_seconds}",
        f"--MappingKernelManager.cull_interval={cull_interval_seconds}",
        # A page with a live widget connection is in use even when nobody moves a slider.
        "--MappingKernelManager.cull_connected=False",
    ]
    if os.name == "posix":
        # Kernels talk to Voila over Unix sockets in Voila's private folder rather than over open TCP ports
        # (which ipykernel warns about at every start).
        command.append("--KernelManager.transport=ipc")
    if preheat:
        command += ["--preheat_kernel=True", "--pool_size=1"]
    return command


def _port_is_free(ip: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Same option as tornado's listen, so a port in TIME_WAIT after a previous run counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError:
            return False
    return True


def _listening(ip: str, port: int) -> bool:
    host = _host_for_url(ip).strip("[]")
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _open_browser(url: str) -> None:
    """Open ``url`` in a graphical browser; text browsers would take over the terminal Voila logs to."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        browser = None
    if browser is None or (
        isinstance(browser, webbrowser.GenericBrowser)
        and not isinstance(browser, webbrowser.BackgroundBrowser)
    ):
        print("No graphical browser found: open the address above in yours.", flush=True)
        return
    threading.Thread(target=browser.open, args=(url,), daemon=True).start()


def _stop(process: subprocess.Popen[Any], timeout: float = 30.0) -> None:
    """Ask Voila to stop (it then shuts its kernels down), and insist if it does not."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # Voila stops its loop and shuts kernels down on SIGTERM
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve(
    ip: str = DEFAULT_IP,
    port: int = DEFAULT_PORT,
    open_browser: bool = True,
    show_tracebacks: bool = False,
    preheat: bool = True,
    notebook: Path | str | None = None,
    extra_args: Sequence[str] = (),
    cull_idle_seconds: int = CULL_IDLE_SECONDS,
) -> int:
    """Serve the explorer app until Ctrl-C; returns the exit status (0 after Ctrl-C).

    Voila runs as a child process in its own session, so that Ctrl-C reaches only this process, which then
    stops Voila once and waits for it: no traceback from either.
    """
    notebook = app_notebook() if notebook is None else Path(notebook)
    url = app_url(ip, port)
    if not is_loopback(ip):
        print(
            f"Warning: listening on {ip!r}, so other computers that can reach this one can open the app, and "
            "every visitor runs simulations on this computer. Use --ip 127.0.0.1 to keep it private.",
            file=sys.stderr,
            flush=True,
        )
    if not _port_is_free(ip, port):
        print(
            f"Port {port} on {ip} is already in use (another `lifteach app`?). Stop that one, or choose another "
            f"port: lifteach app --port {port + 1}",
            file=sys.stderr,
            flush=True,
        )
        return 1
    command = [
        *voila_command(
            notebook,
            ip,
            port,
            show_tracebacks,
            preheat,
            cull_idle_seconds=cull_idle_seconds,
            cull_interval_seconds=max(1, min(60, cull_idle_seconds // 2)),  # look often enough to honour it
        ),
        *extra_args,
    ]
    env = dict(os.environ)
    if preheat and ip not in ("", "0.0.0.0", "::", "localhost"):
        # A preheated kernel asks Voila for the page's address on this interface (default: 127.0.0.1).
        env["VOILA_APP_IP"] = ip
    # Voila's log (and its kernels') passes through here, so that it can be silenced while they shut down.
    process = subprocess.Popen(
        command, env=env, start_new_session=True, stderr=subprocess.PIPE, text=True, errors="replace"
    )
    log = _Relay(process.stderr)
    previous_term = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    # Ctrl-C must stop the app even when it was started from a shell that ignores SIGINT in the children it
    # runs in the background (Python then installs no KeyboardInterrupt handler of its own).
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while not _listening(ip, port):
            if process.poll() is not None:
                print(
                    f"Voila stopped before it served the app (exit status {process.returncode}).",
                    file=sys.stderr,
                )
                return process.returncode or 1
            if time.monotonic() > deadline:
                print(f"Voila did not start listening within {_STARTUP_TIMEOUT:.0f} s.", file=sys.stderr)
                _stop(process)
                return 1
            time.sleep(0.1)
        print(f"The LIF explorer is running at {url}  (press Ctrl-C to stop)", flush=True)
        if open_browser:
            _open_browser(url)
        status = process.wait()
        print(f"Voila stopped (exit status {status}).", file=sys.stderr)
        return status
    except KeyboardInterrupt:
        print("\nStopping the LIF explorer...", flush=True)
        # A kernel stopped in the middle of its work (the preheated one waits for a visitor) reports it;
        # that is not news to someone who pressed Ctrl-C.
        log.mute()
        with _ignoring_interrupts():
            _stop(process)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)
        if process.poll() is None:  # an unexpected error above: never leave Voila running
            _stop(process)
        log.join(timeout=5)


class _Relay(threading.Thread):
    """Copies a child's log to our stderr, line by line, until muted."""

    def __init__(self, stream: Any) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.muted = threading.Event()
        self.start()

    def mute(self) -> None:
        self.muted.set()

    def run(self) -> None:
        for line in iter(self.stream.readline, ""):
            if not self.muted.is_set():
                sys.stderr.write(line)
                sys.stderr.flush()


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _ignoring_interrupts() -> Any:
    """A second Ctrl-C while Voila shuts down must not leave its kernels behind or print a traceback."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# ---------------------------------------------------------------------------------------------------------
# The page half: runs in the app notebook's kernel.

CSS_PREFIX = "lifteach-"
"""The app marks its parts with CSS classes (``lifteach-control-v_th``, ``lifteach-figure``,
``lifteach-summary``, ``lifteach-message``, ``lifteach-query-notice``) so that tests and custom styles can
find them."""


def query_string() -> str:
    """The query part of the page's address (``v_th=0.5&seed=3``), or "" outside Voila.

    Voila hands the address to the kernel in the environment variable ``QUERY_STRING``. A preheated kernel
    (``lifteach app`` preheats one by default) has run the imports before anyone asked for the page, so it first
    waits for the request.
    """
    if os.environ.get("VOILA_PREHEAT") == "True":
        _wait_for_visitor()
    return os.environ.get("QUERY_STRING", "")


def _wait_for_visitor() -> None:
    """Block until Voila gives this preheated kernel a visitor, then put the request's details in the environment.

    This is what ``voila.utils.wait_for_request`` does, but importing that module loads Voila's server side
    into every kernel (44 MB each); Voila's side of it is one JSON message on the websocket
    ``voila/query/<kernel id>``, which the small ``websockets`` client (a Voila dependency) reads here.
    """
    import json

    from websockets.sync.client import connect

    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    host = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", str(DEFAULT_PORT))
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    url = f"{protocol}://{host}:{port}{base}voila/query/{os.environ.get('VOILA_KERNEL_ID', '')}"
    with connect(url, open_timeout=10) as connection:
        request = connection.recv()  # no timeout: a preheated kernel waits as long as it takes
    for key, value in json.loads(request).items():
        os.environ[key] = str(value)


def _convert(name: str, text: str, spec: Any) -> object:
    """``text`` as a value of the control ``spec`` (a ``lifteach.explorer.ControlSpec``), or ValueError."""
    shown = f"{name}={text!r}"
    if spec.kind == "choice":
        wanted = text.strip().lower()
        for value, label in spec.options.items():
            if wanted in (str(value).lower(), str(label).lower()):
                return value
            if isinstance(value, float):
                with contextlib.suppress(ValueError):
                    if float(wanted) == value:
                        return value
        allowed = ", ".join(f"{value} ({label})" for value, label in spec.options.items())
        raise ValueError(f"{shown} is not one of: {allowed}")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{shown} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{shown} is not a finite number")
    if spec.kind == "int" and not number.is_integer():
        raise ValueError(f"{shown} is not a whole number")
    if not spec.low <= number <= spec.high:
        raise ValueError(f"{shown} lies outside the range {spec.low:g} to {spec.high:g}")
    return int(number) if spec.kind == "int" else number


def query_values(query: str, specs: Mapping[str, Any]) -> tuple[dict[str, object], list[str]]:
    """Initial control values from a page query such as ``v_th=0.5&n_neurons=200&seed=3``.

    Args:
        query: the query part of the address, with or without the leading ``?``.
        specs: the controls by name, each with ``kind``, ``low``, ``high`` and ``options`` (as
            ``lifteach.explorer.CONTROLS``).

    Returns:
        The valid values, read as each control's kind and checked against its range or choices, and one
        notice per value left out (unknown name, not a number, out of range): the app then starts from the
        default for those and shows the notices.
    """
    values: dict[str, object] = {}
    notices: list[str] = []
    for name, text in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        if name not in specs:
            notices.append(f"{name!r} is not a setting of this app (the settings are {', '.join(specs)})")
            continue
        try:
            values[name] = _convert(name, text, specs[name])
        except ValueError as error:
            values.pop(name, None)  # an earlier valid value of the same name does not count either
            notices.append(str(error))
    return values, notices


def _notice(notices: Sequence[str]) -> Any:
    import ipywidgets

    items = "".join(f"<li>{html.escape(text)}</li>" for text in notices)
    notice = ipywidgets.HTML(
        "<div role='alert' style='background:#fff4ce;border-left:4px solid #E69F00;padding:2px 8px'>"
        "<b>Some settings in the page address were not used</b>; the app starts from the default value "
        f"instead:<ul style='margin:2px 0'>{items}</ul></div>"
    )
    notice.add_class(f"{CSS_PREFIX}query-notice")
    return notice


@dataclass
class ExplorerApp:
    """The explorer as the web app shows it; displaying it shows ``widget``.

    Attributes:
        explorer: the ``lifteach.explorer.Explorer``.
        notices: why values from the page address were not used (empty when all were).
        widget: the notice, if any, above the explorer.
    """

    explorer: Any
    notices: list[str]
    widget: Any

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        # Where widgets cannot be shown (a stored notebook, a terminal), say what this is.
        bundle["text/plain"] = "LIF explorer (open in Jupyter or Voila to use its controls)"
        return bundle


def explorer_app(query: str | None = None, **options: Any) -> ExplorerApp:
    """The explorer with initial values from the page address, and a notice for any it could not use.

    Args:
        query: the query part of the address (default: the page's, see ``query_string``).
        **options: passed to ``lifteach.explorer.Explorer`` (``controls``, ``panels``, ``ranges``, initial
            values); values from the address take precedence.

    Returns:
        An ``ExplorerApp``, to display as the last expression of the app notebook's cell.
    """
    import ipywidgets

    from lifteach.explorer import CONTROLS, Explorer

    unread: list[str] = []
    if query is None:
        try:
            query = query_string()
        except Exception as error:  # a preheated kernel that cannot reach Voila must still show the app
            query = ""
            unread.append(f"the page address could not be read ({type(error).__name__}: {error})")
    values, notices = query_values(query, CONTROLS)
    notices = unread + notices
    try:
        explorer = Explorer(**{**options, **values})
    except (TypeError, ValueError) as error:  # a combination the explorer refuses as a whole
        notices.append(f"these settings do not work together: {error}")
        explorer = Explorer(**options)
    children = [_notice(notices), explorer.widget] if notices else [explorer.widget]
    widget = ipywidgets.VBox(children).add_class(f"{CSS_PREFIX}app")
    return ExplorerApp(explorer=explorer, notices=notices, widget=widget)
