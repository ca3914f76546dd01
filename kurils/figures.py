"""Figures for chapter pages, drawn with matplotlib from the course's data at build time.

Each chart function returns a :class:`Figure`: an inline SVG inside
``<figure class="kurils-figure">`` with alt text, a caption and a "Source:" line that
names the course data set and the works behind it, linked to their addresses in
``data/sources.csv``. Text, axes and outlines are drawn in a sentinel colour that is
replaced by ``currentColor``, so a figure follows the site's light or dark theme; data
colours are mid-tones that read on both backgrounds.
"""

from __future__ import annotations

import contextvars
import functools
import io
import math
import re
import textwrap
import warnings
from collections.abc import Iterable
from html import escape
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.font_manager  # noqa: E402
import matplotlib.patches  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from kurils import (  # noqa: E402
    data,
    display,  # noqa: E402
    geography,
    i18n,
)
from kurils.display import short_citation  # noqa: E402

#: Sentinel colours: replaced by the page's text colour (``currentColor``) in the SVG.
INK = "#010203"
#: Mid-tone data colours (at least 3:1 against white and against the dark theme's background).
BLUE, ORANGE, GREEN, PURPLE, GREY, RED = "#3b82c4", "#c26a00", "#009e73", "#b05aa0", "#888888", "#d55e00"
PALETTE = [BLUE, ORANGE, GREEN, PURPLE, RED, GREY]
#: Marker shapes, so that no category depends on colour alone.
MARKERS = ["o", "s", "D", "^", "v", "P"]
#: Data sets a figure may name, with the words its source line uses for each.
DATASETS = {
    **{name: name.replace("_", " ") for name in data.DATASETS},
    "meetings": "Abe–Putin meetings",
    "region": "map outline (Natural Earth 1:10m land, public domain)",
    "lines": "lines (drawn schematically through each strait)",
}
ISLANDS = ["habomai", "shikotan", "kunashiri", "etorofu"]
FORMATS = {k: display.value(k) for k in ("official-visit", "working-visit", "visit", "informal", "sidelines")}
#: Longer lists of works behind a figure are folded into a <details> element.
SHOWN_CITATIONS = 8
WIDTH = 5.0  # inches: 360 SVG units, about 1:1 on a phone and a little larger on a wide screen

plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "kurils",
        "font.family": "sans-serif",
        # Japanese labels: matplotlib measures them with a CJK font where one is installed (Debian's fonts-noto-cjk).
        "font.sans-serif": ["DejaVu Sans"]
        + sorted({f.name for f in matplotlib.font_manager.fontManager.ttflist if f.name == "Noto Sans CJK JP"}),
        "font.size": 12,
        "text.color": INK,
        "axes.labelcolor": INK,
        "axes.edgecolor": INK,
        "axes.titlesize": 12,
        "xtick.color": INK,
        "ytick.color": INK,
        "axes.facecolor": "none",
        "figure.facecolor": "none",
        "savefig.facecolor": "none",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
    }
)


#: The language a figure is being drawn in (see :func:`every_language`).
_LANGUAGE = contextvars.ContextVar("kurils_figure_language", default="en")
#: Where a figure's words are translated: its own catalogue, then the data's where a widget already has them.
CATALOGUES = ("figures", "labels", "widgets/timeline", "widgets/summits", "widgets/scenarios", "widgets/words")


def tr(text: str, **values) -> str:
    """``text`` in the language being drawn (English if it has no translation), with its ``{names}`` filled in.

    The figures' own words are the literals of the ``tr("...")`` calls in this module; the catalogue
    ``locales/LANG/kernel/figures`` holds them (:func:`texts`)."""
    language = _LANGUAGE.get()
    if language != "en":
        text = next((w[text] for n in CATALOGUES if text in (w := i18n.kernel_translations(language, n))), text)
    return text.format(**values) if values else text


#: How each language groups thousands: Russian writes 1 490 (with a no-break space), English and Japanese 1,490.
GROUPING = {"ru": "\u00a0"}


def num(value: float) -> str:
    """``value`` as a whole number, its thousands grouped as the language being drawn groups them."""
    return f"{round(value):,}".replace(",", GROUPING.get(_LANGUAGE.get(), ","))


def texts() -> list[str]:
    """Every English text a figure may show: the literals of this module's ``tr("...")`` calls, its tables'
    words, and the data's words the figures draw (the catalogue ``locales/LANG/kernel/figures``; words
    that a widget's catalogue already has are left to it: see :func:`kurils.build.translations.kernel_templates`)."""
    import ast

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    found = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "tr"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]
    found += [*DATASETS.values(), *REPORTERS.values(), *PLACES.values(), *ANSWERS.values()]
    found += [words for pair in FLOWS.values() for words in pair]
    tables = {
        "places": ["name", "kind"],
        "islands": ["name_ja_en"],
        "trade_goods": ["goods"],
        "japan_investment": ["speaker", "speaker_short", "measure"],
        "polls": ["pollster", "country"],
    }
    found += [str(v) for name, columns in tables.items() for c in columns for v in data.load(name)[c].dropna()]
    found += [country.capitalize() for country in data.load("polls")["country"]]
    return list(dict.fromkeys(text for text in found if text.strip()))


def every_language(draw):
    """Draw a figure once in each language the outputs carry; the page shows its own (kurils.i18n.editions)."""

    @functools.wraps(draw)
    def drawn(*args, **kwargs) -> Figure:
        editions = {}
        for language in i18n.output_languages():
            token = _LANGUAGE.set(language)
            try:
                editions[language] = draw(*args, **kwargs)
            finally:
                _LANGUAGE.reset(token)
        first = next(iter(editions.values()))
        first.editions = editions
        return first

    return drawn


class Figure:
    """A drawn figure: ``_repr_html_`` gives the ``<figure>`` (in every language drawn), ``text/plain`` the alt text.

    ``svg``, ``caption`` and ``alt`` are the first language's (English unless ``$KURILS_LANGUAGE`` says
    otherwise); ``editions`` maps each language drawn to its own Figure."""

    def __init__(self, svg: str, caption: str, alt: str, source_html: str) -> None:
        self.svg, self.caption, self.alt, self.source_html = svg, caption, alt, source_html
        self.editions = {_LANGUAGE.get(): self}

    def _figure_html(self) -> str:
        return (
            f'<figure class="kurils-figure">{self.svg}'
            f"<figcaption>{escape(self.caption)} "  # a space: where no style sheet puts the source on its own line
            f'<span class="kurils-figure-source">{self.source_html}</span></figcaption></figure>'
        )

    def _repr_html_(self) -> str:
        editions = self.editions
        return i18n.editions(lambda code: editions[code]._figure_html(), list(editions))

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self._repr_html_(), "text/plain": f"[Figure] {self.alt}"}


