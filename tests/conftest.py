"""Shared fixtures: the built site, a local web server, and headless Chromium."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from kurils import grading, site

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_site() -> Path:
    """Build the site once per test run, strictly (warnings are errors)."""
    return site.build()


@pytest.fixture(scope="session")
def released(tmp_path_factory) -> dict[str, Path]:
    """Student notebooks released from the masters in exercises/."""
    return grading.release(ROOT / "exercises", tmp_path_factory.mktemp("release"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def server(built_site: Path):
    """Serve the built site on 127.0.0.1 at a free port."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (which cannot download browsers here)."""
    from kurils.browser import CHROMIUM, chromium

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make test`, which installs it (or apt-get install chromium)")
    with chromium() as launched:
        yield launched
