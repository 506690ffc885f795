"""The marker that keeps ``torch.compile`` out of the core's public functions, applied only when it matters."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import torch

_Function = TypeVar("_Function", bound=Callable[..., Any])


def _eager(function: _Function) -> _Function:
    """Run ``function`` eagerly under ``torch.compile`` (as ``torch.compiler.disable`` does), at no import cost.

    Tracing the public steps, loops and modules would spend a minute generating kernels for argument checks
    and for a loop that is compiled already, and gain nothing; code around them (a learner's network) is still
    compiled. ``torch.compiler.disable`` itself imports torch's compiler (~70 MB of memory) when it is
    applied, so it is applied on the first call made while that compiler is loaded, i.e. only by people who
    use ``torch.compile``.
    """
    disabled: list[Callable[..., Any]] = []

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        if "torch._dynamo" not in sys.modules:
            return function(*args, **kwargs)
        if not disabled:
            disabled.append(torch.compiler.disable(function))
        return disabled[0](*args, **kwargs)

    return call  # type: ignore[return-value]  # the same signature as function
