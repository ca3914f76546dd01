"""Reading the site offline: every page with outside requests aborted, search, fonts, the 404 page, sharing tags."""

from __future__ import annotations

import functools
import html
import http.server
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browsing import SCREENSHOTS

from kurils import course, i18n
from kurils.build import site

ROOT = Path(__file__).resolve().parent.parent
SITE_PATH = urlparse(course.site_url(course.repository())).path  # "/kurils/"


def _all_pages(built_site: Path) -> list[str]:
    """Every HTML page of the site, search and index included, except the 404 page (tested on its own)."""
    pages = built_site.rglob("*.html")
    return sorted(str(p.relative_to(built_site)) for p in pages if "_static" not in p.parts and p.name != "404.html")


def _visit(browser, url: str):
    """Open ``url`` with every request to another host aborted; return page, aborted, errors, fonts."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    aborted, errors, fonts = _watch(page)
    page.goto(url, wait_until="networkidle")
    return page, aborted, errors, fonts


def _watch(page) -> tuple[list, list, list]:
    """Abort every request ``page`` makes to another host; return the lists its visits fill: the aborted
    addresses, the console errors and the font responses."""
    aborted, errors, fonts = [], [], []

    def route(request_route):
        if urlparse(request_route.request.url).hostname in (None, "127.0.0.1"):
            request_route.continue_()
        else:
            aborted.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    page.on("response", lambda response: fonts.append(response) if response.request.resource_type == "font" else None)
    return aborted, errors, fonts


def test_every_page_works_with_outside_requests_blocked(built_site, server, browser):
    """Every page in every language, with no console error and nothing asked of another host; each English
    page also leaves a full-page screenshot in _build/screenshots for a person to look at."""
    pages = _all_pages(built_site)
    assert {"search.html", "genindex.html", "chapters/01-islands.html", "ja/chapters/01-islands.html"} <= set(pages)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    font_hosts = set()
    # One tab visits every page: opening a tab starts a renderer, which costs four times a visit in the same tab.
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    aborted, errors, fonts = _watch(page)
    for relative in pages:
        for found in (aborted, errors, fonts):
            found.clear()
        page.goto(f"{server}/{relative}", wait_until="networkidle")
        if relative.split("/")[0] not in i18n.TRANSLATIONS and relative not in ("search.html", "genindex.html"):
            page.wait_for_timeout(300)
            shot = SCREENSHOTS / (relative.replace("/", "_").removesuffix(".html") + ".jpg")
            # JPEG: a long page (the bibliography is 85,000 pixels tall) takes a fifth of the time PNG takes.
            page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=80, timeout=120_000)
        assert aborted == [], f"{relative} asked for {len(aborted)} outside resources: {aborted}"
        assert errors == [], f"{relative} logged {errors}"
        font_hosts |= {urlparse(response.url).hostname for response in fonts if response.ok}
    page.close()
    assert font_hosts == {"127.0.0.1"}, f"fonts came from {font_hosts}"


def test_no_page_or_stylesheet_names_google_fonts_or_a_mathjax_cdn(built_site):
    for path in list(built_site.rglob("*.html")) + list(built_site.rglob("*.css")):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path
        for src in re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', text, flags=re.IGNORECASE):
            assert not src.startswith(("http:", "https:", "//")), f"{path} loads MathJax from {src}"


def test_search_finds_shikotan_offline(server, browser):
    page, aborted, errors, _ = _visit(browser, f"{server}/search.html?q=Shikotan")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=30000)
    found = results.count()
    text = page.locator("#search-results").inner_text()
    page.close()
    assert found >= 3 and "Shikotan" in text
    assert aborted == [] and errors == []


def _meta(page_html: str, attribute: str, name: str) -> str | None:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', page_html)
    return html.unescape(match.group(1)) if match else None


@pytest.mark.parametrize("relative", [f"{name}.html" for name in course.toc()])
def test_page_has_a_title_description_and_open_graph_tags(built_site, relative):
    page_html = (built_site / relative).read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page_html, flags=re.DOTALL).group(1).strip()
    assert title and "Islands Between" in title
    description = _meta(page_html, "name", "description")
    assert description and len(description) > 40, description
    assert _meta(page_html, "property", "og:title")
    assert _meta(page_html, "property", "og:description") == description
    og_url = _meta(page_html, "property", "og:url")
    assert og_url == course.site_url(course.repository()) + relative
    assert _meta(page_html, "property", "og:image") is None, "the site names no external image"


class _PrefixHandler(http.server.SimpleHTTPRequestHandler):
    """Serve the site under ``prefix`` (SITE_PATH as GitHub Pages does, "/" as `make serve` does);
    answer unknown paths with 404.html."""

    prefix = SITE_PATH

    def log_message(self, *args) -> None:
        pass

    def translate_path(self, path: str) -> str:
        path = urlparse(path).path
        if path.startswith(self.prefix):
            return super().translate_path("/" + path.removeprefix(self.prefix))
        return super().translate_path("/no-such-file")

    def send_head(self):
        if not Path(self.translate_path(self.path)).exists():
            body = (Path(self.directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().send_head()


def test_the_404_page_names_no_site_path(built_site):
    """Its links and assets are relative to the root; a script sets <base> from the address."""
    page_html = (built_site / "404.html").read_text(encoding="utf-8")
    assert re.findall(r'<(?:a|link|script|img)[^>]+(?:href|src)="(/[^"]*)"', page_html) == []
    assert page_html.index(f'<base href="{SITE_PATH}">') < page_html.index("<link")


@pytest.mark.parametrize(
    "prefix, host",
    [
        (SITE_PATH, "published"),  # GitHub Pages
        ("/", "make serve"),  # kurils.build.site.SiteHandler, which moves the page's <base> to the root
        ("/", "elsewhere"),  # a static host at the root: the page's script moves <base>
    ],
)
def test_the_404_page_works_at_any_depth(built_site, browser, prefix, host):
    served = site.SiteHandler if host == "make serve" else type("Handler", (_PrefixHandler,), {"prefix": prefix})
    handler = functools.partial(served, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}{prefix}"
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # one tab; routing turns its cache off
    aborted, errors, _ = _watch(page)
    try:
        for missing in ("no-such-page.html", "chapters/no-such-page.html", "a/b/c/d/nothing.html"):
            aborted.clear()
            errors.clear()
            page.goto(base + missing, wait_until="networkidle")
            assets = page.evaluate("performance.getEntriesByType('resource').map(e => [e.name, e.responseStatus])")
            said = [e for e in errors if "404" not in e]  # the browser reports the page's own status
            if host == "elsewhere":  # Chromium's preload scanner first tries the published address
                said = [e for e in said if not e.startswith(f"failed: {base.rstrip('/')}{SITE_PATH}")]
            else:
                assert assets and [name for name, status in assets if status != 200] == [], missing
            assert "Page not found" in page.locator("main").inner_text(), missing
            assert page.evaluate("[...document.styleSheets].filter(s => s.cssRules.length > 0).length") >= 3
            page.get_by_role("link", name="the course's first page").click()
            page.wait_for_load_state("networkidle")
            assert page.url == base + "intro.html", missing
            assert aborted == [] and said == [], missing
    finally:
        page.close()
        httpd.shutdown()
