"""The documents reader: every row of data/documents.csv is on documents.md, and every chapter link resolves."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

from kurils import data, documents
from kurils.build import chapters
from kurils.cli import main

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(chapters.CHAPTER_DIR.glob("[0-9][0-9]-*.md"))
#: The texts issue 17 asks the reader to hold, at least.
REQUIRED = {
    "shimoda-1855",
    "st-petersburg-1875",
    "portsmouth-1905",
    "yalta-1945",
    "san-francisco-1951",
    "joint-declaration-1956",
    "soviet-memorandum-1960",
    "tokyo-declaration-1993",
    "irkutsk-2001",
    "joint-statement-2013",
    "press-statement-2016",
    "singapore-2018-japan",
    "singapore-2018-russia",
}


@pytest.fixture(scope="module")
def rows():
    return data.load("documents")


def test_the_committed_page_is_what_the_data_renders():
    assert (ROOT / "documents.md").read_text(encoding="utf-8") == documents.render(), "run `kurils documents`"


def test_every_document_row_renders_on_the_page(rows):
    page = (ROOT / "documents.md").read_text(encoding="utf-8")
    for row in rows.itertuples():
        assert f"(doc-{row.id})=\n## " in page, row.id
        assert html.escape(row.original, quote=False) in page, row.id
        if row.translation:
            assert html.escape(row.translation, quote=False) in page, row.id
        assert row.provenance in page and ",".join(row.sources) in page, row.id


def test_the_reader_holds_the_key_texts_in_their_original_languages(rows):
    assert REQUIRED <= set(rows["id"])
    by_id = rows.set_index("id")
    assert by_id.loc["st-petersburg-1875", "language"] == "fr"
    assert {by_id.loc["joint-declaration-1956", c] for c in ("language", "language_2")} == {"ja", "ru"}
    assert by_id.loc["singapore-2018-japan", "language"] == "ja"
    assert by_id.loc["singapore-2018-russia", "language"] == "ru"


def test_the_page_is_in_the_table_of_contents_before_the_glossary():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "- file: documents\n      - file: glossary" in toc


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_link_to_a_document_resolves(chapter, rows):
    linked = documents.links(chapter)
    assert linked, f"{chapter.name} links no document"
    assert set(linked) <= set(rows["id"]), f"{chapter.name} links unknown documents {set(linked) - set(rows['id'])}"


def test_every_chapter_that_a_document_names_links_to_it(rows):
    stems = documents.chapter_stems()
    missing = [
        f"{stems[number]} does not link doc-{row.id}"
        for row in rows.itertuples()
        for number in row.chapters.split(";")
        if row.id not in documents.links(chapters.CHAPTER_DIR / f"{stems[number]}.md")
    ]
    assert missing == []


def test_every_document_a_chapter_links_names_that_chapter(rows):
    named = {row.id: set(row.chapters.split(";")) for row in rows.itertuples()}
    unnamed = [
        f"{chapter.stem} links doc-{doc} but documents.csv does not name chapter {chapter.stem[:2]}"
        for chapter in CHAPTERS
        for doc in set(documents.links(chapter))
        if chapter.stem[:2] not in named[doc]
    ]
    assert unnamed == []


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("translation", "", "a passage that is not in English needs a translation"),
        ("language_2", "ru", "language_2 and original_2 are given together or not at all"),
        ("translation_origin", "authentic", "translation_origin is 'authentic' exactly when the original is English"),
        ("chapters", "2", "does not match the pattern"),
    ],
)
def test_a_broken_document_row_is_rejected_with_file_line_and_problem(tmp_path, column, value, message):
    for path in data.DATA_DIR.glob("*.schema.json"):
        shutil.copy(path, tmp_path)
    frame = data.load("documents").astype(object)
    frame["sources"] = frame["sources"].map(";".join)
    first = frame.index[frame["id"] == "shimoda-1855"][0]
    frame.loc[first, column] = value
    frame.to_csv(tmp_path / "documents.csv", index=False)
    with pytest.raises(data.DataError) as error:
        data.validate("documents", data_dir=tmp_path)
    assert "documents.csv, line 2 (shimoda-1855)" in str(error.value) and message in str(error.value)


def test_check_chapter_reports_a_link_to_an_unknown_document(tmp_path, capsys):
    chapter = tmp_path / "99-test.md"
    source = (chapters.CHAPTER_DIR / CHAPTERS[1].name).read_text(encoding="utf-8")
    chapter.write_text(source.replace("<doc-shimoda-1855>", "<doc-shimoda-1885>", 1), encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["check-chapter", str(chapter)])
    assert "links unknown document 'shimoda-1885'" in capsys.readouterr().out
