"""Calendar arithmetic on whole arrays of days.

Dates are held as ``int`` days since 1970-01-01 (numpy's ``datetime64[D]`` epoch) so that
millions of them can be shifted, compared and split into year/month/day at once.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.date(1970, 1, 1)
MISSING = -1
"""A day that is not known (an arrival not reported, a journey still under way)."""


def day_of(date: dt.date) -> int:
    return (date - EPOCH).days


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def ymd_days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days of (year, month 1-12, day); a day past the month's end runs on into the next."""
    months = (np.asarray(year, np.int64) - 1970) * 12 + (np.asarray(month, np.int64) - 1)
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first + np.asarray(day, np.int64) - 1


def split(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month 1-12, day 1-31) of each day."""
    d = np.asarray(days, np.int64).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def month_of(days: np.ndarray) -> np.ndarray:
    return (
        np.asarray(days, np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        % 12
        + 1
    )


def year_of(days: np.ndarray) -> np.ndarray:
    return (
        np.asarray(days, np.int64).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
        + 1970
    )
