"""Map line layers and the scenario explorer on the Python side: data checks, state API, errors, print fallback."""

from __future__ import annotations

import json
import re

import pytest
import traitlets
from shapely.geometry import LineString, shape

from kurils import data, geography
from kurils.widgets import IslandMap

LINE_IDS = ["1855", "1875", "administration", "japan-claim"]


# --- the lines data -------------------------------------------------------------------------


def test_every_line_has_its_properties_known_sources_and_sane_coordinates():
    lines = geography.load_lines()["features"]
    assert [f["properties"]["id"] for f in lines] == LINE_IDS
    known = set(data.load("sources")["id"])
    for feature in lines:
        props = feature["properties"]
        assert all(props[key] for key in geography.LINE_PROPERTIES), props["id"]
        assert set(props["sources"]) <= known
        assert "schematic" in props["description"].lower()
        for lon, lat in feature["geometry"]["coordinates"]:
            assert 140 <= lon <= 160 and 40 <= lat <= 52


def test_the_claimed_line_runs_through_the_same_strait_as_1855():
    lines = {f["properties"]["id"]: f for f in geography.load_lines()["features"]}
    assert lines["japan-claim"]["geometry"] == lines["1855"]["geometry"]
    assert "same strait as the 1855 line" in lines["japan-claim"]["properties"]["description"]


def test_the_lines_at_sea_cross_no_land_and_separate_the_right_islands():
    land = {f["properties"]["id"]: shape(f["geometry"]) for f in geography.load()["features"]}
    features = geography.load_lines()["features"]
    lines = {f["properties"]["id"]: LineString(f["geometry"]["coordinates"]) for f in features}
    for key, line in lines.items():
        assert [name for name, outline in land.items() if outline.intersects(line)] == [], key
    # The 1855 line passes between Etorofu/Iturup and Urup: each lies on its own side, in longitude.
    vries = lines["1855"]
    assert land["etorofu"].bounds[2] < vries.bounds[2] and land["urup"].bounds[0] > vries.bounds[0]
    # The line of administration lies east of Hokkaido's coast and west of every one of the four islands.
    admin_x = max(x for x, _ in lines["administration"].coords[:6])
    assert admin_x < min(land[i].bounds[0] for i in ("etorofu", "shikotan"))


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: f["properties"].pop("kind"), "missing kind"),
        (lambda f: f["properties"].update(sources=["no-such-source"]), "unknown source id"),
        (lambda f: f["geometry"].update(coordinates=[[0.0, 0.0], [1.0, 1.0]]), "points outside"),
    ],
)
def test_a_bad_line_feature_is_refused_with_a_clear_message(tmp_path, change, message):
    collection = json.loads(geography.LINES.read_text(encoding="utf-8"))
    change(collection["features"][2])
    path = tmp_path / "lines.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(ValueError, match=rf"feature 3 \(.*\).*{message}|{message}"):
        geography.load_lines(path)


# --- IslandMap layers -----------------------------------------------------------------------


def test_layers_are_set_from_python_read_back_and_kept_in_data_order():
    island_map = IslandMap()
    assert island_map.layers == []
    island_map.layers = ["administration", "1855"]
    assert island_map.layers == ["1855", "administration"]
    assert [line["id"] for line in island_map.lines] == LINE_IDS
    assert all(line["sources"] for line in island_map.lines)  # titles, for the legend


def test_an_unknown_layer_is_refused_and_the_old_layers_kept():
    island_map = IslandMap(layers=["1855"])
    with pytest.raises(traitlets.TraitError, match=r"unknown line id\(s\) \['1956'\]; known: 1855, 1875"):
        island_map.layers = ["1956"]
    assert island_map.layers == ["1855"]


def test_the_map_draws_each_line_and_points_to_the_1875_line_outside_the_frame():
    svg = IslandMap().svg
    for key in LINE_IDS:
        assert f'data-layer="{key}"' in svg
    layer_1875 = re.search(r'<g class="line-layer" data-layer="1875".*?</g></g>', svg).group(0)
    assert "edge-arrow" in layer_1875 and "to the north-east of this map" in layer_1875
    km = int(re.search(r"lies about ([\d,]+) km", layer_1875).group(1).replace(",", ""))
    assert 800 < km < 1200  # the First Kuril Strait is roughly 1,000 km from the middle of the frame
    assert "lines at sea are schematic" in svg
    assert "Line of present" in svg and "Russian administration" in svg


def test_the_static_picture_shows_only_the_chosen_layers():
    bundle = IslandMap(layers=["administration", "japan-claim"])._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    assert ".line-layer{display:none}" in svg
    assert '.line-layer[data-layer="administration"]{display:inline}' in svg
    assert '.line-layer[data-layer="japan-claim"]{display:inline}' in svg
    assert '.line-layer[data-layer="1855"]{display:inline}' not in svg
