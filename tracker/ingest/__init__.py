"""Ingestion: a batch folder of field records, checked row by row and written to the store.

``batch`` runs a whole folder; ``validation`` checks rows and their ids, parsing each cell
once into a typed table; ``store_writes`` writes only what is new or changed from that
table; ``rejects`` keeps every rejected row as sent.
"""

from tracker.ingest.batch import (
    IngestReport,
    NoRecordsFound,
    RejectsFolderRefused,
    ingest_folder,
)

__all__ = [
    "IngestReport",
    "NoRecordsFound",
    "RejectsFolderRefused",
    "ingest_folder",
]
