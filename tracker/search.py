"""Finding a worker by id, phone, e-Shram number or name, however the name was spelt.

The same worker's name reaches us through different hands: "Mohd Salim" at the source
centre, "Mohammad Saleem" at the destination, "Md. Salim" on a helpline sheet; "Sunita
Kumari" and "Suneeta Kumary"; "Vijay" in Hindi and "Bijay" in Bengali. Exact matching would
split one person into several, so names are compared by a *phonetic key* per word
(``name_key``) that folds the usual variants of romanised Indian names together:

* known abbreviations and spellings of one name: Md/Mohd/Mohammad/Muhammad, Kr/Kumar, ...;
* aspirated consonants written with or without h: Bh/B, Dh/D, Kh/K, Gh/G, Jh/J, Th/T, Ph/F,
  Chh/Ch, Sh/S (Bhola/Bola, Shyam/Syam);
* v, w and b (Devi/Debi, Vikas/Bikash, Jawahar/Javahar); z/j, q/qu/k (Rafiq/Rafique);
* long vowels and their spellings: ee/i, oo/u, aa/a, ey/y/ie at the end as i (Kumary,
  Tirkey), au/ou as o, ai/ay as e;
* doubled letters (Munna/Muna, Pappu/Papu) and a final a (Sita/Seet).

Keys that still differ by a letter or two (Mahto/Mahato, Manjhi/Majhi) are caught by fuzzy
ranking: each query word takes the best of the exact key, a prefix of a key (names typed in
part), or a close key by edit similarity; a worker's score is the mean over the query's
words, so workers matching every word come first.

Ids, phones (10 digits, any +91 or 0 in front) and e-Shram numbers (12 digits) match exactly.
The index is built in memory from the Worker node table (``WorkerIndex.build``) and rebuilt
after an ingest; 100,000 workers take about a second.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel
from rapidfuzz import fuzz, process

from graph_schema import Worker
from tracker.store import GraphStore

ALIASES: dict[str, str] = {
    **dict.fromkeys(
        (
            "md",
            "mohd",
            "mohd.",
            "mhd",
            "mohammad",
            "mohammed",
            "mohamad",
            "mohamed",
            "muhammad",
            "muhammed",
            "mohammud",
            "mahammad",
            "mohmmad",
        ),
        "muhammad",
    ),
    "kr": "kumar",
    "sk": "sheikh",
    "shaikh": "sheikh",
    "shekh": "sheikh",
    "sk.": "sheikh",
}
"""Words that are one name however written; applied before the phonetic rules."""

_RULES: tuple[tuple[str, str], ...] = (
    (r"chh", "c"),
    (r"ch", "c"),
    (r"ph", "f"),
    (r"sh", "s"),
    (r"([bdgjkt])h", r"\1"),
    (r"[vw]", "b"),
    (r"z", "j"),
    (r"que$", "k"),
    (r"qu", "k"),
    (r"q", "k"),
    (r"x", "ks"),
    (r"ck", "k"),
    (r"(ey|ie|y)$", "i"),
    (r"ee", "i"),
    (r"oo", "u"),
    (r"(au|ou)", "o"),
    (r"(ai|ay)", "e"),
    (r"(.)\1+", r"\1"),
    (r"(?<=...)a$", ""),
)
_COMPILED = tuple((re.compile(pattern), repl) for pattern, repl in _RULES)
_WORD = re.compile(r"[a-z]+")
FUZZY_CUTOFF = 0.8
FUZZY_KEYS = 25
MIN_SCORE = 0.5


def name_words(name: str) -> list[str]:
    """Lower-case ASCII words of a name (diacritics dropped, punctuation splits words)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return _WORD.findall(folded)


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """The phonetic key of one lower-case word (see the module docstring)."""
    word = ALIASES.get(word, word)
    for pattern, repl in _COMPILED:
        word = pattern.sub(repl, word)
    return word


def name_key(name: str) -> list[str]:
    """The phonetic keys of a name's words, in order."""
    return [word_key(w) for w in name_words(name)]


