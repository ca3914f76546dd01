"""Every page of the course passes axe-core with no serious or critical violation, light and dark."""

from __future__ import annotations

from pathlib import Path

import pytest

from kurils import course

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def toc_pages() -> list[str]:
    """The root page and every file in _toc.yml, as paths of built pages."""
    return [f"{name}.html" for name in course.toc()]


def axe_violations(page) -> list[str]:
    """Run axe-core in ``page``; describe each serious or critical violation with its selectors."""
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci` (or `make setup`)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] in SERIOUS:
            nodes = violation["nodes"]
            targets = [" ".join(map(str, node["target"])) for node in nodes[:5]]
            more = f" and {len(nodes) - 5} more" if len(nodes) > 5 else ""
            detail = nodes[0]["failureSummary"].replace("\n", " ")
            found.append(f"{violation['impact']} {violation['id']}: {targets}{more}; first: {detail}")
    return found


def heading_skips(page) -> list[str]:
    """Headings that skip a level below the one before them (h2 then h4), with the widgets drawn:
    a screen reader's list of headings, and Lighthouse's heading-order audit, read them in this order."""
    return page.evaluate(
        """() => {
          const found = [];
          let last = 0;
          for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
            const level = Number(h.tagName[1]);
            if (last && level > last + 1) found.push(`h${last} then h${level}: ${h.textContent.trim().slice(0, 60)}`);
            last = level;
          }
          return found;
        }"""
    )


def _open(browser, url: str, dark: bool = False):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    if dark:
        # The theme reads the reader's choice from localStorage before it paints the page.
        page.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    return _load(page, url)


def _load(page, url: str):
    """Show ``url`` in ``page``, its widgets drawn."""
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    return page


def test_the_toc_lists_the_reference_pages():
    assert {"bibliography.html", "glossary.html", "intro.html"} <= set(toc_pages())


@pytest.fixture(scope="module")
def tab(browser):
    """One tab that the page tests visit in turn: a new tab starts a renderer, four times a visit's cost."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    yield page
    page.close()


@pytest.mark.parametrize("relative", toc_pages())
def test_page_has_no_serious_accessibility_violations(server, tab, relative):
    _load(tab, f"{server}/{relative}")
    found = axe_violations(tab)
    skips = heading_skips(tab)
    assert found == [], f"{relative}:\n" + "\n".join(found)
    assert skips == [], f"{relative}: headings that skip a level:\n" + "\n".join(skips)


@pytest.mark.parametrize("relative", ["chapters/01-islands.html", "bibliography.html"])
def test_page_in_dark_mode_has_no_serious_accessibility_violations(server, browser, relative):
    page = _open(browser, f"{server}/{relative}", dark=True)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    found = axe_violations(page)
    page.close()
    assert found == [], f"{relative} (dark):\n" + "\n".join(found)
