// Put before each data widget's own script (kurils.widgets._common.esm): the widget's words in the
// page's language. The nearest lang attribute (the page's, or a notebook's) picks one of the model's
// `translations` (English -> translation, from locales/LANG/kernel/widgets/*.po); English otherwise.
function speaker(el, model) {
  const code = ((el.closest("[lang]") || document.documentElement).getAttribute("lang") || "en").slice(0, 2);
  const table = (model.get("translations") || {})[code];
  el.setAttribute("lang", table ? code : "en");
  // tr('{n} events', { n: 3 }): the translation (or the English) with its {names} filled in.
  const tr = (text, values = {}) =>
    String((table && table[text]) || text).replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  return { language: table ? code : "en", tr };
}
