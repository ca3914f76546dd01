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
import os
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
    return assert_messages("\n".join(line[4:] for line in code.splitlines() if line.startswith((">>> ", "... "))))


def assert_messages(source: str) -> list[str]:
    """The messages of the ``assert`` statements in Python ``source``, in order (none if it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [
        node.msg.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert) and isinstance(node.msg, ast.Constant) and isinstance(node.msg.value, str)
    ]


#: The report's own sentences in the hand-outs' other languages (``kurils release --language``); the checks'
#: messages are translated by the kernel catalogues ``locales/LANG/kernel/checks/chNN.po``.
SENTENCES = {
    "ja": {
        "a public check failed: {message}": "公開チェックに通りませんでした：{message}",
        "a hidden check failed: {message}": "非公開チェックに通りませんでした：{message}",
        "a hidden check failed": "非公開チェックに通りませんでした",
        "a hidden check could not use your answer: {why}": "非公開チェックが解答を使えませんでした：{why}",
        "not answered": "未解答",
        "not answered ({missing} is not defined: did you run its cell?)": (
            "未解答（{missing} が定義されていません。そのセルを実行しましたか）"
        ),
        "# Feedback for {student}: {assignment}": "# {student} さんへのフィードバック：{assignment}",
        "Status: {status}": "状態：{status}",
        "graded": "採点済み",
        "Score: {total} / {out_of}": "得点：{total} / {out_of}",
        "Score so far: {total} / {out_of} ({pending} points still to be marked by hand)": (
            "現在の得点：{total} / {out_of}（手採点の {pending} 点はまだ採点されていません）"
        ),
        "by hand": "手採点",
        "full marks": "満点",
        "graded by hand by your teacher": "先生が手で採点します",
        "graded by hand by your teacher. {rubric}": "先生が手で採点します。{rubric}",
        "marked by hand": "先生が採点しました",
        "marked by hand: {comment}": "先生が採点しました：{comment}",
        "{name}: not answered yet ({blank} is still ...).": (
            "{name}：まだ解答されていません（{blank} が ... のままです）。"
        ),
        "{name}: not answered yet ({blank} are still ...).": (
            "{name}：まだ解答されていません（{blank} が ... のままです）。"
        ),
        "{name}: not answered yet.": "{name}：まだ解答されていません。",
        "{name}: not answered yet ({missing} is not defined: did you run its cell?).": (
            "{name}：まだ解答されていません（{missing} が定義されていません。そのセルを実行しましたか）。"
        ),
        "{name}: the public checks passed. They checked only that:": (
            "{name}：公開チェックに通りました。確かめたのは次の点だけです。"
        ),
        "Whether the answer is right is checked when your teacher grades the notebook.": (
            "解答が正しいかどうかは、先生がノートブックを採点するときに確かめられます。"
        ),
        "{name}: {failed} of {total} public checks failed:": (
            "{name}：公開チェック {total} 件のうち {failed} 件に通りませんでした。"
        ),
        "a public check failed": "公開チェックに通りませんでした",
        "a public check could not use your answer: {why}": "公開チェックが解答を使えませんでした：{why}",
        **{
            ERROR_SENTENCES["KeyError"]: "問題が求める項目または列が解答にありません",
            ERROR_SENTENCES["IndexError"]: "解答の項目数が、問題が求める数より少なくなっています",
            ERROR_SENTENCES["TypeError"]: "解答が、問題が求める種類の値ではありません",
            ERROR_SENTENCES["ValueError"]: (
                "解答が、問題が求める形になっていません（pandas のオブジェクトなら、求められたとおり一つの値、"
                "Series、DataFrame のどれか）"
            ),
            ERROR_SENTENCES["ZeroDivisionError"]: "解答を使うとゼロで割ることになります（合計が 0 ではありませんか）",
        },
    },
    "ru": {
        "a public check failed: {message}": "открытая проверка не пройдена: {message}",
        "a hidden check failed: {message}": "скрытая проверка не пройдена: {message}",
        "a hidden check failed": "скрытая проверка не пройдена",
        "a hidden check could not use your answer: {why}": "скрытая проверка не смогла использовать ваш ответ: {why}",
        "not answered": "ответа нет",
        "not answered ({missing} is not defined: did you run its cell?)": (
            "ответа нет (переменная {missing} не определена: вы выполнили её ячейку?)"
        ),
        "# Feedback for {student}: {assignment}": "# Отзыв для: {student}, {assignment}",
        "Status: {status}": "Статус: {status}",
        "graded": "оценено",
        "Score: {total} / {out_of}": "Баллы: {total} из {out_of}",
        "Score so far: {total} / {out_of} ({pending} points still to be marked by hand)": (
            "Баллы пока: {total} из {out_of} (ещё {pending} б. преподаватель оценит вручную)"
        ),
        "by hand": "вручную",
        "full marks": "полный балл",
        "graded by hand by your teacher": "оценивает преподаватель вручную",
        "graded by hand by your teacher. {rubric}": "оценивает преподаватель вручную. {rubric}",
        "marked by hand": "оценено преподавателем",
        "marked by hand: {comment}": "оценено преподавателем: {comment}",
        "{name}: not answered yet ({blank} is still ...).": "{name}: ответа ещё нет ({blank} — всё ещё ...).",
        "{name}: not answered yet ({blank} are still ...).": "{name}: ответа ещё нет ({blank} — всё ещё ...).",
        "{name}: not answered yet.": "{name}: ответа ещё нет.",
        "{name}: not answered yet ({missing} is not defined: did you run its cell?).": (
            "{name}: ответа ещё нет (переменная {missing} не определена: вы выполнили её ячейку?)."
        ),
        "{name}: the public checks passed. They checked only that:": (
            "{name}: открытые проверки пройдены. Они проверили только следующее:"
        ),
        "Whether the answer is right is checked when your teacher grades the notebook.": (
            "Верен ли ответ, проверяется, когда преподаватель оценивает блокнот."
        ),
        "{name}: {failed} of {total} public checks failed:": (
            "{name}: не пройдено открытых проверок: {failed} из {total}."
        ),
        "a public check failed": "открытая проверка не пройдена",
        "a public check could not use your answer: {why}": "открытая проверка не смогла использовать ваш ответ: {why}",
        **{
            ERROR_SENTENCES["KeyError"]: "в ответе нет элемента или столбца, которого требует задание",
            ERROR_SENTENCES["IndexError"]: "в ответе меньше элементов, чем требует задание",
            ERROR_SENTENCES["TypeError"]: "ответ — значение не того вида, которого требует задание",
            ERROR_SENTENCES["ValueError"]: (
                "ответ не в той форме, которой требует задание (для объекта pandas: одно значение, Series или "
                "DataFrame, как сказано в задании)"
            ),
            ERROR_SENTENCES["ZeroDivisionError"]: "с вашим ответом получается деление на ноль (не равна ли сумма 0?)",
        },
    },
}
SENTENCES["ja"][ERROR_SENTENCES["AttributeError"]] = SENTENCES["ja"][ERROR_SENTENCES["TypeError"]]
SENTENCES["ru"][ERROR_SENTENCES["AttributeError"]] = SENTENCES["ru"][ERROR_SENTENCES["TypeError"]]


def say(language: str, sentence: str, **slots: str) -> str:
    """``sentence`` (one of :data:`SENTENCES`' keys, or a check's message) in ``language``, slots filled."""
    return SENTENCES.get(language, {}).get(sentence, sentence).format(**slots)


class Report:
    """The result of ``grader.check("qN")``: what was checked, and each failure in one line."""

    def __init__(self, result, blank: str = "", language: str = "en") -> None:
        self.result = result
        self.language = language
        self.messages = check_messages(language)  # the checks' own messages, in ``language``
        self.name = result.name
        self.passed = [r for r in result.test_case_results if r.passed]
        self.failed = [r for r in result.test_case_results if not r.passed]
        self.blank = blank  # an answer still left as the notebook's `...`

    @property
    def passed_all(self) -> bool:
        return not self.failed

    def lines(self) -> list[str]:
        def say_(sentence: str, **slots: str) -> str:
            return say(self.language, sentence, **slots)

        said = reasons([(False, r.message) for r in self.failed])
        if self.failed and self.blank:
            verb = "are" if "," in self.blank else "is"
            return [say_(f"{{name}}: not answered yet ({{blank}} {verb} still ...).", name=self.name, blank=self.blank)]
        if said and said[0].startswith(NOT_ANSWERED):
            missing = re.search(r"\((\w+) is not defined", said[0])
            if missing:
                sentence = "{name}: not answered yet ({missing} is not defined: did you run its cell?)."
                return [say_(sentence, name=self.name, missing=missing[1])]
            return [say_("{name}: not answered yet.", name=self.name)]
        what = [self.messages.get(m, m) for r in self.passed for m in checked(str(r.test_case.body))]
        if not self.failed:
            head = say_("{name}: the public checks passed. They checked only that:", name=self.name)
            tail = say_("Whether the answer is right is checked when your teacher grades the notebook.")
            return [head, *[f"  ✓ {m}" for m in what], tail]
        total = str(len(self.failed) + len(self.passed))
        lines = [
            say_(
                "{name}: {failed} of {total} public checks failed:",
                name=self.name,
                failed=str(len(self.failed)),
                total=total,
            )
        ]
        lines += [f"  ✗ {self.failure(r)}" for r in said]
        return lines + [f"  ✓ {m}" for m in what]

    def failure(self, said: str) -> str:
        """One failed check's reason (from :func:`reason`) in the report's language: a failed check by its
        message alone, any other reason as :func:`said_in` words it."""
        failed = "a public check failed: "
        if said.startswith(failed):
            message = said.removeprefix(failed)
            return self.messages.get(message, message)
        return said_in(self.language, said, self.messages)

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


def check_messages(language: str, hidden: bool = False) -> dict[str, str]:
    """English -> ``language`` for the public checks' messages of every exercise (locales/LANG/kernel/checks),
    and with ``hidden`` the hidden checks' too (``checks-hidden``: in a clone of the course, not in the wheel)."""
    if language == "en":
        return {}
    from kurils import i18n

    words: dict[str, str] = {}
    for folder in ("checks-hidden", "checks") if hidden else ("checks",):  # a public message's own wins
        for path in sorted(i18n.kernel_catalogue(language, f"{folder}/x", i18n.kernel_locales()).parent.glob("*.po")):
            words |= i18n.kernel_translations(language, f"{folder}/{path.stem}")
    return words


