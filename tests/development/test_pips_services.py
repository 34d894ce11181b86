"""Opening and editing a plan, its check-in schedule, recording check-ins,
and the audit trail of each change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cadence.core.models import AuditEntry, Notification
from cadence.development import services_pips as services
from cadence.development import services_pips_record as pip_record
from cadence.development.models import (
    CheckInProgress,
    ExpectationProgress,
    PlanCheckIn,
    PlanState,
)
from tests.conftest import Org
from tests.development.pip_support import (
    CONCERNS,
    expectation,
    make_plan,
    open_draft,
    partner_of,
    user_of,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2030, 1, 1)


def _open(org: Org, actor=None, **overrides):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "employee": org.employee,
        "hr_partner": partner_of(org),
        "concerns": CONCERNS,
        "starts_on": TODAY,
        "ends_on": TODAY + dt.timedelta(days=60),
        "check_in_every_days": 14,
        "expectations": [expectation(start=TODAY)],
    }
    values.update(overrides)
    return services.open_plan(actor=actor or user_of(org.manager), **values)


# --- who may open -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "manager", "ceo", "hr_admin"])
def test_the_chain_and_hr_admin_open_a_draft(org: Org, who: str) -> None:
    actor = getattr(org, who)
    plan = _open(org, actor=getattr(actor, "user", actor))
    assert plan.state == PlanState.DRAFT
    # An HR admin outside the chain opens it for the line manager.
    assert plan.manager == (org.lead if who == "hr_admin" else actor)
    entry = AuditEntry.objects.get(action="pip.open", object_id=str(plan.pk))
    assert entry.after["concerns"] == CONCERNS
    assert entry.after["expectations"][0]["description"].startswith("Deliver")


@pytest.mark.parametrize("who", ["peer", "other_manager", "employee", "hrbp", "executive"])
def test_others_may_not_open(org: Org, who: str) -> None:
    actor = getattr(org, who)
    with pytest.raises(PermissionDenied):
        _open(org, actor=getattr(actor, "user", actor))


def test_partner_must_be_hr_for_the_department(org: Org) -> None:
    for partner in (user_of(org.manager), org.executive, org.auditor):
        with pytest.raises(ValidationError) as caught:
            _open(org, hr_partner=partner)
        assert "HR business partner for Platform" in caught.value.message_dict["hr_partner"][0]
    # HRBP over Engineering covers Platform (below it); HR admin covers all.
    assert _open(org, hr_partner=org.hrbp).hr_partner == org.hrbp


def test_partner_from_another_department_is_refused(org: Org) -> None:
    with pytest.raises(ValidationError) as caught:
        _open(org, employee=org.salesperson, actor=org.hr_admin, hr_partner=org.hrbp)
    assert "HR business partner for Sales" in caught.value.message_dict["hr_partner"][0]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"concerns": "  Bad.  "}, "concerns"),
        ({"ends_on": TODAY - dt.timedelta(days=1)}, "ends_on"),
        ({"ends_on": TODAY + dt.timedelta(days=5)}, "ends_on"),
        ({"ends_on": TODAY + dt.timedelta(days=400)}, "ends_on"),
        ({"check_in_every_days": 0}, "check_in_every_days"),
        ({"hr_partner": None}, "hr_partner"),
    ],
)
def test_terms_are_checked(org: Org, overrides: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _open(org, **overrides)
    assert field in caught.value.message_dict


def test_expectations_are_checked_one_by_one(org: Org) -> None:
    items = [
        expectation(start=TODAY),
        services.ExpectationInput("Improve", "", TODAY + dt.timedelta(days=5)),
        services.ExpectationInput("Improve", "Measured", TODAY + dt.timedelta(days=90)),
    ]
    with pytest.raises(ValidationError) as caught:
        _open(org, expectations=items)
    errors = caught.value.message_dict
    assert set(errors) == {"expectations.1.success_criterion", "expectations.2.due_on"}
    assert "within the plan" in errors["expectations.2.due_on"][0]


def test_one_open_plan_per_employee_and_not_for_former_staff(org: Org) -> None:
    _open(org)
    with pytest.raises(ValidationError) as caught:
        _open(org)
    assert "already has an open improvement plan" in caught.value.message_dict["employee"][0]
    with pytest.raises(ValidationError):
        _open(org, employee=org.former)


# --- editing a draft --------------------------------------------------------------------------


def test_edit_a_draft_replaces_expectations_and_audits(org: Org) -> None:
    plan = _open(org)
    first = plan.expectations.get()
    services.update_plan(
        actor=user_of(org.manager),
        plan=plan,
        expected_version=plan.version,
        support="A mentor.",
        expectations=[
            services.ExpectationInput("Kept, reworded", "Measured", first.due_on, first.pk),
            services.ExpectationInput("New one", "Measured too", TODAY + dt.timedelta(days=40)),
        ],
    )
    plan.refresh_from_db()
    assert plan.version == 2
    assert [e.description for e in plan.expectations.all()] == ["Kept, reworded", "New one"]
    assert plan.expectations.filter(pk=first.pk).exists()
    entry = AuditEntry.objects.get(action="pip.update")
    assert entry.before["support"] == ""
    assert entry.after["support"] == "A mentor."
    assert len(entry.after["expectations"]) == 2


def test_edit_with_a_stale_version_is_refused(org: Org) -> None:
    plan = _open(org)
    services.update_plan(actor=user_of(org.manager), plan=plan, support="One")
    with pytest.raises(ValidationError) as caught:
        services.update_plan(actor=user_of(org.lead), plan=plan, expected_version=1, support="Two")
    assert "changed by someone else" in caught.value.message_dict["version"][0]


def test_moving_the_dates_keeps_expectations_inside(org: Org) -> None:
    plan = _open(org)
    with pytest.raises(ValidationError) as caught:
        services.update_plan(
            actor=user_of(org.manager), plan=plan, ends_on=TODAY + dt.timedelta(days=20)
        )
    assert "expectations.0.due_on" in caught.value.message_dict


def test_only_a_draft_is_edited_and_only_by_those_running_it(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    with pytest.raises(ValidationError) as caught:
        services.update_plan(actor=user_of(org.manager), plan=plan, support="x")
    assert "only a draft can be edited" in caught.value.message_dict["state"][0]
    draft = make_plan(org, PlanState.DRAFT, employee=org.peer)
    for outsider in (
        user_of(org.peer),
        user_of(org.other_manager),
        org.hrbp,
        user_of(org.employee),
    ):
        with pytest.raises(PermissionDenied):
            services.update_plan(actor=outsider, plan=draft, support="x")
    # The HR partner runs the plan too.
    services.update_plan(actor=partner_of(org), plan=draft, support="From HR")


# --- schedule ---------------------------------------------------------------------------------


def test_check_in_days() -> None:
    start = dt.date(2030, 1, 1)
    assert services.check_in_days(start, start + dt.timedelta(days=30), 14) == [
        dt.date(2030, 1, 15),
        dt.date(2030, 1, 29),
        dt.date(2030, 1, 31),
    ]
    assert services.check_in_days(start, start + dt.timedelta(days=28), 14) == [
        dt.date(2030, 1, 15),
        dt.date(2030, 1, 29),
    ]


def test_activation_schedules_check_ins_and_tells_the_employee(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE, days=60, every=14)
    days = list(plan.check_ins.values_list("scheduled_on", flat=True))
    assert days == services.check_in_days(plan.starts_on, plan.ends_on, 14)
    assert len(days) == len(set(days)) == 5
    assert plan.original_ends_on == plan.ends_on
    assert Notification.objects.filter(
        recipient=org.employee, key=f"pip.activated:{plan.pk}"
    ).exists()


def test_extension_adds_check_ins_without_duplicates(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE, days=60, every=14)
    old_end = plan.ends_on
    plan = services.extend(
        actor=user_of(org.manager),
        plan=plan,
        ends_on=old_end + dt.timedelta(days=30),
        reason="Slow",
    )
    days = list(plan.check_ins.values_list("scheduled_on", flat=True))
    assert len(days) == len(set(days))
    assert days[-3:] == [
        old_end + dt.timedelta(days=14),
        old_end + dt.timedelta(days=28),
        old_end + dt.timedelta(days=30),
    ]
    assert plan.original_ends_on == old_end
    assert "Slow" in plan.extended_reason
    again = services.extend(
        actor=user_of(org.manager),
        plan=plan,
        ends_on=plan.ends_on + dt.timedelta(days=7),
        reason="More",
    )
    assert again.state == PlanState.EXTENDED
    assert "Slow" in again.extended_reason and "More" in again.extended_reason


# --- check-ins --------------------------------------------------------------------------------


def _progress(plan, value=ExpectationProgress.PROGRESSING):  # type: ignore[no-untyped-def]
    return [pip_record.ProgressInput(e.pk, value, "ok") for e in plan.expectations.all()]


def test_recording_a_check_in_updates_progress(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE, expectations=2)
    scheduled = plan.check_ins.earliest("scheduled_on")
    today = timezone.localdate()
    recorded = pip_record.record_check_in(
        actor=user_of(org.lead),
        plan=plan,
        held_on=today,
        notes="Went through both.",
        check_in=scheduled,
        progress=_progress(plan, ExpectationProgress.AT_RISK),
    )
    assert recorded.pk == scheduled.pk
    assert recorded.held_on == today
    assert recorded.recorded_by == user_of(org.lead)
    assert set(plan.expectations.values_list("progress", flat=True)) == {"at_risk"}
    assert CheckInProgress.objects.filter(check_in=recorded).count() == 2
    entry = AuditEntry.objects.get(action="pip.check_in")
    assert entry.after["notes"] == "Went through both."
    assert set(entry.before["progress"].values()) == {"not_started"}


def test_an_unscheduled_check_in_is_added_on_the_day(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    today = timezone.localdate()
    count = plan.check_ins.count()
    pip_record.record_check_in(actor=user_of(org.manager), plan=plan, held_on=today, notes="Ad hoc")
    assert plan.check_ins.count() == count + 1
    with pytest.raises(ValidationError) as caught:
        pip_record.record_check_in(
            actor=user_of(org.manager), plan=plan, held_on=today, notes="Again"
        )
    assert "already recorded" in caught.value.message_dict["check_in"][0]


def test_check_in_rules(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        pip_record.record_check_in(actor=user_of(org.employee), plan=plan, held_on=today, notes="x")
    with pytest.raises(PermissionDenied):
        pip_record.record_check_in(actor=org.hrbp, plan=plan, held_on=today, notes="x")
    with pytest.raises(ValidationError) as caught:
        pip_record.record_check_in(
            actor=partner_of(org),
            plan=plan,
            held_on=today + dt.timedelta(days=1),
            notes="",
            progress=[pip_record.ProgressInput(999_999, "met")],
        )
    assert {"held_on", "notes", "progress.999999"} <= set(caught.value.message_dict)
    draft = make_plan(org, PlanState.DRAFT, employee=org.peer)
    with pytest.raises(ValidationError) as caught:
        pip_record.record_check_in(actor=user_of(org.manager), plan=draft, held_on=today, notes="x")
    assert "draft" in caught.value.message_dict["state"][0]
    assert not PlanCheckIn.objects.filter(held_on__isnull=False).exists()


def test_open_draft_helper_uses_the_partner(org: Org) -> None:
    plan = open_draft(org)
    assert plan.hr_partner == partner_of(org)
