"""Stable pseudonyms for workers: a keyed hash (HMAC-SHA256) of the worker id.

Researchers follow the same worker across requests and days without learning who it is.
A plain hash of an id would not do: ids follow a pattern, so anyone could hash the
candidates and match. The key (the *secret*) is made once per store, at random, and kept
in the store's settings, so every process serving the same store gives the same
pseudonyms; a secret given by the caller (``$LMT_PSEUDONYM_SECRET``, read by the entry
points) is used instead (to keep pseudonyms across a re-built store). Without the secret
a pseudonym cannot be turned back into an id; the API maps pseudonyms back through the
worker index it already holds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from tracker.store import GraphStore

SECRET_SETTING = "pseudonym_secret"
PREFIX = "P-"
DIGITS = 20
"""Hex digits kept (80 bits): no collision among millions of workers, short to read."""


class Pseudonyms:
    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("a pseudonym secret needs at least 32 characters")
        self._key = secret.encode()

    @classmethod
    def for_store(cls, store: GraphStore, secret: str | None = None) -> Pseudonyms:
        """The store's pseudonyms: ``secret`` if given, else the store's, made once."""
        secret = secret or store.get_setting(SECRET_SETTING)
        if not secret:
            secret = secrets.token_hex(32)
            store.put_setting(SECRET_SETTING, secret)
        return cls(secret)

    def of(self, worker_id: str) -> str:
        digest = hmac.new(self._key, b"worker:" + worker_id.encode(), hashlib.sha256)
        return PREFIX + digest.hexdigest()[:DIGITS]

    def of_household(self, household_id: str) -> str:
        """Households get their own pseudonyms (a household id identifies a family)."""
        digest = hmac.new(self._key, b"household:" + household_id.encode(), hashlib.sha256)
        return "H-" + digest.hexdigest()[:DIGITS]

    @staticmethod
    def looks_like(text: str) -> bool:
        return (
            len(text) == len(PREFIX) + DIGITS
            and text.startswith(PREFIX)
            and all(c in "0123456789abcdef" for c in text[len(PREFIX) :])
        )
