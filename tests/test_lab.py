"""`make lab`: chapters open as notebooks in JupyterLab, and the map widget talks to Python there."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_jupyterlab_opens_markdown_chapters_as_notebooks_by_default():
    overrides = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    viewers = json.loads(overrides.read_text())["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"


@contextmanager
def _jupyter(app: str, root: Path):
    """Run `jupyter APP` on a free loopback port; yield its base URL (token "t")."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(BIN / "jupyter"),
            app,
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            "--allow-root",
            "--IdentityProvider.token=t",
            f"--ServerApp.root_dir={root}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token=t", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError(f"jupyter {app} did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_jupyter_server_serves_a_chapter_as_a_notebook():
    with _jupyter("server", ROOT) as base:
        with urllib.request.urlopen(f"{base}/api/contents/chapters/01-islands.md?type=notebook&token=t") as response:
            model = json.load(response)
    assert model["type"] == "notebook"
    assert any(c["cell_type"] == "code" and "IslandMap" in c["source"] for c in model["content"]["cells"])


def _run_all_in_lab(browser, base: str, path: str):
    """Open PATH in JupyterLab and run all its cells; return the page and the requests that left 127.0.0.1."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if r.url.startswith("http") and "127.0.0.1" not in r.url else None,
    )
    page.goto(f"{base}/lab/tree/{path}?token=t")
    page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
    # Run only once the kernel is up, or the request is lost.
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    return page, outside


def test_in_jupyterlab_a_click_on_the_map_is_readable_from_python(browser, tmp_path):
    """Open chapter 1 in JupyterLab, run it, click Etorofu, re-run `island_map.selected`."""
    (tmp_path / "chapters").mkdir()
    shutil.copy(ROOT / "chapters" / "01-islands.md", tmp_path / "chapters")  # a copy: Lab may autosave
    with _jupyter("lab", tmp_path) as base:
        page, outside = _run_all_in_lab(browser, base, "chapters/01-islands.md")
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
