"""Answers as plain data: exported from a student's kernel, checked in a process that never ran student code.

When a notebook is graded, the student's cells run in their own (sandboxed) kernel. Then one last
cell, :data:`EXPORT_CELL`, writes every name the checks use as JSON text (:func:`export`): builtins
(``str``, ``int``, ``float``, ``bool``, ``None``, lists, tuples, sets, dicts), numpy scalars and arrays,
pandas timestamps, Series and DataFrames (through pandas' own ``to_json(orient="table")``), a module
as its name, and a course widget as the state that answers a question (``IslandMap.selected``).
Anything else, including any subclass of those types (a ``str`` whose ``__eq__`` always says True),
is refused with its reason. The hidden checks then run in the grader's own process, on values
rebuilt from that text alone (:func:`load`, :func:`run_checks`): whatever a student's code did to its
objects, its kernel or the libraries loaded there, what reaches a check is text, so a check compares
plain values the student could not have shaped, and an answer that is refused scores 0 with the reason.
"""

from __future__ import annotations

import copy
import datetime
import importlib
import io
import json
import sys
import types

from kurils import checks
from kurils.checks import names_used

#: Start of the line the export cell prints.
MARK = "KURILS-ANSWERS "
#: The largest export accepted, in characters (an answer is a few values or a small table).
MAX_CHARS = 20_000_000
#: Modules a check may use by name (a name bound to any other module is refused).
MODULES = {"pandas", "numpy", "kurils.data", "math", "re", "json", "datetime", "collections", "statistics"}
#: The widget state that answers a question, by widget class.
WIDGET_STATE = {"IslandMap": ("selected",)}

EXPORT_CELL = """
from kurils.grading import answers as _kurils_answers
print(_kurils_answers.MARK + _kurils_answers.export(globals(), {names!r}))
"""


class Refused(Exception):
    """A value that is not plain data; the message says what it is."""


def _encode(value, depth: int = 0):
    kind = type(value)
    if depth > 20:
        raise Refused("is nested too deeply")
    if value is None or kind in (bool, int, str):
        return value
    if value is Ellipsis:  # the `...` a released notebook leaves for an answer not given
        return {"__ellipsis__": True}
    if kind is float:
        return value if value == value and value not in (float("inf"), float("-inf")) else {"__float__": repr(value)}
    if kind is list:
        return [_encode(v, depth + 1) for v in value]
    if kind is tuple:
        return {"__tuple__": [_encode(v, depth + 1) for v in value]}
    if kind in (set, frozenset):
        return {"__set__": [_encode(v, depth + 1) for v in value]}
    if kind is dict:
        return {"__dict__": [[_encode(k, depth + 1), _encode(v, depth + 1)] for k, v in value.items()]}
    if kind is types.ModuleType:
        if value.__name__ not in MODULES:
            raise Refused(f"is the module {value.__name__}, which the checks do not use")
        return {"__module__": value.__name__}
    if kind in (datetime.date, datetime.datetime, datetime.timedelta):
        return {"__" + kind.__name__ + "__": str(value) if kind is datetime.timedelta else value.isoformat()}
    np, pd = sys.modules.get("numpy"), sys.modules.get("pandas")
    if np is not None and kind is np.ndarray:
        return {"__ndarray__": str(value.dtype), "value": _encode(value.tolist(), depth + 1)}
    if np is not None and kind.__module__ == "numpy" and issubclass(kind, np.generic):
        return {"__numpy__": str(value.dtype), "value": _encode(value.item(), depth + 1)}
    if pd is not None and kind in (pd.Timestamp, pd.Timedelta):
        return {"__pandas__": kind.__name__, "value": value.isoformat()}
    if pd is not None and kind in (pd.DataFrame, pd.Series):
        if any(type(c) is not str and c is not None and type(c) is not int for c in _labels(value)):
            raise Refused("has column or index names that are not plain text or numbers")
        table = value.to_json(orient="table", date_format="iso")
        if kind is pd.Series:  # the table format names an unnamed Series "values": keep its own name
            return {"__pandas__": "Series", "name": _encode(value.name, depth + 1), "value": table}
        return {"__pandas__": "DataFrame", "value": table}
    if kind.__module__.startswith("kurils.widgets") and kind.__qualname__ in WIDGET_STATE:
        state = {trait: _encode(getattr(value, trait), depth + 1) for trait in WIDGET_STATE[kind.__qualname__]}
        return {"__widget__": kind.__qualname__, "state": state}
    raise Refused(f"is a {kind.__qualname__}, not a plain value")


def _labels(frame) -> list:
    names = [frame.name] if hasattr(frame, "name") and not hasattr(frame, "columns") else list(frame.columns)
    return names + list(frame.index.names)


