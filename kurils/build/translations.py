"""The course in Japanese and Russian from one English source: gettext catalogues (issue 19).

The build side of the translations (the catalogues a kernel reads are :mod:`kurils.i18n`):


- ``locales/LANG/LC_MESSAGES/PAGE.po`` hold the translations, one catalogue per page of the book.
  ``kurils translations`` refreshes them from the English pages (Sphinx's gettext builder, then
  sphinx-intl): a new paragraph arrives untranslated, an edited one is marked fuzzy, so a translation
  cannot drift silently from the English.
- Translators keep every role and link of a message: the same citations (``{footcite:p}`keys```),
  the same page and section references, the same inline code and link addresses. A glossary term's
  target (``{term}`shown text <Target>```) stays the English term; the build maps it to that
  language's glossary entry (:func:`write_build_catalogues`), because Sphinx registers a translated
  glossary term under its translation. :func:`check` names every message that breaks a rule.
- ``kurils site`` builds the English site at ``/`` and each language at ``/LANG/`` from the same
  sources, with the one execution cache, so each notebook runs once for all three.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kurils import course, i18n
from kurils.build import book
from kurils.course import BUILD, ROOT
from kurils.i18n import (
    LANGUAGES,
    QUIZ_TEXT,
    TRANSLATIONS,
    blocks,
    kernel_catalogue,
    messages,
    read,
)

#: The English pages as gettext templates (.pot), written by :func:`extract`.
POT = BUILD / "gettext"


def site_languages() -> list[str]:
    """The languages ``kurils site`` builds: all, or those ``$KURILS_LANGUAGES`` lists (``en`` alone: the bench)."""
    chosen = [code.strip() for code in os.environ.get("KURILS_LANGUAGES", "").split(",") if code.strip()]
    unknown = [code for code in chosen if code not in LANGUAGES]
    if unknown or (chosen and "en" not in chosen):
        raise SystemExit(f"KURILS_LANGUAGES={','.join(chosen)}: list some of {', '.join(LANGUAGES)}, English included")
    return chosen or list(LANGUAGES)


#: The switcher's labels on a phone, where the header has room for about three short words.
SHORT = {"en": "EN", "ja": "日本語", "ru": "RU"}

#: The site's own words that are not in a page or the theme's catalogues (set by kurils.build.sphinx_ext).
UI = {
    "en": {
        "languages": "Languages",
        "search": "Search this course…",
        "show_code": "Show the code",
        "hide_code": "Hide the code",
        "starts": "The course starts at",
        "not_found": "Page not found",
        "not_found_body": "There is no page at this address: it may have moved, or the link has a typing mistake. "
        'Start again from <a href="intro.html">the course\'s first page</a>, '
        'or <a href="search.html">search the course</a>.',
    },
    "ja": {
        "languages": "言語",
        "search": "このコースを検索…",
        "show_code": "コードを表示",
        "hide_code": "コードを隠す",
        "starts": "コースの最初のページ：",
        "not_found": "ページが見つかりません",
        "not_found_body": "このアドレスにページはありません。移動したか、リンクのつづりが違っている可能性があります。"
        '<a href="intro.html">コースの最初のページ</a>に戻るか、<a href="search.html">コース内を検索</a>してください。',
    },
    "ru": {
        "languages": "Языки",
        "search": "Поиск по курсу…",
        "show_code": "Показать код",
        "hide_code": "Скрыть код",
        "starts": "Курс начинается здесь:",
        "not_found": "Страница не найдена",
        "not_found_body": "По этому адресу страницы нет: возможно, она перенесена или в ссылке опечатка. "
        'Начните с <a href="intro.html">первой страницы курса</a> '
        'или <a href="search.html">воспользуйтесь поиском</a>.',
    },
}


NUMBERED = re.compile(r"^(\d+)\. ")
ROLE = re.compile(r"\{([a-z][a-z:-]*)\}`([^`]*)`")
CODE = re.compile(r"(?<![}`])`([^`]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
#: A widget word's slot, filled in by its script: "{n} events" (kurils/widgets/words.js).
PLACEHOLDER = re.compile(r"(?<![{$\\])\{([a-z]\w*)\}(?!`)")


def _target(content: str) -> str:
    """The target of a role's content: ``text <target>`` or the whole content."""
    match = re.search(r"<([^<>]+)>\s*$", content)
    return (match.group(1) if match else content).strip()


