"""Privacy in the browser: the search text never reaches an address (the page's, the
history's, or a request's), and the pages run under their Content-Security-Policy."""

from __future__ import annotations

import pytest
from test_pages import worker_with_every_kind

pytestmark = pytest.mark.browser


def test_search_text_stays_out_of_every_url(tab):
    worker, name = worker_with_every_kind()
    page = tab.page
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    tab.sign_in("field")
    page.fill("#q", name)
    page.press("#q", "Enter")
    hit = page.locator(f'.hit[data-worker="{worker}"]')
    hit.wait_for()
    first_name = name.split()[0]
    assert first_name not in page.url and "q=" not in page.url
    hit.click()
    page.wait_for_selector(".timeline .event")
    page.go_back()  # back to the same results, from memory
    page.locator(f'.hit[data-worker="{worker}"]').wait_for()
    assert page.url.endswith("#/search")
    searched = [u for u in urls if "/workers/search" in u]
    assert searched, urls
    assert not [u for u in urls if first_name in u or "q=" in u], urls
    # an old link with the text in it is taken in and dropped from the address at once
    tab.open(f"#/search?q={first_name}")
    page.locator(".hit").first.wait_for()
    assert page.url.endswith("#/search")


def test_the_pages_carry_a_csp_that_forbids_framing(tab, site):
    response = tab.page.request.get(site.base + "/")
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src" not in policy
    assert response.headers["cache-control"] == "no-store"
    tab.sign_in("advocacy")  # the contractor list draws risk bars (CSSOM, not style="")
    tab.page.wait_for_selector(".risk-bar span")
    width = tab.page.locator(".risk-bar span").first.evaluate("e => e.style.width")
    assert width.endswith("%")
