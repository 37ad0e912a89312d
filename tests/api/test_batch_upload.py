"""POST /batches with bad input: the key is checked before any body is read, the
size is enforced while the body streams in, and a batch with rejected rows (an oversized
cell, a file in UTF-16) is answered 422 with the same report as ``lmt ingest``, never 5xx.

The key-before-body test runs ``lmt serve`` in its own process with its own temporary
folder and sends a 300 MB body over a raw socket: the 401 must come back after the first
megabyte, and nothing may be written to the server's temporary folder.
"""

from __future__ import annotations

import shutil
import socket

import pytest
from live_server import new_key, served

from tracker.csvio import MAX_LINE_CHARS

HEADER = "record_id,worker_id,centre_id,service,delivered_on,outcome\n"


def post(api, files, role: str = "admin"):
    return api.client.post("/batches", files=files, headers={"X-API-Key": api.keys[role]})


def test_an_oversized_cell_is_a_422_with_the_report(api):
    good = "SV-UP-1,W0000004,SRC-459,legal_aid,2026-01-15,received\n"
    huge = f"SV-UP-2,W0000004,SRC-459,{'x' * 200_000},2026-01-15,received\n"
    response = post(api, {"files": ("services.csv", HEADER + good + huge, "text/csv")})
    assert response.status_code == 422, response.text
    body = response.json()
    (rejected,) = body["report"]["rejected_rows"]
    assert (rejected["line"], rejected["column"]) == (3, "service")
    assert f"{MAX_LINE_CHARS:,}" in rejected["reason"]
    services = body["report"]["files"][0]
    assert services["stored"] + services["unchanged"] == 1 and services["read"] == 2


def test_a_file_in_utf16_is_a_422_naming_the_encoding(api):
    text = HEADER + "SV-UP-3,W0000004,SRC-459,legal_aid,2026-01-15,received\n"
    response = post(api, {"files": ("services.csv", text.encode("utf-16"), "text/csv")})
    assert response.status_code == 422, response.text
    (rejected,) = response.json()["report"]["rejected_rows"]
    assert "UTF-16" in rejected["reason"]


def test_a_body_over_the_limit_is_refused_while_it_streams(api):
    api.app.state.max_batch_bytes = 100_000
    try:

        def body():  # chunked: no Content-Length to refuse it by
            yield b"--b\r\nContent-Disposition: form-data; name=files; filename=moves.csv\r\n\r\n"
            for _ in range(50):
                yield b"x" * 10_000

        response = api.client.post(
            "/batches",
            content=body(),
            headers={
                "X-API-Key": api.keys["admin"],
                "Content-Type": "multipart/form-data; boundary=b",
            },
        )
        assert response.status_code == 413, response.text
        declared = api.client.post(
            "/batches",
            content=b"x" * 200_000,
            headers={
                "X-API-Key": api.keys["admin"],
                "Content-Type": "multipart/form-data; boundary=b",
            },
        )
        assert declared.status_code == 413
    finally:
        del api.app.state.max_batch_bytes


def test_a_body_that_is_not_multipart_is_a_422(api):
    response = api.client.post(
        "/batches", content=b"hello", headers={"X-API-Key": api.keys["admin"]}
    )
    assert response.status_code == 422
    broken = api.client.post(
        "/batches",
        content=b"--b\r\nno headers end",
        headers={"X-API-Key": api.keys["admin"], "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert broken.status_code == 422


def raw_post(port: int, headers: dict[str, str], body_bytes: int, sent: int) -> bytes:
    """Send headers announcing ``body_bytes`` but only ``sent`` of them; the reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        conn.sendall(
            f"POST /batches HTTP/1.1\r\nHost: x\r\nContent-Length: {body_bytes}\r\n"
            f"{head}\r\n".encode()
        )
        conn.sendall(
            b"--b\r\nContent-Disposition: form-data; name=files; filename=moves.csv\r\n\r\n"
        )
        chunk = b"x" * 65_536
        for _ in range(sent // len(chunk)):
            conn.sendall(chunk)
        return conn.recv(65_536)


@pytest.fixture(scope="module")
def server(tmp_path_factory, served_store):
    folder = tmp_path_factory.mktemp("upload-server")
    store = folder / "db"
    shutil.copytree(served_store, store)
    spool = folder / "tmp"
    spool.mkdir()
    with served(store, log=folder / "serve.log", env={"TMPDIR": str(spool)}) as process:
        yield process.port, new_key(store, "admin"), spool


def test_no_key_is_a_401_before_the_body_is_read(server):
    port, _, spool = server
    multipart = {"Content-Type": "multipart/form-data; boundary=b"}
    reply = raw_post(port, multipart, body_bytes=300 * 1024**2, sent=1024**2)
    assert reply.startswith(b"HTTP/1.1 401"), reply[:200]
    wrong = raw_post(port, {**multipart, "X-API-Key": "lmt_0000_x"}, 300 * 1024**2, 1024**2)
    assert wrong.startswith(b"HTTP/1.1 401"), wrong[:200]
    assert list(spool.rglob("*")) == []  # nothing spooled to disk


def test_a_declared_size_over_the_limit_is_a_413_at_once(server):
    port, key, spool = server
    headers = {"Content-Type": "multipart/form-data; boundary=b", "X-API-Key": key}
    reply = raw_post(port, headers, body_bytes=5 * 1024**3, sent=1024**2)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert list(spool.rglob("*")) == []
