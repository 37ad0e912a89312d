"""One person, many registrations: record linkage across centres.

The read functions other code uses:

* ``persons(store)``: one row per worker_id with its person_id, linked_by and
  match_probability (docs/spec/field-records.md ``persons.csv``);
* ``candidates(store)``: the scored pairs (``linked`` and ``review``);
* ``explain(store, worker_id, other_worker_id)``: a pair's probability and each
  comparison's contribution (the waterfall);

and ``link(store)`` (after every ingest) gives every registration a person.

These are imported when first asked for (``__getattr__``), not with the package: the
linkage imports its matcher's libraries (transliteration schemes, rapidfuzz), which code
that reads only the key table (``tracker.identity.keys``, for analytics per person) should
not pay for on start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.identity.linkage import LinkReport, Thresholds, link
    from tracker.identity.views import candidates, explain, persons

_HOME = {
    "LinkReport": "linkage",
    "Thresholds": "linkage",
    "link": "linkage",
    "candidates": "views",
    "explain": "views",
    "persons": "views",
}

__all__ = ["LinkReport", "Thresholds", "candidates", "explain", "link", "persons"]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
