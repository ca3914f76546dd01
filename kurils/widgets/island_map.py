"""The island map: the four islands and the Hokkaido coast, clickable, with group buttons.

Python draws the map once as SVG (which doubles as the static picture for print
and for builders without widgets); ``island_map.js`` attaches the interaction,
so the map responds on the static site with no kernel. ``selected`` is synced
both ways: read it, or set it with any of an island's names.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path

import anywidget
import traitlets

from kurils import data, geography

WIDTH = 760
#: Buttons that highlight groups of islands often discussed together.
GROUPS = [
    ("All four", ["habomai", "shikotan", "kunashiri", "etorofu"]),
    ("Habomai + Shikotan", ["habomai", "shikotan"]),
    ("Habomai + Shikotan + Kunashiri", ["habomai", "shikotan", "kunashiri"]),
    ("Kunashiri + Etorofu", ["kunashiri", "etorofu"]),
]
#: Where labels go (lon, lat, anchor): in the sea beside each shape, not on it.
LABELS = {
    "etorofu": (148.05, 44.62, "start"),
    "kunashiri": (146.08, 43.97, "start"),
    "shikotan": (147.0, 43.7, "start"),
    "habomai": (146.3, 43.38, "start"),
    "hokkaido": (144.0, 43.5, "middle"),
    "urup": (149.55, 46.05, "end"),
}
CONTEXT_LABELS = {"hokkaido": "Hokkaido", "urup": "Uruppu/Urup"}
SEAS = [("Sea of Okhotsk", 144.7, 45.3), ("Pacific Ocean", 148.6, 43.3)]


def pair(row: dict) -> str:
    """The course's name pair, Japanese name first (a fixed order that carries no claim)."""
    return row["name_ja_en"] if row["name_ja_en"] == row["name_ru_en"] else f"{row['name_ja_en']}/{row['name_ru_en']}"


class _Projection:
    """Equirectangular projection scaled for the map's middle latitude."""

    def __init__(self, bbox: list[float]) -> None:
        self.lon0, self.lat0, lon1, self.lat1 = bbox
        self.kx = math.cos(math.radians((self.lat0 + self.lat1) / 2))
        self.scale = WIDTH / ((lon1 - self.lon0) * self.kx)
        self.height = round((self.lat1 - self.lat0) * self.scale)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (round((lon - self.lon0) * self.kx * self.scale, 1), round((self.lat1 - lat) * self.scale, 1))

    def path(self, geometry: dict) -> str:
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        parts = []
        for polygon in polygons:
            for ring in polygon:
                points = [self(lon, lat) for lon, lat in ring]
                parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
        return "".join(parts)


def _svg(islands: list[dict]) -> str:
    """The map as one SVG element; islands carry ``data-id`` for the front-end."""
    outlines = geography.load()
    project = _Projection(outlines["bbox"])
    by_id = {row["id"]: row for row in islands}
    shapes, labels = [], []
    for feature in outlines["features"]:
        key = feature["properties"]["id"]
        d = project.path(feature["geometry"])
        lon, lat, anchor = LABELS[key]
        x, y = project(lon, lat)
        if key in by_id:
            name = escape(pair(by_id[key]))
            shapes.append(
                f'<path class="island" data-id="{key}" d="{d}" tabindex="0" role="button" '
                f'aria-pressed="false" aria-label="{name}"><title>{name}</title></path>'
            )
            position = f'x="{x}" y="{y}" text-anchor="{anchor}"'
            labels.append(f'<text class="label island-label" data-for="{key}" {position}>{name}</text>')
        else:
            shapes.append(f'<path class="context" d="{d}"/>')
            labels.append(
                f'<text class="label context-label" x="{x}" y="{y}" text-anchor="{anchor}">{CONTEXT_LABELS[key]}</text>'
            )
    for sea, lon, lat in SEAS:
        x, y = project(lon, lat)
        labels.append(f'<text class="sea-label" x="{x}" y="{y}">{sea}</text>')
    title = "Map of the four islands (Habomai, Shikotan, Kunashiri/Kunashir, Etorofu/Iturup) and eastern Hokkaido"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {project.height}" '
        f'role="group" aria-label="{title}" class="kurils-map">'
        f'<rect class="sea" width="{WIDTH}" height="{project.height}"/>'
        + "".join(shapes)
        + "".join(labels)
        + f'<text class="credit" x="{WIDTH - 6}" y="{project.height - 6}">Outlines: Natural Earth 1:10m</text>'
        + "</svg>"
    )


def _island_records() -> list[dict]:
    frame = data.load("islands")
    return [
        {key: (value if not isinstance(value, float) or not math.isnan(value) else None) for key, value in row.items()}
        for row in frame.to_dict("records")
    ]


class IslandMap(anywidget.AnyWidget):
    """Clickable map of the four islands; ``selected`` lists the ids of the highlighted ones."""

    _esm = Path(__file__).with_name("island_map.js")
    _css = Path(__file__).with_name("island_map.css")

    svg = traitlets.Unicode().tag(sync=True)
    islands = traitlets.List().tag(sync=True)
    groups = traitlets.List().tag(sync=True)
    selected = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(self, selected: list[str] | None = None, **kwargs) -> None:
        records = _island_records()
        super().__init__(
            svg=_svg(records),
            islands=records,
            groups=[{"label": label, "ids": ids} for label, ids in GROUPS],
            **kwargs,
        )
        if selected:
            self.selected = selected

    @traitlets.validate("selected")
    def _valid_selection(self, proposal: dict) -> list[str]:
        """Accept any name of an island (Iturup, 択捉島, etorofu); keep the map's order."""
        order = [row["id"] for row in self.islands]
        try:
            # Ids (what a click sends) need no look-up; other names go through the data set.
            ids = {name if name in order else data.island_id(name) for name in proposal["value"]}
        except KeyError as error:
            raise traitlets.TraitError(error.args[0]) from None
        return [island for island in order if island in ids]

    def select(self, *names: str) -> None:
        """Highlight the named islands, e.g. ``island_map.select("Kunashir", "択捉島")``."""
        self.selected = list(names)

    def _repr_mimebundle_(self, **kwargs):
        """Add the SVG picture, which print and non-widget builders show instead."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["image/svg+xml"] = _static_svg(self.svg, self.selected)
        return bundle


def _static_svg(svg: str, selected: list[str]) -> str:
    """The SVG with its styles inlined and the selection filled in, for a page with no widget CSS."""
    chosen = "".join(f'.island[data-id="{i}"]{{fill:#b5532f}}' for i in selected)
    style = (
        "<style>.sea{fill:#e8f1f8}.context{fill:#d9d4c7;stroke:#8a8577;stroke-width:.6}"
        ".island{fill:#c9b98f;stroke:#6b5b3a;stroke-width:.8}"
        ".label{font:12px sans-serif;fill:#222}.context-label{fill:#555;font-style:italic}"
        ".sea-label{font:italic 12px sans-serif;fill:#5a7d9a;text-anchor:middle}"
        f".credit{{font:9px sans-serif;fill:#666;text-anchor:end}}{chosen}</style>"
    )
    head, rest = svg.split(">", 1)
    return f"{head}>{style}{rest}"
