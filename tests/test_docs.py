"""The course website (`make docs`): built once per session from the stored notebooks, then read as files.

Each checker (links, external assets, alt text) is also run on a damaged copy or a tiny site, to show that it
finds what it looks for. tests/browser/test_site.py opens the same build in Chromium.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import nbformat
import pytest
from browser.docsite import (
    DOCS,
    ROOT,
    TUTORIALS,
    broken_links,
    build,
    built_site,
    code_blocks,
    docs_conf,
    docs_module,
    external_assets,
    figures_without_alt_text,
    html_pages,
    normalise_code,
    page_figures,
    soup,
    stored_figures,
    tutorial_page,
)
from nbconvert.nbconvertapp import NbConvertApp
from sphinx.errors import ConfigError

README = (ROOT / "README.md").read_text(encoding="utf-8")
BINDER_LAB = re.compile(r"https://mybinder\.org/v2/gh/[^)\s]*\?urlpath=lab/tree/notebooks/[\w.]+\.ipynb")
LIVE_SETTINGS = "window.lifteachLiveCodeSettings = "
BINDER_VOILA = re.compile(r"https://mybinder\.org/v2/gh/[^)\s]*\?urlpath=voila/render/[\w./]+\.ipynb")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory)


def test_the_site_has_the_tutorials_in_order_from_its_home(site: Path) -> None:
    assert len(TUTORIALS) >= 5
    home = site / "docs" / "index.html"
    nav = [str(a["href"]) for a in soup(home).select("nav.bd-docs-nav a")]
    tutorials = [href for href in nav if href.startswith("../notebooks/")]
    assert tutorials == [f"../notebooks/{notebook.stem}.html" for notebook in TUTORIALS]
    # The top-level address sends visitors to the home page.
    assert 'url=docs/index.html"' in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("notebook", TUTORIALS, ids=lambda path: path.stem)
def test_every_tutorial_has_a_page_with_its_stored_figures(site: Path, notebook: Path) -> None:
    page = tutorial_page(site, notebook)
    assert page.is_file(), f"no page for {notebook.name}"
    title = nbformat.read(notebook, as_version=4).cells[0].source.splitlines()[0].lstrip("# ").strip()
    heading = soup(page).find("h1")
    assert heading is not None and heading.get_text().strip().rstrip("#").strip() == title
    # The same images, byte for byte and in the same order: the page shows what nbval checked.
    shown = page_figures(page)
    assert shown == stored_figures(notebook), (
        f"{page.name} shows {len(shown)} figures, {notebook.name} stores {len(stored_figures(notebook))}"
    )
    # Each with its words as alt text, not Sphinx's fallback of the file's name.
    assert figures_without_alt_text(page) == []


def test_the_figure_check_notices_a_missing_figure(site: Path, tmp_path: Path) -> None:
    notebook = next(path for path in TUTORIALS if stored_figures(path))
    page = tmp_path / "notebooks" / f"{notebook.stem}.html"
    page.parent.mkdir()
    text = tutorial_page(site, notebook).read_text(encoding="utf-8")
    first_image = re.search(r'<img[^>]*src="(\.\./_images/|data:image/png)[^"]+"[^>]*>', text)
    assert first_image is not None
    page.write_text(text.replace(first_image.group(0), "", 1), encoding="utf-8")
    if (site / "_images").exists():  # figures shown with their words are inline, not image files
        shutil.copytree(site / "_images", tmp_path / "_images")
    assert page_figures(page) != stored_figures(notebook)


@pytest.mark.parametrize("notebook", TUTORIALS, ids=lambda path: path.stem)
def test_every_tutorial_page_launches_binder_and_the_app(site: Path, notebook: Path) -> None:
    links = {str(a["href"]) for a in soup(tutorial_page(site, notebook)).find_all("a", href=True)}
    # The README's badges are the addresses that work; the page must use the same ones.
    lab = BINDER_LAB.search(README)
    voila = BINDER_VOILA.search(README)
    assert lab is not None and voila is not None, "the README's Binder badges moved"
    own_lab = re.sub(r"notebooks/[\w.]+\.ipynb$", f"notebooks/{notebook.name}", lab.group(0))
    assert own_lab in links, f"no JupyterLab-on-Binder link for {notebook.name}"
    assert voila.group(0) in links, "no link to the Voila app"


def live_code_settings(page: Path) -> dict[str, Any] | None:
    """The settings Live Code's script reads on ``page`` (None where the page has no Live Code)."""
    for script in soup(page).find_all("script", src=False):
        text = script.get_text().strip()
        if text.startswith(LIVE_SETTINGS):
            settings: dict[str, Any] = json.loads(text.removeprefix(LIVE_SETTINGS).rstrip(";"))
            return settings
    return None


