"""Analytics by partition give today's results, byte for byte.

Circuits, the corridor view and the seasonal calendar computed bucket by bucket over a
Parquet export (``analytics.partitioned``) are compared, as the CSV files ``lmt circuits``
writes, with the run over the whole store at once: on the sample and on an ``lmt synth``
batch, for several bucket counts (one bucket is the whole store as one partition).
"""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.circuits import circuits_of_journeys, journeys_from_store
from analytics.corridors import corridor_view, seasonal_calendar
from analytics.partitioned import circuit_partition, circuits_from_export, combine_circuits
from analytics.round_trips import MOVE_COLUMNS
from lmt.cli import main
from synth import generate
from tracker.ingest import ingest_folder
from tracker.parquet import ParquetExport, export_parquet
from tracker.stores.ladybug.store import LadybugStore

TODAY = dt.date(2026, 11, 23)


def csv_texts(table, corridors, calendar) -> tuple[str, str, str]:
    return tuple(frame.to_csv(index=False) for frame in (table, corridors, calendar))


def whole_store(store) -> tuple[str, str, str]:
    circuits = circuits_of_journeys(journeys_from_store(store))
    return csv_texts(circuits.table, corridor_view(circuits), seasonal_calendar(circuits))


def by_partition(store, folder, buckets: int) -> tuple[str, str, str]:
    export_parquet(store, folder, buckets=buckets)
    results = circuits_from_export(ParquetExport.open(folder))
    return csv_texts(results.table, results.corridors(), results.calendar())


@pytest.fixture(scope="module")
def synth_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth-partitioned")
    generate(folder / "batch", workers=1500, seed=7)
    store = LadybugStore(folder / "db", buffer_pool_mb=256)
    ingest_folder(store, folder / "batch", rejects_dir=folder / "rejects", today=TODAY)
    yield store
    store.close()


@pytest.mark.parametrize("buckets", [1, 5, 16])
def test_circuits_by_partition_equal_the_whole_run_on_the_sample(sample_store, tmp_path, buckets):
    assert by_partition(sample_store, tmp_path / "pq", buckets) == whole_store(sample_store)


@pytest.mark.slow
def test_circuits_by_partition_equal_the_whole_run_on_a_synth_batch(synth_store, tmp_path):
    expected = whole_store(synth_store)
    assert len(expected[0].splitlines()) > 100  # the batch has circuits to compare
    assert by_partition(synth_store, tmp_path / "pq", 7) == expected


def test_a_partition_without_moves_adds_nothing(sample_store, tmp_path):
    export_parquet(sample_store, tmp_path / "pq", buckets=3)
    export = ParquetExport.open(tmp_path / "pq")
    parts = [
        circuit_partition(export.bucket("moves", b, MOVE_COLUMNS), export.bucket("homes", b))
        for b in range(3)
    ]
    empty = circuit_partition(export.bucket("moves", 0, MOVE_COLUMNS).iloc[:0], None)
    assert empty.empty
    with_empty = combine_circuits([*parts, empty])
    without = combine_circuits(parts)
    assert with_empty.table.to_csv() == without.table.to_csv()
    assert combine_circuits([]).table.empty


def test_lmt_circuits_input_writes_the_same_files(sample_dir, tmp_path):
    db = str(tmp_path / "db")
    main(["ingest", "--db", db, str(sample_dir), "--rejects", str(tmp_path / "rejects")])
    assert main(["export", "--db", db, "--format", "parquet", str(tmp_path / "pq")]) == 0
    names = ("circuits.csv", "corridors.csv", "calendar.csv")
    for name, extra in (("store", []), ("parts", ["--input", str(tmp_path / "pq")])):
        out = tmp_path / name
        files = [str(out / n) for n in names]
        argv = ["circuits", "--db", db, "--out", files[0], "--corridors", files[1]]
        assert main([*argv, "--calendar", files[2], *extra]) == 0
    for n in names:
        assert (tmp_path / "store" / n).read_bytes() == (tmp_path / "parts" / n).read_bytes()
    bad = ["circuits", "--out", str(tmp_path / "x.csv"), "--input", str(tmp_path / "pq")]
    assert main([*bad, "--multistop", str(tmp_path / "m.csv")]) == 2
    assert main(["circuits", "--out", str(tmp_path / "x.csv"), "--engine", "spark"]) == 2
