"""Options shared by the analytics commands: where the analytics run.

``--engine embedded`` (the default) runs in this process: over the store, or with
``--input DIR`` over a Parquet export (``lmt export --format parquet``) bucket after
bucket. ``--engine spark`` runs the same per-partition functions on Apache Spark over the
export given by ``--input`` (``analytics.spark``), on ``--master`` (``local[*]``: this
machine's cores).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.access.disclosure import CountWords

ENGINES = ("embedded", "spark")


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("engine")
    group.add_argument(
        "--engine",
        choices=ENGINES,
        default="embedded",
        help="embedded: in this process (default); spark: on Apache Spark (needs --input)",
    )
    group.add_argument(
        "--input",
        metavar="DIR",
        help="read a Parquet export (lmt export --format parquet) instead of the store",
    )
    group.add_argument(
        "--master", metavar="URL", default=None, help="Spark master (default local[*])"
    )
    group.add_argument(
        "--spark-conf",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="a Spark setting, e.g. spark.driver.memory=4g (repeatable)",
    )


def engine_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the engine options, in words (None: nothing)."""
    if args.engine == "spark" and not args.input:
        return "--engine spark reads a Parquet export: give --input DIR"
    if args.engine != "spark" and (args.master or args.spark_conf):
        return "--master and --spark-conf go with --engine spark"
    if any("=" not in item for item in args.spark_conf):
        return "--spark-conf takes KEY=VALUE"
    return None


def spark_from(args: argparse.Namespace):
    """The Spark session the options ask for."""
    from analytics.spark import LOCAL_MASTER, spark_session

    conf = [tuple(item.split("=", 1)) for item in args.spark_conf]
    return spark_session(args.master or LOCAL_MASTER, conf)


def circuits_by_engine(args: argparse.Namespace):
    """Circuits over the export of ``--input``, on the engine asked for."""
    if args.engine == "spark":
        from analytics.spark import circuits_on_spark

        return circuits_on_spark(spark_from(args), args.input)
    from analytics.partitioned import circuits_from_export

    return circuits_from_export(_export(args))


def contractors_by_engine(args: argparse.Namespace, words: CountWords | None = None):
    """Contractor risk over the export of ``--input``, on the engine asked for, its text
    written with ``words`` (None: exact counts)."""
    from tracker.access.disclosure import EXACT

    words = words or EXACT
    if args.engine == "spark":
        from analytics.spark import contractors_on_spark

        return contractors_on_spark(spark_from(args), args.input, words)
    from analytics.partitioned import contractors_from_export

    return contractors_from_export(_export(args), words)


def chains_by_engine(args: argparse.Namespace):
    """Chains and data errors over the export of ``--input``, on the engine asked for."""
    if args.engine == "spark":
        from analytics.spark import chains_on_spark

        return chains_on_spark(spark_from(args), args.input)
    from analytics.partitioned import chains_from_export

    return chains_from_export(_export(args))


def _export(args: argparse.Namespace):
    from tracker.parquet import ParquetExport

    return ParquetExport.open(args.input)
