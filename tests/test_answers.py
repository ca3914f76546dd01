"""Answers cross from the student's kernel to the checks as plain data only (kurils.grading.answers)."""

from __future__ import annotations

import datetime
import json

import numpy as np
import pandas as pd
import pytest

from kurils import data
from kurils.grading import answers
from kurils.widgets import IslandMap


def _round_trip(namespace: dict) -> tuple[dict, dict]:
    return answers.load(answers.export(namespace, sorted(namespace)))


def test_plain_values_and_course_tables_come_back_equal():
    events = data.load("events")
    namespace = {
        "text": "1855-treaty-of-shimoda",
        "number": 3,
        "share": 0.25,
        "missing": float("nan"),
        "flag": True,
        "nothing": None,
        "order": ["a", "b"],
        "pair": ("a", 1),
        "picks": {"b", "a"},
        "counts": {"japan": 2, 1956: [1, 2]},
        "days": np.int64(41),
        "ratio": np.float64(0.5),
        "array": np.array([1, 2, 3]),
        "when": pd.Timestamp("1956-10-19"),
        "day": datetime.date(1956, 10, 19),
        "events": events,
        "by_year": events.groupby(events["date"].str[:4]).size(),
        "answer": ...,
        "pd": pd,
    }
    values, refused = _round_trip(namespace)
    assert refused == {}
    for name in ("text", "number", "share", "flag", "nothing", "order", "pair", "picks", "counts", "when", "day"):
        assert values[name] == namespace[name] and type(values[name]) is type(namespace[name]), name
    assert np.isnan(values["missing"]) and values["answer"] is Ellipsis and values["pd"] is pd
    assert type(values["days"]) is np.int64 and values["days"] == 41
    assert type(values["ratio"]) is np.float64 and values["array"].tolist() == [1, 2, 3]
    pd.testing.assert_frame_equal(values["events"], events)
    pd.testing.assert_series_equal(values["by_year"], namespace["by_year"])


def test_a_map_widget_crosses_as_its_selection():
    island_map = IslandMap()
    island_map.select("Shikotan", "Habomai")
    values, refused = _round_trip({"island_map": island_map})
    assert refused == {} and sorted(values["island_map"].selected) == ["habomai", "shikotan"]
    assert not isinstance(values["island_map"], IslandMap)


class _Liar:
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0

    def __bool__(self):
        return True


class _LyingStr(_Liar, str):
    pass


class _LyingFrame(pd.DataFrame):
    pass


class _Shapeshifter(_Liar):
    __class__ = property(lambda self: str)


@pytest.mark.parametrize(
    "value",
    [_LyingStr("b"), _Liar(), _Shapeshifter(), ["fine", _LyingStr("x")], {"k": _Liar()}, _LyingFrame({"a": [1]})],
    ids=["str", "object", "shapeshifter", "inside-a-list", "inside-a-dict", "frame"],
)
def test_a_value_that_is_not_exactly_plain_data_is_refused_with_its_reason(value):
    assert isinstance(_Shapeshifter(), str)  # it does fool isinstance
    values, refused = _round_trip({"q1_answer": value})
    assert values == {}
    assert refused["q1_answer"].startswith("`q1_answer` is a ") and "not a plain value" in refused["q1_answer"]


def test_other_modules_and_broken_exports_are_refused():
    import os

    _, refused = _round_trip({"os_module": os})
    assert "module os" in refused["os_module"]
    for text in ["not json", json.dumps({"values": {}}), "x" * (answers.MAX_CHARS + 1)]:
        with pytest.raises(answers.Refused, match="answers"):
            answers.load(text)
    values, refused = answers.load(json.dumps({"values": {"a": {"__module__": "os"}}, "refused": {}}))
    assert values == {} and "os" in refused["a"]


def test_the_names_a_check_reads_leave_out_what_it_defines_and_builtins():
    code = ">>> _d = data.load('events')\n>>> assert sorted(order) == [x for x in _d['id'] if len(x)], 'no'\n"
    assert answers.names_used(code) == {"data", "order"}


def test_checks_run_on_the_rebuilt_values_and_a_refused_answer_scores_zero():
    spec = {
        "name": "q1",
        "points": 2,
        "suites": [
            {
                "cases": [
                    {"code": ">>> assert answer == 'b', 'wrong'", "hidden": False, "locked": False, "points": 1},
                    {"code": ">>> assert order == [1, 2], 'no'", "hidden": True, "locked": False, "points": 1},
                ],
                "scored": True,
                "setup": "",
                "teardown": "",
                "type": "doctest",
            }
        ],
    }
    values, refused = _round_trip({"answer": "b", "order": [1, 2]})
    assert answers.run_checks([spec], values, refused)["q1"]["score"] == 2
    values, refused = _round_trip({"answer": _LyingStr("b"), "order": [1, 2]})
    result = answers.run_checks([spec], values, refused)["q1"]
    assert result["score"] == 0 and "answer` is a _LyingStr" in result["failed"][0][2]
