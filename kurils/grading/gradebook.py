"""The gradebook: each student's result, and the files a teacher and an LMS read, always written whole.

- :class:`Result`: one student's grade for one assignment; ``results.json`` keeps them between
  ``kurils grade`` and ``kurils marks``.
- :func:`write`: ``gradebook.csv`` (one row per student and assignment), a Markdown feedback file per
  student, ``results.json``, the written answers and the class report (:mod:`kurils.grading.report`).
  Every file goes through :func:`atomic_write`, so a crash never leaves half a file.
- Written answers: :func:`export` writes, for each written question, ``written/chNN-qN.md`` (the
  question, its rubric and the model answer, then every student's answer) and a marks sheet
  ``written/chNN-qN-marks.csv`` (student, mark, out_of, comment) with the mark left blank. A sheet that
  already exists keeps every mark and comment in it; only students new to it are added.
- :func:`merge` (``kurils marks OUT``) checks every sheet and puts the marks into ``gradebook.csv`` and
  the feedback files; a wrong mark stops the merge with the file, line and problem, and changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kurils import checks
from kurils.grading import masters, report

HEADER = ["student", "mark", "out_of", "comment"]


@dataclass
class Result:
    """One student's grade for one assignment."""

    student: str
    assignment: str
    status: str
    scores: dict[str, float | None] = field(default_factory=dict)
    possible: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    #: LMS ids found in the bulk-download name: ``moodle`` (participant id), ``canvas`` (user id),
    #: ``canvas_attachment`` (the submitted file's id) and ``download`` (the name as downloaded).
    ids: dict[str, str] = field(default_factory=dict)
    #: Each auto-graded question's answer in a line, when short (for the class report).
    answers: dict[str, str] = field(default_factory=dict)
    #: The language the notebook was handed out in (``kurils release --language``): its feedback's language.
    language: str = "en"

    @property
    def total(self) -> float:
        return sum(s for s in self.scores.values() if s is not None)

    @property
    def out_of(self) -> float:
        """Every question's points, written answers included even before they are marked."""
        return sum(self.possible.values())

    @property
    def unmarked(self) -> list[str]:
        """Questions still to be marked by hand."""
        return [q for q in self.possible if self.scores.get(q) is None]

    def fail(self, reason: str) -> Result:
        """Record ``reason`` as the status and as the reason every autograded question scored nothing."""
        self.status = reason
        for question, score in self.scores.items():
            if score is not None:
                self.reasons[question] = [reason]
        return self


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so a crash never leaves half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def lms_id(r: Result) -> str:
    """The id the LMS gave the student in its bulk-download name (Moodle participant id, Canvas user id)."""
    return r.ids.get("moodle") or r.ids.get("canvas") or ""


def status(r: Result) -> str:
    """The result's status, saying which written answers (and how many points) are still to be marked."""
    if not r.unmarked:
        return r.status
    points = sum(r.possible[q] for q in r.unmarked)
    return f"{r.status}; {', '.join(r.unmarked)} to be graded by hand: {points:g} points still to be marked"


#: The reason a written answer shows until it is marked (then the rubric, from the master).
BY_HAND = "graded by hand by your teacher"
#: ... and once it is marked (``kurils marks``), with the teacher's comment.
MARKED = "marked by hand"


def feedback_text(r: Result) -> str:
    """A student's feedback, as Markdown: the score, then each question's points and reasons, in the
    language the notebook was handed out in (a refused answer's reason and a run's errors stay English)."""

    def say(sentence: str, **slots: str) -> str:
        return checks.say(r.language, sentence, **slots)

    messages = checks.check_messages(r.language, hidden=True)
    rubrics = _rubrics(r.language, r.assignment)
    first, *notes = r.status.split("; ")
    status = "; ".join([say(first) if first == "graded" else first, *notes])
    lines = [say("# Feedback for {student}: {assignment}", student=r.student, assignment=r.assignment), ""]
    lines += [say("Status: {status}", status=status), ""]
    total, out_of = f"{r.total:g}", f"{r.out_of:g}"
    if r.unmarked:
        pending = f"{sum(r.possible[q] for q in r.unmarked):g}"
        sentence = "Score so far: {total} / {out_of} ({pending} points still to be marked by hand)"
        lines += [say(sentence, total=total, out_of=out_of, pending=pending), ""]
    else:
        lines += [say("Score: {total} / {out_of}", total=total, out_of=out_of), ""]
    for q in sorted(r.possible, key=lambda q: (len(q), q)):
        score = say("by hand") if r.scores.get(q) is None else f"{r.scores[q]:g} / {r.possible[q]:g}"
        lines.append(f"- **{q}** ({score})" + ("" if q in r.reasons else f": {say('full marks')}"))
        for reason in r.reasons.get(q, []):
            if reason.startswith(BY_HAND):
                rubric = reason.removeprefix(BY_HAND).removeprefix(". ")
                said = say(BY_HAND + ". {rubric}", rubric=rubrics.get(rubric, rubric)) if rubric else say(BY_HAND)
            elif reason.startswith(MARKED + ": "):
                said = say(MARKED + ": {comment}", comment=reason.removeprefix(MARKED + ": "))
            elif reason == MARKED:
                said = say(MARKED)
            else:
                said = checks.said_in(r.language, reason, messages)
            lines.append(f"  - {said}")
    return "\n".join(lines) + "\n"


def _rubrics(language: str, assignment: str) -> dict[str, str]:
    """A master's rubric paragraphs (as :func:`masters.questions` gives them, on one line) in ``language``."""
    from kurils import i18n

    words = i18n.kernel_translations(language, f"exercises/{assignment}") if language != "en" else {}
    return {" ".join(english.split()): " ".join(text.split()) for english, text in words.items()}


