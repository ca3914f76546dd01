"""Interactive widgets that work in JupyterLab and on the static site.

- ``island_map``: the four islands, each side's claims and the lines proposed (``IslandMap``).
- ``scenario_explorer``: a settlement formula's outcome on the map (``ScenarioExplorer``).
- ``timeline``: the events, filtered and searched (``TimelineExplorer``).
- ``summits``: the leaders' meetings (``SummitTracker``).
- ``comparer``: two sources' texts side by side (``SourceComparer``).
- ``_common``: what the data widgets share: the base class, citations, their words in each language.
"""

from kurils.widgets.comparer import SourceComparer
from kurils.widgets.island_map import IslandMap
from kurils.widgets.scenario_explorer import ScenarioExplorer
from kurils.widgets.summits import SummitTracker
from kurils.widgets.timeline import TimelineExplorer

__all__ = ["IslandMap", "ScenarioExplorer", "SourceComparer", "SummitTracker", "TimelineExplorer"]
