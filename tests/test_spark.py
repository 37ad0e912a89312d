"""The analytics on Apache Spark, local mode, give the embedded run's files byte for byte.

One Spark session for the module (``local[2]``, two shuffle partitions, bound to
127.0.0.1, no web UI): it reads a Parquet export of the sample and runs circuits,
contractor risk and chains with the same per-partition functions as the embedded run
(``analytics.spark``); the CSV files must be equal to the embedded run's over the store.
Without PySpark or Java 17 these tests skip with the reason, except in CI (``CI=true``),
where they fail: CI must run them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from analytics.chains import chains_with_risk
from analytics.circuits import circuits_of_journeys, journeys_from_store
from analytics.contractor_risk import contractor_risk_from_store
from analytics.corridors import corridor_view, seasonal_calendar
from analytics.supply_graph import read_supply_records
from lmt.cli import main
from tracker.csvio import write_table
from tracker.parquet import export_parquet


def _missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install -e '.[dev]')"
    java = shutil.which("java")
    if java is None:
        return "no java on PATH (bash tools/spark/install-java.sh)"
    found = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    if not any(f'version "{v}' in found for v in range(17, 30)):
        return f"Spark needs Java 17 or newer, found: {found.splitlines()[:1]}"
    return None


@pytest.fixture(scope="module")
def spark():
    missing = _missing()
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Spark tests cannot run in CI: {missing}", pytrace=False)
        pytest.skip(missing)
    from analytics.spark import spark_session

    session = spark_session("local[2]", [("spark.sql.shuffle.partitions", "2")])
    yield session
    session.stop()


@pytest.fixture(scope="module")
def export(sample_store, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("spark") / "export"
    export_parquet(sample_store, folder, buckets=4)
    return folder


def csv_bytes(frame, folder: Path, name: str) -> bytes:
    return write_table(frame, folder / name).read_bytes()


def test_circuits_on_spark_equal_the_embedded_run(spark, export, sample_store, tmp_path):
    from analytics.spark import circuits_on_spark

    embedded = circuits_of_journeys(journeys_from_store(sample_store))
    on_spark = circuits_on_spark(spark, str(export))
    pairs = [
        (embedded.table, on_spark.table),
        (corridor_view(embedded), on_spark.corridors()),
        (seasonal_calendar(embedded), on_spark.calendar()),
    ]
    assert len(embedded.table) > 500
    for n, (a, b) in enumerate(pairs):
        assert csv_bytes(a, tmp_path / "a", f"{n}.csv") == csv_bytes(b, tmp_path / "b", f"{n}.csv")


def test_contractor_risk_and_chains_on_spark_equal_the_embedded_run(
    spark, export, sample_store, tmp_path
):
    from analytics.spark import chains_on_spark, contractors_on_spark

    risk = contractor_risk_from_store(sample_store)
    chains, errors = chains_with_risk(read_supply_records(sample_store), risk)
    on_spark = contractors_on_spark(spark, str(export))
    spark_chains, spark_errors = chains_on_spark(spark, str(export), on_spark)
    assert risk["flagged"].sum() > 10 and len(chains) > 100
    for name, a, b in (
        ("risk.csv", risk, on_spark.risk),
        ("chains.csv", chains, spark_chains),
        ("errors.csv", errors, spark_errors),
    ):
        assert csv_bytes(a, tmp_path / "a", name) == csv_bytes(b, tmp_path / "b", name), name


def test_lmt_circuits_engine_spark(spark, export, sample_store, tmp_path):
    """The command line: the same circuits.csv from --engine spark as from the store."""
    out = tmp_path / "spark.csv"
    argv = ["circuits", "--engine", "spark", "--input", str(export), "--out", str(out)]
    assert main([*argv, "--master", "local[2]"]) == 0
    embedded = circuits_of_journeys(journeys_from_store(sample_store)).table
    assert out.read_bytes() == csv_bytes(embedded, tmp_path, "embedded.csv")


def test_spark_counts_persons_as_the_embedded_run(spark, tmp_path_factory, tmp_path):
    """On a linked store (the identity sample, issue 12) the export buckets by person and
    Spark's circuits and contractor risk are the embedded run's, per person."""
    import datetime as dt

    from analytics.spark import circuits_on_spark, contractors_on_spark
    from tracker.identity import link
    from tracker.ingest import ingest_folder
    from tracker.stores.ladybug.store import LadybugStore

    folder = tmp_path_factory.mktemp("spark-persons")
    sample = Path(__file__).parent / "data" / "identity-sample"
    store = LadybugStore(folder / "db", buffer_pool_mb=256)
    try:
        ingest_folder(store, sample, rejects_dir=folder / "rejects", today=dt.date(2026, 11, 1))
        link(store)
        export_parquet(store, folder / "export", buckets=3)
        embedded = circuits_of_journeys(journeys_from_store(store)).table
        risk = contractor_risk_from_store(store)
    finally:
        store.close()
    assert embedded["person_id"].notna().all()
    on_spark = circuits_on_spark(spark, str(folder / "export"))
    a = csv_bytes(embedded, tmp_path / "a", "circuits.csv")
    assert a == csv_bytes(on_spark.table, tmp_path / "b", "circuits.csv")
    spark_risk = contractors_on_spark(spark, str(folder / "export")).risk
    a = csv_bytes(risk, tmp_path / "a", "risk.csv")
    assert a == csv_bytes(spark_risk, tmp_path / "b", "risk.csv")
