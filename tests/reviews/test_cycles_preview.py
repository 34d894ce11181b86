"""The launch preview: who the rules take in, who they leave out and why,
and who gets no manager review."""

from __future__ import annotations

import datetime as dt

import pytest

from cadence.people.models import EmploymentStatus
from cadence.reviews import participants
from cadence.reviews.models import Cycle
from tests.conftest import Org
from tests.factories import EmployeeFactory, JobProfileFactory, LocationFactory
from tests.reviews.cycle_helpers import design

pytestmark = pytest.mark.django_db


def names(qs: object) -> set[str]:
    return {e.first_name for e in qs}  # type: ignore[attr-defined]


def reasons(cycle: Cycle) -> dict[str, str]:
    """first name → reason, for everyone the rules pick."""
    return dict(participants.candidates(cycle).values_list("first_name", "reason"))


def test_whole_organisation_when_no_rule_is_set(org: Org) -> None:
    cycle = design(org.hr_admin)
    preview = participants.preview(cycle)
    assert preview.in_count == 7  # everyone but the former employee
    assert preview.out_counts == {"excluded": 0, "terminated": 1, "inactive": 0, "too_new": 0}
    assert names(preview.listing("out")) == {"Fay"}
    # The CEO has no manager: in, with a self review but no manager review.
    assert names(preview.listing("no_manager")) == {"Cora"}
    assert participants.reason_label("", no_manager=True).startswith("No manager")


def test_each_reason_once_in_check_order(org: Org) -> None:
    org.peer.status = EmploymentStatus.ON_LEAVE
    org.peer.save()
    org.lead.hire_date = dt.date(2026, 10, 1)
    org.lead.save()
    cycle = design(
        org.hr_admin,
        rule_department_ids=[org.engineering.pk],  # Platform is below Engineering
        rule_hired_before=dt.date(2026, 7, 1),
        excluded_employee_ids=[org.employee.pk],
        included_employee_ids=[org.salesperson.pk],
    )
    assert reasons(cycle) == {
        "Mona": "",  # manager
        "Lee": "too_new",
        "Emma": "excluded",
        "Pat": "inactive",
        "Fay": "terminated",
        "Sam": "",  # included though in Sales
    }
    preview = participants.preview(cycle)
    assert (preview.in_count, preview.out_count) == (2, 4)
    assert names(preview.listing("out", "too_new")) == {"Lee"}
    assert preview.counts()["excluded"] == 1
    # Sales' manager and the CEO match no rule: never listed as out.
    assert "Otto" not in reasons(cycle) and "Cora" not in reasons(cycle)


def test_an_inclusion_overrides_leave_and_the_cut_off_but_not_leaving(org: Org) -> None:
    org.peer.status = EmploymentStatus.ON_LEAVE
    org.peer.save()
    org.lead.hire_date = dt.date(2026, 10, 1)
    org.lead.save()
    cycle = design(
        org.hr_admin,
        rule_hired_before=dt.date(2026, 7, 1),
        included_employee_ids=[org.peer.pk, org.lead.pk, org.former.pk],
    )
    found = reasons(cycle)
    assert (found["Pat"], found["Lee"], found["Fay"]) == ("", "", "terminated")


def test_the_status_rule_can_take_people_on_leave_in_but_never_leavers(org: Org) -> None:
    org.peer.status = EmploymentStatus.ON_LEAVE
    org.peer.save()
    cycle = design(org.hr_admin, rule_include_on_leave=True)
    found = reasons(cycle)
    assert (found["Pat"], found["Fay"]) == ("", "terminated")
    assert participants.preview(cycle).out_counts["inactive"] == 0


def test_an_exclusion_beats_everything(org: Org) -> None:
    cycle = design(org.hr_admin, excluded_employee_ids=[org.former.pk, org.ceo.pk])
    found = reasons(cycle)
    assert found["Fay"] == "excluded" and found["Cora"] == "excluded"


def test_hired_on_the_cut_off_day_is_too_new(org: Org) -> None:
    org.peer.hire_date = dt.date(2026, 7, 1)
    org.peer.save()
    org.lead.hire_date = dt.date(2026, 6, 30)
    org.lead.save()
    found = reasons(design(org.hr_admin, rule_hired_before=dt.date(2026, 7, 1)))
    assert (found["Pat"], found["Lee"]) == ("too_new", "")


def test_unknown_hire_date_is_not_too_new(org: Org) -> None:
    org.peer.hire_date = None
    org.peer.save()
    cycle = design(org.hr_admin, rule_hired_before=dt.date(2019, 1, 1))
    found = reasons(cycle)
    assert found["Pat"] == "" and found["Emma"] == "too_new"


def test_a_manager_who_left_means_no_manager_review(org: Org) -> None:
    orphan = EmployeeFactory(first_name="Orla", manager=org.former, department=org.engineering)
    cycle = design(org.hr_admin)
    people = {e.first_name: e for e in participants.candidates(cycle)}
    assert people["Orla"].no_manager and people["Orla"].review_manager_id is None
    assert people["Emma"].review_manager_id == org.lead.pk and not people["Emma"].no_manager
    assert orphan.first_name in names(participants.preview(cycle).listing("no_manager"))


def test_location_and_job_level_rules_combine(org: Org) -> None:
    office = LocationFactory()
    profile = JobProfileFactory()
    for person in (org.peer, org.lead):
        person.location = office
        person.save()
    org.lead.job_profile = profile
    org.lead.save()
    cycle = design(
        org.hr_admin, rule_location_ids=[office.pk], rule_job_level_ids=[profile.level_id]
    )
    assert reasons(cycle) == {"Lee": ""}


def test_the_preview_costs_two_queries_whatever_the_size(
    org: Org, django_assert_num_queries: object
) -> None:
    cycle = design(org.hr_admin, rule_department_ids=[org.engineering.pk])
    with django_assert_num_queries(2):  # type: ignore[operator]
        participants.preview(cycle)
