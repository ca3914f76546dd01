"""Student releases and class grading, built on otter-grader.

``release`` turns each instructor master (``exercises/chNN/chNN.md``, a MyST
notebook in otter-assign format) into a student notebook without solutions or
hidden tests, and an autograder zip that only the teacher keeps. ``grade`` runs
every submitted notebook in a folder against those zips, several at once (one per
core by default), each in a scratch copy with a time limit, and writes a gradebook
CSV and a feedback file per student. A submission that is empty, not JSON, raises or loops still gets a
row saying so; the originals are never modified.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

import jupytext
import nbformat
import yaml

from kurils import checks
from kurils.sandbox import Limits

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
RELEASE = BUILD / "release"
AUTOGRADER = BUILD / "autograder"
TIME_LIMIT = 120

#: otter's init cell, as JSON text in the released notebook, and what replaces it.
OTTER_INIT = "import otter\ngrader = otter.Notebook("
KURILS_INIT = "from kurils import checks\ngrader = checks.Notebook("
#: Text that must never appear in a student notebook or on the public site.
LEAK_MARKERS = ("# HIDDEN", "BEGIN SOLUTION", "END SOLUTION", "# SOLUTION", "BEGIN TESTS", "ASSIGNMENT CONFIG")


# --- release -------------------------------------------------------------------------------------


def default_masters() -> Path:
    """The course's exercise masters: ``exercises/`` of the course folder this runs in (or above it), else
    of the course this package was installed from (an editable install in a clone)."""
    for folder in (Path.cwd(), *Path.cwd().parents, ROOT):
        if (folder / "_toc.yml").is_file() and (folder / "exercises").is_dir():
            return folder / "exercises"
    raise SystemExit(
        f"no exercise masters found: {Path.cwd()} is not inside the course repository (a folder with _toc.yml "
        "and exercises/), and the kurils package was not installed from one. Run the command inside the "
        "course's folder, or give the masters' folder with --masters FOLDER."
    )


def masters(masters_dir: Path) -> dict[str, Path]:
    """Map assignment name to master file: ``chNN/chNN.md`` (or ``.ipynb``) under ``masters_dir``."""
    found = {}
    for path in sorted(Path(masters_dir).glob("*/*")):
        if path.suffix in (".md", ".ipynb") and path.stem == path.parent.name:
            found[path.stem] = path
    if not found:
        raise SystemExit(f"no exercise masters found in {Path(masters_dir).resolve()} (expected NAME/NAME.md)")
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
    hidden, solutions = _secrets(str(master), Path(master).stat().st_mtime_ns)
    found = [f"marker {m!r}" for m in LEAK_MARKERS if m in text]
    found += [f"hidden test {t!r}" for t in hidden if t in text]
    found += [f"solution line {s!r}" for s in solutions if s in text]
    return found


@functools.lru_cache(maxsize=64)
def _secrets(master: str, mtime_ns: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A master's hidden tests (first lines) and solution lines, read once per version of the file: a leak
    scan asks for them for every file it reads (thousands of times)."""
    hidden = tuple(test.splitlines()[0] for test in hidden_tests(Path(master)))
    return hidden, tuple(solution_lines(Path(master)))


def chapter_name(chapter: str | int) -> str:
    """``3``, ``"3"``, ``"03"`` and ``"ch03"`` all name the assignment ``ch03``."""
    text = str(chapter).strip().lower().removeprefix("ch")
    if not text.isdigit():
        raise SystemExit(f"--chapter {chapter!r}: give a chapter number such as 3 or ch03")
    return f"ch{int(text):02d}"


def _select(masters_dir: Path, chapter: str | int | None) -> dict[str, Path]:
    found = masters(masters_dir)
    if chapter is None:
        return found
    name = chapter_name(chapter)
    if name not in found:
        raise SystemExit(f"no master for {name} in {masters_dir} (found: {', '.join(found)})")
    return {name: found[name]}


