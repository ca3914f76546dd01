"""Student releases: each master becomes a student notebook (no solutions, no hidden tests) and an
autograder zip that only the teacher keeps.

:func:`release` writes the hand-out folder (notebooks, data, the course wheel, a README in the
notebooks' language) and the private autograder folder, doing otter's work in a work folder of its
own (``work``; the command line's is ``_build/assign``, kept after the release). :func:`assign_all` runs
otter assign for many masters at once, forked from a server that imported otter once.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import re
import shutil
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from kurils import course, data, i18n
from kurils.build import buildlock, notebooks
from kurils.course import BUILD
from kurils.grading import masters

RELEASE = BUILD / "release"
AUTOGRADER = BUILD / "autograder"
#: Where ``kurils release`` does otter's work; kept after the release (each master's
#: ``dist/`` holds otter's solution notebook and student notebook, for a teacher to look at).
WORK = BUILD / "assign"

#: otter's init cell, as JSON text in the released notebook, and what replaces it.
OTTER_INIT = "import otter\ngrader = otter.Notebook("
KURILS_INIT = "from kurils import checks\ngrader = checks.Notebook("


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
    nbformat.write(masters.read(master), source)
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
    problems = masters.leaks(student.read_text(encoding="utf-8"), master)
    if problems:
        raise SystemExit(f"refusing to release {name}: the student notebook contains {'; '.join(problems)}")
    (zip_file,) = (work / "dist" / "autograder").glob("*.zip")
    return student, zip_file


def forkserver():
    """multiprocessing's fork server, with otter (3 s to import) and the grading worker imported once:
    the releases and every graded notebook's worker are forked from it instead of starting Python."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):  # no thread pools in a process that forks
        os.environ.setdefault(name, "1")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["otter.assign", "otter.test_files.ok_test", "pandas", "kurils.grading.worker"])
    return context


def assign_all(
    jobs: dict[str, tuple[Path, Path]], run_tests: bool = True, workers: int | None = None
) -> dict[str, tuple[Path, Path]]:
    """:func:`assign` for each ``name: (master, work)``, in ``workers`` processes (default: one per core).

    Importing otter takes about 3 s (most of it jsonschema's URI grammars), ten times the work of
    one assign, so the workers fork from a server that has imported it once (``kurils bench``:
    the site's eleven releases took 42 s as one ``otter assign`` command each).
    """
    context = forkserver()
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


