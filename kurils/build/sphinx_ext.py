"""Sphinx tweaks the course's pages need; enabled in _config.yml (sphinx.extra_extensions).

- Thebe's scripts are removed. Jupyter Book 1 always loads sphinx-thebe, which declares
  `const THEBE_JS_URL` once per read pass, so rebuilt pages log "Identifier 'THEBE_JS_URL'
  has already been declared" and point at unpkg.com. The course has no live kernels on the site.
- The site's address, the 404 page's link prefix, the Open Graph site URL and the launch buttons
  all derive from one setting, ``repository.url`` in _config.yml, or $KURILS_REPOSITORY, which the
  Pages workflow sets (see :func:`kurils.course.repository`). While it is the placeholder, the
  pages have no launch buttons.
- The 404 page (sphinx-notfound-page) works wherever the site is served: its links and assets are
  relative to a ``<base href>`` at the site's root: the configured sub-path (``/kurils/``), or where
  the page is served elsewhere, a first inline script derives the root from the address (the part
  before ``/chapters/``, or ``/``).
  sphinx-notfound-page's own absolute paths (``/kurils/_static/...``) broke it under ``make serve``.
- Notebook pages offer the course's own .ipynb for download, and their launch buttons open it
  on the ``notebooks`` branch (kurils/build/notebooks.py).
- sphinxcontrib-bibtex looks up its pybtex style plugins again for every {footcite}, and each
  look-up scans every installed package's entry points (about 0.05 s, most of a cold build's
  Sphinx time; found by `kurils bench`). The look-ups are cached for the build, and so is each
  entry's formatting, which it repeats at every {footcite}.
- The "Show the code" toggles are named by their text, not "Toggle hidden content".
- A run of citation markers ([3][4][5][6][9]) becomes one marker, [3–6, 9]: a long run broke the
  sentence it supported. Every footnote stays in the page's list of sources.
- The site follows the reader's light or dark system setting from the first paint (RESOLVE_AUTO).
- The site's root ``index.html`` is a complete redirect page (language, title, a link to follow,
  no icon to fetch) instead of sphinx-external-toc's one-line ``<meta>`` redirect, which made
  Chromium ask for ``/favicon.ico`` (a 404) when it was slower than the redirect.
"""

from __future__ import annotations

import functools
import html
import json
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pybtex.plugin
from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from kurils import course, i18n
from kurils.build import notebooks, translations


def _derive_addresses(app, config) -> None:
    repository = course.repository()
    config.html_theme_options["repository_url"] = repository
    language = config.language or "en"
    words = translations.UI[language]
    url = course.site_url(repository) + ("" if language == "en" else f"{language}/")
    prefix = urlparse(url).path
    if not config.ogp_site_url:
        config.ogp_site_url = url
    config.notfound_context = {
        "title": words["not_found"],
        "body": f"<h1>{words['not_found']}</h1>\n<p>{words['not_found_body']}</p>\n",
    }
    config.kurils_site_prefix = prefix
    config.kurils_site_root = course.site_url(repository)
    # The theme's own words come from its catalogues; these few are the book's settings.
    config.html_theme_options["search_bar_text"] = words["search"]
    config.nb_code_prompt_show, config.nb_code_prompt_hide = words["show_code"], words["hide_code"]
    config.html_theme_options["article_header_end"] = ["language-switcher.html", "article-header-buttons.html"]


def _translate_toc_captions(app, doctree) -> None:
    """The table of contents' part captions ("The course") in the page's language: sphinx-external-toc
    inserts its toctrees after Sphinx has translated the page, so their captions are looked up here."""
    if not app.config.language or app.config.language == "en":
        return
    from sphinx import addnodes
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    dirs = [str(Path(app.srcdir, directory)) for directory in app.config.locale_dirs]
    catalog, found = init_locale(dirs, app.config.language, domain)
    if not found:
        return
    for toctree in doctree.findall(addnodes.toctree):
        if toctree.get("caption"):
            toctree["caption"] = catalog.gettext(toctree["rawcaption"] or toctree["caption"])


