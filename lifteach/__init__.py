"""lifteach: a teaching toolkit for leaky integrate-and-fire neurons in PyTorch.

``LIF`` and ``LIFParameters`` are drop-in replacements for Norse 1.1.0's; ``simulate`` is the teaching entry
point; ``lifteach.inputs`` makes inputs and ``lifteach.analysis`` measures spiking.
"""

from lifteach.lif import LIF, LIFParameters, LIFState, lif_integrate, lif_step
from lifteach.simulate import Result, simulate

__all__ = ["LIF", "LIFParameters", "LIFState", "Result", "lif_integrate", "lif_step", "simulate"]
__version__ = "0.1.0"
