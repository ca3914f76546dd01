"""Grade one notebook in a scratch folder; run by ``kurils.grading`` in a subprocess.

Usage: ``python -m kurils.grade_worker NOTEBOOK AUTOGRADER_ZIP CELL_TIME_LIMIT REPORT [SANDBOX]``;
writes a JSON report to REPORT. The notebook is executed once with nbclient (so a cell that
raises or runs too long is named), in a kernel sandboxed by ``kurils.sandbox`` when SANDBOX
(a JSON list of folders to hide) is given. Then otter-grader's own tests, hidden ones included,
are sent to the same kernel as the text of one last cell: they never touch a disk the
student's code can read. ``otter run`` is not used because it has no time limit, does not say
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

MARK = "KURILS-RESULTS "
GRADE_CELL = """
import json as _kg_json
from otter.test_files.ok_test import OKTestFile as _kg_OKTestFile
_kg_results = {{}}
for _kg_spec in _kg_json.loads({specs!r}):
    _kg_test = _kg_OKTestFile.from_spec(_kg_spec, path=_kg_spec["name"])
    _kg_test.run(globals())
    _kg_results[_kg_test.name] = {{
        "score": _kg_test.score, "possible": _kg_test.possible,
        "failed": [[r.test_case.name, r.test_case.hidden, r.message]
                   for r in _kg_test.test_case_results if not r.passed],
    }}
print({mark!r} + _kg_json.dumps(_kg_results))
"""


def test_specs(zip_path: str) -> str:
    """The autograder zip's otter test files, as one JSON text (read by the grader, not the student)."""
    specs = []
    with zipfile.ZipFile(zip_path) as archive:
        for name in sorted(archive.namelist()):
            if name.startswith("tests/") and name.endswith(".py"):
                namespace: dict = {}
                exec(archive.read(name).decode("utf-8"), namespace)  # the teacher's own test file
                specs.append(namespace["test"])
    return json.dumps(specs)


def main(notebook_path: str, zip_path: str, cell_time_limit: str, report_path: str, sandbox: str = "") -> None:
    folder = Path(notebook_path).parent
    notebook = nbformat.read(notebook_path, as_version=4)
    specs = test_specs(zip_path)
    kernel_name = "python3"
    private = Path(tempfile.mkdtemp(prefix="worker-", dir=Path(report_path).parent))
    os.environ["JUPYTER_RUNTIME_DIR"] = str(private / "runtime")
    if sandbox:
        from kurils import sandbox as sandboxing

        kernel_name = sandboxing.kernelspec(private, folder, [Path(p) for p in json.loads(sandbox)])
        os.environ["JUPYTER_PATH"] = str(private)
    client = NotebookClient(
        notebook,
        timeout=int(cell_time_limit),
        allow_errors=True,
        interrupt_on_timeout=True,  # a cell that runs too long is stopped; grading goes on
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(folder)}},
    )
    report: dict = {"errors": [], "timeout": None, "results": None}
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            where = f"cell {index + 1} of {len(notebook.cells)}"
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
                report["errors"].append(f"{where} crashed the Python kernel")
                break
            for output in cell.get("outputs", []):
                if output.output_type == "error" and output.ename == "KeyboardInterrupt":
                    report["timeout"] = f"{where} did not finish within {cell_time_limit} s and was stopped"
                elif output.output_type == "error":
                    report["errors"].append(f"{where} raised {output.ename}: {output.evalue[:200]}")
            cell.outputs = []  # only errors matter here; a notebook that prints megabytes keeps nothing
        grading = nbformat.v4.new_code_cell(GRADE_CELL.format(specs=specs, mark=MARK))
        notebook.cells.append(grading)
        try:
            client.execute_cell(grading, len(notebook.cells) - 1)
        except (CellTimeoutError, DeadKernelError) as error:
            report["grader_error"] = f"the checks could not run: {type(error).__name__}"
        for output in grading.get("outputs", []):
            text = output.get("text", "")
            if output.output_type == "stream" and MARK in text:
                report["results"] = json.loads(text.split(MARK, 1)[1].splitlines()[0])
            elif output.output_type == "error":
                report["grader_error"] = f"the checks could not run: {output.ename}: {output.evalue}"
    Path(report_path).write_text(json.dumps(report), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
