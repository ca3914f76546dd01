"""On a phone (390 x 844 px, touch): no page scrolls sideways; widget and self-check text is at least
12 px and every control a 24 x 24 px tap target (WCAG 2.2 target size); each widget works by tap."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browsing import SCREENSHOTS, choose_wrong_then_right

from kurils import data, selfcheck

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 390
PHONE = {"viewport": {"width": WIDTH, "height": 844}, "has_touch": True, "is_mobile": True}
CH1, CH4 = "chapters/01-islands.html", "chapters/04-1956-cold-war.html"
CH9 = "chapters/09-2018-treaty-without-preconditions.html"

#: Text under 12 px and controls under 24 x 24 px inside the course's widgets and self-checks.
#: A control's target is its label when it has one (a click on the label works the control).
#: Links inside sentences are exempt (WCAG 2.5.8 "inline"), and so are the map's island shapes:
#: each island can also be chosen by its name on the map and from the keyboard (known limit).
TOO_SMALL = """() => {
  const out = [];
  for (const root of document.querySelectorAll('.kurils-widget, .kurils-selfcheck')) {
    const edge = root.getBoundingClientRect();
    if (edge.left < 0 || edge.right > innerWidth) out.push(`${root.className} spans ${edge.left}-${edge.right} px`);
    // Nothing sticks out of the widget's box, except inside a box that scrolls (the map).
    for (const e of root.querySelectorAll('*')) {
      const r = e.getBoundingClientRect();
      if (r.width && r.right > edge.right + 0.5 && !e.parentElement.closest('.map, pre, [style*=overflow]'))
        out.push(`${e.tagName}.${e.getAttribute('class') || ''} ends at ${Math.round(r.right)} px`);
    }
    for (const e of root.querySelectorAll('*')) {
      if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      const box = e.getBoundingClientRect();
      if (!box.width || !box.height || getComputedStyle(e).visibility === 'hidden') continue;
      let px = parseFloat(getComputedStyle(e).fontSize);
      if (e instanceof SVGElement) px *= e.getScreenCTM().a;
      if (px < 11.95) out.push(`text ${px.toFixed(1)} px: ${e.textContent.trim().slice(0, 30)}`);
    }
    for (const e of root.querySelectorAll('button, input, select, summary, [role=button], [tabindex="0"]')) {
      if (e.matches('path.island')) continue;
      const target = (e.closest('label') || e).getBoundingClientRect();
      if (!target.width) continue;
      if (target.width < 23.95 || target.height < 23.95)
        out.push(`target ${Math.round(target.width)}x${Math.round(target.height)}: ${e.tagName} ` +
                 (e.getAttribute('aria-label') || e.textContent || e.value || '').trim().slice(0, 30));
    }
  }
  return out;
}"""


# The point of the shape farthest from its edges (a thin island's box is mostly sea): Chromium's touch
# adjustment moves a tap near an edge to the nearest tappable thing, which may be the sea.
ON_SHAPE = """e => {
  const r = e.getBoundingClientRect();
  let best = null, depth = 0;
  for (let fy = 0.05; fy < 1; fy += 0.05) for (let fx = 0.05; fx < 1; fx += 0.05) {
    const x = r.left + fx * r.width, y = r.top + fy * r.height;
    const inside = ([a, b]) => document.elementFromPoint(x + a, y + b) === e;
    let d = 0;
    while (d < 30 && [[d, 0], [-d, 0], [0, d], [0, -d]].every(inside)) d++;
    if (d > depth) { depth = d; best = [x, y]; }
  }
  if (!best) throw new Error("no point of the shape is on screen");
  return best;
}"""


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context
    context.close()


def _open(phone, url: str, scheme: str = "light"):
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.emulate_media(color_scheme=scheme)
    page.goto(url, wait_until="networkidle")
    return page, errors


def _pages(built_site) -> list[str]:
    pages = built_site.rglob("*.html")
    # 404.html names the published sub-path; tests/test_offline.py serves it there.
    return sorted(str(p.relative_to(built_site)) for p in pages if "_static" not in p.parts and p.name != "404.html")


def test_no_page_scrolls_sideways_on_a_phone(built_site, server, phone):
    wide = {}
    page = phone.new_page()  # one tab for every page: a new tab starts a renderer, four times a visit's cost
    for relative in _pages(built_site):
        page.goto(f"{server}/{relative}", wait_until="networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            wide[relative] = width
    page.close()
    assert wide == {}, f"pages wider than {WIDTH} px: {wide}"


def _widget_pages(built_site) -> list[str]:
    pages = sorted(built_site.glob("chapters/*.html"))
    shown = [
        p for p in pages if "widget-view+json" in (text := p.read_text(encoding="utf-8")) or "kurils-selfcheck" in text
    ]
    return [str(p.relative_to(built_site)) for p in shown]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_widget_text_and_tap_targets_are_large_enough(built_site, server, phone, scheme):
    problems = {}
    pages = _widget_pages(built_site)
    assert len(pages) >= 11
    page, errors = _open(phone, "about:blank", scheme)  # one tab for every page
    for relative in pages:
        errors.clear()
        page.goto(f"{server}/{relative}", wait_until="networkidle")
        page.locator(".kurils-selfcheck").first.wait_for(timeout=15000)
        found = page.evaluate(TOO_SMALL) + errors
        if found:
            problems[relative] = found[:5]
    page.close()
    assert problems == {}


def test_the_island_card_fits_the_screen_after_a_tap(server, phone):
    page, errors = _open(phone, f"{server}/{CH1}")
    widget = page.locator(".kurils-island-map").first
    island = widget.locator('path.island[data-id="kunashiri"]')
    island.scroll_into_view_if_needed()
    # A point well inside the island itself (its box's centre may be sea).
    x, y = island.evaluate(ON_SHAPE)
    page.touchscreen.tap(x, y)
    card = widget.locator(".info")
    name = data.load("islands").set_index("id").loc["kunashiri", "name_ja_en"]
    assert name in card.get_by_role("heading").inner_text()
    terms = card.locator("dt").all_inner_texts()
    assert "Area" in terms and "Distance" in terms
    right = card.locator("dd").evaluate_all("ds => Math.max(...ds.map(d => d.getBoundingClientRect().right))")
    assert right <= WIDTH
    assert re.search(r"\d km from", card.inner_text())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "phone-island-card.png"))
    page.close()
    assert errors == []


def test_a_tapped_timeline_event_shows_its_summary(server, phone):
    page, errors = _open(phone, f"{server}/{CH9}")
    widget = page.locator(".kurils-timeline").first
    event = widget.locator("g.event").nth(2)
    title = event.get_attribute("aria-label").split(": ", 1)[1].rsplit(" (", 1)[0]
    event.locator("circle.hit").tap()
    assert event.get_attribute("aria-pressed") == "true"
    assert widget.locator(".details").get_by_role("heading").inner_text() == title
    box = widget.locator("svg").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    page.close()
    assert errors == []


def _radio(island: str, side: str) -> str:
    return f'.kurils-scenario input[type=radio][name$="-{island}"][value="{side}"]'


def test_the_scenario_table_stacks_and_updates_on_tap(server, phone):
    page, errors = _open(phone, f"{server}/{CH4}")
    widget = page.locator(".kurils-scenario").first
    for island in ["etorofu", "kunashiri", "shikotan", "habomai"]:
        page.locator(_radio(island, "russia")).first.tap()
    page.locator(_radio("habomai", "japan")).first.tap()
    row = widget.locator("tr.row-japan")
    assert "Habomai" in row.inner_text()
    # Stacked: each value under its column's name, inside the screen.
    cells = row.locator("td")
    assert cells.first.evaluate("td => getComputedStyle(td, '::before').content") == '"Islands"'
    assert max(c["x"] + c["width"] for c in (cells.nth(i).bounding_box() for i in range(cells.count()))) <= WIDTH
    page.close()
    assert errors == []


def _choice(kind: str) -> tuple[dict, int]:
    for chapter in (f"ch{n:02d}" for n in range(1, 12)):
        for question in selfcheck.questions(chapter):
            if question["type"] == kind:
                return question, int(chapter[2:])
    raise AssertionError(f"no {kind} question")


def _page_of(number: int) -> str:
    return next(f"chapters/{p.stem}.html" for p in (ROOT / "chapters").glob(f"{number:02d}-*.md"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_multiple_choice_self_check_by_tap(server, phone, scheme):
    question, number = _choice("multiple_choice")
    page, errors = _open(phone, f"{server}/{_page_of(number)}", scheme)
    box = page.locator(".kurils-selfcheck.ks-multiple_choice", has_text=question["question"]).first
    choose_wrong_then_right(box, question, press="tap")
    option = box.locator("li.ks-option").first
    assert option.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    background = box.evaluate("e => getComputedStyle(e).backgroundColor")
    assert (background == "rgb(255, 255, 255)") == (scheme == "light"), f"{scheme}: panel {background}"
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"phone-multiple-choice-{scheme}.png"))
    page.close()
    assert errors == []


def test_select_all_that_apply_keeps_the_picks_and_explains_a_wrong_one(server, phone):
    question, number = _choice("many_choice")
    page, errors = _open(phone, f"{server}/{_page_of(number)}")
    box = page.locator(".kurils-selfcheck.ks-many_choice", has_text=question["question"]).first
    rights = [a for a in question["answers"] if a["correct"]]
    wrong = next(a for a in question["answers"] if not a["correct"])
    for answer in [rights[0], wrong]:
        box.locator("label", has_text=answer["answer"]).first.tap()
    box.get_by_role("button", name="Check").tap()
    feedback = box.locator(".ks-feedback").inner_text()
    assert feedback == f"✘ Not yet: 1 of {len(rights)} right answers chosen, and 1 that is not one (see why)."
    assert box.locator("input:checked").count() == 2, "the picks are kept"
    assert box.locator("li.ks-picked-wrong .ks-why").inner_text() == wrong["feedback"]
    page.close()
    assert errors == []


def test_an_ordering_check_counts_without_revealing_the_answer(server, phone):
    question, number = _choice("ordering")
    page, errors = _open(phone, f"{server}/{_page_of(number)}")
    box = page.locator(".kurils-selfcheck.ks-ordering", has_text=question["question"]).first
    right = [item["label"] for item in question["items"]]
    shown = box.locator("li.ks-item .ks-label").all_inner_texts()
    assert [a for a, b in zip(shown, right, strict=True) if a == b] == [], "no item starts in place"
    box.get_by_role("button", name=f"Move up: {shown[1]}").tap()
    moved = box.locator("li.ks-item .ks-label").all_inner_texts()
    assert moved[:2] == [shown[1], shown[0]]
    box.get_by_role("button", name="Check").tap()
    in_place = sum(a == b for a, b in zip(moved, right, strict=True))
    assert box.locator(".ks-feedback").inner_text() == f"✘ Not yet: {in_place} of {len(right)} are in the right place."
    assert not box.locator(".ks-explanation").is_visible()
    page.close()
    assert errors == []
