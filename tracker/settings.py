"""LMT's settings: every knob read from the environment, declared once.

Only the entry points build a ``Settings`` (``lmt.cli.main`` for every command,
``api.app.create_app`` when it is given none) and they pass plain values on: no domain
module, store adapter or router reads the environment, so a test sets a knob by passing an
argument, not by patching ``os.environ``. The README's "Settings" table lists them.

Why pydantic-settings: it reads, types and checks the variables with the same pydantic
models as the rest of the boundary, so ``LMT_BUFFER_POOL_MB=lots`` is a clear usage error
naming the variable at start-up, not a ``ValueError`` deep inside an import.

An empty variable counts as unset (``LMT_DB= lmt stats`` uses ``./lmt-data``), as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB = "./lmt-data"
DEFAULT_STATE = "./lmt-state"


class SettingsError(ValueError):
    """A variable of the environment holds a value LMT cannot use (a usage error)."""


class Settings(BaseSettings):
    """What the environment says (each field's alias is its variable)."""

    model_config = SettingsConfigDict(
        env_ignore_empty=True, populate_by_name=True, extra="ignore", frozen=True
    )

    db: str | None = Field(None, alias="LMT_DB")
    """The embedded store's folder when no ``--db`` is given (else ``./lmt-data``)."""
    neo4j_uri: str | None = Field(None, alias="NEO4J_URI")
    """Neo4j for every command that gets neither ``--db`` nor ``--neo4j``."""
    neo4j_user: str = Field("neo4j", alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(SecretStr(""), alias="NEO4J_PASSWORD")
    buffer_pool_mb: int | None = Field(None, alias="LMT_BUFFER_POOL_MB", gt=0)
    """The embedded store's buffer pool; unset: 1 GiB to read and serve, a twelfth of the
    machine's memory (1 to 4 GiB) to import (``tracker.stores.ladybug.pool``)."""
    ingest_slice_rows: int | None = Field(None, alias="LMT_INGEST_SLICE_ROWS", gt=0)
    """Rows of an event file an import writes at a time; unset: 750,000
    (``tracker.ingest.batch.SLICE_ROWS``). Memory grows with it, not with the batch."""
    state: str = Field(DEFAULT_STATE, alias="LMT_STATE")
    """With Neo4j: the folder of the API keys and the audit log (``access.sqlite3``)."""
    pseudonym_secret: SecretStr | None = Field(None, alias="LMT_PSEUDONYM_SECRET", min_length=32)
    """The researchers' pseudonym key instead of the secret file's
    (``tracker.access.pseudonyms``)."""
    break_glass_hours: float = Field(3.0, alias="LMT_BREAK_GLASS_HOURS", gt=0, le=72)
    """How long breaking the glass opens a worker to a field key (``tracker.access.scope``)."""
    audit_sync: Literal["normal", "full"] = Field("normal", alias="LMT_AUDIT_SYNC")
    """SQLite's ``synchronous`` for the audit log's commits: normal survives a killed
    process, full a power cut too, at a cost (``tracker.access.audit``)."""
    today: dt.date | None = Field(None, alias="LMT_TODAY")
    """The day future dates are judged against (``lmt ingest --today`` wins); unset: the clock."""
    timeline_cache_mb: int = Field(256, alias="LMT_TIMELINE_CACHE_MB", ge=0)
    """Memory for timelines kept as JSON by the API (about 35,000 synthetic workers' worth;
    ``lmt serve --timeline-cache-mb`` wins; 0: none)."""
    warm_journeys: bool = Field(True, alias="LMT_WARM_JOURNEYS")
    """A running server builds the researchers' journey index when it starts and after each
    batch, not on the first query (``api.state``; about a minute and 4 GiB at 1M workers);
    0: on the first query."""
    debug: bool = Field(False, alias="LMT_DEBUG")
    """A failing ``lmt`` command prints its traceback (to report a bug)."""

    @classmethod
    def load(cls) -> Settings:
        """The environment's settings; a bad value raises ``SettingsError`` naming it."""
        try:
            return cls()
        except ValidationError as error:
            problems = "; ".join(_problem(e) for e in error.errors())
            raise SettingsError(f"bad environment: {problems}") from None

    def for_options(self, db: str | None = None, neo4j: str | None = None) -> Settings:
        """These settings with a command's ``--db`` / ``--neo4j`` applied: ``--neo4j URI``
        picks Neo4j; ``--db PATH`` alone picks the embedded store even when ``$NEO4J_URI``
        is set; with neither, the environment decides (docs/spec/cli.md)."""
        if neo4j:
            return self.model_copy(update={"neo4j_uri": neo4j, "db": db or self.db})
        if db:
            return self.model_copy(update={"db": db, "neo4j_uri": None})
        return self

    @property
    def embedded_folder(self) -> str:
        """The embedded store's folder (``$LMT_DB``, else ``./lmt-data``), whether or not
        it is the store in use: a second process cannot open a folder a server holds."""
        return self.db or DEFAULT_DB


_SECRET = {"NEO4J_PASSWORD", "LMT_PSEUDONYM_SECRET"}


def _problem(error: ErrorDetails) -> str:
    """One bad variable: its name, its value (never a secret's) and what is wrong."""
    name = ".".join(map(str, error["loc"]))
    shown = "" if name in _SECRET else f"={error['input']!r}"
    return f"{name}{shown}: {error['msg']}"
