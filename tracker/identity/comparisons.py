"""The comparisons of two registrations, each a few ordered levels (Fellegi-Sunter).

Every comparison maps a candidate pair to one level: the first listed is the strongest
agreement, ``missing`` (where it exists) says a side lacks the value and weighs nothing. The
model (``model.py``) learns how often each level occurs among pairs of one person (m) and
among other pairs (u); a level's weight is log2(m/u).

Names are compared token by token (``rapidfuzz``'s Jaro-Winkler on folded Latin tokens, or
equal consonant skeletons), so that order, filler words, initials and a dropped surname are
told apart from a different first name with the same surname, which is what a household's
members have.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import Hamming, JaroWinkler

from tracker.identity.name_levels import NameTable, name_levels
from tracker.identity.records import Registrations, located


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[str, ...]
    description: str
    against: tuple[str, ...] = ()
    """Levels that can only count against a match (their weight is capped at 0): EM on
    candidate pairs, which all share a name token or an identifier, can otherwise find a
    disagreement rarer among non-matches than among matches and reward it."""
    towards: tuple[str, ...] = ()
    """Levels that can only count towards a match (weight at least 0)."""
    neutral: tuple[str, ...] = ()
    """Levels that weigh nothing either way, as ``missing`` does: "S." against "Sunil
    Kumar" agrees, but the initial of one name in twenty says nothing of who it is (other
    fields must)."""

    @property
    def missing(self) -> int | None:
        return self.levels.index("missing") if "missing" in self.levels else None


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "name",
        (
            "exact",
            "all_tokens_similar",
            "initials_agree",
            "one_name_dropped",
            "initials_alone",
            "some_tokens_differ",
            "different",
        ),
        "name tokens after transliteration, filler words (Kumar, Devi, Mohd) set aside",
        ("some_tokens_differ", "different"),
        ("exact", "all_tokens_similar"),
        ("initials_alone",),
    ),
    Comparison(
        "birth_year",
        ("exact", "within_1", "within_2", "within_5", "different", "missing"),
        "birth year",
        ("within_5", "different"),
        ("exact", "within_1"),
    ),
    Comparison("gender", ("agree", "disagree", "missing"), "gender", ("disagree",)),
    Comparison(
        "phone", ("agree", "disagree", "missing"), "phone number", ("disagree",), ("agree",)
    ),
    Comparison(
        "eshram_uan",
        ("agree", "one_digit", "disagree", "missing"),
        "e-Shram UAN (12 digits)",
        ("disagree",),
        ("agree", "one_digit"),
    ),
    Comparison("household", ("agree", "disagree", "missing"), "household id", ("disagree",)),
    Comparison(
        "village", ("agree", "similar", "disagree", "missing"), "home village", ("disagree",)
    ),
    Comparison("home_district", ("agree", "disagree", "missing"), "home district", ("disagree",)),
    Comparison(
        "seen_there",
        (
            "registered_where_other_was",
            "passing_through",
            "called_while_away",
            "elsewhere_then",
            "called_while_home",
            "missing",
        ),
        "a registration away from home made where the other registration's moves put the"
        " worker that day (or two places at once); a helpline's while the other's moves put"
        " the worker away from home (or at home)",
        ("elsewhere_then", "called_while_home"),
        ("registered_where_other_was", "passing_through", "called_while_away"),
    ),
    Comparison(
        "registered_by",
        ("same_centre", "same_organisation", "other_organisation", "missing"),
        "the centres that made the two registrations",
    ),
    Comparison(
        "employers",
        ("shared", "none_shared", "missing"),
        "employers and contractors the two registrations were recorded with",
        ("none_shared",),
        ("shared",),
    ),
)
BY_NAME = {c.name: c for c in COMPARISONS}

RECENT_DAYS = 400
"""A move this recent says where a worker was (older ones say nothing)."""
PASSING_DAYS = 3
"""A registration at a station this close to one of the other's departures: passing by."""


