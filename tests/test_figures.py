"""Figures on chapter pages: drawn from the data, described in words, sourced, and theme-following."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from kurils import data, figures

ROOT = Path(__file__).resolve().parent.parent


class _Figures(HTMLParser):
    """Collect each <figure class="kurils-figure">: its svg's role, aria-label, title, caption and source links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict] = []
        self._path: list[str] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "kurils-figure" in (attrs.get("class") or ""):
            self._current = {"svg": None, "title": "", "caption": "", "links": [], "source": ""}
            self.found.append(self._current)
        if self._current is None:
            return
        self._path.append(tag)
        if tag == "svg" and self._current["svg"] is None:
            self._current["svg"] = attrs
        if tag == "a" and "figcaption" in self._path:
            self._current["links"].append(attrs.get("href"))
        if tag == "span" and "kurils-figure-source" in (attrs.get("class") or ""):
            self._path[-1] = "source"

    def handle_endtag(self, tag):
        if self._current is None:
            return
        if tag == "figure":
            self._current, self._path = None, []
        elif self._path:
            self._path.pop()

    def handle_data(self, text):
        if self._current is None:
            return
        if self._path[-1:] == ["title"] and "svg" in self._path:
            self._current["title"] += text
        if "figcaption" in self._path:
            key = "source" if "source" in self._path else "caption"
            self._current[key] += text


def parse(html: str) -> list[dict]:
    parser = _Figures()
    parser.feed(html)
    return parser.found


def _checks() -> pd.DataFrame:
    """A formula × position frame like chapter 11's: met / not met / condition only."""
    proposals = data.load("proposals")
    positions = data.load("positions")

    def meets(formula, position):
        need = {side: [i for i in position[f"requires_{side}"].split(";") if i] for side in ("japan", "russia")}
        if not need["japan"] and not need["russia"]:
            return "condition only"
        return "met" if all(formula[i] == side for side, w in need.items() for i in w) else "not met"

    frame = pd.DataFrame({p["id"]: [meets(f, p) for _, f in proposals.iterrows()] for _, p in positions.iterrows()})
    frame.insert(0, "formula", proposals["name"])
    return frame


CHARTS = {
    "locator map": figures.locator_map,
    "island sizes": figures.island_sizes,
    "border map": figures.border_map,
    "area shares": figures.area_shares,
    "events timeline": lambda: figures.events_timeline(1945, 1945),
    "events per year": lambda: figures.events_per_year(1991, 2012),
    "meetings per year": figures.meetings_per_year,
    "meetings timeline": lambda: figures.meetings_timeline(["2014-russia-recognises-crimea"]),
    "documents and events": lambda: figures.documents_and_events(["asan-forum-2013", "ru-journal-2018"], 2013, 2018),
    "red lines": lambda: figures.red_lines(_checks()),
    "trade by year": figures.trade_by_year,
    "trade goods": figures.trade_goods,
    "japan investment": figures.japan_investment,
    "island population": figures.island_population,
    "kuril programmes": figures.kuril_programme_budgets,
    "opinion polls": figures.opinion_polls,
}


@pytest.fixture(scope="module", params=list(CHARTS))
def drawn(request):
    figure = CHARTS[request.param]()
    return request.param, figure, parse(figure._repr_html_())[0]


def test_every_chart_has_alt_text_a_caption_and_a_source_line(drawn):
    name, figure, parsed = drawn
    assert parsed["svg"]["role"] == "img", name
    assert len(parsed["svg"]["aria-label"]) > 40, name
    assert parsed["title"].strip() == parsed["svg"]["aria-label"], name
    assert len(parsed["caption"].strip()) > 20, name
    assert parsed["source"].startswith("Source: the course's"), name
    assert figure._repr_mimebundle_()["text/plain"].endswith(parsed["svg"]["aria-label"]), name


def test_source_links_are_the_addresses_in_sources_csv(drawn):
    name, _, parsed = drawn
    urls = set(data.load("sources")["url"].dropna()) - {""}
    assert parsed["links"], name
    assert [link for link in parsed["links"] if link not in urls] == [], name


