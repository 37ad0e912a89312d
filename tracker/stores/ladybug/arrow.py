"""Frames in and out of LadybugDB: pandas frames scanned as Arrow tables, Arrow results
back as frames in the canonical dtypes of ``tracker.tables``.

Column names of scanned frames are rewritten to ``c0, c1, ...`` so that no field name can
collide with a Cypher keyword (and results come back as ``c0, c1, ...`` too, see
``queries.return_clause``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph_schema.properties import PropertyType
from tracker.tables import from_arrow, typed


def scan_frame(frame: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table LadybugDB can scan, columns renamed c0..cn.

    Arrow keeps strings in flat buffers with real nulls: scanning pandas columns of
    Python strings cost 280 MB more per 250,000 moves copied, and an all-missing string
    column was stored as the text "nan"."""
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    return table.rename_columns([f"c{i}" for i in range(table.num_columns)])


def named(result: pd.DataFrame, columns: dict[str, PropertyType]) -> pd.DataFrame:
    """A result frame (columns ``c0, c1, ...``) with the table's names and dtypes."""
    result.columns = list(columns)
    return typed(result, columns)


def kept(table: pa.Table, at: int, values: list) -> pa.Table:
    """The rows of ``table`` whose column ``at`` is one of ``values``."""
    return table.filter(pc.is_in(table.column(at), value_set=pa.array(values)))


def arrow_frame(table: pa.Table, columns: dict[str, PropertyType]) -> pd.DataFrame:
    """An Arrow result, its columns in order, as a frame in the canonical dtypes."""
    return pd.DataFrame(
        {name: from_arrow(table.column(i), kind) for i, (name, kind) in enumerate(columns.items())}
    )


def marks_frame(result: pa.Table) -> pd.DataFrame:
    """``key, mark`` from a marks query (``queries.node_marks`` / ``edge_marks``): the
    key and one int64 made of the other columns (a count and a sum come back as integers
    of any width)."""
    key = result.column(0).to_pandas().astype(object)
    mark = np.zeros(result.num_rows, dtype=np.uint64)
    for i in range(1, result.num_columns):
        part = pc.cast(result.column(i), pa.int64()).to_numpy(zero_copy_only=False)
        mark = mark * np.uint64(1_000_003) + part.astype(np.int64).view(np.uint64)
    return pd.DataFrame({"key": key.to_numpy(), "mark": mark.view(np.int64)})