def source_line(sources: Iterable[str], dataset: str | Iterable[str]) -> str:
    """HTML for 'Source: <data set>, from <short citations linked to their URLs>'."""
    names = [dataset] if isinstance(dataset, str) else list(dataset)
    unknown = [name for name in names if name not in DATASETS]
    if unknown or not names:
        raise ValueError(f"unknown data set {unknown or names!r}; known: {', '.join(DATASETS)}")
    table = data.load("sources").set_index("id")
    ids = list(dict.fromkeys(sources))
    missing = [i for i in ids if i not in table.index]
    if missing:
        raise ValueError(f"source id(s) {', '.join(missing)} not in data/sources.csv")
    cites = []
    for i in ids:
        row = table.loc[i]
        text = escape(short_citation(row))
        title = escape(row["title"], quote=True)
        cites.append(f'<a href="{escape(row["url"], quote=True)}" title="{title}">{text}</a>' if row["url"] else text)
    labels = [tr(DATASETS[name]) for name in names]
    joined = (
        labels[0] if len(labels) == 1 else tr("{names} and {last}", names=tr(", ").join(labels[:-1]), last=labels[-1])
    )
    described = escape(tr("the course's {names} data", names=joined))
    if len(cites) > SHOWN_CITATIONS:  # a long list folds away behind its count
        works = f"<details><summary>{tr('{n} works', n=len(cites))}</summary>{'; '.join(cites)}.</details>"
        return tr("Source: {data}, compiled from {works}", data=described, works=works)
    if cites:
        return tr("Source: {data}, compiled from {works}.", data=described, works="; ".join(cites))
    return tr("Source: {data}.", data=described)


def inline_svg(fig, alt: str) -> str:
    """The figure as inline SVG: scalable, theme-coloured, with role, label and title."""
    buffer = io.StringIO()
    with warnings.catch_warnings():  # without a CJK font, Japanese is measured roughly; the browser draws it
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
        fig.savefig(buffer, format="svg", transparent=True, bbox_inches="tight", pad_inches=0.05)
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = svg.replace(INK, "currentColor").replace(INK.upper(), "currentColor")
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r'\1 width="100%" style="height:auto"', svg, count=1)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(alt, quote=True)}" ', 1)
    return re.sub(r"(<svg[^>]*>)", rf"\1<title>{escape(alt)}</title>", svg, count=1)


def figure(fig, caption: str, alt: str, sources: Iterable[str], dataset: str | Iterable[str]) -> Figure:
    """Wrap a matplotlib figure for a page: caption, alt text and a source line are all required."""
    if not caption.strip() or not alt.strip():
        raise ValueError("a figure needs a caption and alt text")
    source_html = source_line(sources, dataset)
    return Figure(inline_svg(fig, alt), caption, alt, source_html)


# --- helpers -------------------------------------------------------------------------------------


def _ids(frame: pd.DataFrame, column: str = "sources") -> list[str]:
    return list(dict.fromkeys(i for ids in frame[column] for i in (ids or [])))


def _islands(islands: pd.DataFrame | None, chosen: Iterable[str] = ISLANDS) -> pd.DataFrame:
    frame = (data.load("islands") if islands is None else islands).set_index("id")
    chosen = list(chosen)
    unknown = [i for i in chosen if i not in frame.index]
    if unknown:
        raise ValueError(f"unknown island id(s) {', '.join(unknown)}; known: {', '.join(frame.index)}")
    return frame.loc[chosen]


def island_name(row) -> str:
    """'Etorofu/Iturup', or one name where both are the same; the Habomai group as 'Habomai islets'."""
    if row["name_ja_en"] == row["name_ru_en"]:
        return tr("Habomai islets") if row.name == "habomai" else tr(row["name_ja_en"])
    return tr(f"{row['name_ja_en']}/{row['name_ru_en']}")


def _category_styles(categories: Iterable[str]) -> dict[str, tuple[str, str]]:
    """A colour and a marker for each event category; "other" is always grey."""
    named = [c for c in categories if c != "other"]
    styles = {c: (PALETTE[i % 5], MARKERS[i % len(MARKERS)]) for i, c in enumerate(named)}
    if "other" in categories:
        styles["other"] = (GREY, MARKERS[-1])
    return styles


def _year(date: str) -> int:
    return int(str(date)[:4])


def _when(date: str) -> float:
    """A partial date as a fractional year (a year alone is placed at mid-year)."""
    parts = [int(p) for p in str(date).split("-")]
    if len(parts) == 1:
        return parts[0] + 0.5
    day = parts[2] if len(parts) == 3 else 15
    return parts[0] + (parts[1] - 1) / 12 + (day - 1) / 365


# --- maps ----------------------------------------------------------------------------------------


def _draw_outlines(ax, region: dict, highlight: set[str]) -> None:
    for feature in region["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for polygon in polygons:
            vertices, codes = [], []
            for ring in polygon:
                vertices += [tuple(p) for p in ring]
                codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY]
            disputed = feature["properties"]["id"] in highlight
            ax.add_patch(
                PathPatch(
                    MplPath(vertices, codes),
                    facecolor=BLUE if disputed else INK,
                    alpha=0.55 if disputed else 0.14,
                    edgecolor="none",
                )
            )
            ax.add_patch(PathPatch(MplPath(vertices, codes), facecolor="none", edgecolor=INK, linewidth=0.5))


def _scale_bar(ax, lon: float, lat: float, km: int = 50) -> None:
    degrees = km / (111.32 * math.cos(math.radians(lat)))
    ax.plot([lon, lon + degrees], [lat, lat], color=INK, linewidth=2.5, solid_capstyle="butt")
    for x in (lon, lon + degrees):
        ax.plot([x, x], [lat - 0.04, lat + 0.04], color=INK, linewidth=1)
    ax.text(lon + degrees / 2, lat + 0.07, tr("{km} km", km=km), ha="center", va="bottom", fontsize=10)


def _map_axes(frame: tuple[float, float, float, float], height: float):
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    lon0, lat0, lon1, lat1 = frame
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    ax.set_axis_off()
    ax.add_patch(plt.Rectangle((lon0, lat0), lon1 - lon0, lat1 - lat0, fill=False, edgecolor=INK, linewidth=0.6))
    return fig, ax


#: Where each place's label goes (lon, lat, alignment); a thin leader joins it to the place.
PLACE_LABELS = {
    "cape-nosappu": (146.0, 43.08, "left"),
    "nemuro-peninsula": (145.3, 43.0, "center"),
    "notsuke-peninsula": (145.15, 43.62, "right"),
    "shiretoko-peninsula": (144.7, 44.38, "center"),
    "nemuro-strait": (145.25, 45.2, "center"),
    "goyomai-strait": (146.05, 43.26, "left"),
    "catherine-strait": (146.95, 44.22, "left"),
    "vries-strait": (149.05, 45.78, "right"),
}
#: Place names set on two lines.
WRAP = {"shiretoko-peninsula", "notsuke-peninsula"}
#: Island labels (lon, lat, alignment), in the sea beside each island.
ISLAND_LABELS = {
    "etorofu": (148.05, 44.78, "left"),
    "kunashiri": (145.6, 44.72, "center"),
    "shikotan": (146.95, 43.83, "left"),
    "habomai": (146.3, 43.47, "left"),
}


def _place(place) -> str:
    """A place's label on the map, on two lines where it is long (in English: before a bracket or "Peninsula")."""
    name = tr(place["name"])
    if name != place["name"]:
        return name.replace(" (", "\n(").replace("（", "\n（")
    return name.replace(" (", "\n(").replace(" Peninsula", "\nPeninsula" if place["id"] in WRAP else " Peninsula")


