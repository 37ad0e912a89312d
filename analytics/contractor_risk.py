"""Exploitation risk per labour contractor: a score a caseworker can follow, with reasons.

Four kinds of evidence each give *risk points* by a rule that fits in a sentence; the points
add up and become a score between 0 and 1:

    risk_score = points / (points + 3)     flagged = points >= 3, that is risk_score >= 0.5

1. Complaints (no upper limit). Each worker who complained about the contractor counts
   once, by their most serious complaint: the ILO indicator's severity (``SEVERITY``: 1.0
   for violence, debt bondage, kept documents, restricted movement; 0.3 for excessive
   overtime) times its status (open or referred 1.0, resolved 0.3). The heaviest single
   complaint counts half: one report is not a pattern. So one serious complaint gives 0.5
   points, two give 1.5, four 3.5. Complaints are weighed against the workers the contractor
   placed: about 2 in 100 workers complain about any contractor (``BASE_RATE``), and only
   complainants beyond that count (points x (1 - expected / complainants)), so a large
   agency with five complaints among 250 workers scores next to nothing. A complaint naming
   the *employer* counts against the contractor who had placed that worker with that
   employer at the time (the latest placement on or before the day it happened).
2. Advances (up to 3): an advance worth many days of the worker's daily wage ties the worker
   to the contractor (debt bondage). Each worker with a known advance weighs 0 up to 60
   days' wages, 1 from 180 days, in proportion between; points = 3 x the sum over workers /
   (workers + 1). The imaginary extra worker with no debt keeps one or two large advances
   from counting as much as a dozen; alone, advances never reach 3 points.
3. Low wages (up to 1.5): the contractor's workers' wages against the going rate, the median
   of what the *other* contractors (and the employers' direct hires) pay in the same sector
   and district (the state, then all India, when fewer than three others are there to
   compare with). The mean ratio, tempered by two imaginary workers paid the going rate,
   gives 0 points at 5% below the going rate and 1.5 from 25% below.
4. No valid licence (up to 0.5): the share of workers placed with no licence on record
   (counting 1) or after the licence expired (counting 0.5). Alone it never flags: many
   small village recruiters are unlicensed and harmless.

So no single weak sign flags a contractor. It takes a pattern of serious complaints from
several workers, or some complaints together with signs in the records (large advances,
low wages, no licence), or strong signs in the records together. ``reasons`` says in plain
words which signs added points, strongest first (record signs under 0.2 points are left
out); ``indicators`` lists each indicator complained of with the number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.seasons import group_sum, histogram_median
from analytics.supply_graph import (
    SupplyRecords,
    decode_ids,
    encode_ids,
    placements,
    read_supply_records,
)
from graph_schema.census import districts
from tracker.access.disclosure import EXACT, CountWords
from tracker.store import GraphStore

FLAG_POINTS = 3.0
"""Risk points at which a contractor is flagged for a caseworker's attention."""
RISK_THRESHOLD = 0.5
"""``risk_score`` at which a contractor is flagged: the same line as ``FLAG_POINTS``."""

SEVERITY: dict[str, float] = {
    "physical_sexual_violence": 1.0,
    "debt_bondage": 1.0,
    "retention_of_identity_documents": 1.0,
    "restriction_of_movement": 1.0,
    "intimidation_threats": 0.8,
    "withholding_of_wages": 0.8,
    "deception": 0.8,
    "isolation": 0.8,
    "abuse_of_vulnerability": 0.6,
    "abusive_working_living_conditions": 0.5,
    "excessive_overtime": 0.3,
}
"""How serious each ILO forced-labour indicator is, 0 to 1."""
STATUS_WEIGHT: dict[str, float] = {"open": 1.0, "referred": 1.0, "resolved": 0.3}
"""A resolved complaint still says something happened, but much less about now."""
FIRST_REPORT_DISCOUNT = 0.5
"""The heaviest single complaint counts this much less: one report is not a pattern."""
BASE_RATE = 0.02
"""About 2 in 100 workers complain about any contractor: only complaints beyond that count."""

