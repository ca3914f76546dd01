"""The documents reader: documents.md, generated from ``data/documents.csv`` (``kurils documents``).

Each document gets an anchor ``doc-ID`` that chapters link with ``{ref}`text <doc-ID>```.
``tests/test_documents.py`` checks that the committed page is what :func:`render` writes, and that
every chapter link points at an entry and every chapter a row names links it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from kurils import data
from kurils.course import CHAPTERS, ROOT

PAGE = ROOT / "documents.md"
LANGUAGES = {"ja": "Japanese", "ru": "Russian", "fr": "French", "en": "English"}
ORIGIN = {
    "authentic": "The English text is itself an authentic text of the document.",
    "official": "English translation published by a government.",
    "published": "English translation published by others.",
    "course": "English translation: this course's own, made from the original above.",
}
MONTHS = "January February March April May June July August September October November December".split()
#: A chapter's link to an entry of the reader: {ref}`any text <doc-ID>`.
LINK = re.compile(r"\{ref\}`[^`<]*<doc-([a-z0-9-]+)>`")

INTRO = """\
# Documents reader

This page collects the key passages of the texts the course keeps coming back to, from the
first Russia–Japan treaty of 1855 to the statements of 2018. Each entry gives the passage in
the language of its original (for a text equally authentic in Japanese and Russian, in both),
an English translation and where that translation comes from, and the document's provenance:
who wrote or signed it, when, and for whom. Passages are short on purpose: an article, not a
whole treaty. Read the original beside the translation: several of the disputes in this course
turn on a single word, such as "hand over" against "return", or on what a list of islands
leaves out.

The reading notes say how each government reads a passage; they are not the course's verdict.
Translations marked as the course's own were made for this page; where a published English
version exists, the entry's sources include it, so that you can compare the two. The chapters
link here wherever they discuss a document, and each chapter's graded exercise asks you to
check a claim against one of these texts. The same texts are a data set, `documents`, which you can load with
`kurils.data.load("documents")`.
"""


def _date(value: str) -> str:
    parts = value.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def _quote(text: str, language: str) -> str:
    """A block quotation marked with its language, so that screen readers and fonts get it right."""
    return f'<blockquote lang="{language}"><p>{html.escape(text, quote=False)}</p></blockquote>'


def _chapter_links(numbers: str, titles: dict[str, str]) -> str:
    links = []
    for number in numbers.split(";"):
        stem = titles.get(number)
        if stem is None:
            raise data.DataError(f"documents.csv: chapters: there is no chapter {number} in {CHAPTERS}")
        links.append(f"{{doc}}`Chapter {int(number)} <chapters/{stem}>`")
    return ", ".join(links)


def entry(row, titles: dict[str, str]) -> str:
    """The Markdown of one document's entry."""
    lines = [
        f"(doc-{row.id})=",
        f"## {row.date[:4]}: {row.title}",
        "",
        f"**Date:** {_date(row.date)} · **Parties:** {row.parties} · **Passage:** {row.passage}",
        "",
    ]
    if row.language == "en":
        lines += ["**Text (English original)**", "", _quote(row.original, "en"), "", ORIGIN["authentic"], ""]
    else:
        lines += [f"**Original ({LANGUAGES[row.language]})**", "", _quote(row.original, row.language), ""]
        if row.language_2:
            lines += [f"**Original ({LANGUAGES[row.language_2]})**", "", _quote(row.original_2, row.language_2), ""]
        lines += ["**English translation**", "", _quote(row.translation, "en"), "", ORIGIN[row.translation_origin], ""]
    lines += [f"**Provenance.** {row.provenance}", ""]
    if row.note:
        lines += [f"**Reading note.** {row.note}", ""]
    lines += [
        f"**Read in:** {{footcite:p}}`{','.join(row.sources)}`",
        "",
        f"**Discussed in:** {_chapter_links(row.chapters, titles)}",
        "",
    ]
    return "\n".join(lines)


def chapter_stems() -> dict[str, str]:
    """Two-digit chapter number -> file stem, e.g. '02' -> '02-before-1905'."""
    return {p.stem[:2]: p.stem for p in sorted(CHAPTERS.glob("[0-9][0-9]-*.md"))}


def render(frame: pd.DataFrame | None = None) -> str:
    """The whole documents page, in date order."""
    frame = data.load("documents") if frame is None else frame
    titles = chapter_stems()
    ordered = frame.sort_values(["date", "id"], kind="stable")
    body = "\n".join(entry(row, titles) for row in ordered.itertuples())
    return f"{INTRO}\n{body}\n## Sources\n\n```{{footbibliography}}\n```\n"


def write(path: Path = PAGE) -> Path:
    path.write_text(render(), encoding="utf-8")
    return path


def links(path: Path) -> list[str]:
    """The document ids a chapter links to, in order."""
    return LINK.findall(path.read_text(encoding="utf-8"))
