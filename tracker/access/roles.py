"""The four roles of API keys and what each may see.

* ``field``: full worker records (names, phones, e-Shram numbers), for casework;
* ``researcher``: worker records under stable pseudonyms, without names, phones or e-Shram
  numbers, birth years in 5-year bands; aggregates with small counts suppressed;
* ``advocacy``: contractor networks and aggregates (small counts suppressed), no worker
  records at all;
* ``admin``: everything, and may import batches and read the audit log.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    FIELD = "field"
    RESEARCHER = "researcher"
    ADVOCACY = "advocacy"
    ADMIN = "admin"

    @property
    def sees_workers(self) -> bool:
        """May read worker records (search, profile, timeline, journey, circuits)."""
        return self is not Role.ADVOCACY

    @property
    def sees_identities(self) -> bool:
        """Sees worker ids, names, phones, e-Shram numbers and exact birth years."""
        return self in (Role.FIELD, Role.ADMIN)

    @property
    def pseudonymised(self) -> bool:
        """Sees pseudonyms in place of worker ids."""
        return self is Role.RESEARCHER

    @property
    def suppressed(self) -> bool:
        """Gets aggregates with counts of fewer than 5 workers suppressed."""
        return self in (Role.RESEARCHER, Role.ADVOCACY)

    @property
    def administers(self) -> bool:
        """May import batches and read the audit log."""
        return self is Role.ADMIN
