"""The island map on the Python side: selection by any name, clear errors, a static picture."""

from __future__ import annotations

import pytest
import traitlets

from kurils import data
from kurils.widgets import IslandMap


def test_the_map_draws_every_island_as_a_clickable_shape():
    island_map = IslandMap()
    for island in data.load("islands")["id"]:
        assert f'data-id="{island}"' in island_map.svg
    assert island_map.selected == []


def test_selection_accepts_any_name_and_keeps_the_map_order():
    island_map = IslandMap()
    island_map.select("Shikotan", "歯舞群島")
    assert island_map.selected == ["shikotan", "habomai"] or island_map.selected == ["habomai", "shikotan"]
    order = list(data.load("islands")["id"])
    assert island_map.selected == [i for i in order if i in {"shikotan", "habomai"}]


def test_an_unknown_island_name_is_refused_with_a_suggestion():
    island_map = IslandMap()
    with pytest.raises(traitlets.TraitError, match="unknown island 'Iturupp'"):
        island_map.select("Iturupp")
    assert island_map.selected == []


def test_the_widget_carries_a_static_svg_for_print():
    bundle = IslandMap(selected=["Kunashir"])._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    svg = bundle["image/svg+xml"]
    assert svg.startswith("<svg") and "<style>" in svg and 'data-id="kunashiri"' in svg
