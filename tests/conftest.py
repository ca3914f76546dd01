"""Shared fixtures: the built site, a local web server, and headless Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kurils.build import site
from kurils.grading import release

ROOT = Path(__file__).resolve().parent.parent


#: The slowest test files, in the order the two test processes take them (``--no-loadscope-reorder``; the rest
#: follow in their own order), so that both end together: one builds the site for the site's tests while the
#: other grades every chapter, which needs no site; the PDF and the fresh install are not left for the end.
SLOWEST_FIRST = [
    "test_offline.py",
    "test_exercises_chapters.py",
    "test_exercises.py",
    "test_pdf.py",
    "test_reading.py",
    "test_figures.py",
    "test_phone.py",
    "test_i18n.py",
    "test_install.py",
    "test_accessibility.py",
    "test_lab.py",
    "test_bench.py",
    "test_site_explorers.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: place for place, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file keeps its own order


@pytest.fixture(scope="session")
def built_site() -> Path:
    """Build the site once per test run, strictly (warnings are errors)."""
    return site.build()


@pytest.fixture(scope="session")
def _release(tmp_path_factory) -> tuple[dict[str, Path], dict[str, Path], Path]:
    """Release the masters once per test process, in folders of its own (so it need not wait for a site build
    in the other process); keep the solution notebooks otter wrote. otter does not run the solutions' tests
    here: grading each chapter's solution to full marks (test_exercises_chapters.py) checks the same."""
    base = tmp_path_factory.mktemp("release")
    students = release.release(
        ROOT / "exercises", base / "students", base / "autograder", run_tests=False, work=base / "work"
    )
    solutions = {}
    for name in students:
        solution = base / "work" / name / "dist" / "autograder" / f"{name}.ipynb"
        solutions[name] = base / "solutions" / name / f"{name}.ipynb"
        solutions[name].parent.mkdir(parents=True)
        shutil.copyfile(solution, solutions[name])
    return students, solutions, base / "autograder"


@pytest.fixture(scope="session")
def released(_release) -> dict[str, Path]:
    """Student notebooks released from the masters in exercises/."""
    return _release[0]


@pytest.fixture(scope="session")
def solutions(_release) -> dict[str, Path]:
    """Each chapter's solution notebook (the master with its answers, as otter assign ran it)."""
    return _release[1]


@pytest.fixture(scope="session")
def autograder(_release) -> Path:
    """The folder of the autograder zips (``NAME.zip``, with the hidden tests) of that release."""
    return _release[2]


@pytest.fixture(scope="session")
def server(built_site: Path):
    """Serve the built site on 127.0.0.1 at a free port (plain files)."""
    with site.local(built_site, compressed=False) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (which cannot download browsers here)."""
    from kurils.build.browser import CHROMIUM, chromium

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make test`, which installs it (or apt-get install chromium)")
    with chromium() as launched:
        yield launched
