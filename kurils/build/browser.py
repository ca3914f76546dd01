"""Debian's Chromium driven by Playwright, launched the one way the course uses it.

The tests, ``kurils bench`` and ``kurils pdf`` all use it. Playwright cannot download its own
browsers on these machines, so it is pointed at Debian's ``chromium``, with no network of its
own (no background requests, component updates, sync or QUIC).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@contextmanager
def chromium(missing: str = "chromium is not installed: apt-get install chromium") -> Iterator:
    """A Playwright Chromium browser; ``missing`` is the message when Debian's chromium is absent."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise SystemExit(missing)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
