"""Where an app kernel's memory goes: a real Jupyter kernel runs the app's steps one by one, measured after each.

    .venv/bin/python benchmarks/kernel_memory.py                        # the app kernel as it runs today
    .venv/bin/python benchmarks/kernel_memory.py --env MALLOC_ARENA_MAX=2 --env LIFTEACH_COMPILED_LOOP=0

A kernel (ipykernel, started by jupyter_client as Voila starts one) executes, in turn, what the app's kernel
does before a visitor's first change and during it: import torch; import matplotlib and ipywidgets; import
``lifteach.explorer.page`` (the app's module); the preheated kernel's ``warm_up()`` (numba, llvmlite and the
compiled loop), split into importing numba and loading the compiled functions; building the explorer as the
page does; one change (a new threshold). After each step it reads the kernel's resident set (RSS, what
load_test.py and the issue's 350 MB budget count) and proportional set (PSS: shared library pages divided among
the processes that map them) from /proc. At the end, the mappings that hold most of the RSS, by file.

Each ``--env NAME=VALUE`` is set in the kernel's environment (e.g. ``MALLOC_ARENA_MAX=2``, or
``LIFTEACH_COMPILED_LOOP=0`` to leave numba out). Prints Markdown tables; asserts nothing.
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import sys
import time

import psutil
from jupyter_client.manager import start_new_kernel

STEPS: list[tuple[str, str]] = [
    ("kernel started (ipykernel)", "pass"),
    ("import torch", "import torch"),
    ("import matplotlib (Figure, Agg) and ipywidgets", "import matplotlib.figure, ipywidgets"),
    ("import lifteach.explorer.page", "import lifteach.explorer.page"),
    (
        "import numba (and llvmlite), unless LIFTEACH_COMPILED_LOOP=0",
        "from lifteach.lif import _compiled_loop_allowed\nif _compiled_loop_allowed(): import numba",
    ),
    ("warm_up(): the compiled loop loaded", "from lifteach.lif import warm_up; warm_up()"),
    (
        "explorer built as the page does (first run + figure)",
        "from lifteach.explorer.page import explorer_app; app = explorer_app(query='')",
    ),
    ("one change (v_th)", "app.explorer.set(v_th=0.31); assert app.explorer.error is None"),
]


def memory_mb(pid: int) -> tuple[float, float]:
    info = psutil.Process(pid).memory_full_info()
    return info.rss / 1e6, info.pss / 1e6


def mappings_mb(pid: int, top: int) -> list[tuple[str, float]]:
    """Resident memory by mapped file (anonymous memory as ``[anon]``, the heap as ``[heap]``), largest first."""
    by_file: collections.Counter[str] = collections.Counter()
    name = "[anon]"
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if fields and "-" in fields[0] and len(fields) >= 5 and not fields[0].endswith(":"):
                path = fields[5] if len(fields) >= 6 else "[anon]"
                name = os.path.basename(path) if path.startswith("/") else path
            elif fields and fields[0] == "Rss:":
                by_file[name] += int(fields[1]) * 1024
    return [(file, size / 1e6) for file, size in by_file.most_common(top)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the kernel's environment")
    parser.add_argument("--top", type=int, default=12, help="how many mappings to list")
    parser.add_argument("--settle", type=float, default=1.0, help="seconds to wait before each reading")
    arguments = parser.parse_args()
    env = dict(os.environ)
    for item in arguments.env:
        name, _, value = item.partition("=")
        env[name] = value
    manager, client = start_new_kernel(kernel_name="python3", env=env)
    try:
        pid = manager.provisioner.process.pid  # type: ignore[union-attr]
        rows = []
        before = 0.0
        for label, code in STEPS:
            started = time.perf_counter()
            reply = client.execute_interactive(code, timeout=600)
            seconds = time.perf_counter() - started
            if reply["content"]["status"] != "ok":
                raise SystemExit(f"{label}: {reply['content'].get('evalue')}")
            time.sleep(arguments.settle)
            rss, pss = memory_mb(pid)
            rows.append(f"| {label} | {rss:.0f} | {rss - before:+.0f} | {pss:.0f} | {seconds:.2f} |")
            before = rss
        print(f"kernel environment: {' '.join(arguments.env) or '(as this process)'}")
        print(f"{platform.python_implementation()} {sys.version.split()[0]}, load {os.getloadavg()[0]:.1f}\n")
        print("| step | RSS (MB) | change (MB) | PSS (MB) | time (s) |")
        print("| --- | ---: | ---: | ---: | ---: |")
        print("\n".join(rows))
        print("\n| mapping | RSS (MB) |\n| --- | ---: |")
        for file, size in mappings_mb(pid, arguments.top):
            print(f"| {file} | {size:.0f} |")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
