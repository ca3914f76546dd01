"""The gradebook goes into Canvas and Moodle as it is: their columns, their ids, their feedback uploads."""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from kurils.grading import gradebook, lms, release, run

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "exercises"
POINTS = {"q1": 2.0, "q2": 10.0, "q6": 3.0}  # q6 is written, marked by hand


def _result(student: str, ids: dict | None = None, q1=2.0, q2=7.0, q6=None) -> gradebook.Result:
    return gradebook.Result(
        student,
        "ch01",
        "graded",
        scores={"q1": q1, "q2": q2, "q6": q6},
        possible=dict(POINTS),
        reasons={"q2": ["a hidden check failed"]},
        ids=ids or {},
    )


def _class() -> list[gradebook.Result]:
    """As the bulk downloads name them: a Canvas file, a Moodle folder, and a plain file."""
    return [
        _result("smithjo", {"canvas": "1234", "canvas_attachment": "5678", "download": "smithjo_LATE_1234_5678_ch01"}),
        _result("Dana Li", {"moodle": "1234567", "download": "Dana Li_1234567_assignsubmission_file_"}, q2=10.0),
        _result("Alice Brown", q1=0.0, q2=0.0),
    ]


def _graded(tmp_path: Path, results: list[gradebook.Result] | None = None) -> Path:
    out = tmp_path / "grades"
    gradebook.write(results or _class(), out)
    return out


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


CANVAS_ROSTER = [
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Chapter 1 exercises (777)", "Current Score"],
    ["    Points Possible", "", "", "", "", "15", "(read only)"],
    ["Smith, Jo", "1234", "S-01", "jsmith", "Section A", "", ""],
    ["Li, Dana", "2222", "S-02", "dli", "Section A", "", ""],
    ["Brown, Alice", "3333", "S-03", "abrown", "Section B", "", ""],
    ["Okafor, Chi", "4444", "S-04", "cokafor", "Section B", "", ""],
]


def test_the_canvas_file_has_exactly_canvas_columns_one_assignment_and_points_possible(tmp_path):
    out = _graded(tmp_path)
    written = lms.export(out, "canvas", assignment="Chapter 1 exercises")
    rows = _rows(written["grades"])
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Chapter 1 exercises"]
    assert rows[1] == ["Points Possible", "", "", "", "", "15"], "written points count in what is possible"
    assert len(rows) == 2 + 3 and all(len(row) == 6 for row in rows)
    by_name = {row[0]: row for row in rows[2:]}
    assert by_name["smithjo"] == ["smithjo", "1234", "", "", "", "9"], "the Canvas user id from the download"
    assert by_name["Alice Brown"][1] == "", "no id to give: Canvas matches by name"


def test_a_canvas_roster_gives_sis_ids_sections_and_the_assignment_id(tmp_path):
    out = _graded(tmp_path)
    roster = _write(tmp_path / "canvas-export.csv", CANVAS_ROSTER)
    written = lms.export(out, "canvas", roster, assignment="Chapter 1 exercises")
    rows = _rows(written["grades"])
    assert rows[0][-1] == "Chapter 1 exercises (777)", "the roster's column gives the assignment id"
    assert ["Smith, Jo", "1234", "S-01", "jsmith", "Section A", "9"] in rows, "matched by Canvas user id"
    assert ["Li, Dana", "2222", "S-02", "dli", "Section A", "12"] in rows, "matched by name"
    assert ["Brown, Alice", "3333", "S-03", "abrown", "Section B", "0"] in rows
    unmatched = _rows(written["unmatched"])
    assert any(row[0] == "Okafor, Chi" and "no submission" in row[3] for row in unmatched)


