"""Every chapter follows the course's anatomy, cites only known sources, and has working self-checks."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

from kurils import data, selfcheck
from kurils.build import chapters

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.md"))


def test_there_are_chapters():
    assert CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_follows_the_course_anatomy(chapter):
    """One H1, no skipped levels, the required sections in order, objectives, both positions, citations."""
    assert chapters.structure_problems(chapter) == []


def test_the_anatomy_check_notices_a_missing_section_and_position(tmp_path):
    chapter = tmp_path / "99-test.md"
    chapter.write_text("# 9. Test\n\n## Overview\n\nLearning objectives. Time to complete.\n\n### Deep\n\n## Summary\n")
    problems = chapters.structure_problems(chapter)
    assert any("missing sections" in p for p in problems)
    assert "no Russia's official position in a tab" in problems
    assert "no at least one citation" in problems


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_opens_as_a_python_notebook(chapter):
    notebook = jupytext.read(chapter)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert any(cell.cell_type == "code" for cell in notebook.cells)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_cites_only_sources_in_the_bibliography(chapter):
    cited = chapters.cited(chapter)
    assert cited, f"{chapter.name} cites nothing"
    assert cited - set(data.load("sources")["id"]) == set()


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


PAGES = sorted((ROOT).glob("*.md"))


@pytest.mark.parametrize(
    "page",
    [p for p in PAGES if p.name not in {"README.md", "DECISIONS.md", "LICENSE-CONTENT.md"}],
    ids=lambda p: p.stem,
)
def test_every_page_has_exactly_one_title(page):
    levels = [level for level, _ in chapters.headings(page)]
    assert levels.count(1) == 1 and levels[0] == 1
