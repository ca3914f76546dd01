"""`kurils bench`: the course's build time, page weight, widget start-up and memory, as ratios.

Everything is measured in one run against a baseline built in the same run: a stock Jupyter Book
1.x book (the ``_config.yml`` that ``jupyter-book create`` writes, execution on, no extensions)
with as many pages as the course's ``_toc.yml``, each a MyST notebook with as many code cells as
the course page it stands for, each cell importing pandas and showing a small table. The course is
built from a fresh copy of the repository (``git ls-files``, node_modules linked, this .venv).

Every page of both books is also run through Lighthouse's mobile check (kurils/build/lighthouse.py), served
gzip-compressed as a static host serves it: one row per page, the stock book's page as the baseline.

Timings on a shared machine are noisy: read the ratios, not the seconds.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml

from kurils.build import lighthouse, site
from kurils.build.browser import chromium
from kurils.course import BUILD, NODE_MODULES, ROOT, toc

OUT = BUILD / "bench"
SENTENCE = " This sentence was added by the benchmark."
CODE_CELL = re.compile(r"^(```|~~~)\{code-cell\}", re.MULTILINE)
WIDGET_STATE = re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.DOTALL)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: The first thing in a rendered widget a reader can click or tab to.
INTERACTIVE = (
    ".kurils-widget :is(button, input, select, textarea, a[href], [role=button], [tabindex]:not([tabindex='-1']))"
)

#: Runs a build and records its wall time and the peak RSS of its process tree (every descendant
#: that was waited for: Jupyter Book, Sphinx, the kernels) with getrusage(RUSAGE_CHILDREN).
_MEASURE = """
import json, resource, subprocess, sys, time
out, log, command = sys.argv[1], sys.argv[2], sys.argv[3:]
start = time.perf_counter()
with open(log, "wb") as handle:
    code = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT).returncode
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
open(out, "w").write(json.dumps({"seconds": seconds, "peak_rss": peak, "returncode": code}))
"""


@dataclass
class Book:
    """A book to measure: where it is, how to build it, which file to edit, where the HTML lands."""

    name: str
    root: Path
    command: list[str]
    edit: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def html(self) -> Path:
        return self.root / "_build" / "html"


@dataclass
class Row:
    measure: str
    course: float
    baseline: float
    unit: str
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.course / self.baseline if self.baseline else float("inf")


# ----------------------------------------------------------------------------- books


def source(root: Path, name: str) -> Path:
    for suffix in (".md", ".ipynb", ".rst"):
        if (root / f"{name}{suffix}").exists():
            return root / f"{name}{suffix}"
    raise SystemExit(f"page {name!r} in _toc.yml has no .md, .ipynb or .rst file under {root}")


def code_cells(path: Path) -> int:
    """How many code cells a MyST notebook or .ipynb page has (0 for plain Markdown)."""
    if path.suffix == ".ipynb":
        return sum(cell["cell_type"] == "code" for cell in json.loads(path.read_text(encoding="utf-8"))["cells"])
    return len(CODE_CELL.findall(path.read_text(encoding="utf-8")))


def trim_toc(toc: Path, keep: set[str]) -> None:
    """Keep only the root and the pages named in ``keep`` in a _toc.yml (for --quick)."""
    tree = yaml.safe_load(toc.read_text(encoding="utf-8"))

    def prune(entries: list) -> list:
        kept = []
        for entry in entries:
            for key in ("sections", "chapters"):
                if key in entry:
                    entry[key] = prune(entry[key])
            if str(entry.get("file")) in keep or entry.get("sections") or entry.get("chapters"):
                kept.append(entry)
        return kept

    if "parts" in tree:
        tree["parts"] = [part for part in tree["parts"] if prune([part])]
    else:
        tree["chapters"] = prune(tree.get("chapters", []))
    toc.write_text(yaml.safe_dump(tree, sort_keys=False, allow_unicode=True), encoding="utf-8")


def append_sentence(path: Path) -> None:
    """Append a sentence to the first Markdown paragraph of a page (not in front matter or a fence)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    fence, start = None, 0
    if lines and lines[0].strip() == "---":
        start = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0) + 1
    for index in range(start, len(lines)):
        line = lines[index]
        marker = re.match(r"^\s*(`{3,}|~{3,}|:{3,})", line)
        if marker:
            token = marker.group(1)
            if fence is None:
                fence = token
            elif token.startswith(fence[0]) and len(token) >= len(fence) and not line.strip()[len(token) :]:
                fence = None
            continue
        if fence is None and line[:1].isalpha() and len(line.split()) > 3:
            lines[index] = line.rstrip() + SENTENCE
            path.write_text("\n".join(lines), encoding="utf-8")
            return
    raise SystemExit(f"{path} has no Markdown paragraph to edit")


