// Front-end of kurils.widgets.ScenarioExplorer: the same sums as ScenarioExplorer.summary(),
// done in the browser so the explorer works on the static site with no kernel.

const SIDES = ["japan", "russia", "shared", "undecided"];
// The English words with their {names} filled in: what summary() says when no translator is given.
const english = (text, values = {}) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
const num = (v) => Math.round(v).toLocaleString("en");
const pct = (v) => `${(100 * v).toFixed(1)}%`;

function matches(model, assignment, share) {
  return model.get("proposals").filter((p) => {
    if (Object.keys(assignment).some((id) => p.assignment[id] !== assignment[id])) return false;
    const s = p.etorofu_japan_share;
    return assignment.etorofu !== "split" || s == null || Math.abs(s - share) <= 0.005;
  });
}

// Residents of a split Etorofu/Iturup, divided as kurils.settlement.divide_residents does: in
// proportion to the people of the settlements on each side of the line (split_at < share: Japan's).
function divideResidents(settlements, total, share) {
  const counted = settlements.reduce((t, s) => t + s.population, 0);
  const japanSide = settlements.filter((s) => s.split_at < share);
  const fraction = counted ? japanSide.reduce((t, s) => t + s.population, 0) / counted : share;
  const japan = Math.floor(total * fraction + 0.5);
  return { japan, russia: total - japan, placed: japanSide.map((s) => s.name) };
}

export function summary(model, tr = english) {
  const islands = model.get("islands");
  const assignment = model.get("assignment");
  const share = model.get("etorofu_share");
  const area = islands.reduce((t, i) => t + i.area_km2, 0);
  const people = islands.reduce((t, i) => t + i.pop_now, 0);
  const rows = Object.fromEntries(SIDES.map((s) => [s, { islands: [], area: 0, residents: 0 }]));
  let split = null;
  for (const island of islands) {
    const side = assignment[island.id];
    if (side === "split") {
      const people = divideResidents(model.get("settlements"), island.pop_now, share);
      for (const [key, part] of [["japan", share], ["russia", 1 - share]]) {
        rows[key].area += part * island.area_km2;
        rows[key].residents += people[key];
        rows[key].islands.push(tr("{island} ({percent}% of its area)", { island: tr(island.name), percent: Math.round(100 * part) }));
      }
      split = { ...island, ...people };
    } else {
      rows[side].islands.push(tr(island.name));
      rows[side].area += island.area_km2;
      rows[side].residents += island.pop_now;
    }
  }
  for (const row of Object.values(rows)) {
    row.areaShare = row.area / area;
    row.residentsShare = people ? row.residents / people : 0;
  }
  const positions = model.get("positions").map((p) => {
    const crossed = [
      ...p.requires_japan.filter((id) => assignment[id] !== "japan").map((id) => [id, "Japan"]),
      ...p.requires_russia.filter((id) => assignment[id] !== "russia").map((id) => [id, "Russia"]),
    ];
    return { ...p, met: crossed.length === 0, crossed };
  });
  return { rows, split, positions, area, people, year: islands[0]?.year };
}

