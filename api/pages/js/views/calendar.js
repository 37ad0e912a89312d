// The seasonal calendar: for the busiest corridors, how many seasonal round trips leave
// and come back in each month (GET /analytics/calendar). One small card per corridor
// (they stack on a phone): departures rise above the line, returns hang below it, and the
// exact numbers are one tap away in a table. Counts hidden for the role (fewer than 5)
// show as a dot, never as zero.

import { get } from "../api.js";
import { h, put, s } from "../dom.js";
import { formatNumber, monthName, t } from "../i18n.js";
import { loading, onMore } from "./problem.js";
import { placeText } from "./worker.js";

const PAGE = 8;
const W = 360;
const BAR_H = 56;
const AXIS = BAR_H + 8;
const H = AXIS * 2 + 18;

export async function calendarView(view) {
  const list = h("ol", { class: "corridors" });
  const count = h("p", { class: "help", "aria-live": "polite" });
  const more = h("button", { type: "button", class: "btn", hidden: true }, t("more"));
  put(view.main, 
    h("h1", { tabindex: "-1" }, t("calendarTitle")),
    h("p", { class: "help" }, t("calendarHelp")),
    h(
      "ul",
      { class: "legend", "aria-hidden": "true" },
      h("li", {}, h("span", { class: "swatch swatch-departures" }), t("departures")),
      h("li", {}, h("span", { class: "swatch swatch-returns" }), t("returns")),
    ),
    loading(),
  );
  let shown = 0;
  const add = (page) => {
    const top = Math.max(1, ...page.corridors.flatMap((c) => [...c.departures, ...c.returns].map((v) => v ?? 0)));
    list.append(...page.corridors.map((c, i) => corridorCard(c, top, shown + i)));
    shown += page.corridors.length;
    more.hidden = shown >= page.total;
    count.textContent = t("corridorsShown", { shown: formatNumber(shown), total: formatNumber(page.total) });
    if (page.suppressed_cells && !view.main.querySelector(".suppressed-note")) {
      count.after(h("p", { class: "notice notice-info suppressed-note" }, t("hiddenBelow5")));
    }
  };
  const first = await get("/analytics/calendar", { limit: PAGE });
  if (!view.alive()) return null;
  view.main.querySelector(".loading").replaceWith(count, list, more);
  if (!first.total) list.replaceWith(h("p", {}, t("noCorridors")));
  add(first);
  onMore(more, async () => add(await get("/analytics/calendar", { limit: PAGE, offset: shown })));
  return null;
}

function corridorCard(c, top, index) {
  const title = `${placeText(c.origin)} → ${placeText(c.destination)}`;
  const id = `corridor-${index}`;
  const workers = c.workers === null ? t("fewerThan5") : formatNumber(c.workers);
  return h(
    "li",
    { class: "card corridor", "aria-labelledby": id },
    h("h2", { id, class: "corridor-title" }, title),
    h("p", { class: "corridor-workers" }, t("workersOnCorridor", { n: workers })),
    peaks(c),
    chart(c, top),
    h(
      "details",
      {},
      h("summary", {}, t("showNumbers")),
      h(
        "table",
        { class: "numbers" },
        h("caption", { class: "visually-hidden" }, title),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("month")), h("th", { scope: "col" }, t("departures")), h("th", { scope: "col" }, t("returns")))),
        h(
          "tbody",
          {},
          c.departures.map((d, m) =>
            h("tr", {}, h("th", { scope: "row" }, monthName(m + 1, "long")), h("td", {}, cell(d)), h("td", {}, cell(c.returns[m]))),
          ),
        ),
      ),
    ),
  );
}

/** The busiest months in words: the chart is a picture, this line says it for everyone. */
function peaks(c) {
  const busiest = (counts) => {
    const top = Math.max(...counts.map((v) => v ?? 0));
    return top > 0 ? counts.flatMap((v, m) => (v === top ? [monthName(m + 1, "long")] : [])).join(", ") : "–";
  };
  return h(
    "p",
    { class: "peaks" },
    h("span", { class: "peak-departures" }, `${t("mostDepartures")}: ${busiest(c.departures)}`),
    h("span", { class: "peak-returns" }, `${t("mostReturns")}: ${busiest(c.returns)}`),
  );
}

const cell = (v) => (v === null ? `· (${t("fewerThan5")})` : formatNumber(v));

/** Twelve months of bars: departures up from the line, returns down from it. */
function chart(c, top) {
  const col = W / 12;
  const bar = col * 0.62;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "month-chart", "aria-hidden": "true", focusable: "false" });
  svg.append(s("line", { x1: 0, x2: W, y1: AXIS, y2: AXIS, class: "axis" }));
  for (let m = 0; m < 12; m += 1) {
    const x = m * col + (col - bar) / 2;
    const cx = m * col + col / 2;
    const up = c.departures[m];
    const down = c.returns[m];
    if (up === null) svg.append(s("circle", { cx, cy: AXIS - 6, r: 2.5, class: "hidden-count" }));
    else if (up > 0) {
      const hgt = Math.max(2, (up / top) * BAR_H);
      svg.append(s("rect", { x, y: AXIS - hgt, width: bar, height: hgt, rx: 2, class: "bar-departures" }));
    }
    if (down === null) svg.append(s("circle", { cx, cy: AXIS + 6, r: 2.5, class: "hidden-count" }));
    else if (down > 0) {
      const hgt = Math.max(2, (down / top) * BAR_H);
      svg.append(s("rect", { x, y: AXIS, width: bar, height: hgt, rx: 2, class: "bar-returns" }));
    }
    svg.append(s("text", { x: cx, y: H - 3, class: "month-label", "text-anchor": "middle" }, monthName(m + 1)));
  }
  return svg;
}
