"""What the API holds in memory for one store, rebuilt when the store changes.

Everything here is computed from the store and valid for one *store state*: the catalog
of names (timelines), the worker search index and the pseudonym map, the district flow
index, the contractor network, and the analytics results. A state ends when a batch is
imported through ``POST /batches``: ``refresh`` starts a new generation and what the old one
held is rebuilt on first use (the search index and catalog at once). The embedded store
cannot change under the server, because no other process can open it while the server
runs; with Neo4j, restart the server (or post batches through it) after importing elsewhere.

Timelines are per person (``tracker.timeline.person_events``): who is whom comes from the
person directory of the generation (``tracker.identity.directory.PersonDirectory``: each
worker id's person, its worker ids and its suggestions, built with the search index from
the linkage's edges), so finding a worker's person costs no store lookup. Whole timelines
are kept as JSON in a bounded LRU (``tracker.cache``, ``timeline_cache_mb``,
``Settings.timeline_cache_mb``): one entry per person (the person's id, or the worker id of
a worker no linkage has placed), served for any of its worker ids, the same bytes for field
and admin keys (the page around them carries the id asked for). The cache is suspended
while a batch or an identity decision is written (``changing``) and emptied when it is
done, with a new directory: a link or a split made through the API never leaves a timeline
of the old persons behind.

Analytics (circuits, the seasonal calendar, contractor risk, chains) are served by name
(``ANALYTICS``: name -> function of the store). Each is computed once per state, on first
request, under a lock so that concurrent first requests wait for one computation instead of
starting several. A function that fails answers 503 with its reason, never a crash.

The researchers' journey index (``journeys``) takes about a minute to build at 1M workers,
so a running server builds it ahead of the first query (``start_warming``, from the app's
lifespan; ``Settings.warm_journeys``): in a background thread when the server starts and
again after each batch. A query that comes while it is being built waits for that build
(``lazily``), never starts a second one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from analytics.chains import chains_from_store
from analytics.circuits import circuits_from_store, circuits_of_journeys, journeys_from_store
from analytics.contractor_network import NetworkIndex
from analytics.contractor_risk import contractor_risk_from_store
from analytics.corridors import seasonal_calendar
from analytics.district_flows import FlowIndex
from analytics.journeys.index import JourneyIndex, build_index
from analytics.journeys.tables import tables_from_store
from api.models import person_json
from api.serving import read_generation
from graph_schema.disclosure import TABLES, Kind
from tracker.access import AccessDB, AuditLog, KeyRing, Pseudonyms
from tracker.access.disclosure import EXACT, CountWords
from tracker.access.scope import BreakGlass, OrganisationScope
from tracker.cache import VersionedLRU
from tracker.catalog import Catalog
from tracker.identity.directory import PersonDirectory, PersonOf
from tracker.search import WorkerIndex
from tracker.store import GraphStore
from tracker.timeline import EventRecord, WorkerRecord, events_json, person_events, read_person

if TYPE_CHECKING:
    from api.serving import SharedStore

log = logging.getLogger("lmt.api")
BUILD_AHEAD_NICENESS = 10
"""How much lower the journey index's build ahead runs than the requests (``nice``)."""


def _circuits_from_store(store: GraphStore, words: CountWords) -> pd.DataFrame:
    return circuits_from_store(store)


def _calendar_from_store(store: GraphStore, words: CountWords) -> pd.DataFrame:
    return seasonal_calendar(circuits_of_journeys(journeys_from_store(store)))


def _chains_from_store(store: GraphStore, words: CountWords) -> pd.DataFrame:
    chains, _errors = chains_from_store(store)  # the data errors are lmt chains --errors'
    return chains


ANALYTICS: dict[str, Callable[[GraphStore, CountWords], pd.DataFrame]] = {
    "circuits": _circuits_from_store,
    "calendar": _calendar_from_store,
    "contractors": contractor_risk_from_store,
    "chains": _chains_from_store,
}
"""Analytics results by name (/analytics/NAME, /analytics/calendar): function(store, words)
-> table, its free text (if any) written with ``words`` (``tracker.access.disclosure``)."""
WRITES_COUNTS = frozenset(name for name in ANALYTICS if Kind.PEOPLE_TEXT in TABLES[name].values())
"""The analytics whose tables hold free text built from counts: one table per way of
writing counts (``CountWords``), computed when a role that reads it first asks."""


def freeze_heap() -> None:
    """Leave what is in memory now out of Python's cyclic garbage collector (``gc.freeze``),
    once a generation is built; what an earlier one froze is collected first.

    Why: a generation holds millions of long-lived objects at 1M workers (the search
    index, the person directory, the catalog). The full collections that requests' garbage
    sets off walk them all while every request of the process waits: a tenth of a cached
    timeline's CPU was the collector's on a 20,000-worker store (``perf`` on a process of
    ``lmt serve --workers 2`` under wrk), more as the store grows. Frozen, they are
    still freed by reference counting when a generation is replaced; their cycles are
    collected when the next generation is frozen."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class NotComputed(RuntimeError):
    """The analytics function failed (the reason is the message)."""


@dataclass(frozen=True)
class Generation:
    """What one store state holds (built once; replaced whole on refresh)."""

    number: int
    catalog: Catalog
    workers: WorkerIndex
    persons: PersonDirectory


@dataclass(frozen=True)
class CachedTimeline:
    """A person's whole timeline, oldest first, as the JSON array of its events, and the
    person part of the page (``api.models.person_json``: id, worker ids, suggestions)."""

    events: bytes
    total: int
    person: bytes


def person_key(person: PersonOf) -> tuple[str, str]:
    """What a person's timeline is cached under: its person id, or the worker id alone."""
    return ("person", person.person_id) if person.person_id else ("worker", person.worker_ids[0])


