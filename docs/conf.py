"""Sphinx configuration of the course website: the tutorials as they are stored, the API, the measurements.

Build with ``make docs`` (or ``sphinx-build -c docs . docs/_build/html``). The source directory is the
repository root, so that the pages come straight from ``notebooks/*.ipynb`` (the stored, nbval-checked
outputs; nothing is executed or copied) and ``docs/*.md``; ``include_patterns`` names the only files Sphinx
reads. This file lives in ``docs/`` and is found with ``-c docs``.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.application import Sphinx

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS))  # docs/live_code.py, this site's own extension

# The public modules, one API page each. Add a module here and it gets a page and a line on the API index;
# a module that becomes a package keeps its name, and autodoc documents the package's ``__all__``.
API_MODULES = [
    "lifteach",
    "lifteach.simulate",
    "lifteach.inputs",
    "lifteach.analysis",
    "lifteach.plot",
    "lifteach.explorer",
    "lifteach.exercises",
]
API_DIR = DOCS / "api"  # generated at every build from API_MODULES (git ignores it)

# Binder runs the repository as it is on GitHub: the tutorials in JupyterLab, the app in Voila. The address
# is a placeholder until the repository has its public home (the README's badges use the same one).
REPOSITORY = "https://github.com/lifteach/lifteach"
BINDER = "https://mybinder.org"
BRANCH = "HEAD"
APP_NOTEBOOK = "notebooks/02_lif_explorer.ipynb"
VOILA_APP_URL = f"{BINDER}/v2/gh/lifteach/lifteach/{BRANCH}?urlpath=voila/render/{APP_NOTEBOOK}"

project = "lifteach"
author = "the lifteach authors"
copyright = "the lifteach authors, MIT licence"
root_doc = "docs/index"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "live_code",
]

# Live Code (docs/live_code.py): the kernel comes from Binder unless the build names a Jupyter server and its
# token (docs/live.py, `make docs-live`, sets both for a server on this computer).
live_code_server = os.environ.get("LIFTEACH_LIVE_CODE_SERVER", "")
live_code_token = os.environ.get("LIFTEACH_LIVE_CODE_TOKEN", "")
live_code_repository = REPOSITORY
live_code_branch = BRANCH
live_code_binderhub = BINDER

# Only these files are pages. The tutorials' .md twins are not read: the .ipynb holds the same cells plus
# the outputs that nbval checks.
include_patterns = ["docs/*.md", "docs/api/*.md", "notebooks/[0-9]*.ipynb", "deploy/*/README.md"]
# Prune every other top-level folder (.venv alone holds tens of thousands of files) and the build output.
exclude_patterns = [
    "docs/_build",
    *sorted(
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and path.name not in {"docs", "notebooks", "deploy"}
    ),
    # deploy/: only the READMEs that docs/classroom.md links (its npm packages are not pages).
    "deploy/*/node_modules",
    "docs/thebe",  # Live Code's npm packages
]

# The stored outputs are the ones nbval proves; the site never runs a notebook.
nb_execution_mode = "off"
# The explorer's widget cannot live on a static page (no kernel runs its callbacks): replace_widgets puts a
# note with the launch links in its place. myst-nb's widget scripts would come from a CDN; none are loaded.
nb_ipywidgets_js: dict[str, dict[str, str]] = {}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3  # "#1-one-neuron"-style anchors for headings, as GitHub makes them

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# Defaults as written in the source (`p=LIFParameters()`), not as the repr of the value (a bare tuple).
autodoc_preserve_defaults = True
# A method that overrides torch's without a docstring of its own (LIF.extra_repr) is not part of our API.
autodoc_inherit_docstrings = False
# The docstrings are Google style ("Args:", "Returns:", "Attributes:"). Attributes as fields of their
# class, so that a dataclass's documented field is not also a second attribute entry.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True

html_theme = "sphinx_book_theme"
html_title = "lifteach"
html_static_path = ["_static"]
html_css_files = ["lifteach.css"]
# The site's home is docs/index.html; this index.html at the top sends visitors there.
html_extra_path = ["_extra"]
html_copy_source = True  # the .ipynb under _sources/ is the download button's file
html_theme_options: dict[str, Any] = {
    "repository_url": REPOSITORY,
    "repository_branch": BRANCH,
    "path_to_docs": "",  # page names are paths from the repository root, as Binder needs them
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {"binderhub_url": BINDER, "notebook_interface": "jupyterlab"},
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # The search field sits in the sidebar; an empty list keeps pydata-sphinx-theme from adding a second one
    # in a top bar of its own.
    "navbar_persistent": [],
}
html_context = {"default_mode": "light"}
html_last_updated_fmt = None
html_show_sphinx = False


def public_names(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if names is None:
        return [name for name in vars(module) if not name.startswith("_")]
    return list(names)


def defining_module(module_name: str, name: str) -> str:
    obj = getattr(importlib.import_module(module_name), name)
    return str(getattr(obj, "__module__", module_name) or module_name)


def reexported(module_name: str) -> dict[str, str]:
    """Names that ``module_name`` re-exports from another API module, where they are documented.

    ``lifteach.simulate`` is both a module and, re-exported by ``lifteach``, a function: documenting it on
    both pages would give two objects the same name."""
    found = {}
    for name in public_names(module_name):
        home = defining_module(module_name, name)
        if home != module_name and home in API_MODULES and name in public_names(home):
            found[name] = home
    return found


def summary(module_name: str) -> str:
    doc = inspect.getdoc(importlib.import_module(module_name)) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ")


def api_page(module_name: str) -> str:
    elsewhere = reexported(module_name)
    lines = [f"# {module_name}", "", "```{eval-rst}", f".. automodule:: {module_name}", "   :members:"]
    if elsewhere:
        lines.append(f"   :exclude-members: {', '.join(sorted(elsewhere))}")
    lines += ["```", ""]
    if elsewhere:
        links = ", ".join(f"{{py:obj}}`{name} <{home}.{name}>`" for name, home in sorted(elsewhere.items()))
        lines += ["## Also importable from here", "", f"Documented in their own modules: {links}.", ""]
    return "\n".join(lines)


def api_index() -> str:
    lines = [
        "# API reference",
        "",
        "Every public module of `lifteach`, from its docstrings.",
        "",
        "```{toctree}",
        ":maxdepth: 1",
        ":hidden:",
        "",
        *API_MODULES,
        "```",
        "",
    ]
    lines += [f"- [`{name}`]({name}.md): {summary(name)}" for name in API_MODULES]
    return "\n".join([*lines, ""])


def write_if_changed(path: Path, text: str) -> None:
    # Rewriting an unchanged page would make Sphinx read it, and every page linking to it, again.
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def generate_api_pages(app: Sphinx) -> None:
    API_DIR.mkdir(exist_ok=True)
    pages = {f"{name}.md": api_page(name) for name in API_MODULES} | {"index.md": api_index()}
    for stale in API_DIR.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        write_if_changed(API_DIR / name, text)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_note() -> nodes.note:
    """What a reader of the static page sees where the notebook shows an interactive explorer."""
    text = nodes.paragraph()
    text += nodes.Text(
        "Here the notebook shows the interactive explorer, which needs a running kernel: choose Live Code "
        "in the rocket menu at the top to run this page's cells here, open this page on Binder from the same "
        "menu (JupyterLab), or open the "
    )
    text += nodes.reference("", "LIF explorer app", refuri=VOILA_APP_URL)
    text += nodes.Text(" (Voila, on Binder).")
    return nodes.note("", text, classes=["widget-placeholder"])


def replace_widgets(app: Sphinx, doctree: nodes.document) -> None:
    # myst-nb renders a stored widget view as an inert <script type="...widget-view+json"> tag.
    for raw in list(doctree.findall(nodes.raw)):
        if WIDGET_VIEW in raw.astext():
            raw.replace_self(widget_note())


def add_voila_button(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Name the theme's Binder entry for what it opens (JupyterLab) and add the Voila app beside it."""
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            for button in group["buttons"]:
                if button.get("text") == "Binder":
                    button["text"] = "JupyterLab on Binder"
            group["buttons"].append(
                {
                    "type": "link",
                    "text": "LIF explorer app",
                    "tooltip": "Open the LIF explorer app (Voila) on Binder",
                    "icon": "fa-solid fa-sliders",
                    "url": VOILA_APP_URL,
                }
            )


def label_toctree_toggles(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give the sidebar's expand/collapse toggles a name (axe: summary-name, serious).

    pydata-sphinx-theme draws each toggle as a <summary> holding only an icon, which a screen reader announces
    as nothing; the label says whose pages it shows."""
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    def labelled(kind: str, *args: Any, **kwargs: Any) -> Any:
        tree = generate(kind, *args, **kwargs)
        parsed = BeautifulSoup(tree, "html.parser") if isinstance(tree, str) else tree
        for summary in parsed.select("details > summary"):
            item = summary.find_parent("li")
            link = item.find("a") if item is not None else None
            if link is not None and not summary.get("aria-label"):
                summary["aria-label"] = f"Show or hide the pages of {link.get_text().strip()}"
        return str(parsed) if isinstance(tree, str) else parsed

    context["generate_toctree_html"] = labelled


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", generate_api_pages)
    app.connect("doctree-read", replace_widgets)
    # After sphinx-book-theme's add_launch_buttons (priority 501), which makes the menu.
    app.connect("html-page-context", add_voila_button, priority=502)
    # After pydata-sphinx-theme puts its toctree functions into the context (default priority 500).
    app.connect("html-page-context", label_toctree_toggles, priority=900)
    return {"parallel_read_safe": True}