def compare(regs: Registrations, a: np.ndarray, b: np.ndarray) -> pd.DataFrame:
    """The level (an int8 index into each comparison's ``levels``) of every pair."""
    t = regs.table
    out: dict[str, np.ndarray] = {}
    out["name"] = _names(t["tokens"].to_numpy(), a, b)
    out["birth_year"] = _birth_years(t["birth_year"].to_numpy(), a, b)
    for column, name in (("gender", "gender"), ("phone", "phone"), ("household_id", "household")):
        out[name] = _equal(t[column].to_numpy(dtype=object), a, b)
    out["eshram_uan"] = _eshram(t["eshram_uan"].to_numpy(dtype=object), a, b)
    out["village"] = _village(t["village"].to_numpy(dtype=object), a, b)
    out["home_district"] = _equal(t["home_district_code"].to_numpy(dtype=object), a, b)
    out["seen_there"] = _seen_there(regs, a, b)
    out["registered_by"] = _registered_by(t, a, b)
    out["employers"] = _employers(regs, a, b)
    return pd.DataFrame({k: v.astype(np.int8) for k, v in out.items()})


def codes(values: np.ndarray | pd.Series) -> np.ndarray:
    """Integer codes of the values (-1 where missing): pairs and keys compare ints, not
    objects."""
    return pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)[0].astype(np.int64)


