"""What a settlement formula gives each side, in area and in residents: one function for the
chapter's tables, the scenario explorer and a student's notebook.

``outcome("area-split-2006")`` (or ``outcome(assignment={...}, etorofu_share=0.21)``) adds up,
for each side, the area of the islands it would get and the people living on them. Residents of
a split Etorofu/Iturup are placed by where they live: each settlement in ``data/settlements.csv``
lies on one side of the split line, and the island's present population (``islands.csv``) is
divided in proportion to the settlements' populations on each side (their figures are for other
years, so they give the proportions, not the total). No resident is dropped: the sides plus
"shared" and "undecided" always add up to the four islands' total. The 1945 residents of a split
island cannot be placed (no settlement data for 1945), so they are divided in proportion to area,
and ``split["note"]`` says so.

Areas are the islands' figures in ``islands.csv``, each rounded to the nearest km² by its source
(MOFA); they add up to 5,004 km², while MOFA's own total, from unrounded areas, is 5,003 km².
Totals here are always the sum of the island figures, so the sides add up to the total shown.
"""

from __future__ import annotations

import functools
import math

from shapely.geometry import Point, Polygon, shape
from shapely.ops import unary_union

from kurils import data, geography

ISLANDS = ("etorofu", "kunashiri", "shikotan", "habomai")
SIDES = ("japan", "russia", "shared", "undecided")
SPLIT, SPLIT_ISLAND = "split", "etorofu"


class SettlementError(ValueError):
    """A proposal id, island or side that the data do not know; the message names the known ones."""


def _blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


# --- the split line -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _island():
    """Etorofu/Iturup's outline in map units (the map's projection), and the projection."""
    from kurils.widgets.island_map import Projection

    outlines = geography.load()
    project = Projection(outlines["bbox"])
    feature = next(f for f in outlines["features"] if f["properties"]["id"] == SPLIT_ISLAND)
    geometry = shape(feature["geometry"])
    parts = geometry.geoms if hasattr(geometry, "geoms") else [geometry]
    return unary_union([Polygon([project(*p) for p in part.exterior.coords]) for part in parts]), project


def axis() -> tuple[float, float, float, float]:
    """The split's axis in map units, from the island's south-west corner to its north-east corner.
    The line that splits the island runs across this axis; Japan's part is the south-west end."""
    x0, y0, x1, y1 = _island()[0].bounds
    return (x0, y1, x1, y0)


def _position(x: float, y: float) -> float:
    """Where a point lies along the axis: 0 at the south-west corner, 1 at the north-east."""
    x0, y0, x1, y1 = axis()
    dx, dy = x1 - x0, y1 - y0
    return ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)


def share_before(t: float) -> float:
    """The fraction of the island's area that lies before ``t`` along the axis (south-west of the cut)."""
    island = _island()[0]
    x0, y0, x1, y1 = axis()
    dx, dy = x1 - x0, y1 - y0
    px, py = x0 + t * dx, y0 + t * dy
    nx, ny, far = -dy, dx, 10.0
    back = (px - far * dx, py - far * dy)
    cut = Polygon(
        [
            (px + far * nx, py + far * ny),
            (px - far * nx, py - far * ny),
            (back[0] - far * nx, back[1] - far * ny),
            (back[0] + far * nx, back[1] + far * ny),
        ]
    )
    return island.intersection(cut).area / island.area


@functools.lru_cache(maxsize=64)
def cut_at(share: float) -> float:
    """The point along the axis (0..1) where the line cutting off ``share`` of the area for Japan lies."""
    low, high = 0.0, 1.0
    for _ in range(30):
        middle = (low + high) / 2
        low, high = (middle, high) if share_before(middle) < share else (low, middle)
    return round((low + high) / 2, 5)


@functools.lru_cache(maxsize=1)
def _settlement_rows() -> tuple[dict, ...]:
    rows = []
    island, project = _island()
    for row in data.load("settlements").to_dict("records"):
        if row["island"] != SPLIT_ISLAND:
            continue
        x, y = project(row["lon"], row["lat"])
        t = _position(x, y)
        rows.append(
            {
                "id": row["id"],
                "name": row["name_ru_en"],
                "population": int(row["population"]),
                "year": int(row["population_year"]),
                "located": row["located"],
                "x": x,
                "y": y,
                "along": round(t, 5),  # position along the axis, 0 (south-west) to 1 (north-east)
                # Japan's share of the area at which the line passes through the settlement:
                # it is on Japan's side exactly when Japan's share is larger.
                "split_at": round(share_before(min(max(t, 0.0), 1.0)), 5),
                "on_island": island.buffer(3).contains(Point(x, y)),
            }
        )
    return tuple(rows)


def settlements() -> list[dict]:
    """Etorofu/Iturup's settlements with their map position and ``split_at``, the Japanese share of
    the area at which the split line passes through each (on Japan's side when the share is larger)."""
    return [dict(row) for row in _settlement_rows()]


def divide_residents(total: int, share: float) -> tuple[int, int, list[str]]:
    """Split ``total`` residents of Etorofu/Iturup between Japan's part (``share`` of the area, at the
    south-west end) and Russia's, in proportion to the settlements on each side; returns
    (japan, russia, ids of the settlements on Japan's side). The widget's JavaScript does the same."""
    rows = _settlement_rows()
    counted = sum(r["population"] for r in rows)
    japan_side = [r for r in rows if r["split_at"] < share]
    fraction = sum(r["population"] for r in japan_side) / counted if counted else share
    japan = math.floor(total * fraction + 0.5)
    return japan, total - japan, [r["id"] for r in japan_side]


# --- the outcome of a formula ---------------------------------------------------------------------