def copy_course(target: Path, quick: bool = False) -> Book:
    """A fresh copy of the repository (tracked files, node_modules linked), built with this .venv."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    if not (NODE_MODULES / ".package-lock.json").exists():
        raise SystemExit("node_modules is missing: run `npm ci` (or `make setup`) first.")
    (target / "node_modules").symlink_to(NODE_MODULES)
    pages = toc(target)
    if quick:  # the root and the first two pages with code
        trim_toc(target / "_toc.yml", set([p for p in pages[1:] if code_cells(source(target, p))][:2]))
        pages = toc(target)
    edit = next((source(target, p) for p in pages if code_cells(source(target, p))), source(target, pages[-1]))
    # What `make site` runs; PYTHONPATH puts the copy's `kurils` ahead of this worktree's editable install.
    # --quick drops pages that others link to, so that build cannot be strict.
    command = [sys.executable, "-m", "kurils.cli", "site"]
    if quick:
        command = [sys.executable, "-c", "from kurils.build import site; site.build(strict=False)"]
    # The English site, like the stock book; the three-language build is measured apart (see run()).
    return Book("course", target, command, edit, env={"PYTHONPATH": str(target), "KURILS_LANGUAGES": "en"})


def make_baseline(target: Path, cells: dict[str, int], toc: Path, edit: str) -> Book:
    """A stock Jupyter Book with the course's pages: each a MyST notebook of pandas cells."""
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    template = target.parent / f"{target.name}-template"
    subprocess.run([jupyter_book, "create", str(template)], check=True, capture_output=True)
    target.mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "logo.png", "references.bib"):
        shutil.copyfile(template / name, target / name)
    shutil.rmtree(template)
    shutil.copyfile(toc, target / "_toc.yml")
    for number, (name, count) in enumerate(cells.items(), start=1):
        page = target / f"{name}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(baseline_page(number, count), encoding="utf-8")
    return Book("baseline", target, [jupyter_book, "build", str(target)], target / f"{edit}.md")


def baseline_page(number: int, cells: int) -> str:
    header = (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
    )
    text = [header, f"# Page {number}\n\nThis page stands for page {number} of the course and has {cells} cells.\n"]
    for cell in range(1, cells + 1):
        text.append(
            f"\n## Section {cell}\n\nA paragraph of text before code cell {cell}, long enough to be a paragraph.\n\n"
            "```{code-cell} ipython3\nimport pandas as pd\n\n"
            f'pd.DataFrame({{"island": ["A", "B", "C"], "area": [{cell}, {cell * 2}, {cell * 3}]}})\n```\n'
        )
    return "".join(text)


# ----------------------------------------------------------------------------- builds


def run_build(book: Book, log: Path) -> dict:
    """Build once; return seconds and peak RSS (bytes). A failed build stops the bench."""
    result_file = log.with_suffix(".result.json")
    env = {**os.environ, **book.env}
    subprocess.run(
        [sys.executable, "-c", _MEASURE, str(result_file), str(log), *book.command], cwd=book.root, env=env, check=True
    )
    result = json.loads(result_file.read_text())
    if result["returncode"] != 0:
        raise SystemExit(f"the {book.name} build failed (exit {result['returncode']}); see {log}")
    return result


def measure_builds(book: Book, logs: Path) -> dict:
    """Cold build, rebuild with nothing changed, rebuild after a sentence is added to one page."""
    logs.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(book.root / "_build", ignore_errors=True)
    cold = run_build(book, logs / f"{book.name}-cold.log")
    # The no-op rebuild is short, so one busy moment on a shared machine can double it: take the faster of two.
    noop = min(
        (run_build(book, logs / f"{book.name}-noop{n}.log") for n in (1, 2)), key=lambda result: result["seconds"]
    )
    append_sentence(book.edit)
    edit = run_build(book, logs / f"{book.name}-edit.log")
    if SENTENCE.strip() not in " ".join(p.read_text(encoding="utf-8") for p in book.html.rglob("*.html")):
        raise SystemExit(f"the {book.name} rebuild after the edit does not show the added sentence")
    return {
        "cold": cold["seconds"],
        "noop": noop["seconds"],
        "edit": edit["seconds"],
        "peak_rss": max(r["peak_rss"] for r in (cold, noop, edit)),
    }


