"""Several server processes over one embedded store (``lmt serve --workers N``).

Why: one Python process serves from one core at a time (the GIL), and a timeline read for
the first time costs about half a millisecond of CPU; a 2-core machine serves twice as many
with two processes. LadybugDB lets several processes open one folder read-only.

The rules, so that every process answers from the same store state and the store has one
writer at a time:

* every serving process holds the store read-only, and holds a shared lock
  (``flock``) on ``serving-read.lock`` in the store's folder while it does;
* ``POST /batches`` is written by the process that receives it, alone: it takes
  ``serving-write.lock`` (another batch under way anywhere: 409), marks the generation file
  ``serving-generation`` as *writing*, lets its own requests in flight finish, closes its
  reader and waits for the exclusive lock on ``serving-read.lock``, which it gets once every
  other process has closed its reader; then it opens the store read-write, imports, closes
  it (LadybugDB checkpoints on close), writes the next generation number and reopens to read;
* every process checks the generation file before each request (one ``stat``) and every
  ``POLL_SECONDS``: while it says *writing*, the process stops taking requests, lets those in
  flight finish (and a journey index it is building ahead of queries, ``api.state``) and
  closes its reader; when a new number is there, it reopens the store and
  rebuilds what it holds in memory (names, search index, pseudonym map) before it takes a
  request again, and its timeline cache starts empty.

So no reader ever has the store open while it is written (LadybugDB does not promise that a
reader opened before a checkpoint reads correctly after it), a batch's answer is sent only
once the new generation is written, and any request that starts after it, in any process,
is answered from the new state. Requests that arrive while a batch is written wait for it.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

from api.problems import ProblemError
from tracker.store import GraphStore

if TYPE_CHECKING:
    from api.state import ServiceState

GENERATION_FILE = "serving-generation"
READ_LOCK = "serving-read.lock"
WRITE_LOCK = "serving-write.lock"
POLL_SECONDS = 0.05
"""How often an idle process looks at the generation file (a busy one looks per request)."""
LOCK_WAIT_SECONDS = 120.0
"""How long a writer waits for the other processes to close their readers."""


def read_generation(folder: Path) -> tuple[int, bool]:
    """(generation number, a batch is being written) from the folder's generation file."""
    try:
        number, _, state = (folder / GENERATION_FILE).read_text().partition(" ")
        return int(number), state.strip() == "writing"
    except (FileNotFoundError, ValueError):
        return 0, False


def write_generation(folder: Path, number: int, writing: bool) -> None:
    """Replace the generation file at once (a new file renamed over the old one)."""
    fresh = folder / f".{GENERATION_FILE}.{os.getpid()}"
    fresh.write_text(f"{number} {'writing' if writing else 'ready'}\n")
    fresh.replace(folder / GENERATION_FILE)


