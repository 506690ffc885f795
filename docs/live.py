"""The course website with Live Code run by a Jupyter server on this computer, for a class without Binder.

    make docs-live                   # or: .venv/bin/python docs/live.py [--site-port 8000] [--jupyter-port 8890]

Builds the site into docs/_build/live with the server's address and a new token written into its pages, then
serves the site and starts the Jupyter server, both on 127.0.0.1 only, until Ctrl+C. The server asks for that
token and accepts cross-origin requests from the site's origin only (``allow_origin``); its kernels run in this
environment, with the repository as their root (the tutorials run in notebooks/). Open the address it prints
and choose Live Code in a tutorial's launch menu (the rocket).

tests/browser/test_live_code.py starts the same two servers (with these functions) on free ports.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import secrets
import subprocess
import sys
import threading
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
LOOPBACK = "127.0.0.1"


def origin(port: int) -> str:
    """The site's origin as the browser sends it in the Origin header."""
    return f"http://{LOOPBACK}:{port}"


def build_environment(jupyter_port: int, token: str) -> dict[str, str]:
    """The variables that make docs/conf.py point Live Code at the local server instead of Binder."""
    return {
        "LIFTEACH_LIVE_CODE_SERVER": f"{origin(jupyter_port)}/",
        "LIFTEACH_LIVE_CODE_TOKEN": token,
    }


def jupyter_server_command(jupyter_port: int, token: str, site_port: int) -> list[str]:
    """A Jupyter server on loopback that asks for ``token`` and lets only the site's origin call it."""
    return [
        *(sys.executable, "-m", "jupyter_server", "--no-browser"),
        f"--ServerApp.ip={LOOPBACK}",
        f"--ServerApp.port={jupyter_port}",
        "--ServerApp.port_retries=0",  # the pages name this port: another one would not be found
        f"--IdentityProvider.token={token}",
        "--ServerApp.password=",
        f"--ServerApp.allow_origin={origin(site_port)}",
        f"--ServerApp.root_dir={ROOT}",
        "--ServerApp.log_level=WARN",
        "--allow-root",  # classroom machines and CI containers often run as root
    ]


def sphinx_command(html: Path, doctrees: Path) -> list[str]:
    return [
        *(sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q"),
        *("-c", str(DOCS), "-b", "html", "-d", str(doctrees), str(ROOT), str(html)),
    ]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def site_server(html: Path, port: int) -> http.server.ThreadingHTTPServer:
    """The built site served from ``html`` on loopback (``port`` 0: a free one), in a background thread."""
    server = http.server.ThreadingHTTPServer(
        (LOOPBACK, port), functools.partial(QuietHandler, directory=html)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--site-port", type=int, default=8000, help="port of the website (default 8000)")
    parser.add_argument("--jupyter-port", type=int, default=8890, help="port of the Jupyter server (8890)")
    parser.add_argument("--out", type=Path, default=DOCS / "_build" / "live", help="where to build the site")
    args = parser.parse_args(argv)

    token = secrets.token_urlsafe(32)
    html = args.out / "html"
    print(
        f"Building the site for the Jupyter server at {origin(args.jupyter_port)}/ into {html} ...",
        flush=True,
    )
    built = subprocess.run(
        sphinx_command(html, args.out / "doctrees"),
        cwd=ROOT,
        env={**os.environ, **build_environment(args.jupyter_port, token)},
        check=False,
    )
    if built.returncode != 0:
        print("The site did not build; see Sphinx's messages above.", file=sys.stderr)
        return built.returncode

    site = site_server(html, args.site_port)
    jupyter = subprocess.Popen(jupyter_server_command(args.jupyter_port, token, args.site_port), cwd=ROOT)
    print(
        f"\nThe course: {origin(args.site_port)}/docs/index.html (Live Code in a tutorial's launch menu).\n"
        f"Its kernels: the Jupyter server at {origin(args.jupyter_port)}/, for this site only.\n"
        "Ctrl+C stops both.",
        flush=True,
    )
    try:
        return jupyter.wait()
    except KeyboardInterrupt:
        jupyter.wait()  # it received the same Ctrl+C and shuts its kernels down
        return 0
    finally:
        site.shutdown()
        site.server_close()


if __name__ == "__main__":
    sys.exit(main())
