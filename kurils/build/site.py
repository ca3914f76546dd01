"""Build the course site: vendored JavaScript, the bibliography, then Jupyter Book.

The site serves every script it needs itself: ``vendor()`` copies the course's own
scripts and styles into ``_vendor/``,
which Sphinx publishes as ``_static/vendor/``. It is kept out of the book's own
``_static/`` because Jupyter Book adds every file there to every page.
"""

from __future__ import annotations

import concurrent.futures
import functools
import gzip
import hashlib
import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kurils import course, i18n
from kurils.build import bib, buildlock, light, notebooks, translations
from kurils.build.book import CACHE, jupyter_book
from kurils.course import ASSETS, BUILD, ROOT
from kurils.grading import masters, release

VENDOR = ROOT / "_vendor" / "vendor"
HTML = BUILD / "html"
#: Files copied as they are to the site's root (html_extra_path in _config.yml).
EXTRA = BUILD / "site-extra"

#: Files under kurils/assets the site serves from _static/vendor/.
SERVED = ["anywidget-static.js", "favicon.svg", "site.css"]


def vendor() -> Path:
    """Copy the scripts and styles the site serves itself into _vendor/ (published as _static/vendor/).

    Widgets are drawn by anywidget-static.js (DECISIONS 8); nothing is fetched from a CDN.
    """
    with buildlock.held():
        return _vendor()


def _vendor() -> Path:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    VENDOR.mkdir(parents=True)
    for name in SERVED:
        shutil.copyfile(ASSETS / name, VENDOR / name)
    return VENDOR


def publish_exercises(language: str = "en") -> Path:
    """Put the student notebooks (no solutions, no hidden tests) on the site for download; for a translated
    edition, in that language (its extra files are ``_build/site-extra-LANG``)."""
    target = extra_files(language) / notebooks.SITE_EXERCISES
    found = masters.find(ROOT / "exercises")

    def changed(name: str, path: Path) -> float:
        catalogue = i18n.kernel_catalogue(language, f"exercises/{name}")
        return max([path.stat().st_mtime] + ([catalogue.stat().st_mtime] if catalogue.exists() else []))

    fresh = target.exists() and all(
        (target / f"{name}.ipynb").exists() and (target / f"{name}.ipynb").stat().st_mtime > changed(name, path)
        for name, path in found.items()
    )
    if not fresh:
        shutil.rmtree(target, ignore_errors=True)
        # The site is public: the autograder zips (the hidden tests) go to a temporary folder, and otter's
        # work to release's own, both deleted; `kurils release` is what keeps them for the teacher.
        with tempfile.TemporaryDirectory(prefix="kurils-autograder-") as private:
            release.release(
                ROOT / "exercises", target, Path(private), with_data=False, run_tests=False, language=language
            )
    return target


def extra_files(language: str = "en") -> Path:
    """The files a site edition serves as they are (html_extra_path): downloads and student notebooks."""
    return EXTRA if language == "en" else BUILD / f"site-extra-{language}"


