// A worker's page: who they are, the journey strip (places in order with the days spent in
// each) and the vertical timeline of every record, oldest first, each kind of event with
// its own colour and icon. Contractors appear on the trips and jobs they arranged (and on
// grievances against them) as chips of their own colour that open their network.
// The timeline is the whole person's, whichever of its worker ids was opened: the person's
// ids head it (each opens the same person), every event says the worker id it was
// recorded under and the centre that recorded it, and candidate links not made are listed
// as suggestions to review, never merged into the events.
// Researcher keys get the same page under a pseudonym, with nothing that names the person:
// the API leaves those fields out, and the page shows only what it gets.

import { get, post, seg } from "../api.js";
import { clear, h, put } from "../dom.js";
import { icon } from "../icons.js";
import { daysText, formatDate, formatNumber, rupees, t, vocab } from "../i18n.js";
import { loading, onMore } from "./problem.js";

export const KINDS = ["registration", "move", "employment", "contractor", "grievance", "service"];

export async function workerView(view) {
  const [id] = view.params;
  const title = h("h1", { tabindex: "-1" }, id);
  put(view.main, title, loading());
  const base = `/workers/${seg(id)}`;
  let profile, journey, timeline;
  try {
    [profile, journey, timeline] = await Promise.all([
      get(base),
      get(`${base}/journey`),
      get(`${base}/timeline`),
    ]);
  } catch (error) {
    if (error.status !== 403 || !error.breakGlass || !view.alive()) throw error;
    view.main.querySelector(".loading")?.remove();
    const reopen = () => {
      clear(view.main);
      return workerView(view);
    };
    put(view.main, title, breakGlassForm(error, reopen));
    return title;
  }
  if (!view.alive()) return null;
  view.main.querySelector(".loading")?.remove();
  title.textContent = profile.name || profile.worker;
  const home = profile.household?.home?.district_code ?? null;
  put(view.main, 
    profileCard(profile),
    personCard(timeline, id),
    journeySection(journey, home),
    timelineSection(timeline, base),
  );
  return title;
}

// A worker outside the field key's organisation: the key may still read them by breaking
// the glass, with a reason that is kept in the audit and shown to admins.
function breakGlassForm(error, reopen) {
  const reason = h("textarea", { id: "glass-reason", rows: 3, required: true, minlength: 10, maxlength: 1000 });
  const failed = h("p", { class: "notice notice-error", role: "alert", hidden: true });
  const form = h(
    "form",
    {
      class: "card break-glass",
      onsubmit: async (event) => {
        event.preventDefault();
        failed.hidden = true;
        try {
          await post(error.breakGlass, { reason: reason.value });
          await reopen();
        } catch (problemError) {
          failed.textContent = problemError.detail || String(problemError);
          failed.hidden = false;
        }
      },
    },
    h("p", { class: "notice-title" }, t("glassTitle")),
    h("p", {}, t("glassHelp")),
    h("label", { for: "glass-reason" }, t("glassReason")),
    reason,
    failed,
    h("button", { type: "submit", class: "btn btn-primary" }, t("glassButton")),
  );
  return form;
}

function profileCard(p) {
  const facts = [
    [t("worker"), p.worker],
    [t("gender"), vocab("gender", p.gender)],
    [t("born"), p.birth_year ?? p.birth_years],
    [t("phone"), p.phone],
    [t("eshram"), p.eshram_uan],
    [t("village"), p.household?.village],
    [t("home"), placeText(p.household?.home)],
    [t("household"), p.household?.household],
    [
      t("registered"),
      [
        formatDate(p.registration?.registered_on ?? p.registered_in),
        p.registration?.centre ? partyText(p.registration.centre) : vocab("source", p.centre_kind),
      ]
        .filter(Boolean)
        .join(" · "),
    ],
    [t("homeState"), p.household?.home ? null : p.home_state],
  ];
  return h(
    "section",
    { class: "card profile", "aria-label": t("worker") },
    p.pseudonymised ? h("p", { class: "notice notice-info pseudonym-note" }, t("pseudonymNote")) : null,
    facts2dl(facts, "facts"),
  );
}