def said_in(language: str, reason: str, messages: dict[str, str]) -> str:
    """A reason from :func:`reason` in ``language``, its check's message from ``messages`` (English -> the
    language: :func:`check_messages`); a reason of another kind (an answer refused) stays as it is."""
    if language == "en":
        return reason
    for kind in ("public", "hidden"):
        failed, unusable = f"a {kind} check failed: ", f"a {kind} check could not use your answer: "
        if reason.startswith(failed):
            message = reason.removeprefix(failed)
            return say(language, failed + "{message}", message=messages.get(message, message))
        if reason.startswith(unusable):
            return say(language, unusable + "{why}", why=say(language, reason.removeprefix(unusable)))
        if reason == f"a {kind} check failed":
            return say(language, reason)
    missing = re.fullmatch(rf"{NOT_ANSWERED} \((\w+) is not defined: did you run its cell\?\)", reason)
    if missing:
        return say(language, "not answered ({missing} is not defined: did you run its cell?)", missing=missing[1])
    return say(language, reason) if reason == NOT_ANSWERED else reason


#: The language a released notebook was handed out in: its otter cell's ``checks.Notebook(..., language="ja")``.
LANGUAGE_ARGUMENT = re.compile(r"checks\.Notebook\(.*\blanguage=[\"'](\w+)[\"']")


