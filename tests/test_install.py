"""A student outside the repository: a new environment with only Jupyter, the course folder and a hand-out.

One fresh virtual environment in a temporary folder (pip as configured on the machine, its cache):
1. it has only a kernel and nbclient ("a bare hub"); chapter 1 from the course folder runs top to bottom,
   its first cell installing the student runtime from the wheel beside the course (Colab's path);
2. the hand-out is installed exactly as its README says (`pip install -r requirements.txt` in its folder);
3. the student notebook runs top to bottom, its install cell doing nothing, and every `grader.check` answers.
Two minutes to seven (on a loaded machine), most of it pip installing the runtime, mostly otter-grader's dependencies.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kurils.build import notebooks
from kurils.grading import release

ROOT = Path(__file__).resolve().parent.parent

RUN = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import nbformat
    from nbclient import NotebookClient
    path = Path(sys.argv[1])
    notebook = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(path.parent)}}
    unanswered = sys.argv[2] == "unanswered"  # a student's unanswered cells raise, as in class
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources=resources, allow_errors=unanswered)
    client.execute()
    nbformat.write(notebook, path.with_name("executed.ipynb"))
    """
)


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """A venv outside the repository with only ipykernel and nbclient, and how to run commands in it."""
    home = tmp_path_factory.mktemp("student")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
                    "pip", "ipykernel", "nbclient"], check=True)  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"

    def run(*command: str, cwd: Path = home) -> subprocess.CompletedProcess:
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        assert result.returncode == 0, f"{' '.join(command)} in {cwd}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        return result

    return home, venv / "bin", run


def _execute(run, bin_dir: Path, notebook: Path, unanswered: bool = False) -> dict:
    run(str(bin_dir / "python"), "-c", RUN, str(notebook), "unanswered" if unanswered else "-", cwd=notebook.parent)
    return json.loads(notebook.with_name("executed.ipynb").read_text(encoding="utf-8"))


def _errors(notebook: dict) -> list[str]:
    return [
        f"{output['ename']}: {output['evalue']}"
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if output["output_type"] == "error"
    ]


@pytest.mark.install
@pytest.mark.slow
def test_outside_the_repository_a_chapter_installs_the_course_and_a_hand_out_runs(student, tmp_path_factory):
    home, bin_dir, run = student
    assert run(str(bin_dir / "python"), "-c", "import importlib.util as u; print(u.find_spec('kurils'))").stdout == (
        "None\n"
    )
    teacher = tmp_path_factory.mktemp("teacher")
    hand_out = teacher / "hand-out"
    release.release(ROOT / "exercises", hand_out, teacher / "private", chapter=1, run_tests=False)
    course = notebooks.write_course(home / "kurils-course", hand_out)

    path = course / "chapters" / "01-islands.ipynb"  # its link to the exercise notebook leads somewhere
    links = re.findall(r'href=\\?"(\.\./exercises/[^"\\]+)', path.read_text(encoding="utf-8"))
    assert links and all((path.parent / link).exists() for link in links), links

    chapter = _execute(run, bin_dir, course / "chapters" / "01-islands.ipynb")
    assert _errors(chapter) == []
    assert notebooks.INSTALL_TAG in chapter["cells"][0]["metadata"]["tags"]
    shown = run(str(bin_dir / "python"), "-m", "pip", "show", "-f", "kurils").stdout
    assert "Location: " + str(bin_dir.parent) in shown, "the install cell did not install the wheel into the kernel"
    widgets = [o for c in chapter["cells"] for o in c.get("outputs", []) if "data" in o]
    assert any("application/vnd.jupyter.widget-view+json" in o["data"] for o in widgets)

    # The hand-out's README gives the command; run it as written, in the hand-out's folder.
    readme = (hand_out / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/pip install -r requirements.txt" in readme
    run(str(bin_dir / "pip"), "install", "--quiet", "-r", "requirements.txt", cwd=hand_out)
    run(str(bin_dir / "jupyter"), "lab", "--version")
    teaching = subprocess.run([str(bin_dir / "kurils"), "--help"], capture_output=True, text=True)
    assert teaching.returncode == 1 and "pip install 'kurils[build]'" in teaching.stderr, teaching.stderr

    exercise = _execute(run, bin_dir, hand_out / "ch01.ipynb", unanswered=True)
    assert _errors({"cells": exercise["cells"][:2]}) == [], "the install cell or otter's set-up failed"
    assert exercise["cells"][0]["outputs"] == [], "the install cell did something although the package is installed"
    checks = [c for c in exercise["cells"] if c["cell_type"] == "code" and "grader.check(" in "".join(c["source"])]
    assert checks, "the student notebook has no grader.check cell"
    for cell in checks:
        assert _errors({"cells": [cell]}) == []
        shown = json.dumps(cell["outputs"])
        said = re.search(r"q\w+(: not answered yet| results| passed|: (the|\d+ of \d+) public checks)", shown)
        assert said, f"no check result for {''.join(cell['source'])!r}"
