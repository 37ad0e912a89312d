// Errors explained in plain words. A 403 is not a failure: the key's role does not cover
// this page, and the user should learn which role would (the API's own detail says).

import { session } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

/** A notice for ``error`` (an ApiError), with a retry button when trying again may help. */
export function problem(error, retry = null) {
  const status = error.status ?? -1;
  const role = session.me?.role;
  let lines;
  let kind = "error";
  if (status === 403) {
    kind = "forbidden";
    lines = [t("forbidden", { role: role ? t(`role.${role}`) : "?" }), t("forbiddenHelp")];
  } else if (status === 404) {
    kind = "info";
    lines = [t("notFound")];
  } else if (status === 0) {
    lines = [t("offline")];
  } else if (status === 503) {
    lines = [t("notReady")];
  } else if (status === 422 || status === 400) {
    lines = [t("badRequest")];
  } else {
    lines = [t("failed", { status })];
  }
  if (error.detail && status !== 0) lines.push(t("serviceSaid", { detail: error.detail }));
  const again = [0, 503].includes(status) || status >= 500;
  return h(
    "div",
    { class: `notice notice-${kind}`, role: status === 403 || status === 404 ? "status" : "alert", dataset: { status } },
    lines.map((line, i) => h("p", { class: i === 0 ? "notice-title" : null }, line)),
    again && retry ? h("button", { type: "button", class: "btn", onclick: retry }, t("retry")) : null,
  );
}

/** Each click on ``more`` adds the next page (``next()``, awaited); the button is off while
 * it loads, and a failure is shown by ``show`` (after the button, unless told otherwise). */
export function onMore(more, next, show = (notice) => more.after(notice)) {
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      await next();
    } catch (error) {
      show(problem(error));
    } finally {
      more.disabled = false;
    }
  });
}

export function loading() {
  return h("p", { class: "loading", role: "status" }, t("loading"));
}
