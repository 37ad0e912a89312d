"""Files at rest for the service's user only; security headers on every
answer; search text out of URLs; access logs without query strings."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from live_server import lmt, served, small_store

SECURITY_HEADERS = ("cache-control", "x-content-type-options", "content-security-policy")


def check_headers(response) -> None:
    headers = response.headers
    assert headers.get("cache-control") == "no-store", (response.url, dict(headers))
    assert headers.get("x-content-type-options") == "nosniff", response.url
    policy = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, (response.url, policy)
    assert "default-src" in policy, (response.url, policy)


def test_every_answer_carries_the_security_headers(api):
    client, key = api.client, api.keys["admin"]
    worker = next(iter(api.service.current.workers.by_id))
    spec = client.get("/openapi.json").json()
    seen = 0
    for path, methods in spec["paths"].items():
        if "get" not in methods:
            continue
        concrete = path.replace("{worker}", worker).replace("{contractor}", "CTR00001")
        concrete = concrete.replace("{district}", "348")
        for headers in ({}, {"X-API-Key": key}, {"X-API-Key": "lmt_bad_key"}):
            check_headers(client.get(concrete, headers=headers))
            seen += 1
    assert seen > 20
    # the timeline's fast path, the pages, the docs, a 404, a POST
    check_headers(client.get(f"/workers/{worker}/timeline", headers={"X-API-Key": key}))
    for path in ("/", "/index.html", "/js/main.js", "/docs", "/nowhere"):
        check_headers(client.get(path))
    check_headers(client.post("/batches", headers={"X-API-Key": key}))


def test_search_by_post_keeps_the_text_out_of_the_url(api):
    name = api.service.current.workers.workers["name"].dropna().iloc[0]
    key = {"X-API-Key": api.keys["field"]}
    by_get = api.client.get("/workers", params={"q": name, "limit": 5}, headers=key).json()
    by_post = api.client.post("/workers/search", json={"q": name, "limit": 5}, headers=key)
    assert by_post.status_code == 200, by_post.text
    assert by_post.json() == by_get
    assert api.client.post("/workers/search", json={"q": ""}, headers=key).status_code == 422
    refused = api.client.post(
        "/workers/search", json={"q": name}, headers={"X-API-Key": api.keys["advocacy"]}
    )
    assert refused.status_code == 403


def modes(folder: Path) -> list[tuple[str, int]]:
    """Every path under ``folder`` (itself too) whose mode lets anyone but the owner in."""
    found = []
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        if mode & ~want:
            found.append((str(path.relative_to(folder.parent)), oct(mode)))
    return found


def test_store_state_and_rejects_are_for_the_owner_only(tmp_path, sample_dir):
    batch = tmp_path / "batch"
    batch.mkdir()
    for name in ("centres.csv", "households.csv", "workers.csv", "moves.csv"):
        (batch / name).write_bytes((sample_dir / name).read_bytes())
    db, rejects = tmp_path / "db", tmp_path / "rejects"
    done = lmt(
        "ingest", batch, "--db", db, "--rejects", rejects, "--today", "2026-11-23", check=False
    )
    assert done.returncode in (0, 2), done.stderr
    assert rejects.is_dir()
    lmt("keys", "create", "--db", db, "--role", "field")
    assert modes(db) == []
    assert modes(rejects) == []
    # a store made before (world-readable) is closed up by the next command that opens it
    (db / "old.txt").write_text("x")
    (db / "old.txt").chmod(0o644)
    db.chmod(0o755)
    lmt("stats", "--db", db)
    assert modes(db) == []


@pytest.mark.slow
def test_the_access_log_has_no_query_strings(tmp_path, sample_dir, sample_ingest):
    db = small_store(tmp_path, sample_dir, sample_ingest[1].today)
    key = lmt("keys", "create", "--db", db, "--role", "field").stdout.strip()
    secret = "Sunita Kumari Secretname"
    with served(db, "--access-log", log=tmp_path / "serve.log") as server:
        answer = httpx.get(
            f"{server.base}/workers", params={"q": secret, "limit": 3}, headers={"X-API-Key": key}
        )
        assert answer.status_code == 200
        httpx.get(
            f"{server.base}/workers/W0000001/timeline?since=2020-01-01", headers={"X-API-Key": key}
        )
    log = server.output()
    assert "GET /workers HTTP" in log, log  # requests are logged ...
    assert "Secretname" not in log and "Secretname".lower() not in log.lower()
    assert "since=" not in log  # ... without their query strings
