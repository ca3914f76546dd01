"""Grade one notebook in a scratch folder; run by ``kurils.grading.run`` in a process of its own.

Usage: ``python -m kurils.grading.worker NOTEBOOK AUTOGRADER_ZIP CELL_TIME_LIMIT REPORT [SANDBOX]``;
writes a JSON report to REPORT. The notebook is executed once with nbclient (so a cell that
raises or runs too long is named), in a kernel sandboxed by ``kurils.grading.sandbox`` when SANDBOX
(JSON: ``{"hide": [folders], "limits": {...}}``) is given. The kernel is reached over jupyter's
IPC transport (Unix sockets), which works without a network and is not the plain-text TCP that
ipykernel warns about. Before each cell, the worker writes the cell's number (and the errors so far) to
``REPORT.cell``, so that when the whole worker is stopped the grader can still say which cell
was running.
Then one last cell exports every name the checks read as plain data (``kurils.grading.answers``), and
otter-grader's own tests, hidden ones included, run here, in this process, which never ran the
student's code, on values rebuilt from that text: no hidden test touches a disk the student's code
can read or an object it made. ``otter run`` is not used because it has no time limit, does not say
which cell failed and unpacks the hidden tests next to the running notebook.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from traitlets.config import Config

from kurils.grading import answers

MARK_LINE = answers.MARK


def _spec(text: str) -> dict:
    """One otter test file's ``test`` dict (the teacher's own file, from the autograder zip)."""
    namespace: dict = {}
    exec(text, namespace)
    return namespace["test"]


def test_specs(zip_path: str) -> list[dict]:
    """The autograder zip's otter test files (read by the grader, not the student)."""
    with zipfile.ZipFile(zip_path) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("tests/") and n.endswith(".py"))
        return [_spec(archive.read(name).decode("utf-8")) for name in names]


#: Errors whose Python text means nothing to a teacher or student, said as what happened.
NETWORK_ERRORS = ("URLError", "ConnectionError", "ConnectionRefusedError", "gaierror", "socket.gaierror", "timeout")


def explain(ename: str, evalue: str, limits: dict) -> str:
    """What a cell's error means, in a sentence (the sandbox's limits turn into some of these errors)."""
    text = f"{ename}: {evalue}"
    if ename == "MemoryError":
        return f"ran out of memory (grading allows {limits.get('memory_mb', '?')} MB per notebook)"
    if "Resource temporarily unavailable" in text or "can't start new thread" in text:
        return f"tried to start more processes or threads than grading allows ({limits.get('processes', '?')})"
    if ename in NETWORK_ERRORS or "Network is unreachable" in text or "Temporary failure in name resolution" in text:
        return "tried to use the network, which grading does not allow (read the course data with kurils.data)"
    if ename == "NameError":
        return f"used a name that is not defined ({evalue[:100]}): was a cell above it skipped?"
    if ename == "KeyError":
        return f"looked up {evalue[:100]}, which is not a key or column there (KeyError)"
    if "truth value of a" in evalue and "is ambiguous" in evalue:
        return "used a whole pandas Series or array where one True/False value is needed (in an if, and, or)"
    return f"raised {ename}: {evalue[:200]}"


#: When the kernel's messages arrive garbled (copies of the kernel made by os.fork share its sockets).
GARBLED = "garbled the kernel's messages, most likely by starting processes that wrote to them"


def why_dead(client: NotebookClient, limits: dict) -> str:
    """Why the kernel stopped, from its exit status (bubblewrap passes on the signal as 128 + number)."""
    try:
        code = client.km.provisioner.process.wait(timeout=5)
    except Exception:  # no process to ask: say what is known
        code = None
    signals = {-24: 24, 152: 24, -9: 9, 137: 9, -6: 6, 134: 6, -11: 11, 139: 11}
    number = signals.get(code)
    if number == 24:  # SIGXCPU
        return f"used up its CPU time (grading allows {limits.get('cpu_seconds', '?')} s of CPU per notebook)"
    if number in (6, 9, 11):
        return f"crashed the Python kernel, most likely by running out of memory ({limits.get('memory_mb', '?')} MB)"
    return "crashed the Python kernel" + (f" (exit status {code})" if code is not None else "")