ADVANCE_FROM_DAYS = 60.0
ADVANCE_FULL_DAYS = 180.0
"""An advance counts from two months' wages and in full from six (see advance_evidence)."""
BIG_ADVANCE_DAYS = 90.0
"""In the reasons: advances worth more than three months' wages."""
PRIOR_WORKERS = 1.0
"""Imaginary debt-free workers added to each contractor: few workers, weak evidence."""
ADVANCE_POINTS = 3.0
LOW_WAGE_RATIO = 0.8
"""In the reasons: a wage at or below this share of the going rate is 'well below' it."""
WAGE_PRIOR_WORKERS = 2.0
"""Imaginary workers paid the going rate added to each contractor's mean wage."""
WAGE_FROM_SHORTFALL = 0.05
WAGE_FULL_SHORTFALL = 0.25
"""Wage points start when the (tempered) mean wage is 5% below the going rate, full at 25%."""
MIN_PEERS = 3
"""Contractors (or direct hires) to compare with before a going rate is trusted."""
WAGE_POINTS = 1.5
LICENCE_POINTS = 0.5
EXPIRED_WEIGHT = 0.5
"""A worker placed under an expired licence counts half as much as one with no licence."""
MIN_REASON_POINTS = 0.2
"""Record signs worth fewer points than this are left out of the reasons (complaints never)."""

RISK_COLUMNS = (
    "contractor_id",
    "risk_score",
    "flagged",
    "indicators",
    "reasons",
    "name",
    "points",
    "workers_placed",
    "complainants",
    "complaint_points",
    "employer_complaints",
    "advance_points",
    "big_advance_workers",
    "wage_points",
    "low_wage_workers",
    "licence_points",
    "unlicensed_workers",
)
"""Columns of ``contractor_risk.csv``: the format's five first, then the evidence."""


def contractor_risk_from_store(store: GraphStore, words: CountWords = EXACT) -> pd.DataFrame:
    """``contractor_risk`` on the records in a store (what the CLI and the API serve)."""
    return contractor_risk(read_supply_records(store), words=words)


def contractor_risk(
    records: SupplyRecords, placed: pd.DataFrame | None = None, words: CountWords = EXACT
) -> pd.DataFrame:
    """One row per contractor with its risk score, flag, indicators and reasons.

    Pure function of the tables: the same records give the same scores on every store.
    ``placed`` may pass the records' ``placements`` when the caller has them already.
    ``words``: how counts of workers are written in ``indicators`` and ``reasons``
    (``tracker.access.disclosure.CountWords``: exactly, or "fewer than 5" for the roles
    that get small counts suppressed); the table's ``attrs["count_words"]`` says which.
    The same two steps run partition by partition (``analytics.partitioned``): the going
    rates from every worker's wages, then each set of workers' ``Evidence``, summed.
    """
    records = encode_ids(records)
    if placed is None:
        placed = placements(records.employments, records.moves)
    rates = going_rates(wage_counts(records.employments, records.employers))
    evidence = contractor_evidence(records, placed, rates, for_chains=False)
    return risk_of_evidence(records.contractors, records.links, evidence, records.names, words)


