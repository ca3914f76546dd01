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
from kurils.widgets import _common
from kurils.widgets._common import esm

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
MAP_TITLE = "Map of the four islands (Habomai, Shikotan, Kunashiri/Kunashir, Etorofu/Iturup) and eastern Hokkaido"
CONTEXT_LABELS = {"hokkaido": "Hokkaido", "urup": "Uruppu/Urup"}
SEAS = [("Sea of Okhotsk", 144.7, 45.3), ("Pacific Ocean", 148.6, 43.3)]
#: Where each line's label goes (lon, lat, anchor) and its words on the map; others use their first point.
LINE_LABELS = {
    "1855": (148.72, 45.97, "end", ["1855 line (Treaty of Shimoda)"]),
    "japan-claim": (148.8, 45.82, "end", ["Line Japan claims", "(the same strait as 1855)"]),
    "administration": (145.7, 44.84, "end", ["Line of present", "Russian administration"]),
}
#: Line styles, inside the SVG so the widget and the static picture share them: colour-blind-safe
#: colours (Okabe-Ito) that also differ in width and dash pattern, so no line depends on colour alone.
LINE_CSS = "".join(
    f".kurils-map {rule}"
    for rule in [
        ".line{fill:none;stroke-linecap:round;stroke-linejoin:round;stroke:#444;stroke-width:2.5}",
        '[data-layer="1855"] .line{stroke:#0072B2;stroke-width:8;stroke-opacity:.5}',
        '[data-layer="japan-claim"] .line{stroke:#D55E00;stroke-width:3;stroke-dasharray:9 5}',
        '[data-layer="administration"] .line{stroke:#000;stroke-width:3}',
        '[data-layer="1875"] .line{stroke:#9a6a00;stroke-width:3;stroke-dasharray:2 4}',
        ".arrow-head{fill:#9a6a00}",
        ".line-layer{pointer-events:none}",
        ".line-label{font:12px sans-serif;fill:#111;paint-order:stroke;stroke:#fff;stroke-width:3px}",
    ]
)
#: A line outside the frame is shown as an arrow at this point of the right edge (x, y in map units).
EDGE_NOTE = (752, 250)


def pair(row: dict) -> str:
    """The course's name pair, Japanese name first (a fixed order that carries no claim)."""
    return row["name_ja_en"] if row["name_ja_en"] == row["name_ru_en"] else f"{row['name_ja_en']}/{row['name_ru_en']}"


class Projection:
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


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def _compass(dx: float, dy: float) -> str:
    """One of eight compass words for an eastward ``dx`` and northward ``dy``."""
    names = ["east", "north-east", "north", "north-west", "west", "south-west", "south", "south-east"]
    return names[round(math.degrees(math.atan2(dy, dx)) / 45) % 8]


def _line_layers(lines: list[dict], project: Projection, bbox: list[float]) -> list[str]:
    """One ``<g class="line-layer">`` per line: the line (or an edge note), its label and its key entry."""
    lon0, lat0, lon1, lat1 = bbox
    groups = []
    for row, feature in enumerate(lines):
        props = feature["properties"]
        key, points = props["id"], feature["geometry"]["coordinates"]
        name = escape(f"{props['label']} (schematic)")
        inside = [p for p in points if lon0 <= p[0] <= lon1 and lat0 <= p[1] <= lat1]
        parts = [f"<title>{escape(props['label'])}: {escape(props['description'])}</title>"]
        if inside:
            d = "M" + "L".join("{},{}".format(*project(lon, lat)) for lon, lat in points)
            parts.append(f'<path class="line" d="{d}"/>')
            lon, lat, anchor, words = LINE_LABELS.get(key, (*points[0], "start", [props["label"]]))
            x, y = project(lon, lat)
        else:  # far outside the frame: an arrow at the edge, with direction and distance
            middle = points[len(points) // 2]
            centre = ((lon0 + lon1) / 2, (lat0 + lat1) / 2)
            km = round(_distance_km(centre, middle), -1)
            way = _compass(middle[0] - centre[0], middle[1] - centre[1])
            x, y = EDGE_NOTE
            anchor = "end"
            words = [props["label"], f"lies about {km:,.0f} km", f"to the {way} of this map"]
            arrow = f'd="M{x - 40},{y - 22}L{x},{y - 50}" marker-end="url(#kurils-arrow)"'
            parts.append(f'<path class="line edge-arrow" {arrow}/>')
        texts = "".join(f'<tspan x="{x}" dy="{0 if i == 0 else 14}">{escape(w)}</tspan>' for i, w in enumerate(words))
        parts.append(f'<text class="line-label" x="{x}" y="{y}" text-anchor="{anchor}">{texts}</text>')
        ky = 18 + 17 * row
        parts.append(
            f'<g class="line-key"><path class="line" d="M8,{ky - 4}L38,{ky - 4}"/>'
            f'<text class="line-label" x="44" y="{ky}">{name}</text></g>'
        )
        head = f'<g class="line-layer" data-layer="{escape(key)}" role="img" aria-label="{name}">'
        groups.append(head + "".join(parts) + "</g>")
    return groups


def map_svg(islands: list[dict], lines: list[dict] | None = None) -> str:
    """The map as one SVG element; islands carry ``data-id``, line layers ``data-layer``, for the front-end."""
    outlines = geography.load()
    project = Projection(outlines["bbox"])
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
    title = MAP_TITLE
    layers = _line_layers(lines or [], project, outlines["bbox"])
    arrow = '<marker id="kurils-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" '
    arrow += 'orient="auto">'
    credit = CREDITS[bool(layers)]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {project.height}" '
        f'role="group" aria-label="{title}" class="kurils-map">'
        f'<defs><style>{LINE_CSS}</style>{arrow}<path d="M0,0L10,5L0,10Z" class="arrow-head"/></marker></defs>'
        f'<rect class="sea" width="{WIDTH}" height="{project.height}"/>'
        + "".join(shapes)
        + "".join(layers)
        + "".join(labels)
        + f'<text class="credit" x="{WIDTH - 6}" y="{project.height - 6}">{credit}</text>'
        + "</svg>"
    )


