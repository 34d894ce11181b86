"""'My work': everything due for the signed-in person, in blocks — 1:1s this
week, open 1:1 action items, feedback requests to answer, improvement plan
check-ins, development actions, development plans and goals waiting for
their approval, reviews to write and goals needing a check-in.

Each block reads its rows with the owning app's `visible_to` (or its
existing selector) and at most `LIMIT` of them, with the block's full count
in the same query (a window count), so the page costs a fixed number of
queries whatever the amount of work: one per block plus a few lookups.

Links to pages other apps are still building are reversed by name when the
name exists, else built from their documented path (see `_link`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Window
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cadence.core.models import User
from cadence.core.permissions import Viewer, viewer_for

# Rows shown per block; the rest are behind the block's "see all" link.
LIMIT = 10
# Manager / HR partner: check-ins due within this many days (or overdue).
PIP_CHECK_IN_DAYS = 7
# Development actions due within this many days (or overdue).
DEVELOPMENT_ACTION_DAYS = 30


@dataclass(frozen=True)
class WorkItem:
    """One line of a block: what, where to do it, and when it is due."""

    title: str
    url: str
    due_on: dt.date | None = None
    overdue: bool = False
    note: str = ""


@dataclass(frozen=True)
class Block:
    key: str
    title: str
    items: list[WorkItem]
    count: int
    see_all_url: str
    empty: str

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))


@dataclass
class MyWork:
    today: dt.date
    blocks: list[Block] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(b.count for b in self.blocks)


def _link(name: str, fallback: str, *args: Any) -> str:
    """`reverse(name, args)`, or the documented path while the page that
    owns the name is not there yet (another app builds it)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback.format(*args)


def _pip_link(plan_id: int) -> str:
    return _link("development:pip_detail", "/development/improvement-plans/{}/", plan_id)


def _names(relation: str) -> tuple[str, ...]:
    """The columns `Employee.full_name` reads, of the employee at `relation`
    (with the relation itself, which `only` needs to follow it)."""
    from cadence.people.models import Employee

    return (relation, *(f"{relation}__{name}" for name in Employee.FULL_NAME_FIELDS))


def _counted(queryset: QuerySet[Any]) -> tuple[list[Any], int]:
    """The first LIMIT rows and how many rows there are, in one query: the
    window count is computed over the whole result before the LIMIT.

    Each block reads only the columns it shows (`only`, joined relations
    cut to those it names): building ten rows with every column of every
    joined table took longer than running the query.

    A window is computed before DISTINCT, so a distinct queryset is first
    turned into `pk IN (its ids)`: each row counts once."""
    if queryset.query.distinct:
        base = queryset.model._default_manager.filter(pk__in=queryset.order_by().values("pk"))
        base.query.select_related = queryset.query.select_related
        base.query.deferred_loading = queryset.query.deferred_loading
        queryset = base.order_by(*queryset.query.order_by)
    rows = list(queryset.annotate(_total=Window(expression=Count("pk")))[:LIMIT])
    return rows, (rows[0]._total if rows else 0)


def _due(day: dt.date | None, today: dt.date) -> bool:
    return day is not None and day < today


# --- the blocks ----------------------------------------------------------------------------


def one_on_ones_this_week(user: User, viewer: Viewer, today: dt.date) -> Block:
    """Planned 1:1s from Monday to Sunday of this week, as manager or report."""
    from cadence.feedback.selectors_meetings import meetings_between

    me = viewer.employee_id
    monday = today - dt.timedelta(days=today.weekday())
    rows, count = _counted(
        meetings_between(user, monday, monday + dt.timedelta(days=6))
        .select_related(None)
        .select_related("series__manager", "series__report")
        .only("scheduled_on", "series", *_names("series__manager"), *_names("series__report"))
    )
    items = []
    for meeting in rows:
        series = meeting.series
        other = series.report if series.manager_id == me else series.manager
        items.append(
            WorkItem(
                title=f"1:1 with {other.full_name}",
                url=_link("feedback:meeting", "/feedback/one-on-ones/meetings/{}/", meeting.pk),
                due_on=meeting.scheduled_on,
                overdue=_due(meeting.scheduled_on, today),
            )
        )
    return Block(
        "one_on_ones",
        "1:1s this week",
        items,
        count,
        _link("feedback:one_on_ones", "/feedback/one-on-ones/"),
        "No 1:1s planned this week.",
    )


