"""Opening a store's schema, the same on every adapter: refuse what LMT cannot use, make
the tables, constraints and indexes, and seed a new store.

Adapters differ only in how they see what a database holds and how they apply their DDL
(``graph_schema.ddl``: LadybugDB tables, Neo4j constraints and indexes); the rules and
the messages are here once.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from graph_schema import SCHEMA_VERSION, District
from graph_schema.census import districts
from tracker.store import GraphStore, SchemaMismatch

VERSION_SETTING = "schema_version"


def open_schema(
    store: GraphStore,
    *,
    holds_data: bool,
    foreign: str | None,
    place: str,
    apply_ddl: Callable[[], None],
    read_only: bool = False,
) -> None:
    """Check and complete ``store``'s schema as the adapter found it.

    ``holds_data``: the database holds anything at all; ``foreign``: why it holds data LMT
    did not make (refused), else None; ``place``: the database in the user's words ("the
    store in lmt-data"); ``apply_ddl``: make whatever of the schema is missing (each
    statement is idempotent). A store made by another schema version is refused (there is
    no upgrade in place); a new store gets the Census districts and its schema version.
    ``read_only``: the store was opened to read (a serving process): nothing is made, and
    a database that holds no LMT store yet is refused.
    """
    if foreign:
        raise SchemaMismatch(foreign)
    found = store.get_setting(VERSION_SETTING) if holds_data else None
    if found is not None and int(found) != SCHEMA_VERSION:
        raise SchemaMismatch(
            f"{place} has schema version {found}, this LMT uses {SCHEMA_VERSION} and has no "
            "upgrade from it; export it with the LMT that made it (`lmt export DIR`) and "
            "ingest that folder into a new one"
        )
    if read_only:
        if found is None:
            raise SchemaMismatch(f"{place} holds no LMT store yet")
        return
    apply_ddl()
    if found is None:
        store.write_nodes(District, pd.DataFrame(districts()))
        store.put_setting(VERSION_SETTING, str(SCHEMA_VERSION))
