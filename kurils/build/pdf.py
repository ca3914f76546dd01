"""The whole course as one PDF: the single-page HTML build, printed by Debian's Chromium.

Widgets cannot run on paper: for the ``singlehtml`` builder, _config.yml's
``nb_mime_priority_overrides`` drops the widget view, so each map prints as its static
SVG fallback (the same drawing, see DECISIONS.md 2). Japanese and Cyrillic need
fonts-noto-cjk (`make pdf` installs it and chromium when run as root). Each language of the site
has its own print (``kurils-course-ja.pdf``, ``kurils-course-ru.pdf``), from its translated single page.
"""

from __future__ import annotations

import time
from pathlib import Path

from kurils import course, i18n
from kurils.build import buildlock, site, translations
from kurils.build.browser import chromium
from kurils.course import BUILD

PDF = BUILD / "pdf" / "kurils-course.pdf"


def path(language: str = "en") -> Path:
    """Where ``kurils pdf`` writes the course in ``language``: kurils-course.pdf, kurils-course-ja.pdf…"""
    return PDF if language == "en" else PDF.with_name(f"{PDF.stem}-{language}.pdf")


def build(out: Path | None = None, browser=None, language: str = "en") -> Path:
    """Build the single-page HTML in ``language`` and print it to ``out`` (by default :func:`path`), with
    ``browser`` (a Playwright Chromium) if given."""
    if language not in i18n.LANGUAGES:
        raise SystemExit(f"no edition in {language!r}: the course's languages are {', '.join(i18n.LANGUAGES)}")
    out = out or path(language)
    with buildlock.held():  # the English single page runs the notebooks into the cache the others read
        folder = site.build(builder="singlehtml")
        if language != "en":
            folder = translations.build(language, None, builder="singlehtml")
    index = folder / f"{course.toc()[0]}.html"  # the whole book, on its root page
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


def main(languages: list[str] | None = None) -> list[Path]:
    """Print the course in each of ``languages`` (by default every language the site is built in)."""
    written = []
    for language in languages or translations.site_languages():
        start = time.perf_counter()
        out = build(language=language)
        print(f"Wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.0f} s.")
        written.append(out)
    return written
