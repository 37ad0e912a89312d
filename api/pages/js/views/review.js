// The review queue (docs/web.md): undecided pairs side by side, what agrees or differs,
// each field's bits, and the decision buttons. Nothing of the pairs is stored.

import { get, post } from "../api.js";
import { h, put } from "../dom.js";
import { formatNumber, t, vocab } from "../i18n.js";
import { loading, problem } from "./problem.js";
import { placeText } from "./worker.js";

const PAGE = 5;

export async function reviewView(view) {
  const title = h("h1", { tabindex: "-1" }, t("reviewTitle"));
  put(view.main, title, h("p", { class: "help" }, t("reviewHelp")), loading());
  const queue = await get("/identity/candidates", { status: "review", limit: PAGE });
  if (!view.alive()) return null;
  const said = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const count = h("p", { class: "review-count" });
  const list = h("ol", { class: "pairs" });
  let left = queue.total;
  const recount = () => {
    count.textContent = left ? t("pairsToReview", { n: formatNumber(left) }) : t("noPairs");
  };
  recount();
  view.main.querySelector(".loading").replaceWith(count, said, list);
  const decided = (card, words) => {
    card.remove();
    left -= 1;
    recount();
    said.textContent = words;
    const next = list.querySelector(".pair h2");
    if (next) next.focus();
    else if (left > 0) view.rerender();
  };
  put(list, queue.items.map((item) => pairCard(item, decided)));
  return title;
}

function pairCard(item, decided) {
  const why = item.explanation;
  const probability = why?.match_probability ?? item.match_probability;
  const names = nameOf(why);
  const who = { a: names[0] || item.worker_id, b: names[1] || item.other_worker_id };
  const id = `pair-${item.worker_id}-${item.other_worker_id}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const card = h("li", {
    class: "card pair",
    dataset: { worker: item.worker_id, other: item.other_worker_id },
    "aria-labelledby": id,
  });
  const status = h("div", { class: "pair-status", role: "status" });
  const buttons = [
    h("button", { type: "button", class: "btn btn-primary decide-same" }, t("samePerson")),
    h("button", { type: "button", class: "btn decide-not" }, t("notSamePerson")),
  ];
  const decide = async (decision) => {
    for (const button of buttons) button.disabled = true;
    status.replaceChildren(h("p", { class: "loading" }, t("saving")));
    try {
      await post("/identity/decisions", {
        worker_id: item.worker_id,
        other_worker_id: item.other_worker_id,
        decision,
      });
    } catch (error) {
      status.replaceChildren(problem(error));
      for (const button of buttons) button.disabled = false;
      return;
    }
    decided(card, t(decision === "same_person" ? "recordedSame" : "recordedNotSame", who));
  };
  buttons[0].addEventListener("click", () => decide("same_person"));
  buttons[1].addEventListener("click", () => decide("not_same_person"));
  return put(
    card,
    h("h2", { id, tabindex: "-1" }, `${who.a} · ${who.b}`),
    probabilityLine(probability, why),
    compareTable(item, why),
    h("div", { class: "decide" }, buttons),
    status,
  );
}

function probabilityLine(probability, why) {
  const pct = formatNumber(probability, { style: "percent", maximumFractionDigits: 0 });
  const bar = h("span", { class: "prob-bar", "aria-hidden": "true" }, h("span"));
  bar.firstChild.style.width = `${Math.round(probability * 100)}%`;
  return h(
    "div",
    { class: "prob" },
    h("p", { class: "prob-line" }, h("strong", {}, t("matchProbability", { p: pct })), bar),
    why ? h("p", { class: "help" }, t("matchWeight", { w: signed(why.match_weight) })) : null,
  );
}

const FIELDS = {
  name: String,
  birth_year: String,
  gender: (v) => vocab("gender", v),
  phone: String,
  eshram_uan: String,
  household: String,
  village: String,
  home_district: placeText,
  registered_by: (party) => (party.name ? `${party.name} (${party.id})` : party.id),
};

const nameOf = (why) => why?.contributions.find((s) => s.comparison === "name")?.values || [];

function compareTable(item, why) {
  const head = h(
    "thead",
    {},
    h(
      "tr",
      {},
      h("th", { scope: "col" }, t("field")),
      h("th", { scope: "col" }, item.worker_id),
      h("th", { scope: "col" }, item.other_worker_id),
    ),
  );
  const steps = why ? why.contributions.filter((s) => s.comparison !== "prior") : [];
  const body = h(
    "tbody",
    {},
    steps.map((step) => {
      const outcome = step.outcome;
      const field = FIELDS[step.comparison];
      const label = h(
        "th",
        { scope: "row" },
        h("span", { class: "field-name" }, t(`cmp.${step.comparison}`)),
        h("span", { class: `outcome outcome-${outcome}` }, t(`outcome.${outcome}`)),
        weightBar(step.weight),
      );
      const cells = field
        ? (step.values || [null, null]).map((v) => h("td", {}, show(v, field)))
        : [h("td", { colspan: 2, class: "pair-finding" }, step.level.replaceAll("_", " "))];
      return h("tr", { class: `cmp cmp-${outcome}`, dataset: { comparison: step.comparison, outcome } }, label, cells);
    }),
  );
  const table = h("table", { class: "compare" }, head, body);
  const prior = why?.contributions.find((s) => s.comparison === "prior");
  return h(
    "div",
    { class: "compare-wrap" },
    table,
    prior ? h("p", { class: "help prior" }, t("priorWeight", { w: signed(prior.weight) })) : null,
  );
}

const show = (value, words) =>
  value === null || value === undefined || value === "" ? h("span", { class: "none" }, t("notRecorded")) : words(value);

const signed = (w) => `${w > 0 ? "+" : w < 0 ? "−" : ""}${formatNumber(Math.abs(w), { maximumFractionDigits: 1 })}`;

function weightBar(weight) {
  return h("span", { class: `weight ${weight >= 0 ? "w-for" : "w-against"}` }, h("span", { class: "w-text" }, t("bits", { w: signed(weight) })));
}
