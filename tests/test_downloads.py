"""Downloads and launch buttons: each chapter as .ipynb, the whole course as one archive, Binder/JupyterHub/Colab."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import nbformat
import pytest
from nbclient import NotebookClient

from kurils import course, data, display
from kurils.build import notebooks
from kurils.grading import masters

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = course.repository()
ORG, REPO = urlparse(REPOSITORY).path.strip("/").split("/")
CHAPTERS = notebooks.pages()


def test_the_chapters_are_notebook_pages():
    assert "chapters/01-islands" in CHAPTERS and len([c for c in CHAPTERS if c.startswith("chapters/")]) >= 9


def test_a_chapter_notebook_has_no_outputs_and_installs_the_package_first():
    notebook = notebooks.chapter_notebook(ROOT / "chapters" / "01-islands.md", REPOSITORY)
    first = notebook.cells[0]
    assert first.cell_type == "code" and notebooks.INSTALL_TAG in first.metadata["tags"]
    assert 'find_spec("kurils") is None' in first.source
    assert f'"{course.site_url(REPOSITORY)}{notebooks.wheel_name()}"' in first.source
    assert all(cell.outputs == [] for cell in notebook.cells if cell.cell_type == "code")
    assert sum("IslandMap" in cell.source for cell in notebook.cells) >= 1


def test_the_download_menu_offers_the_course_notebook(built_site):
    for name in CHAPTERS:
        page = (built_site / f"{name}.html").read_text(encoding="utf-8")
        depth = "../" * name.count("/")
        assert f'href="{depth}_sources/{name}.ipynb"' in page, name
        offered = nbformat.read(built_site / "_sources" / f"{name}.ipynb", as_version=4)
        assert offered == notebooks.chapter_notebook(ROOT / f"{name}.md", REPOSITORY), name


@pytest.fixture(scope="module")
def archive(built_site) -> zipfile.ZipFile:
    path = built_site / notebooks.ARCHIVE
    assert path.exists(), "kurils site did not put the course archive on the site"
    with zipfile.ZipFile(path) as zipped:
        assert zipped.testzip() is None
        yield zipped


def test_how_to_use_links_to_the_archive(built_site):
    assert f'href="{notebooks.ARCHIVE}"' in (built_site / "how-to-use.html").read_text(encoding="utf-8")


def test_the_archive_holds_every_notebook_data_file_and_exercise(archive):
    names = set(archive.namelist())
    expected = {f"kurils-course/{name}.ipynb" for name in CHAPTERS}
    expected |= {
        f"kurils-course/{p.relative_to(ROOT)}"
        for p in (ROOT / "data").rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.parts)
    }
    expected |= {f"kurils-course/exercises/{name}.ipynb" for name in masters.find(ROOT / "exercises")}
    expected |= {f"kurils-course/{name}" for name in ["README.md", "requirements.txt", "runtime.txt"]}
    expected.add(f"kurils-course/{notebooks.wheel_name()}")
    assert expected - names == set()


def test_the_site_serves_the_wheel_the_install_cells_name(built_site):
    assert (built_site / notebooks.wheel_name()).read_bytes()[:2] == b"PK"


def test_the_archive_contains_no_solution_or_hidden_test(archive):
    """Notebooks, text and data are scanned; the package's own source names otter's markers and is public."""
    found = masters.find(ROOT / "exercises")
    for member in archive.namelist():
        if member.endswith((".ipynb", ".md", ".json", ".txt", ".csv")) and not member.startswith(
            "kurils-course/kurils/"
        ):
            text = archive.read(member).decode("utf-8", errors="replace")
            for master in found.values():
                assert masters.leaks(text, master) == [], member


def test_a_chapter_notebook_from_the_archive_runs_top_to_bottom(archive, tmp_path):
    archive.extractall(tmp_path)
    path = tmp_path / "kurils-course" / "chapters" / "01-islands.ipynb"
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": path.parent}})
    client.execute()
    assert notebook.cells[0].outputs == [], "the install cell did something although the package is installed"
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


def _launch_links(page: str) -> dict[str, str]:
    links = re.findall(
        r'<a href="([^"]+)"[^>]*>\s*<span class="btn__icon-container">.*?</span>\s*'
        r'<span class="btn__text-container">(\w+)</span>',
        page,
        flags=re.DOTALL,
    )
    return {text: href.replace("&amp;", "&") for href, text in links if text in ("Binder", "JupyterHub", "Colab")}


def test_the_chapters_launch_links_lead_somewhere_or_are_not_there(built_site):
    published = course.BUILD / "notebooks"
    for name in CHAPTERS:
        links = _launch_links((built_site / f"{name}.html").read_text(encoding="utf-8"))
        assert (published / f"{name}.ipynb").exists(), f"{name}.ipynb is not in the notebooks branch's folder"
        if course.is_placeholder(REPOSITORY):
            assert links == {}, f"{name}: launch buttons to the placeholder repository"
        else:
            assert links == notebooks.launch_urls(name, REPOSITORY, course.config()["launch_buttons"]), name


def test_launch_links_open_the_notebook_on_the_notebooks_branch():
    launch = {"binderhub_url": "https://mybinder.org", "colab_url": "https://colab.research.google.com"}
    links = notebooks.launch_urls("chapters/01-islands", "https://github.com/org/course", launch)
    assert set(links) == {"Binder", "Colab"}, "a JupyterHub button although no hub address is configured"
    colab = urlparse(links["Colab"])
    assert colab.netloc == "colab.research.google.com"
    assert colab.path == f"/github/org/course/blob/{notebooks.BRANCH}/chapters/01-islands.ipynb"
    binder = urlparse(links["Binder"])
    assert binder.netloc == "mybinder.org" and binder.path == f"/v2/gh/org/course/{notebooks.BRANCH}"
    assert parse_qs(binder.query) == {"urlpath": ["lab/tree/chapters/01-islands.ipynb"]}

    hub = notebooks.launch_urls(
        "chapters/01-islands", "https://github.com/org/course", {"jupyterhub_url": "https://hub.example.edu/"}
    )
    puller = urlparse(hub["JupyterHub"])
    assert hub["JupyterHub"].startswith("https://hub.example.edu/hub/user-redirect/git-pull?")
    assert parse_qs(puller.query) == {
        "repo": ["https://github.com/org/course"],
        "branch": [notebooks.BRANCH],
        "urlpath": ["lab/tree/course/chapters/01-islands.ipynb"],
    }


def test_the_repository_setting_comes_from_the_environment_when_set(monkeypatch):
    monkeypatch.setenv(course.REPOSITORY_VARIABLE, "a-fork/kurils")
    assert course.repository() == "https://github.com/a-fork/kurils"
    assert not course.is_placeholder(course.repository())
    monkeypatch.setenv(course.REPOSITORY_VARIABLE, "not a repository")
    with pytest.raises(ValueError, match=r"\$KURILS_REPOSITORY must name a GitHub repository"):
        course.repository()


def test_the_published_folder_is_binders_environment(built_site):
    published = course.BUILD / "notebooks"
    assert (published / "requirements.txt").read_text() == notebooks.requirements()
    assert (published / notebooks.wheel_name()).exists() and (published / "chapters" / "quizzes").is_dir()
    assert (published / "runtime.txt").read_text() == f"python-{notebooks.python_version()}\n"


def test_a_repository_url_that_is_not_github_is_refused(tmp_path):
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://example.org/course\n")
    with pytest.raises(ValueError, match="must name a GitHub repository"):
        course.repository(tmp_path)


def _run_install_cell(monkeypatch, cwd: Path, installed: bool) -> list[list[str]]:
    """Run the install cell's code with ``subprocess.run`` recorded instead of run; return the commands."""
    import importlib.util
    import subprocess
    import sys

    commands = []
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "kurils" and not installed else real_find_spec(name, *a),
    )
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: commands.append(command))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.chdir(cwd)
    exec(notebooks.INSTALL_CELL.replace("{wheel_url}", WHEEL_URL), {})
    return commands