def write(results: list[Result], out: Path, masters_by_name: dict[str, Path] | None = None) -> Path:
    """One row per student and assignment (LMS-importable CSV); a Markdown feedback file per student.

    Also ``results.json`` (what ``kurils marks`` reads back) and, for each written question, a file
    of every student's answer plus a marks sheet (``written/``).
    """
    out.mkdir(parents=True, exist_ok=True)
    columns = sorted({q for r in results for q in r.possible}, key=lambda q: (len(q), q))
    assignments = sorted({r.assignment for r in results if r.possible})
    several = len(assignments) > 1

    def column(r: Result, q: str) -> str:
        return f"{r.assignment}-{q}" if several else q

    headers = sorted({column(r, q) for r in results for q in r.possible}, key=lambda c: (c.split("-")[0], len(c), c))
    if not several:
        headers = columns
    rows = []
    for r in results:
        cells = {column(r, q): "" if r.scores.get(q) is None else f"{r.scores[q]:g}" for q in r.possible}
        percentage = f"{100 * r.total / r.out_of:.1f}" if r.out_of else "0.0"
        rows.append([r.student, lms_id(r), r.assignment, *[cells.get(h, "") for h in headers]])
        rows[-1] += [f"{r.total:g}", f"{r.out_of:g}", percentage, status(r)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", "id", "assignment", *headers, "total", "possible", "percentage", "status"])
    writer.writerows(rows)
    gradebook = out / "gradebook.csv"
    atomic_write(gradebook, buffer.getvalue())
    atomic_write(out / "results.json", json.dumps([asdict(r) for r in results], indent=1, ensure_ascii=False))
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    for r in results:
        safe = re.sub(r"[^\w.-]+", "_", f"{r.student}-{r.assignment}")
        atomic_write(feedback / f"{safe}.md", feedback_text(r))
    if masters_by_name:
        export(results, out, masters_by_name)
    report.write(results, out)
    return gradebook


def _sheet(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def export(results: list, out: Path, masters_by_name: dict[str, Path]) -> list[Path]:
    """Write each written question's answers and marks sheet under ``out/written``; return the sheets."""
    folder = out / "written"
    sheets = []
    for assignment in sorted({r.assignment for r in results if r.written}):
        texts = masters.question_texts(masters_by_name[assignment])
        graded = [r for r in results if r.assignment == assignment and r.written]
        for question in sorted({q for r in graded for q in r.written}):
            folder.mkdir(parents=True, exist_ok=True)
            points = next(r.possible[question] for r in graded if question in r.possible)
            lines = [f"# {assignment} {question}: written answers ({len(graded)} students, {points:g} points)", ""]
            lines += [texts.get(question, {}).get("prompt", "").strip(), ""]
            model = texts.get(question, {}).get("model", "").strip()
            if model:
                lines += ["## Model answer (for the teacher)", "", model, ""]
            for r in graded:
                lines += [f"## {r.student}", "", r.written.get(question) or "*(no answer)*", ""]
            atomic_write(folder / f"{assignment}-{question}.md", "\n".join(lines))
            sheet = folder / f"{assignment}-{question}-marks.csv"
            rows = _sheet(sheet)
            known = {row.get("student") for row in rows}
            new = [r for r in graded if r.student not in known]
            rows += [{"student": r.student, "mark": "", "out_of": f"{points:g}", "comment": ""} for r in new]
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, HEADER, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
            atomic_write(sheet, buffer.getvalue())
            sheets.append(sheet)
    return sheets


def merge(out: Path) -> Path:
    """Put the marks from ``out/written/*-marks.csv`` into the gradebook; raise SystemExit on any bad mark."""
    out = Path(out)
    try:
        records = json.loads((out / "results.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(f"{out} has no results.json: run `kurils grade` with --out {out} first") from None
    results = [Result(**record) for record in records]
    by_key = {(r.student, r.assignment): r for r in results}
    problems, marks = [], []
    for sheet in sorted((out / "written").glob("*-marks.csv")):
        assignment, question = sheet.name.removesuffix("-marks.csv").rsplit("-", 1)
        rows = _sheet(sheet)
        with sheet.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle), [])
        missing = [column for column in ("student", "mark") if column not in header]
        if missing:  # a renamed column would otherwise skip every mark in the sheet
            problems.append(
                f"{sheet.name}, line 1: no {' or '.join(missing)} column (the header must be {','.join(HEADER)})"
            )
            continue
        for line, row in enumerate(rows, start=2):
            where = f"{sheet.name}, line {line} ({row.get('student', '')})"
            text = (row.get("mark") or "").strip()
            result = by_key.get((row.get("student", ""), assignment))
            if result is None:
                problems.append(f"{where}: no student of that name was graded for {assignment}")
                continue
            if question not in result.possible:
                problems.append(f"{where}: {assignment} has no question {question}")
                continue
            if not text:
                continue  # not marked yet
            try:
                mark = float(text)
            except ValueError:
                mark = -1.0
            if not 0 <= mark <= result.possible[question]:
                problems.append(f"{where}: mark {text!r} is not a number from 0 to {result.possible[question]:g}")
                continue
            marks.append((result, question, mark, (row.get("comment") or "").strip()))
    if problems:
        raise SystemExit("marks not merged; nothing was changed:\n  " + "\n  ".join(problems))
    for result, question, mark, comment in marks:
        result.scores[question] = mark
        result.reasons[question] = [f"{MARKED}: {comment}" if comment else MARKED]
        if mark == result.possible[question] and not comment:
            result.reasons.pop(question)
    written = write(results, out)
    print(f"merged {len(marks)} mark(s) into {written}")
    return written
