"""Tables for chapter pages: full text (no "..." truncation), sources in small type."""

from __future__ import annotations

import pandas as pd


def table(frame: pd.DataFrame):
    """Show ``frame`` in full on a page; the data itself is unchanged (``.data`` gives it back)."""
    styler = frame.style
    if "sources" in frame.columns:
        styler = styler.set_properties(subset=["sources"], **{"font-size": "0.8em", "word-break": "break-word"})
    return styler.set_properties(**{"text-align": "left", "vertical-align": "top"}).hide(axis="index")