WHEEL_URL = "https://org.github.io/course/" + notebooks.wheel_name()


def test_the_install_cell_does_nothing_where_the_package_is_installed(monkeypatch, tmp_path):
    (tmp_path / notebooks.wheel_name()).write_text("")
    assert _run_install_cell(monkeypatch, tmp_path, installed=True) == []


def test_the_install_cell_installs_the_sites_wheel_where_there_is_none_nearby(monkeypatch, tmp_path):
    commands = _run_install_cell(monkeypatch, tmp_path, installed=False)
    assert commands == [[sys.executable, "-m", "pip", "install", "--quiet", WHEEL_URL]]


def test_the_install_cell_installs_the_wheel_of_the_unzipped_course_it_is_in(monkeypatch, tmp_path):
    (tmp_path / notebooks.wheel_name()).write_text("")
    (tmp_path / "chapters").mkdir()
    commands = _run_install_cell(monkeypatch, tmp_path / "chapters", installed=False)
    assert commands == [[sys.executable, "-m", "pip", "install", "--quiet", str(tmp_path / notebooks.wheel_name())]]


def test_a_downloaded_chapter_shows_its_citations_as_readable_links():
    """Outside the site (Colab, a hub, JupyterLab) a chapter's citations read "(sources: Author (year))"."""
    source = ROOT / "chapters" / "04-1956-cold-war.md"
    keys = re.findall(r"\{footcite:p\}`([^`]+)`", source.read_text(encoding="utf-8"))
    notebook = notebooks.chapter_notebook(source, "https://github.com/kurils-course/kurils")
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "{footcite" not in text and "{footbibliography}" not in text
    assert text.count("(sources: ") == len(keys)
    listed = text.split("Sources and further reading", 1)[1]
    sources = data.load("sources").set_index("id")
    for key in {k.strip() for ks in keys for k in ks.split(",")}:
        row = sources.loc[key]
        if row["url"]:
            assert f"[{display.short_citation(row)}](<{row['url']}>)" in listed, key
        assert row["title"] in listed, key
    with pytest.raises(KeyError, match="no-such-source"):
        notebooks.readable_citations("{footcite:p}`no-such-source`", [], sources)


