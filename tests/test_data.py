"""The data sets validate, broken copies are rejected with useful messages, and derived files agree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from kurils import data, geography
from kurils.build import bib

DATA = data.DATA_DIR


def test_every_data_set_validates():
    frames = data.validate_all()
    assert set(frames) == set(data.DATASETS)
    assert len(frames["islands"]) == 4
    assert set(frames["islands"]["id"]) == {"etorofu", "kunashiri", "shikotan", "habomai"}


def test_every_row_names_sources_that_exist():
    known = set(data.load("sources")["id"])
    for name in ("islands", "events"):
        for row in data.load(name).itertuples():
            assert row.sources, f"{name} {row.id} has no sources"
            assert set(row.sources) <= known


def test_sources_include_the_five_source_documents():
    ids = set(data.load("sources")["id"])
    assert {"ru-journal-2018", "jamestown-edm-2016", "ifri-pajon-2017", "asan-forum-2013", "valdai-2016"} <= ids


def test_islands_have_a_second_source_each():
    for row in data.load("islands").itertuples():
        assert len(row.sources) >= 2, f"{row.id} rests on one source"


def test_event_dates_match_their_precision():
    for row in data.load("events").itertuples():
        assert len(row.date.split("-")) == {"year": 1, "month": 2, "day": 3}[row.date_precision]


def _broken_copy(tmp_path: Path, name: str, row: int, column: str, value: str) -> Path:
    """A copy of data/ in which cell (row, column) of NAME.csv holds ``value``; row 0 is line 2."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    frame = pd.read_csv(copy / f"{name}.csv", dtype=str, keep_default_na=False)
    frame.loc[row, column] = value
    frame.to_csv(copy / f"{name}.csv", index=False)
    return copy


@pytest.mark.parametrize(
    ("name", "column", "value", "message"),
    [
        ("islands", "area_km2", "about 250", "area_km2: 'about 250' is not a number"),
        ("islands", "pop_1945", "1038.5", "pop_1945: '1038.5' is not a whole number"),
        ("islands", "id", "urup", "id: 'urup' is not one of"),
        ("islands", "name_ja", "", "name_ja: required, but empty"),
        ("islands", "sources", "mofa-northern-territories; hoppou", "is not a source id"),
        ("islands", "sources", "no-such-source", "'no-such-source' is not an id in sources.csv"),
        ("islands", "area_km2", "99999", "is not within its range"),
        ("events", "date", "1855-13-01", "is not a date of the form"),
        ("events", "date_precision", "year", "does not have the precision"),
        ("sources", "kind", "blog", "kind: 'blog' is not one of"),
        ("proposals", "etorofu", "split", "etorofu_japan_share is given exactly when etorofu is 'split'"),
        ("proposals", "kunashiri", "ours", "kunashiri: 'ours' is not one of"),
        ("proposals", "sources", "", "sources: required, but empty"),
        ("positions", "requires_japan", "iturup", "does not match the pattern"),
        ("positions", "side", "both", "side: 'both' is not one of"),
        ("trade", "reporter", "china", "reporter: 'china' is not one of"),
        ("trade", "year", "2006", "id should be trade-2006-"),
        ("trade", "bound", "more", "bound: 'more' is not one of"),
        ("trade_goods", "flow", "russia-exports", "flow: 'russia-exports' is not one of"),
        ("trade_goods", "year", "2010", "id should start with goods-2010-"),
        ("trade_goods", "value_usd_bn", "", "needs share_pct or value_usd_bn"),
        ("trade_goods", "share_pct", "101", "share_pct: 101 is above the maximum 100"),
        ("japan_investment", "side", "china", "side: 'china' is not one of"),
        ("japan_investment", "said", "2017-13", "is not a date of the form"),
        ("polls", "percent", "120", "percent: 120 is above the maximum 100"),
        ("economy", "plan_point", "9", "plan_point: 9 is above the maximum 8"),
        ("island_population", "place", "urup", "place: 'urup' is not one of"),
    ],
)
def test_a_broken_row_is_rejected_with_file_line_and_problem(tmp_path, name, column, value, message):
    frame = data.load(name)
    # the first row that the change breaks (a day-precision event for the precision case)
    row = int((frame["date_precision"] == "day").to_numpy().argmax()) if column == "date_precision" else 1
    copy = _broken_copy(tmp_path, name, row, column, value)
    with pytest.raises(data.DataError) as error:
        data.load(name, copy)
    assert f"{name}.csv, line {row + 2}" in str(error.value) or "sources.csv" in str(error.value)
    assert message in str(error.value)