def test_source_line_shows_short_citations_not_ids(drawn):
    name, _, parsed = drawn
    ids = set(data.load("sources")["id"])
    words = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", parsed["source"]))
    assert words & ids == set(), name


def test_text_and_axes_follow_the_page_colour_and_the_background_stays_clear(drawn):
    name, figure, _ = drawn
    svg = figure.svg
    assert figures.INK not in svg, name
    texts = re.findall(r"<text[^>]*>", svg)
    assert texts, f"{name}: text was drawn as paths, not kept as text"
    fills = set(re.findall(r'<text[^>]*style="[^"]*fill: ([^;"]+)', svg))
    # text is in the page's colour, except white labels set on a data colour
    assert fills and fills <= {"currentColor", "#ffffff"} and "currentColor" in fills, (name, fills)
    assert re.search(r'<svg[^>]*width="100%"', svg) and "viewBox=" in svg, name
    background = re.search(r'<g id="patch_1">\s*<path[^>]*style="fill: ([^;"]+)', svg)
    assert background and background.group(1) == "none", f"{name} paints a background"


def test_data_colours_read_on_light_and_dark_backgrounds():
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        low, high = sorted([luminance(a), luminance(b)])
        return (high + 0.05) / (low + 0.05)

    for colour in figures.PALETTE:
        assert contrast(colour, "#ffffff") >= 3, colour
        assert contrast(colour, "#14181e") >= 3, colour  # the pydata theme's dark background


def test_a_changed_data_frame_gives_a_changed_figure():
    islands = data.load("islands")
    before = figures.island_sizes(islands)
    changed = islands.copy()
    changed.loc[changed["id"] == "shikotan", ["area_km2", "area_km2_max"]] = 900
    after = figures.island_sizes(changed)
    assert "Shikotan 251 km²" in before.alt and "Shikotan 900 km²" in after.alt
    assert before.svg != after.svg


def test_an_unknown_island_is_named_in_the_error():
    with pytest.raises(ValueError, match="unknown island id.*atlantis.*known: etorofu"):
        figures.area_shares(highlight=["shikotan", "atlantis"])


def test_an_unknown_data_set_or_source_is_named_in_the_error():
    with pytest.raises(ValueError, match="unknown data set.*weather"):
        figures.source_line(["wikipedia-cape-nosappu"], "weather")
    with pytest.raises(ValueError, match="no-such-work.*not in data/sources.csv"):
        figures.source_line(["no-such-work"], "islands")


def test_bad_chart_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="unknown event id.*1999-nothing"):
        figures.meetings_timeline(["1999-nothing"])
    with pytest.raises(ValueError, match="no events between 1600 and 1610"):
        figures.events_timeline(1600, 1610)
    checks = _checks().rename(columns={"japan-four-islands": "japan-everything"})
    with pytest.raises(ValueError, match="japan-everything"):
        figures.red_lines(checks)


def test_a_figure_needs_caption_and_alt_text():
    import matplotlib.pyplot as plt

    with pytest.raises(ValueError, match="caption and alt text"):
        figures.figure(plt.figure(), caption="", alt="A chart.", sources=[], dataset="islands")


def test_the_places_on_the_locator_map_come_from_the_places_data():
    places = data.load("places")
    drawn_text = figures.locator_map(places).svg
    for name in places["name"]:
        assert name.split(" (")[0].split(" ")[0] in drawn_text, name
    fewer = places[places["id"] != "vries-strait"]
    assert "Vries" not in figures.locator_map(fewer).svg


def test_short_citations_name_the_author_or_the_work():
    sources = data.load("sources").set_index("id")
    assert figures.short_citation(sources.loc["wikipedia-cape-nosappu"]) == "Wikipedia, “Cape Nosappu” (2023)"
    assert figures.short_citation(sources.loc["japantravel-cape-nosappu"]) == "Ho (2016)"
    assert figures.short_citation(sources.loc["asan-forum-2013"]) == "Togo et al. (2013)"


