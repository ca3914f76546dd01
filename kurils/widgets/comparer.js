// Front-end of kurils.widgets.SourceComparer: two documents' excerpts on one topic side by
// side, with the words that mark perspective highlighted and explained. No kernel needed.


// Same rule as comparer.highlight in Python: literal phrases, first occurrence, no overlaps.
function highlight(text, words, marker = "perspective marker: ") {
  const spans = words.filter((w) => text.includes(w)).map((w) => [text.indexOf(w), text.indexOf(w) + w.length]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let out = "", at = 0;
  for (const [begin, end] of spans) {
    if (begin < at) continue;
    out += esc(text.slice(at, begin)) + `<mark><span class="vh">${esc(marker)}</span>${esc(text.slice(begin, end))}</mark>`;
    at = end;
  }
  return out + esc(text.slice(at));
}

function render({ model, el }) {
  const { language, tr } = speaker(el, model);
  const h = headingTag(el);
  const excerpts = model.get("excerpts");
  const documents = model.get("documents");
  const labels = model.get("topic_labels") ?? {};
  const options = documents.map((d) => `<option value="${esc(d.id)}">${esc(d.title)} (${esc(sourceDate(d, tr))})</option>`).join("");
  el.classList.add("kurils-w", "kurils-compare");
  el.innerHTML = `
    <div class="controls" role="group" aria-label="${esc(tr("Choose two documents and a topic"))}">
      <label>${tr("Left")} <select class="left">${options}</select></label>
      <label>${tr("Right")} <select class="right">${options}</select></label>
      <label>${tr("Topic")} <select class="topic">${model.get("topics").map((t) => `<option value="${esc(t)}">${esc(tr(labels[t] ?? t))}</option>`).join("")}</select></label>
    </div>
    ${language === "en" ? "" : `<p class="note">${tr("The excerpts are quoted in the language of their source, English; the marked words and the notes explain them.")}</p>`}
    <div class="columns" aria-live="polite"></div>`;
  const boxes = ["left", "right", "topic"].map((k) => el.querySelector(`select.${k}`));
  const columns = el.querySelector(".columns");
  boxes.forEach((box, i) => box.addEventListener("change", () => {
    model.set(["left", "right", "topic"][i], box.value);
    model.save_changes();
  }));

  function column(id) {
    const doc = documents.find((d) => d.id === id);
    const topic = model.get("topic");
    const found = excerpts.filter((e) => e.document === id && e.topic === topic);
    const body = found.length
      ? found.map((e) => `<blockquote lang="en">${highlight(e.text, e.marked_words, tr("perspective marker: "))}</blockquote>
          <p class="meta">— ${esc(tr(e.speaker))}, ${esc(e.date)}</p>
          <p><b>${tr("Marked words:")}</b> ${esc(tr(e.note))}</p>`).join("")
      : `<p class="empty-note">${tr("No excerpt from {document} on {topic}.", { document: esc(doc.title), topic: esc(tr(labels[topic] ?? topic)) })}</p>`;
    return `<section class="column" aria-label="${esc(doc.title)}"><${h}>${esc(doc.title)}</${h}>
      <p class="meta">${esc(doc.outlet)}, ${esc(sourceDate(doc, tr))}</p>${body}</section>`;
  }
  function show() {
    boxes.forEach((box, i) => (box.value = model.get(["left", "right", "topic"][i])));
    columns.innerHTML = column(model.get("left")) + column(model.get("right"));
  }
  for (const k of ["left", "right", "topic"]) model.on(`change:${k}`, show);
  show();
}

export default { render };