def test_a_repeated_id_is_rejected(tmp_path):
    first = data.load("islands").iloc[0]["id"]
    copy = _broken_copy(tmp_path, "islands", 1, "id", first)
    with pytest.raises(data.DataError, match="repeats line 2"):
        data.load("islands", copy)


def test_a_missing_column_is_rejected(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    frame = pd.read_csv(copy / "islands.csv", dtype=str, keep_default_na=False).drop(columns=["pop_now_year"])
    frame.to_csv(copy / "islands.csv", index=False)
    with pytest.raises(data.DataError, match="missing pop_now_year"):
        data.load("islands", copy)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace('"type": "integer"', '"type": "interger"', 1), r"'pop_1945'\): 'interger' is not"),
        (lambda t: t.replace('"required": true', '"requried": true', 1), r"\(field 'id'\): Additional properties"),
        (lambda t: t.replace('"minimum": 0', '"minimum": "0"', 1), r"'0' is not of type 'number'"),
        (lambda t: t.replace('{"name": "name_ja_en"', '{"name": "id"', 1), r"fields named twice \(id\)"),
        (lambda t: t.rstrip().rstrip("}"), r"islands.schema.json: not valid JSON, line \d+ column \d+"),
    ],
    ids=["type-typo", "key-typo", "minimum-as-text", "field-twice", "malformed-json"],
)
def test_a_broken_schema_file_is_refused_with_file_and_place(tmp_path, edit, message):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    path = copy / "islands.schema.json"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(data.DataError, match=message):
        data.validate_all(copy)  # what `kurils validate` runs


def test_an_unknown_data_set_is_named():
    with pytest.raises(data.DataError, match="unknown data set 'island'"):
        data.load("island")


@pytest.mark.parametrize("name", ["Iturup", "etorofu", "択捉島", "Итуруп", "ETOROFU"])
def test_an_island_is_found_by_any_of_its_names(name):
    assert data.island_id(name) == "etorofu"


def test_an_unknown_island_name_suggests_the_closest():
    with pytest.raises(KeyError, match="did you mean 'kunashir'"):
        data.island_id("Kunashira")


def test_references_bib_is_generated_from_sources_csv():
    committed = bib.BIBFILE.read_text(encoding="utf-8")
    assert committed == bib.render(), "references.bib is stale: run `kurils bib`"
    assert set(bib.bibliography().entries) == set(data.load("sources")["id"])


def test_map_outlines_are_what_the_script_builds_from_natural_earth():
    assert geography.build() == geography.load(), "data/geography/region.geojson is stale: run `kurils geography`"


def test_map_outlines_hold_every_island_and_hokkaido():
    ids = {f["properties"]["id"] for f in geography.load()["features"]}
    assert {"hokkaido", "etorofu", "kunashiri", "shikotan", "habomai"} <= ids


#: The five source documents (see shared/sources/SOURCES.md), by their ids in sources.csv.
SOURCE_FILES = {
    "ru-journal-2018": "000_a3d9661c27ec9e43.txt",
    "jamestown-edm-2016": "001_de2d3af55227cded.txt",
    "ifri-pajon-2017": "002_c30de32607eed179.txt",
    "asan-forum-2013": "003_8b81da242dc57817.txt",
    "valdai-2016": "004_11eb1f1af465d0b5.txt",
}
SHARED_SOURCES = Path(__file__).resolve().parent.parent.parent / "shared" / "sources"