@every_language
def locator_map(places: pd.DataFrame | None = None, islands: pd.DataFrame | None = None) -> Figure:
    """Chapter 1: the four islands (both names), the Hokkaido coast's peninsulas, cape and straits, a scale bar."""
    places = data.load("places") if places is None else places
    isl = _islands(islands)
    fig, ax = _map_axes((144.3, 42.95, 150.3, 46.05), 3.9)
    _draw_outlines(ax, geography.load(), set(ISLANDS))
    for island_id, row in isl.iterrows():
        x, y, ha = ISLAND_LABELS[island_id]
        ax.text(x, y, island_name(row), ha=ha, va="center", fontsize=11, fontweight="bold")
    ax.text(144.6, 43.3, tr("Hokkaido"), ha="center", va="center", fontsize=12, fontweight="bold")
    ax.text(149.95, 45.35, tr("Uruppu/Urup").replace("/", "/\n"), ha="center", va="center", fontsize=10)
    for _, place in places.iterrows():
        x, y, ha = PLACE_LABELS.get(place["id"], (place["lon"] + 0.08, place["lat"], "left"))
        strait = place["kind"] == "strait"
        if not strait:
            ax.plot(place["lon"], place["lat"], "o", color=INK, markersize=3.5)
        if abs(x - place["lon"]) + abs(y - place["lat"]) > 0.15:
            ax.plot([place["lon"], x], [place["lat"], y], color=INK, linewidth=0.6, alpha=0.7)
        ax.text(
            x,
            y,
            _place(place),
            ha=ha,
            va="center",
            fontsize=10,
            style="italic" if strait else "normal",
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "none", "edgecolor": "none"},
        )
    ax.text(144.5, 45.7, tr("Sea of Okhotsk"), fontsize=10, style="italic", alpha=0.8)
    ax.text(148.4, 43.6, tr("Pacific Ocean"), fontsize=10, style="italic", alpha=0.8)
    _scale_bar(ax, 148.6, 43.1)
    sources = _ids(places) + ["wikipedia-kuril-islands"]
    return figure(
        fig,
        caption=tr(
            "The four islands off eastern Hokkaido, with the places this chapter names. Island outlines are "
            "simplified to about 300 m; the straits are labelled, not drawn as borders."
        ),
        alt=tr(
            "Map of eastern Hokkaido and the islands off it, from south-west to north-east: {islands}, then "
            "Uruppu/Urup. Marked on the map: {places}. A scale bar shows 50 km.",
            islands=tr(", ").join(island_name(row) for _, row in isl.iterrows()),
            places=tr("; ").join(
                tr("{name} ({kind})", name=tr(p["name"]), kind=tr(p["kind"])) for _, p in places.iterrows()
            ),
        ),
        sources=sources,
        dataset=["places", "islands", "region"],
    )


@every_language
def border_map(lines: dict | None = None) -> Figure:
    """Chapter 2: the 1855 border in the Vries Strait, and the direction of the 1875 border, off the map."""
    lines = geography.load_lines() if lines is None else lines
    by_id = {f["properties"]["id"]: f for f in lines["features"]}
    for needed in ("1855", "1875"):
        if needed not in by_id:
            raise ValueError(f"lines.geojson has no line {needed!r}; found: {', '.join(by_id)}")
    frame = (143.0, 42.75, 150.7, 46.3)
    fig, ax = _map_axes(frame, 4.3)
    _draw_outlines(ax, geography.load(), set(ISLANDS))
    xs, ys = zip(*by_id["1855"]["geometry"]["coordinates"], strict=True)
    ax.plot(xs, ys, color=RED, linewidth=3)
    # The 1875 line lies far to the north-east: an arrow at the frame's edge, with the distance.
    lon, lat = by_id["1875"]["geometry"]["coordinates"][1]
    km = _distance_km((frame[2], frame[3]), (lon, lat))
    ax.annotate(
        "",
        xy=(frame[2] - 0.05, frame[3] - 0.55),
        xytext=(frame[2] - 0.5, frame[3] - 1.1),
        arrowprops={"arrowstyle": "-|>", "color": PURPLE, "linewidth": 2.5},
    )
    handles = [
        plt.Line2D([], [], color=RED, linewidth=3, label=tr("1855 border (Treaty of Shimoda), Vries Strait")),
        plt.Line2D(
            [],
            [],
            color=PURPLE,
            linewidth=2.5,
            marker=">",
            label=tr(
                "towards the 1875 border (Treaty of Saint Petersburg),\n"
                "First Kuril Strait, about {km} km to the north-east",
                km=num(round(km, -1)),
            ),
        ),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0), fontsize=10)
    ax.text(144.2, 43.4, tr("Hokkaido"), ha="center", fontsize=12, fontweight="bold")
    ax.text(147.25, 43.85, tr("the four\nislands"), ha="left", va="top", fontsize=10)
    ax.text(149.95, 45.42, tr("Uruppu/Urup").replace("/", "/\n"), ha="center", va="center", fontsize=10)
    _scale_bar(ax, 148.6, 42.95)
    sources = list(dict.fromkeys(by_id["1855"]["properties"]["sources"] + by_id["1875"]["properties"]["sources"]))
    return figure(
        fig,
        caption=tr(
            "The first border, 1855, ran between Etorofu/Iturup and Uruppu/Urup. In 1875 Japan took the whole "
            "chain north to the First Kuril Strait, off this map. Lines at sea are schematic."
        ),
        alt=tr(
            "Map of eastern Hokkaido, the four islands and Uruppu/Urup. A red line through the Vries Strait marks "
            "the 1855 border; an arrow at the top right points to the 1875 border, about {km} km to the north-east.",
            km=num(round(km, -1)),
        ),
        sources=sources,
        dataset=["lines", "region"],
    )


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


# --- charts --------------------------------------------------------------------------------------


@every_language
def island_sizes(islands: pd.DataFrame | None = None) -> Figure:
    """Chapter 1: area of each island (with the range across sources) and its residents in 1945 and now."""
    isl = _islands(islands)
    names = [island_name(row) for _, row in isl.iterrows()]
    fig, (left, right) = plt.subplots(2, 1, figsize=(WIDTH, 5.2), gridspec_kw={"hspace": 0.45})
    y = range(len(isl))
    low = isl["area_km2"] - isl["area_km2_min"]
    high = isl["area_km2_max"] - isl["area_km2"]
    left.barh(y, isl["area_km2"], color=BLUE, xerr=[low, high], error_kw={"ecolor": INK, "capsize": 3})
    left.set_yticks(list(y), names)
    left.set_title(tr("Area (km²)"), loc="left")
    for i, value in enumerate(isl["area_km2"]):
        left.text(value + high.iloc[i] + 60, i, num(value), va="center", fontsize=10)
    left.set_xlim(0, isl["area_km2_max"].max() * 1.35)
    now_year = int(isl["pop_now_year"].max())
    offset = 0.2
    right.barh([i + offset for i in y], isl["pop_1945"], height=0.4, color=ORANGE, label=tr("Japanese residents, 1945"))
    right.barh(
        [i - offset for i in y], isl["pop_now"], height=0.4, color=GREEN, label=tr("Residents, {year}", year=now_year)
    )
    right.set_title(tr("Residents"), loc="left")
    right.set_yticks(list(y), names)
    right.set_xlim(0, max(isl["pop_1945"].max(), isl["pop_now"].max()) * 1.45)
    for i, (then, now) in enumerate(zip(isl["pop_1945"], isl["pop_now"], strict=True)):
        right.text(then + 150, i + offset, num(then), va="center", fontsize=10.5)
        right.text(now + 150, i - offset, num(now) if now else tr("0 (border guards only)"), va="center", fontsize=10.5)
    right.legend(loc="lower right", bbox_to_anchor=(1.0, 0.98), fontsize=10.5)
    for ax in (left, right):
        ax.tick_params(axis="x", labelsize=10.5)
    total = isl["area_km2"].sum()
    biggest = isl["area_km2"].idxmax()
    return figure(
        fig,
        caption=tr(
            "Area and residents of each island. The whiskers show the range of areas the sources give; "
            "present residents are the Japanese government's estimates for {year}.",
            year=now_year,
        ),
        alt=tr(
            "Two bar charts. Area: {areas} (total {total} km², {largest} the largest). Residents in 1945 and {year}: "
            "{residents}.",
            areas=tr("; ").join(
                tr("{island} {area} km²", island=n, area=num(a)) for n, a in zip(names, isl["area_km2"], strict=True)
            ),
            total=num(total),
            largest=island_name(isl.loc[biggest]),
            year=now_year,
            residents=tr("; ").join(
                tr("{island} {then} and {now}", island=n, then=num(a), now=num(b))
                for n, a, b in zip(names, isl["pop_1945"], isl["pop_now"], strict=True)
            ),
        ),
        sources=_ids(isl.reset_index()),
        dataset="islands",
    )


