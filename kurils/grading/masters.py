"""The exercise masters (``exercises/chNN/chNN.md``, MyST notebooks in otter-assign format), read in one place.

:func:`read` parses a master once per version of the file (jupytext); everything the tools want to know
about a master comes from it: its questions and points (:func:`questions`), each question's prompt and
model answer (:func:`question_texts`), its hidden tests and solution lines, and the leak scan that
refuses to publish a text giving one of them away (:func:`leaks`).
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path

import yaml

from kurils.course import ROOT

#: Text that must never appear in a student notebook or on the public site.
LEAK_MARKERS = ("# HIDDEN", "BEGIN SOLUTION", "END SOLUTION", "# SOLUTION", "BEGIN TESTS", "ASSIGNMENT CONFIG")


def read(master: Path):
    """The master as a notebook (a copy: change it freely), parsed once per version of the file."""
    path = Path(master).resolve()
    stat = path.stat()
    return copy.deepcopy(_parsed(path, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _parsed(path: Path, mtime_ns: int, size: int):
    import jupytext

    return jupytext.read(path)


def default_masters() -> Path:
    """The course's exercise masters: ``exercises/`` of the course folder this runs in (or above it), else
    of the course this package was installed from (an editable install in a clone)."""
    for folder in (Path.cwd(), *Path.cwd().parents, ROOT):
        if (folder / "_toc.yml").is_file() and (folder / "exercises").is_dir():
            return folder / "exercises"
    raise SystemExit(
        f"no exercise masters found: {Path.cwd()} is not inside the course repository (a folder with _toc.yml "
        "and exercises/), and the kurils package was not installed from one. Run the command inside the "
        "course's folder, or give the masters' folder with --masters FOLDER."
    )


def find(masters_dir: Path) -> dict[str, Path]:
    """Map assignment name to master file: ``chNN/chNN.md`` (or ``.ipynb``) under ``masters_dir``."""
    found = {}
    for path in sorted(Path(masters_dir).glob("*/*")):
        if path.suffix in (".md", ".ipynb") and path.stem == path.parent.name:
            found[path.stem] = path
    if not found:
        raise SystemExit(f"no exercise masters found in {Path(masters_dir).resolve()} (expected NAME/NAME.md)")
    return found


def hidden_tests(master: Path) -> list[str]:
    """The source of every hidden test cell in a master, for the leak scan."""
    notebook = read(master)
    return [
        cell.source.split("\n", 1)[1].strip()
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.lstrip().startswith("# HIDDEN")
    ]


def check_messages(master: Path, hidden: bool = False) -> list[str]:
    """The messages of a master's public checks (what ``grader.check`` tells a student), or with ``hidden``
    of its hidden ones (what only the feedback of ``kurils grade`` shows), in order."""
    from kurils.checks import assert_messages

    found, in_tests = [], False
    for cell in read(master).cells:
        if cell.cell_type == "raw" and cell.source.startswith(("# BEGIN TESTS", "# END TESTS")):
            in_tests = cell.source.startswith("# BEGIN TESTS")
        elif in_tests and cell.cell_type == "code" and cell.source.lstrip().startswith("# HIDDEN") == hidden:
            found += assert_messages(cell.source)
    return list(dict.fromkeys(found))


def solution_lines(master: Path) -> list[str]:
    """Lines of solution code in a master (marked ``# SOLUTION`` or inside BEGIN/END SOLUTION)."""
    lines, inside = [], False
    for cell in read(master).cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            if "# BEGIN SOLUTION" in line:
                inside = True
            elif "# END SOLUTION" in line:
                inside = False
            elif inside or line.rstrip().endswith("# SOLUTION"):
                code = line.split("# SOLUTION")[0].strip()
                if len(code) > 12:  # short lines such as `x = 1` could appear innocently
                    lines.append(code)
    return lines


def leaks(text: str, master: Path) -> list[str]:
    """What in ``text`` gives away a solution or a hidden test of ``master``."""
    hidden, solutions = _secrets(str(master), Path(master).stat().st_mtime_ns)
    found = [f"marker {m!r}" for m in LEAK_MARKERS if m in text]
    found += [f"hidden test {t!r}" for t in hidden if t in text]
    found += [f"solution line {s!r}" for s in solutions if s in text]
    return found


@functools.lru_cache(maxsize=64)
def _secrets(master: str, mtime_ns: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A master's hidden tests (first lines) and solution lines, read once per version of the file: a leak
    scan asks for them for every file it reads (thousands of times)."""
    hidden = tuple(test.splitlines()[0] for test in hidden_tests(Path(master)))
    return hidden, tuple(solution_lines(Path(master)))


def chapter_name(chapter: str | int) -> str:
    """``3``, ``"3"``, ``"03"`` and ``"ch03"`` all name the assignment ``ch03``."""
    text = str(chapter).strip().lower().removeprefix("ch")
    if not text.isdigit():
        raise SystemExit(f"--chapter {chapter!r}: give a chapter number such as 3 or ch03")
    return f"ch{int(text):02d}"


def select(masters_dir: Path, chapter: str | int | None) -> dict[str, Path]:
    found = find(masters_dir)
    if chapter is None:
        return found
    name = chapter_name(chapter)
    if name not in found:
        raise SystemExit(f"no master for {name} in {masters_dir} (found: {', '.join(found)})")
    return {name: found[name]}


def _question_config(master: Path, source: str) -> dict:
    """The YAML under a master's ``# BEGIN QUESTION`` line, checked: a name, and points that are a number."""
    where = f"{master}: the question block {' / '.join(source.splitlines()[1:3])!r}"
    try:
        config = yaml.safe_load(source.split("\n", 1)[1] if "\n" in source else "")
    except yaml.YAMLError as error:
        raise SystemExit(f"{where}: not valid YAML ({' '.join(str(error).split())})") from None
    if not isinstance(config, dict) or not isinstance(config.get("name"), str):
        raise SystemExit(f"{where}: needs a 'name: qN' line (and 'points: N')")
    try:
        float(config.get("points", 1))
    except (TypeError, ValueError):
        raise SystemExit(f"{where}: points must be a number, not {config.get('points')!r}") from None
    return config


def questions(master: Path) -> dict[str, dict]:
    """Each question's points, whether it is graded by hand and its rubric, from the master's cells."""
    found: dict[str, dict] = {}
    current = None
    for cell in read(master).cells:
        if cell.cell_type == "raw" and cell.source.startswith("# BEGIN QUESTION"):
            config = _question_config(master, cell.source)
            found[config["name"]] = {"points": float(config.get("points", 1)), "manual": bool(config.get("manual"))}
            current = found[config["name"]]
        elif cell.cell_type == "raw" and cell.source.startswith("# END QUESTION"):
            current = None
        elif cell.cell_type == "markdown" and current is not None and current["manual"]:
            rubric = re.search(r"^Rubric\b.*?(?=\n\s*\n|\Z)", cell.source, re.S | re.M)
            if rubric and "rubric" not in current:  # the question's own rubric, not a later one
                current["rubric"] = " ".join(rubric[0].split())
    return found


def question_texts(master: Path) -> dict[str, dict[str, str]]:
    """For each question of a master, its prompt (with rubric) and its model answer, as Markdown."""
    texts: dict[str, dict[str, str]] = {}
    current, in_solution = None, False
    for cell in read(master).cells:
        source = cell.source
        if cell.cell_type == "raw" and source.startswith("# BEGIN QUESTION"):
            current = _question_config(master, source)["name"]
            texts[current] = {"prompt": "", "model": ""}
        elif cell.cell_type == "raw" and source.startswith("# BEGIN SOLUTION"):
            in_solution = True
        elif cell.cell_type == "raw" and source.startswith("# END SOLUTION"):
            in_solution = False
        elif cell.cell_type == "raw" and source.startswith("# END QUESTION"):
            current = None
        elif current and cell.cell_type == "markdown":
            texts[current]["model" if in_solution else "prompt"] += source.strip() + "\n\n"
    return texts