def _plain(text: str) -> str:
    """Compare quotations without regard to curly quotes, dashes or line breaks."""
    for fancy, plain in [("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("–", "-"), ("—", "-")]:
        text = text.replace(fancy, plain)
    return " ".join(text.split())


def test_every_excerpt_from_a_source_document_is_quoted_exactly():
    if not SHARED_SOURCES.is_dir():
        pytest.skip("the source documents (shared/sources beside the repository) are not on this machine")
    documents = {sid: _plain((SHARED_SOURCES / name).read_text(encoding="utf-8")) for sid, name in SOURCE_FILES.items()}
    checked = 0
    for row in data.load("excerpts").itertuples():
        for sid in row.sources:
            if sid in documents:
                assert _plain(row.text) in documents[sid], f"excerpt {row.id} is not in {sid} word for word"
                checked += 1
    assert checked == sum(1 for r in data.load("excerpts").itertuples() if set(r.sources) & set(documents))


def test_excerpts_are_short_and_name_their_marked_words():
    for row in data.load("excerpts").itertuples():
        assert len(row.text) <= 400
        for word in row.marked_words.split(";"):
            assert _plain(word.strip()).lower() in _plain(row.text).lower(), f"{row.id}: {word!r} is not in the text"


def test_source_errors_concern_the_five_documents_and_cite_other_sources():
    for row in data.load("source_errors").itertuples():
        assert len(row.document) == 1 and row.document[0] in SOURCE_FILES, row.id
        assert row.document[0] not in row.sources, f"{row.id} is corrected by the document itself"


def test_meetings_are_dated_to_the_day_within_2013_to_2018():
    for row in data.load("meetings").itertuples():
        assert "2013" <= row.date[:4] <= "2018", row.id
        assert row.id.startswith(row.date), row.id
        assert not row.end_date or row.end_date >= row.date, row.id


def test_every_source_document_has_at_least_four_excerpts():
    counts = data.load("excerpts").explode("sources")["sources"].value_counts()
    for document in SOURCE_FILES:
        assert counts.get(document, 0) >= 4, f"{document} has {counts.get(document, 0)} excerpts"


def test_the_area_split_gives_each_side_half_the_total_area():
    islands = data.load("islands").set_index("id")["area_km2"]
    for row in data.load("proposals").itertuples():
        if row.etorofu != "split":
            continue
        japan = row.etorofu_japan_share * islands["etorofu"]
        japan += sum(islands[i] for i in ("kunashiri", "shikotan", "habomai") if getattr(row, i) == "japan")
        assert abs(japan / islands.sum() - 0.5) < 0.01, f"{row.id}: Japan would get {japan / islands.sum():.1%}"


def test_no_position_requires_an_island_for_both_sides(tmp_path):
    frame = data.load("positions")
    assert len(frame) >= 2 and set(frame["side"]) == {"japan", "russia"}
    row = int((frame["requires_japan"] != "").to_numpy().argmax())
    copy = _broken_copy(tmp_path, "positions", row, "requires_russia", frame.loc[row, "requires_japan"])
    with pytest.raises(data.DataError, match="cannot be required by both sides"):
        data.load("positions", copy)


def test_trade_exports_and_imports_must_add_up_to_the_total(tmp_path):
    frame = data.load("trade")
    row = int(frame["japan_exports_usd_bn"].notna().to_numpy().argmax())
    total = frame.loc[row, "total_usd_bn"]
    copy = _broken_copy(tmp_path, "trade", row, "total_usd_bn", f"{total * 1.5:g}")
    with pytest.raises(data.DataError, match=rf"trade.csv, line {row + 2} .*differ from total_usd_bn"):
        data.load("trade", copy)
