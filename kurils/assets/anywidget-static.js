// Renders the course's anywidgets on the static site, with no kernel and nothing fetched.
//
// myst-nb stores each page's widget state in a <script type="application/vnd.jupyter.widget-state+json">
// and puts a <script type="application/vnd.jupyter.widget-view+json"> where each widget goes. Every
// course widget is an anywidget, whose state carries its own front-end (_esm) and style (_css), so this
// file only has to give each one a model and an element: the job @jupyter-widgets/html-manager did at
// 3.5 MB. A widget of any other kind is reported (on the page and in the console), never dropped silently.

(() => {
  const STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';
  const VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';

  // The part of anywidget's model interface the front-ends use: get, set, save_changes, on, off, send.
  function makeModel(state) {
    const values = { ...state };
    const listeners = new Map(); // event name → Set of callbacks
    const model = {
      get: (name) => values[name],
      set(name, value) {
        if (Object.is(values[name], value)) return;
        values[name] = value;
        for (const event of [`change:${name}`, "change"]) {
          for (const callback of listeners.get(event) ?? []) callback(model, value);
        }
      },
      save_changes() {}, // no kernel to tell
      send() {},
      on(event, callback) {
        for (const name of event.split(/\s+/)) {
          if (!listeners.has(name)) listeners.set(name, new Set());
          listeners.get(name).add(callback);
        }
      },
      off(event, callback) {
        for (const name of event ? event.split(/\s+/) : [...listeners.keys()]) {
          if (callback) listeners.get(name)?.delete(callback);
          else listeners.delete(name);
        }
      },
    };
    return model;
  }

  const modules = new Map(); // _esm source → Promise of its module, shared by widgets of one kind
  function load(esm) {
    if (!modules.has(esm)) {
      const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
      modules.set(esm, import(url).finally(() => URL.revokeObjectURL(url)));
    }
    return modules.get(esm);
  }

  const styles = new Set();
  function addStyle(css) {
    if (!css || styles.has(css)) return;
    styles.add(css);
    const style = document.createElement("style");
    style.textContent = css;
    document.head.append(style);
  }

  async function show(view, models) {
    const el = document.createElement("div");
    el.className = "kurils-widget";
    view.after(el);
    const { model_id: id } = JSON.parse(view.textContent);
    const entry = models[id];
    try {
      if (!entry) throw new Error(`no state stored for widget ${id}`);
      if (entry.model_module !== "anywidget") {
        throw new Error(`${entry.model_module}.${entry.model_name} is not an anywidget; it needs a running kernel`);
      }
      const { _esm: esm, _css: css, _dom_classes: classes = [], ...state } = entry.state;
      addStyle(css);
      el.classList.add(...classes);
      const module = await load(esm);
      let widget = module.default ?? module;
      if (typeof widget === "function") widget = await widget();
      const model = makeModel(state);
      await widget.initialize?.({ model });
      await widget.render({ model, el });
    } catch (error) {
      el.innerHTML = '<p class="kurils-widget-error" role="alert"></p>';
      el.firstChild.textContent = `This interactive figure could not be shown: ${error.message}`;
      console.error("kurils widget", id, error);
    }
  }

  function showAll() {
    const models = {};
    for (const block of document.querySelectorAll(STATE)) Object.assign(models, JSON.parse(block.textContent).state);
    // The site's build moves each page's state to a script of its own (kurils/build/light.py).
    for (const stored of window.kurilsWidgetStates ?? []) Object.assign(models, stored.state);
    for (const view of document.querySelectorAll(VIEW)) show(view, models);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showAll);
  else showAll();
})();