def export(namespace: dict, names: list[str]) -> str:
    """The JSON text of ``names`` found in ``namespace``: ``{"values": {...}, "refused": {name: reason}}``."""
    values, refused = {}, {}
    for name in names:
        if name not in namespace:
            continue
        try:
            values[name] = _encode(namespace[name])
        except Refused as reason:
            refused[name] = f"`{name}` {reason}"
        except Exception as error:  # a value that breaks while being read is refused too
            refused[name] = f"`{name}` could not be read as plain data ({type(error).__name__})"
    return json.dumps({"values": values, "refused": refused}, allow_nan=False)


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__ellipsis__" in value:
        return Ellipsis
    if "__tuple__" in value:
        return tuple(_decode(v) for v in value["__tuple__"])
    if "__set__" in value:
        return {_decode(v) for v in value["__set__"]}
    if "__dict__" in value:
        return {_decode(k): _decode(v) for k, v in value["__dict__"]}
    if "__float__" in value:
        return float(value["__float__"])
    if "__module__" in value:
        if value["__module__"] not in MODULES:
            raise Refused(f"names the module {value['__module__']}")
        return importlib.import_module(value["__module__"])
    for kind in (datetime.date, datetime.datetime):
        if "__" + kind.__name__ + "__" in value:
            return kind.fromisoformat(value["__" + kind.__name__ + "__"])
    if "__timedelta__" in value:
        import pandas as pd

        return pd.Timedelta(value["__timedelta__"]).to_pytimedelta()
    if "__numpy__" in value:
        import numpy as np

        return np.dtype(value["__numpy__"]).type(_decode(value["value"]))
    if "__ndarray__" in value:
        import numpy as np

        return np.array(_decode(value["value"]), dtype=np.dtype(value["__ndarray__"]))
    if "__pandas__" in value:
        import pandas as pd

        kind = value["__pandas__"]
        if kind in ("Timestamp", "Timedelta"):
            return getattr(pd, kind)(value["value"])
        frame = pd.read_json(io.StringIO(value["value"]), orient="table")
        return frame if kind == "DataFrame" else frame.iloc[:, 0].rename(_decode(value.get("name")))
    if "__widget__" in value:
        return types.SimpleNamespace(**{k: _decode(v) for k, v in value["state"].items()})
    raise Refused("is not in the export's format")


def load(text: str) -> tuple[dict, dict]:
    """The values (rebuilt) and the refusals from :func:`export`'s text; raises ``Refused`` on bad text."""
    if len(text) > MAX_CHARS:
        raise Refused(f"the answers are {len(text):,} characters long (at most {MAX_CHARS:,} are read)")
    try:
        exported = json.loads(text)
        values, refused = exported["values"], exported["refused"]
    except (ValueError, KeyError, TypeError) as error:
        raise Refused(f"the answers could not be read ({type(error).__name__})") from None
    rebuilt = {}
    for name, value in values.items():
        try:
            rebuilt[name] = _decode(value)
        except Exception as error:
            refused[name] = f"`{name}` could not be rebuilt as plain data ({error})"
    return rebuilt, {str(k): str(v) for k, v in refused.items()}


def spec_names(spec: dict) -> set[str]:
    """Every name one otter test file's cases read."""
    return set().union(*(names_used(case["code"]) for case in spec.get("suites", [{}])[0].get("cases", [])), set())


def shown(spec: dict, values: dict, limit: int = 120) -> str:
    """The answer to one question in a line (``order = ['a', 'b']``), for the class report's commonest
    wrong answers; empty when it is long or a table (only short answers repeat across a class)."""
    parts = []
    for name in sorted(spec_names(spec) - {"pd", "np", "data"}):
        value = values.get(name)
        if name.startswith("_") or value is None or value is Ellipsis or isinstance(value, types.ModuleType):
            continue
        if type(value).__name__ in ("DataFrame", "Series", "ndarray", "SimpleNamespace"):
            continue
        parts.append(f"{name} = {value!r}")
    line = "; ".join(parts)
    return line if len(line) <= limit else ""


def run_checks(specs: list[dict], values: dict, refused: dict, tests: list | None = None) -> dict:
    """Run otter test files (hidden cases included) on the rebuilt answers; results by test name.

    Each test file gets its own namespace with only the answers (plus pandas as ``pd``, numpy as
    ``np`` and the course data as ``data``, which the checks use). A test whose names include a
    refused answer fails every case, with the reason. ``tests`` collects otter's test objects.
    """
    import numpy as np
    import pandas as pd
    from otter.test_files.abstract_test import TestCaseResult
    from otter.test_files.ok_test import OKTestFile

    from kurils import data

    results = {}
    for spec in specs:
        test = OKTestFile.from_spec(spec, path=spec["name"])
        bad = [refused[n] for n in sorted(spec_names(spec)) if n in refused]
        if bad:
            reason = f"{checks.REFUSED}{'; '.join(bad)} (answers must be plain values: numbers, text, lists, "
            reason += "dicts, pandas tables)"
            test.test_case_results = [TestCaseResult(case, reason, False) for case in test.test_cases]
        else:
            answers = {k: v if type(v) is types.ModuleType else copy.deepcopy(v) for k, v in values.items()}
            test.run({"pd": pd, "np": np, "data": data, **answers})  # fresh copies: a check cannot change the next
        failed = [[r.test_case.name, r.test_case.hidden, r.message] for r in test.test_case_results if not r.passed]
        results[test.name] = {"score": test.score, "possible": test.possible, "failed": failed}
        results[test.name]["answer"] = shown(spec, values)
        if tests is not None:
            tests.append(test)
    return results
