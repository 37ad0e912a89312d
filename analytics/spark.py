"""The analytics by partition on Apache Spark, for stores past one machine.

Spark reads the Parquet export (``tracker.parquet``, Hive-style ``bucket=NN`` folders, so
the bucket is a column), groups the worker-keyed tables by bucket, and runs the *same*
per-partition functions as the run on one machine (``analytics.partitioned``) in its
tasks, through ``groupBy(bucket).applyInArrow``: each task receives one bucket's tables as
Arrow and returns its small result as Arrow, with no conversion through Python rows. The
driver collects the small results and runs the combine step. So Spark adds no algorithm:
what it changes is where the partitions are computed. The small global tables
(contractors, employers, links) and the going rates are read on the driver and travel
with the tasks.

PySpark comes from PyPI (``pip install 'lmt[spark]'``) and needs Java 17. The session is
local (``local[*]``: every core of this machine) unless a master URL is given; any
cluster's workers need LMT installed (the tasks import ``analytics``) and the export
folder at the same path (a shared file system, or an ``s3a://``/``hdfs://`` URL).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.chains import chain_paths
from analytics.contractor_risk import going_rates, risk_of_evidence
from analytics.partitioned import (
    CHAIN_PART,
    CIRCUIT_PART,
    EVIDENCE_PART,
    HOME_COLUMNS,
    SUPPLY_COLUMNS,
    WAGE_PART,
    CircuitResults,
    ContractorResults,
    SupplyTables,
    chain_worker_partition,
    circuit_partition,
    combine_chains,
    combine_circuits,
    evidence_of_long,
    evidence_partition,
    evidence_to_long,
    long_arrow,
    wage_counts_of_long,
    wage_partition,
)
from analytics.round_trips import MOVE_COLUMNS
from tracker.access.disclosure import EXACT, CountWords
from tracker.parquet import BUCKET, WORKER_TABLES, ParquetExport, to_frame

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

LOCAL_MASTER = "local[*]"
SHUFFLE_PARTITIONS = 8
"""Spark's default of 200 shuffle partitions costs seconds of scheduling on small data."""


def spark_session(master: str = LOCAL_MASTER, conf: Iterable[tuple[str, str]] = ()) -> SparkSession:
    """A Spark session for LMT's analytics (the running one if there is one).

    On a local master Spark binds to 127.0.0.1 and starts no web UI: it needs no network.
    Tasks run this interpreter (``PYSPARK_PYTHON``), so they import the same LMT.
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # PySpark 4.3 warns that pandas 3 is new to it; LMT's tasks exchange Arrow, not pandas
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    builder = (
        SparkSession.builder.master(master)
        .appName("lmt")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    for key, value in conf:
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def bucket_tables(
    spark: SparkSession, folder: str, tables: Mapping[str, list[str] | None]
) -> DataFrame:
    """Worker-keyed tables of the export as one Spark DataFrame, grouped by bucket after.

    Spark's cogroup takes two tables; contractor risk needs three. So the tables are put
    one under the other (``unionByName``, a ``table`` column saying which each row is
    from, missing columns null: the tables share no column name of another type) and
    ``_split`` takes them apart again in the task.
    """
    from pyspark.sql import functions as F

    frames = []
    for name, columns in tables.items():
        spec = WORKER_TABLES[name].only(columns)
        frame = spark.read.parquet(f"{str(folder).rstrip('/')}/{name}")
        frames.append(frame.select(*spec.columns, BUCKET).withColumn(TABLE, F.lit(name)))
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame, allowMissingColumns=True)
    return union


TABLE = "_table"


def _split(union: pa.Table, tables: Mapping[str, list[str] | None]) -> dict[str, pd.DataFrame]:
    """One bucket's tables back from a ``bucket_tables`` group, as canonical frames."""
    out = {}
    for name, columns in tables.items():
        spec = WORKER_TABLES[name].only(columns)
        rows = union.filter(pc.equal(union.column(TABLE), name))
        out[name] = to_frame(rows, spec)
    return out


