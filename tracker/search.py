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
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import BaseModel
from rapidfuzz import fuzz, process

from graph_schema import Worker
from tracker.cache import VersionedLRU
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
WORD_CACHE_BYTES = 192 * 1024**2
"""Memory an index keeps for the rows of query words (``WorkerIndex._word_rows``,
``WorkerIndex._alone``), least recently used out first: at 1.38M registrations a common
word's take a few hundred kilobytes, and the words read ahead about 90 MB
(``WorkerIndex._read_common_words``)."""
PAIRWISE_WORDS = 5
"""Up to this many different words a query's shared rows are found pair by pair (10 pairs);
more, by counting (``_shared``)."""
BITMAP_SHARE = 256
"""A query word whose rows are at least 1/256 of all rows also keeps them as a bitmap (a bit
a row: 172 KB at 1.38M rows), to find the rows it shares with another word (``_WordRows``)."""


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
    rows of key ``k`` are ``key_rows[key_start[k]:key_start[k + 1]]``. A query reads the rows
    of its words' close keys, kept per word once read (``_word_rows``, ``_alone``), and only
    the page asked for is ranked and becomes hits (``_by_name``)."""

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
    hit_columns: pa.Table = field(default_factory=lambda: pa.table({}))
    """The columns a hit shows, as Arrow (the workers table's own, not copied): a page's
    rows are taken from it at once."""
    _memo: VersionedLRU[_WordRows | tuple[np.ndarray, np.ndarray]] = field(
        default_factory=lambda: VersionedLRU(WORD_CACHE_BYTES)
    )

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
        hit = ["worker_id", "name", "gender", "birth_year", "phone", "eshram_uan"]
        index.hit_columns = pa.Table.from_pandas(workers[hit], preserve_index=False)
        index._index_names()
        index._close.cache_clear()
        index._read_common_words()
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

    def _read_common_words(self) -> None:
        """Read ahead the rows of the keys that name the most rows (those kept as bitmaps:
        ``BITMAP_SHARE``), as a two-word query takes them, so the first search for a common
        name in a new index costs what later ones do: at 1.38M registrations, 169 keys
        holding 90% of all name words, half a second of CPU and about 90 MB."""
        sizes = np.diff(self.key_start)
        for key in np.flatnonzero(sizes * BITMAP_SHARE >= len(self.names)):
            self._alone(self.vocabulary[key], 2)

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
        ranking. Only the page's hits are ranked and built, so a common name stays cheap.
        """
        total, rows, matched, scores = self.matches(query, stop=offset + limit)
        page = slice(offset, offset + limit)
        return total, self._hits(rows[page], matched[page], scores[page])

    def matches(
        self, query: str, stop: int | None = None
    ) -> tuple[int, np.ndarray, list[str], np.ndarray]:
        """Every worker the query finds, best first: how many, then the first ``stop`` of
        them (all if None) as rows, what matched, scores."""
        query = query.strip()
        if not query:
            return 0, np.zeros(0, np.int64), [], np.zeros(0)
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
            order = sorted(hits, key=lambda r: (-hits[r][1], self.name_order[r]))[:stop]
            return (
                len(hits),
                np.array(order, dtype=np.int64),
                [hits[r][0] for r in order],
                np.array([hits[r][1] for r in order]),
            )
        total, rows, scores = self._by_name(query, stop)
        return total, rows, ["name"] * len(rows), scores

    def _by_name(self, query: str, stop: int | None = None) -> tuple[int, np.ndarray, np.ndarray]:
        """Rows whose name the query's words match, best first, and their scores: how many
        in all, then the first ``stop`` (all if None). Each word takes its best key per row
        (``_close``); a row's score is the mean over the words, less 0.01 for each word of
        the name the query does not have; rows under ``MIN_SCORE`` are left out, and equal
        scores go by name, then id.

        The work follows the rows the query's words reach, not the whole store. A row two
        or more words match is scored here (``_shared``). A row only one word matches
        scores what that word alone gives it in a query of this length, so those rows are
        kept per word and length, best first (``_alone``), and only as many of them as the
        page needs are read: a common surname ("kumari": a sixth of all rows) costs its
        count, not its rows."""
        words = [word_key(w) for w in name_words(query)]
        if not words:
            return 0, np.zeros(0, np.int64), np.zeros(0)
        n = len(words)
        matched = [self._word_rows(word) for word in words]
        shared, values = _shared(words, matched, len(self.names))
        totals = np.zeros(len(shared))
        for word_values in values:  # word by word, in the query's order
            totals += word_values
        scores = self._scores(shared, totals, n)
        kept = scores >= MIN_SCORE
        rows, found = [shared[kept]], [scores[kept]]
        total = len(rows[0])
        for word in dict.fromkeys(words):
            alone, alone_scores = self._alone(word, n)
            if not len(alone):
                continue
            # the word's rows that other words match too are scored in ``shared``
            first = words.index(word)
            word_values = values[first]
            also = int(
                ((word_values > 0) & (self._scores(shared, word_values, n) >= MIN_SCORE)).sum()
            )
            total += len(alone) - also
            read = slice(None) if stop is None else slice(stop + also)
            alone, alone_scores = alone[read], alone_scores[read] / 1000.0
            if also:
                only = np.ones(len(alone), dtype=bool)
                for other in matched[:first] + matched[first + 1 :]:
                    only &= ~other.has(alone)
                alone, alone_scores = alone[only], alone_scores[only]
            rows.append(alone)
            found.append(alone_scores)
        every, every_score = np.concatenate(rows), np.concatenate(found)
        keys = self._rank(every, every_score)
        if stop is not None and stop < len(keys):
            head = np.argpartition(keys, stop)[:stop] if stop > 0 else np.zeros(0, np.int64)
            order = head[np.argsort(keys[head])]
        else:
            order = np.argsort(keys)
        return total, every[order].astype(np.int64), every_score[order]

    def _scores(self, rows: np.ndarray, totals: np.ndarray, words: int) -> np.ndarray:
        """The score of each row from its sum over the query's words."""
        extra = np.maximum(0, self.key_count[rows].astype(np.int64) - words)
        return np.round(totals / words - 0.01 * extra, 3)

    def _rank(self, rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """One sort key a row: higher score first, then by name and id (``name_order``).
        Scores are rounded to thousandths, so thousandths order them exactly."""
        thousandths = np.rint(scores * 1000).astype(np.int64)
        return self.name_order[rows].astype(np.int64) - thousandths * max(1, len(self.names))

    def _word_rows(self, word: str) -> _WordRows:
        """The rows a query word matches and its best score for each: the best of its close
        keys (``_close``) among the row's keys. Kept per word."""
        cached = self._memo.get(("rows", word))
        if isinstance(cached, _WordRows):
            return cached
        close = sorted(self._close(word), key=lambda key_score: -key_score[1])
        if close:
            parts = [
                self.key_rows[self.key_start[key] : self.key_start[key + 1]] for key, _ in close
            ]
            rows = np.concatenate(parts)
            best = np.repeat(np.array([score for _, score in close]), [len(p) for p in parts])
            # best first, so a row's first place is its best score (np.unique's sort is stable)
            rows, first = np.unique(rows, return_index=True)
            best = best[first]
        else:
            rows, best = np.zeros(0, np.int32), np.zeros(0)
        found = _WordRows.of(rows[best > 0], best[best > 0], len(self.names))
        self._memo.put(("rows", word), found, found.nbytes, self._memo.version)
        return found

    def _alone(self, word: str, words: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows ``word`` alone takes to ``MIN_SCORE`` in a query of ``words`` words, in
        the order of the answer, with those scores in thousandths (``_thousandths``). Kept
        per word and length."""
        cached = self._memo.get(("alone", word, words))
        if isinstance(cached, tuple):
            return cached
        matched = self._word_rows(word)
        rows, best = matched.rows, matched.thousandths / 1000.0
        if not len(rows) or np.round(best.max() / words, 3) < MIN_SCORE:
            found = (np.zeros(0, np.int32), np.zeros(0, np.int16))
        else:
            scores = self._scores(rows, best, words)
            kept = scores >= MIN_SCORE
            rows, scores = rows[kept], scores[kept]
            order = np.argsort(self._rank(rows, scores))
            found = (rows[order], _thousandths(scores[order]))
        size = found[0].nbytes + found[1].nbytes
        self._memo.put(("alone", word, words), found, size, self._memo.version)
        return found

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

    def _hits(self, rows: np.ndarray, matched: list[str], scores: np.ndarray) -> list[SearchHit]:
        """The page's hits, taken from the hit columns in one go (``hit_columns``)."""
        records = self.hit_columns.take(pa.array(rows, pa.int64())).to_pylist()
        return [
            SearchHit(
                worker_id=str(record["worker_id"]),
                name=str(record["name"]),
                gender=_text(record["gender"]),
                birth_year=None if record["birth_year"] is None else int(record["birth_year"]),
                phone=_text(record["phone"]),
                eshram_uan=_text(record["eshram_uan"]),
                matched=kind,
                score=score,
            )
            for record, kind, score in zip(records, matched, scores.tolist(), strict=True)
        ]


@dataclass(frozen=True, eq=False)
class _WordRows:
    """The rows one query word matches, sorted, and its best score for each. A word with
    many rows (``BITMAP_SHARE``) also holds them as a bitmap, 64 rows a word, with how many
    rows come before each word: where another word's row is among these rows then takes a
    few steps, not a binary search."""

    rows: np.ndarray
    thousandths: np.ndarray
    """The best score of each row in thousandths (int16): the score is that over 1000, the
    same float exactly, since scores are rounded to thousandths (``_thousandths``)."""
    bits: np.ndarray | None = None
    before: np.ndarray | None = None

    @classmethod
    def of(cls, rows: np.ndarray, best: np.ndarray, size: int) -> _WordRows:
        if len(rows) * BITMAP_SHARE < size:
            return cls(rows, _thousandths(best))
        marked = np.zeros(-(-size // 64) * 64, dtype=bool)
        marked[rows] = True
        bits = np.packbits(marked, bitorder="little").view("<u8")
        before = np.concatenate(([0], np.cumsum(np.bitwise_count(bits), dtype=np.int32)[:-1]))
        return cls(rows, _thousandths(best), bits, before)

    @property
    def nbytes(self) -> int:
        held = [self.rows, self.thousandths, self.bits, self.before]
        return sum(a.nbytes for a in held if a is not None)

    def has(self, rows: np.ndarray) -> np.ndarray:
        """Whether each of ``rows`` is one of this word's."""
        if self.bits is None:
            return _members(rows, self.rows, np.searchsorted(self.rows, rows))
        return self._bit(rows)[0]

    def _bit(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each row's bit in the bitmap: whether it is set, its 64-bit word, its shift."""
        assert self.bits is not None
        word = self.bits[rows >> 6]
        shift = (rows & 63).astype(np.uint64)
        return ((word >> shift) & np.uint64(1)).astype(bool), word, shift

    def best_of(self, rows: np.ndarray) -> np.ndarray:
        """This word's best score for each of ``rows``, 0 where it does not match."""
        if not len(self.rows):
            return np.zeros(len(rows))
        at: np.ndarray
        if self.bits is None or self.before is None:
            at = np.searchsorted(self.rows, rows)
            has = _members(rows, self.rows, at)
        else:
            has, word, shift = self._bit(rows)
            # the row's place: the rows before its word of bits, and those before it in it
            lower = word & ((np.uint64(1) << shift) - np.uint64(1))
            at = self.before[rows >> 6] + np.bitwise_count(lower)
        at = np.minimum(at, len(self.rows) - 1)
        return np.where(has, self.thousandths[at] / 1000.0, 0.0)


def _shared(
    words: list[str], matched: list[_WordRows], size: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The rows two or more of the query's words match (sorted), and each word's best score
    for each of them (0 where it does not match). Up to ``PAIRWISE_WORDS`` different words
    by the rows each pair shares; more, by counting the words of every row (one pass over
    an array the length of the store, as the dense scoring made per word)."""
    distinct = dict(zip(words, matched, strict=True))
    if len(distinct) > PAIRWISE_WORDS:
        counts = np.zeros(size, dtype=np.uint8)
        for word in matched:
            counts[word.rows] += 1
        shared = np.flatnonzero(counts >= 2).astype(np.int32)
        return shared, [word.best_of(shared) for word in matched]
    parts = [distinct[w].rows for w in distinct if words.count(w) > 1]  # a word asked twice
    small = None
    for one, other in itertools.combinations(distinct.values(), 2):
        small, large = sorted((one, other), key=lambda m: len(m.rows))
        mask = large.has(small.rows)
        parts.append(small.rows[mask])
    if not parts:
        return np.zeros(0, np.int32), [np.zeros(0) for _ in matched]
    if len(parts) == 1 and small is not None:  # two words: the smaller one's scores are at hand
        shared = parts[0]
        values = [
            small.thousandths[mask] / 1000.0 if word is small else word.best_of(shared)
            for word in matched
        ]
        return shared, values
    # sorted runs: merged by a stable sort, then each row once
    merged = np.sort(np.concatenate(parts), kind="stable")
    shared = merged[np.diff(merged, prepend=-1) != 0]
    return shared, [word.best_of(shared) for word in matched]


def _thousandths(scores: np.ndarray) -> np.ndarray:
    """Scores rounded to thousandths (``round(x, 3)``, ``np.round(x, 3)``) as whole
    thousandths, int16: ``t / 1000.0`` gives each score back bit for bit."""
    return np.rint(scores * 1000).astype(np.int16)


def _members(values: np.ndarray, sorted_values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is in the sorted array (``at``: their searchsorted places)."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool)
    return sorted_values[np.minimum(at, len(sorted_values) - 1)] == values


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
