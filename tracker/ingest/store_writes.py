"""Writing one file's good rows into the graph: only what is new or changed.

Each row is compared with what the store already holds under the same identity (a node's
key, an event's record_id, a reference edge's source node):

* ``stored``: nothing held it before: it is created;
* ``replaced``: something was held and differs (a correction): delete + create, the delete
  in the transaction that creates its replacement (``GraphStore.write_edges``);
* ``unchanged``: held exactly so: nothing is written. This is what makes importing the same
  batch twice change nothing, and makes the second import cheap.

Moves also get their ``trip_id`` here (``tracker.trips``), computed together with the moves
the store already holds for the same workers, so a duplicate report arriving in a later
batch joins its trip, and earlier reports whose trip id changes are rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from graph_schema import MOVED, RelType
from tracker.field_format import RecordFile
from tracker.store import GraphStore
from tracker.tables import edge_columns, isin, lookup, node_columns
from tracker.trips import mark_trips


@dataclass
class WriteCounts:
    stored: int = 0
    replaced: int = 0
    unchanged: int = 0


def write_file(
    store: GraphStore, spec: RecordFile, good: pd.DataFrame, near: pd.DataFrame | None = None
) -> WriteCounts:
    """Write the good rows of one file: its typed table as ``validation.check_rows`` made
    it (every column of the row model, in the canonical dtypes), used as it is.

    ``near`` (events only): every edge the store holds of the rows' sources and of the
    sources holding one of their keys, read by the caller (``tracker.ingest.slices``);
    without it they are looked up here."""
    if good.empty:
        return WriteCounts()
    good = good.reset_index(drop=True)  # the checks dropped rows: positions from here on
    if spec.node is not None:
        return _write_entities(store, spec, good)
    (rel,) = spec.rels
    return _write_events(store, rel, good, near)


def _compare(rows: pd.DataFrame, held: pd.DataFrame, key: str) -> tuple[pd.Series, pd.Series]:
    """Which rows are new, and which differ from the version held under the same key.

    Only rows whose key is held are fingerprinted: a first import hashes nothing."""
    is_new = ~isin(rows[key], held[key])
    changed = pd.Series(False, index=rows.index)
    if len(held):
        old = rows[~is_new]
        held_print = pd.Series(pd.util.hash_pandas_object(held, index=False).to_numpy())
        before = lookup(old[key], held[key], held_print)
        changed[old.index] = before.to_numpy() != pd.util.hash_pandas_object(old, index=False)
    return is_new, changed


def _write_entities(store: GraphStore, spec: RecordFile, good: pd.DataFrame) -> WriteCounts:
    node = spec.node
    assert node is not None
    nodes = good[list(node_columns(node))]
    key = node.key
    held = store.node_table(node, keys=nodes[key].tolist())
    is_new, node_changed = _compare(nodes, held, key)
    touched = set(nodes.loc[is_new | node_changed, key])
    store.write_nodes(node, nodes[is_new], new=True)
    store.write_nodes(node, nodes[node_changed])

    for rel in spec.rels:
        touched |= _write_references(store, rel, good)

    changed = isin(nodes[key], touched) & ~is_new
    return WriteCounts(
        stored=int(is_new.sum()),
        replaced=int(changed.sum()),
        unchanged=int(len(nodes) - is_new.sum() - changed.sum()),
    )


def _write_references(store: GraphStore, rel: RelType, good: pd.DataFrame) -> set:
    """Reference edges: one per source; replace those whose target changed. Returns the
    sources whose edge changed."""
    wanted = good[list(edge_columns(rel))]
    src, tgt = rel.source_column, rel.target_column
    held = store.edges_from(rel, wanted[src].tolist())
    before = lookup(wanted[src], held[src], held[tgt])
    same = (before == wanted[tgt]) | (before.isna() & wanted[tgt].isna())
    changed = wanted[~same.fillna(False).astype(bool)]
    remove = held[isin(held[src], changed[src])]
    store.write_edges(rel, changed[changed[tgt].notna()], remove)
    return set(changed[src])


def _write_events(
    store: GraphStore, rel: RelType, good: pd.DataFrame, near: pd.DataFrame | None
) -> WriteCounts:
    assert rel.key is not None
    edges = good[list(edge_columns(rel))]
    if near is None:
        held = store.edges_by_key(rel, edges[rel.key].tolist())
    else:
        held = near[isin(near[rel.key], edges[rel.key])].reset_index(drop=True)
    retag = pd.DataFrame()
    if rel is MOVED:
        edges, retag = _with_trip_ids(store, edges, held, near)

    is_new, changed = _compare(edges, held, rel.key)
    remove = _stack(held[isin(held[rel.key], edges.loc[changed, rel.key])], retag)
    add = _stack(edges[is_new | changed], _retagged(retag))
    store.write_edges(rel, add, remove)
    return WriteCounts(
        stored=int(is_new.sum()),
        replaced=int(changed.sum()),
        unchanged=int(len(edges) - is_new.sum() - changed.sum()),
    )


def _with_trip_ids(
    store: GraphStore, moves: pd.DataFrame, held: pd.DataFrame, near: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give the batch's moves their trip ids, judged with every move the store holds for
    the same workers (``near``, when the caller read them); return also the held moves
    (outside the batch) whose trip id changes, with the new id in ``_new_trip_id``."""
    if near is None:
        workers = pd.concat([moves["worker_id"], held["worker_id"]]).unique().tolist()
        near = store.edges_from(MOVED, workers)
    others = near[~isin(near["record_id"], moves["record_id"])].reset_index(drop=True)
    combined = _stack(others, moves)
    trips = mark_trips(combined).to_numpy()
    moves = moves.assign(trip_id=pd.Series(trips[len(others) :], index=moves.index, dtype="str"))
    new_ids = pd.Series(trips[: len(others)], index=others.index, dtype="str")
    moved = new_ids.ne(others["trip_id"])
    retag = others[moved].assign(_new_trip_id=new_ids[moved])
    return moves, retag


def _retagged(retag: pd.DataFrame) -> pd.DataFrame:
    if retag.empty:
        return retag
    return retag.assign(trip_id=retag["_new_trip_id"]).drop(columns="_new_trip_id")


def _stack(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Concatenate two edge tables, skipping an empty one (which has no typed columns)."""
    if second.empty:
        return first
    if first.empty:
        return second
    return pd.concat([first, second], ignore_index=True)
