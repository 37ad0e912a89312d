"""The matcher's tables kept beside the store, so that a batch is linked without reading and
keying the whole store again.

What linking needs of every registration (``records.Registrations``: the table, the moves,
the employers), every blocking key (``blocking.BlockingKeys``) and the name tokens' counts
are written after a linkage to ``identity-cache/`` in an embedded store's folder, with what
they were made from: each input table's write stamp (``GraphStore.write_stamp``) and change
marks (``GraphStore.change_marks``). The next linkage (``matcher``) uses them only as far as
they still describe the store:

* a table whose stamp is the one kept was not written since;
* in a table that was, the sources whose marks changed (a worker's properties or edges, a
  household's, a centre's) are read again (``read_registrations`` of those workers, also
  of every worker of a changed household or centre) and replace what was kept;
* a cache of another version, that cannot be read, fails its checksums or is missing is
  not used: the store is read whole and the cache written again.

So the cache decides how much is read, never what is found: the matcher made from a cache is
the one reading the whole store gives (``tests/test_identity_cache.py`` links with a
missing, stale and corrupt cache and gets the same persons).
"""

from __future__ import annotations

import json
import os
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph_schema import (
    EMPLOYED_BY,
    HOME_IN,
    LOCATED_IN,
    MEMBER_OF,
    MOVED,
    REGISTERED_AT,
    Centre,
    Household,
    Node,
    RelType,
    Worker,
)
from tracker.identity.blocking import (
    KEYS_VERSION,
    BlockingKeys,
    key_rows,
    name_order,
    sorted_rows,
)
from tracker.identity.records import (
    DAY_BITS,
    Registrations,
    hashed,
    read_registrations,
    sorted_distinct,
)
from tracker.store import GraphStore

FOLDER = "identity-cache"
VERSION = 2
"""Raised whenever what is kept changes shape or meaning (2: home districts also from
the first move for work, ``records._home_districts``)."""
INPUTS: dict[str, type[Node] | RelType] = {
    "Worker": Worker,
    "MEMBER_OF": MEMBER_OF,
    "REGISTERED_AT": REGISTERED_AT,
    "MOVED": MOVED,
    "EMPLOYED_BY": EMPLOYED_BY,
    "Household": Household,
    "HOME_IN": HOME_IN,
    "Centre": Centre,
    "LOCATED_IN": LOCATED_IN,
}
"""What ``read_registrations`` reads, by name."""
BY_HOUSEHOLD = ("Household", "HOME_IN")
BY_CENTRE = ("Centre", "LOCATED_IN")
TUPLE_SEPARATOR = " "
"""Name tokens and skeletons are kept as one text each (tokens hold no spaces)."""


@dataclass
class Matcher:
    """The whole store as the matcher sees it, by position (worker ids in order)."""

    table: pa.Table
    """``Registrations.table``; tuple columns (``tuple_columns``) as joined text."""
    tuple_columns: list[str]
    move_key: np.ndarray
    move_to: np.ndarray
    move_arrived: np.ndarray
    links: pd.DataFrame
    """position, other (a hash of the employer's or contractor's id)."""
    keys: BlockingKeys
    token_counts: pd.Series
    """How many registrations' names hold each token (a token twice in a name counts twice)."""

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def worker_ids(self) -> pd.Index:
        return pd.Index(self.table.column("worker_id").to_pandas().astype(object))

    def column(self, name: str) -> np.ndarray:
        return self.table.column(name).to_numpy(zero_copy_only=False)

    def token_shares(self) -> pd.Series:
        """Each name token's share of registrations (``model.token_shares`` of the store)."""
        return self.token_counts / max(len(self), 1)

    def registrations(self, positions: np.ndarray) -> Registrations:
        """The registrations at ``positions`` (ascending), renumbered 0, 1, ...: what the
        comparisons of a batch's pairs read."""
        positions = np.asarray(positions, dtype=np.int64)
        part = _frame(self.table.take(pa.array(positions)), self.tuple_columns)
        whole = Registrations(
            table=part,  # only the rows asked: ``subset`` is given them
            move_key=self.move_key,
            move_to=self.move_to,
            move_arrived=self.move_arrived,
            links=self.links,
        )
        return whole.subset(positions, table=part)


