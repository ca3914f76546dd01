"""Find the words that take a side (``data/loaded_terms.csv``) where the course speaks in its own voice.

The course uses loaded words ("occupied", "annexation", "reunification", ...) only inside
quotations and attributed speech. ``data_findings`` checks the free text of every data set;
``chapter_findings`` checks a chapter's narration. Quoted spans are removed first, and a
sentence that attributes what it says ("Japan's government says ...", "what it calls ...")
is skipped. That is a heuristic: it errs on the side of letting attributed sentences pass.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from kurils import data, geography, i18n
from kurils.build import translations
from kurils.course import ROOT

#: Quoted spans: double, curly, guillemets, Japanese brackets, and single quotes that open
#: after a non-letter and close before one (so the apostrophe in "Japan's" opens nothing).
_QUOTED = re.compile(
    r"\"[^\"\n]*\"|“[^”]*”|‘[^’]*’|«[^»]*»|「[^」]*」|『[^』]*』|(?<![\w’'])'(?:[^'\n]|'(?=\w))*?'(?!\w)"
)
#: Markup that is not prose: roles and inline code, link targets, web addresses, HTML tags.
_MARKUP = re.compile(r"\{[\w:-]+\}`[^`]*`|`[^`]*`|\]\([^)]*\)|https?://\S+|<[^>]+>")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
#: Words that attribute a sentence to someone else, or discuss a word as a word.
ATTRIBUTION = re.compile(
    r"\b(?:says?|said|saying|holds?|held|calls?|called|calling|writes?|wrote|written|argues?|argued"
    r"|describes?|described|claims?|claimed|stresses|stressed|insists?|insisted|maintains?|maintained"
    r"|told|tells|declared?|declares|reports?|reported|accus\w+|according to|in (?:its|his|her|their) "
    r"(?:account|view|words)|in the words of|recalls?|recalled|asks?|asked|denounced|condemned"
    r"|protested|regards?|regarded|considers?|considered|speaks? of|spoke of|word|words|term|terms"
    r"|framing|quotes?|quoted|quotation|answer(?:s|ed)?|position|view|reading|sees|saw|treats?)\b",
    re.IGNORECASE,
)

#: Columns that hold other people's words (titles, quotations, names of works), not the course's.
NOT_NARRATION = {
    "sources": {"author", "title", "outlet", "url"},
    "excerpts": {"text", "marked_words", "speaker"},
    "source_errors": {"says"},
    "loaded_terms": {"term", "pattern", "used_by", "why"},
    "documents": {"title", "original", "original_2", "translation"},
}


@dataclass(frozen=True)
class Finding:
    """A loaded word in the course's own voice: where it is and which word."""

    file: str
    place: str
    term: str
    word: str
    text: str

    def __str__(self) -> str:
        return f"{self.file}, {self.place}: {self.word!r} (loaded term {self.term!r}) in: {self.text.strip()[:160]}"


def loaded_terms(data_dir: Path = data.DATA_DIR) -> list[tuple[str, re.Pattern]]:
    """``(id, compiled pattern)`` for each row of ``loaded_terms.csv``; a bad pattern raises ``DataError``."""
    frame = data.load("loaded_terms", data_dir)
    terms = []
    for line, row in enumerate(frame.itertuples(), start=2):
        try:
            terms.append((row.id, re.compile(rf"\b(?:{row.pattern})\b", re.IGNORECASE)))
        except re.error as error:
            where = f"loaded_terms.csv, line {line} ({row.id})"
            raise data.DataError(f"{where}: pattern: not a regular expression: {error}") from None
    return terms


def narration(text: str, language: str = "en") -> str:
    """The part of ``text`` in the course's own voice: markup and quotations removed, attributed sentences
    dropped. In Japanese or Russian, sentences also end at 。！？ and attribution words of that language count."""
    text = _QUOTED.sub(" ", _MARKUP.sub(" ", text))
    if language == "en":
        return " ".join(s for s in _SENTENCE.split(text) if not ATTRIBUTION.search(s))
    own = TRANSLATED_ATTRIBUTION[language]
    return " ".join(s for s in _SENTENCE_ANY.split(text) if not own.search(s) and not ATTRIBUTION.search(s))


