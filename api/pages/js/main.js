// The pages' entry point: a hash router (so that the API's static mount can serve every
// page from index.html), the header (role, language switch, sign-out) and the navigation,
// which offers only what the key's role may use, as GET /me reports it.

import { ApiError, session } from "./api.js";
import { clear, h } from "./dom.js";
import { icon } from "./icons.js";
import { getLang, setLang, t } from "./i18n.js";
import { auditView } from "./views/audit.js";
import { calendarView } from "./views/calendar.js";
import { contractorsView } from "./views/contractors.js";
import { journeysView } from "./views/journeys.js";
import { networkView } from "./views/network.js";
import { problem } from "./views/problem.js";
import { reviewView } from "./views/review.js";
import { searchView } from "./views/search.js";
import { signInView } from "./views/signin.js";
import { workerView } from "./views/worker.js";

const ROUTES = [
  { name: "signin", path: /^signin$/, render: signInView, open: true },
  { name: "search", path: /^search$/, render: searchView },
  { name: "worker", path: /^worker\/([^/]+)$/, render: workerView, nav: "search" },
  { name: "contractors", path: /^contractors$/, render: contractorsView },
  { name: "contractor", path: /^contractor\/([^/]+)$/, render: networkView, nav: "contractors" },
  { name: "calendar", path: /^calendar$/, render: calendarView },
  { name: "journeys", path: /^journeys$/, render: journeysView },
  { name: "review", path: /^review$/, render: reviewView },
  { name: "audit", path: /^audit$/, render: auditView },
];

const main = document.getElementById("main");
let rendering = 0;
let firstRender = true;
let afterSignIn = null; // the page asked for before signing in
let notice = null; // a message for the sign-in page (a key that stopped working)

function parse() {
  const raw = window.location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?");
  return { path, query: new URLSearchParams(query) };
}

export function homeHash() {
  const me = session.me;
  if (!me) return "#/signin";
  return me.sees_workers ? "#/search" : "#/contractors";
}

async function render() {
  const token = ++rendering;
  const { path, query } = parse();
  const route = ROUTES.find((r) => r.path.test(path));
  if (!route) {
    window.location.replace(homeHash());
    return;
  }
  if (!route.open && !session.key) {
    afterSignIn = window.location.hash;
    window.location.replace("#/signin");
    return;
  }
  chrome(route.nav || route.name);
  clear(main);
  const view = {
    main,
    params: route.path.exec(path).slice(1).map(decodeURIComponent),
    query,
    alive: () => token === rendering,
    rerender: render, // the same route again (a new search: the address does not change)
    notice: () => {
      const said = notice;
      notice = null;
      return said;
    },
    signedIn: () => {
      const next = afterSignIn && afterSignIn !== "#/signin" ? afterSignIn : homeHash();
      afterSignIn = null;
      window.location.hash = next;
    },
  };
  let focus = null;
  try {
    focus = await route.render(view);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && !route.open) {
      session.signOut();
      notice = t("sessionEnded");
      afterSignIn = window.location.hash;
      window.location.hash = "#/signin";
      return;
    }
    if (!view.alive()) return;
    if (!(error instanceof ApiError)) console.error(error);
    for (const waiting of main.querySelectorAll(".loading")) waiting.remove();
    main.append(problem(error instanceof ApiError ? error : new ApiError(-1, String(error)), render));
  }
  if (!view.alive()) return;
  // After a move to another page, focus its heading so that a screen reader announces it
  // and the keyboard starts from the top of the new content.
  if (!firstRender) (focus || main.querySelector("h1"))?.focus({ preventScroll: false });
  firstRender = false;
}

/** The header and navigation for the current key and page. */
function chrome(active) {
  const me = session.me;
  document.title = `${t("appName")}: ${t("appTitle")}`;
  document.querySelector(".brand-sub").textContent = t("appTitle");
  const skip = document.querySelector(".skip");
  skip.textContent = t("skip");
  const lang = document.getElementById("lang");
  clear(lang).append(icon("language", { size: 18 }), h("span", { lang: getLang() === "en" ? "hi" : "en" }, t("switchTo")));
  lang.setAttribute("aria-label", t("switchLabel"));
  const who = document.getElementById("who");
  const out = document.getElementById("signout");
  const nav = document.getElementById("nav");
  clear(who);
  clear(nav);
  out.hidden = !me;
  out.textContent = t("signOut");
  if (!me) return;
  who.append(h("span", { class: "visually-hidden" }, `${t("role")}: `), h("span", { class: `role role-${me.role}` }, t(`role.${me.role}`)));
  nav.setAttribute("aria-label", t("mainNav"));
  const items = [
    me.sees_workers && ["search", "#/search", "search", t("navSearch")],
    ["contractors", "#/contractors", "network", t("navContractors")],
    ["calendar", "#/calendar", "calendar", t("navCalendar")],
    ["researcher", "admin"].includes(me.role) && ["journeys", "#/journeys", "calendar", t("navJourneys")],
    me.sees_identities && ["review", "#/review", "review", t("navReview")],
    me.administers && ["audit", "#/audit", "review", t("navAudit")],
  ].filter(Boolean);
  nav.append(
    h(
      "ul",
      {},
      items.map(([name, href, glyph, label]) =>
        h("li", {}, h("a", { href, "aria-current": name === active ? "page" : null }, icon(glyph, { size: 18 }), label)),
      ),
    ),
  );
}

document.getElementById("lang").addEventListener("click", () => {
  setLang(getLang() === "en" ? "hi" : "en");
  const keep = firstRender;
  firstRender = true; // a language switch is not a move: keep focus on the switch
  render().then(() => {
    firstRender = keep;
    document.getElementById("lang").focus();
  });
});

document.getElementById("signout").addEventListener("click", () => {
  session.signOut();
  afterSignIn = null;
  window.location.hash = "#/signin";
});

document.querySelector(".skip").addEventListener("click", (event) => {
  event.preventDefault(); // "#main" would be read as a route
  main.focus();
});

window.addEventListener("hashchange", render);
setLang(getLang());
render();
