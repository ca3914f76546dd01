"""The timeline explorer: every event of the ``events`` data set on a time axis.

Filter by period, category and actor, zoom down to one year, select an event to read
its summary and its sources. The filtering and drawing happen in ``timeline.js``, so
the explorer works on the static site with no kernel; from Python, set or read
``start``, ``end``, ``categories``, ``actors`` and ``selected`` (an event id).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import traitlets

from kurils import data
from kurils.widgets._common import DataWidget, cite, esm, known, records, source_titles, translations

COLUMNS = ["id", "date", "title", "category", "actors", "place", "summary", "sources", "note"]


def _events() -> list[dict]:
    rows = records(data.load("events").sort_values(["date", "id"]), COLUMNS)
    for row in rows:
        row["actors"] = [actor.strip() for actor in row["actors"].split(";") if actor.strip()]
    return rows


def texts() -> list[str]:
    """The events' words a reader sees (the catalogue ``locales/LANG/kernel/widgets/timeline``)."""
    events = _events()
    found = [category for category in _categories()] + [actor for event in events for actor in event["actors"]]
    found += [event[key] for event in events for key in ("title", "place", "summary", "note") if event[key]]
    return list(dict.fromkeys(found))


def _categories() -> list[str]:
    return next(f for f in data.schema("events")["fields"] if f["name"] == "category")["enum"]


class TimelineExplorer(DataWidget):
    """Events on a time axis; ``TimelineExplorer(start=2013, end=2013)`` opens on one year."""

    _esm = esm("timeline.js")
    _css = Path(__file__).with_name("widgets.css")

    events = traitlets.List().tag(sync=True)
    sources = traitlets.Dict().tag(sync=True)
    all_categories = traitlets.List().tag(sync=True)
    first_year = traitlets.Int().tag(sync=True)
    last_year = traitlets.Int().tag(sync=True)

    start = traitlets.Int().tag(sync=True)
    end = traitlets.Int().tag(sync=True)
    categories = traitlets.List(traitlets.Unicode()).tag(sync=True)
    actors = traitlets.List(traitlets.Unicode()).tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    #: The events' words and the widget's in the course's other languages; the page's language picks one.
    translations = traitlets.Dict().tag(sync=True)

    def __init__(self, start: int | None = None, end: int | None = None, **kwargs) -> None:
        events = _events()
        years = [int(event["date"][:4]) for event in events]
        first, last = min(years), max(years)
        # Fixed data first, so the validators of the filters can see it.
        super().__init__(
            events=events,
            sources=source_titles({s for event in events for s in event["sources"]}),
            all_categories=_categories(),
            translations=translations("widgets/timeline"),
            first_year=first,
            last_year=last,
            start=first,
            end=last,
        )
        with self.hold_trait_notifications():
            self.start = first if start is None else start
            self.end = last if end is None else end
            for key, value in kwargs.items():
                setattr(self, key, value)

    # --- validation -------------------------------------------------------------
    def _year(self, value: int, name: str) -> int:
        if not self.first_year <= value <= self.last_year:
            raise traitlets.TraitError(
                f"{name}={value} is outside the data: events run from {self.first_year} to {self.last_year}"
            )
        return value

    @traitlets.validate("start")
    def _valid_start(self, proposal):
        value = self._year(proposal["value"], "start")
        if value > self.end:
            raise traitlets.TraitError(f"start={value} is after end={self.end}")
        return value

    @traitlets.validate("end")
    def _valid_end(self, proposal):
        value = self._year(proposal["value"], "end")
        if value < self.start:
            raise traitlets.TraitError(f"end={value} is before start={self.start}")
        return value

    @traitlets.validate("categories")
    def _valid_categories(self, proposal):
        for category in proposal["value"]:
            if category not in self.all_categories:
                raise traitlets.TraitError(known("category", category, self.all_categories))
        return [c for c in self.all_categories if c in proposal["value"]]

    @traitlets.validate("actors")
    def _valid_actors(self, proposal):
        all_actors = self.known_actors()
        for actor in proposal["value"]:
            if actor not in all_actors:
                raise traitlets.TraitError(known("actor", actor, all_actors))
        return [a for a in all_actors if a in proposal["value"]]

    @traitlets.validate("selected")
    def _valid_selected(self, proposal):
        value = proposal["value"]
        if value and value not in {event["id"] for event in self.events}:
            raise traitlets.TraitError(f"unknown event id {value!r}; see TimelineExplorer().visible() for ids")
        return value

    # --- Python API ---------------------------------------------------------------
    def known_actors(self) -> list[str]:
        """Every actor named in the events, most frequent first."""
        counts: dict[str, int] = {}
        for event in self.events:
            for actor in event["actors"]:
                counts[actor] = counts.get(actor, 0) + 1
        return sorted(counts, key=lambda a: (-counts[a], a))

    def period(self, start: int, end: int) -> None:
        """Show the years ``start`` to ``end`` (inclusive); both are checked together."""
        with self.hold_trait_notifications():
            self.start, self.end = start, end

    def visible(self) -> list[dict]:
        """The events that pass the current filters, in date order."""
        return [
            event
            for event in self.events
            if self.start <= int(event["date"][:4]) <= self.end
            and (not self.categories or event["category"] in self.categories)
            and (not self.actors or set(event["actors"]) & set(self.actors))
        ]

    def describe(self) -> str:
        """The current filters in words, as the widget shows them."""
        years = str(self.start) if self.start == self.end else f"{self.start}–{self.end}"
        parts = [years]
        if self.categories:
            parts.append("category " + " or ".join(self.categories))
        if self.actors:
            parts.append("actor " + " or ".join(self.actors))
        return ", ".join(parts)

    def static_html(self) -> str:
        """The filtered events as an HTML table: date, title, sources."""
        shown = self.visible()
        if not shown:
            return f'<p class="kurils-empty">No events match these filters ({escape(self.describe())}).</p>'
        rows = "".join(
            f"<tr><td>{escape(e['date'])}</td><td>{escape(e['title'])}</td>"
            f"<td>{cite(e['sources'], self.sources)}</td></tr>"
            for e in shown
        )
        return (
            f"<table><caption>Events, {escape(self.describe())}</caption>"
            f"<thead><tr><th>Date</th><th>Event</th><th>Sources</th></tr></thead><tbody>{rows}</tbody></table>"
        )

    @traitlets.observe("start", "end", "categories", "actors")
    def _drop_hidden_selection(self, change) -> None:
        if self.selected and self.selected not in {event["id"] for event in self.visible()}:
            self.selected = ""
