"""A figure with its words: an anywidget that draws the picture and its description in its own element.

``FigureImage`` renders an ``<img>`` from the PNG bytes it holds, with the description as its ``alt``, and
under it a "Describe the figure" disclosure (``<details>``: Tab reaches it, Enter or Space opens it, no
script needed for that) showing the same words, one paragraph per line. ``ipywidgets.Image`` has no alt
attribute to set, and writing one into another view's element from outside depends on the order in which the
page renders views (an earlier attempt that did so lost the alt on some Voila loads); a view that builds its
own DOM cannot lose it. With ``image=False`` only the disclosure is drawn, for a figure whose picture another
widget (ipympl's canvas) shows.

The picture travels as a binary buffer, as ``ipywidgets.Image``'s does, and a change of picture and words is
one message (``hold_sync``). anywidget ships its front-end extension in its wheel and the module below is
inline, so this works offline in JupyterLab 4, Notebook 7 and Voila alike.
"""

from __future__ import annotations

import anywidget
import traitlets

from lifteach.explorer.parts import CSS_PREFIX

__all__ = ["SUMMARY", "FigureImage"]

SUMMARY = "Describe the figure"
"""The words on the disclosure that opens the description (as on notebook figures, ``lifteach.figures``)."""

_ESM = """
function render({ model, el }) {
  let img = null;
  if (model.get("image")) {
    img = document.createElement("img");
    img.className = "__PREFIX__figure-image";
    img.alt = "";
    el.append(img);
  }
  const details = document.createElement("details");
  details.className = "__PREFIX__description";
  const summary = document.createElement("summary");
  const body = document.createElement("div");
  body.className = "__PREFIX__description-text";
  details.append(summary, body);
  el.append(details);

  let url = null;
  const picture = () => {
    const data = model.get("value");
    if (!img || !data || data.byteLength === 0) return;
    const next = URL.createObjectURL(new Blob([data], { type: "image/png" }));
    img.src = next;
    // The old picture stays on screen until the new one is decoded; its address is no longer needed.
    if (url) URL.revokeObjectURL(url);
    url = next;
  };
  const words = () => {
    const text = model.get("description");
    if (img) img.alt = text;
    summary.textContent = model.get("summary");
    body.replaceChildren(...text.split("\\n").map((line) => {
      const paragraph = document.createElement("p");
      paragraph.textContent = line;
      return paragraph;
    }));
    details.hidden = !model.get("disclosure") || text === "";
  };
  model.on("change:value", picture);
  model.on("change:description", words);
  model.on("change:summary", words);
  model.on("change:disclosure", words);
  words();
  picture();
  return () => {
    if (url) URL.revokeObjectURL(url);
  };
}
export default { render };
""".replace("__PREFIX__", CSS_PREFIX)

# Colours inherit the page's (JupyterLab's theme, Voila's), which axe measures against their background; the
# focus ring is Okabe-Ito blue, the figures' own palette, at 3:1 or more against white as WCAG asks of it.
_CSS = f"""
.{CSS_PREFIX}figure-image {{ display: block; max-width: 100%; height: auto; }}
.{CSS_PREFIX}description {{ margin: 2px 0 4px 8px; }}
.{CSS_PREFIX}description summary {{ cursor: pointer; }}
.{CSS_PREFIX}description summary:focus-visible {{ outline: 2px solid #0072B2; outline-offset: 2px; }}
.{CSS_PREFIX}description-text {{ margin: 0 8px 0 16px; }}
.{CSS_PREFIX}description-text p {{ margin: 2px 0; }}
"""


class FigureImage(anywidget.AnyWidget):
    """A PNG (``value``) shown with ``description`` as its alt text and under a "Describe the figure"
    disclosure; see the module.

    Attributes:
        value: the PNG bytes.
        description: the figure in words, one line per panel (the alt text and the disclosure's paragraphs).
        image: False draws the disclosure alone (fixed when made).
        disclosure: False hides the disclosure (the alt text stays).
        summary: the disclosure's words.
    """

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    _css = traitlets.Unicode(_CSS).tag(sync=True)
    value = traitlets.Bytes(b"").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    image = traitlets.Bool(True).tag(sync=True)
    disclosure = traitlets.Bool(True).tag(sync=True)
    summary = traitlets.Unicode(SUMMARY).tag(sync=True)

    def show(self, png: bytes | None = None, description: str | None = None) -> None:
        """Change the picture and/or the words; whatever changed reaches the page in one message."""
        with self.hold_sync():
            if png is not None:
                self.value = png
            if description is not None:
                self.description = description
