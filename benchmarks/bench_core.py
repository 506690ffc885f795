"""Time lifteach's LIF core against Norse 1.1.0 on the seed tutorial's workloads, in one run.

    .venv/bin/python benchmarks/bench_core.py            # 7 rounds, 3 large runs (or: make benchmark)
    .venv/bin/python benchmarks/bench_core.py --quick    # 3 rounds, 1 large run
    .venv/bin/python benchmarks/bench_core.py --threads 1  # both libraries on one intra-op thread

Workloads (all through the ``LIF`` module with ``record_states=True`` and autograd on, as the tutorial uses it):
  (a) 1000 steps x 1 neuron, input spikes of 1.0 at steps 100 and 120, default parameters;
  (b) 1000 x 1000 Bernoulli input spikes with p = 0.01, v_th = 0.3;
  (c) 1000 x 10000, the same;
and (d) ``lifteach.simulate`` on 100,000 neurons x 1000 steps of Bernoulli input with 3 recorded neurons, run
in a fresh subprocess to measure its wall time and the increase of the resident memory it causes.

Near the hardware limit: (e) ``lifteach.simulate`` (bool input, 3 recorded voltage and current traces) at 1000
and at 100,000 neurons x 1000 steps against a compiled reference: the same Euler step written as the plainest
numba loop over time and neurons (scalar parameters, written here and not lifteach's kernel), interleaved in
the same run; the ratio simulate / reference is the price of the API (checks, buffers, the general kernel).
Each is timed cold (one call after a full garbage collection, which evicts the CPU's caches) and warm (the
median of calls in a row).

The machines this runs on are shared and noisy, so the two libraries are interleaved (which goes first
alternates by round) and the medians are compared: the ratio Norse / lifteach is what to read, not the ms.
The script prints a Markdown table; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

LARGE_NEURONS, LARGE_STEPS, LARGE_RECORDED = 100_000, 1000, 3
TARGETS = {"a": 5.0, "b": 5.0, "c": 2.0}  # speed-ups over Norse asked for in issue 2
LARGE_TIME_TARGET_S, LARGE_MEMORY_TARGET_BYTES = 2.0, 1024**3
COMPILED_TARGET = 3.0  # simulate within 3x of a compiled loop of the same step (issue 11)


def seed_workloads() -> dict[str, tuple[str, torch.Tensor, float]]:
    """Name -> (description, input, v_th) for the three workloads of the seed tutorial."""
    two_spikes = torch.zeros(1000, 1)
    two_spikes[100] = 1.0
    two_spikes[120] = 1.0
    gen = torch.Generator().manual_seed(0)
    return {
        "a": ("1000 steps x 1 neuron, 2 input spikes", two_spikes, 1.0),
        "b": ("1000 x 1000, Bernoulli p=0.01, v_th=0.3", torch.rand((1000, 1000), generator=gen) < 0.01, 0.3),
        "c": (
            "1000 x 10000, Bernoulli p=0.01, v_th=0.3",
            torch.rand((1000, 10_000), generator=gen) < 0.01,
            0.3,
        ),
    }


def modules(v_th: float) -> dict[str, torch.nn.Module]:
    """The LIF module of each library, constructed as the tutorial does."""
    from norse.torch.module.lif import LIF as NorseLIF
    from norse.torch.module.lif import LIFParameters as NorseParameters

    import lifteach

    return {
        "norse": NorseLIF(p=NorseParameters(v_th=torch.as_tensor(v_th)), record_states=True),
        "lifteach": lifteach.LIF(p=lifteach.LIFParameters(v_th=v_th), record_states=True),
    }


def seconds(call: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    outcome = call()
    elapsed = time.perf_counter() - start
    del outcome  # freed outside the timed region (Norse's outputs hold an autograd graph)
    return elapsed


def check_identical(workloads: dict[str, tuple[str, torch.Tensor, float]]) -> None:
    """The speed comparison only means something if both compute the same numbers."""
    for name, (_, x, v_th) in workloads.items():
        lifs = modules(v_th)
        theirs, ours = lifs["norse"](x), lifs["lifteach"](x)
        same = torch.equal(theirs[0].detach(), ours[0]) and torch.equal(theirs[1].v.detach(), ours[1].v)
        if not same:
            raise SystemExit(f"workload ({name}): lifteach and Norse disagree; fix that before timing.")


def time_seed_workloads(rounds: int) -> dict[str, dict[str, list[float]]]:
    workloads = seed_workloads()
    check_identical(workloads)  # doubles as a warm-up round
    times: dict[str, dict[str, list[float]]] = {name: {"norse": [], "lifteach": []} for name in workloads}
    for round_ in range(rounds):
        for name, (_, x, v_th) in workloads.items():
            lifs = modules(v_th)
            order = ["norse", "lifteach"] if round_ % 2 == 0 else ["lifteach", "norse"]
            for library in order:
                times[name][library].append(seconds(functools.partial(lifs[library], x)))
        print(f"  round {round_ + 1}/{rounds} done", file=sys.stderr)
    return times


# --- (d): the large run, in a child process so its memory is its own ---------------------------------------------


def _status_kb(field: str) -> int | None:
    """A ``VmRSS``/``VmHWM`` line of /proc/self/status in kB (Linux), or None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark of this process (Linux >= 4.0), so the next peak is the run's own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def large_run_child() -> None:
    """Measure one ``simulate`` of the large workload; print a JSON line."""
    import lifteach

    gen = torch.Generator().manual_seed(1)
    # The input (100 MB of bools) is drawn a block at a time: drawing it at once takes a 400 MB float
    # temporary, whose peak would hide the simulation's own.
    x = torch.empty((LARGE_STEPS, LARGE_NEURONS), dtype=torch.bool)
    for block in x.split(100):
        torch.lt(torch.rand(block.shape, generator=gen), 0.01, out=block)
    p = lifteach.LIFParameters(v_th=0.3)
    lifteach.simulate(x[:2], p, record_neurons=[0, 1, 2])  # warm up torch's kernels, not the memory
    gc.collect()
    # ru_maxrss is no use here: a child's starts from its parent's size at fork. /proc's VmRSS and VmHWM
    # (the peak since the mark was reset) belong to this process alone.
    rss_before_kb, peak_before_kb = _status_kb("VmRSS"), _status_kb("VmHWM")
    peak_was_reset = _reset_peak_rss()
    start = time.perf_counter()
    result = lifteach.simulate(x, p, record_neurons=list(range(LARGE_RECORDED)))
    wall = time.perf_counter() - start
    peak_kb = _status_kb("VmHWM")
    assert result.v is not None and result.v.shape == (LARGE_STEPS, LARGE_RECORDED)
    nan = float("nan")  # where /proc is missing (not Linux), the memory is not measured
    increase = (peak_kb - rss_before_kb) * 1024 if peak_kb and rss_before_kb else nan
    process_peak = max(peak_kb, peak_before_kb) * 1024 if peak_kb and peak_before_kb else nan
    print(
        json.dumps(
            {
                "wall_s": wall,
                "rss_increase_bytes": increase,
                "process_peak_bytes": process_peak,
                "input_bytes": x.numel() * x.element_size(),
                "total_spikes": result.total_spikes,
                "peak_was_reset": peak_was_reset,
            }
        )
    )


