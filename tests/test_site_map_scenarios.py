"""On the built site, with no kernel: the map's line layers and the scenario explorer respond to
mouse and keyboard, fetch nothing from outside, log no errors, and update quickly (measured)."""

from __future__ import annotations

import statistics

import pytest
from browsing import SCREENSHOTS, open_page

from kurils import data

CH1, CH2, CH4 = "chapters/01-islands.html", "chapters/02-before-1905.html", "chapters/04-1956-cold-war.html"

#: Click the element ``click`` and wait (frame by frame) until ``done`` exists and holds ``text``;
#: resolves with the milliseconds to the updated DOM and to the frame after it was painted.
_TIMED_CLICK = """([click, done, text]) => new Promise((resolve) => {
  const t0 = performance.now();
  document.querySelector(click).click();
  const check = () => {
    const el = document.querySelector(done);
    if (el && el.textContent.includes(text)) {
      const update = performance.now() - t0;
      requestAnimationFrame(() => requestAnimationFrame(() => resolve({update, painted: performance.now() - t0})));
    } else requestAnimationFrame(check);
  };
  check();
})"""


def _timed(page, click: str, done: str, text: str = "") -> dict:
    return page.evaluate(_TIMED_CLICK, [click, done, text])


def _report(name: str, timings: list[dict]) -> None:
    update = statistics.median(t["update"] for t in timings)
    painted = statistics.median(t["painted"] for t in timings)
    print(
        f"\n[timing] {name}: click to updated DOM, median of {len(timings)}: {update:.1f} ms;"
        f" to the painted frame after it {painted:.1f} ms"
    )


# --- map line layers ------------------------------------------------------------------------


def test_chapter_1_opens_the_map_with_the_administration_and_claimed_lines(server, browser):
    page, outside, errors = open_page(browser, f"{server}/{CH1}")
    widget = page.locator(".kurils-island-map").first
    widget.wait_for(timeout=15000)
    shown = widget.locator("g.line-layer.on")
    assert sorted(shown.evaluate_all("gs => gs.map(g => g.dataset.layer)")) == ["administration", "japan-claim"]
    assert widget.locator('g.line-layer[data-layer="administration"] > path.line').is_visible()
    assert not widget.locator('g.line-layer[data-layer="1855"] > path.line').is_visible()
    legend = widget.locator("fieldset.legend")
    assert "schematic" in legend.inner_text()
    assert "Line of present Russian administration" in legend.inner_text()
    assert "Line Japan claims" in legend.inner_text()
    widget.screenshot(path=str(SCREENSHOTS / "island-map-layers-ch01.png"))
    page.close()
    assert outside == [] and errors == []


def test_each_line_toggle_shows_and_hides_its_line_and_is_timed(server, browser):
    page, outside, errors = open_page(browser, f"{server}/{CH1}")
    widget = page.locator(".kurils-island-map").first
    widget.wait_for(timeout=15000)
    for line in ["1855", "1875", "administration", "japan-claim"]:
        box = widget.locator(f'fieldset.legend input[value="{line}"]')
        layer = widget.locator(f'g.line-layer[data-layer="{line}"]')
        before = box.is_checked()
        box.click()
        assert box.is_checked() != before
        assert layer.evaluate("g => getComputedStyle(g).display") == ("none" if before else "inline")
        box.click()
        assert layer.evaluate("g => getComputedStyle(g).display") == ("inline" if before else "none")
    timings = []
    for _ in range(5):
        timings.append(_timed(page, 'fieldset.legend input[value="1855"]', 'g.line-layer.on[data-layer="1855"]'))
        page.locator('.kurils-island-map fieldset.legend input[value="1855"]').first.click()  # off again
    _report("map layer toggle (1855 line)", timings)
    page.close()
    assert outside == [] and errors == []


@pytest.mark.parametrize("key", [" ", "Enter"])
def test_the_line_toggles_work_from_the_keyboard(server, browser, key):
    page, outside, errors = open_page(browser, f"{server}/{CH1}")
    widget = page.locator(".kurils-island-map").first
    widget.wait_for(timeout=15000)
    box = widget.locator('fieldset.legend input[value="1875"]')
    box.focus()
    page.keyboard.press(key)
    assert box.is_checked()
    assert widget.locator('g.line-layer.on[data-layer="1875"]').count() == 1
    page.keyboard.press("Tab")  # on to the next toggle
    assert page.evaluate("document.activeElement.value") == "administration"
    page.close()
    assert outside == [] and errors == []