def _derived_config(path: Path, run: bool = True, **sphinx: object) -> Path:
    """Write the book's _config.yml with Sphinx settings added (for the gettext and language builds), using
    the English build's execution cache, or (``run=False``) running no notebook."""
    import yaml

    config = course.config()
    config.setdefault("sphinx", {}).setdefault("config", {}).update(sphinx)
    config["execute"] = {**config.get("execute", {}), "cache": str(book.CACHE)}
    if not run:
        config["execute"]["execute_notebooks"] = "off"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def extract(out: Path = POT) -> Path:
    """Write the English pages' messages as .pot files to ``out`` (no notebook is run)."""
    work = out.parent / f"{out.name}-work"
    config = _derived_config(
        work / "_config.yml", run=False, gettext_compact=False, gettext_uuid=False, gettext_location=False
    )
    result = book.jupyter_book(
        "--config", str(config), "--path-output", str(work), "--builder", "custom", "--custom-builder", "gettext", "-q"
    )
    if result.returncode != 0:
        raise SystemExit("the English pages' messages could not be extracted (see the errors above)")
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(work / "_build" / "gettext", out)
    (out / "sphinx.pot").unlink(missing_ok=True)  # the theme's own strings come with the theme
    return out


def stale(language: str, pot: Path) -> dict[str, list[str]]:
    """Page -> the English messages of ``pot`` (fresh from :func:`extract`) its catalogue lacks."""
    have = {
        page: {m.id for m in messages(read(path))} for page, path in catalogue_files(language, kernel=False).items()
    }
    missing = {}
    for template in sorted(pot.rglob("*.pot")):
        page = str(template.relative_to(pot).with_suffix(""))
        lacking = [m.id for m in messages(read(template)) if m.id not in have.get(page, set())]
        if lacking:
            missing[page] = lacking
    for name, strings in kernel_templates().items():
        path = kernel_catalogue(language, name)
        known = {m.id for m in messages(read(path))} if path.exists() else set()
        lacking = [text for text in strings if text not in known]
        if lacking:
            missing[f"kernel/{name}"] = lacking
    return missing


def update(languages: list[str] | None = None) -> dict:
    """Refresh every language's catalogues from the English pages (new text untranslated, changed text fuzzy)."""
    from sphinx_intl import basic

    pot = extract()
    update_kernel(languages)
    return basic.update(str(i18n.LOCALES), str(pot), tuple(languages or TRANSLATIONS), line_width=0)


def catalogue_files(language: str, kernel: bool = True) -> dict[str, Path]:
    """Page name (``chapters/01-islands``) -> its catalogue in ``language``; with ``kernel``, also the
    catalogues of what the chapters' code shows (``kernel/quizzes/ch01``: see :func:`update_kernel`)."""
    files = {}
    locales = i18n.LOCALES / language
    for folder, prefix in [(locales / "LC_MESSAGES", ""), (locales / "kernel", "kernel/")]:
        if prefix and not kernel:
            continue
        for path in sorted(folder.rglob("*.po")):
            files[prefix + str(path.relative_to(folder).with_suffix(""))] = path
    return files


#: A fixed date in the kernel catalogues' headers, so that refreshing an unchanged catalogue leaves it unchanged.
STAMP = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