def test_canvas_feedback_files_carry_the_ids_canvas_reads_back(tmp_path):
    out = _graded(tmp_path)
    written = lms.export(out, "canvas")
    with zipfile.ZipFile(written["feedback"]) as archive:
        names = archive.namelist()
        text = archive.read(names[0]).decode()
    assert names == ["smithjo_1234_5678_feedback-ch01.md"]
    # Canvas's re-upload takes the first two all-digit parts as user id and attachment id.
    assert [part for part in names[0].split("_") if re.fullmatch(r"\d+", part)][:2] == ["1234", "5678"]
    assert "q2" in text and "a hidden check failed" in text and "3 points still to be marked" in text
    unmatched = {row[0]: row[3] for row in _rows(written["unmatched"])[1:]}
    assert "no Canvas user id" in unmatched["Alice Brown"]


def test_the_moodle_files_match_by_email_and_participant_id_with_feedback(tmp_path):
    out = _graded(tmp_path)
    roster = _write(
        tmp_path / "participants.csv",
        [
            ["First name", "Last name", "Email address", "Roles"],
            ["Dana", "Li", "dana@example.edu", "Student"],
            ["Jo", "Smith", "jo@example.edu", "Student"],
        ],
    )
    written = lms.export(out, "moodle", roster, assignment="Chapter 1 exercises")
    grades = _rows(written["grades"])
    assert grades[0] == ["Email address", "Full name", "Chapter 1 exercises", "Feedback"]
    assert sorted(row[:3] for row in grades[1:]) == [
        ["dana@example.edu", "Dana Li", "12"],
        ["jo@example.edu", "Jo Smith", "9"],
    ]
    assert all("a hidden check failed" in row[3] and "# Feedback for" in row[3] for row in grades[1:])
    sheet = _rows(written["worksheet"])
    assert sheet[0][:4] == ["Identifier", "Full name", "Email address", "Grade"]
    assert "Last modified (grade)" in sheet[0] and "Feedback comments" in sheet[0]
    assert [row[0] for row in sheet[1:]] == ["Participant 1234567"], "the participant id from the download"
    unmatched = {row[0]: row[3] for row in _rows(written["unmatched"])[1:]}
    assert "no row of participants.csv" in unmatched["Alice Brown"], "unmatched students are listed, not dropped"
    assert "Alice Brown" in {row[0] for row in _rows(out / "gradebook.csv")}


def test_moodle_feedback_zip_uses_the_download_folder_names(tmp_path):
    out = _graded(tmp_path)
    written = lms.export(out, "moodle")
    with zipfile.ZipFile(written["feedback"]) as archive:
        names = archive.namelist()
    assert names == ["Dana Li_1234567_assignsubmission_file_/feedback-ch01.md"]
    # Moodle splits each path part on "_" (at most 5 parts) and reads the participant id from the second.
    info = names[0].split("/")[0].split("_", 4)
    assert info[1] == "1234567" and info[2:4] == ["assignsubmission", "file"]


def test_ids_from_bulk_download_names_survive_into_the_gradebook(tmp_path):
    folder = tmp_path / "downloads"
    paths = [
        folder / "Dana Li_1234567_assignsubmission_file_" / "ch01.ipynb",
        folder / "Dana Li_1234567_assignsubmission_file" / "ch01.ipynb",  # Moodle 4.1 and later
        folder / "smithjo_LATE_1234_5678_ch01.ipynb",
        folder / "müllerjürgen_42_99_ch01-1.ipynb",
        folder / "alice.ipynb",
    ]
    identities = [run.student_identity(path, folder) for path in paths]
    assert identities[0] == ("Dana Li", {"moodle": "1234567", "download": "Dana Li_1234567_assignsubmission_file_"})
    assert identities[1][1]["moodle"] == "1234567"
    assert identities[2][0] == "smithjo" and identities[2][1]["canvas"] == "1234"
    assert identities[2][1]["canvas_attachment"] == "5678"
    assert identities[3][0] == "müllerjürgen" and identities[3][1]["canvas"] == "42"
    assert identities[4] == ("alice", {})
    out = _graded(tmp_path)
    rows = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert rows["smithjo"]["id"] == "1234" and rows["Dana Li"]["id"] == "1234567" and rows["Alice Brown"]["id"] == ""
    kept = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert gradebook.Result(**kept[0]).ids