def test_chapter_2_shows_the_treaty_lines_and_points_to_the_1875_strait(server, browser):
    page, outside, errors = open_page(browser, f"{server}/{CH2}")
    widget = page.locator(".kurils-island-map").first
    widget.wait_for(timeout=15000)
    shown = widget.locator("g.line-layer.on").evaluate_all("gs => gs.map(g => g.dataset.layer)")
    assert sorted(shown) == ["1855", "1875"]
    note = widget.locator('g.line-layer[data-layer="1875"] > text.line-label').text_content()
    assert "to the north-east of this map" in note.replace("\n", " ")
    assert widget.locator('g.line-layer[data-layer="1875"] path.edge-arrow').is_visible()
    widget.screenshot(path=str(SCREENSHOTS / "island-map-layers-ch02.png"))
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)
    widget.scroll_into_view_if_needed()
    widget.screenshot(path=str(SCREENSHOTS / "island-map-layers-ch02-dark.png"))
    page.close()
    assert outside == [] and errors == []


# --- scenario explorer ----------------------------------------------------------------------


def _radio(island: str, side: str) -> str:
    return f'.kurils-scenario input[type=radio][name$="-{island}"][value="{side}"]'


def _japan_share_text() -> str:
    islands = data.load("islands").set_index("id")["area_km2"]
    return f"{100 * (islands['habomai'] + islands['shikotan']) / islands.sum():.1f}%"


def test_habomai_and_shikotan_to_japan_shows_about_seven_percent_of_the_area(server, browser):
    page, outside, errors = open_page(browser, f"{server}/{CH4}")
    widget = page.locator(".kurils-scenario").first
    widget.wait_for(timeout=15000)
    for island in ["etorofu", "kunashiri", "shikotan", "habomai"]:
        page.locator(_radio(island, "russia")).first.click()
    assert widget.locator("tr.row-japan").count() == 0
    page.locator(_radio("habomai", "japan")).first.click()
    page.locator(_radio("shikotan", "japan")).first.click()
    row = widget.locator("tr.row-japan").inner_text()
    expected = _japan_share_text()
    assert 6.5 < float(expected.rstrip("%")) < 7.5
    assert expected in row and "Habomai" in row and "Shikotan" in row
    assert 'class="island side-japan" data-id="habomai"' in widget.locator("svg.kurils-map").evaluate(
        "s => s.outerHTML"
    )
    two = data.load("proposals").set_index("id").loc["two-islands-1956", "name"]
    assert two in widget.locator(".result .match").inner_text()
    assert widget.locator("select").input_value() == "two-islands-1956"
    widget.screenshot(path=str(SCREENSHOTS / "scenario-explorer.png"))
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)
    widget.scroll_into_view_if_needed()
    widget.screenshot(path=str(SCREENSHOTS / "scenario-explorer-dark.png"))
    page.close()
    assert outside == [] and errors == []


