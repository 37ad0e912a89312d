"""Contractor chains: from each principal employer down to the recruiters who find workers.

A chain is a path of contractor links that were all in force at some common time: the
contractor supplying the employer, its sub-contractors, down to a recruiter. It ends at a
contractor who placed workers with that employer, or at one nobody supplies. Chains are
found level by level with joins on the links table (no per-chain Python loop), at most
``MAX_DEPTH`` contractors deep, so that a tangle in the data cannot run forever. A link
that would bring a chain back to a contractor already on it is a circle in the data and is
reported as a data error, as is a chain cut at ``MAX_DEPTH``.

A chain is as risky as its riskiest contractor (everyone it supplies passes through them):
``risk_score`` is the highest member score and ``flagged`` says whether any member is.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from analytics.contractor_risk import contractor_risk
from analytics.supply_graph import (
    SupplyRecords,
    decode_ids,
    encode_ids,
    placements,
    read_supply_records,
)
from tracker.store import GraphStore

MAX_DEPTH = 8
"""Most contractors in one chain; the sample's deepest has 4."""

CHAIN_COLUMNS = (
    "chain_id",
    "employer_id",
    "contractor_ids",
    "depth",
    "workers",
    "risk_score",
    "flagged",
    "recruiter_id",
    "riskiest_contractor_id",
    "flagged_contractor_ids",
    "from_date",
    "to_date",
    "link_ids",
)
"""Columns of ``chains.csv``: the format's seven first, then what helps to act on it."""
ERROR_COLUMNS = ("kind", "employer_id", "contractor_ids", "link_ids", "reason")

_EARLIEST = pd.Timestamp("1000-01-01")
_LATEST = pd.Timestamp("9000-01-01")


