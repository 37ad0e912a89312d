"""Pairwise precision and recall of persons against an answer key (tests, benchmarks).

A pair is two worker ids in one person; precision is the share of the pairs found that are
true, recall the share of true pairs found."""

from __future__ import annotations

import pandas as pd


def same_person_pairs(frame: pd.DataFrame, by: list[str] | str) -> int:
    """Pairs of worker ids that share ``by`` (a person id, or it and the true one)."""
    sizes = frame.groupby(by).size()
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise(found: pd.DataFrame, truth: pd.DataFrame) -> tuple[float, float]:
    """(precision, recall) over pairs of worker ids in one person; both frames have
    worker_id and person_id."""
    joined = found[["worker_id", "person_id"]].merge(
        truth[["worker_id", "person_id"]], on="worker_id", suffixes=("", "_true")
    )
    both = same_person_pairs(joined, ["person_id", "person_id_true"])
    said = same_person_pairs(joined, "person_id")
    true = same_person_pairs(joined, "person_id_true")
    return (both / said if said else 1.0), (both / true if true else 1.0)
