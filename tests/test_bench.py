"""`kurils bench` on a small synthetic case: two tiny books, built and measured for real."""

from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path

import pytest

from kurils.build import bench, buildlock, site
from kurils.course import toc

CONFIG = """\
title: Synthetic course
only_build_toc_files: true
execute:
  execute_notebooks: cache
sphinx:
  config:
    html_static_path: [_vendor]
    nb_ipywidgets_js:
      vendor/anywidget-static.js: {}
"""
TOC = "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/widget\n"
WIDGET_PAGE = """\
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

# A page with a widget

A paragraph of text before the widget.

```{code-cell} ipython3
import anywidget
import traitlets


class Toggle(anywidget.AnyWidget):
    _esm = '''
    export default { render({ model, el }) {
      const button = document.createElement("button");
      const show = () => { button.textContent = model.get("on") ? "On" : "Off"; };
      button.addEventListener("click", () => { model.set("on", !model.get("on")); model.save_changes(); });
      model.on("change:on", show);
      show();
      el.append(button);
    } };
    '''
    on = traitlets.Bool(False).tag(sync=True)


Toggle()
```
"""


def synthetic_course(root: Path) -> bench.Book:
    """A two-page book: a text page and a page with one widget, served with the course's own scripts."""
    (root / "chapters").mkdir(parents=True)
    (root / "_config.yml").write_text(CONFIG)
    (root / "_toc.yml").write_text(TOC)
    (root / "intro.md").write_text("# Synthetic course\n\nA text page with one paragraph and nothing else.\n")
    (root / "chapters" / "widget.md").write_text(WIDGET_PAGE)
    with buildlock.held():  # a site build in another process rewrites _vendor/
        shutil.copytree(site.vendor(), root / "_vendor" / "vendor")
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    return bench.Book("course", root, [jupyter_book, "build", str(root)], root / "intro.md")


@pytest.mark.bench
@pytest.mark.slow
def test_the_bench_measures_every_row_against_the_baseline(tmp_path, browser):
    course = synthetic_course(tmp_path / "course")
    pages = toc(course.root)
    assert pages == ["intro", "chapters/widget"]
    cells = {name: bench.code_cells(bench.source(course.root, name)) for name in pages}
    assert cells == {"intro": 0, "chapters/widget": 1}
    # The text page is the one edited (in both books), so the edit rebuild starts no kernel.
    baseline = bench.make_baseline(tmp_path / "baseline", cells, course.root / "_toc.yml", "intro")
    assert bench.code_cells(baseline.root / "chapters" / "widget.md") == 1

    rows = bench.compare(course, baseline, pages, tmp_path / "out", browser)

    measures = [row.measure for row in rows]
    assert measures == [
        "cold build",
        "rebuild, nothing changed",
        "course no-op rebuild vs its cold build",
        "rebuild after one page's text edit",
        "peak memory (max RSS, build tree)",
        "first-visit weight: chapters/widget.html (heaviest page)",
        "widget responds: chapters/widget.html",
    ]
    for row in rows:
        assert row.course > 0 and row.baseline > 0, row
        assert math.isfinite(row.ratio) and row.ratio > 0, row
    by_name = {row.measure: row for row in rows}
    # Measured, not assumed: the widget page's weight counts the page (with its widget state) and the renderer.
    weight = by_name["first-visit weight: chapters/widget.html (heaviest page)"]
    served = [course.html / "chapters" / "widget.html", course.html / "_static" / "vendor" / "anywidget-static.js"]
    assert weight.course * 1024 >= sum(path.stat().st_size for path in served)
    assert bench.own_data(course.html / "chapters" / "widget.html") > 0
    # The no-op rebuild did no work: read from the build's own log, not from a timing a busy machine can upset.
    for run in (1, 2):
        log = (tmp_path / "out" / "logs" / f"course-noop{run}.log").read_text()
        assert "0 added, 0 changed, 0 removed" in log and "Executing notebook" not in log, log[-2000:]
    assert "Executing notebook" in (tmp_path / "out" / "logs" / "course-cold.log").read_text()
    assert all(row.passed is not None for row in rows if row.target)

    json_path, md_path = bench.write(rows, tmp_path / "out", {"when": "now", "cpus": 2, "quick": True, "seconds": 1})
    assert len(json.loads(json_path.read_text())["rows"]) == len(rows)
    assert md_path.read_text().count("\n| ") == len(rows) + 1


def test_a_sentence_is_added_to_the_first_paragraph_not_to_code_or_front_matter(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "---\ntitle: A title with words in it\n---\n\n```{code-cell}\nprint('no words here at all')\n```\n\n"
        "# Heading\n\nThe first real paragraph of the page.\n\nA second paragraph of the page.\n"
    )
    bench.append_sentence(page)
    text = page.read_text()
    assert f"The first real paragraph of the page.{bench.SENTENCE}\n" in text
    assert text.count(bench.SENTENCE) == 1
    empty = tmp_path / "empty.md"
    empty.write_text("# Only a heading\n")
    with pytest.raises(SystemExit, match="no Markdown paragraph"):
        bench.append_sentence(empty)


def test_the_site_is_rebuilt_unless_no_source_file_changed(tmp_path, monkeypatch):
    monkeypatch.setattr(site, "ROOT", tmp_path)
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01.md").write_text("# One\n")
    first = site._sources_fingerprint(strict=True)
    for derived in ("_build", "node_modules", "_vendor", ".venv"):
        (tmp_path / derived).mkdir()
        (tmp_path / derived / "file.txt").write_text("build output")
    assert site._sources_fingerprint(strict=True) == first
    assert site._sources_fingerprint(strict=False) != first
    (tmp_path / "chapters" / "01.md").write_text("# One\n\nA new sentence.\n")
    assert site._sources_fingerprint(strict=True) != first
    (tmp_path / "chapters" / "02.md").write_text("")
    second = site._sources_fingerprint(strict=True)
    (tmp_path / "chapters" / "02.md").unlink()
    assert site._sources_fingerprint(strict=True) not in (first, second)


def test_the_phone_rows_compare_each_page_with_the_stock_page_and_name_what_missed():
    from kurils.build import lighthouse

    def result(performance: int, fcp: float, accessibility: int = 100) -> lighthouse.Result:
        scores = {"performance": performance, "accessibility": accessibility, "best-practices": 100, "seo": 100}
        return lighthouse.Result("u", scores, fcp, fcp, 0, 0, 1000, failed={"accessibility": ["heading-order"]})

    htmls = {"intro": "intro.html", "chapters/a": "chapters/a.html"}
    course = {"intro.html": result(99, 1500), "chapters/a.html": result(96, 1900, accessibility=99)}
    stock = {"intro.html": result(94, 2000), "chapters/a.html": result(77, 3400)}
    rows = bench.phone_rows(htmls, course, stock)
    assert [row.measure for row in rows] == ["Lighthouse mobile: intro.html", "Lighthouse mobile: chapters/a.html"]
    assert (rows[0].course, rows[0].baseline, rows[0].passed) == (99, 94, True)
    assert rows[1].passed is False
    assert "first contentful paint 1900 ms > 1800 ms" in rows[1].note and "heading-order" in rows[1].note
    assert "stock perf/a11y/bp/seo 77/100/100/100, FCP 3.4 s" in rows[1].note
