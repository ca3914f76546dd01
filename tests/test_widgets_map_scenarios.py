"""Map line layers and the scenario explorer on the Python side: data checks, state API, errors, print fallback."""

from __future__ import annotations

import json
import re

import pytest
import traitlets
from shapely.geometry import LineString, shape

from kurils import data, geography
from kurils.widgets import IslandMap, ScenarioExplorer

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


# --- ScenarioExplorer -----------------------------------------------------------------------


def _areas() -> dict[str, float]:
    islands = data.load("islands")
    return dict(zip(islands["id"], islands["area_km2"], strict=True))


def test_a_proposal_sets_the_assignment_and_the_sums_follow_the_data():
    proposal = data.load("proposals").iloc[0]
    explorer = ScenarioExplorer(proposal=proposal["id"])
    assert explorer.proposal == proposal["id"]
    assert explorer.assignment == {i: proposal[i] for i in ("etorofu", "kunashiri", "shikotan", "habomai")}
    areas = _areas()
    japan = sum(areas[i] for i, side in explorer.assignment.items() if side == "japan")
    sides = explorer.summary()["sides"]
    assert sides["japan"]["area_km2"] == pytest.approx(japan)
    assert sides["japan"]["area_share"] == pytest.approx(japan / sum(areas.values()))
    assert sum(row["area_share"] for row in sides.values()) == pytest.approx(1)


def test_habomai_and_shikotan_to_japan_is_about_seven_percent_of_the_area():
    explorer = ScenarioExplorer()
    for island in ("Etorofu", "Kunashir"):
        explorer.assign(island, "russia")
    explorer.assign("歯舞群島", "japan")
    explorer.assign("Шикотан", "japan")
    share = explorer.summary()["sides"]["japan"]["area_share"]
    assert 0.065 < share < 0.075
    html = explorer._repr_mimebundle_()["text/html"]
    assert f"{share:.1%}" in html


def test_a_hand_made_choice_names_the_proposal_it_matches_or_none():
    proposal = data.load("proposals").iloc[0]
    explorer = ScenarioExplorer()
    assert explorer.proposal == "" or explorer.matches() == [explorer.proposal]
    for island in ("etorofu", "kunashiri", "shikotan", "habomai"):
        explorer.assign(island, proposal[island])
    assert proposal["id"] in explorer.matches() and explorer.proposal in explorer.matches()
    other = "japan" if proposal["kunashiri"] != "japan" else "shared"
    explorer.assign("Kunashiri", other)
    assert proposal["id"] not in explorer.matches()
    assert explorer.proposal == (explorer.matches()[0] if explorer.matches() else "")


def test_positions_are_met_only_when_every_required_island_goes_the_required_way():
    explorer = ScenarioExplorer()
    for position in explorer.positions:
        for island in explorer.assignment:
            explorer.assign(island, "shared")
        for island in position["requires_japan"]:
            explorer.assign(island, "japan")
        for island in position["requires_russia"]:
            explorer.assign(island, "russia")
        checked = next(p for p in explorer.summary()["positions"] if p["id"] == position["id"])
        assert checked["met"] and checked["crossed"] == []
        required = position["requires_japan"] + position["requires_russia"]
        if required:
            explorer.assign(required[0], "undecided")
            checked = next(p for p in explorer.summary()["positions"] if p["id"] == position["id"])
            assert not checked["met"] and checked["crossed"] == [required[0]]


