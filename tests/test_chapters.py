"""Every chapter follows the course's anatomy, cites only known sources, and has working self-checks."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from kurils import chapters, data, selfcheck

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.md"))
REQUIRED = ["Overview", "Check your understanding", "Graded exercises", "Summary", "Sources and further reading"]


def _headings(path: Path) -> list[tuple[int, str]]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return [(len(m.group(1)), m.group(2).strip()) for m in re.finditer(r"^(#{1,6}) (.+)$", text, flags=re.M)]


def test_there_are_chapters():
    assert CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_one_title_and_no_skipped_heading_levels(chapter):
    headings = _headings(chapter)
    assert [level for level, _ in headings].count(1) == 1 and headings[0][0] == 1
    for (before, _), (after, title) in zip(headings, headings[1:], strict=False):
        assert after <= before + 1, f"{chapter.name}: heading {title!r} skips a level"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_the_required_sections_in_order(chapter):
    titles = [title for level, title in _headings(chapter) if level == 2]
    positions = [titles.index(name) for name in REQUIRED if name in titles]
    assert [name for name in REQUIRED if name not in titles] == []
    assert positions == sorted(positions)
    text = chapter.read_text(encoding="utf-8")
    assert "Learning objectives" in text and "Time to complete" in text
    assert "{tab-item} Japan" in text and "{tab-item} Russia" in text, "both official positions, side by side"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_opens_as_a_python_notebook(chapter):
    notebook = jupytext.read(chapter)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert any(cell.cell_type == "code" for cell in notebook.cells)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_cites_only_sources_in_the_bibliography(chapter):
    text = chapter.read_text(encoding="utf-8")
    cited = {key.strip() for group in re.findall(r"\{cite:[pt]\}`([^`]+)`", text) for key in group.split(",")}
    assert cited, f"{chapter.name} cites nothing"
    assert cited <= set(data.load("sources")["id"])


def test_every_self_check_has_a_correct_answer_and_feedback():
    for path in sorted(selfcheck.QUIZ_DIR.glob("*.json")):
        questions = selfcheck.questions(path.stem)
        assert len(questions) >= 3


def test_a_broken_self_check_is_rejected(tmp_path):
    (tmp_path / "bad.json").write_text('[{"question": "Q?", "type": "multiple_choice", "answers": [{"answer": "A"}]}]')
    with pytest.raises(ValueError, match="no correct answer"):
        selfcheck.questions("bad", tmp_path)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_full_date_in_the_prose_is_an_event_or_allowlisted(chapter):
    assert chapters.date_problems(chapter, data.load("events")) == []


def test_the_date_check_finds_a_date_that_drifted_from_the_data(tmp_path):
    chapter = tmp_path / "99-test.md"
    chapter.write_text("# T\n\nThe treaty was signed on 8 February 1855 (really 7 February 1855).\n")
    problems = chapters.date_problems(chapter, data.load("events"), allowed={})
    assert len(problems) == 1 and "'8 February 1855' (1855-02-08)" in problems[0]


def test_every_allowlisted_date_has_a_reason_and_a_chapter():
    for chapter, dates in chapters.allowlist().items():
        assert (chapters.CHAPTER_DIR / f"{chapter}.md").exists(), chapter
        assert all(isinstance(reason, str) and len(reason) > 20 for reason in dates.values())
