"""The settlement scenario explorer: assign each island to a side and see what follows.

Start from a proposal in ``data.load("proposals")`` or assign each island yourself; the
widget shows the area and present population to each side, colours the map, names the
proposal the choice matches and checks it against each side's stated positions
(``data.load("positions")``). The map is IslandMap's SVG, with the settlements of
Etorofu/Iturup as dots. The sums come from :func:`kurils.settlement.outcome`, the function
chapter 11's tables use (:meth:`ScenarioExplorer.summary`, and the static table for print);
``scenario_explorer.js`` repeats them in the browser, so the explorer works on the static
site with no kernel, and ``tests/test_settlement.py`` checks that both give the same numbers.
"""

from __future__ import annotations

import math
import re
import uuid
from html import escape
from pathlib import Path

import anywidget
import traitlets

from kurils import data, settlement
from kurils.widgets._common import citations, esm, translations
from kurils.widgets.island_map import island_records, map_svg, pair

SIDES = ("japan", "russia", "shared", "undecided")
SPLIT = "split"  # Etorofu/Iturup only: divided, Japan's share in ``etorofu_share``
SPLIT_ISLAND = "etorofu"
LABELS = {"japan": "Japan", "russia": "Russia", "shared": "Shared", "undecided": "Undecided", "split": "Split"}
#: Colour-blind-safe fills (Okabe-Ito), with patterns for Russia and shared so no side rests on colour alone.
SIDE_CSS = "".join(
    f".kurils-map {rule}"
    for rule in [
        ".island.side-japan{fill:#E69F00}",
        ".island.side-russia{fill:url(#kurils-hatch)}",
        ".island.side-shared{fill:url(#kurils-dots)}",
        ".island.side-undecided{fill:#e4e4e4;stroke-dasharray:3 2}",
    ]
)
PATTERNS = (
    '<pattern id="kurils-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#56B4E9"/><path d="M0,0V6" stroke="#0b4f80" stroke-width="2"/></pattern>'
    '<pattern id="kurils-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#e7bcd6"/><circle cx="3" cy="3" r="1.4" fill="#7a2e5d"/></pattern>'
)


def _blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _ids(value) -> list[str]:
    return [] if _blank(value) else [part for part in str(value).split(";") if part]


def texts() -> list[str]:
    """The proposals' and positions' words a reader sees (the catalogue ``locales/LANG/kernel/widgets/scenarios``;
    the islands' names are the map's, in ``labels``)."""
    found = [row[key] for row in _records("proposals") for key in ("name", "floated_by", "summary")]
    found += [row[key] for row in _records("positions") for key in ("stated_by", "statement", "condition")]
    found += [row["name"] for row in settlement.settlements()]
    return list(dict.fromkeys(text for text in found if not _blank(text)))


def _split_axis() -> tuple[tuple[float, float, float, float], list[float]]:
    """Etorofu/Iturup's south-west to north-east axis in map units, and for Japan's share
    0, 0.05, ... 1 the point along it (0..1) that cuts off that share of the island's area
    (both from :mod:`kurils.settlement`, which places the residents by the same line)."""
    return tuple(round(v, 1) for v in settlement.axis()), [settlement.cut_at(step / 20) for step in range(21)]


def _records(name: str) -> list[dict]:
    return data.load(name).to_dict("records")


def _proposal_records(titles) -> list[dict]:
    rows = []
    for row in _records("proposals"):
        share = None if _blank(row["etorofu_japan_share"]) else float(row["etorofu_japan_share"])
        rows.append(
            {
                "id": row["id"],
                "name": row["name"],
                "date": row["date"],
                "floated_by": row["floated_by"],
                "assignment": {island: row[island] for island in ("etorofu", "kunashiri", "shikotan", "habomai")},
                "etorofu_japan_share": share,
                "summary": row["summary"],
                "sources": [titles[s] for s in row["sources"]],
            }
        )
    return rows


def _position_records(titles) -> list[dict]:
    return [
        {
            "id": row["id"],
            "side": row["side"],
            "date": row["date"],
            "stated_by": row["stated_by"],
            "statement": row["statement"],
            "requires_japan": _ids(row["requires_japan"]),
            "requires_russia": _ids(row["requires_russia"]),
            "condition": "" if _blank(row["condition"]) else row["condition"],
            "sources": [titles[s] for s in row["sources"]],
        }
        for row in _records("positions")
    ]


