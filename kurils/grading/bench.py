"""How much grading costs: a class of N copies of a solution notebook, graded and plainly executed.

``kurils bench-grading --students 40 --chapter 1`` times, in one run: executing the N notebooks
one after another with nbclient (the baseline: what running the students' code costs anyway),
then ``kurils grade`` with one job and with two, then the baseline again (the two are averaged).
It prints the times and the ratios to the baseline, since absolute times on a shared machine
mean little.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from kurils.course import ROOT
from kurils.grading import masters, release
from kurils.grading.run import grade


def _execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=120, allow_errors=True, resources={"metadata": {"path": str(path.parent)}}
    ).execute()


def run(students: int = 40, chapter: str | int = 1, masters_dir: Path = ROOT / "exercises") -> dict:
    name = masters.chapter_name(chapter)
    master = masters.find(masters_dir)[name]
    with tempfile.TemporaryDirectory(prefix="kurils-bench-grading-") as work:
        work = Path(work)
        assign_dir = work / "assign"
        release.assign(master, assign_dir)
        solution = assign_dir / "dist" / "autograder" / f"{name}.ipynb"
        plain = work / "plain"
        plain.mkdir()
        shutil.copyfile(solution, plain / f"{name}.ipynb")

        def plain_run() -> float:
            start = time.perf_counter()
            for _ in range(students):
                _execute(plain / f"{name}.ipynb")
            return time.perf_counter() - start

        before = plain_run()

        submissions = work / "class"
        for i in range(students):
            folder = submissions / f"student{i:03d}"
            folder.mkdir(parents=True)
            shutil.copyfile(solution, folder / f"{name}.ipynb")
        timings = {}
        for jobs in (1, 2):
            start = time.perf_counter()
            grade(submissions, masters_dir, work / f"grades-{jobs}", chapter=name, jobs=jobs)
            timings[jobs] = time.perf_counter() - start
        after = plain_run()  # the baseline is run before and after, and averaged, as the load may drift
    baseline = (before + after) / 2
    rows = [
        ("plain nbclient execution, one after another (baseline)", baseline),
        ("kurils grade --jobs 1", timings[1]),
        ("kurils grade --jobs 2", timings[2]),
    ]
    print(f"\nGrading {students} copies of the {name} solution notebook")
    print(f"(baseline runs before and after: {before:.1f} s and {after:.1f} s)")
    print(f"{'':58} {'seconds':>8} {'ratio':>6} {'notebooks/min':>14}")
    for label, seconds in rows:
        print(f"{label:58} {seconds:8.1f} {seconds / baseline:6.2f} {students / seconds * 60:14.1f}")
    return {"students": students, "baseline": baseline, "before": before, "after": after, **timings}
