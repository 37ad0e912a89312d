"""Path parameters that hold ids from the records: any text, a "/" or a line end included.

Why: a destination centre numbers its registrations ``DST-357/000075``, and an id may hold
any character the format allows. Starlette's default ``{worker}`` stops at a "/" and
``path`` at a line end, so such an id was answered 404 by the router before the key was
checked. Routes name ``{worker:text}``; a route with a fixed tail (``/{worker:text}/timeline``)
is declared before the bare ``/{worker:text}``, which would match it too.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class AnyText(Convertor[str]):
    """A path parameter that is any text, line ends included."""

    regex = r"[\s\S]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("text", AnyText())
