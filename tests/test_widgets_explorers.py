"""TimelineExplorer, SummitTracker, SourceComparer in Python: state, errors, static fallbacks, a real kernel."""

from __future__ import annotations

import html
import json
import re

import nbformat
import pytest
import traitlets
from nbclient import NotebookClient

from kurils import data, display
from kurils.widgets import SourceComparer, SummitTracker, TimelineExplorer
from kurils.widgets.comparer import DOCUMENTS, highlight

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _years(frame):
    return frame["date"].str.slice(0, 4).astype(int)


# --- TimelineExplorer --------------------------------------------------------------------


def test_the_explorer_carries_every_event_and_the_titles_of_their_sources():
    events = data.load("events")
    explorer = TimelineExplorer()
    assert sorted(e["id"] for e in explorer.events) == sorted(events["id"])
    assert (explorer.start, explorer.end) == (_years(events).min(), _years(events).max())
    sources = data.load("sources").set_index("id")
    cited = {s for ids in events["sources"] for s in ids}
    assert set(explorer.sources) == cited
    some = next(iter(cited))
    assert explorer.sources[some]["title"] == sources.loc[some, "title"]
    assert explorer.sources[some]["outlet"] == sources.loc[some, "outlet"]


def test_the_period_filter_keeps_exactly_the_events_of_those_years():
    events = data.load("events")
    explorer = TimelineExplorer(start=2013, end=2013)
    expected = set(events[_years(events) == 2013]["id"])
    assert expected and {e["id"] for e in explorer.visible()} == expected
    explorer.period(2014, 2016)
    assert (explorer.start, explorer.end) == (2014, 2016)
    assert {e["id"] for e in explorer.visible()} == set(events[_years(events).between(2014, 2016)]["id"])


def test_category_and_actor_filters_combine_with_the_period():
    events = data.load("events")
    explorer = TimelineExplorer(start=1855, end=2018, categories=["treaty"], actors=["USSR"])
    assert explorer.categories == ["treaty"] and explorer.actors == ["USSR"]
    mask = _years(events).between(1855, 2018) & (events["category"] == "treaty") & events["actors"].str.contains("USSR")
    assert {e["id"] for e in explorer.visible()} == set(events[mask]["id"])
    assert explorer.visible()


def test_an_empty_filter_says_so_in_the_static_table():
    explorer = TimelineExplorer(start=2013, end=2013, categories=["war"])
    assert explorer.visible() == []
    assert "No events match these filters (2013, category war)" in explorer.static_html()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": 2014, "end": 2013}, "start=2014 is after end=2013"),
        ({"start": 1700}, "start=1700 is outside the data: events run from 1711 to 2018"),
        ({"end": 2019}, "end=2019 is outside the data"),
        ({"categories": ["battle"]}, "unknown category 'battle'; known: treaty"),
        ({"actors": ["Mars"]}, "unknown actor 'Mars'; known: Japan"),
        ({"selected": "2099-nothing"}, "unknown event id '2099-nothing'"),
    ],
)
def test_bad_explorer_input_is_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(traitlets.TraitError, match=re.escape(message)):
        TimelineExplorer(**kwargs)


def test_a_refused_period_leaves_the_explorer_as_it_was():
    explorer = TimelineExplorer(start=2016, end=2017)
    with pytest.raises(traitlets.TraitError, match="is after"):
        explorer.period(2018, 2017)
    assert (explorer.start, explorer.end) == (2016, 2017)


def test_selecting_an_event_then_filtering_it_out_clears_the_selection():
    events = data.load("events")
    chosen = events[_years(events) == 2016]["id"].iloc[-1]
    explorer = TimelineExplorer(start=2016, end=2016, selected=chosen)
    assert explorer.selected == chosen
    explorer.period(2017, 2017)
    assert explorer.selected == ""


def test_the_explorer_bundle_has_a_static_table_of_the_filtered_events():
    bundle = TimelineExplorer(start=2018, end=2018)._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    html = bundle["text/html"]
    events = data.load("events")
    for row in events[_years(events) == 2018].itertuples():
        assert f"<td>{row.date}</td>" in html
    assert "<td>2017-" not in html
    assert html.count("<tr>") == (_years(events) == 2018).sum() + 1  # + header row


# --- SummitTracker --------------------------------------------------------------------------


def test_the_tracker_opens_on_the_first_meeting_of_the_year_and_steps_in_order():
    meetings = data.load("meetings").sort_values("date")
    of_2016 = list(meetings[_years(meetings) == 2016]["id"])
    tracker = SummitTracker(year=2016)
    assert tracker.selected == of_2016[0] and tracker.index == 0
    assert [m["id"] for m in tracker.shown()] == of_2016
    assert tracker.step() == of_2016[1]
    assert tracker.step(100) == of_2016[-1]  # stops at the end
    assert tracker.step(-100) == of_2016[0]


def test_all_years_and_no_phone_calls_by_default():
    meetings = data.load("meetings")
    tracker = SummitTracker()
    assert tracker.year is None
    assert [m["id"] for m in tracker.shown()] == sorted(meetings[meetings["format"] != "phone-call"]["id"])
    tracker.year = 2018
    assert tracker.selected.startswith("2018-")


