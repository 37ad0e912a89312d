"""A person's page in headless Chromium (issue 12, item 6): opened under either of its
worker ids, the timeline holds the events of both, each card saying the worker id it was
recorded under; the person's ids and the suggested links (not merged) head the page, in
English and Hindi, on a 360-pixel phone.

The store is this module's own copy of the linked identity sample (``copy_identity``)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from api.app import create_app
from graph_schema import MOVED
from tracker.identity import candidates, persons
from tracker.stores.ladybug.store import LadybugStore

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def person_site(serve, copy_identity, tmp_path_factory) -> Iterator[tuple[object, LadybugStore]]:
    db = copy_identity()
    store = LadybugStore(db, buffer_pool_mb=256)
    app = create_app(store, access=db.parent / "access.sqlite3")
    with serve(app) as site:
        yield site, store
    store.close()


@pytest.fixture
def ptab(tab_on, person_site) -> Iterator[object]:
    with tab_on(person_site[0]) as fresh:
        fresh.page.set_default_timeout(60_000)
        yield fresh


def person_with_suggestion(store) -> tuple[list[str], dict]:
    """A person linked under two worker ids, both with trips, one of them a destination
    centre's (``DST-357/000075``: a "/" in the id, which the page and the API must carry),
    that has a suggestion."""
    table = persons(store)
    person = table.set_index("worker_id")["person_id"]
    groups = table[table["person_id"].notna()].groupby("person_id")["worker_id"].apply(list)
    moved = set(store.edge_table(MOVED)["worker_id"])
    pairs = {
        pid: sorted(ids)
        for pid, ids in groups.items()
        if len(ids) == 2 and set(ids) <= moved and any("/" in w for w in ids)
    }
    review = candidates(store, status="review", undecided=True)
    for row in review.itertuples():
        mine = pairs.get(person[row.worker_id])
        if mine and person[row.other_worker_id] != person[row.worker_id]:
            return mine, row._asdict()
    raise AssertionError("no two-id person with a suggestion in the sample")


def test_either_id_opens_the_whole_person_with_the_id_on_each_event(ptab, person_site):
    _, store = person_site
    (a, b), pair = person_with_suggestion(store)
    page = ptab.page
    ptab.sign_in("field")
    for opened, other in ((a, b), (b, a)):
        ptab.open(f"#/worker/{quote(opened, safe='')}")
        page.wait_for_selector(".timeline .event")
        api = ptab.api(f"/workers/{opened}/timeline", "field")
        events = page.locator(".timeline .event")
        assert events.count() == len(api["events"])
        under = page.locator(".timeline .recorded-under .under-ids").all_inner_texts()
        assert under == [", ".join(e.get("worker_ids") or [e["worker_id"]]) for e in api["events"]]
        assert {a, b} <= set(", ".join(under).split(", "))
        # the person's ids: the one opened marked, the other a link to the same person
        card = page.locator(".person")
        assert card.get_attribute("data-person") == api["person_id"]
        assert page.locator(".person-ids .chip-current").inner_text() == opened
        assert page.locator(f".person-ids a[data-worker='{other}']").count() == 1
        assert f"Person {api['person_id']}" in card.inner_text()
    # the suggested link: named, with its probability, not merged
    mine = page.locator(
        f".suggestion[data-worker='{pair['worker_id']}'][data-other='{pair['other_worker_id']}']"
    )
    assert mine.count() == 1
    assert f"{round(pair['match_probability'] * 100)}% match" in mine.inner_text()
    assert pair["other_worker_id"] not in ", ".join(
        page.locator(".timeline .recorded-under .under-ids").all_inner_texts()
    )
    page.click(".person-ids a.chip")  # the other id: the same person's page
    page.wait_for_selector(f".person-ids .chip-current:text-is('{a}')")
    ptab.no_horizontal_scroll()
    ptab.shot("person-field")


def test_the_person_page_in_hindi_on_a_phone(ptab, person_site):
    _, store = person_site
    (a, _b), _pair = person_with_suggestion(store)
    page = ptab.page
    ptab.sign_in("field")
    ptab.open(f"#/worker/{quote(a, safe='')}")
    page.wait_for_selector(".timeline .event")
    page.click("#lang")
    page.wait_for_selector("html[lang=hi] .person")
    assert page.inner_text("#person-title").startswith("व्यक्ति ")
    assert page.inner_text(".suggestions h3") == "शायद वही व्यक्ति"
    assert page.locator(".recorded-under").first.inner_text().startswith("किस आईडी से दर्ज")
    assert "% मेल" in page.locator(".suggestion").first.inner_text()
    assert page.viewport_size["width"] == 360
    ptab.no_horizontal_scroll()
    ptab.shot("person-hindi")


def test_researchers_see_the_person_under_pseudonyms(ptab, person_site):
    site, store = person_site
    (a, b), _pair = person_with_suggestion(store)
    named = site.service.pseudonyms.of(a)
    page = ptab.page
    ptab.sign_in("researcher")
    ptab.open(f"#/worker/{quote(named, safe='')}")
    page.wait_for_selector(".timeline .event")
    text = page.inner_text("main")
    assert a not in text and b not in text
    assert page.locator(".suggestion").count() == 0
    assert site.service.pseudonyms.of(b) in page.inner_text(".person-ids")
    ptab.no_horizontal_scroll()