// -- the person: its worker ids and the links suggested -----------------------------------
function personCard(timeline, opened) {
  const ids = timeline.worker_ids || [];
  const suggestions = timeline.suggestions || [];
  if (ids.length < 2 && !suggestions.length) return null;
  const idChip = (worker) =>
    worker === opened
      ? h("span", { class: "chip chip-current", dataset: { worker }, "aria-current": "page" }, worker)
      : h("a", { class: "chip", href: `#/worker/${seg(worker)}`, dataset: { worker } }, worker);
  return h(
    "section",
    { class: "card person", "aria-labelledby": "person-title", dataset: { person: timeline.person_id || "" } },
    h("h2", { id: "person-title" }, timeline.person_id ? t("personOf", { id: timeline.person_id }) : t("person")),
    ids.length > 1 ? h("p", { class: "help" }, t("personHelp", { n: formatNumber(ids.length) })) : null,
    ids.length > 1 ? h("ul", { class: "chips person-ids" }, ids.map((worker) => h("li", {}, idChip(worker)))) : null,
    suggestions.length
      ? h(
          "div",
          { class: "suggestions" },
          h("h3", {}, t("suggestions")),
          h("p", { class: "help" }, t("suggestionsHelp")),
          h(
            "ul",
            {},
            suggestions.map((s) =>
              h(
                "li",
                { class: "suggestion", dataset: { worker: s.worker_id, other: s.other_worker_id } },
                h("a", { class: "chip", href: `#/worker/${seg(s.other_worker_id)}` }, s.other_worker_id),
                " ",
                h("span", { class: "suggestion-prob" }, t("matchShare", { pct: Math.round(s.match_probability * 100) })),
                ids.length > 1 ? h("span", { class: "suggestion-mine" }, ` · ${t("withId", { id: s.worker_id })}`) : null,
              ),
            ),
          ),
          h("a", { class: "btn", href: "#/review" }, t("openReview")),
        )
      : null,
  );
}

// -- the journey strip -------------------------------------------------------------------
function journeySection(journey, home) {
  const stays = journey.stays || [];
  const section = h(
    "section",
    { class: "journey", "aria-labelledby": "journey-title" },
    h("h2", { id: "journey-title" }, t("journey")),
    h("p", { class: "help" }, t("journeyHelp")),
  );
  if (!stays.length) {
    section.append(h("p", {}, t("noTrips")));
    return section;
  }
  const list = h(
    "ol",
    { class: "strip" },
    stays.map((stay) => {
      const atHome = home !== null && stay.place.district_code === home;
      let days;
      if (stay.ongoing) days = t("stillThere");
      else if (stay.days === null || stay.days === undefined) days = t("daysUnknown");
      else days = daysText(stay.days);
      return h(
        "li",
        { class: `stay${atHome ? " stay-home" : ""}${stay.ongoing ? " stay-now" : ""}`, dataset: { days: stay.days ?? "" } },
        h("span", { class: "stay-place" }, icon(atHome ? "home" : "place", { size: 16 }), stay.place.district || stay.place.district_code),
        h("span", { class: "stay-state" }, stay.place.state || ""),
        h("strong", { class: "stay-days" }, days),
        h(
          "span",
          { class: "stay-dates" },
          stayDates(stay),
          stay.arrival_estimated ? h("abbr", { title: t("arrivalEstimated"), "aria-label": t("arrivalEstimated") }, " *") : null,
        ),
        atHome ? h("span", { class: "visually-hidden" }, ` (${t("homePlace")})`) : null,
      );
    }),
  );
  // A scrolling region must be reachable by keyboard to be scrolled (WCAG 2.1.1).
  section.append(h("div", { class: "strip-scroll", tabindex: "0", role: "region", "aria-label": t("journey") }, list));
  return section;
}

/** "30 Jul 2020 – 17 Oct 2020"; an end not known shows as "…" so the dates never mislead. */
function stayDates(stay) {
  if (!stay.arrived_on && !stay.left_on) return "";
  return `${formatDate(stay.arrived_on) || "…"} – ${formatDate(stay.left_on) || "…"}`;
}

// -- the timeline ------------------------------------------------------------------------
function timelineSection(first, base) {
  const list = h("ol", { class: "timeline" });
  const count = h("p", { class: "help" });
  const section = h(
    "section",
    { class: "timeline-section", "aria-labelledby": "timeline-title" },
    h("h2", { id: "timeline-title" }, t("timeline")),
    h("p", { class: "help" }, t("timelineHelp")),
    kindFilter(list),
    count,
    list,
  );
  let shown = 0;
  const more = h("button", { type: "button", class: "btn" }, t("more"));
  const add = (page) => {
    list.append(...page.events.map(eventItem));
    shown += page.events.length;
    more.hidden = shown >= page.total;
    count.textContent = t("events", { n: formatNumber(page.total) });
  };
  onMore(more, async () => add(await get(`${base}/timeline`, { offset: shown })), (notice) => section.append(notice));
  add(first);
  if (!first.total) list.replaceWith(h("p", {}, t("noEvents")));
  section.append(more);
  return section;
}

/** Checkboxes that show or hide each kind; with their colours and icons they are the key. */
function kindFilter(list) {
  return h(
    "fieldset",
    { class: "kinds" },
    h("legend", {}, t("showKinds")),
    KINDS.map((kind) =>
      h(
        "label",
        { class: `kind-toggle kind-${kind}` },
        h("input", {
          type: "checkbox",
          checked: true,
          value: kind,
          onchange: (event) => list.classList.toggle(`hide-${kind}`, !event.target.checked),
        }),
        h("span", { class: "kind-dot" }, icon(kind, { size: 14 })),
        t(`kind.${kind}`),
      ),
    ),
  );
}

