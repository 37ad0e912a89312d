"""Score found circuits against an answer key (``answers/circuits.csv`` of a batch).

Used by the quality test on the sample and by ``bench/circuits_quality.py`` on fresh
``lmt synth`` batches, so both measure the same way.

The measure: match on (worker_id, origin, destination), one row per worker and
circuit; precision, recall, and the share of matched rows whose departure and return months
are right within a month either way (December next to January).
"""

from __future__ import annotations

import pandas as pd

from analytics.seasons import month_distance

ROUTE = ["worker_id", "origin_district_code", "destination_district_code"]


def score(found: pd.DataFrame, key: pd.DataFrame) -> dict[str, float]:
    """Precision, recall, months right, and counts, of ``found`` against ``key``."""
    found = found.astype({"worker_id": "str", **{c: "int64" for c in ROUTE[1:]}})
    key = key.astype({"worker_id": "str", **{c: "int64" for c in ROUTE[1:]}})
    both = found.merge(key, on=ROUTE, how="outer", suffixes=("", "_key"), indicator=True)
    counts = both["_merge"].value_counts()
    hits, extra, missed = (int(counts.get(k, 0)) for k in ("both", "left_only", "right_only"))
    matched = both[both["_merge"] == "both"]
    depart = month_distance(matched["depart_month"], matched["depart_month_key"]) <= 1
    back = month_distance(matched["return_month"], matched["return_month_key"]) <= 1
    return {
        "key": len(key),
        "found": len(found),
        "matched": hits,
        "extra": extra,
        "missed": missed,
        "precision": hits / (hits + extra) if hits + extra else 1.0,
        "recall": hits / (hits + missed) if hits + missed else 1.0,
        "depart_ok": float(depart.mean()) if hits else 1.0,
        "return_ok": float(back.mean()) if hits else 1.0,
        "months_ok": float((depart & back).mean()) if hits else 1.0,
        "seasons_equal": float((matched["seasons"] == matched["seasons_key"]).mean())
        if hits
        else 1.0,
        "years_equal": float(
            (
                (matched["first_year"] == matched["first_year_key"])
                & (matched["last_year"] == matched["last_year_key"])
            ).mean()
        )
        if hits
        else 1.0,
    }