# -- evidence of a set of workers ----------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """What contractor risk needs of a set of workers' records, in a form that adds up.

    The evidence of two sets of workers with no worker in common is their ``add_evidence``:
    counts are summed, and per (contractor, worker) rows are put together (a pair belongs
    to one set). So risk can be scored partition by partition and come out the same.

    * ``complaints``: one row per complaint laid at a contractor's door (``complaint_rows``);
    * ``advances``: per (contractor, worker), the largest advance in days of wages;
    * ``wages``: per (contractor, worker), the median wage relative to the going rate;
    * ``licences``: per contractor, ``licence_workers`` (the workers it placed: every
      placement is judged by the licence, so this is the count of workers placed too),
      ``unlicensed_workers`` and ``lapse_sum`` (the sum of each worker's ``_licence_lapse``);
    * ``recruits``: the (contractor, employer) pairs where the contractor placed workers
      with the employer (for ``analytics.chains``).
    """

    complaints: pd.DataFrame
    advances: pd.Series
    wages: pd.Series
    licences: pd.DataFrame
    recruits: pd.DataFrame


def contractor_evidence(
    records: SupplyRecords, placed: pd.DataFrame, rates: pd.DataFrame, *, for_chains: bool = True
) -> Evidence:
    """The ``Evidence`` in a set of workers' records (``placed``: their ``placements``;
    ``rates``: ``going_rates`` of every worker's wages).

    ``for_chains=False`` leaves ``recruits`` empty: risk alone does not read them, and
    finding the distinct pairs among every placement costs a tenth of the risk step.
    """
    recruits = placed.loc[placed["employer_id"].notna(), ["contractor_id", "employer_id"]]
    if not for_chains:
        recruits = recruits.iloc[:0]
    return Evidence(
        complaints=complaint_rows(records.grievances, placed),
        advances=advance_days(records.employments),
        wages=relative_wages(records.employments, records.employers, rates),
        licences=licence_lapses(records.contractors, placed),
        recruits=recruits.drop_duplicates().reset_index(drop=True),
    )


def add_evidence(parts: list[Evidence]) -> Evidence:
    """The evidence of several sets of workers, no worker in more than one set."""

    def joined(frames: list) -> pd.DataFrame | pd.Series:
        return pd.concat(frames) if len(frames) > 1 else frames[0]

    licences = joined([p.licences for p in parts])
    return Evidence(
        complaints=joined([p.complaints for p in parts]).reset_index(drop=True),
        advances=joined([p.advances for p in parts]),
        wages=joined([p.wages for p in parts]),
        licences=licences.groupby(level=0).sum() if len(parts) > 1 else licences,
        recruits=joined([p.recruits for p in parts]).drop_duplicates().reset_index(drop=True),
    )


def risk_of_evidence(
    contractors: pd.DataFrame,
    links: pd.DataFrame,
    evidence: Evidence,
    names: pd.Index | None = None,
    words: CountWords = EXACT,
) -> pd.DataFrame:
    """contractor_risk.csv from all workers' ``Evidence`` and the contractor tables.

    ``names`` decodes ``encode_ids`` codes back into ids (None: ids are ids already);
    ``words`` writes the counts in the text (``contractor_risk``).
    """
    workers_placed = evidence.licences["licence_workers"].rename("workers_placed")
    contractor_index = _contractor_index(contractors, workers_placed, evidence.complaints, links)
    complaints = complaint_evidence(evidence.complaints, workers_placed, words)
    advances = advance_evidence(evidence.advances)
    wages = wage_evidence(evidence.wages)
    licences = licence_evidence(contractors, evidence.licences, links)

    out = contractor_index.join(workers_placed.rename("workers_placed"))
    for part in (complaints, advances, wages, licences):
        out = out.join(part)
    out["workers_placed"] = out["workers_placed"].fillna(0).astype("int64")
    for column in (
        "complainants",
        "employer_complaints",
        "big_advance_workers",
        "low_wage_workers",
        "unlicensed_workers",
    ):
        out[column] = out[column].fillna(0).astype("int64")
    for column in ("complaint_points", "advance_points", "wage_points", "licence_points"):
        out[column] = out[column].fillna(0.0).round(3)
    out["indicators"] = out["indicators"].fillna("")
    out["points"] = out[
        ["complaint_points", "advance_points", "wage_points", "licence_points"]
    ].sum(axis=1)
    out["risk_score"] = (out["points"] / (out["points"] + FLAG_POINTS)).round(3)
    out["flagged"] = out["points"] >= FLAG_POINTS
    out["points"] = out["points"].round(3)
    out["reasons"] = [_reasons(row, words) for row in out.itertuples()]
    out = out.reset_index()
    out["contractor_id"] = decode_ids(out["contractor_id"], names)
    table = out[list(RISK_COLUMNS)].sort_values(
        ["risk_score", "contractor_id"], ascending=[False, True], ignore_index=True
    )
    table.attrs["count_words"] = words.name
    return table


def _sum_per_contractor(per_worker: pd.Series) -> pd.Series:
    """Exact sum per contractor of per (contractor, worker) values (``seasons.group_sum``),
    so that evidence put together from partitions scores exactly as evidence read at once."""
    group, contractors = pd.factorize(per_worker.index.get_level_values("contractor_id"), sort=True)
    total = group_sum(per_worker.to_numpy(dtype="float64"), group, len(contractors))
    return pd.Series(total, index=pd.Index(contractors, name="contractor_id"))


# -- complaints ---------------------------------------------------------------------------


def complaint_rows(grievances: pd.DataFrame, placed: pd.DataFrame) -> pd.DataFrame:
    """Every complaint laid at a contractor's door: named, or via the employer (columns
    ``contractor_id``, ``worker_id``, ``indicator``, ``status``, ``via_employer``)."""
    named = grievances[grievances["against_kind"] == "contractor"]
    direct = pd.DataFrame(
        {
            "contractor_id": named["against_id"],
            "worker_id": named["worker_id"],
            "indicator": named["indicator"],
            "status": named["status"],
            "via_employer": False,
        }
    )
    via = attribute_employer_complaints(grievances, placed)
    rows = pd.concat([direct, via], ignore_index=True)
    rows["via_employer"] = rows["via_employer"].astype(bool)
    return rows


def complaint_evidence(
    rows: pd.DataFrame, workers_placed: pd.Series, words: CountWords = EXACT
) -> pd.DataFrame:
    """Complaint points per contractor, with who complained of what (see module docstring).

    ``rows`` are ``complaint_rows``; ``workers_placed`` the workers placed per contractor;
    ``words`` writes the number of workers per indicator (``contractor_risk``).
    """
    columns = [
        "complainants",
        "complaint_points",
        "employer_complaints",
        "indicators",
        "resolved_only",
        "complaint_excess",
        "top_indicators",
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="contractor_id"))
    rows = rows.copy()
    severity = rows["indicator"].map(SEVERITY).fillna(0.5)
    status = rows["status"].map(STATUS_WEIGHT).fillna(1.0)
    rows["weight"] = severity * status
    rows["resolved"] = rows["status"].eq("resolved")

    per_worker = rows.groupby(["contractor_id", "worker_id"]).agg(
        weight=("weight", "max"), resolved=("resolved", "all")
    )
    per = per_worker.groupby("contractor_id").agg(
        complainants=("weight", "size"),
        heaviest=("weight", "max"),
        resolved_only=("resolved", "all"),
    )
    per["total"] = _sum_per_contractor(per_worker["weight"])
    expected = BASE_RATE * workers_placed.reindex(per.index).fillna(0)
    per["complaint_excess"] = (1.0 - expected / per["complainants"]).clip(0.0, 1.0)
    scale = per["complaint_excess"]
    per["complaint_points"] = (per["total"] - FIRST_REPORT_DISCOUNT * per["heaviest"]) * scale
    per["employer_complaints"] = rows[rows["via_employer"]].groupby("contractor_id").size()

    by_indicator = (
        rows.drop_duplicates(["contractor_id", "worker_id", "indicator"])
        .groupby(["contractor_id", "indicator"])
        .size()
        .rename("workers")
        .reset_index()
        .sort_values(["contractor_id", "workers", "indicator"], ascending=[True, False, True])
    )
    who = by_indicator["contractor_id"]
    counts = by_indicator["workers"].map(words.number)
    per["indicators"] = _join_per(who, by_indicator["indicator"] + ":" + counts, "|")
    words = by_indicator["indicator"].str.replace("_", " ") + " " + counts
    per["top_indicators"] = _join_per(who, words, ", ", limit=3)
    return per[columns]


def attribute_employer_complaints(grievances: pd.DataFrame, placed: pd.DataFrame) -> pd.DataFrame:
    """Complaints naming an employer, laid at the door of the contractor who placed the worker.

    The contractor is the one named on the worker's latest placement with that employer on
    or before the day the abuse happened (else the day it was reported). A complaint with
    no such placement stays with the employer alone.
    """
    about = grievances[grievances["against_kind"] == "employer"]
    columns = ["contractor_id", "worker_id", "indicator", "status", "via_employer"]
    known = placed[
        placed["employer_id"].notna()
        & placed["placed_on"].notna()
        & placed["worker_id"].isin(about["worker_id"])
    ]
    if about.empty or known.empty:
        return pd.DataFrame(
            {
                "contractor_id": grievances["against_id"].iloc[:0],
                "worker_id": grievances["worker_id"].iloc[:0],
                "indicator": grievances["indicator"].iloc[:0],
                "status": grievances["status"].iloc[:0],
                "via_employer": pd.Series([], dtype=bool),
            }
        )
    left = pd.DataFrame(
        {
            "worker_id": about["worker_id"],
            "employer_id": about["against_id"],
            "when": about["occurred_on"].fillna(about["reported_on"]),
            "indicator": about["indicator"],
            "status": about["status"],
        }
    ).dropna(subset=["when"])
    right = known[["worker_id", "employer_id", "placed_on", "contractor_id"]].rename(
        columns={"placed_on": "when"}
    )
    matched = pd.merge_asof(
        left.sort_values("when"),
        right.sort_values("when"),
        on="when",
        by=["worker_id", "employer_id"],
        direction="backward",
    )
    matched = matched[matched["contractor_id"].notna()].assign(via_employer=True)
    return matched[columns]


# -- advances -----------------------------------------------------------------------------


def advance_days(employments: pd.DataFrame) -> pd.Series:
    """Per (contractor, worker): the largest known advance in days of the worker's wage."""
    jobs = employments[
        employments["contractor_id"].notna()
        & employments["advance_inr"].notna()
        & (employments["daily_wage_inr"] > 0)
    ]
    days = (jobs["advance_inr"] / jobs["daily_wage_inr"]).rename("days")
    return (
        pd.concat([jobs[["contractor_id", "worker_id"]], days], axis=1)
        .groupby(["contractor_id", "worker_id"])["days"]
        .max()
    )


