r"""The leaky integrate-and-fire (LIF) neuron: parameters, state, one step, the time loop and the modules.

The membrane voltage ``v`` leaks towards ``v_leak`` and integrates a synaptic current ``i``; the current
decays to zero and jumps by the input ``x`` at every step:

.. math::
    \dot v = \tau_\mathrm{mem}^{-1} (v_\mathrm{leak} - v + i), \qquad
    \dot i = -\tau_\mathrm{syn}^{-1} i, \qquad
    z = \Theta(v - v_\mathrm{th}),\ v \leftarrow v_\mathrm{reset} \text{ after a spike}.

Units: time in seconds (``dt=1e-3`` is 1 ms), inverse time constants in 1/s (``tau_mem_inv=100`` is a 10 ms
membrane time constant), voltages and currents in the model's dimensionless units (threshold 1 by default).

The numbers are those of Norse 1.1.0's feed-forward LIF, step for step and bit for bit, so code written
against Norse runs unchanged. One forward Euler step is, in this order::

    i_jump = i + x
    v_dec  = v + dt * tau_mem_inv * ((v_leak - v) + i_jump)
    i_dec  = i_jump - dt * tau_syn_inv * i_jump
    z      = heaviside(v_dec - v_th)            # strictly above threshold spikes
    v_new  = (1 - z) * v_dec + z * v_reset      # recorded state: (v_new, i_dec)

Inside, one module per idea, each importing only those above it in this list:

- ``_parameters``: ``LIFParameters``, ``LIFState`` and their refractory twins (NamedTuples);
- ``_validate``: the checks at the public boundary (``check_parameters``, a state, recorded neurons);
- ``_torch_compile``: keeps ``torch.compile`` from tracing the public functions;
- ``_step``: one step (``lif_step``, the surrogate gradient ``SuperSpike``, Norse's refractory rule);
- ``_fast``: the time loop without a graph, compiled on the CPU (``lifteach._kernel``) or in torch;
- ``_loop``: ``lif_integrate``, the engines, and the gradient that replays the differentiable step;
- ``_modules``: ``LIF``, ``LIFCell`` and ``LIFRefracCell``, the Norse-compatible modules.
"""

# The names imported "as" themselves are importable from here too, as when the core was one module, but are not
# part of __all__: constants, the surrogate's autograd function, and private helpers that simulate, the step
# inspector and the tests use.
from lifteach.lif._fast import COMPILED_LOOP_SWITCH as COMPILED_LOOP_SWITCH
from lifteach.lif._loop import ENGINES as ENGINES
from lifteach.lif._loop import _integrate as _integrate
from lifteach.lif._loop import lif_feed_forward_integral, lif_integrate, warm_up
from lifteach.lif._modules import LIF, LIFCell, LIFRefracCell
from lifteach.lif._parameters import LIFParameters, LIFRefracParameters, LIFRefracState, LIFState
from lifteach.lif._parameters import _parameter_tensors as _parameter_tensors
from lifteach.lif._step import (
    LIFFeedForwardState,
    lif_current_encoder,
    lif_feed_forward_step,
    lif_refrac_step,
    lif_step,
)
from lifteach.lif._step import StepParts as StepParts
from lifteach.lif._step import SuperSpike as SuperSpike
from lifteach.lif._step import _spike as _spike
from lifteach.lif._step import _step_parts as _step_parts
from lifteach.lif._validate import METHODS as METHODS
from lifteach.lif._validate import _check_refractory_state as _check_refractory_state
from lifteach.lif._validate import _check_state as _check_state
from lifteach.lif._validate import check_parameters, check_refractory_parameters
from lifteach.lif._validate import neuron_indices as neuron_indices

__all__ = [
    "LIF",
    "LIFCell",
    "LIFFeedForwardState",
    "LIFParameters",
    "LIFRefracCell",
    "LIFRefracParameters",
    "LIFRefracState",
    "LIFState",
    "check_parameters",
    "check_refractory_parameters",
    "lif_current_encoder",
    "lif_feed_forward_integral",
    "lif_feed_forward_step",
    "lif_integrate",
    "lif_refrac_step",
    "lif_step",
    "warm_up",
]

# Each public name says it lives here, as when the core was one module: in reprs, in pickles (a saved
# LIFParameters loads by the same path) and on the API pages.
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