def assign(master: Path, work: Path, run_tests: bool = True) -> tuple[Path, Path]:
    """Run otter assign on one master in ``work``; return the student notebook and the autograder zip.

    With ``run_tests``, otter also runs every test against the solutions (a check of the master).
    Otter runs in this process (see :func:`assign_all` for many masters at once).
    """
    from otter.assign import main as otter_assign

    name = master.stem
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    source = work / f"{name}.ipynb"
    nbformat.write(jupytext.read(master), source)
    said = io.StringIO()
    try:
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            otter_assign(str(source), str(work / "dist"), no_pdfs=True, no_run_tests=not run_tests)
    except BaseException as error:  # otter exits or raises on a bad master; say which and why
        raise SystemExit(f"otter assign failed for {master}:\n{said.getvalue()}\n{error!r}") from None
    student = work / "dist" / "student" / f"{name}.ipynb"
    # The student's grader.check reports what each public check checked, each failure in one line.
    released = nbformat.read(student, as_version=4)
    inits = [c for c in released.cells if c.cell_type == "code" and OTTER_INIT in c.source]
    if len(inits) != 1:
        raise SystemExit(f"{student}: expected one otter init cell ({OTTER_INIT!r}), found {len(inits)}")
    inits[0].source = inits[0].source.replace(OTTER_INIT, KURILS_INIT)
    nbformat.write(released, student)
    problems = leaks(student.read_text(encoding="utf-8"), master)
    if problems:
        raise SystemExit(f"refusing to release {name}: the student notebook contains {'; '.join(problems)}")
    (zip_file,) = (work / "dist" / "autograder").glob("*.zip")
    return student, zip_file


