"""Sphinx tweaks the course's pages need; enabled in _config.yml (sphinx.extra_extensions).

Jupyter Book 1 always loads sphinx-thebe, which declares `const THEBE_JS_URL` once per
read pass, so rebuilt pages log "Identifier 'THEBE_JS_URL' has already been declared"
and point at unpkg.com. The course uses no Thebe (no live kernels on the static site),
so its scripts are removed from every page.

sphinxcontrib-bibtex looks up its pybtex style plugins again for every {footcite}, and each
look-up scans every installed package's entry points (about 0.05 s here, so most of a cold
build's Sphinx time; found by `kurils bench`). The look-ups are cached for the build.
"""

from __future__ import annotations

import functools

import pybtex.plugin


def _is_thebe(script) -> bool:
    filename = getattr(script, "filename", None) or ""
    body = getattr(script, "attributes", {}).get("body", "")
    return "sphinx-thebe" in filename or "thebe@" in filename or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]


def _cache_pybtex_plugins() -> None:
    load = getattr(pybtex.plugin, "_load_entry_point", None)  # private: skip if pybtex changes it
    if load is not None and not hasattr(load, "cache_info"):
        pybtex.plugin._load_entry_point = functools.lru_cache(maxsize=None)(load)


def setup(app):
    _cache_pybtex_plugins()
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
