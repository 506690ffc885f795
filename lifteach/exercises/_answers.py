"""Reading a learner's answer: the value a check can judge, or ``Unjudged`` with a hint on how to answer.

A learner's answer can be anything: ``...`` left in a template cell, a string where a number belongs, a tensor
of the wrong shape, a function that crashes. Each reader here turns one kind of answer (a number, a tensor, a
function's return value) into the value the check compares, or raises ``Unjudged`` saying what is expected.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from lifteach.lif import LIFState

__all__ = ["Unjudged", "call", "choice", "close", "describe", "function", "missing", "number", "tensor"]


class Unjudged(Exception):
    """The answer cannot be judged; the message says how to give one that can (it becomes a "Hint")."""


def describe(answer: object) -> str:
    """A short ``repr`` of an answer for a message (at most 40 characters)."""
    text = repr(answer)
    return text if len(text) <= 40 else text[:37] + "..."


def missing(answer: object) -> str | None:
    """A hint for the placeholders a template cell leaves behind, else None."""
    if answer is Ellipsis:
        return "Replace the `...` with your answer, then run the cell again."
    if answer is None:
        return (
            "Your answer is None: give the value itself (a cell that ends in `print(...)` or an assignment "
            "has no value, and a function without `return` gives None)."
        )
    return None


def _refuse_placeholder(answer: object) -> None:
    placeholder = missing(answer)
    if placeholder:
        raise Unjudged(placeholder)


def number(answer: object, what: str) -> float:
    """The answer as a finite float; ``what`` names it in the hint ("the rheobase")."""
    _refuse_placeholder(answer)
    if isinstance(answer, str):
        raise Unjudged(f"You gave the text {describe(answer)}; {what} is a number: write it without quotes.")
    if isinstance(answer, (torch.Tensor, np.ndarray)):
        count = answer.numel() if isinstance(answer, torch.Tensor) else answer.size
        if count != 1:
            raise Unjudged(
                f"You gave an array of shape {tuple(answer.shape)}; {what} is a single number. "
                "If it holds one value per neuron, pick the neuron (`[0]`) or average (`.mean()`)."
            )
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Unjudged(f"You gave {describe(answer)} ({type(answer).__name__}); {what} is a number.")
    value = float(answer)
    if not math.isfinite(value):
        raise Unjudged(f"You gave {value}; {what} is a finite number.")
    return value


def choice(answer: object, options: tuple[str, ...], what: str) -> str:
    """The answer as one of the words ``options`` (case and surrounding spaces ignored); ``what`` names it."""
    _refuse_placeholder(answer)
    listed = " or ".join(f'"{option}"' for option in options)
    if not isinstance(answer, str):
        raise Unjudged(f"You gave {describe(answer)}; {what} is one of the words {listed}, in quotes.")
    word = answer.strip().lower()
    if word not in options:
        raise Unjudged(f"You gave {describe(answer)}; {what} is one of the words {listed}.")
    return word


def tensor(answer: object, what: str) -> torch.Tensor:
    """The answer as a float64 tensor on the CPU (from a tensor, array or nested list), gradients dropped."""
    _refuse_placeholder(answer)
    if isinstance(answer, LIFState):
        raise Unjudged(f"You gave the whole state (v and i); {what} is one of its fields, e.g. `states.i`.")
    if isinstance(answer, str):
        raise Unjudged(f"You gave the text {describe(answer)}; {what} is a tensor of numbers.")
    if isinstance(answer, torch.Tensor):
        answer = answer.detach().cpu()
    if isinstance(answer, (torch.Tensor, np.ndarray)) and np.iscomplexobj(answer):
        raise Unjudged(f"You gave complex numbers; {what} holds real numbers.")
    try:
        return torch.as_tensor(np.asarray(answer, dtype=np.float64))
    except (TypeError, ValueError, RuntimeError):
        raise Unjudged(
            f"You gave {describe(answer)} ({type(answer).__name__}); {what} is a tensor of numbers."
        ) from None


def function(answer: object) -> Callable[..., Any]:
    """The answer as a function the check can call."""
    _refuse_placeholder(answer)
    if not callable(answer):
        raise Unjudged(
            f"You gave {describe(answer)}, not a function: pass the function itself, without parentheses, "
            "e.g. `check(my_function)`."
        )
    return answer


def call(learners_function: Callable[..., Any], args: tuple[Any, ...], case: str) -> Any:
    """Call a learner's function; an exception or a ``...`` returned becomes a hint naming the ``case``."""
    try:
        value = learners_function(*args)
    except Exception as error:  # a learner's function may raise anything; report it as a hint
        raise Unjudged(
            f"Your function raised {type(error).__name__}: {error} (when called with {case})."
        ) from None
    if value is Ellipsis:
        raise Unjudged(
            "Your function returns `...`: replace the `...` in it with your code, then run the cell again."
        )
    return value


def close(answer: float, expected: float, relative: float = 1e-3, absolute: float = 1e-6) -> bool:
    """Whether ``answer`` matches ``expected`` within the relative or the absolute tolerance."""
    return math.isclose(answer, expected, rel_tol=relative, abs_tol=absolute)