def test_possible_counts_written_points_before_they_are_marked(tmp_path):
    out = _graded(tmp_path)
    rows = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert rows["Dana Li"]["total"] == "12" and rows["Dana Li"]["possible"] == "15"
    assert rows["Dana Li"]["percentage"] == "80.0", "not 100% while the written answer is unmarked"
    assert rows["Dana Li"]["status"] == "graded; q6 to be graded by hand: 3 points still to be marked"
    marked = _result("Dana Li", q2=10.0, q6=3.0)
    assert gradebook.status(marked) == "graded" and marked.out_of == 15


def test_roster_matching_by_email_login_and_name_and_ambiguity(tmp_path):
    results = [_result("jsmith"), _result("dana@example.edu"), _result("LI, DANA"), _result("Sam Lee")]
    roster = _write(
        tmp_path / "roster.csv",
        [
            ["First name", "Last name", "Email address", "Username"],
            ["Jo", "Smith", "jo@example.edu", "jsmith"],
            ["Dana", "Li", "dana@example.edu", "dli"],
            ["Sam", "Lee", "sam1@example.edu", "slee1"],
            ["Sam", "Lee", "sam2@example.edu", "slee2"],
        ],
    )
    matched, unmatched = lms.match(results, lms.read_roster(roster, "moodle"))
    assert matched[0].email == "jo@example.edu", "by username"
    assert 1 not in matched and 2 not in matched, "two submissions for one student are both held back"
    assert "all match line 3" in unmatched[1] and "all match line 3" in unmatched[2]
    assert "2 roster rows have this name (lines 4, 5)" in unmatched[3]


def test_bad_lms_options_and_rosters_get_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="--lms 'blackboard': choose one of canvas, moodle"):
        lms.check_options("blackboard", None)
    no_ids = _write(tmp_path / "names.csv", [["Name", "Mark"], ["Jo", "3"]])
    with pytest.raises(SystemExit, match=r"names.csv, line 1: no column to match students by .*found: Name, Mark"):
        lms.check_options("moodle", no_ids)
    moodle_roster = _write(
        tmp_path / "moodle.csv", [["First name", "Last name", "Email address"], ["Jo", "S", "j@x.org"]]
    )
    with pytest.raises(SystemExit, match="moodle.csv, line 1: no column to match students by for --lms canvas"):
        lms.check_options("canvas", moodle_roster)
    twice = _write(
        tmp_path / "twice.csv", [*CANVAS_ROSTER, ["Smith, Jo", "1234", "S-01", "jsmith", "Section A", "", ""]]
    )
    with pytest.raises(SystemExit) as error:
        lms.check_options("canvas", twice)
    assert "twice.csv, line 7: ID '1234' is already on line 3 (a duplicate roster row)" in str(error.value)
    blank = _write(tmp_path / "blank.csv", [["Email address", "First name"], ["", ""], ["a@b.org", "A"], [" ", ""]])
    lms.check_options("moodle", blank)  # blank lines are skipped, not errors
    nameless = _write(tmp_path / "nameless.csv", [["Email address", "Roles"], ["", "Student"]])
    with pytest.raises(SystemExit, match="nameless.csv, line 2: the row has no name, id or email"):
        lms.check_options("moodle", nameless)
    with pytest.raises(SystemExit, match="roster .*missing.csv: no such file"):
        lms.check_options("canvas", tmp_path / "missing.csv")


def test_a_notebook_of_another_chapter_is_listed_not_given_a_zero(tmp_path):
    stray = gradebook.Result("Smith, Jo", "ch02", "not graded: this is a ch02 notebook, but ch01 was asked for")
    out = _graded(tmp_path, [*_class(), stray])
    written = lms.export(out, "canvas", _write(tmp_path / "export.csv", CANVAS_ROSTER))
    rows = _rows(written["grades"])
    assert ["Smith, Jo", "1234", "S-01", "jsmith", "Section A", "9"] in rows, "the ch01 notebook still counts"
    assert len(rows) == 2 + 3
    unmatched = {row[0]: row[3] for row in _rows(written["unmatched"])[1:]}
    assert unmatched["Smith, Jo"].startswith("not graded as ch01 (not graded: this is a ch02 notebook")


