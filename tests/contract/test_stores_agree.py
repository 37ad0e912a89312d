"""The same input gives the same tables on LadybugDB and on Neo4j.

Run against a real Neo4j when ``NEO4J_URI`` is set (skipped otherwise) and always against
the adapter fake (which proves the adapter's side of it; see ``neo4j_fake.py``). Each
store's own read-back against the input is checked in ``test_store_contract.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from contract_graph import canonical, graph, load

from graph_schema import NODE_TYPES, REL_TYPES
from tracker.ingest import IngestReport, ingest_folder
from tracker.store import GraphStore
from tracker.stores.ladybug.store import LadybugStore


def assert_same_tables(one: GraphStore, other: GraphStore) -> None:
    assert one.counts() == other.counts()
    for node in NODE_TYPES:
        same_rows(one.node_table(node), other.node_table(node))
    for rel in REL_TYPES:
        same_rows(one.edge_table(rel), other.edge_table(rel))


def same_rows(one: pd.DataFrame, other: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(canonical(one), canonical(other))


def test_the_same_graph_reads_back_the_same(neo4j_side, tmp_path: Path) -> None:
    with LadybugStore(tmp_path / "ladybug", buffer_pool_mb=64) as ladybug, neo4j_side.open() as neo:
        load(ladybug, graph())
        load(neo, graph())
        assert_same_tables(ladybug, neo)


@pytest.mark.slow
def test_the_sample_batch_ingests_the_same(
    neo4j_side, sample_ingest: tuple[LadybugStore, IngestReport], sample_dir: Path, tmp_path: Path
) -> None:
    """The whole ingestion path (checks, corrections, trip ids) through both adapters."""
    ladybug, report = sample_ingest
    with neo4j_side.open() as neo:
        again = ingest_folder(neo, sample_dir, rejects_dir=tmp_path / "rejects", today=report.today)
        assert again.files == report.files
        assert_same_tables(ladybug, neo)
