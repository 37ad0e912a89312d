"""`lmt timeline WORKER_ID [--json]`: a worker's journey timeline, oldest first.

The same timeline ``GET /workers/{id}/timeline`` serves (``tracker.timeline``), for a field
officer at a terminal: the whole person's, whichever of its worker ids is given, each event
with the worker id it was recorded under and the centre that recorded it, then the
candidate links still to review (suggestions, not merged). Reads only; the worker's
personal details are shown, as to a ``field`` key, once the read is in the audit log
(``lmt.audited``: one entry per worker id of the person). Who is whom is read from the linkage's
edges (``tracker.identity.directory``): a read of the whole person table, a second or so
at a million workers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "timeline", parents=[parent], help="a worker's journey timeline, oldest first"
    )
    parser.add_argument("worker_id", metavar="WORKER_ID")
    parser.add_argument("--json", action="store_true", help="print the timeline as JSON")
    parser.add_argument("--since", type=dt.date.fromisoformat, help="first day (YYYY-MM-DD)")
    parser.add_argument("--until", type=dt.date.fromisoformat, help="last day (YYYY-MM-DD)")
    parser.add_argument(
        "--journey", action="store_true", help="show the places stayed in, with days in each"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from lmt.audited import log_read
    from tracker.catalog import Catalog
    from tracker.identity.directory import PersonDirectory
    from tracker.stores import open_store
    from tracker.timeline import Journey, Timeline, journey, read_person, read_worker, timeline

    with open_store(args.settings) as store:
        record = read_worker(store, args.worker_id)
        if record is None:
            print(f"lmt timeline: no worker {args.worker_id!r} in the store", file=sys.stderr)
            return 1
        person = PersonDirectory.build(store).of(args.worker_id)
        others = [w for w in person.worker_ids if w != args.worker_id] if person else []
        records = [record, *read_person(store, others)]
        catalog = Catalog.load(store)
    action = "journey" if args.journey else "timeline"
    log_read(args.settings, action, [args.worker_id, *others], f"lmt timeline{_range(args)}")
    if args.journey:
        shown: Journey | Timeline = journey(records, catalog)
    else:
        shown = timeline(records, catalog, args.since, args.until, person, args.worker_id)
    if args.json:
        print(shown.model_dump_json(indent=2))
        return 0
    print(_heading(record.worker))
    if person is not None and (person.person_id or len(records) > 1):
        ids = ", ".join(str(r.worker["worker_id"]) for r in records)
        print(f"person {person.person_id or '(not linked)'}: worker ids {ids}")
    lines = _stay_lines(shown) if isinstance(shown, Journey) else _event_lines(shown)
    print("\n".join(lines) if lines else "(nothing recorded)")
    if isinstance(shown, Timeline) and shown.suggestions:
        print("suggested links (to review, not merged):")
        for s in shown.suggestions:
            print(f"  {s.worker_id} ~ {s.other_worker_id}  p={s.match_probability:.2f}")
    return 0


def _range(args: argparse.Namespace) -> str:
    return "".join(f" --{k} {v}" for k in ("since", "until") if (v := getattr(args, k)))


def _heading(worker: dict) -> str:
    details = [str(worker[k]) for k in ("gender", "birth_year") if worker.get(k) is not None]
    for label, key in (("phone", "phone"), ("e-Shram", "eshram_uan")):
        if worker.get(key):
            details.append(f"{label} {worker[key]}")
    return f"{worker['worker_id']}  {worker['name']}  ({', '.join(details)})"


def _place(place) -> str:
    if place is None:
        return "?"
    return f"{place.district or place.district_code} ({place.state or '?'})"


def _party(party) -> str:
    return f"{party.name or '?'} [{party.id}]"


RECORDED_BY = ("move", "employment", "grievance")
"""Events whose centre is the one that recorded it (shown after the record ids); a
registration's and a service's centre is in the text already."""


def _event_lines(timeline) -> list[str]:
    lines = []
    for e in timeline.events:
        day = e.date.isoformat() if e.date else "undated   "
        if e.kind == "registration":
            text = "registered" + (f" at {_party(e.centre)}" if e.centre else "")
        elif e.kind == "move":
            arrived = f", arrived {e.arrived_on}" if e.arrived_on else ", arrival not recorded"
            text = f"trip {_place(e.from_place)} -> {_place(e.to_place)}{arrived}"
            text += f", {e.reason}" if e.reason else ""
            text += f", contractor {_party(e.contractor)}" if e.contractor else ""
            text += f", employer {_party(e.employer)}" if e.employer else ""
        elif e.kind == "employment":
            text = f"job at {_party(e.employer)}"
            text += f" ({e.sector})" if e.sector else ""
            text += f" in {_place(e.place)}" if e.place else ""
            text += f" until {e.end_on}" if e.end_on else ""
            text += f", Rs {e.daily_wage_inr:g}/day" if e.daily_wage_inr is not None else ""
            text += f", advance Rs {e.advance_inr:g}" if e.advance_inr is not None else ""
            text += f", via {_party(e.contractor)}" if e.contractor else ""
        elif e.kind == "grievance":
            text = f"grievance ({e.indicator.replace('_', ' ')}) against {e.against_kind} "
            text += _party(e.against)
            text += f", Rs {e.amount_inr:g}" if e.amount_inr is not None else ""
            text += f", {e.status}" if e.status else ""
        else:
            text = f"service {e.service.replace('_', ' ')} at {_party(e.centre)}"
            text += f", {e.outcome}" if e.outcome else ""
        under = ", ".join(getattr(e, "worker_ids", None) or [e.worker_id])
        centre = f" @ {e.centre.id}" if e.kind in RECORDED_BY and e.centre else ""
        records = f"  [{', '.join(e.record_ids)}]" if e.record_ids else ""
        lines.append(f"{day}  {under:<12} {text}{records}{centre}")
    return lines


def _stay_lines(journey) -> list[str]:
    lines = []
    for stay in journey.stays:
        start = stay.arrived_on.isoformat() if stay.arrived_on else "?"
        start += "*" if stay.arrival_estimated else ""
        end = "now" if stay.ongoing else (stay.left_on.isoformat() if stay.left_on else "?")
        days = f"{stay.days} days" if stay.days is not None else "days unknown"
        lines.append(f"{start:>11} .. {end:<10}  {days:>14}  {_place(stay.place)}")
    if any(stay.arrival_estimated for stay in journey.stays):
        lines.append("* arrival not recorded: taken as the day the trip left")
    return lines
