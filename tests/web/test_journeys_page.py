"""The researchers' journeys page in headless Chromium: cohort filters, the chronogram and
the types drawn as SVG, pseudonyms only, English and Hindi, on a 360-pixel phone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_researcher_chooses_a_cohort_and_sees_chronogram_and_types(tab):
    page = tab.page
    tab.visit("researcher", "Journeys", "#/journeys", "svg.chronogram polygon")
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


def test_every_cohort_filter_of_the_form_reaches_the_api(tab):
    """Origin district, destination state, gender, period and circuit chosen in the form:
    the address carries them, and the page shows what the API answers for that cohort."""
    page = tab.page
    tab.sign_in("researcher")
    flows = tab.api("/journeys/transitions?limit=1", "researcher")["items"][0]
    district = flows["origin_district_code"]
    tab.open("#/journeys")
    page.wait_for_selector("svg.chronogram polygon")
    assert page.locator("#f-origin_district optgroup").count() > 10
    page.select_option("#f-origin_district", str(district))
    page.select_option("#f-gender", "male")
    page.select_option("#f-has_circuit", "true")
    page.fill("#f-period_from", "2019-01")
    page.fill("#f-period_to", "2024-12")
    page.select_option("#f-k", "2")
    page.click("form.journeys-filters button[type=submit]")
    page.wait_for_url(f"**origin_district={district}**")
    for part in ("gender=male", "has_circuit=true", "period_from=2019-01", "period_to=2024-12"):
        assert part in page.url, part
    page.wait_for_selector(".types > li:nth-child(2)")
    query = (
        f"origin_district={district}&gender=male&has_circuit=true"
        "&period_from=2019-01&period_to=2024-12"
    )
    api = tab.api(f"/journeys?{query}&limit=1", "researcher")["summary"]
    assert api["persons"] and api["persons"] >= 5
    facts = page.locator("#j-summary + dl dd").all_inner_texts()
    assert facts[0].replace(",", "") == str(api["persons"])
    assert facts[1].replace(",", "") == str(api["journeys"])
    assert page.input_value("#f-origin_district") == str(district)
    assert page.input_value("#f-period_from") == "2019-01"
    origins = page.locator(".table-scroll tbody tr td:nth-child(4)").all_inner_texts()
    assert origins and len(set(origins)) == 1  # one origin district
    assert page.locator(".medoid-legend li").count() >= 2
    tab.no_horizontal_scroll()


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
    words = page.locator(".type-words").all_inner_texts()
    assert all(w.startswith("मुख्य रूप से") and "mainly" not in w for w in words), words
    legend = page.inner_text(".medoid-legend")
    assert "घर पर" in legend and "home" not in legend
    assert page.inner_text("label[for=f-origin_district]") == "कहाँ से (ज़िला)"
    assert page.viewport_size["width"] == 360
    tab.no_horizontal_scroll()
    tab.shot("journeys-hindi")
    page.click("#lang")
    page.wait_for_selector("html[lang=en] svg.chronogram")
    assert page.inner_text("h1") == "Journeys of a cohort"
    assert page.locator(".type-words").first.inner_text().startswith("mainly ")


def test_field_and_advocacy_keys_are_not_offered_the_journeys_page(tab):
    tab.sign_in("field")
    assert "Journeys" not in tab.page.inner_text("#nav")
