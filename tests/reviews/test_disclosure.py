"""The disclosure rules one by one: who the viewer is to a result, which
audiences they read, when a kind of review is shown, withheld or named,
and that an aggregate below the minimum is withheld from HR too."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cadence.reviews.disclosure import (
    GroupStatus,
    Role,
    aggregate_status,
    details_disclosed,
    final_disclosed,
    group_status,
    is_attributed,
    min_group_size,
    readable_audiences,
    role_of,
)
from cadence.reviews.models import Cycle, ReviewResult
from tests.conftest import Org
from tests.review_factories import CycleFactory, ResultFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def result(org: Org) -> ReviewResult:
    cycle = CycleFactory(include_peer=True, include_upward=False)
    return ResultFactory(cycle=cycle, employee=org.employee)


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("employee", Role.REVIEWEE),
        ("lead", Role.MANAGER),
        ("manager", Role.MANAGER),
        ("ceo", Role.MANAGER),
        ("hrbp", Role.HRBP),
        ("hr_admin", Role.HR_ADMIN),
        ("peer", Role.NONE),
        ("executive", Role.NONE),  # Sales only
        ("other_manager", Role.NONE),
    ],
)
def test_role_of(org: Org, result: ReviewResult, who: str, role: Role) -> None:
    person = getattr(org, who)
    assert role_of(getattr(person, "user", person), result) == role


def test_executive_over_the_department(org: Org) -> None:
    result = ResultFactory(cycle=CycleFactory(), employee=org.salesperson)
    assert role_of(org.executive, result) == Role.EXECUTIVE
    assert not final_disclosed(Role.EXECUTIVE, result)
    result.released_at = timezone.now()
    assert final_disclosed(Role.EXECUTIVE, result)
    assert not details_disclosed(Role.EXECUTIVE, result)


def test_audiences() -> None:
    assert readable_audiences(Role.REVIEWEE) == {"reviewee"}
    assert readable_audiences(Role.MANAGER) == {"reviewee", "manager"}
    assert readable_audiences(Role.HRBP) == readable_audiences(Role.HR_ADMIN)
    assert readable_audiences(Role.HR_ADMIN) == {"reviewee", "manager", "hr"}
    assert readable_audiences(Role.EXECUTIVE) == readable_audiences(Role.NONE) == frozenset()


def test_the_reviewee_reads_details_only_once_released(result: ReviewResult) -> None:
    assert not details_disclosed(Role.REVIEWEE, result)
    assert details_disclosed(Role.MANAGER, result)
    result.released_at = timezone.now()
    assert details_disclosed(Role.REVIEWEE, result)


@pytest.mark.parametrize(
    ("role", "count", "expected"),
    [
        (Role.REVIEWEE, 0, GroupStatus.NOT_ENOUGH),  # not even "none"
        (Role.REVIEWEE, 2, GroupStatus.NOT_ENOUGH),
        (Role.REVIEWEE, 3, GroupStatus.SHOWN),
        (Role.MANAGER, 2, GroupStatus.NOT_ENOUGH),
        (Role.MANAGER, 3, GroupStatus.SHOWN),
        (Role.HRBP, 1, GroupStatus.SHOWN),
        (Role.HR_ADMIN, 1, GroupStatus.SHOWN),
        (Role.HR_ADMIN, 0, GroupStatus.NONE),
    ],
)
def test_peer_answers_by_group_size(
    result: ReviewResult, role: Role, count: int, expected: GroupStatus
) -> None:
    result.released_at = timezone.now()
    assert group_status(role, result, "peer", count) == expected


def test_upward_not_in_the_cycle_is_none_not_withheld(result: ReviewResult) -> None:
    assert group_status(Role.MANAGER, result, "upward", 0) == GroupStatus.NONE


def test_self_and_manager_reviews_have_no_minimum(result: ReviewResult) -> None:
    assert group_status(Role.MANAGER, result, "self", 1) == GroupStatus.SHOWN
    assert aggregate_status(Role.MANAGER, result, "self", 1) == GroupStatus.SHOWN


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.HRBP, Role.MANAGER])
def test_averages_below_the_minimum_are_withheld_from_everyone(
    result: ReviewResult, role: Role
) -> None:
    assert aggregate_status(role, result, "peer", 2) == GroupStatus.NOT_ENOUGH
    assert aggregate_status(role, result, "peer", 3) == GroupStatus.SHOWN


def test_the_minimum_is_never_below_three(result: ReviewResult) -> None:
    cycle: Cycle = result.cycle
    cycle.min_group_size = 1  # as an unvalidated in-memory value might be
    assert min_group_size(cycle) == 3
    cycle.min_group_size = 6
    assert min_group_size(cycle) == 6
    assert group_status(Role.MANAGER, result, "peer", 5) == GroupStatus.NOT_ENOUGH


@pytest.mark.parametrize(
    ("role", "kind", "peer_anonymous", "named"),
    [
        (Role.REVIEWEE, "self", True, True),
        (Role.REVIEWEE, "manager", True, True),
        (Role.REVIEWEE, "peer", True, False),
        (Role.REVIEWEE, "peer", False, True),
        (Role.MANAGER, "peer", True, False),
        (Role.MANAGER, "upward", True, False),
        (Role.HRBP, "peer", True, False),
        (Role.HR_ADMIN, "peer", True, True),
        (Role.HR_ADMIN, "upward", True, True),
    ],
)
def test_who_is_told_the_writer(
    result: ReviewResult, role: Role, kind: str, peer_anonymous: bool, named: bool
) -> None:
    cycle = result.cycle
    cycle.peer_anonymous, cycle.upward_anonymous = peer_anonymous, True
    assert is_attributed(role, cycle, kind) is named
