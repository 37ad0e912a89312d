"""Researcher views meet k-anonymity (privacy issue, finding 2).

Before: the researcher profile kept the exact registration day and centre (unique for
1,988 of the sample's 2,000 workers), timelines carried raw record and trip ids, and
pseudonyms were one global space whose secret sat in the graph store. Now: quasi-
identifiers are released per worker at the finest level at which at least 5 workers are
shown alike, days are months, ids are per-answer tokens, and pseudonyms are per project,
keyed by a secret file outside the store.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from api_client import ROLES, Api
from fastapi.testclient import TestClient

from api.app import create_app
from tracker.access.disclosure import (
    QUASI_LEVELS,
    SUPPRESS_BELOW,
    class_sizes,
    k_anonymous_levels,
    level_codes,
)
from tracker.access.pseudonyms import SECRET_FILE
from tracker.catalog import Catalog
from tracker.profile import quasi_identifiers

DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_every_worker_of_the_sample_is_shown_alike_with_at_least_4_others(sample_store):
    table = quasi_identifiers(sample_store, Catalog.load(sample_store))
    assert len(table) == 2000
    levels = k_anonymous_levels(table)
    sizes = class_sizes(level_codes(table), levels)
    assert (sizes >= SUPPRESS_BELOW).all()
    # and the exact registration (what researchers saw before) singles nearly all out
    finest = np.zeros(len(table), np.int64)
    assert (class_sizes(level_codes(table), finest) < SUPPRESS_BELOW).mean() > 0.5


def test_local_recoding_counts_the_rows_shown_alike_not_the_rows_alike():
    """Eight workers share every value but the centre kind and year; six are alike at the
    finest level. The other two may not stay there (classes of one), nor stop at the next
    level, although eight workers have its values: only two are *shown* there. With no
    five shown alike at any level, they are shown as nothing at all."""
    rows = [("m", "1980-1984", 1, "source_centre", 2020)] * 6 + [
        ("m", "1980-1984", 1, "helpline", 2021),
        ("m", "1980-1984", 1, "transit_point", 2022),
    ]
    table = pd.DataFrame(rows, columns=list(QUASI_LEVELS[0]))
    table["birth_decade"], table["home_state"] = "1980-1989", "Bihar"
    levels = k_anonymous_levels(table)
    assert levels[:6].tolist() == [0] * 6
    assert levels[6:].tolist() == [len(QUASI_LEVELS) - 1] * 2  # shown as nothing at all


def test_a_researcher_profile_and_timeline_hold_no_day_no_centre_and_no_raw_id(api):
    field = api.get("/workers/W0000001/timeline", "field").json()
    raw = {i for e in field["events"] for i in e["record_ids"]}
    raw |= {e["trip_id"] for e in field["events"] if e.get("trip_id")}
    centres = {e["centre"]["id"] for e in field["events"] if e.get("centre")}
    pseudonym = api.service.pseudonyms.of("W0000001")
    for path in ("", "/timeline", "/journey"):
        text = api.get(f"/workers/{pseudonym}{path}", "researcher").text
        assert not DAY.search(text), path
        assert not any(i in text for i in raw | centres), path
    events = api.get(f"/workers/{pseudonym}/timeline", "researcher").json()["events"]
    assert [e["kind"] for e in events] == [e["kind"] for e in field["events"]]
    tokens = [i for e in events for i in e["record_ids"]]
    assert tokens and all(re.fullmatch(r"r\d+", t) for t in tokens)


def test_two_projects_see_unrelated_pseudonyms_and_cannot_use_each_others(sample_store, tmp_path):
    app = create_app(sample_store, access=tmp_path / "access.sqlite3")
    keys = app.state.service.keys
    a = keys.create("researcher", project="survey-a")[1]
    b = keys.create("researcher", project="survey-b")[1]
    client = TestClient(app, raise_server_exceptions=False)

    def circuits(key):
        found = client.get("/analytics/circuits", params={"limit": 50}, headers={"X-API-Key": key})
        return [row["worker"] for row in found.json()["items"]]

    seen_a, seen_b = circuits(a), circuits(b)
    assert seen_a and len(seen_a) == len(seen_b) and not set(seen_a) & set(seen_b)
    assert client.get(f"/workers/{seen_a[0]}", headers={"X-API-Key": a}).status_code == 200
    assert client.get(f"/workers/{seen_a[0]}", headers={"X-API-Key": b}).status_code == 404
    # the secret lives in a file of its own, for the service's user only, not in the store
    secret_file = tmp_path / SECRET_FILE
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert sample_store.get_setting("pseudonym_secret") in (None, "")


def test_every_role_still_reads_what_it_did(api: Api):
    for role in ROLES:
        status = api.get("/workers/W0000001", role).status_code
        assert status == (403 if role == "advocacy" else 200 if role != "researcher" else 404)
