"""The succession services: what a critical role and a successor must be
(with the messages people read), stale edits, scope, and an audit row for
every write."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.core.models import AuditEntry
from cadence.people.models import EmploymentStatus
from cadence.talent import services_succession as services
from cadence.talent.models import CriticalRole, Rating3, Readiness, Successor
from tests.factories import EmployeeFactory, JobProfileFactory
from tests.talent.succession_support import make_role, name_successor

pytestmark = pytest.mark.django_db


def _errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# --- critical roles -----------------------------------------------------------------------------


def test_create_position_role_takes_the_holders_department_and_is_audited(org: Any) -> None:
    role = services.create_role(actor=org.hrbp, title="  Platform lead ", incumbent=org.lead)
    assert role.title == "Platform lead"
    assert role.department_id == org.platform.pk
    assert (role.risk_of_loss, role.impact_of_loss) == (Rating3.MEDIUM, Rating3.HIGH)
    [entry] = _audit("critical_role.create")
    assert entry.object_id == str(role.pk)
    assert entry.actor == org.hrbp
    assert entry.after["incumbent"] == org.lead.pk
    assert entry.after["department"] == org.platform.pk


def test_role_needs_a_job_profile_or_a_holder_but_not_both(org: Any) -> None:
    with pytest.raises(ValidationError) as none:
        services.create_role(actor=org.hr_admin, title="Nothing", department=org.sales)
    assert _errors(none)["job_profile"] == [
        "Choose a job profile, or the person whose position this is."
    ]
    profile: Any = JobProfileFactory()
    with pytest.raises(ValidationError) as both:
        services.create_role(
            actor=org.hr_admin, title="Both", job_profile=profile, incumbent=org.lead
        )
    assert "not both" in _errors(both)["incumbent"][0]
    assert not CriticalRole.objects.exists()
    assert not _audit("critical_role.create")


def test_job_profile_role_needs_a_department(org: Any) -> None:
    profile: Any = JobProfileFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.create_role(actor=org.hr_admin, title="Engineers", job_profile=profile)
    assert _errors(excinfo)["department"][0].startswith("Choose the department this role is in")
    role = services.create_role(
        actor=org.hr_admin, title="Engineers", job_profile=profile, department=org.engineering
    )
    assert role.department == org.engineering


def test_title_risk_and_holder_are_checked(org: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_role(
            actor=org.hr_admin,
            title="   ",
            incumbent=org.former,
            risk_of_loss="extreme",
            impact_of_loss="huge",
        )
    errors = _errors(excinfo)
    assert errors["title"] == ["Give the critical role a title."]
    assert errors["risk_of_loss"] == ["Choose low, medium or high."]
    assert errors["impact_of_loss"] == ["Choose low, medium or high."]
    assert errors["incumbent"] == ["Fay Former has left: choose a current employee."]


def test_position_role_cannot_be_put_in_another_department(org: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_role(
            actor=org.hr_admin, title="Lead", incumbent=org.lead, department=org.sales
        )
    assert "holder's department (Platform)" in _errors(excinfo)["department"][0]


def test_hrbp_creates_only_in_scope_and_executives_never(org: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.create_role(actor=org.hrbp, title="Sales", incumbent=org.other_manager)
    with pytest.raises(PermissionDenied):
        services.create_role(actor=org.executive, title="Sales", incumbent=org.other_manager)
    with pytest.raises(PermissionDenied):
        services.create_role(actor=org.manager.user, title="Me", incumbent=org.lead)
    assert not CriticalRole.objects.exists()


def test_update_checks_the_version_and_audits_only_changes(org: Any) -> None:
    role = make_role(incumbent=org.lead, title="Platform lead")
    with pytest.raises(ValidationError) as excinfo:
        services.update_role(actor=org.hrbp, role=role, expected_version=99, title="X")
    assert "changed by someone else" in _errors(excinfo)["version"][0]
    services.update_role(
        actor=org.hrbp, role=role, expected_version=1, title="Platform lead", notes=""
    )
    assert not _audit("critical_role.update")  # nothing changed
    updated = services.update_role(
        actor=org.hrbp, role=role, expected_version=1, risk_of_loss=Rating3.HIGH
    )
    assert updated.version == 2
    [entry] = _audit("critical_role.update")
    assert entry.before == {"risk_of_loss": "medium"}
    assert entry.after == {"risk_of_loss": "high"}


def test_new_holder_brings_their_department(org: Any) -> None:
    role = make_role(incumbent=org.lead)
    services.update_role(actor=org.hr_admin, role=role, incumbent=org.salesperson)
    role.refresh_from_db()
    assert role.department_id == org.sales.pk


def test_hrbp_cannot_move_a_role_out_of_scope(org: Any) -> None:
    role = make_role(incumbent=org.lead)
    with pytest.raises(PermissionDenied):
        services.update_role(actor=org.hrbp, role=role, incumbent=org.salesperson)
    role.refresh_from_db()
    assert role.incumbent_id == org.lead.pk


def test_a_successor_cannot_become_the_holder(org: Any) -> None:
    role = make_role(incumbent=org.lead)
    name_successor(role, org.employee)
    with pytest.raises(ValidationError) as excinfo:
        services.update_role(actor=org.hr_admin, role=role, incumbent=org.employee)
    assert _errors(excinfo)["incumbent"] == [
        "This person is named a successor of the role: remove them first."
    ]


def test_delete_removes_successors_and_is_audited(org: Any) -> None:
    role = make_role(incumbent=org.lead)
    name_successor(role, org.employee, Readiness.ONE_TO_TWO_YEARS)
    with pytest.raises(PermissionDenied):
        services.delete_role(actor=org.executive, role=role)
    services.delete_role(actor=org.hrbp, role=role, expected_version=role.version)
    assert not CriticalRole.objects.filter(pk=role.pk).exists()
    assert not Successor.objects.exists()
    [entry] = _audit("critical_role.delete")
    assert entry.before["successors"] == [
        {"employee": org.employee.pk, "readiness": Readiness.ONE_TO_TWO_YEARS}
    ]


# --- successors ---------------------------------------------------------------------------------


def test_add_successor_is_audited_and_bumps_the_role(org: Any) -> None:
    role = make_role(incumbent=org.lead)
    successor = services.add_successor(
        actor=org.hrbp, role=role, employee=org.employee, readiness=Readiness.READY_NOW
    )
    role.refresh_from_db()
    assert role.version == 2
    [entry] = _audit("critical_role.successor_add")
    assert entry.object_id == str(successor.pk)
    assert entry.after == {
        "role": role.pk,
        "employee": org.employee.pk,
        "readiness": "ready_now",
        "notes": "",
    }


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("former", "Fay Former has left: choose a current employee."),
        ("lead", "Lee Lead holds this position: choose someone else."),
        ("employee", "Emma Employee is already a successor for this role."),
    ],
)
def test_successor_rules(org: Any, who: str, message: str) -> None:
    role = make_role(incumbent=org.lead)
    name_successor(role, org.employee)
    with pytest.raises(ValidationError) as excinfo:
        services.add_successor(
            actor=org.hr_admin,
            role=role,
            employee=getattr(org, who),
            readiness=Readiness.READY_NOW,
        )
    assert _errors(excinfo)["employee"] == [message]
    assert role.successors.count() == 1


def test_successor_on_leave_may_be_named_but_readiness_must_be_known(org: Any) -> None:
    role = make_role(incumbent=org.lead)
    on_leave: Any = EmployeeFactory(department=org.platform, status=EmploymentStatus.ON_LEAVE)
    with pytest.raises(ValidationError) as excinfo:
        services.add_successor(actor=org.hr_admin, role=role, employee=on_leave, readiness="soon")
    assert _errors(excinfo)["readiness"] == [
        "Choose ready now, ready in 1–2 years or ready in 3+ years."
    ]
    services.add_successor(
        actor=org.hr_admin, role=role, employee=on_leave, readiness=Readiness.THREE_PLUS_YEARS
    )
    assert role.successors.get().employee == on_leave


def test_update_and_remove_successor_are_audited(org: Any) -> None:
    role = make_role(incumbent=org.lead)
    successor = name_successor(role, org.employee, Readiness.THREE_PLUS_YEARS)
    with pytest.raises(PermissionDenied):
        services.update_successor(
            actor=org.executive, successor=successor, readiness=Readiness.READY_NOW
        )
    with pytest.raises(ValidationError) as stale:
        services.update_successor(
            actor=org.hrbp, successor=successor, expected_version=7, readiness="ready_now"
        )
    assert "version" in _errors(stale)
    services.update_successor(
        actor=org.hrbp, successor=successor, expected_version=1, readiness=Readiness.READY_NOW
    )
    successor.refresh_from_db()
    assert successor.readiness == Readiness.READY_NOW
    [update] = _audit("critical_role.successor_update")
    assert update.before == {"readiness": "3_plus_years"}
    assert update.after == {"readiness": "ready_now"}
    services.remove_successor(actor=org.hrbp, successor=successor)
    assert not Successor.objects.exists()
    [removal] = _audit("critical_role.successor_remove")
    assert removal.before["employee"] == org.employee.pk
    role.refresh_from_db()
    assert role.version == 3