def test_bad_tracker_input_is_refused_with_the_known_values():
    with pytest.raises(traitlets.TraitError, match=r"unknown year 2012; known: 2013, 2014"):
        SummitTracker(year=2012)
    tracker = SummitTracker(year=2013)
    with pytest.raises(traitlets.TraitError, match="unknown meeting 'nowhere'"):
        tracker.selected = "nowhere"
    with pytest.raises(traitlets.TraitError, match="is not in year 2013"):
        tracker.selected = "2016-12-15-nagato"
    assert tracker.selected.startswith("2013-")


def test_the_tracker_bundle_has_a_static_table_with_outcomes_and_source_titles():
    meetings = data.load("meetings")
    html = SummitTracker(year=2017)._repr_mimebundle_()["text/html"]
    sources = data.load("sources").set_index("id")
    for row in meetings[_years(meetings) == 2017].itertuples():
        assert f"<td>{row.date}</td>" in html
        assert sources.loc[row.sources[0], "title"].replace("'", "&#x27;").replace("&", "&amp;")[:30] in html
    assert "2016-12-15" not in html


# --- SourceComparer ------------------------------------------------------------------------


def test_the_comparer_offers_the_five_documents_and_every_topic_of_the_schema():
    comparer = SourceComparer()
    assert [d["id"] for d in comparer.documents] == DOCUMENTS
    titles = data.load("sources").set_index("id")["title"]
    assert all(d["title"] == titles[d["id"]] for d in comparer.documents)
    topic_field = next(f for f in data.schema("excerpts")["fields"] if f["name"] == "topic")
    assert comparer.topics == topic_field["enum"]
    assert {e["document"] for e in comparer.excerpts} <= set(DOCUMENTS)


def test_the_comparer_shows_each_documents_excerpts_on_the_topic_with_marked_words():
    comparer = SourceComparer(left="valdai-2016", right="jamestown-edm-2016", topic="crimea")
    excerpts = data.load("excerpts")
    left = comparer.side("valdai-2016")
    expected = excerpts[(excerpts["sources"].str[0] == "valdai-2016") & (excerpts["topic"] == "crimea")]
    assert [e["id"] for e in left] == list(expected["id"])
    html = comparer.static_html()
    for word in left[0]["marked_words"]:
        assert f'<span class="vh">perspective marker: </span>{word}</mark>' in html


def test_a_document_with_nothing_on_the_topic_says_so():
    excerpts = data.load("excerpts").explode("sources")
    comparer = SourceComparer()
    # a (document, topic) pair with no excerpt, found in the data rather than assumed
    document, topic = next(
        (d, t)
        for t in comparer.topics
        for d in DOCUMENTS
        if excerpts[(excerpts.sources == d) & (excerpts.topic == t)].empty
    )
    comparer.left, comparer.topic = document, topic
    assert comparer.side(document) == []
    shown = f"No excerpt from {html.escape(comparer.title(document))} on {html.escape(display.value(topic))}."
    assert shown in comparer.static_html()


def test_bad_comparer_input_lists_the_known_choices():
    with pytest.raises(traitlets.TraitError, match="unknown document 'pravda-1956'; known: asan-forum-2013"):
        SourceComparer(left="pravda-1956")
    comparer = SourceComparer()
    with pytest.raises(traitlets.TraitError, match="unknown topic 'weather'; known: islands-status"):
        comparer.topic = "weather"


def test_highlight_marks_literal_phrases_and_escapes_the_rest():
    html = highlight("a <b> and c", ["<b>", "c", "zzz"])
    assert html == (
        'a <mark><span class="vh">perspective marker: </span>&lt;b&gt;</mark> and '
        '<mark><span class="vh">perspective marker: </span>c</mark>'
    )


# --- A real kernel -----------------------------------------------------------------------------


def test_the_widgets_run_and_keep_their_state_in_a_real_kernel():
    cells = [
        "from kurils.widgets import TimelineExplorer, SummitTracker, SourceComparer\n"
        "t = TimelineExplorer(start=2013, end=2013)\nt",
        "t.period(2016, 2016); t.categories = ['summit']; t.selected = t.visible()[0]['id']\n"
        "s = SummitTracker(year=2016); s.step()\n"
        "c = SourceComparer(left='valdai-2016', right='ru-journal-2018', topic='the-west')\n"
        "import json; print(json.dumps({'start': t.start, 'end': t.end, 'n': len(t.visible()), 'sel': t.selected,"
        " 'meeting': s.selected, 'topic': c.topic}))",
        "try:\n    t.start = 1500\nexcept Exception as e:\n    print(type(e).__name__, e)",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    first, second, third = (cell["outputs"] for cell in notebook.cells)
    assert WIDGET_VIEW in first[0]["data"] and "<table>" in first[0]["data"]["text/html"]
    state = json.loads(second[0]["text"])
    events = data.load("events")
    summits_2016 = events[(_years(events) == 2016) & (events["category"] == "summit")].sort_values(["date", "id"])
    meetings = data.load("meetings").sort_values("date")
    assert state == {
        "start": 2016,
        "end": 2016,
        "n": len(summits_2016),
        "sel": summits_2016["id"].iloc[0],
        "meeting": meetings[_years(meetings) == 2016]["id"].iloc[1],
        "topic": "the-west",
    }
    assert third[0]["text"].startswith("TraitError start=1500 is outside the data")
