// Worker search (POST /workers/search: the text stays out of every URL). Field and admin keys search by name (spelling variants welcome), worker
// id, phone or e-Shram number; researcher keys by pseudonym only, and are offered a few
// pseudonyms from the seasonal circuits to start from. Advocacy keys get the API's 403,
// explained.

import { get, post, seg, session } from "../api.js";
import { h, put } from "../dom.js";
import { icon } from "../icons.js";
import { formatNumber, t, vocab } from "../i18n.js";
import { loading, onMore, problem } from "./problem.js";

const PAGE = 20;
// The search text is kept in this page's memory only, never in the address: an address
// (#/search?q=<a name>) stays in the browser's history. Back from a worker's page shows the
// same results again; an old #/search?q= link is taken in and dropped from the address.
let lastQuery = "";

export async function searchView(view) {
  const me = session.me || {};
  const linked = (view.query.get("q") || "").trim();
  if (linked) {
    lastQuery = linked;
    window.history.replaceState(null, "", "#/search");
  }
  const q = lastQuery;
  const input = h("input", {
    id: "q",
    name: "q",
    type: "search",
    value: q,
    required: true,
    maxlength: 200,
    autocomplete: "off",
    "aria-describedby": "q-help",
  });
  const form = h(
    "form",
    {
      class: "card search-form",
      role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (!text) return;
        lastQuery = text;
        view.rerender();
      },
    },
    h("label", { for: "q" }, me.pseudonymised ? t("searchLabelPseudonym") : t("searchLabel")),
    h(
      "div",
      { class: "row" },
      input,
      h("button", { type: "submit", class: "btn btn-primary" }, icon("search", { size: 18 }), t("searchButton")),
    ),
    h("p", { id: "q-help", class: "help" }, me.pseudonymised ? t("researcherHint") : t("searchHint")),
  );
  const results = h("section", { class: "results", "aria-labelledby": "results-title" });
  put(view.main, h("h1", { tabindex: "-1" }, t("searchTitle")), form, results);

  if (!q) {
    if (me.pseudonymised) await circuitSample(view);
    return input;
  }
  results.append(loading());
  const first = await post("/workers/search", { q, limit: PAGE });
  if (!view.alive()) return null;
  const heading = h("h2", { id: "results-title", tabindex: "-1" }, t("found", { n: formatNumber(first.total) }));
  const list = h("ul", { class: "hits" });
  results.replaceChildren(heading, list);
  if (!first.total) results.append(h("p", {}, t("noneFound")));
  let shown = 0;
  const more = h("button", { type: "button", class: "btn" }, t("more"));
  const add = (page) => {
    list.append(...page.items.map(hitItem));
    shown += page.items.length;
    more.hidden = shown >= page.total;
  };
  onMore(more, async () => add(await post("/workers/search", { q, limit: PAGE, offset: shown })), (notice) => results.append(notice));
  add(first);
  results.append(more);
  return heading;
}

function hitItem(hit) {
  const facts = [
    hit.gender && vocab("gender", hit.gender),
    hit.birth_year ?? hit.birth_years,
    hit.phone,
    hit.eshram_uan && `${t("eshram")} ${hit.eshram_uan}`,
  ].filter(Boolean);
  return h(
    "li",
    {},
    h(
      "a",
      { class: "hit", href: `#/worker/${seg(hit.worker)}`, dataset: { worker: hit.worker } },
      h("span", { class: "hit-name" }, hit.name || hit.worker),
      hit.name ? h("span", { class: "hit-id" }, hit.worker) : null,
      h("span", { class: "hit-facts" }, facts.join(" · ")),
      h("span", { class: "hit-match" }, t("matchedBy", { how: t(`matched.${hit.matched}`) })),
    ),
  );
}

/** A few pseudonyms to start from (researchers cannot search by name). */
async function circuitSample(view) {
  const box = h("section", { class: "card", "aria-labelledby": "sample-title" }, h("h2", { id: "sample-title" }, t("circuitSample")));
  put(view.main, box);
  try {
    const page = await get("/analytics/circuits", { limit: 8 });
    const seen = [...new Set(page.items.map((row) => row.worker))];
    box.append(
      h(
        "ul",
        { class: "chips" },
        seen.map((worker) => h("li", {}, h("a", { class: "chip", href: `#/worker/${seg(worker)}`, dataset: { worker } }, worker))),
      ),
    );
  } catch (error) {
    box.append(problem(error));
  }
}
