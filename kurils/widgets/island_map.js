// Front-end of kurils.widgets.IslandMap: adds clicks, hover and group buttons to
// the SVG drawn in Python. Runs the same in JupyterLab and on the static site.
// The map speaks the page's language: its own words below, the data's from the model's `translations`.

// The widget's own words; `{n}` and the like are filled in. Numbers are written the same in all three.
const WORDS = {
  en: {
    controls: "Highlight a group of islands", clear: "Clear", area: "Area", sourcesGive: "sources give",
    residents1945: "Japanese residents, {year}", residentsNow: "Residents under Russian administration, {year}",
    distance: "Distance", kmFrom: "{km} km from {place}", none: "no civilian residents", about: "about {n}",
    combinedArea: "Combined area", share: "Share of the four islands' area", residents1945All: "Japanese residents, 1945",
    residentsNowAll: "Residents now (latest figures)",
    hint: "Click an island, or a button above, to see its names, area and people.",
    legend: "Lines on the map (lines at sea are schematic)", about_lines: "About these lines and their sources",
    sources: "Sources", schematic: "schematic",
  },
  ja: {
    controls: "島のグループを強調表示", clear: "解除", area: "面積", sourcesGive: "資料により",
    residents1945: "日本人居住者（{year}年）", residentsNow: "ロシア施政下の居住者（{year}年）",
    distance: "距離", kmFrom: "{place}から{km} km", none: "民間人の居住者なし", about: "約{n}人",
    combinedArea: "合計面積", share: "四島の面積に占める割合", residents1945All: "日本人居住者（1945年）",
    residentsNowAll: "現在の居住者（最新の数字）",
    hint: "島、または上のボタンをクリックすると、その島の名称・面積・人口が表示される。",
    legend: "地図上の線（海上の線は模式的なもの）", about_lines: "これらの線とその出典について",
    sources: "出典", schematic: "模式図",
  },
  ru: {
    controls: "Выделить группу островов", clear: "Сбросить", area: "Площадь", sourcesGive: "по разным источникам",
    residents1945: "Японские жители, {year}", residentsNow: "Жители под управлением России, {year}",
    distance: "Расстояние", kmFrom: "{km} км от: {place}", none: "гражданского населения нет", about: "около {n}",
    combinedArea: "Общая площадь", share: "Доля в площади четырёх островов", residents1945All: "Японские жители, 1945",
    residentsNowAll: "Жители сейчас (последние данные)",
    hint: "Нажмите на остров или на кнопку выше, чтобы увидеть его названия, площадь и население.",
    legend: "Линии на карте (линии на море схематичны)", about_lines: "Об этих линиях и их источниках",
    sources: "Источники", schematic: "схематично",
  },
};
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key]);

const number = (value) => (value == null ? "—" : Math.round(value).toLocaleString("en"));
const km = (value) => value.toLocaleString("en", { maximumFractionDigits: 1 });

// The course's name pair: Japanese name first, a fixed order that carries no claim.
const pair = (i) => (i.name_ja_en === i.name_ru_en ? i.name_ja_en : `${i.name_ja_en}/${i.name_ru_en}`);

function islandDetails(island, say, tr, h) {
  const area = island.area_km2_min === island.area_km2_max
    ? `${number(island.area_km2)} km²`
    : `${number(island.area_km2)} km² (${say.sourcesGive} ${number(island.area_km2_min)}–${number(island.area_km2_max)})`;
  const now = island.pop_now === 0 ? say.none : fill(say.about, { n: number(island.pop_now) });
  return `
    <${h}>${tr(pair(island))}</${h}>
    <p class="names"><span lang="ja">${island.name_ja}</span> (${island.name_ja_romaji}) ·
       <span lang="ru">${island.name_ru}</span> (${island.name_ru_translit})</p>
    <dl>
      <dt>${say.area}</dt><dd>${area}</dd>
      <dt>${fill(say.residents1945, { year: island.pop_1945_date.slice(0, 4) })}</dt><dd>${number(island.pop_1945)}</dd>
      <dt>${fill(say.residentsNow, { year: island.pop_now_year })}</dt><dd>${now}</dd>
      <dt>${say.distance}</dt><dd>${fill(say.kmFrom, { km: km(island.distance_km), place: tr(island.distance_from) })}</dd>
    </dl>`;
}

