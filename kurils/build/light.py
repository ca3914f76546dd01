"""Make the built pages light on a phone (issue 14): the build rewrites the HTML Sphinx wrote.

Jupyter Book's theme gives every page a 1.45 MB icon script and a head full of scripts and styles
that hold back the first paint. After the book is built, each page gets:

- its icons as inline SVG, drawn from the theme's own ``fontawesome.js`` (which is no longer served):
  the same ``<svg class="svg-inline--fa fa-NAME">`` that script would have put in place of each ``<i>``;
- no search scripts or 220 KB search index except on the search page (the theme loads them on every
  page for search-as-you-type, which the course does not use: the search field opens search.html);
- no Thebe styles (the course has no live kernels; kurils/build/sphinx_ext.py already drops Thebe's script);
- Sphinx's ``documentation_options.js`` written into the page, and every other script in the head
  ``defer``-red: scripts run once the page is parsed, so none holds back the first paint;
- the theme's ``theme.css``, a lone ``@import`` of ``basic.css``, replaced by ``basic.css`` itself
  (one round trip less before the first paint);
- each style sheet that holds back the first paint (the theme's, myst-nb's and the course's) cut to the
  rules the site's pages and scripts can use (``NAME.used.css``, written by PurgeCSS: 61 → 27 KB
  gzipped); the pages draw exactly as with the full sheets (tests/test_lighthouse.py compares them);
- the styles that only colour code, style copy buttons, toggles or sphinx-design's tabs (all below
  the first screen or added by scripts) loaded without blocking the first paint; sphinx-design's styles
  and script not at all on pages that use none of its components;
- no ``<link rel="preload">`` of the theme's scripts, which competed with the styles at high priority;
- the widget state (the data a page's widgets draw, up to 250 KB) in a deferred script of its own
  (``_static/widget-state/``) instead of the head, so the page itself is half the size, and with the
  widgets' words in the page's language only (one execution writes every language's: kurils.i18n);
- of an output written in every language (a self-check: ``kurils.i18n.editions``), the page's language only;
- the theme's icon font cut to the few glyphs its styles draw (2 KB instead of 156 KB), and its style
  sheet without FontAwesome's 2,000 webfont icon rules;
- a version (``?v=`` and a hash of the file's content) on every ``_static`` address, so a browser
  may keep the files and still gets a changed one.

Each step leaves an already rewritten page as it is, so an incremental build can rewrite only the
pages Sphinx wrote again.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
import subprocess
from pathlib import Path

from kurils.course import ASSETS, NODE_MODULES

#: FontAwesome's style classes and the icon pack each names.
PACKS = {"fa": "fas", "fas": "fas", "fa-solid": "fas", "far": "far", "fa-regular": "far"}
PACKS |= {"fab": "fab", "fa-brands": "fab"}
ICON = re.compile(
    r'<(i|span) class="([^"]*\bfa[sbr]?\b[^"]*|[^"]*\bfa-(?:solid|regular|brands)\b[^"]*)"([^>]*)>\s*</\1>'
)
FA_SCRIPT = re.compile(r'\s*<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
SEARCH_SCRIPTS = re.compile(
    r'\s*<script[^>]*src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)[^"]*"></script>'
)
THEBE_CSS = re.compile(r'\s*<link[^>]*href="[^"]*_static/sphinx-thebe\.css[^"]*"[^>]*/?>')
THEME_CSS = re.compile(r'<link href="([^"]*_static/)styles/theme\.css\?digest=[^"]*" rel="stylesheet" ?/?>')
DOC_OPTIONS = re.compile(r'<script src="[^"]*_static/documentation_options\.js[^"]*"></script>')
HEAD_SCRIPT = re.compile(r"<script ((?:(?!defer|async)[^>])*)\bsrc=")
#: Styles the first paint does not need: code colours, copy buttons (added later by a script).
LATE_CSS = ("pygments.css", "copybutton.css", "togglebutton.css", "sphinx-design.min.css")
DESIGN_CSS = "sphinx-design.min.css"
DESIGN_JS = "design-tabs.js"
STYLESHEET = re.compile(r'<link rel="stylesheet" type="text/css" href="([^"]*_static/([^"?]+)[^"]*)" />')
#: The style sheets every page waits for before its first paint, as the theme writes their links.
BLOCKING_CSS = re.compile(
    r'<link (?:href="([^"]+)" rel="stylesheet"|rel="stylesheet" type="text/css" href="([^"]+)") ?/>'
)
#: Those that get a NAME.used.css (glob patterns under _static): all the blocking ones the theme has.
USED_SOURCES = (
    "basic.css",
    "styles/pydata-sphinx-theme.css",
    "styles/sphinx-book-theme.css",
    "mystnb.*.css",
    "vendor/site.css",
)
USED_SCRIPT = ASSETS / "used-css.mjs"
STATIC_URL = re.compile(r'((?:src|href)=")((?:\.\./)*_static/[^"?#]+)(?:\?[^"#]*)?(")')


#: The theme's solid icon font (156 KB), which its styles use for a few icons (admonitions, the
#: "on this page" arrow); the build serves a subset with only the glyphs the styles name.
SOLID_FACE = re.compile(
    r'src:url\((\.\./vendor/fontawesome/webfonts/)fa-solid-900\.woff2\) format\("woff2"\),'
    r'url\([^)]*fa-solid-900\.ttf\) format\("truetype"\)'
)
SUBSET_FONT = "fa-solid-900-subset.woff"
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
CSS_ESCAPE = re.compile(r"\\([ef][0-9a-f]{3})(?![0-9a-f])")
RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
ICON_RULE = re.compile(r"\.fa-[a-z0-9-]+:{1,2}(?:before|after)")


#: The theme's ``<link rel="preload">`` of its two scripts: fetched at high priority, they compete with
#: the styles before the first paint; the deferred ``<script>`` tags at the end of the page load them.
PRELOAD = re.compile(r'\s*<link rel="preload" as="script" href="[^"]*" ?/?>')
#: A page's widget state (the data its widgets draw): moved to a deferred script of its own.
WIDGET_STATE = re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.DOTALL)
STATES = "widget-state"


class LightError(RuntimeError):
    """A page or the theme is not as this module expects."""


def fontawesome_js() -> Path:
    """The theme's FontAwesome script, as installed with pydata-sphinx-theme."""
    import pydata_sphinx_theme

    path = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "scripts"
    return path / "fontawesome.js"