def test_each_control_of_the_explorer_changes_the_view(server, browser):
    page, outside, errors = open_page(browser, f"{server}/{CH4}")
    widget = page.locator(".kurils-scenario").first
    widget.wait_for(timeout=15000)
    select = widget.locator("select")
    assert select.input_value() == "two-islands-1956"  # chapter 4 starts from the 1956 formula
    # Your own choice: every island to Russia, then a proposal again restores its assignment.
    for island in ["etorofu", "kunashiri", "shikotan", "habomai"]:
        page.locator(_radio(island, "russia")).first.click()
    assert "matches no proposal" in widget.locator(".result").inner_text() or select.input_value() != ""
    proposal = data.load("proposals").iloc[0]
    select.select_option(proposal["id"])
    for island in ["etorofu", "kunashiri", "shikotan", "habomai"]:
        assert page.locator(_radio(island, proposal[island])).first.is_checked()
    # Shared: a row for it appears.
    page.locator(_radio("kunashiri", "shared")).first.click()
    assert "Kunashiri/Kunashir" in widget.locator("tr.row-shared").inner_text()
    assert "side-shared" in widget.locator('path.island[data-id="kunashiri"]').get_attribute("class")
    # Split: the share slider is enabled and divides Etorofu/Iturup's area.
    page.locator(_radio("etorofu", "split")).first.click()
    slider = widget.locator("input[type=range]")
    assert slider.is_enabled()
    slider.fill("25")
    assert "25% to Japan" in widget.locator("output").inner_text()
    assert "Etorofu/Iturup (25% of its area)" in widget.locator("tr.row-japan").inner_text()
    note = widget.locator(".result .note").inner_text()
    assert "in proportion to the people of the settlements on each side of the line" in note
    assert widget.locator("svg circle.settlement").count() == len(data.load("settlements"))
    slider.fill("60")  # a line north-east of Kurilsk: most settlements on Japan's side
    assert "0 are counted for Japan" not in widget.locator(".result .note").inner_text()
    assert "Kurilsk" in widget.locator(".result .note").inner_text()
    # Clicking an island on the map moves it to the next side.
    before = widget.locator('path.island[data-id="habomai"]').get_attribute("class")
    widget.locator('path.island[data-id="shikotan"]').click()  # Shikotan is larger and easier to hit
    widget.locator('path.island[data-id="habomai"]').dispatch_event("click")
    assert widget.locator('path.island[data-id="habomai"]').get_attribute("class") != before
    page.close()
    assert outside == [] and errors == []


def test_positions_are_shown_met_or_crossed_with_conditions_and_sources(server, browser):
    page, outside, errors = open_page(browser, f"{server}/{CH4}")
    widget = page.locator(".kurils-scenario").first
    widget.wait_for(timeout=15000)
    positions = data.load("positions")
    sources = data.load("sources").set_index("id")["title"]
    for position in positions.itertuples():
        need_japan = [i for i in str(position.requires_japan or "").split(";") if i and i != "nan"]
        need_russia = [i for i in str(position.requires_russia or "").split(";") if i and i != "nan"]
        for island in ["etorofu", "kunashiri", "shikotan", "habomai"]:
            side = "japan" if island in need_japan else "russia" if island in need_russia else "shared"
            page.locator(_radio(island, side)).first.click()
        item = widget.locator(f'ul.positions li[data-id="{position.id}"]')
        text = item.inner_text()
        assert ("Met" if need_japan or need_russia else "No island requirement") in text
        assert sources[position.sources[0]] in text
        if isinstance(position.condition, str) and position.condition:
            assert "Condition that still applies" in text
        if need_japan or need_russia:
            island = (need_japan or need_russia)[0]
            page.locator(_radio(island, "undecided")).first.click()
            assert "Crossed because" in item.inner_text()
    page.close()
    assert outside == [] and errors == []


def test_the_explorer_works_from_the_keyboard_and_is_timed(server, browser):
    page, outside, errors = open_page(browser, f"{server}/{CH4}")
    widget = page.locator(".kurils-scenario").first
    widget.wait_for(timeout=15000)
    # Arrow keys move within an island's radio group.
    page.locator(_radio("kunashiri", "japan")).first.click()
    page.keyboard.press("ArrowRight")
    assert page.locator(_radio("kunashiri", "russia")).first.is_checked()
    assert "Kunashiri/Kunashir" in widget.locator("tr.row-russia").inner_text()
    # Enter and Space on an island of the map move it to the next side.
    island = widget.locator('path.island[data-id="etorofu"]')
    before = island.get_attribute("class")
    island.focus()
    page.keyboard.press("Enter")
    after = island.get_attribute("class")
    assert after != before
    page.keyboard.press(" ")
    assert island.get_attribute("class") not in (after,)
    assert "press to change" in island.get_attribute("aria-label")
    # The proposal list and the slider are reachable by Tab.
    widget.locator("select").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "radio"
    # Timing: one radio click to the updated table.
    timings = []
    for side in ["japan", "russia"] * 3:
        timings.append(_timed(page, _radio("habomai", side), "tr.row-" + side, "Habomai"))
    _report("scenario explorer (Habomai radio)", timings)
    page.close()
    assert outside == [] and errors == []