def from_registrations(regs: Registrations, keys: BlockingKeys | None = None) -> Matcher:
    """The matcher of registrations read from the store (and their keys, if made)."""
    table = regs.table
    tuples = [c for c in table.columns if _holds_tuples(table[c])]
    plain = table.assign(**{c: table[c].map(TUPLE_SEPARATOR.join) for c in tuples})
    return Matcher(
        table=pa.Table.from_pandas(plain, preserve_index=False),
        tuple_columns=tuples,
        move_key=regs.move_key,
        move_to=regs.move_to,
        move_arrived=regs.move_arrived,
        links=regs.links,
        keys=keys if keys is not None else key_rows(regs),
        token_counts=_token_counts(table["tokens"]),
    )


def _holds_tuples(column: pd.Series) -> bool:
    if column.dtype != object:
        return False
    first = column.dropna()
    return len(first) > 0 and isinstance(first.iloc[0], tuple)


def _frame(table: pa.Table, tuples: list[str]) -> pd.DataFrame:
    frame = table.to_pandas()
    for column in tuples:
        frame[column] = _tuples(table.column(column))
    return frame


def _tuples(column: pa.ChunkedArray) -> np.ndarray:
    """The joined texts as tuples again, each distinct text split once (names repeat: a
    batch's 300,000 compared registrations, split one by one, took seconds)."""
    encoded = pc.fill_null(column, "").combine_chunks().dictionary_encode()
    texts = encoded.dictionary.to_pylist()
    split = pd.Series([tuple(t.split(TUPLE_SEPARATOR)) if t else () for t in texts], dtype=object)
    return split.to_numpy()[encoded.indices.to_numpy()]


def _token_counts(tokens: pd.Series) -> pd.Series:
    exploded = tokens.explode().dropna()
    return exploded.groupby(exploded).size()


# -- the store's state -----------------------------------------------------------------
def stamps(store: GraphStore) -> dict[str, str | None]:
    return {name: store.write_stamp(table) for name, table in INPUTS.items()}


def all_marks(store: GraphStore) -> dict[str, pd.DataFrame]:
    return {name: store.change_marks(table) for name, table in INPUTS.items()}


def matcher(store: GraphStore) -> tuple[Matcher, str]:
    """The whole store's matcher, and how it was had: ``kept`` (the cache, unchanged),
    ``patched`` (the cache with the changed registrations read again), ``read`` (the
    whole store read; the cache is written again)."""
    folder = cache_folder(store)
    now = stamps(store)
    kept = load(folder) if folder is not None else None
    if folder is not None and kept is not None:
        found, kept_stamps, marks = kept
        try:
            patched = _brought_up_to_date(store, found, kept_stamps, marks, now)
        except _Unusable:
            patched = None
        if patched is not None:
            result, changed = patched
            if changed:
                save(folder, result, now, marks)
            return result, "patched" if changed else "kept"
    marks = all_marks(store) if folder is not None else {}
    result = from_registrations(read_registrations(store))
    if folder is not None:
        save(folder, result, now, marks)
    return result, "read"


class _Unusable(Exception):
    """The cache cannot be brought up to date (the store lost a registration)."""


def _brought_up_to_date(
    store: GraphStore,
    found: Matcher,
    kept_stamps: dict[str, str | None],
    marks: dict[str, pd.DataFrame],
    now: dict[str, str | None],
) -> tuple[Matcher, bool] | None:
    """``found`` with the registrations whose sources changed read again, and whether any
    did; ``marks`` is brought up to date in place."""
    changed: dict[str, set] = {"worker": set(), "household": set(), "centre": set()}
    for name, table in INPUTS.items():
        if now[name] is not None and now[name] == kept_stamps.get(name):
            continue
        fresh = store.change_marks(table)
        old = marks.get(name)
        if old is None:
            return None
        both = old.merge(fresh, on="key", how="outer", suffixes=("_old", ""), indicator=True)
        differ = both[(both["_merge"] != "both") | (both["mark_old"] != both["mark"])]
        kind = "household" if name in BY_HOUSEHOLD else "centre" if name in BY_CENTRE else "worker"
        changed[kind].update(differ["key"].tolist())
        marks[name] = fresh
    if not any(changed.values()):
        return found, False
    ids = found.worker_ids
    dirty = set(changed["worker"])
    for kind, column in (("household", "household_id"), ("centre", "registered_at")):
        if changed[kind]:
            held = pd.Series(found.column(column), dtype=object).isin(changed[kind]).to_numpy()
            dirty.update(ids[held].tolist())
    present = set(marks["Worker"]["key"])
    if not set(ids).issubset(present):
        raise _Unusable("a kept registration is no longer in the store")
    fresh_ids = sorted(w for w in dirty if w in present)
    fresh = from_registrations(read_registrations(store, fresh_ids))
    return _combined(found, ~ids.isin(dirty), fresh), True


