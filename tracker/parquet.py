"""The store's analytics tables as partitioned Parquet (``lmt export --format parquet DIR``).

Analytics past one machine (Apache Spark, ``analytics.spark``) and partition-by-partition
runs on one machine read the edge and node tables from files, not from the store. The
layout is Hive-style, so that Spark (or DuckDB, or pyarrow.dataset) finds the partition key
in the folder names: a person's rows (all its worker ids) of every worker-keyed table are
in the same bucket,

    DIR/moves/bucket=07/part-0.parquet        MOVED edges of the workers of bucket 7
    DIR/employments/bucket=07/part-0.parquet  EMPLOYED_BY edges
    DIR/grievances/bucket=07/part-0.parquet   COMPLAINED_AGAINST edges
    DIR/homes/bucket=07/part-0.parquet        worker -> household -> home district
    DIR/persons/bucket=07/part-0.parquet      worker -> person and its key (the linkage's)
    DIR/contractors/part-0.parquet            small global tables, read once
    DIR/employers/part-0.parquet
    DIR/links/part-0.parquet                  SUPPLIES edges
    DIR/_lmt_export.json                      buckets, hash, row counts, columns

``bucket = crc32(utf-8 bytes of person_id) mod buckets``, the person the store's linkage
gave the worker (``tracker.identity.views.person_keys_from_store``), or of the worker id
where no linkage placed it (zlib's CRC-32; Spark's ``crc32`` gives the same). A stable
hash, not Python's ``hash``: the same person lands in the same bucket in every run and
every language, and analytics per person (``analytics.persons``) run bucket by bucket.
The schema is documented in docs/spec/parquet-export.md; it is derived from
``graph_schema`` like every other table.

The export is written in slices (``GraphStore.edge_slices``: each slice holds every edge
of a range of workers) through one ``pyarrow.parquet.ParquetWriter`` per bucket, so memory
holds one slice, never the whole table. Personal data (names, phones, e-Shram numbers) is
not exported: the Worker node table is not among the tables, nor contractors' phones.
"""

from __future__ import annotations

import json
import os
import shutil
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from graph_schema import (
    BASED_IN,
    COMPLAINED_AGAINST,
    EMPLOYED_BY,
    HOME_IN,
    MEMBER_OF,
    MOVED,
    OPERATES_IN,
    SUPPLIES,
    Contractor,
    Employer,
)
from graph_schema.properties import PropertyType
from tracker.identity.keys import KEY_COLUMNS, person_keys_from_store
from tracker.store import GraphStore
from tracker.tables import edge_columns, node_columns, typed

FORMAT = "lmt-parquet-2"
"""Version 2: buckets by person (``persons`` table, ``bucket_of``); version 1 by worker id."""
MANIFEST = "_lmt_export.json"
"""Files starting with ``_`` are skipped by Spark's and pyarrow's dataset readers."""
DEFAULT_BUCKETS = 16
BUCKET = "bucket"
PART = "part-0.parquet"

ARROW_TYPES: dict[PropertyType, pa.DataType] = {
    PropertyType.STRING: pa.string(),
    PropertyType.INT64: pa.int64(),
    PropertyType.DOUBLE: pa.float64(),
    PropertyType.BOOLEAN: pa.bool_(),
    PropertyType.DATE: pa.date32(),
}


@dataclass(frozen=True)
class TableSpec:
    """One exported table: its folder name, columns, and whether it is bucketed by worker."""

    name: str
    columns: dict[str, PropertyType]
    bucketed: bool

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(c, ARROW_TYPES[k]) for c, k in self.columns.items()])

    def only(self, columns: list[str] | None) -> TableSpec:
        """The same table with only ``columns`` (all of them for None)."""
        if columns is None:
            return self
        return TableSpec(self.name, {c: self.columns[c] for c in columns}, self.bucketed)


def _joined(left: dict, right: dict) -> dict[str, PropertyType]:
    return {**left, **{c: k for c, k in right.items() if c not in left}}


def _without_phone(columns: dict[str, PropertyType]) -> dict[str, PropertyType]:
    """A recruiter's phone is a person's phone, and no analysis reads it: not exported."""
    return {c: k for c, k in columns.items() if c != "phone"}


