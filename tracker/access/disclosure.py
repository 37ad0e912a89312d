"""Disclosure control for what researchers and advocacy staff get.

A birth year together with a home district and a gender can single a person out; a count
of two workers on a corridor can too. Birth years are therefore shown in 5-year bands, and
counts of fewer than ``SUPPRESS_BELOW`` workers are suppressed (shown as None with a flag).
Totals over a suppressed list add up only what is shown, so that a suppressed count cannot
be recovered by subtraction.

What researchers see of each worker's profile is k-anonymous: ``k_anonymous_levels``
releases each worker's quasi-identifiers at the finest of ``QUASI_LEVELS`` at which at
least ``SUPPRESS_BELOW`` workers are shown alike (docs/privacy.md has the measured shares).
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from graph_schema.disclosure import ANSWERS, TABLES, Kind
from tracker.access.roles import Role

SUPPRESS_BELOW = 5
BAND_YEARS = 5


def birth_band(year: int | None) -> str | None:
    """``1987`` -> ``"1985-1989"`` (bands start at multiples of 5)."""
    if year is None:
        return None
    start = int(year) - int(year) % BAND_YEARS
    return f"{start}-{start + BAND_YEARS - 1}"


def suppressed(count: int | None) -> int | None:
    """The count, or None when it is below ``SUPPRESS_BELOW`` (but not zero: none is none)."""
    if count is None or 0 < count < SUPPRESS_BELOW:
        return None
    return int(count)


DECADE_YEARS = 10

QUASI_LEVELS: tuple[tuple[str, ...], ...] = (
    ("gender", "birth_years", "home_district_code", "centre_kind", "registered_in"),
    ("gender", "birth_years", "home_district_code"),
    ("gender", "birth_decade", "home_state"),
    ("gender", "home_state"),
    (),
)
"""What a researcher may see of a worker's profile, finest first. ``registered_in`` is the
registration year (never the day or the centre: on the 100,000-worker synthetic batch the
exact date and centre single out 99.99% of workers, the month still 98%), ``centre_kind``
the kind of centre (source, destination, transit, helpline). Each worker is shown at the
first level at which at least ``SUPPRESS_BELOW`` workers are *shown* with the same values
(``k_anonymous_levels``); the figures are in docs/privacy.md."""


def birth_decade(year: int | None) -> str | None:
    """``1987`` -> ``"1980-1989"``."""
    if year is None:
        return None
    start = int(year) - int(year) % DECADE_YEARS
    return f"{start}-{start + DECADE_YEARS - 1}"


def k_anonymous_levels(table: pd.DataFrame, k: int = SUPPRESS_BELOW) -> np.ndarray:
    """Each row's level in ``QUASI_LEVELS``: local recoding to k-anonymity.

    ``table`` holds every column ``QUASI_LEVELS`` names, one row per worker. Every row
    starts at level 0; a row whose class (the rows shown at the same level with the same
    values) has fewer than ``k`` rows moves one level coarser, and again, until every class
    has ``k`` rows or its rows reach the last level, where nothing is shown. Counting only
    the rows shown at the same level is the cautious count: a row shown coarser also
    matches, so an attacker's candidates are never fewer. Rows that move leave smaller
    classes behind, so the passes repeat until nothing moves (each row moves at most
    ``len(QUASI_LEVELS) - 1`` times)."""
    n = len(table)
    codes = level_codes(table)
    level = np.zeros(n, dtype=np.int64)
    last = len(QUASI_LEVELS) - 1
    while n:
        sizes = class_sizes(codes, level)
        moving = (sizes < k) & (level < last)
        if not moving.any():
            break
        level[moving] += 1
    return level


def level_codes(table: pd.DataFrame) -> np.ndarray:
    """For each level of ``QUASI_LEVELS`` (rows) and each worker (columns), the number of
    the worker's class: the workers with the same values of that level's columns."""
    return np.stack([_class_codes(table, columns) for columns in QUASI_LEVELS])


def class_sizes(codes: np.ndarray, level: np.ndarray) -> np.ndarray:
    """How many rows are shown at each row's level with the row's values."""
    key = level * (codes.max(initial=0) + 1) + codes[level, np.arange(len(level))]
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse]


def _class_codes(table: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    if not columns:
        return np.zeros(len(table), dtype=np.int64)
    return table.groupby(list(columns), dropna=False, sort=False).ngroup().to_numpy(np.int64)


# -- the one disclosure step ----------------------------------------------------------------


class DisclosureError(RuntimeError):
    """An answer that cannot leave: a column or field with no declaration, or free text
    not generated for the role. Fails closed: nothing is sent."""


@dataclass(frozen=True)
class CountWords:
    """How counts of people are written in free text for a role: exactly, or with counts
    below ``SUPPRESS_BELOW`` written "fewer than 5" (``banded``)."""

    name: str
    banded: bool

    def number(self, count: int) -> str:
        """``3`` -> ``"3"``, or ``"<5"`` when banded."""
        count = int(count)
        return f"<{SUPPRESS_BELOW}" if self.banded and suppressed(count) is None else str(count)

    def people(self, count: int, one: str, many: str | None = None) -> str:
        """``3, "worker"`` -> ``"3 workers"``, or ``"fewer than 5 workers"`` when banded."""
        count = int(count)
        plural = many or one + "s"
        if self.banded and suppressed(count) is None:
            return f"fewer than {SUPPRESS_BELOW} {plural}"
        return f"1 {one}" if count == 1 else f"{count} {plural}"


EXACT = CountWords("exact", banded=False)
BANDED = CountWords("banded", banded=True)


def count_words(role: Role | None) -> CountWords:
    """The words a role's free text is written in (None: no key, the strictest)."""
    return EXACT if role is not None and not role.suppressed else BANDED