@every_language
def area_shares(highlight: Iterable[str] = ("shikotan", "habomai"), islands: pd.DataFrame | None = None) -> Figure:
    """Chapter 4: each island's share of the total area, the islands in ``highlight`` set apart."""
    isl = _islands(islands)
    chosen = list(highlight)
    _islands(islands, chosen)  # unknown ids raise here
    total = isl["area_km2"].sum()
    fig, ax = plt.subplots(figsize=(WIDTH, 1.9))
    start = 0.0
    for island_id, row in isl.iterrows():
        share = row["area_km2"] / total
        picked = island_id in chosen
        ax.barh(0, share, left=start, color=ORANGE if picked else BLUE, edgecolor=INK, linewidth=0.6, height=0.6)
        label = f"{island_name(row)}\n{share:.0%}"
        if share > 0.12:
            ax.text(start + share / 2, 0, label, ha="center", va="center", fontsize=10, color="white")
        start += share
    picked_share = isl.loc[chosen, "area_km2"].sum() / total
    names = tr(" and ").join(island_name(isl.loc[i]) for i in chosen)
    ax.annotate(
        tr("{islands}: {share} of the area", islands=names, share=f"{picked_share:.0%}"),
        xy=(picked_share / 2, -0.32),
        xytext=(0.0, -0.75),
        fontsize=10,
        ha="left",
        va="top",
        arrowprops={"arrowstyle": "-", "color": INK, "linewidth": 0.8},
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(-1.1, 0.45)
    ax.set_axis_off()
    return figure(
        fig,
        caption=tr(
            "Each island's share of the four islands' total area of {total} km²; {islands} in orange.",
            total=num(total),
            islands=names,
        ),
        alt=tr(
            "A single bar divided by island: {shares}. {islands} together make up {share}.",
            shares=tr("; ").join(f"{island_name(row)} {row['area_km2'] / total:.0%}" for _, row in isl.iterrows()),
            islands=names,
            share=f"{picked_share:.0%}",
        ),
        sources=_ids(isl.reset_index()),
        dataset="islands",
    )


def _events(start: int, end: int, events: pd.DataFrame | None) -> pd.DataFrame:
    events = data.load("events") if events is None else events
    if start > end:
        raise ValueError(f"start={start} is after end={end}")
    years = events["date"].map(_year)
    chosen = events[(years >= start) & (years <= end)].sort_values("date")
    if chosen.empty:
        raise ValueError(f"no events between {start} and {end} in events.csv")
    return chosen


@every_language
def events_timeline(start: int, end: int, events: pd.DataFrame | None = None, caption: str = "") -> Figure:
    """A vertical timeline of the events from ``start`` to ``end``: one dated line each, coloured by category."""
    chosen = _events(start, end, events)
    categories = list(dict.fromkeys(chosen["category"]))
    styles = _category_styles(categories)
    titles = [_wrap(tr(t), 34) for t in chosen["title"]]
    rows = [len(t) for t in titles]
    n = sum(rows)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.5 + 0.22 * n + 0.12 * len(chosen)))
    y = 0.0
    ax.plot([0, 0], [0.4, -(n + 0.12 * len(chosen) * 4) + 0.6], color=INK, linewidth=1)
    for (_, event), lines in zip(chosen.iterrows(), titles, strict=True):
        colour, marker = styles[event["category"]]
        ax.plot(0, y, marker, color=colour, markersize=8, markeredgecolor=INK, markeredgewidth=0.5)
        ax.text(-0.25, y, _format_date(event["date"]), ha="right", va="center", fontsize=10)
        ax.text(
            0.25,
            y + (0.45 if len(lines) > 1 else 0),
            "\n".join(lines),
            ha="left",
            va="top" if len(lines) > 1 else "center",
            fontsize=10,
            linespacing=1.1,
            transform=ax.transData,
        )
        y -= len(lines) + 0.5
    ax.set_xlim(-2.6, 6)
    ax.set_ylim(y + 0.3, 0.8)
    ax.set_axis_off()
    handles = [
        plt.Line2D([], [], marker=styles[c][1], linestyle="", color=styles[c][0], markeredgecolor=INK, label=tr(c))
        for c in categories
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=10)
    n = len(chosen)
    period = str(start) if start == end else f"{start}–{end}"
    return figure(
        fig,
        caption=tr(caption)
        if caption
        else tr("The events of {period} recorded in the course's data, in date order, by category.", period=period),
        alt=tr(
            "Timeline of {n} events, {period}: {events}.",
            n=n,
            period=period,
            events=tr("; ").join(f"{_format_date(e['date'])}{tr(', ')}{tr(e['title'])}" for _, e in chosen.iterrows()),
        ),
        sources=_ids(chosen),
        dataset="events",
    )


def _format_date(date: str) -> str:
    """'7 Feb 1855', 'Feb 1855' or '1855', in the language being drawn."""
    parts = str(date).split("-")
    if len(parts) == 1:
        return parts[0]
    month = tr(MONTHS[int(parts[1]) - 1])
    if len(parts) == 3:
        return tr("{day} {month} {year}", day=int(parts[2]), month=month, year=parts[0])
    return tr("{month} {year}", month=month, year=parts[0])