def test_a_malformed_config_stops_with_the_file_the_line_and_why(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text("title: Islands\n  bad: indent\nx: 1\n", encoding="utf-8")
    where = re.escape(f"{config}: line 2: not valid YAML (mapping values are not allowed")
    with pytest.raises(course.CourseError, match=f"^{where}"):
        course.config(tmp_path)
    config.write_text("- a list, not settings\n", encoding="utf-8")
    with pytest.raises(course.CourseError, match=r"_config.yml: expected settings as 'key: value' lines, found list"):
        course.config(tmp_path)


def test_the_kurils_command_names_a_broken_setting_without_a_traceback(tmp_path):
    """The course's package beside a malformed _config.yml: the command says which file, line and why."""
    shutil.copytree(ROOT / "kurils", tmp_path / "kurils", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "_config.yml").write_text("title: Islands\n  bad: indent\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kurils.cli", "execute"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    said = f"{tmp_path / '_config.yml'}: line 2: not valid YAML (mapping values are not allowed here)"
    assert done.stderr.strip() == said  # and no traceback


def test_the_config_is_read_once_per_version_of_the_file(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text("title: Islands\n", encoding="utf-8")
    first = course.config(tmp_path)
    first["title"] = "changed by a caller"  # a copy: the next reader still gets the file's settings
    before = course._config.cache_info().hits
    assert course.config(tmp_path) == {"title": "Islands"}
    assert course._config.cache_info().hits == before + 1, "read again although the file did not change"
    config.write_text("title: Four islands\n", encoding="utf-8")
    assert course.config(tmp_path) == {"title": "Four islands"}


def test_the_settings_module_imports_where_a_wheel_is_installed_and_fails_only_when_asked(tmp_path):
    """A student's wheel has the package but no _config.yml or _toc.yml beside it."""
    package = tmp_path / "site-packages" / "kurils"
    package.mkdir(parents=True)
    for name in ("__init__.py", "course.py"):
        shutil.copyfile(ROOT / "kurils" / name, package / name)
    code = (
        f"import sys; sys.path.insert(0, {str(package.parent)!r})\n"
        "from kurils import course\n"
        "print(course.ROOT)\n"
        "try:\n    course.toc()\nexcept course.CourseError as error:\n    print(error)\n"
    )
    # -I -S: no site-packages at all, so importing the settings needs nothing but the standard library.
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    root, said = done.stdout.splitlines()
    assert root == str(package.parent)
    assert said.startswith(f"{package.parent / '_toc.yml'}: no such file"), said


def test_one_rule_for_the_repository_address():
    assert course.site_url("https://github.com/Kurils-Course/kurils.git/") == "https://kurils-course.github.io/kurils/"
    for wrong in ("https://gitlab.com/org/repo", "https://github.com/org", "https://github.com/org/repo/tree/main"):
        with pytest.raises(course.CourseError, match="must look like https://github.com/ORG/REPO"):
            course.site_url(wrong)


def test_a_downloaded_chapter_is_plain_markdown_that_any_notebook_shows():
    """Colab and a bare hub do not know MyST: terms, references, notes, epigraphs and tabs are made plain."""
    source = ROOT / "chapters" / "06-abe-opening-2013.md"
    text = source.read_text(encoding="utf-8")
    assert "{term}" in text and "{tab-item}" in text and "```{note}" in text and "{ref}`" in text
    notebook = notebooks.chapter_notebook(source, "https://github.com/kurils-course/kurils")
    shown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert not re.findall(r"\{[a-z-]+\}`|^:::|^```\{", shown, re.M), "MyST left in the notebook"
    assert "**Japan's position**" in shown and "**Russia's position**" in shown
    assert "> **About the names.**" in shown
    site = course.site_url("https://github.com/kurils-course/kurils")
    assert f"(<{site}documents.html#doc-joint-statement-2013>)" in shown