class ScenarioExplorer(anywidget.AnyWidget):
    """Assign each of the four islands to japan / russia / shared / undecided (Etorofu/Iturup also split).

    ``ScenarioExplorer(proposal="two-islands-1956")`` starts from a proposal;
    ``explorer.assign("Kunashir", "japan")`` changes one island; ``explorer.assignment``
    maps island ids to sides; ``explorer.proposal`` names the proposal the choice matches
    ("" if none); ``explorer.summary()`` gives the sums shown in the widget.
    """

    _esm = esm("scenario_explorer.js")
    # The map's own styles come first, so the explorer looks right on a page without an IslandMap.
    _css = "\n".join(Path(__file__).with_name(n).read_text() for n in ("island_map.css", "scenario_explorer.css"))

    svg = traitlets.Unicode().tag(sync=True)
    islands = traitlets.List().tag(sync=True)
    proposals = traitlets.List().tag(sync=True)
    positions = traitlets.List().tag(sync=True)
    #: Where the split line crosses Etorofu/Iturup for Japan's share 0, 0.05, ... 1 (see ``_split_axis``).
    split_offsets = traitlets.List().tag(sync=True)
    #: Etorofu/Iturup's settlements: population and ``split_at`` (see :func:`kurils.settlement.settlements`).
    settlements = traitlets.List().tag(sync=True)
    cites = traitlets.Dict().tag(sync=True)
    gradient = traitlets.Unicode().tag(sync=True)
    proposal = traitlets.Unicode("").tag(sync=True)
    assignment = traitlets.Dict().tag(sync=True)
    etorofu_share = traitlets.Float(0.5).tag(sync=True)
    #: The explorer's words, the data's and the map's in the course's other languages; the page's picks one.
    translations = traitlets.Dict().tag(sync=True)

    def __init__(self, proposal: str = "", assignment: dict | None = None, **kwargs) -> None:
        titles = data.load("sources").set_index("id")["title"]
        records = island_records()
        islands = [
            {
                "id": r["id"],
                "name": pair(r),
                "area_km2": r["area_km2"],
                "pop_now": r["pop_now"],
                "year": r["pop_now_year"],
            }
            for r in records
        ]
        axis, offsets = _split_axis()
        gradient = f"kurils-split-{uuid.uuid4().hex[:8]}"
        svg = _explorer_svg(map_svg(records), gradient, axis, settlement.settlements())
        super().__init__(
            svg=svg,
            islands=islands,
            proposals=_proposal_records(titles),
            positions=_position_records(titles),
            split_offsets=offsets,
            settlements=[
                {k: row[k] for k in ("id", "name", "population", "year", "split_at", "located")}
                for row in settlement.settlements()
            ],
            gradient=gradient,
            cites=citations(
                i for frame in (data.load("proposals"), data.load("positions")) for ids in frame["sources"] for i in ids
            ),
            assignment={row["id"]: "undecided" for row in islands},
            translations=translations("widgets/scenarios", "labels"),
            **kwargs,
        )
        if proposal:
            self.proposal = proposal
        if assignment:
            self.assignment = assignment

    # --- validation -------------------------------------------------------------------------

    @traitlets.validate("assignment")
    def _valid_assignment(self, change: dict) -> dict:
        """Any island name; every island once; a known side (split only for Etorofu/Iturup)."""
        order = [row["id"] for row in self.islands]
        chosen = {}
        for name, side in change["value"].items():
            island = self._island(name)
            allowed = (*SIDES, SPLIT) if island == SPLIT_ISLAND else SIDES
            if side not in allowed:
                raise traitlets.TraitError(f"{name}: side {side!r} is not one of {', '.join(allowed)}")
            chosen[island] = side
        missing = [i for i in order if i not in chosen]
        if missing:
            raise traitlets.TraitError(
                f"assignment lacks {', '.join(missing)}: give a side for each of the four islands"
            )
        return {i: chosen[i] for i in order}

    @traitlets.validate("etorofu_share")
    def _valid_share(self, change: dict) -> float:
        if not 0 <= change["value"] <= 1:
            raise traitlets.TraitError(
                f"etorofu_share must be between 0 and 1 (Japan's fraction), not {change['value']}"
            )
        return change["value"]

    @traitlets.validate("proposal")
    def _valid_proposal(self, change: dict) -> str:
        known = [p["id"] for p in self.proposals]
        if change["value"] and change["value"] not in known:
            raise traitlets.TraitError(f"unknown proposal {change['value']!r}; known: {', '.join(known)}")
        return change["value"]

    @traitlets.observe("proposal")
    def _apply_proposal(self, change: dict) -> None:
        """Choosing a proposal sets the assignment (and Japan's share of a split Etorofu/Iturup)."""
        if change["new"] and change["new"] not in self.matches():
            chosen = next(p for p in self.proposals if p["id"] == change["new"])
            if chosen["etorofu_japan_share"] is not None:
                self.etorofu_share = chosen["etorofu_japan_share"]
            self.assignment = chosen["assignment"]

    @traitlets.observe("assignment", "etorofu_share")
    def _follow_match(self, change: dict) -> None:
        """After a change by hand, ``proposal`` names the proposal the choice matches, or ''."""
        matches = self.matches()
        if self.proposal not in matches:
            self.proposal = matches[0] if matches else ""

    def _island(self, name: str) -> str:
        if name in {row["id"] for row in self.islands}:
            return name
        try:
            return data.island_id(name)
        except KeyError as error:
            raise traitlets.TraitError(error.args[0]) from None

    # --- the Python API -----------------------------------------------------------------------

    def assign(self, island: str, side: str) -> None:
        """Give one island to a side, e.g. ``explorer.assign("Kunashir", "japan")``."""
        self.assignment = {**self.assignment, self._island(island): side}

    def matches(self) -> list[str]:
        """Ids of the proposals that assign every island as the current choice does."""
        found = []
        for p in self.proposals:
            if p["assignment"] != self.assignment:
                continue
            share = p["etorofu_japan_share"]
            if self.assignment[SPLIT_ISLAND] == SPLIT and share is not None and abs(share - self.etorofu_share) > 0.005:
                continue
            found.append(p["id"])
        return found

    def summary(self) -> dict:
        """Area and present residents to each side, with shares of the four islands' totals
        (from :func:`kurils.settlement.outcome`, the function chapter 11's tables use), and each
        position with ``met`` and the islands that cross it."""
        result = settlement.outcome(assignment=self.assignment, etorofu_share=self.etorofu_share)
        names = {i["id"]: i["name"] for i in self.islands}
        rows = {}
        for side, row in result["sides"].items():
            labels = []
            for island in row["islands"]:
                if self.assignment[island] == SPLIT:
                    part = self.etorofu_share if side == "japan" else 1 - self.etorofu_share
                    labels.append(f"{names[island]} ({part:.0%} of its area)")
                else:
                    labels.append(names[island])
            rows[side] = {**row, "islands": labels}
        split = result["split"]
        if split:
            split = {**split, "island": names[split["island"]]}
        positions = []
        for p in self.positions:
            crossed = [i for i in p["requires_japan"] if self.assignment[i] != "japan"]
            crossed += [i for i in p["requires_russia"] if self.assignment[i] != "russia"]
            positions.append({**p, "met": not crossed, "crossed": crossed})
        return {
            "sides": rows,
            "area_km2": result["area_km2"],
            "residents": result["residents"],
            "split": split,
            "matches": self.matches(),
            "positions": positions,
        }

    # --- print ----------------------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        """Add the coloured map as SVG and the sums as an HTML table, for print and non-widget viewers."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["image/svg+xml"] = self._static_svg()
        bundle["text/html"] = self._static_html()
        return bundle

    def _static_svg(self) -> str:
        svg = self.svg
        for island, side in self.assignment.items():
            svg = svg.replace(f'class="island" data-id="{island}"', f'class="island side-{side}" data-id="{island}"')
            name = next(i["name"] for i in self.islands if i["id"] == island)
            if side == SPLIT:
                name = f"{name}: split, {self.etorofu_share:.0%} to Japan"
            svg = re.sub(
                rf'(<text class="label island-label" data-for="{island}"[^>]*>)[^<]*',
                lambda m, name=name, side=side: (
                    m.group(1) + escape(name if side == SPLIT else f"{name}: {LABELS[side]}")
                ),
                svg,
            )
        offsets = self.split_offsets
        at = offsets[round(self.etorofu_share * (len(offsets) - 1))]
        svg = svg.replace('offset="0.5"', f'offset="{at}"')
        base = ".sea{fill:#e8f1f8}.context{fill:#d9d4c7;stroke:#8a8577}.island{stroke:#333;stroke-width:.8}"
        labels = (
            ".label{font:12px sans-serif;fill:#111}"
            ".sea-label{font:italic 12px sans-serif;fill:#5a7d9a;text-anchor:middle}"
            ".credit{font:9px sans-serif;fill:#666;text-anchor:end}"
        )
        head, rest = svg.split(">", 1)
        return f"{head}><style>{base}{labels}.line-layer{{display:none}}</style>{rest}"

    def _static_html(self) -> str:
        result = self.summary()
        matched = [p["name"] for p in self.proposals if p["id"] in result["matches"]]
        cells = "".join(
            f"<tr><th scope='row'>{LABELS[side]}</th><td>{escape(', '.join(row['islands'])) or '—'}</td>"
            f"<td>{row['area_km2']:,.0f} km²</td><td>{row['area_share']:.1%}</td>"
            f"<td>{row['residents']:,}</td><td>{row['residents_share']:.1%}</td></tr>"
            for side, row in result["sides"].items()
            if row["islands"]
        )
        cells += (
            f"<tr><th scope='row'>Total</th><td>the four islands</td><td>{result['area_km2']:,.0f} km²</td>"
            f"<td>100%</td><td>{result['residents']:,}</td><td>100%</td></tr>"
        )
        note = ""
        if result["split"]:
            split = result["split"]
            note = f"<p>{escape(split_note(split))}</p>"
        items = "".join(
            f"<li><strong>{_status(p)}</strong>: {escape(p['stated_by'])} ({p['date'][:4]}): "
            f"{escape(p['statement'])}"
            + (f" <em>Condition that still applies:</em> {escape(p['condition'])}" if p["condition"] else "")
            + f" <small>Sources: {'; '.join(self.cites.get(i, escape(i)) for i in p['sources'])}.</small></li>"
            for p in result["positions"]
        )
        return (
            "<div class='kurils-scenario-static'><table><caption>Settlement scenario: area and present residents"
            "</caption><thead><tr><th>Side</th><th>Islands</th><th>Area</th><th>Share of area</th>"
            f"<th>Residents</th><th>Share of residents</th></tr></thead><tbody>{cells}</tbody></table>{note}"
            f"<p>Matches: {escape(', '.join(matched)) if matched else 'no proposal in the data'}.</p>"
            f"<p>Stated positions:</p><ul>{items or '<li>No stated positions in the data.</li>'}</ul></div>"
        )


