"""`make lab`: chapters open as notebooks in JupyterLab, and the map widget talks to Python there."""

from __future__ import annotations

import json
import shutil
import sys
import urllib.request
from pathlib import Path

from browsing import jupyter, run_all_in_lab

ROOT = Path(__file__).resolve().parent.parent


def test_jupyterlab_opens_markdown_chapters_as_notebooks_by_default():
    overrides = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    viewers = json.loads(overrides.read_text())["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"


def test_the_jupyter_server_serves_a_chapter_as_a_notebook():
    with jupyter("server", ROOT) as base:
        with urllib.request.urlopen(f"{base}/api/contents/chapters/01-islands.md?type=notebook&token=t") as response:
            model = json.load(response)
    assert model["type"] == "notebook"
    assert any(c["cell_type"] == "code" and "IslandMap" in c["source"] for c in model["content"]["cells"])


def test_in_jupyterlab_a_click_on_the_map_is_readable_from_python(browser, tmp_path):
    """Open chapter 1 in JupyterLab, run it, click Etorofu, re-run `island_map.selected`."""
    (tmp_path / "chapters").mkdir()
    shutil.copy(ROOT / "chapters" / "01-islands.md", tmp_path / "chapters")  # a copy: Lab may autosave
    with jupyter("lab", tmp_path) as base:
        page, outside = run_all_in_lab(browser, base, "chapters/01-islands.md")
        island = page.locator(".kurils-island-map path.island[data-id='etorofu']").first
        island.wait_for(timeout=120_000)
        island.click()
        cell = page.locator(".jp-CodeCell", has=page.locator(".jp-InputArea", has_text="island_map.selected")).last
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        output = cell.locator(".jp-OutputArea-output")
        output.filter(has_text="etorofu").first.wait_for(timeout=30_000)
        assert output.first.inner_text().strip() == "['etorofu']"
        page.close()
    assert outside == [], f"JupyterLab fetched {outside}"


def test_jupyterlab_shows_chapter_4_as_a_page_not_raw_myst(browser, tmp_path):
    """jupyterlab-myst renders the chapter's boxes, tabs and roles; none of their source text is visible."""
    (tmp_path / "chapters").mkdir()
    shutil.copy(ROOT / "chapters" / "04-1956-cold-war.md", tmp_path / "chapters")
    source = (ROOT / "chapters" / "04-1956-cold-war.md").read_text(encoding="utf-8")
    assert "{footcite" in source and ":::{" in source, "chapter 4 no longer has what this test looks for"
    with jupyter("lab", tmp_path) as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/lab/tree/chapters/04-1956-cold-war.md?token=t")
        page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
        page.locator(".jp-Notebook .myst-admonition-header", has_text="Note").first.wait_for(timeout=60_000)
        page.locator(".jp-Notebook .myst-tab-set").first.wait_for(timeout=30_000)  # {tab-set}, rendered
        cells = page.locator(".jp-Notebook .jp-MarkdownCell")
        count = cells.count()
        assert count >= 5
        cells.nth(count - 1).locator(".myst").first.wait_for(timeout=30_000)
        text = page.locator(".jp-Notebook").first.inner_text()
        page.screenshot(path=str(ROOT / "_build" / "chapter-4-in-lab.png"))  # for a person to look at
        page.close()
    for raw in ("{footcite", ":::{", "```{", "{term}", "{tab-item}"):
        assert raw not in text, f"JupyterLab shows raw MyST {raw!r}"
    assert "Sources and further reading" in text and "Article 9" in text
