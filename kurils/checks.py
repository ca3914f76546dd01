"""What a failed check means, in one line a student can use; and the student notebooks' checker.

The reasons are shared by the feedback files of ``kurils grade`` and by ``grader.check("qN")``
in a released notebook, whose ``grader`` is :class:`Notebook`: otter-grader's own, with a
report that lists what each public check checked and, for each that failed, its message in one
line instead of a doctest traceback. A question not answered yet says so once.
"""

from __future__ import annotations

import ast
import builtins
import functools
import inspect
import re

#: What a check's Python error means for the answer, in words a student can use.
ERROR_SENTENCES = {
    "KeyError": "your answer lacks an item or column the question asks for",
    "IndexError": "your answer has fewer items than the question asks for",
    "TypeError": "your answer is not the kind of value the question asks for",
    "AttributeError": "your answer is not the kind of value the question asks for",
    "ValueError": "your answer is not in the form the question asks for (for a pandas object: one value, "
    "a Series or a DataFrame, as asked)",
    "ZeroDivisionError": "your answer leads to a division by zero (is a total 0?)",
}
NOT_ANSWERED = "not answered"
#: The start of the reason for an answer that is not plain data (kurils.grading.answers), kept whole.
REFUSED = "scored 0 because "


def reason(hidden: bool, message: str) -> str:
    """A one-line reason for a failed check, without a hidden test's code or raw error text.

    A check's own message (``assert ..., "message"``) is kept; any other error is said as a sentence.
    """
    if (message or "").startswith(REFUSED):
        return message
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    error = next((line for line in reversed(lines) if re.match(r"^[A-Za-z_.]*(Error|Exception)\b", line)), "")
    kind = "a hidden check" if hidden else "a public check"
    ename, _, text = error.partition(":")
    ename, text = ename.rsplit(".", 1)[-1], text.strip()
    if ename == "NameError" or "'ellipsis'" in text:  # no variable, or still the `...` placeholder
        missing = re.search(r"name '(\w+)' is not defined", text)
        return NOT_ANSWERED + (f" ({missing[1]} is not defined: did you run its cell?)" if missing else "")
    if ename == "AssertionError" and text:
        return f"{kind} failed: {text[:300]}"
    if ename in ERROR_SENTENCES:
        return f"{kind} could not use your answer: {ERROR_SENTENCES[ename]}"
    return f"{kind} failed"


def reasons(failed: list[tuple[bool, str]]) -> list[str]:
    """The reasons for a question's failed checks, each said once; "not answered" replaces the rest."""
    said = [reason(hidden, message) for hidden, message in failed]
    blank = [r for r in said if r.startswith(NOT_ANSWERED)]
    return blank[:1] if blank else list(dict.fromkeys(said))


def checked(code: str) -> list[str]:
    """What a test case checks: the messages of its ``assert`` statements (doctest prompts removed)."""
    source = "\n".join(line[4:] for line in code.splitlines() if line.startswith((">>> ", "... ")))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [
        node.msg.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert) and isinstance(node.msg, ast.Constant) and isinstance(node.msg.value, str)
    ]


class Report:
    """The result of ``grader.check("qN")``: what was checked, and each failure in one line."""

    def __init__(self, result, blank: str = "") -> None:
        self.result = result
        self.name = result.name
        self.passed = [r for r in result.test_case_results if r.passed]
        self.failed = [r for r in result.test_case_results if not r.passed]
        self.blank = blank  # an answer still left as the notebook's `...`

    @property
    def passed_all(self) -> bool:
        return not self.failed

    def lines(self) -> list[str]:
        said = reasons([(False, r.message) for r in self.failed])
        if self.failed and self.blank:
            verb = "are" if "," in self.blank else "is"
            return [f"{self.name}: {NOT_ANSWERED} yet ({self.blank} {verb} still ...)."]
        if said and said[0].startswith(NOT_ANSWERED):
            return [f"{self.name}: {NOT_ANSWERED} yet{said[0][len(NOT_ANSWERED) :]}."]
        what = [m for r in self.passed for m in checked(str(r.test_case.body))]
        if not self.failed:
            head = f"{self.name}: the public checks passed. They checked only that:"
            tail = "Whether the answer is right is checked when your teacher grades the notebook."
            return [head, *[f"  ✓ {m}" for m in what], tail]
        lines = [f"{self.name}: {len(self.failed)} of {len(self.failed) + len(self.passed)} public checks failed:"]
        lines += [f"  ✗ {r.removeprefix('a public check failed: ')}" for r in said]
        return lines + [f"  ✓ {m}" for m in what]

    def __repr__(self) -> str:
        return "\n".join(self.lines())


def names_used(code: str) -> set[str]:
    """The names a check's code reads without defining them (doctest prompts or plain Python)."""
    lines = code.splitlines()
    if any(line.lstrip().startswith(">>> ") for line in lines):
        code = "\n".join(line.lstrip()[4:] for line in lines if line.lstrip().startswith((">>> ", "... ")))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args + n.kwonlyargs}
    bound |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    imports = [a for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names]
    bound |= {(a.asname or a.name).split(".")[0] for a in imports}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return {n for n in used - bound if not hasattr(builtins, n)}


@functools.cache
def _notebook_class() -> type:
    import otter  # slow to import: only the student notebooks need it

    class Notebook(otter.Notebook):
        """otter's ``grader``, reporting each check as :class:`Report` does."""

        def check(self, question: str, global_env: dict | None = None) -> Report:
            if global_env is None:
                global_env = inspect.currentframe().f_back.f_globals  # type: ignore[union-attr]
            result = super().check(question, global_env)
            used = set().union(*(names_used(str(case.body)) for case in result.test_cases))
            blank = sorted(n for n in used if global_env.get(n, None) is Ellipsis)
            return Report(result, ", ".join(blank))

    return Notebook


def __getattr__(name: str) -> type:
    if name == "Notebook":  # ``checks.Notebook``, built when a notebook first asks for it
        return _notebook_class()
    raise AttributeError(name)
