"""Checks on a chapter's text: anatomy, citations, and dates that must match the events data.

Used by the tests and by ``kurils check-chapter``, so an author can check a chapter
before building the book.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from kurils.course import CHAPTERS

CHAPTER_DIR = CHAPTERS
ALLOWLIST = CHAPTER_DIR / "dates-allowlist.yml"
REQUIRED_SECTIONS = [
    "Overview",
    "Check your understanding",
    "Graded exercises",
    "Summary",
    "Sources and further reading",
]
MONTHS = "January February March April May June July August September October November December".split()
_MONTH = "|".join(MONTHS)
#: "7 February 1855", "15–16 December 2016" (the last day counts) and "February 7, 1855".
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:[–-]\d{{1,2}})? ({_MONTH}),? (\d{{4}})\b")
_MONTH_FIRST = re.compile(rf"\b({_MONTH}) (\d{{1,2}}),? (\d{{4}})\b")


def prose(path: Path) -> str:
    """The chapter's text without its front matter and code cells."""
    text = Path(path).read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    return re.sub(r"```\{code-cell\}.*?```", "", text, flags=re.S)


def headings(path: Path) -> list[tuple[int, str]]:
    text = re.sub(r"```.*?```", "", prose(path), flags=re.S)
    return [(len(m.group(1)), m.group(2).strip()) for m in re.finditer(r"^(#{1,6}) (.+)$", text, flags=re.M)]