def quiz_strings(item) -> list[str]:
    """Every text a reader sees in a chapter's questions, in order, once each."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in QUIZ_TEXT and isinstance(value, str) and value.strip():
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(item)
    return list(dict.fromkeys(found))


def kernel_templates() -> dict[str, list[str]]:
    """Catalogue name -> its English messages, for the text that is not in a page: what the chapters' code
    shows (the self-checks, ``quizzes/chNN``) and the exercise notebooks' text (``exercises/chNN``)."""
    import json

    from kurils.selfcheck import QUIZ_DIR

    templates = {
        f"quizzes/{path.stem}": quiz_strings(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(QUIZ_DIR.glob("*.json"))
    }
    from kurils.widgets import comparer, island_map, scenario_explorer, summits, timeline

    templates["labels"] = island_map.texts()
    from kurils.grading.release import STUDENT_README

    templates["handout"] = blocks(STUDENT_README)
    templates["widgets/words"] = widget_words()
    widgets = {"timeline": timeline, "summits": summits, "scenarios": scenario_explorer, "comparer": comparer}
    templates |= {f"widgets/{name}": module.texts() for name, module in widgets.items()}
    from kurils import figures
    from kurils.grading import masters

    elsewhere = {text for name in figures.CATALOGUES if name in templates for text in templates[name]}
    templates["figures"] = [text for text in figures.texts() if text not in elsewhere]
    for path in sorted((ROOT / "exercises").glob("*/*.md")):
        if path.stem == path.parent.name:
            templates[f"exercises/{path.stem}"] = exercise_blocks(path)
            templates[f"checks/{path.stem}"] = masters.check_messages(path)  # what grader.check says
            # What only the feedback of `kurils grade` says: kept out of the wheel a student installs.
            templates[f"checks-hidden/{path.stem}"] = masters.check_messages(path, hidden=True)
    return templates


#: A widget script's words: the literal of each ``tr("...")`` call (kurils/widgets/words.js).
WIDGET_WORD = re.compile(r'\btr\("((?:[^"\\]|\\.)*)"')


def widget_words() -> list[str]:
    """The data widgets' own words, in the order their scripts use them (the catalogue ``widgets/words``)."""
    import json

    scripts = [
        path.read_text(encoding="utf-8")
        for path in sorted((Path(__file__).resolve().parents[1] / "widgets").glob("*.js"))
    ]
    found = [json.loads(f'"{word}"') for script in scripts for word in WIDGET_WORD.findall(script)]
    return list(dict.fromkeys(found))


def exercise_blocks(master: Path) -> list[str]:
    """The text of an exercise master's Markdown cells, paragraph by paragraph (code and otter's cells stay)."""
    from kurils.grading import masters

    found = [
        block for cell in masters.read(master).cells if cell.cell_type == "markdown" for block in blocks(cell.source)
    ]
    return list(dict.fromkeys(found))


def update_kernel(languages: list[str] | None = None) -> None:
    """Refresh the kernel catalogues (locales/LANG/kernel/) from the English, as sphinx-intl does for pages:
    new text untranslated, changed text fuzzy (babel's Catalog.update), removed text dropped."""
    from babel.messages.catalog import Catalog

    for name, strings in kernel_templates().items():
        template = Catalog(locale=None, fuzzy=False, creation_date=STAMP)
        for text in strings:
            template.add(text)
        for language in languages or TRANSLATIONS:
            path = kernel_catalogue(language, name)
            catalogue = read(path) if path.exists() else Catalog(locale=language, fuzzy=False, creation_date=STAMP)
            previous = {m.id: m.previous_id for m in messages(catalogue) if m.fuzzy and m.previous_id}
            catalogue.update(template, no_fuzzy_matching=False)
            for message in messages(catalogue):  # babel forgets the old English of a message still fuzzy
                if message.fuzzy and not message.previous_id and message.id in previous:
                    message.previous_id = previous[message.id]
            catalogue.obsolete.clear()
            write(catalogue, path)


def write(catalogue, path: Path) -> None:
    """Write a catalogue, only when it changed: Sphinx re-reads the pages whose catalogue is newer."""
    import io

    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=0, include_previous=True)
    if not path.exists() or path.read_bytes() != buffer.getvalue():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue())


@dataclass
class Progress:
    page: str
    total: int
    translated: int
    fuzzy: int

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def progress(language: str) -> list[Progress]:
    """How much of each page is translated (fuzzy messages do not count as translated)."""
    rows = []
    for page, path in catalogue_files(language).items():
        entries = messages(read(path))
        fuzzy = sum(1 for message in entries if message.fuzzy)
        done = sum(1 for message in entries if message.string and not message.fuzzy)
        rows.append(Progress(page, len(entries), done, fuzzy))
    return rows


#: What a check's message names in code and a translation keeps as it is: a quoted value ('etorofu'), a
#: variable with an underscore (quote_source), True, False or None, an attribute (.days).
CODE_WORD = re.compile(r"(?<!\w)'[^']*'(?!\w)|\b[A-Za-z]\w*_\w*\b|\b(?:True|False|None)\b|(?<=\s)\.\w+")