def _combined(found: Matcher, keep: np.ndarray, fresh: Matcher) -> Matcher:
    """The kept registrations (``keep``) and the ones read again, in worker-id order, every
    position renumbered: what reading the whole store gives."""
    kept_table = found.table.filter(pa.array(keep))
    tuples = found.tuple_columns or fresh.tuple_columns
    table = pa.concat_tables(
        [kept_table, fresh.table.select(kept_table.column_names).cast(kept_table.schema)]
    )
    ids = table.column("worker_id").to_pandas().to_numpy(dtype=object)
    order = np.argsort(ids, kind="stable")
    table = table.take(pa.array(order))
    new_of = np.empty(len(order), dtype=np.int64)
    new_of[order] = np.arange(len(order))
    old_to_new = np.full(len(found), -1, dtype=np.int64)
    old_to_new[np.flatnonzero(keep)] = new_of[: int(keep.sum())]
    fresh_to_new = new_of[int(keep.sum()) :]

    def moved(position: np.ndarray, source: str) -> np.ndarray:
        return (old_to_new if source == "kept" else fresh_to_new)[position]

    owner_old = found.move_key >> DAY_BITS
    mine = keep[owner_old]
    owner_fresh = fresh.move_key >> DAY_BITS
    day_mask = (1 << DAY_BITS) - 1
    move_key = np.concatenate(
        [
            (moved(owner_old[mine], "kept") << DAY_BITS) | (found.move_key[mine] & day_mask),
            (moved(owner_fresh, "fresh") << DAY_BITS) | (fresh.move_key & day_mask),
        ]
    )
    move_to = np.concatenate([found.move_to[mine], fresh.move_to])
    arrived = np.concatenate([found.move_arrived[mine], fresh.move_arrived])
    sort = np.lexsort((arrived, move_to, move_key))

    def positions(frame: pd.DataFrame, source: str, keep_rows: bool) -> pd.DataFrame:
        p = frame["position"].to_numpy()
        if keep_rows:
            frame = frame[keep[p]]
            p = p[keep[p]]
        return frame.assign(position=moved(p, source))

    links = pd.concat(
        [positions(found.links, "kept", True), positions(fresh.links, "fresh", False)],
        ignore_index=True,
    )
    rows = pd.concat(
        [positions(found.keys.rows, "kept", True), positions(fresh.keys.rows, "fresh", False)],
        ignore_index=True,
    )
    away = pd.concat(
        [positions(found.keys.away, "kept", True), positions(fresh.keys.away, "fresh", False)],
        ignore_index=True,
    )
    tokens = pd.concat(
        [
            positions(found.keys.tokens, "kept", True),
            positions(fresh.keys.tokens, "fresh", False),
        ],
        ignore_index=True,
    )
    bits = 24
    visit_old = found.keys.visits >> bits
    still = keep[visit_old]
    visits = sorted_distinct(
        np.concatenate(
            [
                (moved(visit_old[still], "kept") << bits)
                | (found.keys.visits[still] & ((1 << bits) - 1)),
                (moved(fresh.keys.visits >> bits, "fresh") << bits)
                | (fresh.keys.visits & ((1 << bits) - 1)),
            ]
        )
    )
    skeletons = pd.Series(_tuples(table.column("skeletons")), dtype=object)
    order = name_order(skeletons, table.column("birth_year").to_pandas())
    gone = _token_counts(
        _frame(found.table.filter(pa.array(~keep)).select(["tokens"]), ["tokens"])["tokens"]
    )
    counts = found.token_counts.sub(gone, fill_value=0).add(fresh.token_counts, fill_value=0)
    return Matcher(
        table=table,
        tuple_columns=tuples,
        move_key=move_key[sort],
        move_to=move_to[sort],
        move_arrived=arrived[sort],
        links=links,
        keys=BlockingKeys(
            rows=sorted_rows(rows, order), away=away, visits=visits, tokens=tokens, order=order
        ),
        token_counts=counts[counts > 0].astype("int64"),
    )


