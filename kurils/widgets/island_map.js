// Front-end of kurils.widgets.IslandMap: adds clicks, hover and group buttons to
// the SVG drawn in Python. Runs the same in JupyterLab and on the static site.
// The map speaks the page's language (words.js): its own words are the tr() calls below (locales/LANG/kernel/
// widgets/words), the data's come from the model's `translations` too (kernel/labels).

// Russian writes 1 490 and 22,5 (as the figures and the Russian text do), English and Japanese 1,490 and 22.5.
const numbers = (code) => (value) =>
  value == null ? "—" : Math.round(value).toLocaleString("en").replaceAll(",", code === "ru" ? "\u00a0" : ",");
const decimals = (code) => (value) =>
  value.toLocaleString("en", { maximumFractionDigits: 1 }).replace(".", code === "ru" ? "," : ".");

// The course's name pair: Japanese name first, a fixed order that carries no claim.
const pair = (i) => (i.name_ja_en === i.name_ru_en ? i.name_ja_en : `${i.name_ja_en}/${i.name_ru_en}`);

function islandDetails(island, tr, number, km, h) {
  const area = island.area_km2_min === island.area_km2_max
    ? `${number(island.area_km2)} ${tr("km²")}`
    : `${number(island.area_km2)} ${tr("km²")} (${tr("sources give")} ${number(island.area_km2_min)}–${number(island.area_km2_max)})`;
  const now = island.pop_now === 0 ? tr("no civilian residents") : tr("about {n}", { n: number(island.pop_now) });
  return `
    <${h}>${tr(pair(island))}</${h}>
    <p class="names"><span lang="ja">${island.name_ja}</span> (${island.name_ja_romaji}) ·
       <span lang="ru">${island.name_ru}</span> (${island.name_ru_translit})</p>
    <dl>
      <dt>${tr("Area")}</dt><dd>${area}</dd>
      <dt>${tr("Japanese residents, {year}", { year: island.pop_1945_date.slice(0, 4) })}</dt><dd>${number(island.pop_1945)}</dd>
      <dt>${tr("Residents under Russian administration, {year}", { year: island.pop_now_year })}</dt><dd>${now}</dd>
      <dt>${tr("Distance")}</dt><dd>${tr("{km} km from {place}", { km: km(island.distance_km), place: tr(island.distance_from) })}</dd>
    </dl>`;
}

function groupDetails(chosen, all, tr, number, km, h) {
  const sum = (rows, key) => rows.reduce((total, row) => total + row[key], 0);
  const share = (100 * sum(chosen, "area_km2")) / sum(all, "area_km2");
  return `
    <${h}>${chosen.map((i) => tr(pair(i))).join(" + ")}</${h}>
    <dl>
      <dt>${tr("Combined area")}</dt><dd>${number(sum(chosen, "area_km2"))} ${tr("km²")}</dd>
      <dt>${tr("Share of the four islands' area")}</dt><dd>${km(share)}%</dd>
      <dt>${tr("Japanese residents, 1945")}</dt><dd>${number(sum(chosen, "pop_1945"))}</dd>
      <dt>${tr("Residents now (latest figures)")}</dt><dd>${tr("about {n}", { n: number(sum(chosen, "pop_now")) })}</dd>
    </dl>`;
}