def problems(english: str, translation: str, code: bool = False) -> list[str]:
    """What a translation changed that it must keep: citations, references, term targets, code, links; with
    ``code``, also the names and values of the student's code that a check's message mentions (:data:`CODE_WORD`)."""
    found = []
    lost = [word for word in CODE_WORD.findall(english) if word not in translation] if code else []
    if lost:
        found.append(f"code words differ (keep {', '.join(lost)} as they are)")

    def roles(text: str) -> Counter:
        return Counter(
            (name, content if name.startswith("footcite") else _target(content)) for name, content in ROLE.findall(text)
        )

    before, after = roles(english), roles(translation)
    if before != after:
        lost = before - after
        added = after - before
        found.append(
            "roles differ: "
            + ", ".join(
                [f"missing {{{n}}}`{c}`" for n, c in lost.elements()]
                + [f"unexpected {{{n}}}`{c}`" for n, c in added.elements()]
            )
        )
    stripped = ROLE.sub("", english), ROLE.sub("", translation)
    if Counter(CODE.findall(stripped[0])) != Counter(CODE.findall(stripped[1])):
        found.append("inline code differs (keep every `code` span as it is)")
    if Counter(LINK.findall(english)) != Counter(LINK.findall(translation)):
        found.append("link addresses differ (keep every ](address) as it is)")
    if Counter(FOOTNOTE.findall(english)) != Counter(FOOTNOTE.findall(translation)):
        found.append("footnote markers differ")
    if english.count("**") != translation.count("**"):
        found.append("bold markers (**) differ in number")
    if set(PLACEHOLDER.findall(stripped[0])) != set(PLACEHOLDER.findall(stripped[1])):
        found.append("{name} placeholders differ (a widget fills them in: keep each one, untranslated)")
    if english.strip().endswith(":") and not translation.strip().endswith((":", "：")):
        found.append("the English ends with ':' (a list or quotation follows); keep it")
    return found


def check(language: str) -> list[str]:
    """Every translated message that breaks a rule, as 'page: message start: problem'."""
    report = []
    for page, path in catalogue_files(language).items():
        for message in messages(read(path)):
            if message.string:
                # The exercise checks' messages name the student's code.
                for problem in problems(
                    message.id, message.string, code=page.startswith(("kernel/checks/", "kernel/checks-hidden/"))
                ):
                    report.append(f"{page}: {message.id[:60]!r}: {problem}")
    return report


def glossary_terms(language: str) -> dict[str, str]:
    """English glossary term (lower case) -> the term in ``language``'s glossary catalogue."""
    path = catalogue_files(language).get("glossary")
    if path is None:
        return {}
    terms = {}
    source = (ROOT / "glossary.md").read_text(encoding="utf-8")
    block = re.search(r"^(:::|```)\{glossary\}\n(.*?)\n\1\s*$", source, re.S | re.M)
    if block is None:
        raise SystemExit("glossary.md has no {glossary} block: the translated term links cannot be mapped")
    english = {line.strip() for line in block.group(2).splitlines() if line.strip() and not line[0].isspace()}
    for message in messages(read(path)):
        if message.id in english and message.string and not message.fuzzy:
            terms[message.id.lower()] = message.string
    return terms


def write_build_catalogues(language: str) -> Path:
    """The catalogues Sphinx reads, under _build/locales: term targets mapped to this language's glossary."""
    terms = glossary_terms(language)
    out = BUILD / "locales"
    folder = out / language / "LC_MESSAGES"

    def retarget(match: re.Match) -> str:
        name, content = match.groups()
        if name != "term":
            return match.group(0)
        target = _target(content)
        translated = terms.get(target.lower())
        if translated is None:
            return match.group(0)
        shown = content[: content.rfind("<")].strip() if "<" in content else content
        return f"{{term}}`{shown} <{translated}>`"

    for page, path in catalogue_files(language, kernel=False).items():
        catalogue = read(path)
        for message in messages(catalogue):
            if message.string:
                message.string = ROLE.sub(retarget, message.string)
                if NUMBERED.match(message.id):  # "7. Title": a heading, not a numbered list when re-parsed
                    message.string = NUMBERED.sub(r"\1\\. ", message.string, count=1)
        write(catalogue, folder / f"{page}.po")
    pages = {folder / f"{page}.po" for page in catalogue_files(language, kernel=False)}
    for stale in set(folder.rglob("*.po")) - pages:
        stale.unlink()
    return out