# ----------------------------------------------------------------------------- browser


def own_data(html: Path) -> int:
    """Bytes of widget state a page brings: embedded, or in the script the build moved it to (kurils/build/light.py)."""
    text = html.read_text(encoding="utf-8")
    moved = re.findall(r'<script defer src="([^"?]*/widget-state/[^"?]*)[^"]*"></script>', text)
    return sum(len(block.encode()) for block in WIDGET_STATE.findall(text)) + sum(
        (html.parent / url).stat().st_size for url in moved
    )


def first_visit(browser, url: str) -> dict:
    """Bytes of every response body on a first visit (empty cache), and the load event time."""
    context = browser.new_context()
    page = context.new_page()
    finished, outside = [], []
    page.on("requestfinished", lambda request: finished.append(request))
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in (None, "127.0.0.1") else None)
    page.goto(url, wait_until="networkidle")
    total = sum(max(request.sizes()["responseBodySize"], 0) for request in finished)
    # The test server sends files as they are; most hosts gzip text, so record that size too.
    gzipped = sum(len(gzip.compress(_body(request), 6)) for request in finished)
    sizes = sorted(((max(r.sizes()["responseBodySize"], 0), urlparse(r.url).path) for r in finished), reverse=True)
    load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    context.close()
    return {
        "bytes": total,
        "gzip": gzipped,
        "requests": len(finished),
        "load_ms": load,
        "outside": outside,
        "largest": [f"{path.rsplit('/', 1)[-1]} {size / 1024:,.0f} KiB" for size, path in sizes[:3]],
    }


def _body(request) -> bytes:
    response = request.response()
    try:
        return response.body() if response else b""
    except Exception:  # a redirect or a body the browser did not keep
        return b""


_WATCH = """
window.__bench = {ready: null, click: null, update: null};
new MutationObserver((changes, observer) => {
  const target = document.querySelector(%s);
  if (target) {
    window.__bench.ready = performance.now();
    observer.disconnect();
    const area = target.closest(".kurils-widget");
    area.addEventListener('pointerdown', (e) => { window.__bench.click = performance.now(); }, true);
    new MutationObserver(() => {
      const b = window.__bench;
      if (b.click !== null && b.update === null) { b.update = performance.now(); }
    }).observe(area, {subtree: true, childList: true, attributes: true, characterData: true});
  }
}).observe(document, {subtree: true, childList: true});
"""


def widget_timing(browser, url: str, tries: int = 6) -> dict:
    """Time from navigation start until the page's first widget can be clicked, then click → update.

    Some controls change nothing when clicked (a slider's track), so the first few interactive
    elements are clicked (a drop-down: set to another option) in turn until one updates the
    widget; ``click_ms`` is None if none did.
    """
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(_WATCH % json.dumps(INTERACTIVE))
    page.goto(url, wait_until="load")
    controls = page.locator(INTERACTIVE)
    controls.first.wait_for(timeout=60_000)
    marks = {}
    for index in range(min(controls.count(), tries)):
        page.evaluate("window.__bench.click = null; window.__bench.update = null")
        control = controls.nth(index)
        try:
            if control.evaluate("(e) => e.tagName") == "SELECT":  # a drop-down is changed, not clicked
                other = control.evaluate("(e) => [...e.options].map((o) => o.value).filter((v) => v !== e.value)")
                page.evaluate("window.__bench.click = performance.now()")
                control.select_option(other[0])
            else:
                control.click(timeout=5_000)
            page.wait_for_function("window.__bench.update !== null", timeout=3_000)
        except Exception:  # not clickable, or the click changed nothing: try the next control
            continue
        marks = page.evaluate("window.__bench")
        break
    ready = page.evaluate("window.__bench.ready")
    load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    context.close()
    click = marks["update"] - marks["click"] if marks else None
    return {"ready_ms": ready, "click_ms": click, "load_ms": load}