def main(notebook_path: str, zip_path: str, cell_time_limit: str, report_path: str, sandbox: str = "") -> None:
    progress = Path(report_path + ".cell")
    report = grade_notebook(Path(notebook_path), test_specs(zip_path), int(cell_time_limit), progress, sandbox)
    Path(report_path).write_text(json.dumps(report), encoding="utf-8")


def grade_notebook(
    path: Path, specs: list[dict], cell_time_limit: int, progress: Path, sandbox: str = "", tests: list | None = None
) -> dict:
    """Run the notebook at ``path`` in a kernel, export its answers, run the checks ``specs`` here.

    Returns the report: ``errors`` (one line per cell that raised), ``timeout``, ``dead``, ``results``
    (by test: score, possible, failed checks) or ``grader_error``.
    """
    folder = path.parent
    notebook = nbformat.read(path, as_version=4)
    kernel_name = "python3"
    # Jupyter's runtime files and the kernel's Unix sockets: in the system's temporary folder, whose short
    # path keeps each socket's path under the 107 characters a Unix socket allows.
    with tempfile.TemporaryDirectory(prefix="kurils-worker-", ignore_cleanup_errors=True) as temporary:
        private = Path(temporary)
        os.environ["JUPYTER_RUNTIME_DIR"] = str(private / "runtime")
        (private / "ipc").mkdir()
        options = json.loads(sandbox) if sandbox else {}
        limits = options.get("limits", {})
        if sandbox:
            from kurils.grading import sandbox as sandboxing

            hide = [Path(p) for p in options["hide"]]
            kernel_name = sandboxing.kernelspec(private, folder, hide, sandboxing.Limits(**limits))
            os.environ["JUPYTER_PATH"] = str(private)
        config = Config({"KernelManager": {"transport": "ipc", "ip": str(private / "ipc" / "kernel")}})
        client = NotebookClient(
            notebook,
            timeout=int(cell_time_limit),
            allow_errors=True,
            interrupt_on_timeout=True,  # a cell that runs too long is stopped; grading goes on
            kernel_name=kernel_name,
            resources={"metadata": {"path": str(folder)}},
            config=config,
        )
        report: dict = {"errors": [], "timeout": None, "results": None}
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type != "code":
                    continue
                where = f"cell {index + 1} of {len(notebook.cells)}"
                progress.write_text(json.dumps({"cell": where, "errors": report["errors"][:3]}), encoding="utf-8")
                try:
                    client.execute_cell(cell, index)
                except DeadKernelError:
                    report["dead"] = f"{where} {why_dead(client, limits)}"
                    report["errors"].append(report["dead"])
                    break
                except (ValueError, KeyError, RuntimeError) as error:  # e.g. "Invalid Signature" from jupyter_client
                    report["dead"] = f"{where} {GARBLED} ({type(error).__name__})"
                    report["errors"].append(report["dead"])
                    break
                for output in cell.get("outputs", []):
                    if output.output_type == "error" and output.ename == "KeyboardInterrupt":
                        report["timeout"] = f"{where} did not finish within {cell_time_limit} s and was stopped"
                    elif output.output_type == "error":
                        report["errors"].append(f"{where} {explain(output.ename, output.evalue, limits)}")
                cell.outputs = []  # only errors matter here; a notebook that prints megabytes keeps nothing
            progress.write_text(json.dumps({"cell": "the export of the answers, after the last cell", "errors": []}))
            names = sorted(set().union(*(answers.spec_names(spec) for spec in specs)))
            exporting = nbformat.v4.new_code_cell(answers.EXPORT_CELL.format(names=names))
            notebook.cells.append(exporting)
            try:
                if report.get("dead"):
                    raise DeadKernelError(report["dead"])
                client.execute_cell(exporting, len(notebook.cells) - 1)
            except CellTimeoutError:
                report["grader_error"] = f"the answers could not be read within {cell_time_limit} s"
            except DeadKernelError:
                report["grader_error"] = report.get("dead") or f"the kernel {why_dead(client, limits)}"
            except (ValueError, KeyError, RuntimeError) as error:
                forked = [e for e in report["errors"] if "processes" in e]
                after = f": after {forked[0]}, its copies" if forked else ": the kernel"
                report["grader_error"] = f"the answers could not be read{after} {GARBLED} ({type(error).__name__})"
            outputs = exporting.get("outputs", [])
            streams = [o for o in outputs if o.output_type == "stream" and o.get("name") == "stdout"]
            printed = "".join(o.get("text", "") for o in streams)
            for output in outputs:
                if output.output_type == "error":
                    report["grader_error"] = f"the answers could not be read: {output.ename}: {output.evalue}"[:300]
        if MARK_LINE in printed and not report.get("grader_error"):
            progress.write_text(json.dumps({"cell": "the checks, after the last cell", "errors": []}), encoding="utf-8")
            try:  # here, in the grader's process: only the exported text crosses over from the kernel
                values, refused = answers.load(printed.split(MARK_LINE, 1)[1].strip())
                report["results"] = answers.run_checks(specs, values, refused, tests)
            except answers.Refused as reason:
                report["grader_error"] = str(reason)
        elif not report.get("grader_error"):
            report["grader_error"] = "the answers could not be read: the notebook's kernel printed no export"
        return report


