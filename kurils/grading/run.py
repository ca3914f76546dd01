"""Class grading: every submitted notebook in a folder, graded against the masters' checks.

``grade`` builds the autograder zips afresh from the masters (:func:`kurils.grading.release.assign_all`),
then grades several submissions at once (one per core by default), each in a scratch copy with a time
limit, its kernel in a sandbox (:mod:`kurils.grading.sandbox`) and its checks run by the worker
(:mod:`kurils.grading.worker`); the gradebook, feedback and written answers are written by
:mod:`kurils.grading.gradebook`. A submission that is empty, not JSON, raises or loops still gets a
row saying so; the originals are never modified.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

import nbformat

from kurils import checks
from kurils.course import BUILD, ROOT
from kurils.grading import gradebook, masters, release, worker
from kurils.grading import lms as lms_export
from kurils.grading import sandbox as sandboxing
from kurils.grading.gradebook import Result
from kurils.grading.sandbox import Limits

TIME_LIMIT = 120


#: LMS bulk downloads. Moodle names each student's folder "Full Name_PARTICIPANTID_assignsubmission_file_"
#: (mod/assign/locallib.php, download_submissions); Canvas names each file
#: "sortablename[_LATE]_USERID_ATTACHMENTID_file.ipynb" (lib/content_zipper.rb, get_filename and
#: add_upload_submission), the sortable name lower-cased with everything but letters and digits removed.
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<moodle>\d+)_assign(?:submission|feedback)_\w*$")
_CANVAS = re.compile(r"^(?P<name>[^\W_]+)(?:_late)?_(?P<canvas>\d+)_(?P<canvas_attachment>\d+)_.+$", re.IGNORECASE)


def student_identity(path: Path, folder: Path) -> tuple[str, dict[str, str]]:
    """The student's name (their folder when each has one, else the file name) and the LMS ids in it."""
    relative = path.relative_to(folder)
    name = relative.parts[0] if len(relative.parts) > 1 else path.stem
    for pattern in (_MOODLE, _CANVAS):
        match = pattern.match(name)
        if match:
            ids = {key: value for key, value in match.groupdict().items() if key != "name"}
            return match["name"], {**ids, "download": name}
    return name, {}


def _assignment_of(notebook: object, path: Path, known: list[str]) -> str | None:
    """From the notebook's otter metadata, else from its file name, else the only assignment."""
    if isinstance(notebook, dict):
        otter_meta = notebook.get("metadata", {}).get("otter", {})
        name = otter_meta.get("assignment_name") if isinstance(otter_meta, dict) else None
        if isinstance(name, str) and re.fullmatch(r"[a-z0-9_-]+", name):
            return name
    match = re.search(r"(?:^|[^a-z0-9])(ch\d\d)(?:[^a-z0-9]|$)", path.name.lower())
    if match:
        return match[1]
    return known[0] if len(known) == 1 else None


