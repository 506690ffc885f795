"""``lifteach app``: the LIF explorer as a web app, served by Voila from the notebook inside the package.

Voila does the serving: it listens, runs the notebook in a kernel per visitor, keeps a preheated kernel
waiting, culls idle kernels, and stops its kernels on Ctrl-C or SIGTERM. This module only chooses Voila's
settings (``voila_command``) and adds what Voila lacks, each for a reason given where it is done:

- a warning when the app is reachable from other computers;
- a busy port named with the fix (Voila says only that "no available port could be found");
- Ctrl-C working even when the command was started with SIGINT ignored, and saying that it stops, and
  kernels in the middle of a cell stopped without ipykernel's traceback;
- the address printed once Voila listens, with the app's own name;
- kernels that run the torch loop unless asked for the compiled one (``kernel_compiled_loop``): the memory a
  classroom's kernels need;
- the page's XSRF cookie, without which Voila refuses the request a closing page makes to shut its kernel
  down (``_voila_app``).

The page half (starting values from the page address) runs in the app's kernel: ``lifteach.explorer.page``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_IP",
    "DEFAULT_PORT",
    "app_notebook",
    "app_url",
    "is_loopback",
    "kernel_compiled_loop",
    "serve",
    "voila_arguments",
    "voila_command",
]

DEFAULT_IP = "127.0.0.1"
DEFAULT_PORT = 8866

COMPILED_LOOP_SWITCH = "LIFTEACH_COMPILED_LOOP"
"""The environment variable the core reads (``lifteach.lif._fast.COMPILED_LOOP_SWITCH``; not imported from
there, which would load torch into the server): ``0`` keeps the compiled loop, and numba, out of a kernel."""

CULL_IDLE_SECONDS = 600
"""A kernel that no page is connected to is shut down after this long idle (s): a closed page or a class that
has left must not hold ~300 MB per learner. Ten minutes let a laptop that slept briefly come back to its page."""


def __getattr__(name: str) -> Any:
    """The page half's names, kept here for notebooks written against ``lifteach.app``.

    Imported on first use only, so that ``lifteach app`` starts Voila without loading torch and matplotlib.
    """
    if name in ("ExplorerApp", "explorer_app", "query_string", "query_values"):
        from lifteach.explorer import page

        return getattr(page, name)
    if name == "CSS_PREFIX":
        from lifteach.explorer.parts import CSS_PREFIX

        return CSS_PREFIX
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def app_url(ip: str = DEFAULT_IP, port: int = DEFAULT_PORT) -> str:
    """The address people open: listening on every interface is reached locally."""
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(ip, f"[{ip}]" if ":" in ip else ip)
    return f"http://{host}:{port}/"


def voila_arguments(
    notebook: Path | str,
    ip: str = DEFAULT_IP,
    port: int = DEFAULT_PORT,
    show_tracebacks: bool = False,
    preheat: bool = False,
    cull_idle_seconds: int = CULL_IDLE_SECONDS,
    cull_interval_seconds: int = 60,
    log_level: str = "WARN",
) -> list[str]:
    """Voila's command-line arguments for serving ``notebook``.

    Sources are stripped (learners see the app, not the code). A cell that fails shows Voila's "There was an
    error when executing cell" message, or with ``show_tracebacks`` the Python traceback itself, which the
    browser tests look for. ``preheat`` keeps one kernel that has already run the notebook's imports waiting
    for the next visitor. Kernels idle for ``cull_idle_seconds`` are shut down.
    """
    arguments = [
        str(notebook),
        "--no-browser",  # `serve` opens the browser itself, if asked to
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
        arguments.append("--KernelManager.transport=ipc")
    if preheat:
        arguments += ["--preheat_kernel=True", "--pool_size=1"]
    return arguments


def voila_command(notebook: Path | str, *args: Any, **kwargs: Any) -> list[str]:
    """The command line that runs Voila alone with ``voila_arguments(notebook, ...)`` (for tests and scripts)."""
    return [sys.executable, "-m", "voila", *voila_arguments(notebook, *args, **kwargs)]


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


async def _shut_kernels_down_then_stop(kernel_manager: Any, loop: Any) -> None:
    """Shut every kernel down, stopping at once those in the middle of a cell; then end ``loop``.

    ipykernel asked to shut down in the middle of a cell finishes the cell after its sockets are closed and
    prints a traceback ("ZMQError: Socket operation on non-socket") on the app's terminal. The preheated
    kernel is always in a cell (the notebook's imports, then waiting for its visitor) and a visitor's may be
    in a simulation; neither has anything to save, so they are stopped at once. Idle kernels are asked to
    shut down as usual.
    """
    try:
        # Voila's pool of preheated kernels: one may still be starting, and each runs the notebook in a task.
        for pool in list(getattr(kernel_manager, "_pools", {}).values()):
            for preheating in list(pool):
                with contextlib.suppress(Exception):
                    started = await asyncio.wait_for(asyncio.shield(preheating), timeout=60)
                    started["task"].cancel()  # the notebook's run in that kernel: nobody will see it
        for kernel_id in list(kernel_manager.list_kernel_ids()):
            busy = getattr(kernel_manager.get_kernel(kernel_id), "execution_state", "busy") != "idle"
            with contextlib.suppress(Exception):  # gone already: culled, or died with its page
                await kernel_manager.shutdown_kernel(kernel_id, now=busy)
    finally:
        loop.stop()


def kernel_compiled_loop(compiled_loop: bool | None, environ: Mapping[str, str]) -> str:
    """The value of ``LIFTEACH_COMPILED_LOOP`` the app's kernels get: "1" or "0".

    An app kernel with the compiled loop holds ~490 MB resident once interactive, without it ~340 MB (numba
    and LLVM are the difference; docs/benchmarks.md): a class of kernels on one server feels that more than
    the ~20 ms the torch loop adds to a change at the explorer's defaults (its drawing takes longer). So the
    app's kernels run the torch loop, with the same numbers bit for bit, unless ``compiled_loop`` asks for the
    compiled one; None keeps what the environment already says, else the torch loop.
    """
    if compiled_loop is None:
        return "0" if environ.get(COMPILED_LOOP_SWITCH, "0") == "0" else "1"
    return "1" if compiled_loop else "0"


def _voila_app() -> Any:
    """A Voila application whose page sets the XSRF cookie, so that a closing page's kernel is shut down.

    A page sends ``voila/api/shutdown/<kernel>`` with the ``_xsrf`` cookie's value when it closes, but Voila
    0.5's page handler never sets that cookie (no template of it reads the token), so the request is refused
    ("'_xsrf' argument missing from POST") and the kernel lives on until culling frees its memory, minutes
    later. Reading the token once per page makes tornado set the cookie, and the shutdown goes through.
    """
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    class PageHandler(TornadoVoilaHandler):  # type: ignore[misc]  # Voila is unannotated
        async def prepare(self) -> None:
            await super().prepare()
            self.xsrf_token  # noqa: B018  # read for its effect: tornado sets the _xsrf cookie

    class App(Voila):  # type: ignore[misc]
        def init_handlers(self) -> list[Any]:
            return [
                (handler[0], PageHandler, *handler[2:]) if handler[1] is TornadoVoilaHandler else handler
                for handler in super().init_handlers()
            ]

    return App()


def serve(
    ip: str = DEFAULT_IP,
    port: int = DEFAULT_PORT,
    open_browser: bool = True,
    show_tracebacks: bool = False,
    preheat: bool = True,
    notebook: Path | str | None = None,
    extra_args: Sequence[str] = (),
    cull_idle_seconds: int = CULL_IDLE_SECONDS,
    compiled_loop: bool | None = None,
) -> int:
    """Serve the explorer app in this process until Ctrl-C or SIGTERM; returns the exit status (0 then).

    ``compiled_loop``: whether the kernels run the compiled loop (see ``kernel_compiled_loop``)."""
    from tornado.ioloop import IOLoop
    from tornado.web import HTTPError

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
    # Voila's kernels inherit this process's environment.
    os.environ[COMPILED_LOOP_SWITCH] = kernel_compiled_loop(compiled_loop, os.environ)
    if preheat and ip not in ("", "0.0.0.0", "::", "localhost"):
        # A preheated kernel asks Voila for the page's address on this interface (default: 127.0.0.1).
        os.environ["VOILA_APP_IP"] = ip
    arguments = voila_arguments(
        notebook,
        ip,
        port,
        show_tracebacks,
        preheat,
        cull_idle_seconds=cull_idle_seconds,
        cull_interval_seconds=max(1, min(60, cull_idle_seconds // 2)),  # look often enough to honour it
    )
    voila = _voila_app()
    voila.initialize([*arguments, *extra_args])  # installs Voila's SIGTERM handler: stop, kernels shut down
    if open_browser:
        voila.open_browser = True  # after --no-browser above: Voila opens it once it listens

    def announce() -> None:  # runs when Voila's loop starts, that is once it listens
        print(f"The LIF explorer is running at {url}  (press Ctrl-C to stop)", flush=True)

    loop = IOLoop.current()  # the loop Voila runs
    loop.add_callback(announce)

    def stop_then_end(signum: int, frame: object) -> None:
        print("\nStopping the LIF explorer...", flush=True)
        # A second Ctrl-C while the kernels shut down must not leave them behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # The loop ends between two requests (a KeyboardInterrupt raised wherever the signal arrives could end
        # it inside one), once the kernels are down; then Voila's own shutdown finds none left.
        loop.add_callback_from_signal(_shut_kernels_down_then_stop, voila.kernel_manager, loop)

    # Ctrl-C must stop the app even when it was started from a shell that ignores SIGINT in the children it
    # runs in the background (Python then installs no KeyboardInterrupt handler of its own). SIGTERM (a
    # service manager, a hub) takes the same path instead of Voila's handler, which skips the kernels' care.
    previous = {signum: signal.signal(signum, stop_then_end) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        voila.start()  # returns after Ctrl-C or SIGTERM, once Voila has shut its kernels down
    except SystemExit as exit_:  # Voila could not listen after all
        return exit_.code if isinstance(exit_.code, int) else 1
    except HTTPError as error:
        # Voila 0.5 shuts the preheated kernel down twice on SIGTERM and fails on the second ("Kernel does not
        # exist"); the kernels are gone or follow (ipykernel stops when its parent process ends).
        if error.status_code != 404:
            raise
    finally:
        with contextlib.suppress(ValueError):  # not the main thread: nothing was changed
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    return 0
