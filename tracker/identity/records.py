"""What the matcher knows about each registration, read once from the store.

One row per ``worker_id`` (a registration): the name as ``names.name_key`` tokens, birth
year, gender, phone, e-Shram number, household, village, home district, the centre that
registered it (its district, kind and organisation) and the day; beside it the worker's
moves as sorted arrays, so where a registration was on any day is a binary search
(``located``), and the employers and contractors it was recorded with.

The home district is the household's; a registration without a household (most later
ones) gets the district its return-home moves go to, else where its earliest move for work
left from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph_schema import (
    EMPLOYED_BY,
    HOME_IN,
    LOCATED_IN,
    MEMBER_OF,
    MOVED,
    REGISTERED_AT,
    Centre,
    Household,
    Worker,
)
from tracker.identity.names import fold, name_key, skeleton
from tracker.store import GraphStore

DAY_BITS = 17
"""A move is sorted by ``worker index << DAY_BITS | day``: days since 1970 fit in 17 bits
until the year 2328."""


@dataclass
class Registrations:
    """The matcher's input: ``table`` (one row per registration, index = position) and the
    moves of every registration sorted by (registration, departure day)."""

    table: pd.DataFrame
    move_key: np.ndarray
    """``position << DAY_BITS | departed day``, sorted."""
    move_to: np.ndarray
    """The district each sorted move went to."""
    move_arrived: np.ndarray
    """Days since 1970 of arrival (departure when not known)."""
    links: pd.DataFrame
    """(position, other: a hash of the employer's or contractor's id, ``hashed``): whom each
    registration was recorded with."""

    def __len__(self) -> int:
        return len(self.table)

    def positions(self, worker_ids: pd.Series | list) -> np.ndarray:
        """The positions of the given worker ids (-1 where unknown)."""
        index = pd.Index(self.table["worker_id"])
        return index.get_indexer(pd.Index(worker_ids))

    def subset(self, positions: np.ndarray, table: pd.DataFrame | None = None) -> Registrations:
        """The registrations at ``positions`` (ascending) alone, renumbered 0, 1, ... in that
        order: what comparing a batch's pairs needs, without the rest of the store.
        ``table``: their rows, when had elsewhere (``tracker.identity.cache``)."""
        positions = np.asarray(positions, dtype=np.int64)
        if table is None:
            table = self.table.iloc[positions].reset_index(drop=True)
        owner = self.move_key >> DAY_BITS
        lo = np.searchsorted(owner, positions, side="left")
        hi = np.searchsorted(owner, positions, side="right")
        sizes = hi - lo
        rows = np.repeat(lo - (np.cumsum(sizes) - sizes), sizes) + np.arange(sizes.sum())
        local = np.repeat(np.arange(len(positions), dtype=np.int64), sizes)
        day = self.move_key[rows] & ((1 << DAY_BITS) - 1)
        at = pd.Index(positions).get_indexer(self.links["position"].to_numpy())
        links = self.links[at >= 0].assign(position=at[at >= 0]).reset_index(drop=True)
        return Registrations(
            table=table,
            move_key=(local << DAY_BITS) | day,
            move_to=self.move_to[rows],
            move_arrived=self.move_arrived[rows],
            links=links,
        )


def read_registrations(store: GraphStore, worker_ids: list[str] | None = None) -> Registrations:
    """Every registration in the store (or only ``worker_ids``, by index lookups: what
    explaining one pair needs), with what the matcher compares."""
    move_columns = [
        "worker_id",
        "from_district_code",
        "to_district_code",
        "departed_on",
        "arrived_on",
        "reason",
        "contractor_id",
        "employer_id",
    ]
    job_columns = ["worker_id", "employer_id", "contractor_id"]
    if worker_ids is not None:
        workers = store.node_table(Worker, worker_ids)
        member = store.edges_from(MEMBER_OF, worker_ids)
        registered = store.edges_from(REGISTERED_AT, worker_ids)
        household_ids = member["household_id"].dropna().unique().tolist()
        households = store.node_table(Household, household_ids)[["household_id", "village"]]
        home = store.edges_from(HOME_IN, household_ids)
        centre_ids = registered["registered_at"].dropna().unique().tolist()
        centres = store.node_table(Centre, centre_ids)[["centre_id", "kind", "organisation"]]
        located = store.edges_from(LOCATED_IN, centre_ids)
        moves = store.edges_from(MOVED, worker_ids)[move_columns]
        jobs = store.edges_from(EMPLOYED_BY, worker_ids)[job_columns]
    else:
        workers = store.node_table(Worker)
        member = store.edge_table(MEMBER_OF)
        registered = store.edge_table(REGISTERED_AT)
        households = store.node_table(Household)[["household_id", "village"]]
        home = store.edge_table(HOME_IN)
        centres = store.node_table(Centre)[["centre_id", "kind", "organisation"]]
        located = store.edge_table(LOCATED_IN)
        moves = store.edge_table(MOVED, columns=move_columns)
        jobs = store.edge_table(EMPLOYED_BY, columns=job_columns)
    return build_registrations(
        workers, member, registered, households, home, centres, located, moves, jobs
    )


def build_registrations(
    workers: pd.DataFrame,
    member: pd.DataFrame,
    registered: pd.DataFrame,
    households: pd.DataFrame,
    home: pd.DataFrame,
    centres: pd.DataFrame,
    located: pd.DataFrame,
    moves: pd.DataFrame,
    jobs: pd.DataFrame,
) -> Registrations:
    """``read_registrations`` from the store's tables (any store: edge-table columns)."""
    t = workers[
        ["worker_id", "name", "gender", "birth_year", "phone", "eshram_uan", "registered_on"]
    ].copy()
    t = t.sort_values("worker_id", kind="stable").reset_index(drop=True)
    t = t.merge(member[["worker_id", "household_id"]], on="worker_id", how="left")
    t = t.merge(households, on="household_id", how="left")
    t = t.merge(home[["household_id", "home_district_code"]], on="household_id", how="left")
    t = t.merge(registered[["worker_id", "registered_at"]], on="worker_id", how="left")
    centre = centres.merge(located[["centre_id", "district_code"]], on="centre_id", how="left")
    centre = centre.rename(
        columns={
            "centre_id": "registered_at",
            "kind": "centre_kind",
            "district_code": "centre_district",
        }
    )
    t = t.merge(centre, on="registered_at", how="left")

    # each distinct name and village once: 999,071 registrations hold 91,099 names
    name_codes, names = pd.factorize(t["name"].astype(str))
    tokens = pd.Series([tuple(fold(x) for x in name_key(n)) for n in names], dtype=object)
    for column, of_name in (
        ("tokens", tokens),
        ("skeletons", tokens.map(lambda ts: tuple(skeleton(x) for x in ts if len(x) > 1))),
        ("name_value", tokens.map(lambda ts: " ".join(sorted(ts)))),
    ):
        t[column] = of_name.to_numpy()[name_codes]
    t["birth_year"] = pd.to_numeric(t["birth_year"]).astype("float64")
    t["registered_day"] = _days(t["registered_on"])
    village_codes, villages = pd.factorize(t["village"], use_na_sentinel=False)
    folded = [fold(v.lower()) if isinstance(v, str) else v for v in villages]
    t["village"] = pd.Series(folded, dtype=object).to_numpy()[village_codes]

    index = pd.Index(t["worker_id"].astype(object))
    pos = _positions(index, moves["worker_id"])
    mv = moves[pos >= 0]
    pos = pos[pos >= 0]
    departed = _days(mv["departed_on"]).to_numpy()
    arrived = _days(mv["arrived_on"]).to_numpy()
    arrived = np.where(np.isnan(arrived), departed, arrived)
    key = (pos.astype(np.int64) << DAY_BITS) | departed.astype(np.int64)
    move_to = mv["to_district_code"].astype("float64").to_numpy()
    # moves of one day in the order of their values, not of the store's reading, so that a
    # registration read alone (``tracker.identity.cache``) has the moves in the same order
    order = np.lexsort((arrived, move_to, key))
    t["home_district_code"] = _home_districts(t, mv, pos, departed)

    links = pd.concat(
        [
            pd.DataFrame({"position": pos, "other": mv["employer_id"].to_numpy()}),
            pd.DataFrame({"position": pos, "other": mv["contractor_id"].to_numpy()}),
            _job_links(jobs, index),
        ],
        ignore_index=True,
    ).dropna()
    # ids as hashes of their text: a few bytes each, not a Python string per move
    links = pd.DataFrame(
        {"position": links["position"].to_numpy(np.int64), "other": hashed(links["other"])}
    ).drop_duplicates(ignore_index=True)
    return Registrations(
        table=t,
        move_key=key[order],
        move_to=move_to[order],
        move_arrived=arrived[order],
        links=links,
    )