def _per_bucket(
    spark: SparkSession,
    folder: str,
    tables: Mapping[str, list[str] | None],
    task: Callable[[dict[str, pd.DataFrame]], pd.DataFrame],
    schema: pa.Schema,
) -> pd.DataFrame:
    """``task`` over each bucket's ``tables`` in Spark tasks; the results on the driver.

    ``task`` gets one bucket's tables (canonical frames) and returns a frame of ``schema``;
    whatever it refers to (small global tables, going rates) travels with it to the
    executors.
    """

    def run(union: pa.Table) -> pa.Table:
        return long_arrow(task(_split(union, tables)), schema)

    grouped = bucket_tables(spark, folder, tables).groupBy(BUCKET)
    result = grouped.applyInArrow(run, schema=_spark_schema(schema))
    return result.toArrow().select(schema.names).cast(schema).to_pandas()


def circuits_on_spark(spark: SparkSession, folder: str) -> CircuitResults:
    """Circuits, corridor view and calendar counts over a Parquet export, on Spark."""
    tables = _with_persons(folder, {"moves": MOVE_COLUMNS, "homes": HOME_COLUMNS, "persons": None})

    def task(bucket: dict[str, pd.DataFrame]) -> pd.DataFrame:
        return circuit_partition(bucket["moves"], bucket["homes"], bucket.get("persons"))

    return combine_circuits([_per_bucket(spark, folder, tables, task, CIRCUIT_PART)])


def contractors_on_spark(
    spark: SparkSession, folder: str, words: CountWords = EXACT
) -> ContractorResults:
    """Contractor risk over a Parquet export, on Spark: wage counts, then evidence; the
    text written with ``words``."""
    supply = SupplyTables.of_export(ParquetExport.open(folder))
    employments = {"employments": SUPPLY_COLUMNS["employments"]}

    def wages(bucket: dict[str, pd.DataFrame]) -> pd.DataFrame:
        return wage_partition(bucket["employments"], supply)

    counts = _per_bucket(spark, folder, employments, wages, WAGE_PART)
    rates = going_rates(wage_counts_of_long(counts))

    def evidence(bucket: dict[str, pd.DataFrame]) -> pd.DataFrame:
        return evidence_to_long(evidence_partition(bucket, supply, rates))

    supply_tables = _with_persons(folder, SUPPLY_COLUMNS)
    found = evidence_of_long(_per_bucket(spark, folder, supply_tables, evidence, EVIDENCE_PART))
    risk = risk_of_evidence(supply.contractors, supply.links, found, words=words)
    return ContractorResults(risk, found)


def chains_on_spark(
    spark: SparkSession, folder: str, contractors: ContractorResults | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chains with their risk, and the data errors, over a Parquet export, on Spark."""
    contractors = contractors or contractors_on_spark(spark, folder)
    supply = SupplyTables.of_export(ParquetExport.open(folder))
    recruits = pd.MultiIndex.from_frame(contractors.evidence.recruits)
    paths, errors = chain_paths(supply.links, recruits)
    tables = _with_persons(
        folder, {name: SUPPLY_COLUMNS[name] for name in ("moves", "employments", "persons")}
    )

    def workers(bucket: dict[str, pd.DataFrame]) -> pd.DataFrame:
        counts = chain_worker_partition(bucket, paths)
        return pd.DataFrame({"row": np.arange(len(counts)), "workers": counts.to_numpy()})

    found = _per_bucket(spark, folder, tables, workers, CHAIN_PART)
    per_row = found.groupby("row")["workers"].sum().reindex(np.arange(len(paths)), fill_value=0)
    counts = pd.Series(per_row.to_numpy(dtype="int64"), index=paths.index)
    return combine_chains(paths, [counts], contractors.risk), errors


def _with_persons(
    folder: str, tables: Mapping[str, list[str] | None]
) -> dict[str, list[str] | None]:
    """``tables`` without ``persons`` when the export has none (no linkage ran): Spark
    cannot read a table with no files, and without persons every worker is one."""
    if ParquetExport.open(folder).rows.get("persons"):
        return dict(tables)
    return {name: columns for name, columns in tables.items() if name != "persons"}


_SPARK_TYPES = {
    pa.string(): "string",
    pa.int64(): "bigint",
    pa.float64(): "double",
    pa.bool_(): "boolean",
    pa.date32(): "date",
}


def _spark_schema(schema: pa.Schema) -> str:
    """An Arrow schema as Spark's DDL string."""
    return ", ".join(f"`{f.name}` {_SPARK_TYPES[f.type]}" for f in schema)
