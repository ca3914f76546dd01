"""The summit tracker: the Abe–Putin meetings of the ``meetings`` data set, one at a time, in order.

Previous/Next buttons, the arrow keys and a year filter step through the meetings;
each shows its date, place, occasion, what it produced (``outcome``) and its sources.
Phone calls are left out unless ``phone_calls=True`` (they are flagged by ``format``).
From Python, set or read ``year`` (None = all years) and ``selected`` (a meeting id).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import traitlets

from kurils import data, display
from kurils.widgets._common import DataWidget, cite, esm, known, records, source_titles, translations

COLUMNS = ["id", "date", "end_date", "place", "format", "occasion", "outcome", "sources", "note"]
FORMATS = {
    k: display.value(k) for k in ("official-visit", "working-visit", "visit", "sidelines", "informal", "phone-call")
}


def texts() -> list[str]:
    """The meetings' words a reader sees (the catalogue ``locales/LANG/kernel/widgets/summits``)."""
    meetings = records(data.load("meetings").sort_values("date"), COLUMNS)
    found = list(FORMATS.values())
    found += [row[key] for row in meetings for key in ("place", "occasion", "outcome", "note") if row[key]]
    return list(dict.fromkeys(found))


class SummitTracker(DataWidget):
    """Abe–Putin meetings; ``SummitTracker(year=2016)`` opens on that year's first meeting."""

    _esm = esm("summits.js")
    _css = Path(__file__).with_name("widgets.css")

    meetings = traitlets.List().tag(sync=True)
    sources = traitlets.Dict().tag(sync=True)
    formats = traitlets.Dict(FORMATS).tag(sync=True)

    year = traitlets.Int(None, allow_none=True).tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    #: The meetings' words and the widget's in the course's other languages; the page's language picks one.
    translations = traitlets.Dict().tag(sync=True)

    def __init__(self, year: int | None = None, selected: str = "", phone_calls: bool = False) -> None:
        frame = data.load("meetings").sort_values("date")
        if not phone_calls:
            frame = frame[frame["format"] != "phone-call"]
        meetings = records(frame, COLUMNS)
        super().__init__(
            meetings=meetings,
            sources=source_titles({s for m in meetings for s in m["sources"]}),
            translations=translations("widgets/summits"),
        )
        with self.hold_trait_notifications():
            self.year = year
            shown = self.shown()  # empty for a bad year, which the validator then reports
            self.selected = selected or (shown[0]["id"] if shown else "")

    def years(self) -> list[int]:
        """The years that have meetings."""
        return sorted({int(m["date"][:4]) for m in self.meetings})

    def shown(self) -> list[dict]:
        """The meetings of the chosen year (all if ``year`` is None), in date order."""
        return [m for m in self.meetings if self.year is None or int(m["date"][:4]) == self.year]

    @traitlets.validate("year")
    def _valid_year(self, proposal):
        year = proposal["value"]
        if year is not None and year not in self.years():
            raise traitlets.TraitError(known("year", year, self.years()) + " (or None for all years)")
        return year

    @traitlets.validate("selected")
    def _valid_selected(self, proposal):
        value = proposal["value"]
        ids = [m["id"] for m in self.meetings]
        if value not in ids:
            raise traitlets.TraitError(known("meeting", value, ids))
        if value not in [m["id"] for m in self.shown()]:
            raise traitlets.TraitError(f"meeting {value!r} is not in year {self.year}; set year=None first")
        return value

    @traitlets.observe("year")
    def _first_of_year(self, change) -> None:
        if self.selected not in [m["id"] for m in self.shown()]:
            self.selected = self.shown()[0]["id"]

    @property
    def index(self) -> int:
        """Position of the selected meeting among those shown (0 = first)."""
        return [m["id"] for m in self.shown()].index(self.selected)

    def step(self, by: int = 1) -> str:
        """Move ``by`` meetings forward (negative: back), stopping at the ends; return the new id."""
        shown = self.shown()
        self.selected = shown[max(0, min(len(shown) - 1, self.index + by))]["id"]
        return self.selected

    def static_html(self) -> str:
        """The meetings shown as an HTML table: date, place, occasion, outcome, sources."""
        rows = "".join(
            f"<tr><td>{escape(m['date'])}</td><td>{escape(m['place'])}</td><td>{escape(m['occasion'])}</td>"
            f"<td>{escape(m['outcome'])}</td><td>{cite(m['sources'], self.sources)}</td></tr>"
            for m in self.shown()
        )
        which = "all years" if self.year is None else str(self.year)
        return (
            f"<table><caption>Abe–Putin meetings, {which}</caption><thead><tr><th>Date</th><th>Place</th>"
            f"<th>Occasion</th><th>Outcome</th><th>Sources</th></tr></thead><tbody>{rows}</tbody></table>"
        )
