"""Building the course site and checking its pages: what ``kurils site``, ``pdf``, ``bench`` and the tests use.

- ``site``: the build (vendored scripts, bibliography, exercises, Jupyter Book, the translated editions).
- ``book``: Jupyter Book run as a command, and the execution cache every language's build shares.
- ``sphinx_ext``: the Sphinx extension _config.yml loads (addresses, launch links, language switcher).
- ``notebooks``: the chapters as .ipynb downloads, the course wheel and the course archive.
- ``translations``: the gettext catalogues (update, check, fill) and the Japanese and Russian builds.
- ``bib``: references.bib from data/sources.csv.
- ``chapters``: checks on a chapter's text (anatomy, citations, dates) and its glossary links.
- ``neutrality``: loaded words outside quotations, in the data, chapters, quizzes and translations.
- ``light``: the built pages rewritten to be light on a phone.
- ``pdf``: the whole course as one PDF.
- ``bench``, ``lighthouse``: the build and the pages measured against a stock Jupyter Book.
- ``browser``: Debian's Chromium through Playwright, the one way the tools and tests launch it.
- ``buildlock``: the lock on the work folders a checkout's builds share.
"""
