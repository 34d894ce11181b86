"""Helpers for the feedback tests: company values, feedback rows written
straight to the database (the services are tested on their own), feedback
requests, and organisations of a chosen size for the query budgets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from cadence.core.models import AuditEntry, Notification
from cadence.feedback.models import (
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    FeedbackVisibility,
)
from cadence.people.models import Employee
from tests.conftest import Org
from tests.factories import EmployeeFactory, UserFactory

V = FeedbackVisibility
TODAY = dt.date(2027, 3, 10)


class CompanyValueFactory(DjangoModelFactory[CompanyValue]):
    class Meta:
        model = CompanyValue

    name = factory.Sequence(lambda n: f"Value {n}")
    description = "What we mean by it."


def person(org: Org, email: str, **kwargs: Any) -> Employee:
    """An employee with a login, in Engineering under the CEO unless told."""
    kwargs.setdefault("department", org.engineering)
    kwargs.setdefault("manager", org.ceo)
    return EmployeeFactory(user=UserFactory(email=email), email=email, **kwargs)


def feedback(
    giver: Employee, recipient: Employee, visibility: str = V.PRIVATE, **kwargs: Any
) -> Feedback:
    kwargs.setdefault("body", f"Feedback from {giver.pk} to {recipient.pk} ({visibility})")
    return Feedback.objects.create(
        giver=giver, recipient=recipient, visibility=visibility, **kwargs
    )


def feedback_request(
    requester: Employee,
    responders: list[Employee],
    subject: Employee | None = None,
    due_on: dt.date = TODAY,
    message: str = "How did the launch go?",
) -> FeedbackRequest:
    request = FeedbackRequest.objects.create(
        requester=requester, subject=subject or requester, due_on=due_on, message=message
    )
    FeedbackAsk.objects.bulk_create(
        FeedbackAsk(request=request, responder=person) for person in responders
    )
    return request


def audit_actions(obj: Any) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).values_list("action", flat=True)
    )


def notices_to(employee: Employee) -> list[Notification]:
    return list(Notification.objects.filter(recipient=employee).order_by("id"))


def bulk_people(org: Org, size: int, prefix: str = "X") -> list[Employee]:
    """`size` employees (no logins) in Platform under the lead, in one query."""
    from cadence.people.paths import rebuild_reporting_paths

    people = Employee.objects.bulk_create(
        Employee(
            employee_number=f"{prefix}{i:05d}",
            first_name=f"{prefix}First{i}",
            last_name="Bulk",
            email=f"{prefix.lower()}{i}@example.com",
            department=org.platform,
            manager=org.lead,
        )
        for i in range(size)
    )
    rebuild_reporting_paths()
    return list(Employee.objects.filter(pk__in=[p.pk for p in people]))
