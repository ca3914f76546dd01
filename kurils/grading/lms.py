"""Grades and feedback in the files Canvas and Moodle import as they are.

``export`` reads a grading folder (``results.json``, written by ``kurils grade``) and writes ``lms/``:

- Canvas (``--lms canvas``): ``canvas-grades.csv`` for Grades > Import: the columns Student, ID, SIS
  User ID, SIS Login ID, Section and ONE column for the assignment, then a "Points Possible" row.
  Canvas's importer (instructure/canvas-lms, app/models/gradebook_importer.rb) needs "Student" and
  "ID" first and "Section" as the last student column, matches a student by ID, then SIS User ID,
  SIS Login ID, then name, and turns every other column into an assignment; a header "Title (123)"
  names the existing assignment 123 (``Assignment.title_and_id``). ``canvas-feedback.zip`` holds one
  feedback file per student for Assignments > Re-Upload Submissions, named
  ``name_USERID_ATTACHMENTID_feedback-chNN.md``: Canvas takes the first two all-digit parts of the
  name as the user and the attachment (``Assignment#infer_comment_context_from_filename``).
- Moodle (``--lms moodle``): ``moodle-grades.csv`` for Grades > Import > CSV file: an identifier column
  (Email address, ID number or Username: the fields "Map to" offers, grade/import/csv/classes/
  load_data.php), Full name, the grade and a feedback text column. Moodle stops the whole import at
  the first user it cannot find, so only students with an identifier are in it. Also
  ``moodle-worksheet.csv``, the assignment's offline grading worksheet (Identifier "Participant N",
  Grade, Last modified (grade), Feedback comments: mod/assign/feedback/offline/importgradeslib.php),
  which matches by the participant id of the bulk download and needs no roster; and
  ``moodle-feedback.zip`` for "Upload multiple feedback files in a zip", one folder per student named
  ``Full Name_PARTICIPANTID_assignsubmission_file_`` as in the download
  (mod/assign/feedback/file/importziplib.php reads the id from the second ``_`` part).

A roster (``--roster FILE``, the LMS's own export: Canvas's gradebook export, or Moodle's
participants, grades or grading-worksheet export) gives the ids and emails the submissions lack;
students are matched by LMS id, then email/login/id number, then name. ``unmatched.csv`` lists every
student who could not be matched or is left out of a file, and why; nobody is dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kurils.grading import gradebook

KINDS = ("canvas", "moodle")

#: Column names in LMS exports (compared case-insensitively) and the field each fills.
COLUMNS = {
    "student": "sortable",  # Canvas: "Last, First"
    "id": "canvas",
    "sis user id": "sis_user_id",
    "sis login id": "sis_login_id",
    "section": "section",
    "full name": "name",
    "first name / last name": "name",
    "first name / surname": "name",
    "first name": "first",
    "last name": "last",
    "surname": "last",
    "email address": "email",
    "email": "email",
    "id number": "idnumber",
    "username": "username",
    "identifier": "participant",  # Moodle grading worksheet: "Participant 123456"
}
#: Fields that identify one student: two roster rows may not share one.
UNIQUE = {
    "canvas": "ID",
    "sis_user_id": "SIS User ID",
    "sis_login_id": "SIS Login ID",
    "email": "Email address",
    "idnumber": "ID number",
    "username": "Username",
    "participant": "Identifier",
}


@dataclass
class Person:
    """One student as the LMS knows them (a roster row, or what a bulk-download name tells)."""

    line: int = 0
    name: str = ""
    sortable: str = ""
    canvas: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    email: str = ""
    idnumber: str = ""
    username: str = ""
    participant: str = ""
    first: str = ""
    last: str = ""
    names: set[str] = field(default_factory=set)


@dataclass
class Roster:
    path: Path
    kind: str
    people: list[Person]
    assignments: list[str]  # Canvas assignment headers, "Title (id)"


def _key(name: str) -> str:
    """A name reduced to lower-case letters and digits, as Canvas reduces it in download names."""
    text = unicodedata.normalize("NFKD", name).casefold()
    return "".join(c for c in text if c.isalnum())


def _fail(message: str) -> None:
    raise SystemExit(message)


def check_options(lms: str, roster: Path | None) -> None:
    """Refuse an unknown LMS or a roster that is missing or unusable, before any grading is done."""
    if lms not in KINDS:
        _fail(f"--lms {lms!r}: choose one of {', '.join(KINDS)}")
    if roster is not None:
        read_roster(Path(roster), lms)


def read_roster(path: Path, lms: str) -> Roster:
    """Read an LMS export; raise SystemExit naming file, line and problem for anything unusable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        _fail(f"roster {path}: no such file")
    except UnicodeDecodeError as error:
        _fail(f"roster {path}: not UTF-8 text ({error}); export it again as CSV (UTF-8)")
    rows = list(csv.reader(io.StringIO(text)))
    if rows and len(rows[0]) == 1 and ";" in rows[0][0]:  # saved by a spreadsheet set to semicolons
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    if not rows or not any(cell.strip() for cell in rows[0]):
        _fail(f"{path}, line 1: the roster is empty (expected a header row)")
    header = [cell.strip() for cell in rows[0]]
    fields = {i: COLUMNS[h.lower()] for i, h in enumerate(header) if h.lower() in COLUMNS}
    kind = "canvas" if {"sortable", "canvas"} <= set(fields.values()) else "moodle"
    usable = {"canvas": {"canvas"}, "moodle": {"email", "idnumber", "username", "participant"}}[lms]
    if not usable & set(fields.values()):
        wanted = (
            "Canvas's gradebook export (Student, ID, SIS User ID, SIS Login ID, Section)"
            if lms == "canvas"
            else "a Moodle export with Email address, ID number, Username or Identifier"
        )
        _fail(
            f"{path}, line 1: no column to match students by for --lms {lms}: expected {wanted}; "
            f"found: {', '.join(header)}"
        )
    people, problems, seen = [], [], {}
    for line, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if kind == "canvas" and (
            "Points Possible" in cells[0] or all(re.fullmatch(r"(Muted|Manual Posting.*)?", c, re.I) for c in cells)
        ):
            continue  # Canvas's own rows about the assignments, not students
        person = Person(line=line)
        for index, name in fields.items():
            value = cells[index] if index < len(cells) else ""
            setattr(person, name, value)
        person.participant = re.sub(r"\D", "", person.participant)
        if person.first or person.last:
            person.name = person.name or f"{person.first} {person.last}".strip()
            person.sortable = person.sortable or f"{person.last}, {person.first}".strip(", ")
        person.name = person.name or " ".join(reversed([p.strip() for p in person.sortable.split(",", 1)]))
        person.names = {_key(n) for n in (person.name, person.sortable, f"{person.last}{person.first}") if _key(n)}
        if not person.names and not any(getattr(person, f) for f in UNIQUE):
            problems.append(f"{path}, line {line}: the row has no name, id or email")
            continue
        for attribute, label in UNIQUE.items():
            value = getattr(person, attribute).casefold()
            if not value:
                continue
            if (attribute, value) in seen:
                problems.append(
                    f"{path}, line {line}: {label} {getattr(person, attribute)!r} is already on line "
                    f"{seen[attribute, value]} (a duplicate roster row)"
                )
            seen.setdefault((attribute, value), line)
        people.append(person)
    if problems:
        _fail("roster not usable:\n  " + "\n  ".join(problems))
    if not people:
        _fail(f"{path}: the roster has a header but no students")
    assignments = [h for h in header if re.fullmatch(r".+\s\(\d+\)", h)]
    return Roster(path, kind, people, assignments)