def split_note(split: dict) -> str:
    """The sentence under the table that says how a split island's residents were divided."""
    places = {row["id"]: row for row in settlement.settlements()}
    placed = ", ".join(places[i]["name"] for i in split["settlements_japan"]) or "none of its settlements"
    years = sorted({row["year"] for row in places.values()})
    return (
        f"{split['island']} is split: of its {split['residents']:,} residents, {split['japan']:,} are counted for"
        f" Japan and {split['russia']:,} for Russia, in proportion to the people of the settlements on each side of"
        f" the line (on Japan's side: {placed}; the dots on the map). Settlement figures are from"
        f" {years[0]}–{years[-1]}, the island total from {split['year']}."
    )


def _status(position: dict) -> str:
    """Met / Crossed, or, for a position that asks nothing of the islands, no island requirement."""
    if not position["requires_japan"] and not position["requires_russia"]:
        return "No island requirement"
    return "Met" if position["met"] else "Crossed"


def _explorer_svg(svg: str, gradient: str, axis: tuple[float, float, float, float], places: list[dict]) -> str:
    """IslandMap's SVG with side fills, hatching patterns and the gradient that draws a split."""
    x1, y1, x2, y2 = axis
    split = (
        f'<linearGradient id="{gradient}" gradientUnits="userSpaceOnUse" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}">'
        '<stop class="japan-stop" offset="0.5" stop-color="#E69F00"/>'
        '<stop class="russia-stop" offset="0.5" stop-color="#56B4E9"/></linearGradient>'
    )
    style = (
        f"{SIDE_CSS}.kurils-map .island.side-split{{fill:url(#{gradient})}}"
        ".kurils-map .settlement{fill:#111;stroke:#fff;stroke-width:1}"
    )
    svg = svg.replace("<defs><style>", f"<defs>{PATTERNS}{split}<style>{style}", 1)
    dots = "".join(
        f'<circle class="settlement" cx="{p["x"]}" cy="{p["y"]}" r="{2 + min(p["population"], 3000) ** 0.5 / 12:.1f}">'
        f"<title>{escape(p['name'])}: {p['population']:,} residents ({p['year']})</title></circle>"
        for p in places
    )
    layer = f'<g class="settlements" aria-label="Settlements of Etorofu/Iturup">{dots}</g>'
    svg = svg.replace("</svg>", layer + "</svg>")
    return svg.replace('class="kurils-map"', 'class="kurils-map kurils-scenario-map"', 1)
