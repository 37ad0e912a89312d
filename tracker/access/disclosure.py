"""Disclosure control for what researchers and advocacy staff get.

A birth year together with a home district and a gender can single a person out; a count
of two workers on a corridor can too. Birth years are therefore shown in 5-year bands, and
counts of fewer than ``SUPPRESS_BELOW`` workers are suppressed (shown as None with a flag).
Totals over a suppressed list add up only what is shown, so that a suppressed count cannot
be recovered by subtraction.

What researchers see of each worker's profile is k-anonymous: ``k_anonymous_levels``
releases each worker's quasi-identifiers at the finest of ``QUASI_LEVELS`` at which at
least ``SUPPRESS_BELOW`` workers are shown alike (docs/privacy.md has the measured shares).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUPPRESS_BELOW = 5
BAND_YEARS = 5


def birth_band(year: int | None) -> str | None:
    """``1987`` -> ``"1985-1989"`` (bands start at multiples of 5)."""
    if year is None:
        return None
    start = int(year) - int(year) % BAND_YEARS
    return f"{start}-{start + BAND_YEARS - 1}"


def suppressed(count: int | None) -> int | None:
    """The count, or None when it is below ``SUPPRESS_BELOW`` (but not zero: none is none)."""
    if count is None or 0 < count < SUPPRESS_BELOW:
        return None
    return int(count)


DECADE_YEARS = 10

QUASI_LEVELS: tuple[tuple[str, ...], ...] = (
    ("gender", "birth_years", "home_district_code", "centre_kind", "registered_in"),
    ("gender", "birth_years", "home_district_code"),
    ("gender", "birth_decade", "home_state"),
    ("gender", "home_state"),
    (),
)
"""What a researcher may see of a worker's profile, finest first. ``registered_in`` is the
registration year (never the day or the centre: on the 100,000-worker synthetic batch the
exact date and centre single out 99.99% of workers, the month still 98%), ``centre_kind``
the kind of centre (source, destination, transit, helpline). Each worker is shown at the
first level at which at least ``SUPPRESS_BELOW`` workers are *shown* with the same values
(``k_anonymous_levels``); the figures are in docs/privacy.md."""


def birth_decade(year: int | None) -> str | None:
    """``1987`` -> ``"1980-1989"``."""
    if year is None:
        return None
    start = int(year) - int(year) % DECADE_YEARS
    return f"{start}-{start + DECADE_YEARS - 1}"


def k_anonymous_levels(table: pd.DataFrame, k: int = SUPPRESS_BELOW) -> np.ndarray:
    """Each row's level in ``QUASI_LEVELS``: local recoding to k-anonymity.

    ``table`` holds every column ``QUASI_LEVELS`` names, one row per worker. Every row
    starts at level 0; a row whose class (the rows shown at the same level with the same
    values) has fewer than ``k`` rows moves one level coarser, and again, until every class
    has ``k`` rows or its rows reach the last level, where nothing is shown. Counting only
    the rows shown at the same level is the cautious count: a row shown coarser also
    matches, so an attacker's candidates are never fewer. Rows that move leave smaller
    classes behind, so the passes repeat until nothing moves (each row moves at most
    ``len(QUASI_LEVELS) - 1`` times)."""
    n = len(table)
    codes = level_codes(table)
    level = np.zeros(n, dtype=np.int64)
    last = len(QUASI_LEVELS) - 1
    while n:
        sizes = class_sizes(codes, level)
        moving = (sizes < k) & (level < last)
        if not moving.any():
            break
        level[moving] += 1
    return level


def level_codes(table: pd.DataFrame) -> np.ndarray:
    """For each level of ``QUASI_LEVELS`` (rows) and each worker (columns), the number of
    the worker's class: the workers with the same values of that level's columns."""
    return np.stack([_class_codes(table, columns) for columns in QUASI_LEVELS])


def class_sizes(codes: np.ndarray, level: np.ndarray) -> np.ndarray:
    """How many rows are shown at each row's level with the row's values."""
    key = level * (codes.max(initial=0) + 1) + codes[level, np.arange(len(level))]
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse]


def _class_codes(table: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    if not columns:
        return np.zeros(len(table), dtype=np.int64)
    return table.groupby(list(columns), dropna=False, sort=False).ngroup().to_numpy(np.int64)
