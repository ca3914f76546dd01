"""Where the course's files are and what its settings say: the one place that knows.

- ``ROOT`` (the repository) and ``BUILD`` (``ROOT/_build``, everything the tools write).
- :func:`config`: ``_config.yml``, read once per version of the file and checked; a file that is not
  YAML settings raises :class:`CourseError` naming the file, the line and the problem.
- :func:`repository` and :func:`site_url`: the course's GitHub repository (``repository.url``, or
  ``$KURILS_REPOSITORY``) and its Pages address, checked by one rule.
- :func:`toc`: the pages of ``_toc.yml``, root first, in reading order.

A student's installed wheel has no ``_config.yml`` or ``_toc.yml`` (its data lives under
``share/kurils``, see :func:`kurils.data.installed_folder`): importing this module needs nothing but
the standard library, and only asking for a build setting there fails, with the file it looked for.
"""

from __future__ import annotations

import copy
import functools
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
#: The chapters' MyST pages (and their self-check questions, ``chapters/quizzes``).
CHAPTERS = ROOT / "chapters"
#: The package's own scripts and styles (the static widget renderer, the self-checks, the site's CSS).
ASSETS = Path(__file__).resolve().parent / "assets"
#: The npm packages of package.json (`npm ci`): the tools the build and the tests run with node.
NODE_MODULES = ROOT / "node_modules"

#: The repository a fresh copy of the course names until someone sets theirs.
PLACEHOLDER = "https://github.com/kurils-course/kurils"
#: ORG/REPO to use instead of _config.yml's repository.url; the Pages workflow sets it to the repository
#: it runs in, so that a fork that deploys gets its own site address and launch buttons with no edit.
REPOSITORY_VARIABLE = "KURILS_REPOSITORY"
#: What a course repository's address looks like (the launch buttons and the Pages address need both parts).
GITHUB = re.compile(r"https://github\.com/(?P<org>[\w.-]+)/(?P<repo>[\w.-]+)")


class CourseError(ValueError):
    """A course setting that is missing or wrong; the message names the file (or variable) and the problem."""


def _read_yaml(path: Path, what: str):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CourseError(f"{path}: no such file; {what} is read from the course repository's folder") from None
    import yaml  # not needed to import this module (a student's kernel never asks for the settings)

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}: line {mark.line + 1}" if mark is not None else str(path)
        problem = getattr(error, "problem", None) or " ".join(str(error).split())
        raise CourseError(f"{where}: not valid YAML ({problem})") from None


@functools.lru_cache(maxsize=8)
def _config(path: Path, mtime_ns: int, size: int) -> dict:
    settings = _read_yaml(path, "the book's settings")
    if not isinstance(settings, dict):
        raise CourseError(f"{path}: expected settings as 'key: value' lines, found {type(settings).__name__}")
    return settings


def _version(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return 0, -1
    return stat.st_mtime_ns, stat.st_size


def config(root: Path = ROOT) -> dict:
    """The book's settings, ``ROOT/_config.yml``, read once per version of the file (a copy: change it freely)."""
    path = Path(root) / "_config.yml"
    return copy.deepcopy(_config(path, *_version(path)))


def site_url(repository_url: str) -> str:
    """The GitHub Pages address of a GitHub repository: github.com/ORG/REPO -> https://org.github.io/REPO/."""
    match = GITHUB.fullmatch(repository_url.rstrip("/"))
    if not match:
        raise CourseError(f"repository.url must look like https://github.com/ORG/REPO, not {repository_url!r}")
    return f"https://{match['org'].lower()}.github.io/{match['repo'].removesuffix('.git')}/"


def repository(root: Path = ROOT) -> str:
    """The course repository's URL: $KURILS_REPOSITORY (ORG/REPO) if set, else ``repository.url`` in _config.yml."""
    if os.environ.get(REPOSITORY_VARIABLE):
        url, where = f"https://github.com/{os.environ[REPOSITORY_VARIABLE]}", f"${REPOSITORY_VARIABLE}"
    else:
        url, where = (
            (config(root).get("repository") or {}).get("url", ""),
            f"{Path(root) / '_config.yml'}: repository.url",
        )
    if not isinstance(url, str) or not GITHUB.fullmatch(url):
        raise CourseError(f"{where} must name a GitHub repository, https://github.com/ORG/REPO, not {url!r}")
    return url


def is_placeholder(repository_url: str) -> bool:
    """Whether the repository is still the placeholder, which has no notebooks branch to launch."""
    return repository_url.rstrip("/").lower() == PLACEHOLDER.lower()


def toc(root: Path = ROOT) -> list[str]:
    """Every page of ``root/_toc.yml``, root first, in reading order (names without suffix)."""
    path = Path(root) / "_toc.yml"
    tree = _read_yaml(path, "the table of contents")
    if not isinstance(tree, dict) or "root" not in tree:
        raise CourseError(f"{path}: no `root:` entry: is it a Jupyter Book _toc.yml?")
    files = [str(tree["root"])]

    def walk(node) -> None:
        if isinstance(node, dict):
            if "file" in node:
                files.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({key: value for key, value in tree.items() if key != "root"})
    return files
