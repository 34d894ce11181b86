"""Writes for continuous feedback: giving feedback and praise, feedback
requests (ask, answer, decline) and the company values praise points to.

Each call is one transaction with its audit row inside it; the page, the
API and the demo all go through these functions. Who may READ the results
is `cadence.feedback.access`.

The audit rows name who gave what to whom, with which visibility, but never
the feedback text: the audit log is read by HR admins and auditors, and
feedback is deliberately not theirs to read (see the access module)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.core.notifications import Notice, notify
from cadence.core.permissions import viewer_for
from cadence.feedback.models import (
    AskStatus,
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    FeedbackVisibility,
)
from cadence.goals.models import Objective
from cadence.jobs.models import Competency
from cadence.people.models import Employee, EmploymentStatus

FEEDBACK_AUDIT_FIELDS = ("giver", "recipient", "visibility", "competency", "value", "goal", "ask")
VALUE_FIELDS = ("name", "description", "active")
BODY_MAX = 10_000
MESSAGE_MAX = 2_000
REASON_MAX = 1_000
MAX_RESPONDERS = 10
# A request due further out than this is almost certainly a typo in the year.
MAX_DUE_DAYS = 366


# --- who is acting -----------------------------------------------------------------


def _acting_employee(actor: User) -> Employee:
    """The actor's own employee record: feedback is between people, so a
    login without one (an HR-only account, the auditor) cannot give or ask."""
    employee_id = viewer_for(actor).employee_id
    if employee_id is None:
        raise PermissionDenied
    employee = Employee.objects.get(pk=employee_id)
    if employee.status == EmploymentStatus.TERMINATED:
        raise PermissionDenied
    return employee


def _check_text(field: str, text: str, *, limit: int, required: bool, missing: str = "") -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: missing or "This field is required."})
    if len(text) > limit:
        raise ValidationError(
            {field: f"Keep it under {limit:,} characters (this has {len(text):,})."}
        )
    return text


# --- giving feedback ---------------------------------------------------------------


def _check_recipient(giver: Employee, recipient: Employee | None) -> Employee:
    if recipient is None:
        raise ValidationError({"recipient": "Choose who the feedback is for."})
    if recipient.pk == giver.pk:
        raise ValidationError({"recipient": "You cannot give feedback to yourself."})
    if recipient.status == EmploymentStatus.TERMINATED:
        raise ValidationError(
            {
                "recipient": f"{recipient.full_name} has left the organisation; "
                "feedback can only go to current colleagues."
            }
        )
    return recipient


def _check_links(
    actor: User,
    competency: Competency | None,
    value: CompanyValue | None,
    goal: Objective | None,
) -> None:
    errors: dict[str, str] = {}
    if value is not None and not CompanyValue.objects.filter(pk=value.pk, active=True).exists():
        errors["value"] = f"“{value.name}” is no longer one of the company values."
    # A goal the giver cannot see must not be linkable (nor confirmed to exist).
    if goal is not None and not Objective.objects.visible_to(actor).filter(pk=goal.pk).exists():
        errors["goal"] = "Choose one of the goals you can see."
    if errors:
        raise ValidationError(errors)


def _check_visibility(
    visibility: str, recipient: Employee, request: FeedbackRequest | None
) -> FeedbackVisibility:
    if visibility not in FeedbackVisibility.values:
        raise ValidationError({"visibility": "Choose who may read this feedback."})
    chosen = FeedbackVisibility(visibility)
    if chosen == FeedbackVisibility.MANAGER_ONLY:
        if request is not None and request.requester_id == request.subject_id:
            raise ValidationError(
                {
                    "visibility": f"{recipient.full_name} asked for this feedback and reads "
                    "every answer to their request, so “manager only” cannot keep it from "
                    "them. Choose another visibility."
                }
            )
        if recipient.manager_id is None:
            raise ValidationError(
                {
                    "visibility": f"{recipient.full_name} has no manager, so “manager only” "
                    "feedback would reach nobody. Choose another visibility."
                }
            )
    return chosen


def _feedback_notices(feedback: Feedback, request: FeedbackRequest | None) -> list[Notice]:
    """Who hears about new feedback. The recipient, unless it is manager-only:
    telling them something they cannot open would only unsettle them, so the
    recipient's direct manager (the person it is written for) is told instead.
    When it answers a request, the requester is told it was answered."""
    giver, recipient = feedback.giver, feedback.recipient
    notices: list[Notice] = []
    told: set[int] = set()
    if request is not None:
        notices.append(
            Notice(
                recipient_id=request.requester_id,
                kind="feedback.answered",
                key=f"feedback.answered:{feedback.ask_id}",
                title=f"{giver.full_name} answered your feedback request",
                body=f"{giver.full_name} answered your request for feedback"
                + ("" if request.subject_id == request.requester_id else f" on {recipient}")
                + ".",
                url=reverse("feedback:requests") + "?tab=made",
            )
        )
        told.add(request.requester_id)
    if feedback.visibility == FeedbackVisibility.MANAGER_ONLY:
        manager_id = recipient.manager_id
        if manager_id is not None and manager_id not in told:
            notices.append(
                Notice(
                    recipient_id=manager_id,
                    kind="feedback.for_manager",
                    key=f"feedback.for_manager:{feedback.pk}",
                    title=f"Feedback about {recipient.full_name}, for you as their manager",
                    body=f"{giver.full_name} wrote feedback about {recipient.full_name} that "
                    "only their managers can read.",
                    url=reverse("feedback:mine") + "?tab=team",
                )
            )
    elif recipient.pk not in told:
        praise = feedback.visibility == FeedbackVisibility.PUBLIC
        notices.append(
            Notice(
                recipient_id=recipient.pk,
                kind="feedback.received",
                key=f"feedback.received:{feedback.pk}",
                title=f"{giver.full_name} "
                + ("praised you on the praise wall" if praise else "gave you feedback"),
                body=feedback.body[:300],
                url=reverse("feedback:mine"),
            )
        )
    return notices


@transaction.atomic
def give_feedback(
    *,
    actor: User,
    recipient: Employee | None = None,
    body: str,
    visibility: str = FeedbackVisibility.PRIVATE,
    competency: Competency | None = None,
    value: CompanyValue | None = None,
    goal: Objective | None = None,
    ask: FeedbackAsk | None = None,
) -> Feedback:
    """Give feedback (or public praise) to a current colleague, optionally
    about a competency, a company value and a goal the giver can see. With
    `ask`, it answers that feedback request: the giver must be the person
    asked, the ask still pending, and the recipient is the request's
    subject (whatever `recipient` says). Notifies as `_feedback_notices`
    explains."""
    giver = _acting_employee(actor)
    request: FeedbackRequest | None = None
    if ask is not None:
        # Locked so a double submit cannot answer the same ask twice.
        ask = (
            FeedbackAsk.objects.select_for_update(of=("self",))
            .select_related("request__subject", "request__requester")
            .get(pk=ask.pk)
        )
        if ask.responder_id != giver.pk:
            raise PermissionDenied
        if ask.status != AskStatus.PENDING:
            raise ValidationError(
                {"ask": f"You have already {ask.get_status_display().lower()} this request."}
            )
        request = ask.request
        recipient = request.subject
    recipient = _check_recipient(giver, recipient)
    text = _check_text(
        "body", body, limit=BODY_MAX, required=True, missing="Write the feedback itself."
    )
    chosen = _check_visibility(visibility, recipient, request)
    _check_links(actor, competency, value, goal)
    feedback = Feedback.objects.create(
        giver=giver,
        recipient=recipient,
        body=text,
        visibility=chosen,
        competency=competency,
        value=value,
        goal=goal,
        ask=ask,
    )
    after = audit.snapshot(feedback, FEEDBACK_AUDIT_FIELDS)
    after["length"] = len(text)
    audit.record(actor, "feedback.give", feedback, after=after)
    if ask is not None:
        ask.status = AskStatus.ANSWERED
        ask.answered_at = timezone.now()
        ask.save(update_fields=["status", "answered_at"])
        audit.record(
            actor,
            "feedback_request.answer",
            ask,
            before={"status": AskStatus.PENDING},
            after={"status": ask.status, "feedback": feedback.pk},
        )
    notify(_feedback_notices(feedback, request))
    return feedback


# --- feedback requests -------------------------------------------------------------


def may_ask_about(requester: Employee, subject: Employee) -> bool:
    """Feedback may be requested on yourself, or (as a manager) on anyone in
    your reporting subtree."""
    return subject.pk == requester.pk or (
        bool(requester.reporting_path)
        and subject.reporting_path.startswith(requester.reporting_path)
    )


def _check_responders(
    requester: Employee, subject: Employee, responders: Sequence[Employee]
) -> list[Employee]:
    if not responders:
        raise ValidationError({"responders": "Name at least one colleague to ask."})
    seen: set[int] = set()
    for person in responders:
        if person.pk in seen:
            raise ValidationError({"responders": f"{person.full_name} is listed twice."})
        seen.add(person.pk)
    if len(responders) > MAX_RESPONDERS:
        raise ValidationError(
            {
                "responders": f"Ask at most {MAX_RESPONDERS} people at a time "
                f"(you named {len(responders)})."
            }
        )
    for person in responders:
        if person.pk == requester.pk:
            raise ValidationError({"responders": "You cannot ask yourself."})
        if person.pk == subject.pk:
            raise ValidationError(
                {
                    "responders": f"The feedback is about {person.full_name}; "
                    "ask other people about them."
                }
            )
        # Only leavers are refused: refusing someone on leave would tell the
        # requester who is on leave, which is not theirs to know. Reminders
        # simply wait while a responder is away.
        if person.status == EmploymentStatus.TERMINATED:
            raise ValidationError({"responders": f"{person.full_name} has left the organisation."})
    return list(responders)


@transaction.atomic
def request_feedback(
    *,
    actor: User,
    subject: Employee | None = None,
    responders: Sequence[Employee],
    message: str = "",
    due_on: dt.date,
    today: dt.date | None = None,
) -> FeedbackRequest:
    """Ask 1–10 named colleagues for feedback on yourself (no `subject`) or,
    as a manager, on someone in your reporting subtree, by `due_on`. Each
    person asked is notified."""
    requester = _acting_employee(actor)
    subject = subject or requester
    if not may_ask_about(requester, subject):
        raise PermissionDenied
    if subject.status == EmploymentStatus.TERMINATED:
        raise ValidationError({"subject": f"{subject.full_name} has left the organisation."})
    people = _check_responders(requester, subject, responders)
    text = _check_text("message", message, limit=MESSAGE_MAX, required=False)
    today = today or timezone.localdate()
    if due_on is None:
        raise ValidationError({"due_on": "Give a date the answers are due by."})
    if due_on < today:
        raise ValidationError({"due_on": "The due date cannot be in the past."})
    if (due_on - today).days > MAX_DUE_DAYS:
        raise ValidationError({"due_on": "Choose a due date within the next year."})
    request = FeedbackRequest.objects.create(
        requester=requester, subject=subject, message=text, due_on=due_on
    )
    asks = FeedbackAsk.objects.bulk_create(
        FeedbackAsk(request=request, responder=person) for person in people
    )
    audit.record(
        actor,
        "feedback_request.create",
        request,
        after={
            "subject": subject.pk,
            "due_on": due_on,
            "responders": [p.pk for p in people],
        },
    )
    about = requester.full_name if subject.pk == requester.pk else subject.full_name
    notify(
        Notice(
            recipient_id=ask.responder_id,
            kind="feedback.asked",
            key=f"feedback.asked:{ask.pk}",
            title=f"{requester.full_name} asks for your feedback"
            + ("" if subject.pk == requester.pk else f" on {subject.full_name}"),
            body=f"Please share feedback on {about} by {due_on:%-d %b %Y}."
            + (f"\n\n{text}" if text else ""),
            url=reverse("feedback:answer", args=[ask.pk]),
        )
        for ask in asks
    )
    return request


@transaction.atomic
def decline_ask(*, actor: User, ask: FeedbackAsk, reason: str = "") -> FeedbackAsk:
    """The person asked says no (with an optional reason the requester reads).
    Only a pending ask can be declined, and only by the person asked."""
    ask = (
        FeedbackAsk.objects.select_for_update(of=("self",))
        .select_related("request", "responder")
        .get(pk=ask.pk)
    )
    if viewer_for(actor).employee_id != ask.responder_id:
        raise PermissionDenied
    if ask.status != AskStatus.PENDING:
        raise ValidationError(
            {"status": f"You have already {ask.get_status_display().lower()} this request."}
        )
    text = _check_text("reason", reason, limit=REASON_MAX, required=False)
    ask.status = AskStatus.DECLINED
    ask.decline_reason = text
    ask.answered_at = timezone.now()
    ask.save(update_fields=["status", "decline_reason", "answered_at"])
    audit.record(
        actor,
        "feedback_request.decline",
        ask,
        before={"status": AskStatus.PENDING},
        after={"status": ask.status, "reason": text},
    )
    notify(
        [
            Notice(
                recipient_id=ask.request.requester_id,
                kind="feedback.declined",
                key=f"feedback.declined:{ask.pk}",
                title=f"{ask.responder.full_name} declined your feedback request",
                body=text,
                url=reverse("feedback:requests") + "?tab=made",
            )
        ]
    )
    return ask


# --- company values ----------------------------------------------------------------


def can_manage_values(user: User) -> bool:
    """Company values are organisation-wide: HR admins keep them."""
    return viewer_for(user).is_hr_admin


def _check_value_name(name: str, value: CompanyValue | None) -> str:
    name = _check_text("name", name, limit=80, required=True, missing="Give the value a name.")
    clash = CompanyValue.objects.annotate(lname=Lower("name")).filter(lname=name.lower())
    if value is not None:
        clash = clash.exclude(pk=value.pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a value called “{name}”."})
    return name


@transaction.atomic
def create_value(
    *, actor: User, name: str, description: str = "", active: bool = True
) -> CompanyValue:
    """Name a company value praise can point to (HR admins)."""
    if not can_manage_values(actor):
        raise PermissionDenied
    value = CompanyValue.objects.create(
        name=_check_value_name(name, None),
        description=_check_text("description", description, limit=BODY_MAX, required=False),
        active=active,
    )
    audit.record(actor, "company_value.create", value, after=audit.snapshot(value, VALUE_FIELDS))
    return value


@transaction.atomic
def update_value(*, actor: User, value: CompanyValue, **changes: Any) -> CompanyValue:
    """Rename, re-describe, deactivate or reactivate a value (HR admins). A
    deactivated value stays on the feedback that used it but cannot be
    chosen for new feedback."""
    if not can_manage_values(actor):
        raise PermissionDenied
    unknown = set(changes) - set(VALUE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in sorted(unknown)})
    value = CompanyValue.objects.select_for_update().get(pk=value.pk)
    before = audit.snapshot(value, VALUE_FIELDS)
    if "name" in changes:
        value.name = _check_value_name(changes["name"], value)
    if "description" in changes:
        value.description = _check_text(
            "description", changes["description"], limit=BODY_MAX, required=False
        )
    if "active" in changes:
        value.active = bool(changes["active"])
    old, new = audit.changed(before, audit.snapshot(value, VALUE_FIELDS))
    if new:
        value.save()
        audit.record(actor, "company_value.update", value, before=old, after=new)
    return value


@transaction.atomic
def delete_value(*, actor: User, value: CompanyValue) -> None:
    """Remove a value nobody has used yet (HR admins). Once feedback points
    to it, it can only be deactivated: deleting it would silently strip it
    from that feedback."""
    if not can_manage_values(actor):
        raise PermissionDenied
    value = CompanyValue.objects.select_for_update().get(pk=value.pk)
    used = Feedback.objects.filter(value=value).count()
    if used:
        raise ValidationError(
            {
                "active": f"“{value.name}” is on {used} piece{'s' if used != 1 else ''} of "
                "feedback, so it cannot be deleted. Deactivate it instead."
            }
        )
    audit.record(actor, "company_value.delete", value, before=audit.snapshot(value, VALUE_FIELDS))
    value.delete()
