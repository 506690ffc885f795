"""What a check says: a ``Feedback`` verdict and a ``Solution``, each readable as plain text and in a notebook.

The verdict is said in words ("Correct:", "Not yet:", "Hint:"), never by an emoji or a colour alone: emoji
render as empty boxes where no emoji font is installed, and colour is lost on some screens and to some eyes.
The HTML carries ``role="status"`` so that a screen reader announces the verdict when the cell runs, and its
colours meet WCAG AA contrast (at least 4.5:1 for text; ``tests/test_exercises_feedback.py`` computes it).
Colours are inline styles, which JupyterLab keeps even when it sanitises a stored, untrusted output (it drops
``role`` there, which matters little: a stored output is not news to announce).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["PALETTE", "Feedback", "Palette", "Solution"]


class Palette(NamedTuple):
    """The colours of one verdict, as ``#rrggbb``: text on background, code spans, and the edge stripe."""

    text: str
    background: str
    code_background: str
    stripe: str


# Dark text on a light tint of the same hue: about 9:1 against the box and 8:1 against code spans, far above
# AA's 4.5:1, so that the verdict stays legible on a washed-out projector too. The box sets its own colours,
# so a dark theme does not change them.
PALETTE: dict[str, Palette] = {
    "Correct": Palette(text="#14532d", background="#ecfdf3", code_background="#d1fadf", stripe="#15803d"),
    "Not yet": Palette(text="#7c2d12", background="#fff7ed", code_background="#ffedd5", stripe="#c2410c"),
    "Hint": Palette(text="#1e3a8a", background="#eff6ff", code_background="#dbeafe", stripe="#1d4ed8"),
}
"""Colours by verdict ("Correct", "Not yet", "Hint")."""

_CODE_SPAN = re.compile(r"`([^`]+)`")


def _inline_html(text: str, palette: Palette) -> str:
    """``text`` escaped for HTML, with Markdown code spans (`` `x` ``) as ``<code>`` in the verdict's colours."""
    # Jupyter's stylesheet gives <code> its theme's colours; inline colours keep the contrast the test measured.
    style = (
        f"color:{palette.text};background-color:{palette.code_background};padding:0 0.2em;border-radius:0.2em"
    )
    return _CODE_SPAN.sub(lambda span: f'<code style="{style}">{span.group(1)}</code>', html.escape(text))


@dataclass(frozen=True)
class Feedback:
    """The verdict of a check on a learner's answer.

    Attributes:
        exercise: the exercise's name (what ``solution`` takes).
        correct: whether the answer is right.
        message: why it is right, or a hint about the idea that was missed (Markdown code spans allowed).
        judged: False when the answer could not be judged at all: a ``...`` left in a template cell, a value
            of the wrong kind, a function that raised. The verdict is then "Hint" rather than "Not yet".
    """

    exercise: str
    correct: bool
    message: str
    judged: bool = True

    def __post_init__(self) -> None:
        if self.correct and not self.judged:
            raise ValueError(
                f"Feedback for {self.exercise!r}: correct=True needs judged=True (an answer that could not be "
                "judged cannot be right); pass judged=True or correct=False."
            )

    @property
    def verdict(self) -> str:
        """The verdict in words: "Correct", "Not yet" (a judged wrong answer) or "Hint" (not judged)."""
        if self.correct:
            return "Correct"
        return "Not yet" if self.judged else "Hint"

    def __str__(self) -> str:
        return f"{self.verdict} ({self.exercise}): {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        palette = PALETTE[self.verdict]
        style = (
            f"color:{palette.text};background-color:{palette.background};"
            f"border-left:0.35em solid {palette.stripe};padding:0.5em 0.75em;border-radius:0.25em"
        )
        return (
            f'<div role="status" class="lifteach-feedback" data-exercise="{html.escape(self.exercise)}" '
            f'data-verdict="{self.verdict}" style="{style}">'
            f"<strong>{self.verdict}:</strong> {_inline_html(self.message, palette)}</div>"
        )


@dataclass(frozen=True)
class Solution:
    """A worked solution: ``text`` in Markdown (prose and a code block)."""

    exercise: str
    text: str

    def __str__(self) -> str:
        return f"Solution ({self.exercise}):\n{self.text}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return f"**Solution ({self.exercise})**\n\n{self.text}"
