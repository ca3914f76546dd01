"""Self-check questions on a chapter page: instant feedback in the browser, no kernel.

Questions live in ``chapters/quizzes/CHAPTER.json``, in jupyterquiz's format plus two kinds of
the course's own. Numeric questions are rendered by jupyterquiz; every other kind by this module
as plain HTML with one small script (``assets/selfcheck.js``), so they look and behave alike
and work on the static site:

- ``"type": "multiple_choice"`` (one answer) and ``"many_choice"`` (select all that apply):
  ``answers``, each ``{"answer", "correct", "feedback"}``. Radio buttons or checkboxes: arrow
  keys move, only the Check button checks, and a check keeps the reader's picks and shows the
  feedback of each one picked.

- ``"type": "ordering"``: ``items`` (each ``{"label": ...}``, optionally ``"event"``, an id
  in ``data/events.csv``) listed in the right order; the page shows them shuffled, none in its place.
  A check says how many are in place; the explanation (which may give every date) appears
  only once all are.
- ``"type": "matching"``: ``pairs`` (each ``{"left": ..., "right": ...}``); the learner
  picks the right item for each left item.

Both need an ``explanation``, shown after checking. Answers are readable in the page
source: these are for self-checking, not for grades (graded work is in ``exercises/``).
"""

from __future__ import annotations

import hashlib
import json
import random
from html import escape
from pathlib import Path

from kurils import i18n
from kurils.course import ASSETS
from kurils.data import installed_folder

#: The repository's chapters/quizzes, or the copy a wheel installs (see pyproject.toml's data-files).
QUIZ_DIR = installed_folder("chapters/quizzes", "quizzes")
#: jupyterquiz's palette with feedback colours dark enough to read on white (contrast above 4.5:1).
COLORS = {
    "--jq-text-color": "#ffffff",  # on the coloured question panels below (contrast of 7:1 or more)
    "--jq-multiple-choice-bg": "#345995",
    "--jq-many-choice-bg": "#7a3b12",
    "--jq-correct-color": "#2e6b30",
    "--jq-incorrect-color": "#b3261e",
}
#: Question kinds rendered by this module rather than by jupyterquiz.
OWN_TYPES = ("multiple_choice", "many_choice", "ordering", "matching")
JUPYTERQUIZ_TYPES = ("multiple_choice", "many_choice", "numeric")


def _problems(number: int, item: dict) -> list[str]:
    """What is wrong with one question (an empty list if nothing)."""
    where = f"question {number}"
    if not isinstance(item, dict):
        return [f"{where} is not an object"]
    kind = item.get("type")
    problems = [] if item.get("question") else [f"{where} has no text"]
    if kind not in JUPYTERQUIZ_TYPES + OWN_TYPES:
        return problems + [f"{where} has unknown type {kind!r}; known: {', '.join(JUPYTERQUIZ_TYPES + OWN_TYPES)}"]
    if kind in ("multiple_choice", "many_choice"):
        answers = item.get("answers", [])
        if not any(a.get("correct") for a in answers):
            problems.append(f"{where} has no correct answer")
        problems += [f"{where}, answer {a.get('answer')!r} has no feedback" for a in answers if not a.get("feedback")]
    if kind in ("ordering", "matching") and not str(item.get("explanation", "")).strip():
        problems.append(f"{where} ({kind}) has no explanation")
    if kind == "ordering":
        items = item.get("items")
        if not isinstance(items, list) or len(items) < 3:
            problems.append(f"{where} (ordering) needs at least 3 items, has {len(items or [])}")
        else:
            labels = [i.get("label", "") if isinstance(i, dict) else "" for i in items]
            problems += [f"{where} (ordering), item {n} has no label" for n, lab in enumerate(labels, 1) if not lab]
            if len(set(labels)) < len(labels):
                problems.append(f"{where} (ordering) has items with the same label")
    if kind == "matching":
        pairs = item.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 3:
            problems.append(f"{where} (matching) needs at least 3 pairs, has {len(pairs or [])}")
        else:
            for n, pair in enumerate(pairs, 1):
                if not (isinstance(pair, dict) and pair.get("left") and pair.get("right")):
                    problems.append(f"{where} (matching), pair {n} needs both 'left' and 'right'")
            rights = [p.get("right") for p in pairs if isinstance(p, dict)]
            if len(set(rights)) < len(rights):
                twice = sorted({r for r in rights if rights.count(r) > 1})
                problems.append(f"{where} (matching) has right items used twice: {twice}")
    return problems


