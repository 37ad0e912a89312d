// Contractors, highest risk first (GET /analytics/contractors), and a box to open any
// contractor's network by id (caseworkers hear ids from workers' records).

import { get, seg } from "../api.js";
import { h, put } from "../dom.js";
import { icon } from "../icons.js";
import { formatNumber, t } from "../i18n.js";
import { riskMeter } from "./network.js";
import { loading, onMore, problem } from "./problem.js";

const PAGE = 20;

export async function contractorsView(view) {
  const input = h("input", { id: "cid", name: "cid", required: true, autocomplete: "off", maxlength: 200 });
  const form = h(
    "form",
    {
      class: "card",
      onsubmit: (event) => {
        event.preventDefault();
        const id = input.value.trim();
        if (id) window.location.hash = `#/contractor/${seg(id)}`;
      },
    },
    h("h2", {}, t("openById")),
    h("label", { for: "cid" }, t("contractorId")),
    h("div", { class: "row" }, input, h("button", { type: "submit", class: "btn btn-primary" }, t("open"))),
  );
  const list = h("ol", { class: "contractors" });
  const more = h("button", { type: "button", class: "btn", hidden: true }, t("more"));
  put(view.main, h("h1", { tabindex: "-1" }, t("contractorsTitle")), form, h("p", { class: "help" }, t("contractorsHelp")), loading());
  let shown = 0;
  const add = (page) => {
    list.append(...page.items.map(contractorItem));
    shown += page.items.length;
    more.hidden = shown >= page.total;
  };
  try {
    const first = await get("/analytics/contractors", { limit: PAGE });
    if (!view.alive()) return null;
    add(first);
    view.main.querySelector(".loading")?.replaceWith(list, more);
  } catch (error) {
    view.main.querySelector(".loading")?.replaceWith(problem(error));
    if (error.status === 401) throw error;
    return null;
  }
  onMore(more, async () => add(await get("/analytics/contractors", { limit: PAGE, offset: shown })));
  return null;
}

function contractorItem(row) {
  const flagged = row.flagged === true || row.flagged === "true";
  const placed = row.workers_placed;
  return h(
    "li",
    {},
    h(
      "a",
      { class: `contractor-row${flagged ? " is-flagged" : ""}`, href: `#/contractor/${seg(row.contractor_id)}`, dataset: { contractor: row.contractor_id } },
      h("span", { class: "c-name" }, icon("contractor", { size: 18 }), row.name || row.contractor_id),
      h("span", { class: "c-id" }, row.contractor_id),
      flagged ? h("span", { class: "badge badge-flagged" }, icon("flag", { size: 14 }), t("flagged")) : null,
      row.risk_score !== null && row.risk_score !== undefined ? riskMeter(row.risk_score) : null,
      h(
        "span",
        { class: "c-workers" },
        `${t("workersPlaced")}: ${placed === null || placed === undefined ? t("fewerThan5") : formatNumber(placed)}`,
      ),
    ),
  );
}
