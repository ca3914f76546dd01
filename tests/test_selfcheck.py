"""Ordering and matching self-checks: the question format, its validation and the HTML the page gets."""

from __future__ import annotations

import json
import re

import pytest

from kurils import data, selfcheck

ORDERING = {
    "question": "Put these in order.",
    "type": "ordering",
    "items": [{"label": "First"}, {"label": "Second"}, {"label": "Third"}, {"label": "Fourth"}],
    "explanation": "Because of the dates.",
}
MATCHING = {
    "question": "Match them.",
    "type": "matching",
    "pairs": [{"left": "A", "right": "one"}, {"left": "B", "right": "two"}, {"left": "C", "right": "three"}],
    "explanation": "Because.",
}


def _check(tmp_path, *questions):
    (tmp_path / "t.json").write_text(json.dumps(list(questions)), encoding="utf-8")
    return selfcheck.questions("t", tmp_path)


def test_valid_ordering_and_matching_questions_are_accepted(tmp_path):
    assert [q["type"] for q in _check(tmp_path, ORDERING, MATCHING)] == ["ordering", "matching"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"items": [{"label": "a"}, {"label": "b"}]}, r"question 1 \(ordering\) needs at least 3 items, has 2"),
        ({"items": [{"label": "a"}, {"label": ""}, {"label": "c"}]}, r"item 2 has no label"),
        ({"items": [{"label": "a"}, {"label": "a"}, {"label": "c"}]}, r"items with the same label"),
        ({"explanation": " "}, r"question 1 \(ordering\) has no explanation"),
        ({"type": "sorting"}, r"unknown type 'sorting'; known: .*ordering, matching"),
    ],
)
def test_a_broken_ordering_question_is_rejected_with_the_reason(tmp_path, change, message):
    with pytest.raises(ValueError, match=message):
        _check(tmp_path, {**ORDERING, **change})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pairs": MATCHING["pairs"][:2]}, r"question 2 \(matching\) needs at least 3 pairs, has 2"),
        (
            {"pairs": [*MATCHING["pairs"][:2], {"left": "C", "right": "one"}]},
            r"right items used twice: \['one'\]",
        ),
        ({"pairs": [*MATCHING["pairs"][:2], {"left": "C"}]}, r"pair 3 needs both 'left' and 'right'"),
        ({"explanation": ""}, r"question 2 \(matching\) has no explanation"),
    ],
)
def test_a_broken_matching_question_is_rejected_with_the_reason(tmp_path, change, message):
    with pytest.raises(ValueError, match=message):
        _check(tmp_path, ORDERING, {**MATCHING, **change})


def test_the_shuffle_is_fixed_and_never_the_right_order():
    assert selfcheck.shuffled(ORDERING) == selfcheck.shuffled(dict(ORDERING))
    for n in range(3, 7):
        for seed in range(40):
            question = {"question": f"Q{seed}", "items": [{"label": str(i)} for i in range(n)]}
            order = selfcheck.shuffled(question)
            assert sorted(order) == list(range(n))
            assert [place for place, rank in enumerate(order) if place == rank] == [], "an item starts in place"


def test_an_ordering_question_renders_its_items_shuffled_with_move_buttons():
    html = selfcheck.render(ORDERING)
    labels = re.findall(r'<span class="ks-label">([^<]*)</span>', html)
    ranks = [int(r) for r in re.findall(r'data-rank="(\d)"', html)]
    assert sorted(labels) == sorted(i["label"] for i in ORDERING["items"])
    assert labels != [i["label"] for i in ORDERING["items"]]
    assert [ORDERING["items"][r]["label"] for r in ranks] == labels
    assert html.count(">Move up</button>") == 4 and html.count(">Move down</button>") == 4
    assert 'aria-live="polite"' in html and ">Check</button>" in html
    assert "Because of the dates." in html and 'ks-explanation" hidden' in html


def test_a_matching_question_renders_a_labelled_select_per_left_item():
    html = selfcheck.render(MATCHING)
    assert len(re.findall(r"<select id=\"(ks-[0-9a-f]+-\d)\"", html)) == 3
    for n in range(3):
        assert re.search(rf'<label for="ks-[0-9a-f]+-{n}"', html)
    options = re.findall(r'<option value="([^"]*)">', html)
    assert options == ["", "one", "three", "two"] * 3
    assert "Choose from:<ul><li>one</li><li>three</li><li>two</li></ul>" in html


def test_render_refuses_a_jupyterquiz_question():
    with pytest.raises(ValueError, match="not 'numeric'"):
        selfcheck.render({"question": "Q", "type": "numeric", "answers": []})