def advance_evidence(per_worker: pd.Series) -> pd.DataFrame:
    """Advance points per contractor: how heavily its workers are indebted to it.

    ``per_worker`` is ``advance_days``. Each worker with a known advance and wage counts by
    the advance in days of wages: nothing up to ``ADVANCE_FROM_DAYS``, in full from
    ``ADVANCE_FULL_DAYS``, in between in proportion. The contractor's signal is the mean
    over its workers plus one imaginary worker with no debt, so one or two large advances
    say less than a dozen.
    """
    weight = ((per_worker - ADVANCE_FROM_DAYS) / (ADVANCE_FULL_DAYS - ADVANCE_FROM_DAYS)).clip(
        0.0, 1.0
    )
    big = per_worker >= BIG_ADVANCE_DAYS
    by = per_worker.groupby("contractor_id")
    per = pd.DataFrame(
        {
            "advance_workers": by.size(),
            "big_advance_workers": big.groupby("contractor_id").sum(),
            "big_advance_days": per_worker[big].groupby("contractor_id").median(),
            "advance_weight": _sum_per_contractor(weight),
        }
    )
    signal = per["advance_weight"] / (per["advance_workers"] + PRIOR_WORKERS)
    per["advance_points"] = ADVANCE_POINTS * signal
    return per


