"""Student releases leak nothing; grading turns every kind of submission into a gradebook row."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import nbformat
import pytest

from kurils import grading

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "exercises"
#: A well-formed otter test for q5 that always passes: what a tampering student would write.
FAKE_TEST = (
    "OK_FORMAT = True\ntest = {'name': 'q5', 'points': 1, 'suites': [{'cases': [{'code': '>>> True\\nTrue\\n', "
    "'hidden': False, 'locked': False}], 'scored': True, 'setup': '', 'teardown': '', 'type': 'doctest'}]}\n"
)


def test_student_release_has_no_solutions_or_hidden_tests(released):
    for name, notebook in released.items():
        master = grading.masters(MASTERS)[name]
        text = notebook.read_text(encoding="utf-8")
        assert grading.hidden_tests(master), "the master should have hidden tests for this check to mean anything"
        assert grading.solution_lines(master)
        assert grading.leaks(text, master) == []


def test_leak_scan_catches_a_solution_and_a_hidden_test():
    master = grading.masters(MASTERS)["ch01"]
    hidden = grading.hidden_tests(master)[0]
    solution = grading.solution_lines(master)[0]
    assert grading.leaks(f"x\n{hidden}\n", master)
    assert grading.leaks(f"x\n{solution}\n", master)


def test_student_notebook_gives_instant_feedback(released, tmp_path):
    """The released notebook runs top to bottom, and grader.check reports on each question."""
    from nbclient import NotebookClient

    notebook = nbformat.read(released["ch01"], as_version=4)
    work = tmp_path / "ch01.ipynb"
    nbformat.write(notebook, work)
    NotebookClient(notebook, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    checks = [c for c in notebook.cells if c.cell_type == "code" and "grader.check(" in c.source]
    assert len(checks) >= 5
    text = json.dumps([c.outputs for c in checks])
    assert "q1 results" in text and "failed" in text.lower()


def _submission(source: Path, edit=None) -> dict:
    notebook = json.loads(source.read_text(encoding="utf-8"))
    if edit:
        edit(notebook)
    return notebook


def _set_cell(pattern: str, code: str):
    def edit(notebook: dict) -> None:
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code" and pattern in "".join(cell["source"]):
                cell["source"] = code
                return
        raise AssertionError(f"test set-up: no cell with {pattern!r}")

    return edit


@pytest.fixture(scope="module")
def graded(released, tmp_path_factory):
    """Grade a class of known submissions once; return (rows by student, submissions folder, hashes)."""
    solution = ROOT / "_build" / "assign" / "ch01" / "dist" / "autograder" / "ch01.ipynb"
    folder = tmp_path_factory.mktemp("submissions")
    student = released["ch01"]
    notebooks = {
        "good": _submission(solution),
        "unanswered": _submission(student),
        "wrong": _submission(solution, _set_cell("q5_answer =", 'q5_answer = "c"')),
        "raises": _submission(solution, _set_cell("total_area =", 'raise ValueError("oops")')),
        "loops": _submission(solution, _set_cell("q5_answer =", "while True:\n    pass")),
        "tamper": _submission(
            solution,
            _set_cell(
                "q5_answer =",
                "import os\nos.makedirs('tests', exist_ok=True)\n"
                "open('tests/q5.py', 'w').write(" + repr(FAKE_TEST) + ")\n"
                "q5_answer = 'c'",
            ),
        ),
        "stubborn": _submission(
            solution,
            _set_cell("q5_answer =", "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile 1:\n    pass"),
        ),
    }
    for name, notebook in notebooks.items():
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (folder / "empty.ipynb").write_text("", encoding="utf-8")
    (folder / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "carol").mkdir()
    (folder / "carol" / "ch01.ipynb").write_text(json.dumps(notebooks["good"]), encoding="utf-8")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.ipynb")}
    out = tmp_path_factory.mktemp("grades")
    gradebook = grading.grade(folder, MASTERS, out, time_limit=40)
    with gradebook.open(encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return rows, out, folder, before


def test_the_solution_scores_full_marks(graded):
    rows, *_ = graded
    assert rows["good"]["total"] == rows["good"]["possible"] != "0"
    assert rows["good"]["percentage"] == "100.0"
    assert rows["good"]["status"].startswith("graded")


def test_a_student_with_a_folder_is_named_by_it(graded):
    rows, *_ = graded
    assert rows["carol"]["percentage"] == "100.0"


def test_an_unanswered_notebook_scores_zero(graded):
    rows, *_ = graded
    assert rows["unanswered"]["total"] == "0"
    assert rows["unanswered"]["possible"] == rows["good"]["possible"]


def test_a_wrong_multiple_choice_loses_exactly_its_points_with_a_reason(graded):
    rows, out, *_ = graded
    assert rows["wrong"]["q5"] == "0"
    assert float(rows["wrong"]["total"]) == float(rows["good"]["total"]) - 1
    feedback = (out / "feedback" / "wrong-ch01.md").read_text(encoding="utf-8")
    assert "q5" in feedback and "not the right strait" in feedback


def test_a_raising_notebook_is_graded_and_the_status_names_the_cell(graded):
    rows, *_ = graded
    assert "raised ValueError: oops" in rows["raises"]["status"]
    assert rows["raises"]["q1"] == "0" and rows["raises"]["q5"] == "1"


def test_a_looping_notebook_is_stopped_and_said_to_be(graded):
    rows, *_ = graded
    assert "did not finish within 20 s and was stopped" in rows["loops"]["status"]
    assert rows["loops"]["q5"] == "0"
    assert rows["loops"]["q1"] == "2", "answers before the looping cell still count"


def test_a_loop_that_ignores_interrupts_hits_the_time_limit_and_the_class_is_still_graded(graded):
    rows, *_ = graded
    assert rows["stubborn"]["status"].startswith("timed out: grading took longer than 40 s")
    assert rows["stubborn"]["total"] == "0"
    assert rows["wrong"]["status"].startswith("graded")


def test_a_notebook_that_writes_its_own_tests_gains_nothing(graded):
    rows, *_ = graded
    assert rows["tamper"]["q5"] == "0"
    assert rows["tamper"]["total"] == rows["wrong"]["total"]


def test_empty_and_invalid_files_get_a_plain_status(graded):
    rows, *_ = graded
    assert rows["empty"]["status"].startswith("empty file")
    assert rows["broken"]["status"].startswith("not a notebook: the file is not valid JSON")
    assert rows["broken"]["total"] == "0"


def test_the_written_answer_is_left_for_the_teacher(graded):
    rows, *_ = graded
    assert rows["good"]["q6"] == ""
    assert "q6 to be graded by hand" in rows["good"]["status"]


def test_submissions_are_never_modified(graded):
    *_, folder, before = graded
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.ipynb")}
    assert after == before