CHOICE = {
    "question": "Which one?",
    "type": "multiple_choice",
    "answers": [
        {"answer": "x", "correct": True, "feedback": "yes"},
        {"answer": "<y>", "correct": False, "feedback": "no"},
    ],
}


@pytest.mark.parametrize("kind, control", [("multiple_choice", "radio"), ("many_choice", "checkbox")])
def test_a_choice_question_renders_a_labelled_control_per_answer_with_hidden_feedback(kind, control):
    html = selfcheck.render({**CHOICE, "type": kind})
    inputs = re.findall(r'<label><input type="(\w+)" name="(ks-[0-9a-f]+)" value="(\d)" data-correct="(\w+)">', html)
    assert [(t, v, c) for t, _, v, c in inputs] == [(control, "0", "true"), (control, "1", "false")]
    assert '<span class="ks-answer">&lt;y&gt;</span>' in html
    assert html.count('<p class="ks-why" hidden>') == 2 and ">Check</button>" in html
    assert ("Select all that apply" in html) == (kind == "many_choice")


def test_a_chapters_outputs_keep_the_order_of_its_questions(tmp_path, monkeypatch):
    monkeypatch.setenv("KURILS_LANGUAGE", "en")  # one language: tests/test_i18n.py checks the three
    choice = {
        "question": "Which one?",
        "type": "multiple_choice",
        "answers": [{"answer": "x", "correct": True, "feedback": "yes"}],
    }
    number = {"question": "How many?", "type": "numeric", "answers": [{"type": "value", "value": 4, "correct": True}]}
    (tmp_path / "mix.json").write_text(json.dumps([choice, ORDERING, number, MATCHING]), encoding="utf-8")
    shown = selfcheck.outputs("mix", tmp_path)
    html = [o.data for o in shown if type(o).__name__ == "HTML"]
    scripts = [o.data for o in shown if type(o).__name__ == "Javascript"]
    # style, choice, ordering, numeric (jupyterquiz), matching; one script for jupyterquiz + ours
    assert "<style>" in html[0] and ".kurils-selfcheck" in html[0]
    kinds = ["jq" if "JupyterQuiz" in h or "Quiz" in h else h.split('"')[1] for h in html[1:]]
    assert kinds == [
        "kurils-selfcheck ks-multiple_choice",
        "kurils-selfcheck ks-ordering",
        "jq",
        "kurils-selfcheck ks-matching",
    ]
    assert len(scripts) == 2 and "ks-item" in scripts[-1]


def test_a_chapter_with_only_jupyterquiz_questions_gets_no_extra_script(tmp_path):
    choice = {"question": "Q", "type": "numeric", "answers": [{"type": "value", "value": 4, "correct": True}]}
    (tmp_path / "jq.json").write_text(json.dumps([choice]), encoding="utf-8")
    shown = selfcheck.outputs("jq", tmp_path)
    assert len(shown) == 2 and "kurils-selfcheck" not in shown[0].data


@pytest.mark.parametrize("chapter", [f"ch{n:02d}" for n in range(1, 12)])
def test_each_chapter_ends_with_an_ordering_and_a_matching_question(chapter):
    questions = selfcheck.questions(chapter)
    assert [q["type"] for q in questions[-2:]] == ["ordering", "matching"]
    assert [q["type"] for q in questions[:-2]].count("ordering") == 0


@pytest.mark.parametrize("chapter", [f"ch{n:02d}" for n in range(1, 12)])
def test_ordering_items_name_events_listed_in_date_order(chapter):
    """Each item names an events.csv row; the right order is the order of the rows' dates."""
    dates = dict(zip(data.load("events")["id"], data.load("events")["date"], strict=True))
    for question in selfcheck.questions(chapter):
        if question["type"] == "ordering":
            events = [item.get("event") for item in question["items"]]
            assert all(e in dates for e in events), f"{chapter}: unknown events {set(events) - set(dates)}"
            in_order = [dates[e] for e in events]
            assert in_order == sorted(in_order) and len(set(in_order)) == len(in_order), (chapter, in_order)
            assert 4 <= len(events) <= 5
            for event in events:
                shown = dates[event]
                assert _spelled(shown) in question["explanation"], f"{chapter}: explanation lacks {shown}"


MONTHS = "January February March April May June July August September October November December".split()


def _spelled(iso: str) -> str:
    """An events.csv date as the prose writes it: '7 February 1855', 'April 1998' or '1754'."""
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]
