"""kurils/assets/anywidget-static.js: the site's widget renderer, on hand-made pages (no build needed)."""

from __future__ import annotations

import json
from pathlib import Path

from kurils import course

RENDERER = (course.ASSETS / "anywidget-static.js").read_text()

TOGGLE = """
export default { render({ model, el }) {
  const button = document.createElement("button");
  const show = () => { button.textContent = `${model.get("label")}: ${model.get("on") ? "on" : "off"}`; };
  button.addEventListener("click", () => { model.set("on", !model.get("on")); model.save_changes(); });
  model.on("change:on", show);
  show();
  el.append(button);
} };
"""
#: anywidget also accepts a default export that is a function returning the widget.
FACTORY = """
export default () => ({ render({ model, el }) { el.textContent = `made by a factory: ${model.get("label")}`; } });
"""
BROKEN = 'export default { render() { throw new Error("render failed on purpose"); } };'


def _anywidget(esm: str, **state) -> dict:
    return {
        "model_module": "anywidget",
        "model_name": "AnyModel",
        "model_module_version": "~0.11.*",
        "state": {"_esm": esm, "_css": ".toggle-test { outline: 3px solid rgb(1, 2, 3); }", **state},
    }


def _page(models: dict, views: list[str]) -> str:
    state = json.dumps({"version_major": 2, "version_minor": 0, "state": models})
    blocks = "".join(
        f'<div class="cell_output"><script type="application/vnd.jupyter.widget-view+json">'
        f"{json.dumps({'version_major': 2, 'version_minor': 1, 'model_id': view})}</script></div>"
        for view in views
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><title>t</title>'
        f'<script type="application/vnd.jupyter.widget-state+json">{state}</script>'
        f"</head><body>{blocks}<script>{RENDERER}</script></body></html>"
    )


def _open(browser, html: str):
    page = browser.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page.goto("http://127.0.0.1:9/widgets.html")
    return page, errors


def test_an_anywidget_is_drawn_from_its_stored_state_and_responds_with_no_kernel(browser):
    models = {
        "a": _anywidget(TOGGLE, on=False, label="first", _dom_classes=["toggle-test"]),
        "b": _anywidget(TOGGLE, on=True, label="second"),
        "c": _anywidget(FACTORY, label="third"),
    }
    page, errors = _open(browser, _page(models, ["a", "b", "c"]))
    buttons = page.locator(".kurils-widget button")
    buttons.nth(1).wait_for()
    assert buttons.all_inner_texts() == ["first: off", "second: on"]
    buttons.first.click()
    assert buttons.all_inner_texts() == ["first: on", "second: on"]  # each widget has its own model
    assert "made by a factory: third" in page.locator(".kurils-widget").nth(2).inner_text()
    first = page.locator(".kurils-widget").first
    assert first.evaluate("e => e.classList.contains('toggle-test')")
    assert first.evaluate("e => getComputedStyle(e).outlineColor") == "rgb(1, 2, 3)"
    assert page.locator("style").count() == 1  # one style sheet for widgets sharing their _css
    # Each widget sits right after its view script, inside the output it belongs to.
    assert page.locator(".cell_output > .kurils-widget").count() == 3
    page.close()
    assert errors == []


def test_a_widget_that_cannot_be_drawn_says_so_and_the_others_still_work(browser):
    models = {
        "slider": {
            "model_module": "@jupyter-widgets/controls",
            "model_name": "IntSliderModel",
            "model_module_version": "2.0.0",
            "state": {"value": 3},
        },
        "broken": _anywidget(BROKEN),
        "fine": _anywidget(TOGGLE, on=False, label="fine"),
    }
    page, errors = _open(browser, _page(models, ["slider", "missing", "broken", "fine"]))
    page.locator(".kurils-widget button").wait_for()
    alerts = page.locator(".kurils-widget [role=alert]")
    alerts.nth(2).wait_for()
    texts = alerts.all_inner_texts()
    page.close()
    assert len(texts) == 3
    assert "@jupyter-widgets/controls.IntSliderModel is not an anywidget; it needs a running kernel" in texts[0]
    assert "no state stored for widget missing" in texts[1]
    assert "render failed on purpose" in texts[2]
    assert len(errors) == 3 and all(error.startswith("kurils widget") for error in errors), errors


def test_the_site_serves_the_renderer_and_no_widget_manager(built_site: Path):
    served = built_site / "_static" / "vendor"
    assert (served / "anywidget-static.js").read_text() == RENDERER
    assert not (served / "html-manager").exists() and not (served / "require.js").exists()
    chapter = (built_site / "chapters" / "01-islands.html").read_text()
    assert "vendor/anywidget-static.js" in chapter and "embed-amd" not in chapter