function eventItem(event) {
  const [title, facts, contractor] = describe(event);
  return h(
    "li",
    { class: `event kind-${event.kind}`, dataset: { kind: event.kind, date: event.date || "" } },
    h("span", { class: "event-marker" }, icon(event.kind, { size: 18 })),
    h(
      "article",
      { class: "event-card" },
      h(
        "header",
        {},
        h("span", { class: "event-kind" }, t(`kind.${event.kind}`)),
        event.date ? h("time", { datetime: event.date }, formatDate(event.date)) : null,
      ),
      h("h3", { class: "event-title" }, title),
      contractor ? contractorChip(contractor) : null,
      facts2dl(facts, "event-facts"),
      recordedUnder(event),
      event.record_ids?.length ? h("p", { class: "records" }, `${t("records")}: ${event.record_ids.join(", ")}`) : null,
    ),
  );
}

/** The worker id (ids, for a trip reported under several) and the centre it was recorded
 * under; a registration's and a service's centre is in its title or facts already. */
function recordedUnder(e) {
  const ids = e.worker_ids?.length ? e.worker_ids : [e.worker_id];
  const centre = e.kind === "registration" || e.kind === "service" ? null : e.centre;
  return h(
    "p",
    { class: "recorded-under", dataset: { worker: ids.join(" ") } },
    h("span", {}, `${t("recordedUnder")}: `),
    h("span", { class: "under-ids" }, ids.join(", ")),
    centre ? h("span", { class: "under-centre" }, ` · ${partyText(centre)}`) : null,
  );
}

/** [title, facts, contractor] of an event, per kind. */
function describe(e) {
  switch (e.kind) {
    case "registration":
      return [e.centre ? partyText(e.centre) : t("registered"), [], null];
    case "move":
      return [
        `${placeText(e.from_place)} → ${placeText(e.to_place)}`,
        [
          [t("left"), formatDate(e.departed_on)],
          [t("arrived"), formatDate(e.arrived_on)],
          [t("reason"), vocab("reason", e.reason)],
          [t("employer"), e.employer && partyText(e.employer)],
          [t("reportedBy"), (e.sources || []).map((x) => vocab("source", x)).join(", ")],
        ],
        e.contractor,
      ];
    case "employment":
      return [
        partyText(e.employer),
        [
          [t("sector"), vocab("sector", e.sector)],
          [t("place"), placeText(e.place)],
          [t("from"), formatDate(e.start_on)],
          [t("until"), e.end_on ? formatDate(e.end_on) : t("ongoing")],
          [t("wage"), e.daily_wage_inr !== null && e.daily_wage_inr !== undefined ? rupees(e.daily_wage_inr) : null],
          [t("advance"), e.advance_inr ? rupees(e.advance_inr) : null],
        ],
        e.contractor,
      ];
    case "grievance":
      return [
        vocab("indicator", e.indicator),
        [
          [t("against"), e.against_kind === "contractor" ? null : `${vocab("against", e.against_kind)}: ${partyText(e.against)}`],
          [t("happened"), formatDate(e.occurred_on)],
          [t("amount"), e.amount_inr ? rupees(e.amount_inr) : null],
          [t("status"), vocab("status", e.status)],
        ],
        e.against_kind === "contractor" ? e.against : null,
      ];
    case "service":
      return [
        vocab("service", e.service),
        [
          [t("centre"), partyText(e.centre)],
          [t("outcome"), vocab("outcome", e.outcome)],
        ],
        null,
      ];
    default:
      return [e.kind, [], null];
  }
}

function contractorChip(party) {
  return h(
    "a",
    { class: "contractor-chip", href: `#/contractor/${seg(party.id)}`, dataset: { contractor: party.id } },
    icon("contractor", { size: 16 }),
    h("span", { class: "visually-hidden" }, `${t("contractor")}: `),
    partyText(party),
  );
}

function facts2dl(facts, cls) {
  const shown = facts.filter(([, value]) => value !== null && value !== undefined && value !== "");
  if (!shown.length) return null;
  return h("dl", { class: cls }, shown.map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value))));
}

export function placeText(place) {
  if (!place) return "";
  const name = place.district || String(place.district_code);
  return place.state ? `${name} (${place.state})` : name;
}

function partyText(party) {
  if (!party) return "";
  if (party.kind !== undefined) {
    // a centre as researchers see it: its kind and district, never its name or id
    return [vocab("source", party.kind), placeText(party.place)].filter(Boolean).join(", ");
  }
  return party.name ? `${party.name} (${party.id})` : party.id;
}