def island_records() -> list[dict]:
    frame = data.load("islands")
    return [
        {key: (value if not isinstance(value, float) or not math.isnan(value) else None) for key, value in row.items()}
        for row in frame.to_dict("records")
    ]


#: The map's credit line, without and with the lines at sea.
CREDITS = ("Outlines: Natural Earth 1:10m", "Outlines: Natural Earth 1:10m · lines at sea are schematic")


def texts() -> list[str]:
    """Every English text of the map that comes from the data or this module (the catalogue
    ``locales/LANG/kernel/labels``); the widget's own words are the ``tr("...")`` calls of island_map.js."""
    records = island_records()
    lines = geography.load_lines()["features"]
    found = [label for label, _ in GROUPS] + [pair(row) for row in records]
    found += list(CONTEXT_LABELS.values()) + [sea for sea, *_ in SEAS]
    found += [word for *_, words in LINE_LABELS.values() for word in words]
    found += [f["properties"][key] for f in lines for key in ("label", "description")]
    found += [row["distance_from"] for row in records] + [MAP_TITLE, *CREDITS]
    return list(dict.fromkeys(found))


def translations() -> dict[str, dict[str, str]]:
    """Language -> English text -> its translation, for every language the outputs carry but English: the
    map's data (``kernel/labels``) and its script's own words (``kernel/widgets/words``)."""
    return _common.translations("labels")


class IslandMap(anywidget.AnyWidget):
    """Clickable map of the four islands; ``selected`` lists the ids of the highlighted ones."""

    _esm = esm("island_map.js")
    _css = Path(__file__).with_name("island_map.css")

    svg = traitlets.Unicode().tag(sync=True)
    islands = traitlets.List().tag(sync=True)
    groups = traitlets.List().tag(sync=True)
    selected = traitlets.List(traitlets.Unicode()).tag(sync=True)
    #: The historical and present lines (id, label, kind, date, description, sources as titles).
    lines = traitlets.List().tag(sync=True)
    #: Ids of the lines shown, e.g. ``["1855", "administration"]``.
    layers = traitlets.List(traitlets.Unicode()).tag(sync=True)
    #: The map's texts in the course's other languages; the page's language picks one (island_map.js).
    translations = traitlets.Dict().tag(sync=True)

    def __init__(self, selected: list[str] | None = None, layers: list[str] | None = None, **kwargs) -> None:
        records = island_records()
        lines = geography.load_lines()["features"]
        super().__init__(
            svg=map_svg(records, lines),
            islands=records,
            groups=[{"label": label, "ids": ids} for label, ids in GROUPS],
            lines=_line_records(lines),
            translations=translations(),
            **kwargs,
        )
        if selected:
            self.selected = selected
        if layers:
            self.layers = layers

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

    @traitlets.validate("layers")
    def _valid_layers(self, proposal: dict) -> list[str]:
        """Only known line ids; keep the order of the data file."""
        order = [line["id"] for line in self.lines]
        unknown = [layer for layer in proposal["value"] if layer not in order]
        if unknown:
            raise traitlets.TraitError(f"unknown line id(s) {unknown}; known: {', '.join(order)}")
        return [layer for layer in order if layer in proposal["value"]]

    def select(self, *names: str) -> None:
        """Highlight the named islands, e.g. ``island_map.select("Kunashir", "択捉島")``."""
        self.selected = list(names)

    def _repr_mimebundle_(self, **kwargs):
        """Add the SVG picture, which print and non-widget builders show instead."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["image/svg+xml"] = _static_svg(self.svg, self.selected, self.layers)
        return bundle


def _line_records(lines: list[dict]) -> list[dict]:
    """What the legend needs of each line, with source ids turned into titles."""
    titles = data.load("sources").set_index("id")["title"]
    keys = ("id", "label", "kind", "date", "description")
    return [
        {**{k: f["properties"][k] for k in keys}, "sources": [titles[s] for s in f["properties"]["sources"]]}
        for f in lines
    ]


def _static_svg(svg: str, selected: list[str], layers: list[str] = ()) -> str:
    """The SVG with its styles inlined, the selection filled in and only the chosen lines shown."""
    chosen = "".join(f'.island[data-id="{i}"]{{fill:#b5532f}}' for i in selected)
    shown = "".join(f'.line-layer[data-layer="{i}"]{{display:inline}}' for i in layers)
    style = (
        f".line-layer{{display:none}}{shown}"
        "<style>.sea{fill:#e8f1f8}.context{fill:#d9d4c7;stroke:#8a8577;stroke-width:.6}"
        ".island{fill:#c9b98f;stroke:#6b5b3a;stroke-width:.8}"
        ".label{font:12px sans-serif;fill:#222}.context-label{fill:#555;font-style:italic}"
        ".sea-label{font:italic 12px sans-serif;fill:#5a7d9a;text-anchor:middle}"
        f".credit{{font:9px sans-serif;fill:#666;text-anchor:end}}{chosen}</style>"
    )
    head, rest = svg.split(">", 1)
    return f"{head}>{style}{rest}"