def _equal(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """0 agree, 1 disagree, 2 missing."""
    value = codes(values)
    ca, cb = value[a], value[b]
    return np.where((ca < 0) | (cb < 0), 2, np.where(ca == cb, 0, 1))


def _birth_years(years: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    gap = np.abs(years[a] - years[b])
    level = np.select([gap == 0, gap <= 1, gap <= 2, gap <= 5], [0, 1, 2, 3], default=4)
    return np.where(np.isnan(gap), 5, level)


def _eshram(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """0 agree, 1 one digit apart, 2 disagree, 3 missing."""

    def one_digit_apart(x: list[str], y: list[str]) -> np.ndarray:
        same_length = np.array([len(p) == len(q) for p, q in zip(x, y, strict=True)], dtype=bool)
        return same_length & (_scores(Hamming.distance, x, y, np.int64) == 1)

    return _agree_alike_or_not(values, a, b, one_digit_apart)


def _village(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """0 agree, 1 similar (Jaro-Winkler above 0.9), 2 disagree, 3 missing."""

    def similar(x: list[str], y: list[str]) -> np.ndarray:
        return _scores(JaroWinkler.normalized_similarity, x, y, np.float64) > 0.9

    return _agree_alike_or_not(values, a, b, similar)


def _agree_alike_or_not(
    values: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    alike: Callable[[list[str], list[str]], np.ndarray],
) -> np.ndarray:
    """0 agree, 1 ``alike``, 2 neither, 3 missing; ``alike`` is asked once for each distinct
    pair of values that differ (values repeat across pairs)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    ca, cb = codes[a].astype(np.int64), codes[b].astype(np.int64)
    level = np.full(len(a), 3, dtype=np.int8)
    both = (ca >= 0) & (cb >= 0)
    level[both & (ca == cb)] = 0
    differ = np.flatnonzero(both & (ca != cb))
    k = max(len(uniques), 1)
    distinct, back = np.unique(ca[differ] * k + cb[differ], return_inverse=True)
    words = list(uniques)  # a list: indexing a pandas Index costs microseconds
    x = [words[i] for i in (distinct // k).tolist()]
    y = [words[i] for i in (distinct % k).tolist()]
    level[differ] = np.where(alike(x, y)[back], 1, 2)
    return level


def _scores(scorer: Callable, x: list[str], y: list[str], dtype: type) -> np.ndarray:
    """``scorer`` of each pair ``x[i], y[i]`` (``rapidfuzz.process.cpdist``)."""
    if not x:
        return np.zeros(0, dtype=dtype)
    return np.asarray(process.cpdist(x, y, scorer=scorer, dtype=dtype))


def _names(tokens: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each distinct pair of names is compared once: names repeat (the window of a common
    name meets the same spellings again and again), so this is far fewer than the pairs;
    and the distinct pairs are compared in numpy (``name_levels``), not one by one."""
    codes, names = pd.factorize(pd.Series(tokens, dtype=object))
    ca, cb = codes[a].astype(np.int64), codes[b].astype(np.int64)
    k = max(len(names), 1)
    combined = np.minimum(ca, cb) * k + np.maximum(ca, cb)
    distinct, back = np.unique(combined, return_inverse=True)
    table = NameTable(list(names))
    return name_levels(table, distinct // k, distinct % k)[back]


def _seen_there(regs: Registrations, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Level by a registration's centre and day against the other's moves: 0 the other was
    in that district then, 1 passing by (a station, a departure within days), 2 a helpline
    called while the other's moves put the worker away from home, 3 known to be elsewhere
    then, 4 a helpline called while the other was at home, 5 nothing to say (no recent
    move, a centre at home)."""
    t = regs.table
    day = t["registered_day"].to_numpy()
    kind = t["centre_kind"].to_numpy(dtype=object)
    district = t["centre_district"].to_numpy(dtype="float64")
    home = t["home_district_code"].to_numpy(dtype="float64")
    # per registration, then per pair: comparing text per pair cost seconds
    is_away = np.isin(kind, ("destination_centre", "transit_point")) & ~np.isnan(day)
    is_station = kind == "transit_point"
    is_call = np.isin(kind, CALLED) & ~np.isnan(day)
    result = np.full(len(a), 5, dtype=np.int8)
    for this, other in ((a, b), (b, a)):
        # only a registration made away from home (or by phone) says anything: the other's
        # moves are looked up for those pairs alone
        at = np.flatnonzero(is_away[this] | is_call[this])
        mine, theirs = this[at], other[at]
        where, since, gap = located(regs, theirs, day[mine])
        known = ~np.isnan(where) & (since <= RECENT_DAYS)
        call = is_call[mine]
        there = known & ~call & (where == district[mine])
        passing = ~call & is_station[mine] & (gap <= PASSING_DAYS)
        at_home = known & (where == home[theirs])
        away = known & ~np.isnan(home[theirs]) & ~at_home
        level = np.select(
            [there, passing, call & away, ~call & known, call & at_home],
            [0, 1, 2, 3, 4],
            default=5,
        )
        result[at] = np.minimum(result[at], level)
    return result


CALLED = ("helpline",)
"""Centres a worker reaches by phone, from wherever they are: a call says the worker was
away from home that day when the other's moves put them there (a migrant calls from the
worksite), and little when they were home."""


def _registered_by(t: pd.DataFrame, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    centre = codes(t["registered_at"].to_numpy(dtype=object))
    organisation = codes(t["organisation"].to_numpy(dtype=object))
    missing = (centre[a] < 0) | (centre[b] < 0)
    same_centre = centre[a] == centre[b]
    same_org = (organisation[a] == organisation[b]) & (organisation[a] >= 0)
    return np.select([missing, same_centre, same_org], [3, 0, 1], default=2)


def _employers(regs: Registrations, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    links = regs.links
    position = links["position"].to_numpy()
    has = np.zeros(len(regs), dtype=bool)
    has[position] = True
    level = np.where(has[a] & has[b], 1, 2)
    # only pairs whose employer signatures share a bit can share an employer (about 4% of
    # candidate pairs); those are joined with the employers, the rest are not
    signature = _signatures(len(regs), position, links["other"].to_numpy())
    maybe = np.flatnonzero(_overlap(signature, a, b))
    a, b = a[maybe], b[maybe]
    # a slice of the pairs at a time: each pair meets every employer of its first side, ten
    # or so rows a pair, which for 25 million pairs was gigabytes at once
    for start in range(0, len(a), EMPLOYER_PAIRS):
        end = min(start + EMPLOYER_PAIRS, len(a))
        pairs = pd.DataFrame({"a": a[start:end], "b": b[start:end], "row": maybe[start:end]})
        left = pairs.merge(links, left_on="a", right_on="position")[["row", "b", "other"]]
        shared = left.merge(links, left_on=["b", "other"], right_on=["position", "other"])
        level[shared["row"].unique()] = 0
    return level


SIGNATURE_WORDS = 4
"""64-bit words of a registration's employer signature: one bit set per employer or
contractor (by its hash), so that two registrations without a common bit share none."""


def _signatures(n: int, position: np.ndarray, other: np.ndarray) -> list[np.ndarray]:
    """Each registration's employer signature, one array per word (a word's values lie
    side by side: pairs gather them far faster than rows of a 2-D array)."""
    bits = SIGNATURE_WORDS * 64
    bit = (other.astype(np.int64).view(np.uint64) % np.uint64(bits)).astype(np.int64)
    words = []
    for word in range(SIGNATURE_WORDS):
        mine = bit // 64 == word
        signature = np.zeros(n, dtype=np.uint64)
        np.bitwise_or.at(
            signature, position[mine], np.uint64(1) << (bit[mine] % 64).astype(np.uint64)
        )
        words.append(signature)
    return words


def _overlap(signature: list[np.ndarray], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether the two signatures of each pair share a bit."""
    out = np.zeros(len(a), dtype=bool)
    for word in signature:
        out |= (word[a] & word[b]) != 0
    return out


EMPLOYER_PAIRS = 1_000_000
"""Pairs whose employers are joined at once (``_employers``)."""
