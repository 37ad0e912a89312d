"""Candidate pairs: the registrations worth comparing, found by equal keys, never all pairs.

Each rule is an equi-join on one key (Splink's blocking rules): a pair is a candidate when
any rule puts its two registrations under the same key. Every key holds a name token's
skeleton or an identifier, so cost grows with the records and the size of the largest key
groups, which ``MAX_GROUP`` bounds (a group that large says only "a common name"; its pairs
come through the narrower rules):

* the same phone, or the same e-Shram number;
* a name token and the birth year (or the next);
* a name token, another token's initial and the gender (initials);
* a name token and the home district;
* a name token, and the district and year where one registration was made at a centre away
  from home while the other was seen there (its moves went there that year): the strong
  signal that a later registration is made where the person was on that day;
* all name tokens and the gender.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.identity.names import skeleton
from tracker.identity.records import DAY_BITS, Registrations

MAX_GROUP = 400
"""Key groups with more registrations than this are skipped (their n^2/2 pairs would
dominate the cost and say nothing the other rules miss)."""

AWAY_KINDS = ("destination_centre", "transit_point")
"""Centres where a registration says where the person was on that day."""


def candidate_pairs(regs: Registrations, new: np.ndarray | None = None) -> pd.DataFrame:
    """Distinct candidate pairs ``a < b`` (positions) with the rule that found each first.

    ``new``: positions of new registrations; then only pairs with at least one new
    registration are returned (incremental linkage compares a batch with the store, not the
    store with itself).
    """
    t = regs.table
    n = len(t)
    ids = np.arange(n)
    token_rows = t["skeletons"].explode().dropna()
    token_rows = token_rows[token_rows.str.len() > 1]
    tok = pd.DataFrame({"position": token_rows.index.to_numpy(), "token": token_rows.to_numpy()})
    tok = tok.drop_duplicates(ignore_index=True)
    found = []

    def key_rule(keys: pd.DataFrame, rule: str) -> None:
        found.append(_self_join(keys, rule, new))

    key_rule(pd.DataFrame({"position": ids, "key": t["phone"]}).dropna(), "phone")
    key_rule(pd.DataFrame({"position": ids, "key": t["eshram_uan"]}).dropna(), "eshram_uan")
    years = t["birth_year"].to_numpy()[tok["position"].to_numpy()]
    # a year and the next: two birth years a year apart share a key
    for shift in (0, 1):
        keys = pd.DataFrame(
            {
                "position": tok["position"],
                "key": tok["token"] + "|" + pd.Series(years + shift).astype(str),
            }
        )
        key_rule(keys[~pd.isna(years)], "name_birth_year")
    homes = t["home_district_code"].to_numpy()[tok["position"].to_numpy()]
    keys = pd.DataFrame(
        {"position": tok["position"], "key": tok["token"] + "|" + pd.Series(homes).astype(str)}
    )
    key_rule(keys[~pd.isna(homes)], "name_home")
    key_rule(_initial_keys(t), "initial_name")
    whole = t["skeletons"].map(lambda s: " ".join(sorted(s))) + "|" + t["gender"].astype(str)
    key_rule(pd.DataFrame({"position": ids, "key": whole}), "name_gender")
    found.append(_seen_there(regs, tok, new))

    pairs = pd.concat(found, ignore_index=True)
    pairs = pairs[pairs["a"] != pairs["b"]]
    pairs = pairs.drop_duplicates(["a", "b"], ignore_index=True)
    return pairs


def _initial_keys(t: pd.DataFrame) -> pd.DataFrame:
    """Per registration: each name token with the initial of another (K. Roy / Kiran Roy),
    with the gender."""
    rows = []
    for position, tokens, gender in zip(
        range(len(t)), t["tokens"], t["gender"].astype(str), strict=True
    ):
        for i, token in enumerate(tokens):
            if len(token) < 2:
                continue
            for j, other in enumerate(tokens):
                if i != j:
                    rows.append((position, f"{other[0]}|{skeleton(token)}|{gender}"))
    return pd.DataFrame(rows, columns=["position", "key"])


def _self_join(keys: pd.DataFrame, rule: str, new: np.ndarray | None) -> pd.DataFrame:
    keys = keys.drop_duplicates()
    sizes = keys.groupby("key")["position"].transform("size")
    keys = keys[(sizes > 1) & (sizes <= MAX_GROUP)]
    right = keys
    if new is not None:
        is_new = np.zeros(int(keys["position"].max()) + 1 if len(keys) else 1, dtype=bool)
        is_new[new[new < len(is_new)]] = True
        keys_new = keys[is_new[keys["position"].to_numpy()]]
        right = keys_new
    joined = keys.merge(right, on="key", suffixes=("_l", "_r"))
    return _ordered(joined["position_l"].to_numpy(), joined["position_r"].to_numpy(), rule)


def _seen_there(regs: Registrations, tok: pd.DataFrame, new: np.ndarray | None) -> pd.DataFrame:
    """Pairs sharing a name token where one was registered away from home in a district and
    year the other's moves went to."""
    t = regs.table
    away = t.index[t["centre_kind"].isin(AWAY_KINDS).to_numpy() & t["registered_day"].notna()]
    year = (t["registered_day"] // 365.25).to_numpy()
    reg = tok[tok["position"].isin(away)].copy()
    reg["key"] = (
        reg["token"]
        + "|"
        + t["centre_district"].to_numpy()[reg["position"]].astype(str)
        + "|"
        + year[reg["position"]].astype(str)
    )
    mover = regs.move_key >> DAY_BITS
    visits = pd.DataFrame(
        {
            "position": mover,
            "district": regs.move_to,
            "year": (regs.move_arrived // 365.25),
        }
    )
    # a worker who arrived late in one year is often still there early the next
    later = visits.assign(year=visits["year"] + 1)
    visits = pd.concat([visits, later], ignore_index=True).drop_duplicates()
    visits["district"] = visits["district"].astype("Int64").astype(str)
    visits = visits.merge(tok, on="position")
    visits["key"] = visits["token"] + "|" + visits["district"] + "|" + visits["year"].astype(str)
    if new is not None:
        reg_new = reg[reg["position"].isin(new)]
        vis_new = visits[visits["position"].isin(new)]
        joined = pd.concat(
            [
                reg_new[["key", "position"]].merge(visits[["key", "position"]], on="key"),
                reg[["key", "position"]].merge(vis_new[["key", "position"]], on="key"),
            ]
        )
    else:
        joined = reg[["key", "position"]].merge(visits[["key", "position"]], on="key")
    return _ordered(joined["position_x"].to_numpy(), joined["position_y"].to_numpy(), "seen_there")


def _ordered(left: np.ndarray, right: np.ndarray, rule: str) -> pd.DataFrame:
    a = np.minimum(left, right)
    b = np.maximum(left, right)
    return pd.DataFrame({"a": a, "b": b, "rule": rule})
