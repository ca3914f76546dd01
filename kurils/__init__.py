"""The southern Kurils / Northern Territories course: data, widgets and grading.

The top level is what a student's kernel imports (and a wheel installs with the runtime dependencies only):

- ``data``, ``display``: the data sets, checked against their schemas, and how a reader sees them.
- ``figures``, ``widgets``: the chapters' charts and interactive widgets.
- ``geography``, ``settlement``: the map outlines and what a settlement formula gives each side.
- ``documents``: the documents reader page; ``selfcheck``: the self-check questions on a page.
- ``checks``: the released notebooks' ``grader`` and what a failed check means.
- ``i18n``: the kernel catalogues that translate the outputs (the page's language shown).
- ``course``: where the course's files are and its settings (``_config.yml``, ``_toc.yml``).
- ``cli``: the ``kurils`` command.

``kurils.build`` builds the site and checks its pages; ``kurils.grading`` releases and grades exercises.
"""

__version__ = "0.1.0"