function render({ model, el }) {
  el.classList.add("kurils-island-map");
  const { language: code, tr } = speaker(el, model);
  const number = numbers(code);
  const km = decimals(code);
  const h = headingTag(el);
  el.innerHTML = `
    <div class="controls" role="group" aria-label="${tr("Highlight a group of islands")}"></div>
    <div class="body"><div class="map">${model.get("svg")}</div>
    <div class="info" aria-live="polite"></div></div>`;
  if (code !== "en") {
    // The drawing's words (labels, titles, names) from the data, in the page's language.
    const lines = model.get("lines") || [];
    const schematic = (text) => {
      if (text.endsWith(" (schematic)")) return `${tr(text.slice(0, -12))} (${tr("schematic")})`;
      const line = lines.find((l) => text === `${l.label}: ${l.description}`);
      return line ? `${tr(line.label)}: ${tr(line.description)}` : tr(text);
    };
    for (const node of el.querySelectorAll(".map text, .map tspan, .map title")) {
      if (!node.children.length) node.textContent = schematic(node.textContent);
    }
    for (const node of el.querySelectorAll(".map [aria-label]")) node.setAttribute("aria-label", schematic(node.getAttribute("aria-label")));
  }
  const controls = el.querySelector(".controls");
  const info = el.querySelector(".info");
  const islands = model.get("islands");
  const byId = Object.fromEntries(islands.map((i) => [i.id, i]));

  for (const [index, group] of model.get("groups").entries()) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.group = index;
    button.textContent = tr(group.label);
    button.addEventListener("click", () => setSelected(group.ids));
    controls.append(button);
  }
  const clear = document.createElement("button");
  clear.type = "button";
  clear.textContent = tr("Clear");
  clear.addEventListener("click", () => setSelected([]));
  controls.append(clear);

  function setSelected(ids) {
    model.set("selected", islands.map((i) => i.id).filter((id) => ids.includes(id)));
    model.save_changes();
  }

  function show(hoverId) {
    const selected = model.get("selected");
    for (const path of el.querySelectorAll("path.island")) {
      const on = selected.includes(path.dataset.id);
      path.classList.toggle("selected", on);
      path.setAttribute("aria-pressed", String(on));
      path.classList.toggle("hover", path.dataset.id === hoverId);
    }
    for (const button of controls.querySelectorAll("button")) {
      const group = model.get("groups")[button.dataset.group];
      const active = group && group.ids.length === selected.length && group.ids.every((id) => selected.includes(id));
      button.classList.toggle("active", Boolean(active));
    }
    if (hoverId) info.innerHTML = islandDetails(byId[hoverId], tr, number, km, h);
    else if (selected.length === 1) info.innerHTML = islandDetails(byId[selected[0]], tr, number, km, h);
    else if (selected.length > 1) info.innerHTML = groupDetails(selected.map((id) => byId[id]), islands, tr, number, km, h);
    else info.innerHTML = `<p class="hint">${tr("Click an island, or a button above, to see its names, area and people.")}</p>`;
  }

  for (const path of el.querySelectorAll("path.island")) {
    const toggle = () => {
      const selected = model.get("selected");
      const id = path.dataset.id;
      setSelected(selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id]);
    };
    path.addEventListener("click", toggle);
    el.querySelector(`text.island-label[data-for="${path.dataset.id}"]`)?.addEventListener("click", toggle);
    path.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        toggle();
      }
    });
    path.addEventListener("mouseenter", () => show(path.dataset.id));
    path.addEventListener("mouseleave", () => show(null));
    path.addEventListener("focus", () => show(path.dataset.id));
    path.addEventListener("blur", () => show(null));
  }
  model.on("change:selected", () => show(null));
  show(null);
  legend(model, el, tr);
}

// One checkbox per historical or present line; `layers` lists the ids shown.
function legend(model, el, tr) {
  const lines = model.get("lines") || [];
  if (!lines.length) return;
  const box = document.createElement("fieldset");
  box.className = "legend";
  box.innerHTML = `<legend>${tr("Lines on the map (lines at sea are schematic)")}</legend>`;
  for (const line of lines) {
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" value="${line.id}">
      <svg class="kurils-map swatch" viewBox="0 0 30 10" aria-hidden="true"><g data-layer="${line.id}">
      <path class="line" d="M2,5L28,5"/></g></svg> ${tr(line.label)} <span class="when">(${line.date.slice(0, 4)})</span>`;
    box.append(label);
  }
  const about = document.createElement("details");
  about.innerHTML = `<summary>${tr("About these lines and their sources")}</summary><dl>${lines
    .map((l) => `<dt>${tr(l.label)}</dt><dd>${tr(l.description)} <span class="sources">${tr("Sources")}: ${l.sources.join("; ")}.</span></dd>`)
    .join("")}</dl>`;
  el.querySelector(".body").append(box, about);

  const boxes = [...box.querySelectorAll("input")];
  const save = () => {
    model.set("layers", boxes.filter((b) => b.checked).map((b) => b.value));
    model.save_changes();
  };
  for (const input of boxes) {
    input.addEventListener("change", save);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        input.checked = !input.checked;
        save();
      }
    });
  }
  const draw = () => {
    const on = model.get("layers");
    for (const input of boxes) input.checked = on.includes(input.value);
    for (const g of el.querySelectorAll(".map g.line-layer")) g.classList.toggle("on", on.includes(g.dataset.layer));
  };
  model.on("change:layers", draw);
  draw();
}

export default { render };
