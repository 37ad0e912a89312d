"""Frames in and out of Neo4j: frames as ``UNWIND $rows`` parameters of plain Python
values, the driver's records back as frames in the canonical dtypes of ``tracker.tables``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import neo4j.time
import pandas as pd

from graph_schema import RelType
from graph_schema.properties import PropertyType
from tracker.tables import edge_columns, typed


def to_rows(frame: pd.DataFrame, columns: dict[str, PropertyType]) -> list[dict[str, Any]]:
    """An ``UNWIND $rows`` parameter: the frame in canonical form (``tables.typed``), each
    value a plain Python value the driver can send (str, int, float, bool,
    ``datetime.date``), missing values as None (which Neo4j does not store)."""
    canonical = typed(frame, columns)
    lists = [_python_values(canonical[name], kind) for name, kind in columns.items()]
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*lists, strict=True)]


def _python_values(col: pd.Series, kind: PropertyType) -> list:
    missing = col.isna().tolist()
    if kind is PropertyType.DATE:
        values = [None if m else v.date() for v, m in zip(col, missing, strict=True)]
    elif kind is PropertyType.INT64:
        values = [None if m else int(v) for v, m in zip(col, missing, strict=True)]
    elif kind is PropertyType.DOUBLE:
        values = [None if m else float(v) for v, m in zip(col, missing, strict=True)]
    elif kind is PropertyType.BOOLEAN:
        values = [None if m else bool(v) for v, m in zip(col, missing, strict=True)]
    else:
        values = [None if m else str(v) for v, m in zip(col, missing, strict=True)]
    return values


def native(value: Any, kind: PropertyType) -> Any:
    """A key sent as a parameter, as the type it is stored as (a district code read from a
    frame is a numpy integer, which must still match the stored integer)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind is PropertyType.INT64:
        return int(value)
    return str(value) if kind is PropertyType.STRING else value


def plain(value: Any) -> Any:
    """A value as ``GraphStore.edge_records`` gives it: ``neo4j.time.Date`` -> ``date``."""
    return value.to_native() if isinstance(value, neo4j.time.Date) else value


def edge_frame(rel: RelType, records: list[list], columns: list[str]) -> pd.DataFrame:
    """An edge table from records of ``neo4j_cypher.edge_return`` (source, [kind], target,
    the asked properties as one list), in the dtypes of ``tracker.tables``; the driver's
    ``neo4j.time.Date`` values become ``datetime64[us]`` there."""
    properties = [c for c in columns if c in rel.property_names]
    endpoints = [rel.source_column, *([rel.kind_column] if rel.kind_column else [])]
    endpoints.append(rel.target_column)
    data: dict[str, list] = {name: [r[i] for r in records] for i, name in enumerate(endpoints)}
    values = [r[len(endpoints)] for r in records]
    for i, name in enumerate(properties):
        data[name] = [v[i] for v in values]
    wanted = {c: edge_columns(rel)[c] for c in columns}
    return typed(pd.DataFrame({c: data[c] for c in columns}), wanted)


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
