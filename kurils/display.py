"""What a reader sees of the data: column labels in words, sources as short linked citations, tables in full.

One label map (``LABELS``) serves every page and widget, so a column is called the same thing
everywhere; ``citation`` turns a source id into "Author (year)" linked to the work, so no page shows
a bare id.
"""

from __future__ import annotations

import re
from html import escape

import pandas as pd

from kurils import data

LABELS = {
    "id": "Id",
    "name": "Name",
    "name_ja_en": "Japanese name",
    "name_ru_en": "Russian name",
    "name_ja": "Japanese name (Japanese script)",
    "name_ru": "Russian name (Cyrillic)",
    "area_km2": "Area (km²)",
    "pop_1945": "Japanese residents, 1945",
    "pop_now": "Residents today",
    "pop_now_year": "Year of the count",
    "distance_km": "Distance (km)",
    "date": "Date",
    "side": "Side",
    "stated_by": "Stated by",
    "statement": "Statement",
    "condition": "Condition",
    "floated_by": "Floated by",
    "summary": "Summary",
    "title": "Title",
    "category": "Category",
    "actors": "Actors",
    "place": "Place",
    "kind": "Kind",
    "what": "What",
    "who": "Who",
    "outlet": "Outlet",
    "perspective": "Perspective",
    "author": "Author",
    "sources": "Sources",
    "note": "Note",
    "document": "Document",
    "topic": "Topic",
    "excerpts": "Excerpts",
    "topics": "Topics",
    "errors": "Errors",
}

# Values a reader sees in menus and tables (data sets store short ids).
VALUES = {
    "japan": "Japan",
    "russia": "Russia",
    "islands-status": "the status of the islands",
    "peace-treaty": "the peace treaty",
    "history": "history",
    "crimea": "Crimea, 2014",
    "the-west": "the West",
    "economic-plan": "the eight-point economic plan",
    "joint-economic-activity": "joint economic activity",
    "security": "security",
    "other": "other matters",
    "official-visit": "official visit",
    "working-visit": "working visit",
    "visit": "visit (official or working not stated)",
    "sidelines": "on the sidelines of a multilateral meeting",
    "informal": "informal meeting",
    "phone-call": "phone call",
}


def value(text: str) -> str:
    """The words a reader sees for a stored value such as a topic id: from ``VALUES``, else hyphens as spaces."""
    return VALUES.get(text, str(text).replace("-", " "))


def label(column: str) -> str:
    """The words a reader sees for ``column``: from ``LABELS``, else the name with spaces, capitalised."""
    if column in LABELS:
        return LABELS[column]
    text = str(column).replace("_", " ")
    return text[:1].upper() + text[1:]


def _sources() -> pd.DataFrame:
    return data.load("sources").set_index("id")


# A person is written "Family, Given": a one-word family name and up to three given names or initials.
# Anything else ("Cabinet Office of Japan, Headquarters for ...", "Horiuchi, Junko (Kyodo)") is an
# organisation or a qualified name, kept whole as written.
PERSON = re.compile(r"[^\W\d_][\w'’-]*, [^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){0,2}")


def people(author: str) -> list[str]:
    """The people in an author field ('Family, Given; Family, Given'), or [] for an organisation."""
    names = [name.strip() for name in author.split(";")]
    return names if all(PERSON.fullmatch(name) for name in names) else []


def _year(row) -> str:
    """The year of a work, or "n.d." for an undated one (the year it was read is not its date)."""
    return row["date"][:4] if row["date"] else "n.d."


def short_citation(row) -> str:
    """'Author (year)' in a few words: a family name, an organisation, or the outlet of an unsigned work."""

    def english(text: str) -> str:
        # "外務省 (Ministry of Foreign Affairs of Japan)" -> the English in brackets
        match = re.fullmatch(r"[^\x00-\x7f].*?\((.+)\)", text.strip())
        return match.group(1) if match else text.strip()

    author = row["author"].strip()
    named = re.fullmatch(r"not named \((.+)\)", author)
    if "Wikipedia" in author or "contributors" in author:  # a reference article: name it
        outlet = english(row["outlet"]).split(", ")[0].replace(" (English)", "")
        return f"{outlet}, “{english(row['title'])}” ({_year(row)})"
    if named:
        who = named.group(1)
    elif author == "not named":
        who = english(row["outlet"]).split(" (")[0].split(", ")[0]
    else:
        people = [english(part) for part in author.split(";")]
        names = []
        for person in people:
            head = person.split(",")[0].strip()
            names.append(head)  # a family name, or an organisation up to its first comma
        who = names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al."
    return f"{who} ({_year(row)})"


def citation(source_id: str, sources: pd.DataFrame | None = None) -> str:
    """A short citation, "Author (year)", as HTML linked to the work when it has an address."""
    sources = _sources() if sources is None else sources
    if source_id not in sources.index:
        raise KeyError(f"{source_id!r} is not an id in sources.csv")
    row = sources.loc[source_id]
    text = short_citation(row)
    title = escape(row["title"], quote=True)
    if row["url"]:
        return f'<a class="kurils-cite" href="{escape(row["url"], quote=True)}" title="{title}">{escape(text)}</a>'
    return f'<span class="kurils-cite" title="{title}">{escape(text)}</span>'


def citations(ids, sources: pd.DataFrame | None = None) -> str:
    """Several short citations separated by semicolons; ``ids`` is a list or a string of ids separated by
    ';' or ','."""
    sources = _sources() if sources is None else sources
    if isinstance(ids, str):
        ids = [i for i in re.split(r"[;,]\s*", ids) if i]
    return "; ".join(citation(i, sources) for i in ids)


def table(frame: pd.DataFrame):
    """Show ``frame`` in full on a page, headers in words and sources as linked citations.

    The data itself is unchanged (``.data`` gives it back with its own column names)."""
    sources = _sources()
    styler = frame.style.relabel_index([label(c) for c in frame.columns], axis=1)
    cited = [c for c in ("sources", "document") if c in frame.columns]
    if cited:
        styler = styler.format(lambda ids: citations(ids, sources), subset=cited)
    if "sources" in frame.columns:
        styler = styler.set_properties(subset=["sources"], **{"font-size": "0.8em"})
    return styler.set_properties(**{"text-align": "left", "vertical-align": "top"}).hide(axis="index")
