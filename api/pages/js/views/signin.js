// Sign-in: the key is checked against GET /me, and what the API says about its role is
// kept with it in sessionStorage, so that the navigation shows only what the role may use.

import { ApiError, get, session } from "../api.js";
import { h, put } from "../dom.js";
import { t } from "../i18n.js";
import { problem } from "./problem.js";

export async function signInView(view) {
  const said = view.notice();
  const input = h("input", {
    id: "key",
    name: "key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    "aria-describedby": "key-help",
  });
  const status = h("div", { class: "form-status", "aria-live": "polite" });
  const button = h("button", { type: "submit", class: "btn btn-primary" }, t("signIn"));
  const form = h(
    "form",
    { class: "card signin", onsubmit: submit },
    h("label", { for: "key" }, t("apiKey")),
    input,
    h("p", { id: "key-help", class: "help" }, t("apiKeyHelp")),
    button,
    status,
  );

  async function submit(event) {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    status.replaceChildren(h("p", { class: "loading" }, t("loading")));
    try {
      const me = await get("/me", {}, key);
      session.signIn(key, me);
      view.signedIn();
    } catch (error) {
      const message =
        error instanceof ApiError && error.status === 401
          ? h("div", { class: "notice notice-error", role: "alert" }, h("p", { class: "notice-title" }, t("badKey")))
          : problem(error);
      status.replaceChildren(message);
      input.focus();
      input.select();
    } finally {
      button.disabled = false;
    }
  }

  put(view.main, 
    h("h1", { tabindex: "-1" }, t("signIn")),
    h("p", { class: "lead" }, t("signInIntro")),
    said ? h("div", { class: "notice notice-info", role: "status" }, h("p", {}, said)) : null,
    form,
  );
  return input;
}