def _shown(person: Person) -> str:
    """A roster person's name as their LMS spells it ("Last, First" in Canvas)."""
    return (person.sortable if person.canvas else person.name) or person.name or person.sortable


def _person_from_download(r) -> Person:
    """What a submission's own name tells about the student, without a roster."""
    person = Person(name=r.student, canvas=r.ids.get("canvas", ""), participant=r.ids.get("moodle", ""))
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+", r.student):
        person.email = r.student
    return person


def match(results: list, roster: Roster | None, skip: set[int] = frozenset()) -> tuple[dict, dict]:
    """Map each result (by index, but those in ``skip``) to a roster person, or say why it could not be."""
    matched, unmatched = {}, {}
    if roster is None:
        return {i: _person_from_download(r) for i, r in enumerate(results) if i not in skip}, {}
    index: dict[tuple[str, str], list[Person]] = {}
    for person in roster.people:
        for attribute in UNIQUE:
            if getattr(person, attribute):
                index.setdefault((attribute, getattr(person, attribute).casefold()), []).append(person)
        for name in person.names:
            index.setdefault(("name", name), []).append(person)
    for i, r in enumerate(results):
        if i in skip:
            continue
        tries = [("participant", r.ids.get("moodle", "")), ("canvas", r.ids.get("canvas", ""))]
        tries += [
            (attribute, r.student.casefold())
            for attribute in ("email", "username", "idnumber", "sis_login_id", "sis_user_id")
        ]
        tries += [("name", _key(r.student))]
        for attribute, value in tries:
            found = index.get((attribute, value), []) if value else []
            if len(found) == 1:
                matched[i] = found[0]
                break
            if len(found) > 1:
                lines = ", ".join(str(p.line) for p in found)
                unmatched[i] = (
                    f"{len(found)} roster rows have this name (lines {lines}): name the submission by id or email"
                )
                break
        else:
            unmatched[i] = f"no row of {roster.path.name} has this student's name, id or email"
    by_person: dict[int, list[int]] = {}
    for i, person in matched.items():
        by_person.setdefault(person.line, []).append(i)
    for line, indices in by_person.items():
        if len(indices) > 1:
            names = ", ".join(results[i].student for i in indices)
            for i in indices:
                del matched[i]
                unmatched[i] = (
                    f"{names} all match line {line} of {roster.path.name}: left out so no grade overwrites another"
                )
    return matched, unmatched


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _assignment_column(name: str, roster: Roster | None) -> str:
    """The assignment's column header; with a Canvas roster, the title of one of its columns gains its id."""
    for header in roster.assignments if roster else []:
        if name in (header, re.sub(r"\s\(\d+\)$", "", header)):
            return header
    return name


