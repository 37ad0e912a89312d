"""The name levels of many pairs at once (``name_levels``) are those of ``name_level``, pair by
pair: on names written to reach each of its branches, and on every pair of names (and of
tokens) among the identity sample's first 400 names."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from tracker.identity.name_levels import NameTable, name_level, name_levels, similar_tokens
from tracker.identity.names import fold, name_key

SAMPLE = Path(__file__).parent / "data" / "identity-sample"

WRITTEN = [
    (),
    ("ramesh",),
    ("ramesh", "yadav"),
    ("yadav", "ramesh"),
    ("ramesh", "yadab"),
    ("rames", "yadav"),
    ("babu", "lal"),
    ("babulal",),
    ("r", "yadav"),
    ("r", "k", "yadav"),
    ("k", "yadav"),
    ("d", "r", "yadav"),
    ("s", "yadav"),
    ("r", "s"),
    ("r", "r", "yadav"),
    ("ram", "ram", "yadav"),
    ("ram", "raj", "yadav"),
    ("r", "raj"),
    ("suresh", "yadav"),
    ("suresh", "ramesh", "yadav"),
    ("yadav",),
    ("y", "ramesh"),
    ("mohammad", "salim"),
    ("mohammad", "s"),
    ("m", "salim"),
    ("salim", "m"),
    ("kiran", "roy"),
    ("k", "roy"),
    ("roy",),
    ("a", "b", "c", "d", "e"),
]


def _check(names: list[tuple[str, ...]], x: np.ndarray, y: np.ndarray) -> None:
    fast = name_levels(NameTable(names), x, y)
    slow = [name_level(names[i], names[j]) for i, j in zip(x.tolist(), y.tolist(), strict=True)]
    differ = [(names[i], names[j]) for i, j, f, s in zip(x, y, fast, slow, strict=True) if f != s]
    assert not differ, differ[:10]


def test_written_names_every_pair_both_ways():
    pairs = np.array(list(itertools.product(range(len(WRITTEN)), repeat=2)))
    _check(WRITTEN, pairs[:, 0], pairs[:, 1])


def _sample_names(count: int) -> list[tuple[str, ...]]:
    workers = pd.read_csv(SAMPLE / "workers.csv", dtype=str)
    tokens = workers["name"].map(lambda n: tuple(fold(t) for t in name_key(n)))
    return list(dict.fromkeys(tokens))[:count]


def test_sample_names_every_pair():
    names = _sample_names(400)
    assert len(names) == 400
    pairs = np.array(list(itertools.combinations(range(len(names)), 2)))
    _check(names, pairs[:, 0], pairs[:, 1])
    levels = name_levels(NameTable(names), pairs[:, 0], pairs[:, 1])
    assert len(set(levels.tolist())) >= 4  # the pairs reach several levels, not one


def test_similar_tokens_in_numpy_as_one_by_one():
    table = NameTable(_sample_names(400) + WRITTEN)
    v = len(table.tokens)
    left, right = np.divmod(np.arange(v * v), v)
    fast = table.similar(left, right)
    slow = [
        similar_tokens(table.tokens[i], table.tokens[j]) for i, j in zip(left, right, strict=True)
    ]
    assert fast.tolist() == slow
    assert 0 < fast.sum() < len(fast) / 2