def test_one_assignment_column_only(tmp_path):
    other = _result("Zoe")
    other.assignment = "ch02"
    out = _graded(tmp_path, [*_class(), other])
    with pytest.raises(SystemExit, match="these submissions are for ch01, ch02: grade with --chapter N"):
        lms.export(out, "canvas")


def test_grade_with_lms_end_to_end_then_marks_update_the_lms_files(tmp_path):
    """One small class (two students, chapter 1) through `kurils grade --lms moodle` and `kurils marks`."""
    from kurils import cli

    _, _ = release.assign(MASTERS / "ch01" / "ch01.md", tmp_path / "assign", run_tests=False)
    solution = tmp_path / "assign" / "dist" / "autograder" / "ch01.ipynb"
    folder = tmp_path / "downloads"
    for name in ("Dana Li_1234567_assignsubmission_file_", "Jo Smith_7654321_assignsubmission_file_"):
        (folder / name).mkdir(parents=True)
        shutil.copyfile(solution, folder / name / "ch01.ipynb")
    out = tmp_path / "grades"
    args = ["grade", str(folder), "--chapter", "1", "--out", str(out), "--jobs", "2", "--timeout", "90"]
    cli.main([*args, "--lms", "moodle", "--assignment", "Chapter 1 exercises"])
    sheet = {row[0]: row for row in _rows(out / "lms" / "moodle-worksheet.csv")[1:]}
    assert set(sheet) == {"Participant 1234567", "Participant 7654321"}
    book = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    autograded, possible = float(book["Dana Li"]["total"]), float(book["Dana Li"]["possible"])
    assert book["Dana Li"]["id"] == "1234567" and autograded == possible - 3, "q6 (3 points) is still to be marked"
    assert float(sheet["Participant 1234567"][3]) == autograded
    assert float(sheet["Participant 1234567"][4]) == possible
    marks = out / "written" / "ch01-q6-marks.csv"
    rows = list(csv.DictReader(marks.open(encoding="utf-8")))
    for row in rows:
        row["mark"] = "2" if row["student"] == "Dana Li" else ""
    with marks.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["student", "mark", "out_of", "comment"])
        writer.writeheader()
        writer.writerows(rows)
    cli.main(["marks", str(out)])
    sheet = {row[0]: row for row in _rows(out / "lms" / "moodle-worksheet.csv")[1:]}
    assert float(sheet["Participant 1234567"][3]) == autograded + 2, "the LMS files follow the merged marks"
    with zipfile.ZipFile(out / "lms" / "moodle-feedback.zip") as archive:
        assert "Jo Smith_7654321_assignsubmission_file_/feedback-ch01.md" in archive.namelist()
    with pytest.raises(SystemExit, match="--lms 'sakai'"):
        cli.main([*args, "--lms", "sakai"])


def test_kurils_lms_reads_a_semicolon_canvas_export_with_its_posting_row(tmp_path):
    from kurils import cli

    out = _graded(tmp_path)
    rows = [CANVAS_ROSTER[0], ["", "", "", "", "", "Manual Posting", ""], *CANVAS_ROSTER[1:]]
    (tmp_path / "export.csv").write_text("\n".join(";".join(row) for row in rows) + "\n", encoding="utf-8-sig")
    cli.main(
        ["lms", "canvas", str(out), "--roster", str(tmp_path / "export.csv"), "--assignment", "Chapter 1 exercises"]
    )
    written = _rows(out / "lms" / "canvas-grades.csv")
    assert written[0][-1] == "Chapter 1 exercises (777)"
    assert sorted(row[1] for row in written[2:]) == ["1234", "2222", "3333"], (
        "no Manual Posting or points row as a student"
    )