def structure_problems(path: Path) -> list[str]:
    """What the chapter lacks of the course's anatomy (see the design brief)."""
    problems = []
    found = headings(path)
    if [level for level, _ in found].count(1) != 1 or not found or found[0][0] != 1:
        problems.append("the chapter must have exactly one H1 title, first")
    for (before, _), (after, title) in zip(found, found[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading {title!r} skips a level")
    sections = [title for level, title in found if level == 2]
    missing = [name for name in REQUIRED_SECTIONS if name not in sections]
    if missing:
        problems.append(f"missing sections: {', '.join(missing)}")
    elif [sections.index(n) for n in REQUIRED_SECTIONS] != sorted(sections.index(n) for n in REQUIRED_SECTIONS):
        problems.append(f"sections out of order: {', '.join(REQUIRED_SECTIONS)}")
    text = prose(path)
    for needed, why in [
        ("Learning objectives", "learning objectives"),
        ("Time to complete", "time to complete"),
        ("{tab-item} Japan", "Japan's official position in a tab"),
        ("{tab-item} Russia", "Russia's official position in a tab"),
        ("cite:", "at least one citation"),
        ("{footbibliography}", "list of sources (footbibliography)"),
    ]:
        if needed not in text:
            problems.append(f"no {why}")
    return problems


def cited(path: Path) -> set[str]:
    """Every citation key used in the chapter."""
    groups = re.findall(r"\{(?:foot)?cite:[pt]\}`([^`]+)`", prose(path))
    return {key.strip() for group in groups for key in group.split(",")}


def prose_dates(path: Path) -> list[tuple[str, str]]:
    """Every full date (day, month, year) written in the prose, as (text, YYYY-MM-DD)."""
    text = prose(path)
    found = []
    for match in _DAY_FIRST.finditer(text):
        day, month, year = match.groups()
        found.append((match.group(0), f"{year}-{MONTHS.index(month) + 1:02d}-{int(day):02d}"))
    for match in _MONTH_FIRST.finditer(text):
        month, day, year = match.groups()
        found.append((match.group(0), f"{year}-{MONTHS.index(month) + 1:02d}-{int(day):02d}"))
    return found


def allowlist(path: Path = ALLOWLIST) -> dict[str, dict[str, str]]:
    """Per chapter, dates that may appear without an events row, each with its reason."""
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.exists() else {}


def date_problems(path: Path, events: pd.DataFrame, allowed: dict[str, dict[str, str]] | None = None) -> list[str]:
    """Dates in the prose that are neither an events row's date nor allowlisted with a reason."""
    allowed = (allowlist() if allowed is None else allowed).get(Path(path).stem, {})
    known = set(events["date"])
    problems = []
    for text, iso in prose_dates(path):
        if iso in known:
            continue
        reason = allowed.get(iso) or allowed.get(text)
        if not reason:
            problems.append(
                f"{text!r} ({iso}) is not the date of any row in events.csv: add the event, or list it "
                f"under {Path(path).stem} in {ALLOWLIST.name} with a reason"
            )
    return problems


# Glossary terms (glossary.md) and the words that mark a use of each in a chapter's prose. The first
# use in each chapter links to the glossary ({term}`words <Term>`); `check-chapter` reports any that
# does not, and `link_glossary` adds the links.
GLOSSARY = {
    "2+2 (foreign and defence ministers' consultations)": r"2\+2",
    "Ainu": r"Ainu",
    "Cape Nosappu": r"Cape Nosappu",
    "Catherine Strait (Kunashiri Strait)": r"Catherine Strait|Kunashiri Strait",
    "Eight-point cooperation plan (2016)": r"eight-point (?:cooperation |economic )?plan",
    "Etorofu/Iturup": r"Etorofu/Iturup",
    "Former residents": r"former (?:island )?residents",
    "Greater Kuril Chain": r"Greater Kuril Chain",
    "Habomai islets": r"Habomai islets",
    "Hikiwake (a draw)": r"hikiwake",
    "Hokkaido": r"Hokkaido",
    "Irkutsk Statement (2001)": r"Irkutsk Statement",
    "Joint economic activity": r"joint economic activit(?:y|ies)",
    "Karafuto/Sakhalin": r"Karafuto/Sakhalin",
    "Kunashiri/Kunashir": r"Kunashiri/Kunashir",
    "Kuril Islands (Chishima)": r"Kuril Islands",
    "Lesser Kuril Chain": r"Lesser Kuril Chain",
    "Nemuro": r"Nemuro(?![ -](?:Strait|Peninsula|Subprefect))",
    "Nemuro Strait": r"Nemuro Strait",
    "Northern Territories": r"Northern Territories",
    "Peace treaty": r"(?<!Francisco )peace treaty",
    "Portsmouth, Treaty of (1905)": r"Treaty of Portsmouth",
    "Saint Petersburg, Treaty of (1875)": r"Treaty of Saint Petersburg",
    "San Francisco Peace Treaty (1951)": r"San Francisco Peace Treaty|Treaty of San Francisco",
    "Shikotan": r"Shikotan",
    "Shimoda, Treaty of (1855)": r"Treaty of Shimoda",
    "Southern Kurils": r"Southern Kurils",
    "Soviet–Japanese Joint Declaration (1956)": r"(?:Soviet–Japanese )?Joint Declaration",
    "Tokyo Declaration (1993)": r"Tokyo Declaration",
    "Two plus alpha": r"two plus alpha",
    "Uruppu/Urup": r"Uruppu/Urup",
    "Visa-free exchanges": r"visa-free (?:exchanges?|visits?)",
    "Vries Strait": r"Vries Strait",
    "Yalta Agreement (1945)": r"Yalta Agreement",
}
# Spans where a link cannot go or would change a quotation: front matter, code cells, fences and
# directives' options (their content is prose), headings, roles and literals, Markdown links, and text
# in double quotes.
_NO_LINK = re.compile(
    r"\A---\n.*?\n---\n|```\{code-cell\}.*?```|^```[^\n]*$|^:{3,}[^\n]*$|^#[^\n]*$|^:[\w-]+:[^\n]*$"
    r"|\{[\w:-]+\}`[^`\n]*`|`[^`\n]*`|\[[^\]\n]*\]\([^)\n]*\)"
    r"|\"[^\"\n]*\"|“[^”\n]*”",
    flags=re.S | re.M,
)


def _first_uses(text: str) -> dict[str, re.Match]:
    """Each glossary term's first linkable use, unless a {term} link to it comes first.

    Longer terms are looked for first, and a use inside another term's use or link does not count
    ("peace treaty" inside "San Francisco Peace Treaty")."""
    blocked = [m.span() for m in _NO_LINK.finditer(text)]
    found = {}
    for term in sorted(GLOSSARY, key=lambda t: -len(GLOSSARY[t])):
        for match in re.finditer(rf"(?<![\w/-])(?:{GLOSSARY[term]})(?![\w/])", text, flags=re.I):
            inside = next((span for span in blocked if span[0] <= match.start() < span[1]), None)
            if inside is None:
                found[term] = match
                blocked.append(match.span())
                break
            if re.fullmatch(r"\{term\}`[^`]*<" + re.escape(term) + ">`", text[inside[0] : inside[1]]):
                break  # already linked at an earlier use
    return found


def unlinked_glossary(path: Path) -> list[str]:
    """Glossary terms used in the chapter whose first use is not a link to the glossary."""
    text = Path(path).read_text(encoding="utf-8")
    uses = _first_uses(text).items()
    return [f"{m.group(0)!r} (first use of the glossary term {t!r}) is not linked" for t, m in uses]


def link_glossary(path: Path) -> int:
    """Link the first use of each glossary term in the chapter; return how many links were added."""
    text = Path(path).read_text(encoding="utf-8")
    uses = sorted(_first_uses(text).items(), key=lambda item: item[1].start(), reverse=True)
    for term, match in uses:
        text = text[: match.start()] + f"{{term}}`{match.group(0)} <{term}>`" + text[match.end() :]
    Path(path).write_text(text, encoding="utf-8")
    return len(uses)