def _canvas_name(person: Person, r) -> str:
    download = r.ids.get("download", "")
    return _key(download.split("_")[0] if download else person.sortable or r.student) or "student"


def export(out: Path, lms: str, roster_path: Path | None = None, assignment: str | None = None) -> dict[str, Path]:
    """Write ``out/lms/`` for ``lms`` from ``out/results.json``; remember the options for ``kurils marks``."""
    out = Path(out)
    roster = read_roster(Path(roster_path), lms) if roster_path else None
    try:
        results = [gradebook.Result(**r) for r in json.loads((out / "results.json").read_text(encoding="utf-8"))]
    except FileNotFoundError:
        _fail(f"{out} has no results.json: run `kurils grade` with --out {out} first")
    chapters = sorted({r.assignment for r in results if r.possible})
    if len(chapters) != 1:
        _fail(
            f"--lms writes one assignment column, but these submissions are for "
            f"{', '.join(chapters) or 'no chapter'}: grade with --chapter N"
        )
    (chapter,) = chapters
    points = max(r.out_of for r in results if r.assignment == chapter)  # every question, written ones too
    column = _assignment_column(assignment or chapter, roster)
    folder = out / "lms"
    folder.mkdir(exist_ok=True)
    other = {i for i, r in enumerate(results) if r.assignment != chapter}
    matched, unmatched = match(results, roster, other)
    left_out: dict[int, str] = dict(unmatched)
    for i in other:  # a notebook of another chapter, or no notebook at all: the teacher decides
        left_out[i] = f"not graded as {chapter} ({results[i].status}): left out of the LMS files"
    written = {}
    if lms == "canvas":
        rows = [
            ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column],
            ["Points Possible", "", "", "", "", f"{points:g}"],
        ]
        feedback = {}
        for i, r in enumerate(results):
            if i in other or (i in unmatched and "all match line" in unmatched[i]):
                continue
            person = matched.get(i) or _person_from_download(r)
            if not person.canvas:
                left_out.setdefault(i, "no Canvas user id: Canvas will match this row by name only, or ask you")
            name = person.sortable or person.name or r.student
            rows.append([name, person.canvas, person.sis_user_id, person.sis_login_id, person.section, f"{r.total:g}"])
            if person.canvas and r.ids.get("canvas_attachment") and r.ids.get("canvas") == person.canvas:
                feedback[
                    f"{_canvas_name(person, r)}_{person.canvas}_{r.ids['canvas_attachment']}_feedback-{r.assignment}.md"
                ] = r
            else:
                left_out.setdefault(i, "not from a Canvas bulk download: no feedback file in canvas-feedback.zip")
        written["grades"] = folder / "canvas-grades.csv"
        gradebook.atomic_write(written["grades"], _csv(rows))
        written["feedback"] = _zip(
            folder / "canvas-feedback.zip", {n: gradebook.feedback_text(r) for n, r in feedback.items()}
        )
    else:
        identifiers = [("email", "Email address"), ("idnumber", "ID number"), ("username", "Username")]
        have = {a: sum(1 for p in matched.values() if getattr(p, a)) for a, _ in identifiers}
        attribute, label = max(identifiers, key=lambda pair: have[pair[0]])
        rows = [[label, "Full name", column, "Feedback"]]
        sheet = [
            [
                "Identifier",
                "Full name",
                "Email address",
                "Grade",
                "Maximum Grade",
                "Last modified (grade)",
                "Feedback comments",
            ]
        ]
        now = time.strftime("%Y-%m-%d %H:%M:%S")
        files = {}
        for i, r in enumerate(results):
            if i in other:
                continue
            person = matched.get(i)
            if person is None and roster is None:
                person = _person_from_download(r)
            text = gradebook.feedback_text(r)
            if person is not None and getattr(person, attribute):
                rows.append([getattr(person, attribute), person.name or r.student, f"{r.total:g}", text])
            elif i not in left_out:
                where = " in the roster" if roster else " (give --roster, the Moodle participants export)"
                left_out[i] = f"no {label}{where}: not in moodle-grades.csv"
            participant = (person.participant if person else "") or r.ids.get("moodle", "")
            if participant:
                full = (person.name if person else "") or r.student
                sheet.append(
                    [
                        f"Participant {participant}",
                        full,
                        person.email if person else "",
                        f"{r.total:g}",
                        f"{points:g}",
                        now,
                        text,
                    ]
                )
                download = r.ids.get("download", "")
                folder_name = (
                    download
                    if r.ids.get("moodle") == participant
                    else f"{full.replace('_', ' ')}_{participant}_assignsubmission_file_"
                )
                files[f"{folder_name}/feedback-{r.assignment}.md"] = text
            elif i not in left_out:
                left_out[i] = "no Moodle participant id: not in moodle-worksheet.csv or moodle-feedback.zip"
        written["grades"] = folder / "moodle-grades.csv"
        gradebook.atomic_write(written["grades"], _csv(rows))
        written["worksheet"] = folder / "moodle-worksheet.csv"
        gradebook.atomic_write(written["worksheet"], _csv(sheet))
        written["feedback"] = _zip(folder / "moodle-feedback.zip", files)
    missing = []
    if roster:
        found = {p.line for p in matched.values()}
        missing = [p for p in roster.people if p.line not in found]
    report = [["student", "id", "assignment", "reason"]]
    report += [
        [results[i].student, gradebook.lms_id(results[i]), results[i].assignment, why]
        for i, why in sorted(left_out.items())
    ]
    report += [
        [
            (p.sortable if roster.kind == "canvas" else p.name) or p.name,
            p.canvas or p.participant or p.email,
            "",
            f"line {p.line} of {roster.path.name}: no submission was graded",
        ]
        for p in missing
    ]
    written["unmatched"] = folder / "unmatched.csv"
    gradebook.atomic_write(written["unmatched"], _csv(report))
    settings = {
        "lms": lms,
        "roster": str(Path(roster_path).resolve()) if roster_path else None,
        "assignment": assignment,
    }
    gradebook.atomic_write(folder / "settings.json", json.dumps(settings, indent=1))
    _say(results, left_out, missing, written, column, points)
    return written