def _run_worker(
    copy: Path, zip_path: Path, time_limit: int, hide: list[Path] | None, limits: Limits | None = None
) -> tuple[dict | None, str]:
    """Run the grading worker in its own process group, killed after ``time_limit`` seconds."""
    report = copy.parent.parent / "report.json"
    log = copy.parent.parent / "worker.log"
    args = [str(copy), str(zip_path), str(max(time_limit // 2, 5)), str(report)]
    if hide is not None:
        args.append(json.dumps({"hide": [str(h) for h in hide], "limits": asdict(limits or Limits())}))
    # Forked from the fork server (no Python start-up, no imports); the worker makes itself a process group.
    process = release.forkserver().Process(target=worker.detached, args=(args, str(log), str(copy.parent)))
    process.start()
    try:
        process.join(timeout=time_limit)
        if process.exitcode is None:
            raise TimeoutError
    except TimeoutError:
        try:
            progress = json.loads(Path(f"{report}.cell").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            progress = {"cell": "the kernel's start", "errors": []}
        said = f"timed out: grading took longer than {time_limit} s, stopped during {progress['cell']} (a loop?)"
        return None, "; before it, ".join([said, *progress["errors"]])
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the worker and the kernel it started, if still there
        except (ProcessLookupError, PermissionError):
            pass
        process.join()
    try:
        return json.loads(report.read_text(encoding="utf-8")), ""
    except (OSError, json.JSONDecodeError):
        with log.open("rb") as handle:
            handle.seek(max(0, log.stat().st_size - 2000))
            tail = " ".join(handle.read().decode("utf-8", "replace").strip().splitlines()[-2:])
        return None, f"could not be graded: {tail or 'the grader stopped without a result'}"


def written_answers(notebook: dict, manual: list[str]) -> dict[str, str]:
    """The text of each written (manually graded) answer, in question order.

    otter wraps each manually graded question in ``<!-- BEGIN QUESTION -->`` ... ``<!-- END QUESTION -->``
    and tags the answer cells ``otter_answer_cell``.
    """
    answers: list[list[str]] = []
    inside = False
    for cell in notebook.get("cells", []):
        source = "".join(cell.get("source", ""))
        if "<!-- BEGIN QUESTION -->" in source:
            inside = True
            answers.append([])
        elif "<!-- END QUESTION -->" in source:
            inside = False
        elif inside and "otter_answer_cell" in cell.get("metadata", {}).get("tags", []):
            text = source.strip()
            if text and text != "_Type your answer here, replacing this text._":
                answers[-1].append(text)
    return {q: "\n\n".join(answers[i]) if i < len(answers) else "" for i, q in enumerate(manual)}


#: What a file handed in as a notebook is, from its first bytes, for a status a teacher can act on.
FILE_KINDS = {
    b"%PDF": "a PDF (ask for the .ipynb file itself, not a printout)",
    b"PK\x03\x04": "a zip archive, or a Word or other Office document (ask for the .ipynb file itself)",
    b"\x89PNG": "a PNG image (a screenshot?)",
    b"\xff\xd8\xff": "a JPEG image (a photo or screenshot?)",
    b"<!DOCTYPE html": "a web page (the notebook saved as HTML?)",
    b"<html": "a web page (the notebook saved as HTML?)",
}


def grade_one(
    path: Path,
    student: str,
    zips: dict[str, Path],
    masters_by_name: dict[str, Path],
    time_limit: int = TIME_LIMIT,
    hide: list[Path] | None = None,
    chapter: str | None = None,
    limits: Limits | None = None,
) -> Result:
    """Grade one submission file. Never raises for a bad submission: the status says what was wrong.

    ``zips`` maps assignment name to its autograder zip; ``hide`` lists folders the sandboxed kernel
    must not see (``None``: no sandbox); with ``chapter``, a notebook of another chapter is not graded.
    """
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
            kind = next((k for magic, k in FILE_KINDS.items() if raw.startswith(magic)), None)
            problem = f"not a notebook: the file is {kind or f'not valid JSON ({error})'}"
        except Exception as error:  # nbformat raises several kinds for malformed notebooks
            problem = f"not a valid notebook: {str(error).splitlines()[0]}"
    assignment = _assignment_of(notebook, path, [chapter] if chapter else known)
    if assignment is None:
        return Result(student, "?", problem or f"cannot tell which assignment this is (known: {', '.join(known)})")
    if chapter and assignment != chapter:
        return Result(student, assignment, f"not graded: this is a {assignment} notebook, but {chapter} was asked for")
    if assignment not in masters_by_name:
        return Result(student, assignment, f"not graded: no master for {assignment} (known: {', '.join(known)})")

    result = Result(student, assignment, "graded", language=checks.notebook_language(notebook))
    spec = masters.questions(masters_by_name[assignment])
    for question, meta in spec.items():
        result.possible[question] = meta["points"]
        result.scores[question] = None if meta["manual"] else 0.0
        if meta["manual"]:
            rubric = meta.get("rubric")
            result.reasons[question] = [gradebook.BY_HAND + (f". {rubric}" if rubric else "")]

    if not problem and not any(
        cell.get("cell_type") == "code" and "".join(cell.get("source", "")).strip()
        for cell in notebook.get("cells", [])  # type: ignore[union-attr]
    ):
        problem = "empty notebook: it has no code to run"
    if problem:
        return result.fail(problem)
    result.written = written_answers(notebook, [q for q, meta in spec.items() if meta["manual"]])  # type: ignore[arg-type]

    with tempfile.TemporaryDirectory(prefix="kurils-grade-") as private:
        scratch = Path(private) / "scratch"
        scratch.mkdir()
        copy = scratch / f"{assignment}.ipynb"  # otter's init cell looks for this name
        copy.write_bytes(raw)
        report, failure = _run_worker(copy, zips[assignment], time_limit, hide, limits)
    if report is None or report.get("results") is None:
        report = report or {}
        return result.fail(failure or report.get("timeout") or report.get("grader_error") or "could not be graded")
    for question, outcome in report["results"].items():
        result.scores[question] = round(float(outcome["score"]), 2)
        result.possible[question] = float(outcome["possible"])
        if outcome["failed"]:
            result.reasons[question] = checks.reasons([(hidden, message) for _, hidden, message in outcome["failed"]])
        if outcome.get("answer"):
            result.answers[question] = outcome["answer"]
    notes = report["errors"][:3] + ([report["timeout"]] if report.get("timeout") else [])
    if len(report["errors"]) > 3:
        notes.append(f"and {len(report['errors']) - 3} more cells raised errors")
    result.status = "; ".join(["graded", *notes])
    return result


def _progress(iterable, total: int):
    """A progress bar on a terminal (tqdm), a plain count every tenth notebook otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        yield from tqdm(iterable, total=total, unit="notebook", desc="grading")
        return
    for done, item in enumerate(iterable, 1):
        if done == total or done % max(1, total // 10) == 0:
            print(f"graded {done} of {total}", file=sys.stderr, flush=True)
        yield item


def grade(
    folder: Path,
    masters_dir: Path,
    out: Path = BUILD / "grades",
    time_limit: int = TIME_LIMIT,
    chapter: str | int | None = None,
    jobs: int | None = None,
    sandbox: bool | None = None,
    lms: str | None = None,
    roster: Path | None = None,
    assignment: str | None = None,
    limits: Limits | None = None,
) -> Path:
    """Grade every notebook under ``folder`` into ``out/gradebook.csv``, ``out/feedback/`` and ``out/written/``.

    ``jobs`` notebooks are graded at once (default: one per core). ``sandbox``: True requires
    bubblewrap, False turns it off, None uses it when the machine has it. With ``lms`` ("canvas" or
    "moodle"), also the files that LMS imports as they are, into ``out/lms/`` (see :mod:`kurils.grading.lms`),
    students matched against ``roster`` (the LMS's own export) when given.
    """
    if lms is not None:  # bad LMS options fail before the slow part, not after it
        lms_export.check_options(lms, roster)
    limits = limits or Limits()
    given = {"--memory": limits.memory_mb, "--processes": limits.processes, "--cpu": limits.cpu_seconds}
    for option, value in given.items():
        if value < 1:
            raise SystemExit(f"{option} {value}: give a positive number")

    folder, out, masters_dir = Path(folder).resolve(), Path(out).resolve(), Path(masters_dir).resolve()
    if not folder.is_dir():
        raise SystemExit(f"{folder} is not a folder of submissions")
    if out.is_relative_to(folder):
        raise SystemExit(f"the output folder {out} must not be inside the submissions folder {folder}")
    masters_by_name = masters.find(masters_dir)
    wanted = masters.chapter_name(chapter) if chapter is not None else None
    if wanted and wanted not in masters_by_name:
        raise SystemExit(f"no master for {wanted} in {masters_dir} (found: {', '.join(masters_by_name)})")
    submissions = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not submissions:
        raise SystemExit(f"no .ipynb files in {folder}")
    if sandbox is None:
        sandbox = sandboxing.available()
        if not sandbox:
            print(
                "warning: bubblewrap is not available, so student code runs WITHOUT a sandbox and can read any "
                "file you can read (install it with: sudo apt-get install bubblewrap)",
                file=sys.stderr,
            )
    elif sandbox and not sandboxing.available():
        raise SystemExit(
            f"cannot grade in the sandbox: {sandboxing.unavailable_reason()}. To grade without isolation (student "
            "code can then read any file you can read), pass --no-sandbox."
        )
    out.mkdir(parents=True, exist_ok=True)
    hide = [masters_dir, out, folder, BUILD, ROOT / "exercises"] if sandbox else None
    jobs = max(1, jobs or os.cpu_count() or 1)

    with tempfile.TemporaryDirectory(prefix="kurils-autograder-") as private:
        # The autograder zips are built afresh from these masters, in a folder the sandbox hides.
        needed = [wanted] if wanted else sorted(masters_by_name)
        # The masters' own tests ran at release (and in the test suite); running them again here would
        # cost one notebook per chapter and print the kernel's warnings in the teacher's terminal.
        jobs_ = {name: (masters_by_name[name], Path(private) / name) for name in needed}
        built = release.assign_all(jobs_, run_tests=False, workers=jobs)
        zips = {name: zip_file for name, (_, zip_file) in built.items()}
        work = [(path, *student_identity(path, folder)) for path in submissions]
        with ThreadPoolExecutor(jobs) as pool:
            futures = {
                pool.submit(grade_one, p, s, zips, masters_by_name, time_limit, hide, wanted, limits): ids
                for p, s, ids in work
            }
            results = []
            for future in _progress(as_completed(futures), len(futures)):
                results.append(future.result())
                results[-1].ids = futures[future]
    results.sort(key=lambda r: (r.student, r.assignment))
    written = gradebook.write(results, out, masters_by_name)
    print(f"gradebook: {written}\nfeedback:  {out / 'feedback'}")
    if lms is not None:
        lms_export.export(out, lms, roster, assignment)
    return written