def test_a_split_etorofu_divides_its_area_by_the_share():
    explorer = ScenarioExplorer()
    explorer.assignment = {"etorofu": "split", "kunashiri": "russia", "shikotan": "russia", "habomai": "russia"}
    explorer.etorofu_share = 0.25
    areas = _areas()
    sides = explorer.summary()["sides"]
    assert sides["japan"]["area_km2"] == pytest.approx(0.25 * areas["etorofu"])
    split = explorer.summary()["split"]
    assert split["island"] == "Etorofu/Iturup"
    # Residents are placed by their settlements: none lies in the south-western quarter, so none go to Japan.
    assert sides["japan"]["residents"] == split["japan"] == 0
    assert sides["russia"]["residents"] == sum(
        data.load("islands").set_index("id").loc[["etorofu", "kunashiri", "shikotan", "habomai"], "pop_now"]
    )
    assert "0 are counted for Japan" in explorer._repr_mimebundle_()["text/html"]
    assert explorer.split_offsets[0] == 0 and explorer.split_offsets[-1] == 1
    assert explorer.split_offsets == sorted(explorer.split_offsets)
    assert "split, 25% to Japan" in explorer._repr_mimebundle_()["image/svg+xml"]


@pytest.mark.parametrize(
    "action, message",
    [
        (lambda e: e.assign("Iturupp", "japan"), "unknown island 'Iturupp'"),
        (lambda e: e.assign("Kunashir", "split"), "side 'split' is not one of japan, russia, shared, undecided"),
        (lambda e: e.assign("Shikotan", "china"), "side 'china' is not one of"),
        (lambda e: setattr(e, "proposal", "no-such-proposal"), "unknown proposal 'no-such-proposal'"),
        (lambda e: setattr(e, "etorofu_share", 1.5), "between 0 and 1"),
        (lambda e: setattr(e, "assignment", {"habomai": "japan"}), "assignment lacks etorofu, kunashiri, shikotan"),
    ],
)
def test_bad_islands_sides_and_proposals_are_refused_clearly(action, message):
    explorer = ScenarioExplorer()
    before = dict(explorer.assignment)
    with pytest.raises(traitlets.TraitError, match=re.escape(message)):
        action(explorer)
    assert explorer.assignment == before


def test_an_unknown_proposal_in_the_constructor_is_refused():
    with pytest.raises(traitlets.TraitError, match="unknown proposal 'three-islands'"):
        ScenarioExplorer(proposal="three-islands")


def test_the_print_fallback_has_a_coloured_map_and_a_summary_table():
    bundle = ScenarioExplorer(proposal=data.load("proposals").iloc[0]["id"])._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    svg, html = bundle["image/svg+xml"], bundle["text/html"]
    assert svg.startswith("<svg") and "side-japan" in svg and "kurils-hatch" in svg
    assert "<table>" in html and "Share of area" in html and "Stated positions" in html
    positions = data.load("positions")
    free = (positions["requires_japan"].fillna("") == "") & (positions["requires_russia"].fillna("") == "")
    assert html.count("No island requirement") == free.sum()
    for position in positions["stated_by"]:
        assert position.replace("&", "&amp;") in html or position in html


# --- in a real kernel -----------------------------------------------------------------------


def test_both_widgets_run_in_a_real_kernel_and_report_their_state(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    code = """
from kurils.widgets import IslandMap, ScenarioExplorer
m = IslandMap(layers=["administration", "1855"])
m.layers = ["japan-claim"]
e = ScenarioExplorer()
for island in ("Etorofu", "Kunashir"):
    e.assign(island, "russia")
e.assign("Habomai", "japan")
e.assign("Shikotan", "japan")
display(m, e)
import json
print(json.dumps({"layers": m.layers, "share": round(100 * e.summary()["sides"]["japan"]["area_share"], 1),
                  "assignment": e.assignment, "proposal": e.proposal}))
"""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = notebook.cells[0].outputs
    printed = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    state = json.loads(printed)
    assert state["layers"] == ["japan-claim"] and state["share"] == 6.9
    assert state["assignment"] == {"etorofu": "russia", "kunashiri": "russia", "shikotan": "japan", "habomai": "japan"}
    assert state["proposal"] == (ScenarioExplorer(assignment=state["assignment"]).matches() or [""])[0]
    views = [o for o in outputs if o["output_type"] == "display_data"]
    assert all("application/vnd.jupyter.widget-view+json" in v["data"] for v in views) and len(views) == 2