def time_large_run(repeats: int) -> list[dict[str, float]]:
    runs = []
    command = [sys.executable, __file__, "--large-run-child", f"--threads={torch.get_num_threads()}"]
    for _ in range(repeats):
        child = subprocess.run(command, capture_output=True, text=True, check=True)
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
    return runs


# --- (e): against a compiled loop of the same step -------------------------------------------------------------


def _reference_kernel() -> Callable[..., None]:
    import numba
    import numpy as np

    @numba.njit(cache=False)
    def loop(  # numba infers the types from the arrays it is called with: Any here
        x: Any,
        v: Any,
        i: Any,
        membrane: Any,
        synapse: Any,
        v_th: Any,
        spikes: Any,
        trace_v: Any,
        trace_i: Any,
        recorded: Any,
    ) -> None:
        zero, one = np.float32(0.0), np.float32(1.0)
        for t in range(x.shape[0]):
            for n in range(x.shape[1]):
                i_jump = i[n] + np.float32(x[t, n])
                v_decayed = v[n] + membrane * ((zero - v[n]) + i_jump)
                i[n] = i_jump + synapse * i_jump
                z = one if v_decayed - v_th > zero else zero
                v[n] = (one - z) * v_decayed
                spikes[t, n] = z > zero
            for k in range(recorded.shape[0]):
                trace_v[t, k] = v[recorded[k]]
                trace_i[t, k] = i[recorded[k]]

    return loop


