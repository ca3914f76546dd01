// Front-end of kurils.widgets.TimelineExplorer: filters, zoom, a time axis and event
// details, all in the browser, so it works on the static site with no kernel.

// The axis is drawn at its box's width in CSS pixels (760 until it is on screen), so its text is
// 12 px and each event a 24 px tap target on a phone as on a desktop.
const PAD = 24, AXIS = 30, LANE = 26, HIT = 12, MAX_LANES = 10;
const yearOf = (e) => Number(e.date.slice(0, 4));
// Fractional year: 2016-12-15 -> 2016.95; a year-only date sits at mid-year.
function when(e) {
  const [y, m, d] = e.date.split("-").map(Number);
  if (!m) return y + 0.5;
  return y + (m - 1) / 12 + (d ? (d - 1) / 365 : 1 / 24);
}
function step(span, most = 12) {
  for (const s of [1, 2, 5, 10, 25, 50]) if (span / s <= most) return s;
  return 100;
}

function render({ model, el }) {
  const { language, tr } = speaker(el, model);
  const h = headingTag(el);
  // "war or summit", "戦争、首脳会談のいずれか": the reader's language joins the filters' labels.
  const either = (values) => new Intl.ListFormat(language, { type: "disjunction" }).format(values.map((v) => tr(v)));
  const events = model.get("events");
  const sources = model.get("sources");
  const first = model.get("first_year"), last = model.get("last_year");
  const actors = [...new Set(events.flatMap((e) => e.actors))].sort(
    (a, b) => events.filter((e) => e.actors.includes(b)).length - events.filter((e) => e.actors.includes(a)).length || a.localeCompare(b),
  );
  const boxes = (name, values) =>
    values.map((v) => `<label><input type="checkbox" name="${name}" value="${esc(v)}"> ${esc(tr(v))}</label>`).join("");
  el.classList.add("kurils-w", "kurils-timeline");
  el.innerHTML = `
    <div class="controls" role="group" aria-label="${esc(tr("Period shown"))}">
      <label>${tr("From")} <input type="number" class="start" min="${first}" max="${last}"></label>
      <label>${tr("to")} <input type="number" class="end" min="${first}" max="${last}"></label>
      <button type="button" class="zoom-in">${tr("Zoom in")}</button>
      <button type="button" class="zoom-out">${tr("Zoom out")}</button>
      <button type="button" class="course">1855–2018</button>
      <button type="button" class="whole">${tr("Whole span ({first}–{last})", { first, last })}</button>
    </div>
    <details class="filters"><summary>${tr("Filter by category and actor")}</summary>
      <fieldset><legend>${tr("Category (none ticked = all)")}</legend>${boxes("category", model.get("all_categories"))}</fieldset>
      <fieldset><legend>${tr("Actor (none ticked = all)")}</legend>${boxes("actor", actors)}</fieldset>
    </details>
    <p class="status" role="status"></p>
    <div class="axis"></div>
    <div class="details" aria-live="polite"></div>`;
  const $ = (s) => el.querySelector(s);
  const [startBox, endBox, status, axis, details] = [$(".start"), $(".end"), $(".status"), $(".axis"), $(".details")];
  let focusId = null;

  function save(changes) {
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    const shown = visible();
    if (model.get("selected") && !shown.some((e) => e.id === model.get("selected"))) model.set("selected", "");
    model.save_changes();
  }
  function period(a, b) {
    a = Math.max(first, Math.min(last, Math.round(a)));
    b = Math.max(first, Math.min(last, Math.round(b)));
    if (a > b) [a, b] = [b, a];
    save({ start: a, end: b });
  }
  function visible() {
    const [a, b, cats, acts] = ["start", "end", "categories", "actors"].map((k) => model.get(k));
    return events.filter(
      (e) => yearOf(e) >= a && yearOf(e) <= b && (!cats.length || cats.includes(e.category)) &&
        (!acts.length || e.actors.some((x) => acts.includes(x))),
    );
  }
  function describe() {
    const [a, b, cats, acts] = ["start", "end", "categories", "actors"].map((k) => model.get(k));
    const parts = [a === b ? `${a}` : `${a}–${b}`];
    if (cats.length) parts.push(tr("category {list}", { list: either(cats) }));
    if (acts.length) parts.push(tr("actor {list}", { list: either(acts) }));
    return parts.join(tr(", "));
  }

  startBox.addEventListener("change", () => period(Number(startBox.value), model.get("end")));
  endBox.addEventListener("change", () => period(model.get("start"), Number(endBox.value)));
  const zoom = (factor) => {
    const W = Math.round(axis.getBoundingClientRect().width) || 760;
    const a = model.get("start"), b = model.get("end") + 1;
    const sel = events.find((e) => e.id === model.get("selected"));
    const centre = sel ? when(sel) : (a + b) / 2;
    const half = Math.max(0.5, ((b - a) * factor) / 2);
    period(Math.floor(centre - half), Math.ceil(centre + half) - 1);
  };
  $(".zoom-in").addEventListener("click", () => zoom(0.5));
  $(".zoom-out").addEventListener("click", () => zoom(2));
  $(".course").addEventListener("click", () => period(Math.max(first, 1855), Math.min(last, 2018)));
  $(".whole").addEventListener("click", () => period(first, last));
  for (const box of el.querySelectorAll(".filters input")) {
    box.addEventListener("change", () => {
      const ticked = (name) => [...el.querySelectorAll(`.filters input[name=${name}]:checked`)].map((b) => b.value);
      save({ categories: ticked("category"), actors: ticked("actor") });
    });
  }

  function select(id) {
    focusId = id;
    model.set("selected", id);
    model.save_changes();
  }

  function drawAxis(shown) {
    const W = Math.round(axis.getBoundingClientRect().width) || 760;
    const a = model.get("start"), b = model.get("end") + 1;
    const x = (t) => PAD + ((t - a) / (b - a)) * (W - 2 * PAD);
    const lanes = [];
    const marks = shown.map((e) => {
      const px = x(when(e));
      let lane = lanes.findIndex((end) => end < px - 2 * HIT);
      if (lane < 0) lane = lanes.length < MAX_LANES ? lanes.length : lanes.indexOf(Math.min(...lanes));
      lanes[lane] = px;
      return { e, px, lane };
    });
    const height = AXIS + HIT + 6 + Math.max(1, lanes.length) * LANE;
    const ticks = [];
    if (b - a === 1) {
      const every = W < 480 ? 3 : 1;
      const month = new Intl.DateTimeFormat(language, { month: "short", timeZone: "UTC" });
      Array.from({ length: 12 }, (_, i) => month.format(Date.UTC(2000, i, 15))).forEach((m, i) =>
        ticks.push(`<line x1="${x(a + i / 12)}" x2="${x(a + i / 12)}" y1="${AXIS - 5}" y2="${AXIS}"/>` +
          (i % every ? "" : `<text x="${x(a + (i + 0.5) / 12)}" y="${AXIS - 9}">${m}</text>`)));
    } else {
      const s = step(b - a, Math.max(3, Math.floor((W - 2 * PAD) / 48)));
      for (let y = Math.ceil(a / s) * s; y <= b; y += s)
        ticks.push(`<line x1="${x(y)}" x2="${x(y)}" y1="${AXIS - 5}" y2="${AXIS}"/><text x="${x(y)}" y="${AXIS - 9}">${y}</text>`);
    }
    const selected = model.get("selected");
    const tabId = shown.some((e) => e.id === focusId) ? focusId : shown.some((e) => e.id === selected) ? selected : shown[0]?.id;
    const dots = marks.map(({ e, px, lane }) => {
      const on = e.id === selected;
      const y = AXIS + HIT + 6 + lane * LANE;
      const label = `${e.date}: ${tr(e.title)} (${tr(e.category)})`;
      return `<g class="event${on ? " selected" : ""}" data-id="${esc(e.id)}" role="button" tabindex="${e.id === tabId ? 0 : -1}"
        aria-pressed="${on}" aria-label="${esc(label)}"><title>${esc(label)}</title>
        <line x1="${px}" x2="${px}" y1="${AXIS}" y2="${y}"/><circle cx="${px}" cy="${y}" r="${on ? 7 : 5}"/>
        <circle class="hit" cx="${px}" cy="${y}" r="${HIT}"/></g>`;
    });
    const empty = shown.length ? "" : `<text class="empty" x="${W / 2}" y="${AXIS + 20}">${tr("No events match these filters.")}</text>`;
    const help = tr("Time axis, {filters}: {n} events. Use the arrow keys to move between events, Enter to select one.", {
      filters: describe(), n: shown.length,
    });
    axis.innerHTML = `<svg viewBox="0 0 ${W} ${height}" role="group" aria-label="${esc(help)}">
      <line class="base" x1="${PAD}" x2="${W - PAD}" y1="${AXIS}" y2="${AXIS}"/>${ticks.join("")}${dots.join("")}${empty}</svg>`;
    const nodes = [...axis.querySelectorAll("g.event")];
    nodes.forEach((node, i) => {
      node.addEventListener("click", () => select(node.dataset.id));
      node.addEventListener("keydown", (ev) => {
        const move = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -nodes.length, End: nodes.length }[ev.key];
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          select(node.dataset.id);
        } else if (move) {
          ev.preventDefault();
          const next = nodes[Math.max(0, Math.min(nodes.length - 1, i + move))];
          node.tabIndex = -1;
          next.tabIndex = 0;
          focusId = next.dataset.id;
          next.focus();
        }
      });
    });
  }

  function show() {
    const shown = visible();
    startBox.value = model.get("start");
    endBox.value = model.get("end");
    for (const box of el.querySelectorAll(".filters input")) {
      box.checked = model.get(box.name === "category" ? "categories" : "actors").includes(box.value);
    }
    status.textContent = shown.length === 1
      ? tr("1 event, {filters}.", { filters: describe() })
      : shown.length
        ? tr("{n} events, {filters}.", { n: shown.length, filters: describe() })
        : tr("No events match these filters ({filters}).", { filters: describe() });
    status.classList.toggle("empty", !shown.length);
    const hadFocus = el.contains(document.activeElement) && document.activeElement.matches("g.event");
    drawAxis(shown);
    if (hadFocus) axis.querySelector('g.event[tabindex="0"]')?.focus();
    const e = shown.find((ev) => ev.id === model.get("selected"));
    if (!e) {
      details.innerHTML = shown.length
        ? `<p class="hint">${tr("Select an event (click it, or Tab to the time axis, move with the arrow keys and press Enter) to read its summary and sources.")}</p>`
        : "";
      return;
    }
    const cited = sourceItems(e.sources, sources, tr);
    details.innerHTML = `
      <${h}>${esc(tr(e.title))}</${h}>
      <p class="meta">${esc(e.date)}${e.place ? " · " + esc(tr(e.place)) : ""} · ${esc(tr(e.category))} · ${esc(e.actors.map((a) => tr(a)).join(tr(", ")))}</p>
      <p>${esc(tr(e.summary))}</p>
      ${e.note ? `<p class="note"><b>${tr("Note:")}</b> ${esc(tr(e.note))}</p>` : ""}
      <p class="sources-head">${tr("Sources")}</p><ul class="sources">${cited.join("")}</ul>
      <button type="button" class="only-year">${tr("Show only {year}", { year: yearOf(e) })}</button>`;
    details.querySelector(".only-year").addEventListener("click", () => period(yearOf(e), yearOf(e)));
  }
  for (const key of ["start", "end", "categories", "actors", "selected"]) model.on(`change:${key}`, show);
  show();
  // Redraw at the new width when the box is first laid out or resized (a phone turned sideways).
  let drawnWidth = 0;
  new ResizeObserver(([entry]) => {
    const width = Math.round(entry.contentRect.width);
    if (width && width !== drawnWidth) {
      drawnWidth = width;
      show();
    }
  }).observe(axis);
}

export default { render };
