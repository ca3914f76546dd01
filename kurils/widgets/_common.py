"""Helpers shared by the course's data widgets: lean records, source look-ups, static fallbacks."""

from __future__ import annotations

import math
from html import escape
from pathlib import Path

import anywidget
import pandas as pd

from kurils import data


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows of ``frame`` as dicts with only ``columns``; NaN becomes None, source lists stay lists."""

    def clean(value):
        if isinstance(value, float) and math.isnan(value):
            return None
        if hasattr(value, "tolist"):
            return value.tolist()
        return value

    return [{key: clean(row[key]) for key in columns} for row in frame[columns].to_dict("records")]


def source_titles(ids: set[str]) -> dict[str, dict]:
    """Title, outlet, date and address of each source in ``ids`` (only those, to keep the page small).

    An undated web page has no ``date`` and reads "n.d., accessed YEAR" in the page's language (words.js):
    the year it was read is never shown as the date of the work."""
    sources = data.load("sources")
    chosen = sources[sources["id"].isin(ids)]
    rows = records(chosen, ["id", "title", "outlet", "date", "accessed", "url"])
    return {
        row["id"]: {
            "title": row["title"],
            "outlet": row["outlet"],
            "date": row["date"],
            "accessed": row["accessed"],
            "url": row["url"],
        }
        for row in rows
    }


def citations(ids) -> dict[str, str]:
    """Each source id's short citation as linked HTML ("Brown (2018)"), for a widget to show instead of the id."""
    from kurils import display

    sources = data.load("sources").set_index("id")
    return {i: display.citation(i, sources) for i in sorted(set(ids))}


def cite(ids: list[str], sources: dict[str, dict]) -> str:
    """HTML list of sources as 'Title (Outlet, date)', the title linked to the work."""
    items = []
    for s in (sources[i] for i in ids):
        title = escape(s["title"])
        if s.get("url"):
            title = f'<a href="{escape(s["url"], quote=True)}">{title}</a>'
        items.append(f"<li>{title} ({escape(s['outlet'])}, {escape(s['date'])})</li>")
    return f"<ul>{''.join(items)}</ul>"


def known(kind: str, value: object, choices) -> str:
    """The message for a value that is not one of ``choices``."""
    return f"unknown {kind} {value!r}; known: {', '.join(str(c) for c in choices)}"


def esm(script: str) -> str:
    """A widget's front-end: ``words.js`` (the page's language, ``tr``), then the widget's own ``script``."""
    here = Path(__file__).parent
    return (here / "words.js").read_text(encoding="utf-8") + (here / script).read_text(encoding="utf-8")


def translations(*catalogues: str) -> dict[str, dict[str, str]]:
    """Language -> English -> translation, from kernel catalogues such as ``widgets/timeline`` (a widget's data)
    and ``widgets/words`` (the widgets' own words), for every output language but English: see words.js."""
    from kurils import i18n

    names = ("widgets/words", *catalogues)
    return {
        code: {english: text for name in names for english, text in i18n.kernel_translations(code, name).items()}
        for code in i18n.output_languages()
        if code != "en"
    }


class DataWidget(anywidget.AnyWidget):
    """An anywidget whose output bundle also carries a static HTML table (for print and non-widget viewers)."""

    def static_html(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["text/html"] = self.static_html()
        return bundle
