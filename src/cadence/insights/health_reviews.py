"""Review completion for programme health: per phase, per department and
per manager, time to complete, review quality and the trend across cycles.
Every number is over the live (not cancelled) assignments about the people
in view (`People`), grouped in SQL; each function runs a fixed number of
queries whatever the size of the organisation.

- Completion: submitted / live assignments.
- On time: submitted on or before the phase's due date (in the site's time
  zone) / live assignments; None when the phase has no deadline.
- Phases: self review (self), peer and upward review (peer, upward),
  manager review (manager) — reviews.selectors_cycles.PHASE_ASSIGNMENT_KINDS.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Case, CharField, Count, Func, Q, QuerySet, Value, When
from django.db.models.functions import Left, Length, LTrim, Trim
from django.utils import timezone

from cadence.insights.health_filters import People
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    Cycle,
    CyclePhase,
    PhaseKind,
    Question,
    QuestionKind,
    ReviewAssignment,
    ReviewerKind,
)
from cadence.reviews.selectors_cycles import LIVE, PHASE_ASSIGNMENT_KINDS, SUBMITTED

# The phases with reviews of their own, in the order they run.
PHASES: tuple[tuple[str, str], ...] = (
    (PhaseKind.SELF_REVIEW, "Self review"),
    (PhaseKind.PEER_REVIEW, "Peer and upward review"),
    (PhaseKind.MANAGER_REVIEW, "Manager review"),
)
PHASE_OF_KIND: dict[str, str] = {
    kind: phase for phase, kinds in PHASE_ASSIGNMENT_KINDS.items() for kind in kinds
}
TREND_CYCLES = 8
# A first character that may begin a whitespace-only answer: everything
# `str.isspace` accepts (what `\s` matches in Python, a superset of the
# databases' `\s`) and a few characters some C libraries count as space.
WHITESPACE: tuple[str, ...] = tuple(
    sorted({c for c in map(chr, range(0x3001)) if c.isspace()} | {"\u180e", "\u200b", "\ufeff"})
)


def _phase_expression() -> Case:
    """The phase of an assignment, from its kind (an SQL CASE)."""
    return Case(
        *[
            When(kind__in=list(kinds), then=Value(str(phase)))
            for phase, kinds in PHASE_ASSIGNMENT_KINDS.items()
        ],
        default=Value(""),
    )


def deadline(due_on: dt.date) -> dt.datetime:
    """The first moment after the due date, in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(due_on + dt.timedelta(days=1), dt.time.min))


def on_time_q(phases: Iterable[CyclePhase]) -> Q | None:
    """Submitted on or before their phase's due date, for these phases
    (of one or several cycles); None when no phase has a deadline."""
    condition: Q | None = None
    for phase in phases:
        kinds = PHASE_ASSIGNMENT_KINDS.get(phase.kind)
        if not kinds:
            continue
        term = Q(
            cycle_id=phase.cycle_id, kind__in=list(kinds), submitted_at__lt=deadline(phase.due_on)
        )
        condition = term if condition is None else condition | term
    return None if condition is None else condition & SUBMITTED


@dataclass(frozen=True)
class Rates:
    """Reviews about `people` reviewees: live, submitted, submitted on time
    (None: no deadline)."""

    people: int
    assigned: int
    submitted: int
    on_time: int | None

    @property
    def completion(self) -> float | None:
        return 100 * self.submitted / self.assigned if self.assigned else None

    @property
    def on_time_rate(self) -> float | None:
        if self.on_time is None or not self.assigned:
            return None
        return 100 * self.on_time / self.assigned


NO_RATES = Rates(0, 0, 0, None)


def live_assignments(cycle: Cycle | Sequence[int], people: People) -> QuerySet[ReviewAssignment]:
    """Live assignments about the people in view, in a cycle or cycles."""
    cycles = Q(cycle_id=cycle.pk) if isinstance(cycle, Cycle) else Q(cycle_id__in=list(cycle))
    return ReviewAssignment.objects.filter(cycles, LIVE).filter(people.q("reviewee__")).order_by()