#: The months' short names (their translations are in the figures' catalogue).
MONTHS = [tr("Jan"), tr("Feb"), tr("Mar"), tr("Apr"), tr("May"), tr("Jun")]
MONTHS += [tr("Jul"), tr("Aug"), tr("Sep"), tr("Oct"), tr("Nov"), tr("Dec")]


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters: at spaces, or (Japanese, written without them) every width/2
    characters, since a kanji or kana is about twice as wide as a Latin letter."""
    if " " in text or len(text) <= width // 2:
        return textwrap.wrap(text, width)
    return [text[i : i + width // 2] for i in range(0, len(text), width // 2)]


@every_language
def events_per_year(start: int, end: int, events: pd.DataFrame | None = None) -> Figure:
    """Chapter 5: how many recorded events fall in each year, stacked by category."""
    chosen = _events(start, end, events)
    counts = pd.crosstab(chosen["date"].map(_year), chosen["category"]).reindex(range(start, end + 1), fill_value=0)
    order = [c for c in counts.sum().sort_values(ascending=False).index if c != "other"]
    counts = counts[order + (["other"] if "other" in counts.columns else [])]
    styles = _category_styles(counts.columns)
    fig, ax = plt.subplots(figsize=(WIDTH, 3.4))
    bottom = pd.Series(0, index=counts.index)
    for category in counts.columns:
        colour = styles[category][0]
        ax.bar(
            counts.index,
            counts[category],
            bottom=bottom,
            color=colour,
            label=tr(category),
            width=0.8,
            edgecolor=INK,
            linewidth=0.4,
            hatch="///" if colour == RED else None,  # red and orange differ in pattern too
        )
        bottom += counts[category]
    ax.set_ylabel(tr("events"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="x", labelsize=10.5)
    ax.legend(fontsize=10.5, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    busiest = counts.sum(axis=1)
    top = busiest.idxmax()
    return figure(
        fig,
        caption=tr(
            "Events recorded in the course's data for each year from {start} to {end}, by category.",
            start=start,
            end=end,
        ),
        alt=tr(
            "Stacked bar chart of {n} events, {start}–{end}. The busiest year is {top} with {most} events; "
            "{empty} years have none. Categories: {categories}.",
            n=int(busiest.sum()),
            start=start,
            end=end,
            top=top,
            most=int(busiest[top]),
            empty=int((busiest == 0).sum()),
            categories=tr(", ").join(f"{tr(c)} {int(counts[c].sum())}" for c in counts.columns),
        ),
        sources=_ids(chosen),
        dataset="events",
    )


def _meetings(meetings: pd.DataFrame | None) -> pd.DataFrame:
    meetings = data.load("meetings") if meetings is None else meetings
    unknown = sorted(set(meetings["format"]) - set(FORMATS) - {"phone-call"})
    if unknown:
        raise ValueError(f"unknown meeting format(s) {', '.join(unknown)}; known: {', '.join(FORMATS)}")
    return meetings[meetings["format"] != "phone-call"]  # phone calls are not meetings


@every_language
def meetings_per_year(meetings: pd.DataFrame | None = None) -> Figure:
    """Chapter 6: Abe–Putin meetings in person per year, stacked by kind."""
    met = _meetings(meetings)
    years = met["date"].map(_year)
    counts = pd.crosstab(years, met["format"]).reindex(range(years.min(), years.max() + 1), fill_value=0)
    kinds = [k for k in FORMATS if k in counts.columns]
    fig, ax = plt.subplots(figsize=(WIDTH, 3.2))
    bottom = pd.Series(0, index=counts.index)
    for i, kind in enumerate(kinds):
        ax.bar(counts.index, counts[kind], bottom=bottom, color=PALETTE[i], label=tr(FORMATS[kind]), width=0.7)
        bottom += counts[kind]
    for year, total in bottom.items():
        ax.text(year, total + 0.1, str(total), ha="center", va="bottom", fontsize=10)
    ax.set_ylabel(tr("meetings"))
    ax.set_ylim(0, bottom.max() + 2.6)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=10.5, loc="upper left", ncol=2)
    return figure(
        fig,
        caption=tr(
            "Abe and Putin met in person {n} times from {first} to {last}, "
            "most often on the sidelines of multilateral summits (phone calls not counted).",
            n=len(met),
            first=counts.index.min(),
            last=counts.index.max(),
        ),
        alt=tr(
            "Stacked bar chart of meetings per year: {years}.",
            years=tr("; ").join(
                tr(
                    "{year}: {total} ({kinds})",
                    year=year,
                    total=total,
                    kinds=tr(", ").join(
                        f"{counts.loc[year, k]} {tr(FORMATS[k])}" for k in kinds if counts.loc[year, k]
                    ),
                )
                for year, total in bottom.items()
            ),
        ),
        sources=_ids(met),
        dataset="meetings",
    )


@every_language
def meetings_timeline(
    marks: Iterable[str] = (), meetings: pd.DataFrame | None = None, events: pd.DataFrame | None = None
) -> Figure:
    """Chapter 7: every in-person meeting on a date axis, by kind, with the events in ``marks`` drawn as lines."""
    met = _meetings(meetings)
    events = data.load("events") if events is None else events
    marked = events.set_index("id")
    marks = list(marks)
    unknown = [m for m in marks if m not in marked.index]
    if unknown:
        raise ValueError(f"unknown event id(s) {', '.join(unknown)} (not in events.csv)")
    kinds = [k for k in FORMATS if k in set(met["format"])]
    fig, ax = plt.subplots(figsize=(WIDTH * 0.8, 3.0))
    for i, kind in enumerate(kinds):
        rows = met[met["format"] == kind]
        ax.plot(
            rows["date"].map(_when),
            [len(kinds) - 1 - i] * len(rows),
            "o",
            color=PALETTE[i],
            markersize=8,
            markeredgecolor=INK,
            markeredgewidth=0.5,
        )
    for event_id in marks:
        when = _when(marked.loc[event_id, "date"])
        ax.axvline(when, color=RED, linewidth=1.5, linestyle="--")
        title = tr(marked.loc[event_id, "title"])
        ax.text(when + 0.05, len(kinds) - 0.4, title, fontsize=10.5, va="bottom", wrap=True)
    ax.set_yticks(range(len(kinds)), ["\n".join(_wrap(tr(FORMATS[k]), 22)) for k in reversed(kinds)])
    first, last = met["date"].map(_year).min(), met["date"].map(_year).max()
    ax.set_xlim(first, last + 1)
    ax.set_ylim(-0.6, len(kinds) + 0.3)
    ax.set_xticks(range(first, last + 2), [f"’{y % 100:02d}" if y > first else str(y) for y in range(first, last + 2)])
    ax.grid(axis="x", color=INK, alpha=0.15)
    marked_text = tr("; ").join(
        f"{_format_date(marked.loc[m, 'date'])}{tr(', ')}{tr(marked.loc[m, 'title'])}" for m in marks
    )
    dates = tr("; ").join(f"{_format_date(r['date'])} ({tr(FORMATS[r['format']])})" for _, r in met.iterrows())
    return figure(
        fig,
        caption=tr(
            "Each in-person Abe–Putin meeting, by date and kind; the dashed line marks {marked}.", marked=marked_text
        )
        if marks
        else tr("Each in-person Abe–Putin meeting, by date and kind."),
        alt=tr(
            "Dot chart of {n} meetings from {first} to {last}: {dates}. A dashed line marks {marked}.",
            n=len(met),
            first=first,
            last=last,
            dates=dates,
            marked=marked_text,
        )
        if marks
        else tr(
            "Dot chart of {n} meetings from {first} to {last}: {dates}.",
            n=len(met),
            first=first,
            last=last,
            dates=dates,
        ),
        sources=_ids(met) + [s for m in marks for s in marked.loc[m, "sources"]],
        dataset=["meetings", "events"] if marks else "meetings",
    )


@every_language
def documents_and_events(documents: Iterable[str], start: int, end: int, events: pd.DataFrame | None = None):
    """Chapter 10: the events of each year as dots, and when each of ``documents`` was written."""
    chosen = _events(start, end, events)
    sources = data.load("sources").set_index("id")
    documents = list(documents)
    unknown = [d for d in documents if d not in sources.index]
    if unknown:
        raise ValueError(f"unknown source id(s) {', '.join(unknown)} (not in sources.csv)")
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(WIDTH * 0.72, 4.6), sharex=True, gridspec_kw={"height_ratios": [1, 1.5], "hspace": 0.08}
    )
    # Events as a dot histogram by quarter: each dot one event.
    quarters = chosen["date"].map(lambda d: math.floor(_when(d) * 4) / 4)
    for quarter, count in quarters.value_counts().items():
        top.plot([quarter + 0.125] * count, range(1, count + 1), "o", color=BLUE, markersize=4.5)
    top.set_ylabel(tr("events\nper quarter"), fontsize=10)
    top.yaxis.get_major_locator().set_params(integer=True)
    top.grid(axis="x", color=INK, alpha=0.15)
    ordered = sorted(documents, key=lambda d: sources.loc[d, "date"])
    for j, doc in enumerate(ordered):
        parts = sources.loc[doc, "date"].split("-")
        left = int(parts[0]) + ((int(parts[1]) - 1) / 12 if len(parts) > 1 else 0)
        width = 1 / 12 if len(parts) > 1 else 1
        bottom.barh(j, width, left=left, height=0.6, color=ORANGE)
    bottom.set_yticks(
        range(len(ordered)),
        ["\n".join(textwrap.wrap(short_citation(sources.loc[d]), 24)) for d in ordered],
        fontsize=10.5,
    )
    bottom.invert_yaxis()
    bottom.set_xlim(start, end + 1)
    bottom.set_xticks(range(start, end + 2))
    bottom.grid(axis="x", color=INK, alpha=0.15)
    bottom.tick_params(axis="x", labelsize=10)
    return figure(
        fig,
        caption=tr(
            "The events of {start}–{end} in the course's data (one dot each, by quarter) and when each of the "
            "documents was written (orange: the whole year where only the year is known, the month where it is).",
            start=start,
            end=end,
        ),
        alt=tr(
            "Chart of {n} events from {start} to {end}, with the writing dates of {count} documents: "
            "{documents}. Events after a document's date could not be known to its author.",
            n=len(chosen),
            count=len(documents),
            start=start,
            end=end,
            documents=tr("; ").join(f"{short_citation(sources.loc[d])}, {sources.loc[d, 'date']}" for d in documents),
        ),
        sources=list(documents) + _ids(chosen),
        dataset=["events", "sources"],
    )


@every_language
def red_lines(checks: pd.DataFrame, positions: pd.DataFrame | None = None) -> Figure:
    """Chapter 11: a formula × position grid of 'met', 'not met' and 'condition only', as colours.

    ``checks`` has a ``formula`` column and one column per position id (the chapter computes it).
    Positions stated only as conditions in words are left out of the grid and named in the caption.
    """
    positions = (data.load("positions") if positions is None else positions).set_index("id")
    columns = [c for c in checks.columns if c != "formula"]
    unknown = [c for c in columns if c not in positions.index]
    if "formula" not in checks.columns or unknown:
        raise ValueError(f"checks needs a 'formula' column and position ids as columns; unknown: {unknown}")
    values = set(checks[columns].to_numpy().ravel())
    if not values <= {"met", "not met", "condition only"}:
        raise ValueError(f"unexpected values {sorted(values - {'met', 'not met', 'condition only'})}")
    islands = data.load("islands").set_index("id")
    shown = [c for c in columns if not (checks[c] == "condition only").all()]
    words = [c for c in columns if c not in shown]

    def label(pid: str) -> str:
        p = positions.loc[pid]
        side = p["side"]
        need = [i for i in str(p[f"requires_{side}"] or "").split(";") if i]
        # One word a line: a column is narrow, and a translated name ("Острова Хабомаи") is longer than "Habomai".
        words = [
            re.sub(r"(/)\s*|\s+", lambda m: "/\n" if m.group(1) else "\n", tr(islands.loc[i, "name_ja_en"]))
            for i in need
        ]
        names = tr("all four") if len(need) == 4 else (tr(",") + "\n").join(words)
        who = tr("Japan") if side == "japan" else tr("Russia")
        return f"{who}\n{str(p['date'])[:4]}:\n{names}"

    fig, ax = plt.subplots(figsize=(WIDTH * 0.72, 1.4 + 0.56 * len(checks)))
    colours = {"met": GREEN, "not met": RED}
    for row, (_, formula) in enumerate(checks.iterrows()):
        for col, pid in enumerate(shown):
            value = formula[pid]
            ax.add_patch(plt.Rectangle((col, row), 0.94, 0.9, color=colours[value]))
            ax.text(
                col + 0.47,
                row + 0.45,
                "✓" if value == "met" else "✗",
                ha="center",
                va="center",
                fontsize=10.5,
                color="white",
            )
    ax.set_xlim(0, len(shown))
    ax.set_ylim(len(checks), 0)
    ax.set_yticks([r + 0.45 for r in range(len(checks))], ["\n".join(_wrap(tr(f), 30)) for f in checks["formula"]])
    ax.xaxis.tick_top()
    ax.set_xticks([c + 0.47 for c in range(len(shown))], [label(p) for p in shown], fontsize=9.5)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    met_all = [f for _, f in checks.iterrows() if all(f[p] == "met" for p in shown)]
    return figure(
        fig,
        caption=tr(
            "Each formula against each side's red lines that name islands: a column heads the side, the year "
            "and the islands that side requires for itself (green: met; red: not met). "
            "{n} positions stated as conditions in words cannot be checked this way and are not shown.",
            n=len(words),
        ),
        alt=tr(
            "Grid of {formulas} formulas by {positions} positions. {each} {n} formulas meet all of them.",
            formulas=len(checks),
            positions=len(shown),
            each=" ".join(
                tr(
                    "{formula}: meets {met} of {all}.",
                    formula=tr(f["formula"]),
                    met=sum(f[p] == "met" for p in shown),
                    all=len(shown),
                )
                for _, f in checks.iterrows()
            ),
            n=len(met_all),
        ),
        sources=[s for p in shown for s in positions.loc[p, "sources"]],
        dataset=["proposals", "positions"],
    )


# --- the economy and the wider frame (issue 17) ---------------------------------------------------

REPORTERS = {"japan": "Japan's statistics", "russia": "Russia's statistics"}
#: How a chart label and its alt text mark a figure that the source gives only as a bound.
BOUNDS = {"at-least": (">", tr("more than {figure}")), "at-most": ("<", tr("less than {figure}"))}


def _bound(row: pd.Series, form: int, figure: str) -> str:
    """``figure`` with its row's bound: form 0 for a chart label ('>5'), 1 in words ('more than 5')."""
    bound = row.get("bound")
    if not (isinstance(bound, str) and bound in BOUNDS):
        return figure
    return BOUNDS[bound][0] + figure if form == 0 else tr(BOUNDS[bound][1], figure=figure)


