"""Binder: repo2docker's plan for this repository, and the environment it describes serving the app.

There is no Docker engine here, so the image itself is not built. Instead: repo2docker's Dockerfile (from
``--no-build``) must use Python 3.11, install binder/requirements.txt and run binder/postBuild; and a fresh
virtualenv made from binder/requirements.txt (its CPU-index torch line swapped for the local
``torch==2.13.0``, the same CPU build; every other pin kept) plus binder/postBuild must serve the app, both
as ``lifteach app`` and at the Voila address the README's Binder badge opens.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser.appserver import running

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
REQUIREMENTS = BINDER / "requirements.txt"
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"
# What the Binder build copies and installs: the package and the notebooks (not tests, not .venv).
SHIPPED = ["pyproject.toml", "README.md", "lifteach", "notebooks", "binder"]
CELL_ERROR = "There was an error when executing cell"


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line!r} is not pinned with =="
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_requirements_pin_the_cpu_torch_and_match_the_constraints() -> None:
    lines = REQUIREMENTS.read_text().splitlines()
    assert CPU_INDEX in lines
    pins = _pins(REQUIREMENTS)
    assert pins["torch"].endswith("+cpu")
    constraints = _pins(CONSTRAINTS)
    for name, version in pins.items():
        assert constraints.get(name) == version.removesuffix("+cpu"), (
            f"binder/requirements.txt pins {name}=={version}, requirements/constraints.txt "
            f"{constraints.get(name)}: keep them equal"
        )
    for needed in ["numpy", "matplotlib", "ipywidgets", "voila", "ipykernel", "jupytext"]:
        assert needed in pins, f"binder/requirements.txt must install {needed}"


def test_runtime_and_post_build_are_strict() -> None:
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = BINDER / "postBuild"
    text = post_build.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert "pip install --no-cache-dir --no-deps ." in text
    assert post_build.stat().st_mode & stat.S_IXUSR, "binder/postBuild must be executable"


@pytest.mark.server
def test_repo2docker_plans_python_3_11_the_requirements_and_post_build() -> None:
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-repo2docker")), "--no-build", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dockerfile = completed.stdout + completed.stderr
    assert "Building conda environment for python=3.11" in dockerfile
    assert "environment-2epy-2d3-2e11" in dockerfile  # repo2docker's Python 3.11 lock file
    install = dockerfile.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    post_build = dockerfile.index("RUN ./binder/postBuild")
    assert install < post_build
    # The kernel runs in the environment the requirements go to, which is also Jupyter's (for voila/render).
    assert "ENV KERNEL_PYTHON_PREFIX=${NB_PYTHON_PREFIX}" in dockerfile


def _local_requirements() -> str:
    """binder/requirements.txt with the CPU-index torch swapped for the local build; every other pin kept."""
    lines = []
    for line in REQUIREMENTS.read_text().splitlines():
        if line.strip() == CPU_INDEX:
            continue  # download.pytorch.org is out of reach here; the local wheel is the same CPU build
        lines.append(re.sub(r"^torch==([\w.]+)\+cpu$", r"torch==\1", line))
    return "\n".join(lines) + "\n"


def _run(command: list[str], timeout: float = 120, **kwargs: Any) -> str:
    """Run ``command``; its output is shown only when it fails (pip is chatty here)."""
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert completed.returncode == 0, f"{command} failed:\n{completed.stdout}\n{completed.stderr}"
    return str(completed.stdout)


@pytest.fixture(scope="module")
def binder_venv() -> Path:
    """A virtualenv made from the Binder requirements, cached under .venv/ by the requirements' hash."""
    requirements = _local_requirements()
    key = hashlib.sha256(f"{sys.version}\n{requirements}".encode()).hexdigest()[:16]
    venv = ROOT / ".venv" / "binder-cache" / key
    done = venv / ".complete"
    if not done.exists():
        shutil.rmtree(venv, ignore_errors=True)
        for stale in venv.parent.glob("*"):  # only the newest requirements are worth keeping
            shutil.rmtree(stale, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        (venv / "requirements.txt").write_text(requirements)
        pip = [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "-r",
            str(venv / "requirements.txt"),
        ]
        _run(pip, timeout=900)
        done.touch()
    return venv


@pytest.fixture(scope="module")
def binder_checkout(binder_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of what Binder builds from, with binder/postBuild run in it using the Binder virtualenv."""
    checkout = tmp_path_factory.mktemp("binder") / "repo"
    checkout.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=ignore)
        else:
            shutil.copy2(source, checkout / name)
    for built in (checkout / "notebooks").glob("*.ipynb"):
        built.unlink()  # postBuild must build every notebook from its markdown twin
    env = {**os.environ, "PATH": f"{binder_venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("VIRTUAL_ENV", None)
    _run(["./binder/postBuild"], cwd=checkout, env=env, timeout=300)
    yield checkout
    subprocess.run(
        [str(binder_venv / "bin" / "python"), "-m", "pip", "uninstall", "--quiet", "--yes", "lifteach"],
        check=False,
    )


@pytest.mark.server
def test_post_build_installs_the_package_and_builds_every_notebook(
    binder_checkout: Path, binder_venv: Path
) -> None:
    texts = sorted(p.stem for p in (binder_checkout / "notebooks").glob("[0-9]*.md"))
    built = sorted(p.stem for p in (binder_checkout / "notebooks").glob("[0-9]*.ipynb"))
    assert texts and built == texts
    where = _run(
        [str(binder_venv / "bin" / "python"), "-c", "import lifteach.app as a; print(a.app_notebook())"],
        cwd=binder_venv,
    )
    assert "site-packages" in where, "the Binder environment must use the installed package, not a checkout"


def _assert_app_page(page: str) -> None:
    assert CELL_ERROR not in page
    assert "Traceback" not in page
    assert "application/vnd.jupyter.widget-view+json" in page  # the explorer's widgets were displayed


@pytest.mark.server
def test_binder_environment_serves_the_app_with_lifteach_app(
    binder_venv: Path, binder_checkout: Path
) -> None:
    command = [
        str(binder_venv / "bin" / "lifteach"),
        "app",
        "--no-browser",
        "--show-tracebacks",
        "--port",
        "{port}",
    ]
    with running(command) as app:
        _assert_app_page(app.fetch("?v_th=0.5&seed=3"))
    assert app.process.returncode == 0, app.output
    assert "Traceback" not in app.output


@pytest.mark.server
def test_binder_environment_serves_the_badge_address(binder_venv: Path, binder_checkout: Path) -> None:
    """The README's Voila badge opens ``voila/render/notebooks/02_lif_explorer.ipynb`` in Jupyter Server."""
    command = [
        str(binder_venv / "bin" / "jupyter"),
        "server",
        "--no-browser",
        "--allow-root",  # CI runs as root in a container
        "--port={port}",
        "--ServerApp.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={binder_checkout}",
        "--VoilaConfiguration.show_tracebacks=True",
    ]
    with running(command, cwd=binder_checkout, ready_line=None) as server:
        _assert_app_page(server.fetch("voila/render/notebooks/02_lif_explorer.ipynb"))
        # The tutorials badge opens JupyterLab, which reads every notebook through the same contents manager
        # (jupytext's, which refuses an .ipynb newer than its paired .md).
        for notebook in sorted((binder_checkout / "notebooks").glob("[0-9]*.ipynb")):
            model = json.loads(server.fetch(f"api/contents/notebooks/{notebook.name}"))
            assert model["type"] == "notebook" and model["content"]["cells"], notebook.name


def test_the_readme_badges_open_notebooks_that_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    paths = dict(
        re.findall(
            r"mybinder\.org/v2/gh/[\w.-]+/[\w.-]+/HEAD\?urlpath=(lab/tree|voila/render)/([\w./-]+)", readme
        )
    )
    assert set(paths) == {"lab/tree", "voila/render"}, (
        "one badge for the tutorials in JupyterLab, one for the app"
    )
    for path in paths.values():
        assert (ROOT / path).is_file(), f"a README badge opens {path}, which does not exist"
    assert paths["voila/render"] == "notebooks/02_lif_explorer.ipynb"
