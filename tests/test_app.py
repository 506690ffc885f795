"""The ``lifteach app`` command and the app's page-address settings, without a browser.

The browser tests (tests/browser/) drive the page itself; these check the command line around it: the
address printed, Ctrl-C, the warning for a public interface, a busy port, the packaged notebook, and how
values from the page address are read and checked.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import psutil
import pytest
from browser.appserver import free_port, running

from lifteach import app
from lifteach.__main__ import main
from lifteach.explorer import CONTROLS

ROOT = Path(__file__).resolve().parents[1]
LIFTEACH = Path(sys.executable).with_name("lifteach")


# ---------------------------------------------------------------------------------------------------------
# The command line


def test_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["app", "--help"])
    assert exit_.value.code == 0
    usage = capsys.readouterr().out
    for option in ["--port", "--ip", "--no-browser"]:
        assert option in usage


def test_a_missing_command_or_a_bad_port_is_refused_with_a_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        main(["app", "--port", "99999"])
    assert exit_.value.code == 2
    assert "between 1 and 65535" in capsys.readouterr().err


def test_voila_serves_the_packaged_notebook_with_sources_stripped() -> None:
    command = app.voila_command(app.app_notebook(), "127.0.0.1", 9000, show_tracebacks=True)
    assert command[:3] == [sys.executable, "-m", "voila"]
    assert command[3].endswith(os.path.join("lifteach", "notebooks", "explorer.ipynb"))
    for setting in ["--port=9000", "--Voila.ip=127.0.0.1", "--strip_sources=True", "--show_tracebacks=True"]:
        assert setting in command
    assert "--show_tracebacks=False" in app.voila_command("x.ipynb")
    assert "--preheat_kernel=True" in app.voila_command("x.ipynb", preheat=True)


@pytest.mark.parametrize(
    ("ip", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("192.168.1.20", False)],
)
def test_loopback_addresses_are_recognised(ip: str, loopback: bool) -> None:
    assert app.is_loopback(ip) is loopback


@pytest.mark.server
def test_ctrl_c_stops_the_app_even_when_started_with_sigint_ignored() -> None:
    """A shell running a command in the background starts it with SIGINT ignored; Ctrl-C must still work."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "lifteach", "app", "--no-browser", "--no-preheat", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert "is running at" in first_line, first_line
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, output
    assert "Stopping the LIF explorer" in output


@pytest.mark.server
def test_ctrl_c_stops_the_app_cleanly_and_the_page_is_served() -> None:
    with running([sys.executable, "-m", "lifteach", "app", "--no-browser", "--port", "{port}"]) as server:
        assert f"The LIF explorer is running at {server.url}" in server.output
        page = server.fetch()
        assert "There was an error when executing cell" not in page
        assert "application/vnd.jupyter.widget-view+json" in page
    assert server.process.returncode == 0, server.output
    assert "Traceback" not in server.output
    assert "Stopping the LIF explorer" in server.output
    assert "Warning" not in server.output


def _notebook_in_a_long_cell(folder: Path, started: Path) -> Path:
    """A notebook whose first cell marks ``started`` and then runs for ten minutes."""
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(600)"
            )
        ]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "long_cell.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.mark.server
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_stopping_while_the_preheated_kernel_is_in_a_cell_prints_no_traceback(
    tmp_path: Path, signum: int
) -> None:
    """The preheated kernel is always in a cell (the imports, then waiting for its visitor). ipykernel shut
    down in the middle of one finishes it after its sockets have closed and prints "ZMQError: Socket operation
    on non-socket"; the app must stop such a kernel without that."""
    started = tmp_path / "started"
    notebook = _notebook_in_a_long_cell(tmp_path, started)
    serve = f"import sys, lifteach.app as a; sys.exit(a.serve(notebook={str(notebook)!r}, open_browser=False, port={{port}}))"
    with running([sys.executable, "-c", serve]) as server:
        deadline = time.monotonic() + 300
        while not started.exists():  # the preheated kernel is now inside the cell
            assert server.process.poll() is None and time.monotonic() < deadline, server.output
            time.sleep(0.1)
        kernels = [p for p in psutil.Process(server.process.pid).children(recursive=True)]
        assert kernels, "the preheated kernel runs as a child process"
        os.killpg(server.process.pid, signum)
        server.process.wait(timeout=120)
    assert server.process.returncode == 0, server.output
    assert "Traceback" not in server.output, server.output
    assert "Stopping the LIF explorer" in server.output
    assert not [p for p in kernels if p.is_running() and p.status() != psutil.STATUS_ZOMBIE], (
        "a kernel outlived the app"
    )


