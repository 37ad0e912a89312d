"""The Fellegi-Sunter model: m and u per comparison level, trained without labels.

``m`` (how often a level occurs among pairs of one person), ``u`` (among pairs of two
persons) and the share of matches are fitted by expectation-maximisation on the candidate
pairs, without any labelled pair; ``u`` starts from random pairs of registrations (almost all
two persons). Both are fitted on the candidate pairs, not u on random pairs as Splink does,
because candidate pairs all share a name token or an identifier: their non-matches are
look-alikes, unlike random pairs, and holding u at its random-pair value let EM call every
candidate a match. An exact name match is weighed by how common that name is (term-frequency
adjustment: two "Ramesh Kumar"s agree by chance far more often than two "Kanhaiya Bind"s).

A pair's match weight is log2 of its prior odds plus, per comparison, log2(m/u) of its
level (a missing value adds 0); its match probability is 2^w / (1 + 2^w).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel

from tracker.identity.comparisons import BY_NAME, COMPARISONS, Comparison, compare
from tracker.identity.records import Registrations

RANDOM_PAIRS = 50_000
EM_ROUNDS = 25
TRAIN_PAIRS = 500_000
"""Candidate pairs EM trains on at most."""
ANCHORED_M = {"name": (0.55, 0.2, 0.1, 0.11, 0.01, 0.02, 0.01)}
"""m held fixed during EM: how one person's names differ between two registrations (the
shares of the identity sample's description of its later registrations: unchanged, in
Devanagari, "Kumar"/"Devi" or order changed, which compare exact, in more than half; a
spelling or a typo in a fifth; initials or one name dropped in about a tenth each; 0.35 /
0.35 before, which gave a similar name more weight than the same name).

Without an anchor, EM finds the strongest structure among candidate pairs, and that is the
household (members share phone, village, household and surname): it then learns "a person"
as "a household". Holding the name's m at what field staff report (a person's name is spelt
the same or alike almost always, reduced to initials or one name sometimes, a different
first name almost never) makes EM find persons. Splink also lets m be fixed by hand."""
TF_LEVELS = ("exact", "all_tokens_similar", "one_name_dropped")
"""Name levels weighed by how common the shared name is (a lone "Rajesh" says less than a
lone "Kanhaiya")."""
TF_CLIP = 4.0
"""The term-frequency adjustment moves an exact name match's weight by at most this (bits)."""
SMOOTHING = 1.0
"""Pseudo-count per level, so that a level never seen gets a finite weight."""


class ModelParameters(BaseModel):
    """What training learnt, kept in the store so later batches are scored alike."""

    prior: float
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    typical_name_frequency: dict[str, float] = {}
    """Per name level that the TF adjustment applies to: the typical (geometric mean) name
    frequency of candidate pairs at that level. A pair whose shared name is this common gets
    the level's weight, a rarer one more, a commoner one less."""
    trained_on_pairs: int
    trained_on_registrations: int

    def fits(self) -> bool:
        """Whether these parameters have a value for every comparison and level there is
        now (a model trained before a comparison changed does not: it is trained again)."""
        return all(
            len(self.m.get(c.name, ())) == len(self.u.get(c.name, ())) == len(c.levels)
            for c in COMPARISONS
        )

    def weights(self) -> dict[str, np.ndarray]:
        """log2(m/u) per comparison and level; 0 for ``missing``."""
        out = {}
        for c in COMPARISONS:
            w = np.log2(np.asarray(self.m[c.name]) / np.asarray(self.u[c.name]))
            if c.missing is not None:
                w[c.missing] = 0.0
            for level in c.neutral:
                w[c.levels.index(level)] = 0.0
            for level in c.against:
                w[c.levels.index(level)] = min(w[c.levels.index(level)], 0.0)
            for level in c.towards:
                w[c.levels.index(level)] = max(w[c.levels.index(level)], 0.0)
            out[c.name] = w
        return out


def token_shares(regs: Registrations) -> pd.Series:
    """Each name token's share of registrations (kept in the store for explanations)."""
    tokens = regs.table["tokens"]
    exploded = tokens.explode().dropna()
    return exploded.groupby(exploded).size() / max(len(tokens), 1)


