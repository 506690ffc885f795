"""The ``lifteach`` command: ``lifteach app`` (or ``python -m lifteach app``) opens the LIF explorer."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import lifteach.app as app


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the port must be a whole number, got {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"the port must lie between 1 and 65535, got {port}")
    return port


MIN_CULL_SECONDS = 30


def _seconds(text: str) -> int:
    try:
        seconds = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"the time must be a whole number of seconds, got {text!r}"
        ) from None
    if seconds < MIN_CULL_SECONDS:
        # Shorter, a kernel still starting on a busy machine (not yet running the notebook) looks idle and
        # is shut down, and its visitor's page waits for ever.
        raise argparse.ArgumentTypeError(f"the time must be at least {MIN_CULL_SECONDS} s, got {seconds}")
    return seconds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lifteach", description="A teaching toolkit for leaky integrate-and-fire neurons."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "app",
        help="open the LIF explorer as a web app (served by Voila)",
        description="Serve the LIF explorer as a web app through Voila and open it in the browser. "
        "Initial values can be given in the URL, e.g. http://127.0.0.1:8866/?v_th=0.5&n_neurons=200&seed=3",
    )
    serve.add_argument(
        "--port", type=_port, default=app.DEFAULT_PORT, help=f"port to listen on (default {app.DEFAULT_PORT})"
    )
    serve.add_argument(
        "--ip",
        default=app.DEFAULT_IP,
        help=f"interface to listen on (default {app.DEFAULT_IP}, this computer only; "
        "0.0.0.0 makes the app reachable from other computers)",
    )
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument(
        "--show-tracebacks",
        action="store_true",
        help="show Python tracebacks in the page when a cell fails (for tests and debugging)",
    )
    serve.add_argument(
        "--preheat",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep one kernel warmed up (torch and the explorer imported) for the next visitor, so that the "
        "page opens in about half the time; --no-preheat saves that kernel's memory (default: --preheat)",
    )
    serve.add_argument(
        "--compiled-loop",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the simulations in the kernels with the compiled loop (numba): a change at 1000 neurons "
        "takes ~20 ms less, each kernel holds ~150 MB more memory (~490 MB instead of ~340). Default: the "
        "torch loop (the same numbers), unless LIFTEACH_COMPILED_LOOP=1 is set",
    )
    serve.add_argument(
        "--cull-after",
        type=_seconds,
        default=app.CULL_IDLE_SECONDS,
        metavar="SECONDS",
        help="shut down a kernel whose page has closed after it idled this long, to free its memory "
        f"(default {app.CULL_IDLE_SECONDS} s)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "app":
        return app.serve(
            ip=args.ip,
            port=args.port,
            open_browser=not args.no_browser,
            show_tracebacks=args.show_tracebacks,
            preheat=args.preheat,
            cull_idle_seconds=args.cull_after,
            compiled_loop=args.compiled_loop,
        )
    raise AssertionError(f"unknown command {args.command!r}")  # argparse refuses unknown commands first


if __name__ == "__main__":
    sys.exit(main())
