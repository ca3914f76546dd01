"""The sandbox's limits: a memory hog, a fork loop and a network attempt are each graded with a reason."""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import pytest

from kurils.grading import masters, release, run, sandbox

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "exercises"
pytestmark = pytest.mark.skipif(not sandbox.available(), reason="needs bubblewrap")


def _with_cell(notebook: dict, pattern: str, code: str) -> dict:
    notebook = json.loads(json.dumps(notebook))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and pattern in "".join(cell["source"]):
            cell["source"] = code
            return notebook
    raise AssertionError(f"test set-up: no cell with {pattern!r}")


WHERE, FULL = "", 0.0  # set by the `limited` fixture


def _sandbox_processes() -> list[int]:
    """Processes still running under the user ids a root grader gives its kernels."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = int(next(line for line in status.read_text().splitlines() if line.startswith("Uid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            continue
        if sandbox.ROOT_UIDS <= uid < sandbox.ROOT_UIDS + 100_000:
            found.append(int(status.parent.name))
    return found


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    work = tmp_path_factory.mktemp("assign")
    release.assign(masters.find(MASTERS)["ch01"], work, run_tests=False)
    solution = json.loads((work / "dist" / "autograder" / "ch01.ipynb").read_text(encoding="utf-8"))
    # Where the replaced cell is ("cell 18 of 38"), and the autograded points, from the notebook and master.
    global WHERE, FULL
    at = next(i for i, c in enumerate(solution["cells"]) if "q5_answer =" in "".join(c["source"]))
    WHERE = f"cell {at + 1} of {len(solution['cells'])}"
    spec = masters.questions(masters.find(MASTERS)["ch01"])
    FULL = sum(q["points"] for q in spec.values() if not q["manual"])
    folder = tmp_path_factory.mktemp("class")
    notebooks = {
        "good": solution,
        "hog": _with_cell(solution, "q5_answer =", "hog = [bytearray(2**26) for _ in range(10_000)]\nq5_answer = 'b'"),
        "forks": _with_cell(solution, "q5_answer =", "import os\nwhile True:\n    os.fork()"),
        "network": _with_cell(
            solution,
            "q5_answer =",
            "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=5)\nq5_answer = 'b'",
        ),
    }
    for name, notebook in notebooks.items():
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    out = tmp_path_factory.mktemp("grades")
    limits = sandbox.Limits(memory_mb=1536, processes=24, cpu_seconds=60)
    start = time.perf_counter()
    gradebook = run.grade(folder, MASTERS, out, time_limit=60, chapter=1, jobs=2, limits=limits)
    seconds = time.perf_counter() - start
    with gradebook.open(encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}, seconds


def _others_unchanged(rows: dict, name: str) -> None:
    for q in ("q1", "q2", "q3", "q4", "q7", "q8", "q9"):
        assert rows[name][q] == rows["good"][q], (name, q)


def test_the_good_notebook_keeps_full_marks_beside_the_others(limited):
    rows, _ = limited
    assert float(rows["good"]["total"]) == FULL and rows["good"]["status"].startswith("graded;")


def test_a_memory_hog_loses_its_question_with_a_reason(limited):
    rows, _ = limited
    assert rows["hog"]["q5"] == "0"
    assert f"{WHERE} ran out of memory (grading allows 1536 MB" in rows["hog"]["status"]
    _others_unchanged(rows, "hog")


def test_a_network_attempt_loses_its_question_with_a_reason(limited):
    rows, _ = limited
    assert rows["network"]["q5"] == "0"
    assert f"{WHERE} tried to use the network" in rows["network"]["status"]
    _others_unchanged(rows, "network")


def test_a_fork_loop_is_stopped_named_and_leaves_nothing_running(limited):
    rows, seconds = limited
    status = rows["forks"]["status"]
    assert rows["forks"]["q5"] == "0", status
    # The loop's own cell fails at the limit, or the kernel, its sockets shared with the forked
    # copies, stops answering or sends garbled messages: either way the reason names the cell.
    assert (
        f"{WHERE} tried to start more processes or threads than grading allows (24)" in status
        or f"stopped during {WHERE}" in status
        or f"{WHERE} garbled the kernel's messages" in status
    ), status
    assert seconds < 200  # the class is graded within the time limits, not held up
    if os.geteuid() == 0:
        assert _sandbox_processes() == []
    start = time.perf_counter()
    os.system("true")
    assert time.perf_counter() - start < 2  # the machine still answers


def test_the_limits_are_set_inside_the_sandbox_and_the_network_is_cut():
    limits = sandbox.Limits(memory_mb=512, processes=20, cpu_seconds=30)
    args = sandbox.command(Path("/tmp/scratch"), [], ["kernel"], limits, uid=0)
    assert "--unshare-net" in args
    split = args.index("--")
    assert args[split + 1 :][-1] == "kernel" and sandbox.LIMITER in args[split:]
    assert args[split:][-5:-1] == [str(512 * 2**20), "20", "30", "0"]


def test_bad_limits_are_refused_plainly(tmp_path):
    (tmp_path / "ch01.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit, match="--memory"):
        run.grade(tmp_path, MASTERS, tmp_path.parent / "out", limits=sandbox.Limits(memory_mb=0))
