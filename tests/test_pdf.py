"""The whole course as one PDF: every chapter, maps as their static drawing, Japanese and Cyrillic text."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import pytest

from kurils import course
from kurils.build import pdf

ROOT = Path(__file__).resolve().parent.parent
STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2215": "/"})  # ∕: a PDF's ／

pytestmark = pytest.mark.slow


def _title(page: str) -> str:
    text = (ROOT / f"{page}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, flags=re.MULTILINE).group(1).strip()


def _text(path: Path) -> tuple[str, int]:
    """The PDF's text layer, page after page, and its number of pages (PDFium, Chromium's own PDF engine:
    under a second for the course, where pypdf took 12 s)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document), len(document)
    finally:
        document.close()


@pytest.fixture(scope="module")
def printed(built_site, browser, tmp_path_factory):
    """Build the PDF once; return its path, extracted text, page count and build time."""
    start = time.perf_counter()
    path = pdf.build(tmp_path_factory.mktemp("pdf") / "course.pdf", browser)
    seconds = time.perf_counter() - start
    text, pages = _text(path)
    print(f"\nPDF: {pages} pages, {path.stat().st_size / 1e6:.1f} MB, built in {seconds:.0f} s")
    text = unicodedata.normalize("NFKC", text).translate(STRAIGHT)  # ligatures; Sphinx's curly quotes
    return path, re.sub(r"\s+", " ", text), pages


def test_the_pdf_has_every_chapter(printed):
    _, text, pages = printed
    assert pages > 60
    for page in course.toc():
        title = _title(page)
        assert title in text, f"{page}: {title!r} not in the PDF"


def test_the_pdf_shows_japanese_and_cyrillic_names(printed):
    _, text, _ = printed
    assert "択捉" in text and "Итуруп" in text


def test_the_pdf_prints_the_maps_as_drawings_not_widget_placeholders(printed):
    _, text, _ = printed
    folder = course.BUILD / "singlehtml"
    single = (folder / f"{course.toc()[0]}.html").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-view+json" not in single
    images = re.findall(r'<img[^>]+src="([^"]+\.svg)"', single)
    maps = [src for src in images if 'class="kurils-map"' in (folder / src).read_text(encoding="utf-8")]
    assert len(maps) >= 1
    # the PDF's text layer may drop the spaces between the map's glyphs: count without them
    assert text.replace(" ", "").count("Outlines:NaturalEarth") == len(maps)
    for placeholder in ["Loading widget", "Click an island, or a button above", "widget-view"]:
        assert placeholder not in text, placeholder


def test_each_translation_prints_as_its_own_pdf_in_its_language(built_site, browser, tmp_path):
    """The Japanese print: every page's title in Japanese, the course's name convention, no English chapter text."""
    from kurils import i18n

    with pytest.raises(SystemExit, match="no edition in 'fr'"):
        pdf.build(tmp_path / "fr.pdf", browser, language="fr")
    assert pdf.path("ja").name == "kurils-course-ja.pdf" and pdf.path("en") == pdf.PDF
    path = pdf.build(tmp_path / "ja.pdf", browser, language="ja")
    text, pages = _text(path)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(STRAIGHT))
    assert pages > 60
    for page in course.toc():
        catalogue = {
            m.id: m.string for m in i18n.messages(i18n.read(i18n.LOCALES / "ja" / "LC_MESSAGES" / f"{page}.po"))
        }
        title = re.sub(r"\s+", "", unicodedata.normalize("NFKC", catalogue[_title(page)]))
        assert title in text, f"{page}: {title!r} not in the Japanese PDF"
    assert "択捉島/イトゥルップ島" in text  # 択捉島／イトゥルップ島, after NFKC
    assert _title("chapters/07-crimea-new-approach-2014-2016").replace(" ", "") not in text