@functools.lru_cache(maxsize=1)
def icon_table(script: Path | None = None) -> dict[tuple[str, str], tuple[int, int, str]]:
    """Every icon in the theme's fontawesome.js: (pack, name) → (width, height, SVG path data).

    The script defines each pack as an object literal of ``name: [width, height, aliases, unicode,
    path]`` followed by a call naming the pack (``d("fas", p)``); aliases are looked up too.
    """
    script = script or fontawesome_js()
    try:
        text = script.read_text(encoding="utf-8")
    except OSError as error:
        raise LightError(f"cannot read the theme's icons {script}: {error}") from error
    entry = re.compile(
        r'(?:"([a-z0-9-]+)"|\b([a-z0-9_]+)):\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]*",("(?:[^"\\]|\\.)*"|\[[^\]]*\])\]'
    )
    define = re.compile(r'\b[a-zA-Z_$][\w$]*\("(fa[sbr])",')
    defines = [(m.start(), m.group(1)) for m in define.finditer(text)]
    table: dict[tuple[str, str], tuple[int, int, str]] = {}
    for m in entry.finditer(text):
        pack = next((name for at, name in defines if at > m.end()), None)
        if pack is None:
            continue
        paths = m.group(6)
        path = paths[1:-1] if paths.startswith('"') else " ".join(re.findall(r'"([^"]*)"', paths))
        icon = (int(m.group(3)), int(m.group(4)), path)
        names = [m.group(1) or m.group(2)] + re.findall(r'"([a-z0-9-]+)"', m.group(5))
        for name in names:
            table.setdefault((pack, name), icon)
    if not any(pack == "fas" for pack, _ in table):
        raise LightError(f"found no solid icons in {script}: has the theme changed how it stores them?")
    return table


def css_glyphs(css: str) -> set[int]:
    """Icon font code points a style sheet draws, other than FontAwesome's own ``.fa-NAME:before``
    rules (which draw ``<i class="fa-NAME">`` elements, now inline SVG)."""
    glyphs = set()
    for m in RULE.finditer(css):
        if _icon_rule(m.group(1)):
            continue
        glyphs |= {ord(char) for char in PRIVATE_USE.findall(m.group(2))}
        glyphs |= {int(code, 16) for code in CSS_ESCAPE.findall(m.group(2))}
    return glyphs


