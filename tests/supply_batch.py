"""Tiny hand-made batches of contractors, employers, links, jobs and complaints.

A ``Batch`` collects rows the way a field team would report them and gives them either as
``SupplyRecords`` (the tables the store port returns, in ``tracker.tables`` form) for the
analytics tests, or as a folder of field-record CSV files for tests through ingestion and
the command line. ``Batch.with_market`` adds honest contractors so that a going rate for
wages exists to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analytics.supply_graph import EMPLOYMENT_COLUMNS, MOVE_COLUMNS, SupplyRecords
from graph_schema import COMPLAINED_AGAINST, EMPLOYED_BY, MOVED, SUPPLIES, Contractor, Employer
from tracker.tables import edge_columns, node_columns, typed

KILN = 364  # the district the test employers work in
HOME = 337


@dataclass
class Batch:
    contractors: list[dict] = field(default_factory=list)
    employers: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    employments: list[dict] = field(default_factory=list)
    moves: list[dict] = field(default_factory=list)
    grievances: list[dict] = field(default_factory=list)

    # -- rows ------------------------------------------------------------------------------
    def contractor(
        self, contractor_id: str, *, licensed: bool = True, valid_until: str = "2030-12-31"
    ) -> Batch:
        self.contractors.append(
            {
                "contractor_id": contractor_id,
                "name": f"Contractor {contractor_id}",
                "base_district_code": HOME,
                "licence_no": f"ISMW/{contractor_id}" if licensed else None,
                "licence_valid_until": valid_until if licensed else None,
            }
        )
        return self

    def employer(self, employer_id: str, sector: str = "brick_kiln") -> Batch:
        self.employers.append(
            {
                "employer_id": employer_id,
                "name": f"Firm {employer_id}",
                "sector": sector,
                "district_code": KILN,
                "registered_principal_employer": True,
            }
        )
        return self

    def link(
        self,
        contractor_id: str,
        supplies_to: str,
        *,
        kind: str = "employer",
        start: str | None = "2018-01-01",
        end: str | None = None,
    ) -> Batch:
        self.links.append(
            {
                "link_id": f"L{len(self.links) + 1:04d}",
                "contractor_id": contractor_id,
                "supplies_to_kind": kind,
                "supplies_to_id": supplies_to,
                "from_date": start,
                "to_date": end,
            }
        )
        return self

    def hire(
        self,
        contractor_id: str | None,
        employer_id: str,
        workers: list[str],
        *,
        start: str = "2022-10-01",
        wage: float = 400.0,
        advance_days: float | None = 20.0,
    ) -> Batch:
        """One employment per worker (and the move that took them there)."""
        for worker in workers:
            n = len(self.employments) + 1
            self.employments.append(
                {
                    "record_id": f"EM{n:05d}",
                    "worker_id": worker,
                    "employer_id": employer_id,
                    "contractor_id": contractor_id,
                    "district_code": KILN,
                    "start_on": start,
                    "end_on": None,
                    "daily_wage_inr": wage,
                    "advance_inr": None if advance_days is None else wage * advance_days,
                }
            )
            self.moves.append(
                {
                    "record_id": f"MV{n:05d}",
                    "worker_id": worker,
                    "from_district_code": HOME,
                    "to_district_code": KILN,
                    "departed_on": start,
                    "reason": "work",
                    "contractor_id": contractor_id,
                    "employer_id": employer_id,
                }
            )
        return self

    def complain(
        self,
        against_id: str,
        workers: list[str],
        indicator: str = "withholding_of_wages",
        *,
        status: str = "open",
        kind: str = "contractor",
        occurred_on: str = "2023-01-15",
    ) -> Batch:
        for worker in workers:
            self.grievances.append(
                {
                    "record_id": f"GR{len(self.grievances) + 1:05d}",
                    "worker_id": worker,
                    "against_kind": kind,
                    "against_id": against_id,
                    "indicator": indicator,
                    "occurred_on": occurred_on,
                    "reported_on": occurred_on,
                    "status": status,
                }
            )
        return self

    def with_market(self, employer_id: str = "E-MARKET", peers: int = 4) -> Batch:
        """Honest contractors paying 400 a day with small advances: the going rate."""
        self.employer(employer_id)
        for p in range(peers):
            cid = f"C-PEER{p}"
            self.contractor(cid).link(cid, employer_id)
            self.hire(cid, employer_id, workers(f"PEER{p}-", 5), wage=400.0)
        return self

    # -- outputs ---------------------------------------------------------------------------
    def records(self) -> SupplyRecords:
        contractors = typed(
            pd.DataFrame(self.contractors, columns=[*node_columns(Contractor)]),
            node_columns(Contractor),
        )
        contractors["base_district_code"] = pd.array(
            [row["base_district_code"] for row in self.contractors], dtype="Int64"
        )
        employers = typed(
            pd.DataFrame(self.employers, columns=[*node_columns(Employer)]),
            node_columns(Employer),
        )
        employers["district_code"] = pd.array(
            [row["district_code"] for row in self.employers], dtype="Int64"
        )
        employed = edge_columns(EMPLOYED_BY)
        moved = edge_columns(MOVED)
        return SupplyRecords(
            contractors=contractors,
            employers=employers,
            links=typed(_frame(self.links), edge_columns(SUPPLIES)),
            employments=typed(
                _frame(self.employments), {c: employed[c] for c in EMPLOYMENT_COLUMNS}
            ),
            moves=typed(_frame(self.moves), {c: moved[c] for c in MOVE_COLUMNS}),
            grievances=typed(_frame(self.grievances), edge_columns(COMPLAINED_AGAINST)),
        )

    def write(self, folder: Path) -> Path:
        """The batch as a folder of field-record CSV files (workers included)."""
        folder.mkdir(parents=True, exist_ok=True)
        people = sorted({r["worker_id"] for r in self.employments + self.moves + self.grievances})
        pd.DataFrame({"worker_id": people, "name": [f"Worker {w}" for w in people]}).to_csv(
            folder / "workers.csv", index=False
        )
        for name, rows in (
            ("contractors", self.contractors),
            ("employers", self.employers),
            ("contractor_links", self.links),
            ("employments", self.employments),
            ("moves", self.moves),
            ("grievances", self.grievances),
        ):
            frame = _frame(rows)
            if "advance_inr" in frame:
                frame["advance_inr"] = frame["advance_inr"].round()
            frame.to_csv(folder / f"{name}.csv", index=False)
        return folder


def workers(prefix: str, n: int) -> list[str]:
    return [f"W{prefix}{i:03d}" for i in range(n)]


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows).astype(object).where(pd.DataFrame(rows).notna(), None)
