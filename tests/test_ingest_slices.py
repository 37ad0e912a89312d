"""Event files written in slices of workers (tracker.ingest.slices) give the store and
the report of one slice: the same rows stored, the same rejections (ids given twice in
different slices included), the same trip ids, corrections found across slices, and a
re-import in slices changes nothing."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from store_snapshot import assert_same_store
from test_ingest import TODAY

from tracker.ingest import IngestReport, ingest_folder
from tracker.stores.ladybug.store import LadybugStore

SMALL = 1000
"""Rows per slice: the sample's moves come in many slices."""


def _import(store: LadybugStore, folder: Path, slice_rows: int) -> IngestReport:
    rejects = store.folder.parent / f"{store.folder.name}-{folder.name}-rejects"
    return ingest_folder(store, folder, rejects, today=TODAY, slice_rows=slice_rows, read_all=True)


def _counts(report: IngestReport) -> list:
    return [f.model_dump() for f in report.files]


def _rejected(report: IngestReport) -> list:
    return [r.model_dump() for r in report.rejected_rows]


@pytest.fixture
def batch(tmp_path: Path, sample_dir: Path) -> Path:
    """The sample, with a move id given again on a line far from its first (in the slice
    of another worker) and a move reported twice (one trip, two records)."""
    folder = tmp_path / "batch"
    shutil.copytree(sample_dir, folder)
    path = folder / "moves.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    repeat = dict(rows[-1], record_id=rows[0]["record_id"])
    twice = dict(rows[1], record_id=rows[1]["record_id"] + "-T", source="transit_point")
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writerow(repeat)
        writer.writerow(twice)
    return folder


def test_slices_give_the_store_and_report_of_one_slice(tmp_path: Path, batch: Path) -> None:
    with (
        LadybugStore(tmp_path / "whole", buffer_pool_mb=256) as whole,
        LadybugStore(tmp_path / "sliced", buffer_pool_mb=256) as sliced,
    ):
        one = _import(whole, batch, 10**9)
        many = _import(sliced, batch, SMALL)
        assert _counts(many) == _counts(one)
        assert _rejected(many) == _rejected(one)
        assert any("already given on line" in r["reason"] for r in _rejected(many))
        assert_same_store(sliced, whole)
        again = _import(sliced, batch, SMALL)
        assert sum(f.stored + f.replaced for f in again.files) == 0
        assert _rejected(again) == _rejected(one)
        assert_same_store(sliced, whole)


def test_a_correction_moving_a_record_to_a_worker_of_another_slice(
    tmp_path: Path, batch: Path
) -> None:
    """A record sent again under another worker (far apart in the store's order) replaces
    the one held, in slices as in one."""
    correction = tmp_path / "correction"
    correction.mkdir()
    with (batch / "moves.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    moved = dict(rows[0], worker_id=rows[-3]["worker_id"])
    with (correction / "moves.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(moved)
    assert moved["worker_id"] != rows[0]["worker_id"]
    with (
        LadybugStore(tmp_path / "whole", buffer_pool_mb=256) as whole,
        LadybugStore(tmp_path / "sliced", buffer_pool_mb=256) as sliced,
    ):
        _import(whole, batch, 10**9)
        _import(sliced, batch, SMALL)
        one = _import(whole, correction, 10**9)
        many = _import(sliced, correction, SMALL)
        assert _counts(many) == _counts(one)
        assert many.files[0].replaced == 1
        assert_same_store(sliced, whole)