@every_language
def trade_by_year(trade: pd.DataFrame | None = None) -> Figure:
    """Chapter 7: Japan–Russia trade by year, one marker style per reporting side; exports and imports where given."""
    trade = (data.load("trade") if trade is None else trade).sort_values(["year", "reporter"])
    if trade.empty:
        raise ValueError("trade has no rows to draw")
    fig, ax = plt.subplots(figsize=(WIDTH, 3.3))
    for i, (reporter, rows) in enumerate(trade.groupby("reporter", sort=True)):
        ax.plot(
            rows["year"],
            rows["total_usd_bn"],
            MARKERS[i],
            color=PALETTE[i],
            markersize=8,
            label=tr(REPORTERS[reporter]),
        )
        for _, row in rows.iterrows():
            ax.annotate(
                _bound(row, 0, f"{row['total_usd_bn']:.{2 if row['total_usd_bn'] < 10 else 3}g}"),
                (row["year"], row["total_usd_bn"]),
                textcoords="offset points",
                xytext=(0, 12) if reporter == "japan" else (7, -8),
                ha="center" if reporter == "japan" else "left",
                va="center",
                fontsize=9.5,
            )
    split = trade.dropna(subset=["japan_exports_usd_bn", "japan_imports_usd_bn"])
    for _, row in split.iterrows():
        ax.bar(row["year"], row["japan_imports_usd_bn"], width=0.5, color=GREEN, alpha=0.6)
        ax.bar(
            row["year"],
            row["japan_exports_usd_bn"],
            width=0.5,
            bottom=row["japan_imports_usd_bn"],
            color=PURPLE,
            alpha=0.6,
        )
    handles, _ = ax.get_legend_handles_labels()
    if not split.empty:
        handles += [
            matplotlib.patches.Patch(color=GREEN, alpha=0.6, label=tr("of which Japan's imports from Russia")),
            matplotlib.patches.Patch(color=PURPLE, alpha=0.6, label=tr("of which Japan's exports to Russia")),
        ]
    ax.set_xlim(1999.5, 2018.5)
    ax.set_ylim(0, trade["total_usd_bn"].max() * 1.25)
    ax.set_xticks(range(2000, 2019, 3))
    ax.set_ylabel(tr("billion US dollars"))
    ax.legend(handles=handles, fontsize=9.5, loc="upper left", bbox_to_anchor=(0.0, -0.14))
    missing = sorted(set(range(2000, 2019)) - set(trade["year"]))
    return figure(
        fig,
        caption=tr(
            "Japan–Russia trade in goods, in the years for which this course found a sourced figure; "
            "no point is drawn for {n} of the 19 years from 2000 to 2018. "
            "Each side's statistics count the same trade differently; "
            "> and < mark figures a source gives only as 'more than' or 'less than'.",
            n=len(missing),
        ),
        alt=tr(
            "Chart of Japan–Russia trade by year: {years}. No figure for {missing}.",
            years=tr("; ").join(
                tr(
                    "{year}, {reporter}: {amount} billion dollars",
                    year=r["year"],
                    reporter=tr(REPORTERS[r["reporter"]]),
                    amount=_bound(r, 1, f"{r['total_usd_bn']:g}"),
                )
                + (
                    tr(
                        " (Japan's exports {exports}, imports {imports})",
                        exports=f"{r['japan_exports_usd_bn']:g}",
                        imports=f"{r['japan_imports_usd_bn']:g}",
                    )
                    if pd.notna(r["japan_exports_usd_bn"]) and pd.notna(r["japan_imports_usd_bn"])
                    else ""
                )
                for _, r in trade.iterrows()
            ),
            missing=", ".join(map(str, missing)),
        ),
        sources=_ids(trade),
        dataset="trade",
    )


