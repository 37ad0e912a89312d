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
* all name tokens and the gender;
* a name of initials alone ("S.", "N. K.", "S. Kumar" without its filler word): its first
  initial, the gender and the birth year (or one either side) or the home district, against
  the first letter of every other name with the same (a pair needs such a name on one side:
  ``INITIALS``).

Keys are 64-bit hashes of what they hold (``key_rows``: the same text gives the same key in
every run, so the keys of a store can be kept and a batch keyed alone,
``tracker.identity.cache``) and pairs are made with numpy, so memory is a few bytes a pair. A
key group of up to ``ALL_PAIRS_UP_TO`` registrations gives all its pairs; a larger one (a
common name, a shared phone of a labour camp) is sorted by the whole name and birth year
and each registration is paired with its ``WINDOW`` neighbours there (the sorted
neighbourhood method, Hernández and Stolfo 1995), so that cost grows with the records, not
with the square of the commonest names, and common names still meet their own variants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker.identity.names import skeleton
from tracker.identity.records import DAY_BITS, Registrations, hashed, sorted_distinct

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
    "initials",
    "seen_there",
)
SEEN = RULES.index("seen_there")
INITIALS = RULES.index("initials")
PLACE_BITS = 24
"""A place is a district and a year, 12 bits each (``_place``)."""
KEYS_VERSION = 3
"""Raised whenever a key is made differently: kept keys of another version are not used."""


@dataclass
class BlockingKeys:
    """Every registration's blocking keys, by position (``key_rows``).

    ``rows``: rule, key, position of every rule but seen_there, sorted by rule and key (a
    batch's groups are found by binary search); ``away``: position, place, key of each name
    token of a registration made away from home (seen_there's registered side); ``visits``:
    ``position << PLACE_BITS | place`` of every district and year a registration's moves put
    it in; ``tokens``: position, token (hash of a full name token's skeleton); ``order``:
    each position's rank by whole name and birth year (the order a large group is windowed
    in)."""

    rows: pd.DataFrame
    away: pd.DataFrame
    visits: np.ndarray
    tokens: pd.DataFrame
    order: np.ndarray


def candidate_pairs(regs: Registrations, new: np.ndarray | None = None) -> pd.DataFrame:
    """Distinct candidate pairs ``a < b`` (positions) with the rule that found each first.

    ``new``: positions of new registrations; then only pairs with at least one new
    registration are returned (incremental linkage compares a batch with the store, not the
    store with itself).
    """
    return pairs_from_keys(key_rows(regs), len(regs), new)


