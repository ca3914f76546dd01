"""kurils.settlement: one function gives the areas and residents per side for chapter 11's table,
the scenario explorer (in Python and in the browser's JavaScript) and a student's notebook."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jupytext
import pytest

from kurils import data, display, settlement
from kurils.widgets import ScenarioExplorer

ROOT = Path(__file__).resolve().parent.parent
PROPOSALS = list(data.load("proposals")["id"])
JS = ROOT / "kurils" / "widgets" / "scenario_explorer.js"


def _totals() -> tuple[float, int]:
    islands = data.load("islands")
    return float(islands["area_km2"].sum()), int(islands["pop_now"].sum())


# --- no resident dropped, areas add up ---------------------------------------------------------


@pytest.mark.parametrize("proposal", PROPOSALS)
def test_every_proposal_accounts_for_every_km2_and_every_resident(proposal):
    result = settlement.outcome(proposal)
    area, people = _totals()
    assert result["area_km2"] == area and result["residents"] == people
    sides = result["sides"].values()
    assert sum(s["residents"] for s in sides) == people
    assert sum(s["area_km2"] for s in sides) == pytest.approx(area)
    assert sum(s["residents_1945"] for s in sides) == result["residents_1945"]


@pytest.mark.parametrize("share", [i / 20 for i in range(21)] + [0.2102, 0.333, 0.5951])
def test_a_split_island_keeps_all_its_residents_whatever_the_share(share):
    assignment = {"etorofu": "split", "kunashiri": "undecided", "shikotan": "shared", "habomai": "japan"}
    result = settlement.outcome(assignment=assignment, etorofu_share=share)
    split = result["split"]
    etorofu = data.load("islands").set_index("id").loc["etorofu"]
    assert split["japan"] + split["russia"] == etorofu["pop_now"]
    sides = result["sides"]
    assert sides["japan"]["residents"] + sides["russia"]["residents"] == etorofu["pop_now"]
    assert sum(s["residents"] for s in sides.values()) == _totals()[1]
    assert sides["japan"]["area_km2"] == pytest.approx(share * etorofu["area_km2"] + 95)


def test_residents_follow_the_settlements_on_each_side_of_the_line():
    places = settlement.settlements()
    counted = sum(p["population"] for p in places)
    total = int(data.load("islands").set_index("id").loc["etorofu", "pop_now"])
    previous = -1
    for share in [0, *sorted(p["split_at"] + 1e-4 for p in places), 1]:
        japan, russia, ids = settlement.divide_residents(total, share)
        expected = sum(p["population"] for p in places if p["split_at"] < share) / counted * total
        assert abs(japan - expected) <= 0.5 and japan + russia == total
        assert sorted(ids) == sorted(p["id"] for p in places if p["split_at"] < share)
        assert japan >= previous  # a larger share never gives Japan fewer residents
        previous = japan
    assert settlement.divide_residents(total, 0)[0] == 0 and settlement.divide_residents(total, 1)[0] == total


def test_settlements_lie_on_their_island_and_on_the_side_of_the_line_the_widget_draws():
    places = settlement.settlements()
    assert {p["id"] for p in places} >= {"kurilsk", "goryachiye-klyuchi", "gornoye"}
    assert all(p["on_island"] for p in places), [p["id"] for p in places if not p["on_island"]]
    offsets = ScenarioExplorer().split_offsets  # where the map's split line lies for shares 0, 0.05, ... 1
    for step, offset in enumerate(offsets):
        share = step / (len(offsets) - 1)
        for p in places:
            if abs(p["along"] - offset) > 1e-3:  # not on the line itself
                assert (p["split_at"] < share) == (p["along"] < offset), (p["id"], share)


# --- one function: chapter, widget, JavaScript --------------------------------------------------


def _chapter_table(monkeypatch) -> dict:
    """Run chapter 11's code cells up to its outcome table and return that table by formula name."""
    notebook = jupytext.read(ROOT / "chapters" / "11-settlement.md")  # cell options (tags) are metadata
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    shown = []
    monkeypatch.setattr(display, "table", lambda frame, *a, **k: shown.append(frame))
    namespace: dict = {}
    for cell in cells:
        exec(compile(cell, "chapter-11", "exec"), namespace)
        found = [f for f in shown if "km² to Japan" in f.columns]
        if found:
            return found[0].set_index("formula")
    pytest.fail("chapter 11 shows no table with a 'km² to Japan' column")


