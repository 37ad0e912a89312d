"""Who may see what: API keys and roles, pseudonyms, disclosure control, the audit trail.

* ``roles``: the four roles and what each may see;
* ``keys``: API keys, stored hashed (``lmt keys create --role ROLE``);
* ``audit``: an append-only, hash-chained log of every read of a worker's record, for
  admins, each entry committed before the answer leaves (``tracker.access.audit``,
  ``tracker.access.chain``);
* ``pseudonyms``: stable keyed-hash pseudonyms, one space per researcher project, keyed by a
  secret file outside the graph store;
* ``disclosure``: birth bands, suppression of counts below 5, and the k-anonymous release
  of researchers' quasi-identifiers.

Keys and the audit log live in one SQLite file (``AccessDB``) beside the graph: in the
embedded store's folder, or in ``$LMT_STATE`` (default ``./lmt-state``) with Neo4j.
"""

from tracker.access.audit import AuditEntry, AuditLog, AuditUnavailable
from tracker.access.db import AccessDB, access_db_path
from tracker.access.disclosure import SUPPRESS_BELOW, birth_band, suppressed
from tracker.access.keys import ApiKey, KeyRing
from tracker.access.pseudonyms import Pseudonyms
from tracker.access.roles import Role

__all__ = [
    "SUPPRESS_BELOW",
    "AccessDB",
    "ApiKey",
    "AuditEntry",
    "AuditLog",
    "AuditUnavailable",
    "KeyRing",
    "Pseudonyms",
    "Role",
    "access_db_path",
    "birth_band",
    "suppressed",
]
