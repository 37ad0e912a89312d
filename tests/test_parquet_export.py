"""`lmt export --format parquet`: the analytics tables as Hive-style partitioned Parquet.

Checked against the real LadybugDB store with the sample ingested: every edge comes back
with its values and dtypes, each worker's rows are in one bucket and that bucket is the
documented hash (CRC-32 of the id, modulo the buckets), the layout is the one Spark reads,
no personal data is written, and slices bound what is held at once.
"""

from __future__ import annotations

import json
import zlib

import pandas as pd
import pyarrow.dataset as ds
import pytest

from graph_schema import COMPLAINED_AGAINST, EMPLOYED_BY, MOVED, SUPPLIES, Worker
from lmt.cli import main
from tracker.parquet import MANIFEST, ParquetExport, bucket_of, export_parquet

BUCKETS = 4


@pytest.fixture(scope="module")
def export(sample_store, tmp_path_factory) -> ParquetExport:
    folder = tmp_path_factory.mktemp("parquet") / "export"
    export_parquet(sample_store, folder, buckets=BUCKETS)
    return ParquetExport.open(folder)


def _all_buckets(export: ParquetExport, table: str) -> pd.DataFrame:
    return pd.concat([export.bucket(table, b) for b in range(export.buckets)], ignore_index=True)


@pytest.mark.parametrize(
    ("table", "rel"),
    [("moves", MOVED), ("employments", EMPLOYED_BY), ("grievances", COMPLAINED_AGAINST)],
)
def test_every_edge_comes_back_with_its_values_and_types(export, sample_store, table, rel):
    back = _all_buckets(export, table).sort_values("record_id", ignore_index=True)
    stored = sample_store.edge_table(rel).sort_values("record_id", ignore_index=True)
    pd.testing.assert_frame_equal(back, stored)


def test_global_tables_come_back_whole(export, sample_store):
    links = export.table("links").sort_values("link_id", ignore_index=True)
    stored = sample_store.edge_table(SUPPLIES).sort_values("link_id", ignore_index=True)
    pd.testing.assert_frame_equal(links, stored)
    assert len(export.table("contractors")) == sample_store.counts()["nodes"]["Contractor"]
    assert len(export.table("employers")) == sample_store.counts()["nodes"]["Employer"]


def test_each_worker_is_in_the_bucket_of_its_hash(export):
    for table in ("moves", "homes", "employments", "grievances"):
        for bucket in range(BUCKETS):
            ids = export.bucket(table, bucket)["worker_id"].unique()
            assert all(zlib.crc32(i.encode()) % BUCKETS == bucket for i in ids), table
    ids = pd.Series(["W0000001", "W0000002", "W0000001"])
    assert list(bucket_of(ids, 7)) == [zlib.crc32(i.encode()) % 7 for i in ids]


def test_homes_are_the_households_home_districts(export, sample_dir):
    homes = _all_buckets(export, "homes").set_index("worker_id")
    workers = pd.read_csv(sample_dir / "workers.csv", dtype=str).set_index("worker_id")
    households = pd.read_csv(sample_dir / "households.csv", dtype=str).set_index("household_id")
    expected = workers["household_id"].dropna().map(households["home_district_code"])
    assert len(homes) == len(expected)
    got = homes.loc[expected.index, "home_district_code"].astype(str)
    assert (got == expected.astype(str)).all()


def test_the_layout_is_hive_style_with_a_manifest(export):
    folder = export.folder
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["buckets"] == BUCKETS and manifest["bucket_column"] == "bucket"
    assert (folder / "moves" / "bucket=0" / "part-0.parquet").is_file()
    dataset = ds.dataset(folder / "moves", format="parquet", partitioning="hive")
    assert "bucket" in dataset.schema.names
    assert dataset.count_rows() == manifest["tables"]["moves"]["rows"]
    assert sorted(p.name for p in folder.iterdir()) == sorted([MANIFEST, *manifest["tables"]])


def test_no_personal_data_is_exported(export):
    tables = json.loads((export.folder / MANIFEST).read_text())["tables"]
    columns = {c for table in tables.values() for c in table["columns"]}
    assert not columns & ((Worker.personal - {"name"}) | {"phone"})
    for (
        name,
        table,
    ) in tables.items():  # a name is a firm's (contractors, employers), never a worker's
        assert "name" not in table["columns"] or name in ("contractors", "employers")


def test_a_second_export_replaces_the_first(sample_store, tmp_path):
    folder = tmp_path / "export"
    export_parquet(sample_store, folder, buckets=8)
    export_parquet(sample_store, folder, buckets=2)
    assert not (folder / "moves" / "bucket=7").exists()
    assert ParquetExport.open(folder).buckets == 2


def test_an_incomplete_export_is_refused(tmp_path):
    (tmp_path / "moves").mkdir()
    with pytest.raises(FileNotFoundError, match="not a complete Parquet export"):
        ParquetExport.open(tmp_path)


def test_the_export_is_written_slice_by_slice(sample_store, tmp_path, monkeypatch):
    """Each slice of the store's reads goes to the files as it comes (never the whole table)."""
    import tracker.stores.ladybug.store as ladybug

    monkeypatch.setattr(ladybug, "READ_CELLS", 13 * 500)  # about 500 moves per slice
    slices = list(sample_store.edge_slices(MOVED))
    assert len(slices) > 10
    assert max(len(s) for s in slices) < len(sample_store.edge_table(MOVED)) / 5
    owners = [set(s["worker_id"]) for s in slices]  # a worker's moves are in one slice
    assert sum(len(o) for o in owners) == len(set().union(*owners))
    export_parquet(sample_store, tmp_path / "small", buckets=BUCKETS)
    back = _all_buckets(ParquetExport.open(tmp_path / "small"), "moves")
    assert len(back) == len(sample_store.edge_table(MOVED))


def test_lmt_export_format_parquet(sample_dir, tmp_path, capsys):
    db = str(tmp_path / "db")
    assert main(["ingest", "--db", db, str(sample_dir), "--rejects", str(tmp_path / "r")]) in (0, 2)
    out = tmp_path / "out"
    assert main(["export", "--db", db, "--format", "parquet", "--buckets", "3", str(out)]) == 0
    assert "moves" in capsys.readouterr().out
    assert ParquetExport.open(out).buckets == 3
    assert main(["export", "--db", db, "--buckets", "3", str(tmp_path / "csv")]) == 2
    assert main(["export", "--db", db, "--format", "parquet", "--buckets", "0", str(out)]) == 2