def pairs_from_keys(keys: BlockingKeys, n: int, new: np.ndarray | None = None) -> pd.DataFrame:
    """``candidate_pairs`` from kept keys: with ``new``, only the key groups that hold a new
    registration are looked at (every member of such a group is in ``keys``, so the pairs
    are those the whole store's blocking would give)."""
    is_new = None
    if new is not None:
        is_new = np.zeros(n, dtype=bool)
        is_new[new] = True
    found: list[tuple[np.ndarray, np.ndarray, int]] = []
    rule_of = keys.rows["rule"].to_numpy()
    key = keys.rows["key"].to_numpy()
    position = keys.rows["position"].to_numpy()
    bounds = np.searchsorted(rule_of, np.arange(len(RULES) + 1))
    initials_only = _initials_only(keys.tokens, n)
    for index in range(SEEN):
        lo, hi = bounds[index], bounds[index + 1]
        k, p = key[lo:hi], position[lo:hi]
        if is_new is not None:
            wanted = sorted_distinct(k[is_new[p]])
            if index == INITIALS:  # and only the groups with a name of initials alone
                wanted = wanted[_among(wanted, k[initials_only[p]])]
            held = _holding(k, wanted)
            k, p = k[held], p[held]
        if index == INITIALS:
            a, b = _pairs_with_marked(k, p, initials_only[p], is_new)
        else:
            a, b = _pairs_of_sorted(k, p, None, is_new)
        found.append((a, b, index))
    seen = _seen_rows(keys, is_new)
    a, b = _pairs_in_groups(
        seen["key"].to_numpy(),
        seen["position"].to_numpy(),
        keys.order,
        seen["registered"].to_numpy(),
        is_new,
    )
    found.append((a, b, SEEN))

    a = np.concatenate([f[0] for f in found])
    b = np.concatenate([f[1] for f in found])
    rules = np.concatenate([np.full(len(f[0]), f[2], dtype=np.int8) for f in found])
    distinct = a != b
    # each pair once, with the first rule that found it: the rule in the key's low bits, so
    # one sort (not a stable argsort and gathers) puts it first among the pair's rows
    n = max(n, 1)
    combined = np.sort(
        ((a[distinct].astype(np.int64) * n + b[distinct]) << RULE_BITS) | rules[distinct]
    )
    pair = combined >> RULE_BITS
    first = np.r_[len(pair) > 0, pair[1:] != pair[:-1]][: len(pair)]  # no pairs: none
    pair, rules = pair[first], (combined[first] & ((1 << RULE_BITS) - 1)).astype(np.int8)
    return pd.DataFrame(
        {"a": pair // n, "b": pair % n, "rule": pd.Categorical.from_codes(rules, RULES)}
    )


RULE_BITS = 3
"""Bits that hold a rule's index (``RULES`` has seven) beside a pair."""


def _holding(sorted_keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Indices of ``sorted_keys`` equal to one of ``wanted`` (binary search per key)."""
    lo = np.searchsorted(sorted_keys, wanted, side="left")
    hi = np.searchsorted(sorted_keys, wanted, side="right")
    sizes = hi - lo
    starts = np.repeat(lo - (np.cumsum(sizes) - sizes), sizes)
    return starts + np.arange(sizes.sum())


YEAR_ORIGIN = 1800
"""Birth years are keyed as years since this one (they fit in 12 bits)."""


def _mix(first: np.ndarray, part: np.ndarray) -> np.ndarray:
    """One 64-bit key from a hash and a small integer (splitmix64's finaliser)."""
    x = first.astype(np.int64).view(np.uint64) ^ (
        part.astype(np.int64).view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    )
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x.view(np.int64)


def _small(*parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parts of 12 bits each (district codes, years, a letter, a gender) as one integer,
    and where all of them are present and fit."""
    value = np.zeros(len(parts[0]), dtype=np.int64)
    ok = np.ones(len(parts[0]), dtype=bool)
    for part in parts:
        part = np.asarray(part, dtype="float64")
        bad = np.isnan(part) | (part < 0) | (part >= 4096)
        ok &= ~bad
        value = (value << 12) + np.where(bad, 0, part).astype(np.int64)
    return value, ok


def key_rows(regs: Registrations) -> BlockingKeys:
    """Every registration's keys (see the module docstring for the rules)."""
    t = regs.table
    n = len(t)
    whole_name = whole_names(t["skeletons"])
    order = _name_order(whole_name, t["birth_year"])
    tok = _token_rows(t)
    rows: list[tuple[int, np.ndarray, np.ndarray]] = []

    def rule(name: str, position: np.ndarray, key: np.ndarray, ok: np.ndarray) -> None:
        rows.append((RULES.index(name), position[ok], key[ok]))

    ids = np.arange(n)
    for column in ("phone", "eshram_uan"):
        rule(column, ids, hashed(t[column]), t[column].notna().to_numpy())
    tp = tok["position"].to_numpy()
    token = tok["code"].to_numpy()
    sex = t["gender"].map({"female": 0, "male": 1}).to_numpy(dtype="float64")[tp]
    year = t["birth_year"].to_numpy(dtype="float64")[tp] - YEAR_ORIGIN
    # a year and the next in one key space: two birth years a year apart share a key; a
    # registration without a gender is keyed under both
    positions, keys, oks = [], [], []
    for shift in (0, 1):
        for gender in (0, 1):
            mine = ~np.isnan(year) & ((sex == gender) | np.isnan(sex))
            part, ok = _small(np.full(mine.sum(), gender), year[mine] + shift)
            positions.append(tp[mine])
            keys.append(_mix(token[mine], part))
            oks.append(ok)
    rule("name_birth_year", np.concatenate(positions), np.concatenate(keys), np.concatenate(oks))
    part, ok = _small(t["home_district_code"].to_numpy(dtype="float64")[tp])
    rule("name_home", tp, _mix(token, part), ok)
    initial = _initial_keys(t, tok)
    rule(
        "initial_name",
        initial["position"].to_numpy(),
        initial["key"].to_numpy(),
        initial["ok"].to_numpy(),
    )
    name_gender = whole_name + "|" + t["gender"].astype(str)
    rule("name_gender", ids, hashed(name_gender), name_gender.notna().to_numpy())
    position, key = _letter_keys(t)
    rule("initials", position, key, np.ones(len(key), dtype=bool))
    frame = pd.DataFrame(
        {
            "rule": np.concatenate([np.full(len(p), r, dtype=np.int8) for r, p, _ in rows]),
            "key": np.concatenate([k for _, _, k in rows]),
            "position": np.concatenate([p for _, p, _ in rows]).astype(np.int64),
        }
    )
    return BlockingKeys(
        rows=sorted_rows(frame, order),
        away=_away_rows(t, tok),
        visits=_visits(regs),
        tokens=tok[["position", "code"]].rename(columns={"code": "token"}),
        order=order,
    )


def sorted_rows(frame: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """Key rows (rule, key, position) sorted by rule, key and the positions' ``order``, each
    (rule, key, position) once: the order a group is paired in, so a batch's groups are
    cut from the kept rows as they lie, without sorting again."""
    rule = frame["rule"].to_numpy()
    key = frame["key"].to_numpy()
    position = frame["position"].to_numpy(np.int64)
    rank = order[position]
    sort = np.lexsort((rank, key, rule))
    rule, key, position, rank = rule[sort], key[sort], position[sort], rank[sort]
    again = np.r_[False, (rule[1:] == rule[:-1]) & (key[1:] == key[:-1]) & (rank[1:] == rank[:-1])]
    keep = ~again
    return pd.DataFrame({"rule": rule[keep], "key": key[keep], "position": position[keep]})


def _token_rows(t: pd.DataFrame) -> pd.DataFrame:
    """(position, skeleton, its hash) of every full name token (initials left out)."""
    rows = t["skeletons"].explode().dropna()
    rows = rows[rows.str.len() > 1]
    tok = pd.DataFrame({"position": rows.index.to_numpy(), "token": rows.to_numpy()})
    tok = tok.drop_duplicates(ignore_index=True)
    tok["code"] = hashed(tok["token"])
    return tok


def whole_names(skeletons: pd.Series) -> pd.Series:
    """Each registration's name as its skeletons in alphabetical order."""
    return skeletons.map(lambda s: " ".join(sorted(s)))


def name_order(skeletons: pd.Series, birth_year: pd.Series) -> np.ndarray:
    """``_name_order`` from the name tokens' skeletons."""
    return _name_order(whole_names(skeletons), birth_year)


def _name_order(whole_name: pd.Series, birth_year: pd.Series) -> np.ndarray:
    """Each registration's rank in the order of whole name (skeletons) and birth year: the
    order a large key group is windowed in."""
    frame = pd.DataFrame({"name": whole_name, "year": birth_year.fillna(0)})
    ranked = frame.sort_values(["name", "year"], kind="stable").index.to_numpy()
    order = np.empty(len(frame), dtype=np.int64)
    order[ranked] = np.arange(len(frame))
    return order


LETTER_SALT = 0x1E77E25
"""Mixed into the initials rule's keys (a letter, gender, year or district are small
integers that other rules' parts could equal)."""


def _letter_keys(t: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The initials rule's (position, key) rows: a name of initials alone gives its first
    initial with the gender and each of its birth year and the years either side, and with
    its home district; every other name its first full token's first letter with the
    gender and its birth year, and with its home district. A registration without a
    gender is keyed under both."""
    # per distinct name (names repeat: 91,099 of them for 999,071 registrations)
    codes, names = pd.factorize(pd.Series(t["tokens"].to_numpy(dtype=object), dtype=object))
    name_letter = np.full(len(names), -1.0)
    name_thin = np.zeros(len(names), dtype=bool)
    for i, name in enumerate(names):
        full = [x for x in name if len(x) > 1]
        first = full[0] if full else next((x for x in name if len(x) == 1), None)
        if first is not None and "a" <= first[0] <= "z":
            name_letter[i] = ord(first[0]) - ord("a")
            name_thin[i] = not full
    known = codes >= 0
    letter = np.where(known, name_letter[np.maximum(codes, 0)], -1.0)
    thin = known & name_thin[np.maximum(codes, 0)]
    year = t["birth_year"].to_numpy(dtype="float64") - YEAR_ORIGIN
    home = t["home_district_code"].to_numpy(dtype="float64")
    sex = t["gender"].map({"female": 0, "male": 1}).to_numpy(dtype="float64")
    positions, keys = [], []
    for gender in (0, 1):
        mine = (letter >= 0) & ((sex == gender) | np.isnan(sex))
        for kind, value, shifts in ((0, year, (-1, 0, 1)), (1, home, (0,))):
            for shift in shifts:
                # the years either side only for names of initials alone
                at = np.flatnonzero(mine & thin) if shift else np.flatnonzero(mine)
                part, ok = _small(
                    np.full(len(at), kind), letter[at], np.full(len(at), gender), value[at] + shift
                )
                positions.append(at[ok])
                keys.append(_mix(np.full(int(ok.sum()), LETTER_SALT), part[ok]))
    return np.concatenate(positions).astype(np.int64), np.concatenate(keys)


def _initials_only(tokens: pd.DataFrame, n: int) -> np.ndarray:
    """Per position: whether its name has no full token (``tokens`` holds full ones)."""
    thin = np.ones(n, dtype=bool)
    thin[tokens["position"].to_numpy()] = False
    return thin


def _pairs_with_marked(
    code: np.ndarray, pos: np.ndarray, marked: np.ndarray, is_new: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs under one key (rows sorted by key and order) with a marked row on one side:
    each marked row with every other row of a small group, and with the ``WINDOW`` rows
    either side of it in a large one (what ``_pairs_of_sorted`` keeps of such a group),
    made from the marked rows alone (most groups are large and few rows are marked)."""
    if len(code) == 0:
        return pos, pos
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    sizes = np.diff(np.r_[starts, len(code)])
    group = np.repeat(np.arange(len(starts)), sizes)
    at = np.flatnonzero(marked)
    g = group[at]
    small = sizes[g] <= ALL_PAIRS_UP_TO
    lo = np.where(small, starts[g], np.maximum(starts[g], at - WINDOW))
    hi = np.where(small, starts[g] + sizes[g], np.minimum(starts[g] + sizes[g], at + WINDOW + 1))
    count = hi - lo
    left = np.repeat(at, count)
    right = (
        np.repeat(lo, count) + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    )
    keep = left != right
    # a pair of two marked rows is made from both: once is enough
    keep &= ~marked[right] | (left < right)
    a, b = pos[left[keep]], pos[right[keep]]
    if is_new is not None:
        new = is_new[a] | is_new[b]
        a, b = a[new], b[new]
    return np.minimum(a, b), np.maximum(a, b)


def _initial_keys(t: pd.DataFrame, tok: pd.DataFrame) -> pd.DataFrame:
    """Per registration: each full name token (its skeleton's hash) with the initial of
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
    known = tok.drop_duplicates("token")
    full = slots.dropna(subset=["token"])
    at = pd.Index(known["token"]).get_indexer(full["token"].to_numpy())
    full = full[at >= 0].assign(code=known["code"].to_numpy()[at[at >= 0]])
    both = full[["position", "slot", "code"]].merge(
        slots[["position", "slot", "letter"]], on="position", suffixes=("", "_other")
    )
    both = both[both["slot"] != both["slot_other"]]
    sex = t["gender"].map({"female": 0, "male": 1}).fillna(2).to_numpy(dtype="float64")
    position = both["position"].to_numpy()
    part, ok = _small(both["letter"].to_numpy(), sex[position])
    key = _mix(both["code"].to_numpy(dtype=np.int64), part)
    return pd.DataFrame({"position": position, "key": key, "ok": ok})


def _pairs_in_groups(
    codes: np.ndarray,
    position: np.ndarray,
    order: np.ndarray,
    marked: np.ndarray | None,
    is_new: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of positions under one key: all pairs of a small group, the sorted
    neighbourhood of a large one. ``marked``: per key row, a pair needs a marked row on one
    side; ``is_new``: per position, a pair needs a new registration on one side."""
    # one sort by key, order (a position's rank: equal ranks are one position) and the
    # mark first, then each (key, position) once, the marked row kept when there is one;
    # pandas' stable sort by mark, drop_duplicates and sort by key and order did the same
    # in three passes with hashing (4.7 million rows for a batch of 10,000: 4 s of CPU)
    rank = order[position]
    flags = np.zeros(len(codes), dtype=bool) if marked is None else np.asarray(marked, bool)
    sort = np.lexsort((~flags, rank, codes))
    code, rank, flags = codes[sort], rank[sort], flags[sort]
    first = np.r_[True, (code[1:] != code[:-1]) | (rank[1:] != rank[:-1])][: len(code)]
    pos = position[sort][first]
    flag = flags[first] if marked is not None else None
    return _pairs_of_sorted(code[first], pos, flag, is_new)


def _pairs_of_sorted(
    code: np.ndarray, pos: np.ndarray, flag: np.ndarray | None, is_new: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """``_pairs_in_groups`` of rows sorted by key and order, each (key, position) once."""
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
    if is_new is not None:  # only rows that are new or have a new row among their partners
        # a new row among a row's partners (the ``reach`` rows after it, all in its
        # group): counted by a running sum of new rows, not looked for step by step
        new_row = is_new[pos]
        seen_new = np.cumsum(new_row)
        soon = new_row | (seen_new[row + reach] > seen_new[row])
        reach = np.where(soon, reach, 0)
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


def _place(district: np.ndarray, day: np.ndarray, later: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A district and the year of a day (years since 1970 moved up by 200, so that every
    year is a non-negative 12-bit part), ``later`` years on, as one integer, and where both
    are known."""
    return _small(district, day // 365.25 + 200 + later)


def _away_rows(t: pd.DataFrame, tok: pd.DataFrame) -> pd.DataFrame:
    """seen_there's registered side: each name token of a registration made at a centre away
    from home, with the centre's district and the year (position, place, key)."""
    away = t["centre_kind"].isin(AWAY_KINDS).to_numpy() & t["registered_day"].notna().to_numpy()
    reg = tok[away[tok["position"].to_numpy()]]
    position = reg["position"].to_numpy()
    place, ok = _place(
        t["centre_district"].to_numpy(dtype="float64")[position],
        t["registered_day"].to_numpy()[position],
    )
    key = _mix(reg["code"].to_numpy(dtype=np.int64), place)
    return pd.DataFrame({"position": position[ok], "place": place[ok], "key": key[ok]})


def _visits(regs: Registrations) -> np.ndarray:
    """Where and when each registration's moves put it (``position << PLACE_BITS | place``,
    distinct): a worker who arrived late in one year is often still there early the next."""
    mover = (regs.move_key >> DAY_BITS).astype(np.int64)
    places, oks = [], []
    for later in (0, 1):
        place, ok = _place(regs.move_to, regs.move_arrived, later)
        places.append(place)
        oks.append(ok)
    place, ok = np.concatenate(places), np.concatenate(oks)
    return sorted_distinct((np.concatenate([mover, mover])[ok] << PLACE_BITS) | place[ok])


def _seen_rows(keys: BlockingKeys, is_new: np.ndarray | None) -> pd.DataFrame:
    """Key rows (position, key, registered) for pairs sharing a name token where one was
    registered away from home in a district and year the other's moves went to;
    ``registered`` marks the registration's row (a pair needs one). With ``is_new``, only
    the keys a new registration holds (as the registration or as the visitor)."""
    away = keys.away
    places = away["place"].to_numpy()
    visit_position = keys.visits >> PLACE_BITS
    visit_place = keys.visits & ((1 << PLACE_BITS) - 1)
    if is_new is not None:
        theirs = np.flatnonzero(is_new[visit_position])
        theirs = theirs[_among_places(visit_place[theirs], places)]
        held = np.concatenate(
            [
                away["key"].to_numpy()[is_new[away["position"].to_numpy()]],
                _visit_keys(visit_position[theirs], visit_place[theirs], keys.tokens)["key"],
            ]
        )
        # a group without a registered row gives no pairs: only registered keys matter
        away = away[_among(away["key"].to_numpy(), held)]
        places = away["place"].to_numpy()
    wanted = _among_places(visit_place, places)
    visits = _visit_keys(visit_position[wanted], visit_place[wanted], keys.tokens)
    if is_new is not None:
        visits = visits[_among(visits["key"], away["key"].to_numpy())]
    return pd.DataFrame(
        {
            "position": np.concatenate([away["position"].to_numpy(), visits["position"]]),
            "key": np.concatenate([away["key"].to_numpy(), visits["key"]]),
            "registered": np.r_[np.ones(len(away), bool), np.zeros(len(visits), bool)],
        }
    )


def _among(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """``np.isin`` of int64 keys by hashing (``np.isin`` sorts both)."""
    return pd.Series(values).isin(pd.unique(pool)).to_numpy()


def _among_places(place: np.ndarray, places: np.ndarray) -> np.ndarray:
    """``np.isin`` by a table of all places (they are below ``2 ** PLACE_BITS``)."""
    table = np.zeros(1 << PLACE_BITS, dtype=bool)
    table[places] = True
    return table[place]


def _visit_keys(position: np.ndarray, place: np.ndarray, tokens: pd.DataFrame) -> pd.DataFrame:
    """seen_there's visiting side: each (position, place) with each of the position's name
    tokens, keyed as the registered side is (``_mix(token, place)``)."""
    visits = pd.DataFrame({"position": position, "place": place}).merge(tokens, on="position")
    key = _mix(visits["token"].to_numpy(dtype=np.int64), visits["place"].to_numpy())
    return pd.DataFrame({"position": visits["position"].to_numpy(), "key": key})