def subset_icon_font(site: Path) -> int:
    """Serve the solid icon font with only the glyphs the site's styles draw; returns how many.

    The theme's style sheet is rewritten to name the subset (a WOFF file, fontTools' zlib flavour),
    without the 2,000 ``.fa-NAME:before`` rules of FontAwesome's webfont icons (65 → 45 KB gzipped).
    """
    from fontTools import subset

    theme = site / "_static" / "styles" / "pydata-sphinx-theme.css"
    text = theme.read_text(encoding="utf-8")
    if SUBSET_FONT in text:
        return -1  # already done
    if not SOLID_FACE.search(text):
        raise LightError(f"{theme} has no @font-face for fa-solid-900 where expected: has the theme changed?")
    glyphs = set().union(*(css_glyphs(p.read_text(encoding="utf-8")) for p in (site / "_static").rglob("*.css")))
    fonts = site / "_static" / "vendor" / "fontawesome" / "webfonts"
    options = subset.Options()
    options.flavor = "woff"
    font = subset.load_font(str(fonts / "fa-solid-900.ttf"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(glyphs))
    subsetter.subset(font)
    subset.save_font(font, str(fonts / SUBSET_FONT), options)
    text = SOLID_FACE.sub(rf'src:url(\1{SUBSET_FONT}) format("woff")', text, count=1)
    theme.write_text(RULE.sub(lambda m: "" if _icon_rule(m.group(1)) else m.group(0), text), encoding="utf-8")
    return len(glyphs)


def _icon_rule(selectors: str) -> bool:
    """A rule only FontAwesome's webfont icons use (``.fa-NAME:before``): every such icon is inline SVG."""
    return all(ICON_RULE.fullmatch(part.strip()) for part in selectors.split(","))


def svg_icon(classes: str, attributes: str, where: str = "a page") -> str:
    """The inline SVG FontAwesome would put in place of ``<i class="CLASSES" ATTRIBUTES></i>``."""
    names = classes.split()
    pack = next((PACKS[name] for name in names if name in PACKS), "fas")
    table = icon_table()
    icons = [name[3:] for name in names if name.startswith("fa-") and (pack, name[3:]) in table]
    if not icons:
        raise LightError(f'{where}: no FontAwesome icon for <i class="{classes}">')
    width, height, path = table[(pack, icons[0])]
    rest = [name for name in names if name not in PACKS and name != f"fa-{icons[0]}"]
    extra = attributes if "aria-hidden" in attributes else f'{attributes} aria-hidden="true"'
    return (
        f'<svg class="{" ".join(["svg-inline--fa", f"fa-{icons[0]}", *rest])}"{extra} focusable="false" '
        f'data-prefix="{pack}" data-icon="{icons[0]}" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}"><path fill="currentColor" d="{html.escape(path)}"></path></svg>'
    )


@functools.lru_cache(maxsize=256)
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:8]


def version(site: Path, page: Path, url: str) -> str:
    """``url`` (relative to ``page``) with ``?v=`` and a hash of the file it names."""
    target = (page.parent / url).resolve()
    if not target.is_file() or site.resolve() not in target.parents:
        raise LightError(f"{page.relative_to(site)}: {url} names no file of the site")
    return f"{url}?v={_digest(target, target.stat().st_mtime_ns)}"


def lighten_page(text: str, page: Path, site: Path) -> str:
    """One page, rewritten (see the module's description); a rewritten page comes back unchanged."""
    where = str(page.relative_to(site))
    if "</head>" not in text:
        return text  # not a themed page (the root redirect page)
    head, body = text.split("</head>", 1)
    head = FA_SCRIPT.sub("", head)
    head = THEBE_CSS.sub("", head)
    if where != "search.html":
        head = SEARCH_SCRIPTS.sub("", head)
    head = THEME_CSS.sub(lambda m: f'<link href="{m.group(1)}basic.css" rel="stylesheet" />', head)
    options = site / "_static" / "documentation_options.js"
    if DOC_OPTIONS.search(head):
        if not options.is_file():
            raise LightError(f"{where} loads documentation_options.js, which the site does not have")
        inline = options.read_text(encoding="utf-8").strip()
        head = DOC_OPTIONS.sub(lambda m: f"<script>{inline}</script>", head, count=1)
    uses_design = re.search(r'class="[^"]*\bsd-', body) is not None

    def stylesheet(m: re.Match) -> str:
        url, name = m.group(1), m.group(2)
        if name == DESIGN_CSS and not uses_design:
            return ""
        if name in LATE_CSS:
            return (
                f'<link rel="stylesheet" type="text/css" href="{url}" media="print" onload="this.media=\'all\'" />'
                f'<noscript><link rel="stylesheet" href="{url}"></noscript>'
            )
        return m.group(0)

    head = STYLESHEET.sub(stylesheet, head)
    head = _used_only(head, page)
    head = PRELOAD.sub("", head)
    language = PAGE_LANGUAGE.search(head)
    language = language.group(1) if language else "en"
    head = WIDGET_STATE.sub(lambda m: _state_script(_one_language(m.group(1), language), page, site), head)
    if not uses_design:
        head = re.sub(r'\s*<script[^>]*src="[^"]*_static/' + re.escape(DESIGN_JS) + r'[^"]*"></script>', "", head)
    head = HEAD_SCRIPT.sub(lambda m: f"<script {m.group(1)}defer src=", head)
    body = EDITION.sub(lambda m: m.group(0) if m.group(1) == language else "", body)
    body = ICON.sub(lambda m: svg_icon(m.group(2), m.group(3), where), body)
    text = head + "</head>" + body
    return STATIC_URL.sub(lambda m: m.group(1) + version(site, page, m.group(2)) + m.group(3), text)


