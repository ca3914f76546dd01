"""The built pages as a reader meets them: working source links, no code or ids in the way, the
glossary linked, no placeholder text."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from kurils import data, display
from kurils.build import chapters

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.md"))
# Links that are not sources: the licence, the tools' documentation the teacher's guide points to,
# and the launch buttons and repository from _config.yml (added below).
OTHER_HOSTS = {"creativecommons.org", "nbgitpuller.readthedocs.io", "otter-grader.readthedocs.io"}
PLACEHOLDERS = re.compile(r"still to come|to be added|\bTODO\b|\bTBD\b|\bFIXME\b|lorem ipsum|coming soon", re.I)


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts and p.name not in {"genindex.html"})


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _reader_text(soup: BeautifulSoup) -> str:
    """What a reader sees of the article: no scripts, styles, or code folded behind a toggle."""
    article = soup.select_one("article") or soup
    for hidden in article.select("script, style, details, .cell_input"):
        hidden.decompose()
    return article.get_text(" ")


def malformed(url: str) -> str | None:
    """Why ``url`` is not a well-formed web address, or None."""
    if "\\" in url or re.search(r"\s", url):
        return "contains a backslash or a space"
    if re.search(r"%(?![0-9A-Fa-f]{2})", url):
        return "has a % that is not a percent-escape"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or "." not in parts.netloc:
        return "is not an http(s) address with a host"
    return None


def test_malformed_addresses_are_recognised():
    assert malformed("https://en.wikipedia.org/wiki/Kuril\\_Islands")
    assert malformed("https://ja.wikipedia.org/wiki/\\%E6%8A%9E")
    assert malformed("https://example.org/a%zz")
    assert malformed("https:/example")
    assert malformed("https://en.wikipedia.org/wiki/Kuril_Islands") is None
    assert malformed("https://ja.wikipedia.org/wiki/%E6%8A%9E%E6%8D%89") is None


def test_every_source_address_in_the_data_is_well_formed():
    for row in data.load("sources").itertuples():
        if row.url:
            assert malformed(row.url) is None, f"sources.csv ({row.id}): {row.url} {malformed(row.url)}"


def test_every_external_link_on_every_page_is_well_formed_and_a_known_address(built_site):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    hosts = OTHER_HOSTS | {urlsplit(config["repository"]["url"]).netloc}
    hosts |= {urlsplit(u).netloc for k, u in config["launch_buttons"].items() if k.endswith("_url")}
    sources = set(data.load("sources")["url"]) - {""}
    checked = 0
    for page in _pages(built_site):
        for link in _soup(page).find_all("a", href=True):
            href = link["href"]
            if not href.startswith(("http:", "https:")):
                continue
            checked += 1
            problem = malformed(href)
            assert problem is None, f"{page.relative_to(built_site)}: {href} {problem}"
            assert href in sources or urlsplit(href).netloc in hosts, (
                f"{page.relative_to(built_site)}: {href} is neither a source's address in sources.csv nor a known link"
            )
    assert checked > 400  # the chapters and the bibliography link several hundred sources


def test_no_page_shows_placeholder_text(built_site):
    for page in _pages(built_site):
        found = PLACEHOLDERS.findall(_reader_text(_soup(page)))
        assert found == [], f"{page.relative_to(built_site)} says {found}"


def test_the_placeholder_check_catches_stale_text():
    soup = BeautifulSoup("<article><p>A chapter on settlements is still to come.</p></article>", "html.parser")
    assert PLACEHOLDERS.findall(_reader_text(soup)) == ["still to come"]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapter_page_shows_no_code_unless_the_reader_opens_it(built_site, chapter):
    soup = _soup(built_site / "chapters" / f"{chapter.stem}.html")
    cells = soup.select("div.cell")
    shown = [cell for cell in cells if cell.select_one(".cell_input") and not cell.select_one("details.above-input")]
    assert shown == [], f"{chapter.stem}: {len(shown)} code cells shown without a 'Show the code' toggle"
    for toggle in soup.select("div.cell details.above-input"):
        assert "Show the code" in toggle.get_text(), chapter.stem


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapter_page_shows_no_ids_slugs_or_column_names(built_site, chapter):
    soup = _soup(built_site / "chapters" / f"{chapter.stem}.html")
    for header in soup.select("article table th"):
        text = header.get_text(" ").strip()
        slug = re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", text)
        assert "_" not in text and not slug, f"{chapter.stem}: header {text!r}"
    text = _reader_text(soup)
    ids = [i for i in data.load("sources")["id"] if re.search(rf"(?<![\w/.-]){re.escape(i)}(?![\w/-])", text)]
    assert ids == [], f"{chapter.stem} shows source ids {ids}"
    assert not re.search(r"\b\w+\.csv\b", text), f"{chapter.stem} names a data file"
    for output in soup.select("div.cell_output pre"):
        assert not re.fullmatch(r"\s*(\[\]|\{\}|None|True|False|''|\"\")\s*", output.get_text()), chapter.stem


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_the_first_use_of_each_glossary_term_links_to_the_glossary(built_site, chapter):
    assert chapters.unlinked_glossary(chapter) == []
    links = _soup(built_site / "chapters" / f"{chapter.stem}.html").select('a[href*="glossary.html#term-"]')
    assert len(links) >= 5, chapter.stem


def test_the_glossary_check_finds_an_unlinked_first_use(tmp_path):
    page = tmp_path / "ch.md"
    page.write_text("# T\n\nThe {term}`Habomai islets <Habomai islets>` lie off Cape Nosappu. Cape Nosappu.\n")
    assert [p.split(" (")[0] for p in chapters.unlinked_glossary(page)] == ["'Cape Nosappu'"]
    assert chapters.link_glossary(page) == 1
    assert "{term}`Cape Nosappu <Cape Nosappu>` lie" not in page.read_text()
    assert "off {term}`Cape Nosappu <Cape Nosappu>`. Cape Nosappu." in page.read_text()
    assert chapters.unlinked_glossary(page) == []


def test_every_glossary_term_the_chapters_link_is_in_the_glossary():
    glossary = (ROOT / "glossary.md").read_text(encoding="utf-8")
    block = glossary.split(":::{glossary}")[1].split("\n:::")[0]
    terms = {line for line in block.splitlines() if line and not line.startswith(" ")}
    assert set(chapters.GLOSSARY) == terms


def test_citations_are_short_linked_and_never_bare_ids():
    sources = data.load("sources").set_index("id")
    html = display.citations("brown-apjjf-2018;wikipedia-kuril-islands, togo-streltsov-2024")
    assert 'href="https://en.wikipedia.org/wiki/Kuril_Islands"' in html and "brown-apjjf-2018" not in html
    assert ">Brown (2018)</a>" in html and ">Togo and Streltsov (2024)</a>" in html
    with pytest.raises(KeyError, match="not-a-source"):
        display.citation("not-a-source")
    undated = sources[sources["date"] == ""].index[0]
    assert "(n.d.)" in display.citation(undated)


def test_table_headers_are_words_and_the_data_keep_their_names():
    frame = data.load("islands")[["name_ja_en", "area_km2", "sources"]]
    styled = display.table(frame)
    html = styled.to_html()
    assert "Japanese name" in html and "Area (km²)" in html and "name_ja_en" not in html
    assert list(styled.data.columns) == ["name_ja_en", "area_km2", "sources"]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_a_run_of_citation_markers_is_one_marker(built_site, chapter):
    soup = _soup(built_site / "chapters" / f"{chapter.stem}.html")
    groups = soup.select(".kurils-cite-group")
    for ref in soup.select("a.footnote-reference"):
        if ref.find_parent(class_="kurils-cite-group"):
            continue
        after = ref.next_sibling
        assert not (getattr(after, "name", None) == "a" and "footnote-reference" in after.get("class", [])), (
            f"{chapter.stem}: markers {ref.get_text()}{after.get_text()} stand in a row"
        )
    for group in groups:
        shown = re.sub(r"\[(\d+)\]", r"\1", group.get_text())  # each number's own brackets are hidden by CSS
        assert re.fullmatch(r"\[\d+(?:–\d+)?(?:, \d+(?:–\d+)?)*\]", shown), f"{chapter.stem}: {shown}"
    if chapter.stem.startswith("01"):
        assert any("–" in g.get_text() for g in groups), "chapter 1's long run is not shortened to a range"
