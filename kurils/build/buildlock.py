"""One lock for the work folders a checkout shares (`_build/assign`, `_vendor`, the execution cache).

A site build, a PDF build and a release all write there; two at once (two terminals, or tests running
in parallel) would overwrite each other's files. ``held()`` makes the second wait for the first. The lock
is re-entrant within a process: a build that releases the exercises takes it once.
"""

from __future__ import annotations

import contextlib
import fcntl
import threading

from kurils.course import BUILD

LOCKFILE = BUILD / ".build.lock"
_depth = 0
_guard = threading.Lock()


@contextlib.contextmanager
def held():
    """Hold the checkout's build lock (waiting for another process that holds it)."""
    global _depth
    with _guard:
        outer = _depth == 0
        _depth += 1
    handle = None
    try:
        if outer:
            LOCKFILE.parent.mkdir(parents=True, exist_ok=True)
            handle = LOCKFILE.open("w")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        with _guard:
            _depth -= 1