def questions(chapter: str, quiz_dir: Path = QUIZ_DIR) -> list[dict]:
    """Read and check a chapter's questions; raise ``ValueError`` saying what is wrong."""
    path = quiz_dir / f"{chapter}.json"
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"no self-check questions for {chapter!r}: {path} does not exist") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name} is not valid JSON: {error}") from None
    if not isinstance(items, list):
        raise ValueError(f"{path.name} must hold a list of questions")
    problems = [p for number, item in enumerate(items, start=1) for p in _problems(number, item)]
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems))
    return items


def shuffled(question: dict) -> list[int]:
    """The order in which an ordering question shows its items: fixed per question (seeded by its
    text), with no item in its right place."""
    count = len(question["items"])
    seed = int.from_bytes(hashlib.sha256(question["question"].encode("utf-8")).digest()[:8], "big")
    shuffle = random.Random(seed)
    order = list(range(count))
    while any(rank == place for place, rank in enumerate(order)):
        shuffle.shuffle(order)
    return order


#: The questions' own words in each language (the questions' text is in locales/LANG/kernel/quizzes/).
WORDS = {
    "en": {
        "many": "Select all that apply, then Check.",
        "one": "Choose one answer, then Check.",
        "up": "Move up",
        "down": "Move down",
        "move": "Move an item with its Move up and Move down buttons, "
        "or focus the item and press the up and down arrow keys.",
        "choose": "Choose…",
        "from": "Choose from:",
        "check": "Check",
    },
    "ja": {
        "many": "当てはまるものをすべて選び、「確認」を押してください。",
        "one": "答えを一つ選び、「確認」を押してください。",
        "up": "上へ",
        "down": "下へ",
        "move": "「上へ」「下へ」のボタンで項目を動かすか、項目を選んで上下の矢印キーを押してください。",
        "choose": "選択…",
        "from": "選択肢：",
        "check": "確認",
    },
    "ru": {
        "many": "Отметьте все верные варианты и нажмите «Проверить».",
        "one": "Выберите один ответ и нажмите «Проверить».",
        "up": "Выше",
        "down": "Ниже",
        "move": "Перемещайте пункты кнопками «Выше» и «Ниже» или выберите пункт и нажимайте стрелки вверх и вниз.",
        "choose": "Выберите…",
        "from": "Варианты:",
        "check": "Проверить",
    },
}


def _id(question: dict, language: str = "en") -> str:
    digest = "ks-" + hashlib.sha256(question["question"].encode("utf-8")).hexdigest()[:10]
    return digest if language == "en" else f"{digest}-{language}"


def translated(question: dict, words: dict[str, str]) -> dict:
    """The question with every text a reader sees put in another language (untranslated text stays English)."""
    if isinstance(question, dict):
        return {
            k: (words.get(v, v) if k in i18n.QUIZ_TEXT and isinstance(v, str) else translated(v, words))
            for k, v in question.items()
        }
    if isinstance(question, list):
        return [translated(item, words) for item in question]
    return question


