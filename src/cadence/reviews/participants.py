"""Who a cycle's rules take in, who they leave out and why: the launch
preview, and the list the launch itself works from.

The rules (Cycle.rule_*) pick the candidates: everyone matching every rule
that is set (no rule set: the whole organisation), plus HR's inclusions.
Departments include their sub-departments. A candidate is then *out* for
one reason, checked in this order:

- "excluded": HR excluded them by name (an exclusion beats an inclusion);
- "terminated": they have left; nothing brings them back in;
- "inactive": on leave. An explicit inclusion brings them in;
- "too_new": hired on or after the cut-off (`rule_hired_before` is "hired
  before"); an explicit inclusion brings them in. An unknown hire date
  does not leave anyone out.

Anyone else is *in*. People who do not match the rules at all are not
listed as out: they were never candidates.

"No manager" is not a reason to leave someone out: someone at the top of
the organisation (or whose manager has left) still writes a self review and
gets upward reviews; they just get no manager review. The preview counts
and lists them separately so HR can fix a reporting line before launch.

Everything is computed in SQL (one annotated query), so the counts cost the
same at 10 people as at 100,000 and a list page is one paginated query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

from cadence.people.models import Department, Employee, EmploymentStatus
from cadence.reviews.models import Cycle

IN = ""
EXCLUDED = "excluded"
TERMINATED = "terminated"
INACTIVE = "inactive"
TOO_NEW = "too_new"
NO_MANAGER = "no_manager"

# Out reasons, in the order they are checked, with what HR reads.
OUT_REASONS: dict[str, str] = {
    EXCLUDED: "Excluded by HR",
    TERMINATED: "Inactive / terminated",
    INACTIVE: "Inactive (on leave): include them by name to review them",
    TOO_NEW: "Hired on or after the cut-off: include them by name to review them",
}
NO_MANAGER_LABEL = "No manager: a self review (and upward reviews), but no manager review"

# What the preview lists can show.
SHOW_IN = "in"
SHOW_OUT = "out"
SHOW_NO_MANAGER = NO_MANAGER
SHOW_CHOICES: dict[str, str] = {
    SHOW_IN: "Taking part",
    SHOW_OUT: "Left out",
    SHOW_NO_MANAGER: "No manager review",
}


def _department_ids(ids: list[int]) -> QuerySet[Department]:
    """The chosen departments and everything below them (one query for the
    paths; the subtree is a subquery)."""
    paths = list(Department.objects.filter(pk__in=ids).values_list("path", flat=True))
    if not paths:
        return Department.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Department.objects.filter(condition).values("pk")  # type: ignore[return-value]


def _rule_condition(cycle: Cycle) -> Q:
    """Candidates: every rule that is set, or an explicit inclusion."""
    rules = Q()
    if cycle.rule_department_ids:
        rules &= Q(department_id__in=_department_ids(list(cycle.rule_department_ids)))
    if cycle.rule_location_ids:
        rules &= Q(location_id__in=list(cycle.rule_location_ids))
    if cycle.rule_job_level_ids:
        rules &= Q(job_profile__level_id__in=list(cycle.rule_job_level_ids))
    if cycle.included_employee_ids:
        rules |= Q(pk__in=list(cycle.included_employee_ids))
    return rules


def _reason(cycle: Cycle) -> Case:
    included = list(cycle.included_employee_ids or [])
    not_included = ~Q(pk__in=included) if included else Q()
    whens = []
    if cycle.excluded_employee_ids:
        whens.append(When(pk__in=list(cycle.excluded_employee_ids), then=Value(EXCLUDED)))
    whens.append(When(status=EmploymentStatus.TERMINATED, then=Value(TERMINATED)))
    if not cycle.rule_include_on_leave:
        whens.append(When(Q(status=EmploymentStatus.ON_LEAVE) & not_included, then=Value(INACTIVE)))
    if cycle.rule_hired_before is not None:
        whens.append(
            When(Q(hire_date__gte=cycle.rule_hired_before) & not_included, then=Value(TOO_NEW))
        )
    return Case(*whens, default=Value(IN), output_field=CharField())


def candidates(cycle: Cycle) -> QuerySet[Any]:
    """Everyone the rules pick, each annotated with `reason` ("" when in),
    `review_manager_id` (who writes their manager review: their manager
    unless that manager has left) and `no_manager`."""
    people: QuerySet[Any] = Employee.objects.filter(_rule_condition(cycle))
    return people.annotate(reason=_reason(cycle)).annotate(
        review_manager_id=Case(
            When(manager__status=EmploymentStatus.TERMINATED, then=Value(None)),
            default=F("manager_id"),
            output_field=IntegerField(),
        ),
        no_manager=Case(
            When(manager__isnull=True, then=Value(True)),
            When(manager__status=EmploymentStatus.TERMINATED, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


@dataclass(frozen=True)
class LaunchPreview:
    """Counts of who is in and out (by reason), and the people behind each
    count as querysets to paginate."""

    cycle: Cycle
    in_count: int
    no_manager_count: int
    out_counts: dict[str, int]
    # Annotated employees (reason, review_manager_id, no_manager): typed Any
    # because the type checker cannot see annotations.
    people: QuerySet[Any]

    @property
    def out_count(self) -> int:
        return sum(self.out_counts.values())

    def counts(self) -> dict[str, int]:
        """Every count by name, for the API."""
        return {
            SHOW_IN: self.in_count,
            SHOW_OUT: self.out_count,
            NO_MANAGER: self.no_manager_count,
            **self.out_counts,
        }

    def admitted(self) -> QuerySet[Any]:
        """The people taking part, in id order (what the launch walks)."""
        return self.people.filter(reason=IN).order_by("pk")

    def listing(self, show: str, reason: str | None = None) -> QuerySet[Any]:
        """One list of the preview, by name, with what a row shows joined:
        `in`, `out` (optionally one `reason`) or `no_manager`."""
        if show == SHOW_OUT:
            qs = self.people.exclude(reason=IN)
            if reason:
                qs = qs.filter(reason=reason)
        elif show == SHOW_NO_MANAGER:
            qs = self.people.filter(reason=IN, no_manager=True)
        else:
            qs = self.people.filter(reason=IN)
        return qs.select_related("department", "location", "job_profile__level").order_by(
            "last_name", "first_name", "pk"
        )


def preview(cycle: Cycle) -> LaunchPreview:
    """Who the cycle's rules take in and who they leave out, with a reason
    for each (two queries, whatever the size of the organisation)."""
    people = candidates(cycle)
    aggregates: dict[str, Any] = {
        "in_count": Count("pk", filter=Q(reason=IN)),
        "no_manager_count": Count("pk", filter=Q(reason=IN, no_manager=True)),
    }
    for reason in OUT_REASONS:
        aggregates[reason] = Count("pk", filter=Q(reason=reason))
    totals = people.order_by().aggregate(**aggregates)
    return LaunchPreview(
        cycle=cycle,
        in_count=totals["in_count"] or 0,
        no_manager_count=totals["no_manager_count"] or 0,
        out_counts={reason: totals[reason] or 0 for reason in OUT_REASONS},
        people=people,
    )


def reason_label(reason: str, no_manager: bool = False) -> str:
    """What HR reads for one row of the preview."""
    if reason:
        return OUT_REASONS.get(reason, reason)
    return NO_MANAGER_LABEL if no_manager else "Taking part"
