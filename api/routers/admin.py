"""Admin only: importing a batch (``POST /batches``), reading the audit log and the grants.

``POST /batches`` reads its own body: a route with ``UploadFile`` parameters has the whole
multipart body parsed, and spooled to temporary files on disk, before any dependency runs,
so a caller without a key could fill the disk before being told 401. Here the key is
checked first (the ``Admin`` dependency; FastAPI reads no body for a route without body
parameters), then the body is streamed through python-multipart's parser straight into
the batch folder, counting bytes as they arrive: past the limit the answer is 413 at once,
and nothing past it is read or written.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import zipfile
from http import HTTPStatus
from pathlib import Path, PurePath
from typing import IO, Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from python_multipart.multipart import MultipartParseError, MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool

from api.auth import Admin, State
from api.disclosed import DisclosedJSON, DisclosedRoute
from api.models import Page, PageParams
from api.problems import MEDIA_TYPE, PROBLEM_RESPONSES, Problem, ProblemError
from tracker.access import AuditEntry
from tracker.access.disclosure import disclose
from tracker.access.scope import Grant

router = APIRouter(tags=["admin"], responses=PROBLEM_RESPONSES, route_class=DisclosedRoute)
MAX_BATCH_BYTES = 4 * 1024**3
"""Largest batch accepted, sent and unpacked (a 1,000,000-worker batch is about 1.5 GB of
CSV); an app may set ``app.state.max_batch_bytes`` to another."""
CHUNK = 1024 * 1024


class BatchReport(BaseModel):
    """The per-file report of ``lmt ingest``, for a batch sent over HTTP."""

    report: dict = Field(description="tracker.ingest's report: files, rejected_rows, ...")
    received_files: list[str]
    ignored_files: list[str] = Field(description="files sent that are not in the format")


class RejectedBatch(Problem, BatchReport):
    """422 for a batch with rejected rows or files: the good rows are stored all the same
    (as ``lmt ingest`` exits 2), and the report says which were rejected and why."""


UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "files": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "the batch's CSV files (named as the format names "
                        "them), or one zip",
                    }
                },
                "required": ["files"],
            }
        }
    },
}


@router.post(
    "/batches",
    response_model=BatchReport,
    summary="Import a batch of field records (CSV files or a zip of them)",
    openapi_extra={"requestBody": UPLOAD_BODY},
    responses={
        409: PROBLEM_RESPONSES[422] | {"description": "another batch is importing"},
        413: PROBLEM_RESPONSES[422] | {"description": "the batch is larger than accepted"},
        422: {
            "model": RejectedBatch,
            "content": {MEDIA_TYPE: {}},
            "description": "rows or files rejected (the good rows are stored), or no batch",
        },
    },
)
async def post_batch(request: Request, who: Admin, state: State):
    """Validated exactly like ``lmt ingest``: good rows are stored, rejected rows come back
    in the report with file, line, column and reason (status 422 when any was rejected, as
    ``lmt ingest`` exits 2). One batch at a time."""
    from tracker.field_format import RECORD_FILES_BY_NAME
    from tracker.identity import link
    from tracker.identity.linkage import stored_model
    from tracker.ingest import NoRecordsFound, ingest_folder

    limit = getattr(request.app.state, "max_batch_bytes", MAX_BATCH_BYTES)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ProblemError(413, _too_large(limit))
    if not state.ingest_lock.acquire(blocking=False):
        raise ProblemError(409, "another batch is being imported; try again when it is done")
    workdir = Path(tempfile.mkdtemp(prefix="lmt-batch-"))
    try:
        batch = workdir / "batch"
        batch.mkdir()
        upload = _Upload(batch, workdir, set(RECORD_FILES_BY_NAME), limit)
        await upload.receive(request)
        received, ignored = await run_in_threadpool(upload.unpack)

        def run():
            with state.changing() as store:  # cached timelines go; names, indexes rebuilt
                report = ingest_folder(
                    store, batch, rejects_dir=workdir / "rejects", today=state.today
                )
                if stored_model(store) is not None:
                    link(store)  # new registrations join their persons, as lmt ingest
                return report

        try:
            report = await run_in_threadpool(run)
        except (NoRecordsFound, ValueError, UnicodeDecodeError) as error:
            raise ProblemError(422, f"the batch cannot be read: {error}") from error
        body = report.model_dump(mode="json")
        body.update(batch=None, rejects_dir=None)  # temporary paths mean nothing to a client
        answer = BatchReport(report=body, received_files=received, ignored_files=ignored)
        if not report.rejected:
            return answer
        answer, _ = disclose(answer, who.role)
        problem = RejectedBatch(
            title=HTTPStatus(422).phrase,
            status=422,
            detail=f"{report.rejected:,} rows rejected; the good rows are stored",
            instance=request.url.path,
            **answer.model_dump(),
        )
        return DisclosedJSON(
            problem.model_dump(exclude_none=True), status_code=422, media_type=MEDIA_TYPE
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        state.ingest_lock.release()


def _too_large(limit: int) -> str:
    return f"the batch is larger than this server accepts ({limit:,} bytes)"


class _Upload:
    """A multipart body streamed into the batch folder: the format's CSV files by their
    bare names (never a path from the client), zips aside to unpack, the rest ignored."""

    def __init__(self, batch: Path, workdir: Path, known: set[str], limit: int) -> None:
        self.batch, self.workdir, self.known, self.limit = batch, workdir, known, limit
        self.budget = limit
        self.received: list[str] = []
        self.ignored: list[str] = []
        self.zips: list[tuple[str, Path]] = []
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._out: IO[bytes] | None = None

    async def receive(self, request: Request) -> None:
        kind, options = parse_options_header(request.headers.get("content-type", ""))
        if kind != b"multipart/form-data" or not options.get(b"boundary"):
            raise ProblemError(422, "send the batch as multipart/form-data (field: files)")
        parser = MultipartParser(
            options[b"boundary"],
            {
                "on_part_begin": self._begin,
                "on_header_field": lambda d, s, e: self._add("_field", d[s:e]),
                "on_header_value": lambda d, s, e: self._add("_value", d[s:e]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._open,
                "on_part_data": lambda d, s, e: self._write(d[s:e]),
                "on_part_end": self._close,
            },
        )
        try:
            async for chunk in request.stream():
                self.budget -= len(chunk)
                if self.budget < 0:
                    raise ProblemError(413, _too_large(self.limit))
                parser.write(chunk)
            parser.finalize()
        except MultipartParseError as error:
            raise ProblemError(422, f"the multipart body is broken: {error}") from error
        finally:
            self._close()

    def _add(self, name: str, data: bytes) -> None:
        setattr(self, name, getattr(self, name) + data)

    def _begin(self) -> None:
        self._headers = {}

    def _header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field = self._value = b""

    def _open(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        if b"filename" not in options:
            return  # a plain form field: not a file of the batch
        name = PurePath(options[b"filename"].decode("utf-8", "replace")).name
        if name.lower().endswith(".zip"):
            target = self.workdir / f"upload-{len(self.zips)}.zip"
            self.zips.append((name, target))
        elif name in self.known:
            target = self.batch / name
            if target.exists():
                raise ProblemError(422, f"{name} was sent twice")
            self.received.append(name)
        else:
            self.ignored.append(name)
            return
        self._out = open(target, "wb")  # noqa: SIM115 (closed at the part's end)

    def _write(self, data: bytes) -> None:
        if self._out is not None:
            self._out.write(data)

    def _close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def unpack(self) -> tuple[list[str], list[str]]:
        """Unpack the zips (their inner files count against what is left of the limit)."""
        for name, path in self.zips:
            try:
                with zipfile.ZipFile(path) as archive:
                    for info in archive.infolist():
                        inner = PurePath(info.filename).name
                        if info.is_dir():
                            continue
                        if inner not in self.known:
                            self.ignored.append(f"{name}:{info.filename}")
                            continue
                        with archive.open(info) as source:
                            self._save(source, self.batch / inner)
                        self.received.append(inner)
            except zipfile.BadZipFile as error:
                raise ProblemError(422, f"{name} is not a valid zip file") from error
            path.unlink()
        if not self.received:
            raise ProblemError(422, "the batch holds none of the format's files")
        return self.received, self.ignored

    def _save(self, source: IO[bytes], target: Path) -> None:
        if target.exists():
            raise ProblemError(422, f"{target.name} was sent twice")
        with open(target, "wb") as out:
            while chunk := source.read(CHUNK):
                self.budget -= len(chunk)
                if self.budget < 0:
                    raise ProblemError(413, _too_large(self.limit))
                out.write(chunk)


@router.get("/audit", response_model=Page[AuditEntry], summary="The audit log, newest first")
def audit_log(
    page: PageParams,
    who: Admin,
    state: State,
    worker: Annotated[
        str | None, Query(max_length=200, description="only the reads that showed this worker")
    ] = None,
    key_id: Annotated[str | None, Query(max_length=64, description="only this key")] = None,
    action: Annotated[
        str | None, Query(max_length=64, description="only this action (timeline, search, ...)")
    ] = None,
    since: Annotated[dt.date | None, Query(description="from this day (YYYY-MM-DD)")] = None,
    until: Annotated[dt.date | None, Query(description="to this day, included")] = None,
) -> Page[AuditEntry]:
    """Every read of personal data, newest first. ``worker`` finds the reads that showed
    the worker: its own entries (a search that returned it has one) and the reads of every
    worker (``lmt export``: worker ``*``). Reading the log is logged too, after the page is
    read (so the page does not show it), as ``audit_read`` with the filters."""
    if since is not None and until is not None and since > until:
        raise ProblemError(422, "since is after until")
    total, entries = state.audit.entries(
        worker,
        key_id,
        page.limit,
        page.offset,
        action=action,
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
    )
    asked = {"worker": worker, "key_id": key_id, "action": action, "since": since, "until": until}
    filters = " ".join(f"{k}={v}" for k, v in asked.items() if v is not None) or "all"
    state.audit.record(who.key.key_id, who.role, "audit_read", None, f"{filters} ({total})")
    return Page(items=entries, total=total, **page.model_dump())


@router.get(
    "/break-glass",
    response_model=Page[Grant],
    summary="Every broken glass, newest first, with the reads made under it",
)
def broken_glass(page: PageParams, who: Admin, state: State) -> Page[Grant]:
    total, grants = state.glass.list(page.limit, page.offset)
    shown = [grant.worker_id for grant in grants]
    state.audit.record_many(who.key.key_id, who.role, "break_glass_list", shown)
    return Page(items=grants, total=total, **page.model_dump())
