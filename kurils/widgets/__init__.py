"""Interactive widgets that work in JupyterLab and on the static site."""

from kurils.widgets.island_map import IslandMap

__all__ = ["IslandMap"]
