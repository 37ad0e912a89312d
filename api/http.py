"""uvicorn's HTTP protocol (httptools) with one socket write per connection and loop turn.

Why: uvicorn writes an answer's status line and headers when the app sends
``http.response.start`` and its body when it sends ``http.response.body``: two ``write``
system calls, two TCP segments and two wake-ups of the client for every answer. On
loopback the kernel delivers the segment to the reader inside the writer's system call,
with Python's lock held (uvloop does not let go of it): profiled under wrk (``py-spy
--gil``, ``lmt serve --workers 2``, cached timelines), the two writes were a third of the
server's time in Python. Here the writes a connection makes in one turn of the event loop
are held and sent as one, at the end of the turn (``call_soon``): the same bytes, in the
same order, sent in the same turn, one system call.

``lmt serve`` passes ``HttpToolsOneWrite`` as uvicorn's ``http`` protocol class. Nothing
else changes: flow control, keep-alive and closing are uvicorn's; a close first sends
what is held.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class OneWritePerTurn:
    """A transport whose ``write``s of one loop turn go out as one ``write`` of the
    transport it wraps; everything else is that transport's."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)

    def flush(self) -> None:
        """Send what is held now (at the end of the turn, or before a close)."""
        held, self._held = self._held, []
        if held and not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HttpToolsOneWrite(HttpToolsProtocol):
    """uvicorn's httptools protocol over ``OneWritePerTurn``."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(OneWritePerTurn(transport, self.loop))  # type: ignore[arg-type]
