"""Generate references.bib (used by sphinxcontrib-bibtex) from data/sources.csv, the master.

``tests/test_data.py`` checks that the committed references.bib is what this
module generates, so the two never drift apart.
"""

from __future__ import annotations

from pathlib import Path

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer

from kurils import data, display
from kurils.course import ROOT

BIBFILE = ROOT / "references.bib"
ENTRY_TYPE = {"scholarly": "article", "press": "article"}
KIND_LABEL = {
    "treaty": "Treaty or agreement",
    "official": "Official government source",
    "scholarly": "Scholarly work",
    "press": "Press",
    "think-tank": "Think-tank publication",
    "reference": "Reference work",
}
MONTHS = "January February March April May June July August September October November December".split()


def _people(author: str) -> list[Person]:
    """'Family, Given; Family, Given' become people; an organisation or anything else is kept whole."""
    if author == "not named":
        return []
    return [Person(name) for name in display.people(author)] or [Person("{" + author + "}")]


class _Writer(Writer):
    """pybtex's BibTeX writer, except that URLs are written as they are: LaTeX escapes (``\\_``, ``\\%``)
    in a url field reach the page's links unchanged and break them."""

    def _write_field(self, stream, type, value):
        if type == "url":
            stream.write(f",\n    {type} = {{{value}}}")
        else:
            super()._write_field(stream, type, value)


def bibliography(data_dir: Path = data.DATA_DIR) -> BibliographyData:
    """The sources data set as BibTeX entries, each noting its kind and perspective."""
    entries = {}
    for row in data.load("sources", data_dir).itertuples():
        year, *rest = row.date.split("-") if row.date else ["n.d."]
        people = _people(row.author)
        # BibTeX styles require an article's author; unsigned pieces are entered as misc.
        entry_type = ENTRY_TYPE.get(row.kind, "misc") if people else "misc"
        fields = {"title": "{" + row.title + "}", "year": year}
        fields["journal" if entry_type == "article" else "howpublished"] = row.outlet
        if rest:
            fields["month"] = MONTHS[int(rest[0]) - 1]
        if row.url:
            fields["url"] = row.url
        note = f"{KIND_LABEL[row.kind]}; perspective: {row.perspective}."
        if row.author == "not named":
            note = "Author not named. " + note
        if row.accessed:
            note += f" Accessed {row.accessed}."
        fields["note"] = note
        entries[row.id] = Entry(entry_type, fields=fields, persons={"author": people} if people else {})
    return BibliographyData(entries=entries)


def render(data_dir: Path = data.DATA_DIR) -> str:
    header = "% Generated from data/sources.csv by `kurils bib`; edit the CSV, not this file.\n\n"
    return header + _Writer().to_string(bibliography(data_dir))


def write(path: Path = BIBFILE, data_dir: Path = data.DATA_DIR) -> Path:
    path.write_text(render(data_dir), encoding="utf-8")
    return path


def table(kind: str | None = None, data_dir: Path = data.DATA_DIR):
    """The bibliography as an HTML table (author, title linked to the work, outlet, date, perspective)."""
    from html import escape

    from IPython.display import HTML

    sources = data.load("sources", data_dir)
    if kind is not None:
        if kind not in KIND_LABEL:
            raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KIND_LABEL)}")
        sources = sources[sources["kind"] == kind]
    rows = []
    # Undated works (web pages, shown with the date they were read) come after the dated ones.
    for row in sources.assign(order=sources["date"].replace("", "9999")).sort_values(["order", "id"]).itertuples():
        title = escape(row.title)
        if row.url:
            title = f'<a href="{escape(row.url, quote=True)}">{title}</a>'
        date = row.date or f"n.d. (accessed {row.accessed})"
        cells = [escape(row.author), title, escape(row.outlet), escape(date), escape(row.perspective)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ["Author", "Title", "Outlet", "Date", "Perspective"])
    body = "".join(rows)
    return HTML(f'<table class="kurils-bibliography"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
