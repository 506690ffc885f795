"""Build the course website once per test session and read it: pages, links, assets, figures.

Used by tests/test_docs.py (as ``browser.docsite``, like ``browser.appserver`` in tests/test_binder.py) and
tests/browser/test_site.py. The checks are functions over a built HTML folder, so that each can also be shown
failing on a damaged copy of the site.
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
TUTORIALS = sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
BUILD_TIMEOUT = 600  # seconds; a build takes about half a minute on a quiet machine


def sphinx_command(html: Path, doctrees: Path, source: Path = ROOT, conf: Path = DOCS) -> list[str]:
    """The command `make docs` runs, with the output elsewhere: warnings are errors."""
    return [
        *(sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q"),
        *("-c", str(conf), "-b", "html", "-d", str(doctrees), str(source), str(html)),
    ]


def build(out: Path, source: Path = ROOT, conf: Path = DOCS, env: dict[str, str] | None = None) -> Path:
    """Build the site from ``source`` into ``out/html`` and return that folder; fail with Sphinx's output.

    ``env``: variables added to the build's environment (docs/conf.py reads Live Code's server from them)."""
    html = out / "html"
    completed = subprocess.run(
        sphinx_command(html, out / "doctrees", source, conf),
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    if completed.returncode != 0:
        pytest.fail(f"sphinx-build failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    return html


def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once per test session into the session's temporary folder and shared by every test.

    The mark is a file rather than a module variable: this module is imported under two names (see above)."""
    out = tmp_path_factory.getbasetemp() / "site"
    done = out / "built"
    if not done.exists():
        build(out)
        done.touch()
    return out / "html"


