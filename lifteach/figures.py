"""Notebook figures with a text alternative: ``show(figure, description)``.

JupyterLab 4, Notebook 7 and Voila draw an ``image/png`` output through JupyterLab's image renderer, which
sets no ``alt`` whatever the output's metadata says (``@jupyterlab/rendermime``'s ``renderImage`` reads only
``width``, ``height`` and ``unconfined``), so a figure shown by matplotlib's inline backend reaches a screen
reader as an unnamed image. ``show`` hands the front end an HTML ``<img>`` with the description as its
``alt``, and the same words in a "Describe the figure" disclosure under it (``<details>``: keyboard-operable,
no script). The figure is then closed in pyplot, so that the inline backend does not show it a second time::

    fig, ax = plt.subplots()
    plot.voltage(ax, result)
    figures.show(fig, describe(result, ["voltage"]))
"""

from __future__ import annotations

import base64
import html
import io
import sys
from typing import Any

from matplotlib.figure import Figure

__all__ = ["DescribedFigure", "figure_html", "show"]

SUMMARY = "Describe the figure"
"""The words on the disclosure that opens the description."""


def figure_html(png: bytes, description: str) -> str:
    """An ``<img>`` of the PNG with ``description`` as its alt text, and the description under it.

    Each line of the description is one paragraph of the disclosure.
    """
    encoded = base64.b64encode(png).decode("ascii")
    paragraphs = "".join(
        f"<p style='margin:2px 0'>{html.escape(line)}</p>" for line in description.split("\n")
    )
    return (
        "<div class='lifteach-described-figure'>"
        f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(description, quote=True)}" '
        'style="max-width:100%;height:auto">'
        f"<details><summary style='cursor:pointer'>{SUMMARY}</summary>{paragraphs}</details></div>"
    )


class DescribedFigure:
    """A figure as a picture with its description; a notebook shows it as the last expression of a cell.

    The PNG is made when the object is made (later changes to the figure are not shown).

    Args:
        figure: a matplotlib ``Figure``.
        description: what the figure shows, in words (e.g. from ``lifteach.describe.describe``).
        dpi: pixels per inch (default: the figure's own, as the inline backend uses).
    """

    def __init__(self, figure: Figure, description: str, dpi: float | None = None) -> None:
        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}.")
        if not isinstance(description, str) or not description.strip():
            raise ValueError(
                "description must say in words what the figure shows, e.g. describe(result, ['voltage'])."
            )
        buffer = io.BytesIO()
        # As the inline backend saves figures: cropped to what is drawn.
        figure.savefig(buffer, format="png", dpi="figure" if dpi is None else dpi, bbox_inches="tight")
        self.png = buffer.getvalue()
        self.description = description

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        # text/html is preferred to text/plain by every front end; text/plain is what a terminal prints.
        return {"text/html": figure_html(self.png, self.description), "text/plain": self.description}


def show(figure: Figure, description: str, dpi: float | None = None) -> None:
    """Display ``figure`` with ``description`` as its alt text and as a visible description under it.

    A figure made with pyplot is closed afterwards: the inline backend would otherwise show it again, without
    a description, at the end of the cell.
    """
    from IPython.display import display

    display(DescribedFigure(figure, description, dpi))  # type: ignore[no-untyped-call]  # IPython is unannotated
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # a figure made by pyplot means pyplot is imported; closing another is a no-op
        pyplot.close(figure)
