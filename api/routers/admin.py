"""Admin only: importing a batch (``POST /batches``) and reading the audit log."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from pydantic import BaseModel, Field

from api.auth import Admin, State
from api.models import Page, PageParams
from api.problems import PROBLEM_RESPONSES, ProblemError
from tracker.access import AuditEntry

router = APIRouter(tags=["admin"], responses=PROBLEM_RESPONSES)
MAX_BATCH_BYTES = 4 * 1024**3
"""Largest batch accepted, unpacked (a 1,000,000-worker batch is about 1.5 GB of CSV)."""
CHUNK = 1024 * 1024


class BatchReport(BaseModel):
    """The per-file report of ``lmt ingest``, for a batch sent over HTTP."""

    report: dict = Field(description="tracker.ingest's report: files, rejected_rows, ...")
    received_files: list[str]
    ignored_files: list[str] = Field(description="files sent that are not in the format")


@router.post(
    "/batches",
    response_model=BatchReport,
    summary="Import a batch of field records (CSV files or a zip of them)",
    responses={409: PROBLEM_RESPONSES[422] | {"description": "another batch is importing"}},
)
def post_batch(
    files: Annotated[
        list[UploadFile],
        File(description="the batch's CSV files (named as the format names them), or one zip"),
    ],
    who: Admin,
    state: State,
) -> BatchReport:
    """Validated exactly like ``lmt ingest``: good rows are stored, rejected rows come back
    in the report with file, line, column and reason. One batch at a time."""
    from tracker.field_format import RECORD_FILES_BY_NAME
    from tracker.identity import link
    from tracker.identity.linkage import stored_model
    from tracker.ingest import NoRecordsFound, ingest_folder

    if not state.ingest_lock.acquire(blocking=False):
        raise ProblemError(409, "another batch is being imported; try again when it is done")
    workdir = Path(tempfile.mkdtemp(prefix="lmt-batch-"))
    try:
        batch = workdir / "batch"
        batch.mkdir()
        received, ignored = _unpack(files, batch, set(RECORD_FILES_BY_NAME))
        try:
            with state.changing() as store:  # cached timelines go; names, indexes rebuilt
                report = ingest_folder(
                    store, batch, rejects_dir=workdir / "rejects", today=state.today
                )
                if stored_model(store) is not None:
                    link(store)  # new registrations join their persons, as lmt ingest
        except (NoRecordsFound, ValueError, UnicodeDecodeError) as error:
            raise ProblemError(422, f"the batch cannot be read: {error}") from error
        body = report.model_dump(mode="json")
        body.update(batch=None, rejects_dir=None)  # temporary paths mean nothing to a client
        return BatchReport(report=body, received_files=received, ignored_files=ignored)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        state.ingest_lock.release()


def _unpack(files: list[UploadFile], folder: Path, known: set[str]) -> tuple[list[str], list[str]]:
    """Save the format's files into ``folder`` by their bare names (never a path from the
    client), unpacking zips; anything else is listed as ignored."""
    received: list[str] = []
    ignored: list[str] = []
    budget = [MAX_BATCH_BYTES]
    for upload in files:
        name = PurePath(upload.filename or "").name
        if name.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(upload.file) as archive:
                    for info in archive.infolist():
                        inner = PurePath(info.filename).name
                        if info.is_dir():
                            continue
                        if inner not in known:
                            ignored.append(f"{name}:{info.filename}")
                            continue
                        with archive.open(info) as source:
                            _save(source, folder / inner, budget)
                        received.append(inner)
            except zipfile.BadZipFile as error:
                raise ProblemError(422, f"{name} is not a valid zip file") from error
        elif name in known:
            _save(upload.file, folder / name, budget)
            received.append(name)
        else:
            ignored.append(name)
    if not received:
        raise ProblemError(422, "the batch holds none of the format's files")
    return received, ignored


def _save(source, target: Path, budget: list[int]) -> None:
    if target.exists():
        raise ProblemError(422, f"{target.name} was sent twice")
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise ProblemError(413, "the batch is larger than this server accepts")
            out.write(chunk)


@router.get("/audit", response_model=Page[AuditEntry], summary="The audit log, newest first")
def audit_log(
    page: PageParams,
    who: Admin,
    state: State,
    worker: Annotated[str | None, Query(max_length=200, description="only this worker")] = None,
    key_id: Annotated[str | None, Query(max_length=64, description="only this key")] = None,
) -> Page[AuditEntry]:
    total, entries = state.audit.entries(worker, key_id, page.limit, page.offset)
    return Page(items=entries, total=total, **page.model_dump())
