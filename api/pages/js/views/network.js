// A contractor's network: its chains up to principal employers and down to the village
// recruiters, drawn as layers; flagged contractors carry a red frame and a flag, and their
// reasons (the risk analysis's own words) show when their box is chosen.

import { get, seg } from "../api.js";
import { h, put } from "../dom.js";
import { icon } from "../icons.js";
import { formatNumber, t } from "../i18n.js";
import { drawNetwork, highlight } from "./graph.js";
import { loading } from "./problem.js";

export async function networkView(view) {
  const [id] = view.params;
  const title = h("h1", { tabindex: "-1" }, id);
  put(view.main, h("p", { class: "crumb" }, h("a", { href: "#/contractors" }, t("navContractors"))), title, loading());
  const net = await get(`/contractors/${seg(id)}/network`);
  if (!view.alive()) return null;
  view.main.querySelector(".loading")?.remove();
  const name = net.contractor.name || net.contractor.id;
  title.textContent = t("networkTitle", { name });

  const members = new Map();
  for (const m of net.members) {
    members.set(`${m.kind}:${m.id}`, {
      ...m,
      meta: `${m.id} · ${workersText(m)}`,
      ariaLabel: [m.name || m.id, t(`memberKind.${m.kind}`), m.flagged ? t("flagged") : null].filter(Boolean).join(", "),
    });
  }
  const details = h("section", { class: "card member-details", "aria-live": "polite", "aria-labelledby": "details-title" });
  const select = (node) => {
    highlight(svg, node);
    showMember(details, members.get(node), node === `contractor:${net.contractor.id}`);
  };
  const svg = drawNetwork(net, members, select, t("networkLabel", { name }));
  const empty = !net.up.length && !net.down.length;
  const scroller = h("div", { class: "graph-scroll" }, svg);

  put(view.main, 
    h("p", { class: "help" }, t("networkHelp")),
    legend(),
    net.truncated ? h("p", { class: "notice notice-info" }, t("truncated")) : null,
    empty ? h("p", { class: "notice notice-info" }, t("noChains")) : null,
    scroller,
    details,
  );
  select(`contractor:${net.contractor.id}`);
  centreOn(scroller, svg.querySelector(".node.centre"));
  return title;
}

/** On a phone the drawing is wider than the screen: start with the contractor in view. */
function centreOn(scroller, node) {
  if (!node || scroller.scrollWidth <= scroller.clientWidth) return;
  const box = node.getBoundingClientRect();
  const frame = scroller.getBoundingClientRect();
  scroller.scrollLeft += box.left - frame.left - (frame.width - box.width) / 2;
}

function legend() {
  const item = (cls, label) => h("li", {}, h("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), label);
  return h(
    "ul",
    { class: "legend", "aria-label": t("legend") },
    item("swatch-employer", t("memberKind.employer")),
    item("swatch-contractor", t("memberKind.contractor")),
    item("swatch-flagged", t("flagged")),
    item("swatch-centre", t("thisContractor")),
  );
}

function workersText(member) {
  if (member.suppressed) return `${t("workers")}: <5`;
  if (member.workers === null || member.workers === undefined) return "";
  return `${t("workers")}: ${formatNumber(member.workers)}`;
}

function showMember(box, m, isCentre) {
  const rows = [
    [t("contractorId"), m.id],
    [t("workers"), m.suppressed ? t("fewerThan5") : m.workers ?? null],
  ];
  if (m.kind === "contractor") {
    rows.push([t("licensed"), m.licensed === null || m.licensed === undefined ? null : m.licensed ? t("yes") : t("unlicensed")]);
    if (m.risk_score !== null && m.risk_score !== undefined) rows.push([t("risk"), riskMeter(m.risk_score)]);
  }
  const reasons = (m.reasons || "").split(/;\s*/).filter(Boolean);
  box.replaceChildren();
  put(
    box,
    h("h2", { id: "details-title" }, m.name || m.id),
    h(
      "p",
      { class: "member-kind" },
      t(`memberKind.${m.kind}`),
      m.flagged ? h("span", { class: "badge badge-flagged" }, icon("flag", { size: 14 }), t("flagged")) : null,
    ),
    h("dl", { class: "facts" }, rows.filter(([, v]) => v !== null && v !== "").map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))),
    reasons.length
      ? h(
          "div",
          { class: `reasons${m.flagged ? " reasons-flagged" : ""}` },
          h("h3", {}, t("reasons")),
          h("ul", {}, reasons.map((r) => h("li", { lang: "en" }, r))),
          h("p", { class: "help" }, t("reasonsInEnglish")),
        )
      : null,
    m.kind === "contractor" && !isCentre
      ? h("a", { class: "btn", href: `#/contractor/${seg(m.id)}` }, icon("network", { size: 18 }), t("openNetwork"))
      : null,
  );
}

export function riskMeter(score) {
  const pct = Math.round(score * 100);
  const bar = h("span", { class: score >= 0.5 ? "high" : "" });
  bar.style.width = `${pct}%`; // through the CSSOM: the pages' CSP allows no style attribute
  return h(
    "span",
    { class: "risk" },
    h("span", { class: "risk-bar", "aria-hidden": "true" }, bar),
    formatNumber(score, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  );
}