def _forkserver():
    """multiprocessing's fork server, with otter (3 s to import) and the grading worker imported once:
    the releases and every graded notebook's worker are forked from it instead of starting Python."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):  # no thread pools in a process that forks
        os.environ.setdefault(name, "1")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["otter.assign", "otter.test_files.ok_test", "pandas", "kurils.grade_worker"])
    return context


def assign_all(
    jobs: dict[str, tuple[Path, Path]], run_tests: bool = True, workers: int | None = None
) -> dict[str, tuple[Path, Path]]:
    """:func:`assign` for each ``name: (master, work)``, in ``workers`` processes (default: one per core).

    Importing otter takes about 3 s (most of it jsonschema's URI grammars), ten times the work of
    one assign, so the workers fork from a server that has imported it once (``kurils bench``:
    the site's eleven releases took 42 s as one ``otter assign`` command each).
    """
    context = _forkserver()
    workers = max(1, min(len(jobs), workers or os.cpu_count() or 1))
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {name: pool.submit(assign, master, work, run_tests) for name, (master, work) in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


STUDENT_README = """# Course exercises: student notebooks

Open each `chNN.ipynb` in JupyterLab (or Jupyter Notebook), run the cells from the top,
answer in the cells marked for you, and run each `grader.check("qN")` cell for instant
feedback on the public checks. Hand in the notebook file itself, keeping its name.

The notebooks need the course's Python package (`kurils`), which brings the data and the
map. It is the `.whl` file in this folder. To install it with JupyterLab, in this folder:

```
python3 -m venv .venv
.venv/bin/pip install -r requirements.txt
.venv/bin/jupyter lab
```

(on Windows: `py -m venv .venv`, `.venv\\Scripts\\pip install -r requirements.txt`,
`.venv\\Scripts\\jupyter lab`). In a Jupyter you already have (a JupyterHub, Colab), upload
this folder and open a notebook: its first cell installs the package from the wheel when it is
missing. `data/` holds the same data sets as CSV files, with a schema per file, for you to
open in a spreadsheet if you like.
"""

PRIVATE_README = """# PRIVATE: autograder material

These zips hold the hidden tests (and otter-grader's configuration) for each exercise.
Never publish them or hand them to students. They grade the same notebooks on Gradescope
(upload `chNN.zip` as a programming assignment's autograder) or with otter-grader's Docker
grading (`otter grade -a chNN.zip -p SUBMISSIONS`); `kurils grade` builds its own copy from
the masters, so it does not need them.
"""


#: The autograder zip's entry point: grade as ``kurils grade`` does (kurils.grade_worker.autograde).
RUN_AUTOGRADER = """\"\"\"Grade the submission as `kurils grade` does: the student's cells run in a kernel,
their answers are exported as plain data, and the checks run here, in a process that never ran student code.\"\"\"

import sys

from kurils.grade_worker import autograde

if __name__ == "__main__":
    autograde(sys.argv[1] if len(sys.argv) > 1 else "/autograder")
"""


def course_autograder(otter_zip: Path, out: Path, wheel: Path) -> Path:
    """Otter's autograder zip, made to grade as ``kurils grade`` does: the course wheel inside,
    installed by ``setup.sh``, and ``run_otter.py`` replaced by the course's export-then-check grading."""
    with zipfile.ZipFile(otter_zip) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "run_otter.py":
                content = RUN_AUTOGRADER.encode("utf-8")
            elif item.filename == "setup.sh":
                content += f"\nmamba run -n otter-env pip install /autograder/source/{wheel.name}\n".encode()
            target.writestr(item, content)
        target.write(wheel, wheel.name)
    return out


def release(*args, **kwargs):
    """Write student notebooks (see ``_release``), waiting for any build of this checkout that uses the
    same work folder (``_build/assign``) to finish."""
    from kurils import buildlock

    with buildlock.held():
        return _release(*args, **kwargs)


def _release(
    masters_dir: Path,
    out: Path = RELEASE,
    autograder_dir: Path = AUTOGRADER,
    chapter: str | int | None = None,
    with_data: bool = True,
    run_tests: bool = True,
    language: str = "en",
) -> dict[str, Path]:
    """Write student notebooks (and the data they read) into ``out``, autograder zips into ``autograder_dir``.

    ``out`` is ready to hand out, upload to an LMS or push to the git repository a JupyterHub's
    nbgitpuller link pulls from; ``autograder_dir`` is for the teacher only. With ``language`` ``ja`` or
    ``ru``, the notebooks' text is in that language (locales/LANG/kernel/exercises); their code and
    checks are the masters', so the same masters grade them.
    """
    out, autograder_dir = Path(out), Path(autograder_dir)
    if autograder_dir.resolve() == out.resolve() or autograder_dir.resolve().is_relative_to(out.resolve()):
        raise SystemExit(f"the autograder folder {autograder_dir} must not be inside the student folder {out}")
    written = {}
    selected = _select(masters_dir, chapter)
    work = {name: BUILD / "assign" / name for name in selected}
    if language != "en":
        from kurils import i18n

        if language not in i18n.TRANSLATIONS:
            raise SystemExit(
                f"no exercise notebooks in {language!r}: the course's languages are {', '.join(i18n.LANGUAGES)}"
            )
        selected = {
            name: i18n.translated_master(master, language, BUILD / "translated" / language / name)
            for name, master in selected.items()
        }
        work = {name: BUILD / "assign" / f"{name}-{language}" for name in selected}
    assigned = assign_all({name: (master, work[name]) for name, master in selected.items()}, run_tests)
    from kurils import notebooks  # the repository URL is one setting, in _config.yml

    install = notebooks.install_cell(notebooks.repository())
    wheel = notebooks.build_wheel(BUILD / "wheel")
    for name, (student, zip_file) in assigned.items():
        out.mkdir(parents=True, exist_ok=True)
        notebook = nbformat.read(student, as_version=4)
        notebook.cells.insert(0, nbformat.from_dict({**install, "id": "kurils-install"}))
        nbformat.write(notebook, out / f"{name}.ipynb")
        autograder_dir.mkdir(parents=True, exist_ok=True)
        course_autograder(zip_file, autograder_dir / f"{name}.zip", wheel)
        written[name] = out / f"{name}.ipynb"
    if with_data:
        from kurils import data

        shutil.copytree(data.DATA_DIR, out / "data", dirs_exist_ok=True, ignore=shutil.ignore_patterns("factcheck"))
        from kurils import i18n  # the README in the notebooks' language (locales/LANG/kernel/handout)

        (out / "README.md").write_text(i18n.translated_text(STUDENT_README, language, "handout"), encoding="utf-8")
        shutil.copyfile(wheel, out / wheel.name)
        (out / "requirements.txt").write_text(notebooks.requirements(), encoding="utf-8")
    (autograder_dir / "README.md").write_text(PRIVATE_README, encoding="utf-8")
    return written


# --- grading -------------------------------------------------------------------------------------


def _question_config(master: Path, source: str) -> dict:
    """The YAML under a master's ``# BEGIN QUESTION`` line, checked: a name, and points that are a number."""
    where = f"{master}: the question block {' / '.join(source.splitlines()[1:3])!r}"
    try:
        config = yaml.safe_load(source.split("\n", 1)[1] if "\n" in source else "")
    except yaml.YAMLError as error:
        raise SystemExit(f"{where}: not valid YAML ({' '.join(str(error).split())})") from None
    if not isinstance(config, dict) or not isinstance(config.get("name"), str):
        raise SystemExit(f"{where}: needs a 'name: qN' line (and 'points: N')")
    try:
        float(config.get("points", 1))
    except (TypeError, ValueError):
        raise SystemExit(f"{where}: points must be a number, not {config.get('points')!r}") from None
    return config


def questions(master: Path) -> dict[str, dict]:
    """Each question's points, whether it is graded by hand and its rubric, from the master's cells."""
    found: dict[str, dict] = {}
    current = None
    for cell in jupytext.read(master).cells:
        if cell.cell_type == "raw" and cell.source.startswith("# BEGIN QUESTION"):
            config = _question_config(master, cell.source)
            found[config["name"]] = {"points": float(config.get("points", 1)), "manual": bool(config.get("manual"))}
            current = found[config["name"]]
        elif cell.cell_type == "raw" and cell.source.startswith("# END QUESTION"):
            current = None
        elif cell.cell_type == "markdown" and current is not None and current["manual"]:
            rubric = re.search(r"^Rubric\b.*?(?=\n\s*\n|\Z)", cell.source, re.S | re.M)
            if rubric and "rubric" not in current:  # the question's own rubric, not a later one
                current["rubric"] = " ".join(rubric[0].split())
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
    written: dict[str, str] = field(default_factory=dict)
    #: LMS ids found in the bulk-download name: ``moodle`` (participant id), ``canvas`` (user id),
    #: ``canvas_attachment`` (the submitted file's id) and ``download`` (the name as downloaded).
    ids: dict[str, str] = field(default_factory=dict)
    #: Each auto-graded question's answer in a line, when short (for the class report).
    answers: dict[str, str] = field(default_factory=dict)

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


def _student_name(path: Path, folder: Path) -> str:
    return student_identity(path, folder)[0]


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
    from kurils import grade_worker

    # Forked from the fork server (no Python start-up, no imports); the worker makes itself a process group.
    process = _forkserver().Process(target=grade_worker.detached, args=(args, str(log), str(copy.parent)))
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

    result = Result(student, assignment, "graded")
    spec = questions(masters_by_name[assignment])
    for question, meta in spec.items():
        result.possible[question] = meta["points"]
        result.scores[question] = None if meta["manual"] else 0.0
        if meta["manual"]:
            rubric = meta.get("rubric")
            result.reasons[question] = ["graded by hand by your teacher" + (f". {rubric}" if rubric else "")]

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
    "moodle"), also the files that LMS imports as they are, into ``out/lms/`` (see :mod:`kurils.lms`),
    students matched against ``roster`` (the LMS's own export) when given.
    """
    from kurils import lms as lms_export
    from kurils import sandbox as sandboxing

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
    masters_by_name = masters(masters_dir)
    wanted = chapter_name(chapter) if chapter is not None else None
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
        built = assign_all(jobs_, run_tests=False, workers=jobs)
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
    gradebook = write_gradebook(results, out, masters_by_name)
    print(f"gradebook: {gradebook}\nfeedback:  {out / 'feedback'}")
    if lms is not None:
        lms_export.export(out, lms, roster, assignment)
    return gradebook


def _atomic_write(path: Path, text: str) -> None:
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


def feedback_text(r: Result) -> str:
    """A student's feedback, as Markdown: the score, then each question's points and reasons."""
    lines = [f"# Feedback for {r.student}: {r.assignment}", "", f"Status: {r.status}", ""]
    if r.unmarked:
        pending = sum(r.possible[q] for q in r.unmarked)
        lines += [f"Score so far: {r.total:g} / {r.out_of:g} ({pending:g} points still to be marked by hand)", ""]
    else:
        lines += [f"Score: {r.total:g} / {r.out_of:g}", ""]
    for q in sorted(r.possible, key=lambda q: (len(q), q)):
        score = "by hand" if r.scores.get(q) is None else f"{r.scores[q]:g} / {r.possible[q]:g}"
        lines.append(f"- **{q}** ({score})" + ("" if q in r.reasons else ": full marks"))
        lines.extend(f"  - {reason}" for reason in r.reasons.get(q, []))
    return "\n".join(lines) + "\n"


def write_gradebook(results: list[Result], out: Path, masters_by_name: dict[str, Path] | None = None) -> Path:
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
    _atomic_write(gradebook, buffer.getvalue())
    _atomic_write(out / "results.json", json.dumps([asdict(r) for r in results], indent=1, ensure_ascii=False))
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    for r in results:
        safe = re.sub(r"[^\w.-]+", "_", f"{r.student}-{r.assignment}")
        _atomic_write(feedback / f"{safe}.md", feedback_text(r))
    if masters_by_name:
        from kurils import marking

        marking.export(results, out, masters_by_name)
    from kurils import report

    report.write(results, out)
    return gradebook