def token_frequencies(regs: Registrations, shares: pd.Series | None = None) -> np.ndarray:
    """Per registration: the chance that a random registration carries all its name tokens
    (the product of each token's share of registrations), for the TF adjustment."""
    tokens = regs.table["tokens"]
    exploded = tokens.explode().dropna()
    share = token_shares(regs) if shares is None else shares
    share = share.reindex(exploded.unique()).fillna(share.min() if len(share) else 1.0)
    log_share = np.log(share)
    logs = pd.Series(log_share.reindex(exploded.to_numpy()).to_numpy(), index=exploded.index)
    per = logs.groupby(level=0).sum().reindex(tokens.index, fill_value=0.0)
    return np.exp(per.to_numpy(dtype="float64"))


def pair_frequencies(
    regs: Registrations, a: np.ndarray, b: np.ndarray, shares: pd.Series | None = None
) -> np.ndarray:
    """Per pair: the TF of the name with fewer tokens (what the two names share);
    ``shares``: token shares of the whole store when ``regs`` holds only some."""
    tf = token_frequencies(regs, shares)
    count = regs.table["tokens"].map(len).to_numpy()
    return np.where(count[a] <= count[b], tf[a], tf[b])


def u_from_random_pairs(regs: Registrations, seed: int = 0) -> dict[str, np.ndarray]:
    n = len(regs)
    rng = np.random.default_rng(seed)
    count = min(RANDOM_PAIRS, max(n * (n - 1) // 2, 1))
    a = rng.integers(0, n, count)
    b = rng.integers(0, n, count)
    keep = a != b
    levels = compare(regs, a[keep], b[keep])
    return {c.name: _shares(levels[c.name].to_numpy(), len(c.levels)) for c in COMPARISONS}


def _shares(levels: np.ndarray, k: int, weights: np.ndarray | None = None) -> np.ndarray:
    counts = np.bincount(levels, weights=weights, minlength=k).astype("float64")
    counts += SMOOTHING
    return counts / counts.sum()


def train(
    regs: Registrations, pairs: pd.DataFrame, levels: pd.DataFrame, seed: int = 0
) -> ModelParameters:
    """Start ``u`` from random pairs, then fit m, u and the prior by EM on the candidates
    (on ``TRAIN_PAIRS`` of them drawn at random when there are more: the level shares EM
    fits are as well estimated from half a million pairs as from all)."""
    if len(pairs) > TRAIN_PAIRS:
        drawn = np.sort(np.random.default_rng(seed).choice(len(pairs), TRAIN_PAIRS, replace=False))
        pairs = pairs.iloc[drawn].reset_index(drop=True)
        levels = levels.iloc[drawn].reset_index(drop=True)
    # u starts as the level shares among the candidates themselves (most are two persons);
    # random pairs almost never share a household, so starting there made EM take every
    # household for a person.
    u = {c.name: _shares(levels[c.name].to_numpy(), len(c.levels)) for c in COMPARISONS}
    m = {
        c.name: np.asarray(ANCHORED_M.get(c.name, _initial_m(len(c.levels), c.missing)))
        for c in COMPARISONS
    }
    prior = 0.1
    a = pairs["a"].to_numpy()
    tf = pair_frequencies(regs, a, pairs["b"].to_numpy())
    name_levels = levels["name"].to_numpy()
    typical = {}
    for level in TF_LEVELS:
        at = name_levels == BY_NAME["name"].levels.index(level)
        if at.any():
            typical[level] = float(np.exp(np.log(np.maximum(tf[at], 1e-12)).mean()))
    for _ in range(EM_ROUNDS):
        params = ModelParameters(
            prior=prior,
            m={k: list(v) for k, v in m.items()},
            u={k: list(v) for k, v in u.items()},
            typical_name_frequency=typical,
            trained_on_pairs=len(pairs),
            trained_on_registrations=len(regs),
        )
        if not len(pairs):
            break  # nothing to learn from: the starting guess stands
        p = probabilities(params, levels, tf)
        prior = float(np.clip(p.mean(), 1e-6, 0.5))
        m = {
            c.name: _shares(levels[c.name].to_numpy(), len(c.levels), weights=p)
            if c.name not in ANCHORED_M
            else np.asarray(ANCHORED_M[c.name])
            for c in COMPARISONS
        }
        u = {
            c.name: _shares(levels[c.name].to_numpy(), len(c.levels), weights=1 - p)
            for c in COMPARISONS
        }
    return ModelParameters(
        prior=prior,
        m={k: list(v) for k, v in m.items()},
        u={k: list(v) for k, v in u.items()},
        typical_name_frequency=typical,
        trained_on_pairs=len(pairs),
        trained_on_registrations=len(regs),
    )


def _initial_m(k: int, missing: int | None) -> np.ndarray:
    """A starting guess: one person's registrations mostly agree."""
    guess = np.geomspace(1.0, 0.05, k)
    if missing is not None:
        guess[missing] = 0.3
    return guess / guess.sum()


def contributions(
    params: ModelParameters, levels: pd.DataFrame, name_tf: np.ndarray
) -> pd.DataFrame:
    """Per pair and comparison: the match weight (log2 Bayes factor) its level adds."""
    return pd.DataFrame(_weights_by_comparison(params, levels, name_tf))


def _weights_by_comparison(
    params: ModelParameters, levels: pd.DataFrame, name_tf: np.ndarray
) -> dict[str, np.ndarray]:
    weights = params.weights()
    return {c.name: _weight(params, weights, c, levels, name_tf) for c in COMPARISONS}


def _weight(
    params: ModelParameters,
    weights: dict[str, np.ndarray],
    comparison: Comparison,
    levels: pd.DataFrame,
    name_tf: np.ndarray,
) -> np.ndarray:
    """Each pair's weight from one comparison (the name's adjusted by its frequency)."""
    lv = levels[comparison.name].to_numpy()
    out = weights[comparison.name][lv]
    if comparison.name == "name":
        for level, typical in params.typical_name_frequency.items():
            at = np.flatnonzero(lv == BY_NAME["name"].levels.index(level))
            adjust = np.log2(typical / np.maximum(name_tf[at], 1e-12))
            out[at] += np.clip(adjust, -TF_CLIP, TF_CLIP)
    return out


def prior_weight(params: ModelParameters) -> float:
    return float(np.log2(params.prior / (1 - params.prior)))


NAMES_DIFFER = ("some_tokens_differ", "different")
NAMES_DIFFER_CAP = 0.3
"""The highest match probability of a pair whose names differ (a different first name with
the same surname, or nothing alike), unless their e-Shram numbers agree: household members
share phone, village, travel and employers, and those agreements add up to a link under
the model's independence assumption. Such a pair can be a review candidate, never a link
by the model (the cap is below the default link threshold), and it keeps the two persons
apart (``clusters.cluster``); a person decides."""


def capped(levels: pd.DataFrame) -> np.ndarray:
    """Pairs whose probability ``NAMES_DIFFER_CAP`` bounds: the names differ, or the birth
    years are more than 5 apart (a father and son of one name and household share all the
    rest), unless the e-Shram numbers agree."""
    name = BY_NAME["name"]
    eshram = BY_NAME["eshram_uan"]
    differ = np.isin(levels["name"].to_numpy(), [name.levels.index(x) for x in NAMES_DIFFER])
    differ |= levels["birth_year"].to_numpy() == BY_NAME["birth_year"].levels.index("different")
    same_card = np.isin(
        levels["eshram_uan"].to_numpy(), [eshram.levels.index(x) for x in ("agree", "one_digit")]
    )
    return differ & ~same_card


def probabilities(params: ModelParameters, levels: pd.DataFrame, name_tf: np.ndarray) -> np.ndarray:
    # one comparison's weights at a time: eleven arrays of 23 million pairs were 2 GB
    weights = params.weights()
    total = np.zeros(len(levels))
    for c in COMPARISONS:
        total += _weight(params, weights, c, levels, name_tf)
    total += prior_weight(params)
    p = 1.0 / (1.0 + np.exp2(-np.clip(total, -60, 60)))
    return np.where(capped(levels), np.minimum(p, NAMES_DIFFER_CAP), p)
