"""Every chapter's exercise: its solution scores full marks and an unanswered notebook scores low; releases
of one chapter, the wheel and the gradebook's atomic write. (Apart from test_exercises.py so that the two
slow grading runs can go to different test workers.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kurils.build import notebooks
from kurils.grading import gradebook, masters, release, run

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "exercises"


def test_the_gradebook_is_written_atomically(tmp_path, monkeypatch):
    target = tmp_path / "gradebook.csv"
    target.write_text("old,complete\n", encoding="utf-8")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(gradebook.os, "replace", crash)
    with pytest.raises(OSError):
        gradebook.atomic_write(target, "new,half")
    assert target.read_text(encoding="utf-8") == "old,complete\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gradebook.csv"]


def test_an_unknown_chapter_is_refused_plainly(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit, match="no master for ch42"):
        run.grade(tmp_path / "class", MASTERS, tmp_path / "out", chapter="42")
    with pytest.raises(SystemExit, match="give a chapter number"):
        run.grade(tmp_path / "class", MASTERS, tmp_path / "out", chapter="three")
    with pytest.raises(SystemExit, match="must not be inside the submissions folder"):
        run.grade(tmp_path / "class", MASTERS, tmp_path / "class" / "grades")


def test_release_of_one_chapter_hands_out_notebooks_and_data_but_keeps_the_zip_apart(tmp_path):
    import zipfile

    written = release.release(MASTERS, tmp_path / "hand-out", tmp_path / "private", chapter="ch01")
    assert list(written) == ["ch01"]
    hand_out = tmp_path / "hand-out"
    assert {"ch01.ipynb", "data", "README.md", "requirements.txt", notebooks.wheel_name()} <= {
        p.name for p in hand_out.iterdir()
    }
    assert (hand_out / "data" / "islands.csv").read_bytes() == (ROOT / "data" / "islands.csv").read_bytes()
    assert not list(hand_out.rglob("*.zip"))
    with zipfile.ZipFile(tmp_path / "private" / "ch01.zip") as archive:
        names = archive.namelist()
    assert "otter_config.json" in names and any(n.startswith("tests/") for n in names)
    for path in hand_out.rglob("*"):
        if path.is_file() and path.suffix in (".ipynb", ".md", ".txt", ".csv", ".json"):
            assert masters.leaks(path.read_text(encoding="utf-8"), masters.find(MASTERS)["ch01"]) == [], path
    with pytest.raises(SystemExit, match="must not be inside"):
        release.release(MASTERS, tmp_path / "x", tmp_path / "x" / "private", chapter=1)


def test_the_package_wheel_carries_the_data_but_no_solution_or_hidden_test(tmp_path):
    """What `pip install` puts on a student's machine (e.g. on Colab or a hub) gives nothing away."""
    import shutil
    import subprocess
    import sys
    import zipfile

    source = tmp_path / "source"
    for name in subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, source / name)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)]
    subprocess.run([*command, str(source)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("kurils-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert any(name.endswith("share/kurils/data/islands.csv") for name in files)
    assert any(name.endswith("share/kurils/data/geography/region.geojson") for name in files)
    assert any(name.endswith("share/kurils/quizzes/ch01.json") for name in files)  # the self-checks
    for language in ("ja", "ru"):  # what a student's kernel shows in Japanese or Russian
        for catalogue in (
            "kernel/quizzes/ch01",
            "kernel/labels",
            "kernel/figures",
            "kernel/widgets/timeline",
            "kernel/checks/ch01",
        ):
            assert any(name.endswith(f"share/kurils/locales/{language}/{catalogue}.po") for name in files), catalogue
    assert not [name for name in files if "exercises" in name]
    assert not [name for name in files if "checks-hidden" in name], "what the hidden checks say stays with the teacher"
    for master in masters.find(MASTERS).values():
        secrets = [t.splitlines()[0] for t in masters.hidden_tests(master)] + masters.solution_lines(master)
        for name, content in files.items():
            text = content.decode("utf-8", "replace")
            assert not [s for s in secrets if s in text], f"{name} contains a line of {master.name}"


LIARS = """
class _Liar:  # claims to equal anything, and lies about its hash, truth value, size and order
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    __le__ = __gt__ = __ge__ = __lt__
    def __hash__(self): return 0
    def __bool__(self): return True
    def __len__(self): return 2
    def __float__(self): return 1.0
    def __int__(self): return 1
class _LyingStr(_Liar, str): pass
class _LyingInt(_Liar, int): pass
class _LyingList(_Liar, list): pass
class _LyingDict(_Liar, dict): pass
class _Shapeshifter(_Liar):  # isinstance(x, list), isinstance(x, str)... says yes to whatever is asked
    __class__ = property(lambda self: list)
    def __iter__(self): return iter([])
    def __getattr__(self, name): return self
    def __call__(self, *args, **kwargs): return self
    def __getitem__(self, key): return self
_kinds = [_LyingStr("a"), _LyingInt(1), _LyingList(), _LyingDict(), _Shapeshifter()]
for _i, _name in enumerate(NAMES):
    globals()[_name] = _kinds[_i % len(_kinds)]
"""


def _lying(student: Path, zip_path: Path) -> dict:
    """The student notebook with a last cell that sets every name the checks read to a lying object."""
    from kurils.grading import answers, worker

    notebook = json.loads(student.read_text(encoding="utf-8"))
    names = sorted({n for s in worker.test_specs(zip_path) for n in answers.spec_names(s)} - {"pd", "np", "data"})
    cell = {"cell_type": "code", "id": "kurils-lying", "metadata": {}, "outputs": [], "execution_count": None}
    notebook["cells"].append({**cell, "source": LIARS.replace("NAMES", repr([n for n in names if n[0] != "_"]))})
    return notebook


def _grade_each_chapter(kinds: dict, tmp_path_factory) -> dict:
    """Grade one notebook of each kind for every chapter, ``{kind: chapter name -> notebook text}``, in one run."""
    folder = tmp_path_factory.mktemp("all-chapters")
    for kind, notebook_of in kinds.items():
        for name in masters.find(MASTERS):
            (folder / f"{kind}-{name}").mkdir()
            (folder / f"{kind}-{name}" / f"{name}.ipynb").write_text(notebook_of(name), encoding="utf-8")
    book = run.grade(folder, MASTERS, tmp_path_factory.mktemp("all-grades"), time_limit=120, jobs=2)
    results = json.loads((book.parent / "results.json").read_text(encoding="utf-8"))
    return {(r["student"], r["assignment"]): gradebook.Result(**r) for r in results}


@pytest.fixture(scope="module")
def every_chapter(released, solutions, tmp_path_factory):
    """Each chapter's solution notebook and unanswered student notebook, graded in one run."""
    kinds = {
        "solution": lambda name: solutions[name].read_text(encoding="utf-8"),
        "unanswered": lambda name: released[name].read_text(encoding="utf-8"),
    }
    return _grade_each_chapter(kinds, tmp_path_factory)


@pytest.fixture(scope="module")
def lying(released, autograder, tmp_path_factory):
    """Each chapter's lying notebook (:func:`_lying`), graded in one run."""
    kinds = {"lying": lambda name: json.dumps(_lying(released[name], autograder / f"{name}.zip"))}
    return _grade_each_chapter(kinds, tmp_path_factory)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(masters.find(MASTERS)))
def test_every_chapter_exercise_grades_its_solution_full_and_an_unanswered_notebook_low(every_chapter, name):
    master = masters.find(MASTERS)[name]
    spec = masters.questions(master)
    assert 6 <= len(spec) <= 13, f"{name} has {len(spec)} questions"
    assert any(q["manual"] for q in spec.values()), f"{name} has no written question"
    solution = every_chapter[(f"solution-{name}", name)]
    assert solution.status.startswith("graded"), solution.status
    autograded = sum(points for q, points in solution.possible.items() if not spec[q]["manual"])
    assert autograded > 0 and solution.total == autograded, solution.reasons
    assert solution.out_of == sum(q["points"] for q in spec.values()), "possible counts the written points too"
    unanswered = every_chapter[(f"unanswered-{name}", name)]
    assert unanswered.total < unanswered.out_of / 4, f"an unanswered {name} scores {unanswered.total}"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(masters.find(MASTERS)))
def test_answers_that_lie_about_equality_type_truth_or_hash_score_nothing_and_say_why(lying, name):
    """Every auto-graded question of every chapter, answered with objects that claim to equal anything."""
    spec = masters.questions(masters.find(MASTERS)[name])
    result = lying[(f"lying-{name}", name)]
    assert result.status.startswith("graded"), result.status
    for question, meta in spec.items():
        if meta["manual"]:
            continue
        assert result.scores[question] == 0, f"{name} {question}: a lying answer scored {result.scores[question]}"
        assert any("scored 0 because" in r and "not a plain value" in r for r in result.reasons[question]), (
            question,
            result.reasons[question],
        )


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ch01"])  # the map, multiple choice, numbers and orderings
def test_the_autograder_zip_grades_as_kurils_grade_does(
    every_chapter, lying, released, solutions, autograder, tmp_path, name
):
    """The zip's own entry point (what Gradescope and otter's Docker grading run), run here without Docker."""
    import pickle
    import subprocess
    import sys
    import zipfile

    zip_path = autograder / f"{name}.zip"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tmp_path / "source")
        assert any(n.endswith(".whl") for n in archive.namelist()), "the zip carries the course package"
    assert "pip install /autograder/source/kurils-" in (tmp_path / "source" / "setup.sh").read_text()
    notebooks_ = {
        "solution": solutions[name].read_text(encoding="utf-8"),
        "unanswered": released[name].read_text(encoding="utf-8"),
        "lying": json.dumps(_lying(released[name], zip_path)),
    }
    graded = {**every_chapter, **lying}
    for student, text in notebooks_.items():
        root = tmp_path / student
        shutil.copytree(tmp_path / "source", root / "source")
        (root / "submission").mkdir()
        (root / "submission" / f"{name}.ipynb").write_text(text, encoding="utf-8")
        subprocess.run([sys.executable, str(root / "source" / "run_otter.py"), str(root)], check=True, timeout=600)
        results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
        ours = graded[(f"{student}-{name}", name)]
        by_zip = {t["name"]: t["score"] for t in results["tests"]}
        assert by_zip == {q: s for q, s in ours.scores.items() if q in by_zip}, student
        spec = masters.questions(masters.find(MASTERS)[name])
        assert set(by_zip) == {q for q, meta in spec.items() if not meta["manual"]}
        otter_results = pickle.loads((root / "results" / "results.pkl").read_bytes())
        assert otter_results.total == results["score"] == sum(by_zip.values())
        if student == "lying":
            assert all("scored 0 because" in t["output"] for t in results["tests"]), results["tests"]
