"""The compiled CPU loop of the LIF core (numba): the same step as ``lifteach.lif._step``, one neuron at a time.

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


@numba.njit(cache=True, inline="always")
def _lif_step(
    x: Any, v: Any, i: Any, membrane: Any, synapse: Any, v_leak: Any, v_th: Any, v_reset: Any
) -> tuple[Any, Any, Any]:
    """One step of one neuron, as ``lifteach.lif._step``: ``(v, i, z)`` after it (``x`` already weighted)."""
    zero = v - v  # 0 and 1 in the state's dtype (float32 stays float32: an int would promote to float64)
    one = zero + np.float32(1.0)
    i_jump = i + x
    v_decayed = v + membrane * ((v_leak - v) + i_jump)
    i_decayed = i_jump + synapse * i_jump
    z = one if v_decayed - v_th > zero else zero
    return (one - z) * v_decayed + z * v_reset, i_decayed, z


@numba.njit(cache=True, inline="always")
def _refractory_update(rho: Any, z: Any, v_new: Any, v_before: Any, rho_reset: Any) -> tuple[Any, Any, Any]:
    """Norse's refractory rule, as ``lifteach.lif._step._refractory_update``: ``(v, z, rho)`` after a step."""
    zero = rho - rho
    one = zero + np.float32(1.0)
    held = one if rho > zero else zero
    v_new = (one - held) * v_new + held * v_before
    z = (one - held) * z
    return v_new, z, (one - z) * max(rho - held, zero) + z * rho_reset


@numba.njit(cache=True, inline="always")
def _record(t: int, v: Any, i: Any, record_index: Any, trace_v: Any, trace_i: Any) -> None:
    """Copy the recorded neurons' state after step ``t`` into row ``t`` of the traces."""
    for k in range(record_index.shape[0]):
        if trace_v.shape[1] > 0:
            trace_v[t, k] = v[record_index[k]]
        if trace_i.shape[1] > 0:
            trace_i[t, k] = i[record_index[k]]


# Two loops rather than one with a branch inside: a test per neuron and step keeps LLVM from vectorising
# the loop, and costs half again as much.
@numba.njit(cache=True, nogil=True)
def _lif_loop(
    x: Any,
    weight: Any,
    v: Any,
    i: Any,
    membrane: Any,
    synapse: Any,
    v_leak: Any,
    v_th: Any,
    v_reset: Any,
    spikes: Any,
    record_index: Any,
    trace_v: Any,
    trace_i: Any,
) -> None:
    """Advance ``v`` and ``i`` in place over the rows of ``x`` (steps, neurons); write ``spikes`` and traces.

    Parameters are arrays of one value per neuron in the state's dtype; ``weight`` is a one-element array in
    the input's float dtype (the input is ``x * weight``). ``record_index`` holds the flat indices of the
    recorded neurons, one per trace column.
    """
    steps, neurons = x.shape
    w = weight[0]
    # Time outside, neurons inside: every row of input and output is streamed once, in order, and the
    # indices are plainly non-negative (a computed start would add a wrap-around test to every access).
    for t in range(steps):
        for n in range(neurons):
            v[n], i[n], spikes[t, n] = _lif_step(
                x[t, n] * w, v[n], i[n], membrane[n], synapse[n], v_leak[n], v_th[n], v_reset[n]
            )
        _record(t, v, i, record_index, trace_v, trace_i)


@numba.njit(cache=True, nogil=True)
def _lif_refractory_loop(
    x: Any,
    weight: Any,
    v: Any,
    i: Any,
    rho: Any,
    membrane: Any,
    synapse: Any,
    v_leak: Any,
    v_th: Any,
    v_reset: Any,
    rho_reset: Any,
    spikes: Any,
    record_index: Any,
    trace_v: Any,
    trace_i: Any,
) -> None:
    """``_lif_loop`` with Norse's refractory period: ``rho`` (steps left) is advanced in place too."""
    steps, neurons = x.shape
    w = weight[0]
    for t in range(steps):
        for n in range(neurons):
            v_new, i[n], z = _lif_step(
                x[t, n] * w, v[n], i[n], membrane[n], synapse[n], v_leak[n], v_th[n], v_reset[n]
            )
            v[n], spikes[t, n], rho[n] = _refractory_update(rho[n], z, v_new, v[n], rho_reset[n])
        _record(t, v, i, record_index, trace_v, trace_i)


def run(arrays: dict[str, np.ndarray], refractory: bool) -> None:
    """Run the compiled loop on numpy arrays prepared by ``lifteach.lif._fast._integrate_compiled``."""
    a = arrays
    lif = (a["membrane_factor"], a["synapse_factor"], a["v_leak"], a["v_th"], a["v_reset"])
    outputs = (a["spikes"], a["record_index"], a["trace_v"], a["trace_i"])
    if refractory:
        _lif_refractory_loop(a["x"], a["weight"], a["v"], a["i"], a["rho"], *lif, a["rho_reset"], *outputs)
    else:
        _lif_loop(a["x"], a["weight"], a["v"], a["i"], *lif, *outputs)
