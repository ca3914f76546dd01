"""The built site: strict build, nothing fetched from outside, no console errors, live widgets, no leaks."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browsing import SCREENSHOTS, choose_wrong_then_right, open_page

from kurils import data, selfcheck
from kurils.build import chapters
from kurils.grading import masters

ROOT = Path(__file__).resolve().parent.parent


def _pages(built_site: Path) -> list[str]:
    skip = {"genindex.html", "search.html", "404.html"}  # 404.html: tests/test_offline.py serves it under its prefix
    pages = built_site.rglob("*.html")
    return sorted(str(p.relative_to(built_site)) for p in pages if p.name not in skip and "_static" not in p.parts)


def test_every_chapter_in_the_toc_is_built(built_site):
    toc = (ROOT / "_toc.yml").read_text()
    for chapter in re.findall(r"file: (\S+)", toc):
        assert (built_site / f"{chapter}.html").exists(), chapter


def test_every_citation_appears_in_its_pages_list_of_sources(built_site):
    """Citations are footnotes (one list per page); each cited key must be in that page's list."""
    pages = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.md")) + [ROOT / "names.md", ROOT / "glossary.md"]
    for page in pages:
        html = (built_site / page.relative_to(ROOT).with_suffix(".html")).read_text(encoding="utf-8")
        keys = chapters.cited(page)
        assert keys, page.name
        missing = [key for key in keys if f'id="footcite-{key}"' not in html]
        assert missing == [], f"{page.name}: sources not listed: {missing}"


def test_the_bibliography_page_lists_every_source_with_its_link_and_date(built_site):
    from html import escape

    html = (built_site / "bibliography.html").read_text(encoding="utf-8")
    for row in data.load("sources").itertuples():
        title = escape(row.title)
        shown = f'<a href="{escape(row.url)}">{title}</a>' if row.url else title
        assert shown in html, row.id
        date = row.date or f"n.d. (accessed {row.accessed})"
        assert f"<td>{escape(date)}</td>" in html, row.id
    assert "<td>2026</td>" not in html, "a work is dated by the year it was read"


def test_the_site_offers_each_exercise_notebook_for_download(built_site):
    for name in masters.find(ROOT / "exercises"):
        notebook = built_site / "exercise-notebooks" / f"{name}.ipynb"
        assert notebook.exists(), name
        assert "grader.check(" in notebook.read_text(encoding="utf-8")


def test_no_page_loads_anything_from_another_host(built_site):
    for page in _pages(built_site):
        html = (built_site / page).read_text(encoding="utf-8")
        tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html)
        # rel="alternate": the page's address in the other languages (hreflang), named, never fetched.
        fetched = [
            url
            for tag in tags
            if 'rel="alternate"' not in tag
            for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', tag)
        ]
        assert fetched == [], f"{page} fetches {fetched}"


def test_the_site_contains_no_solution_or_hidden_test(built_site):
    found = masters.find(ROOT / "exercises")
    for path in built_site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".ipynb", ".md", ".txt", ".js", ".json"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for master in found.values():
                leaked = masters.leaks(text, master)
                assert leaked == [], f"{path.relative_to(built_site)} leaks {leaked}"


def test_the_island_map_responds_to_clicks_and_buttons_with_no_kernel(server, browser):
    page, outside, errors = open_page(browser, f"{server}/chapters/01-islands.html")
    widget = page.locator(".kurils-island-map")
    widget.wait_for(timeout=15000)
    info = widget.locator(".info")
    assert "Click an island" in info.inner_text()

    widget.locator('path.island[data-id="etorofu"]').click()
    assert widget.locator('path.island.selected[data-id="etorofu"]').count() == 1
    assert "Iturup" in info.inner_text() and "km²" in info.inner_text()

    widget.get_by_role("button", name="Habomai + Shikotan", exact=True).click()
    text = info.inner_text()
    assert "Share of the four islands' area" in text and "%" in text
    assert widget.locator("path.island.selected").count() == 2

    widget.get_by_role("button", name="Clear").click()
    assert widget.locator("path.island.selected").count() == 0
    widget.screenshot(path=str(SCREENSHOTS / "island-map-widget.png"))
    page.close()
    assert outside == [] and errors == []


def test_a_self_check_question_gives_feedback_in_the_page(server, browser):
    question = next(q for q in selfcheck.questions("ch01") if q["type"] == "multiple_choice")
    page, outside, errors = open_page(browser, f"{server}/chapters/01-islands.html")
    box = page.locator(".kurils-selfcheck.ks-multiple_choice", has_text=question["question"]).first
    choose_wrong_then_right(box, question, press="click")
    page.close()
    assert outside == [] and errors == []


@pytest.mark.parametrize("key", ["Enter", " "])
def test_the_island_map_works_from_the_keyboard(server, browser, key):
    page, *_ = open_page(browser, f"{server}/chapters/01-islands.html")
    island = page.locator('.kurils-island-map path.island[data-id="kunashiri"]')
    island.wait_for(timeout=15000)
    island.focus()
    page.keyboard.press(key)
    assert island.get_attribute("aria-pressed") == "true"
    page.close()


def test_the_root_address_redirects_to_the_first_page_and_fetches_nothing_else(built_site, server, browser):
    index = (built_site / "index.html").read_text()
    assert '<html lang="en">' in index and "<title>Islands Between" in index and 'href="intro.html"' in index
    page = browser.new_page()
    requested, bad = [], []
    page.on("request", lambda request: requested.append(urlparse(request.url).path))
    page.on("response", lambda response: bad.append(response.url) if response.status >= 400 else None)
    page.on("requestfailed", lambda request: bad.append(request.url))
    page.goto(f"{server}/", wait_until="networkidle")
    landed = page.url
    page.close()
    assert landed == f"{server}/intro.html"
    assert bad == [] and "/favicon.ico" not in requested, (bad, requested)
