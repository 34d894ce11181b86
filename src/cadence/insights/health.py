"""Programme health for a cycle, for whoever has an insight scope (HR
admin: everyone; HRBP and executive: their departments; a manager: their
reports at any depth). `programme_health` reads the numbers (a fixed number
of queries); `Health.tables()` turns them into the tables the page, its
exports, the API and the executive-summary PDF all show. A group with
fewer than `min_group_size()` people shows "not enough data" for its
numbers, everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from cadence.core.models import User
from cadence.insights.access import InsightScope, min_group_size
from cadence.insights.cycles import insight_cycles
from cadence.insights.health_activity import Activity, DepartmentActivity, activity
from cadence.insights.health_filters import People
from cadence.insights.health_reviews import (
    PHASES,
    TREND_CYCLES,
    GroupRates,
    Quality,
    Rates,
    TimeToComplete,
    TrendPoint,
    completion,
    review_quality,
    time_to_complete,
    trend,
)
from cadence.insights.report_cache import Kept, kept
from cadence.insights.tables import Chart, ChartKind, Series, Table, rounded, suppressed
from cadence.people.models import Department
from cadence.reviews.models import Cycle, CyclePhase

Row = list[Any]


@dataclass(frozen=True)
class Health:
    cycle: Cycle
    department: Department | None
    minimum: int
    phases: list[CyclePhase]
    overall: Rates
    by_phase: dict[str, Rates]
    departments: list[GroupRates]
    managers: list[GroupRates]
    time: list[TimeToComplete]
    quality: list[Quality]
    trend: list[TrendPoint]
    activity: Activity

    @property
    def completion_rate(self) -> float | None:
        """The cycle's overall completion (%), None when not enough people."""
        if self.overall.people < self.minimum:
            return None
        return rounded(self.overall.completion)

    @property
    def on_time_rate(self) -> float | None:
        if self.overall.people < self.minimum:
            return None
        return rounded(self.overall.on_time_rate)

    def tables(self) -> list[Table]:
        return [
            phase_table(self),
            group_table(self, self.departments, key="departments", title="By department"),
            group_table(
                self,
                self.managers,
                key="managers",
                title="By manager",
                note="Grouped by the reviewee's manager.",
            ),
            time_table(self),
            quality_table(self),
            trend_table(self),
            coverage_table(self),
            check_in_table(self),
            feedback_table(self),
            one_on_one_table(self),
        ]


def programme_health(
    user: User,
    scope: InsightScope,
    cycle: Cycle,
    *,
    department: Department | None = None,
    today: dt.date | None = None,
) -> Health:
    """Programme health of `cycle` over the people in `scope` (optionally one
    department and those below it)."""
    people = People(scope, department)
    today = today or timezone.localdate()
    phases = list(CyclePhase.objects.filter(cycle=cycle).order_by("due_on", "id"))
    recent = list(insight_cycles(user)[:TREND_CYCLES])
    if cycle.pk not in {c.pk for c in recent}:
        recent = [*recent[: TREND_CYCLES - 1], cycle]
    rates = completion(cycle, people, phases)
    return Health(
        cycle=cycle,
        department=department,
        minimum=min_group_size(),
        phases=phases,
        overall=rates.overall,
        by_phase=rates.by_phase,
        departments=rates.departments,
        managers=rates.managers,
        time=time_to_complete(cycle, people, phases),
        quality=review_quality(cycle, people),
        trend=trend(recent, people, known={cycle.pk: rates.overall}),
        activity=activity(cycle, people, today),
    )


def kept_programme_health(
    user: User,
    scope: InsightScope,
    cycle: Cycle,
    department: Department | None,
    *,
    refresh: bool = False,
) -> Kept[tuple[Health, list[Table]]]:
    """The cycle's programme health and its tables, kept a few minutes."""

    def compute() -> tuple[Health, list[Table]]:
        report = programme_health(user, scope, cycle, department=department)
        return report, report.tables()

    filters = (cycle.pk, department.pk if department else None)
    return kept("health", scope, filters, compute, refresh=refresh)


# --- tables ------------------------------------------------------------------------------


def _pct(value: float | None, people: int, minimum: int) -> Any:
    return suppressed(rounded(value), people, minimum)


