"""Interactive widgets that work in JupyterLab and on the static site."""

from kurils.widgets.island_map import IslandMap
from kurils.widgets.scenario_explorer import ScenarioExplorer

__all__ = ["IslandMap", "ScenarioExplorer"]