def test_app_kernels_run_the_torch_loop_unless_asked_for_the_compiled_one() -> None:
    from lifteach.lif import _fast

    assert app.COMPILED_LOOP_SWITCH == _fast.COMPILED_LOOP_SWITCH
    switch = app.COMPILED_LOOP_SWITCH
    assert app.kernel_compiled_loop(None, {}) == "0"
    assert app.kernel_compiled_loop(None, {switch: "1"}) == "1"  # a server's own setting is kept
    assert app.kernel_compiled_loop(None, {switch: "0"}) == "0"
    assert app.kernel_compiled_loop(True, {switch: "0"}) == "1"
    assert app.kernel_compiled_loop(False, {switch: "1"}) == "0"


def _kernels_mapping_llvm(pid: int) -> list[bool]:
    """For each kernel (child process) of the server ``pid``: whether numba's LLVM is loaded in it."""
    found = []
    for child in psutil.Process(pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(any("llvmlite" in m.path for m in child.memory_maps()))
    return found


@pytest.mark.server
@pytest.mark.parametrize(("flag", "loaded"), [((), False), (("--compiled-loop",), True)])
def test_the_compiled_loop_is_loaded_in_app_kernels_only_when_asked_for(
    flag: tuple[str, ...], loaded: bool
) -> None:
    command = [str(LIFTEACH), "app", "--no-browser", "--no-preheat", "--port", "{port}", *flag]
    with running(command) as server:
        page = server.fetch()  # the visitor's kernel has run the page: the explorer and its first simulation
        assert "application/vnd.jupyter.widget-view+json" in page
        kernels = _kernels_mapping_llvm(server.process.pid)
    assert kernels == [loaded], f"{flag}: numba's LLVM loaded in the kernels: {kernels}"


@pytest.mark.server
def test_sigterm_to_the_command_alone_also_stops_voila() -> None:
    port = free_port()
    process = subprocess.Popen(
        [str(LIFTEACH), "app", "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert "is running at" in first, first
    process.send_signal(signal.SIGTERM)  # only the command, not its process group
    output = first + process.communicate(timeout=30)[0]
    assert process.returncode == 0, output
    assert "Traceback" not in output
    assert app._port_is_free("127.0.0.1", port), "Voila must not outlive the command"


@pytest.mark.server
def test_a_public_interface_is_served_with_a_warning() -> None:
    command = [str(LIFTEACH), "app", "--no-browser", "--ip", "0.0.0.0", "--port", "{port}"]
    with running(command) as server:
        assert "Warning: listening on '0.0.0.0'" in server.output
        assert f"running at {server.url}" in server.output  # 127.0.0.1: the address that works locally
    assert server.process.returncode == 0, server.output


@pytest.mark.server
def test_a_busy_port_is_reported_not_silently_changed() -> None:
    port = free_port()
    with running(port=port):
        completed = subprocess.run(
            [str(LIFTEACH), "app", "--no-browser", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert completed.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in completed.stderr
    assert f"--port {port + 1}" in completed.stderr


# ---------------------------------------------------------------------------------------------------------
# The packaged app notebook


def _cells(path: Path) -> list[tuple[str, str]]:
    notebook = json.loads(path.read_text())
    return [(cell["cell_type"], "".join(cell["source"])) for cell in notebook["cells"]]


def test_the_packaged_app_is_notebook_02() -> None:
    """The app notebook is notebook 02 without outputs; regenerate it with the command below."""
    packaged = app.app_notebook()
    regenerate = (
        "regenerate it: .venv/bin/jupytext --to ipynb --output lifteach/notebooks/explorer.ipynb "
        "notebooks/02_lif_explorer.md"
    )
    assert packaged == ROOT / "lifteach" / "notebooks" / "explorer.ipynb"
    assert _cells(packaged) == _cells(ROOT / "notebooks" / "02_lif_explorer.ipynb"), regenerate
    notebook = json.loads(packaged.read_text())
    assert all(not cell.get("outputs") for cell in notebook["cells"]), regenerate
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.server
def test_the_wheel_ships_the_app_notebook(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy, so that the build leaves nothing in the checkout
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "lifteach", source / "lifteach", ignore=ignore)
    for name in ["pyproject.toml", "README.md"]:
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            "dist",
            ".",
        ],
        cwd=source,
        check=True,
        timeout=120,
    )
    (wheel,) = (source / "dist").glob("lifteach-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "lifteach/notebooks/explorer.ipynb" in names
    assert "lifteach/py.typed" in names


# ---------------------------------------------------------------------------------------------------------
# Settings from the page address


def test_query_values_are_read_as_each_controls_kind() -> None:
    values, notices = app.query_values(
        "v_th=0.5&n_neurons=200&seed=3&duration=500&input_kind=Noisy%20current&dt=0.5", CONTROLS
    )
    assert notices == []
    assert values == {
        "v_th": 0.5,
        "n_neurons": 200.0,
        "seed": 3,
        "duration": 500,
        "input_kind": "noisy",
        "dt": 0.5,
    }
    assert type(values["seed"]) is int
    assert app.query_values("?input_kind=step&dt=1", CONTROLS)[0] == {"input_kind": "step", "dt": 1.0}
    # Spike input has its own weight; scale (the current) stays in the address too.
    assert app.query_values("weight=2.5&scale=3", CONTROLS) == ({"weight": 2.5, "scale": 3.0}, [])
    # The refractory period, in ms as on its slider.
    assert app.query_values("?refractory=2", CONTROLS) == ({"refractory": 2.0}, [])


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("v_th=abc", "v_th='abc' is not a number"),
        ("v_th=", "v_th='' is not a number"),
        ("v_th=nan", "v_th='nan' is not a finite number"),
        ("v_th=7", "v_th='7' lies outside the range 0.05 to 3"),
        ("n_neurons=0", "n_neurons='0' lies outside the range 1 to 100000"),
        ("duration=12.5", "duration='12.5' is not a whole number"),
        ("input_kind=square", "input_kind='square' is not one of: spikes (Bernoulli spikes)"),
        ("dt=0.3", "dt='0.3' is not one of"),
        ("tau=3", "'tau' is not a setting of this app"),
        ("refractory=25", "refractory='25' lies outside the range 0 to 20"),
        ("refractory=-1", "refractory='-1' lies outside the range 0 to 20"),
        ("v_th=0.5&v_th=x", "v_th='x' is not a number"),
    ],
)
def test_a_bad_query_value_is_left_out_with_a_notice(query: str, says: str) -> None:
    values, notices = app.query_values(query + "&seed=3", CONTROLS)
    assert values == {"seed": 3}
    assert len(notices) == 1
    assert says in notices[0]


def test_no_query_means_no_values_and_no_notice() -> None:
    assert app.query_values("", CONTROLS) == ({}, [])


def test_the_app_starts_the_explorer_from_the_address() -> None:
    shown = app.explorer_app("v_th=0.5&n_neurons=200&seed=3")
    assert shown.notices == []
    assert {name: shown.explorer.values[name] for name in ("v_th", "n_neurons", "seed")} == {
        "v_th": 0.5,
        "n_neurons": 200.0,
        "seed": 3,
    }
    assert shown.explorer.defaults["v_th"] == 0.5  # Reset returns to the shared link's values
    # The explorer, then the Step by step toggle and the (closed) step-by-step view below it.
    assert shown.widget.children == (shown.explorer.widget, shown.step_by_step, shown.step_view)
    assert shown.step_view.children == ()
    shown.explorer.close()


def test_the_app_falls_back_to_defaults_with_a_visible_notice() -> None:
    shown = app.explorer_app("v_th=abc&seed=3")
    assert shown.explorer.values["v_th"] == CONTROLS["v_th"].default
    assert shown.explorer.values["seed"] == 3
    notice, explorer, *_step_by_step = shown.widget.children
    assert explorer is shown.explorer.widget
    assert "lifteach-query-notice" in notice._dom_classes
    assert "v_th=&#x27;abc&#x27; is not a number" in notice.value  # escaped: the address is not trusted
    shown.explorer.close()


def test_the_app_reads_the_address_from_voilas_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUERY_STRING", "seed=7")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert app.query_string() == "seed=7"
    shown = app.explorer_app()
    assert shown.explorer.values["seed"] == 7
    shown.explorer.close()
    monkeypatch.delenv("QUERY_STRING")
    assert app.query_string() == ""


def test_html_in_the_address_is_shown_as_text() -> None:
    shown = app.explorer_app("v_th=<script>alert(1)</script>")
    notice = shown.widget.children[0]
    assert "<script>" not in notice.value
    shown.explorer.close()


@pytest.mark.server
def test_idle_kernels_are_culled(tmp_path: Path) -> None:
    """A page whose browser went away without closing it must not hold a kernel for ever."""
    # Not much shorter: a kernel that has started but not yet been asked to run the notebook counts as idle.
    command = app.voila_command(app.app_notebook(), port=0, cull_idle_seconds=8, cull_interval_seconds=1)
    command = ["--port={port}" if part == "--port=0" else part for part in command]

    def kernels(pid: int) -> int:
        alive = 0
        for child in psutil.Process(pid).children(recursive=True):
            # A child that is gone, or a zombie about to be reaped, is not a live kernel.
            with contextlib.suppress(psutil.Error):
                alive += "ipykernel" in " ".join(child.cmdline())
        return alive

    with running(command, ready_line=None) as server:
        server.fetch()  # runs the notebook in a kernel, and then nobody connects to it
        assert kernels(server.process.pid) == 1
        deadline = time.monotonic() + 30
        while kernels(server.process.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert kernels(server.process.pid) == 0, server.output


@pytest.mark.server
@pytest.mark.parametrize("show_tracebacks", [False, True])
def test_a_failing_cell_is_visible_in_the_page(tmp_path: Path, show_tracebacks: bool) -> None:
    """The positive control of the browser tests' error checks: a failing cell must show in the page."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("raise ValueError('a broken cell')")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "broken.ipynb"
    nbformat.write(notebook, path)
    command = app.voila_command(path, port=0, show_tracebacks=show_tracebacks)
    command = ["--port={port}" if part == "--port=0" else part for part in command]
    with running(command, ready_line=None) as server:
        page = server.fetch()
    if show_tracebacks:
        assert "Traceback" in page
        assert "a broken cell" in page
    else:
        assert "There was an error when executing cell" in page
        assert "a broken cell" not in page


def test_a_preheated_kernel_that_cannot_reach_voila_still_shows_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(free_port()))  # nothing listens there
    monkeypatch.setenv("VOILA_KERNEL_ID", "00000000-0000-0000-0000-000000000000")
    shown = app.explorer_app()
    assert shown.explorer.values["v_th"] == CONTROLS["v_th"].default
    assert len(shown.notices) == 1
    assert "the page address could not be read" in shown.notices[0]
    shown.explorer.close()
