// Researchers' journeys: choose a cohort, see where it was month by month (chronogram),
// its types of trajectory and its persons (pseudonyms), all from GET /journeys and
// friends. The chronogram and each type's medoid are drawn here as SVG. Counts the API
// hides (fewer than 5) show as "fewer than 5", never as zero.

import { get } from "../api.js";
import { h, put, s } from "../dom.js";
import { formatNumber, getLang, t, vocab } from "../i18n.js";
import { loading } from "./problem.js";

const W = 360;
const H = 160;
const COLOURS = {
  unknown: "#d9d9d9", home: "#4c78a8", circuit: "#e45756", season: "#f58518", short: "#eeca3b",
  long: "#54a24b", multi_stop: "#b279a2",
};
const SECTOR_COLOURS = ["#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2",
  "#ff9da6", "#9d755d", "#bab0ac", "#8c564b", "#17becf"];
const FIELDS = ["origin_state", "origin_district", "destination_state", "destination_district", "sector",
  "gender", "birth_band", "has_circuit"];
const KINDS = ["circuit", "season", "short", "long", "multi_stop"];

export async function journeysView(view) {
  put(view.main, h("h1", { tabindex: "-1" }, t("journeysTitle")), h("p", { class: "help" }, t("journeysHelp")), loading());
  const choices = await get("/journeys/filters");
  if (!view.alive()) return null;
  const chosen = Object.fromEntries(FIELDS.map((f) => [f, view.query.get(f) || ""]));
  for (const f of ["period_from", "period_to", "k"]) chosen[f] = view.query.get(f) || "";
  const form = filterForm(choices, chosen);
  const results = h("div", { class: "journeys-results", "aria-live": "polite" });
  view.main.querySelector(".loading").replaceWith(form, results);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const query = new URLSearchParams([...data].filter(([, v]) => v !== ""));
    window.location.hash = `#/journeys?${query}`;
  });
  put(results, loading());
  const params = Object.fromEntries(Object.entries(chosen).filter(([k, v]) => v !== "" && k !== "k"));
  const k = Number(chosen.k) || 5;
  const [cohort, chrono, types] = await Promise.all([
    get("/journeys", { ...params, limit: 20 }),
    get("/journeys/chronogram", params),
    get("/journeys/types", { ...params, k, limit: 1 }),
  ]);
  if (!view.alive()) return null;
  results.querySelector(".loading").remove();
  put(results, summaryCard(cohort.summary), chronogramCard(chrono), typesCard(types), personsCard(cohort));
  if (cohort.suppressed_cells || chrono.suppressed_cells || types.suppressed_cells) {
    results.prepend(h("p", { class: "notice notice-info suppressed-note" }, t("hiddenBelow5Plain")));
  }
  return null;
}

function filterForm(choices, chosen) {
  const select = (name, values, label, words = (v) => v) =>
    h("div", { class: "field" }, h("label", { for: `f-${name}` }, label),
      h("select", { id: `f-${name}`, name }, h("option", { value: "" }, t("anyValue")),
        values.map((v) => h("option", { value: v, selected: String(chosen[name]) === String(v) }, words(v)))));
  const district = (name, label) => {
    const byState = new Map();
    for (const d of choices.districts) byState.set(d.state, [...(byState.get(d.state) || []), d]);
    return h("div", { class: "field" }, h("label", { for: `f-${name}` }, label),
      h("select", { id: `f-${name}`, name }, h("option", { value: "" }, t("anyValue")),
        [...byState].map(([state, list]) => h("optgroup", { label: state }, list.map((d) =>
          h("option", { value: d.code, selected: String(chosen[name]) === String(d.code) }, d.name))))));
  };
  const month = (name, label) =>
    h("div", { class: "field" }, h("label", { for: `f-${name}` }, label),
      h("input", { id: `f-${name}`, name, type: "month", value: chosen[name] || null }));
  return h("form", { class: "card journeys-filters" },
    h("h2", {}, t("cohort")),
    h("div", { class: "filter-grid" },
      select("origin_state", choices.states, t("originState")),
      district("origin_district", t("originDistrict")),
      select("destination_state", choices.states, t("destinationState")),
      district("destination_district", t("destinationDistrict")),
      select("sector", choices.sectors, t("sector"), (v) => vocab("sector", v)),
      select("gender", choices.genders, t("gender"), (v) => vocab("gender", v)),
      select("birth_band", choices.birth_bands, t("birthBand")),
      select("has_circuit", ["true", "false"], t("hasCircuit"), (v) => t(v === "true" ? "withCircuit" : "withoutCircuit")),
      month("period_from", t("fromMonth")),
      month("period_to", t("toMonth")),
      select("k", [2, 3, 4, 5, 6, 7, 8], t("typesWanted"))),
    h("button", { type: "submit", class: "btn btn-primary" }, t("showCohort")));
}

const count = (n) => (n === null || n === undefined ? t("fewerThan5") : formatNumber(n));

function summaryCard(sum) {
  const rate = sum.return_rate === null ? "–" : formatNumber(sum.return_rate, { style: "percent" });
  const rows = [
    [t("persons"), count(sum.persons)],
    [t("journeysCount"), count(sum.journeys)],
    [t("returnRate"), rate],
    [t("medianMonthsAway"), sum.median_months_away ?? "–"],
    [t("personsWithCircuit"), count(sum.persons_with_circuit)],
  ];
  return h("section", { class: "card", "aria-labelledby": "j-summary" }, h("h2", { id: "j-summary" }, t("inNumbers")),
    h("dl", { class: "pairs" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])));
}

function stateColour(state, i) {
  if (COLOURS[state]) return COLOURS[state];
  return SECTOR_COLOURS[(i - 2 + SECTOR_COLOURS.length) % SECTOR_COLOURS.length];
}