FLOWS = {
    "japan-exports": ("exports", "Japan's exports to Russia"),
    "japan-imports": ("imports", "Japan's imports from Russia"),
}


@every_language
def trade_goods(goods: pd.DataFrame | None = None) -> Figure:
    """Chapter 7: the main goods' share of Japan's exports to and imports from Russia, one bar per source's figure."""
    goods = data.load("trade_goods") if goods is None else goods
    shares = goods.dropna(subset=["share_pct"])
    shares = shares.sort_values(["year", "flow", "share_pct"], ascending=[True, True, False])
    if shares.empty:
        raise ValueError("trade_goods has no shares to draw")
    fig, ax = plt.subplots(figsize=(WIDTH, 1.2 + 0.42 * len(shares)))
    colours = {"japan-exports": PURPLE, "japan-imports": GREEN}
    for i, (_, row) in enumerate(shares.iterrows()):
        y = len(shares) - 1 - i
        ax.barh(y, row["share_pct"], height=0.6, color=colours[row["flow"]], alpha=0.8)
        ax.text(row["share_pct"] + 1.5, y, f"{row['share_pct']:g}%", va="center", fontsize=10)
    ax.set_yticks(
        range(len(shares)),
        [f"{r['year']} {tr(FLOWS[r['flow']][0])}: {tr(r['goods'])}" for _, r in shares.iloc[::-1].iterrows()],
        fontsize=9.5,
    )
    ax.set_xlim(0, 100)
    ax.set_xlabel(tr("% of that year's flow"))
    ax.legend(
        handles=[matplotlib.patches.Patch(color=colours[f], alpha=0.8, label=tr(FLOWS[f][1])) for f in FLOWS],
        fontsize=9.5,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.16),
    )
    values = goods[goods["share_pct"].isna() & goods["value_usd_bn"].notna()]
    return figure(
        fig,
        caption=tr(
            "The main goods in Japan–Russia trade as a share of Japan's exports to Russia or of its imports from "
            "Russia, in the {n} years for which this course found a source that gives a share. "
            "Sources group goods differently (cars or all transport equipment; crude oil or all fuels), "
            "so bars from different sources for the same year overlap and are not added up.",
            n=shares["year"].nunique(),
        ),
        alt=tr(
            "Bar chart of the main goods' shares: {shares}.",
            shares=tr("; ").join(
                f"{r['year']}, {tr(FLOWS[r['flow']][1])}: {tr(r['goods'])} {r['share_pct']:g}%"
                for _, r in shares.iterrows()
            ),
        )
        + (
            tr(
                " Given as a value only, not drawn: {values}.",
                values=tr("; ").join(
                    tr(
                        "{year}, {flow}: {goods} {value} billion dollars",
                        year=r["year"],
                        flow=tr(FLOWS[r["flow"]][1]),
                        goods=tr(r["goods"]),
                        value=f"{r['value_usd_bn']:g}",
                    )
                    for _, r in values.iterrows()
                ),
            )
            if not values.empty
            else ""
        ),
        sources=_ids(pd.concat([shares, values])),
        dataset="trade_goods",
    )


@every_language
def japan_investment(investment: pd.DataFrame | None = None) -> Figure:
    """Chapter 7: stated figures for Japanese investment in Russia, by the year each describes, with who said it."""
    investment = (data.load("japan_investment") if investment is None else investment).sort_values(["year", "said"])
    if investment.empty:
        raise ValueError("japan_investment has no rows to draw")
    fig, ax = plt.subplots(figsize=(WIDTH, 3.2))
    statements = list(dict.fromkeys(investment["said"]))
    for _, row in investment.iterrows():
        i = statements.index(row["said"]) % len(PALETTE)
        ax.plot(row["year"], row["amount_usd_bn"], MARKERS[i], color=PALETTE[i], markersize=8)
        ax.annotate(
            f"{_bound(row, 0, format(row['amount_usd_bn'], 'g'))} ({tr(row['speaker_short'])}, {row['said'][:7]})",
            (row["year"], row["amount_usd_bn"]),
            textcoords="offset points",
            xytext=(7, 0),
            ha="left",
            va="center",
            fontsize=9,
        )
    ax.set_xlim(2002.5, 2021)
    ax.set_yscale("log")  # the figures differ tenfold: a log scale keeps the small ones apart
    ax.set_ylim(investment["amount_usd_bn"].min() / 1.6, investment["amount_usd_bn"].max() * 1.6)
    ax.yaxis.set_major_locator(matplotlib.ticker.FixedLocator([1, 2, 5, 10, 20]))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_xticks(range(2003, 2019, 3))
    ax.set_ylabel(tr("billion US dollars (log scale)"))
    return figure(
        fig,
        caption=tr(
            "Japanese investment in Russia as officials stated it, by the year each figure describes, "
            "labelled with the speaker and the month the figure was given (a log scale: each step up multiplies). "
            "The figures count different things, "
            "which the speakers seldom say, so they are not one series and the points are not joined."
        ),
        alt=tr(
            "Chart of stated figures for Japanese investment in Russia: {figures}.",
            figures=tr("; ").join(
                tr(
                    "for {year}, {amount} billion dollars, said by {speaker} in {month} ({measure})",
                    year=r["year"],
                    amount=_bound(r, 1, f"{r['amount_usd_bn']:g}"),
                    speaker=tr(r["speaker"]),
                    month=r["said"][:7],
                    measure=tr(r["measure"]),
                )
                for _, r in investment.iterrows()
            ),
        ),
        sources=_ids(investment),
        dataset="japan_investment",
    )


