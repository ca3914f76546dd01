"""How the site is built: notebook pages are executed ahead, in parallel, into Jupyter Book's cache."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kurils.build import site

PAGE = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Page {n}

Some text.

```{{code-cell}} ipython3
:tags: [hide-input]
import os

print("page {n} ran in", os.path.basename(os.getcwd()))
```
"""


def _book(root: Path) -> list[Path]:
    (root / "chapters").mkdir(parents=True)
    (root / "_config.yml").write_text("title: Tiny\nexecute:\n  execute_notebooks: cache\n")
    toc = "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/one\n  - file: chapters/two\n"
    (root / "_toc.yml").write_text(toc)
    (root / "intro.md").write_text("# Tiny\n\nNot a notebook.\n")
    for n, name in enumerate(["one", "two"], start=1):
        (root / "chapters" / f"{name}.md").write_text(PAGE.format(n=n))
    return site.notebook_pages(root)


def test_pages_executed_ahead_are_taken_from_the_cache_by_the_build(tmp_path):
    pages = _book(tmp_path)
    assert [page.name for page in pages] == ["one.md", "two.md"]  # intro.md has no kernel
    site.execute(pages, cache_path=tmp_path / "_build" / ".jupyter_cache", timeout=60)
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    build = subprocess.run([jupyter_book, "build", str(tmp_path)], capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    log = build.stdout + build.stderr
    assert log.count("Using cached notebook") == 2 and "Executing notebook" not in log, log
    html = (tmp_path / "_build" / "html" / "chapters" / "two.html").read_text()
    assert "page 2 ran in chapters" in html  # run in the page's own folder, as myst-nb would


def test_a_page_that_fails_ahead_is_left_to_the_build_which_names_it(tmp_path):
    pages = _book(tmp_path)
    broken = pages[1]
    broken.write_text(broken.read_text().replace('print("page 2', 'raise ValueError("broken on purpose")\nprint("'))
    site.execute(pages, cache_path=tmp_path / "_build" / ".jupyter_cache", timeout=60)  # does not raise
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    build = subprocess.run([jupyter_book, "build", "-W", str(tmp_path)], capture_output=True, text=True)
    log = build.stdout + build.stderr
    assert build.returncode != 0
    assert "two.md" in log and "Executing notebook failed" in log, log