function render({ model, el }) {
  const { tr } = speaker(el, model);
  const h = headingTag(el);
  const sides = { japan: tr("Japan"), russia: tr("Russia"), shared: tr("Shared"), undecided: tr("Undecided"), split: tr("Split") };
  const side = (key) => sides[key];
  const cites = model.get("cites") || {};
  const uid = Math.random().toString(36).slice(2, 8);
  const islands = model.get("islands");
  const names = Object.fromEntries(islands.map((i) => [i.id, tr(i.name)]));
  el.classList.add("kurils-scenario");
  el.innerHTML = `
    <div class="start"><label for="${uid}-p">${tr("Start from a proposal")}</label> <select id="${uid}-p"></select></div>
    <div class="choose"></div>
    <div class="split"><label for="${uid}-s">${tr("Japan's share of Etorofu/Iturup's area, if split")}</label>
      <input id="${uid}-s" type="range" min="0" max="100" step="5"> <output for="${uid}-s"></output></div>
    <div class="map">${model.get("svg")}</div>
    <div class="result" aria-live="polite"></div>`;
  // The drawing's words (place names, seas, the credit) in the page's language.
  for (const node of el.querySelectorAll(".map text, .map tspan, .map title")) {
    if (!node.children.length) node.textContent = tr(node.textContent);
  }
  for (const node of el.querySelectorAll(".map [aria-label]")) node.setAttribute("aria-label", tr(node.getAttribute("aria-label")));
  el.querySelector(".map g.settlements")?.setAttribute("aria-label", tr("Settlements of Etorofu/Iturup"));
  const dots = el.querySelectorAll(".map circle.settlement title");  // in the order of the model's settlements
  model.get("settlements").forEach((p, i) => {
    if (dots[i]) dots[i].textContent = tr("{name}: {n} residents ({year})", { name: tr(p.name), n: num(p.population), year: p.year });
  });
  const select = el.querySelector("select");
  select.innerHTML = `<option value="">${tr("Your own choice (no proposal)")}</option>` + model.get("proposals")
    .map((p) => `<option value="${esc(p.id)}">${esc(tr(p.name))} (${p.date.slice(0, 4)})</option>`).join("");
  const choose = el.querySelector(".choose");
  for (const island of islands) {
    const sides = island.id === "etorofu" ? [...SIDES.slice(0, 3), "split", "undecided"] : SIDES;
    const group = document.createElement("fieldset");
    group.innerHTML = `<legend>${esc(names[island.id])}</legend>` + sides
      .map((s) => `<label><input type="radio" name="${uid}-${island.id}" value="${s}"> ${side(s)}</label>`).join("");
    group.addEventListener("change", (event) => set({ ...model.get("assignment"), [island.id]: event.target.value }));
    choose.append(group);
  }
  const range = el.querySelector("input[type=range]");
  const output = el.querySelector("output");
  const result = el.querySelector(".result");
  const gradient = el.querySelector(`linearGradient#${model.get("gradient")}`);

  // A change by hand: keep the proposal if the choice still matches it, else name the match, if any.
  function set(assignment, share = model.get("etorofu_share")) {
    const found = matches(model, assignment, share).map((p) => p.id);
    const current = model.get("proposal");
    model.set("assignment", assignment);
    model.set("etorofu_share", share);
    model.set("proposal", found.includes(current) ? current : (found[0] ?? ""));
    model.save_changes();
  }
  select.addEventListener("change", () => {
    const p = model.get("proposals").find((x) => x.id === select.value);
    if (!p) {
      model.set("proposal", "");
      model.save_changes();
      return;
    }
    model.set("assignment", { ...p.assignment });
    if (p.etorofu_japan_share != null) model.set("etorofu_share", p.etorofu_japan_share);
    model.set("proposal", p.id);
    model.save_changes();
  });
  range.addEventListener("input", () => set(model.get("assignment"), Number(range.value) / 100));

  // Clicking an island (or Enter/Space on it) moves it to the next side.
  for (const path of el.querySelectorAll("path.island")) {
    path.removeAttribute("aria-pressed");
    const next = () => {
      const id = path.dataset.id;
      const sides = id === "etorofu" ? [...SIDES.slice(0, 3), "split", "undecided"] : SIDES;
      const now = model.get("assignment")[id];
      set({ ...model.get("assignment"), [id]: sides[(sides.indexOf(now) + 1) % sides.length] });
    };
    path.addEventListener("click", next);
    path.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        next();
      }
    });
  }

  function update() {
    const assignment = model.get("assignment");
    const share = model.get("etorofu_share");
    select.value = model.get("proposal");
    for (const input of choose.querySelectorAll("input")) {
      input.checked = assignment[input.name.slice(uid.length + 1)] === input.value;
    }
    range.value = Math.round(share * 100);
    range.disabled = assignment.etorofu !== "split";
    output.textContent = tr("{percent}% to Japan", { percent: Math.round(share * 100) });
    const offsets = model.get("split_offsets");
    const at = share * (offsets.length - 1);
    const lo = Math.floor(at);
    const offset = lo >= offsets.length - 1 ? 1 : offsets[lo] + (at - lo) * (offsets[lo + 1] - offsets[lo]);
    for (const stop of gradient?.querySelectorAll("stop") ?? []) stop.setAttribute("offset", String(offset));
    for (const path of el.querySelectorAll("path.island")) {
      const chosen = assignment[path.dataset.id];
      path.setAttribute("class", `island side-${chosen}`);
      const text = chosen === "split" ? tr("split, {percent}% to Japan", { percent: Math.round(share * 100) }) : side(chosen);
      path.setAttribute("aria-label", tr("{island}: {side} (press to change)", { island: names[path.dataset.id], side: text }));
      const label = el.querySelector(`text.island-label[data-for="${path.dataset.id}"]`);
      if (label) label.textContent = `${names[path.dataset.id]}: ${text}`;
    }

    const s = summary(model, tr);
    const cell = (label) => `data-label="${esc(label)}"`;
    const rows = SIDES.filter((key) => s.rows[key].islands.length).map((key) => {
      const r = s.rows[key];
      return `<tr class="row-${key}"><th scope="row">${side(key)}</th><td ${cell(tr("Islands"))}>${esc(r.islands.join(tr(", ")))}</td>
        <td ${cell(tr("Area"))}>${num(r.area)} km²</td><td ${cell(tr("Share of area"))}>${pct(r.areaShare)}</td>
        <td ${cell(tr("Residents"))}>${num(r.residents)}</td><td ${cell(tr("Share of residents"))}>${pct(r.residentsShare)}</td></tr>`;
    }).join("");
    const years = model.get("settlements").map((x) => x.year);
    const splitNote = s.split
      ? `<p class="note">${esc(tr("{island} is split: of its {total} residents, {japan} are counted for Japan and {russia} for Russia, in proportion to the people of the settlements on each side of the line (on Japan's side: {placed}; the dots on the map). Settlement figures are from {first}–{last}, the island total from {year}.", {
          island: names[s.split.id], total: num(s.split.pop_now), japan: num(s.split.japan), russia: num(s.split.russia),
          placed: s.split.placed.map((name) => tr(name)).join(tr(", ")) || tr("none of its settlements"),
          first: Math.min(...years), last: Math.max(...years), year: s.year,
        }))}</p>`
      : "";
    const found = matches(model, assignment, share);
    const match = found.length
      ? found.map((p) => `<p class="match">${tr("This choice matches {proposal}, floated by {who} ({year}).", {
          proposal: `<strong>${esc(tr(p.name))}</strong>`, who: esc(tr(p.floated_by)), year: p.date.slice(0, 4),
        })} ${esc(tr(p.summary))} <span class="sources">${tr("Sources")}: ${p.sources.map((i) => cites[i] ?? esc(i)).join("; ")}.</span></p>`).join("")
      : `<p class="match">${tr("This choice matches no proposal in the course's data.")}</p>`;
    const positions = s.positions.map((p) => {
      const why = p.crossed.map(([id, country]) =>
        tr(country === "Japan" ? "{island} would not be under Japan's sovereignty" : "{island} would not be under Russia's sovereignty",
          { island: esc(names[id]) })).join(tr("; "));
      const free = !p.requires_japan.length && !p.requires_russia.length;
      const status = free ? `○ ${tr("No island requirement")}` : p.met ? `✓ ${tr("Met")}` : `✗ ${tr("Crossed")}`;
      return `<li class="${free ? "free" : p.met ? "met" : "crossed"}" data-id="${esc(p.id)}"><strong>${status}</strong>:
        ${esc(tr(p.stated_by))} (${side(p.side)}, ${p.date.slice(0, 4)}): ${esc(tr(p.statement))}
        ${p.met ? "" : `<span class="why">${tr("Crossed because {reasons}.", { reasons: why })}</span>`}
        ${p.condition ? `<span class="condition">${tr("Condition that still applies:")} ${esc(tr(p.condition))}</span>` : ""}
        <span class="sources">${tr("Sources")}: ${p.sources.map((i) => cites[i] ?? esc(i)).join("; ")}.</span></li>`;
    }).join("");
    result.innerHTML = `
      <table><caption>${tr("Area and residents to each side (residents under Russian administration, {year})", { year: s.year })}</caption>
      <thead><tr><th scope="col">${tr("Side")}</th><th scope="col">${tr("Islands")}</th><th scope="col">${tr("Area")}</th>
      <th scope="col">${tr("Share of the four islands' area")}</th><th scope="col">${tr("Residents")}</th><th scope="col">${tr("Share of residents")}</th></tr></thead>
      <tbody>${rows}<tr class="row-total"><th scope="row">${tr("Total")}</th><td ${cell(tr("Islands"))}>${tr("the four islands")}</td>
      <td ${cell(tr("Area"))}>${num(s.area)} km²</td><td ${cell(tr("Share of area"))}>100%</td>
      <td ${cell(tr("Residents"))}>${num(s.people)}</td><td ${cell(tr("Share of residents"))}>100%</td></tr></tbody></table>${splitNote}${match}
      <${h}>${tr("Each side's stated positions")}</${h}>
      <ul class="positions">${positions || `<li>${tr("No stated positions in the course's data.")}</li>`}</ul>`;
  }
  model.on("change:assignment", update);
  model.on("change:etorofu_share", update);
  model.on("change:proposal", update);
  update();
}

export default { render };