def hashed(values: pd.Series | np.ndarray) -> np.ndarray:
    """A 64-bit hash of each value's text (pandas' fixed-key hash, the same in every run):
    equal values give equal keys wherever and whenever they are hashed."""
    # a missing value is hashed too (callers mask it), so every row has a code
    text = pd.Series(values, dtype=object).astype(str)
    found, uniques = pd.factorize(text, use_na_sentinel=False)
    return pd.util.hash_array(np.asarray(uniques, dtype=object)).view(np.int64)[found]


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of integers, by a stable sort and a look at neighbours: numpy 2.4's
    ``np.unique`` hashes the values first, and took 10 s of CPU for the 10 million
    visits of 999,071 registrations (the sort: 0.15 s)."""
    values = np.sort(np.ravel(values), kind="stable")
    if len(values) == 0:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def union(*arrays: np.ndarray) -> np.ndarray:
    """``np.union1d`` by ``sorted_distinct``."""
    return sorted_distinct(np.concatenate([np.ravel(a) for a in arrays]))


def _positions(index: pd.Index, worker_ids: pd.Series) -> np.ndarray:
    """Each id's position in ``index`` (-1 where it is not there)."""
    return index.get_indexer(pd.Index(worker_ids.astype(object)))


def _job_links(jobs: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    pos = _positions(index, jobs["worker_id"])
    jobs, pos = jobs[pos >= 0], pos[pos >= 0]
    return pd.concat(
        [
            pd.DataFrame({"position": pos, "other": jobs["employer_id"].to_numpy()}),
            pd.DataFrame({"position": pos, "other": jobs["contractor_id"].to_numpy()}),
        ]
    )


def _days(dates: pd.Series) -> pd.Series:
    """Days since 1970 (float, NaN when missing)."""
    values = pd.to_datetime(dates)
    return (values - pd.Timestamp("1970-01-01")).dt.days.astype("float64")


def _home_districts(
    t: pd.DataFrame, moves: pd.DataFrame, pos: np.ndarray, departed: np.ndarray
) -> pd.Series:
    """The household's district, else the one the registration's return-home moves reach,
    else where its earliest move for work left from (the first move of a registration made
    at a destination may leave from there, not home: a return home says more)."""
    known = pd.to_numeric(t["home_district_code"]).astype("float64")
    frame = pd.DataFrame(
        {
            "position": pos,
            "to": pd.to_numeric(moves["to_district_code"]).to_numpy(dtype="float64"),
            "home": (moves["reason"] == "return_home").to_numpy(dtype=bool),
        }
    )
    returns = frame[frame["home"]].dropna(subset=["to"])
    # the district most return-home moves reach (the smallest code among equals)
    counts = returns.groupby(["position", "to"]).size().rename("moves").reset_index()
    counts = counts.sort_values(["position", "moves", "to"], ascending=[True, False, True])
    by_return = counts.drop_duplicates("position").set_index("position")["to"]
    inferred = pd.Series(np.nan, index=t.index)
    inferred.loc[by_return.index] = by_return
    home = known.fillna(inferred)
    # else where its earliest move for work left from: a help desk meets a worker leaving
    # home, and a destination centre records the arrival from home (only the moves of
    # registrations still without a home are looked at: a few percent of them)
    lacking = np.isnan(home.to_numpy())[pos]
    work = lacking & (moves["reason"] == "work").to_numpy(dtype=bool)
    origin = pd.to_numeric(moves["from_district_code"][work]).to_numpy(dtype="float64")
    mover, day = pos[work], departed[work]
    order = np.lexsort((origin, day, mover))
    mover, origin = mover[order], origin[order]
    first = np.r_[True, mover[1:] != mover[:-1]][: len(mover)] & ~np.isnan(origin)
    by_work = pd.Series(np.nan, index=t.index)
    by_work.iloc[mover[first]] = origin[first]
    return home.fillna(by_work)


def located(
    regs: Registrations, positions: np.ndarray, days: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each registration (by position) was on each day, from its moves:
    (district of the last move that left on or before the day, NaN if none;
    days since that move arrived; days to the nearest departure either side)."""
    days = np.nan_to_num(days, nan=0).astype(np.int64)
    if len(regs.move_key) == 0:
        nan = np.full(len(positions), np.nan)
        return nan, nan, nan
    probe = (positions.astype(np.int64) << DAY_BITS) | days
    # looked up in the probes' order, then put back: searches and gathers that walk the
    # moves forward stay in the cache (9 million probes at random: 12 s; sorted: 4 s)
    order = np.argsort(probe, kind="stable")
    found = _located_sorted(regs, probe[order], positions[order], days[order])
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    district, since, gap = (values[back] for values in found)
    return district, since, gap


def _located_sorted(
    regs: Registrations, probe: np.ndarray, positions: np.ndarray, days: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``located`` of probes in ascending order (at least one move)."""
    at = np.searchsorted(regs.move_key, probe, side="right") - 1
    safe = np.clip(at, 0, len(regs.move_key) - 1)
    mine = (at >= 0) & ((regs.move_key[safe] >> DAY_BITS) == positions)
    district = np.where(mine, regs.move_to[safe], np.nan)
    since = np.where(mine, days - regs.move_arrived[safe], np.nan)
    before_gap = np.where(mine, days - (regs.move_key[safe] & ((1 << DAY_BITS) - 1)), np.inf)
    nxt = np.clip(at + 1, 0, len(regs.move_key) - 1)
    after_mine = (regs.move_key[nxt] >> DAY_BITS) == positions
    after_gap = np.where(after_mine, (regs.move_key[nxt] & ((1 << DAY_BITS) - 1)) - days, np.inf)
    return district, since, np.minimum(before_gap, after_gap)
