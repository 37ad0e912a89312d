"""What every column of every answer and output file is, for disclosure control.

Declared here, once, beside the graph's own declaration, and never guessed from a column's
name: ``tracker.access.disclosure.disclose`` applies a role's rules to an answer by these
declarations, and fails on a column or field that has none, so that a new column cannot
leave unjudged. Two kinds of declaration:

* ``TABLES``: the analytics tables (``/analytics/NAME`` pages, the researchers' cohort
  tables, and the CSV/Parquet files the ``lmt`` commands write), column by column;
* ``ANSWERS``: the API's answer models (pydantic), by class name, field by field. A field
  that holds other models (or lists of them) is ``NESTED``, and each of those models is
  declared in turn; a field of rows of a table is ``ROWS`` (its table says the columns).

What each ``Kind`` means, and what each role gets of it, is in ``Kind``'s docstrings and in
``tracker.access.disclosure`` (the rules).
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    IDENTIFYING = "identifying"
    """Names a person or their record directly: a worker's name, phone, e-Shram number,
    village, exact birth year or registration day, a raw record or trip id, a centre that
    registered them. Field and admin keys only."""
    PERSON_ID = "person_id"
    """A worker, person or household id in a table: the id for field and admin keys, the
    project's pseudonym for researchers (made by ``disclose``), nothing for the others."""
    SHOWN_ID = "shown_id"
    """An id in an answer about one worker, made for the role by the code that answers:
    the worker or household id (``api.worker_reads.shown_id``, ``tracker.profile``:
    researchers get the project's pseudonym), record and trip ids (``tracker.timeline.
    researcher_events``: researchers get tokens of the one answer). Nothing for roles that
    read no workers. The disclosure walk checks that no raw id reaches a researcher."""
    QUASI = "quasi"
    """A quasi-identifier of one worker (gender, birth band, home district, ...), released
    to researchers at their k-anonymity level (``tracker.profile.researcher_view``)."""
    PEOPLE = "people"
    """A count of people, or of what people did (trips, complaints, round trips): below 5
    suppressed (None) for researcher and advocacy keys. A list of such counts is one too."""
    PEOPLE_TEXT = "people_text"
    """Free text built from counts of people ("3 different workers complained"): generated
    for the role from the counts (``CountWords``), never filtered after the fact."""
    SHARE = "share"
    """A share of people (0 to 1), emptied upstream together with its count."""
    VALUE = "value"
    """Anything else: places, months, scores, flags, contractor and employer ids and names,
    sizes of pages, ... (about no one person)."""
    NESTED = "nested"
    """Another declared answer model, or a list of them: judged by its own declaration."""
    ROWS = "rows"
    """Rows of a declared table (``TABLES``; the answer's ``name`` or route says which)."""


ID, P, W, Q, N, T, S, V, M, R = (
    Kind.IDENTIFYING,
    Kind.PERSON_ID,
    Kind.SHOWN_ID,
    Kind.QUASI,
    Kind.PEOPLE,
    Kind.PEOPLE_TEXT,
    Kind.SHARE,
    Kind.VALUE,
    Kind.NESTED,
    Kind.ROWS,
)

_CONTRACTOR_RISK = {
    "contractor_id": V,
    "risk_score": V,
    "flagged": V,
    "indicators": T,
    "reasons": T,
    "name": V,
    "points": V,
    "workers_placed": N,
    "complainants": N,
    "complaint_points": V,
    "employer_complaints": N,
    "advance_points": V,
    "big_advance_workers": N,
    "wage_points": V,
    "low_wage_workers": N,
    "licence_points": V,
    "unlicensed_workers": N,
    "community": V,
    "broker": V,
}
_COHORT_COLUMNS = {
    "person_id": P,
    "person": P,
    "worker_id": P,
    "gender": Q,
    "birth_band": Q,
    "home_district_code": Q,
    "home_district": Q,
    "home_state": Q,
    "journey": V,
    "journeys": N,
    "kind": V,
    "origin_district_code": V,
    "origin_district": V,
    "origin_state": V,
    "destination_district_code": V,
    "destination_district": V,
    "destination_state": V,
    "route": V,
    "sector": V,
    "departed_month": V,
    "returned_month": V,
    "months_away": V,
    "season": V,
    "trips": N,
    "persons": N,
    "has_circuit": V,
    "first_month": V,
    "last_month": V,
    "returns": N,
    "return_rate": V,
    "circuits": V,
    "median_months_away": V,
    "type": V,
    "description": V,
}

