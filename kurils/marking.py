"""Written answers: exported for marking by hand, and the marks merged back into the gradebook.

``kurils grade`` calls ``export``: for each written question it writes ``written/chNN-qN.md`` (the
question, its rubric and the model answer, then every student's answer) and a marks sheet
``written/chNN-qN-marks.csv`` (student, mark, out_of, comment) with the mark left blank. A sheet that
already exists keeps every mark and comment in it; only students new to it are added.
``kurils marks OUT`` (``merge``) checks every sheet and puts the marks into ``gradebook.csv`` and the
feedback files; a wrong mark stops the merge with the file, line and problem, and changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jupytext
import yaml

from kurils import grading

HEADER = ["student", "mark", "out_of", "comment"]


def question_texts(master: Path) -> dict[str, dict[str, str]]:
    """For each question of a master, its prompt (with rubric) and its model answer, as Markdown."""
    texts: dict[str, dict[str, str]] = {}
    current, in_solution = None, False
    for cell in jupytext.read(master).cells:
        source = cell.source
        if cell.cell_type == "raw" and source.startswith("# BEGIN QUESTION"):
            current = yaml.safe_load(source.split("\n", 1)[1])["name"]
            texts[current] = {"prompt": "", "model": ""}
        elif cell.cell_type == "raw" and source.startswith("# BEGIN SOLUTION"):
            in_solution = True
        elif cell.cell_type == "raw" and source.startswith("# END SOLUTION"):
            in_solution = False
        elif cell.cell_type == "raw" and source.startswith("# END QUESTION"):
            current = None
        elif current and cell.cell_type == "markdown":
            texts[current]["model" if in_solution else "prompt"] += source.strip() + "\n\n"
    return texts


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
        texts = question_texts(masters_by_name[assignment])
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
            grading._atomic_write(folder / f"{assignment}-{question}.md", "\n".join(lines))
            sheet = folder / f"{assignment}-{question}-marks.csv"
            rows = _sheet(sheet)
            known = {row.get("student") for row in rows}
            new = [r for r in graded if r.student not in known]
            rows += [{"student": r.student, "mark": "", "out_of": f"{points:g}", "comment": ""} for r in new]
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, HEADER, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
            grading._atomic_write(sheet, buffer.getvalue())
            sheets.append(sheet)
    return sheets


def merge(out: Path) -> Path:
    """Put the marks from ``out/written/*-marks.csv`` into the gradebook; raise SystemExit on any bad mark."""
    out = Path(out)
    try:
        records = json.loads((out / "results.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(f"{out} has no results.json: run `kurils grade` with --out {out} first") from None
    results = [grading.Result(**record) for record in records]
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
        result.reasons[question] = [f"marked by hand: {comment}" if comment else "marked by hand"]
        if mark == result.possible[question] and not comment:
            result.reasons.pop(question)
    gradebook = grading.write_gradebook(results, out)
    print(f"merged {len(marks)} mark(s) into {gradebook}")
    from kurils import lms

    lms.export_again(out)  # the LMS files, when `kurils grade --lms` wrote some, follow the marks
    return gradebook
