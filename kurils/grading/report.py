"""The class report a teacher reads after grading: ``report.html`` beside the gradebook.

One static page (no scripts, no network, printable): for each assignment, the spread of scores, each
question's mean and how well it separates stronger from weaker students, the commonest wrong answers,
and the submissions that need a look (could not be graded, timed out, crashed, or still to be marked).
The charts are matplotlib figures drawn as inline SVG, as on the course's pages.
"""

from __future__ import annotations

import datetime
from collections import Counter
from html import escape
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from kurils.figures import inline_svg  # noqa: E402

#: Below this many graded submissions, a question's discrimination is not worth computing.
MIN_FOR_DISCRIMINATION = 5

CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}
td.n{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}
.weak{color:#a00}code{font-size:.9em;background:#f4f4f4;padding:0 .2em}
@media print{body{margin:0;max-width:none}h2{break-before:page}figure,table{break-inside:avoid}}
"""


def _histogram(percentages: pd.Series, assignment: str) -> str:
    fig, ax = plt.subplots(figsize=(6.4, 2.6))
    ax.hist(percentages, bins=range(0, 101, 10), color="#4c72b0", edgecolor="white")
    ax.set_xlabel("score (% of the possible points)")
    ax.set_ylabel("submissions")
    ax.set_xlim(0, 100)
    ax.spines[["top", "right"]].set_visible(False)
    return inline_svg(fig, f"Histogram of the {assignment} scores, in percent, in bins of ten points")


def _question_bars(means: pd.Series, assignment: str) -> str:
    fig, ax = plt.subplots(figsize=(6.4, 0.35 * len(means) + 0.8))
    ax.barh(list(means.index)[::-1], list(means.values)[::-1], color="#4c72b0")
    ax.set_xlim(0, 100)
    ax.set_xlabel("mean score (% of the question's points)")
    ax.spines[["top", "right"]].set_visible(False)
    return inline_svg(fig, f"Mean score of each {assignment} question, in percent of its points")


def discrimination(scores: pd.DataFrame) -> dict[str, float | None]:
    """Each question's correlation with the rest of the total (item-rest correlation): how well it
    separates students who do well on the rest from those who do not. ``None`` with too few students
    or when everyone scored the same on it."""
    total = scores.sum(axis=1)
    out: dict[str, float | None] = {}
    for question in scores.columns:
        column, rest = scores[question], total - scores[question]
        enough = column.notna().sum() >= MIN_FOR_DISCRIMINATION and column.std() > 0 and rest.std() > 0
        out[question] = round(float(column.corr(rest)), 2) if enough else None
    return out


def _wrong_answers(results: list, question: str, limit: int = 3) -> list[tuple[str, int]]:
    marked = [r for r in results if r.scores.get(question) is not None]
    wrong = [r for r in marked if r.scores[question] < r.possible.get(question, 0)]
    shown = [r.answers.get(question) for r in wrong]
    return Counter(a for a in shown if a).most_common(limit)


def _needs_a_look(results: list) -> list[tuple[str, str]]:
    rows = []
    for r in results:
        if not r.status.startswith("graded"):
            rows.append((r.student, f"not graded: {r.status}"))
            continue
        for note in r.status.split("; ")[1:]:
            if "did not finish" in note or "timed out" in note or "crashed" in note or "CPU" in note:
                rows.append((r.student, note))
        if r.unmarked:
            rows.append((r.student, "to be marked by hand: " + ", ".join(r.unmarked)))
    return rows


def _assignment(results: list, name: str) -> str:
    graded = [r for r in results if r.status.startswith("graded")]
    parts = [f'<h2 id="{escape(name)}">{escape(name)}</h2>']
    percentages = pd.Series([100 * r.total / r.out_of for r in graded if r.out_of], dtype=float)
    summary = f"{len(results)} submissions, {len(graded)} graded"
    if len(percentages):
        summary += f"; mean {percentages.mean():.0f}%, median {percentages.median():.0f}%"
        summary += " (written answers count as 0 until they are marked)"
    parts.append(f"<p>{summary}.</p>")
    if len(percentages):
        caption = "How the scores spread (graded submissions only)."
        parts.append(f"<figure>{_histogram(percentages, name)}<figcaption>{caption}</figcaption></figure>")
    questions = sorted({q for r in results for q in r.possible}, key=lambda q: (len(q), q))
    automatic = [q for q in questions if any(r.scores.get(q) is not None for r in graded)]
    if graded and automatic:
        scores = pd.DataFrame([{q: r.scores.get(q) for q in automatic} for r in graded], dtype=float)
        points = {q: max(r.possible.get(q, 0) for r in results) for q in automatic}
        means = pd.Series({q: 100 * scores[q].mean() / points[q] if points[q] else 0.0 for q in automatic})
        separates = discrimination(scores)
        caption = "Mean score per question: the lowest bars are the questions the class found hard."
        parts.append(f"<figure>{_question_bars(means, name)}<figcaption>{caption}</figcaption></figure>")
        rows = []
        for q in automatic:
            blank = sum(any(x.startswith("not answered") for x in r.reasons.get(q, [])) for r in graded)
            d = separates[q]
            said = "n/a" if d is None else f"{d:.2f}"
            weak = d is not None and d < 0.1
            wrong = "<br>".join(f"<code>{escape(a)}</code> ({n})" for a, n in _wrong_answers(graded, q)) or ""
            rows.append(
                f"<tr><td>{q}</td><td class=n>{points[q]:g}</td><td class=n>{means[q]:.0f}%</td>"
                f'<td class="n{" weak" if weak else ""}">{said}</td><td class=n>{blank}</td><td>{wrong}</td></tr>'
            )
        parts.append(
            "<table><caption>Questions marked automatically</caption><tr><th>question</th><th>points</th>"
            "<th>mean</th><th>separates (item-rest correlation)</th><th>not answered</th>"
            "<th>commonest wrong answers (how many)</th></tr>" + "".join(rows) + "</table>"
        )
        parts.append(
            "<p>“Separates” is the correlation between a question's score and the rest of the total: near 0 "
            "(in red below 0.1) the question does not tell stronger from weaker students, which can mean it "
            f"is ambiguous or its checks are off; n/a with fewer than {MIN_FOR_DISCRIMINATION} graded "
            "submissions or when everyone scored the same.</p>"
        )
    look = _needs_a_look(results)
    items = "".join(f"<li><strong>{escape(s)}</strong>: {escape(why)}</li>" for s, why in look)
    nothing = "<p>Nothing: every submission was graded, and nothing is left to mark.</p>"
    parts.append("<h3>Needs a look</h3>" + (f"<ul>{items}</ul>" if items else nothing))
    return "\n".join(parts)


def write(results: list, out: Path) -> Path:
    """Write ``out/report.html`` for ``results`` (:class:`kurils.grading.gradebook.Result`); return its path."""
    assignments = sorted({r.assignment for r in results})
    sections = [_assignment([r for r in results if r.assignment == a], a) for a in assignments]
    when = datetime.date.today().isoformat()
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Class report: {escape(', '.join(assignments))}</title><style>{CSS}</style></head><body>"
        f"<h1>Class report</h1><p>{len(results)} submissions graded by <code>kurils grade</code> on {when}. "
        "Scores per student are in <code>gradebook.csv</code>; each student's reasons in "
        "<code>feedback/</code>.</p>" + "\n".join(sections) + "</body></html>"
    )
    path = out / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
