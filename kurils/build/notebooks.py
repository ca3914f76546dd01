"""The chapters as Jupyter notebooks, for the download menu, the launch buttons and the course archive.

Each MyST page that is a notebook (it names a kernel) becomes ``PAGE.ipynb`` with no outputs and
one extra first cell that installs the course package where it is missing (Colab, a fresh hub).
:func:`write_course` writes a self-contained copy of the course (notebooks, data, the package,
the student exercise notebooks) that ``kurils site`` zips into the site and the deploy workflow
publishes to the ``notebooks`` branch, which the launch buttons open.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlencode, urlparse

import jupytext
import nbformat

from kurils import course
from kurils.course import ROOT, site_url

#: The branch the deploy workflow publishes the course folder to (.github/workflows/pages.yml).
BRANCH = "notebooks"
ARCHIVE = "kurils-course.zip"
#: Where the site serves the student exercise notebooks (kurils/build/site.py), as the chapters link to them.
SITE_EXERCISES = "exercise-notebooks"
INSTALL_TAG = "kurils-install"

INSTALL_CELL = """\
# Installs the course package where it is missing (Colab, a bare JupyterHub); where it is installed, does nothing.
import importlib.util, pathlib, subprocess, sys
if importlib.util.find_spec("kurils") is None:
    here = pathlib.Path.cwd()
    wheels = [w for folder in (here, *list(here.parents)[:2]) for w in sorted(folder.glob("kurils-*.whl"))]
    package = str(wheels[0]) if wheels else "{wheel_url}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package], check=True)
    importlib.invalidate_caches()
if "google.colab" in sys.modules:  # Colab shows the widgets only with its custom widget manager
    from google.colab import output
    output.enable_custom_widget_manager()
"""

README = """\
# {title}

The course's notebooks, data and Python package, from {site}

1. Install Python 3.11 or later. In this folder, make an environment and install the course
   package (the wheel `{wheel}`) with JupyterLab:
   `python3 -m venv .venv && .venv/bin/pip install -r requirements.txt`
2. Start JupyterLab (`.venv/bin/jupyter lab`) and open a notebook in `chapters/`; run it from the top.

In a Jupyter you already have (Colab, a JupyterHub), just open a notebook: its first cell installs
the course package when it is missing. `exercises/` holds the graded exercise notebooks.
Text and data: CC BY 4.0; code: MIT.
"""


def wheel_name() -> str:
    """The file name of the course package's wheel (it is pure Python)."""
    from kurils import __version__

    return f"kurils-{__version__}-py3-none-any.whl"


#: What the wheel is built from (pyproject.toml names the package and its data files).
WHEEL_SOURCES = ["pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT.md", "kurils", "data", "chapters/quizzes"]
WHEEL_SOURCES += [f"locales/{code}/kernel" for code in ("ja", "ru")]  # the self-checks' and the widgets' translations


