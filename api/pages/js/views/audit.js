// The audit log for administrators (GET /audit): every read of a worker's records, newest
// first, filtered by worker, key, action and days. The filters live in the address
// (#/audit?worker=W0000001), so a filtered view can be bookmarked or sent to a colleague.
// Entries are shown as the API gives them; the worker opens the worker's page.

import { get, seg } from "../api.js";
import { h, put } from "../dom.js";
import { formatNumber, t } from "../i18n.js";
import { loading, onMore, problem } from "./problem.js";

const PAGE = 50;
const FILTERS = ["worker", "key_id", "action", "since", "until"];
const ACTIONS = ["timeline", "profile", "journey", "search", "person", "circuits", "journeys", "identity_candidates", "identity_decision", "break_glass", "break_glass_list", "export", "persons", "audit_read"];

export async function auditView(view) {
  const chosen = Object.fromEntries(FILTERS.map((f) => [f, view.query.get(f) || ""]));
  const form = filterForm(chosen);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const query = new URLSearchParams([...data].map(([k, v]) => [k, String(v).trim()]).filter(([, v]) => v !== ""));
    window.location.hash = `#/audit?${query}`;
  });
  const count = h("p", { class: "help audit-count", role: "status" });
  const body = h("tbody", {});
  const table = h(
    "div",
    { class: "table-scroll" },
    h("table", { class: "numbers audit-table" },
      h("thead", {}, h("tr", {}, ["entry", "at", "key_id", "role", "action", "worker", "detail"].map((c) => h("th", { scope: "col" }, t(`audit.${c}`))))),
      body),
  );
  const more = h("button", { type: "button", class: "btn", hidden: true }, t("more"));
  put(view.main, h("h1", { tabindex: "-1" }, t("auditTitle")), h("p", { class: "help" }, t("auditHelp")), form, loading());
  const params = Object.fromEntries(Object.entries(chosen).filter(([, v]) => v));
  let shown = 0;
  const add = (page) => {
    body.append(...page.items.map(entryRow));
    shown += page.items.length;
    count.textContent = page.total ? t("auditCount", { shown: formatNumber(shown), total: formatNumber(page.total) }) : t("auditNone");
    more.hidden = shown >= page.total;
  };
  try {
    const first = await get("/audit", { ...params, limit: PAGE });
    if (!view.alive()) return null;
    add(first);
    view.main.querySelector(".loading")?.replaceWith(count, table, more);
  } catch (error) {
    view.main.querySelector(".loading")?.replaceWith(problem(error));
    if (error.status === 401) throw error;
    return null;
  }
  onMore(more, async () => add(await get("/audit", { ...params, limit: PAGE, offset: shown })));
  return null;
}

function filterForm(chosen) {
  const field = (name, control) => h("div", { class: "field" }, h("label", { for: `a-${name}` }, t(`audit.filter.${name}`)), control);
  const text = (name) => h("input", { id: `a-${name}`, name, value: chosen[name] || null, autocomplete: "off", maxlength: 200 });
  const day = (name) => h("input", { id: `a-${name}`, name, type: "date", value: chosen[name] || null });
  const action = h(
    "select",
    { id: "a-action", name: "action" },
    h("option", { value: "" }, t("anyValue")),
    ACTIONS.map((a) => h("option", { value: a, selected: chosen.action === a }, actionName(a))),
  );
  return h(
    "form",
    { class: "card audit-filters" },
    h("h2", {}, t("auditFilters")),
    h("div", { class: "filter-grid" }, field("worker", text("worker")), field("key_id", text("key_id")), field("action", action), field("since", day("since")), field("until", day("until"))),
    h("button", { type: "submit", class: "btn btn-primary" }, t("auditShow")),
  );
}

function actionName(action) {
  const said = t(`audit.action.${action}`);
  return said === `audit.action.${action}` ? action : said;
}

function entryRow(e) {
  const worker = !e.worker_id ? "–" : e.worker_id === "*" ? t("auditEveryWorker") : h("a", { href: `#/worker/${seg(e.worker_id)}` }, e.worker_id);
  return h(
    "tr",
    { dataset: { entry: e.entry } },
    h("td", {}, formatNumber(e.entry)),
    h("td", {}, h("time", { datetime: e.at }, e.at.replace("T", " ").slice(0, 19))),
    h("td", {}, e.key_id),
    h("td", {}, t(`role.${e.role}`)),
    h("td", {}, actionName(e.action)),
    h("td", { class: "audit-worker" }, worker),
    h("td", {}, e.detail ?? ""),
  );
}