WORKER_TABLES: dict[str, TableSpec] = {
    "moves": TableSpec("moves", edge_columns(MOVED), True),
    "employments": TableSpec("employments", edge_columns(EMPLOYED_BY), True),
    "grievances": TableSpec("grievances", edge_columns(COMPLAINED_AGAINST), True),
    "homes": TableSpec("homes", _joined(edge_columns(MEMBER_OF), edge_columns(HOME_IN)), True),
    "persons": TableSpec(
        "persons", {c: PropertyType.STRING for c in KEY_COLUMNS}, True
    ),  # tracker.identity.views.person_keys: the linkage's persons and their keys
}
GLOBAL_TABLES: dict[str, TableSpec] = {
    "contractors": TableSpec(
        "contractors",
        _joined(_without_phone(node_columns(Contractor)), edge_columns(BASED_IN)),
        False,
    ),
    "employers": TableSpec(
        "employers", _joined(node_columns(Employer), edge_columns(OPERATES_IN)), False
    ),
    "links": TableSpec("links", edge_columns(SUPPLIES), False),
}
TABLES = {**WORKER_TABLES, **GLOBAL_TABLES}
_EDGES = {"moves": MOVED, "employments": EMPLOYED_BY, "grievances": COMPLAINED_AGAINST}


def bucket_of(worker_ids: pd.Series, buckets: int, persons: pd.Series | None = None) -> np.ndarray:
    """Each worker id's bucket: CRC-32 of the UTF-8 bytes of its person's id, modulo
    ``buckets``, so that every registration of one person is in one bucket.

    ``persons`` maps worker id -> person id (the linkage's, ``person_keys``); a worker id
    it lacks (none given: every one) is hashed itself. The hash is taken once per distinct
    id (a worker has several moves), in Python: a million ids take about half a second.
    """
    codes, uniques = pd.factorize(worker_ids)
    names = uniques.astype(str).to_numpy(dtype=object)
    if persons is not None and len(persons):
        found = persons.reindex(names).to_numpy(dtype=object)
        names = np.where(pd.isna(found), names, found)
    hashed = np.fromiter(
        (zlib.crc32(str(u).encode()) % buckets for u in names), dtype=np.int32, count=len(names)
    )
    return np.where(codes >= 0, hashed[np.maximum(codes, 0)], 0).astype(np.int32)


def to_arrow(frame: pd.DataFrame, spec: TableSpec) -> pa.Table:
    """A canonical table (``tracker.tables``) as Arrow in the export's schema."""
    arrays = []
    for column, kind in spec.columns.items():
        array = pa.array(frame[column], from_pandas=True)
        arrays.append(array.cast(ARROW_TYPES[kind]))
    return pa.Table.from_arrays(arrays, schema=spec.schema)


