"""The review queue (persons) in headless Chromium: candidate pairs side by side, a
"same person" and a "not the same" decision recorded (in the store and the audit log),
English and Hindi, a 360-pixel phone; researcher and advocacy keys get neither the page nor
the pairs.

The store is this module's own (decisions write to it): the identity sample ingested and
linked, which leaves pairs between the default thresholds for review.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.app import create_app
from graph_schema import IDENTITY_DECIDED
from tracker.identity import candidates, link
from tracker.ingest import ingest_folder
from tracker.stores.ladybug.store import LadybugStore

pytestmark = pytest.mark.browser
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "identity-sample"


@pytest.fixture(scope="module")
def review_site(serve, tmp_path_factory) -> Iterator[tuple[object, LadybugStore]]:
    folder = tmp_path_factory.mktemp("review-store")
    store = LadybugStore(folder / "db", buffer_pool_mb=256)
    ingest_folder(store, SAMPLE, rejects_dir=folder / "rejects", today=dt.date(2026, 11, 1))
    link(store)
    assert len(candidates(store, status="review")) >= 12  # a queue longer than one page
    app = create_app(store, access=folder / "access.sqlite3")
    with serve(app) as site:
        yield site, store
    store.close()


@pytest.fixture
def rtab(tab_on, review_site) -> Iterator[object]:
    with tab_on(review_site[0]) as fresh:
        # every pair is explained on the server (a third of a second each on a quiet
        # machine): on a loaded one a page of the queue can take longer than the default
        fresh.page.set_default_timeout(60_000)
        yield fresh


def queue(tab, role: str = "field", limit: int = 5) -> dict:
    return tab.api(f"/identity/candidates?status=review&limit={limit}", role)


def card(page, item: dict):
    return page.locator(
        f'.pair[data-worker="{item["worker_id"]}"][data-other="{item["other_worker_id"]}"]'
    )


def count_shown(page) -> int:
    return int(re.sub(r"\D", "", page.inner_text(".review-count")))


def test_field_staff_compare_a_pair_side_by_side(rtab):
    page = rtab.page
    rtab.sign_in("field")
    assert "Review" in page.inner_text("#nav")
    page.click("#nav a[href='#/review']")
    page.wait_for_selector(".pair")
    api = queue(rtab)
    assert page.locator(".pair").count() == len(api["items"]) == 5
    assert count_shown(page) == api["total"]
    first = api["items"][0]
    shown = card(page, first)
    assert shown.count() == 1  # strongest first, as the API orders them
    why = first["explanation"]
    pct = round(why["match_probability"] * 100)
    assert f"Match probability {pct}%" in shown.locator(".prob-line").inner_text()
    steps = [s for s in why["contributions"] if s["comparison"] != "prior"]
    rows = shown.locator("tbody tr")
    assert rows.count() == len(steps)
    for i, step in enumerate(steps):
        row = rows.nth(i)
        assert row.get_attribute("data-comparison") == step["comparison"]
        assert row.get_attribute("data-outcome") == step["outcome"]
        word = {"agrees": "agrees", "disagrees": "differs", "missing": "missing"}.get(
            step["outcome"], "no weight"
        )
        assert row.locator(".outcome").inner_text() == word
        sign = "−" if step["weight"] < 0 else "+" if step["weight"] > 0 else ""
        assert row.locator(".w-text").inner_text().startswith(sign)
    name_a, name_b = steps[0]["values"]
    assert steps[0]["comparison"] == "name"
    cells = rows.nth(0).locator("td").all_inner_texts()
    assert cells == [name_a, name_b]  # side by side, as recorded
    assert shown.locator("thead th").all_inner_texts()[1:] == [
        first["worker_id"],
        first["other_worker_id"],
    ]
    # agreeing and differing fields are marked in colour as well as in words
    colours = page.evaluate(
        """() => ['agrees', 'disagrees'].map(o => {
            const td = document.querySelector(`.cmp-${o} td`);
            return td ? getComputedStyle(td).backgroundColor : null; })"""
    )
    assert colours[0] and colours[1] and colours[0] != colours[1]
    # the pairs are personal data: nothing of them is kept in the browser's storage
    kept = page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    assert first["worker_id"] not in kept and name_a not in kept
    rtab.no_horizontal_scroll()
    rtab.shot("review-field")


def test_same_person_and_not_the_same_are_recorded_and_audited(rtab, review_site):
    site, store = review_site
    page = rtab.page
    rtab.sign_in("field")
    rtab.open("#/review")
    page.wait_for_selector(".pair")
    before = queue(rtab)
    total = before["total"]
    same, other = before["items"][0], before["items"][1]

    card(page, same).locator("button.decide-same").click()
    card(page, same).wait_for(state="detached")
    assert count_shown(page) == total - 1
    assert "same person" in page.inner_text("[aria-live=polite]")
    # the next pair is one click away, the decided one gone from the server's queue too
    card(page, other).locator("button.decide-not").click()
    card(page, other).wait_for(state="detached")
    assert count_shown(page) == total - 2
    assert "not the same person" in page.inner_text("[aria-live=polite]")
    assert page.locator(".pair").count() == 3
    assert queue(rtab)["total"] == total - 2
    undecided = candidates(store, status="review", undecided=True)
    left = set(zip(undecided["worker_id"], undecided["other_worker_id"], strict=True))
    for item in (same, other):
        assert (item["worker_id"], item["other_worker_id"]) not in left
    page.reload()
    page.wait_for_selector(".pair")
    assert card(page, same).count() == 0 and card(page, other).count() == 0

    decided = store.edge_table(IDENTITY_DECIDED)
    got = {(r.worker_id, r.other_worker_id): r.decision for r in decided.itertuples()}
    assert got[(same["worker_id"], same["other_worker_id"])] == "same_person"
    assert got[(other["worker_id"], other["other_worker_id"])] == "not_same_person"
    # the decisions took effect: one person for the first pair, two for the second
    a = rtab.api(f"/persons/{same['worker_id']}", "field")
    assert same["other_worker_id"] in {r["worker_id"] for r in a["registrations"]}
    b = rtab.api(f"/persons/{other['worker_id']}", "field")
    c = rtab.api(f"/persons/{other['other_worker_id']}", "field")
    assert b["person_id"] != c["person_id"]
    _, entries = site.service.audit.entries(key_id=site.key_ids["field"], limit=1000)
    made = [e for e in entries if e.action == "identity_decision"]
    assert {(e.worker_id, e.detail.split()[1], e.detail.split()[2]) for e in made} == {
        (same["worker_id"], "same_person", same["other_worker_id"]),
        (other["worker_id"], "not_same_person", other["other_worker_id"]),
    }
    assert all(e.role == "field" for e in made)
    assert any(e.action == "identity_candidates" for e in entries)

    # the last pair of the page decided, the page fetches the next ones of the queue
    rest = page.locator(".pair").evaluate_all(
        "cards => cards.map(c => ({worker_id: c.dataset.worker, other_worker_id: c.dataset.other}))"
    )
    assert len(rest) == 5  # after the reload: a full page again
    for item in rest:
        card(page, item).locator("button.decide-not").click()
        card(page, item).wait_for(state="detached")
    page.locator(".pair:nth-child(5)").wait_for()
    assert count_shown(page) == total - 7 == queue(rtab)["total"]


def test_the_review_page_in_hindi_on_a_phone(rtab):
    page = rtab.page
    rtab.visit("admin", "Review", "#/review", ".pair")
    page.click("#lang")
    page.wait_for_selector("html[lang=hi] .pair")
    assert page.inner_text("h1") == "जाँच के लिए पंजीकरण"
    assert "जाँच" in page.inner_text("#nav")
    first = page.locator(".pair").first
    assert first.locator("button.decide-same").inner_text() == "एक ही व्यक्ति"
    assert first.locator("button.decide-not").inner_text() == "अलग-अलग व्यक्ति"
    assert "एक ही व्यक्ति होने की संभावना" in first.locator(".prob-line").inner_text()
    assert first.locator("tbody th .field-name").first.inner_text() == "नाम"
    words = set(page.locator(".outcome").all_inner_texts())
    assert words <= {"मेल खाता है", "अलग है", "जानकारी नहीं", "कोई भार नहीं"} and words
    assert not re.search(r"[A-Za-z]{4,}", first.locator("tbody th").first.inner_text())
    # Devanagari is drawn, not boxes: the glyphs take width
    width = first.locator("button.decide-same").evaluate("e => e.scrollWidth")
    assert width > 40
    assert page.viewport_size["width"] == 360
    rtab.no_horizontal_scroll()
    rtab.shot("review-hindi")
    page.click("#lang")
    page.wait_for_selector("html[lang=en] .pair")
    assert page.inner_text("h1") == "Registrations to review"


@pytest.mark.parametrize("role", ["researcher", "advocacy"])
def test_researcher_and_advocacy_keys_get_neither_the_page_nor_the_pairs(rtab, role):
    page = rtab.page
    rtab.sign_in(role)
    assert "Review" not in page.inner_text("#nav")
    assert page.locator("#nav a[href='#/review']").count() == 0
    rtab.open("#/review")  # typed in by hand: the API refuses, the page says why
    page.wait_for_selector(".notice-forbidden")
    assert page.locator(".pair").count() == 0
    site = rtab.site
    answer = page.request.get(
        site.base + "/identity/candidates?status=review", headers={"X-API-Key": site.keys[role]}
    )
    assert answer.status == 403
    some = queue(rtab)["items"][0]
    assert some["worker_id"] not in page.inner_text("body")