def _chart_value(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _columns_chart(
    rows: Sequence[Row], columns: dict[str, int], *, y_title: str, kind: ChartKind = "bar"
) -> Chart:
    """A chart of some of the table's columns (series name → column index),
    one point per row, labelled by the row's first cell."""
    return Chart(
        kind,
        [r[0] for r in rows],
        [Series(name, [_chart_value(r[i]) for r in rows]) for name, i in columns.items()],
        y_title=y_title,
    )


def phase_table(health: Health) -> Table:
    due = {p.kind: p.due_on for p in health.phases}
    rows: list[Row] = []
    on_time: list[float | None] = []
    late: list[float | None] = []
    missing: list[float | None] = []
    labels: list[str] = []
    m = health.minimum
    for phase, label in PHASES:
        rates = health.by_phase.get(phase)
        if rates is None:
            continue
        enough = rates.people >= m
        rows.append(
            [
                label,
                due.get(phase),
                rates.people,
                suppressed(rates.assigned, rates.people, m),
                suppressed(rates.submitted, rates.people, m),
                _pct(rates.completion, rates.people, m),
                _pct(rates.on_time_rate, rates.people, m),
            ]
        )
        labels.append(label)
        timely = rates.on_time_rate if rates.on_time_rate is not None else None
        completion = rates.completion or 0.0
        on_time.append(rounded(timely) if enough and timely is not None else None)
        late.append(
            rounded(completion - (timely or 0.0)) if enough and timely is not None else None
        )
        missing.append(rounded(100 - completion) if enough else None)
    o = health.overall
    if rows:
        rows.append(
            [
                "All reviews",
                None,
                o.people,
                suppressed(o.assigned, o.people, m),
                suppressed(o.submitted, o.people, m),
                _pct(o.completion, o.people, m),
                _pct(o.on_time_rate, o.people, m),
            ]
        )
    return Table(
        key="phases",
        title="Completion and on-time rate per phase",
        header=["Phase", "Due", "People", "Reviews", "Submitted", "Completion (%)", "On time (%)"],
        rows=rows,
        note=(
            "Reviews about the people in view, cancelled ones left out. On time: submitted on "
            "or before the phase's due date, as a share of all its reviews."
        ),
        chart=Chart(
            "stacked",
            labels,
            [
                Series("On time", on_time),
                Series("Late", late),
                Series("Not submitted", missing),
            ],
            y_title="% of reviews",
        ),
        empty="No reviews in this cycle for the people in view.",
    )


def group_table(
    health: Health, groups: Sequence[GroupRates], *, key: str, title: str, note: str = ""
) -> Table:
    m = health.minimum
    header = ["Group", "People"]
    for _, label in PHASES:
        header += [f"{label}: completion (%)", f"{label}: on time (%)"]
    rows: list[Row] = []
    series: dict[str, list[float | None]] = {label: [] for _, label in PHASES}
    for group in groups:
        row: Row = [group.label or "None", group.people]
        for phase, label in PHASES:
            rates = group.phases.get(phase)
            completion = _pct(rates.completion, group.people, m) if rates else None
            timely = _pct(rates.on_time_rate, group.people, m) if rates else None
            row += [completion, timely]
            series[label].append(_chart_value(completion))
        rows.append(row)
    header[0] = "Department" if key == "departments" else "Manager"
    chart = (
        Chart(
            "bar",
            [r[0] for r in rows],
            [Series(label, data) for label, data in series.items()],
            y_title="Completion (%)",
        )
        if key == "departments"
        else None
    )
    return Table(
        key=key,
        title=f"Completion {title.lower()}",
        header=header,
        rows=rows,
        note=note or "People: reviewees in view with at least one review in the cycle.",
        chart=chart,
        empty="No reviews in this cycle for the people in view.",
    )


def time_table(health: Health) -> Table:
    m = health.minimum
    rows: list[Row] = []
    for item in health.time:
        if not item.people:
            continue
        rows.append(
            [
                item.label,
                item.starts_on,
                item.people,
                suppressed(item.submitted, item.people, m),
                suppressed(item.median_days, item.people, m),
            ]
        )
    return Table(
        key="time",
        title="Time to complete",
        header=["Phase", "Counted from", "People", "Submitted", "Median days"],
        rows=rows,
        note="Days from the phase's opening date (or the cycle's launch) to each submission.",
        chart=_columns_chart(rows, {"Median days": 4}, y_title="Days"),
        empty="Nothing submitted yet.",
    )


def quality_table(health: Health) -> Table:
    m = health.minimum
    rows = [
        [
            q.label,
            q.people,
            suppressed(q.answers, q.people, m),
            suppressed(rounded(q.mean_length), q.people, m),
            _pct(q.empty_share, q.people, m),
        ]
        for q in health.quality
    ]
    return Table(
        key="quality",
        title="Review quality",
        header=["Review", "People", "Text answers", "Mean length (characters)", "Empty (%)"],
        rows=rows,
        note=(
            "Answers to text questions in submitted reviews. Mean length counts the non-empty "
            "answers; empty means blank or only spaces."
        ),
        chart=_columns_chart(rows, {"Mean length": 3}, y_title="Characters"),
        empty="No text answers submitted yet.",
    )


def trend_table(health: Health) -> Table:
    m = health.minimum
    rows = [
        [
            point.cycle.name,
            point.rates.people,
            _pct(point.rates.completion, point.rates.people, m),
            _pct(point.rates.on_time_rate, point.rates.people, m),
        ]
        for point in health.trend
    ]
    return Table(
        key="trend",
        title="Trend across cycles",
        header=["Cycle", "People", "Completion (%)", "On time (%)"],
        rows=rows,
        note=f"The last {TREND_CYCLES} cycles at most, oldest first.",
        chart=_columns_chart(
            rows, {"Completion (%)": 2, "On time (%)": 3}, y_title="%", kind="line"
        ),
    )


def _activity_rows(health: Health) -> list[DepartmentActivity]:
    groups = health.activity.departments
    return [*groups, health.activity.total] if groups else []


def coverage_table(health: Health) -> Table:
    m = health.minimum
    rows = [
        [
            d.label,
            d.people,
            suppressed(d.with_goal, d.people, m),
            _pct(100 * d.with_goal / d.people if d.people else None, d.people, m),
        ]
        for d in _activity_rows(health)
    ]
    return Table(
        key="goals",
        title="Goal coverage",
        header=["Department", "Active people", "With a measurable goal", "Coverage (%)"],
        rows=rows,
        note=(
            f"Over {health.activity.window.label}. A measurable goal: a personal goal with a key "
            "result that has a target (or is a milestone)."
        ),
        chart=_columns_chart(rows, {"Coverage (%)": 3}, y_title="%"),
    )


def _per(value: int, people: int, months: float = 1.0) -> float | None:
    return round(value / people / months, 2) if people and months > 0 else None


def check_in_table(health: Health) -> Table:
    m = health.minimum
    months = health.activity.window.months
    rows = [
        [
            d.label,
            d.people,
            suppressed(d.check_ins, d.people, m),
            suppressed(_per(d.check_ins, d.people, months), d.people, m),
        ]
        for d in _activity_rows(health)
    ]
    return Table(
        key="check-ins",
        title="Check-in frequency",
        header=["Department", "Active people", "Check-ins", "Per person per month"],
        rows=rows,
        note=f"Check-ins on people's goals over {health.activity.window.label}.",
        chart=_columns_chart(rows, {"Per person per month": 3}, y_title="Check-ins"),
    )


def feedback_table(health: Health) -> Table:
    m = health.minimum
    rows = [
        [
            d.label,
            d.people,
            suppressed(d.given, d.people, m),
            suppressed(d.received, d.people, m),
            suppressed(_per(d.given, d.people), d.people, m),
            suppressed(_per(d.received, d.people), d.people, m),
        ]
        for d in _activity_rows(health)
    ]
    return Table(
        key="feedback",
        title="Feedback given and received",
        header=[
            "Department",
            "Active people",
            "Given",
            "Received",
            "Given per person",
            "Received per person",
        ],
        rows=rows,
        note=f"Feedback and praise over {health.activity.window.label}.",
        chart=_columns_chart(
            rows, {"Given per person": 4, "Received per person": 5}, y_title="Pieces of feedback"
        ),
    )


def one_on_one_table(health: Health) -> Table:
    m = health.minimum
    rows = [
        [
            d.label,
            d.reports_with_1on1s,
            suppressed(d.planned, d.reports_with_1on1s, m),
            suppressed(d.held, d.reports_with_1on1s, m),
            _pct(100 * d.held / d.planned if d.planned else None, d.reports_with_1on1s, m),
        ]
        for d in _activity_rows(health)
        if d.reports_with_1on1s
    ]
    return Table(
        key="one-on-ones",
        title="1:1 cadence adherence",
        header=["Department", "People with 1:1s", "Planned", "Held", "Held (%)"],
        rows=rows,
        note=(
            f"1:1s scheduled over {health.activity.window.label} (up to today), whatever became "
            "of them, and how many were held; by the report's department."
        ),
        chart=_columns_chart(rows, {"Held (%)": 4}, y_title="%"),
        empty="No 1:1s planned in this window.",
    )