@pytest.mark.parametrize("notebook", TUTORIALS, ids=lambda path: path.stem)
def test_every_tutorial_page_has_live_code_on_binder_from_the_site(site: Path, notebook: Path) -> None:
    page = tutorial_page(site, notebook)
    button = soup(page).select_one(".dropdown-launch-buttons button.btn-live-code")
    assert button is not None and button.get_text().strip() == "Live Code", f"no Live Code on {page.name}"
    assert button["onclick"] == "lifteachLiveCode.start()"
    scripts = [str(s["src"]) for s in soup(page).find_all("script", src=True)]
    assert any(src.split("?")[0] == "../_static/live-code.js" for src in scripts)
    # The public site's kernel comes from Binder, built from this repository as the README's badges name it.
    settings = live_code_settings(page)
    assert settings is not None
    lab = BINDER_LAB.search(README)
    assert lab is not None
    address = re.match(r"https://mybinder\.org/v2/gh/([^/]+)/([^/]+)/([^?]+)", lab.group(0))
    assert address is not None
    owner, name, ref = address.groups()
    assert settings["useBinder"] is True
    assert settings["binderOptions"] == {
        "repo": f"{owner}/{name}",
        "ref": ref,
        "binderUrl": "https://mybinder.org",
        "repoProvider": "github",
    }
    assert settings["kernelOptions"] == {"kernelName": "python3", "path": "notebooks"}
    assert "serverSettings" not in settings


def test_live_code_scripts_are_part_of_the_site(site: Path) -> None:
    # What live-code.js loads: thebe's bundle with every chunk it may ask for, its stylesheet, and require.js.
    thebe = site / "_static" / "thebe"
    script = (site / "_static" / "live-code.js").read_text(encoding="utf-8")
    for name in re.findall(r"asset\(\"([^\"]+)\"\)", script):
        assert (thebe / name).is_file(), f"live-code.js loads _static/thebe/{name}, which the site lacks"
    assert {"index.js", "thebe.css", "require.js"} <= {path.name for path in thebe.iterdir()}
    bundle = (thebe / "index.js").read_text(encoding="utf-8")
    stored = json.loads((DOCS / "thebe" / "package-lock.json").read_text(encoding="utf-8"))
    version = stored["packages"]["node_modules/thebe"]["version"]
    assert version in bundle, (
        f"_static/thebe/index.js is not thebe {version}, the version package-lock.json pins"
    )
    chunks = set(
        re.findall(
            r"\b(\d+)\.index\.js\b", "".join(p.read_text(encoding="utf-8") for p in thebe.glob("*.js"))
        )
    )
    missing = sorted(chunk for chunk in chunks if not (thebe / f"{chunk}.index.js").is_file())
    assert chunks and not missing, f"thebe chunks missing from the site: {missing}"
    assert not list(thebe.glob("*.map")), "source maps are not served"


def test_only_notebook_pages_load_live_code(site: Path) -> None:
    for page in html_pages(site):
        loads = any("live-code.js" in str(s["src"]) for s in soup(page).find_all("script", src=True))
        assert loads == page.relative_to(site).parts[0].startswith("notebooks"), page
        assert (live_code_settings(page) is not None) == loads, page


def live_code_app(server: str, token: str) -> SimpleNamespace:
    config = SimpleNamespace(
        live_code_server=server,
        live_code_token=token,
        live_code_repository="https://github.com/lifteach/lifteach",
        live_code_branch="HEAD",
        live_code_binderhub="https://mybinder.org",
    )
    return SimpleNamespace(config=config)


def test_live_code_for_a_local_server_names_it_and_its_token() -> None:
    live_code = docs_module("live_code")
    live = docs_module("live")
    environment = live.build_environment(8890, "secret-token")
    app = live_code_app(environment["LIFTEACH_LIVE_CODE_SERVER"], environment["LIFTEACH_LIVE_CODE_TOKEN"])
    live_code.check_config(app)
    settings = live_code.live_code_settings(app)
    assert settings["useBinder"] is False
    assert settings["serverSettings"] == {
        "baseUrl": "http://127.0.0.1:8890/",
        "token": "secret-token",
        "appendToken": True,
    }
    assert "binderOptions" not in settings


def test_live_code_refuses_a_server_without_a_token_or_a_bad_address() -> None:
    live_code = docs_module("live_code")
    with pytest.raises(ConfigError, match="live_code_token is empty"):
        live_code.check_config(live_code_app("http://127.0.0.1:8890/", ""))
    with pytest.raises(ConfigError, match="must be a Jupyter server's address"):
        live_code.check_config(live_code_app("127.0.0.1:8890", "secret-token"))


