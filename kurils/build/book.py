"""Jupyter Book 1.x, run as a command: the one way the site's builds (English and translated) call it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kurils.course import BUILD, ROOT

#: Jupyter Book's execution cache (execute_notebooks: cache in _config.yml), shared by every language's build.
CACHE = BUILD / ".jupyter_cache"


def jupyter_book(*args: str, capture: bool = False) -> subprocess.CompletedProcess:
    """Run ``jupyter-book build ROOT ARGS`` with this environment's Jupyter Book; with ``capture``, its output
    (standard output and errors, in order) is kept in the result's ``stdout`` instead of printed."""
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), *args]
    if capture:
        return subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return subprocess.run(command, cwd=ROOT)
