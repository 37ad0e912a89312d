"""Writing the store back as a batch in the field-records format.

Entity files are rebuilt from a label's nodes and their reference edges (a worker's
household and registration centre), event files from their edge tables. Rows are sorted by
their id so that two exports of equal stores are equal files. Properties the service derives
(a move's ``trip_id``) follow the format's columns as extra columns, which an import ignores.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from tracker.csvio import write_table
from tracker.field_format import RECORD_FILES, RecordFile
from tracker.store import GraphStore


def export_folder(store: GraphStore, folder: str | os.PathLike) -> dict[str, int]:
    """Write every file of the format into ``folder``; return rows written per file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for spec in RECORD_FILES:
        table = file_table(store, spec)
        derived = [c for c in table.columns if c not in spec.columns]
        write_table(table, folder / spec.name, columns=[*spec.columns, *derived])
        written[spec.name] = len(table)
    return written


def file_table(store: GraphStore, spec: RecordFile) -> pd.DataFrame:
    """One file of the format as a typed table, rebuilt from the graph."""
    if spec.node is None:
        (rel,) = spec.rels
        table = store.edge_table(rel)
    else:
        table = store.node_table(spec.node)
        for rel in spec.rels:
            targets = store.edge_table(rel, columns=[rel.source_column, rel.target_column])
            table = table.merge(targets, how="left", on=rel.source_column)
    return table.sort_values(spec.id_column, kind="stable").reset_index(drop=True)
