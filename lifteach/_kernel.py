"""The compiled CPU loop of the LIF core (numba): the same step as ``lif._step``, one neuron at a time.

A torch loop pays torch's per-operation overhead (~2 us) about ten times per step whatever the number of
neurons; compiled, a step of 1000 neurons costs under a microsecond. Every operation below is the float
operation Norse performs, in the same order and the same precision (no fused multiply-add: numba leaves
``fastmath`` off, so LLVM never contracts a multiply and an add), so the numbers are those of the torch loops
bit for bit; ``tests/test_lif.py`` holds every path together with hypothesis.

Compiled code is cached on disk (``cache=True``): the first use in a fresh environment compiles for a few
seconds, later processes load it in milliseconds. ``warm_up`` does that ahead of a learner's first change.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

# Neurons advanced together through every step of one block of time: their state and parameters stay in the
# first-level cache while the block's rows of input and output are streamed through.
_NEURON_BLOCK = 2048


@numba.njit(cache=True, nogil=True)
def _lif_loop(
    x: Any,
    weight: Any,
    v: Any,
    i: Any,
    rho: Any,
    membrane_factor: Any,
    synapse_factor: Any,
    v_leak: Any,
    v_th: Any,
    v_reset: Any,
    rho_reset: Any,
    refractory: bool,
    spikes: Any,
    record_sorted: Any,
    record_slot: Any,
    trace_v: Any,
    trace_i: Any,
) -> None:
    """Advance ``v``, ``i`` (and ``rho``) in place over the rows of ``x`` (steps, neurons); write ``spikes``.

    Parameters are arrays of one value per neuron in the state's dtype; ``weight`` is a one-element array in
    the input's float dtype (the input is ``x * weight``). ``record_sorted`` holds the flat indices of the
    recorded neurons in increasing order and ``record_slot`` the trace column each goes to.
    """
    steps, neurons = x.shape
    one = v.dtype.type(1.0)
    zero = v.dtype.type(0.0)
    w = weight[0]
    records = record_sorted.shape[0]
    first_record = 0
    for start in range(0, neurons, _NEURON_BLOCK):
        stop = min(start + _NEURON_BLOCK, neurons)
        last_record = first_record
        while last_record < records and record_sorted[last_record] < stop:
            last_record += 1
        for t in range(steps):
            for n in range(start, stop):
                i_jump = i[n] + x[t, n] * w
                v_decayed = v[n] + membrane_factor[n] * ((v_leak[n] - v[n]) + i_jump)
                i_decayed = i_jump + synapse_factor[n] * i_jump
                z = one if v_decayed - v_th[n] > zero else zero
                v_new = (one - z) * v_decayed + z * v_reset[n]
                if refractory:
                    # Norse's refractory update: held (voltage kept, no spike) while the count is above 0.
                    held = one if rho[n] > zero else zero
                    v_new = (one - held) * v_new + held * v[n]
                    z = (one - held) * z
                    rho[n] = (one - z) * max(rho[n] - held, zero) + z * rho_reset[n]
                v[n] = v_new
                i[n] = i_decayed
                spikes[t, n] = z
            for k in range(first_record, last_record):
                n = record_sorted[k]
                slot = record_slot[k]
                if trace_v.shape[1] > 0:
                    trace_v[t, slot] = v[n]
                if trace_i.shape[1] > 0:
                    trace_i[t, slot] = i[n]
        first_record = last_record


def run(arrays: dict[str, np.ndarray], refractory: bool) -> None:
    """Run the compiled loop on numpy arrays prepared by ``lif._integrate_compiled``."""
    _lif_loop(
        arrays["x"],
        arrays["weight"],
        arrays["v"],
        arrays["i"],
        arrays["rho"],
        arrays["membrane_factor"],
        arrays["synapse_factor"],
        arrays["v_leak"],
        arrays["v_th"],
        arrays["v_reset"],
        arrays["rho_reset"],
        refractory,
        arrays["spikes"],
        arrays["record_sorted"],
        arrays["record_slot"],
        arrays["trace_v"],
        arrays["trace_i"],
    )