def _island_id(name: str) -> str:
    if name in ISLANDS:
        return name
    try:
        return data.island_id(name)
    except KeyError as error:
        raise SettlementError(error.args[0]) from None


def proposal(proposal_id: str) -> dict:
    """The assignment and Etorofu/Iturup share of a proposal in ``proposals.csv``."""
    proposals = data.load("proposals").set_index("id")
    if proposal_id not in proposals.index:
        raise SettlementError(f"unknown proposal {proposal_id!r} (proposals.csv); known: {', '.join(proposals.index)}")
    row = proposals.loc[proposal_id]
    share = None if _blank(row["etorofu_japan_share"]) else float(row["etorofu_japan_share"])
    return {"assignment": {i: row[i] for i in ISLANDS}, "etorofu_share": share, "name": row["name"]}


def outcome(
    proposal_id: str | None = None, *, assignment: dict | None = None, etorofu_share: float | None = None
) -> dict:
    """Area and residents to each side for a proposal id, or for an ``assignment`` of islands to sides.

    Returns ``{"sides": {side: {...}}, "area_km2", "residents", "residents_1945", "split"}``; each side
    has ``islands`` (ids, with a split island under both japan and russia), ``area_km2``,
    ``residents`` (present), ``residents_1945``, ``area_share`` and ``residents_share``.
    ``split`` is None, or says how a split Etorofu/Iturup's residents were divided.
    """
    if proposal_id is not None:
        chosen = proposal(proposal_id)
        assignment = chosen["assignment"] if assignment is None else assignment
        if etorofu_share is None:
            etorofu_share = chosen["etorofu_share"]
    if assignment is None:
        raise SettlementError("give a proposal id (proposals.csv) or an assignment of the four islands to sides")
    chosen_sides = {}
    for name, side in assignment.items():
        island = _island_id(name)
        allowed = (*SIDES, SPLIT) if island == SPLIT_ISLAND else SIDES
        if side not in allowed:
            raise SettlementError(f"{name}: side {side!r} is not one of {', '.join(allowed)}")
        chosen_sides[island] = side
    missing = [i for i in ISLANDS if i not in chosen_sides]
    if missing:
        raise SettlementError(f"assignment lacks {', '.join(missing)}: give a side for each of the four islands")
    islands = data.load("islands").set_index("id").loc[list(ISLANDS)]
    rows = {s: {"islands": [], "area_km2": 0.0, "residents": 0, "residents_1945": 0.0} for s in SIDES}
    split = None
    for island, side in chosen_sides.items():
        row = islands.loc[island]
        if side != SPLIT:
            rows[side]["islands"].append(island)
            rows[side]["area_km2"] += float(row["area_km2"])
            rows[side]["residents"] += int(row["pop_now"])
            rows[side]["residents_1945"] += int(row["pop_1945"])
            continue
        share = 0.5 if etorofu_share is None else float(etorofu_share)
        if not 0 <= share <= 1:
            raise SettlementError(f"etorofu_share must be between 0 and 1 (Japan's fraction), not {share}")
        japan, russia, placed = divide_residents(int(row["pop_now"]), share)
        for key, part, people in (("japan", share, japan), ("russia", 1 - share, russia)):
            rows[key]["islands"].append(island)
            rows[key]["area_km2"] += part * float(row["area_km2"])
            rows[key]["residents"] += people
            rows[key]["residents_1945"] += part * int(row["pop_1945"])
        counted = _settlement_rows()
        split = {
            "island": island,
            "share": share,
            "residents": int(row["pop_now"]),
            "year": int(row["pop_now_year"]),
            "japan": japan,
            "russia": russia,
            "settlements_japan": placed,
            "settlements": [r["id"] for r in counted],
            "note": (
                f"Residents of the split island ({int(row['pop_now']):,} in {int(row['pop_now_year'])}) are divided "
                f"in proportion to the populations of its {len(counted)} settlements on each side of the line "
                "(settlements.csv); its 1945 residents, whose villages are not in the data, in proportion to area."
            ),
        }
    area = float(islands["area_km2"].sum())
    people = int(islands["pop_now"].sum())
    for row in rows.values():
        row["residents_1945"] = math.floor(row["residents_1945"] + 0.5)
        row["area_share"] = row["area_km2"] / area
        row["residents_share"] = row["residents"] / people if people else 0.0
    return {
        "sides": rows,
        "area_km2": area,
        "residents": people,
        "residents_1945": int(islands["pop_1945"].sum()),
        "split": split,
    }


def table():
    """One row per proposal in ``proposals.csv`` (by date): km² and residents to each side."""
    import pandas as pd

    proposals = data.load("proposals").sort_values("date").reset_index(drop=True)
    rows = []
    for row in proposals.itertuples():
        result = outcome(row.id)
        sides = result["sides"]
        other = [sides["shared"], sides["undecided"]]
        japan_km2 = round(sides["japan"]["area_km2"])
        russia_km2 = round(sides["russia"]["area_km2"])
        rows.append(
            {
                "id": row.id,
                "formula": row.name,
                "km² to Japan": japan_km2,
                "km² to Russia": russia_km2,
                # The rest of the total, so the three columns add up to the total shown.
                "km² shared or undecided": round(result["area_km2"]) - japan_km2 - russia_km2,
                "Japan's share of the area": f"{sides['japan']['area_share']:.0%}",
                "1945 residents, islands to Japan": sides["japan"]["residents_1945"],
                "2018 residents, islands to Japan": sides["japan"]["residents"],
                "2018 residents, islands to Russia": sides["russia"]["residents"],
                "2018 residents, shared or undecided": sum(o["residents"] for o in other),
            }
        )
    return pd.DataFrame(rows)
