"""Fast on a phone (issue 14): Lighthouse's mobile run on the front page and the heaviest chapters.

Every page served gzip-compressed, as GitHub Pages serves it, must score performance ≥ 95,
accessibility, best practices and SEO 100, and paint first within 1.8 s on Lighthouse's simulated
slow 4G. `kurils bench` runs the same check on every page; here, within the test suite's time
budget, the front page and the two heaviest chapters (DECISIONS 22).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kurils.build import light, lighthouse

#: The front page and the two chapters with the most to load (widgets, maps, tables): a Lighthouse run
#: takes 25-40 s here, and the suite's budget allows about three.
PAGES = ["intro.html", "chapters/07-crimea-new-approach-2014-2016.html", "chapters/11-settlement.html"]


@pytest.fixture(scope="module")
def served(built_site: Path):
    with lighthouse.serve(built_site) as url:
        yield url


@pytest.mark.slow
@pytest.mark.lighthouse
@pytest.mark.parametrize("page", PAGES)
def test_the_page_meets_the_phone_targets(served, page, tmp_path):
    result = lighthouse.run(f"{served}/{page}", tmp_path / "report.json")
    assert not result.outside, f"{page} asked for something off 127.0.0.1: {result.outside}"
    # Accessibility, best practices and SEO do not depend on timing: one run decides.
    fixed = [miss for miss in result.misses() if not miss.startswith(("performance", "first contentful"))]
    assert not fixed, f"{page}: {'; '.join(fixed)}"
    if result.misses():
        # Lantern simulates the phone from what the page loaded and how long the machine took for
        # each task; on a loaded shared machine one slow run can miss. A second run must then meet
        # the targets on its own (DECISIONS 22).
        result = lighthouse.run(f"{served}/{page}", tmp_path / "report-again.json")
    assert not result.misses(), f"{page}: {'; '.join(result.misses())} ({lighthouse.summary(result)})"


def test_the_served_pages_are_compressed_and_cache_busted(built_site: Path):
    """What the targets rest on: no icon script, no render-blocking script, every static file versioned."""
    import urllib.request

    with lighthouse.serve(built_site) as url:
        request = urllib.request.Request(f"{url}/intro.html", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
    for page in PAGES:
        text = (built_site / page).read_text(encoding="utf-8")
        head = text.split("</head>")[0]
        assert "fontawesome.js" not in text and "searchindex.js" not in text, page
        assert not light.HEAD_SCRIPT.search(head), f"{page} has a script in its head that is not deferred"
        unversioned = [m.group(2) for m in light.STATIC_URL.finditer(text) if "?v=" not in m.group(0)]
        assert not unversioned, f"{page}: static files without a version: {unversioned[:3]}"
        assert '<i class="fa' not in text and 'class="svg-inline--fa' in text, page
        assert light.lighten_page(text, built_site / page, built_site) == text, f"{page} changes when rewritten again"
    assert not (built_site / "_static" / "scripts" / "fontawesome.js").exists()


def test_the_first_paint_waits_only_for_the_styles_the_site_uses(built_site: Path):
    """Every style sheet a page waits for is the cut one (NAME.used.css), well under the full one's size."""
    import gzip

    for page in PAGES:
        head = (built_site / page).read_text(encoding="utf-8").split("</head>")[0]
        blocking = [m.group(1) or m.group(2) for m in light.BLOCKING_CSS.finditer(head)]
        assert len(blocking) >= 5 and all(".used.css?v=" in url for url in blocking), (page, blocking)
    used = full = 0
    for sheet in sorted((built_site / "_static").rglob("*.used.css")):
        used += len(gzip.compress(sheet.read_bytes()))
        full += len(gzip.compress(sheet.with_name(sheet.name.replace(".used.css", ".css")).read_bytes()))
    assert used < 0.6 * full, f"the used styles are {used} bytes gzipped against {full} for the full sheets"


@pytest.mark.parametrize(
    ("page", "viewport", "scheme"),
    [
        ("chapters/07-crimea-new-approach-2014-2016.html", {"width": 390, "height": 844}, "light"),
        ("chapters/11-settlement.html", {"width": 1280, "height": 900}, "dark"),
        ("intro.html", {"width": 390, "height": 844}, "dark"),
    ],
)
def test_a_page_draws_the_same_with_the_used_styles_as_with_the_full_ones(
    built_site, server, browser, page, viewport, scheme
):
    """The cut sheets lose nothing a page shows: full-page screenshots, widgets drawn, are the same
    pixel for pixel when the browser is handed the full sheets instead."""

    def full_sheet(route):
        name = route.request.url.split("?")[0].rsplit("/_static/", 1)[1].replace(".used.css", ".css")
        route.fulfill(path=built_site / "_static" / name, content_type="text/css")

    def shot(swap: bool) -> bytes:
        context = browser.new_context(viewport=viewport, color_scheme=scheme, reduced_motion="reduce")
        if swap:
            context.route("**/*.used.css*", full_sheet)
        tab = context.new_page()
        tab.goto(f"{server}/{page}", wait_until="networkidle")
        tab.wait_for_timeout(400)
        taken = tab.screenshot(full_page=True, animations="disabled")
        context.close()
        return taken

    # A style the cut sheets lost shows in every pair. Chromium's capture of a 45,000-pixel page now and then
    # differs from itself, style sheets aside (one run in four of this test, at 1a84311 as now), so a pair
    # that differs is taken again, up to three pairs, before the test fails.
    for _ in range(3):
        if shot(False) == shot(True):
            break
    else:
        pytest.fail(f"{page} ({viewport['width']} px, {scheme}) draws differently with the full style sheets")


def test_lighthouse_reports_are_read_into_misses():
    """The check itself: a report below target names what missed."""
    audit = {"score": 0.5, "numericValue": 2500}
    lhr = {
        "categories": {
            name: {
                "score": 1.0 if name != "accessibility" else 0.98,
                "auditRefs": [{"id": "heading-order", "weight": 3}],
            }
            for name in lighthouse.CATEGORIES
        },
        "audits": {
            "heading-order": {"score": 0},
            **{
                name: audit
                for name in [
                    "first-contentful-paint",
                    "largest-contentful-paint",
                    "total-blocking-time",
                    "cumulative-layout-shift",
                    "total-byte-weight",
                ]
            },
            "network-requests": {"details": {"items": [{"url": "https://cdn.example.org/x.js"}]}},
        },
    }
    result = lighthouse.parse("http://127.0.0.1/x.html", json.loads(json.dumps(lhr)))
    misses = result.misses()
    assert any(m.startswith("accessibility 98 < 100 (heading-order") for m in misses), misses
    assert any(m.startswith("first contentful paint 2500 ms") for m in misses), misses
    assert any("cdn.example.org" in m for m in misses), misses
    with pytest.raises(SystemExit, match="could not load"):
        lighthouse.parse("http://127.0.0.1/x.html", {"runtimeError": {"message": "no page"}})