def find(text: str, terms: list[tuple[str, re.Pattern]], language: str = "en") -> list[tuple[str, str]]:
    """``(term id, word found)`` for each loaded word in the narration of ``text``."""
    own = narration(text, language)
    return [(term, match.group(0)) for term, pattern in terms for match in pattern.finditer(own)]


def _free_text_columns(name: str, data_dir: Path) -> list[str]:
    fields = data.schema(name, data_dir)["fields"]
    return [
        f["name"]
        for f in fields
        if f.get("type", "string") == "string"
        and "enum" not in f
        and "pattern" not in f
        and f["name"] not in NOT_NARRATION.get(name, set())
    ]


def data_findings(data_dir: Path = data.DATA_DIR, terms: list | None = None) -> list[Finding]:
    """Loaded words in the free text of every data set and of the map lines."""
    terms = loaded_terms(data_dir) if terms is None else terms
    found = []
    for name in data.DATASETS:
        frame = data.load(name, data_dir)
        for column in _free_text_columns(name, data_dir):
            for index, row in frame.iterrows():
                value = row[column] or ""
                for term, word in find(str(value), terms):
                    place = f"line {index + 2} ({row['id']}), column {column}"
                    found.append(Finding(f"{name}.csv", place, term, word, str(value)))
    lines = geography.load_lines()
    for number, feature in enumerate(lines["features"], start=1):
        props = feature["properties"]
        for key in ("label", "description"):
            for term, word in find(props[key], terms):
                place = f"feature {number} ({props['id']}), {key}"
                found.append(Finding("geography/lines.geojson", place, term, word, props[key]))
    return found


def _chapter_lines(path: Path) -> list[tuple[int, str]]:
    """Numbered lines of narration: no front matter, code or raw cells, block quotes or quotation credits."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    kept, fence, directives, front = [], None, [], lines[:1] == ["---"]
    for number, line in enumerate(lines, start=1):
        if front:
            front = not (number > 1 and line == "---")
            continue
        if fence:
            fence = None if line.strip() == fence else fence
            continue
        ticks = re.match(r"^(`{3,})(.*)$", line)
        if ticks:
            marks, rest = ticks.group(1), ticks.group(2).strip()
            if directives and not rest and marks == directives[-1]:
                directives.pop()  # the end of a note or other directive, whose text is narration
            elif rest.startswith("{") and not rest.startswith(("{code-cell}", "{raw-cell}")):
                directives.append(marks)
            else:
                fence = marks  # a code or raw cell, or a plain code block
            continue
        if line.lstrip().startswith((">", "-- ", "— ")):
            continue
        kept.append((number, line))
    return kept


def chapter_findings(path: Path, terms: list | None = None) -> list[Finding]:
    """Loaded words in a chapter's narration, with the line they are on."""
    terms = loaded_terms() if terms is None else terms
    path = Path(path)
    return [
        Finding(path.name, f"line {number}", term, word, line)
        for number, line in _chapter_lines(path)
        for term, word in find(line, terms)
    ]


def quiz_findings(path: Path, terms: list | None = None) -> list[Finding]:
    """Loaded words in a self-check quiz (``chapters/quizzes/chNN.json``): questions, answers and feedback."""
    terms = loaded_terms() if terms is None else terms
    path = Path(path)
    found = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{where}.{key}" if where else key)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")
        elif isinstance(node, str):
            found.extend(Finding(path.name, where, term, word, node) for term, word in find(node, terms))

    walk(json.loads(path.read_text(encoding="utf-8")), "")
    return found


