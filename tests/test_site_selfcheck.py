"""Ordering and matching self-checks on the built site: keyboard, feedback, print, themes; no kernel, no network."""

from __future__ import annotations

import pytest
from browsing import SCREENSHOTS, open_page

from kurils import selfcheck

PAGE = "chapters/01-islands.html"
QUESTIONS = selfcheck.questions("ch01")
ORDERING = next(q for q in QUESTIONS if q["type"] == "ordering")
MATCHING = next(q for q in QUESTIONS if q["type"] == "matching")


def _box(page, kind: str):
    box = page.locator(f"#check-your-understanding .kurils-selfcheck.ks-{kind}:visible")  # the page's language
    box.wait_for(timeout=15000)
    return box


def _order(box) -> list[str]:
    return [label.inner_text() for label in box.locator("li.ks-item .ks-label").all()]


def test_an_ordering_question_is_put_right_from_the_keyboard(server, browser):
    page, outside, errors = open_page(browser, f"{server}/{PAGE}")
    box = _box(page, "ordering")
    right = [item["label"] for item in ORDERING["items"]]
    shown = _order(box)
    assert sorted(shown) == sorted(right) and shown != right

    box.get_by_role("button", name="Check").press("Enter")
    in_place = sum(a == b for a, b in zip(shown, right, strict=True))
    feedback = box.locator(".ks-feedback")
    assert feedback.get_attribute("aria-live") == "polite"
    assert feedback.inner_text() == f"✘ Not yet: {in_place} of {len(right)} are in the right place."
    assert not box.locator(".ks-explanation").is_visible(), "a wrong check does not give the answer away"

    # Put each item in place: focus it and press the arrow keys (Move up/down buttons for one step each way).
    for target, label in enumerate(right):
        item = box.locator("li.ks-item", has_text=label)
        position = _order(box).index(label)
        item.focus()
        for _ in range(position - target):
            page.keyboard.press("ArrowUp")
        assert page.evaluate("document.activeElement.querySelector('.ks-label').textContent") == label
    assert _order(box) == right
    box.get_by_role("button", name=f"Move down: {right[0]}").press("Enter")
    assert _order(box)[:2] == [right[1], right[0]]
    assert "moved to position 2 of" in feedback.inner_text()
    box.get_by_role("button", name=f"Move up: {right[0]}").press("Enter")
    assert _order(box) == right

    box.get_by_role("button", name="Check").press("Enter")
    assert feedback.inner_text() == f"✔ Correct: all {len(right)} are in the right order."
    assert ORDERING["explanation"] in box.locator(".ks-explanation").inner_text()
    box.screenshot(path=str(SCREENSHOTS / "selfcheck-ordering.png"))
    page.close()
    assert outside == [] and errors == []


def test_a_matching_question_gives_feedback_for_each_pair(server, browser):
    page, outside, errors = open_page(browser, f"{server}/{PAGE}")
    box = _box(page, "matching")
    pairs = MATCHING["pairs"]
    for pair in pairs:
        box.get_by_label(pair["left"], exact=True).select_option(label=pair["right"])
    box.get_by_role("button", name="Check").click()
    feedback = box.locator(".ks-feedback")
    assert feedback.inner_text() == f"✔ Correct: all {len(pairs)} pairs match."
    assert [mark.inner_text() for mark in box.locator(".ks-mark").all()] == ["✔ right"] * len(pairs)

    # Swap the first two answers: two pairs wrong, the rest still right.
    box.get_by_label(pairs[0]["left"], exact=True).select_option(label=pairs[1]["right"])
    assert feedback.inner_text() == ""
    box.get_by_label(pairs[1]["left"], exact=True).select_option(label=pairs[0]["right"])
    box.get_by_role("button", name="Check").click()
    assert feedback.inner_text() == f"✘ Not yet: {len(pairs) - 2} of {len(pairs)} pairs match."
    marks = [mark.inner_text() for mark in box.locator(".ks-mark").all()]
    assert marks == ["✘ not this one"] * 2 + ["✔ right"] * (len(pairs) - 2)
    assert box.get_by_label(pairs[0]["left"], exact=True).get_attribute("aria-invalid") == "true"
    assert MATCHING["explanation"] in box.locator(".ks-explanation").inner_text()
    box.screenshot(path=str(SCREENSHOTS / "selfcheck-matching.png"))
    page.close()
    assert outside == [] and errors == []


def test_printed_self_checks_show_questions_and_items_but_no_controls_or_answers(server, browser):
    page, *_ = open_page(browser, f"{server}/{PAGE}")
    page.emulate_media(media="print")
    ordering, matching = _box(page, "ordering"), _box(page, "matching")
    assert ordering.locator(".ks-question").is_visible() and ordering.locator("li.ks-item").first.is_visible()
    for hidden in (".ks-up", ".ks-check", ".ks-explanation"):
        assert not ordering.locator(hidden).first.is_visible()
    assert not matching.locator("select").first.is_visible()
    choices = matching.locator(".ks-print li")
    assert sorted(c.inner_text() for c in choices.all()) == sorted(p["right"] for p in MATCHING["pairs"])
    page.close()


def _luminance(rgb: str) -> float:
    channels = [int(v) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_feedback_is_readable_in_both_themes(server, browser, theme):
    page, *_ = open_page(browser, f"{server}/{PAGE}")
    page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
    box = _box(page, "matching")
    box.get_by_label(MATCHING["pairs"][0]["left"], exact=True).select_option(label=MATCHING["pairs"][0]["right"])
    box.get_by_role("button", name="Check").click()
    background = box.evaluate("e => getComputedStyle(e).backgroundColor")
    for css in (".ks-feedback", ".ks-mark.ks-right", ".ks-mark.ks-wrong", ".ks-question", "select"):
        colour = box.locator(css).first.evaluate("e => getComputedStyle(e).color")
        light, dark = sorted((_luminance(colour), _luminance(background)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, f"{theme} {css}: {colour} on {background}"
    page.close()