Pseudonymise = Callable[[str], str]


@dataclass
class _Rules:
    role: Role | None
    pseudonym: Pseudonymise | None
    hidden_cells: int = 0
    hidden_rows: int = 0

    @property
    def identities(self) -> bool:
        return self.role is not None and self.role.sees_identities

    @property
    def suppress(self) -> bool:
        return self.role is None or self.role.suppressed

    def count(self, value: Any) -> Any:
        if not self.suppress or value is None:
            return value
        if isinstance(value, list):
            return [self.count(v) for v in value]
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer):
            raise DisclosureError(f"a count of people that is not a number: {value!r}")
        if value != value:  # NaN: nothing to show
            return None
        kept = suppressed(int(value))
        self.hidden_cells += kept is None
        return kept

    def person(self, value: Any) -> Any:
        """A raw worker, person or household id of a table."""
        if value is None or self.identities:
            return value
        if self.role is not None and self.role.pseudonymised and self.pseudonym is not None:
            return self.pseudonym(str(value))
        return None


def _rules_change_nothing(role: Role | None) -> bool:
    return role is not None and role.sees_identities and not role.suppressed


SHOWN_AS = {"worker_id": "worker", "person_id": "person"}
"""Id columns of tables as researchers see them: the project's pseudonym under this name."""