function stateLabel(state) {
  if (state === "unknown") return t("stateUnknown");
  if (state === "home") return t("stateHome");
  return t("awayIn", { sector: vocab("sector", state.replace(/^away:/, "")) });
}

function chronogramCard(chrono) {
  const card = h("section", { class: "card", "aria-labelledby": "j-chrono" }, h("h2", { id: "j-chrono" }, t("chronogramTitle")),
    h("p", { class: "help" }, t("chronogramHelp")));
  const months = chrono.months.length;
  if (!months || !chrono.persons) return put(card, h("p", {}, t("noPersons")));
  const used = chrono.states.map((_, j) => chrono.shares.some((row) => (row[j] ?? 0) > 0));
  const x = (i) => (i / Math.max(months - 1, 1)) * W;
  const below = new Array(months).fill(0);
  const areas = [];
  chrono.states.forEach((state, j) => {
    if (!used[j]) return;
    const top = chrono.shares.map((row, i) => below[i] + (row[j] ?? 0));
    const up = top.map((v, i) => `${x(i).toFixed(1)},${(H - v * H).toFixed(1)}`);
    const down = below.map((v, i) => `${x(i).toFixed(1)},${(H - v * H).toFixed(1)}`).reverse();
    areas.push(s("polygon", { points: [...up, ...down].join(" "), fill: stateColour(state, j), class: "chrono-area" },
      s("title", {}, stateLabel(state))));
    top.forEach((v, i) => (below[i] = v));
  });
  const ticks = [0, Math.floor(months / 2), months - 1].map((i) =>
    s("text", { x: x(i), y: H + 14, "text-anchor": i === 0 ? "start" : i === months - 1 ? "end" : "middle", class: "tick" }, chrono.months[i]));
  put(card,
    s("svg", { viewBox: `0 0 ${W} ${H + 20}`, class: "chronogram", role: "img", "aria-label": t("chronogramTitle") }, areas, ticks),
    h("ul", { class: "legend" }, chrono.states.map((state, j) => used[j] &&
      h("li", {}, s("svg", { class: "swatch-svg", viewBox: "0 0 14 10", "aria-hidden": "true" },
        s("rect", { width: 14, height: 10, rx: 2, fill: stateColour(state, j) })), stateLabel(state)))));
  return card;
}

function typesCard(types) {
  const card = h("section", { class: "card", "aria-labelledby": "j-types" }, h("h2", { id: "j-types" }, t("typesTitle")));
  if (!types.types.length) return put(card, h("p", {}, t("noPersons")));
  const used = Object.keys(COLOURS).filter((st) => types.types.some((ty) => ty.medoid.includes(st)));
  return put(card, h("ol", { class: "types" }, types.types.map((ty) =>
    h("li", { class: "type" },
      h("h3", {}, t("typeN", { n: ty.type, share: ty.share === null ? t("fewerThan5") : formatNumber(ty.share, { style: "percent" }) })),
      medoidStrip(ty.medoid),
      h("p", { class: "type-words" }, typeWords(ty))))),
  h("p", { class: "help" }, t("typicalPattern")),
  h("ul", { class: "legend medoid-legend" }, used.map((st) =>
    h("li", {}, s("svg", { class: "swatch-svg", viewBox: "0 0 14 10", "aria-hidden": "true" },
      s("rect", { width: 14, height: 10, rx: 2, fill: COLOURS[st] })), t(`typology.${st}`)))));
}

// The API describes a type in English; other languages get it from the medoid: its main
// kind of journey and its spells ("seasonal circuit 5 months, at home 7 months, ...").
function typeWords(ty) {
  if (getLang() === "en") return ty.description;
  const months = {};
  for (const st of ty.medoid) if (KINDS.includes(st)) months[st] = (months[st] || 0) + 1;
  const main = Object.keys(months).sort((a, b) => months[b] - months[a])[0];
  const spells = [];
  ty.medoid.forEach((st, i) => {
    if (i && ty.medoid[i - 1] === st) spells[spells.length - 1].n += 1;
    else spells.push({ st, n: 1 });
  });
  const pattern = spells.map(({ st, n }) => t("spell", { state: t(`typology.${st}`), n: formatNumber(n) })).join(", ");
  return t("typeWords", { kind: main ? t(`typology.${main}`) : t("typology.home"), pattern });
}

function medoidStrip(states) {
  const w = W / states.length;
  return s("svg", { viewBox: `0 0 ${W} 14`, class: "medoid", role: "img", "aria-label": t("typicalPattern") },
    states.map((st, i) => s("rect", { x: i * w, y: 0, width: w - 0.5, height: 14, fill: COLOURS[st] || "#999" }, s("title", {}, t(`typology.${st}`)))));
}

function personsCard(cohort) {
  const card = h("section", { class: "card", "aria-labelledby": "j-persons" }, h("h2", { id: "j-persons" }, t("personsTitle")));
  if (!cohort.items.length) return put(card, h("p", {}, t("noPersons")));
  const cols = ["person", "person_id", "gender", "birth_band", "origin_district", "journeys", "months_away", "return_rate"]
    .filter((c) => cohort.columns.includes(c));
  return put(card,
    h("p", { class: "help" }, t("personsShown", { shown: formatNumber(cohort.items.length), total: count(cohort.total) })),
    h("div", { class: "table-scroll" }, h("table", { class: "numbers" },
      h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col" }, t(`col.${c}`))))),
      h("tbody", {}, cohort.items.map((row) => h("tr", {}, cols.map((c) =>
        h("td", {}, c === "gender" ? vocab("gender", row[c]) : row[c] ?? "–"))))))));
}
