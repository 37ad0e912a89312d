"""Disclosure control for what researchers and advocacy staff get.

A birth year together with a home district and a gender can single a person out; a count
of two workers on a corridor can too. Birth years are therefore shown in 5-year bands, and
counts of fewer than ``SUPPRESS_BELOW`` workers are suppressed (shown as None with a flag).
Totals over a suppressed list add up only what is shown, so that a suppressed count cannot
be recovered by subtraction.
"""

from __future__ import annotations

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
