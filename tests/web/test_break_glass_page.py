"""Breaking the glass in the real browser: a field key of one organisation opens a worker
its centres never saw, is told so, gives a reason, and then sees the worker; in Hindi and
on a 360-pixel phone too (privacy issue, finding 3)."""

from __future__ import annotations

from conftest import FIELD_ORGANISATION, PHONE

from tracker.access.scope import OrganisationScope


def outside_workers(site, count: int) -> list[str]:
    mine = OrganisationScope.build(site.service.store).workers[FIELD_ORGANISATION]
    return sorted(set(site.service.current.workers.ids) - mine)[:count]


def test_a_field_key_breaks_the_glass_with_a_reason_and_then_reads_the_worker(tab, site):
    worker = outside_workers(site, 1)[0]
    page = tab.page
    tab.sign_in("field-org")
    tab.open("#/worker/W0000001")
    page.wait_for_selector(".event")  # its own organisation's worker: no glass
    tab.open(f"#/worker/{worker}")
    page.wait_for_selector("form.break-glass")
    assert page.locator(".event").count() == 0
    page.fill("#glass-reason", "short")
    page.click("form.break-glass button[type=submit]")
    assert page.locator("form.break-glass").is_visible()  # the browser asks for 10 characters
    page.fill("#glass-reason", "handed over by the destination centre at Surat, urgent wage case")
    page.click("form.break-glass button[type=submit]")
    page.wait_for_selector(".event")
    assert page.locator("form.break-glass").count() == 0
    grants = [g for g in site.service.glass.list()[1] if g.worker_id == worker]
    assert grants and grants[0].reason.startswith("handed over")
    tab.shot("break-glass-opened")


def test_the_glass_form_in_hindi_on_a_phone(tab, site):
    worker = outside_workers(site, 2)[1]
    page = tab.page
    page.set_viewport_size(PHONE)
    tab.sign_in("field-org")
    page.click("#lang")
    page.wait_for_selector("html[lang=hi]")
    tab.open(f"#/worker/{worker}")
    page.wait_for_selector("form.break-glass")
    assert "संस्था" in page.inner_text("form.break-glass")
    assert page.inner_text("form.break-glass button") == "शीशा तोड़ें और खोलें"
    tab.no_horizontal_scroll()
    tab.shot("break-glass-hindi-phone")
    page.click("#lang")
