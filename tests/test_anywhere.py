"""Commands that work from anywhere: the course's masters are found wherever `kurils` runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kurils import cli
from kurils.grading import masters, sandbox

ROOT = Path(__file__).resolve().parent.parent


def test_the_masters_are_found_from_a_subfolder_of_the_course(monkeypatch):
    monkeypatch.chdir(ROOT / "chapters")
    assert masters.default_masters() == ROOT / "exercises"


def test_outside_the_course_the_masters_of_the_installed_course_are_found(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert masters.default_masters() == ROOT / "exercises"  # this package is installed from the repository


def test_without_a_course_anywhere_the_message_says_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(masters, "ROOT", tmp_path / "site-packages")
    with pytest.raises(SystemExit, match=r"not inside the course repository .* --masters FOLDER"):
        masters.default_masters()


def test_kurils_grade_stops_when_the_sandbox_cannot_run(monkeypatch, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ch01.ipynb").write_text("{}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sandbox, "available", lambda: False)
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match=r"cannot grade in the sandbox: bubblewrap is not installed.*--no-sandbox"):
        cli.main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()


#: The build and teaching toolchain's own packages (pyproject's `build` extra), absent from a student's runtime.
BUILD_ONLY = ["yaml", "jupytext", "nbformat", "nbclient", "sphinx", "pybtex", "myst_nb", "jupyter_book", "sphinx_intl"]


def test_what_a_students_kernel_imports_needs_no_build_tool_and_no_build_module():
    """The package's top level is what a kernel imports; kurils.build and kurils.grading are the toolchain's
    (a graded kernel imports kurils.grading.answers alone)."""
    code = (
        f"import sys\nsys.modules.update(dict.fromkeys({BUILD_ONLY!r}))\n"
        "import kurils.checks, kurils.course, kurils.data, kurils.display, kurils.documents, kurils.figures\n"
        "import kurils.geography, kurils.i18n, kurils.selfcheck, kurils.settlement, kurils.widgets\n"
        "import kurils.grading.answers\n"
        "print(sorted(m for m in sys.modules if m.startswith(('kurils.build', 'kurils.grading.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "['kurils.grading.answers']"