function groupDetails(chosen, all, say, tr, h) {
  const sum = (rows, key) => rows.reduce((total, row) => total + row[key], 0);
  const share = (100 * sum(chosen, "area_km2")) / sum(all, "area_km2");
  return `
    <${h}>${chosen.map((i) => tr(pair(i))).join(" + ")}</${h}>
    <dl>
      <dt>${say.combinedArea}</dt><dd>${number(sum(chosen, "area_km2"))} km²</dd>
      <dt>${say.share}</dt><dd>${share.toFixed(1)}%</dd>
      <dt>${say.residents1945All}</dt><dd>${number(sum(chosen, "pop_1945"))}</dd>
      <dt>${say.residentsNowAll}</dt><dd>${fill(say.about, { n: number(sum(chosen, "pop_now")) })}</dd>
    </dl>`;
}

// The page's language (the nearest lang attribute: the page's, or a notebook's), if the map speaks it.
function language(el, model) {
  const code = ((el.closest("[lang]") || document.documentElement).getAttribute("lang") || "en").slice(0, 2);
  return code in WORDS && (code === "en" || (model.get("translations") || {})[code]) ? code : "en";
}

function render({ model, el }) {
  el.classList.add("kurils-island-map");
  const code = language(el, model);
  const say = WORDS[code];
  const words = code === "en" ? {} : model.get("translations")[code];
  const tr = (text) => words[text] || text;
  const h = headingTag(el);
  el.innerHTML = `
    <div class="controls" role="group" aria-label="${say.controls}"></div>
    <div class="body"><div class="map">${model.get("svg")}</div>
    <div class="info" aria-live="polite"></div></div>`;
  if (code !== "en") {
    // The drawing's words (labels, titles, names) from the data, in the page's language.
    const lines = model.get("lines") || [];
    const schematic = (text) => {
      if (text.endsWith(" (schematic)")) return `${tr(text.slice(0, -12))} (${say.schematic})`;
      const line = lines.find((l) => text === `${l.label}: ${l.description}`);
      return line ? `${tr(line.label)}: ${tr(line.description)}` : tr(text);
    };
    for (const node of el.querySelectorAll(".map text, .map tspan, .map title")) {
      if (!node.children.length) node.textContent = schematic(node.textContent);
    }
    for (const node of el.querySelectorAll(".map [aria-label]")) node.setAttribute("aria-label", schematic(node.getAttribute("aria-label")));
    el.setAttribute("lang", code);
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
  clear.textContent = say.clear;
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
    if (hoverId) info.innerHTML = islandDetails(byId[hoverId], say, tr, h);
    else if (selected.length === 1) info.innerHTML = islandDetails(byId[selected[0]], say, tr, h);
    else if (selected.length > 1) info.innerHTML = groupDetails(selected.map((id) => byId[id]), islands, say, tr, h);
    else info.innerHTML = `<p class="hint">${say.hint}</p>`;
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
  legend(model, el, say, tr);
}

// One checkbox per historical or present line; `layers` lists the ids shown.
function legend(model, el, say, tr) {
  const lines = model.get("lines") || [];
  if (!lines.length) return;
  const box = document.createElement("fieldset");
  box.className = "legend";
  box.innerHTML = `<legend>${say.legend}</legend>`;
  for (const line of lines) {
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" value="${line.id}">
      <svg class="kurils-map swatch" viewBox="0 0 30 10" aria-hidden="true"><g data-layer="${line.id}">
      <path class="line" d="M2,5L28,5"/></g></svg> ${tr(line.label)} <span class="when">(${line.date.slice(0, 4)})</span>`;
    box.append(label);
  }
  const about = document.createElement("details");
  about.innerHTML = `<summary>${say.about_lines}</summary><dl>${lines
    .map((l) => `<dt>${tr(l.label)}</dt><dd>${tr(l.description)} <span class="sources">${say.sources}: ${l.sources.join("; ")}.</span></dd>`)
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