def open_action_items(user: User, viewer: Viewer, today: dt.date) -> Block:
    """Action items from 1:1s that I own and have not done, soonest due first."""
    from cadence.feedback.selectors_meetings import action_items_for

    rows, count = _counted(
        action_items_for(user).select_related(None).only("text", "meeting", "due_on")
    )
    items = [
        WorkItem(
            title=item.text,
            url=_link("feedback:meeting", "/feedback/one-on-ones/meetings/{}/", item.meeting_id),
            due_on=item.due_on,
            overdue=_due(item.due_on, today),
        )
        for item in rows
    ]
    return Block(
        "action_items",
        "My open action items",
        items,
        count,
        _link("feedback:one_on_ones", "/feedback/one-on-ones/"),
        "No open action items.",
    )


def feedback_to_give(user: User, viewer: Viewer, today: dt.date) -> Block:
    """Feedback requests waiting for my answer, soonest due first."""
    from cadence.feedback.selectors_feedback import asks_to_answer

    rows, count = _counted(
        asks_to_answer(user, pending_only=True)
        .select_related(None)
        .select_related("request__requester", "request__subject")
        .only(
            "request__due_on",
            *_names("request__requester"),
            *_names("request__subject"),
        )
    )
    items = []
    for ask in rows:
        request = ask.request
        about = (
            "themself" if request.subject_id == request.requester_id else request.subject.full_name
        )
        items.append(
            WorkItem(
                title=f"Feedback for {request.requester.full_name} on {about}",
                url=_link("feedback:answer", "/feedback/asks/{}/answer/", ask.pk),
                due_on=request.due_on,
                overdue=_due(request.due_on, today),
            )
        )
    return Block(
        "feedback_requests",
        "Feedback requests to answer",
        items,
        count,
        _link("feedback:requests", "/feedback/requests/"),
        "No feedback requests waiting for you.",
    )


def improvement_plan_check_ins(user: User, viewer: Viewer, today: dt.date) -> Block:
    """For a manager or HR partner: check-ins not yet held on active or
    extended plans they run, due within a week or overdue. For the employee
    on a plan: its next check-in and whether they still have to acknowledge
    it. Only the person's name and the date show here — never the plan's
    content — so nothing is written to the access log for this page (the
    plan page itself logs every read)."""
    from cadence.development.pip_states import RUNNING
    from cadence.development.selectors_pips import open_check_ins_for, plans_for

    me = viewer.employee_id
    # Of the check-ins `user` may read, those they hold: not HR admin's
    # view of every plan, nor the employee's own plan (shown below).
    to_hold = Q(plan__hr_partner_id=viewer.user_id) | viewer.reports_q("plan__employee__")
    rows, count = _counted(
        open_check_ins_for(user, today + dt.timedelta(days=PIP_CHECK_IN_DAYS))
        .filter(to_hold)
        .select_related(None)
        .select_related("plan__employee")
        .only("scheduled_on", *_names("plan__employee"))
    )
    items = [
        WorkItem(
            title=f"Improvement plan check-in for {c.plan.employee.full_name} "
            f"on {c.scheduled_on:%-d %b %Y}",
            url=_pip_link(c.plan_id),
            due_on=c.scheduled_on,
            overdue=_due(c.scheduled_on, today),
        )
        for c in rows
    ]
    if me is not None:
        own, own_count = _counted(
            plans_for(user)
            .filter(employee_id=me, state__in=RUNNING)
            .select_related(None)
            .only("acknowledged_at")
            .order_by("starts_on", "id")
        )
        count += own_count
        for plan in own:
            next_day: dt.date | None = plan.next_check_in
            note = "" if plan.acknowledged_at else "Please read and acknowledge it."
            title = (
                f"Your improvement plan: next check-in on {next_day:%-d %b %Y}"
                if next_day
                else "Your improvement plan: no check-in scheduled"
            )
            items.insert(
                0,
                WorkItem(
                    title=title,
                    url=_pip_link(plan.pk),
                    due_on=next_day,
                    overdue=_due(next_day, today),
                    note=note,
                ),
            )
    return Block(
        "pip_check_ins",
        "Improvement plan check-ins",
        items[:LIMIT],
        count,
        _link("development:pip_list", "/development/improvement-plans/"),
        "No improvement plan check-ins due.",
    )


