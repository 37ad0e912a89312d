"""Worker search: spelling variants of Indian names, ids, phones, e-Shram numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker.search import WorkerIndex, name_key, phone_digits

VARIANTS = [
    ("Mohd Salim", "Mohammad Saleem"),
    ("Md. Salim", "Muhammad Salim"),
    ("Sunita Kumari", "Suneeta Kumary"),
    ("Lakshmi Devi", "Laxmi Debi"),
    ("Vijay", "Bijay"),
    ("Vikash", "Bikas"),
    ("Munna", "Muna"),
    ("Bhola", "Bola"),
    ("Shyam", "Syam"),
    ("Pooja", "Puja"),
    ("Seeta", "Sita"),
    ("Jawahar", "Javahar"),
    ("Tirkey", "Tirki"),
    ("Zakir", "Jakir"),
    ("Sk Rafiq", "Sheikh Rafique"),
]


@pytest.mark.parametrize(("one", "other"), VARIANTS)
def test_spelling_variants_share_a_key(one, other):
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(("one", "other"), [("Ram", "Rani"), ("Pal", "Patel"), ("Sita", "Savita")])
def test_different_names_keep_different_keys(one, other):
    assert name_key(one) != name_key(other)


def index() -> WorkerIndex:
    rows = [
        ("W1", "Mohammad Saleem Ansari", "9876543210", "123456789012"),
        ("W2", "Suneeta Kumary", None, None),
        ("W3", "Bijay Mahato", "09123456780", None),
        ("W4", "Sunil Kumar", None, None),
        ("W5", "Rani Devi", None, None),
    ]
    frame = pd.DataFrame(rows, columns=["worker_id", "name", "phone", "eshram_uan"])
    frame["gender"] = None
    frame["birth_year"] = pd.array([1990, None, 1985, 2000, 1970], dtype="Int64")
    return WorkerIndex.from_table(frame)


@pytest.mark.parametrize(
    ("query", "expected", "matched"),
    [
        ("Mohd Salim Ansari", "W1", "name"),
        ("md saleem", "W1", "name"),
        ("Sunita Kumari", "W2", "name"),
        ("Vijay Mahto", "W3", "name"),  # v/b and a dropped vowel (fuzzy)
        ("Rani Debi", "W5", "name"),
        ("W4", "W4", "worker_id"),
        ("+91 98765 43210", "W1", "phone"),
        ("9123456780", "W3", "phone"),
        ("1234 5678 9012", "W1", "eshram_uan"),
    ],
)
def test_search_finds_the_worker_first(query, expected, matched):
    total, hits = index().search(query)
    assert total >= 1
    assert hits[0].worker_id == expected
    assert hits[0].matched == matched


def test_search_pages_and_ranks_full_matches_first():
    total, hits = index().search("Sunita Kumari", limit=1)
    assert total >= 1 and len(hits) == 1 and hits[0].worker_id == "W2"
    assert index().search("Qqqq Xxxx") == (0, [])
    assert index().search("   ") == (0, [])


def test_phone_digits():
    assert phone_digits("+91-98765 43210") == "9876543210"
    assert phone_digits("098765 43210") == "9876543210"
    assert phone_digits("12345") is None


def test_sample_index_finds_every_worker_by_exact_name(api_store):
    built = WorkerIndex.build(api_store)
    for row in built.workers.head(200).itertuples():
        found = [h.worker_id for h in built.search(row.name, limit=1000)[1]]
        assert row.worker_id in found
