"""The analytics by partition on Apache Spark, for stores past one machine.

Spark reads the Parquet export (``tracker.parquet``, Hive-style ``bucket=NN`` folders, so
the bucket is a column), groups each worker-keyed table by bucket, and runs the *same*
per-partition functions as the run on one machine (``analytics.partitioned``) in its
tasks, through ``cogroup(...).applyInArrow``: each task receives one bucket's tables as
Arrow and returns its small result as Arrow, with no conversion through Python rows. The
driver collects the small results and runs the combine step. So Spark adds no algorithm:
what it changes is where the partitions are computed.

PySpark comes from PyPI (``pip install 'lmt[spark]'``) and needs Java 17. The session is
local (``local[*]``: every core of this machine) unless a master URL is given; any
cluster's workers need LMT installed (the tasks import ``analytics``) and the export
folder at the same path (a shared file system, or an ``s3a://``/``hdfs://`` URL).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyarrow as pa

from analytics.partitioned import (
    CIRCUIT_PART,
    HOME_COLUMNS,
    CircuitResults,
    circuit_part_arrow,
    circuit_partition,
    combine_circuits,
)
from analytics.round_trips import MOVE_COLUMNS
from tracker.parquet import BUCKET, WORKER_TABLES, to_frame

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


def read_table(spark: SparkSession, folder: str, table: str, columns: list[str]) -> DataFrame:
    """One worker-keyed table of the export, its ``columns`` and the bucket."""
    return spark.read.parquet(f"{str(folder).rstrip('/')}/{table}").select(*columns, BUCKET)


def circuits_on_spark(spark: SparkSession, folder: str) -> CircuitResults:
    """Circuits, corridor view and calendar counts over a Parquet export, on Spark."""
    moves = read_table(spark, folder, "moves", MOVE_COLUMNS)
    homes = read_table(spark, folder, "homes", HOME_COLUMNS)
    parts = (
        moves.groupBy(BUCKET)
        .cogroup(homes.groupBy(BUCKET))
        .applyInArrow(_circuit_task, schema=_spark_schema(CIRCUIT_PART))
    )
    return combine_circuits([_collect(parts, CIRCUIT_PART).to_pandas()])


def _circuit_task(moves: pa.Table, homes: pa.Table) -> pa.Table:
    """One bucket's circuits, in a Spark task: the same function as on one machine."""
    frame = circuit_partition(
        to_frame(moves, WORKER_TABLES["moves"].only(MOVE_COLUMNS)),
        to_frame(homes, WORKER_TABLES["homes"].only(HOME_COLUMNS)),
    )
    return circuit_part_arrow(frame)


def _collect(frame: DataFrame, schema: pa.Schema) -> pa.Table:
    """A Spark result on the driver as Arrow in ``schema`` (Spark may widen strings)."""
    table = frame.toArrow()
    return table.select(schema.names).cast(schema)


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
