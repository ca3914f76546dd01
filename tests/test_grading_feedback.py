"""Feedback a student can use: one line per failure, 'not answered' once, no raw error text."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from kurils import checks
from kurils.grading import masters, release, run

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "exercises"
TRACEBACK = 'Traceback (most recent call last):\n  File "<doctest>", line 1\n'


def test_a_blank_answer_is_said_once_as_not_answered():
    failed = [(h, TRACEBACK + "NameError: name 'share' is not defined") for h in (False, True, True, True)]
    assert checks.reasons(failed) == ["not answered (share is not defined: did you run its cell?)"]


@pytest.mark.parametrize(
    "error",
    ["KeyError: 'C'", "ValueError: The truth value of a Series is ambiguous. Use a.empty, a.bool()", "TypeError: x"],
)
def test_no_raw_exception_text_reaches_a_student(error):
    (said,) = checks.reasons([(True, TRACEBACK + error)])
    assert said.startswith("a hidden check could not use your answer: ")
    assert error.split(":")[0] not in said and "ambiguous" not in said and "'C'" not in said


def test_a_check_message_is_kept_in_one_line():
    said = checks.reasons([(True, TRACEBACK + "AssertionError: order is not chronological")])
    assert said == ["a hidden check failed: order is not chronological"]


def test_the_by_hand_question_lists_only_its_own_rubric():
    spec = masters.questions(MASTERS / "ch01" / "ch01.md")
    assert spec["q6"]["rubric"].startswith("Rubric (3 points): 1 point for what the Japanese name implies")
    assert "Question 7" not in spec["q6"]["rubric"] and "rubric" not in spec["q1"]


def _case(body: str, passed: bool, message: str = ""):
    return SimpleNamespace(passed=passed, message=message, test_case=SimpleNamespace(body=body))


def test_a_passing_public_check_says_what_it_checked_and_not_all_passed():
    result = SimpleNamespace(
        name="q7", test_case_results=[_case(">>> assert len(order) == 8, 'order should list the eight ids'\n", True)]
    )
    text = repr(checks.Report(result))
    assert "order should list the eight ids" in text and "only" in text
    assert "All test cases passed" not in text


@pytest.mark.parametrize(
    "language, passed, failed",
    [
        ("ja", "公開チェックに通りました", "公開チェック 2 件のうち 1 件に通りませんでした"),
        ("ru", "открытые проверки пройдены", "не пройдено открытых проверок: 1 из 2"),
    ],
)
def test_a_translated_hand_outs_checks_report_in_its_language(language, passed, failed):
    english = masters.check_messages(MASTERS / "ch03" / "ch03.md")
    words = checks.check_messages(language)
    assert set(english) <= set(words), "every public check of ch03 has a translation"
    order, chronological = english[0], english[1]  # "order should be a list…", "order should run earliest first…"
    case = f">>> assert isinstance(order, list), {order!r}\n"
    ok = SimpleNamespace(name="q1", test_case_results=[_case(case, True)])
    said = repr(checks.Report(ok, language=language))
    assert passed in said and words[order] in said and order not in said
    wrong = _case(">>> assert False\n", False, f"Traceback (most recent call last):\nAssertionError: {chronological}")
    said = repr(
        checks.Report(SimpleNamespace(name="q1", test_case_results=[_case(case, True), wrong]), language=language)
    )
    assert failed in said and f"✗ {words[chronological]}" in said and chronological not in said
    blank = repr(checks.Report(SimpleNamespace(name="q2", test_case_results=[wrong]), "order", language))
    assert blank.startswith("q2：まだ解答されていません" if language == "ja" else "q2: ответа ещё нет"), blank
    unusable = _case(">>> x\n", False, "Traceback (most recent call last):\nKeyError: 'id'")
    said = repr(checks.Report(SimpleNamespace(name="q3", test_case_results=[unusable]), language=language))
    assert checks.SENTENCES[language][checks.ERROR_SENTENCES["KeyError"]] in said and "your answer" not in said


def test_the_feedback_file_is_in_the_language_the_notebook_was_handed_out_in():
    from kurils.grading import gradebook

    public = masters.check_messages(MASTERS / "ch03" / "ch03.md")[0]
    hidden = masters.check_messages(MASTERS / "ch03" / "ch03.md", hidden=True)[0]
    rubric = masters.questions(MASTERS / "ch01" / "ch01.md")["q6"]["rubric"]
    result = gradebook.Result(
        "yuki",
        "ch01",
        "graded",
        scores={"q1": 0.0, "q2": 1.0, "q3": 0.0, "q6": None},
        possible={"q1": 1.0, "q2": 1.0, "q3": 1.0, "q6": 3.0},
        reasons={
            "q1": [f"a public check failed: {public}", f"a hidden check failed: {hidden}"],
            "q3": ["not answered (order is not defined: did you run its cell?)"],
            "q6": [f"{gradebook.BY_HAND}. {rubric}"],
        },
    )
    english = gradebook.feedback_text(result)
    assert "# Feedback for yuki: ch01" in english and f"a hidden check failed: {hidden}" in english
    for language, words in [("ja", ["得点", "満点", "手採点", "未解答"]), ("ru", ["Баллы", "полный балл", "вручную"])]:
        result.language = language
        said = gradebook.feedback_text(result)
        messages = checks.check_messages(language, hidden=True)
        assert hidden in messages and messages[hidden] in said and messages[public] in said, language
        assert all(word in said for word in words), (language, said)
        assert public not in said and hidden not in said and "Feedback for" not in said and rubric not in said
    assert (
        checks.notebook_language(
            {"cells": [{"cell_type": "code", "source": ['grader = checks.Notebook("ch01.ipynb", language="ru")']}]}
        )
        == "ru"
    )
    assert (
        checks.notebook_language({"cells": [{"cell_type": "code", "source": 'grader = checks.Notebook("ch01.ipynb")'}]})
        == "en"
    )
    assert checks.notebook_language("not a notebook") == "en"


def test_the_released_notebook_reports_each_check_in_a_line(tmp_path):
    student, _ = release.assign(masters.find(MASTERS)["ch01"], tmp_path / "assign", run_tests=False)
    notebook = nbformat.read(student, as_version=4)
    assert "grader = checks.Notebook(" in notebook.cells[0].source
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("total_area = ..."):
            cell.source = "total_area = 12"
    from nbclient import NotebookClient

    resources = {"metadata": {"path": str(student.parent)}}
    NotebookClient(notebook, timeout=120, allow_errors=True, resources=resources).execute()
    said = {
        c.source: "".join(o.get("data", {}).get("text/plain", "") for o in c.outputs)
        for c in notebook.cells
        if c.cell_type == "code" and "grader.check(" in c.source
    }
    assert said['grader.check("q1")'].splitlines()[:2] == [
        "q1: 1 of 2 public checks failed:",
        "  ✗ The four islands together cover several thousand km²: did you sum area_km2?",
    ]
    assert said['grader.check("q2")'].startswith("q2: not answered yet")
    # a multiple-choice answer still at the notebook's `...` is not answered, not "not one of a-d"
    assert said['grader.check("q5")'] == "q5: not answered yet (q5_answer is still ...)."
    assert not any("Traceback" in text or "All test cases passed" in text for text in said.values())


def test_a_blank_notebook_gets_not_answered_once_per_question(tmp_path):
    student, _ = release.assign(masters.find(MASTERS)["ch01"], tmp_path / "assign", run_tests=False)
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "blank.ipynb").write_text(student.read_text(encoding="utf-8"), encoding="utf-8")
    book = run.grade(folder, MASTERS, tmp_path / "out", time_limit=60, chapter=1, jobs=1)
    with book.open(encoding="utf-8") as handle:
        (row,) = csv.DictReader(handle)
    assert row["total"] == "0"
    feedback = (tmp_path / "out" / "feedback" / "blank-ch01.md").read_text(encoding="utf-8")
    for q in ("q1", "q2", "q4", "q7", "q8"):
        block = feedback.split(f"**{q}**")[1].split("- **")[0]
        assert block.count("not answered") == 1 and "Error" not in block, block
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results[0]["reasons"]["q6"][0].startswith("graded by hand by your teacher. Rubric (3 points)")


@pytest.mark.parametrize("name", ["Uruppu", "Urup", "sakhalin"])
def test_another_island_is_never_turned_into_one_of_the_four(name):
    from kurils import data

    with pytest.raises(KeyError) as caught:
        data.island_id(name)
    text = str(caught.value)
    assert "not one of the islands in this data set" in text and "did you mean" not in text


def test_a_misspelt_island_still_gets_a_suggestion():
    from kurils import data

    with pytest.raises(KeyError, match="did you mean 'kunashiri'"):
        data.island_id("Kunashri")


def test_a_cell_error_in_the_status_is_said_in_words():
    from kurils.grading.worker import explain

    limits = {"memory_mb": 2048, "processes": 32}
    assert explain("MemoryError", "", limits) == "ran out of memory (grading allows 2048 MB per notebook)"
    assert "truth value" not in explain("ValueError", "The truth value of a Series is ambiguous. Use a.any()", limits)
    assert "network" in explain("URLError", "<urlopen error [Errno -3] Temporary failure in name resolution>", limits)
    assert "(32)" in explain("BlockingIOError", "[Errno 11] Resource temporarily unavailable", limits)


def test_a_file_that_is_not_a_notebook_says_what_it_is(tmp_path):
    (tmp_path / "printout.ipynb").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    (tmp_path / "essay.ipynb").write_bytes(b"PK\x03\x04\x14\x00\x06\x00")
    zips = {"ch01": tmp_path / "unused.zip"}
    by_name = {"ch01": MASTERS / "ch01" / "ch01.md"}
    pdf = run.grade_one(tmp_path / "printout.ipynb", "a", zips, by_name, chapter="ch01")
    word = run.grade_one(tmp_path / "essay.ipynb", "b", zips, by_name, chapter="ch01")
    assert pdf.status == "not a notebook: the file is a PDF (ask for the .ipynb file itself, not a printout)"
    assert word.status.startswith("not a notebook: the file is a zip archive, or a Word")
    assert pdf.total == 0 and pdf.reasons["q1"] == [pdf.status]


@pytest.mark.parametrize(
    "block, message",
    [
        ("name: q1\npoints: [2", "not valid YAML"),
        ("points: 2", "needs a 'name: qN' line"),
        ("name: q1\npoints: two", "points must be a number, not 'two'"),
    ],
    ids=["yaml", "no-name", "points"],
)
def test_a_broken_question_block_in_a_master_says_where_and_what(tmp_path, block, message):
    master = tmp_path / "ch01.md"
    text = (MASTERS / "ch01" / "ch01.md").read_text(encoding="utf-8")
    master.write_text(text.replace("# BEGIN QUESTION\nname: q1\npoints: 2", "# BEGIN QUESTION\n" + block, 1), "utf-8")
    assert master.read_text(encoding="utf-8") != text
    with pytest.raises(SystemExit, match=rf"ch01.md: the question block .*{re.escape(message)}"):
        masters.questions(master)