def test_the_local_server_listens_on_loopback_with_the_token_for_the_site_only() -> None:
    live = docs_module("live")
    command = live.jupyter_server_command(8890, "secret-token", 8000)
    assert "--ServerApp.ip=127.0.0.1" in command
    assert "--ServerApp.port=8890" in command
    assert "--IdentityProvider.token=secret-token" in command
    assert "--ServerApp.allow_origin=http://127.0.0.1:8000" in command
    assert not any("allow_origin=*" in part or "disable_check_xsrf" in part for part in command)


def test_no_page_has_a_launch_menu_unless_it_is_a_notebook(site: Path) -> None:
    for page in html_pages(site):
        has_menu = bool(soup(page).select(".dropdown-launch-buttons"))
        assert has_menu == page.relative_to(site).parts[0].startswith("notebooks"), page


def test_internal_links_and_anchors_resolve(site: Path) -> None:
    broken = broken_links(site)
    assert not broken, "broken links:\n" + "\n".join(map(str, broken))


def test_the_link_check_finds_a_broken_link_and_a_broken_anchor(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "html"
    shutil.copytree(site, copy)
    page = copy / "docs" / "index.html"
    damage = '<a href="../notebooks/99_missing.html">gone</a> <a href="benchmarks.html#no-such-heading">x</a>'
    page.write_text(
        page.read_text(encoding="utf-8").replace("</main>", damage + "</main>", 1), encoding="utf-8"
    )
    found = {(link.page, link.target) for link in broken_links(copy, pages=[page])}
    assert found == {
        ("docs/index.html", "../notebooks/99_missing.html"),
        ("docs/index.html", "benchmarks.html#no-such-heading"),
    }


def test_no_page_loads_a_script_or_stylesheet_from_another_host(site: Path) -> None:
    external = external_assets(site)
    assert not external, "the site must serve everything itself:\n" + "\n".join(external)
    scripts = [str(s["src"]) for page in html_pages(site) for s in soup(page).find_all("script", src=True)]
    assert scripts and all(src.startswith(("../", "_static/", "searchindex.js")) for src in scripts), scripts


def test_the_external_asset_check_finds_a_cdn_script_and_stylesheet(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "html"
    shutil.copytree(site, copy)
    page = copy / "docs" / "index.html"
    cdn = (
        '<script src="https://cdn.example.org/x.js"></script>'
        '<link rel="stylesheet" href="//cdn.example.org/x.css">'
        '<script>const THEBE_JS_URL = "https://unpkg.example.org/thebe@0.8.2/lib/index.js"</script>'
    )
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", cdn + "</head>", 1), encoding="utf-8")
    (copy / "_static" / "lifteach.css").write_text('@import "https://fonts.example.org/a.css";\n')
    found = external_assets(copy, pages=[page])
    assert any("x.js" in item for item in found)
    assert any("x.css" in item for item in found)
    assert any(item.startswith("_static/lifteach.css") for item in found)
    assert any(
        "an inline script names 'https://unpkg.example.org/thebe@0.8.2/lib/index.js'" in i for i in found
    )


def test_the_readme_first_simulation_is_on_the_home_page(site: Path) -> None:
    section = README.split("## A first simulation", 1)[1]
    first = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert first is not None, "the README has no first simulation"
    shown = [normalise_code(block) for block in code_blocks(site / "docs" / "index.html")]
    assert normalise_code(first.group(1)) in shown


def test_every_api_module_has_a_page_with_its_public_names(site: Path) -> None:
    conf = docs_conf()
    assert {"lifteach", "lifteach.simulate", "lifteach.plot", "lifteach.explorer"} <= set(conf.API_MODULES)
    index = soup(site / "docs" / "api" / "index.html")
    for name in conf.API_MODULES:
        page = site / "docs" / "api" / f"{name}.html"
        assert page.is_file(), f"no API page for {name}"
        assert index.find("a", href=f"{name}.html") is not None, f"the API index does not list {name}"
        ids = {str(element["id"]) for element in soup(page).find_all(id=True)}
        elsewhere = conf.reexported(name)
        module = importlib.import_module(name)
        for member in getattr(module, "__all__", []):
            # Classes and functions always; a constant only with a doc comment (autodoc's rule for data,
            # whose values cannot say where they were defined).
            if not callable(getattr(module, member)):
                continue
            home = elsewhere.get(member, name)
            home_ids = (
                ids
                if home == name
                else {str(e["id"]) for e in soup(page.with_name(f"{home}.html")).find_all(id=True)}
            )
            assert f"{home}.{member}" in home_ids, f"{name}.{member} is documented nowhere"


def test_the_measurements_have_pages(site: Path) -> None:
    for name in ("benchmarks", "hardening"):
        source = (DOCS / f"{name}.md").read_text(encoding="utf-8")
        title = source.splitlines()[0].lstrip("# ").strip()
        heading = soup(site / "docs" / f"{name}.html").find("h1")
        # Sphinx typesets quotes (classroom's -> classroom’s).
        shown = heading.get_text().strip().rstrip("#").strip().replace("\u2019", "'") if heading else None
        assert shown == title


def test_the_search_index_knows_every_page(site: Path) -> None:
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    for notebook in TUTORIALS:
        assert f'"notebooks/{notebook.stem}"' in index
    assert '"docs/api/lifteach.simulate"' in index


def test_widget_outputs_become_a_note_with_the_launch_links(site: Path) -> None:
    for notebook in TUTORIALS:
        page = tutorial_page(site, notebook).read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-view+json" not in page
        stored = notebook.read_text(encoding="utf-8").count("application/vnd.jupyter.widget-view+json")
        assert page.count('class="widget-placeholder') == stored, notebook.name


# A 1x1 PNG, enough for an image output.
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def image_cell(metadata: dict[str, object], output_metadata: dict[str, object]) -> nbformat.NotebookNode:
    cell: nbformat.NotebookNode = nbformat.v4.new_code_cell("figure()", metadata=metadata)
    cell.execution_count = 1
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"}, metadata=output_metadata
        )
    ]
    return cell


