"""Candidate pairs: the registrations worth comparing, found by equal keys, never all pairs.

Each rule is an equi-join on one key (Splink's blocking rules): a pair is a candidate when
any rule puts its two registrations under the same key. Every key holds a name token's
skeleton or an identifier:

* the same phone, or the same e-Shram number;
* a name token, the birth year (or the next) and the gender;
* a name token and the home district;
* a name token, another token's initial and the gender (K. Roy / Kiran Roy);
* a name token, and the district and year where one registration was made at a centre away
  from home while the other was seen there (its moves went there that year): the strong
  signal that a later registration is made where the person was on that day;
* all name tokens and the gender.

Keys are integer codes and pairs are made with numpy, so memory is a few bytes a pair. A
key group of up to ``ALL_PAIRS_UP_TO`` registrations gives all its pairs; a larger one (a
common name, a shared phone of a labour camp) is sorted by the whole name and birth year
and each registration is paired with its ``WINDOW`` neighbours there (the sorted
neighbourhood method, Hernández and Stolfo 1995), so that cost grows with the records, not
with the square of the commonest names, and common names still meet their own variants.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.identity.comparisons import codes
from tracker.identity.names import skeleton
from tracker.identity.records import DAY_BITS, Registrations

ALL_PAIRS_UP_TO = 12
"""Key groups up to this size give all their pairs."""
WINDOW = 4
"""In a larger group sorted by name and birth year, each registration meets this many that
follow it."""

AWAY_KINDS = ("destination_centre", "transit_point")
"""Centres where a registration says where the person was on that day."""

RULES = (
    "phone",
    "eshram_uan",
    "name_birth_year",
    "name_home",
    "initial_name",
    "name_gender",
    "seen_there",
)


def candidate_pairs(regs: Registrations, new: np.ndarray | None = None) -> pd.DataFrame:
    """Distinct candidate pairs ``a < b`` (positions) with the rule that found each first.

    ``new``: positions of new registrations; then only pairs with at least one new
    registration are returned (incremental linkage compares a batch with the store, not the
    store with itself).
    """
    t = regs.table
    n = len(t)
    is_new = None
    if new is not None:
        is_new = np.zeros(n, dtype=bool)
        is_new[new] = True
    whole_name = t["skeletons"].map(lambda s: " ".join(sorted(s)))
    order = _name_order(whole_name, t["birth_year"])
    tok = _token_rows(t)
    found: list[tuple[np.ndarray, np.ndarray, int]] = []

    def rule(
        name: str, position: np.ndarray, key: np.ndarray, marked: np.ndarray | None = None
    ) -> None:
        keep = key >= 0
        a, b = _pairs_in_groups(
            key[keep], position[keep], order, None if marked is None else marked[keep], is_new
        )
        found.append((a, b, RULES.index(name)))

    ids = np.arange(n)
    rule("phone", ids, codes(t["phone"]))
    rule("eshram_uan", ids, codes(t["eshram_uan"]))
    tp = tok["position"].to_numpy()
    token = tok["code"].to_numpy()
    sex = t["gender"].map({"female": 0, "male": 1}).to_numpy(dtype="float64")[tp]
    year = t["birth_year"].to_numpy(dtype="float64")[tp] - YEAR_ORIGIN
    # a year and the next in one key space: two birth years a year apart share a key; a
    # registration without a gender is keyed under both
    positions, keys = [], []
    for shift in (0, 1):
        for gender in (0, 1):
            mine = ~np.isnan(year) & ((sex == gender) | np.isnan(sex))
            positions.append(tp[mine])
            keys.append(_key(token[mine], np.full(mine.sum(), gender), year[mine] + shift))
    rule("name_birth_year", np.concatenate(positions), np.concatenate(keys))
    homes = t["home_district_code"].to_numpy(dtype="float64")[tp]
    rule("name_home", tp, _key(token, homes))
    initial = _initial_keys(t, tok)
    rule("initial_name", initial["position"].to_numpy(), initial["key"].to_numpy())
    rule("name_gender", ids, codes(whole_name + "|" + t["gender"].astype(str)))
    seen = _seen_there_keys(regs, tok)
    rule(
        "seen_there",
        seen["position"].to_numpy(),
        seen["key"].to_numpy(),
        seen["registered"].to_numpy(),
    )

    a = np.concatenate([f[0] for f in found])
    b = np.concatenate([f[1] for f in found])
    rules = np.concatenate([np.full(len(f[0]), f[2], dtype=np.int8) for f in found])
    distinct = a != b
    a, b, rules = a[distinct], b[distinct], rules[distinct]
    _, first = np.unique(a.astype(np.int64) * max(n, 1) + b, return_index=True)
    return pd.DataFrame(
        {"a": a[first], "b": b[first], "rule": pd.Categorical.from_codes(rules[first], RULES)}
    )


YEAR_ORIGIN = 1800
"""Years are keyed as years since this one (birth years and moves fit in 12 bits)."""


def _key(first: np.ndarray, *parts: np.ndarray) -> np.ndarray:
    """One int64 key per row from integer codes: ``first`` (a token's code) and parts of 12
    bits each (district codes, years since ``YEAR_ORIGIN``, a letter, a gender); -1 where
    any part is missing."""
    head = np.asarray(first, dtype="float64")
    missing = np.isnan(head) | (head < 0)
    key = np.where(missing, 0, head).astype(np.int64)
    for part in parts:
        part = np.asarray(part, dtype="float64")
        bad = np.isnan(part) | (part < 0) | (part >= 4096)
        missing |= bad
        key = (key << 12) + np.where(bad, 0, part).astype(np.int64)
    return np.where(missing, -1, key)


def _token_rows(t: pd.DataFrame) -> pd.DataFrame:
    """(position, skeleton, its code) of every full name token (initials left out)."""
    rows = t["skeletons"].explode().dropna()
    rows = rows[rows.str.len() > 1]
    tok = pd.DataFrame({"position": rows.index.to_numpy(), "token": rows.to_numpy()})
    tok = tok.drop_duplicates(ignore_index=True)
    tok["code"] = codes(tok["token"])
    return tok


def _name_order(whole_name: pd.Series, birth_year: pd.Series) -> np.ndarray:
    """Each registration's rank in the order of whole name (skeletons) and birth year: the
    order a large key group is windowed in."""
    frame = pd.DataFrame({"name": whole_name, "year": birth_year.fillna(0)})
    ranked = frame.sort_values(["name", "year"], kind="stable").index.to_numpy()
    order = np.empty(len(frame), dtype=np.int64)
    order[ranked] = np.arange(len(frame))
    return order


def _initial_keys(t: pd.DataFrame, tok: pd.DataFrame) -> pd.DataFrame:
    """Per registration: each full name token (its skeleton's code) with the initial of
    another of its tokens and the gender (K. Roy / Kiran Roy)."""
    tokens = t["tokens"].explode().dropna()
    slots = pd.DataFrame(
        {
            "position": tokens.index.to_numpy(),
            "slot": tokens.groupby(level=0).cumcount().to_numpy(),
            "letter": tokens.str[0].map(ord).to_numpy() - ord("a"),
            "token": tokens.map(lambda x: skeleton(x) if len(x) > 1 else None).to_numpy(),
        }
    )
    codes = tok.drop_duplicates("token").set_index("token")["code"]
    full = slots.dropna(subset=["token"])
    full = full.assign(code=codes.reindex(full["token"].to_numpy()).to_numpy())
    both = full[["position", "slot", "code"]].merge(
        slots[["position", "slot", "letter"]], on="position", suffixes=("", "_other")
    )
    both = both[both["slot"] != both["slot_other"]]
    sex = t["gender"].map({"female": 0, "male": 1}).fillna(2).to_numpy(dtype="float64")
    position = both["position"].to_numpy()
    key = _key(both["code"].to_numpy(), both["letter"].to_numpy(), sex[position])
    return pd.DataFrame({"position": position, "key": key})


def _pairs_in_groups(
    codes: np.ndarray,
    position: np.ndarray,
    order: np.ndarray,
    marked: np.ndarray | None,
    is_new: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of positions under one key code: all pairs of a small group, the sorted
    neighbourhood of a large one. ``marked``: per key row, a pair needs a marked row on one
    side; ``is_new``: per position, a pair needs a new registration on one side."""
    frame = pd.DataFrame({"code": codes, "position": position})
    if marked is not None:  # a row marked under a key keeps its mark
        frame["marked"] = marked
        frame = frame.sort_values("marked", ascending=False, kind="stable")
    frame = frame.drop_duplicates(["code", "position"])
    frame["order"] = order[frame["position"].to_numpy()]
    frame = frame.sort_values(["code", "order"], kind="stable")
    code = frame["code"].to_numpy()
    pos = frame["position"].to_numpy()
    flag = frame["marked"].to_numpy(dtype=bool) if marked is not None else None
    if len(code) == 0:
        return pos, pos
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    sizes = np.diff(np.r_[starts, len(code)])
    interesting = sizes > 1
    for need in (flag, None if is_new is None else is_new[pos]):
        if need is not None:  # only groups holding a row the pair needs
            interesting &= np.add.reduceat(need.astype(np.int64), starts) > 0
    end = np.repeat(starts + sizes, sizes)
    group_size = np.repeat(sizes, sizes)
    row = np.arange(len(code))
    alive = np.repeat(interesting, sizes)
    # partners of each row: every later row of a small group, the next WINDOW of a large one
    reach = np.where(
        group_size <= ALL_PAIRS_UP_TO, end - row - 1, np.minimum(end - row - 1, WINDOW)
    )
    reach = np.where(alive, reach, 0)
    left = np.repeat(row, reach)
    offsets = np.arange(len(left)) - np.repeat(np.cumsum(reach) - reach, reach)
    right = left + 1 + offsets
    keep = np.ones(len(left), dtype=bool)
    if flag is not None:
        keep &= flag[left] | flag[right]
    if is_new is not None:
        keep &= is_new[pos[left]] | is_new[pos[right]]
    a, b = pos[left[keep]], pos[right[keep]]
    return np.minimum(a, b), np.maximum(a, b)


def _seen_there_keys(regs: Registrations, tok: pd.DataFrame) -> pd.DataFrame:
    """Key rows (position, key, registered) for pairs sharing a name token where one was
    registered away from home in a district and year the other's moves went to;
    ``registered`` marks the registration's row (a pair needs one)."""
    t = regs.table
    away = t["centre_kind"].isin(AWAY_KINDS).to_numpy() & t["registered_day"].notna().to_numpy()
    # years since 1970 moved up by 200, so that every year is a non-negative 12-bit part
    year = (t["registered_day"].to_numpy() // 365.25) + 200
    place = _key(t["centre_district"].to_numpy(dtype="float64"), year)
    reg = tok[away[tok["position"].to_numpy()]]
    reg_position = reg["position"].to_numpy()
    district = t["centre_district"].to_numpy(dtype="float64")[reg_position]
    reg_key = _key(reg["code"].to_numpy(), district, year[reg_position])
    # where and when each registration's moves put it: a worker who arrived late in one
    # year is often still there early the next
    mover = regs.move_key >> DAY_BITS
    arrived = regs.move_arrived // 365.25 + 200
    visit_place = np.concatenate([_key(regs.move_to, arrived), _key(regs.move_to, arrived + 1)])
    visit_position = np.concatenate([mover, mover]).astype(np.int64)
    wanted = np.isin(visit_place, place[away & (place >= 0)])
    # one row per registration and (district, year) it was in, as one int64 to dedupe fast
    seen = np.unique((visit_position[wanted] << 24) | visit_place[wanted])
    visits = pd.DataFrame({"position": seen >> 24, "place": seen & ((1 << 24) - 1)})
    visits = visits.merge(tok[["position", "code"]], on="position")
    # the same key as _key(code, district, year): the place is district and year, 12 bits each
    visit_key = (visits["code"].to_numpy(dtype=np.int64) << 24) | visits["place"].to_numpy()
    return pd.DataFrame(
        {
            "position": np.concatenate([reg_position, visits["position"].to_numpy()]),
            "key": np.concatenate([reg_key, visit_key]),
            "registered": np.r_[np.ones(len(reg_key), bool), np.zeros(len(visit_key), bool)],
        }
    )