def _fingerprint() -> str:
    """A hash of what executed pages depend on besides their own code: the package, data, quizzes and the
    quizzes' translations (the pages' own translations are Sphinx's business, not the kernel's)."""
    digest = hashlib.sha256()
    sources = [
        ("kurils", "**/*.*"),
        ("data", "**/*.*"),
        ("chapters/quizzes", "*.json"),
        ("locales", "*/kernel/**/*.po"),
    ]
    for folder, pattern in sources:
        for path in sorted((ROOT / folder).glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()


#: Folders that are tools' or builds' own, not the book's sources.
NOT_SOURCES = {".git", ".venv", "node_modules", "_build", "_vendor", "__pycache__", ".ipynb_checkpoints"}


def _sources_fingerprint(strict: bool, builder: str = "html") -> str:
    """A hash of every source file of the site (names and contents) and of how it is built."""
    languages = ",".join(translations.site_languages())
    digest = hashlib.sha256(f"strict={strict} builder={builder} languages={languages}".encode())
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(d for d in subfolders if d not in NOT_SOURCES and not d.endswith((".egg-info", "cache")))
        for name in sorted(files):
            path = Path(folder) / name
            if path != bib.BIBFILE:  # written from data/sources.csv by the build itself
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def build(all_pages: bool = False, builder: str = "html", strict: bool = True) -> Path:
    """Build the site (see ``_build_site``), waiting for any other build of this checkout to finish."""
    with buildlock.held():
        return _build_site(all_pages, builder, strict)


def _build_site(all_pages: bool, builder: str, strict: bool) -> Path:
    """Build the site strictly (warnings are errors) into _build/html (or _build/BUILDER).

    ``strict=False`` is only for `kurils bench --quick`, which leaves out pages others link to.
    Jupyter Book's execution cache re-runs a chapter only when its own code changes, so a
    change to the package, the data or the quizzes clears the cache and rebuilds every page.
    The student notebooks and the course archive (otter assign: about a third of a cold build)
    are made while the book builds; pages only link to them, so they are copied into the site
    once both are done. When no source file has changed since the last good build, nothing is rebuilt.
    """
    out = BUILD / builder
    stamp = BUILD / f".sources-fingerprint-{builder}"
    sources = _sources_fingerprint(strict, builder)
    if not all_pages and out.is_dir() and stamp.exists() and stamp.read_text() == sources:
        print(f"No source file has changed since the last build: {out} is up to date.")
        return out
    if course.is_placeholder(course.repository()):
        print(
            f"Note: the site has no launch buttons (Binder, Colab, JupyterHub): _config.yml's repository.url is "
            f"still the placeholder {course.PLACEHOLDER}. Set it to the course's GitHub repository, or set "
            f"${course.REPOSITORY_VARIABLE}=ORG/REPO (the Pages workflow sets it to the repository it runs in)."
        )
    vendor()
    # Rewriting an unchanged references.bib would make sphinxcontrib-bibtex re-read every citing page.
    if not bib.BIBFILE.exists() or bib.BIBFILE.read_text(encoding="utf-8") != bib.render():
        bib.write()
    EXTRA.mkdir(parents=True, exist_ok=True)  # html_extra_path must exist when Sphinx starts
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        downloads = pool.submit(_publish_downloads)
        book, all_pages = _build_book(all_pages, builder, strict)
        downloads.result()  # a failed release stops the build here
    if book.returncode != 0:
        raise SystemExit(f"the book did not build cleanly (exit {book.returncode}); see the warnings above.")
    shutil.copytree(EXTRA, out, dirs_exist_ok=True)
    if builder == "html":
        light.lighten(out)  # inline icons, no render-blocking scripts, versioned static files (issue 14)
        editions = translations.site_languages()[1:]  # the same pages in Japanese and Russian, at /ja/ and /ru/
        for language in editions:
            shutil.copytree(
                EXTRA,
                extra_files(language),
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns(notebooks.SITE_EXERCISES),
            )
            publish_exercises(language)  # the exercise notebooks in the page's language
        # The editions' Sphinx builds are processes of their own that share only the execution cache, which
        # they read: they run side by side (each uses one core; DECISIONS.md 25).
        together = len(editions) > 1

        def build_edition(language: str) -> Path:
            return translations.build(language, extra_files(language), strict, all_pages, together=together)

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            built = dict(zip(editions, pool.map(build_edition, editions), strict=True))
        for language, edition in built.items():
            light.lighten(edition)
            shutil.rmtree(out / language, ignore_errors=True)
            shutil.copytree(edition, out / language)
    stamp.write_text(sources)
    return out


def _publish_downloads() -> None:
    """The student notebooks and the archive of the course's notebooks, for html_extra_path."""
    exercises = publish_exercises()
    folder = notebooks.write_course(BUILD / "notebooks", exercises)
    notebooks.archive(folder, EXTRA / notebooks.ARCHIVE)
    for old in EXTRA.glob("kurils-*.whl"):
        old.unlink()
    shutil.copyfile(folder / notebooks.wheel_name(), EXTRA / notebooks.wheel_name())  # the install cells' source


def notebook_pages(root: Path = ROOT) -> list[Path]:
    """The pages in the book's table of contents that are notebooks (MyST Markdown with a kernel)."""
    from myst_nb.core.read import is_myst_markdown_notebook

    pages = [root / f"{name}.md" for name in course.toc(root)]
    return [page for page in pages if page.exists() and is_myst_markdown_notebook(page.read_text(encoding="utf-8"))]


def execute(pages: list[Path], cache_path: Path = CACHE, timeout: int = 180) -> None:
    """Run the notebook pages into Jupyter Book's execution cache, one per core, before the book is built.

    myst-nb runs each page's notebook while Sphinx reads it, one after another; jupyter-cache's
    parallel executor runs them side by side, and the build then finds every page in the cache
    (read the way myst-nb reads it, so the cache keys match). Pages already cached are skipped.
    A page that fails here is left to the build, which runs it again and reports the error there.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(cache_path))
    reader = {"type": "plugin", "name": "myst_nb_md"}  # what myst-nb records for a MyST notebook
    records = [cache.add_nb_to_project(str(page), read_data=reader) for page in pages]
    executor = load_executor("local-parallel", cache=cache)
    executor.run_and_cache(filter_pks=[record.pk for record in records], timeout=timeout, allow_errors=False)


def _build_book(all_pages: bool, builder: str, strict: bool) -> tuple[subprocess.CompletedProcess, bool]:
    """Build the English book; return the result and whether every page was rebuilt (the editions follow)."""
    stamp = BUILD / ".inputs-fingerprint"
    fingerprint = _fingerprint()
    if not stamp.exists() or stamp.read_text() != fingerprint:
        shutil.rmtree(CACHE, ignore_errors=True)
        all_pages = True
    if not CACHE.exists():
        # Every page must run, so run them side by side first; after an edit, the build reruns the few changed.
        # In a process of its own, not a call to execute(): jupyter-cache's "local-parallel" executor forks
        # its workers, and this process may have threads running (a fork copies their locks in whatever
        # state they are in); a fresh `kurils execute` has none (DECISIONS.md 24).
        subprocess.run([sys.executable, "-m", "kurils.cli", "execute"], cwd=ROOT, check=False)
    command = ["-nW", "--keep-going"] if strict else []
    if all_pages:
        command.append("--all")
    if builder != "html":
        command += ["--builder", builder]
    result = jupyter_book(*command)
    if result.returncode == 0:
        stamp.write_text(fingerprint)
    return result, all_pages


def serve(port: int = 8000) -> None:
    """Serve the built site on 127.0.0.1 only."""
    if not (HTML / "index.html").exists():
        raise SystemExit("no built site in _build/html: run `make site` first.")
    print(f"Serving the course on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(SiteHandler, directory=str(HTML)))
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


@contextmanager
def local(directory: Path, compressed: bool = True) -> Iterator[str]:
    """Serve ``directory`` quietly on 127.0.0.1 at a free port, for a browser in the bench or the tests;
    gzip-compressed as a static host serves it (:class:`SiteHandler`), or as plain files."""
    base = SiteHandler if compressed else http.server.SimpleHTTPRequestHandler
    quiet = type("Quiet", (base,), {"log_message": lambda self, *args: None})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(quiet, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


#: Types a static host such as GitHub Pages sends gzip-compressed (text; images and archives are not).
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a built site at the root, as a static host does: text gzip-compressed when the browser
    accepts it, unknown paths get 404.html, its ``<base>`` moved to the root (the page names the
    published sub-path, see kurils/build/sphinx_ext.py)."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/") and (path / "index.html").is_file():
            path = path / "index.html"
        if path.is_dir():
            return super().send_head()  # a folder without index.html: the redirect or listing
        page = Path(self.directory) / "404.html"
        if not path.is_file():
            if not page.is_file():
                return super().send_head()
            body = re.sub(r'<base href="[^"]*">', '<base href="/">', page.read_text(encoding="utf-8"), count=1)
            return self._send(404, "text/html; charset=utf-8", body.encode())
        kind = self.guess_type(str(path))
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not kind.startswith(COMPRESSED_TYPES):
            return super().send_head()
        stat = path.stat()
        body = _gzipped(str(path), stat.st_mtime_ns, stat.st_size)
        return self._send(200, kind, body, gzipped=True, modified=self.date_time_string(int(stat.st_mtime)))

    def _send(self, status: int, kind: str, body: bytes, gzipped: bool = False, modified: str = ""):
        if not gzipped and "gzip" in self.headers.get("Accept-Encoding", ""):
            body, gzipped = gzip.compress(body, compresslevel=6, mtime=0), True
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        if modified:
            self.send_header("Last-Modified", modified)
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        self.end_headers()
        return io.BytesIO(body)
