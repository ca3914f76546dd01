"""Shared by the browser tests: open a page of the built site, run JupyterLab and run a notebook in it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

BIN = Path(sys.executable).parent
SCREENSHOTS = Path(__file__).resolve().parent.parent / "_build" / "screenshots"


#: One browser context per browser for the pages :func:`open_page` opens (see there).
_CONTEXTS: dict = {}


def open_page(browser, url: str):
    """Open ``url`` in a new tab; return the page and lists of outside requests and console errors.

    Each test gets a tab of its own (a fresh document, its own scripts and emulated media), in one browser
    context that the tabs share: a context per tab costs three times as much (1.7 core-seconds a chapter
    page against 0.6), for a cold cache and a new renderer. What the tabs share besides the cache is the
    site's local storage, where the theme keeps its mode: "auto" (from the emulated media) unless a reader
    picks one, which no test does.
    """
    if browser not in _CONTEXTS:
        _CONTEXTS[browser] = browser.new_context(viewport={"width": 1280, "height": 900})
    page = _CONTEXTS[browser].new_page()
    outside, errors = [], []

    def on_request(request):
        host = urlparse(request.url)
        if host.scheme in ("http", "https", "ws", "wss") and host.hostname != "127.0.0.1":
            outside.append(request.url)

    page.on("request", on_request)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    page.goto(url, wait_until="networkidle")
    return page, outside, errors


@contextmanager
def jupyter(app: str, root: Path):
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
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine: its kernels can take longer to shut down
            server.kill()
            server.wait(timeout=30)


def run_all_in_lab(browser, base: str, path: str):
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


def choose_wrong_then_right(box, question: dict, press: str = "click") -> None:
    """Answer a multiple-choice self-check wrongly, then rightly, by ``press`` ("click" or "tap"), and
    check that choosing alone does not check and that each Check shows the answer's own feedback."""
    wrong = next(a for a in question["answers"] if not a["correct"])
    right = next(a for a in question["answers"] if a["correct"])
    getattr(box.locator("label", has_text=wrong["answer"]).first, press)()
    assert box.locator(".ks-feedback").inner_text() == "", "choosing does not check"
    getattr(box.get_by_role("button", name="Check"), press)()
    assert box.locator(".ks-feedback").inner_text().startswith("✘ Not yet")
    assert wrong["feedback"] in box.inner_text()
    getattr(box.locator("label", has_text=right["answer"]).first, press)()
    getattr(box.get_by_role("button", name="Check"), press)()
    assert box.locator(".ks-feedback").inner_text().startswith("✔ Correct")
    assert right["feedback"] in box.inner_text()