def _counts(on_time: Q | None) -> dict[str, Count]:
    counts = {
        "assigned": Count("pk"),
        "submitted": Count("pk", filter=SUBMITTED),
        "people": Count("reviewee_id", distinct=True),
    }
    if on_time is not None:
        counts["on_time"] = Count("pk", filter=on_time)
    return counts


def _rates(row: Mapping[str, Any], deadline_set: bool) -> Rates:
    return Rates(
        people=int(row["people"]),
        assigned=int(row["assigned"]),
        submitted=int(row["submitted"]),
        on_time=int(row["on_time"]) if deadline_set else None,
    )


@dataclass(frozen=True)
class GroupRates:
    """One department or manager: its people and its rates per phase."""

    key: int | None
    label: str
    people: int
    phases: dict[str, Rates]


@dataclass(frozen=True)
class Completion:
    """The cycle's rates overall, per phase, per department and per manager."""

    overall: Rates
    by_phase: dict[str, Rates]
    departments: list[GroupRates]
    managers: list[GroupRates]


class _Tally:
    """Sums of counts, and of the people in groups that do not overlap."""

    def __init__(self) -> None:
        self.people = self.assigned = self.submitted = self.on_time = 0

    def add(self, row: Mapping[str, Any], people: bool = True) -> None:
        if people:
            self.people += int(row["people"])
        self.assigned += int(row["assigned"])
        self.submitted += int(row["submitted"])
        self.on_time += int(row.get("on_time") or 0)

    def rates(self, deadline_set: bool, people: int | None = None) -> Rates:
        return Rates(
            people=self.people if people is None else people,
            assigned=self.assigned,
            submitted=self.submitted,
            on_time=self.on_time if deadline_set else None,
        )


def _sorted(groups: list[GroupRates]) -> list[GroupRates]:
    return sorted(groups, key=lambda g: (g.key is None, g.label.lower(), g.key or 0))


def completion(cycle: Cycle, people: People, phases: Sequence[CyclePhase]) -> Completion:
    """Rates overall, per phase and per department and manager of the
    reviewee, with per-phase rates for each group (two queries). Both
    queries group by the reviewee's department and manager: a reviewee is in
    exactly one such group, so the people counted in each (distinct
    reviewees) add up to the people of any coarser grouping; the second
    query counts people over all phases, the first per phase."""
    on_time = on_time_q(phases)
    due = {p.kind for p in phases if p.kind in PHASE_ASSIGNMENT_KINDS}
    assignments = live_assignments(cycle, people)
    dept, manager = "reviewee__department_id", "reviewee__manager_id"
    labels: dict[str, dict[int | None, str]] = {"departments": {}, "managers": {}}
    sizes: dict[str, dict[int | None, int]] = {
        "departments": defaultdict(int),
        "managers": defaultdict(int),
    }
    total_people = 0
    for row in assignments.values(
        dept,
        "reviewee__department__name",
        manager,
        "reviewee__manager__first_name",
        "reviewee__manager__last_name",
    ).annotate(people=Count("reviewee_id", distinct=True)):
        names = (row["reviewee__manager__first_name"], row["reviewee__manager__last_name"])
        labels["departments"][row[dept]] = row["reviewee__department__name"] or ""
        labels["managers"][row[manager]] = " ".join(str(n) for n in names if n)
        sizes["departments"][row[dept]] += row["people"]
        sizes["managers"][row[manager]] += row["people"]
        total_people += row["people"]
    whole = _Tally()
    per_phase: dict[str, _Tally] = defaultdict(_Tally)
    per_group: dict[str, dict[tuple[int | None, str], _Tally]] = {
        "departments": defaultdict(_Tally),
        "managers": defaultdict(_Tally),
    }
    for row in (
        assignments.annotate(phase=_phase_expression())
        .values(dept, manager, "phase")
        .annotate(**_counts(on_time))
    ):
        phase = str(row["phase"])
        whole.add(row, people=False)
        per_phase[phase].add(row)
        per_group["departments"][row[dept], phase].add(row)
        per_group["managers"][row[manager], phase].add(row)

    def groups(kind: str) -> list[GroupRates]:
        rates: dict[int | None, dict[str, Rates]] = defaultdict(dict)
        for (key, phase), tally in per_group[kind].items():
            rates[key][phase] = tally.rates(phase in due)
        return _sorted(
            [
                GroupRates(key, label, sizes[kind][key], rates.get(key, {}))
                for key, label in labels[kind].items()
            ]
        )

    return Completion(
        overall=whole.rates(on_time is not None, people=total_people),
        by_phase={phase: tally.rates(phase in due) for phase, tally in per_phase.items()},
        departments=groups("departments"),
        managers=groups("managers"),
    )