def development_actions(user: User, viewer: Viewer, today: dt.date) -> Block:
    """My development actions not done or dropped, due within 30 days or
    overdue, on my plans that are not completed."""
    from cadence.development.models import (
        ActionStatus,
        DevelopmentAction,
        DevelopmentPlan,
        DevelopmentPlanStatus,
    )

    plans = (
        DevelopmentPlan.objects.visible_to(user)
        .filter(employee_id=viewer.employee_id or 0)
        .exclude(status=DevelopmentPlanStatus.COMPLETED)
    )
    rows, count = _counted(
        DevelopmentAction.objects.filter(
            goal__plan__in=plans.values("pk"),
            due_on__lte=today + dt.timedelta(days=DEVELOPMENT_ACTION_DAYS),
        )
        .exclude(status__in=(ActionStatus.DONE, ActionStatus.DROPPED))
        .select_related("goal")
        .only("kind", "title", "due_on", "goal__plan")
        .order_by("due_on", "id")
    )
    items = [
        WorkItem(
            title=f"{action.get_kind_display()}: {action.title}",
            url=reverse("development:plan_detail", args=[action.goal.plan_id]),
            due_on=action.due_on,
            overdue=_due(action.due_on, today),
        )
        for action in rows
    ]
    return Block(
        "development_actions",
        "Development actions",
        items,
        count,
        reverse("development:plan_list") + "?whose=mine",
        "No development actions due in the next 30 days.",
    )


def development_plans_to_approve(user: User, viewer: Viewer, today: dt.date) -> Block:
    """Submitted development plans of my reports (never my own)."""
    from cadence.development.models import DevelopmentPlanStatus
    from cadence.development.selectors_growth import PlanFilters, plans

    rows, count = _counted(
        plans(user, PlanFilters(status=DevelopmentPlanStatus.SUBMITTED, whose="team"))
        .select_related(None)
        .select_related("employee")
        .only("title", *_names("employee"))
    )
    items = [
        WorkItem(
            title=f"{plan.title} ({plan.employee.full_name})",
            url=reverse("development:plan_detail", args=[plan.pk]),
        )
        for plan in rows
    ]
    return Block(
        "development_approvals",
        "Development plans to approve",
        items,
        count,
        reverse("development:plan_list") + "?whose=team&status=submitted",
        "No development plans waiting for your approval.",
    )


def reviews_to_write(user: User, viewer: Viewer, today: dt.date) -> Block:
    """My open review assignments (reviews.selectors_writing.my_assignments),
    each with its phase's due date."""
    from cadence.reviews.models import OPEN_ASSIGNMENT
    from cadence.reviews.selectors_writing import due_dates, due_on, my_assignments

    rows, count = _counted(
        my_assignments(user)
        .filter(status__in=OPEN_ASSIGNMENT)
        .select_related(None)
        .select_related("cycle", "reviewee")
        .only("kind", "cycle__name", *_names("reviewee"))
    )
    dues = due_dates(a.cycle_id for a in rows) if rows else {}
    items = []
    for assignment in rows:
        day = due_on(assignment, dues)
        who = (
            "Self review"
            if assignment.reviewee_id == viewer.employee_id
            else f"{assignment.get_kind_display()} review of {assignment.reviewee.full_name}"
        )
        items.append(
            WorkItem(
                title=f"{who} · {assignment.cycle.name}",
                url=reverse("reviews:review_form", args=[assignment.pk]),
                due_on=day,
                overdue=_due(day, today),
            )
        )
    return Block(
        "reviews",
        "Reviews to write",
        items,
        count,
        reverse("reviews:my_reviews"),
        "No reviews to write.",
    )


