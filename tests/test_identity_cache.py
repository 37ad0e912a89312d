"""The matcher's tables kept between linkages (``tracker.identity.cache``) decide how much of
the store a batch reads, never which persons it finds: linking a batch with the cache kept,
stale (made before an earlier batch), corrupt or missing gives the same persons and pairs."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd

from graph_schema import MATCHES
from tracker.identity import link, persons
from tracker.identity.cache import FOLDER
from tracker.ingest import ingest_folder
from tracker.stores.ladybug.store import LadybugStore

SAMPLE = Path(__file__).parent / "data" / "identity-sample"
TODAY = dt.date(2026, 11, 1)
ANSWERS = pd.read_csv(SAMPLE / "answers" / "persons.csv", dtype=str)


def _open(folder: Path) -> LadybugStore:
    return LadybugStore(folder, buffer_pool_mb=256)


def _batch(folder: Path, workers: set[str], renamed: str | None = None) -> Path:
    """The sample's rows of ``workers`` alone (or all but them: ``workers`` negated by
    the caller), one registration renamed when asked."""
    folder.mkdir()
    for path in SAMPLE.glob("*.csv"):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "worker_id" in table.columns:
            table = table[table["worker_id"].isin(workers)]
            if renamed is not None and path.name == "workers.csv":
                table.loc[table["worker_id"] == renamed, "name"] = "Ramesh Kumar Oraon"
        table.to_csv(folder / path.name, index=False)
    return folder


def _outcome(store: LadybugStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    people = persons(store).sort_values("worker_id", ignore_index=True)
    pairs = store.edge_table(MATCHES, ["pair_id", "match_probability", "status"])
    return people, pairs.sort_values("pair_id", ignore_index=True)


def test_a_kept_stale_corrupt_or_missing_cache_gives_the_same_persons(tmp_path):
    every = set(pd.read_csv(SAMPLE / "workers.csv", dtype=str)["worker_id"])
    aliases = ANSWERS[ANSWERS["registration"] == "alias"]["worker_id"]
    first_later, second_later = set(aliases.iloc[:60]), set(aliases.iloc[60:200])
    one, two = every - first_later - second_later, first_later
    base = tmp_path / "base"
    with _open(base) as store:
        ingest_folder(store, _batch(tmp_path / "b1", one), tmp_path / "r1", TODAY)
        assert link(store).trained
    stale = tmp_path / "stale-cache"
    shutil.copytree(base / FOLDER, stale)  # made before the second batch
    with _open(base) as store:
        renamed = sorted(one)[7]
        ingest_folder(store, _batch(tmp_path / "b2", two, renamed), tmp_path / "r2", TODAY)
        ingest_folder(store, _batch(tmp_path / "b2b", {renamed}, renamed), tmp_path / "r", TODAY)
        assert link(store).matcher == "patched"  # the batch's registrations read alone
    third = _batch(tmp_path / "b3", second_later)

    outcomes, how = {}, {}
    for case in ("kept", "stale", "corrupt", "missing"):
        db = tmp_path / case
        shutil.copytree(base, db)
        cache = db / FOLDER
        if case == "stale":
            shutil.rmtree(cache)
            shutil.copytree(stale, cache)
        elif case == "corrupt":
            table = cache / "rows.arrow"
            data = bytearray(table.read_bytes())
            data[len(data) // 2] ^= 0xFF
            table.write_bytes(bytes(data))
        elif case == "missing":
            shutil.rmtree(cache)
        with _open(db) as store:
            ingest_folder(store, third, tmp_path / f"r-{case}", TODAY)
            report = link(store)
            assert report.new_registrations == len(second_later) and not report.trained
            how[case] = report.matcher
            outcomes[case] = _outcome(store)
    assert how == {"kept": "patched", "stale": "patched", "corrupt": "read", "missing": "read"}
    people, pairs = outcomes["missing"]
    assert people["person_id"].notna().all() and len(pairs)
    for case in ("kept", "stale", "corrupt"):
        pd.testing.assert_frame_equal(outcomes[case][0], people)
        pd.testing.assert_frame_equal(outcomes[case][1], pairs)
