"""Who sees which employees and which of their fields: every role, positive
and negative."""

from __future__ import annotations

import pytest

from cadence.core.permissions import viewer_for
from cadence.people.access import Access, access_to
from cadence.people.models import Employee
from tests.conftest import Org


def visible_ids(user) -> set[int]:  # type: ignore[no-untyped-def]
    return set(Employee.objects.visible_to(user).values_list("id", flat=True))


def access(user, employee: Employee) -> Access:  # type: ignore[no-untyped-def]
    return access_to(viewer_for(user), employee)


def test_hr_admin_sees_everyone_including_former_staff(org: Org) -> None:
    assert visible_ids(org.hr_admin) == set(Employee.objects.values_list("id", flat=True))
    assert Access.PROTECTED in access(org.hr_admin, org.salesperson)


def test_employee_sees_current_directory_but_not_former_staff(org: Org) -> None:
    ids = visible_ids(org.employee.user)
    assert org.salesperson.pk in ids and org.ceo.pk in ids
    assert org.former.pk not in ids


def test_manager_sees_former_report_but_other_manager_does_not(org: Org) -> None:
    assert org.former.pk in visible_ids(org.manager.user)
    assert org.former.pk not in visible_ids(org.other_manager.user)


def test_login_without_a_place_in_the_organisation_sees_nobody(org: Org) -> None:
    assert visible_ids(org.outsider) == set()
    assert visible_ids(org.auditor) == set()


def test_employee_sees_own_full_record(org: Org) -> None:
    own = access(org.employee.user, org.employee)
    assert Access.SALARY in own and Access.PROTECTED in own


def test_employee_sees_only_directory_fields_of_a_peer(org: Org) -> None:
    assert access(org.employee.user, org.peer) == Access.DIRECTORY
    assert access(org.peer.user, org.employee) == Access.DIRECTORY


def test_report_cannot_see_manager_salary(org: Org) -> None:
    assert Access.SALARY not in access(org.employee.user, org.lead)
    assert Access.SALARY not in access(org.lead.user, org.manager)


@pytest.mark.parametrize("who", ["manager", "lead"])
def test_manager_chain_sees_work_and_salary_but_not_protected(org: Org, who: str) -> None:
    viewer = getattr(org, who).user
    got = access(viewer, org.employee)
    assert Access.WORK in got and Access.SALARY in got
    assert Access.PROTECTED not in got


def test_other_teams_manager_sees_directory_fields_only(org: Org) -> None:
    assert access(org.other_manager.user, org.employee) == Access.DIRECTORY
    assert access(org.manager.user, org.salesperson) == Access.DIRECTORY


def test_hrbp_sees_salary_in_scope_including_subdepartments(org: Org) -> None:
    for person in (org.manager, org.employee, org.former):  # Engineering and Platform
        got = access(org.hrbp, person)
        assert Access.SALARY in got and Access.PROTECTED not in got
    assert org.former.pk in visible_ids(org.hrbp)


def test_hrbp_outside_scope_sees_directory_only(org: Org) -> None:
    assert access(org.hrbp, org.salesperson) == Access.DIRECTORY
    assert access(org.hrbp, org.ceo) == Access.DIRECTORY


def test_executive_sees_work_records_in_scope_but_never_salary(org: Org) -> None:
    got = access(org.executive, org.salesperson)
    assert Access.WORK in got and Access.SALARY not in got
    assert access(org.executive, org.employee) == Access.DIRECTORY


def test_reports_subtree_is_direct_and_indirect(org: Org) -> None:
    reports = set(Employee.objects.reports_of(org.manager).values_list("id", flat=True))
    assert reports == {org.lead.pk, org.employee.pk, org.peer.pk, org.former.pk}
