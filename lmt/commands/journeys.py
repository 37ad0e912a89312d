"""`lmt journeys [filters] --out FILE`: a cohort's persons, journeys, sequences and types.

Filters (docs/journeys.md): ``--origin-state``, ``--origin-district``, ``--destination-state``,
``--destination-district``, ``--sector``, ``--gender``, ``--birth-band``, ``--from YYYY-MM``,
``--to YYYY-MM``, ``--has-circuit`` / ``--no-circuit``. What is written:

* ``--out FILE``: with ``--types K``, one row per person (person_id, worker_id, type,
  description: docs/spec/cli.md); without it, one row per person of the cohort;
* ``--journeys FILE``, ``--transitions FILE``: the cohort's journeys (months, districts) and
  its origin-destination table;
* ``--sequences FILE``: the wide monthly state sequences (``.parquet`` or ``.csv``);
* ``--chronogram FILE``, ``--index-plot FILE``: the pictures (``.png`` or ``.svg``).

``--persons FILE`` takes a persons table (``worker_id``, ``person_id``, as ``persons.csv``)
so that a person's trips under several worker ids make one sequence; without it the
store's own linkage (``lmt persons``) decides, and a worker it has not placed yet is its
own person. The files are written for the one who holds the store (ids as they are)
unless ``--for ROLE`` says otherwise (``lmt.commands.audience``): ``--for researcher
--project P`` writes P's pseudonyms and suppresses counts below 5, and a cohort of fewer
than 5 persons is written with no persons at all, as the API answers it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lmt.commands.audience import add_audience_options, audience_of, audience_problem

PLOT_SUFFIXES = (".png", ".svg")


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "journeys", parents=[parent], help="a cohort's journeys, sequences and types"
    )
    where = parser.add_argument_group("cohort")
    where.add_argument("--origin-state", metavar="STATE")
    where.add_argument("--origin-district", type=int, metavar="CODE")
    where.add_argument("--destination-state", metavar="STATE")
    where.add_argument("--destination-district", type=int, metavar="CODE")
    where.add_argument("--sector", metavar="SECTOR")
    where.add_argument("--gender", choices=("female", "male", "other"))
    where.add_argument("--birth-band", metavar="YYYY-YYYY", help="e.g. 1985-1989")
    where.add_argument("--from", dest="period_from", metavar="YYYY-MM", help="first month")
    where.add_argument("--to", dest="period_to", metavar="YYYY-MM", help="last month")
    circuit = where.add_mutually_exclusive_group()
    circuit.add_argument("--has-circuit", dest="has_circuit", action="store_true", default=None)
    circuit.add_argument("--no-circuit", dest="has_circuit", action="store_false")
    parser.add_argument("--out", required=True, metavar="FILE", help="persons or types CSV")
    parser.add_argument("--types", type=int, metavar="K", help="assign each person a type 1..K")
    parser.add_argument(
        "--distance", choices=("om", "hamming"), default="om", help="for --types (om)"
    )
    parser.add_argument("--journeys", metavar="FILE", help="the cohort's journeys CSV")
    parser.add_argument("--transitions", metavar="FILE", help="origin-destination table CSV")
    parser.add_argument("--sequences", metavar="FILE", help="wide sequences .parquet or .csv")
    parser.add_argument("--chronogram", metavar="FILE", help="chronogram picture (.png/.svg)")
    parser.add_argument("--index-plot", metavar="FILE", help="index plot picture (.png/.svg)")
    parser.add_argument("--persons", metavar="FILE", help="persons table (worker_id, person_id)")
    add_audience_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from analytics.journeys.cohorts import CohortFilter

    for picture in (args.chronogram, args.index_plot):
        if picture and Path(picture).suffix.lower() not in PLOT_SUFFIXES:
            print("lmt journeys: pictures are .png or .svg files", file=sys.stderr)
            return 2
    if args.types is not None and args.types < 1:
        print("lmt journeys: --types must be at least 1", file=sys.stderr)
        return 2
    problem = audience_problem(args, "chronogram", "index_plot")
    if problem:
        print(f"lmt journeys: {problem}", file=sys.stderr)
        return 2
    fields = CohortFilter.model_fields
    try:
        chosen = CohortFilter(
            **{k: getattr(args, k) for k in fields if getattr(args, k, None) is not None}
        )
    except ValidationError as error:
        reasons = "; ".join(f"--{e['loc'][0]}: {e['msg']}" for e in error.errors())
        print(f"lmt journeys: {reasons}".replace("_", "-"), file=sys.stderr)
        return 2
    return _run(args, chosen)


def _run(args: argparse.Namespace, chosen) -> int:
    import pandas as pd

    from analytics.journeys import cohorts, sequences, typology
    from analytics.journeys.index import build_index
    from analytics.journeys.tables import tables_from_store
    from tracker.access.disclosure import disclose_table, suppressed
    from tracker.progress import progress_for
    from tracker.stores import open_store

    progress = progress_for()
    progress("reading the store", 0, 3)
    persons = None
    if args.persons:
        persons = pd.read_csv(args.persons, dtype=str, keep_default_na=False)
        missing = {"worker_id", "person_id"} - set(persons.columns)
        if missing:
            print(
                f"lmt journeys: {args.persons} lacks {', '.join(sorted(missing))}", file=sys.stderr
            )
            return 2
    with open_store(args.settings) as store:
        tables = tables_from_store(store, persons)
    progress("rebuilding journeys", 1, 3)
    index = build_index(tables)
    cohort = cohorts.select_cohort(index, chosen)
    progress("writing", 2, 3)
    audience = audience_of(args)
    audience.audit(args, "journeys")
    # a cohort of fewer than 5 persons is shown to such roles with no persons at all
    hide_all = audience.role.suppressed and suppressed(len(cohort.persons)) is None

    def write(frame: pd.DataFrame, path: str) -> Path:
        if audience.role.pseudonymised:  # one pseudonym per person, as the API shows them
            frame = frame.drop(columns=[c for c in ("worker_id",) if c in frame.columns])
        return audience.write(frame.iloc[0:0] if hide_all else frame, Path(path), "journeys")

    written = []
    if args.types is not None:
        result = typology.typology(index, cohort.persons, args.types, args.distance)
        written.append(write(typology.types_table(result, index), args.out))
        if not hide_all:
            for t, (share, words) in enumerate(
                zip(result.shares, result.descriptions, strict=True)
            ):
                print(f"type {t + 1} ({share:.0%}): {words}")
    else:
        written.append(write(cohorts.cohort_persons(index, cohort), args.out))
    if args.journeys:
        written.append(write(cohorts.cohort_journeys(index, cohort), args.journeys))
    if args.transitions:
        written.append(write(cohorts.transitions(index, cohort), args.transitions))
    if args.sequences or args.chronogram or args.index_plot:
        seqs = sequences.monthly_sequences(index, cohort.persons, cohort.period)
        if args.sequences:
            from analytics.output.files import write_sequences

            wide = seqs.wide(index.person_ids[cohort.persons])
            ids, _ = disclose_table(wide[["person_id"]], "sequences", audience.role,
                                    audience.pseudonym)  # fmt: skip
            wide = pd.concat([ids, wide.drop(columns="person_id")], axis=1)
            written.append(write_sequences(wide.iloc[0:0] if hide_all else wide, args.sequences))
        if args.chronogram or args.index_plot:
            from analytics.output import plots

            if args.chronogram:
                written.append(plots.plot_chronogram(seqs.chronogram(), args.chronogram))
            if args.index_plot:
                codes, labels = seqs.by_sector()
                written.append(
                    plots.plot_index(codes, labels, seqs.period.labels(), args.index_plot)
                )
    progress("done", 3, 3)
    numbers = cohorts.summary(index, cohort)
    if audience.role.suppressed:
        numbers, _ = cohorts.disclose_summary(numbers)
    print(json.dumps(numbers))
    for path in written:
        print(f"wrote {path}")
    return 0
