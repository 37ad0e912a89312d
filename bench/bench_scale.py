"""National scale (issue 15): every job of a batch, timed at one size, Spark beside the store.

For each size, on the batch `lmt synth --workers N --seed 7` (made once in ``--work``, as
``bench.bench_ingest`` makes it): the import into a fresh store (``--no-link``: the linkage
is ``bench.bench_linkage``'s), the re-import of the unchanged batch (it must store nothing),
circuits, contractor risk and chains from the store, the Parquet export, the same three
from the export by partition in this process, and circuits and contractor risk on Apache
Spark (``local[*]``) from the export. Each step is one ``lmt`` command in its own process,
measured with every process it starts (``bench.processes``: Spark's JVM included): wall
time, CPU time (user + system), peak memory; the store's size on disk after the import.
The Spark and partitioned files must equal the store's byte for byte, or the run stops.

Usage: python -m bench.bench_scale --sizes 100000 1000000 [--work DIR] [--steps ...]
Writes the "scale" section of docs/benchmarks.md (``--no-report``: print it only).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import subprocess
from pathlib import Path

from bench.bench_ingest import TODAY, batch_for, lmt
from bench.processes import Usage, run
from bench.report import write_section

STEPS = (
    "ingest",
    "reimport",
    "circuits",
    "contractors",
    "chains",
    "export",
    "circuits-partitioned",
    "contractors-partitioned",
    "chains-partitioned",
    "circuits-spark",
    "contractors-spark",
)
SPARK_MEMORY = "spark.driver.memory=8g"
"""local[*] runs its tasks in the driver's JVM: the whole job's memory is this one setting."""


def du_gib(folder: Path) -> float:
    found = subprocess.run(["du", "-sb", str(folder)], capture_output=True, text=True)
    return int(found.stdout.split()[0]) / 1024**3


def command(step: str, db: Path, batch: Path, out: Path) -> list[str]:
    """The ``lmt`` command of ``step``, writing into ``out``."""
    export = out / "export"
    source = ["--db", str(db)]
    if step.endswith("-partitioned"):
        source = ["--input", str(export)]
    if step.endswith("-spark"):
        source = ["--input", str(export), "--engine", "spark", "--spark-conf", SPARK_MEMORY]
    name = step.split("-")[0]
    suffix = "" if "-" not in step else "-" + step.split("-")[1]
    if step in ("ingest", "reimport"):
        return lmt("ingest", str(batch), *source, "--today", TODAY, "--no-link", "--json")
    if step == "export":
        return lmt("export", "--format", "parquet", *source, str(export))
    if name == "chains":
        return lmt(
            "chains", *source, "--out", str(out / f"chains{suffix}.csv"),
            "--errors", str(out / f"chain_errors{suffix}.csv"),
        )  # fmt: skip
    files = {"circuits": "circuits", "contractors": "contractor_risk"}
    return lmt(name, *source, "--out", str(out / f"{files[name]}{suffix}.csv"))


def same_files(out: Path, step: str) -> str:
    """'same' if the step's file equals the store run's byte for byte; stops otherwise."""
    name, engine = step.split("-")
    file = {"circuits": "circuits", "contractors": "contractor_risk", "chains": "chains"}[name]
    mine, store = out / f"{file}-{engine}.csv", out / f"{file}.csv"
    if not store.exists():
        return "not compared (no store run)"
    if not filecmp.cmp(mine, store, shallow=False):
        raise SystemExit(f"{mine} differs from {store}")
    return "same bytes as the store's"


def measure(workers: int, work: Path, steps: list[str]) -> list[dict]:
    batch = batch_for(workers, work)
    db, out = work / f"scale-store-{workers}", work / f"scale-out-{workers}"
    if "ingest" in steps:
        shutil.rmtree(db, ignore_errors=True)
    if "export" in steps:
        shutil.rmtree(out / "export", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for step in (s for s in STEPS if s in steps):
        used: Usage = run(command(step, db, batch, out))
        if used.returncode not in ((0, 2) if step in ("ingest", "reimport") else (0,)):
            raise SystemExit(f"{step} failed ({used.returncode}):\n{used.stderr[-3000:]}")
        row = {"workers": workers, "step": step, **_figures(used), "note": ""}
        if step in ("ingest", "reimport"):
            files = json.loads(used.stdout)["files"]
            stored = sum(f["stored"] + f["replaced"] for f in files)
            rows_read = sum(f["read"] for f in files)
            row["note"] = f"{rows_read:,} rows read, {stored:,} stored or replaced"
            if step == "ingest":
                row["note"] += f"; store {du_gib(db):.2f} GiB on disk"
            elif stored:
                raise SystemExit(f"the re-import changed the store: {stored} rows")
        if "-" in step:
            row["note"] = same_files(out, step)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def _figures(used: Usage) -> dict:
    return {
        "seconds": round(used.seconds, 1),
        "cpu_seconds": round(used.cpu_seconds, 1),
        "peak_gib": round(used.peak_gib, 2),
        "load_before": round(used.load_before, 1),
    }


def body(rows: list[dict]) -> str:
    lines = [
        "| workers | step | wall s | CPU s | peak memory | load before | note |",
        "| ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['workers']:,} | {r['step']} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | "
            f"{r['peak_gib']:.2f} GiB | {r['load_before']:.1f} | {r['note']} |"
        )
    return "\n".join(lines) + "\n\n" + (__doc__ or "").split("\n\n")[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=Path("bench-work"))
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = [row for n in args.sizes for row in measure(n, args.work.resolve(), args.steps)]
    text = body(rows)
    if args.no_report:
        print(text)
    else:
        sizes = " ".join(str(n) for n in args.sizes)
        write_section(
            "scale",
            "National scale: every job at one size, Spark beside the store (issue 15)",
            f"python -m bench.bench_scale --sizes {sizes} --work DIR",
            text,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