def goals_needing_check_in(user: User, viewer: Viewer, today: dt.date) -> Block:
    """My active personal goals, in periods running today, with a key result
    not checked in for the period's reminder interval (never counts as
    stale) — the rule of goals.tasks.send_check_in_reminders."""
    from cadence.goals.models import KeyResult, ObjectiveStatus, Scope
    from cadence.goals.selectors import GoalFilters, goals
    from cadence.goals.tasks import periods_running

    stale = Q(pk__in=[])
    now = timezone.now()
    for period in periods_running(today):
        if period.check_in_reminder_days == 0:
            continue
        cutoff = now - dt.timedelta(days=period.check_in_reminder_days)
        stale |= Q(objective__period_id=period.pk) & (
            Q(last_check_in_at__isnull=True) | Q(last_check_in_at__lt=cutoff)
        )
    rows, count = _counted(
        goals(
            user,
            GoalFilters(
                owner=viewer.employee_id, scope=Scope.PERSONAL, status=ObjectiveStatus.ACTIVE
            ),
        )
        .filter(Exists(KeyResult.objects.filter(stale, objective_id=OuterRef("pk"))))
        .select_related(None)
        .select_related("period")
        .only("title", "period__name")
        .order_by("title", "id")
    )
    items = [
        WorkItem(
            title=goal.title,
            url=reverse("goals:detail", args=[goal.pk]),
            note=goal.period.name,
        )
        for goal in rows
    ]
    return Block(
        "goal_check_ins",
        "Goals needing a check-in",
        items,
        count,
        reverse("goals:my_goals"),
        "Your goals are up to date.",
    )


def goal_approvals(user: User, viewer: Viewer, today: dt.date) -> Block:
    """Goals waiting for my approval (goals.selectors.awaiting_approval)."""
    from cadence.goals.selectors import awaiting_approval

    rows, count = _counted(
        awaiting_approval(user)
        .select_related(None)
        .select_related("period", "owner_employee")
        .only("title", "period__name", *_names("owner_employee"))
        .order_by("owner_employee__last_name", "owner_employee__first_name", "title", "id")
    )
    items = [
        WorkItem(
            title=f"{goal.title} ({goal.owner_employee.full_name if goal.owner_employee else ''})",
            url=reverse("goals:detail", args=[goal.pk]),
            note=goal.period.name,
        )
        for goal in rows
    ]
    return Block(
        "goal_approvals",
        "Goals to approve",
        items,
        count,
        reverse("goals:approvals"),
        "No goals waiting for your approval.",
    )


BlockReader = Callable[[User, Viewer, dt.date], Block]

# In the order the page shows them. Blocks about the person's own work need
# an employee record; the approval blocks also serve HR.
PERSONAL: tuple[BlockReader, ...] = (
    one_on_ones_this_week,
    open_action_items,
    feedback_to_give,
    reviews_to_write,
    improvement_plan_check_ins,
    development_actions,
    goals_needing_check_in,
)
APPROVALS: tuple[BlockReader, ...] = (goal_approvals, development_plans_to_approve)


def my_work(user: User, today: dt.date | None = None) -> MyWork:
    """Everything due for `user`, block by block (a fixed number of queries)."""
    day = today or timezone.localdate()
    viewer = viewer_for(user)
    work = MyWork(today=day)
    readers: Iterable[BlockReader]
    if viewer.employee_id is not None:
        readers = (*PERSONAL, *APPROVALS)
    elif viewer.is_hr:
        # An HR login with no employee record: the plans they partner and
        # the approvals HR admins make.
        readers = (improvement_plan_check_ins, goal_approvals)
    else:
        return work
    work.blocks = [read(user, viewer, day) for read in readers]
    return work
