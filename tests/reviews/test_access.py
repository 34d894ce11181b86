"""Who sees which review records: each role, positive and negative."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cadence.reviews.models import Cycle, ReviewAssignment, ReviewerKind, ReviewResult
from tests.conftest import Org
from tests.review_factories import (
    AssignmentFactory,
    CycleFactory,
    ParticipantFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db


def who(org: Org, name: str) -> object:
    person = getattr(org, name)
    return getattr(person, "user", person)


@pytest.fixture
def cycle(org: Org) -> Cycle:
    cycle = CycleFactory(upward_anonymous=True)
    for person in (org.employee, org.peer, org.lead):
        ParticipantFactory(cycle=cycle, employee=person, manager=person.manager)
    return cycle


def assignment(cycle: Cycle, reviewer: object, reviewee: object, kind: str) -> ReviewAssignment:
    return AssignmentFactory(cycle=cycle, reviewer=reviewer, reviewee=reviewee, kind=kind)


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("peer", True),  # the reviewer
        ("lead", True),  # the reviewee's manager
        ("manager", True),  # the reviewee's manager's manager
        ("hr_admin", True),
        ("hrbp", True),  # Engineering covers Platform
        ("employee", False),  # the reviewee: never who wrote a peer review
        ("other_manager", False),
        ("salesperson", False),
        ("executive", False),
        ("auditor", False),
        ("outsider", False),
    ],
)
def test_peer_assignment(org: Org, cycle: Cycle, viewer: str, sees: bool) -> None:
    a = assignment(cycle, org.peer, org.employee, ReviewerKind.PEER)
    visible = ReviewAssignment.objects.visible_to(who(org, viewer))  # type: ignore[arg-type]
    assert visible.filter(pk=a.pk).exists() is sees


def test_reviewee_sees_own_self_review_only(org: Org, cycle: Cycle) -> None:
    own = assignment(cycle, org.employee, org.employee, ReviewerKind.SELF)
    manager_review = assignment(cycle, org.lead, org.employee, ReviewerKind.MANAGER)
    visible = set(
        ReviewAssignment.objects.visible_to(org.employee.user).values_list("pk", flat=True)
    )
    assert own.pk in visible and manager_review.pk not in visible


@pytest.mark.parametrize("anonymous", [True, False])
def test_anonymous_upward_review_is_hidden_from_the_managers_chain(
    org: Org, cycle: Cycle, anonymous: bool
) -> None:
    cycle.upward_anonymous = anonymous
    cycle.save()
    upward = assignment(cycle, org.employee, org.lead, ReviewerKind.UPWARD)
    # The manager reviewed sees no assignment about themself either way (what
    # they read comes with the released result); their own manager sees it
    # only when it is not anonymous.
    assert not ReviewAssignment.objects.visible_to(org.lead.user).filter(pk=upward.pk).exists()
    seen = ReviewAssignment.objects.visible_to(org.manager.user).filter(pk=upward.pk).exists()
    assert seen is (not anonymous)
    assert ReviewAssignment.objects.visible_to(org.employee.user).filter(pk=upward.pk).exists()
    assert ReviewAssignment.objects.visible_to(org.hr_admin).filter(pk=upward.pk).exists()


@pytest.mark.parametrize(
    ("viewer", "before", "after"),
    [
        ("employee", False, True),
        ("lead", True, True),
        ("manager", True, True),
        ("hrbp", True, True),
        ("hr_admin", True, True),
        ("peer", False, False),
        ("other_manager", False, False),
        ("executive", False, False),  # Sales only
        ("auditor", False, False),
    ],
)
def test_result_visibility_before_and_after_release(
    org: Org, cycle: Cycle, viewer: str, before: bool, after: bool
) -> None:
    result = ResultFactory(cycle=cycle, employee=org.employee)
    user = who(org, viewer)
    assert ReviewResult.objects.visible_to(user).filter(pk=result.pk).exists() is before  # type: ignore[arg-type]
    result.released_at = timezone.now()
    result.save()
    assert ReviewResult.objects.visible_to(user).filter(pk=result.pk).exists() is after  # type: ignore[arg-type]


def test_executive_sees_released_results_in_scope(org: Org, cycle: Cycle) -> None:
    result = ResultFactory(cycle=cycle, employee=org.salesperson, released_at=timezone.now())
    assert ReviewResult.objects.visible_to(org.executive).filter(pk=result.pk).exists()


def test_cycles_visible_to_participants_reviewers_and_hr(org: Org, cycle: Cycle) -> None:
    other = CycleFactory(name="Sales only")
    ParticipantFactory(cycle=other, employee=org.salesperson)
    assignment(other, org.peer, org.salesperson, ReviewerKind.PEER)

    def names(user: object) -> set[str]:
        return set(Cycle.objects.visible_to(user).values_list("name", flat=True))  # type: ignore[arg-type]

    assert names(org.employee.user) == {cycle.name}
    assert names(org.peer.user) == {cycle.name, "Sales only"}  # a participant, and a reviewer
    assert names(org.other_manager.user) == {"Sales only"}  # their report takes part
    assert (
        names(org.hr_admin) == names(org.hrbp) == names(org.executive) == {cycle.name, "Sales only"}
    )
    assert names(org.auditor) == set() and names(org.outsider) == set()


def test_a_skip_level_manager_sees_the_cycles_of_their_organisation(org: Org) -> None:
    cycle = CycleFactory(name="Platform only")
    ParticipantFactory(
        cycle=cycle, employee=org.employee
    )  # reports to lead, who reports to manager
    for user in (org.manager.user, org.lead.user, org.ceo.user):
        assert Cycle.objects.visible_to(user).filter(pk=cycle.pk).exists()
    for user in (org.peer.user, org.other_manager.user):
        assert not Cycle.objects.visible_to(user).filter(pk=cycle.pk).exists()


@pytest.mark.parametrize("few_reports_limit", [0, 2000])
def test_long_lists_show_exactly_the_assignments_visible_to_the_viewer(
    org: Org, cycle: Cycle, monkeypatch: pytest.MonkeyPatch, few_reports_limit: int
) -> None:
    """The API list looks the visibility up grant by grant for managers of
    few reports, and ORs the grants for everyone else: both give the rows
    `visible_to` gives, whatever the filters."""
    from cadence.reviews import access
    from cadence.reviews.selectors_writing import AssignmentFilters, assignment_list, assignments

    monkeypatch.setattr(access, "LIST_BY_GRANT_MAX_REPORTS", few_reports_limit)
    assignment(cycle, org.peer, org.employee, ReviewerKind.PEER)
    assignment(cycle, org.employee, org.lead, ReviewerKind.UPWARD)  # anonymous upward
    assignment(cycle, org.lead, org.employee, ReviewerKind.MANAGER)
    assignment(cycle, org.employee, org.employee, ReviewerKind.SELF)
    assignment(cycle, org.lead, org.lead, ReviewerKind.SELF)
    assignment(cycle, org.manager, org.lead, ReviewerKind.MANAGER)
    assignment(cycle, org.other_manager, org.salesperson, ReviewerKind.MANAGER)
    other = CycleFactory(name="Not anonymous")
    assignment(other, org.employee, org.lead, ReviewerKind.UPWARD)
    assignment(other, org.peer, org.salesperson, ReviewerKind.PEER)
    filters = [
        AssignmentFilters(),
        AssignmentFilters(cycle=cycle.pk),
        AssignmentFilters(kind=ReviewerKind.UPWARD),
        AssignmentFilters(reviewee=org.lead.pk, status="pending"),
    ]
    viewers = ["ceo", "manager", "lead", "employee", "peer", "other_manager", "salesperson"]
    viewers += ["hr_admin", "hrbp", "executive", "auditor", "outsider"]
    seen = 0
    for name in viewers:
        user = who(org, name)
        for f in filters:
            expected = list(assignments(user, f).values_list("pk", flat=True))  # type: ignore[arg-type]
            listed = assignment_list(user, f)  # type: ignore[arg-type]
            assert list(listed.values_list("pk", flat=True)) == expected, (name, f)
            assert listed.count() == len(expected)
            seen += len(expected)
    assert seen > 0