# -- files -----------------------------------------------------------------------------
def cache_folder(store: GraphStore) -> Path | None:
    return None if store.folder is None else Path(store.folder) / FOLDER


def _probe() -> int:
    """The key of a fixed text: another pandas that hashed differently would key anew."""
    return int(hashed(pd.Series(["lmt"]))[0])


def save(
    folder: Path, found: Matcher, stamps_now: dict[str, str | None], marks: dict[str, pd.DataFrame]
) -> None:
    """Write the cache into a new folder and put it in place of the old at once."""
    work = folder.with_name(folder.name + ".writing")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    files: dict[str, pa.Table] = {
        "table": found.table,
        "moves": pa.table(
            {"key": found.move_key, "to": found.move_to, "arrived": found.move_arrived}
        ),
        "links": pa.Table.from_pandas(found.links, preserve_index=False),
        "rows": pa.Table.from_pandas(found.keys.rows, preserve_index=False),
        "away": pa.Table.from_pandas(found.keys.away, preserve_index=False),
        "visits": pa.table({"visit": found.keys.visits}),
        "tokens": pa.Table.from_pandas(found.keys.tokens, preserve_index=False),
        "order": pa.table({"order": found.keys.order}),
        "token_counts": pa.table(
            {
                "token": found.token_counts.index.astype(str).to_numpy(dtype=object),
                "count": found.token_counts.to_numpy(np.int64),
            }
        ),
    }
    for name, marks_of in marks.items():
        files[f"marks-{name}"] = pa.Table.from_pandas(marks_of, preserve_index=False)
    sums = {}
    for name, table in files.items():
        path = work / f"{name}.arrow"
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
            out.write_table(table)
        sums[name] = _checksum(path)
    meta = {
        "version": VERSION,
        "keys_version": KEYS_VERSION,
        "probe": _probe(),
        "tuple_columns": found.tuple_columns,
        "stamps": stamps_now,
        "marks": sorted(marks),
        "checksums": sums,
    }
    (work / "meta.json").write_text(json.dumps(meta))
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(work, folder)
    shutil.rmtree(old, ignore_errors=True)


def _checksum(path: Path) -> int:
    total = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 24):
            total = zlib.crc32(block, total)
    return total


def load(
    folder: Path,
) -> tuple[Matcher, dict[str, str | None], dict[str, pd.DataFrame]] | None:
    """The kept matcher, stamps and marks; None when there is none this version can trust."""
    try:
        meta = json.loads((folder / "meta.json").read_text())
        if (meta["version"], meta["keys_version"], meta["probe"]) != (
            VERSION,
            KEYS_VERSION,
            _probe(),
        ):
            return None
        tables = {}
        for name, expected in meta["checksums"].items():
            path = folder / f"{name}.arrow"
            if _checksum(path) != expected:
                return None
            with pa.memory_map(str(path)) as source:
                tables[name] = pa.ipc.open_file(source).read_all()
        moves = tables["moves"]
        found = Matcher(
            table=tables["table"],
            tuple_columns=list(meta["tuple_columns"]),
            move_key=moves.column("key").to_numpy(),
            move_to=moves.column("to").to_numpy(),
            move_arrived=moves.column("arrived").to_numpy(),
            links=tables["links"].to_pandas(),
            keys=BlockingKeys(
                rows=tables["rows"].to_pandas(),
                away=tables["away"].to_pandas(),
                visits=tables["visits"].column("visit").to_numpy(),
                tokens=tables["tokens"].to_pandas(),
                order=tables["order"].column("order").to_numpy(),
            ),
            token_counts=pd.Series(
                tables["token_counts"].column("count").to_numpy(),
                index=tables["token_counts"].column("token").to_pandas().astype(object),
            ),
        )
        marks = {name: tables[f"marks-{name}"].to_pandas() for name in meta["marks"]}
        return found, meta["stamps"], marks
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None