def build(
    language: str,
    extra: Path | None,
    strict: bool = True,
    all_pages: bool = False,
    builder: str = "html",
    together: bool = False,
) -> Path:
    """Build the site in ``language`` into _build/i18n/LANG/_build/BUILDER (the English build's execution
    cache), serving the files in ``extra`` as they are (its downloads: the exercise notebooks in its language).
    The ``singlehtml`` builder makes the one page that ``kurils pdf`` prints. ``together``: other editions
    are building at the same time, so Sphinx's output is printed in one piece when this build ends."""
    out = write_build_catalogues(language)
    work = BUILD / "i18n" / language
    config = _derived_config(
        work / "_config.yml",
        language=language,
        locale_dirs=[str(out)],
        gettext_compact=False,
        gettext_uuid=False,
        **({"html_extra_path": [str(extra)]} if extra else {}),
    )
    result = book.jupyter_book(
        "--config",
        str(config),
        "--path-output",
        str(work),
        *(["-nW", "--keep-going"] if strict else []),
        *(["--all"] if all_pages else []),
        *(["--builder", builder] if builder != "html" else []),
        capture=together,
    )
    if together:
        print(f"--- the {LANGUAGES[language]} edition ---\n{result.stdout}", end="", flush=True)
    if result.returncode != 0:
        raise SystemExit(f"the {LANGUAGES[language]} site did not build cleanly (exit {result.returncode}); see above.")
    return work / "_build" / builder


def todo(language: str, page: str) -> dict[str, str]:
    """The messages of ``page`` still to translate (empty or fuzzy), numbered by their place in the catalogue."""
    entries = messages(read(_catalogue(language, page)))
    return {str(number): message.id for number, message in enumerate(entries) if not message.string or message.fuzzy}


def fill(language: str, page: str, translations: dict[str, str]) -> list[str]:
    """Put translations (number or English text -> translation) into ``page``'s catalogue; return the problems found.

    Every translation is kept, even one with a problem, so that no work is lost; :func:`check` lists what is left.
    """
    path = _catalogue(language, page)
    catalogue = read(path)
    entries = messages(catalogue)
    by_text = {message.id: message for message in entries}
    found = []
    for key, text in translations.items():
        message = entries[int(key)] if key.isdigit() and int(key) < len(entries) else by_text.get(key)
        if message is None:
            found.append(f"{key[:60]!r}: no such message in {page}")
            continue
        message.string = text
        message.flags.discard("fuzzy")
        message.previous_id = []
        found += [f"{key}: {problem}" for problem in problems(message.id, text)]
    write(catalogue, path)
    return found


def _catalogue(language: str, page: str) -> Path:
    files = catalogue_files(language)
    if page not in files:
        raise SystemExit(f"no {language!r} catalogue for page {page!r}; pages: {', '.join(files)}")
    return files[page]


def main(argv: list[str]) -> None:
    """`kurils translations [update | status | check LANG | todo LANG PAGE | fill LANG PAGE FILE.json]`."""
    import json

    command, *rest = argv or ["status"]
    if command == "update":
        print(update())
    if command in ("update", "status"):
        for language in TRANSLATIONS:
            rows = progress(language)
            total = sum(row.total for row in rows)
            done = sum(row.translated for row in rows)
            print(f"{LANGUAGES[language]} ({language}): {done}/{total} messages, {100 * done / max(total, 1):.0f}%")
            for row in rows:
                print(f"  {row.page:<48} {row.percent:5.1f}%  ({row.translated}/{row.total}, {row.fuzzy} fuzzy)")
    elif command == "check":
        found = [line for language in (rest or TRANSLATIONS) for line in check(language)]
        print("\n".join(found) or "no problems found")
        raise SystemExit(1 if found else 0)
    elif command == "todo":
        print(json.dumps(todo(rest[0], rest[1]), ensure_ascii=False, indent=1))
    elif command == "fill":
        found = fill(rest[0], rest[1], json.loads(Path(rest[2]).read_text(encoding="utf-8")))
        print("\n".join(found) or "filled; no problems found")
    else:
        raise SystemExit(f"unknown translations command {command!r}")
