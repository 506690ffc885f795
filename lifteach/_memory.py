"""Large output buffers backed by huge pages where the operating system offers them.

Recording a simulation writes tens of megabytes into fresh memory, and on Linux every first touch of a 4 kB
page is a page fault: for a 1000-step x 10,000-neuron trace the faults cost as much as the simulation itself.
Asking for transparent huge pages (2 MB) on the buffer before it is touched removes almost all of them.
This is only advice to the kernel: where it is refused or unavailable, the buffer is an ordinary tensor.
"""

from __future__ import annotations

import ctypes
import sys

import torch

_HUGE_PAGE = 2 * 1024 * 1024
_MADV_HUGEPAGE = 14  # from <sys/mman.h> on Linux
_libc: ctypes.CDLL | None = None
if sys.platform.startswith("linux"):
    try:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    except (OSError, AttributeError):  # a libc without madvise: ordinary pages then
        _libc = None


def empty(shape: tuple[int, ...] | torch.Size, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """An uninitialised tensor, advised onto huge pages when it is a large CPU buffer."""
    tensor = torch.empty(shape, dtype=dtype, device=device)
    nbytes = tensor.numel() * tensor.element_size()
    if _libc is not None and tensor.device.type == "cpu" and nbytes >= _HUGE_PAGE:
        start = -(-tensor.data_ptr() // _HUGE_PAGE) * _HUGE_PAGE  # first 2 MB boundary inside the buffer
        end = (tensor.data_ptr() + nbytes) // _HUGE_PAGE * _HUGE_PAGE
        if end > start:  # at least one whole huge page fits
            _libc.madvise(start, end - start, _MADV_HUGEPAGE)  # a refusal only means ordinary pages
    return tensor