def disclose_table(
    frame: pd.DataFrame, table: str, role: Role | None, pseudonym: Pseudonymise | None = None
) -> tuple[pd.DataFrame, int]:
    """``frame`` (a table declared in ``graph_schema.disclosure.TABLES``) as ``role`` may
    see it, and how many rows had a count suppressed. Identifying columns go, ids become
    pseudonyms (researchers, renamed by ``SHOWN_AS``) or go, counts of people below 5
    become None for the roles that get them suppressed; free text must have been written
    for the role (``frame.attrs["count_words"]``). A column with no declaration is an
    error."""
    kinds = _table_kinds(table, [str(c) for c in frame.columns])
    texts = [c for c, k in kinds.items() if k is Kind.PEOPLE_TEXT]
    if texts:
        _check_words(frame.attrs.get("count_words"), role, f"{table}: {', '.join(texts)}")
    if _rules_change_nothing(role):
        return frame, 0
    rules = _Rules(role, pseudonym)
    out = frame.copy()
    small = np.zeros(len(out), dtype=bool)
    for column, kind in kinds.items():
        if kind is Kind.IDENTIFYING or (kind is Kind.PERSON_ID and not _shows_pseudonyms(rules)):
            out = out.drop(columns=column)
        elif kind is Kind.PERSON_ID:
            values = [rules.person(v) if v == v else None for v in out[column].astype(object)]
            out = out.drop(columns=column)
            out[SHOWN_AS.get(column, column)] = values
        elif kind is Kind.PEOPLE and rules.suppress:
            if any(isinstance(v, list) for v in out[column]):  # a list of counts per row
                before = rules.hidden_cells
                lists = [rules.count(v) for v in out[column]]
                small |= rules.hidden_cells > before
                out[column] = lists
                continue
            numbers = pd.to_numeric(out[column], errors="coerce").to_numpy(dtype=float)
            hide = (numbers > 0) & (numbers < SUPPRESS_BELOW)
            small |= hide
            shown = out[column].astype(object).where(~hide & out[column].notna(), None)
            out[column] = shown
    order = [SHOWN_AS.get(str(c), str(c)) if kinds[str(c)] is Kind.PERSON_ID else str(c)
             for c in frame.columns]  # fmt: skip
    out = out[[c for c in order if c in out.columns]]
    out.attrs = dict(frame.attrs)
    return out, int(small.sum())


def _shows_pseudonyms(rules: _Rules) -> bool:
    return rules.role is not None and rules.role.pseudonymised and rules.pseudonym is not None


def _table_kinds(table: str, columns: list[str]) -> dict[str, Kind]:
    declared = TABLES.get(table)
    if declared is None:
        raise DisclosureError(f"table {table!r} has no disclosure declaration")
    missing = [c for c in columns if c not in declared]
    if missing:
        raise DisclosureError(f"{table}: columns with no disclosure declaration: {missing}")
    return {c: declared[c] for c in columns}


def _check_words(written: object, role: Role | None, where: str) -> None:
    wanted = count_words(role).name
    if written != wanted:
        raise DisclosureError(
            f"{where}: free text written with {written or 'unknown'} counts, the role "
            f"needs {wanted} (write it for the role, with tracker.access.disclosure.CountWords)"
        )


ROWS_TABLES: dict[tuple[str, str], str] = {
    ("CohortPage", "items"): "journeys",
    ("CohortPage", "summary"): "journeys_summary",
    ("Typology", "items"): "journeys",
}
"""Which table the rows of a ``ROWS`` field are (``AnalyticsPage``: its ``name``)."""


def disclose(
    answer: Any, role: Role | None, pseudonym: Pseudonymise | None = None
) -> tuple[Any, int]:
    """An API answer (a pydantic model declared in ``graph_schema.disclosure.ANSWERS``,
    or a list of them) as ``role`` may see it, and how many cells were suppressed: the
    one disclosure step every route's answer goes through (``api.disclosed``).

    Identifying fields become None for roles that do not see identities; ids made by
    ``shown_id`` are kept (pseudonyms already) for researchers and go for others; counts
    of people below 5 become None for the roles that get them suppressed; free text must
    have been written for the role (the answer's ``count_words``); rows of tables go
    through ``disclose_table``. Any field with no declaration is an error."""
    rules = _Rules(role, pseudonym)
    words = getattr(answer, "count_words", None)
    shown = _walk(answer, rules, words)
    return shown, rules.hidden_cells