def _language_links(app, pagename, templatename, context, doctree) -> None:
    """The same page in every language: the switcher's links and the <head>'s hreflang alternates."""
    language = app.config.language or "en"
    root = "../" * pagename.count("/") + ("" if language == "en" else "../")
    site = app.config.kurils_site_root
    links, alternates = [], []
    built = translations.site_languages()
    if len(built) == 1:
        return
    for code, name in ((code, i18n.LANGUAGES[code]) for code in built):
        path = ("" if code == "en" else f"{code}/") + f"{pagename}.html"
        links.append(
            {
                "code": code,
                "name": name,
                "short": translations.SHORT[code],
                "url": root + path,
                "current": code == language,
            }
        )
        alternates.append(f'<link rel="alternate" hreflang="{code}" href="{html.escape(site + path)}">')
    context["kurils_languages"] = links
    context["kurils_languages_label"] = translations.UI[language]["languages"]
    context["metatags"] = context.get("metatags", "") + "\n".join(alternates) + "\n"


# First in the 404 page's <head>, before any link or script, so relative URLs resolve from the site's
# root. The static <base> is right where the site is published (and Chromium's preload scanner reads
# it); served anywhere else, the script moves it to the root found from the address.
BASE = """<base href={prefix}>
<script>(function () {{
  var path = location.pathname, root = {prefix};
  if (path.indexOf(root) === 0) return;
  var at = path.indexOf("/chapters/");
  document.querySelector("base").href = at >= 0 ? path.slice(0, at + 1) : "/";
}})();</script>
"""

_RELATIVE_HELPERS = ("pathto", "toctree", "css_tag", "js_tag")


def _keep_relative_links(app, pagename, templatename, context, doctree) -> None:
    """Before sphinx-notfound-page (priority 400): remember Sphinx's relative link helpers."""
    if pagename == app.config.notfound_pagename:
        context["_kurils_relative"] = {name: context[name] for name in _RELATIVE_HELPERS if name in context}


def _relative_404(app, pagename, templatename, context, doctree) -> None:
    """After sphinx-notfound-page: put the relative helpers back and add the <base> script."""
    if pagename != app.config.notfound_pagename:
        return
    context.update(context.pop("_kurils_relative", {}))
    prefix = json.dumps(app.config.kurils_site_prefix or "/")
    context["metatags"] = BASE.format(prefix=prefix) + context.get("metatags", "")


def _is_thebe(script) -> bool:
    filename = getattr(script, "filename", None) or ""
    body = getattr(script, "attributes", {}).get("body", "")
    return "sphinx-thebe" in filename or "thebe@" in filename or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]


def _name_code_toggles(app, pagename, templatename, context, doctree) -> None:
    """myst-nb labels each "Show the code" toggle "Toggle hidden content", a name that does not contain its
    visible text (WCAG 2.5.3, axe's label-content-name-mismatch); without the label, the text names it."""
    if "body" in context:
        context["body"] = context["body"].replace('<summary aria-label="Toggle hidden content">', "<summary>")


def _cache_pybtex_plugins() -> None:
    load = getattr(pybtex.plugin, "_load_entry_point", None)  # private: skip if pybtex changes it
    if load is not None and not hasattr(load, "cache_info"):
        pybtex.plugin._load_entry_point = functools.lru_cache(maxsize=None)(load)


def _notebook_and_launch_links(app, pagename, templatename, context, doctree) -> None:
    """Offer the page as the course's notebook (no outputs, install cell first) and launch that notebook.

    Runs after sphinx-book-theme (priority 501), which copies the executed notebook to _sources/
    and points its launch links at the MyST .md file, which Colab cannot open.
    """
    if not context.get("ipynb_source"):
        return
    options = app.config.html_theme_options
    repository = options["repository_url"]
    notebook = notebooks.chapter_notebook(Path(app.env.doc2path(pagename)), repository)
    nbformat.write(notebook, Path(app.outdir) / "_sources" / f"{pagename}.ipynb")
    groups = context.get("header_buttons", [])
    if course.is_placeholder(repository):  # no notebooks branch to open: no button that leads nowhere
        groups[:] = [group for group in groups if group.get("label") != "launch-buttons"]
        return
    urls = notebooks.launch_urls(pagename, repository, options.get("launch_buttons", {}))
    for group in groups:
        if group.get("label") == "launch-buttons":
            group["buttons"] = [
                dict(button, url=urls[button["text"]]) for button in group["buttons"] if button["text"] in urls
            ]


REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="canonical" href="{target}">
<meta http-equiv="refresh" content="0; url={target}">
</head>
<body><p>{starts} <a href="{target}">{target}</a></p></body>
</html>
"""


def _write_index(app, exception) -> None:
    """Write the root redirect page before sphinx-external-toc would write its bare one."""
    if exception is not None or app.builder.name != "html" or app.config.root_doc == "index":
        return
    target = f"{app.config.root_doc}.html"
    title = html.escape(app.config.html_title or app.config.project)
    language = app.config.language or "en"
    page = REDIRECT_PAGE.format(
        title=title, target=target, language=language, starts=translations.UI[language]["starts"]
    )
    (Path(app.outdir) / "index.html").write_text(page, encoding="utf-8")


class GroupCitationMarkers(SphinxPostTransform):
    """Adjacent footnote markers become one bracketed group; three or more consecutive numbers become a
    range whose ends link to their footnotes."""

    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for parent in list(self.document.findall(nodes.TextElement)):
            runs, run = [], []
            for child in parent.children:
                if isinstance(child, nodes.footnote_reference) and child.astext().isdigit():
                    run.append(child)
                    continue
                if len(run) > 1:
                    runs.append(run)
                run = []
            if len(run) > 1:
                runs.append(run)
            for run in runs:
                self._group(parent, run)

    @staticmethod
    def _group(parent: nodes.Element, run: list[nodes.footnote_reference]) -> None:
        group = nodes.inline(classes=["kurils-cite-group"])
        group += nodes.Text("[")
        ordered = sorted(run, key=lambda ref: int(ref.astext()))
        unique = list({ref.astext(): ref for ref in ordered}.values())
        spans, span = [], [unique[0]]
        for ref in unique[1:]:
            if int(ref.astext()) == int(span[-1].astext()) + 1:
                span.append(ref)
            else:
                spans.append(span)
                span = [ref]
        spans.append(span)
        for k, span in enumerate(spans):
            if k:
                group += nodes.Text(", ")
            if len(span) >= 3:
                group += [span[0].deepcopy(), nodes.Text("–"), span[-1].deepcopy()]
            else:
                for m, ref in enumerate(span):
                    if m:
                        group += nodes.Text(", ")
                    group += ref.deepcopy()
        group += nodes.Text("]")
        at = parent.index(run[0])
        for ref in run:
            parent.remove(ref)
        parent.insert(at, group)


# The theme starts in the reader's system setting (default_mode: auto in _config.yml), but only its
# deferred script turns "auto" into "dark" or "light"; this runs in the <head>, so the first paint is right.
RESOLVE_AUTO = (
    'if (document.documentElement.dataset.theme === "auto") document.documentElement.dataset.theme = '
    'matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";'
)


def _format_each_entry_once() -> None:
    """sphinxcontrib-bibtex formats a source's entry again at every {footcite} of it, and a translated
    build reads each cited paragraph twice (about 2,700 formattings of 200 entries, a fifth of that
    build's time). The formatting depends only on the style, its options, the label and the entry,
    none of which changes during a build, so each is formatted once."""
    from pybtex.style.formatting import BaseStyle

    if hasattr(BaseStyle.format_entry, "__wrapped__"):
        return
    format_entry = BaseStyle.format_entry
    formatted: dict = {}

    @functools.wraps(format_entry)
    def once(self, label, entry, bib_data=None):
        style = (type(self), type(self.name_style), type(self.label_style), type(self.sorting_style))
        key = (*style, self.abbreviate_names, self.min_crossrefs, label, id(entry), id(bib_data))
        if key not in formatted:  # the entry is kept with its formatting, so its id is not reused
            formatted[key] = (entry, bib_data, format_entry(self, label, entry, bib_data))
        return formatted[key][2]

    BaseStyle.format_entry = once


def setup(app):
    app.add_post_transform(GroupCitationMarkers)
    app.add_js_file(None, body=RESOLVE_AUTO, priority=100)
    app.connect("build-finished", _write_index, priority=400)
    app.add_config_value("kurils_site_prefix", "/", "html")
    app.add_config_value("kurils_site_root", "/", "html")
    app.connect("html-page-context", _language_links, priority=100)  # before the theme drops empty templates
    app.connect("config-inited", _derive_addresses)
    app.connect("doctree-read", _translate_toc_captions)
    app.connect("html-page-context", _keep_relative_links, priority=399)
    app.connect("html-page-context", _relative_404, priority=401)
    app.connect("html-page-context", _notebook_and_launch_links, priority=502)
    _cache_pybtex_plugins()
    _format_each_entry_once()
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("html-page-context", _name_code_toggles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