def built_live_site(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Path:
    """The site built again with Live Code's settings from ``env`` (docs/live.py's), into a folder of its own.

    It starts from the session's build (built first if need be): Live Code's settings only change what is
    written, so Sphinx writes the pages again without reading the notebooks again."""
    built_site(tmp_path_factory)
    base = tmp_path_factory.getbasetemp()
    out = Path(tempfile.mkdtemp(prefix="live-site-", dir=base))
    shutil.copytree(base / "site" / "doctrees", out / "doctrees")
    return build(out, env=env)


def docs_module(name: str) -> ModuleType:
    """docs/<name>.py as a module: ``live`` (`make docs-live`'s settings and commands), ``live_code``."""
    return _load(f"lifteach_docs_{name}", DOCS / f"{name}.py")


def docs_conf() -> ModuleType:
    """docs/conf.py as a module (its API_MODULES list and helpers)."""
    return _load("lifteach_docs_conf", DOCS / "conf.py")


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def html_pages(html: Path) -> list[Path]:
    # _static/ holds the themes' Jinja macro files (*.html), templates rather than pages.
    return sorted(path for path in html.rglob("*.html") if "_static" not in path.relative_to(html).parts)


def soup(path: Path) -> BeautifulSoup:
    """The parsed page (parsed once while the file is unchanged: the checks read each page many times)."""
    stat = path.stat()
    return _parse(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _parse(path: Path, mtime_ns: int, size: int) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def tutorial_page(html: Path, notebook: Path) -> Path:
    return html / "notebooks" / f"{notebook.stem}.html"


# A figure shown with its description (lifteach.figures.show): its PNG inline in an <img>, in text/html.
INLINE_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def stored_figures(notebook: Path) -> list[bytes]:
    """The PNG images a notebook stores (image/png outputs, or figures with their description), in order."""
    stored = nbformat.read(notebook, as_version=4)
    found = []
    for cell in stored.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                found.append(base64.b64decode(data["image/png"]))
            else:
                found += [base64.b64decode(png) for png in INLINE_PNG.findall(str(data.get("text/html", "")))]
    return found


def page_figures(page: Path) -> list[bytes]:
    """The pictures that a notebook page shows as cell outputs, in order: image files, or inline PNGs."""
    shown = []
    for image in soup(page).select("div.cell_output img"):
        source = str(image["src"])
        if source.startswith("data:image/png;base64,"):
            shown.append(base64.b64decode(source.split(",", 1)[1]))
        else:
            shown.append((page.parent / unquote(source)).resolve().read_bytes())
    return shown


# Attributes through which a page makes the browser load something, whatever the element's role.
LOADING = [
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
]
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
# An inline script that names a script or stylesheet on another host is about to load it (sphinx-thebe, for
# one, writes thebe's CDN address into an inline script, and its own script loads from there).
SCRIPT_EXTERNAL = re.compile(r"""["'`]((https?:)?//[^"'`\s]+\.(js|css))(\?[^"'`\s]*)?["'`]""", re.IGNORECASE)
CSS_EXTERNAL = re.compile(r"(url\(\s*['\"]?|@import\s+['\"])\s*(https?:)?//", re.IGNORECASE)


def external_assets(html: Path, pages: list[Path] | None = None) -> list[str]:
    """Everything a page or stylesheet of the site would fetch from another host (links to read are fine).

    ``pages`` limits the pages read (default: all); every stylesheet is read."""
    found = []
    for page in html_pages(html) if pages is None else pages:
        name = page.relative_to(html).as_posix()
        document = soup(page)
        for tag, attribute in LOADING:
            for element in document.find_all(tag, attrs={attribute: True}):
                value = str(element[attribute])
                if EXTERNAL.match(value):
                    found.append(f"{name}: <{tag} {attribute}={value!r}>")
        for script in document.find_all("script", src=False):
            for match in SCRIPT_EXTERNAL.finditer(script.get_text()):
                found.append(f"{name}: an inline script names {match.group(1)!r}")
        for style in document.find_all("style"):
            if CSS_EXTERNAL.search(style.get_text()):
                found.append(f"{name}: <style> loads from another host")
        for element in document.find_all(style=True):
            if CSS_EXTERNAL.search(str(element["style"])):
                found.append(f"{name}: style={element['style']!r} loads from another host")
    for stylesheet in sorted(html.rglob("*.css")):
        for match in CSS_EXTERNAL.finditer(stylesheet.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{stylesheet.relative_to(html).as_posix()}: {match.group(0)!r}")
    return found


def anchors(page: Path, cache: dict[Path, set[str]]) -> set[str]:
    if page not in cache:
        document = soup(page)
        cache[page] = {str(element["id"]) for element in document.find_all(id=True)} | {
            str(element["name"]) for element in document.find_all("a", attrs={"name": True})
        }
    return cache[page]


@dataclass(frozen=True)
class Link:
    page: str
    target: str
    problem: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target} ({self.problem})"


def broken_links(html: Path, pages: list[Path] | None = None) -> list[Link]:
    """Internal links and references (pages, anchors, images, scripts, stylesheets) that lead nowhere.

    ``pages`` limits the pages whose links are followed (default: all)."""
    root = html.resolve()
    cache: dict[Path, set[str]] = {}
    broken = []
    for page in html_pages(html) if pages is None else pages:
        name = page.relative_to(html).as_posix()
        document = soup(page)
        references = [(str(a["href"]), True) for a in document.find_all("a", href=True)]
        for tag, attribute in LOADING:
            if not attribute.endswith("srcset"):
                references += [
                    (str(e[attribute]), False) for e in document.find_all(tag, attrs={attribute: True})
                ]
        for reference, is_link in references:
            parts = urlsplit(reference)
            if parts.scheme or parts.netloc or reference.startswith(("javascript:", "mailto:")):
                continue  # another site, or not a place: not ours to check offline
            target = page if not parts.path else Path(posixpath.normpath(page.parent / unquote(parts.path)))
            target = target.resolve()
            if root not in (target, *target.parents):
                broken.append(Link(name, reference, "outside the site"))
                continue
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(Link(name, reference, "no such file"))
                continue
            fragment = unquote(parts.fragment)
            if is_link and fragment and target.suffix == ".html" and fragment not in anchors(target, cache):
                broken.append(Link(name, reference, f"no element with id {fragment!r}"))
    return broken


def code_blocks(page: Path) -> list[str]:
    return [pre.get_text() for pre in soup(page).find_all("pre")]


def normalise_code(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def figures_without_alt_text(page: Path) -> list[str]:
    """Cell-output images whose alt text is missing, empty or only their file's name (Sphinx's fallback)."""
    missing = []
    for image in soup(page).select("div.cell_output img"):
        alt = str(image.get("alt", "")).strip()
        src = str(image.get("src", ""))
        if not alt or alt == src or posixpath.basename(alt) == posixpath.basename(src):
            missing.append(src)
    return missing
