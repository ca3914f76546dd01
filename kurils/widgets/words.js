// Put before each data widget's own script (kurils.widgets._common.esm): the widget's words in the
// page's language. The nearest lang attribute (the page's, or a notebook's) picks one of the model's
// `translations` (English -> translation, from locales/LANG/kernel/widgets/*.po); English otherwise.
// Text made safe to put in HTML (every data widget writes its markup with it).
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
function speaker(el, model) {
  const code = ((el.closest("[lang]") || document.documentElement).getAttribute("lang") || "en").slice(0, 2);
  const table = (model.get("translations") || {})[code];
  el.setAttribute("lang", table ? code : "en");
  // tr('{n} events', { n: 3 }): the translation (or the English) with its {names} filled in.
  const tr = (text, values = {}) =>
    String((table && table[text]) || text).replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  return { language: table ? code : "en", tr };
}
// The widget's headings continue the page's outline: one level below the nearest heading before the
// widget (h3 where none is found), so the page's list of headings never skips a level.
function headingTag(el) {
  const before = document.evaluate("preceding::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5][1]",
    el, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
  return `h${before ? Math.min(6, Number(before.tagName[1]) + 1) : 3}`;
}
// The list items of a widget's sources: the title (linked), the outlet and the date; an undated web page
// says when it was read instead (kurils.widgets._common.source_titles).
function sourceItems(ids, sources, tr) {
  return ids.map((id) => {
    const s = sources[id];
    if (!s) return `<li>${esc(id)}</li>`;
    const title = s.url ? `<a href="${esc(s.url)}">${esc(s.title)}</a>` : esc(s.title);
    return `<li>${title} — <i>${esc(s.outlet)}</i>, ${esc(sourceDate(s, tr))}</li>`;
  });
}
const sourceDate = (s, tr) => s.date || tr("n.d., accessed {year}", { year: s.accessed });
