// Front-end of kurils.widgets.SummitTracker: step through the Abe–Putin meetings in order
// (buttons, arrow keys, a year filter), in the browser, with no kernel needed.


function render({ model, el }) {
  const { language, tr } = speaker(el, model);
  const h = headingTag(el);
  const day = (d) => new Date(`${d}T12:00:00Z`).toLocaleDateString(language === "en" ? "en-GB" : language,
    { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const town = (place) => tr(place).split(/[,、]/)[0].split(/ ?[(（]/)[0];  // "Sochi (Bocharov Ruchei)" -> "Sochi"
  const meetings = model.get("meetings");
  const sources = model.get("sources");
  const formats = model.get("formats");
  const years = [...new Set(meetings.map((m) => Number(m.date.slice(0, 4))))];
  el.classList.add("kurils-w", "kurils-summits");
  el.tabIndex = -1;
  el.innerHTML = `
    <div class="controls" role="group" aria-label="${esc(tr("Abe–Putin meetings"))}">
      <label>${tr("Year")} <select class="year"><option value="">${tr("All years")}</option>${years.map((y) => `<option>${y}</option>`).join("")}</select></label>
      <button type="button" class="prev">◀ ${tr("Previous")}</button>
      <button type="button" class="next">${tr("Next")} ▶</button>
      <span class="status" role="status"></span>
    </div>
    <ol class="list" aria-label="${esc(tr("Meetings in date order"))}"></ol>
    <div class="card" aria-live="polite"></div>`;
  const $ = (s) => el.querySelector(s);
  const [yearBox, prev, next, status, list, card] = [$(".year"), $(".prev"), $(".next"), $(".status"), $(".list"), $(".card")];
  const shown = () => meetings.filter((m) => model.get("year") == null || Number(m.date.slice(0, 4)) === model.get("year"));
  const index = () => shown().findIndex((m) => m.id === model.get("selected"));

  function go(by) {
    const all = shown();
    const i = Math.max(0, Math.min(all.length - 1, index() + by));
    model.set("selected", all[i].id);
    model.save_changes();
  }
  prev.addEventListener("click", () => go(-1));
  next.addEventListener("click", () => go(1));
  el.addEventListener("keydown", (ev) => {
    if (ev.target.tagName === "SELECT") return;
    const by = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 }[ev.key];
    if (by) {
      ev.preventDefault();
      go(by);
      list.querySelector('[aria-current="true"]')?.focus();
    }
  });
  yearBox.addEventListener("change", () => {
    const year = yearBox.value ? Number(yearBox.value) : null;
    model.set("year", year);
    const first = meetings.find((m) => year == null || Number(m.date.slice(0, 4)) === year);
    if (!shown().some((m) => m.id === model.get("selected"))) model.set("selected", first.id);
    model.save_changes();
  });

  function show() {
    const all = shown();
    const i = index();
    const m = all[i];
    yearBox.value = model.get("year") == null ? "" : String(model.get("year"));
    prev.disabled = i <= 0;
    next.disabled = i >= all.length - 1;
    const which = model.get("year") == null ? "2013–2018" : model.get("year");
    status.textContent = m
      ? tr("Meeting {n} of {count} ({years})", { n: i + 1, count: all.length, years: which })
      : tr("No meetings in {years}.", { years: which });
    list.innerHTML = all.map((x) => `<li><button type="button" data-id="${esc(x.id)}" aria-current="${x.id === m?.id}"
      title="${esc(day(x.date))}, ${esc(tr(x.place))}">${esc(x.date)} · ${esc(town(x.place))}</button></li>`).join("");
    for (const b of list.querySelectorAll("button")) b.addEventListener("click", () => { model.set("selected", b.dataset.id); model.save_changes(); });
    if (!m) {
      card.innerHTML = `<p class="empty-note">${tr("No meetings in {years}.", { years: which })}</p>`;
      return;
    }
    const span = m.end_date ? `${day(m.date)} – ${day(m.end_date)}` : day(m.date);
    const cited = sourceItems(m.sources, sources, tr);
    card.innerHTML = `
      <${h}>${esc(span)} · ${esc(tr(m.place))}</${h}>
      <p class="meta">${tr("{occasion} ({format})", { occasion: esc(tr(m.occasion)), format: esc(tr(formats[m.format] || m.format)) })}</p>
      <p><b>${tr("Outcome:")}</b> ${esc(tr(m.outcome))}</p>
      ${m.note ? `<p class="note"><b>${tr("Note:")}</b> ${esc(tr(m.note))}</p>` : ""}
      <p class="sources-head">${tr("Sources")}</p><ul class="sources">${cited.join("")}</ul>`;
  }
  model.on("change:selected", show);
  model.on("change:year", show);
  show();
}

export default { render };
