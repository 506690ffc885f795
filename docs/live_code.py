"""Live Code on the tutorial pages: thebe turns a page's code cells into cells that a Jupyter kernel runs.

A "Live Code" entry in each tutorial's launch menu (the rocket) loads thebe and connects the page to a kernel;
the cells become editors with run buttons, and each stored output stays on the page until its cell runs again.

Where the kernel comes from is chosen when the site is built (docs/conf.py reads the environment):

- ``live_code_server`` empty (the default, the public site): Binder builds this repository's ``binder/``
  environment and starts a kernel in it.
- ``live_code_server`` a Jupyter server's address and ``live_code_token`` its token: a server that a teacher
  runs beside the site (``make docs-live``, docs/live.py), for a class without Binder.

Every script comes from the site itself: thebe's prebuilt bundle and require.js, installed from npm at the
versions docs/thebe/package-lock.json pins (``make docs`` runs ``npm ci`` there), and anywidget's front end
(from the installed anywidget package) are copied into ``_static/thebe/`` of the built site. sphinx-thebe is not used: its latest release (0.3.1) loads thebe 0.8.2
from unpkg by a constant in an inline script, and npm now serves only thebe 0.9, whose ``bootstrap()`` asks
Binder unless told otherwise, so sphinx-thebe's own start-up could not reach a local server.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.errors import ConfigError, ExtensionError

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "thebe" / "node_modules"
THEBE_LIB = NODE_MODULES / "thebe" / "lib"
REQUIREJS = NODE_MODULES / "requirejs" / "require.js"
# anywidget's front end as the classic Notebook loads it (one AMD module; the explorer's sliders and figure are
# anywidgets), from the anywidget this site is built with: the same version the kernels run (both pinned by
# requirements/constraints.txt and binder/requirements.txt).
ANYWIDGET = Path(str(resources.files("anywidget") / "nbextension" / "index.js"))
STATIC_FOLDER = "thebe"  # _static/thebe/ in the built site
# The kernel that runs the cells: the tutorials' own (every stored notebook names python3).
KERNEL = "python3"


def live_code_settings(app: Sphinx) -> dict[str, Any]:
    """The options handed to thebe's ``bootstrap`` (and, under ``lifteach``, what the status line says)."""
    config = app.config
    common: dict[str, Any] = {
        "requestKernel": True,
        "kernelOptions": {"kernelName": KERNEL, "path": "notebooks"},
        # No MathJax: thebe would fetch it from a CDN to typeset LaTeX outputs, which no tutorial has.
        "mathjaxUrl": "",
        # Long lines wrap and every line is drawn: the editor grows with its code and never scrolls (a
        # scrolling region that the keyboard cannot reach is an accessibility fault, axe's
        # scrollable-region-focusable).
        "codeMirrorConfig": {
            "theme": "default",
            "lineNumbers": False,
            "lineWrapping": True,
            "viewportMargin": 1_000_000,
            "screenReaderLabel": "Code cell",
        },
    }
    server = config.live_code_server
    if not server:
        owner, name = urlsplit(config.live_code_repository).path.strip("/").split("/")[:2]
        return {
            **common,
            "useBinder": True,
            "binderOptions": {
                "repo": f"{owner}/{name}",
                "ref": config.live_code_branch,
                "binderUrl": config.live_code_binderhub,
                "repoProvider": "github",
            },
            "lifteach": {"where": "Binder", "slow": True},
        }
    return {
        **common,
        "useBinder": False,
        "serverSettings": {"baseUrl": server, "token": config.live_code_token, "appendToken": True},
        "lifteach": {"where": f"the Jupyter server at {server}", "slow": False},
    }


def check_config(app: Sphinx) -> None:
    server = app.config.live_code_server
    if server:
        parts = urlsplit(server)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigError(
                f"live_code_server must be a Jupyter server's address such as http://127.0.0.1:8890/, "
                f"got {server!r}."
            )
        if not app.config.live_code_token:
            raise ConfigError(
                f"live_code_server is {server!r} but live_code_token is empty: the Jupyter server must "
                "ask for a token (set LIFTEACH_LIVE_CODE_TOKEN to the one it was started with)."
            )
    missing = [path for path in (THEBE_LIB / "index.js", REQUIREJS, ANYWIDGET) if not path.is_file()]
    if missing:
        raise ExtensionError(
            f"Live Code's scripts are missing ({', '.join(map(str, missing))}): install them from npm with "
            "`make docs` (it runs `npm ci` in docs/thebe and installs anywidget with the docs' requirements)."
        )


def add_live_code(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """On a notebook page (one with a launch menu): a Live Code entry in the menu, and its script."""
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            group["buttons"].append(
                {
                    "type": "javascript",
                    "text": "Live Code",
                    "tooltip": "Run and edit this page's code here, on a Jupyter kernel",
                    "javascript": "lifteachLiveCode.start()",
                    "icon": "fas fa-play",
                    "label": "live-code",
                }
            )
            settings = json.dumps(live_code_settings(app)).replace("</", "<\\/")
            app.add_js_file(None, body=f"window.lifteachLiveCodeSettings = {settings};")
            app.add_js_file("live-code.js")


def copy_scripts(app: Sphinx, exception: Exception | None) -> None:
    """thebe's bundle (its scripts, stylesheet and licences; no source maps), require.js and anywidget's front
    end into _static/."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / STATIC_FOLDER
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(THEBE_LIB, target, ignore=shutil.ignore_patterns("*.map", "types"))
    shutil.copy2(REQUIREJS, target / "require.js")
    shutil.copy2(ANYWIDGET, target / "anywidget.js")


def setup(app: Sphinx) -> dict[str, Any]:
    # "html": the settings are written into pages, so changing them rewrites the pages without re-reading.
    app.add_config_value("live_code_server", "", "html", [str])
    app.add_config_value("live_code_token", "", "html", [str])
    app.add_config_value("live_code_repository", "", "html", [str])
    app.add_config_value("live_code_branch", "HEAD", "html", [str])
    app.add_config_value("live_code_binderhub", "https://mybinder.org", "html", [str])
    app.connect("builder-inited", check_config)
    # After sphinx-book-theme's add_launch_buttons (priority 501), which makes the menu.
    app.connect("html-page-context", add_live_code, priority=503)
    app.connect("build-finished", copy_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