def test_figure_alt_text_comes_from_the_cells_mystnb_metadata(tmp_path: Path) -> None:
    """How a notebook gives its figures alt text on the site (myst-nb 1.4), on a one-page site."""
    source = tmp_path / "source"
    source.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Figures"),
        # Works: the cell's metadata, `mystnb: {image: {alt: ...}}` (in the .md: the code-cell's YAML header).
        image_cell({"mystnb": {"image": {"alt": "Voltage against time"}}}, {}),
        # Without it Sphinx writes the image's file name as its alt text.
        image_cell({}, {}),
        # Ignored: the output's own metadata (myst-nb reads only width and height there).
        image_cell({}, {"image/png": {"alt": "ignored"}}),
    ]
    nbformat.write(notebook, source / "index.ipynb")
    (source / "conf.py").write_text('extensions = ["myst_nb"]\nnb_execution_mode = "off"\n')
    page = build(tmp_path / "out", source=source, conf=source) / "index.html"
    alts = [str(image.get("alt")) for image in soup(page).select("div.cell_output img")]
    assert alts[0] == "Voltage against time"
    assert alts[1].endswith(".png") and alts[2].endswith(".png")
    # The checker accepts the first figure and flags the other two.
    assert len(figures_without_alt_text(page)) == 2


def test_refresh_notebooks_keeps_the_alt_text_metadata(tmp_path: Path) -> None:
    # `make refresh-notebooks` clears the cell metadata it does not name; run its clearing options on a
    # notebook with alt text and the mystnb metadata must come through (and a key it does not name must not).
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    options = re.findall(r"--ClearMetadataPreprocessor\.\S+", makefile)
    assert "--ClearMetadataPreprocessor.enabled=True" in options
    notebook = nbformat.v4.new_notebook()
    alt = {"mystnb": {"image": {"alt": "Voltage against time"}}}
    notebook.cells = [image_cell({**alt, "tags": ["figure"], "scrolled": True}, {})]
    source = tmp_path / "in.ipynb"
    nbformat.write(notebook, source)
    app = NbConvertApp()
    app.initialize(["--to", "notebook", "--output=out", f"--output-dir={tmp_path}", *options, str(source)])
    app.start()
    cleared = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].metadata
    assert cleared == {**alt, "tags": ["figure"]}


@pytest.mark.parametrize("notebook", TUTORIALS, ids=lambda path: path.stem)
def test_solutions_stay_collapsed_on_the_site(site: Path, notebook: Path) -> None:
    # A cell tagged hide-output (the worked solutions) shows its code, its output only when asked for.
    stored = nbformat.read(notebook, as_version=4)
    hidden = [cell for cell in stored.cells if "hide-output" in cell.metadata.get("tags", [])]
    cells = soup(tutorial_page(site, notebook)).select("div.cell.tag_hide-output")
    assert len(cells) == len(hidden)
    for cell in cells:
        details = cell.find("details")
        assert details is not None and not details.has_attr("open"), cell.get_text()[:80]
        assert details.find("div", class_="cell_output") is not None