def chains_from_store(store: GraphStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chains with their risk, and the data errors met on the way, from a store."""
    return chains_with_risk(read_supply_records(store))


def chains_with_risk(
    records: SupplyRecords, risk: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``contractor_chains`` plus each chain's risk from its members' (``chain_risk``).

    ``risk`` is ``contractor_risk(records)``, computed here when not given.
    """
    records = encode_ids(records)
    placed = placements(records.employments, records.moves)
    if risk is None:
        risk = contractor_risk(records, placed)
    chains, errors = contractor_chains(records.links, placed, names=records.names)
    return chain_risk(chains, risk), errors


def contractor_chains(
    links: pd.DataFrame,
    placed: pd.DataFrame,
    max_depth: int = MAX_DEPTH,
    names: pd.Index | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every chain from a principal employer down to a recruiter, and the data errors.

    ``links`` is the SUPPLIES edge table, ``placed`` a ``placements`` table (which
    contractor placed which worker with which employer, when); with ``names``, their ids
    are ``encode_ids`` codes and come out as ids again. Returns the chains (without risk
    columns) and a table of data errors (circles, chains cut at ``max_depth``).
    """
    paths, errors = chain_paths(links, recruiting_pairs(placed), max_depth, names)
    return finish_chains(paths, chain_workers(paths, placed), names), errors


def chain_paths(
    links: pd.DataFrame,
    recruits: pd.MultiIndex,
    max_depth: int = MAX_DEPTH,
    names: pd.Index | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chains' paths (one row per distinct chain, ids as in ``links``) and the errors.

    ``recruits`` are the (contractor, employer) pairs where the contractor placed workers
    with the employer (``recruiting_pairs``): a chain may end there. The paths need no
    worker's records but these pairs; ``chain_workers`` counts the chains' workers, set by
    set of workers if need be, and ``finish_chains`` makes chains.csv rows of them.
    """
    links = _windowed(links)
    up = links[links["supplies_to_kind"] == "employer"]
    below = links[links["supplies_to_kind"] == "contractor"][
        ["contractor_id", "supplies_to_id", "link_id", "start", "end"]
    ]
    paths = pd.DataFrame(
        {
            "employer_id": up["supplies_to_id"].to_numpy(),
            "c1": up["contractor_id"].to_numpy(),
            "start": up["start"].to_numpy(),
            "end": up["end"].to_numpy(),
            "link_ids": up["link_id"].to_numpy(),
        }
    )
    found: list[pd.DataFrame] = []
    errors: list[pd.DataFrame] = []
    for depth in range(1, max_depth + 1):
        if paths.empty:
            break
        last = f"c{depth}"
        step = paths.reset_index(names="path").merge(
            below, left_on=last, right_on="supplies_to_id", how="inner", suffixes=("", "_link")
        )
        step["start"] = np.maximum(step["start"], step["start_link"])
        step["end"] = np.minimum(step["end"], step["end_link"])
        step = step[step["start"] <= step["end"]]
        circle = np.zeros(len(step), dtype=bool)
        for level in range(1, depth + 1):
            circle |= (step[f"c{level}"] == step["contractor_id"]).to_numpy()
        if circle.any():
            errors.append(_circle_errors(step[circle], depth, names))
        step = step[~circle]

        extended = paths.index.isin(step["path"])
        ends_here = ~extended | _recruits_here(paths, last, recruits)
        found.append(paths[ends_here].assign(depth=depth, recruiter_id=paths.loc[ends_here, last]))

        nxt = f"c{depth + 1}"
        paths = pd.DataFrame(
            {
                **{f"c{level}": step[f"c{level}"].to_numpy() for level in range(1, depth + 1)},
                nxt: step["contractor_id"].to_numpy(),
                "employer_id": step["employer_id"].to_numpy(),
                "start": step["start"].to_numpy(),
                "end": step["end"].to_numpy(),
                "link_ids": (step["link_ids"] + "|" + step["link_id"]).to_numpy(),
            }
        )
    if not paths.empty:
        errors.append(_too_deep_errors(paths, max_depth, names))
    chains = _assemble(found)
    error_table = (
        pd.concat(errors, ignore_index=True).drop_duplicates(["kind", "contractor_ids"])
        if errors
        else pd.DataFrame(columns=list(ERROR_COLUMNS))
    )
    return chains, error_table.reset_index(drop=True)


def chain_risk(chains: pd.DataFrame, risk: pd.DataFrame) -> pd.DataFrame:
    """Each chain's risk from its members: the riskiest member's score, and who is flagged."""
    members = (
        chains[["chain_id", "contractor_ids"]]
        .assign(contractor_id=chains["contractor_ids"].str.split("|"))
        .explode("contractor_id")
        .merge(risk[["contractor_id", "risk_score", "flagged"]], on="contractor_id", how="left")
    )
    members["risk_score"] = members["risk_score"].fillna(0.0)
    members["flagged"] = members["flagged"].fillna(False).astype(bool)
    ordered = members.sort_values(["chain_id", "risk_score"], ascending=[True, False])
    top = ordered.drop_duplicates("chain_id").set_index("chain_id")
    flagged_ids = members[members["flagged"]].groupby("chain_id")["contractor_id"].agg("|".join)
    out = chains.copy()
    out["risk_score"] = out["chain_id"].map(top["risk_score"]).fillna(0.0)
    out["riskiest_contractor_id"] = out["chain_id"].map(top["contractor_id"])
    out["flagged_contractor_ids"] = (
        out["chain_id"].map(flagged_ids).astype("object").fillna("").astype("str")
    )
    out["flagged"] = out["flagged_contractor_ids"] != ""
    return out[list(CHAIN_COLUMNS)].sort_values(
        ["risk_score", "workers", "chain_id"], ascending=[False, False, True], ignore_index=True
    )


# -- steps ------------------------------------------------------------------------------


def _windowed(links: pd.DataFrame) -> pd.DataFrame:
    """Links with ``start``/``end`` days, open ends made far past and far future."""
    return links.assign(
        start=links["from_date"].fillna(_EARLIEST).astype("datetime64[us]"),
        end=links["to_date"].fillna(_LATEST).astype("datetime64[us]"),
        link_id=links["link_id"].astype("str"),
    )


def recruiting_pairs(placed: pd.DataFrame) -> pd.MultiIndex:
    """(contractor, employer) pairs where the contractor placed workers with the employer."""
    pairs = placed.loc[placed["employer_id"].notna(), ["contractor_id", "employer_id"]]
    return pd.MultiIndex.from_frame(pairs.drop_duplicates())


def _recruits_here(paths: pd.DataFrame, last: str, recruits: pd.MultiIndex) -> np.ndarray:
    """Whether a path's last contractor itself placed workers with the path's employer."""
    here = pd.MultiIndex.from_arrays([paths[last], paths["employer_id"]])
    return here.isin(recruits)


def _assemble(found: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per distinct chain: employer, levels ``c1..cN``, depth, recruiter, period."""
    if not found:
        return pd.DataFrame(
            columns=["employer_id", "c1", "depth", "recruiter_id", "start", "end", "link_ids"]
        )
    rows = pd.concat(found, ignore_index=True)
    keys = ["employer_id", *_levels(rows)]
    chains = (
        rows.groupby(keys, dropna=False, sort=False)
        .agg(
            depth=("depth", "first"),
            recruiter_id=("recruiter_id", "first"),
            start=("start", "min"),
            end=("end", "max"),
            link_ids=("link_ids", "first"),
            reports=("link_ids", "size"),
        )
        .reset_index()
    )
    if (chains["reports"] > 1).any():  # the same chain through several dated links: rare
        joined = rows.groupby(keys, dropna=False, sort=False)["link_ids"].agg(
            lambda s: ";".join(dict.fromkeys(s))
        )
        several = chains["reports"] > 1
        chains.loc[several, "link_ids"] = joined.to_numpy()[several.to_numpy()]
    return chains.drop(columns="reports")


def finish_chains(
    paths: pd.DataFrame, workers: pd.Series, names: pd.Index | None = None
) -> pd.DataFrame:
    """chains.csv rows (without risk) from ``chain_paths`` and ``chain_workers``, ids decoded."""
    columns = [c for c in CHAIN_COLUMNS if c not in ("risk_score", "flagged")]
    columns = [c for c in columns if c not in ("riskiest_contractor_id", "flagged_contractor_ids")]
    if paths.empty:
        return pd.DataFrame(columns=columns)
    chains = paths.copy()
    levels = _levels(chains)
    chains["workers"] = workers.to_numpy()
    for column in ("employer_id", "recruiter_id", *levels):
        chains[column] = decode_ids(chains[column], names)
    chains["contractor_ids"] = _joined_path(chains, levels)
    chains["chain_id"] = [
        _chain_id(employer, path)
        for employer, path in zip(chains["employer_id"], chains["contractor_ids"], strict=True)
    ]
    chains["from_date"] = chains["start"].where(chains["start"] > _EARLIEST)
    chains["to_date"] = chains["end"].where(chains["end"] < _LATEST)
    return chains[columns]


def _levels(frame: pd.DataFrame) -> list[str]:
    return sorted((c for c in frame.columns if _is_level(c)), key=lambda c: int(c[1:]))


def _is_level(column: str) -> bool:
    return column.startswith("c") and column[1:].isdigit()


def _joined_path(frame: pd.DataFrame, levels: list[str]) -> pd.Series:
    """``c1|c2|...`` from the level columns (ids), stopping at the first missing level."""
    path = frame[levels[0]].astype("str")
    for level in levels[1:]:
        present = frame[level].notna()
        path = path.where(~present, path + "|" + frame[level].astype("str"))
    return path


def chain_workers(chains: pd.DataFrame, placed: pd.DataFrame) -> pd.Series:
    """Different workers the chain's recruiter placed with its employer while it was in force.

    ``chains`` are ``chain_paths`` rows; the counts of sets of workers with no worker in
    common add up.

    A worker placed through a recruiter with two chains to the same employer in force at
    once counts in both: the records do not say which one carried them.
    """
    if chains.empty:
        return pd.Series([], index=chains.index, dtype="int64")
    jobs = placed.loc[
        placed["employer_id"].notna(), ["contractor_id", "employer_id", "worker_id", "placed_on"]
    ]
    jobs = jobs[jobs["contractor_id"].isin(chains["recruiter_id"])]
    ends = chains[["recruiter_id", "employer_id", "start", "end"]].assign(
        row=np.arange(len(chains))
    )
    joined = ends.merge(
        jobs, left_on=["recruiter_id", "employer_id"], right_on=["contractor_id", "employer_id"]
    )
    when = joined["placed_on"]
    inside = when.isna() | ((when >= joined["start"]) & (when <= joined["end"]))
    counts = joined[inside].drop_duplicates(["row", "worker_id"]).groupby("row").size()
    return pd.Series(
        counts.reindex(np.arange(len(chains)), fill_value=0).to_numpy(), index=chains.index
    )


def _chain_id(employer_id: str, contractor_ids: str) -> str:
    """A stable id: the same chain gets the same id in every run and on every store."""
    digest = hashlib.sha1(f"{employer_id}>{contractor_ids}".encode()).hexdigest()
    return f"CH-{digest[:12]}"


def _circle_errors(step: pd.DataFrame, depth: int, names: pd.Index | None) -> pd.DataFrame:
    ids = {c: decode_ids(step[c], names) for c in [f"c{k}" for k in range(1, depth + 1)]}
    who = decode_ids(step["contractor_id"], names)
    path = _joined_path(pd.DataFrame(ids), list(ids))
    return pd.DataFrame(
        {
            "kind": "circle",
            "employer_id": decode_ids(step["employer_id"], names).to_numpy(),
            "contractor_ids": (path + "|" + who).to_numpy(),
            "link_ids": (step["link_ids"] + "|" + step["link_id"]).to_numpy(),
            "reason": [
                f"{c} already appears higher in this chain: the links form a circle" for c in who
            ],
        }
    )


def _too_deep_errors(paths: pd.DataFrame, max_depth: int, names: pd.Index | None) -> pd.DataFrame:
    ids = {c: decode_ids(paths[c], names) for c in [f"c{k}" for k in range(1, max_depth + 1)]}
    return pd.DataFrame(
        {
            "kind": "too_deep",
            "employer_id": decode_ids(paths["employer_id"], names).to_numpy(),
            "contractor_ids": _joined_path(pd.DataFrame(ids), list(ids)).to_numpy(),
            "link_ids": paths["link_ids"].to_numpy(),
            "reason": f"chain goes on beyond {max_depth} contractors; cut there",
        }
    )