def _walk(value: Any, rules: _Rules, words: object) -> Any:
    if isinstance(value, list):
        return [_walk(v, rules, words) for v in value]
    if value is None:
        return None
    if not isinstance(value, BaseModel):
        raise DisclosureError(f"an answer that is not a declared model: {type(value).__name__}")
    model = type(value).__name__.split("[")[0]  # Page[WorkerHit]: Page
    declared = ANSWERS.get(model)
    if declared is None:
        raise DisclosureError(f"answer model {model} has no disclosure declaration")
    fields = type(value).model_fields
    if "count_words" in fields:
        words = value.count_words  # type: ignore[attr-defined]
    update: dict[str, Any] = {}
    rows_hidden = 0
    for name in fields:
        kind = declared.get(name)
        if kind is None:
            raise DisclosureError(f"{model}.{name} has no disclosure declaration")
        field = getattr(value, name)
        if field is None:
            continue
        if kind is Kind.NESTED:
            update[name] = _walk(field, rules, words)
        elif kind is Kind.ROWS:
            table = ROWS_TABLES.get((model, name)) or str(getattr(value, "name", ""))
            rows = field if isinstance(field, list) else [field]
            frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
            frame.attrs["count_words"] = words
            if rows:
                _table_kinds(table, [str(c) for c in frame.columns])  # undeclared: error
            if rows and not _rules_change_nothing(rules.role):
                frame, hidden = disclose_table(frame, table, rules.role, rules.pseudonym)
                rows_hidden += hidden
                records = _plain(frame)
                update[name] = records if isinstance(field, list) else records[0]
                if "columns" in fields:
                    update["columns"] = [str(c) for c in frame.columns]
        elif kind is Kind.PEOPLE:
            update[name] = rules.count(field)
        elif kind is Kind.PEOPLE_TEXT:
            if field:
                _check_words(words, rules.role, f"{model}.{name}")
        elif kind is Kind.IDENTIFYING:
            if not rules.identities:
                update[name] = None
        elif kind is Kind.SHOWN_ID:
            if rules.role is None or not rules.role.sees_workers:
                update[name] = None
        elif kind is Kind.PERSON_ID:
            update[name] = rules.person(field)
    if rows_hidden and "suppressed_rows" in fields:
        update["suppressed_rows"] = value.suppressed_rows + rows_hidden  # type: ignore[attr-defined]
    rules.hidden_rows += rows_hidden
    changed = {k: v for k, v in update.items() if v is not getattr(value, k)}
    return value.model_copy(update=changed) if changed else value


def _plain(frame: pd.DataFrame) -> list[dict[str, Any]]:
    from tracker.store import plain_records

    return plain_records(frame)


@functools.cache
def passes_as_is(model: type[BaseModel], role: Role | None) -> bool:
    """Whether every answer of ``model`` leaves unchanged for ``role``: the model and every
    model its fields hold are declared, and no field is of a kind the role's rules change.
    Raises ``DisclosureError`` for an undeclared one. For answers made as bytes (the
    timeline, ``api.worker_reads``), judged once per model and role."""
    rules = _Rules(role, None)
    kept = {Kind.VALUE, Kind.QUASI, Kind.SHARE, Kind.NESTED}
    if rules.identities:
        kept |= {Kind.IDENTIFYING, Kind.PERSON_ID}
    if role is not None and role.sees_workers:
        kept.add(Kind.SHOWN_ID)
    if not rules.suppress:
        kept |= {Kind.PEOPLE, Kind.PEOPLE_TEXT}
    name = model.__name__.split("[")[0]
    declared = ANSWERS.get(name)
    if declared is None:
        raise DisclosureError(f"answer model {name} has no disclosure declaration")
    result = True
    for name, field in model.model_fields.items():
        kind = declared.get(name)
        if kind is None:
            raise DisclosureError(f"{model.__name__}.{name} has no disclosure declaration")
        result &= kind in kept
        for inner in _models_in(field.annotation):
            result &= passes_as_is(inner, role)
    return result


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