def build_wheel(out: Path, root: Path = ROOT) -> Path:
    """Build the course package's wheel (runtime dependencies only, the data inside) into ``out``.

    It is built from a copy of the sources, so setuptools' build/ and egg-info stay out of the course.
    """
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("kurils-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for name in WHEEL_SOURCES:
            source = root / name
            (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                _copy(source, Path(tmp) / name)
            else:
                shutil.copyfile(source, Path(tmp) / name)
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        result = subprocess.run([*command, "-w", str(out), tmp], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"building the course wheel failed:\n{result.stdout}{result.stderr}")
    wheel = out / wheel_name()
    if not wheel.exists():
        raise SystemExit(f"building the course wheel did not write {wheel}")
    return wheel


def requirements() -> str:
    """requirements.txt for a folder with the wheel in it: the package and JupyterLab (run pip in that folder)."""
    return f"./{wheel_name()}[lab]\n"


def install_cell(repository_url: str) -> nbformat.NotebookNode:
    """The first cell of every notebook handed out: installs the package from a wheel nearby, else from the site."""
    cell = nbformat.v4.new_code_cell(INSTALL_CELL.replace("{wheel_url}", site_url(repository_url) + wheel_name()))
    cell.metadata["tags"] = [INSTALL_TAG, "remove-cell"]
    return cell


def pages(root: Path = ROOT) -> list[str]:
    """The pages in _toc.yml that are notebooks (their front matter names a kernel)."""
    return [
        name for name in course.toc(root) if "\nkernelspec:" in (root / f"{name}.md").read_text(encoding="utf-8")[:600]
    ]


def chapter_notebook(source: Path, repository_url: str) -> nbformat.NotebookNode:
    """A MyST page as a notebook: no outputs, and the install cell first."""
    notebook = jupytext.read(source)
    notebook.metadata.pop("jupytext", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    cited: list[str] = []
    from kurils import data

    sources = data.load("sources").set_index("id")
    for cell in notebook.cells:
        if cell.cell_type == "markdown":  # the site's student notebooks are in exercises/ in the course folder
            text = cell.source.replace(f"../{SITE_EXERCISES}/", "../exercises/")
            cell.source = plain_markdown(readable_citations(text, cited, sources), site_url(repository_url))
    notebook.cells.insert(0, install_cell(repository_url))
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # stable, so that a rebuilt notebook is the same file
    nbformat.validate(notebook)
    return notebook


TERM = re.compile(r"\{term\}`([^`<]+?)(?:\s*<[^`>]+>)?`")
REF = re.compile(r"\{(ref|doc)\}`(?:([^`<]+?)\s*<([^`>]+)>|([^`<]+))`")
FENCE = re.compile(r"^(`{3,})\{(note|epigraph|admonition|important|tip|warning)\}([^\n]*)\n(.*?)^\1\s*$", re.M | re.S)
TABS = re.compile(r"^:{4}\{tab-set\}\s*$|^:{4}\s*$|^:{3}\s*$", re.M)
TAB_ITEM = re.compile(r"^:{3}\{tab-item\}\s*(.+)$", re.M)


def plain_markdown(text: str, site: str) -> str:
    """MyST that only Sphinx (or jupyterlab-myst) understands, as plain Markdown every notebook shows.

    Glossary terms become their words; references to the documents reader and other pages link to the
    course site (``site``); notes and epigraphs become quotations; tabs become headed paragraphs.
    """

    def ref(match: re.Match) -> str:
        kind, text, target, bare = match.groups()
        target = target or bare
        text = text or bare.rsplit("/", 1)[-1]
        if kind == "doc":
            return f"[{text}](<{site}{target.removeprefix('../').removesuffix('.md')}.html>)"
        if target.startswith("doc-"):
            return f"[{text}](<{site}documents.html#{target}>)"
        return text

    def fence(match: re.Match) -> str:
        kind, title, body = match.group(2), match.group(3).strip(), match.group(4).strip()
        head = {"note": "**Note.** ", "epigraph": ""}.get(kind, f"**{title or kind.capitalize()}.** ")
        head = "" if body.startswith("**") and kind == "note" else head  # the note names itself
        return "\n".join("> " + line if line else ">" for line in (head + body).splitlines()) + "\n"

    text = TERM.sub(lambda m: m.group(1).strip(), text)
    text = REF.sub(ref, text)
    text = FENCE.sub(fence, text)
    text = TAB_ITEM.sub(lambda m: f"**{m.group(1).strip()}**\n", text)
    return TABS.sub("", text)


FOOTCITE = re.compile(r"\{footcite:p\}`([^`]+)`")
FOOTBIBLIOGRAPHY = re.compile(r"```\{footbibliography\}\s*```")


def readable_citations(text: str, cited: list[str], sources) -> str:
    """Citations a reader can read wherever the notebook is opened (JupyterLab, Colab, a hub).

    Sphinx turns ``{footcite:p}`ids``` into numbered notes and ``{footbibliography}`` into the list of
    the page's sources; elsewhere they would show as keys or raw roles. Here each becomes plain Markdown:
    "(sources: [Author (year)](url); ...)", and the list of every work ``cited`` on the page so far.
    ``sources`` is the sources table indexed by id.
    """
    from kurils.display import short_citation

    def short(source_id: str) -> str:
        row = sources.loc[source_id]
        text = short_citation(row).replace("[", "(").replace("]", ")")
        return f"[{text}](<{row['url']}>)" if row["url"] else text

    def cite(match: re.Match) -> str:
        ids = [i.strip() for i in match.group(1).split(",") if i.strip()]
        unknown = [i for i in ids if i not in sources.index]
        if unknown:
            raise KeyError(f"{', '.join(unknown)}: not an id in sources.csv")
        cited.extend(i for i in ids if i not in cited)
        return "(sources: " + "; ".join(short(i) for i in ids) + ")"

    def entry(source_id: str) -> str:
        row = sources.loc[source_id]
        return f"- {short(source_id)}: {row['title']}" + (f", {row['outlet']}" if row["outlet"] else "")

    text = FOOTCITE.sub(cite, text)
    return FOOTBIBLIOGRAPHY.sub(lambda _: "\n".join(entry(i) for i in cited), text)


def launch_urls(pagename: str, repository_url: str, launch: dict) -> dict[str, str]:
    """Binder, JupyterHub (nbgitpuller) and Colab links that open ``PAGENAME.ipynb`` on the notebooks branch.

    ``launch`` is _config.yml's ``launch_buttons``: a provider without an address gets no link.
    """
    binderhub, jupyterhub, colab = (launch.get(f"{key}_url", "") for key in ("binderhub", "jupyterhub", "colab"))
    org, repo = urlparse(repository_url).path.strip("/").split("/")
    path = f"{pagename}.ipynb"
    urls = {}
    if binderhub:
        urls["Binder"] = f"{binderhub.rstrip('/')}/v2/gh/{org}/{repo}/{BRANCH}?urlpath=lab/tree/{path}"
    if jupyterhub:
        query = urlencode({"repo": repository_url, "branch": BRANCH, "urlpath": f"lab/tree/{repo}/{path}"}, safe="/")
        urls["JupyterHub"] = f"{jupyterhub.rstrip('/')}/hub/user-redirect/git-pull?{query}"
    if colab:
        urls["Colab"] = f"{colab.rstrip('/')}/github/{org}/{repo}/blob/{BRANCH}/{path}"
    return urls


def _copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


def write_course(out: Path, exercise_notebooks: Path, root: Path = ROOT) -> Path:
    """Write the course folder: notebooks, quizzes, data, the package's wheel, student exercises, README.

    The folder is also what Binder builds (the notebooks branch): requirements.txt installs the wheel
    (the student runtime and JupyterLab) and runtime.txt names the Python version pyproject.toml requires.
    """
    url = course.repository(root)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name in pages(root):
        target = out / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(chapter_notebook(root / f"{name}.md", url), target)
    _copy(root / "chapters" / "quizzes", out / "chapters" / "quizzes")
    _copy(root / "data", out / "data")
    build_wheel(out, root)
    (out / "exercises").mkdir()
    for notebook in sorted(exercise_notebooks.glob("*.ipynb")):
        shutil.copyfile(notebook, out / "exercises" / notebook.name)
    for name in ["LICENSE", "LICENSE-CONTENT.md"]:
        shutil.copyfile(root / name, out / name)
    (out / "requirements.txt").write_text(requirements(), encoding="utf-8")
    (out / "runtime.txt").write_text(f"python-{python_version(root)}\n", encoding="utf-8")
    readme = README.format(title=course.config(root)["title"], site=site_url(url), wheel=wheel_name())
    (out / "README.md").write_text(readme, encoding="utf-8")
    return out


def python_version(root: Path = ROOT) -> str:
    """The lowest Python version pyproject.toml accepts (``requires-python = ">=X.Y"``), for Binder's runtime.txt."""
    import tomllib

    spec = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    match = re.fullmatch(r">=\s*(\d+\.\d+)", spec.strip())
    if not match:
        raise ValueError(f"pyproject.toml: requires-python must read '>=X.Y', not {spec!r}")
    return match.group(1)


def archive(folder: Path, target: Path) -> Path:
    """Zip ``folder`` as ``kurils-course/...`` into ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zipped.write(path, Path("kurils-course") / path.relative_to(folder))
    return target