def notebook_language(notebook: dict) -> str:
    """The language of a submitted notebook (a dict as read from its JSON): ``ja`` or ``ru`` when it was
    released with ``kurils release --language``, else ``en``."""
    for cell in notebook.get("cells", []) if isinstance(notebook, dict) else []:
        source = cell.get("source", "")
        found = LANGUAGE_ARGUMENT.search("".join(source) if isinstance(source, list) else str(source))
        if cell.get("cell_type") == "code" and found and found[1] in SENTENCES:
            return found[1]
    return "en"


@functools.cache
def _notebook_class() -> type:
    import otter  # slow to import: only the student notebooks need it

    class Notebook(otter.Notebook):
        """otter's ``grader``, reporting each check as :class:`Report` does."""

        def __init__(self, *args, language: str = "en", **kwargs) -> None:
            """otter's ``Notebook``; with ``language`` (a translated hand-out), its reports and the outputs
            of the cells run after it (figures, self-checks) are in that language."""
            from kurils import i18n

            if language not in i18n.LANGUAGES:
                raise ValueError(f"language={language!r} is not one of the course's: {', '.join(i18n.LANGUAGES)}")
            super().__init__(*args, **kwargs)
            self.language = language
            if language != "en":
                os.environ["KURILS_LANGUAGE"] = language  # kurils.i18n.output_languages

        def check(self, question: str, global_env: dict | None = None) -> Report:
            if global_env is None:
                global_env = inspect.currentframe().f_back.f_globals  # type: ignore[union-attr]
            result = super().check(question, global_env)
            used = set().union(*(names_used(str(case.body)) for case in result.test_cases))
            blank = sorted(n for n in used if global_env.get(n, None) is Ellipsis)
            return Report(result, ", ".join(blank), self.language)

    return Notebook


def __getattr__(name: str) -> type:
    if name == "Notebook":  # ``checks.Notebook``, built when a notebook first asks for it
        return _notebook_class()
    raise AttributeError(name)