def to_frame(table: pa.Table, spec: TableSpec) -> pd.DataFrame:
    """Arrow read back as the canonical frame the store's reads give (same dtypes)."""
    frame = (
        table.select(list(spec.columns))
        .cast(spec.schema)
        .to_pandas(date_as_object=False, types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    )
    return typed(frame, spec.columns)


# -- writing ------------------------------------------------------------------------------
def export_parquet(
    store: GraphStore, folder: str | os.PathLike, buckets: int = DEFAULT_BUCKETS
) -> dict[str, int]:
    """Write the analytics tables of ``store`` into ``folder``; return rows per table.

    The tables' folders are replaced (a second export into the same folder leaves no rows
    of the first); other files in ``folder`` are left alone.
    """
    if not 1 <= buckets <= 4096:
        raise ValueError("buckets must be between 1 and 4096")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)  # written last: its presence means complete
    written: dict[str, int] = {}
    keys = person_keys_from_store(store)
    to_person = pd.Series(keys["person_id"].to_numpy(), index=keys["worker_id"].to_numpy())
    for name, rel in _EDGES.items():
        written[name] = _write_buckets(
            folder, WORKER_TABLES[name], store.edge_slices(rel), buckets, to_person
        )
    households = store.edge_table(HOME_IN)
    homes = (
        members.merge(households, on="household_id", how="left")
        for members in store.edge_slices(MEMBER_OF)
    )
    written["homes"] = _write_buckets(folder, WORKER_TABLES["homes"], homes, buckets, to_person)
    written["persons"] = _write_buckets(
        folder, WORKER_TABLES["persons"], iter([keys]), buckets, to_person
    )
    contractors = store.node_table(Contractor).merge(
        store.edge_table(BASED_IN), on="contractor_id", how="left"
    )
    employers = store.node_table(Employer).merge(
        store.edge_table(OPERATES_IN), on="employer_id", how="left"
    )
    for name, frame in (
        ("contractors", contractors),
        ("employers", employers),
        ("links", store.edge_table(SUPPLIES)),
    ):
        spec = GLOBAL_TABLES[name]
        _clear(folder / name)
        pq.write_table(to_arrow(frame, spec), folder / name / PART)
        written[name] = len(frame)
    manifest = {
        "format": FORMAT,
        "buckets": buckets,
        "bucket_column": BUCKET,
        "hash": "crc32(utf-8 person_id, else worker_id) mod buckets",
        "tables": {
            name: {
                "rows": written[name],
                "bucketed": spec.bucketed,
                "columns": {c: str(ARROW_TYPES[k]) for c, k in spec.columns.items()},
            }
            for name, spec in TABLES.items()
        },
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return written


def _clear(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def _write_buckets(
    folder: Path,
    spec: TableSpec,
    slices: Iterator[pd.DataFrame],
    buckets: int,
    persons: pd.Series,
) -> int:
    """Write each slice's rows into their buckets' files (one open writer per bucket)."""
    _clear(folder / spec.name)
    writers: dict[int, pq.ParquetWriter] = {}
    rows = 0
    try:
        for frame in slices:
            if frame.empty:
                continue
            rows += len(frame)
            table = to_arrow(frame, spec)
            bucket = bucket_of(frame["worker_id"], buckets, persons)
            order = np.argsort(bucket, kind="stable")
            bounds = np.searchsorted(bucket[order], np.arange(buckets + 1))
            for b in range(buckets):
                lo, hi = bounds[b], bounds[b + 1]
                if lo == hi:
                    continue
                if b not in writers:
                    path = bucket_path(folder, spec.name, b, buckets)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    writers[b] = pq.ParquetWriter(path, spec.schema)
                writers[b].write_table(table.take(order[lo:hi]))
    finally:
        for writer in writers.values():
            writer.close()
    return rows


def bucket_path(folder: Path, table: str, bucket: int, buckets: int) -> Path:
    width = len(str(buckets - 1))
    return folder / table / f"{BUCKET}={bucket:0{width}d}" / PART


# -- reading ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParquetExport:
    """An export folder, read back table by table and bucket by bucket."""

    folder: Path
    buckets: int
    rows: dict[str, int] = field(default_factory=dict)
    """Rows per table, from the manifest."""

    @classmethod
    def open(cls, folder: str | os.PathLike) -> ParquetExport:
        folder = Path(folder)
        manifest = folder / MANIFEST
        if not manifest.is_file():
            raise FileNotFoundError(
                f"{folder}: not a complete Parquet export (no {MANIFEST}); "
                "write one with `lmt export --format parquet DIR`"
            )
        found = json.loads(manifest.read_text())
        if found.get("format") != FORMAT:
            raise ValueError(f"{manifest}: format {found.get('format')!r}, expected {FORMAT}")
        rows = {name: int(table["rows"]) for name, table in found.get("tables", {}).items()}
        return cls(folder, int(found["buckets"]), rows)

    def bucket(self, table: str, bucket: int, columns: list[str] | None = None) -> pd.DataFrame:
        """One bucket of a worker-keyed table as a canonical frame (empty if no rows)."""
        spec = WORKER_TABLES[table].only(columns)
        path = bucket_path(self.folder, table, bucket, self.buckets)
        if not path.exists():
            return typed(pd.DataFrame(), spec.columns)
        return to_frame(pq.read_table(path, columns=list(spec.columns)), spec)

    def table(self, table: str, columns: list[str] | None = None) -> pd.DataFrame:
        """A global table (contractors, employers, links) as a canonical frame."""
        spec = GLOBAL_TABLES[table].only(columns)
        return to_frame(pq.read_table(self.folder / table / PART, columns=list(spec.columns)), spec)
