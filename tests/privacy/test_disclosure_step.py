"""The one disclosure step (privacy issue, finding 1): declared, fails closed, and free
text written for the role rather than filtered.

Before: ``/analytics/*`` guessed which columns count people from their names
(``"workers" in column.split("_")``), so ``employer_complaints`` and any new count column
went out as it was, and the text beside the blanked columns carried the same numbers.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from api_client import Api

from analytics.contractor_risk import contractor_risk_from_store
from tracker.access import Role
from tracker.access.disclosure import (
    BANDED,
    EXACT,
    DisclosureError,
    count_words,
    disclose,
    disclose_table,
)
from tracker.profile import Registration

SMALL = re.compile(r"(?<![\w.:-])[1-4] (?:different )?workers?\b|:[1-4](?![\d.])")


def test_counts_in_words_are_exact_or_banded_below_5():
    assert [EXACT.people(n, "worker") for n in (1, 3, 7)] == ["1 worker", "3 workers", "7 workers"]
    assert [BANDED.people(n, "worker") for n in (0, 1, 4, 5)] == [
        "0 workers",
        "fewer than 5 workers",
        "fewer than 5 workers",
        "5 workers",
    ]
    assert (BANDED.number(3), BANDED.number(12), EXACT.number(3)) == ("<5", "12", "3")
    assert count_words(Role.ADVOCACY) is BANDED and count_words(Role.RESEARCHER) is BANDED
    assert count_words(Role.FIELD) is EXACT and count_words(None) is BANDED


def test_contractor_reasons_are_written_for_the_role(sample_store):
    exact = contractor_risk_from_store(sample_store)
    banded = contractor_risk_from_store(sample_store, BANDED)
    assert exact.attrs["count_words"] == "exact" and banded.attrs["count_words"] == "banded"
    assert exact.drop(columns=["reasons", "indicators"]).equals(
        banded.drop(columns=["reasons", "indicators"])
    )
    small = exact["complainants"].between(1, 4)
    assert small.any()
    assert banded.loc[small, "reasons"].str.contains("fewer than 5 ").all()
    for text in [*banded["reasons"], *banded["indicators"]]:
        assert not SMALL.search(text), text
    assert exact["reasons"].str.contains(r"\b[1-4] (?:different )?workers?\b").any()


def test_text_written_with_exact_counts_cannot_go_to_a_suppressed_role(sample_store):
    exact = contractor_risk_from_store(sample_store)
    with pytest.raises(DisclosureError, match="exact counts"):
        disclose_table(exact, "contractors", Role.ADVOCACY)
    shown, hidden = disclose_table(exact, "contractors", Role.ADMIN)
    assert shown is exact and hidden == 0


def test_counts_of_people_are_suppressed_by_declaration_not_by_name(sample_store):
    table = contractor_risk_from_store(sample_store, BANDED)
    shown, hidden = disclose_table(table, "contractors", Role.ADVOCACY)
    for column in ("employer_complaints", "complainants", "workers_placed", "unlicensed_workers"):
        values = pd.to_numeric(shown[column], errors="coerce").dropna()
        assert not values.between(1, 4).any(), column
    assert hidden == int(
        table[["workers_placed", "complainants", "employer_complaints", "big_advance_workers",
               "low_wage_workers", "unlicensed_workers"]].isin([1, 2, 3, 4]).any(axis=1).sum()
    )  # fmt: skip


def test_an_undeclared_column_or_field_fails_closed():
    frame = pd.DataFrame({"contractor_id": ["C1"], "helpers": [2]})
    with pytest.raises(DisclosureError, match="helpers"):
        disclose_table(frame, "contractors", Role.ADMIN)
    with pytest.raises(DisclosureError, match="no disclosure declaration"):
        disclose_table(frame, "a table nobody declared", Role.ADMIN)

    class Unheard(Registration):
        pass

    with pytest.raises(DisclosureError, match="Unheard"):
        disclose(Unheard(), Role.ADMIN)


def test_a_new_count_column_on_a_route_is_an_error_not_a_leak(api: Api, monkeypatch):
    """A column added to an analytics table without a declaration: 500, nothing sent."""
    from api import state

    def with_new_column(store, words):
        table = state._chains_from_store(store, words)
        return table.assign(helpers=2)

    monkeypatch.setitem(state.ANALYTICS, "chains", with_new_column)
    monkeypatch.setattr(api.service, "_lazy", {})
    for role in ("admin", "advocacy"):
        answer = api.get("/analytics/chains", role)
        assert answer.status_code == 500, answer.text[:200]
        assert "helpers" not in answer.text
    monkeypatch.undo()
    api.service._lazy = {}


def test_every_route_goes_through_the_disclosure_step(api: Api):
    from fastapi import APIRouter, FastAPI

    from api.disclosed import undisclosed_routes

    assert undisclosed_routes(api.app.routes) == []
    other = APIRouter()  # a router made without the route class: the app would refuse it
    other.add_api_route("/x", lambda: {"x": 1})
    plain = FastAPI()
    plain.include_router(other)
    assert undisclosed_routes(plain.routes) == ["/x"]
