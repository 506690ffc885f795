"""lifteach: a teaching toolkit for leaky integrate-and-fire neurons in PyTorch.

``LIF``, ``LIFCell``, ``LIFRefracCell`` and their parameters are drop-in replacements for Norse 1.1.0's; ``simulate`` is the teaching entry
point; ``lifteach.inputs`` makes inputs and ``lifteach.analysis`` measures spiking.
"""

from lifteach.lif import (
    LIF,
    LIFCell,
    LIFParameters,
    LIFRefracCell,
    LIFRefracParameters,
    LIFRefracState,
    LIFState,
    lif_integrate,
    lif_step,
    warm_up,
)
from lifteach.simulate import Result, simulate

__all__ = [
    "LIF",
    "LIFCell",
    "LIFParameters",
    "LIFRefracCell",
    "LIFRefracParameters",
    "LIFRefracState",
    "LIFState",
    "Result",
    "lif_integrate",
    "lif_step",
    "simulate",
    "warm_up",
]
__version__ = "0.1.0"
