"""The feedback services: giving feedback and praise, feedback requests
(ask, answer, decline), company values. Each rule, its message, its audit
row and who is notified."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.core.models import AuditEntry
from cadence.feedback import selectors_feedback as selectors
from cadence.feedback import services_feedback as services
from cadence.feedback.models import AskStatus, CompanyValue, Feedback, FeedbackRequest
from cadence.goals.models import Visibility
from cadence.people.models import EmploymentStatus
from tests.conftest import Org
from tests.factories import CompetencyFactory, ObjectiveFactory
from tests.feedback.feedback_support import (
    TODAY,
    CompanyValueFactory,
    V,
    audit_actions,
    feedback_request,
    notices_to,
    person,
)


def _message(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# --- giving feedback ---------------------------------------------------------------


def test_give_feedback_defaults_to_private_and_is_audited_without_its_text(org: Org) -> None:
    given = services.give_feedback(
        actor=org.peer.user, recipient=org.employee, body="  Great demo.  "
    )
    assert given.visibility == V.PRIVATE
    assert given.body == "Great demo."
    entry = AuditEntry.objects.get(action="feedback.give", object_id=str(given.pk))
    assert entry.after["recipient"] == org.employee.pk
    assert entry.after["visibility"] == "private"
    # HR admins and auditors read the audit log; the text is not theirs to read.
    assert "Great demo" not in str(entry.after)
    [notice] = notices_to(org.employee)
    assert notice.kind == "feedback.received"
    assert notice.url == "/feedback/mine/"


def test_give_feedback_with_competency_value_and_visible_goal(org: Org) -> None:
    competency = CompetencyFactory()
    value = CompanyValueFactory(name="Customers first")
    goal = ObjectiveFactory(owner_employee=org.employee, visibility=Visibility.PUBLIC)
    given = services.give_feedback(
        actor=org.peer.user,
        recipient=org.employee,
        body="You kept the customer in the loop.",
        visibility=V.PUBLIC,
        competency=competency,
        value=value,
        goal=goal,
    )
    assert (given.competency, given.value, given.goal) == (competency, value, goal)
    assert notices_to(org.employee)[0].title == "Pat Peer praised you on the praise wall"


@pytest.mark.parametrize(
    ("recipient_name", "message"),
    [
        ("peer", "You cannot give feedback to yourself."),
        ("former", "Fay Former has left the organisation; feedback can only go to current"),
    ],
)
def test_give_feedback_refuses_self_and_leavers(
    org: Org, recipient_name: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.give_feedback(
            actor=org.peer.user, recipient=getattr(org, recipient_name), body="Hello"
        )
    assert message in _message(caught.value, "recipient")
    assert not Feedback.objects.exists()


def test_give_feedback_needs_a_recipient_and_a_body(org: Org) -> None:
    with pytest.raises(ValidationError) as caught:
        services.give_feedback(actor=org.peer.user, recipient=None, body="Hello")
    assert _message(caught.value, "recipient") == "Choose who the feedback is for."
    with pytest.raises(ValidationError) as caught:
        services.give_feedback(actor=org.peer.user, recipient=org.employee, body="   ")
    assert _message(caught.value, "body") == "Write the feedback itself."
    with pytest.raises(ValidationError) as caught:
        services.give_feedback(actor=org.peer.user, recipient=org.employee, body="x" * 10_001)
    assert "Keep it under 10,000 characters" in _message(caught.value, "body")


def test_give_feedback_refuses_an_inactive_value_and_a_goal_the_giver_cannot_see(
    org: Org,
) -> None:
    old = CompanyValueFactory(name="Move fast", active=False)
    hidden = ObjectiveFactory(owner_employee=org.salesperson, visibility=Visibility.PRIVATE)
    with pytest.raises(ValidationError) as caught:
        services.give_feedback(
            actor=org.peer.user, recipient=org.employee, body="Hi", value=old, goal=hidden
        )
    assert _message(caught.value, "value") == "“Move fast” is no longer one of the company values."
    assert _message(caught.value, "goal") == "Choose one of the goals you can see."


def test_give_feedback_refuses_unknown_visibility(org: Org) -> None:
    with pytest.raises(ValidationError) as caught:
        services.give_feedback(
            actor=org.peer.user, recipient=org.employee, body="Hi", visibility="everyone"
        )
    assert _message(caught.value, "visibility") == "Choose who may read this feedback."


@pytest.mark.parametrize("who", ["hr_admin", "auditor", "outsider"])
def test_logins_without_an_employee_cannot_give_feedback(org: Org, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.give_feedback(actor=getattr(org, who), recipient=org.employee, body="Hi")


def test_manager_only_feedback_tells_the_direct_manager_not_the_recipient(org: Org) -> None:
    given = services.give_feedback(
        actor=org.peer.user, recipient=org.employee, body="Struggles", visibility=V.MANAGER_ONLY
    )
    assert notices_to(org.employee) == []
    [notice] = notices_to(org.lead)
    assert notice.kind == "feedback.for_manager"
    assert notice.key == f"feedback.for_manager:{given.pk}"
    assert notices_to(org.manager) == []


def test_manager_only_feedback_needs_a_manager(org: Org) -> None:
    with pytest.raises(ValidationError) as caught:
        services.give_feedback(
            actor=org.peer.user, recipient=org.ceo, body="Hi", visibility=V.MANAGER_ONLY
        )
    assert "Cora Chief has no manager" in _message(caught.value, "visibility")


# --- feedback requests -------------------------------------------------------------


def test_request_feedback_on_yourself_notifies_each_person_asked(org: Org) -> None:
    request = services.request_feedback(
        actor=org.employee.user,
        responders=[org.peer, org.salesperson],
        message="How was my talk?",
        due_on=TODAY + dt.timedelta(days=7),
        today=TODAY,
    )
    assert request.subject == org.employee
    assert {a.responder for a in request.asks.all()} == {org.peer, org.salesperson}
    [notice] = notices_to(org.peer)
    assert notice.title == "Emma Employee asks for your feedback"
    assert "How was my talk?" in notice.body
    ask = request.asks.get(responder=org.peer)
    assert notice.url == f"/feedback/asks/{ask.pk}/answer/"
    entry = AuditEntry.objects.get(action="feedback_request.create")
    assert entry.after["responders"] == [org.peer.pk, org.salesperson.pk]


def test_manager_requests_feedback_on_an_indirect_report(org: Org) -> None:
    request = services.request_feedback(
        actor=org.manager.user,
        subject=org.employee,
        responders=[org.peer],
        due_on=TODAY,
        today=TODAY,
    )
    assert (request.requester, request.subject) == (org.manager, org.employee)
    assert notices_to(org.peer)[0].title == "Mona Manager asks for your feedback on Emma Employee"


@pytest.mark.parametrize(
    ("actor", "subject"),
    [("peer", "employee"), ("other_manager", "employee"), ("employee", "lead")],
)
def test_feedback_can_only_be_requested_on_yourself_or_your_reports(
    org: Org, actor: str, subject: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.request_feedback(
            actor=getattr(org, actor).user,
            subject=getattr(org, subject),
            responders=[org.salesperson],
            due_on=TODAY,
            today=TODAY,
        )
    assert not FeedbackRequest.objects.exists()


@pytest.mark.parametrize(
    ("responders", "message"),
    [
        ([], "Name at least one colleague to ask."),
        (["peer", "peer"], "Pat Peer is listed twice."),
        (["employee"], "You cannot ask yourself."),
        (["former"], "Fay Former has left the organisation."),
    ],
)
def test_request_feedback_checks_the_people_asked(
    org: Org, responders: list[str], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.request_feedback(
            actor=org.employee.user,
            responders=[getattr(org, name) for name in responders],
            due_on=TODAY,
            today=TODAY,
        )
    assert _message(caught.value, "responders") == message


def test_request_feedback_refuses_asking_the_subject_about_themself(org: Org) -> None:
    with pytest.raises(ValidationError) as caught:
        services.request_feedback(
            actor=org.lead.user,
            subject=org.employee,
            responders=[org.employee],
            due_on=TODAY,
            today=TODAY,
        )
    assert "The feedback is about Emma Employee" in _message(caught.value, "responders")


def test_request_feedback_asks_at_most_ten_people(org: Org) -> None:
    people = [person(org, f"colleague{i}@example.com") for i in range(11)]
    with pytest.raises(ValidationError) as caught:
        services.request_feedback(
            actor=org.employee.user, responders=people, due_on=TODAY, today=TODAY
        )
    assert _message(caught.value, "responders") == "Ask at most 10 people at a time (you named 11)."
    request = services.request_feedback(
        actor=org.employee.user, responders=people[:10], due_on=TODAY, today=TODAY
    )
    assert request.asks.count() == 10


def test_someone_on_leave_can_be_asked(org: Org) -> None:
    # Refusing them would tell the requester who is on leave.
    away = person(org, "away@example.com", status=EmploymentStatus.ON_LEAVE)
    request = services.request_feedback(
        actor=org.employee.user, responders=[away], due_on=TODAY, today=TODAY
    )
    assert request.asks.get().responder == away


def test_request_feedback_due_date_not_in_the_past(org: Org) -> None:
    with pytest.raises(ValidationError) as caught:
        services.request_feedback(
            actor=org.employee.user,
            responders=[org.peer],
            due_on=TODAY - dt.timedelta(days=1),
            today=TODAY,
        )
    assert _message(caught.value, "due_on") == "The due date cannot be in the past."


# --- answering and declining -------------------------------------------------------


def test_answering_an_ask_marks_it_answered_and_tells_the_requester(org: Org) -> None:
    request = feedback_request(org.employee, [org.peer, org.salesperson])
    ask = request.asks.get(responder=org.peer)
    given = services.give_feedback(
        actor=org.peer.user,
        recipient=org.salesperson,  # ignored: an answer goes to the subject
        body="Clear and calm.",
        visibility=V.PRIVATE,
        ask=ask,
    )
    ask.refresh_from_db()
    assert ask.status == AskStatus.ANSWERED
    assert ask.answered_at is not None
    assert given.recipient == org.employee
    assert given.ask == ask
    assert audit_actions(ask) == ["feedback_request.answer"]
    assert audit_actions(given) == ["feedback.give"]
    # The requester is the recipient here: one notice, not two.
    [notice] = notices_to(org.employee)
    assert notice.kind == "feedback.answered"


def test_requester_reads_the_answers_to_their_request_about_a_report(org: Org) -> None:
    request = feedback_request(org.manager, [org.peer], subject=org.employee)
    ask = request.asks.get()
    given = services.give_feedback(
        actor=org.peer.user, body="Solid work.", visibility=V.PRIVATE, ask=ask
    )
    # Private to Emma, yet her manager asked for it, so he reads it.
    assert selectors.get_visible_feedback(org.manager.user, given.pk) == given
    [made] = selectors.requests_for(org.manager.user, made=True)
    [shown] = made.visible_asks
    assert selectors.answer_of(shown) == given
    assert selectors.readable_answer_ids(org.manager.user, made.visible_asks) == {given.pk}
    assert [n.kind for n in notices_to(org.manager)] == ["feedback.answered"]
    assert [n.kind for n in notices_to(org.employee)] == ["feedback.received"]


def test_manager_only_is_refused_when_the_requester_asked_about_themself(org: Org) -> None:
    ask = feedback_request(org.employee, [org.peer]).asks.get()
    with pytest.raises(ValidationError) as caught:
        services.give_feedback(actor=org.peer.user, body="Hm.", visibility=V.MANAGER_ONLY, ask=ask)
    assert "“manager only” cannot keep it from them" in _message(caught.value, "visibility")
    ask.refresh_from_db()
    assert ask.status == AskStatus.PENDING


def test_manager_only_is_fine_when_a_manager_asked_about_a_report(org: Org) -> None:
    ask = feedback_request(org.manager, [org.peer], subject=org.employee).asks.get()
    given = services.give_feedback(
        actor=org.peer.user, body="Needs support.", visibility=V.MANAGER_ONLY, ask=ask
    )
    assert given.visibility == V.MANAGER_ONLY
    assert notices_to(org.employee) == []
    assert [n.kind for n in notices_to(org.lead)] == ["feedback.for_manager"]


def test_only_the_person_asked_answers_and_only_once(org: Org) -> None:
    ask = feedback_request(org.employee, [org.peer]).asks.get()
    with pytest.raises(PermissionDenied):
        services.give_feedback(actor=org.salesperson.user, body="Me too", ask=ask)
    services.give_feedback(actor=org.peer.user, body="Good", ask=ask)
    with pytest.raises(ValidationError) as caught:
        services.give_feedback(actor=org.peer.user, body="Again", ask=ask)
    assert _message(caught.value, "ask") == "You have already answered this request."
    assert Feedback.objects.count() == 1


def test_decline_ask(org: Org) -> None:
    ask = feedback_request(org.employee, [org.peer]).asks.get()
    with pytest.raises(PermissionDenied):
        services.decline_ask(actor=org.employee.user, ask=ask, reason="no")
    services.decline_ask(actor=org.peer.user, ask=ask, reason="I have not worked with Emma.")
    ask.refresh_from_db()
    assert ask.status == AskStatus.DECLINED
    assert ask.decline_reason == "I have not worked with Emma."
    assert audit_actions(ask) == ["feedback_request.decline"]
    [notice] = notices_to(org.employee)
    assert notice.kind == "feedback.declined"
    with pytest.raises(ValidationError) as caught:
        services.decline_ask(actor=org.peer.user, ask=ask)
    assert _message(caught.value, "status") == "You have already declined this request."
    with pytest.raises(ValidationError):
        services.give_feedback(actor=org.peer.user, body="Changed my mind", ask=ask)


# --- the audit trail -----------------------------------------------------------------


def test_every_write_is_audited_in_its_own_transaction(org: Org) -> None:
    """Each service leaves its audit row; a refused write leaves none."""
    value = services.create_value(actor=org.hr_admin, name="Ownership")
    services.update_value(actor=org.hr_admin, value=value, description="We own outcomes.")
    spare = services.create_value(actor=org.hr_admin, name="Spare")
    services.delete_value(actor=org.hr_admin, value=spare)
    services.give_feedback(actor=org.peer.user, recipient=org.employee, body="Hi", value=value)
    request = services.request_feedback(
        actor=org.employee.user,
        responders=[org.peer, org.salesperson],
        due_on=TODAY,
        today=TODAY,
    )
    services.give_feedback(
        actor=org.peer.user, body="Answer", ask=request.asks.get(responder=org.peer)
    )
    services.decline_ask(
        actor=org.salesperson.user, ask=request.asks.get(responder=org.salesperson)
    )
    with pytest.raises(ValidationError):
        services.give_feedback(actor=org.peer.user, recipient=org.peer, body="Refused")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "company_value.create",
        "company_value.update",
        "company_value.create",
        "company_value.delete",
        "feedback.give",
        "feedback_request.create",
        "feedback.give",
        "feedback_request.answer",
        "feedback_request.decline",
    ]
    assert set(AuditEntry.objects.values_list("actor_label", flat=True)) == {
        "hr.admin@example.com",
        "peer@example.com",
        "employee@example.com",
        "sales@example.com",
    }


# --- company values ----------------------------------------------------------------


def test_hr_admin_keeps_company_values(org: Org) -> None:
    value = services.create_value(actor=org.hr_admin, name="Customers first", description="…")
    assert audit_actions(value) == ["company_value.create"]
    services.update_value(actor=org.hr_admin, value=value, active=False)
    value.refresh_from_db()
    assert value.active is False
    entry = AuditEntry.objects.get(action="company_value.update")
    assert (entry.before, entry.after) == ({"active": True}, {"active": False})
    # No change, no audit row.
    services.update_value(actor=org.hr_admin, value=value, active=False)
    assert AuditEntry.objects.filter(action="company_value.update").count() == 1


def test_company_value_names_are_unique_whatever_the_case(org: Org) -> None:
    CompanyValueFactory(name="Customers first")
    with pytest.raises(ValidationError) as caught:
        services.create_value(actor=org.hr_admin, name="customers FIRST")
    assert _message(caught.value, "name") == "There is already a value called “customers FIRST”."


def test_a_used_value_cannot_be_deleted_only_deactivated(org: Org) -> None:
    used = CompanyValueFactory(name="Ownership")
    unused = CompanyValueFactory(name="Spare")
    services.give_feedback(actor=org.peer.user, recipient=org.employee, body="Hi", value=used)
    with pytest.raises(ValidationError) as caught:
        services.delete_value(actor=org.hr_admin, value=used)
    assert "cannot be deleted. Deactivate it instead." in _message(caught.value, "active")
    services.delete_value(actor=org.hr_admin, value=unused)
    assert list(CompanyValue.objects.values_list("name", flat=True)) == ["Ownership"]
    assert AuditEntry.objects.filter(action="company_value.delete").count() == 1


@pytest.mark.parametrize("who", ["hrbp", "executive", "auditor", "outsider"])
def test_only_hr_admins_keep_company_values(org: Org, who: str) -> None:
    value = CompanyValueFactory()
    with pytest.raises(PermissionDenied):
        services.create_value(actor=getattr(org, who), name="New")
    with pytest.raises(PermissionDenied):
        services.update_value(actor=getattr(org, who), value=value, active=False)
    with pytest.raises(PermissionDenied):
        services.delete_value(actor=getattr(org, who), value=value)


def test_managers_cannot_keep_company_values(org: Org) -> None:
    with pytest.raises(PermissionDenied):
        services.create_value(actor=org.manager.user, name="New")
