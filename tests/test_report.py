"""The class report written beside the gradebook (kurils.grading.report)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kurils.grading import gradebook, report


def _class() -> list[gradebook.Result]:
    """Eight students: q1 follows the total (strong students get it), q2 everyone gets, q3 by hand."""
    results = []
    for i, (q1, q2, extra) in enumerate(
        [(2, 1, 4), (2, 1, 4), (2, 1, 3), (0, 1, 3), (2, 1, 1), (0, 1, 1), (0, 1, 0), (0, 1, 0)]
    ):
        r = gradebook.Result(f"student{i}", "ch03", "graded")
        r.possible = {"q1": 2.0, "q2": 1.0, "q4": 4.0, "q3": 3.0}
        r.scores = {"q1": float(q1), "q2": float(q2), "q4": float(extra), "q3": None}
        if not q1:
            r.answers["q1"] = "q1_answer = 'c'" if i != 7 else "q1_answer = 'a'"
            r.reasons["q1"] = ["a hidden check failed: wrong"]
        results.append(r)
    results[6].reasons["q4"] = ["not answered"]
    results[7].status = "graded; cell 12 of 30 did not finish within 60 s and was stopped"
    results.append(gradebook.Result("broken", "ch03", "").fail("not a notebook: the file is not valid JSON"))
    results[-1].possible = {"q1": 2.0, "q2": 1.0, "q4": 4.0, "q3": 3.0}
    return results


def test_discrimination_is_the_item_rest_correlation():
    scores = pd.DataFrame({"a": [1, 1, 0, 0, 1, 0], "b": [3, 2, 1, 0, 2, 1], "c": [1, 1, 1, 1, 1, 1]}, dtype=float)
    said = report.discrimination(scores)
    rest = scores["b"] + scores["c"]
    assert said["a"] == round(float(np.corrcoef(scores["a"], rest)[0, 1]), 2)
    assert said["c"] is None  # everyone scored the same: it separates nobody
    assert report.discrimination(scores.head(3))["a"] is None  # too few students


def test_the_report_shows_the_class_the_hard_questions_the_common_wrong_answers_and_who_needs_a_look(tmp_path):
    results = _class()
    path = report.write(results, tmp_path)
    html = path.read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", html)
    assert "9 submissions, 8 graded" in text
    assert html.count("<svg") == 2 and 'role="img"' in html  # the spread and the per-question means
    row = re.search(r"<tr><td>q1</td>(.*?)</tr>", html).group(1)
    assert ">50%<" in row  # 4 of 8 got q1's 2 points
    assert "q1_answer = &#x27;c&#x27;</code> (3)" in row and "&#x27;a&#x27;</code> (1)" in row
    q2 = re.search(r"<tr><td>q2</td>(.*?)</tr>", html).group(1)
    assert ">100%<" in q2 and ">n/a<" in q2  # everyone got it: it separates nobody
    q4 = re.search(r"<tr><td>q4</td>(.*?)</tr>", html).group(1)
    assert "<td class=n>1</td>" in q4  # one student did not answer it
    look = html.split("Needs a look", 1)[1]
    assert "broken</strong>: not graded: not a notebook" in look
    assert "student7</strong>: cell 12 of 30 did not finish" in look
    assert look.count("to be marked by hand: q3") == 8
    assert "<script" not in html and not re.search(r'(src|href)="(https?:)?//', html)  # static and offline