def _used_only(head: str, page: Path) -> str:
    """Each blocking style sheet that has a ``NAME.used.css`` (see ``used_css``) named by that file."""

    def used(m: re.Match) -> str:
        url = m.group(1) or m.group(2)
        path = url.split("?")[0]
        if not path.endswith(".css") or not (page.parent / path).with_suffix(".used.css").is_file():
            return m.group(0)
        return m.group(0).replace(url, path[:-4] + ".used.css")

    return BLOCKING_CSS.sub(used, head)


def used_css(site: Path) -> list[Path]:
    """Write ``NAME.used.css`` beside each of the site's blocking style sheets (USED_SOURCES):
    the rules that can match the site's pages or the theme's scripts (kurils/assets/used-css.mjs)."""
    sheets = [path for pattern in USED_SOURCES for path in sorted((site / "_static").glob(pattern))]
    sheets = [path for path in sheets if not path.name.endswith(".used.css")]
    if not sheets:
        return []
    purgecss = NODE_MODULES / "purgecss"
    if not purgecss.is_dir():
        raise LightError(f"{purgecss} is missing: run `npm ci` (or `make setup`)")
    done = subprocess.run(
        ["node", str(USED_SCRIPT), str(site), *map(str, sheets)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise LightError(f"PurgeCSS failed on {site}: {done.stderr.strip()[-800:]}")
    return [path.with_suffix(".used.css") for path in sheets]


#: One language's edition of an output (kurils.i18n.editions); a page keeps its own language's only.
EDITION = re.compile(r"<!--kurils-edition ([a-z]{2})-->.*?<!--/kurils-edition-->", re.DOTALL)

#: The page's language, from ``<html lang="ja">``.
PAGE_LANGUAGE = re.compile(r'<html[^>]*\blang="([a-z]{2})')


def _one_language(state: str, language: str) -> str:
    """The widget state with only ``language``'s ``translations`` (English needs none): a page shows only its
    own language (kurils/widgets/words.js), and the others would make a chapter 100 KB heavier."""
    if '"translations"' not in state:
        return state
    tree = json.loads(state)
    for model in tree.get("state", {}).values():
        words = model.get("state", {}).get("translations")
        if isinstance(words, dict):
            model["state"]["translations"] = {code: table for code, table in words.items() if code == language}
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":"))


def _state_script(state: str, page: Path, site: Path) -> str:
    """Write a page's widget state to ``_static/widget-state/PAGE.js``; the deferred script that loads it.

    The renderer (kurils/assets/anywidget-static.js) reads ``window.kurilsWidgetStates`` as well as
    inline state; a classic script also works when the site is opened from disk (file://).
    """
    name = page.relative_to(site).with_suffix(".js").as_posix().replace("/", "--")
    target = site / "_static" / STATES / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"(window.kurilsWidgetStates = window.kurilsWidgetStates || []).push({state.strip()});\n")
    url = Path(*[".."] * (len(page.relative_to(site).parts) - 1), "_static", STATES, name).as_posix()
    return f'<script defer src="{url}"></script>'


def lighten(site: Path) -> int:
    """Rewrite every page of a built site; drop the icon script no page loads. Returns pages changed."""
    subset_icon_font(site)  # first: the pages name the style sheet by a hash of its content
    used_css(site)  # from the icon-free style sheet
    changed = 0
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.relative_to(site).parts:
            continue  # the theme's own HTML fragments
        text = page.read_text(encoding="utf-8")
        light = lighten_page(text, page, site)
        if light != text:
            page.write_text(light, encoding="utf-8")
            changed += 1
    for name in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        (site / "_static" / "scripts" / name).unlink(missing_ok=True)
    return changed
