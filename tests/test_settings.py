"""The one settings object (``tracker.settings``): what each variable means, how ``--db`` and
``--neo4j`` combine with the environment, and that a bad value is a usage error naming it
(``lmt`` exits 2 without a traceback)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.access import access_db_path
from tracker.settings import Settings, SettingsError

VARIABLES = (
    "LMT_DB",
    "NEO4J_URI",
    "NEO4J_USER",
    "NEO4J_PASSWORD",
    "LMT_BUFFER_POOL_MB",
    "LMT_STATE",
    "LMT_PSEUDONYM_SECRET",
    "LMT_TODAY",
    "LMT_TIMELINE_CACHE_MB",
    "LMT_DEBUG",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment without any LMT variable; the test sets what it needs."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_defaults_without_any_variable(env: pytest.MonkeyPatch) -> None:
    settings = Settings.load()
    assert settings.embedded_folder == "./lmt-data" and settings.neo4j_uri is None
    assert (settings.neo4j_user, settings.neo4j_password.get_secret_value()) == ("neo4j", "")
    assert settings.buffer_pool_mb is None and settings.timeline_cache_mb == 256
    assert settings.state == "./lmt-state" and settings.pseudonym_secret is None
    assert settings.today is None and settings.debug is False
    assert access_db_path(settings) == Path("lmt-data/access.sqlite3")


def test_every_variable_is_read_and_typed(env: pytest.MonkeyPatch) -> None:
    values = {
        "LMT_DB": "/data/lmt",
        "NEO4J_URI": "neo4j://db:7687",
        "NEO4J_USER": "lmt",
        "NEO4J_PASSWORD": "pw",
        "LMT_BUFFER_POOL_MB": "512",
        "LMT_STATE": "/var/lmt",
        "LMT_PSEUDONYM_SECRET": "s" * 32,
        "LMT_TODAY": "2026-11-23",
        "LMT_TIMELINE_CACHE_MB": "0",
        "LMT_DEBUG": "1",
    }
    for name, value in values.items():
        env.setenv(name, value)
    settings = Settings.load()
    assert settings.db == "/data/lmt" and settings.neo4j_uri == "neo4j://db:7687"
    assert settings.neo4j_user == "lmt" and settings.neo4j_password.get_secret_value() == "pw"
    assert settings.buffer_pool_mb == 512 and settings.state == "/var/lmt"
    assert settings.pseudonym_secret.get_secret_value() == "s" * 32
    assert settings.today == dt.date(2026, 11, 23)
    assert settings.timeline_cache_mb == 0 and settings.debug is True
    assert access_db_path(settings) == Path("/var/lmt/access.sqlite3")  # Neo4j: $LMT_STATE
    assert "pw" not in repr(settings) and "s" * 32 not in repr(settings)


def test_an_empty_variable_counts_as_unset(env: pytest.MonkeyPatch) -> None:
    env.setenv("LMT_DB", "")
    env.setenv("LMT_BUFFER_POOL_MB", "")
    settings = Settings.load()
    assert settings.embedded_folder == "./lmt-data" and settings.buffer_pool_mb is None


def test_options_win_over_the_environment(env: pytest.MonkeyPatch) -> None:
    env.setenv("LMT_DB", "/env/db")
    env.setenv("NEO4J_URI", "neo4j://env:7687")
    settings = Settings.load()
    assert settings.for_options().neo4j_uri == "neo4j://env:7687"  # neither: the environment
    embedded = settings.for_options(db="/opt/db")  # --db alone: embedded, $NEO4J_URI ignored
    assert embedded.neo4j_uri is None and embedded.embedded_folder == "/opt/db"
    neo4j = settings.for_options(neo4j="bolt://opt:7687")
    assert neo4j.neo4j_uri == "bolt://opt:7687" and neo4j.embedded_folder == "/env/db"


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("LMT_BUFFER_POOL_MB", "lots", "LMT_BUFFER_POOL_MB='lots'"),
        ("LMT_BUFFER_POOL_MB", "0", "LMT_BUFFER_POOL_MB='0'"),
        ("LMT_TODAY", "23/11/2026", "LMT_TODAY='23/11/2026'"),
        ("LMT_PSEUDONYM_SECRET", "too-short", "LMT_PSEUDONYM_SECRET:"),
    ],
)
def test_a_bad_value_names_its_variable(env, name: str, value: str, shown: str) -> None:
    env.setenv(name, value)
    with pytest.raises(SettingsError, match="bad environment") as raised:
        Settings.load()
    assert shown in str(raised.value)
    assert "too-short" not in str(raised.value), "a secret is never shown"


def test_lmt_exits_2_on_a_bad_variable_naming_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lmt.cli", "stats", "--db", str(tmp_path / "db")],
        capture_output=True,
        text=True,
        env={"LMT_BUFFER_POOL_MB": "lots", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "lmt stats: bad environment: LMT_BUFFER_POOL_MB='lots'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "db").exists(), "nothing was opened"
