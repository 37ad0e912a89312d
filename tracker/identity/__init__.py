"""One person, many registrations: record linkage across centres.

The read functions other code uses:

* ``persons(store)``: one row per worker_id with its person_id, linked_by and
  match_probability (docs/spec/field-records.md ``persons.csv``);
* ``candidates(store)``: the scored pairs (``linked`` and ``review``);
* ``explain(store, worker_id, other_worker_id)``: a pair's probability and each
  comparison's contribution (the waterfall);

and ``link(store)`` (after every ingest) gives every registration a person.
"""

from tracker.identity.linkage import LinkReport, Thresholds, link
from tracker.identity.views import candidates, explain, persons

__all__ = ["LinkReport", "Thresholds", "candidates", "explain", "link", "persons"]
