"""The deployment files (deploy/): what they say agrees with the measurements and with each other.

tests/browser/test_hub.py runs deploy/jupyterhub on a real hub; no Kubernetes cluster runs here, so the
zero-to-jupyterhub values are checked for the things a class depends on: memory from the same measurement,
the explorer as the first page, the tutorials pulled to where that page looks, culling on.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "deploy" / "jupyterhub"
Z2JH = ROOT / "deploy" / "z2jh"


def _hub_config(monkeypatch: pytest.MonkeyPatch, **environment: str) -> Any:
    monkeypatch.setenv("LIFTEACH_HUB_PASSWORD", "a-room-password")
    monkeypatch.setenv("LIFTEACH_HUB_ALLOW_ROOT", "1")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config()


def _megabytes(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([MG])", text).groups()  # type: ignore[union-attr]
    return float(number) * (1024 if unit == "G" else 1)


def _pins() -> dict[str, str]:
    lines = (ROOT / "requirements" / "constraints.txt").read_text().splitlines()
    return {line.split("==")[0].lower(): line.split("==")[1] for line in lines if "==" in line}


def test_the_hub_config_culls_idle_servers_and_reports_activity_often_enough(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = _hub_config(monkeypatch, LIFTEACH_HUB_CULL_IDLE_SECONDS="600")
    (culler,) = config.JupyterHub.services
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    assert "--timeout=600" in culler["command"]
    # The hub must hear of a working learner several times per idle period, or it would cull a busy server.
    assert config.JupyterHub.last_activity_interval * 5 <= 600
    assert int(config.Spawner.environment["JUPYTERHUB_ACTIVITY_INTERVAL"]) * 5 <= 600
    (role,) = config.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"]
    assert "admin:users" not in role["scopes"]  # it may stop servers, not manage users
    assert config.Spawner.default_url == "/voila/render/explorer.ipynb"
    assert config.JupyterHub.active_server_limit >= 1


def test_the_learners_kernels_run_the_torch_loop_unless_the_hub_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lifteach.lif import COMPILED_LOOP_SWITCH

    monkeypatch.delenv(COMPILED_LOOP_SWITCH, raising=False)
    assert _hub_config(monkeypatch).Spawner.environment[COMPILED_LOOP_SWITCH] == "0"
    config = _hub_config(monkeypatch, **{COMPILED_LOOP_SWITCH: "1"})
    assert config.Spawner.environment[COMPILED_LOOP_SWITCH] == "1"


def test_the_hub_config_refuses_root_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.geteuid", lambda: 0)
    monkeypatch.delenv("LIFTEACH_HUB_ALLOW_ROOT", raising=False)
    monkeypatch.setenv("LIFTEACH_HUB_PASSWORD", "a-room-password")
    with pytest.raises(SystemExit, match="as root"):
        PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config()


def test_z2jh_values_use_the_measured_memory_and_open_the_explorer(monkeypatch: pytest.MonkeyPatch) -> None:
    values = yaml.safe_load((Z2JH / "values.yaml").read_text())
    hub = _hub_config(monkeypatch)
    singleuser = values["singleuser"]
    # The same measurement sizes both deployments: a pod is guaranteed at least one learner's measured size.
    assert _megabytes(singleuser["memory"]["guarantee"]) >= _megabytes(hub.Spawner.mem_guarantee)
    assert _megabytes(singleuser["memory"]["limit"]) == _megabytes(hub.Spawner.mem_limit)
    # The explorer page is the notebook the postStart pull puts into the home.
    command = singleuser["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[0] == "gitpuller"
    folder = command[3]
    prefix = f"/voila/render/{folder}/"
    assert singleuser["defaultUrl"].startswith(prefix)
    assert (ROOT / singleuser["defaultUrl"].removeprefix(prefix)).is_file()
    assert values["cull"]["enabled"] is True
    assert values["cull"]["timeout"] == int(hub.JupyterHub.services[0]["command"][3].split("=")[1])


def test_the_image_appendix_and_the_proxy_are_pinned() -> None:
    appendix = (Z2JH / "appendix.Dockerfile").read_text()
    assert f"nbgitpuller=={_pins()['nbgitpuller']}" in appendix
    package = json.loads((HUB / "package.json").read_text())
    lock = json.loads((HUB / "package-lock.json").read_text())
    pinned = package["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "an exact version, as the lock has it"
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == pinned


def test_each_home_gets_the_notebook_lifteach_app_serves(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from types import SimpleNamespace

    from lifteach.app import app_notebook

    hook = _hub_config(monkeypatch).Spawner.pre_spawn_hook
    home = tmp_path / "homes" / "ada"
    hook(SimpleNamespace(home_dir=str(home)))
    assert (home / "explorer.ipynb").read_bytes() == app_notebook().read_bytes()
    # JupyterLab's news question is answered for a new home, and a learner's own answer is kept.
    news = home / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    assert json.loads(news.read_text()) == {"fetchNews": "false"}
    news.write_text('{"fetchNews": "true"}')
    hook(SimpleNamespace(home_dir=str(home)))
    assert json.loads(news.read_text()) == {"fetchNews": "true"}