# ----------------------------------------------------------------------------- comparison


def compare(course: Book, baseline: Book, pages: list[str], out: Path, browser=None, phone: bool = False) -> list[Row]:
    """Build and measure both books; return the table's rows (with ``phone``, Lighthouse on every page)."""
    builds = {book.name: measure_builds(book, out / "logs") for book in (course, baseline)}
    c, b = builds["course"], builds["baseline"]
    rows = [
        Row("cold build", c["cold"], b["cold"], "s", "course ≤ 2× baseline", c["cold"] <= 2 * b["cold"]),
        Row("rebuild, nothing changed", c["noop"], b["noop"], "s"),
        Row(
            "course no-op rebuild vs its cold build",
            c["noop"],
            c["cold"],
            "s",
            "< 1/5 of the course's cold build",
            c["noop"] < c["cold"] / 5,
            "baseline column: the course's own cold build",
        ),
        Row("rebuild after one page's text edit", c["edit"], b["edit"], "s", note=f"edited {course.edit.name}"),
        Row("peak memory (max RSS, build tree)", c["peak_rss"] / 2**20, b["peak_rss"] / 2**20, "MiB"),
    ]
    htmls = {name: f"{name}.html" for name in pages}
    weights, widgets = {}, {}
    # A caller that already runs Playwright (pytest's session browser) passes its browser: Playwright's
    # sync API cannot be started twice in one process.
    opened = nullcontext(browser) if browser is not None else chromium()
    plain = functools.partial(site.local, compressed=False)  # plain files, as the bench has always served them
    with opened as browser, plain(course.html) as course_url, plain(baseline.html) as baseline_url:
        for name, html in htmls.items():
            mine, theirs = first_visit(browser, f"{course_url}/{html}"), first_visit(browser, f"{baseline_url}/{html}")
            if mine["outside"]:
                raise SystemExit(f"{html} requested something off 127.0.0.1: {mine['outside'][:3]}")
            weights[name] = (mine, theirs)
            if WIDGET_VIEW in (course.html / html).read_text(encoding="utf-8"):
                widgets[name] = widget_timing(browser, f"{course_url}/{html}")
    heaviest = max(weights, key=lambda name: weights[name][0]["bytes"])
    chapters = [name for name in pages if name.startswith("chapters/")] or pages[1:] or pages
    for name in chapters + ([heaviest] if heaviest not in chapters else []):
        mine, theirs = weights[name]
        data = own_data(course.html / htmls[name])
        label = f"first-visit weight: {htmls[name]}" + (" (heaviest page)" if name == heaviest else "")
        rows.append(
            Row(
                label,
                mine["bytes"] / 1024,
                theirs["bytes"] / 1024,
                "KiB",
                "≤ 1.5× baseline + own data",
                mine["bytes"] <= 1.5 * theirs["bytes"] + data,
                f"own data {data / 1024:.1f} KiB; {mine['requests']} vs {theirs['requests']} requests; "
                f"gzipped {mine['gzip'] / 1024:,.0f} vs {theirs['gzip'] / 1024:,.0f} KiB "
                f"({mine['gzip'] / max(theirs['gzip'], 1):.2f}×)"
                + (f"; largest: {', '.join(mine['largest'])}" if name == heaviest else ""),
            )
        )
    if phone:
        rows += phone_rows(htmls, *lighthouse_runs(course, baseline, list(htmls.values()), out / "lighthouse"))
    for name, timing in widgets.items():
        if timing["click_ms"] is None:  # no click updated the widget: report it, never pass it
            timing["click_ms"] = float("inf")
        responsive = timing["ready_ms"] + timing["click_ms"]
        rows.append(
            Row(
                f"widget responds: {htmls[name]}",
                responsive,
                weights[name][1]["load_ms"],
                "ms",
                "≤ 1 s after the page's load event",
                responsive - timing["load_ms"] <= 1000,
                f"interactive at {timing['ready_ms']:.0f} ms, click → update {timing['click_ms']:.0f} ms, "
                f"course page load event {timing['load_ms']:.0f} ms; baseline column: baseline page load event",
            )
        )
    return rows


