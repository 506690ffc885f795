"""One explorer change at 100,000 neurons with new input, against a compiled loop of the same size, in one run.

    .venv/bin/python benchmarks/bench_explorer_large.py             # 5 interleaved rounds
    .venv/bin/python benchmarks/bench_explorer_large.py --rounds 3

The explorer (voltage, raster and spike-count panels, PNG view) at 100,000 neurons x 1000 steps of Bernoulli
input at its default 10 Hz: one change of ``seed`` makes a new input, simulates, updates the panels and
renders the figure, timed from setting the control to the PNG in the image widget. Its peers, interleaved in
the same rounds (which goes first alternates) so that the shared machine's load hits all alike:

- the compiled reference loop of ``bench_core.py`` (the same Euler step as the plainest numba loop, 3 traces
  recorded) on a bool input of the same size: what the machine needs for the simulation alone;
- the same loop after making its input the plainest way (``torch.rand(...) < p``, one generator): the
  simulation with its input.

Prints a Markdown table of medians and the ratios explorer / peer (issue 11's goal: within 4x of the compiled
loop, input included); asserts nothing about time.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch
from bench_core import _reference_kernel

from lifteach.explorer import Explorer

NEURONS, STEPS, RECORDED, P = 100_000, 1000, 3, 0.01
TARGET = 4.0


def seconds(call: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    loop = _reference_kernel()
    f32 = np.float32
    membrane, synapse = f32(torch.tensor(100.0) * 1e-3), f32(torch.tensor(200.0) * -1e-3)

    def simulate_reference(x: np.ndarray) -> np.ndarray:
        v, i = np.zeros(NEURONS, f32), np.zeros(NEURONS, f32)
        spikes = np.empty(x.shape, np.bool_)
        traces = (np.empty((STEPS, RECORDED), f32), np.empty((STEPS, RECORDED), f32))
        loop(x, v, i, membrane, synapse, f32(0.3), spikes, *traces, np.arange(RECORDED))
        return spikes

    fixed = (torch.rand((STEPS, NEURONS), generator=torch.Generator().manual_seed(1)) < P).numpy()
    seeds = iter(range(10, 10_000))

    def reference_with_input() -> None:
        x = torch.rand((STEPS, NEURONS), generator=torch.Generator().manual_seed(next(seeds))) < P
        simulate_reference(x.numpy())

    explorer = Explorer(n_neurons=NEURONS)
    simulate_reference(fixed)  # compiles the reference loop before anything is timed
    explorer.set(seed=explorer.values["seed"] + 1)  # and one change before the first timed one
    times: dict[str, list[float]] = {"explorer": [], "reference": [], "reference + input": []}
    stages: list[dict[str, float]] = []
    peers: dict[str, Callable[[], object]] = {
        "explorer": lambda: explorer.set(seed=explorer.values["seed"] + 1),
        "reference": lambda: simulate_reference(fixed),
        "reference + input": reference_with_input,
    }
    for round_ in range(rounds):
        order = list(peers) if round_ % 2 == 0 else list(reversed(peers))
        for name in order:
            times[name].append(seconds(peers[name]))
            if name == "explorer":
                stages.append(dict(explorer.timings))
    explorer.close()
    ours = statistics.median(times["explorer"])
    print(f"{NEURONS:,} neurons x {STEPS} steps, Bernoulli input at p = {P}, {rounds} interleaved rounds, ")
    print(f"load average {os.getloadavg()[0]:.1f} at the end, torch {torch.get_num_threads()} threads\n")
    print(
        "| one change with new input (seed) | median (s) | minimum (s) | explorer / peer (medians) | target |"
    )
    print("| --- | ---: | ---: | ---: | --- |")
    for name, measured in times.items():
        median = statistics.median(measured)
        ratio = "" if name == "explorer" else f"{ours / median:.2f}x"
        verdict = (
            "" if name == "explorer" else f"<= {TARGET:g}x: {'met' if ours / median <= TARGET else 'MISSED'}"
        )
        print(f"| {name} | {median:.3f} | {min(measured):.3f} | {ratio} | {verdict} |")
    print("\n| explorer stage | median (ms) |\n| --- | ---: |")
    for stage in ("simulate_ms", "update_ms", "render_ms", "total_ms"):
        print(f"| {stage} | {statistics.median(s[stage] for s in stages):.0f} |")


if __name__ == "__main__":
    main()