def phone_digits(text: str) -> str | None:
    """A phone number as its 10 digits (+91, 91 or 0 in front dropped), or None."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits if len(digits) == 10 else None


class SearchHit(BaseModel):
    worker_id: str
    name: str
    gender: str | None = None
    birth_year: int | None = None
    phone: str | None = None
    eshram_uan: str | None = None
    matched: Literal["worker_id", "phone", "eshram_uan", "name"]
    score: float


@dataclass(eq=False)
class WorkerIndex:
    """Workers by id, phone, e-Shram number and phonetic name key, held in memory.

    Name keys are held as arrays, not lists of rows (at 1M workers a common key such as
    "kumari" names a sixth of them): ``vocabulary`` is the sorted distinct keys, and the
    rows of key ``k`` are ``key_rows[key_start[k]:key_start[k + 1]]``. A query scores every
    row at once in numpy, and only the page asked for becomes hits."""

    workers: pd.DataFrame
    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    by_id: dict[str, int] = field(default_factory=dict)
    by_phone: dict[str, list[int]] = field(default_factory=dict)
    by_eshram: dict[str, list[int]] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    key_of: dict[str, int] = field(default_factory=dict)
    key_start: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    key_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    key_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    """How many name words each row has (fewer other words rank first)."""
    name_order: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    """Each row's place in the order by name, then id: how equal scores are ranked."""
    registered_on: np.ndarray = field(default_factory=lambda: np.array([], "datetime64[D]"))
    """Each row's registration day (``timeline_node``): 8 bytes a worker, not a date object."""

    @classmethod
    def build(cls, store: GraphStore) -> WorkerIndex:
        return cls.from_table(store.node_table(Worker))

    @classmethod
    def from_table(cls, workers: pd.DataFrame) -> WorkerIndex:
        workers = workers.reset_index(drop=True)
        n = len(workers)
        index = cls(workers=workers)
        phones: dict[str, list[int]] = defaultdict(list)
        eshram: dict[str, list[int]] = defaultdict(list)
        index.ids = [str(w) for w in workers["worker_id"].tolist()]
        index.names = [n if isinstance(n, str) else "" for n in workers["name"].tolist()]
        days = workers["registered_on"] if "registered_on" in workers else pd.Series([None] * n)
        index.registered_on = pd.to_datetime(days).to_numpy("datetime64[D]")
        index.by_id = {worker_id: row for row, worker_id in enumerate(index.ids)}
        for row, phone in enumerate(workers["phone"].tolist()):
            digits = phone_digits(phone) if isinstance(phone, str) else None
            if digits:
                phones[digits].append(row)
        for row, uan in enumerate(workers["eshram_uan"].tolist()):
            if isinstance(uan, str) and uan:
                eshram[uan].append(row)
        index.by_phone, index.by_eshram = dict(phones), dict(eshram)
        index._index_names()
        index._close.cache_clear()
        return index

    def _index_names(self) -> None:
        keys = [name_key(n) for n in self.names]
        self.key_count = np.fromiter((len(k) for k in keys), np.int16, len(keys))
        flat_keys = [k for row in keys for k in dict.fromkeys(row)]
        flat_rows = np.repeat(
            np.arange(len(keys), dtype=np.int32),
            [len(dict.fromkeys(row)) for row in keys],
        )
        codes, vocabulary = pd.factorize(pd.Series(flat_keys, dtype=object), sort=True)
        self.vocabulary = [str(v) for v in vocabulary]
        self.key_of = {key: k for k, key in enumerate(self.vocabulary)}
        order = np.argsort(codes, kind="stable")
        self.key_rows = flat_rows[order]
        counts = np.bincount(codes, minlength=len(self.vocabulary))
        self.key_start = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        by_name = pd.DataFrame({"name": self.names, "id": self.ids}).sort_values(
            ["name", "id"], kind="stable"
        )
        self.name_order = np.empty(len(keys), dtype=np.int32)
        self.name_order[by_name.index.to_numpy()] = np.arange(len(keys), dtype=np.int32)

    def __len__(self) -> int:
        return len(self.workers)

    def timeline_node(self, worker_id: str) -> dict[str, object] | None:
        """What a timeline needs of the worker's node (``tracker.timeline.read_worker``):
        its id and registration day, from memory; None if the index has no such worker."""
        row = self.by_id.get(worker_id)
        if row is None:
            return None
        return {"worker_id": worker_id, "registered_on": self.registered_on[row].item()}

    def search(self, query: str, limit: int = 50, offset: int = 0) -> tuple[int, list[SearchHit]]:
        """The workers the query finds, best first: (how many in all, the page asked for).

        Ids, phones and e-Shram numbers match exactly; names by phonetic key and fuzzy
        ranking. Only the page's hits are built, so a common name stays cheap.
        """
        rows, matched, scores = self.matches(query)
        page = slice(offset, offset + limit)
        hits = zip(rows[page].tolist(), matched[page], scores[page].tolist(), strict=True)
        return len(rows), [self._hit(row, kind, score) for row, kind, score in hits]

    def matches(self, query: str) -> tuple[np.ndarray, list[str], np.ndarray]:
        """Every worker the query finds, best first: rows, what matched, scores."""
        query = query.strip()
        if not query:
            return np.zeros(0, np.int64), [], np.zeros(0)
        hits: dict[int, tuple[str, float]] = {}
        exact = self.by_id.get(query)
        if exact is not None:
            hits[exact] = ("worker_id", 1.0)
        digits = re.sub(r"\D", "", query)
        if digits and not re.search(r"[a-zA-Z]", query):
            for row in self.by_eshram.get(digits, []):
                hits.setdefault(row, ("eshram_uan", 1.0))
            phone = phone_digits(query)
            for row in self.by_phone.get(phone, []) if phone else []:
                hits.setdefault(row, ("phone", 1.0))
        if hits:
            order = sorted(hits, key=lambda r: (-hits[r][1], self.name_order[r]))
            return (
                np.array(order, dtype=np.int64),
                [hits[r][0] for r in order],
                np.array([hits[r][1] for r in order]),
            )
        rows, scores = self._by_name(query)
        return rows, ["name"] * len(rows), scores

    def _by_name(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose name the query's words match, best first, and their scores: each
        word takes its best key per row (``_close``), a row's score is the mean over the
        words, less 0.01 for each word of the name the query does not have."""
        words = [word_key(w) for w in name_words(query)]
        if not words:
            return np.zeros(0, np.int64), np.zeros(0)
        totals = np.zeros(len(self.names), dtype=np.float64)
        for word in words:
            best = np.zeros(len(self.names), dtype=np.float64)
            for key, score in self._close(word):
                rows = self.key_rows[self.key_start[key] : self.key_start[key + 1]]
                best[rows] = np.maximum(best[rows], score)
            totals += best
        found = np.flatnonzero(totals)
        extra = np.maximum(0, self.key_count[found].astype(np.int64) - len(words))
        scores = np.round(totals[found] / len(words) - 0.01 * extra, 3)
        kept = scores >= MIN_SCORE
        found, scores = found[kept], scores[kept]
        order = np.lexsort((self.name_order[found], -scores))
        return found[order], scores[order]

    @lru_cache(maxsize=4096)  # noqa: B019 (one index per store state; cleared on rebuild)
    def _close(self, word: str) -> tuple[tuple[int, float], ...]:
        """Keys (by number) a query word matches, with a score: exact 1, a prefix 0.9,
        close by edit 0.85 times the similarity (``rapidfuzz``'s normalised Indel
        similarity, what ``difflib``'s ratio approximates, at least ``FUZZY_CUTOFF``; the
        25 closest)."""
        found: dict[int, float] = {}
        exact = self.key_of.get(word)
        if exact is not None:
            found[exact] = 1.0
        if len(word) >= 3:
            at = bisect.bisect_left(self.vocabulary, word)
            while at < len(self.vocabulary) and self.vocabulary[at].startswith(word):
                found.setdefault(at, 0.9)
                at += 1
        close = process.extract(
            word,
            self.vocabulary,
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_CUTOFF * 100,
            limit=FUZZY_KEYS,
        )
        for _key, similarity, at in close:
            found.setdefault(at, round(0.85 * similarity / 100, 3))
        return tuple(found.items())

    def _hit(self, row: int, matched: str, score: float) -> SearchHit:
        record = self.workers.iloc[row]
        return SearchHit(
            worker_id=str(record["worker_id"]),
            name=str(record["name"]),
            gender=_text(record["gender"]),
            birth_year=None if pd.isna(record["birth_year"]) else int(record["birth_year"]),
            phone=_text(record["phone"]),
            eshram_uan=_text(record["eshram_uan"]),
            matched=matched,
            score=score,
        )


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
