"""Checks on a chapter's text: anatomy, citations, and dates that must match the events data.

Used by the tests and by ``kurils check-chapter``, so an author can check a chapter
before building the book.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTER_DIR = ROOT / "chapters"
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