# -- wages --------------------------------------------------------------------------------

WAGE_CELL = ["sector", "district_code", "state_code", "peer"]
"""A job's place in the wage market: sector, district, state, and who hired (``peer``)."""


def wage_counts(employments: pd.DataFrame, employers: pd.DataFrame) -> pd.DataFrame:
    """Jobs by wage market cell (``WAGE_CELL``) and daily wage: ``jobs`` per row.

    Counts add up over sets of workers, and the median wage of a cell can be read from
    them exactly (``going_rates``), so the going rate needs no worker's rows but these.
    """
    jobs = _wage_jobs(employments, employers)
    counts = jobs.groupby([*WAGE_CELL, "daily_wage_inr"], dropna=False, sort=False).size()
    return counts.rename("jobs").reset_index()


def add_wage_counts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """``wage_counts`` of several sets of workers, summed."""
    joined = pd.concat(parts, ignore_index=True)
    counts = joined.groupby([*WAGE_CELL, "daily_wage_inr"], dropna=False)["jobs"].sum()
    return counts.reset_index()


def going_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """The going daily wage of each wage market cell (``WAGE_CELL`` and ``going_rate``).

    What *others* pay in a job's sector and place: each contractor (and the employers'
    direct hires, together) gets one vote, its own median wage, and a job is compared with
    the median of the other votes, so a contractor paying badly cannot set the going rate
    it is judged by. The finest place with at least ``MIN_PEERS`` other votes wins: the
    district, else the state, else all India.
    """
    cells = counts[WAGE_CELL].drop_duplicates().reset_index(drop=True)
    rate = pd.Series(np.nan, index=cells.index)
    for keys in (["sector", "district_code"], ["sector", "state_code"], ["sector"]):
        wages = (
            counts.groupby([*keys, "peer", "daily_wage_inr"], dropna=False)["jobs"]
            .sum()
            .reset_index()
        )
        # the group-by sorted the rows, so each vote's rows are one run of them
        first = _run_starts(wages, [*keys, "peer"])
        group = np.cumsum(first) - 1
        votes = wages.loc[first, [*keys, "peer"]].reset_index(drop=True)
        median = histogram_median(
            group, wages["daily_wage_inr"].to_numpy(float), wages["jobs"].to_numpy(), len(votes)
        )
        votes = votes.assign(vote=median)
        votes["rate"] = _median_of_others(votes, keys)
        found = cells[[*keys, "peer"]].merge(votes, on=[*keys, "peer"], how="left")["rate"]
        rate = rate.fillna(pd.Series(found.to_numpy(), index=cells.index))
    return cells.assign(going_rate=rate.to_numpy())


