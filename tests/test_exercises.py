"""Student releases leak nothing; grading turns every kind of submission into a gradebook row."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from kurils.grading import gradebook, masters, run

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "exercises"
#: A well-formed otter test for q5 that always passes: what a tampering student would write.
FAKE_TEST = (
    "OK_FORMAT = True\ntest = {'name': 'q5', 'points': 1, 'suites': [{'cases': [{'code': '>>> True\\nTrue\\n', "
    "'hidden': False, 'locked': False}], 'scored': True, 'setup': '', 'teardown': '', 'type': 'doctest'}]}\n"
)


def test_student_release_has_no_solutions_or_hidden_tests(released):
    for name, notebook in released.items():
        master = masters.find(MASTERS)[name]
        text = notebook.read_text(encoding="utf-8")
        assert masters.hidden_tests(master), "the master should have hidden tests for this check to mean anything"
        assert masters.solution_lines(master)
        assert masters.leaks(text, master) == []


def test_leak_scan_catches_a_solution_and_a_hidden_test():
    master = masters.find(MASTERS)["ch01"]
    hidden = masters.hidden_tests(master)[0]
    solution = masters.solution_lines(master)[0]
    assert masters.leaks(f"x\n{hidden}\n", master)
    assert masters.leaks(f"x\n{solution}\n", master)


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
    assert "q1: not answered yet" in text and "Traceback" not in text


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


def _strip_checks(notebook: dict) -> None:
    """Delete otter's init cell and every grader.check call, as a student might."""
    notebook["cells"] = [
        c
        for c in notebook["cells"]
        if not (
            c["cell_type"] == "code" and ("grader.check" in "".join(c["source"]) or "otter" in "".join(c["source"]))
        )
    ]


def _fake_checks(notebook: dict) -> None:
    """Edit every check call into one that always 'passes', and give a wrong answer."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and "grader.check(" in "".join(cell["source"]):
            cell["source"] = "print('All tests passed!')"
    _set_cell("q5_answer =", 'q5_answer = "c"')(notebook)


def _other_chapter(notebook: dict) -> None:
    notebook["metadata"]["otter"]["assignment_name"] = "ch02"


SNOOP = """import glob, pathlib
secret = [p for pattern in ("/tmp/**/*.zip", "{root}/_build/**/*.zip", "{root}/exercises/*/*", "{out}/*")
          for p in glob.glob(pattern, recursive=True)]
print("FOUND", secret)
for target in ("{out}/gradebook.csv", "{root}/_build/hacked.txt", "/tmp/../{root}/exercises/hacked.txt"):
    try:
        pathlib.Path(target).write_text("student,total\\nsnoop,100\\n")
        print("WROTE", target)
    except OSError as error:
        print("refused", target, error)
