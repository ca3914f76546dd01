"""The source comparer: short excerpts of two source documents side by side, on one topic.

The words that mark each text's perspective (``marked_words`` in the ``excerpts`` data
set) are highlighted and explained (``note``). Only the excerpts are sent, never whole
documents. From Python, set or read ``left``, ``right`` (document ids) and ``topic``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import traitlets

from kurils import data, display
from kurils.widgets._common import DataWidget, esm, known, records, source_titles, translations

#: The five source documents of the course, in date order.
DOCUMENTS = ["asan-forum-2013", "valdai-2016", "jamestown-edm-2016", "ifri-pajon-2017", "ru-journal-2018"]
COLUMNS = ["id", "document", "speaker", "date", "topic", "text", "marked_words", "note"]


def _excerpts() -> list[dict]:
    frame = data.load("excerpts")
    frame = frame.assign(document=frame["sources"].str[0])
    rows = records(frame[frame["document"].isin(DOCUMENTS)].sort_values(["date", "id"]), COLUMNS)
    for row in rows:
        row["marked_words"] = [w.strip() for w in row["marked_words"].split(";") if w.strip()]
    return rows


def texts() -> list[str]:
    """The excerpts' words a reader sees but the quotations themselves, which stay in the source's words
    (the catalogue ``locales/LANG/kernel/widgets/comparer``)."""
    found = [display.value(topic) for topic in _topics()]
    found += [row[key] for row in _excerpts() for key in ("speaker", "note") if row[key]]
    return list(dict.fromkeys(found))


def _topics() -> list[str]:
    return next(f for f in data.schema("excerpts")["fields"] if f["name"] == "topic")["enum"]


def highlight(text: str, words: list[str]) -> str:
    """``text`` as HTML with each marked word or phrase in a labelled ``<mark>``."""
    spans = sorted((text.find(w), text.find(w) + len(w)) for w in words if w in text)
    out, at = [], 0
    for begin, end in spans:
        if begin < at:  # overlaps the previous mark
            continue
        out.append(escape(text[at:begin]))
        out.append(f'<mark><span class="vh">perspective marker: </span>{escape(text[begin:end])}</mark>')
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


class SourceComparer(DataWidget):
    """Two documents on one topic: ``SourceComparer(left="valdai-2016", right="ru-journal-2018", topic="crimea")``."""

    _esm = esm("comparer.js")
    _css = Path(__file__).with_name("widgets.css")

    excerpts = traitlets.List().tag(sync=True)
    documents = traitlets.List().tag(sync=True)
    topics = traitlets.List().tag(sync=True)
    topic_labels = traitlets.Dict().tag(sync=True)
    #: The excerpts' and the widget's words in the course's other languages; the page's language picks one.
    translations = traitlets.Dict().tag(sync=True)

    left = traitlets.Unicode().tag(sync=True)
    right = traitlets.Unicode().tag(sync=True)
    topic = traitlets.Unicode().tag(sync=True)

    def __init__(self, left: str = DOCUMENTS[0], right: str = DOCUMENTS[-1], topic: str = "islands-status") -> None:
        titles = source_titles(set(DOCUMENTS))
        super().__init__(
            excerpts=_excerpts(),
            documents=[{"id": d, **titles[d]} for d in DOCUMENTS],
            topics=_topics(),
            topic_labels={t: display.value(t) for t in _topics()},
            translations=translations("widgets/comparer"),
        )
        self.left, self.right, self.topic = left, right, topic

    @traitlets.validate("left", "right")
    def _valid_document(self, proposal):
        if proposal["value"] not in DOCUMENTS:
            raise traitlets.TraitError(known("document", proposal["value"], DOCUMENTS))
        return proposal["value"]

    @traitlets.validate("topic")
    def _valid_topic(self, proposal):
        if proposal["value"] not in self.topics:
            raise traitlets.TraitError(known("topic", proposal["value"], self.topics))
        return proposal["value"]

    def title(self, document: str) -> str:
        return next(d["title"] for d in self.documents if d["id"] == document)

    def side(self, document: str) -> list[dict]:
        """The excerpts of ``document`` on the current topic."""
        return [e for e in self.excerpts if e["document"] == document and e["topic"] == self.topic]

    def _column(self, document: str) -> str:
        found = self.side(document)
        if not found:
            topic = display.value(self.topic)
            return f'<p class="empty-note">No excerpt from {escape(self.title(document))} on {escape(topic)}.</p>'
        return "".join(
            f"<blockquote>{highlight(e['text'], e['marked_words'])}</blockquote>"
            f"<p>— {escape(e['speaker'])}, {escape(e['date'])}</p><p><b>Marked words:</b> {escape(e['note'])}</p>"
            for e in found
        )

    def static_html(self) -> str:
        """The two columns as an HTML table."""
        head = "".join(f"<th>{escape(self.title(d))}</th>" for d in (self.left, self.right))
        cells = "".join(f"<td>{self._column(d)}</td>" for d in (self.left, self.right))
        return (
            f"<table><caption>Two readings on {escape(display.value(self.topic))}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody><tr>{cells}</tr></tbody></table>"
        )