TABLES: dict[str, dict[str, Kind]] = {
    "circuits": {
        "person_id": P,
        "worker_id": P,
        "origin_district_code": V,
        "destination_district_code": V,
        "depart_month": V,
        "return_month": V,
        "seasons": V,
        "first_year": V,
        "last_year": V,
        "years": V,
        "median_stay_days": V,
    },
    "calendar": {
        "origin_district_code": V,
        "origin_district": V,
        "origin_state": V,
        "destination_district_code": V,
        "destination_district": V,
        "destination_state": V,
        "workers": N,
        "month": V,
        "departures": N,
        "returns": N,
    },
    "contractors": _CONTRACTOR_RISK,
    "chains": {
        "chain_id": V,
        "employer_id": V,
        "contractor_ids": V,
        "depth": V,
        "workers": N,
        "risk_score": V,
        "flagged": V,
        "recruiter_id": V,
        "riskiest_contractor_id": V,
        "flagged_contractor_ids": V,
        "from_date": V,
        "to_date": V,
        "link_ids": V,
    },
    "chain_errors": {
        "kind": V,
        "employer_id": V,
        "contractor_ids": V,
        "link_ids": V,
        "reason": V,
    },
    "network_roles": {
        "node": V,
        "kind": V,
        "id": V,
        "community": V,
        "community_size": V,
        "betweenness": V,
        "broker": V,
    },
    "corridors": {
        "origin_district_code": V,
        "destination_district_code": V,
        "origin_district": V,
        "origin_state": V,
        "destination_district": V,
        "destination_state": V,
        "depart_month": V,
        "return_month": V,
        "workers": N,
        "circuits": N,
        "median_stay_days": V,
        "first_year": V,
        "last_year": V,
        "years_active": V,
        "workers_last_year": N,
        "workers_year_before": N,
        "change_year_over_year": V,
        "workers_by_year": T,
    },
    "multistop": {
        "worker_id": P,
        "origin_district_code": V,
        "route": V,
        "stops": V,
        "journeys": V,
        "seasons": V,
        "first_year": V,
        "last_year": V,
        "depart_month": V,
        "return_month": V,
    },
    "journeys": _COHORT_COLUMNS,
    "sequences": {"person_id": P},
    # the wide monthly sequences: person_id, then one column per month (YYYY-MM) holding a
    # state, never a count; only the ids are judged (``lmt journeys --sequences``)
    "persons": {"worker_id": P, "person_id": P, "linked_by": V, "match_probability": V},
    "candidates": {
        "worker_id": P,
        "other_worker_id": P,
        "pair_id": ID,
        "match_probability": V,
        "status": V,
    },
    "journeys_summary": {
        "persons": N,
        "journeys": N,
        "returns": N,
        "return_rate": S,
        "median_months_away": V,
        "persons_with_circuit": N,
        "departures_by_month": N,
    },
}
"""Every analytics table and output file, column by column."""


