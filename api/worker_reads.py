"""Reading a worker's records for a caller: the id or pseudonym a path names, the id the
caller's role is shown, and the timeline page, the API's hot path.

``timeline_page`` is the one way a timeline is answered: the FastAPI route
(``api.routers.workers``) and the plain request's middleware (``api.fastpath``)
both call it, so both give the same bytes, the same errors and the same audit entry. Its
bytes are made for the role (``researcher_events``), and the disclosure step judges the
answer's model once per role (``passes_as_is``): every field declared, none that the
role's rules would change.
"""

from __future__ import annotations

import datetime as dt

from starlette.concurrency import run_in_threadpool

from api.auth import Caller
from api.models import EVENTS_PER_PAGE, Paging, TimelinePage, person_json, timeline_page_json
from api.problems import ProblemError
from api.state import ServiceState
from tracker.access import Pseudonyms, Role
from tracker.access.audit import Row
from tracker.access.disclosure import DisclosureError, passes_as_is
from tracker.access.pseudonyms import DEFAULT_PROJECT
from tracker.timeline import events_json, researcher_events

MAX_WORKER_PATH = 200
"""The longest worker id or pseudonym a path may hold."""
WHOLE_TIMELINE = Paging(limit=EVENTS_PER_PAGE, offset=0)
"""The paging of a request that names none."""


def resolve(state: ServiceState, who: Caller, given: str) -> str:
    """The worker id a path names: an id for field and admin keys, a pseudonym for
    researchers (a researcher who guesses a real id learns nothing: 404)."""
    if who.role.pseudonymised:
        found = state.worker_of_pseudonym(given, project_of(who))
    else:
        found = given if given in state.current.workers.by_id else None
    if found is None:
        raise ProblemError(404, f"no worker {given!r}")
    if not may_read(state, who, found):
        raise ProblemError(
            403,
            f"worker {given!r} is not among the workers of {who.key.organisation}'s centres: "
            "to read this worker, break the glass with your reason",
            break_glass=f"/workers/{given}/break-glass",
        )
    return found


def may_read(state: ServiceState, who: Caller, worker_id: str) -> bool:
    """Whether ``who`` may read the worker: every key but a field key of an organisation;
    that one, the organisation's workers and those it broke the glass for."""
    organisation = who.key.organisation
    if organisation is None or who.role is not Role.FIELD:
        return True
    return state.scope().covers(organisation, worker_id) or state.glass.active(
        who.key.key_id, worker_id
    )


def shown_id(worker_id: str, who: Caller, pseudonyms: Pseudonyms) -> str:
    """The worker as the caller's role sees it: the id, or its project's pseudonym."""
    return pseudonyms.of(worker_id, project_of(who)) if who.role.pseudonymised else worker_id


def person_read(state: ServiceState, who: Caller, action: str, worker_id: str) -> list[Row]:
    """The audit entries of a read of the worker's whole person: the worker asked for, and
    each of the person's other worker ids (detail: the id asked for), so a search of the
    audit by any of them finds the read."""
    key, role = who.key.key_id, who.role
    rows = state.audit.rows(key, role, action, [worker_id])
    person = state.current.persons.of(worker_id)
    others = [w for w in person.worker_ids if w != worker_id] if person is not None else []
    if others:
        rows += state.audit.rows(key, role, action, others, detail=f"via {worker_id}")
    return rows


def audit_person_read(state: ServiceState, who: Caller, action: str, worker_id: str) -> None:
    """``person_read``'s entries, committed when this returns (for a worker thread)."""
    state.audit.record_rows(person_read(state, who, action, worker_id))


def project_of(who: Caller) -> str:
    """The researcher project whose pseudonyms the caller sees."""
    return who.key.project or DEFAULT_PROJECT


async def timeline_page(
    state: ServiceState,
    who: Caller,
    given: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    page: Paging = WHOLE_TIMELINE,
) -> bytes:
    """The ``TimelinePage`` JSON of the worker ``given`` names, as ``who`` may see it: the
    whole person's timeline, with the person's worker ids and suggestions.

    The read is audited here, once (``person_read``: the worker and the person's other
    worker ids): the entries go to the audit's writer, the answer is made meanwhile and
    returned once they are committed. A whole timeline (no date range, from the first
    event) comes from the cache (one entry per person), or is read from the store in a
    worker thread and cached; a range or a later page is read and cut for this request.
    Researchers get pseudonyms for the person and its worker ids, and no suggestions.
    Errors are problems: 404 for an unknown worker, 422 for a range that ends first."""
    if since is not None and until is not None and since > until:
        raise ProblemError(422, "since is after until")
    worker_id = resolve(state, who, given)
    if not passes_as_is(TimelinePage, who.role):  # the disclosure step, for bytes
        raise DisclosureError(f"a timeline cannot be shown to {who.role.value} keys as it is")
    logged = state.audit.logging_rows(person_read(state, who, "timeline", worker_id))
    try:
        body = await _timeline_json(state, who, given, worker_id, since, until, page)
    finally:
        await logged  # nothing leaves before its entry is committed
    return body


async def _timeline_json(
    state: ServiceState,
    who: Caller,
    given: str,
    worker_id: str,
    since: dt.date | None,
    until: dt.date | None,
    page: Paging,
) -> bytes:
    shown = shown_id(worker_id, who, state.pseudonyms)
    if who.role.pseudonymised:  # months, tokens and pseudonyms, made per answer: never cached
        found = await run_in_threadpool(state.timeline_events, worker_id, since, until)
        if found is None:
            raise ProblemError(404, f"no worker {given!r}")
        person, events = found
        project = project_of(who)

        def pseudonym(worker: str) -> str:
            return state.pseudonyms.of(worker, project)

        released = {w: state.released(w) for w in person.worker_ids}
        seen = researcher_events(events, released, state.current.catalog, pseudonym)
        persons = person_json(
            pseudonym(person.person_id) if person.person_id else None,
            [pseudonym(w) for w in person.worker_ids],
            [],  # suggestions are identity review: field and admin keys only
        )
        return timeline_page_json(
            shown, persons, since, until, events_json(seen[page.offset : page.offset + page.limit]),
            len(seen), page.limit, page.offset,
        )  # fmt: skip
    if since is None and until is None and page.offset == 0:
        whole = state.cached_timeline(worker_id)
        if whole is None:
            whole = await run_in_threadpool(state.whole_timeline, worker_id)
        if whole is None:
            raise ProblemError(404, f"no worker {given!r}")
        if whole.total <= page.limit:
            return timeline_page_json(
                shown, whole.person, None, None, whole.events, whole.total, page.limit, 0
            )
    found = await run_in_threadpool(state.timeline_events, worker_id, since, until)
    if found is None:
        raise ProblemError(404, f"no worker {given!r}")
    person, events = found
    persons = person_json(person.person_id, list(person.worker_ids), list(person.suggestions))
    shown_events = events_json(events[page.offset : page.offset + page.limit])
    return timeline_page_json(
        shown, persons, since, until, shown_events, len(events), page.limit, page.offset
    )
