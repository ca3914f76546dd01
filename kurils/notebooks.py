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
import zipfile
from pathlib import Path
from urllib.parse import urlencode, urlparse

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
#: The branch the deploy workflow publishes the course folder to (.github/workflows/pages.yml).
BRANCH = "notebooks"
ARCHIVE = "kurils-course.zip"
INSTALL_TAG = "kurils-install"

INSTALL_CELL = """\
# Installs the course's Python package when it is missing (Colab, a fresh JupyterHub).
# Inside the course folder, where the package is installed already, it does nothing.
import importlib, importlib.util, pathlib, subprocess, sys
if importlib.util.find_spec("kurils") is None:
    here = pathlib.Path.cwd()
    course = next((p for p in (here, *here.parents) if (p / "kurils" / "__init__.py").exists()), None)
    if course is None:
        course = here / "kurils-course"
        subprocess.run(["git", "clone", "--depth", "1", "{repository}", str(course)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", str(course)], check=True)
    sys.path.insert(0, str(course))
    importlib.invalidate_caches()
if "google.colab" in sys.modules:  # Colab shows the maps only with its custom widget manager
    from google.colab import output
    output.enable_custom_widget_manager()
"""

README = """\
# {title}

The course's notebooks, data and Python package, from {site}

1. Install Python 3.11 or later, then, in this folder:
   `python3 -m venv .venv && .venv/bin/pip install -e .` (or `pip install -r requirements.txt`).
2. Start Jupyter (`.venv/bin/jupyter lab`) and open a notebook in `chapters/`; run it from the top.

`exercises/` holds the graded exercise notebooks. Text and data: CC BY 4.0; code: MIT.
"""


def config(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))


def site_url(repository_url: str) -> str:
    """The GitHub Pages address of a GitHub repository: github.com/ORG/REPO -> https://org.github.io/REPO/."""
    parts = urlparse(repository_url)
    path = [p for p in parts.path.split("/") if p]
    if parts.netloc != "github.com" or len(path) != 2:
        raise ValueError(f"repository.url must look like https://github.com/ORG/REPO, not {repository_url!r}")
    org, repo = path
    return f"https://{org.lower()}.github.io/{repo.removesuffix('.git')}/"


def repository(root: Path = ROOT) -> str:
    """The course repository's URL, ``repository.url`` in _config.yml."""
    url = (config(root).get("repository") or {}).get("url", "")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url or ""):
        raise ValueError(f"_config.yml: repository.url must look like https://github.com/ORG/REPO, not {url!r}")
    return url


def toc(root: Path = ROOT) -> list[str]:
    """Every page in _toc.yml (the root page first), without the .md suffix."""
    book = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [book["root"]] + [chapter["file"] for part in book.get("parts", []) for chapter in part["chapters"]]


def pages(root: Path = ROOT) -> list[str]:
    """The pages in _toc.yml that are notebooks (their front matter names a kernel)."""
    return [name for name in toc(root) if "\nkernelspec:" in (root / f"{name}.md").read_text(encoding="utf-8")[:600]]


def chapter_notebook(source: Path, repository_url: str) -> nbformat.NotebookNode:
    """A MyST page as a notebook: no outputs, and the install cell first."""
    notebook = jupytext.read(source)
    notebook.metadata.pop("jupytext", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    install = nbformat.v4.new_code_cell(INSTALL_CELL.replace("{repository}", repository_url))
    install.metadata["tags"] = [INSTALL_TAG, "remove-cell"]
    notebook.cells.insert(0, install)
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # stable, so that a rebuilt notebook is the same file
    nbformat.validate(notebook)
    return notebook


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
    """Write the course folder: notebooks, quizzes, data, package, student exercises, README."""
    url = repository(root)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name in pages(root):
        target = out / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(chapter_notebook(root / f"{name}.md", url), target)
    _copy(root / "chapters" / "quizzes", out / "chapters" / "quizzes")
    _copy(root / "data", out / "data")
    _copy(root / "kurils", out / "kurils")
    (out / "exercises").mkdir()
    for notebook in sorted(exercise_notebooks.glob("*.ipynb")):
        shutil.copyfile(notebook, out / "exercises" / notebook.name)
    for name in ["pyproject.toml", "LICENSE", "LICENSE-CONTENT.md"]:
        shutil.copyfile(root / name, out / name)
    (out / "requirements.txt").write_text("-e .\n", encoding="utf-8")  # Binder installs the package
    readme = README.format(title=config(root)["title"], site=site_url(url))
    (out / "README.md").write_text(readme, encoding="utf-8")
    return out


def archive(folder: Path, target: Path) -> Path:
    """Zip ``folder`` as ``kurils-course/...`` into ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zipped.write(path, Path("kurils-course") / path.relative_to(folder))
    return target
