"""The whole course as one PDF: the single-page HTML build, printed by Debian's Chromium.

Widgets cannot run on paper: for the ``singlehtml`` builder, _config.yml's
``nb_mime_priority_overrides`` drops the widget view, so each map prints as its static
SVG fallback (the same drawing, see DECISIONS.md 2). Japanese and Cyrillic need
fonts-noto-cjk (`make pdf` installs it and chromium when run as root).
"""

from __future__ import annotations

import time
from pathlib import Path

from kurils import course
from kurils.build import site
from kurils.build.browser import chromium
from kurils.course import BUILD

PDF = BUILD / "pdf" / "kurils-course.pdf"


def build(out: Path = PDF, browser=None) -> Path:
    """Build the single-page HTML and print it to ``out`` (with ``browser``, a Playwright Chromium, if given)."""
    index = site.build(builder="singlehtml") / f"{course.toc()[0]}.html"  # the whole book, on its root page
    out.parent.mkdir(parents=True, exist_ok=True)
    if browser is not None:
        _print(browser, index, out)
        return out
    with chromium(
        "chromium is missing: run `make pdf` (as root it installs it) or apt-get install chromium"
    ) as browser:
        _print(browser, index, out)
    return out


def _print(browser, index: Path, out: Path) -> None:
    page = browser.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(index.as_uri(), wait_until="networkidle")
    page.emulate_media(media="print")
    # The maps are <img> drawings: print only once every image has loaded and decoded,
    # or a busy machine can print a page with a map still missing.
    page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    page.evaluate("Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null)))")
    page.pdf(
        path=str(out),
        format="A4",
        print_background=True,
        margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
        display_header_footer=True,
        header_template="<span></span>",
        footer_template='<div style="font-size:8px;width:100%;text-align:center">'
        '<span class="pageNumber"></span> / <span class="totalPages"></span></div>',
    )
    page.close()


def main() -> Path:
    start = time.perf_counter()
    out = build()
    print(f"Wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.0f} s.")
    return out
