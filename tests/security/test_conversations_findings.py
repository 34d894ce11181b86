"""Regression tests for the security review of issue 5 (feedback, 1:1s,
improvement and development plans): each test is a finding that was
confirmed, then fixed.

1. An improvement plan's words reached the audit log page and its CSV,
   which auditors read although the plan is refused to them.
2. The draft editor showed a plan without writing the read to the access log.
3. A decline reason and a development-plan comment reached the audit log.
4. A non-ASCII digit in a query string ("²") raised a 500.
5. An HR admin could read their own plan while it was a draft.
6. Check-in reminders went to a manager who no longer manages the employee.
7. A viewer with no place in the reporting tree matched everyone's path.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cadence.core.models import AccessLogEntry, AuditEntry, Notification, Role
from cadence.core.permissions import Viewer
from cadence.development import services_growth
from cadence.development import services_pips as pips
from cadence.development import services_pips_record as pip_record
from cadence.development.models import ImprovementPlan, PlanState
from cadence.development.tasks_pips import send_plan_check_in_reminders
from cadence.feedback import services_feedback
from cadence.people.models import Employee
from cadence.people.paths import rebuild_reporting_paths
from tests.conftest import Org
from tests.development.pip_support import CONCERNS, make_plan, open_draft, user_of
from tests.factories import grant

pytestmark = pytest.mark.django_db

NOTES = "CHECK-IN-NOTES-MARKER about the missed sprint"
DECLINE = "DECLINE-REASON-MARKER"
COMMENT = "DEV-COMMENT-MARKER"


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def audit_page_and_csv(client: Client) -> str:
    page = client.get("/logs/audit/").content.decode()
    csv = b"".join(client.get("/logs/audit/", {"format": "csv"}).streaming_content).decode()
    return page + csv


def test_auditor_reads_no_improvement_plan_words_in_the_audit_log(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    pip_record.record_check_in(
        actor=user_of(org.manager), plan=plan, held_on=timezone.localdate(), notes=NOTES
    )
    auditor = signed_in(org.auditor)
    assert auditor.get(f"/development/improvement-plans/{plan.pk}/").status_code == 404
    logs = audit_page_and_csv(auditor)
    assert "pip.check_in" in logs and "pip.open" in logs  # the changes are there…
    for words in (CONCERNS[:30], NOTES, "Deliver committed sprint work"):
        assert words not in logs  # … their words are not
    # The trail itself still holds what was written (a plan is a legal record).
    assert NOTES in str(AuditEntry.objects.get(action="pip.check_in", object_id=str(plan.pk)).after)


def test_decline_reason_and_development_comment_hidden_from_the_auditor(org: Org) -> None:
    request = services_feedback.request_feedback(
        actor=user_of(org.employee),
        responders=[org.peer],
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    services_feedback.decline_ask(actor=user_of(org.peer), ask=request.asks.get(), reason=DECLINE)
    plan = services_growth.create_plan(
        actor=user_of(org.employee),
        employee=org.employee,
        title="Grow",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=90),
    )
    services_growth.add_comment(actor=user_of(org.lead), plan=plan, body=COMMENT)
    logs = audit_page_and_csv(signed_in(org.auditor))
    assert "feedback_request.decline" in logs and "development_plan.comment" in logs
    assert DECLINE not in logs and COMMENT not in logs


def test_opening_the_draft_editor_is_an_access_logged_read(org: Org) -> None:
    plan = open_draft(org)
    reads = AccessLogEntry.objects.filter(context="pip.edit", object_id=str(plan.pk))
    response = signed_in(user_of(org.manager)).get(
        f"/development/improvement-plans/{plan.pk}/edit/"
    )
    assert response.status_code == 200 and CONCERNS.encode() in response.content
    assert reads.count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/feedback/one-on-ones/new/?report=%C2%B2",
        "/development/improvement-plans/new/?employee=%C2%B2",
    ],
)
def test_a_non_ascii_digit_is_not_an_id(org: Org, url: str) -> None:
    client = signed_in(user_of(org.manager))
    client.raise_request_exception = False
    assert client.get(url).status_code == 200


def test_an_hr_admin_on_a_plan_does_not_read_it_while_it_is_a_draft(org: Org) -> None:
    assert org.employee.user is not None
    grant(org.employee.user, Role.HR_ADMIN)
    draft = open_draft(org)
    visible = ImprovementPlan.objects.visible_to(org.employee.user)
    assert not visible.filter(pk=draft.pk).exists()
    pips.activate(actor=user_of(org.manager), plan=draft)
    assert ImprovementPlan.objects.visible_to(org.employee.user).filter(pk=draft.pk).exists()


def test_reminders_follow_the_employee_to_their_new_manager(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE, starts_on=timezone.localdate() - dt.timedelta(days=20))
    assert plan.manager_id == org.manager.pk
    # Emma moves to the sales team: her old chain no longer manages her.
    Employee.objects.filter(pk=org.employee.pk).update(manager=org.other_manager)
    rebuild_reporting_paths()
    send_plan_check_in_reminders.call()
    told = set(Notification.objects.filter(kind__startswith="pip.").values_list("recipient_id"))
    assert (org.manager.pk,) not in told
    assert (org.other_manager.pk,) in told


def test_no_place_in_the_tree_means_no_reports(org: Org) -> None:
    lost = Viewer(user_id=1, employee_id=org.employee.pk, employee_path="")
    assert not Employee.objects.filter(lost.reports_q()).exists()
    placed = Viewer(user_id=1, employee_id=org.lead.pk, employee_path=org.lead.reporting_path)
    assert list(Employee.objects.filter(placed.reports_q())) == [org.employee]
