"""The continuous side of programme health, per department of the person,
over a window (the cycle's goal period, up to today; without one, the last
90 days): goal coverage, check-in frequency, feedback given and received,
and 1:1 adherence. Counts are of active people in view (`People`), grouped
in SQL: one query per measure whatever the size of the organisation.

- Goal coverage: share of people with at least one measurable goal — a
  personal goal in the period (not draft or cancelled) with a key result
  that has a target (a metric with a target value, or a milestone).
- Check-ins: check-ins on people's personal goals' key results in the
  window, per person per month (a month = 365.25 / 12 days).
- Feedback: pieces given and received in the window, per person.
- 1:1s: as in feedback.selectors_meetings.adherence — meetings planned in
  the window up to today (whatever became of them) and how many were held;
  grouped by the report's department.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cadence.feedback.models import Feedback, Meeting, MeetingStatus
from cadence.goals.models import CheckIn, KeyResult, KeyResultType, ObjectiveStatus
from cadence.insights.health_filters import People
from cadence.people.models import Employee, EmploymentStatus
from cadence.reviews.models import Cycle

DEFAULT_WINDOW_DAYS = 90
DAYS_PER_MONTH = 365.25 / 12
COUNTED_GOALS = (ObjectiveStatus.ACTIVE, ObjectiveStatus.COMPLETED, ObjectiveStatus.MISSED)


@dataclass(frozen=True)
class Window:
    """The span activity is counted over: `start` to `end` inclusive, where
    `end` is never after today."""

    start: dt.date
    end: dt.date
    goal_period_id: int | None
    label: str

    @property
    def days(self) -> int:
        return max(0, (self.end - self.start).days + 1)

    @property
    def months(self) -> float:
        return self.days / DAYS_PER_MONTH

    def datetimes(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end + 1 day) as aware datetimes in the site's time zone."""
        first = timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))
        after = timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )
        return first, after


def window_for(cycle: Cycle, today: dt.date) -> Window:
    """The cycle's goal period up to today, else the last 90 days."""
    period = cycle.goal_period
    if period is not None:
        return Window(
            period.starts_on,
            min(period.ends_on, today),
            period.pk,
            f"goal period {period.name} ({period.starts_on:%-d %b %Y} to "
            f"{min(period.ends_on, today):%-d %b %Y})",
        )
    start = today - dt.timedelta(days=DEFAULT_WINDOW_DAYS - 1)
    return Window(start, today, None, f"the last {DEFAULT_WINDOW_DAYS} days")


def measurable_goal_exists(window: Window, prefix_ref: str = "pk") -> Exists:
    """An Employee (OuterRef `prefix_ref`) has a measurable personal goal
    in the window's goal period (or in a period overlapping the window)."""
    goals = KeyResult.objects.filter(
        objective__owner_employee_id=OuterRef(prefix_ref),
        objective__status__in=COUNTED_GOALS,
    ).filter(Q(result_type=KeyResultType.MILESTONE) | Q(target_value__isnull=False))
    if window.goal_period_id is not None:
        goals = goals.filter(objective__period_id=window.goal_period_id)
    else:
        goals = goals.filter(
            objective__period__starts_on__lte=window.end,
            objective__period__ends_on__gte=window.start,
        )
    return Exists(goals)


@dataclass
class DepartmentActivity:
    key: int | None
    label: str
    people: int = 0
    with_goal: int = 0
    check_ins: int = 0
    given: int = 0
    received: int = 0
    reports_with_1on1s: int = 0
    planned: int = 0
    held: int = 0


@dataclass
class Activity:
    window: Window
    departments: list[DepartmentActivity] = field(default_factory=list)

    @property
    def total(self) -> DepartmentActivity:
        whole = DepartmentActivity(None, "Everyone in view")
        for d in self.departments:
            for name in (
                "people",
                "with_goal",
                "check_ins",
                "given",
                "received",
                "reports_with_1on1s",
                "planned",
                "held",
            ):
                setattr(whole, name, getattr(whole, name) + getattr(d, name))
        return whole


def activity(cycle: Cycle, people: People, today: dt.date) -> Activity:
    """Goal coverage, check-ins, feedback and 1:1s per department (five
    queries)."""
    window = window_for(cycle, today)
    first, after = window.datetimes()
    active = Q(status=EmploymentStatus.ACTIVE)
    groups: dict[int | None, DepartmentActivity] = {}
    for row in (
        Employee.objects.filter(people.q(), active)
        .order_by()
        .values("department_id", "department__name")
        .annotate(people=Count("pk"), with_goal=Count("pk", filter=measurable_goal_exists(window)))
    ):
        groups[row["department_id"]] = DepartmentActivity(
            row["department_id"],
            row["department__name"] or "No department",
            people=row["people"],
            with_goal=row["with_goal"],
        )

    def add(key: int | None, name: str, value: int) -> None:
        # Counted only for departments with active people in view.
        if key in groups:
            setattr(groups[key], name, value)

    owner = "key_result__objective__owner_employee__"
    for row in (
        CheckIn.objects.filter(created_at__gte=first, created_at__lt=after)
        .filter(people.q(owner), **{f"{owner}status": EmploymentStatus.ACTIVE})
        .order_by()
        .values(f"{owner}department_id")
        .annotate(n=Count("pk"))
    ):
        add(row[f"{owner}department_id"], "check_ins", row["n"])
    in_window = Feedback.objects.filter(created_at__gte=first, created_at__lt=after).order_by()
    for side, name in (("giver", "given"), ("recipient", "received")):
        for row in (
            in_window.filter(people.q(f"{side}__"), **{f"{side}__status": EmploymentStatus.ACTIVE})
            .values(f"{side}__department_id")
            .annotate(n=Count("pk"))
        ):
            add(row[f"{side}__department_id"], name, row["n"])
    report = "series__report__"
    planned: dict[int | None, tuple[int, int, int]] = defaultdict(lambda: (0, 0, 0))
    for row in (
        Meeting.objects.filter(scheduled_on__gte=window.start, scheduled_on__lte=window.end)
        .filter(people.q(report), **{f"{report}status": EmploymentStatus.ACTIVE})
        .order_by()
        .values(f"{report}department_id")
        .annotate(
            reports=Count("series__report_id", distinct=True),
            planned=Count("pk"),
            held=Count("pk", filter=Q(status=MeetingStatus.HELD)),
        )
    ):
        planned[row[f"{report}department_id"]] = (row["reports"], row["planned"], row["held"])
    for key, (reports, planned_n, held) in planned.items():
        add(key, "reports_with_1on1s", reports)
        add(key, "planned", planned_n)
        add(key, "held", held)
    ordered = sorted(groups.values(), key=lambda g: (g.key is None, g.label.lower(), g.key or 0))
    return Activity(window, ordered)
