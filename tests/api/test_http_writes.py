"""One socket write per connection and loop turn (``api.http``): the same bytes, in order,
sent at the end of the turn; a close sends what is held first; a closed transport gets
nothing more."""

from __future__ import annotations

import asyncio

from api.http import OneWritePerTurn


class Recorded:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info {name}"


def test_the_writes_of_a_turn_go_out_as_one():
    async def run() -> Recorded:
        real = Recorded()
        held = OneWritePerTurn(real, asyncio.get_running_loop())  # type: ignore[arg-type]
        held.write(b"HTTP/1.1 200 OK\r\n\r\n")
        held.write(b"{}")
        assert real.writes == []  # not yet: the turn is not over
        await asyncio.sleep(0)
        assert real.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}"]
        held.write(b"next")
        await asyncio.sleep(0)
        assert real.writes[-1] == b"next"
        assert held.get_extra_info("peername") == "info peername"  # the rest is the real one's
        held.write(b"last")
        held.close()
        assert real.writes[-1] == b"last" and real.closed
        held.write(b"after")
        await asyncio.sleep(0)  # the transport is closing: nothing is written
        return real

    assert len(asyncio.run(run()).writes) == 3
