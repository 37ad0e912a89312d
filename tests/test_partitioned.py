"""Analytics by partition give today's results, byte for byte.

Circuits, the corridor view and the seasonal calendar computed bucket by bucket over a
Parquet export (``analytics.partitioned``) are compared, as the CSV files ``lmt circuits``
writes, with the run over the whole store at once: on the sample and on an ``lmt synth``
batch, for several bucket counts (one bucket is the whole store as one partition).
"""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.chains import chains_with_risk
from analytics.circuits import circuits_of_journeys, journeys_from_store
from analytics.contractor_risk import contractor_risk
from analytics.corridors import corridor_view, seasonal_calendar
from analytics.partitioned import (
    chains_from_export,
    circuit_partition,
    circuits_from_export,
    combine_circuits,
    contractors_from_export,
)
from analytics.round_trips import MOVE_COLUMNS
from analytics.supply_graph import read_supply_records
from lmt.cli import main
from synth import generate
from tracker.csvio import write_table
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


def supply_texts(risk, chains, errors, folder) -> tuple[bytes, ...]:
    names = ("risk.csv", "chains.csv", "errors.csv")
    return tuple(
        write_table(f, folder / n).read_bytes()
        for f, n in zip((risk, chains, errors), names, strict=True)
    )


def supply_whole(store, folder) -> tuple[bytes, ...]:
    records = read_supply_records(store)
    risk = contractor_risk(records)
    return supply_texts(risk, *chains_with_risk(records, risk), folder)


def supply_by_partition(store, folder, buckets: int) -> tuple[bytes, ...]:
    export_parquet(store, folder / "pq", buckets=buckets)
    export = ParquetExport.open(folder / "pq")
    results = contractors_from_export(export)
    return supply_texts(results.risk, *chains_from_export(export, results), folder)


@pytest.mark.parametrize("buckets", [1, 6])
def test_contractor_risk_and_chains_by_partition_equal_the_whole_run_on_the_sample(
    sample_store, tmp_path, buckets
):
    expected = supply_whole(sample_store, tmp_path / "whole")
    assert supply_by_partition(sample_store, tmp_path / "parts", buckets) == expected


@pytest.mark.slow
def test_contractor_risk_and_chains_by_partition_equal_the_whole_run_on_a_synth_batch(
    synth_store, tmp_path
):
    expected = supply_whole(synth_store, tmp_path / "whole")
    assert expected[0].count(b"\n") > 100
    assert supply_by_partition(synth_store, tmp_path / "parts", 5) == expected


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


def test_lmt_analytics_with_input_write_the_same_files(sample_dir, tmp_path):
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
    for command, name in (("contractors", "risk.csv"), ("chains", "chains.csv")):
        files = [tmp_path / "store" / name, tmp_path / "parts" / name]
        assert main([command, "--db", db, "--out", str(files[0])]) == 0
        argv = [command, "--out", str(files[1]), "--input", str(tmp_path / "pq")]
        assert main(argv) == 0
        assert files[0].read_bytes() == files[1].read_bytes()
    bad = ["circuits", "--out", str(tmp_path / "x.csv"), "--input", str(tmp_path / "pq")]
    assert main([*bad, "--multistop", str(tmp_path / "m.csv")]) == 2
    assert main(["circuits", "--out", str(tmp_path / "x.csv"), "--engine", "spark"]) == 2


def test_counts_that_add_up_give_exact_medians_and_sums():
    """The two helpers partitions rely on: a median from a histogram, an exact sum."""
    import math

    import numpy as np

    from analytics.seasons import group_median, group_sum, histogram_median

    rng = np.random.default_rng(3)
    values = rng.integers(0, 40, 5000)
    group = rng.integers(0, 30, 5000)
    pairs, counts = np.unique(np.stack([group, values]), axis=1, return_counts=True)
    got = histogram_median(pairs[0], pairs[1], counts, 31)
    np.testing.assert_array_equal(got, group_median(values, group, 31))  # group 30: NaN both
    floats = rng.random(5000) * 0.3
    order = rng.permutation(5000)
    sums = group_sum(floats, group, 31)
    assert (sums == group_sum(floats[order], group[order], 31)).all()
    assert sums[0] == math.fsum(floats[group == 0]) and sums[30] == 0.0