@dataclass(frozen=True)
class TimeToComplete:
    phase: str
    label: str
    starts_on: dt.date | None
    people: int
    submitted: int
    median_days: float | None


def phase_starts(cycle: Cycle, phases: Sequence[CyclePhase]) -> dict[str, dt.date | None]:
    """When each phase opened: its own opening date, else the launch."""
    launched = timezone.localdate(cycle.launched_at) if cycle.launched_at else None
    by_kind = {p.kind: p for p in phases}
    return {
        phase: (by_kind[phase].opens_on if phase in by_kind else None) or launched
        for phase, _ in PHASES
    }


class UtcQuarterHour(Func):
    """The UTC quarter of an hour a datetime falls in, as text
    "YYYY-MM-DD HH q" (q: 0 to 3), in native SQL. Every time zone's offset
    is a whole number of quarter hours, so all of a quarter falls on the
    same local day: grouping by it and converting each group in Python
    gives each row's local date without a conversion per row (SQLite's
    TruncDate runs Python for every row)."""

    arity = 1
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "SUBSTR(%(expressions)s, 1, 13) || ' ' || "
            "(CAST(SUBSTR(%(expressions)s, 15, 2) AS INTEGER) / 15)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "TO_CHAR(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24') || ' ' || "
            "(EXTRACT(MINUTE FROM %(expressions)s AT TIME ZONE 'UTC')::int / 15)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def local_day(quarter: str) -> dt.date:
    """The local date of a `UtcQuarterHour` value."""
    hour, q = quarter.replace("T", " ").rsplit(" ", 1)
    start = dt.datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=dt.UTC)
    return timezone.localdate(start + dt.timedelta(minutes=15 * int(q)))


def _weighted_median(counts: Mapping[int, int]) -> float | None:
    """The median of values given as {value: how many times it occurs}."""
    total = sum(counts.values())
    if not total:
        return None
    ordered = sorted(counts.items())

    def nth(index: int) -> int:  # the index-th value (from 0) in sorted order
        seen = 0
        for value, n in ordered:
            seen += n
            if index < seen:
                return value
        raise IndexError(index)

    middle = total // 2
    if total % 2:
        return float(nth(middle))
    return (nth(middle - 1) + nth(middle)) / 2