def test_every_chapter_page_has_a_figure_with_caption_alt_text_and_source(built_site):
    chapters = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.md"))
    assert len(chapters) == 11
    urls = set(data.load("sources")["url"].dropna()) - {""}
    for chapter in chapters:
        html = (built_site / "chapters" / f"{chapter.stem}.html").read_text(encoding="utf-8")
        found = parse(html)
        assert found, f"{chapter.name}: no figure"
        for figure in found:
            assert figure["svg"] and figure["svg"].get("role") == "img", chapter.name
            assert figure["svg"].get("aria-label"), chapter.name
            assert figure["caption"].strip(), chapter.name
            assert figure["source"].startswith("Source:"), chapter.name
            assert figure["links"] and set(figure["links"]) <= urls, chapter.name
        # the reader sees the figure, not the code that draws it
        assert "figures.</span>" not in html and "from kurils import figures" not in html, chapter.name


def test_trade_chart_states_every_figure_and_every_year_without_one():
    trade = data.load("trade")
    alt = figures.trade_by_year(trade).alt
    for _, row in trade.iterrows():
        assert f"{row['year']}, " in alt and f"{row['total_usd_bn']:g} billion" in alt, row["id"]
    missing = sorted(set(range(2000, 2019)) - set(trade["year"]))
    assert alt.endswith(f"No figure for {', '.join(map(str, missing))}.")
    fewer = trade[trade["year"] != trade["year"].iloc[0]]
    assert str(trade["year"].iloc[0]) in figures.trade_by_year(fewer).alt.split("No figure for")[1]


def test_trade_chart_marks_a_figure_given_only_as_a_bound():
    trade = data.load("trade")
    row = trade.iloc[[0]].copy()
    row["bound"] = "at-least"
    assert f"more than {row['total_usd_bn'].iloc[0]:g} billion" in figures.trade_by_year(row).alt
    row["bound"] = None
    assert "more than" not in figures.trade_by_year(row).alt


def test_goods_chart_draws_one_bar_per_share_and_lists_value_only_rows():
    goods = data.load("trade_goods")
    figure = figures.trade_goods(goods)
    shares = goods[goods["share_pct"].notna()]
    assert len(re.findall(r'<g id="patch_\d+">', figure.svg)) >= len(shares)
    for _, row in goods.iterrows():
        amount = f"{row['share_pct']:g}%" if pd.notna(row["share_pct"]) else f"{row['value_usd_bn']:g} billion dollars"
        assert f"{row['year']}, " in figure.alt and f"{row['goods']} {amount}" in figure.alt, row["id"]
    assert str(shares["year"].nunique()) in figure.caption
    with pytest.raises(ValueError, match="no shares"):
        figures.trade_goods(goods[goods["share_pct"].isna()])


def test_investment_chart_names_every_figure_its_speaker_and_year():
    investment = data.load("japan_investment")
    alt = figures.japan_investment(investment).alt
    for _, row in investment.iterrows():
        assert (
            f"for {row['year']}, " in alt
            and f"{row['amount_usd_bn']:g} billion dollars, said by {row['speaker']}" in alt
        )
    with pytest.raises(ValueError, match="no rows"):
        figures.japan_investment(investment.iloc[0:0])


def test_trade_chart_refuses_an_empty_table():
    with pytest.raises(ValueError, match="no rows"):
        figures.trade_by_year(data.load("trade").iloc[0:0])


def test_poll_chart_draws_one_bar_per_answer_and_names_each_poll():
    polls = data.load("polls")
    figure = figures.opinion_polls(polls)
    bars = re.findall(r'<g id="patch_\d+">', figure.svg)
    # one background patch for the axes, one per answer, plus the legend's boxes and frame
    assert len(bars) >= len(polls) + 1
    for _, poll in polls.drop_duplicates("poll").iterrows():
        assert poll["pollster"] in figure.alt
    one = polls[polls["poll"] == polls["poll"].iloc[0]]
    assert figures.opinion_polls(one).alt.count(";") == 0


def test_population_chart_names_every_count():
    population = data.load("island_population")
    alt = figures.island_population(population).alt
    for _, row in population.iterrows():
        assert f"{row['year']} {row['population']:,}" in alt, row["id"]
