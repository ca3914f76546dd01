"""Interactive widgets that work in JupyterLab and on the static site."""

from kurils.widgets.comparer import SourceComparer
from kurils.widgets.island_map import IslandMap
from kurils.widgets.summits import SummitTracker
from kurils.widgets.timeline import TimelineExplorer

__all__ = ["IslandMap", "SourceComparer", "SummitTracker", "TimelineExplorer"]
