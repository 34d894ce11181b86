"""Goal visibility for each role (lists, progress roll-up, parents), who may
write, alignment-cycle rejection, check-in history and the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.core.models import AuditEntry
from cadence.goals import selectors, services
from cadence.goals.models import (
    CheckIn,
    Confidence,
    KeyResultType,
    Objective,
    Scope,
    Visibility,
)
from tests.conftest import Org, fresh
from tests.factories import GoalPeriodFactory, KeyResultFactory, ObjectiveFactory


def visible(user) -> set[int]:  # type: ignore[no-untyped-def]
    return set(Objective.objects.visible_to(user).values_list("id", flat=True))


@pytest.fixture
def private_goal(org: Org) -> Objective:
    return ObjectiveFactory(owner_employee=org.employee, visibility=Visibility.PRIVATE)


@pytest.mark.parametrize("who", ["employee", "lead", "manager", "ceo"])
def test_private_goal_visible_to_owner_and_manager_chain(org: Org, private_goal, who) -> None:  # type: ignore[no-untyped-def]
    assert private_goal.pk in visible(getattr(org, who).user)


def test_private_goal_visible_to_hr_admin_and_scoped_hrbp(org: Org, private_goal) -> None:  # type: ignore[no-untyped-def]
    assert private_goal.pk in visible(org.hr_admin)
    assert private_goal.pk in visible(org.hrbp)  # Engineering covers Platform


@pytest.mark.parametrize("who", ["peer", "other_manager", "salesperson"])
def test_private_goal_hidden_from_peers_and_other_teams(org: Org, private_goal, who) -> None:  # type: ignore[no-untyped-def]
    assert private_goal.pk not in visible(getattr(org, who).user)


@pytest.mark.parametrize("who", ["hrbp", "executive", "auditor", "outsider"])
def test_private_goal_outside_scope_is_hidden(org: Org, who) -> None:  # type: ignore[no-untyped-def]
    sales_goal = ObjectiveFactory(owner_employee=org.salesperson, visibility=Visibility.PRIVATE)
    # HRBP scoped elsewhere, executives (read-only dashboards, not private goals),
    # auditors and logins outside the organisation.
    assert sales_goal.pk not in visible(getattr(org, who))


def test_public_goal_visible_to_everyone_in_the_organisation(org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.salesperson)
    assert goal.pk in visible(org.peer.user)
    assert goal.pk not in visible(org.outsider) and goal.pk not in visible(org.auditor)


def test_private_child_does_not_leak_through_parent_rollup(org: Org) -> None:
    period = GoalPeriodFactory()
    parent = ObjectiveFactory(period=period, scope=Scope.COMPANY, owner_employee=None)
    public_child = ObjectiveFactory(period=period, owner_employee=org.salesperson, parent=parent)
    private_child = ObjectiveFactory(
        period=period, owner_employee=org.employee, parent=parent, visibility=Visibility.PRIVATE
    )
    KeyResultFactory(objective=public_child, current_value=20)
    KeyResultFactory(objective=private_child, current_value=100)
    as_peer = selectors.progress_for(fresh(org.peer.user), [period.pk])
    as_lead = selectors.progress_for(fresh(org.lead.user), [period.pk])
    assert private_child.pk not in as_peer.progress
    assert as_peer.of(parent.pk) == pytest.approx(0.2)  # only what the peer can see
    assert as_lead.of(parent.pk) == pytest.approx(0.6)


def test_goal_list_filters(org: Org) -> None:
    period = GoalPeriodFactory()
    mine = ObjectiveFactory(period=period, owner_employee=org.employee, title="Ship the API")
    ObjectiveFactory(period=period, owner_employee=org.peer, title="Hire two engineers")
    found = selectors.goals(org.employee.user, selectors.GoalFilters(period=period.pk, q="api"))
    assert list(found) == [mine]


def test_owner_creates_goal_and_it_is_audited(org: Org) -> None:
    period = GoalPeriodFactory()
    goal = services.create_objective(
        actor=org.employee.user, period=period, owner_employee=org.employee, title="Cut build time"
    )
    entry = AuditEntry.objects.get(action="goal.create")
    assert entry.object_id == str(goal.pk) and entry.after["title"] == "Cut build time"


def test_manager_sets_goal_for_report_but_peer_cannot(org: Org) -> None:
    period = GoalPeriodFactory()
    services.create_objective(
        actor=org.manager.user,
        period=period,
        owner_employee=org.employee,
        title="Mentor a new starter",
    )
    with pytest.raises(PermissionDenied):
        services.create_objective(
            actor=org.peer.user, period=period, owner_employee=org.employee, title="Not yours"
        )


def test_company_goals_are_hr_admin_only(org: Org) -> None:
    period = GoalPeriodFactory()
    with pytest.raises(PermissionDenied):
        services.create_objective(
            actor=org.ceo.user,
            period=period,
            scope=Scope.COMPANY,
            owner_employee=None,
            title="Grow revenue",
        )
    services.create_objective(
        actor=org.hr_admin,
        period=period,
        scope=Scope.COMPANY,
        owner_employee=None,
        title="Grow revenue",
    )


def test_alignment_cycle_is_rejected_and_nothing_changes(org: Org) -> None:
    a = ObjectiveFactory(owner_employee=org.manager)
    b = ObjectiveFactory(owner_employee=org.lead, parent=a)
    c = ObjectiveFactory(owner_employee=org.employee, parent=b)
    with pytest.raises(ValidationError) as exc:
        services.update_objective(actor=org.hr_admin, objective=a, parent=c)
    assert "loop" in exc.value.message_dict["parent"][0]
    a.refresh_from_db()
    assert a.parent_id is None
    with pytest.raises(ValidationError):
        services.update_objective(actor=org.hr_admin, objective=a, parent=a)


def test_cannot_align_to_a_goal_you_cannot_see(org: Org) -> None:
    hidden = ObjectiveFactory(owner_employee=org.salesperson, visibility=Visibility.PRIVATE)
    with pytest.raises(ValidationError) as exc:
        services.create_objective(
            actor=org.employee.user,
            period=hidden.period,
            owner_employee=org.employee,
            title="x",
            parent=hidden,
        )
    assert "parent" in exc.value.message_dict


def test_stale_goal_edit_is_refused(org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee)
    services.update_objective(
        actor=org.employee.user, objective=goal, title="A", expected_version=1
    )
    with pytest.raises(ValidationError) as exc:
        services.update_objective(
            actor=org.employee.user, objective=goal, title="B", expected_version=1
        )
    assert "changed by someone else" in exc.value.message_dict["version"][0]


def test_check_in_history_progress_and_audit(org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee)
    kr = KeyResultFactory(objective=goal, start_value=0, target_value=200, current_value=0)
    services.check_in(
        actor=org.employee.user,
        key_result=kr,
        value=Decimal(50),
        confidence=Confidence.AT_RISK,
        comment="Slow start",
    )
    services.check_in(
        actor=org.lead.user, key_result=kr, value=Decimal(150), confidence=Confidence.ON_TRACK
    )
    kr.refresh_from_db()
    assert kr.progress == pytest.approx(0.75)
    history = list(CheckIn.objects.filter(key_result=kr).values_list("value", "confidence"))
    assert history == [(Decimal(150), "on_track"), (Decimal(50), "at_risk")]  # newest first
    audits = AuditEntry.objects.filter(action="goal.check_in").order_by("id")
    assert [a.after["current_value"] for a in audits] == ["50", "150"]


def test_peer_cannot_check_in_and_milestone_needs_done(org: Org) -> None:
    kr = KeyResultFactory(objective=ObjectiveFactory(owner_employee=org.employee))
    with pytest.raises(PermissionDenied):
        services.check_in(
            actor=org.peer.user, key_result=kr, value=Decimal(1), confidence=Confidence.ON_TRACK
        )
    milestone = KeyResultFactory(
        objective=kr.objective, result_type=KeyResultType.MILESTONE, target_value=None
    )
    with pytest.raises(ValidationError):
        services.check_in(
            actor=org.employee.user, key_result=milestone, confidence=Confidence.ON_TRACK
        )
    services.check_in(
        actor=org.employee.user, key_result=milestone, done=True, confidence=Confidence.ON_TRACK
    )
    milestone.refresh_from_db()
    assert milestone.progress == 1.0


def test_metric_key_result_needs_a_target(org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee)
    with pytest.raises(ValidationError) as exc:
        services.add_key_result(actor=org.employee.user, objective=goal, title="More")
    assert "target_value" in exc.value.message_dict


def test_approval_by_manager_chain_only(org: Org) -> None:
    period = GoalPeriodFactory(name="Approved period", requires_approval=True)
    goal = services.create_objective(
        actor=org.employee.user, period=period, owner_employee=org.employee, title="Needs a yes"
    )
    assert goal.approval == "pending"
    with pytest.raises(PermissionDenied):
        services.decide_approval(actor=org.peer.user, objective=goal, approve=True)
    services.decide_approval(actor=org.lead.user, objective=goal, approve=True)
    goal.refresh_from_db()
    assert goal.approval == "approved"


@pytest.fixture
def private_engineering_goal(org: Org) -> Objective:
    return ObjectiveFactory(
        scope=Scope.DEPARTMENT,
        owner_employee=None,
        owner_department=org.engineering,
        visibility=Visibility.PRIVATE,
    )


@pytest.mark.parametrize("who", ["manager", "peer"])
def test_private_department_goal_visible_to_its_members(
    org: Org, private_engineering_goal: Objective, who: str
) -> None:
    assert private_engineering_goal.pk in visible(getattr(org, who).user)


@pytest.mark.parametrize("who", ["hr_admin", "hrbp"])
def test_private_department_goal_visible_to_hr_for_it(
    org: Org, private_engineering_goal: Objective, who: str
) -> None:
    assert private_engineering_goal.pk in visible(getattr(org, who))


@pytest.mark.parametrize("who", ["employee", "lead", "salesperson", "other_manager", "ceo"])
def test_private_department_goal_hidden_outside_the_department(
    org: Org, private_engineering_goal: Objective, who: str
) -> None:
    # Platform (a sub-department) and the company root are not Engineering.
    assert private_engineering_goal.pk not in visible(getattr(org, who).user)


@pytest.mark.parametrize("who", ["executive", "auditor", "outsider"])
def test_private_department_goal_hidden_from_other_roles(
    org: Org, private_engineering_goal: Objective, who: str
) -> None:
    assert private_engineering_goal.pk not in visible(getattr(org, who))


def test_executive_sees_private_goal_of_their_department(org: Org) -> None:
    sales_goal = ObjectiveFactory(
        scope=Scope.DEPARTMENT,
        owner_employee=None,
        owner_department=org.sales,
        visibility=Visibility.PRIVATE,
    )
    assert sales_goal.pk in visible(org.executive)


def test_visible_goals_are_listed_once(org: Org) -> None:
    # Several people in the department and in the manager's subtree: no
    # goal may repeat, and the count agrees with the rows.
    ObjectiveFactory(scope=Scope.DEPARTMENT, owner_employee=None, owner_department=org.engineering)
    ObjectiveFactory(owner_employee=org.employee, visibility=Visibility.PRIVATE)
    for who in (org.manager.user, org.peer.user, org.hrbp):
        rows = list(Objective.objects.visible_to(who).values_list("id", flat=True))
        assert len(rows) == len(set(rows)) == Objective.objects.visible_to(who).count()