def time_to_complete(
    cycle: Cycle, people: People, phases: Sequence[CyclePhase]
) -> list[TimeToComplete]:
    """Median days from a phase's opening to each submission (two queries:
    submissions counted per phase and UTC quarter hour, and the reviewees
    per phase; the local days and the median are worked out here)."""
    starts = phase_starts(cycle, phases)
    submitted = (
        live_assignments(cycle, people)
        .filter(SUBMITTED, submitted_at__isnull=False)
        .annotate(phase=_phase_expression())
    )
    days: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    local: dict[str, dt.date] = {}
    for row in (
        submitted.annotate(quarter=UtcQuarterHour("submitted_at"))
        .values("phase", "quarter")
        .annotate(n=Count("pk"))
    ):
        phase, quarter = str(row["phase"]), str(row["quarter"])
        start = starts.get(phase)
        if start is not None:
            if quarter not in local:
                local[quarter] = local_day(quarter)
            days[phase][max(0, (local[quarter] - start).days)] += row["n"]
    reviewees = {
        str(r["phase"]): int(r["people"])
        for r in submitted.values("phase").annotate(people=Count("reviewee_id", distinct=True))
    }
    return [
        TimeToComplete(
            phase,
            label,
            starts[phase],
            reviewees.get(phase, 0),
            sum(days[phase].values()) if starts[phase] else 0,
            _weighted_median(days[phase]),
        )
        for phase, label in PHASES
    ]


@dataclass(frozen=True)
class Quality:
    kind: str
    label: str
    people: int
    answers: int
    empty: int
    mean_length: float | None

    @property
    def empty_share(self) -> float | None:
        return 100 * self.empty / self.answers if self.answers else None


def review_quality(cycle: Cycle, people: People) -> list[Quality]:
    """Text answers in submitted reviews, per kind of review: how many, how
    many empty (blank or only spaces), and the mean length in characters of
    the non-empty ones (one query)."""
    length = Length(Trim("text"))
    # Empty: blank or only whitespace (the regex). The regex is costly per
    # row on SQLite, so it only runs on answers whose first character after
    # any spaces is a whitespace character; an answer that is only spaces
    # has none and is empty; any other first character makes it non-empty.
    empty = Q(_first="") | (Q(_first__in=WHITESPACE) & Q(text__regex=r"^\s*$"))
    rows = {
        r["assignment__kind"]: r
        for r in Answer.objects.filter(
            assignment__cycle_id=cycle.pk,
            assignment__status=AssignmentStatus.SUBMITTED,
            question_id__in=Question.objects.filter(kind=QuestionKind.TEXT).values("pk"),
        )
        .filter(people.q("assignment__reviewee__"))
        .order_by()
        .alias(_first=Left(LTrim("text"), 1))
        .values("assignment__kind")
        .annotate(
            answers=Count("pk"),
            empty=Count("pk", filter=empty),
            mean_length=Avg(length, filter=~empty),
            people=Count("assignment__reviewee_id", distinct=True),
        )
    }
    return [
        Quality(
            kind,
            str(label).split(" (")[0],
            rows[kind]["people"],
            rows[kind]["answers"],
            rows[kind]["empty"],
            float(rows[kind]["mean_length"]) if rows[kind]["mean_length"] is not None else None,
        )
        for kind, label in ReviewerKind.choices
        if kind in rows
    ]


@dataclass(frozen=True)
class TrendPoint:
    cycle: Cycle
    rates: Rates


def trend(
    cycles: Sequence[Cycle], people: People, known: Mapping[int, Rates] | None = None
) -> list[TrendPoint]:
    """Completion and on-time rates of each of `cycles`, oldest first (two
    queries: the phases, then one grouped count). `known`: rates already
    worked out by cycle id (the chosen cycle's overall), not counted again."""
    known = {pk: rates for pk, rates in (known or {}).items() if rates.assigned}
    ids = [c.pk for c in cycles if c.pk not in known]
    phases = list(CyclePhase.objects.filter(cycle_id__in=ids).order_by())
    on_time = on_time_q(phases)
    with_deadline = {p.cycle_id for p in phases if p.kind in PHASE_ASSIGNMENT_KINDS}
    rows = {
        r["cycle_id"]: r
        for r in live_assignments(ids, people).values("cycle_id").annotate(**_counts(on_time))
    }
    found = {pk: _rates(row, pk in with_deadline) for pk, row in rows.items()}
    found.update(known)
    ordered = sorted(cycles, key=lambda c: (c.created_at, c.pk))
    return [TrendPoint(c, found.get(c.pk, NO_RATES)) for c in ordered]
