"""Time the contractor analytics at 50,000 contractors and 1,000,000 workers.

    .venv/bin/python -m bench.bench_contractors [--contractors N] [--workers N] [--no-report]

The records are made here, vectorised, in the edge-table form the store port returns (not
a realistic batch: ``lmt synth`` makes those, but one with the shapes that cost time):
contractors in tiers (contractors of principal employers, sub-contractors, recruiters) with
dated links, about three employments and seven moves per worker (40% of moves naming the
recruiter), grievances at about one per five workers, and 5% of recruiters paying badly
with large advances. Then it times each step of ``lmt contractors`` and ``lmt chains`` on
them, and writes the "contractors" section of docs/benchmarks.md. Target: the
whole analysis in at most 30 s on the reference machine (2 cores).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd

from analytics.chains import MAX_DEPTH, chain_risk, contractor_chains
from analytics.contractor_network import (
    BETWEENNESS_WORK,
    MIN_SOURCES,
    contractor_network,
    network_roles,
)
from analytics.contractor_risk import contractor_risk
from analytics.flag_quality import flag_quality
from analytics.supply_graph import SupplyRecords, encode_ids, placements
from bench.report import write_section
from graph_schema import (
    COMPLAINED_AGAINST,
    EMPLOYED_BY,
    MOVED,
    SUPPLIES,
    Contractor,
    Employer,
)
from graph_schema.types import INDICATORS
from tracker.tables import edge_columns, node_columns, typed

TARGET_SECONDS = 30.0
SECTORS = np.array(["construction", "brick_kiln", "agriculture", "textile_garment", "other"])
BASE_WAGE = np.array([600.0, 390.0, 380.0, 460.0, 470.0])
DAY0 = np.datetime64("2017-01-01")


def make_records(contractors: int, workers: int, seed: int = 0) -> tuple[SupplyRecords, pd.Series]:
    """Records of the given size, and which contractors were made exploitative."""
    rng = np.random.default_rng(seed)
    n_emp = max(1, contractors // 2)
    tier1 = np.arange(0, contractors // 4)
    subs = np.arange(contractors // 4, contractors // 2)
    recruiters = np.arange(contractors // 2, contractors)

    cid = pd.Series(np.arange(contractors)).map("CTR{:07d}".format)
    eid = pd.Series(np.arange(n_emp)).map("EMP{:07d}".format)
    employer_sector = rng.integers(0, len(SECTORS), n_emp)
    employer_district = rng.integers(1, 641, n_emp)
    employers = typed(
        pd.DataFrame(
            {
                "employer_id": eid,
                "name": "Firm " + eid,
                "sector": SECTORS[employer_sector],
                "registered_principal_employer": rng.random(n_emp) < 0.5,
                "district_code": employer_district,
            }
        ),
        {**node_columns(Employer), "district_code": edge_columns(SUPPLIES)["contractor_id"]},
    )
    employers["district_code"] = employers["district_code"].astype("Int64")

    licensed = rng.random(contractors) < 0.65
    valid_until = DAY0 + rng.integers(0, 4000, contractors).astype("timedelta64[D]")
    contractor_table = typed(
        pd.DataFrame(
            {
                "contractor_id": cid,
                "name": "Contractor " + cid,
                "licence_no": np.where(licensed, "ISMW/" + cid, None),
                "licence_valid_until": np.where(licensed, valid_until, np.datetime64("NaT", "D")),
            }
        ),
        node_columns(Contractor),
    )
    contractor_table["base_district_code"] = pd.array(
        rng.integers(1, 641, contractors), dtype="Int64"
    )

    # links: tier1 -> 1-3 employers, sub -> a tier1 (or an earlier sub), recruiter -> a sub
    t1_reps = rng.integers(1, 4, len(tier1))
    t1_from = np.repeat(tier1, t1_reps)
    t1_to = rng.integers(0, n_emp, len(t1_from))
    sub_to = np.where(
        rng.random(len(subs)) < 0.2,
        subs[0] + (rng.random(len(subs)) * (subs - subs[0])).astype(int),
        rng.choice(tier1, len(subs)),
    )
    sub_to = np.where(sub_to == subs, rng.choice(tier1, len(subs)), sub_to)
    rec_to = np.where(rng.random(len(recruiters)) < 0.5, rng.choice(subs, len(recruiters)), 0)
    rec_to = np.where(rec_to == 0, rng.choice(tier1, len(recruiters)), rec_to)
    link_from = np.concatenate([t1_from, subs, recruiters])
    link_to_kind = np.concatenate(
        [np.full(len(t1_from), "employer"), np.full(len(subs) + len(recruiters), "contractor")]
    )
    link_to = np.concatenate(
        [eid.to_numpy()[t1_to], cid.to_numpy()[sub_to], cid.to_numpy()[rec_to]]
    )
    n_links = len(link_from)
    from_date = DAY0 - rng.integers(0, 800, n_links).astype("timedelta64[D]")
    ended = rng.random(n_links) < 0.15
    to_date = np.where(
        ended,
        from_date + rng.integers(900, 3000, n_links).astype("timedelta64[D]"),
        np.datetime64("NaT", "D"),
    )
    links = typed(
        pd.DataFrame(
            {
                "contractor_id": cid.to_numpy()[link_from],
                "supplies_to_kind": link_to_kind,
                "supplies_to_id": link_to,
                "link_id": pd.Series(np.arange(n_links)).map("LNK{:08d}".format),
                "from_date": from_date,
                "to_date": to_date,
            }
        ),
        edge_columns(SUPPLIES),
    )

    # each recruiter's employer: follow its first link up to an employer
    parent = np.full(contractors, -1)
    parent[subs] = sub_to
    parent[recruiters] = rec_to
    top_employer = np.full(contractors, -1)
    first_t1 = pd.Series(t1_to).groupby(t1_from).first()
    top_employer[first_t1.index.to_numpy()] = first_t1.to_numpy()
    node = np.arange(contractors)
    for _ in range(10):
        todo = top_employer[node] < 0
        node = np.where(todo, parent[node], node)
    top_employer = np.where(top_employer[node] >= 0, top_employer[node], 0)

    bad = np.zeros(contractors, dtype=bool)
    bad[rng.choice(recruiters, max(1, len(recruiters) // 20), replace=False)] = True

    worker_ids = pd.Series(np.arange(workers)).map("W{:08d}".format).to_numpy()
    size = rng.pareto(1.5, len(recruiters)) + 1
    recruiter_of = rng.choice(recruiters, workers, p=size / size.sum())

    # employments: three per worker
    jobs_w = np.repeat(np.arange(workers), 3)
    jobs_c = recruiter_of[jobs_w]
    jobs_e = top_employer[jobs_c]
    exploit = bad[jobs_c]
    wage = BASE_WAGE[employer_sector[jobs_e]] * rng.normal(1.0, 0.15, len(jobs_w))
    wage = np.round(np.where(exploit, wage * 0.68, wage), -1)
    advance = np.where(
        exploit, wage * rng.uniform(120, 360, len(jobs_w)), wage * rng.uniform(3, 50, len(jobs_w))
    )
    advance = np.where(rng.random(len(jobs_w)) < np.where(exploit, 0.1, 0.5), np.nan, advance)
    start = DAY0 + rng.integers(0, 3500, len(jobs_w)).astype("timedelta64[D]")
    direct = rng.random(len(jobs_w)) < 0.1
    employments = typed(
        pd.DataFrame(
            {
                "worker_id": worker_ids[jobs_w],
                "employer_id": eid.to_numpy()[jobs_e],
                "contractor_id": np.where(direct, None, cid.to_numpy()[jobs_c]),
                "district_code": employer_district[jobs_e],
                "start_on": start,
                "end_on": start + rng.integers(30, 200, len(jobs_w)).astype("timedelta64[D]"),
                "daily_wage_inr": wage,
                "advance_inr": np.round(advance, -2),
            }
        ),
        {
            name: kind
            for name, kind in edge_columns(EMPLOYED_BY).items()
            if name
            in (
                "worker_id",
                "employer_id",
                "contractor_id",
                "district_code",
                "start_on",
                "end_on",
                "daily_wage_inr",
                "advance_inr",
            )
        },
    )

    # moves: seven per worker, 40% naming the recruiter, 70% of those the employer too
    mv_w = np.repeat(np.arange(workers), 7)
    names = rng.random(len(mv_w)) < 0.4
    mv_c = recruiter_of[mv_w]
    moves = typed(
        pd.DataFrame(
            {
                "worker_id": worker_ids[mv_w],
                "to_district_code": rng.integers(1, 641, len(mv_w)),
                "contractor_id": np.where(names, cid.to_numpy()[mv_c], None),
                "employer_id": np.where(
                    names & (rng.random(len(mv_w)) < 0.7),
                    eid.to_numpy()[top_employer[mv_c]],
                    None,
                ),
                "departed_on": DAY0 + rng.integers(0, 3500, len(mv_w)).astype("timedelta64[D]"),
            }
        ),
        {
            name: kind
            for name, kind in edge_columns(MOVED).items()
            if name
            in ("worker_id", "to_district_code", "contractor_id", "employer_id", "departed_on")
        },
    )

    # grievances: a third of the workers of bad recruiters, 2% of the others
    complains = rng.random(workers) < np.where(bad[recruiter_of], 0.33, 0.02)
    g_w = np.flatnonzero(complains)
    against_employer = rng.random(len(g_w)) < 0.1
    grievances = typed(
        pd.DataFrame(
            {
                "worker_id": worker_ids[g_w],
                "against_kind": np.where(against_employer, "employer", "contractor"),
                "against_id": np.where(
                    against_employer,
                    eid.to_numpy()[top_employer[recruiter_of[g_w]]],
                    cid.to_numpy()[recruiter_of[g_w]],
                ),
                "record_id": pd.Series(np.arange(len(g_w))).map("GR{:08d}".format),
                "indicator": rng.choice(np.array(INDICATORS), len(g_w)),
                "occurred_on": DAY0 + rng.integers(0, 3500, len(g_w)).astype("timedelta64[D]"),
                "reported_on": DAY0 + rng.integers(3500, 3600, len(g_w)).astype("timedelta64[D]"),
                "status": rng.choice(np.array(["open", "referred", "resolved"]), len(g_w)),
            }
        ),
        edge_columns(COMPLAINED_AGAINST),
    )
    records = SupplyRecords(
        contractors=contractor_table,
        employers=employers,
        links=links,
        employments=employments,
        moves=moves,
        grievances=grievances,
    )
    truth = pd.Series(bad, index=cid.to_numpy(), name="exploitative")
    return records, truth


def _largest_piece(graph) -> int:
    import networkx as nx

    return max((len(piece) for piece in nx.connected_components(graph)), default=0)


def timed(label: str, timings: dict[str, float], fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    timings[label] = time.perf_counter() - started
    print(f"{label}: {timings[label]:.1f} s", file=sys.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contractors", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-report", action="store_true", help="do not write benchmarks.md")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    records, truth = make_records(args.contractors, args.workers, args.seed)
    made = time.perf_counter() - started
    sizes = {
        "contractor links": len(records.links),
        "employments": len(records.employments),
        "moves": len(records.moves),
        "grievances": len(records.grievances),
    }
    print(f"made records in {made:.1f} s: {sizes}", file=sys.stderr)

    timings: dict[str, float] = {}
    coded = timed("ids to codes (encode_ids)", timings, encode_ids, records)
    placed = timed("placements", timings, placements, coded.employments, coded.moves)
    risk = timed("contractor risk", timings, contractor_risk, coded, placed)
    chains, errors = timed(
        "chains", timings, contractor_chains, coded.links, placed, MAX_DEPTH, coded.names
    )
    chains = timed("chain risk from members", timings, chain_risk, chains, risk)
    graph = timed("network graph", timings, contractor_network, coded, risk, placed)
    roles = timed("communities and brokers", timings, network_roles, graph)
    total = sum(timings.values())
    share = graph.graph["betweenness_sources_share"]
    largest = _largest_piece(graph)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    quality = flag_quality(
        risk, truth.rename_axis("contractor_id").reset_index(name="exploitative")
    )
    verdict = "met" if total <= TARGET_SECONDS else "MISSED"
    body = "\n".join(
        [
            f"Records: {args.contractors:,} contractors, {args.workers:,} workers, "
            + ", ".join(f"{n:,} {name}" for name, n in sizes.items())
            + f" (made in memory in {made:.1f} s, not counted).",
            "",
            "| step | seconds |",
            "| --- | ---: |",
            *(f"| {label} | {seconds:.1f} |" for label, seconds in timings.items()),
            f"| **total** | **{total:.1f}** |",
            "",
            "`lmt contractors` runs the first three steps (and the last two with `--graphml` or "
            "`--plot`), `lmt chains` the first five.",
            "",
            f"Target: at most {TARGET_SECONDS:.0f} s for the whole analysis: **{verdict}**. "
            f"Peak memory of the process: {peak_mb:,.0f} MB.",
            f"Found {len(chains):,} chains, {len(errors):,} data errors, "
            f"{int(risk['flagged'].sum()):,} contractors flagged, "
            f"{int(roles['broker'].sum()):,} brokers in "
            f"{roles['community'].nunique():,} communities.",
            f"Betweenness: estimated from sampled sources, {share:.3%} of the nodes of each "
            f"network piece (at least {MIN_SOURCES}), to stay within "
            f"{BETWEENNESS_WORK:,} node and edge visits; the largest piece has "
            f"{largest:,} nodes. Exact on networks like the sample's.",
            f"On these planted records (bad recruiters pay 32% less and give large advances): "
            f"precision {quality.precision:.3f}, recall {quality.recall:.3f}, "
            f"AUC {quality.auc:.3f}. Not a quality measure: see tests/test_contractor_quality.py.",
            "",
            "Times are for the analytics on tables in memory; reading the tables from the "
            "store comes on top and is the store's own benchmark.",
        ]
    )
    print(body)
    if not args.no_report:
        command = "python -m bench.bench_contractors"
        if (args.contractors, args.workers) != (50_000, 1_000_000):
            command += f" --contractors {args.contractors} --workers {args.workers}"
        write_section("contractors", "Contractor risk, chains and network", command, body)
    return 0 if total <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