def lighthouse_runs(course: Book, baseline: Book, htmls: list[str], out: Path) -> tuple[dict, dict]:
    """Lighthouse (mobile) on each page of both books, each served gzip-compressed as a static host does."""
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    for book in (course, baseline):
        with lighthouse.serve(book.html) as url:
            results[book.name] = {
                html: lighthouse.run(f"{url}/{html}", out / f"{book.name}-{html.replace('/', '-')}.json")
                for html in htmls
            }
    return results["course"], results["baseline"]


def phone_rows(htmls: dict[str, str], course: dict, baseline: dict) -> list[Row]:
    """One row per page: Lighthouse performance, course against the stock book's same page."""
    rows = []
    for html in htmls.values():
        mine, theirs = course[html], baseline[html]
        rows.append(
            Row(
                f"Lighthouse mobile: {html}",
                mine.scores["performance"],
                theirs.scores["performance"],
                "",
                f"performance ≥ {lighthouse.TARGETS['performance']}, the rest 100, FCP ≤ {lighthouse.FCP_MS / 1000} s",
                not mine.misses(),
                f"course {_scores(mine)}; stock {_scores(theirs)}"
                + (f"; missed: {'; '.join(mine.misses())}" if mine.misses() else ""),
            )
        )
    return rows


def _scores(result: lighthouse.Result) -> str:
    s = result.scores
    return (
        f"perf/a11y/bp/seo {s['performance']}/{s['accessibility']}/{s['best-practices']}/{s['seo']}, "
        f"FCP {result.fcp_ms / 1000:.1f} s"
    )


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| measure | course | baseline | ratio | target | result | note |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        result = "" if row.passed is None else ("PASS" if row.passed else "FAIL")
        lines.append(
            f"| {row.measure} | {row.course:,.1f} {row.unit} | {row.baseline:,.1f} {row.unit} | {row.ratio:.2f}× "
            f"| {row.target} | {result} | {row.note} |"
        )
    return "\n".join(lines)


def write(rows: list[Row], out: Path, meta: dict) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    records = [{**asdict(row), "ratio": row.ratio} for row in rows]
    json_path, md_path = out / "bench.json", out / "bench.md"
    json_path.write_text(json.dumps({**meta, "rows": records}, indent=2, ensure_ascii=False), encoding="utf-8")
    header = (
        f"# kurils bench\n\n{meta['when']}, {meta['cpus']} CPUs, {meta['seconds']:.0f} s run"
        f"{' (--quick)' if meta['quick'] else ''}. Ratios are course / baseline; the machine may be shared, "
        "so absolute times are noisy.\n\n"
    )
    md_path.write_text(header + table(rows) + "\n", encoding="utf-8")
    return json_path, md_path


def run(out: Path = OUT, quick: bool = False) -> list[Row]:
    """The whole bench: copy the course, generate the baseline, build and measure both."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kurils-bench-") as temp:
        temp = Path(temp)
        (temp / "course").mkdir()
        course = copy_course(temp / "course", quick)
        pages = toc(course.root)
        cells = {name: code_cells(source(course.root, name)) for name in pages}
        edit = course.edit.relative_to(course.root).with_suffix("").as_posix()
        baseline = make_baseline(temp / "baseline", cells, course.root / "_toc.yml", edit)
        rows = compare(course, baseline, pages, out, phone=True)
        if not quick:  # the course in English, Japanese and Russian, against its English-only cold build
            shutil.rmtree(course.root / "_build", ignore_errors=True)
            three = Book("course", course.root, course.command, course.edit, env={"PYTHONPATH": str(course.root)})
            seconds = run_build(three, out / "logs" / "course-three-languages-cold.log")["seconds"]
            english = rows[0].course
            rows.insert(
                1,
                Row(
                    "cold build, three languages (en, ja, ru)",
                    seconds,
                    english,
                    "s",
                    "≤ 3× the English build",
                    seconds <= 3 * english,
                    "baseline column: the course's English-only cold build (one execution cache)",
                ),
            )
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "quick": quick,
        "pages": len(pages),
        "code_cells": cells,
        "seconds": time.perf_counter() - start,
    }
    json_path, md_path = write(rows, out, meta)
    print(table(rows))
    print(f"\nBench ran in {meta['seconds']:.0f} s; wrote {json_path} and {md_path}")
    return rows