PLACES = {
    "four-islands": "the four islands",
    "yuzhno-kurilsky-district": "Yuzhno-Kurilsky district",
    "yuzhno-kurilsk": "Yuzhno-Kurilsk (Kunashiri/Kunashir)",
    "kurilsk": "Kurilsk, Shana before 1945 (Etorofu/Iturup)",
}


@every_language
def island_population(population: pd.DataFrame | None = None) -> Figure:
    """Chapter 1: people on the four islands (1945, 2016, 2018) and in their two main towns at each count."""
    population = (data.load("island_population") if population is None else population).sort_values("year")
    fig, ax = plt.subplots(figsize=(WIDTH, 3.4))
    shown = [p for p in PLACES if p in set(population["place"])]
    for i, place in enumerate(shown):
        rows = population[population["place"] == place]
        ax.plot(
            rows["year"], rows["population"], "-" + MARKERS[i], color=PALETTE[i], markersize=7, label=tr(PLACES[place])
        )
    ax.axvline(1945.6, color=INK, linewidth=0.8, linestyle=":")
    ax.text(1946.5, population["population"].max() * 1.02, tr("Soviet administration\nfrom 1945"), fontsize=9, va="top")
    ax.set_ylabel(tr("people"))
    ax.set_ylim(0, population["population"].max() * 1.15)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: num(v)))
    ax.legend(fontsize=9.5, loc="upper left", bbox_to_anchor=(0.0, -0.12))
    return figure(
        fig,
        caption=tr(
            "People living on the four islands in 1945 (Japanese residents), in 2016 and 2018 (Russian figures and "
            "Japanese government estimates), and in the two main towns at the Soviet and Russian censuses. "
            "Lines join counts years apart; nothing is known here about the years between."
        ),
        alt=tr(
            "Line chart of population: {places}.",
            places=tr("; ").join(
                f"{tr(PLACES[place])}: "
                + tr(", ").join(
                    f"{r['year']} {num(r['population'])}"
                    for _, r in population[population["place"] == place].iterrows()
                )
                for place in shown
            ),
        ),
        sources=_ids(population),
        dataset="island_population",
    )


@every_language
def kuril_programme_budgets(programmes: pd.DataFrame | None = None) -> Figure:
    """Chapter 1: each federal programme for the Kurils as a bar over its years, labelled with its announced budget."""
    programmes = (data.load("kuril_programmes") if programmes is None else programmes).sort_values("first_year")
    fig, ax = plt.subplots(figsize=(WIDTH, 1.2 + 0.8 * len(programmes)))
    labels = []
    for i, (_, row) in enumerate(programmes.iterrows()):
        y = len(programmes) - 1 - i
        ax.barh(y, row["last_year"] - row["first_year"] + 1, left=row["first_year"], height=0.4, color=PALETTE[i])
        parts = []
        if pd.notna(row["federal_rub_bn"]):
            parts.append(tr("federal {amount}", amount=f"{row['federal_rub_bn']:g}"))
        if pd.notna(row["total_rub_bn"]):
            parts.append(tr("all sources {amount}", amount=f"{row['total_rub_bn']:g}"))
        budget = tr("{amounts} bn roubles", amounts=tr(", ").join(parts)) if parts else tr("budget not found")
        labels.append(f"{row['first_year']}–{row['last_year']}: {budget}")
        # Above its bar, from the left edge, in the text colour: a short bar cannot hold the label (white on
        # white past its end), and a label starting at a late bar would run past the chart.
        shown = textwrap.fill(labels[-1], 52)  # a long label (Russian) on two lines, not past the chart's edge
        ax.text(programmes["first_year"].min() - 0.5, y + 0.25, shown, va="bottom", fontsize=9.5, linespacing=1.1)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlim(programmes["first_year"].min() - 0.5, programmes["last_year"].max() + 1.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return figure(
        fig,
        caption=tr(
            "Russia's federal programmes for the Kuril Islands, with the budgets announced for them (roubles at the "
            "prices of each year, for the whole chain under Russian administration, not only the four islands)."
        ),
        alt=tr("Bars over the years each programme covers: {programmes}.", programmes=tr("; ").join(labels)),
        sources=_ids(programmes),
        dataset="kuril_programmes",
    )


ANSWERS = {
    "four-islands": "all four islands together",
    "two-first": "two islands first, the rest later",
    "two-only": "two islands only",
    "support-transfer": "would support handing islands to Japan",
    "oppose-transfer": "would not",
    "undecided": "hard to say",
}


@every_language
def opinion_polls(polls: pd.DataFrame | None = None) -> Figure:
    """Chapter 9: one horizontal stacked bar per poll, Japanese polls above Russian ones, answers by kind."""
    polls = data.load("polls") if polls is None else polls
    order = polls.sort_values(["country", "fieldwork"]).drop_duplicates("poll")
    fig, ax = plt.subplots(figsize=(WIDTH, 1.3 + 0.52 * len(order)))
    kinds = [k for k in ANSWERS if k in set(polls["answer_kind"])]
    colours = {"four-islands": BLUE, "two-first": ORANGE, "two-only": GREEN}
    colours |= {"support-transfer": PURPLE, "oppose-transfer": RED, "undecided": GREY}
    hatches = {"support-transfer": "//", "oppose-transfer": "//", "undecided": "//"}
    names, used = [], set()
    for y, (_, head) in enumerate(order.iloc[::-1].iterrows()):
        rows = polls[polls["poll"] == head["poll"]].set_index("answer_kind")
        left = 0.0
        for kind in kinds:
            if kind not in rows.index:
                continue
            share = float(rows.loc[kind, "percent"])
            label = None if kind in used else tr(ANSWERS[kind])
            ax.barh(y, share, left=left, color=colours[kind], height=0.62, label=label, hatch=hatches.get(kind))
            used.add(kind)
            if share >= 6:
                ax.text(left + share / 2, y, f"{share:g}", ha="center", va="center", fontsize=9.5, color="#ffffff")
            left += share
        names.append(f"{tr(head['pollster'])}, {head['fieldwork'][:7]} ({tr(head['country'].capitalize())})")
    ax.set_yticks(range(len(order)), names[: len(order)], fontsize=9.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel(tr("per cent of respondents"))
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.35, -0.28), ncol=2)
    return figure(
        fig,
        caption=tr(
            "Opinion on the islands in Japan and Russia, 2016–2018, as newspapers and the Levada Center reported it. "
            "Each poll asked its own question (see the polls data for the wording), so the bars are not one scale; "
            "shares that do not add up to 100 leave out other answers."
        ),
        alt=tr(
            "Stacked bars, one per poll: {polls}.",
            polls=tr("; ").join(
                f"{tr(h['pollster'])} ({tr(h['country'])}, {h['fieldwork'][:7]}): "
                + tr(", ").join(
                    f"{tr(ANSWERS[r['answer_kind']])} {r['percent']:g}%"
                    for _, r in polls[polls["poll"] == h["poll"]].iterrows()
                )
                for _, h in order.iterrows()
            ),
        ),
        sources=_ids(polls),
        dataset="polls",
    )