class ServiceState:
    def __init__(
        self,
        store: GraphStore,
        access: AccessDB,
        timeline_cache_mb: int,
        *,
        pseudonym_secret: str | None = None,
        break_glass_hours: float = 3.0,
        today: dt.date | None = None,
        shared: SharedStore | None = None,
    ) -> None:
        """``today``: the day ``POST /batches`` judges dates against (None: the clock's);
        ``shared``: the store is shared with other server processes, read-only, and
        batches are written through it (``api.serving``); None: this process owns it."""
        self.store = store
        self.shared = shared
        self.access = access
        self.today = today
        self.keys = KeyRing(access)
        self.audit = AuditLog(access, group_commit=True)
        self.timelines: VersionedLRU[CachedTimeline] = VersionedLRU(timeline_cache_mb * 2**20)
        self.pseudonyms = Pseudonyms.from_file(access.path.parent, pseudonym_secret)
        self.glass = BreakGlass(access, break_glass_hours)
        self.ingest_lock = threading.Lock()
        self._lock = threading.Lock()
        self._lazy: dict[str, Any] = {}
        self._lazy_locks: dict[str, threading.Lock] = {}
        self._warming = False
        self._warm_threads: list[threading.Thread] = []
        self.building_ahead = threading.Lock()
        """Held while the journey index is built ahead of queries: whoever closes the
        store (``api.serving``) takes it first, so that no build reads a closed store."""
        self.current = self._build(read_generation(shared.folder)[0] if shared else 0)
        freeze_heap()
        if shared is not None:
            shared.state = self

    def _build(self, number: int, store: GraphStore | None = None) -> Generation:
        store = store or self.store
        workers = WorkerIndex.build(store)
        persons = PersonDirectory.build(store, workers.ids, workers.by_id, workers.registered_on)
        return Generation(
            number=number,
            catalog=Catalog.load(store),
            workers=workers,
            persons=persons,
        )

    def refresh(self) -> None:
        """The store changed: start a new generation (after an ingest)."""
        fresh = self._build(self.current.number + 1)
        with self._lock:
            self.current = fresh
            self._lazy = {}
        self.timelines.invalidate()
        freeze_heap()
        self._warm()

    def use_store(self, store: GraphStore, number: int) -> None:
        """Serve from ``store``, reopened at generation ``number`` (``api.serving``)."""
        fresh = self._build(number, store)
        with self._lock:
            self.store = store
            self.current = fresh
            self._lazy = {}
        self.timelines.invalidate()
        freeze_heap()
        self._warm()

    @contextmanager
    def changing(self) -> Iterator[GraphStore]:
        """Around a write to the store, giving the store to write to: no timeline is
        cached while it runs, and the state is refreshed when it ends, however it ends.
        With other server processes (``shared``), the write waits until they let go of
        the store, and they all reopen it after."""
        if self.shared is not None:
            with self.shared.writing() as store:
                yield store
            return
        self.timelines.suspend()
        try:
            yield self.store
        finally:
            try:
                self.refresh()
            finally:
                self.timelines.resume()

    def close(self) -> None:
        """Write the audit entries still held (the server is shutting down), after the
        journey index being built ahead is done with the store."""
        self._warming = False
        for thread in self._warm_threads:
            thread.join()
        self.audit.close()

    # -- built ahead of the first query ------------------------------------------------
    def start_warming(self) -> None:
        """Build the journey index now and after each batch, in the background (the app's
        lifespan calls this when ``Settings.warm_journeys``)."""
        self._warming = True
        self._warm()

    def _warm(self) -> None:
        if not self._warming:
            return
        self._warm_threads = [t for t in self._warm_threads if t.is_alive()]
        thread = threading.Thread(target=self._build_ahead, name="lmt-warm", daemon=True)
        self._warm_threads.append(thread)
        thread.start()

    def _build_ahead(self) -> None:
        # below the requests' priority where the OS schedules (Linux nices a thread by its
        # id); the GIL is still shared, so a server just started or refreshed serves more
        # slowly until the build is done (at 1M workers a minute and a half of CPU)
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BUILD_AHEAD_NICENESS)
        with self.building_ahead:
            if self.store is None or not self._warming:  # closed for a batch, or stopping
                return
            try:
                self.journeys()
            except Exception:  # the first query builds it again and answers the error
                log.exception("the journey index could not be built ahead of the first query")

    # -- timelines ---------------------------------------------------------------------
    def cached_timeline(self, worker_id: str) -> CachedTimeline | None:
        """The whole timeline of the worker's person if it is cached (never touches the
        store)."""
        person = self.current.persons.of(worker_id)
        return self.timelines.get(person_key(person)) if person is not None else None

    def whole_timeline(self, worker_id: str) -> CachedTimeline | None:
        """The whole timeline of the worker's person from the store, kept in the cache;
        None if the store has no such worker. Blocking: call it from a worker thread."""
        version = self.timelines.version
        found = self.timeline_events(worker_id)
        if found is None:
            return None
        person, events = found
        shown = person_json(person.person_id, list(person.worker_ids), list(person.suggestions))
        entry = CachedTimeline(events_json(events), len(events), shown)
        self.timelines.put(person_key(person), entry, len(entry.events) + len(shown), version)
        return entry

    def person_records(self, worker_id: str) -> tuple[PersonOf, list[WorkerRecord]] | None:
        """The worker's person and the records of each of its worker ids, read from the
        store (one lookup a worker id: the nodes come from the search index); None if
        unknown."""
        generation = self.current
        person = generation.persons.of(worker_id)
        if person is None:
            return None
        ids = person.worker_ids
        nodes = [generation.workers.timeline_node(w) for w in ids]
        records = read_person(self.store, ids, nodes)
        return (person, records) if records else None

    def timeline_events(
        self, worker_id: str, since: dt.date | None = None, until: dt.date | None = None
    ) -> tuple[PersonOf, list[EventRecord]] | None:
        """The worker's person and its events (in a date range) read from the store; None
        if unknown."""
        found = self.person_records(worker_id)
        if found is None:
            return None
        person, records = found
        return person, person_events(records, self.current.catalog, since, until)

    # -- built on first use, once per generation --------------------------------------
    def lazily(self, name: str, build: Callable[[], Any]) -> Any:
        generation = self.current.number
        key = f"{name}@{generation}"
        found = self._lazy.get(key)
        if found is not None:
            return found
        with self._lock:
            lock = self._lazy_locks.setdefault(name, threading.Lock())
        with lock:
            found = self._lazy.get(key)
            if found is None:
                found = build()
                with self._lock:
                    if self.current.number == generation:
                        self._lazy[key] = found
                gc.freeze()  # out of the collector's walks too (``freeze_heap``)
        return found

    def is_built(self, name: str) -> bool:
        """Whether ``lazily``'s ``name`` is built for the current store state."""
        return f"{name}@{self.current.number}" in self._lazy

    def worker_of_pseudonym(self, pseudonym: str, project: str) -> str | None:
        """The worker whose pseudonym in ``project`` is ``pseudonym`` (None: no such one).
        Each project's map is built on its first use in a generation (a keyed hash per
        worker: about a second per million)."""

        def build() -> dict[str, str]:
            return {self.pseudonyms.of(w, project): w for w in self.current.workers.ids}

        found: dict[str, str] = self.lazily(f"pseudonyms:{project}", build)
        return found.get(pseudonym)

    def released(self, worker_id: str) -> dict | None:
        """What researchers may see of the worker's quasi-identifiers (``tracker.profile.
        researcher_view``, computed over every worker on first use in a generation)."""
        from tracker.profile import quasi_identifiers, researcher_view

        def build():
            return researcher_view(quasi_identifiers(self.store, self.current.catalog))

        view = self.lazily("researcher_view", build)
        if worker_id not in view.index:
            return None
        row = view.loc[worker_id].to_dict()
        return {k: v.item() if hasattr(v, "item") else v for k, v in row.items()}

    def scope(self) -> OrganisationScope:
        """Each organisation's workers (``tracker.access.scope``), built on first use in a
        generation."""
        return self.lazily("scope", lambda: OrganisationScope.build(self.store))

    def journeys(self) -> JourneyIndex:
        """The researchers' journey index (``analytics.journeys``), built once per
        generation: ahead of the first query while the server runs (``start_warming``)."""
        return self.lazily("journeys", lambda: build_index(tables_from_store(self.store)))

    def flows(self) -> FlowIndex:
        return self.lazily("flows", lambda: FlowIndex.build(self.store))

    def network(self, words: CountWords = EXACT) -> NetworkIndex:
        """The contractor network, its reasons written with ``words``."""

        def build() -> NetworkIndex:
            try:
                risk = self.analytics("contractors", words)
            except NotComputed:
                risk = None
            return NetworkIndex.build(self.store, risk, words)

        return self.lazily(f"network:{words.name}", build)

    def analytics(self, name: str, words: CountWords = EXACT) -> pd.DataFrame:
        """The named analytics result for the current store state (``ANALYTICS``), its
        free text written with ``words``."""
        function = ANALYTICS[name]
        if name not in WRITES_COUNTS:
            words = EXACT  # no text: one table serves every role

        def build() -> pd.DataFrame:
            try:
                return function(self.store, words)
            except Exception as error:  # bad data in the store: report, never crash
                log.exception("%s analytics failed", name)
                raise NotComputed(f"{name} analytics could not be computed: {error}") from error

        return self.lazily(f"analytics:{name}:{words.name}", build)