def autograde(root: str = "/autograder") -> dict:
    """The autograder zip's entry point (Gradescope, otter's Docker grading): ``run_otter.py`` calls it.

    Grades the one notebook in ``root/submission`` with the tests in ``root/source/tests`` exactly as
    ``kurils grade`` does (no sandbox: the container is one), and writes ``root/results/results.json``
    in Gradescope's format (one entry per question, with the reasons for lost points) and
    ``results.pkl``, otter's own results, which ``otter grade`` reads.
    """
    import pickle

    from otter.test_files import GradingResults

    from kurils import checks

    base = Path(root)
    checked: list = []
    (notebook,) = sorted((base / "submission").glob("*.ipynb"))[:1] or [None]
    specs = [_spec(test.read_text(encoding="utf-8")) for test in sorted((base / "source" / "tests").glob("*.py"))]
    if notebook is None:
        report = {"grader_error": "no notebook (.ipynb) was submitted", "errors": []}
    else:
        progress = base / "results" / "progress.json"
        progress.parent.mkdir(parents=True, exist_ok=True)
        limit = int(os.environ.get("KURILS_CELL_TIME_LIMIT", "120"))
        report = grade_notebook(notebook, specs, limit, progress, tests=checked)
    tests = []
    for spec in specs:
        outcome = (report.get("results") or {}).get(spec["name"])
        possible = float(outcome["possible"]) if outcome else float(spec.get("points") or 0)
        lines = checks.reasons([(hidden, message) for _, hidden, message in outcome["failed"]]) if outcome else []
        tests.append(
            {
                "name": spec["name"],
                "score": round(float(outcome["score"]), 2) if outcome else 0.0,
                "max_score": possible,
                "output": "\n".join(lines or ([report.get("grader_error") or "not graded"] if not outcome else [])),
                "visibility": "visible",
            }
        )
    notes = [*report.get("errors", [])[:3], report.get("timeout"), report.get("grader_error")]
    results = {
        "score": round(sum(t["score"] for t in tests), 2),
        "output": "; ".join(n for n in notes if n) or "graded",
        "tests": tests,
    }
    (base / "results").mkdir(parents=True, exist_ok=True)
    (base / "results" / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    # `otter grade` (Docker) reads otter's own pickled results
    (base / "results" / "results.pkl").write_bytes(pickle.dumps(GradingResults(checked)))
    return results


def detached(args: list[str], log: str, cwd: str) -> None:
    """:func:`main` in a process forked by ``kurils.grading.run``: its own process group (so the grader can
    stop it and the kernel together), the submission's folder as working directory, output to ``log``."""
    os.setsid()
    os.chdir(cwd)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    main(*args)


if __name__ == "__main__":
    main(*sys.argv[1:])
