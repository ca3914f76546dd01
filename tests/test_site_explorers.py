"""The timeline explorer, summit tracker and source comparer on the built site: no kernel, no network."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from browsing import SCREENSHOTS, jupyter, open_page, run_all_in_lab

from kurils import data, display

ROOT = Path(__file__).resolve().parent.parent

CH07 = "chapters/07-crimea-new-approach-2014-2016.html"
#: Click controls ``times`` times (cycling through the selectors, and through the matches of each);
#: per click, the time until the handler has updated the DOM and until the next frame has been
#: painted (requestAnimationFrame, then a task).
MEASURE = """async ([selectors, times]) => {
  const sync = [], painted = [];
  for (let i = 0; i < times; i++) {
    const all = document.querySelectorAll(selectors[i % selectors.length]);
    const control = all[i % all.length];
    const t0 = performance.now();
    control.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    sync.push(performance.now() - t0);
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
    painted.push(performance.now() - t0);
  }
  return { sync, painted };
}"""


def _years(frame):
    return frame["date"].str.slice(0, 4).astype(int)


def _widget(page, css: str):
    widget = page.locator(css).first
    widget.wait_for(timeout=20000)
    return widget


def _report(name: str, timings: dict) -> None:
    sync, painted = statistics.median(timings["sync"]), statistics.median(timings["painted"])
    print(
        f"\n[timing] {name}: click to updated DOM median {sync:.1f} ms, to next painted frame median {painted:.1f} ms"
        f" (n={len(timings['sync'])}, max {max(timings['painted']):.1f} ms)"
    )


@pytest.fixture
def chapter7(server, browser):
    page, outside, errors = open_page(browser, f"{server}/{CH07}")
    yield page
    page.close()
    assert outside == [], f"requested {outside}"
    assert errors == [], f"console errors {errors}"


def _event_labels(widget) -> list[str]:
    return widget.locator("g.event").evaluate_all("(nodes) => nodes.map((n) => n.getAttribute('aria-label'))")


def test_the_timeline_opens_on_the_chapters_years_and_filters_to_2016(chapter7):
    events = data.load("events")
    widget = _widget(chapter7, ".kurils-timeline")
    period = events[_years(events).between(2014, 2016)]
    assert len(_event_labels(widget)) == len(period)
    assert widget.locator(".status").inner_text() == f"{len(period)} events, 2014–2016."

    widget.locator("input.start").fill("2016")
    widget.locator("input.start").press("Enter")
    labels = _event_labels(widget)
    of_2016 = events[_years(events) == 2016]
    assert len(labels) == len(of_2016) > 0
    assert all(label.startswith("2016") for label in labels), labels
    assert widget.locator(".status").inner_text() == f"{len(of_2016)} events, 2016."
    widget.screenshot(path=str(SCREENSHOTS / "timeline-explorer-widget.png"))


def test_selecting_a_timeline_event_shows_its_summary_and_source_titles(chapter7):
    events = data.load("events").set_index("id")
    sources = data.load("sources").set_index("id")
    widget = _widget(chapter7, ".kurils-timeline")
    marker = widget.locator("g.event").nth(2)
    event_id = marker.get_attribute("data-id")
    marker.click()
    assert marker.get_attribute("aria-pressed") == "true"
    details = widget.locator(".details").inner_text()
    row = events.loc[event_id]
    assert row["title"] in details and row["summary"] in details
    for source in row["sources"]:
        assert sources.loc[source, "title"] in details and sources.loc[source, "outlet"] in details
    widget.get_by_role("button", name=f"Show only {event_id[:4]}").click()
    assert widget.locator(".status").inner_text().endswith(f", {event_id[:4]}.")
    assert widget.locator('g.event[aria-pressed="true"]').get_attribute("data-id") == event_id


def test_timeline_zoom_category_and_empty_filter(chapter7):
    events = data.load("events")
    widget = _widget(chapter7, ".kurils-timeline")
    widget.get_by_role("button", name="Whole span").click()
    assert len(_event_labels(widget)) == len(events)
    widget.get_by_role("button", name="Zoom in").click()
    first, last = int(widget.locator("input.start").input_value()), int(widget.locator("input.end").input_value())
    assert last - first < (2018 - 1711) / 2 + 2 and len(_event_labels(widget)) < len(events)
    widget.get_by_role("button", name="1855–2018").click()

    widget.locator("details.filters summary").click()
    widget.get_by_role("checkbox", name="summit").check()
    labels = _event_labels(widget)
    assert labels and all(label.endswith("(summit)") for label in labels)
    assert len(labels) == (events["category"] == "summit").sum()

    widget.get_by_role("checkbox", name="summit").uncheck()
    widget.get_by_role("checkbox", name="war").check()
    widget.get_by_role("checkbox", name="Ainu").check()
    assert _event_labels(widget) == []
    status = widget.locator(".status").inner_text()
    assert status == "No events match these filters (1855–2018, category war, actor Ainu)."
    assert "No events match" in widget.locator("svg text.empty").text_content()


def test_the_timeline_works_from_the_keyboard(chapter7):
    widget = _widget(chapter7, ".kurils-timeline")
    widget.get_by_role("button", name="Whole span").focus()
    chapter7.keyboard.press("Tab")  # the filters' <summary>
    chapter7.keyboard.press("Tab")  # the time axis: one event is in the tab order
    focused = chapter7.evaluate("document.activeElement.getAttribute('data-id')")
    ids = widget.locator("g.event").evaluate_all("(nodes) => nodes.map((n) => n.dataset.id)")
    assert focused == ids[0]
    chapter7.keyboard.press("ArrowRight")
    chapter7.keyboard.press("ArrowRight")
    assert chapter7.evaluate("document.activeElement.getAttribute('data-id')") == ids[2]
    chapter7.keyboard.press("Enter")
    assert widget.locator('g.event[aria-pressed="true"]').get_attribute("data-id") == ids[2]
    title = data.load("events").set_index("id").loc[ids[2], "title"]
    assert widget.locator(".details").get_by_role("heading").inner_text() == title
    chapter7.keyboard.press("ArrowLeft")
    chapter7.keyboard.press(" ")
    assert widget.locator('g.event[aria-pressed="true"]').get_attribute("data-id") == ids[1]
    # The filter checkboxes are keyboard-operable too.
    widget.locator("details.filters summary").focus()
    chapter7.keyboard.press("Enter")
    widget.get_by_role("checkbox", name="statement").focus()
    chapter7.keyboard.press(" ")
    assert all(label.endswith("(statement)") for label in _event_labels(widget))


def test_the_summit_tracker_steps_through_the_meetings(chapter7):
    meetings = data.load("meetings").sort_values("date").set_index("id")
    sources = data.load("sources").set_index("id")
    ids = list(meetings.index)
    widget = _widget(chapter7, ".kurils-summits")
    card = widget.locator(".card")
    start = ids.index("2014-02-08-sochi")
    assert meetings.loc[ids[start], "outcome"] in card.inner_text()
    assert widget.locator(".status").inner_text() == f"Meeting {start + 1} of {len(ids)} (2013–2018)"
    widget.get_by_role("button", name="Next").click()
    assert meetings.loc[ids[start + 1], "place"] in card.inner_text()
    widget.get_by_role("button", name="Previous").click()
    widget.get_by_role("button", name="Previous").click()
    assert meetings.loc[ids[start - 1], "outcome"] in card.inner_text()
    for source in meetings.loc[ids[start - 1], "sources"]:
        assert sources.loc[source, "title"] in card.inner_text()

    widget.locator("select.year").select_option("2016")
    of_2016 = [i for i in ids if i.startswith("2016")]
    assert widget.locator(".status").inner_text() == f"Meeting 1 of {len(of_2016)} (2016)"
    assert widget.get_by_role("button", name="Previous").is_disabled()
    assert widget.locator("ol.list button").count() == len(of_2016)
    widget.locator("ol.list button").last.click()
    assert meetings.loc[of_2016[-1], "outcome"] in card.inner_text()
    assert widget.get_by_role("button", name="Next").is_disabled()
    widget.screenshot(path=str(SCREENSHOTS / "summit-tracker-widget.png"))


def test_the_summit_tracker_works_from_the_keyboard(chapter7):
    ids = list(data.load("meetings").sort_values("date")["id"])
    widget = _widget(chapter7, ".kurils-summits")
    start = ids.index("2014-02-08-sochi")
    widget.get_by_role("button", name="Next").focus()
    chapter7.keyboard.press("Enter")
    chapter7.keyboard.press("ArrowRight")
    current = widget.locator('ol.list button[aria-current="true"]')
    assert current.get_attribute("data-id") == ids[start + 2]
    assert chapter7.evaluate("document.activeElement.dataset.id") == ids[start + 2]  # focus follows
    chapter7.keyboard.press("ArrowLeft")
    assert current.get_attribute("data-id") == ids[start + 1]
    chapter7.keyboard.press("Tab")
    chapter7.keyboard.press(" ")
    assert widget.locator('ol.list button[aria-current="true"]').get_attribute("data-id") == ids[start + 2]


def test_the_source_comparer_sets_two_documents_side_by_side(chapter7):
    excerpts = data.load("excerpts")
    titles = data.load("sources").set_index("id")["title"]
    widget = _widget(chapter7, ".kurils-compare")
    columns = widget.locator("section.column")
    assert columns.nth(0).get_by_role("heading").inner_text() == titles["valdai-2016"]
    assert columns.nth(1).get_by_role("heading").inner_text() == titles["jamestown-edm-2016"]
    row = excerpts[(excerpts["sources"].str[0] == "valdai-2016") & (excerpts["topic"] == "crimea")].iloc[0]
    marks = columns.nth(0).locator("mark")
    assert marks.count() == len(row["marked_words"].split(";"))
    assert all("perspective marker:" in marks.nth(i).inner_text() for i in range(marks.count()))
    assert row["note"] in columns.nth(0).inner_text()
    widget.screenshot(path=str(SCREENSHOTS / "source-comparer-widget.png"))

    topics = widget.locator("select.topic option").evaluate_all("(o) => o.map((x) => x.value)")
    jamestown = set(excerpts[excerpts["sources"].str[0] == "jamestown-edm-2016"]["topic"])
    empty = next(t for t in topics if t not in jamestown)  # a topic the document says nothing on, from the data
    widget.locator("select.topic").select_option(empty)
    assert f"No excerpt from {titles['jamestown-edm-2016']} on {display.value(empty)}." in columns.nth(1).inner_text()
    widget.locator("select.right").select_option("ru-journal-2018")
    widget.locator("select.topic").select_option("the-west")
    right = excerpts[(excerpts["sources"].str[0] == "ru-journal-2018") & (excerpts["topic"] == "the-west")]
    assert columns.nth(1).locator("blockquote").count() == len(right) > 0


def test_every_visible_control_is_reachable_by_tab_and_labelled(chapter7):
    probe = "(() => { const a = document.activeElement; if (!a.closest('.kurils-w')) return false;"
    probe += " a.dataset.reached = 'yes'; return true; })()"
    for css in (".kurils-timeline", ".kurils-summits", ".kurils-compare"):
        widget = _widget(chapter7, css)
        widget.locator("button, input, select, summary").first.focus()
        for _ in range(60):
            if not chapter7.evaluate(probe):
                break
            chapter7.keyboard.press("Tab")
        controls = widget.locator("button, input, select, summary, [tabindex='0']").all()
        missed = [c.evaluate("(e) => e.dataset.reached ? '' : e.outerHTML.slice(0, 80)") for c in controls]
        missed = [html for html, c in zip(missed, controls, strict=True) if html and c.is_visible()]
        assert missed == [], (css, missed)
    labels = chapter7.locator(".kurils-w g.event").evaluate_all("(n) => n.map((x) => x.getAttribute('aria-label'))")
    assert labels and all(labels)
    assert chapter7.locator(".kurils-timeline svg[role=group][aria-label]").count() == 1
    # comparer 3 selects, timeline 2 year fields, summit tracker 1, one checkbox per category and per actor
    events = data.load("events")
    categories = next(f for f in data.schema("events")["fields"] if f["name"] == "category")["enum"]
    actors = {actor.strip() for listed in events["actors"] for actor in listed.split(";") if actor.strip()}
    expected = 3 + 2 + 1 + len(categories) + len(actors)
    assert chapter7.locator(".kurils-w label select, .kurils-w label input").count() == expected


def test_the_widgets_are_readable_in_dark_mode(server, browser):
    page, outside, errors = open_page(browser, f"{server}/{CH07}")
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    for css, name in ((".kurils-timeline", "timeline"), (".kurils-summits", "summits"), (".kurils-compare", "compare")):
        widget = _widget(page, css)
        colours = widget.evaluate("(el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]")
        assert colours == ["rgb(30, 30, 30)", "rgb(232, 232, 232)"], (name, colours)
        widget.screenshot(path=str(SCREENSHOTS / f"{name}-widget-dark.png"))
    page.close()
    assert outside == [] and errors == []


@pytest.mark.parametrize(
    ("page_path", "selectors", "name"),
    [
        (CH07, [".kurils-timeline button.zoom-out", ".kurils-timeline button.zoom-in"], "TimelineExplorer zoom"),
        (CH07, [".kurils-timeline button.whole", ".kurils-timeline button.course"], "TimelineExplorer period"),
        ("chapters/09-2018-treaty-without-preconditions.html", [".kurils-timeline g.event"], "TimelineExplorer event"),
        (CH07, [".kurils-summits button.next"], "SummitTracker Next"),
    ],
)
def test_click_to_update_time_is_measured(server, browser, page_path, selectors, name):
    page, outside, errors = open_page(browser, f"{server}/{page_path}")
    page.locator(selectors[0]).first.wait_for(timeout=20000)
    timings = page.evaluate(MEASURE, [selectors, 10])
    _report(name, timings)
    page.close()
    assert outside == [] and errors == []
    assert statistics.median(timings["painted"]) < 1000


def test_every_chapter_with_a_new_widget_renders_it(server, browser):
    expected = {f"chapters/0{n}": [".kurils-timeline"] for n in range(2, 10)}
    for n in range(6, 10):
        expected[f"chapters/0{n}"].append(".kurils-summits")
    expected["chapters/07"].append(".kurils-compare")
    pages = {p.stem[:2]: p for p in (ROOT / "chapters").glob("0[2-9]-*.md")}
    for prefix, selectors in expected.items():
        path = f"chapters/{pages[prefix[-2:]].stem}.html"
        page, outside, errors = open_page(browser, f"{server}/{path}")
        for css in selectors:
            _widget(page, css)
        page.close()
        assert outside == [] and errors == [], path


def test_in_jupyterlab_clicks_are_readable_and_state_settable_from_python(browser, tmp_path):
    """A notebook in a real JupyterLab: click an event and Next, read both from Python, then set a period."""
    import nbformat

    cells = [
        "from kurils.widgets import SummitTracker, TimelineExplorer\nt = TimelineExplorer(start=2016, end=2016)\nt",
        "s = SummitTracker(year=2016)\ns",
        # Run All leaves nothing selected; re-run after the clicks, it prints them and sets a new period.
        "print('state', t.selected, s.selected)\nif t.selected:\n    t.period(2017, 2017)",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "widgets.ipynb")
    events = data.load("events")
    of_2016 = events[_years(events) == 2016].sort_values(["date", "id"])["id"].tolist()
    meetings = data.load("meetings").sort_values("date")
    meetings_2016 = meetings[_years(meetings) == 2016]["id"].tolist()
    with jupyter("lab", tmp_path) as base:
        page, outside = run_all_in_lab(browser, base, "widgets.ipynb")
        timeline = page.locator(".kurils-timeline").first
        timeline.wait_for(timeout=120_000)
        timeline.locator(f'g.event[data-id="{of_2016[1]}"]').click()
        page.locator(".kurils-summits button.next").first.click()
        page.wait_for_timeout(1000)  # let the clicks reach the kernel
        cell = page.locator(".jp-CodeCell", has=page.locator(".jp-InputArea", has_text="print('state'")).last
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        output = cell.locator(".jp-OutputArea-output")
        output.filter(has_text="state").first.wait_for(timeout=30_000)
        assert output.first.inner_text().strip() == f"state {of_2016[1]} {meetings_2016[1]}"
        # Python -> browser: the period set by the re-run cell shows in the widget.
        timeline.locator(".status").filter(has_text="2017.").wait_for(timeout=30_000)
        assert timeline.locator("input.start").input_value() == "2017"
        page.close()
    assert outside == [], f"JupyterLab fetched {outside}"
