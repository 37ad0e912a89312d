"""Shared fixtures: the sample batch, and a real LadybugDB store with it ingested."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tracker.ingest import IngestReport, ingest_folder
from tracker.stores.ladybug.store import LadybugStore

# Property-based tests: bounded everywhere; under CI also derandomised (one fixed seed), so a
# run is repeatable and a failure is the change's, not the draw's.
settings.register_profile(
    "ci",
    max_examples=25,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

SAMPLE_DIR = Path(__file__).parent / "data" / "sample"
SAMPLE_TODAY = dt.date(2026, 11, 23)
"""The day the sample is judged against (its planted future dates lie in 2030 and later)."""


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture(scope="session")
def sample_ingest(tmp_path_factory: pytest.TempPathFactory) -> tuple[LadybugStore, IngestReport]:
    folder = tmp_path_factory.mktemp("sample-store")
    store = LadybugStore(folder / "db", buffer_pool_mb=256)
    report = ingest_folder(store, SAMPLE_DIR, rejects_dir=folder / "rejects", today=SAMPLE_TODAY)
    yield store, report
    store.close()


@pytest.fixture(scope="session")
def sample_store(sample_ingest: tuple[LadybugStore, IngestReport]) -> LadybugStore:
    """The sample batch ingested into a real LadybugDB store. Shared: do not write to it."""
    return sample_ingest[0]


IDENTITY_DIR = Path(__file__).parent / "data" / "identity-sample"
IDENTITY_TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="session")
def identity_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The identity sample (persons under several worker ids) ingested and linked, in a
    store folder closed again: copy it (``copy_store``) to read or write it."""
    from tracker.identity import link

    folder = tmp_path_factory.mktemp("identity-linked")
    store = LadybugStore(folder / "db", buffer_pool_mb=256)
    ingest_folder(store, IDENTITY_DIR, rejects_dir=folder / "rejects", today=IDENTITY_TODAY)
    link(store)
    store.close()
    return folder


def copy_store(folder: Path, to: Path) -> Path:
    """The store of a copy of ``folder`` (a closed store's ``db`` and what lies beside it),
    to open on its own: the path to give ``LadybugStore`` or ``--db``."""
    import shutil

    shutil.copytree(folder, to / "copy")
    return to / "copy" / "db"


@pytest.fixture(scope="session")
def copy_identity(identity_folder: Path, tmp_path_factory: pytest.TempPathFactory):
    """Make a copy of the linked identity sample's store: call it, get the ``db`` path."""
    return lambda: copy_store(identity_folder, tmp_path_factory.mktemp("identity-copy"))