#: The autograder zip's entry point: grade as ``kurils grade`` does (kurils.grading.worker.autograde).
RUN_AUTOGRADER = """\"\"\"Grade the submission as `kurils grade` does: the student's cells run in a kernel,
their answers are exported as plain data, and the checks run here, in a process that never ran student code.\"\"\"

import sys

from kurils.grading.worker import autograde

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


def translated_master(master: Path, language: str, folder: Path) -> Path:
    """A copy of an exercise master (and the files beside it) in ``folder``, its text in ``language``.

    Only the Markdown cells change; the code, the public and hidden tests and otter's settings are the
    English master's, so a notebook in any language is graded by the same checks. Untranslated
    paragraphs stay in English and are counted in the warning.
    """
    import jupytext

    words = i18n.kernel_translations(language, f"exercises/{master.stem}")
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(master.parent, folder)
    notebook = masters.read(master)
    missing = 0
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            parts = i18n.blocks(cell.source)
            missing += sum(1 for block in parts if block not in words)
            cell.source = "\n\n".join(words.get(block, block) for block in parts)
    if missing:
        print(
            f"warning: {missing} paragraphs of {master.name} have no {i18n.LANGUAGES[language]} translation; "
            "left in English"
        )
    target = folder / master.name
    jupytext.write(notebook, target, fmt="md:myst")
    return target


def release(
    masters_dir: Path,
    out: Path = RELEASE,
    autograder_dir: Path = AUTOGRADER,
    chapter: str | int | None = None,
    with_data: bool = True,
    run_tests: bool = True,
    language: str = "en",
    work: Path | None = None,
) -> dict[str, Path]:
    """Write student notebooks (and the data they read) into ``out``, autograder zips into ``autograder_dir``.

    ``out`` is ready to hand out, upload to an LMS or push to the git repository a JupyterHub's
    nbgitpuller link pulls from; ``autograder_dir`` is for the teacher only. With ``language`` ``ja`` or
    ``ru``, the notebooks' text is in that language (locales/LANG/kernel/exercises); their code and
    checks are the masters', so the same masters grade them.

    otter's work (each master's ``dist/``, the translated masters, the course wheel) is done in ``work``:
    by default a temporary folder, removed afterwards (the site's build); a given folder (``kurils release``
    uses :data:`WORK`, ``_build/assign``) is kept; one inside ``_build`` is shared with the checkout's
    other builds, so the release waits for any of them that writes there to finish.
    """
    if work is None:
        with tempfile.TemporaryDirectory(prefix="kurils-release-") as temporary:
            return _release(masters_dir, out, autograder_dir, chapter, with_data, run_tests, language, Path(temporary))
    shared = Path(work).resolve().is_relative_to(BUILD.resolve())  # the checkout's _build, which builds share
    with buildlock.held() if shared else contextlib.nullcontext():
        return _release(masters_dir, out, autograder_dir, chapter, with_data, run_tests, language, Path(work))


def _release(
    masters_dir: Path,
    out: Path,
    autograder_dir: Path,
    chapter: str | int | None,
    with_data: bool,
    run_tests: bool,
    language: str,
    work_dir: Path,
) -> dict[str, Path]:
    out, autograder_dir = Path(out), Path(autograder_dir)
    if autograder_dir.resolve() == out.resolve() or autograder_dir.resolve().is_relative_to(out.resolve()):
        raise SystemExit(f"the autograder folder {autograder_dir} must not be inside the student folder {out}")
    written = {}
    selected = masters.select(masters_dir, chapter)
    work = {name: work_dir / name for name in selected}
    if language != "en":
        if language not in i18n.TRANSLATIONS:
            raise SystemExit(
                f"no exercise notebooks in {language!r}: the course's languages are {', '.join(i18n.LANGUAGES)}"
            )
        selected = {
            name: translated_master(master, language, work_dir / "translated" / language / name)
            for name, master in selected.items()
        }
        work = {name: work_dir / f"{name}-{language}" for name in selected}
    assigned = assign_all({name: (master, work[name]) for name, master in selected.items()}, run_tests)
    install = notebooks.install_cell(course.repository())  # the repository URL is one setting, in _config.yml
    wheel = notebooks.build_wheel(work_dir / "wheel")
    for name, (student, zip_file) in assigned.items():
        out.mkdir(parents=True, exist_ok=True)
        notebook = nbformat.read(student, as_version=4)
        if language != "en":  # grader.check reports in the notebook's language, and so do its figures
            for cell in notebook.cells:
                if cell.cell_type == "code" and KURILS_INIT in cell.source:
                    cell.source = re.sub(
                        r"checks\.Notebook\((.*)\)", rf'checks.Notebook(\1, language="{language}")', cell.source
                    )
        notebook.cells.insert(0, nbformat.from_dict({**install, "id": "kurils-install"}))
        nbformat.write(notebook, out / f"{name}.ipynb")
        autograder_dir.mkdir(parents=True, exist_ok=True)
        course_autograder(zip_file, autograder_dir / f"{name}.zip", wheel)
        written[name] = out / f"{name}.ipynb"
    if with_data:
        shutil.copytree(data.DATA_DIR, out / "data", dirs_exist_ok=True, ignore=shutil.ignore_patterns("factcheck"))
        # The README in the notebooks' language (locales/LANG/kernel/handout).
        (out / "README.md").write_text(i18n.translated_text(STUDENT_README, language, "handout"), encoding="utf-8")
        shutil.copyfile(wheel, out / wheel.name)
        (out / "requirements.txt").write_text(notebooks.requirements(), encoding="utf-8")
    (autograder_dir / "README.md").write_text(PRIVATE_README, encoding="utf-8")
    return written
