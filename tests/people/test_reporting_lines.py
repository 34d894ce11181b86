"""Reporting lines form a tree: a change that would make a loop is refused
with a clear field message and nothing changes; a move carries the subtree."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.core.models import AuditEntry
from cadence.people import services
from cadence.people.models import Employee
from cadence.people.paths import CycleError, compute_paths, find_cycle
from tests.conftest import Org


def test_manager_cannot_report_to_their_own_indirect_report(org: Org) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_employee(actor=org.hr_admin, employee=org.manager, manager=org.employee)
    assert "reporting loop" in exc.value.message_dict["manager"][0]
    org.manager.refresh_from_db()
    assert org.manager.manager_id == org.ceo.pk
    assert not AuditEntry.objects.filter(action="employee.update").exists()


def test_employee_cannot_manage_themself(org: Org) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_employee(actor=org.hr_admin, employee=org.peer, manager=org.peer)
    assert "manager" in exc.value.message_dict


def test_moving_a_manager_moves_their_whole_subtree(org: Org) -> None:
    services.update_employee(actor=org.hr_admin, employee=org.lead, manager=org.other_manager)
    org.employee.refresh_from_db()
    assert org.employee.manager_chain_ids == [org.ceo.pk, org.other_manager.pk, org.lead.pk]
    assert org.employee.pk not in Employee.objects.reports_of(org.manager).values_list(
        "id", flat=True
    )


def test_department_cannot_move_under_its_own_subdepartment(org: Org) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_department(
            actor=org.hr_admin, department=org.engineering, parent=org.platform
        )
    assert "parent" in exc.value.message_dict


forests = st.dictionaries(
    st.integers(1, 40), st.one_of(st.none(), st.integers(1, 40)), min_size=1, max_size=40
)


@settings(max_examples=200, deadline=None)
@given(forests)
def test_compute_paths_agrees_with_find_cycle(parents: dict[int, int | None]) -> None:
    parents = {k: (v if v in parents else None) for k, v in parents.items()}
    loop = find_cycle(parents)
    if loop is None:
        paths = compute_paths(parents)
        for node, parent in parents.items():
            expected = (paths[parent] if parent else "/") + f"{node}/"
            assert paths[node] == expected
    else:
        assert all(parents[a] == b for a, b in zip(loop, loop[1:] + loop[:1], strict=True))
        with pytest.raises(CycleError):
            compute_paths(parents)
