"""Self-check questions on a chapter page: instant feedback in the browser, no kernel.

Questions live in ``chapters/quizzes/CHAPTER.json`` in jupyterquiz's format and
are rendered by jupyterquiz as HTML and JavaScript that work on the static site.
Their answers are readable in the page source: they are for self-checking, not
for grades (graded work is in ``exercises/``).
"""

from __future__ import annotations

import json
from pathlib import Path

QUIZ_DIR = Path(__file__).resolve().parent.parent / "chapters" / "quizzes"
#: jupyterquiz's palette with feedback colours dark enough to read on white (contrast above 4.5:1).
COLORS = {
    "--jq-text-color": "#ffffff",  # on the coloured question panels below (contrast of 7:1 or more)
    "--jq-multiple-choice-bg": "#345995",
    "--jq-many-choice-bg": "#7a3b12",
    "--jq-correct-color": "#2e6b30",
    "--jq-incorrect-color": "#b3261e",
}


def questions(chapter: str, quiz_dir: Path = QUIZ_DIR) -> list[dict]:
    """Read and check a chapter's questions; raise ``ValueError`` saying what is wrong."""
    path = quiz_dir / f"{chapter}.json"
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"no self-check questions for {chapter!r}: {path} does not exist") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name} is not valid JSON: {error}") from None
    problems = []
    for number, item in enumerate(items, start=1):
        answers = item.get("answers", [])
        if not item.get("question"):
            problems.append(f"question {number} has no text")
        if item.get("type") in ("multiple_choice", "many_choice"):
            if not any(a.get("correct") for a in answers):
                problems.append(f"question {number} has no correct answer")
            problems += [
                f"question {number}, answer {a.get('answer')!r} has no feedback"
                for a in answers
                if not a.get("feedback")
            ]
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems))
    return items


def quiz(chapter: str) -> None:
    """Show a chapter's self-check questions (jupyterquiz's display_quiz, with one change).

    Where a page has a MathJax without ``typeset`` (JupyterLab 4 does), jupyterquiz
    fetches MathJax from a CDN. The course's questions contain no maths, so the script
    runs with ``MathJax`` shadowed as undefined and never reaches for the network.
    """
    import random
    import string

    from IPython.display import HTML, Javascript, display
    from jupyterquiz.dynamic.loader import load_questions_script
    from jupyterquiz.dynamic.renderer import build_script, build_styles, render_div

    div_id = "".join(random.choice(string.ascii_letters) for _ in range(12))
    prefix, static, url = load_questions_script(questions(chapter), div_id)
    div = render_div(div_id, False, True, False, 1_000_000, 600, 10, "left")
    script = build_script(prefix, static, url, div_id, True)
    display(HTML(div + build_styles(div_id, COLORS)))
    display(Javascript(f"(function (MathJax) {{\n{script}\n}})(undefined);"))
