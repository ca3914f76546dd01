"""Rebuild the map outlines in data/geography/ from Natural Earth 1:10m land.

The source is the npm package ``world-atlas`` (Natural Earth, public domain,
packaged as TopoJSON), installed by ``npm ci``. The script decodes the TopoJSON,
cuts it to the region around the four islands, and tags each polygon with the
island it belongs to, using the label points in ``data/islands.csv``. Run it
with ``kurils geography``; ``tests/test_data.py`` checks that a rebuild gives
the committed file.
"""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import Point, Polygon, box, mapping
from shapely.ops import unary_union

from kurils import data
from kurils.course import ROOT

SOURCE = ROOT / "node_modules" / "world-atlas" / "land-10m.json"
OUTPUT = data.DATA_DIR / "geography" / "region.geojson"

#: The map's frame (lon_min, lat_min, lon_max, lat_max): eastern Hokkaido to Urup.
BBOX = (143.0, 42.75, 150.7, 46.3)
#: Simplification tolerance in degrees (about 300 m), the data's own precision.
TOLERANCE = 0.003
#: Polygons of the Habomai group lie inside this box (the islets off Cape Nosappu).
HABOMAI_BOX = box(145.45, 43.2, 146.45, 43.7)
#: Urup, the first island beyond the 1855 line; shown for context.
URUP_POINT = Point(149.9, 45.9)


def _decode_topojson(topo: dict) -> list[Polygon]:
    """Turn the one GeometryCollection of world-atlas' land file into polygons."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for i in indexes:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    polygons = []
    for geometry in topo["objects"]["land"]["geometries"]:
        parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for rings in parts:
            polygons.append(Polygon(ring(rings[0]), [ring(r) for r in rings[1:]]))
    return polygons


def build(source: Path = SOURCE) -> dict:
    """Return the region's outlines as a GeoJSON FeatureCollection."""
    if not source.exists():
        raise FileNotFoundError(f"{source} is missing: run `npm ci` first (it installs world-atlas).")
    frame = box(*BBOX)
    pieces: list[Polygon] = []
    for polygon in _decode_topojson(json.loads(source.read_text())):
        if polygon.intersects(frame):
            clipped = polygon.intersection(frame)
            parts = clipped.geoms if hasattr(clipped, "geoms") else [clipped]
            pieces.extend(p for p in parts if isinstance(p, Polygon))

    islands = data.load("islands").set_index("id")
    mainland = max(pieces, key=lambda p: p.area)
    groups: dict[str, list[Polygon]] = {}
    for piece in pieces:
        if HABOMAI_BOX.contains(piece.representative_point()):
            key = "habomai"
        elif piece is mainland or piece.distance(mainland) < 0.15:
            key = "hokkaido"  # the main island and the spits and islets along its coast
        else:
            labelled = [i for i, row in islands.iterrows() if piece.contains(Point(row.lon, row.lat))]
            key = labelled[0] if labelled else None
            if key is None and piece.distance(URUP_POINT) < 0.6:
                key = "urup"
        if key is not None:
            groups.setdefault(key, []).append(piece)

    missing = sorted(set(islands.index) - set(groups))
    if missing:
        raise ValueError(f"no outline found for {missing}: check their lat/lon in data/islands.csv")
    features = []
    for key in ["hokkaido", "urup", *islands.index]:
        if key not in groups:
            continue
        shape_ = unary_union(groups[key]).simplify(TOLERANCE, preserve_topology=True)
        geometry = json.loads(json.dumps(mapping(shape_)), parse_float=lambda s: round(float(s), 4))
        features.append({"type": "Feature", "properties": {"id": key}, "geometry": geometry})
    return {
        "type": "FeatureCollection",
        "bbox": list(BBOX),
        "source": "Natural Earth 1:10m land (public domain), via npm world-atlas 2.0.2 land-10m.json",
        "features": features,
    }


def write(path: Path = OUTPUT) -> Path:
    """Rebuild the committed GeoJSON file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(build(), ensure_ascii=False, separators=(",", ":")) + "\n")
    return path


def load(path: Path = OUTPUT) -> dict:
    """Read the committed outlines; each feature's ``properties.id`` names its island."""
    return json.loads(path.read_text(encoding="utf-8"))


LINES = data.DATA_DIR / "geography" / "lines.geojson"
#: Properties every line feature must carry.
LINE_PROPERTIES = ("id", "label", "kind", "date", "description", "sources")
#: A sane frame for the region, Hokkaido to Kamchatka (lon_min, lat_min, lon_max, lat_max).
REGION = (140.0, 40.0, 160.0, 52.0)


def load_lines(path: Path = LINES) -> dict:
    """Read the historical and present lines, checked: properties, source ids, coordinates.

    Raises ``ValueError`` naming the file and the feature when a check fails.
    """
    collection = json.loads(path.read_text(encoding="utf-8"))
    known = set(data.load("sources")["id"])
    problems, seen = [], set()
    for number, feature in enumerate(collection.get("features", []), start=1):
        props = feature.get("properties") or {}
        where = f"{path.name}, feature {number} ({props.get('id', 'no id')})"
        missing = [key for key in LINE_PROPERTIES if not props.get(key)]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
        if props.get("id") in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(props.get("id"))
        unknown = [s for s in props.get("sources") or [] if s not in known]
        if unknown:
            problems.append(f"{where}: unknown source id(s) {', '.join(unknown)} (not in sources.csv)")
        geometry = feature.get("geometry") or {}
        points = geometry.get("coordinates") or []
        if geometry.get("type") != "LineString" or len(points) < 2:
            problems.append(f"{where}: geometry must be a LineString of at least two points")
        lon0, lat0, lon1, lat1 = REGION
        outside = [p for p in points if not (lon0 <= p[0] <= lon1 and lat0 <= p[1] <= lat1)]
        if outside:
            problems.append(f"{where}: points outside {REGION}: {outside}")
    if not seen:
        problems.append(f"{path.name}: no features")
    if problems:
        raise ValueError("\n".join(problems))
    return collection
