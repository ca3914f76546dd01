"""Student releases and class grading, built on otter-grader.

``release`` turns each instructor master (``exercises/chNN/chNN.md``, a MyST
notebook in otter-assign format) into a student notebook without solutions or
hidden tests, and an autograder zip that only the teacher keeps. ``grade`` runs
every submitted notebook in a folder against those zips, one at a time, each in
a scratch copy with a time limit, and writes a gradebook CSV and a feedback file
per student. A submission that is empty, not JSON, raises or loops still gets a
row saying so; the originals are never modified.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
RELEASE = BUILD / "release"
AUTOGRADER = BUILD / "autograder"
TIME_LIMIT = 120

#: Text that must never appear in a student notebook or on the public site.
LEAK_MARKERS = ("# HIDDEN", "BEGIN SOLUTION", "END SOLUTION", "# SOLUTION", "BEGIN TESTS", "ASSIGNMENT CONFIG")


# --- release -------------------------------------------------------------------------------------


def masters(masters_dir: Path) -> dict[str, Path]:
    """Map assignment name to master file: ``chNN/chNN.md`` (or ``.ipynb``) under ``masters_dir``."""
    found = {}
    for path in sorted(Path(masters_dir).glob("*/*")):
        if path.suffix in (".md", ".ipynb") and path.stem == path.parent.name:
            found[path.stem] = path
    if not found:
        raise SystemExit(f"no exercise masters found in {masters_dir} (expected NAME/NAME.md)")
    return found


def hidden_tests(master: Path) -> list[str]:
    """The source of every hidden test cell in a master, for the leak scan."""
    notebook = jupytext.read(master)
    return [
        cell.source.split("\n", 1)[1].strip()
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.lstrip().startswith("# HIDDEN")
    ]


def solution_lines(master: Path) -> list[str]:
    """Lines of solution code in a master (marked ``# SOLUTION`` or inside BEGIN/END SOLUTION)."""
    lines, inside = [], False
    for cell in jupytext.read(master).cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            if "# BEGIN SOLUTION" in line:
                inside = True
            elif "# END SOLUTION" in line:
                inside = False
            elif inside or line.rstrip().endswith("# SOLUTION"):
                code = line.split("# SOLUTION")[0].strip()
                if len(code) > 12:  # short lines such as `x = 1` could appear innocently
                    lines.append(code)
    return lines


def leaks(text: str, master: Path) -> list[str]:
    """What in ``text`` gives away a solution or a hidden test of ``master``."""
    found = [f"marker {m!r}" for m in LEAK_MARKERS if m in text]
    found += [f"hidden test {t.splitlines()[0]!r}" for t in hidden_tests(master) if t.splitlines()[0] in text]
    found += [f"solution line {s!r}" for s in solution_lines(master) if s in text]
    return found


def release(masters_dir: Path, out: Path = RELEASE, autograder_dir: Path = AUTOGRADER) -> dict[str, Path]:
    """Write a student notebook per master into ``out`` and its autograder zip into ``autograder_dir``."""
    written = {}
    for name, master in masters(masters_dir).items():
        work = BUILD / "assign" / name
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        source = work / f"{name}.ipynb"
        nbformat.write(jupytext.read(master), source)
        result = subprocess.run(
            [sys.executable, "-m", "otter", "assign", "--no-pdfs", str(source), str(work / "dist")],
            cwd=work,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SystemExit(f"otter assign failed for {master}:\n{result.stdout}\n{result.stderr}")
        student = work / "dist" / "student" / f"{name}.ipynb"
        problems = leaks(student.read_text(encoding="utf-8"), master)
        if problems:
            raise SystemExit(f"refusing to release {name}: the student notebook contains {'; '.join(problems)}")
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(student, out / f"{name}.ipynb")
        autograder_dir.mkdir(parents=True, exist_ok=True)
        (zip_file,) = (work / "dist" / "autograder").glob("*.zip")
        shutil.copyfile(zip_file, autograder_dir / f"{name}.zip")
        written[name] = out / f"{name}.ipynb"
    return written


# --- grading -------------------------------------------------------------------------------------


def questions(master: Path) -> dict[str, dict]:
    """Each question's points and whether it is graded by hand, from the master's config cells."""
    found = {}
    for cell in jupytext.read(master).cells:
        if cell.cell_type == "raw" and cell.source.startswith("# BEGIN QUESTION"):
            config = yaml.safe_load(cell.source.split("\n", 1)[1])
            found[config["name"]] = {"points": float(config.get("points", 1)), "manual": bool(config.get("manual"))}
    return found


@dataclass
class Result:
    """One student's grade for one assignment."""

    student: str
    assignment: str
    status: str
    scores: dict[str, float | None] = field(default_factory=dict)
    possible: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(s for s in self.scores.values() if s is not None)

    @property
    def out_of(self) -> float:
        return sum(p for q, p in self.possible.items() if self.scores.get(q) is not None)

    def fail(self, reason: str) -> Result:
        """Record ``reason`` as the status and as the reason every autograded question scored nothing."""
        self.status = reason
        for question, score in self.scores.items():
            if score is not None:
                self.reasons[question] = [reason]
        return self


def _student_name(path: Path, folder: Path) -> str:
    """A student is named by their folder when each has one, else by the file name."""
    relative = path.relative_to(folder)
    return relative.parts[0] if len(relative.parts) > 1 else path.stem


def _assignment_of(notebook: object, path: Path, known: list[str]) -> str | None:
    """From the notebook's otter metadata, else from its file name, else the only assignment."""
    if isinstance(notebook, dict):
        otter_meta = notebook.get("metadata", {}).get("otter", {})
        name = otter_meta.get("assignment_name") if isinstance(otter_meta, dict) else None
        if name in known:
            return name
    for name in known:
        if re.search(rf"(^|[^a-z0-9]){re.escape(name)}([^a-z0-9]|$)", path.name.lower()):
            return name
    return known[0] if len(known) == 1 else None


def _reason(name: str, hidden: bool, message: str) -> str:
    """A one-line reason for a failed check, without revealing a hidden test's code."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    error = next((line for line in reversed(lines) if re.match(r"^[A-Za-z_.]*(Error|Exception)\b", line)), "")
    kind = "a hidden check" if hidden else "a public check"
    return f"{kind} failed" + (f": {error}" if error else "")


def _run_worker(copy: Path, zip_path: Path, time_limit: int) -> tuple[dict | None, str]:
    """Run the grading worker in its own process group, killed after ``time_limit`` seconds."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kurils.grade_worker", str(copy), str(zip_path), str(max(time_limit // 2, 5))],
        cwd=copy.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=time_limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None, f"timed out: grading took longer than {time_limit} s (does a cell loop forever?)"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the kernel the worker started, if still there
        except ProcessLookupError:
            pass
    try:
        return json.loads(out.strip().splitlines()[-1]), ""
    except (IndexError, json.JSONDecodeError):
        tail = " ".join(err.strip().splitlines()[-2:])
        return None, f"could not be graded: {tail or 'the grader stopped without a result'}"


def grade_one(path: Path, student: str, masters_by_name: dict[str, Path], time_limit: int = TIME_LIMIT) -> Result:
    """Grade one submission file. Never raises for a bad submission: the status says what was wrong."""
    known = sorted(masters_by_name)
    raw = path.read_bytes()
    notebook: object = None
    problem = ""
    if not raw.strip():
        problem = "empty file: nothing to grade"
    else:
        try:
            notebook = json.loads(raw)
            nbformat.validate(nbformat.reads(raw.decode("utf-8"), as_version=4))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            problem = f"not a notebook: the file is not valid JSON ({error})"
        except Exception as error:  # nbformat raises several kinds for malformed notebooks
            problem = f"not a valid notebook: {str(error).splitlines()[0]}"
    assignment = _assignment_of(notebook, path, known)
    if assignment is None:
        return Result(student, "?", problem or f"cannot tell which assignment this is (known: {', '.join(known)})")

    result = Result(student, assignment, "graded")
    spec = questions(masters_by_name[assignment])
    for question, meta in spec.items():
        result.possible[question] = meta["points"]
        result.scores[question] = None if meta["manual"] else 0.0
        if meta["manual"]:
            result.reasons[question] = ["graded by hand by your teacher, with the rubric in the exercise"]

    if not problem and not any(
        cell.get("cell_type") == "code" and "".join(cell.get("source", "")).strip()
        for cell in notebook.get("cells", [])  # type: ignore[union-attr]
    ):
        problem = "empty notebook: it has no code to run"
    if problem:
        return result.fail(problem)

    with tempfile.TemporaryDirectory(prefix="kurils-grade-") as scratch:
        copy = Path(scratch) / f"{assignment}.ipynb"  # otter's init cell looks for this name
        copy.write_bytes(raw)
        report, failure = _run_worker(copy, AUTOGRADER / f"{assignment}.zip", time_limit)
    if report is None or report.get("results") is None:
        report = report or {}
        return result.fail(failure or report.get("timeout") or report.get("grader_error") or "could not be graded")
    for question, outcome in report["results"].items():
        result.scores[question] = round(float(outcome["score"]), 2)
        result.possible[question] = float(outcome["possible"])
        if outcome["failed"]:
            result.reasons[question] = [_reason(*failed) for failed in outcome["failed"]]
    notes = report["errors"][:3] + ([report["timeout"]] if report.get("timeout") else [])
    if len(report["errors"]) > 3:
        notes.append(f"and {len(report['errors']) - 3} more cells raised errors")
    result.status = "; ".join(["graded", *notes])
    return result


def grade(folder: Path, masters_dir: Path, out: Path = BUILD / "grades", time_limit: int = TIME_LIMIT) -> Path:
    """Grade every notebook under ``folder`` into ``out/gradebook.csv`` and ``out/feedback/``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"{folder} is not a folder of submissions")
    masters_by_name = masters(masters_dir)
    release(masters_dir)  # fresh autograder zips from these masters
    submissions = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not submissions:
        raise SystemExit(f"no .ipynb files in {folder}")
    results = []
    for path in submissions:
        print(f"grading {path.relative_to(folder)} ...", flush=True)
        results.append(grade_one(path, _student_name(path, folder), masters_by_name, time_limit))
    gradebook = write_gradebook(results, out)
    print(f"gradebook: {gradebook}\nfeedback:  {out / 'feedback'}")
    return gradebook


def write_gradebook(results: list[Result], out: Path) -> Path:
    """One row per student and assignment (LMS-importable CSV); a Markdown feedback file per student."""
    out.mkdir(parents=True, exist_ok=True)
    columns = sorted({q for r in results for q in r.possible}, key=lambda q: (len(q), q))
    gradebook = out / "gradebook.csv"
    with gradebook.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", *columns, "total", "possible", "percentage", "status"])
        for r in results:
            cells = ["" if r.scores.get(q) is None else f"{r.scores[q]:g}" for q in columns]
            percentage = f"{100 * r.total / r.out_of:.1f}" if r.out_of else "0.0"
            by_hand = [q for q in r.possible if r.scores.get(q) is None]
            status = r.status + (f"; {', '.join(by_hand)} to be graded by hand" if by_hand else "")
            writer.writerow([r.student, r.assignment, *cells, f"{r.total:g}", f"{r.out_of:g}", percentage, status])
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    for r in results:
        lines = [f"# Feedback for {r.student}: {r.assignment}", "", f"Status: {r.status}", ""]
        lines += [f"Autograded score: {r.total:g} / {r.out_of:g}", ""]
        for q in columns:
            if q not in r.possible:
                continue
            score = "by hand" if r.scores.get(q) is None else f"{r.scores[q]:g} / {r.possible[q]:g}"
            lines.append(f"- **{q}** ({score})" + ("" if q in r.reasons else ": full marks"))
            lines.extend(f"  - {reason}" for reason in r.reasons.get(q, []))
        safe = re.sub(r"[^\w.-]+", "_", f"{r.student}-{r.assignment}")
        (feedback / f"{safe}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return gradebook
