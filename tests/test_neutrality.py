"""The course's own voice uses none of the words it teaches students to question.

The words are chapter 3's list, kept as data in data/loaded_terms.csv.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kurils import data
from kurils.build import neutrality

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.md"))
#: The other pages written in the course's voice.
PAGES = [
    ROOT / name for name in ("intro.md", "names.md", "documents.md", "glossary.md", "how-to-use.md", "teachers.md")
]
QUIZZES = sorted((ROOT / "chapters" / "quizzes").glob("*.json"))


@pytest.fixture(scope="module")
def terms():
    return neutrality.loaded_terms()


def _report(findings) -> str:
    return "loaded words in the course's own voice (quote and attribute them, or reword):\n  " + "\n  ".join(
        str(f) for f in findings
    )


def test_the_data_sets_free_text_uses_no_loaded_word(terms):
    findings = neutrality.data_findings(terms=terms)
    assert not findings, _report(findings)


@pytest.mark.parametrize("chapter", CHAPTERS + PAGES, ids=lambda p: p.stem)
def test_the_narration_of_each_chapter_uses_no_loaded_word(chapter, terms):
    findings = neutrality.chapter_findings(chapter, terms)
    assert not findings, _report(findings)


@pytest.mark.parametrize("quiz", QUIZZES, ids=lambda p: p.stem)
def test_the_self_check_quizzes_use_no_loaded_word(quiz, terms):
    findings = neutrality.quiz_findings(quiz, terms)
    assert not findings, _report(findings)


def test_chapter_3_shows_the_list_the_check_uses():
    text = (ROOT / "chapters" / "03-1945-peace-not-signed.md").read_text(encoding="utf-8")
    assert "## Words that take a side" in text
    assert 'data.load("loaded_terms")' in text


def test_a_loaded_word_in_the_narration_is_reported_with_file_line_and_word(tmp_path, terms):
    chapter = tmp_path / "99-test.md"
    chapter.write_text(
        "---\nkernelspec: {}\n---\n\n# 99. Test\n\n"
        'Japan\'s government says the islands are occupied. The Jamestown author writes "occupied".\n'
        "```{code-cell} ipython3\noccupation = 1\n```\n"
        "> They annexed it, said a quotation.\n\n"
        "Soviet forces landed, and this began the occupation of the islands.\n",
        encoding="utf-8",
    )
    findings = neutrality.chapter_findings(chapter, terms)
    expected = [("99-test.md", "line 13", "occupied", "occupation")]
    assert [(f.file, f.place, f.term, f.word) for f in findings] == expected
    assert "99-test.md, line 13: 'occupation'" in str(findings[0])


@pytest.mark.parametrize(
    "text, found",
    [
        ("Russia incorporated Crimea in March 2014.", []),
        ("Russia annexed Crimea in March 2014.", [("annexation", "annexed")]),
        ("The G7 called it an annexation.", []),
        ("The Valdai author writes of 'reunification with Crimea'.", []),
        ("Japan wants the return of the four islands.", [("return", "return of the four islands")]),
        ("Abe returned to Tokyo after the return flight.", []),
        ("The islands would be returned to Japan.", [("return", "islands would be returned")]),
        ("Residents were deported in 1947.", [("deported", "deported")]),
    ],
)
def test_the_check_finds_loaded_words_outside_quotations_and_attributions(text, found, terms):
    assert neutrality.find(text, terms) == found


def test_a_loaded_word_in_a_data_set_is_reported_with_file_line_and_column(tmp_path, terms):
    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    events = copy / "events.csv"
    lines = events.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith("1945-etorofu-landing,"))
    lines[number] = lines[number].replace("It was the first of the Soviet landings", "This began the occupation")
    events.write_text("\n".join(lines), encoding="utf-8")
    findings = neutrality.data_findings(copy, terms)
    assert [(f.file, f.place, f.word) for f in findings] == [
        ("events.csv", f"line {number + 1} (1945-etorofu-landing), column summary", "occupation")
    ]


def test_a_pattern_that_is_not_a_regular_expression_is_named(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    terms = copy / "loaded_terms.csv"
    text = terms.read_text(encoding="utf-8")
    terms.write_text(text.replace("retrocessions?", "retrocession(s?"), encoding="utf-8")
    with pytest.raises(data.DataError, match=r"loaded_terms.csv, line \d+ \(retrocession\): pattern: not a regular"):
        neutrality.loaded_terms(copy)
