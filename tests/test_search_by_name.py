"""Name search follows the rows a query reaches, and answers exactly as scoring every row did.

``dense_by_name`` below is the algorithm ``WorkerIndex._by_name`` replaced (one array the
length of the store per query word, a maximum over each close key's rows, then every
nonzero row sorted): kept here, not in the code, as the reference the new one must equal,
row for row, score for score (bit for bit), in the same order, with the same total, over
many queries on a synthetic batch's workers and on a page of any size.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synth import generate
from tracker.search import MIN_SCORE, WorkerIndex, name_words, word_key

WORKERS = 3000
SEED = 11


def dense_by_name(index: WorkerIndex, query: str) -> tuple[np.ndarray, np.ndarray]:
    """The reference: every row scored at once (the code before issue 16's search work)."""
    words = [word_key(w) for w in name_words(query)]
    if not words:
        return np.zeros(0, np.int64), np.zeros(0)
    totals = np.zeros(len(index.names), dtype=np.float64)
    for word in words:
        best = np.zeros(len(index.names), dtype=np.float64)
        for key, score in index._close(word):
            rows = index.key_rows[index.key_start[key] : index.key_start[key + 1]]
            best[rows] = np.maximum(best[rows], score)
        totals += best
    found = np.flatnonzero(totals)
    extra = np.maximum(0, index.key_count[found].astype(np.int64) - len(words))
    scores = np.round(totals[found] / len(words) - 0.01 * extra, 3)
    kept = scores >= MIN_SCORE
    found, scores = found[kept], scores[kept]
    order = np.lexsort((index.name_order[found], -scores))
    return found[order], scores[order]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> WorkerIndex:
    out = tmp_path_factory.mktemp("search") / "batch"
    generate(out, WORKERS, SEED)
    workers = pd.read_csv(Path(out) / "workers.csv", dtype=str, keep_default_na=False)
    workers = workers.replace("", None)
    workers["birth_year"] = pd.to_numeric(workers["birth_year"]).astype("Int64")
    return WorkerIndex.from_table(workers)


def respelt(rng: random.Random, name: str) -> str:
    """A name as another hand, or a hurried one, might type it."""
    words = name.split()
    change = rng.randrange(9)
    if change == 0 and words:  # a letter dropped
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 2:
            at = rng.randrange(len(w))
            words[i] = w[:at] + w[at + 1 :]
    elif change == 1 and words:  # typed in part: a prefix
        i = rng.randrange(len(words))
        words[i] = words[i][: max(1, rng.randrange(len(words[i]) + 1))]
    elif change == 2 and len(words) > 1:  # one word only
        words = [rng.choice(words)]
    elif change == 3:  # a word of another name added
        words.append(rng.choice(["Kumar", "Kumari", "Devi", "Md", "Singh", "Qqqzz"]))
    elif change == 4 and words:  # a word twice
        words.append(rng.choice(words))
    elif change == 5:
        words = [w.replace("ee", "i").replace("v", "b").replace("sh", "s") for w in words]
    elif change == 6:
        words = list(reversed(words))
    return " ".join(words)


def queries(index: WorkerIndex, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    names = [n for n in index.names if n]
    found = [respelt(rng, rng.choice(names)) for _ in range(count)]
    common = ["Kumar", "kumari", "Devi", "Sunita Kumari", "Md", "Mohd Salim", "Ram Kumar"]
    odd = [
        "Kumar Kumar",
        "Devi Devi Devi",
        "a",
        "ab",
        "Qqqq Xxxx",
        "Nobody Nowhere Zzyzx",
        "Ram Ram Kumar Devi",
    ]
    many = [  # more words than are paired (PAIRWISE_WORDS): counted instead
        "Ramesh Kumar Yadav Singh Devi Ram",
        "Sunita Kumari Devi Sunita Ram Kumar Kumari Md",
        " ".join(rng.choice(names) for _ in range(8)),
        " ".join(["Kumar"] * 12),
    ]
    return found + common + odd + many + ["Ramesh Kumar Yadav Singh Devi", "सुनीता कुमारी", "!!"]


def same(index: WorkerIndex, query: str, stop: int | None) -> None:
    rows, scores = dense_by_name(index, query)
    total, got_rows, got_scores = index._by_name(query, stop)
    assert total == len(rows), query
    assert np.array_equal(got_rows, rows[:stop]), query
    assert got_rows.dtype == rows.dtype
    # exactly the same floats, not nearly: the answer's scores are these numbers
    assert got_scores.tobytes() == scores[:stop].tobytes(), query


def test_every_answer_equals_scoring_every_row(index: WorkerIndex) -> None:
    asked = queries(index, 400, SEED)
    for query in asked:
        same(index, query, None)
    # again, now from the rows kept per word
    for query in asked[:100]:
        same(index, query, None)


@pytest.mark.parametrize("stop", [0, 1, 7, 20, 50, 1000])
def test_the_first_rows_of_a_page_equal_the_whole_answers(index: WorkerIndex, stop: int) -> None:
    for query in queries(index, 150, SEED + stop):
        same(index, query, stop)


def test_every_page_of_search_equals_a_slice_of_the_whole(index: WorkerIndex) -> None:
    rng = random.Random(SEED)
    for query in queries(index, 60, SEED + 1):
        rows, scores = dense_by_name(index, query)
        for _ in range(3):
            offset, limit = rng.choice([0, 0, 5, 20, 300]), rng.choice([1, 20, 50])
            total, hits = index.search(query, limit=limit, offset=offset)
            assert total == len(rows)
            page = slice(offset, offset + limit)
            assert [h.worker_id for h in hits] == [index.ids[r] for r in rows[page]], query
            assert [h.score for h in hits] == scores[page].tolist()
            assert all(h.matched == "name" for h in hits)


def test_a_common_word_pages_as_the_whole(index: WorkerIndex) -> None:
    """The workload the change is for: words a large share of the rows hold, asked alone
    and with a first name, where most of the answer is rows one word alone brings in."""
    common = max(
        range(len(index.vocabulary)), key=lambda k: index.key_start[k + 1] - index.key_start[k]
    )
    word = index.vocabulary[common]
    assert index.key_start[common + 1] - index.key_start[common] > WORKERS // 20
    rows, _ = dense_by_name(index, word)
    assert len(rows) > WORKERS // 20
    first = next(n.split()[0] for n in index.names if n and word_key(n.split()[-1].lower()) == word)
    for query in (word, f"{first} {word}", f"{word} {first}", f"{first} {word} {word}"):
        for stop in (None, 0, 20, len(rows) // 2, len(rows) + 5):
            same(index, query, stop)


def test_hits_show_the_workers_table_as_it_is(index: WorkerIndex) -> None:
    """Hits are taken from the Arrow columns: the same values the table's rows hold."""
    total, hits = index.search("Kumar", limit=1000)
    assert total == len(hits) > 100
    for hit in hits:
        record = index.workers.iloc[index.by_id[hit.worker_id]]
        assert hit.name == record["name"]
        assert hit.gender == (None if pd.isna(record["gender"]) else record["gender"])
        assert hit.phone == (None if pd.isna(record["phone"]) else record["phone"])
        assert hit.eshram_uan == (None if pd.isna(record["eshram_uan"]) else record["eshram_uan"])
        year = record["birth_year"]
        assert hit.birth_year == (None if pd.isna(year) else int(year))
    assert any(h.eshram_uan is None for h in hits) and any(h.eshram_uan for h in hits)
    assert any(h.phone is None for h in hits) and any(h.phone for h in hits)
    phoned = next(h for h in hits if h.phone)
    by_phone = index.search(phoned.phone)[1]
    assert phoned.model_copy(update={"matched": "phone", "score": 1.0}) in by_phone