#: The loaded words in the course's other languages, by the id of the English term in loaded_terms.csv
#: (its sources say who uses it). Japanese has no spaces between words, so its patterns match anywhere.
TRANSLATED_TERMS = {
    "ja": {
        "occupied": r"不法占拠|占拠|占領",
        "illegal": r"不法|違法|合法",
        "return": r"返還",
        "inherent-territory": r"固有の領土",
        "annexation": r"併合",
        "reunification": r"再統合",
        "invasion": r"侵攻",
        "aggression": r"侵略",
        # "expelled" diplomats (追放) is the plain word; of the islands' residents it is the loaded one.
        "deported": r"強制追放|強制退去|強制送還|(?:島民|住民|日本人|居住者)[^。]{0,12}追放",
    },
    "ru": {
        "occupied": r"оккупа\w*|оккупир\w*",
        "illegal": r"(?:не)?законн(?!ост)\w*|противоправн\w*",  # законность (legality) is no verdict
        "return": r"возвра(?:щени|т)\w*\s+(?:\w+\s+){0,2}(?:остров\w*|Курил\w*|территори\w*|Хабомаи|Шикотан\w*)"
        r"|вернуть\s+(?:\w+\s+){0,2}остров\w*",
        "inherent-territory": r"исконн\w*",
        "annexation": r"аннекс\w*",
        "reunification": r"воссоедин\w*",
        "invasion": r"вторжени\w*",
        "aggression": r"агресси\w*",
        "deported": r"депорт\w*",
    },
}
#: Words that attribute a sentence to someone else, or discuss a word as a word, in those languages.
TRANSLATED_ATTRIBUTION = {
    "ja": re.compile(
        r"と(?:述べ|主張|呼|表現|書|言|説明|強調|批判|非難|抗議|宣言|報じ|記し|位置づけ|みな|し(?:てい)?る立場)"
        r"|によれば|によると|の立場|の見解|の見方|とする|という(?:言葉|語|表現|用語)|呼び方|用語|言葉|表現"
    ),
    "ru": re.compile(
        r"\b(?:заяв\w*|сказа\w*|говор\w*|назыв\w*|назва\w*|счита\w*|утвержда\w*|пиш\w*|писал\w*|по\s+слов\w*"
        r"|по\s+мнени\w*|по\s+оценк\w*|по\s+версии|позици\w*|точк\w*\s+зрени\w*|термин\w*|слов\w*|выражени\w*"
        r"|формулировк\w*|протест\w*|обвиня\w*|осуди\w*|требова\w*|настаива\w*|цитат\w*|сообщ\w*)\b",
        re.IGNORECASE,
    ),
}
_SENTENCE_ANY = re.compile(r"(?<=[.!?;。！？；])\s*")


def translated_terms(language: str) -> list[tuple[str, re.Pattern]]:
    """``(English term id, compiled pattern)`` for the loaded words of ``language``."""
    boundary = "" if language == "ja" else r"(?<!\w)"
    return [
        (term, re.compile(boundary + f"(?:{pattern})", re.IGNORECASE))
        for term, pattern in TRANSLATED_TERMS[language].items()
    ]


def _quoted_english(page: Path) -> str:
    """The English page's block quotations and epigraphs: other people's words, translated as such."""
    lines = page.read_text(encoding="utf-8").split("\n") if page.exists() else []
    quoted, inside = [], False
    for line in lines:
        if line.startswith("```{epigraph}"):
            inside = True
        elif inside and line.startswith("```"):
            inside = False
        elif inside or line.lstrip().startswith(">"):
            quoted.append(line.lstrip("> ").strip())
    return " ".join(quoted)


def translation_findings(language: str, root: Path | None = None) -> list[Finding]:
    """Loaded words in the narration of every translated message of ``language`` (pages and self-checks);
    block quotations and epigraphs are skipped, as in English."""
    root = root or ROOT
    terms = translated_terms(language)
    found = []
    for page, path in translations.catalogue_files(language).items():
        quoted = _quoted_english(root / f"{page}.md")
        for message in i18n.messages(i18n.read(path)):
            if not message.string or (quoted and " ".join(message.id.split())[:60] in quoted):
                continue
            place = f"message {message.id[:50]!r}"
            for term, word in find(message.string, terms, language):
                found.append(Finding(f"{language}/{page}.po", place, term, word, message.string))
    return found
