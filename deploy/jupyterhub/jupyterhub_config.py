"""A workshop on one server: every learner logs in with the room's password and gets the LIF explorer.

Each learner's own Jupyter server opens the explorer through Voila's server extension (its default page) and
has the tutorials in JupyterLab at ``/user/<name>/lab``; an nbgitpuller link (docs/classroom.md) puts them in
the learner's home. Servers nobody has used for ``LIFTEACH_HUB_CULL_IDLE_SECONDS`` are stopped, which gives
their memory back. README.md beside this file says how to run it and what a real room changes.

Settings from the environment (so that no password is ever written into a file):

    LIFTEACH_HUB_PASSWORD          the room's shared password (8+ characters; required)
    LIFTEACH_HUB_ADMIN_PASSWORD    the teacher's password (32+ characters; without it nobody is admin)
    LIFTEACH_HUB_TEACHER           the teacher's user name (default: teacher)
    LIFTEACH_HUB_URL               the address learners open (default: http://127.0.0.1:8000, this computer only)
    LIFTEACH_HUB_SSL_CERT/_KEY     TLS certificate and key files: a room on a network needs them
    LIFTEACH_HUB_HOMES             the folder that holds one home per learner (default: ~/lifteach-hub-homes)
    LIFTEACH_HUB_CULL_IDLE_SECONDS stop a learner's server after this long unused (default: 1800)
    LIFTEACH_HUB_ALLOW_ROOT        "1" lets a hub started as root run learners' servers as root (test machines)
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import psutil

c: Any = get_config()  # type: ignore[name-defined]  # noqa: F821 - JupyterHub defines it for its config files

HERE = Path(__file__).resolve().parent
EXPLORER = "explorer.ipynb"  # the explorer's notebook in every learner's home, refreshed at each start
# The notebook `lifteach app` serves (lifteach.app.app_notebook()), found without importing lifteach: that
# would load torch into the hub, 230 MB it never uses.
_spec = importlib.util.find_spec("lifteach")
if _spec is None or _spec.origin is None:
    sys.exit("lifteach is not installed in the hub's environment: pip install -e '.[app,hub]'")
APP_NOTEBOOK = Path(_spec.origin).parent / "notebooks" / "explorer.ipynb"
COMPILED_LOOP_SWITCH = (
    "LIFTEACH_COMPILED_LOOP"  # lifteach.lif.COMPILED_LOOP_SWITCH, named without importing it
)

# --- Memory per learner, measured here (docs/classroom.md, "Measured"; tests/browser/test_hub.py prints them
# on every run): one learner's Jupyter server plus the explorer's kernel once the page is interactive.
LEARNER_PSS_MB = 365  # what the machine really gives one learner (shared libraries shared out)
LEARNER_RSS_MB = 490  # the same counted as RSS, which is what a container's memory limit counts
# A learner may also run tutorials in JupyterLab: each notebook's kernel is another ~300 MB (RSS).
LEARNER_LIMIT_MB = 2048
RESERVE_MB = 1024  # for the hub, its proxy and the operating system

# --- Who may log in: anyone with the room's password, under a simple name of their choice. --------------
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["LIFTEACH_HUB_PASSWORD"]
c.Authenticator.allow_all = True  # the password is the room's key: whoever has it may make an account
# Names become folder names: plain lower-case words only, so no name can point outside the homes folder.
c.Authenticator.username_pattern = r"^[a-z][a-z0-9_-]{0,31}$"
if os.environ.get("LIFTEACH_HUB_ADMIN_PASSWORD"):
    c.SharedPasswordAuthenticator.admin_password = os.environ["LIFTEACH_HUB_ADMIN_PASSWORD"]
    c.Authenticator.admin_users = {os.environ.get("LIFTEACH_HUB_TEACHER", "teacher")}

# --- Where learners connect. ----------------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("LIFTEACH_HUB_URL", "http://127.0.0.1:8000")
if os.environ.get("LIFTEACH_HUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["LIFTEACH_HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ["LIFTEACH_HUB_SSL_KEY"]
# configurable-http-proxy as `make hub-proxy` installs it (pinned in package-lock.json beside this file);
# without that, the one on PATH.
_proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
if _proxy.exists():
    c.ConfigurableHTTPProxy.command = [str(_proxy)]

# --- Each learner's server: this Python environment, so the kernel imports the lifteach the hub has. ------
# SimpleLocalProcessSpawner runs every server as the hub's own system user, each in its own home; learners
# cannot reach each other's servers through the hub, but their code could read each other's files
# (README.md: real accounts for a room that needs that).
c.JupyterHub.spawner_class = "simple"
HOMES = Path(os.environ.get("LIFTEACH_HUB_HOMES", Path.home() / "lifteach-hub-homes")).resolve()
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = f"/voila/render/{EXPLORER}"
# A learner needs neither JupyterLab's release notices nor its news feed during a class.
c.Spawner.args = ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.news_url=None"]
# Ten servers starting at once on two cores, each importing JupyterLab and then torch, take minutes.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 240
if os.geteuid() == 0:
    # A hub run as root would run every learner's code as root; run it as an ordinary account instead.
    if os.environ.get("LIFTEACH_HUB_ALLOW_ROOT") != "1":
        sys.exit("Refusing to run learners' servers as root: start the hub as an ordinary user (README.md).")
    c.Spawner.args.append("--allow-root")


def put_explorer_in_home(spawner: Any) -> None:
    """Copy the installed explorer notebook into the learner's home, so Voila can render it there.

    Also answers JupyterLab's question about Jupyter's news feed for a new home (no), which would otherwise
    cover part of every learner's first notebook; a learner's own answer, once given, is kept.
    """
    home = Path(spawner.home_dir)
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(APP_NOTEBOOK, home / EXPLORER)
    news = home / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    if not news.exists():
        news.parent.mkdir(parents=True, exist_ok=True)
        news.write_text('{"fetchNews": "false"}\n')


c.Spawner.pre_spawn_hook = put_explorer_in_home

# --- Memory: no more learners at once than the machine holds at the measured size. ----------------------
# The local spawner cannot enforce a per-learner limit (it passes mem_limit on as MEM_LIMIT, for display);
# zero-to-jupyterhub (deploy/z2jh) enforces it per container.
c.Spawner.mem_limit = f"{LEARNER_LIMIT_MB}M"
c.Spawner.mem_guarantee = f"{LEARNER_RSS_MB}M"
_machine_mb = psutil.virtual_memory().total / 2**20
c.JupyterHub.active_server_limit = max(1, int((_machine_mb - RESERVE_MB) // LEARNER_PSS_MB))

# --- Idle culling: a server nobody has used for a while is stopped and its memory comes back. ------------
CULL_IDLE_SECONDS = int(os.environ.get("LIFTEACH_HUB_CULL_IDLE_SECONDS", "1800"))
# The hub learns of activity from the proxy and from each server at these intervals; a learner at work must
# be seen several times per idle period, or the culler would stop a server in use.
ACTIVITY_SECONDS = max(5, min(300, CULL_IDLE_SECONDS // 6))
c.JupyterHub.last_activity_interval = ACTIVITY_SECONDS
c.Spawner.environment = {
    "JUPYTERHUB_ACTIVITY_INTERVAL": str(ACTIVITY_SECONDS),
    # The learners' kernels run the torch loop, as `lifteach app`'s do: the compiled loop costs each kernel
    # ~150 MB more, and a class arriving at once would make every kernel load (or, on a fresh server, compile)
    # it at the same moment. Same numbers either way; a hub with memory to spare can say "1".
    COMPILED_LOOP_SWITCH: os.environ.get(COMPILED_LOOP_SWITCH, "0"),
}
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={CULL_IDLE_SECONDS}",
            f"--cull-every={ACTIVITY_SECONDS}",
        ],
    }
]
# The culler may see servers and their activity and stop them: nothing else.
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
