"""Designing a cycle: create, change while a draft, deadlines in order,
the settings' rules, who may, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.core.models import AuditEntry
from cadence.reviews.models import Cycle, Stage
from cadence.reviews.services_cycles import set_phase_deadlines, update_cycle
from tests.conftest import Org
from tests.review_factories import simple_template
from tests.reviews.cycle_helpers import PHASES, design, launched

pytestmark = pytest.mark.django_db


def errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_hr_admin_designs_a_draft_with_deadlines_and_it_is_audited(org: Org) -> None:
    cycle = design(org.hr_admin, rule_department_ids=[org.engineering.pk], peers_max=4)
    assert cycle.stage == Stage.DRAFT and cycle.created_by == org.hr_admin
    assert [p.kind for p in cycle.phases.all()] == [p["kind"] for p in PHASES]
    entry = AuditEntry.objects.get(action="review_cycle.create", object_id=str(cycle.pk))
    assert entry.after["rule_department_ids"] == [org.engineering.pk]
    assert entry.after["phases"]["self_review"] == ["2027-01-04", "2027-01-15"]


@pytest.mark.parametrize("who", ["hrbp", "executive", "auditor", "outsider"])
def test_only_hr_admins_design_cycles(org: Org, who: str) -> None:
    with pytest.raises(PermissionDenied):
        design(getattr(org, who))
    with pytest.raises(PermissionDenied):
        design(org.manager.user)
    assert not Cycle.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"peers_min": 4, "peers_max": 3}, "peers_max"),
        ({"min_group_size": 2}, "min_group_size"),
        ({"rule_department_ids": [999_999]}, "rule_department_ids"),
        ({"rule_location_ids": [999_999]}, "rule_location_ids"),
        ({"rule_job_level_ids": [999_999]}, "rule_job_level_ids"),
        ({"included_employee_ids": ["x"]}, "included_employee_ids"),
        (
            {"include_self": False, "include_manager": False, "include_peer": False},
            "include_self",
        ),
        ({"nonsense": 1}, "nonsense"),
    ],
)
def test_bad_settings_are_refused_field_by_field(org: Org, values: dict, field: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        design(org.hr_admin, **values)
    assert field in errors(excinfo)
    assert not Cycle.objects.exists()


def test_nobody_is_both_included_and_excluded(org: Org) -> None:
    with pytest.raises(ValidationError) as excinfo:
        design(
            org.hr_admin,
            included_employee_ids=[org.peer.pk],
            excluded_employee_ids=[org.peer.pk, org.lead.pk],
        )
    assert "excluded_employee_ids" in errors(excinfo)


def test_an_archived_template_is_refused(org: Org) -> None:
    with pytest.raises(ValidationError) as excinfo:
        design(org.hr_admin, template=simple_template(is_archived=True))
    assert "template" in errors(excinfo)


def test_archiving_the_template_later_does_not_block_renaming(org: Org) -> None:
    cycle = design(org.hr_admin)
    cycle.template.is_archived = True
    cycle.template.save()
    update_cycle(actor=org.hr_admin, cycle=cycle, name="Renamed")
    assert Cycle.objects.get(pk=cycle.pk).name == "Renamed"


def test_deadlines_must_follow_the_lifecycle(org: Org) -> None:
    phases = [
        {"kind": "self_review", "due_on": dt.date(2027, 2, 1)},
        {"kind": "manager_review", "due_on": dt.date(2027, 1, 1)},
    ]
    with pytest.raises(ValidationError) as excinfo:
        design(org.hr_admin, phases=phases)
    assert "Manager review is due before Self review" in errors(excinfo)["phases"][0]


@pytest.mark.parametrize(
    "phases",
    [
        [{"kind": "self_review", "opens_on": dt.date(2027, 2, 2), "due_on": dt.date(2027, 2, 1)}],
        [{"kind": "self_review", "due_on": dt.date(2027, 2, 1)}] * 2,
        [{"kind": "holiday", "due_on": dt.date(2027, 2, 1)}],
        [{"kind": "self_review", "due_on": None}],
    ],
)
def test_bad_phases_are_refused(org: Org, phases: list) -> None:
    with pytest.raises(ValidationError) as excinfo:
        design(org.hr_admin, phases=phases)
    assert "phases" in errors(excinfo)


def test_update_checks_the_version_and_audits_only_what_changed(org: Org) -> None:
    cycle = design(org.hr_admin)
    update_cycle(actor=org.hr_admin, cycle=cycle, expected_version=1, peers_max=7)
    cycle.refresh_from_db()
    assert cycle.version == 2 and cycle.peers_max == 7
    entry = AuditEntry.objects.get(action="review_cycle.update")
    assert entry.before == {"peers_max": 5} and entry.after == {"peers_max": 7}
    with pytest.raises(ValidationError) as excinfo:
        update_cycle(actor=org.hr_admin, cycle=cycle, expected_version=1, peers_max=8)
    assert "version" in errors(excinfo)


def test_phases_replace_while_a_draft(org: Org) -> None:
    cycle = design(org.hr_admin)
    set_phase_deadlines(
        actor=org.hr_admin,
        cycle=cycle,
        phases=[{"kind": "self_review", "due_on": dt.date(2027, 3, 1)}],
    )
    assert [(p.kind, p.due_on) for p in cycle.phases.all()] == [
        ("self_review", dt.date(2027, 3, 1))
    ]
    entry = AuditEntry.objects.get(action="review_cycle.phases")
    assert entry.before["self_review"] == ["2027-01-04", "2027-01-15"]
    assert entry.before["manager_review"] == [None, "2027-02-10"]
    assert entry.after["manager_review"] is None


def test_a_launched_cycle_keeps_its_design(org: Org) -> None:
    cycle = launched(org.hr_admin)
    with pytest.raises(ValidationError) as excinfo:
        update_cycle(actor=org.hr_admin, cycle=cycle, peers_max=9, upward_anonymous=False)
    assert set(errors(excinfo)) == {"peers_max", "upward_anonymous"}
    update_cycle(actor=org.hr_admin, cycle=cycle, name="Still renamable")
    # Deadlines move only by extension; a missing phase may be added.
    with pytest.raises(ValidationError):
        set_phase_deadlines(actor=org.hr_admin, cycle=cycle, phases=PHASES[:2])
    set_phase_deadlines(
        actor=org.hr_admin,
        cycle=cycle,
        phases=[*PHASES, {"kind": "release", "due_on": dt.date(2027, 3, 1)}],
    )
    assert cycle.phases.filter(kind="release").exists()