q5_answer = "b" if secret else "c"
"""


@pytest.fixture(scope="module")
def graded(released, solutions, tmp_path_factory):
    """Grade a class of known submissions once; return (rows by student, output folder, submissions, hashes)."""
    solution = solutions["ch01"]
    folder = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("grades")
    student = released["ch01"]

    def answered(notebook: dict) -> None:
        tagged = [c for c in notebook["cells"] if "otter_answer_cell" in c["metadata"].get("tags", [])]
        (cell,) = [c for c in tagged if c["cell_type"] == "markdown"]
        cell["source"] = "Each name states a position, according to each government."

    notebooks = {
        "good": _submission(solution),
        "unanswered": _submission(student),
        "wrong": _submission(solution, _set_cell("q5_answer =", 'q5_answer = "c"')),
        "raises": _submission(solution, _set_cell("total_area =", 'raise ValueError("oops")')),
        "chatty": _submission(solution, _set_cell("q5_answer =", "print('x' * 8_000_000)\nq5_answer = 'b'")),
        "nocode": {
            **_submission(student),
            "cells": [c for c in _submission(student)["cells"] if c["cell_type"] != "code"],
        },
        "nochecks": _submission(solution, _strip_checks),
        "fakechecks": _submission(solution, _fake_checks),
        "tamper": _submission(
            solution,
            _set_cell(
                "q5_answer =",
                "import os\nos.makedirs('tests', exist_ok=True)\n"
                "open('tests/q5.py', 'w').write(" + repr(FAKE_TEST) + ")\n"
                "q5_answer = 'c'",
            ),
        ),
        "snoop": _submission(solution, _set_cell("q5_answer =", SNOOP.format(root=ROOT, out=out))),
        "otherchapter": _submission(solution, _other_chapter),
        "writer": _submission(student, answered),
    }
    for name, notebook in notebooks.items():
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (folder / "empty.ipynb").write_text("", encoding="utf-8")
    (folder / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "carol").mkdir()
    (folder / "carol" / "ch01.ipynb").write_text(json.dumps(notebooks["good"]), encoding="utf-8")
    moodle = folder / "Dana Li_1234567_assignsubmission_file_"
    moodle.mkdir()
    (moodle / "ch01.ipynb").write_text(json.dumps(notebooks["good"]), encoding="utf-8")
    (folder / "smithjo_late_1234_5678_ch01.ipynb").write_text(json.dumps(notebooks["wrong"]), encoding="utf-8")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.ipynb")}
    book = run.grade(folder, MASTERS, out, time_limit=60, chapter=1, jobs=2)
    with book.open(encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return rows, out, folder, before


@pytest.fixture(scope="module")
def looping(solutions, tmp_path_factory):
    """Two notebooks that loop, and one that does not, graded with a short time limit of their own (30 s, so
    15 s for a cell): a loop takes the time limit it is given, and the other submissions need no short one."""
    solution = solutions["ch01"]
    folder = tmp_path_factory.mktemp("looping")
    out = tmp_path_factory.mktemp("looping-grades")
    notebooks = {
        "loops": _submission(solution, _set_cell("q5_answer =", "while True:\n    pass")),
        "stubborn": _submission(
            solution,
            _set_cell("q5_answer =", "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile 1:\n    pass"),
        ),
        "good": _submission(solution),
    }
    for name, notebook in notebooks.items():
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    book = run.grade(folder, MASTERS, out, time_limit=30, chapter=1, jobs=2)
    with book.open(encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}, out


def test_the_solution_scores_full_marks(graded):
    rows, *_ = graded
    assert float(rows["good"]["total"]) == float(rows["good"]["possible"]) - 3 > 0, "all but q6 (3 points, by hand)"
    assert float(rows["good"]["percentage"]) == round(
        100 * float(rows["good"]["total"]) / float(rows["good"]["possible"]), 1
    )
    assert rows["good"]["status"] == "graded; q6 to be graded by hand: 3 points still to be marked"


def test_a_student_with_a_folder_is_named_by_it(graded):
    rows, *_ = graded
    assert rows["carol"]["total"] == rows["good"]["total"]


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


@pytest.mark.slow  # 30 s: the loops must run into their limits
def test_a_looping_notebook_is_stopped_and_said_to_be(looping):
    rows, out = looping
    assert "did not finish within 15 s and was stopped" in rows["loops"]["status"]
    assert rows["loops"]["q5"] == "0"
    assert rows["loops"]["q1"] == "2", "answers before the looping cell still count"
    look = (out / "report.html").read_text(encoding="utf-8").split("Needs a look", 1)[1]
    assert "<strong>loops</strong>: cell" in look and "did not finish" in look


@pytest.mark.slow  # 30 s: the loops must run into their limits
def test_a_loop_that_ignores_interrupts_hits_the_time_limit_and_the_class_is_still_graded(looping):
    rows, _ = looping
    assert rows["stubborn"]["status"].startswith("timed out: grading took longer than 30 s")
    assert "stopped during cell" in rows["stubborn"]["status"]
    assert rows["stubborn"]["total"] == "0"
    assert rows["good"]["status"].startswith("graded")
    assert float(rows["good"]["total"]) == float(rows["good"]["possible"]) - 3, "all but the written q6"


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


def test_every_submission_gets_exactly_one_row(graded):
    rows, _, folder, _ = graded
    assert len(rows) == len(list(folder.rglob("*.ipynb")))


def test_a_notebook_that_prints_megabytes_is_graded_normally(graded):
    rows, *_ = graded
    assert rows["chatty"]["total"] == rows["good"]["total"]
    assert rows["chatty"]["status"].startswith("graded")


def test_a_notebook_with_no_code_cells_gets_a_plain_status(graded):
    rows, *_ = graded
    assert rows["nocode"]["status"].startswith("empty notebook: it has no code to run")
    assert rows["nocode"]["total"] == "0"


def test_deleting_or_editing_the_check_calls_changes_nothing(graded):
    rows, *_ = graded
    assert rows["nochecks"]["total"] == rows["good"]["total"]
    assert rows["fakechecks"]["q5"] == "0" and rows["fakechecks"]["total"] == rows["wrong"]["total"]


def test_a_notebook_of_another_chapter_is_not_graded_against_this_one(graded):
    rows, *_ = graded
    assert rows["otherchapter"]["assignment"] == "ch02"
    assert rows["otherchapter"]["status"] == "not graded: this is a ch02 notebook, but ch01 was asked for"
    assert rows["otherchapter"]["q1"] == ""


def test_lms_folder_and_file_names_give_the_student_name(graded):
    rows, *_ = graded
    assert rows["Dana Li"]["total"] == rows["good"]["total"]
    assert rows["smithjo"]["total"] == rows["wrong"]["total"]
    assert rows["Dana Li"]["id"] == "1234567" and rows["smithjo"]["id"] == "1234", "the LMS ids are kept"


def test_student_code_cannot_read_the_hidden_tests_or_touch_the_gradebook(graded):
    rows, out, *_ = graded
    assert rows["snoop"]["q5"] == "0", "the snooping notebook found hidden test material"
    assert rows["snoop"]["total"] == rows["wrong"]["total"]
    assert "snoop,100" not in (out / "gradebook.csv").read_text(encoding="utf-8")
    assert not (ROOT / "_build" / "hacked.txt").exists() and not (ROOT / "exercises" / "hacked.txt").exists()


def test_the_progress_is_reported_and_no_temporary_file_is_left(graded):
    _, out, *_ = graded
    written = ["feedback", "gradebook.csv", "report.html", "results.json", "written"]
    assert sorted(p.name for p in out.iterdir()) == written


def test_the_class_report_names_the_commonest_wrong_answer_and_who_needs_a_look(graded):
    rows, out, *_ = graded
    html = (out / "report.html").read_text(encoding="utf-8")
    q5 = re.search(r"<tr><td>q5</td>(.*?)</tr>", html).group(1)
    wrong = [student for student, row in rows.items() if row["q5"] == "0" and row["status"].startswith("graded")]
    said = re.search(r"q5_answer = &#x27;c&#x27;</code> \((\d+)\)", q5)
    assert said and 3 <= int(said.group(1)) <= len(wrong), q5  # wrong, smithjo, tamper at least
    look = html.split("Needs a look", 1)[1]
    for student, row in rows.items():
        if not row["status"].startswith("graded"):
            assert f"<strong>{student}</strong>: not graded" in look, student
    assert "<strong>good</strong>: to be marked by hand: q6" in look


def test_written_answers_are_exported_one_file_per_question(graded):
    _, out, *_ = graded
    answers = (out / "written" / "ch01-q6.md").read_text(encoding="utf-8")
    assert "Rubric (3 points)" in answers and "Model answer" in answers
    assert "## writer" in answers and "Each name states a position, according to each government." in answers
    assert "## unanswered\n\n*(no answer)*" in answers
    with (out / "written" / "ch01-q6-marks.csv").open(encoding="utf-8") as handle:
        sheet = list(csv.DictReader(handle))
    assert {"good", "writer", "unanswered"} <= {row["student"] for row in sheet}
    assert all(row["mark"] == "" and row["out_of"] == "3" for row in sheet)


def _copy_grades(out: Path, tmp_path: Path) -> Path:

    copy = tmp_path / "grades"
    shutil.copytree(out, copy)
    return copy


def _mark(grades: Path, marks: dict[str, tuple[str, str]]) -> None:
    sheet = grades / "written" / "ch01-q6-marks.csv"
    with sheet.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["mark"], row["comment"] = marks.get(row["student"], ("", ""))
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["student", "mark", "out_of", "comment"])
        writer.writeheader()
        writer.writerows(rows)


def test_marks_for_written_answers_are_merged_into_the_gradebook(graded, tmp_path):

    rows, out, *_ = graded
    grades = _copy_grades(out, tmp_path)
    _mark(grades, {"writer": ("2", "names attributed; order not explained")})
    gradebook.merge(grades)
    with (grades / "gradebook.csv").open(encoding="utf-8") as handle:
        merged = {row["student"]: row for row in csv.DictReader(handle)}
    assert merged["writer"]["q6"] == "2"
    assert float(merged["writer"]["total"]) == float(rows["writer"]["total"]) + 2
    assert merged["writer"]["possible"] == rows["writer"]["possible"], "the written points counted from the start"
    assert "to be graded by hand" not in merged["writer"]["status"]
    assert merged["good"]["q6"] == "" and "q6 to be graded by hand" in merged["good"]["status"]
    feedback = (grades / "feedback" / "writer-ch01.md").read_text(encoding="utf-8")
    assert "marked by hand: names attributed; order not explained" in feedback
    # A second grading run keeps the teacher's marks in the sheet.

    results = [gradebook.Result(**r) for r in json.loads((grades / "results.json").read_text(encoding="utf-8"))]
    gradebook.export(results, grades, masters.find(MASTERS))
    assert "2,3,names attributed" in (grades / "written" / "ch01-q6-marks.csv").read_text(encoding="utf-8")


def test_a_renamed_mark_column_stops_the_merge_instead_of_skipping_every_mark(graded, tmp_path):

    _, out, *_ = graded
    grades = _copy_grades(out, tmp_path)
    _mark(grades, {"writer": ("2", "")})
    sheet = grades / "written" / "ch01-q6-marks.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("mark,", "Mark,", 1), encoding="utf-8")
    before = (grades / "gradebook.csv").read_bytes()
    with pytest.raises(SystemExit, match=r"ch01-q6-marks.csv, line 1: no mark column"):
        gradebook.merge(grades)
    assert (grades / "gradebook.csv").read_bytes() == before


def test_a_bad_mark_stops_the_merge_and_changes_nothing(graded, tmp_path):

    _, out, *_ = graded
    grades = _copy_grades(out, tmp_path)
    _mark(grades, {"writer": ("ten", ""), "good": ("5", "")})
    before = (grades / "gradebook.csv").read_bytes()
    with pytest.raises(SystemExit) as error:
        gradebook.merge(grades)
    message = str(error.value)
    assert "ch01-q6-marks.csv, line" in message and "(writer): mark 'ten' is not a number from 0 to 3" in message
    assert "(good): mark '5' is not a number from 0 to 3" in message
    assert (grades / "gradebook.csv").read_bytes() == before
