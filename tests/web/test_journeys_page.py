"""The researchers' journeys page in headless Chromium: cohort filters, the chronogram and
the types drawn as SVG, pseudonyms only, English and Hindi, on a 360-pixel phone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_researcher_chooses_a_cohort_and_sees_chronogram_and_types(tab):
    page = tab.page
    tab.sign_in("researcher")
    assert "Journeys" in page.inner_text("#nav")
    tab.open("#/journeys")
    page.wait_for_selector("svg.chronogram polygon")
    assert page.locator(".types > li").count() == 5
    everyone = page.inner_text("#j-summary + dl")
    page.select_option("#f-origin_state", "Bihar")
    page.select_option("#f-k", "3")
    page.click("form.journeys-filters button[type=submit]")
    page.wait_for_url("**origin_state=Bihar**")
    page.wait_for_selector(".types > li:nth-child(3)")
    assert page.locator(".types > li").count() == 3
    page.wait_for_selector("svg.chronogram polygon")
    assert page.inner_text("#j-summary + dl") != everyone
    assert page.input_value("#f-origin_state") == "Bihar"
    cells = page.locator(".table-scroll tbody tr td:first-child").all_inner_texts()
    assert cells and all(c.startswith("P-") for c in cells)  # pseudonyms, never worker ids
    text = page.inner_text("main")
    assert "W0" not in text
    assert page.locator("svg.medoid").count() == 3
    tab.no_horizontal_scroll()
    tab.shot("journeys-researcher")
    api = tab.api("/journeys?origin_state=Bihar&limit=1", "researcher")
    assert (
        str(api["total"]) in page.inner_text(".table-scroll").replace(",", "") or api["total"] >= 20
    )


def test_the_journeys_page_in_hindi_on_a_phone(tab):
    page = tab.page
    tab.sign_in("researcher")
    tab.open("#/journeys?has_circuit=true&k=4")
    page.wait_for_selector("svg.chronogram polygon")
    page.click("#lang")
    page.wait_for_selector("html[lang=hi] svg.chronogram polygon")
    assert page.inner_text("h1") == "एक समूह के सफ़र"
    assert page.inner_text("#j-types") == "सफ़र के प्रकार"
    assert "सफ़र" in page.inner_text("#nav")
    assert page.locator(".types > li").count() == 4
    assert page.viewport_size["width"] == 360
    tab.no_horizontal_scroll()
    tab.shot("journeys-hindi")
    page.click("#lang")
    page.wait_for_selector("html[lang=en] svg.chronogram")
    assert page.inner_text("h1") == "Journeys of a cohort"


def test_field_and_advocacy_keys_are_not_offered_the_journeys_page(tab):
    tab.sign_in("field")
    assert "Journeys" not in tab.page.inner_text("#nav")