def render(question: dict, language: str = "en") -> str:
    """HTML for one question of the course's own kinds; readable (and printable) without its script."""
    qid, kind, say = _id(question, language), question["type"], WORDS[language]
    head = f'<p class="ks-question" id="{qid}-q">{escape(question["question"])}</p>'
    explanation = question.get("explanation", "")
    if kind in ("multiple_choice", "many_choice"):
        many = kind == "many_choice"
        rows = "".join(
            f'<li class="ks-option"><label><input type="{"checkbox" if many else "radio"}" name="{qid}" '
            f'value="{n}" data-correct="{"true" if a.get("correct") else "false"}"> '
            f'<span class="ks-answer">{escape(str(a["answer"]))}</span></label>'
            f'<span class="ks-mark"></span><p class="ks-why" hidden>{escape(str(a["feedback"]))}</p></li>'
            for n, a in enumerate(question["answers"])
        )
        help_text = say["many"] if many else say["one"]
        body = (
            f'<p class="ks-help" id="{qid}-help">{help_text}</p>'
            f'<div role="group" aria-labelledby="{qid}-q" aria-describedby="{qid}-help">'
            f'<ul class="ks-options">{rows}</ul></div>'
        )
    elif kind == "ordering":
        order = shuffled(question)
        rows = "".join(
            f'<li class="ks-item" tabindex="0" data-rank="{rank}" aria-describedby="{qid}-help">'
            f'<span class="ks-label">{escape(question["items"][rank]["label"])}</span>'
            f'<span class="ks-moves"><button type="button" class="ks-up">{say["up"]}</button>'
            f'<button type="button" class="ks-down">{say["down"]}</button></span></li>'
            for rank in order
        )
        body = (
            f'<p class="ks-help" id="{qid}-help">{say["move"]}</p>'
            f'<ol class="ks-items" aria-labelledby="{qid}-q">{rows}</ol>'
        )
    elif kind == "matching":
        rights = sorted((p["right"] for p in question["pairs"]), key=str.casefold)
        options = f'<option value="">{say["choose"]}</option>' + "".join(
            f'<option value="{escape(r)}">{escape(r)}</option>' for r in rights
        )
        rows = "".join(
            f'<li class="ks-pair"><label for="{qid}-{n}" class="ks-left">{escape(p["left"])}</label> '
            f'<select id="{qid}-{n}" aria-describedby="{qid}-{n}-mark" data-answer="{escape(p["right"])}">'
            f'{options}</select><span class="ks-mark" id="{qid}-{n}-mark"></span></li>'
            for n, p in enumerate(question["pairs"])
        )
        choices = "".join(f"<li>{escape(r)}</li>" for r in rights)
        body = (
            f'<ul class="ks-pairs" aria-labelledby="{qid}-q">{rows}</ul>'
            f'<div class="ks-print">{say["from"]}<ul>{choices}</ul></div>'
        )
    else:
        raise ValueError(f"render() draws only {', '.join(OWN_TYPES)} questions, not {kind!r}")
    return (
        f'<div class="kurils-selfcheck ks-{kind}" id="{qid}" data-kind="{kind}">{head}{body}'
        f'<p class="ks-actions"><button type="button" class="ks-check">{say["check"]}</button></p>'
        '<p class="ks-feedback" role="status" aria-live="polite"></p>'
        + (f'<div class="ks-explanation" hidden><p>{escape(explanation)}</p></div>' if explanation else "")
        + "</div>"
    )


def _jupyterquiz(items: list[dict]) -> list:
    """jupyterquiz's display_quiz for ``items``, as two display objects (with one change).

    Where a page has a MathJax without ``typeset`` (JupyterLab 4 does), jupyterquiz
    fetches MathJax from a CDN. The course's questions contain no maths, so the script
    runs with ``MathJax`` shadowed as undefined and never reaches for the network.
    """
    import string

    from IPython.display import HTML, Javascript
    from jupyterquiz.dynamic.loader import load_questions_script
    from jupyterquiz.dynamic.renderer import build_script, build_styles, render_div

    div_id = "".join(random.choice(string.ascii_letters) for _ in range(12))
    prefix, static, url = load_questions_script(items, div_id)
    div = render_div(div_id, False, True, False, 1_000_000, 600, 10, "left")
    script = build_script(prefix, static, url, div_id, True)
    return [HTML(div + build_styles(div_id, COLORS)), Javascript(f"(function (MathJax) {{\n{script}\n}})(undefined);")]


def outputs(chapter: str, quiz_dir: Path = QUIZ_DIR) -> list:
    """The display objects for a chapter's questions, in the order of the JSON file; each of the course's own
    kinds in every output language (:func:`kurils.i18n.editions`), the page's one shown."""
    from IPython.display import HTML, Javascript

    languages = i18n.output_languages()
    words = {code: i18n.kernel_translations(code, f"quizzes/{chapter}") for code in languages}

    shown, run, own = [], [], False
    for item in questions(chapter, quiz_dir) + [None]:
        if item is not None and item["type"] not in OWN_TYPES:
            run.append(item)
            continue
        if run:
            shown += _jupyterquiz(run)
            run = []
        if item is not None:
            shown.append(
                HTML(i18n.editions(lambda code, item=item: render(translated(item, words[code]), code), languages))
            )
            own = True
    if own:
        css = (ASSETS / "selfcheck.css").read_text(encoding="utf-8")
        shown.insert(0, HTML(f"<style>{css}</style>"))
        shown.append(Javascript((ASSETS / "selfcheck.js").read_text(encoding="utf-8")))
    return shown


def quiz(chapter: str, quiz_dir: Path = QUIZ_DIR) -> None:
    """Show a chapter's self-check questions."""
    from IPython.display import display

    display(*outputs(chapter, quiz_dir))
