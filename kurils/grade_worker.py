"""Grade one notebook in a scratch folder; run by ``kurils.grading`` in a subprocess.

Usage: ``python -m kurils.grade_worker NOTEBOOK AUTOGRADER_ZIP CELL_TIME_LIMIT``; prints
one JSON line. The notebook is executed once with nbclient (so a cell that raises
or runs too long is named), then otter-grader's own test files, hidden ones
included, are unpacked outside the notebook's folder and run in the same kernel.
``otter run`` is not used because it has no time limit and does not say which cell failed.
"""

from __future__ import annotations

import json
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

MARK = "KURILS-RESULTS "
GRADE_CELL = """
import glob as _kg_glob, json as _kg_json
from otter.test_files.ok_test import OKTestFile as _kg_OKTestFile
_kg_results = {{}}
for _kg_path in sorted(_kg_glob.glob({tests!r} + "/*.py")):
    _kg_test = _kg_OKTestFile.from_file(_kg_path)
    _kg_test.run(globals())
    _kg_results[_kg_test.name] = {{
        "score": _kg_test.score, "possible": _kg_test.possible,
        "failed": [[r.test_case.name, r.test_case.hidden, r.message]
                   for r in _kg_test.test_case_results if not r.passed],
    }}
print({mark!r} + _kg_json.dumps(_kg_results))
"""


def main(notebook_path: str, zip_path: str, cell_time_limit: str) -> None:
    folder = Path(notebook_path).parent
    notebook = nbformat.read(notebook_path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=int(cell_time_limit),
        allow_errors=True,
        interrupt_on_timeout=True,  # a cell that runs too long is stopped; grading goes on
        kernel_name="python3",
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
                    report["errors"].append(f"{where} raised {output.ename}: {output.evalue}")
        # The tests reach the disk only now, after the student's cells have run, and outside
        # their folder: their code could otherwise read the hidden tests or replace them.
        tests = Path(tempfile.mkdtemp(prefix="kurils-tests-"))
        with zipfile.ZipFile(zip_path) as archive:
            for name in archive.namelist():
                if name.startswith("tests/") and name.endswith(".py"):
                    (tests / Path(name).name).write_bytes(archive.read(name))
        grading = nbformat.v4.new_code_cell(GRADE_CELL.format(tests=str(tests), mark=MARK))
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
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:4])
