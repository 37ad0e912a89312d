"""Options shared by the analytics commands: where the analytics run.

``--engine embedded`` (the default) runs in this process: over the store, or with
``--input DIR`` over a Parquet export (``lmt export --format parquet``) bucket after
bucket. ``--engine spark`` runs the same per-partition functions on Apache Spark over the
export given by ``--input`` (``analytics.spark``), on ``--master`` (``local[*]``: this
machine's cores).
"""

from __future__ import annotations

import argparse

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
