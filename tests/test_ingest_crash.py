"""An import killed part-way leaves a usable store, and running it again ends in exactly
the state of an uninterrupted run. The import runs as a real `lmt ingest` process, killed
with SIGKILL at several points of its work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scaled import scaled_sample
from store_snapshot import assert_same_store

from tracker.stores.ladybug.store import LadybugStore

TODAY = "2026-11-23"


def lmt(*args: str, **kwargs) -> subprocess.Popen:
    command = [sys.executable, "-m", "lmt.cli", *args]
    return subprocess.Popen(command, text=True, **kwargs)


def ingest(batch: Path, db: Path) -> int:
    process = lmt(
        "ingest", str(batch), "--db", str(db), "--today", TODAY, stdout=subprocess.DEVNULL
    )
    return process.wait(timeout=600)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    return scaled_sample(sample_dir, tmp_path_factory.mktemp("batch") / "batch", copies=2)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory, batch: Path) -> Path:
    db = tmp_path_factory.mktemp("whole") / "db"
    assert ingest(batch, db) == 2  # the sample's bad rows are rejected
    return db


@pytest.mark.parametrize(
    ("after", "delay"),
    [("workers.csv", 0.0), ("contractor_links.csv", 0.2), ("contractor_links.csv", 1.0),
     ("moves.csv", 0.3)],
)  # fmt: skip
def test_killed_import_is_completed_by_running_it_again(
    batch: Path, uninterrupted: Path, tmp_path: Path, after: str, delay: float
) -> None:
    db = tmp_path / "db"
    process = lmt(
        "ingest", str(batch), "--db", str(db), "--today", TODAY, "--verbose",
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:
        if f"{after}:" in line:
            break
    time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the import finished before it was killed"

    with LadybugStore(db, buffer_pool_mb=128) as store:  # usable after the kill
        assert store.counts()["nodes"]["District"] == 640
    assert ingest(batch, db) == 2
    with (
        LadybugStore(db, buffer_pool_mb=128) as again,
        LadybugStore(uninterrupted, buffer_pool_mb=128) as whole,
    ):
        assert_same_store(again, whole)