def test_the_chapter_table_the_widget_and_the_function_agree_for_every_proposal(monkeypatch):
    chapter = _chapter_table(monkeypatch)
    proposals = data.load("proposals").set_index("id")
    assert len(chapter) == len(proposals)
    area, people = _totals()
    for pid, row in proposals.iterrows():
        result = settlement.outcome(pid)
        sides = result["sides"]
        widget = ScenarioExplorer(proposal=pid).summary()
        for side in settlement.SIDES:
            assert widget["sides"][side]["residents"] == sides[side]["residents"], (pid, side)
            assert widget["sides"][side]["area_km2"] == pytest.approx(sides[side]["area_km2"]), (pid, side)
        assert widget["area_km2"] == area and widget["residents"] == people
        shown = chapter.loc[row["name"]]
        assert shown["km² to Japan"] == round(sides["japan"]["area_km2"])
        assert shown["km² to Russia"] == round(sides["russia"]["area_km2"])
        assert shown["km² to Japan"] + shown["km² to Russia"] + shown["km² shared or undecided"] == round(area)
        assert shown["2018 residents, islands to Japan"] == sides["japan"]["residents"]
        assert shown["2018 residents, islands to Russia"] == sides["russia"]["residents"]
        assert shown[[c for c in chapter.columns if c.startswith("2018")]].sum() == people
        assert shown["1945 residents, islands to Japan"] == sides["japan"]["residents_1945"]


_NODE = """
import { summary } from %s;
const states = JSON.parse(await new Promise((done) => {
  let text = ""; process.stdin.on("data", (c) => (text += c)); process.stdin.on("end", () => done(text));
}));
const out = {};
for (const [id, state] of Object.entries(states)) {
  const s = summary({ get: (key) => state[key] });
  out[id] = { area: s.area, people: s.people, rows: s.rows, split: s.split };
}
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_widgets_javascript_gives_the_functions_numbers_for_every_proposal():
    keys = ("islands", "assignment", "etorofu_share", "settlements", "positions")
    states = {}
    for pid in PROPOSALS:
        explorer = ScenarioExplorer(proposal=pid)
        states[pid] = {k: getattr(explorer, k) for k in keys}
    for share in (0.3, 0.35, 0.45, 0.6, 0.7):  # shares that put settlements on Japan's side
        explorer = ScenarioExplorer(proposal="area-split-2006")
        explorer.etorofu_share = share
        states[f"split-{share}"] = {k: getattr(explorer, k) for k in keys}
    script = _NODE % json.dumps(JS.as_uri())
    run = subprocess.run(
        ["node", "--input-type=module", "-e", script], input=json.dumps(states), capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    browser = json.loads(run.stdout)
    for key, state in states.items():
        result = settlement.outcome(assignment=state["assignment"], etorofu_share=state["etorofu_share"])
        assert browser[key]["area"] == result["area_km2"] and browser[key]["people"] == result["residents"]
        for side in settlement.SIDES:
            assert browser[key]["rows"][side]["residents"] == result["sides"][side]["residents"], (key, side)
            assert browser[key]["rows"][side]["area"] == pytest.approx(result["sides"][side]["area_km2"])
    assert any(browser[f"split-{s}"]["split"]["japan"] > 0 for s in (0.45, 0.6, 0.7))


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: settlement.outcome("three-islands"), "unknown proposal 'three-islands' (proposals.csv); known: "),
        (
            lambda: settlement.outcome(assignment={"Iturupp": "japan"}),
            "unknown island 'Iturupp'",
        ),
        (
            lambda: settlement.outcome(assignment={"kunashiri": "split"}),
            "kunashiri: side 'split' is not one of japan, russia, shared, undecided",
        ),
        (lambda: settlement.outcome(assignment={"habomai": "japan"}), "assignment lacks etorofu, kunashiri, shikotan"),
        (
            lambda: settlement.outcome("area-split-2006", etorofu_share=1.5),
            "etorofu_share must be between 0 and 1",
        ),
        (lambda: settlement.outcome(), "give a proposal id (proposals.csv) or an assignment"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call, message):
    with pytest.raises(settlement.SettlementError, match=re.escape(message)):
        call()


def test_a_settlement_on_an_unknown_island_is_refused(tmp_path):
    for path in (ROOT / "data").glob("*.*"):
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    rows = (tmp_path / "settlements.csv").read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace(",etorofu,", ",urup,", 1)
    (tmp_path / "settlements.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(data.DataError, match=r"settlements.csv, line 2 \(kurilsk\): island: 'urup' is not one of"):
        data.load("settlements", tmp_path)