def _zip(path: Path, files: dict[str, str]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(files.items()):
            archive.writestr(name, text)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(buffer.getvalue())
    temporary.replace(path)
    return path


def _say(results, left_out, missing, written, column, points) -> None:
    print(f"LMS files in {written['grades'].parent}: " + ", ".join(p.name for p in written.values()))
    print(f"assignment column: {column!r}, {points:g} points possible")
    if left_out or missing:
        print(
            f"{len(left_out)} submission(s) not fully matched, {len(missing)} roster student(s) without a submission:",
            file=sys.stderr,
        )
        for i, why in sorted(left_out.items()):
            print(f"  {results[i].student}: {why}", file=sys.stderr)
        for p in missing[:20]:
            print(
                f"  {_shown(p)} (roster line {p.line}): no submission",
                file=sys.stderr,
            )
        print(f"  (all listed in {written['unmatched']})", file=sys.stderr)
    pending = [r for r in results if r.unmarked]
    if pending:
        print(
            f"{len(pending)} student(s) have written answers still to be marked: their LMS score leaves those points "
            "out. Mark them, run `kurils marks`, and import the files again.",
            file=sys.stderr,
        )


def export_again(out: Path) -> dict[str, Path] | None:
    """After ``kurils marks``, rewrite the LMS files with the options of the last export, if any."""
    settings_file = Path(out) / "lms" / "settings.json"
    if not settings_file.exists():
        return None
    settings = json.loads(settings_file.read_text(encoding="utf-8"))
    return export(out, settings["lms"], settings.get("roster"), settings.get("assignment"))
