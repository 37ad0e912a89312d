"""Neo4j's own Cypher front end checks every statement the Neo4j store can send.

The linter (``tools/cypher-lint``, ``@neo4j-cypher/language-support`` pinned by its lock
file) gets the registry of ``tracker.stores.neo4j.cypher`` with a schema drawn from
``graph_schema``, so a misspelt label, property or function, or a pattern the schema cannot
hold, is a diagnostic like a syntax error. Only "parameter not defined" is let through: the
linter is given no parameter values.

Without ``tools/cypher-lint/node_modules`` (``tools/cypher-lint/install.sh``) these tests skip
on a developer's machine and fail in CI (``CI=true``).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tracker.stores.neo4j import cypher as neo4j_cypher
from tracker.stores.neo4j import store as neo4j_store

LINT_DIR = Path(__file__).resolve().parent.parent / "tools" / "cypher-lint"
PACKAGE = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"


def lint(statements: dict[str, str]) -> dict:
    node = shutil.which("node")
    missing = None if node else "node is not installed"
    if not missing and not PACKAGE.is_dir():
        missing = f"the Cypher linter is not installed: run {LINT_DIR / 'install.sh'}"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} (CI must run the Cypher check)")
        pytest.skip(missing)
    payload = json.dumps({"schema": neo4j_cypher.lint_schema(), "statements": statements})
    done = subprocess.run(
        [node, str(LINT_DIR / "lint.mjs")],
        input=payload,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), f"the linter crashed: {done.stderr}"
    report = json.loads(done.stdout)
    assert report["checked"] == len(statements)
    assert (done.returncode == 1) == bool(report["failures"])
    return report["failures"]


BROKEN = {
    "syntax": "UNWIND $rows AS row MATCH (a:Worker {`worker_id`: row.`worker_id`} RETURN a",
    "unknown label": "MATCH (n:Wroker) RETURN n.`worker_id` AS id",
    "unknown relationship type": "MATCH (a:Worker)-[r:MOVES]->(b:District) RETURN r",
    "unknown property": "MATCH (n:Worker) RETURN n.`worker_idd` AS id",
    "pattern the schema cannot hold": "MATCH (a:District)-[r:MOVED]->(b:Worker) RETURN r",
    "unknown function": "MATCH (n:Worker) RETURN toLowr(n.`name`) AS name",
    "undefined variable": "MATCH (n:Worker) RETURN m.`name` AS name",
    "unfinished": "MATCH (n:Worker {`worker_id`: $id}) DELETE",
}
FINE = {"only an undefined parameter": "MATCH (n:Worker {`worker_id`: $id}) RETURN n.`name`"}


@pytest.fixture(scope="module")
def failures() -> dict:
    """One linter run (node loads Neo4j's front end once) over the registry and the probes."""
    probes = {f"probe:{name}": s for name, s in {**BROKEN, **FINE}.items()}
    return lint({**neo4j_cypher.statements(), **probes})


def test_every_statement_of_the_neo4j_store_lints_clean(failures: dict) -> None:
    assert len(neo4j_cypher.statements()) > 50  # every label and type has its statements
    assert {k: v for k, v in failures.items() if not k.startswith("probe:")} == {}


def test_the_check_catches_broken_statements(failures: dict) -> None:
    caught = {k.removeprefix("probe:") for k in failures if k.startswith("probe:")}
    assert caught == set(BROKEN), failures


def test_the_store_sends_only_statements_of_the_registry() -> None:
    """Every ``run`` of the Neo4j store takes a statement looked up in the registry (a
    name), never a literal or an f-string built on the spot."""
    tree = ast.parse(Path(neo4j_store.__file__).read_text())
    runs = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "run"
    ]
    assert runs
    for call in runs:  # a statement variable, or ``self._statement(name)``
        statement = call.args[0]
        looked_up = isinstance(statement, ast.Call) and ast.unparse(statement.func) == (
            "self._statement"
        )
        assert isinstance(statement, ast.Name) or looked_up, ast.unparse(call)
    # and no statement is spelt here: no string (plain or f-string) opens with a clause
    clauses = ("MATCH", "MERGE", "CREATE", "UNWIND", "CALL", "WITH", "RETURN", "OPTIONAL")
    openings = [
        node.value
        if isinstance(node, ast.Constant)
        else ast.unparse(node).removeprefix("f").strip("'\"")
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        or (isinstance(node, ast.Constant) and isinstance(node.value, str))
    ]
    assert not [s for s in openings if s.lstrip().startswith(tuple(c + " " for c in clauses))]