ANSWERS: dict[str, dict[str, Kind]] = {
    # pages and plain answers
    "Health": {"status": V, "store": V, "generation": V},
    "Page": {"items": M, "total": V, "limit": V, "offset": V},
    "Me": {
        "key_id": V,
        "role": V,
        "label": V,
        "organisation": V,
        "project": V,
        "sees_workers": V,
        "sees_identities": V,
        "pseudonymised": V,
        "suppressed": V,
        "administers": V,
    },
    "AnalyticsPage": {
        "name": V,
        "columns": V,
        "items": R,
        "total": V,
        "limit": V,
        "offset": V,
        "suppressed_rows": V,
        "count_words": V,
    },
    # workers
    "WorkerHit": {
        "worker": W,
        "name": ID,
        "gender": Q,
        "birth_year": ID,
        "birth_years": Q,
        "phone": ID,
        "eshram_uan": ID,
        "matched": V,
        "score": V,
    },
    "WorkerProfile": {
        "worker": W,
        "pseudonymised": V,
        "name": ID,
        "gender": Q,
        "birth_year": ID,
        "birth_years": Q,
        "phone": ID,
        "eshram_uan": ID,
        "household": M,
        "registration": M,
        "home_state": Q,
        "registered_in": Q,
        "centre_kind": Q,
        "disclosure_level": V,
    },
    "HouseholdInfo": {"household": W, "village": ID, "home": M, "registered_on": ID},
    "Registration": {"registered_on": ID, "centre": M},
    "Place": {"district_code": V, "district": V, "state": V},
    "Party": {"id": V, "name": V},
    "SeenCentre": {"id": V, "kind": V, "place": M},
    "Journey": {"worker": W, "worker_ids": W, "stays": M},
    "Stay": {
        "place": M,
        "arrived_on": V,
        "left_on": V,
        "days": V,
        "arrival_estimated": V,
        "ongoing": V,
        "trip_id": W,
    },
    "TimelinePage": {
        "worker": W,
        "person_id": W,
        "worker_ids": W,
        "suggestions": M,
        "since": V,
        "until": V,
        "events": M,
        "total": V,
        "limit": V,
        "offset": V,
    },
    # a person's worker ids, and the candidate links not made: ids for field and admin keys,
    # pseudonyms for researchers, who get no suggestions (``api.worker_reads``)
    "Suggestion": {"worker_id": W, "other_worker_id": W, "match_probability": V},
    "RegistrationEvent": {"date": V, "record_ids": W, "worker_id": W, "kind": V, "centre": M},
    "MoveEvent": {
        "date": V,
        "record_ids": W,
        "worker_id": W,
        "kind": V,
        "trip_id": W,
        "from_place": M,
        "to_place": M,
        "departed_on": V,
        "arrived_on": V,
        "reason": V,
        "contractor": M,
        "employer": M,
        "sources": V,
        "worker_ids": W,
        "centre": M,
    },
    "EmploymentEvent": {
        "date": V,
        "record_ids": W,
        "worker_id": W,
        "kind": V,
        "employer": M,
        "sector": V,
        "contractor": M,
        "place": M,
        "start_on": V,
        "end_on": V,
        "daily_wage_inr": V,
        "advance_inr": V,
        "centre": M,
    },
    "GrievanceEvent": {
        "date": V,
        "record_ids": W,
        "worker_id": W,
        "kind": V,
        "against_kind": V,
        "against": M,
        "indicator": V,
        "occurred_on": V,
        "reported_on": V,
        "amount_inr": V,
        "status": V,
        "centre": M,
    },
    "ServiceEvent": {
        "date": V,
        "record_ids": W,
        "worker_id": W,
        "kind": V,
        "centre": M,
        "service": V,
        "delivered_on": V,
        "outcome": V,
    },
    "Grant": {
        "grant": V,
        "key_id": V,
        "organisation": V,
        "worker_id": ID,
        "reason": ID,
        "granted_at": V,
        "expires_at": V,
        "reads": V,
    },
    # persons and identity (field and admin keys only)
    "PersonView": {"worker_id": ID, "person_id": ID, "registrations": M, "candidates": ID},
    "PersonRegistration": {"worker_id": ID, "linked_by": V, "match_probability": V},
    "CandidatePage": {"items": ID, "total": V, "limit": V, "offset": V},
    "DecisionOut": {"decision_id": V, "person_id": ID, "other_person_id": ID},
    # admin
    "AuditEntry": {
        "log": V,
        "entry": V,
        "at": V,
        "key_id": V,
        "role": V,
        "worker_id": ID,
        "action": V,
        "detail": ID,
    },
    "BatchReport": {"report": ID, "received_files": V, "ignored_files": V},
    # aggregates
    "DistrictFlows": {"district": M, "year": V, "month": V, "inflows": M, "outflows": M},
    "Flows": {
        "direction": V,
        "corridors": M,
        "trips": N,
        "workers": N,
        "suppressed_corridors": V,
    },
    "Corridor": {"from_place": M, "to_place": M, "trips": N, "workers": N, "suppressed": V},
    "ContractorNetwork": {
        "contractor": M,
        "up": V,
        "down": V,
        "members": M,
        "links": M,
        "truncated": V,
        "count_words": V,
    },
    "NetworkMember": {
        "id": V,
        "kind": V,
        "name": V,
        "workers": N,
        "suppressed": V,
        "licensed": V,
        "risk_score": V,
        "flagged": V,
        "reasons": T,
    },
    "SupplyLink": {
        "link_id": V,
        "contractor_id": V,
        "supplies_to_kind": V,
        "supplies_to_id": V,
        "from_date": V,
        "to_date": V,
    },
    "SeasonalCalendar": {
        "corridors": M,
        "total": V,
        "limit": V,
        "offset": V,
        "suppressed_cells": V,
    },
    "CalendarCorridor": {
        "origin": M,
        "destination": M,
        "workers": N,
        "departures": N,
        "returns": N,
    },
    # researchers' journeys
    "CohortPage": {
        "summary": R,
        "columns": V,
        "items": R,
        "total": N,
        "limit": V,
        "offset": V,
        "suppressed_cells": V,
    },
    "Chronogram": {"months": V, "states": V, "shares": S, "persons": N, "suppressed_cells": V},
    "JourneyType": {"type": V, "share": S, "persons": N, "description": V, "medoid": V},
    "Typology": {
        "k": V,
        "distance": V,
        "types": M,
        "columns": V,
        "items": R,
        "total": N,
        "limit": V,
        "offset": V,
        "suppressed_cells": V,
    },
    "FilterChoices": {
        "states": V,
        "districts": M,
        "sectors": V,
        "genders": V,
        "birth_bands": V,
    },
    "District": {"code": V, "name": V, "state": V},
}
"""Every answer model of the API, by class name, field by field."""
