"""How well flags and scores match an answer key: precision, recall and AUC.

Used by the quality test and the benchmark script on synthetic batches whose answer key
says which contractors are exploitative. AUC is computed from ranks (the Mann-Whitney
statistic: the chance that a random exploitative contractor scores above a random decent
one, ties counting half), so it needs no extra library.
"""

from __future__ import annotations

import pandas as pd
from pydantic import BaseModel


class FlagQuality(BaseModel):
    """Flags against the truth, and how well the score ranks the truth first."""

    flagged: int
    truly_positive: int
    true_positives: int
    precision: float
    recall: float
    auc: float


def rank_auc(scores: pd.Series, truth: pd.Series) -> float:
    """Area under the ROC curve of ``scores`` for boolean ``truth`` (index-aligned)."""
    truth = truth.astype(bool)
    ranks = scores.rank(method="average")
    positives = int(truth.sum())
    negatives = len(truth) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    rank_sum = float(ranks[truth].sum())
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def flag_quality(
    found: pd.DataFrame,
    key: pd.DataFrame,
    *,
    id_column: str = "contractor_id",
    truth_column: str = "exploitative",
) -> FlagQuality:
    """Compare ``found`` (id, ``risk_score``, ``flagged``) with an answer ``key``.

    Every id of the key counts; one missing from ``found`` is unflagged with score 0.
    """
    truth = key.set_index(id_column)[truth_column].map(_as_bool)
    result = found.set_index(id_column).reindex(truth.index)
    flagged = result["flagged"].fillna(False).astype(bool)
    scores = result["risk_score"].fillna(0.0).astype(float)
    hits = int((flagged & truth).sum())
    n_flagged, n_true = int(flagged.sum()), int(truth.sum())
    return FlagQuality(
        flagged=n_flagged,
        truly_positive=n_true,
        true_positives=hits,
        precision=hits / n_flagged if n_flagged else float("nan"),
        recall=hits / n_true if n_true else float("nan"),
        auc=rank_auc(scores, truth),
    )


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)
