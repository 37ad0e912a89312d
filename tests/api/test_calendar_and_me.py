"""The two thin endpoints the web pages need: ``GET /me`` and ``GET /analytics/calendar``."""

from __future__ import annotations

import pytest

from analytics.circuits import circuits_of_journeys, journeys_from_store
from analytics.corridors import seasonal_calendar


@pytest.mark.parametrize("role", ["field", "researcher", "advocacy", "admin"])
def test_me_tells_the_role_as_the_api_enforces_it(api, role):
    body = api.get("/me", role).json()
    assert body["role"] == role and body["label"] == f"test {role}"
    assert body["sees_workers"] is (role != "advocacy")
    assert body["sees_identities"] is (role in ("field", "admin"))
    assert body["pseudonymised"] is (role == "researcher")
    assert body["suppressed"] is (role in ("researcher", "advocacy"))
    assert body["administers"] is (role == "admin")


def test_me_needs_a_valid_key(api):
    assert api.get("/me").status_code == 401
    bad = api.client.get("/me", headers={"X-API-Key": "lmt_00000000_nope"})
    assert bad.status_code == 401


def test_calendar_is_the_seasonal_calendar_one_item_per_corridor(api, api_store):
    expected = seasonal_calendar(circuits_of_journeys(journeys_from_store(api_store)))
    body = api.get("/analytics/calendar", "field", limit=1000).json()
    assert body["total"] == len(expected) // 12 == len(body["corridors"])
    first = body["corridors"][0]
    rows = expected.iloc[:12]
    assert first["origin"]["district_code"] == rows.origin_district_code.iloc[0]
    assert first["origin"]["district"] == rows.origin_district.iloc[0]
    assert first["destination"]["district_code"] == rows.destination_district_code.iloc[0]
    assert first["departures"] == rows.departures.tolist()
    assert first["returns"] == rows.returns.tolist()
    assert first["workers"] == rows.workers.iloc[0]
    workers = [c["workers"] for c in body["corridors"]]
    assert workers == sorted(workers, reverse=True)  # busiest first
    assert sum(sum(c["departures"]) for c in body["corridors"]) == expected.departures.sum()
    assert body["suppressed_cells"] == 0


@pytest.mark.parametrize("role", ["researcher", "advocacy"])
def test_calendar_suppresses_counts_below_five(api, role):
    full = api.get("/analytics/calendar", "field", limit=20).json()["corridors"]
    body = api.get("/analytics/calendar", role, limit=20).json()
    hidden = 0
    for shown, real in zip(body["corridors"], full, strict=True):
        for key in ("departures", "returns"):
            for s, r in zip(shown[key], real[key], strict=True):
                assert s == (None if 0 < r < 5 else r)
                hidden += s is None
        assert shown["workers"] == (None if real["workers"] < 5 else real["workers"])
        hidden += shown["workers"] is None
    assert hidden == body["suppressed_cells"] > 0


def test_calendar_pages_and_rejects_bad_paging(api):
    two = api.get("/analytics/calendar", "admin", limit=2, offset=1).json()
    all_ = api.get("/analytics/calendar", "admin", limit=3).json()
    assert two["corridors"] == all_["corridors"][1:3]
    assert api.get("/analytics/calendar", "admin", limit=0).status_code == 422
    assert api.get("/analytics/calendar").status_code == 401