def time_against_compiled(rounds: int) -> dict[int, dict[str, list[float]]]:
    import numpy as np

    import lifteach

    loop = _reference_kernel()
    p = lifteach.LIFParameters(v_th=0.3)
    f32 = np.float32
    membrane, synapse = f32(torch.tensor(100.0) * 1e-3), f32(torch.tensor(200.0) * -1e-3)
    times: dict[int, dict[str, list[float]]] = {}
    for neurons in (1000, LARGE_NEURONS):
        x = torch.rand((1000, neurons), generator=torch.Generator().manual_seed(2)) < 0.01
        x_np = x.numpy()

        def reference(x_np: np.ndarray = x_np, neurons: int = neurons) -> np.ndarray:
            v, i = np.zeros(neurons, f32), np.zeros(neurons, f32)
            spikes = np.empty(x_np.shape, np.bool_)
            traces = (
                np.empty((x_np.shape[0], LARGE_RECORDED), f32),
                np.empty((x_np.shape[0], LARGE_RECORDED), f32),
            )
            loop(x_np, v, i, membrane, synapse, f32(0.3), spikes, *traces, np.arange(LARGE_RECORDED))
            return spikes

        def ours(x: torch.Tensor = x) -> lifteach.Result:
            return lifteach.simulate(x, p, record_neurons=list(range(LARGE_RECORDED)))

        if not np.array_equal(reference(), ours().spikes.numpy()):  # also compiles and warms up both
            raise SystemExit(f"(e) at {neurons} neurons: simulate and the reference loop disagree.")
        times[neurons] = {name: [] for name in ("reference", "simulate", "reference warm", "simulate warm")}
        calls: dict[str, Callable[[], object]] = {"reference": reference, "simulate": ours}
        for round_ in range(rounds if neurons == 1000 else max(1, rounds // 2)):
            order = ["reference", "simulate"] if round_ % 2 == 0 else ["simulate", "reference"]
            for name in order:
                times[neurons][name].append(seconds(calls[name]))
                times[neurons][f"{name} warm"].append(warm_seconds(calls[name], 20 if neurons == 1000 else 3))
    return times


def warm_seconds(call: Callable[[], object], repeats: int) -> float:
    """The median of ``repeats`` calls in a row: caches warm, as in a loop or a run of slider changes.

    ``seconds`` collects garbage before its one call, which also evicts the CPU's caches (a full collection
    walks every object of the process): a call made of many small Python and torch operations then pays a
    cache miss on each, where the reference's one compiled call pays a few. Both are reported.
    """
    gc.collect()
    call()  # the first call after the collection is the cold one; not counted here
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        outcome = call()
        times.append(time.perf_counter() - start)
        del outcome
    return statistics.median(times)


# --- report --------------------------------------------------------------------------------------------------------


def report(
    times: dict[str, dict[str, list[float]]],
    large: list[dict[str, float]],
    rounds: int,
    compiled: dict[int, dict[str, list[float]]],
) -> str:
    workloads = seed_workloads()
    lines = [
        f"Medians of {rounds} interleaved rounds; ratio = Norse / lifteach (higher is better for lifteach).",
        "",
        "| workload | Norse 1.1.0 (ms) | lifteach (ms) | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, (description, _, _) in workloads.items():
        norse = statistics.median(times[name]["norse"]) * 1e3
        ours = statistics.median(times[name]["lifteach"]) * 1e3
        ratio = norse / ours
        verdict = "met" if ratio >= TARGETS[name] else "MISSED"
        lines.append(
            f"| ({name}) {description} | {norse:.1f} | {ours:.1f} | {ratio:.1f}x | >= {TARGETS[name]:g}x: {verdict} |"
        )
    wall = statistics.median(run["wall_s"] for run in large)
    memory = statistics.median(run["rss_increase_bytes"] for run in large)
    met = "met" if wall < LARGE_TIME_TARGET_S and memory < LARGE_MEMORY_TARGET_BYTES else "MISSED"
    lines += [
        "",
        "| workload | wall time (s) | peak RSS increase (MB) | target |",
        "| --- | ---: | ---: | --- |",
        f"| (d) `simulate`, {LARGE_NEURONS:,} neurons x {LARGE_STEPS} steps, Bernoulli p=0.01, v_th=0.3, "
        f"{LARGE_RECORDED} recorded | {wall:.2f} | {memory / 1e6:.0f} | < 2 s and < 1 GB: {met} |",
        "",
        f"(d) is the median of {len(large)} fresh processes; its input ({large[0]['input_bytes'] / 1e6:.0f} MB of "
        f"bools) exists before the run and is not counted; whole-process peak RSS "
        f"{statistics.median(run['process_peak_bytes'] for run in large) / 1e6:.0f} MB"
        + ("" if all(run["peak_was_reset"] for run in large) else " (peak mark could not be reset)")
        + ".",
        "",
        "| (e) `simulate`, bool input, 3 recorded, 1000 steps | compiled reference loop (ms) | simulate (ms) "
        "| ratio simulate / reference | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for neurons, measured in compiled.items():
        for how in ("after a full garbage collection", "warm, median of calls in a row"):
            suffix = "" if how.startswith("after") else " warm"
            reference = statistics.median(measured[f"reference{suffix}"]) * 1e3
            ours = statistics.median(measured[f"simulate{suffix}"]) * 1e3
            verdict = "met" if ours / reference <= COMPILED_TARGET else "MISSED"
            lines.append(
                f"| {neurons:,} neurons, {how} | {reference:.2f} | {ours:.2f} | {ours / reference:.2f}x "
                f"| <= {COMPILED_TARGET:g}x: {verdict} |"
            )
    return "\n".join(lines)


def environment() -> str:
    return (
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), numba "
        f"{importlib.metadata.version('numba')}, norse "
        f"{importlib.metadata.version('norse')}, lifteach {importlib.metadata.version('lifteach')}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds and 1 large run instead of 7 and 3")
    parser.add_argument("--rounds", type=int, help="interleaved rounds of the seed workloads")
    parser.add_argument(
        "--threads", type=int, help="torch intra-op threads for both libraries (default: torch's)"
    )
    parser.add_argument("--large-run-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.large_run_child:
        large_run_child()
        return
    rounds = args.rounds or (3 if args.quick else 7)
    print(f"Timing on: {environment()}", file=sys.stderr)
    times = time_seed_workloads(rounds)
    large = time_large_run(1 if args.quick else 3)
    compiled = time_against_compiled(rounds)
    print(f"Environment: {environment()}\n")
    print(report(times, large, rounds, compiled))


if __name__ == "__main__":
    main()