def _run_starts(rows: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Whether each row starts a run of rows with the same ``columns`` (none missing)."""
    first = np.zeros(len(rows), dtype=bool)
    first[:1] = True
    for column in columns:
        values = rows[column].to_numpy()
        first[1:] |= values[1:] != values[:-1]
    return first


def relative_wages(
    employments: pd.DataFrame, employers: pd.DataFrame, rates: pd.DataFrame
) -> pd.Series:
    """Per (contractor, worker): the median of the worker's wages over the going rate."""
    jobs = _wage_jobs(employments, employers).merge(rates, on=WAGE_CELL, how="left")
    jobs = jobs[jobs["contractor_id"].notna() & jobs["going_rate"].notna()]
    relative = (jobs["daily_wage_inr"] / jobs["going_rate"]).rename("relative")
    return (
        pd.concat([jobs[["contractor_id", "worker_id"]], relative], axis=1)
        .groupby(["contractor_id", "worker_id"])["relative"]
        .median()
    )


def wage_evidence(per_worker: pd.Series) -> pd.DataFrame:
    """Wage points per contractor: workers paid well below the going rate (module docstring).

    ``per_worker`` is ``relative_wages``.
    """
    low = per_worker <= LOW_WAGE_RATIO
    size = per_worker.groupby("contractor_id").size()
    total = _sum_per_contractor(per_worker)
    per = pd.DataFrame(
        {
            "wage_workers": size,
            "low_wage_workers": low.groupby("contractor_id").sum(),
            "wage_mean": total / size,
            "wage_relative": (total + WAGE_PRIOR_WORKERS) / (size + WAGE_PRIOR_WORKERS),
        }
    )
    shortfall = 1.0 - per["wage_relative"]
    scale = ((shortfall - WAGE_FROM_SHORTFALL) / (WAGE_FULL_SHORTFALL - WAGE_FROM_SHORTFALL)).clip(
        0.0, 1.0
    )
    per["wage_points"] = WAGE_POINTS * scale
    return per


def _wage_jobs(employments: pd.DataFrame, employers: pd.DataFrame) -> pd.DataFrame:
    """Paid jobs with their wage market cell (``WAGE_CELL``)."""
    jobs = employments[employments["daily_wage_inr"] > 0]
    jobs = jobs[["worker_id", "employer_id", "contractor_id", "district_code", "daily_wage_inr"]]
    firms = pd.DataFrame(
        {
            "employer_id": employers["employer_id"],
            "sector": pd.factorize(employers["sector"])[0],
            "employer_district": employers["district_code"],
        }
    )
    jobs = jobs.merge(firms, on="employer_id", how="left")
    district = jobs["district_code"].fillna(jobs["employer_district"])
    return jobs.assign(
        sector=jobs["sector"].fillna(-2).astype("int64"),  # -2: an employer not on record
        district_code=district.fillna(0).astype("int64"),
        state_code=_STATE_OF_DISTRICT[district.fillna(0).clip(0, 640).to_numpy(dtype="int64")],
        peer=_peer(jobs["contractor_id"]),
    )


def _peer(contractor_id: pd.Series) -> pd.Series:
    """Who hired, as a vote: the contractor, or ``DIRECT`` for the employers' own hires."""
    if pd.api.types.is_numeric_dtype(contractor_id.dtype):  # encode_ids codes
        return contractor_id.fillna(-1).astype("int64")
    return contractor_id.astype("str").fillna(DIRECT)


DIRECT = ""
"""The ``peer`` of jobs no contractor placed (contractor ids are never empty)."""


def _median_of_others(votes: pd.DataFrame, keys: list[str]) -> pd.Series:
    """For each vote, the median of the other votes of its cell (NaN below ``MIN_PEERS``).

    Vectorised: sort the votes of each cell, and for a vote at position ``p`` of ``m`` read
    the middle of the ``m - 1`` others straight from the sorted array, skipping ``p``.
    """
    ordered = votes.sort_values([*keys, "vote"], kind="stable")
    cell = ordered.groupby(keys, dropna=False, sort=False)
    position = cell.cumcount().to_numpy()
    size = cell["vote"].transform("size").to_numpy()
    start = np.arange(len(ordered)) - position
    values = ordered["vote"].to_numpy(dtype=float)
    others = size - 1
    low, high = (others - 1) // 2, others // 2
    low = np.clip(low + (low >= position), 0, None)
    high = np.clip(high + (high >= position), 0, None)
    last = len(values) - 1
    median = (values[np.minimum(start + low, last)] + values[np.minimum(start + high, last)]) / 2
    median[others < MIN_PEERS] = np.nan
    return pd.Series(median, index=ordered.index).reindex(votes.index)


# -- licences -----------------------------------------------------------------------------


def licence_lapses(contractors: pd.DataFrame, placed: pd.DataFrame) -> pd.DataFrame:
    """Per contractor: workers placed (``licence_workers``), those placed without a valid
    licence (``unlicensed_workers``) and the sum of each worker's lapse (``lapse_sum``).

    A worker placed with no licence on record counts 1, after the licence expired
    ``EXPIRED_WEIGHT``, else 0, by the worst of their placements. Sums of these halves and
    wholes are exact, so partitions' sums add up to the same mean.
    """
    book = _licence_book(contractors)
    holds = placed[["contractor_id", "worker_id", "placed_on"]].join(
        book[["licensed", "licence_valid_until"]], on="contractor_id"
    )
    lapse = _licence_lapse(holds["licensed"], holds["licence_valid_until"], holds["placed_on"])
    per_worker = lapse.groupby([holds["contractor_id"], holds["worker_id"]]).max()
    by = per_worker.groupby(level="contractor_id")
    return pd.DataFrame(
        {
            "licence_workers": by.size(),
            "unlicensed_workers": (per_worker > 0).groupby(level="contractor_id").sum(),
            "lapse_sum": by.sum(),
        }
    )


def licence_evidence(
    contractors: pd.DataFrame, lapses: pd.DataFrame, links: pd.DataFrame
) -> pd.DataFrame:
    """Licence points per contractor, from the workers it placed without a valid licence.

    ``lapses`` is ``licence_lapses``. A worker placed by a contractor with no licence on
    record counts in full, one placed after its licence expired counts half
    (``EXPIRED_WEIGHT``): a lapsed licence is a breach, but the contractor is at least
    registered and traceable. A contractor that placed no one itself (a sub-contractor, a
    contractor of a principal employer) is judged on the day its latest link to a chain
    began.
    """
    book = _licence_book(contractors)
    per = pd.DataFrame(
        {
            "licence_workers": lapses["licence_workers"],
            "unlicensed_workers": lapses["unlicensed_workers"],
            "licence_lapse": lapses["lapse_sum"] / lapses["licence_workers"],
        }
    ).reindex(book.index)
    per["unlicensed_workers"] = per["unlicensed_workers"].fillna(0)
    linked_on = links.groupby("contractor_id")["from_date"].max().reindex(book.index)
    idle = _licence_lapse(book["licensed"], book["licence_valid_until"], linked_on)
    per["licence_points"] = LICENCE_POINTS * per["licence_lapse"].fillna(idle)
    per["licence_no"] = book["licence_no"]
    per["licence_valid_until"] = book["licence_valid_until"]
    return per


def _licence_book(contractors: pd.DataFrame) -> pd.DataFrame:
    book = contractors.set_index("contractor_id")[["licence_no", "licence_valid_until"]]
    return book.assign(licensed=book["licence_no"].notna())


def _licence_lapse(licensed: pd.Series, valid_until: pd.Series, on: pd.Series) -> pd.Series:
    """1 with no licence on record, ``EXPIRED_WEIGHT`` if expired by ``on``, else 0."""
    expired = (valid_until < on).fillna(False).to_numpy(dtype=bool)
    has = licensed.fillna(False).to_numpy(dtype=bool)
    lapse = np.where(has, np.where(expired, EXPIRED_WEIGHT, 0.0), 1.0)
    return pd.Series(lapse, index=licensed.index)


# -- helpers ----------------------------------------------------------------------------


def _join_per(keys: pd.Series, texts: pd.Series, sep: str, limit: int | None = None) -> pd.Series:
    """Join ``texts`` per key, in their order (the rows of one key must be adjacent).

    A group-by with a Python join per group costs seconds over 50,000 contractors; slicing
    one list at the group boundaries costs milliseconds.
    """
    if keys.empty:
        return pd.Series([], dtype="str")
    starts = np.flatnonzero(keys.ne(keys.shift()).fillna(True).to_numpy(dtype=bool))
    ends = np.append(starts[1:], len(keys))
    values = texts.tolist()
    joined = [
        sep.join(values[a : b if limit is None else min(b, a + limit)])
        for a, b in zip(starts, ends, strict=True)
    ]
    return pd.Series(joined, index=pd.Index(keys.iloc[starts]))


def _contractor_index(
    contractors: pd.DataFrame,
    workers_placed: pd.Series,
    complaints: pd.DataFrame,
    links: pd.DataFrame,
) -> pd.DataFrame:
    """Every contractor in the node table, plus any only referenced (kept, never dropped)."""
    book = contractors[["contractor_id", "name"]]
    seen = pd.concat(
        [
            book["contractor_id"],
            workers_placed.index.to_series(),
            complaints["contractor_id"],
            links["contractor_id"],
        ],
        ignore_index=True,
    )
    seen = seen[seen.notna()].drop_duplicates()
    out = pd.DataFrame({"contractor_id": seen}).merge(book, on="contractor_id", how="left")
    return out.set_index("contractor_id")


def _state_codes() -> np.ndarray:
    """State code by district code (0 for none): a lookup array, fast over millions of jobs."""
    table = np.zeros(641, dtype="int64")
    for district in districts():
        table[district["district_code"]] = district["state_code"]
    return table


_STATE_OF_DISTRICT = _state_codes()


def _reasons(row, words: CountWords) -> str:
    """Plain words for each sign that added points, strongest first; counts of workers
    written by ``words``."""
    found: list[tuple[float, str]] = []
    if row.complainants:
        found.append((row.complaint_points, _complaint_reason(row, words)))
    if row.advance_points >= MIN_REASON_POINTS:
        found.append(
            (
                row.advance_points,
                f"{words.number(row.big_advance_workers)} of "
                f"{words.people(int(row.advance_workers), 'worker')} with a known "
                f"advance owed more than {BIG_ADVANCE_DAYS:.0f} days' wages (typically "
                f"{row.big_advance_days:.0f} days): check for debt bondage",
            )
        )
    if row.wage_points >= MIN_REASON_POINTS:
        below = round(100 * (1 - row.wage_mean))
        found.append(
            (
                row.wage_points,
                f"its workers were paid on average {below}% below the going rate for the "
                f"sector and district ({words.number(row.low_wage_workers)} of "
                f"{words.number(int(row.wage_workers))} at least 20% below): check wage slips",
            )
        )
    if row.licence_points >= MIN_REASON_POINTS:
        found.append((row.licence_points, _licence_reason(row, words)))
    found.sort(key=lambda item: -item[0])
    return "; ".join(text for _, text in found)


def _complaint_reason(row, words: CountWords) -> str:
    people = words.people(row.complainants, "worker", "different workers")
    text = f"{people} complained ({row.top_indicators})"
    if row.resolved_only:
        text += ", all resolved"
    if row.employer_complaints:
        text += (
            f"; {words.number(row.employer_complaints)} of the complaints named the employer "
            "where this contractor had placed the worker"
        )
    if row.complaint_excess < 0.5:
        text += (
            f", among {words.people(row.workers_placed, 'worker')} placed: no more than any "
            "contractor that size draws"
        )
    elif row.complainants == 1:
        text += ": a single report, not yet a pattern"
    return text


def _licence_reason(row, words: CountWords) -> str:
    placed = words.people(row.unlicensed_workers, "worker")
    if pd.isna(row.licence_no):
        if row.unlicensed_workers:
            return f"placed {placed} with no licence on record"
        return "no licence on record"
    until = pd.Timestamp(row.licence_valid_until).date().isoformat()
    if row.unlicensed_workers:
        return f"placed {placed} after the licence expired on {until}"
    return f"licence expired on {until}"
