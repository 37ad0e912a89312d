"""The audit page in the real browser (issue 13, finding 4): an administrator sees the
reads a field key just made, filters by worker (from the address), by action and by day
with the form, follows a worker link; in Hindi on a 360-pixel phone; other roles have no
such page in their menu and the API refuses them."""

from __future__ import annotations

import datetime as dt

from conftest import PHONE


def test_an_admin_lists_and_filters_the_audit(tab, site):
    page = tab.page
    tab.sign_in("field")
    assert "Audit" not in page.inner_text("#nav")
    tab.open("#/worker/W0000002")
    page.wait_for_selector(".event")
    refused = page.request.get(f"{site.base}/audit", headers={"X-API-Key": site.keys["field"]})
    assert refused.status == 403
    page.click("#signout")
    tab.visit("admin", "Audit", "#/audit?worker=W0000002", ".audit-table tbody tr")
    rows = page.locator(".audit-table tbody tr")
    expected = tab.api("/audit?worker=W0000002&limit=50", "admin")
    assert rows.count() == len(expected["items"]) > 0
    first = rows.first.inner_text()
    assert site.key_ids["field"] in first and "W0000002" in first
    assert page.input_value("#a-worker") == "W0000002"
    # the form: only timelines, only today
    today = dt.datetime.now(dt.UTC).date().isoformat()
    page.select_option("#a-action", "timeline")
    page.fill("#a-since", today)
    page.fill("#a-until", today)
    page.click("form.audit-filters button[type=submit]")
    page.wait_for_url("**/#/audit?*action=timeline*")
    page.wait_for_selector(".audit-count")
    page.wait_for_function(
        "document.querySelectorAll('.audit-table tbody tr').length > 0 && "
        "[...document.querySelectorAll('.audit-table tbody tr')].every("
        "r => r.children[4].textContent === 'timeline')"
    )
    assert "W0000002" in page.inner_text(".audit-table tbody tr:first-child")
    yesterday = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat()
    tab.open(f"#/audit?until={yesterday}")
    page.wait_for_selector("text=No entries match.")
    tab.shot("audit-filtered")
    tab.open("#/audit?worker=W0000002")
    page.click(".audit-table tbody tr:first-child .audit-worker a")
    page.wait_for_url("**/#/worker/W0000002")


def test_the_audit_page_in_hindi_on_a_phone(tab, site):
    page = tab.page
    page.set_viewport_size(PHONE)
    tab.sign_in("admin")
    page.click("#lang")
    page.wait_for_selector("html[lang=hi]")
    assert "ऑडिट" in page.inner_text("#nav")
    tab.open("#/audit")
    page.wait_for_selector(".audit-table tbody tr")
    assert page.inner_text("h1") == "ऑडिट लॉग"
    assert "प्रविष्टियाँ" in page.inner_text(".audit-count")
    tab.no_horizontal_scroll()
    tab.shot("audit-hindi-phone")
    page.click("#lang")