class SharedStore:
    """One serving process's side of the rules in the module docstring."""

    def __init__(
        self,
        folder: str | os.PathLike,
        open_reader: Callable[[], GraphStore],
        open_writer: Callable[[], GraphStore],
    ) -> None:
        self.folder = Path(folder)
        self._open_reader = open_reader
        self._open_writer = open_writer
        self._read_fd = os.open(self.folder / READ_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        self._write_fd = os.open(self.folder / WRITE_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        self.state: ServiceState | None = None
        self.in_flight = 0
        self._seen: tuple[int, int] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready: asyncio.Event | None = None
        self._follow_lock: asyncio.Lock | None = None
        self._poller: asyncio.Task | None = None
        self._writer_thread: int | None = None

    # -- readers ------------------------------------------------------------------------
    def open_store(self) -> GraphStore:
        """Open the store to read, under the shared lock (waits while a batch is written)."""
        fcntl.flock(self._read_fd, fcntl.LOCK_SH)
        try:
            return self._open_reader()
        except BaseException:
            fcntl.flock(self._read_fd, fcntl.LOCK_UN)
            raise

    def _close_store(self) -> None:
        assert self.state is not None
        with self.state.building_ahead:  # a journey index being built is done with it
            if self.state.store is not None:
                self.state.store.close()
                self.state.store = None  # type: ignore[assignment]  # no request till _reopen
        fcntl.flock(self._read_fd, fcntl.LOCK_UN)

    def _reopen(self, number: int) -> None:
        assert self.state is not None
        self.state.use_store(self.open_store(), number)

    def _changed(self) -> bool:
        try:
            found = os.stat(self.folder / GENERATION_FILE)
        except FileNotFoundError:
            return False
        return (found.st_ino, found.st_mtime_ns) != self._seen

    def _look(self) -> tuple[int, bool]:
        try:
            found = os.stat(self.folder / GENERATION_FILE)
            self._seen = (found.st_ino, found.st_mtime_ns)
        except FileNotFoundError:
            self._seen = None
        return read_generation(self.folder)

    # -- in the event loop ----------------------------------------------------------------
    async def start(self) -> None:
        """In the server's event loop, before the first request (the app's lifespan)."""
        self._loop = asyncio.get_running_loop()
        self._ready = asyncio.Event()
        self._ready.set()
        self._follow_lock = asyncio.Lock()
        self._seen = None  # the first poll looks: a batch may be under way already
        self._poller = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            if self._changed():
                await self.follow()

    async def _drain(self, keep: int = 0) -> None:
        """Stop taking requests; wait until at most ``keep`` are in flight."""
        assert self._ready is not None
        self._ready.clear()
        while self.in_flight > keep:
            await asyncio.sleep(0.002)

    async def follow(self) -> None:
        """Do what the generation file says (see the module docstring)."""
        assert self._follow_lock is not None and self._ready is not None
        assert self.state is not None
        async with self._follow_lock:
            if self._writer_thread is not None:  # this process writes: it knows
                return
            number, writing = self._look()
            held = self.state.store is not None
            if writing:
                if held:
                    await self._drain()
                    await asyncio.to_thread(self._close_store)
                return  # requests wait until the batch is written
            if number != self.state.current.number or not held:
                await self._drain()
                if held:
                    await asyncio.to_thread(self._close_store)
                await asyncio.to_thread(self._reopen, number)
            self._ready.set()

    async def admit(self, call: Callable[[], Awaitable[None]]) -> None:
        """Run one request once the process holds the current store state."""
        assert self._ready is not None
        if self._changed():
            await self.follow()
        while not self._ready.is_set():
            await self._ready.wait()
            if self._changed():
                await self.follow()
        self.in_flight += 1
        try:
            await call()
        finally:
            self.in_flight -= 1

    # -- the writer (a request's worker thread) ------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[GraphStore]:
        """The store opened read-write, every other reader closed (``POST /batches``);
        the next generation is written when the block ends, however it ends."""
        assert self._loop is not None and self.state is not None
        try:
            fcntl.flock(self._write_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ProblemError(
                409, "another batch is being imported; try again when it is done"
            ) from None
        number = self.state.current.number
        try:
            self._writer_thread = threading.get_ident()
            number = max(number, read_generation(self.folder)[0])
            write_generation(self.folder, number, writing=True)
            try:
                # this request is in flight itself: let the others finish, then close
                asyncio.run_coroutine_threadsafe(self._drain(keep=1), self._loop).result()
                self._close_store()
                self._lock_alone()
                store = self._open_writer()
                try:
                    yield store
                finally:
                    store.close()
            finally:
                write_generation(self.folder, number + 1, writing=False)
                fcntl.flock(self._read_fd, fcntl.LOCK_UN)
        finally:
            try:
                if self.state.store is None:
                    self._reopen(number + 1)
            finally:
                self._writer_thread = None
                fcntl.flock(self._write_fd, fcntl.LOCK_UN)
                ready = self._ready
                assert ready is not None
                self._loop.call_soon_threadsafe(ready.set)

    def _lock_alone(self) -> None:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(self._read_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ProblemError(
                        503, "other server processes did not let go of the store in time"
                    ) from None
                time.sleep(0.01)


class AdmitRequests:
    """ASGI middleware: every HTTP request goes through ``SharedStore.admit``."""

    def __init__(self, app: ASGIApp, shared: SharedStore) -> None:
        self.app = app
        self.shared = shared

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.shared.admit(lambda: self.app(scope, receive, send))
