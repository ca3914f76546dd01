"""The course's languages where a student's kernel needs them: the catalogues its outputs are translated by.

The chapters' code (figures, widgets, self-checks) draws every output in each language the page may be
read in (:func:`editions`), its words from the kernel catalogues ``locales/LANG/kernel/*.po``
(:func:`kernel_translations`), which a wheel installs under ``share/kurils/locales``. Everything that
writes or checks catalogues, and the translated builds of the site, is build-side:
:mod:`kurils.build.translations`.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from kurils.course import ROOT

LOCALES = ROOT / "locales"

#: The languages of the site, English first; each name in its own language (the switcher's labels).
LANGUAGES = {"en": "English", "ja": "日本語", "ru": "Русский"}
TRANSLATIONS = [code for code in LANGUAGES if code != "en"]


#: The kernel catalogues: in the repository, or where the course's wheel installs them (share/kurils/locales).
def kernel_locales() -> Path:
    from kurils.data import installed_folder  # kurils.data imports pandas: only when a catalogue is read

    return installed_folder("locales", "locales")


#: Every language's version of an output, one shown: the page's language, else English (kurils.i18n.editions).
EDITION_CSS = (
    ".kurils-edition{display:none}.kurils-edition[lang=en]{display:block}"
    "html[lang|=ja] .kurils-edition[lang=en],html[lang|=ru] .kurils-edition[lang=en]{display:none}"
    "html[lang|=ja] .kurils-edition[lang=ja],html[lang|=ru] .kurils-edition[lang=ru]{display:block}"
)


def output_languages() -> list[str]:
    """The languages the chapters' code writes its outputs in: ``$KURILS_LANGUAGE`` alone (a translated
    hand-out), else English and every language with kernel catalogues (the site shows the page's one)."""
    chosen = os.environ.get("KURILS_LANGUAGE", "").strip()
    if chosen:
        if chosen not in LANGUAGES:
            raise ValueError(f"KURILS_LANGUAGE={chosen!r} is not one of the course's languages: {', '.join(LANGUAGES)}")
        return [chosen]
    return ["en"] + [code for code in TRANSLATIONS if (kernel_locales() / code / "kernel").is_dir()]


def kernel_catalogue(language: str, name: str, locales: Path | None = None) -> Path:
    """Where a kernel catalogue (``quizzes/ch01``, ``exercises/ch01``, ``labels``) of ``language`` is kept:
    under ``locales``, by default the repository's."""
    return (locales or LOCALES) / language / "kernel" / f"{name}.po"


@functools.lru_cache(maxsize=64)
def kernel_translations(language: str, name: str) -> dict[str, str]:
    """English -> ``language`` for one kernel catalogue (``quizzes/ch01``); fuzzy and empty ones left out."""
    path = kernel_catalogue(language, name, kernel_locales())
    if language == "en" or not path.exists():
        return {}
    return {m.id: m.string for m in messages(read(path)) if m.string and not m.fuzzy}


def editions(render, languages: list[str] | None = None) -> str:
    """``render(language)`` for every output language, each in an element the page's language picks."""
    languages = languages or output_languages()
    if len(languages) == 1:
        return render(languages[0])
    # The comments let the site's build keep only the page's edition (kurils.build.light.EDITION).
    parts = "".join(
        f'<!--kurils-edition {code}--><div class="kurils-edition" lang="{code}">{render(code)}</div>'
        "<!--/kurils-edition-->"
        for code in languages
    )
    return f"<style>{EDITION_CSS}</style>{parts}"


#: The fields of a self-check question (chapters/quizzes/*.json) that a reader sees.
QUIZ_TEXT = ("question", "answer", "feedback", "explanation", "label", "left", "right")


def blocks(markdown: str) -> list[str]:
    """``markdown`` paragraph by paragraph: the unit a kernel catalogue translates."""
    return [block.strip() for block in re.split(r"\n[ \t]*\n", markdown) if block.strip()]


def translated_text(markdown: str, language: str, catalogue: str) -> str:
    """``markdown`` paragraph by paragraph in ``language``, from a kernel catalogue (English where a
    paragraph has no translation)."""
    words = kernel_translations(language, catalogue)
    return "\n\n".join(words.get(block, block) for block in blocks(markdown)) + "\n"


def read(path: Path):
    from babel.messages.pofile import denormalize, read_po

    with path.open("rb") as handle:
        catalogue = read_po(handle, abort_invalid=True)
    # babel (2.19) reads a fuzzy message's "#| msgid" line (the English it was translated from) back as a
    # translator's comment "| msgid ...", which every later write would keep: put it back, or drop it once
    # the message is no longer fuzzy.
    for message in messages(catalogue):
        previous = [comment[2:] for comment in message.user_comments if comment.startswith("| ")]
        if previous:
            message.user_comments = [comment for comment in message.user_comments if not comment.startswith("| ")]
            text = "\n".join(previous)
            message.previous_id = [denormalize(text[6:])] if message.fuzzy and text.startswith("msgid ") else []
    return catalogue


def messages(catalogue) -> list:
    return [message for message in catalogue if message.id]
