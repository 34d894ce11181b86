"""Regression tests for the insights security review (issue 7): nobody's
insights include themselves (an HR admin would otherwise see who wrote the
anonymous upward reviews about them, and an HR admin or HRBP could work out
their own unreleased rating by subtraction), and the language checker's
quote rule runs in linear time on adversarial text."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cadence.insights.language import check_text
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    ReviewAssignment,
    ReviewerKind,
    ReviewResult,
    SectionKind,
    Stage,
)
from tests.conftest import Org
from tests.factories import EmployeeFactory
from tests.insights.fairness_support import levels_of, people, released_cycle
from tests.review_factories import CycleFactory

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv(response: Any) -> list[list[str]]:
    body = (
        b"".join(response.streaming_content)
        if hasattr(response, "streaming_content")
        else response.content
    )
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _write(cycle: Any, reviewer: Any, reviewee: Any, texts: list[str], kind: str) -> None:
    assignment = ReviewAssignment.objects.create(
        cycle=cycle,
        reviewer=reviewer,
        reviewee=reviewee,
        kind=kind,
        status=AssignmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    section = cycle.template.sections.get(kind=SectionKind.QUESTIONS)
    Answer.objects.bulk_create(
        Answer(assignment=assignment, section=section, item=f"t{i}", text=text)
        for i, text in enumerate(texts)
    )


def test_hr_admin_cannot_see_who_wrote_anonymous_upward_reviews_about_them(org: Org) -> None:
    me = EmployeeFactory(
        user=org.hr_admin, email=org.hr_admin.email, department=org.engineering, manager=org.ceo
    )
    reports = [
        EmployeeFactory(department=org.engineering, manager=me, first_name=f"Rep{i}")
        for i in range(3)
    ]
    cycle = CycleFactory(name="Anonymous upward", stage=Stage.RELEASED, upward_anonymous=True)
    _write(cycle, reports[1], me, ["She is abrasive in meetings."] * 5, ReviewerKind.UPWARD)
    _write(cycle, reports[2], org.peer, ["He is abrasive in meetings."] * 5, ReviewerKind.UPWARD)
    client = _client(org.hr_admin)
    params = {"cycle": cycle.pk, "kind": "upward", "table": "reviewers", "format": "csv"}
    names = [row[0] for row in _csv(client.get("/insights/language/", params))]
    assert reports[2].full_name in names  # the check can see reviewers at all
    assert reports[1].full_name not in names


@pytest.mark.parametrize("who", ["hr_admin", "hrbp"])
def test_own_unreleased_rating_is_not_in_the_viewers_numbers(org: Org, who: str) -> None:
    user = getattr(org, who)
    me = EmployeeFactory(user=user, email=user.email, department=org.engineering, manager=org.ceo)
    cycle = released_cycle("Own rating")
    levels = levels_of(cycle)
    for colleague in people(org.engineering, 5):
        ReviewResult.objects.create(cycle=cycle, employee=colleague, manager_level=levels[2])
    ReviewResult.objects.create(cycle=cycle, employee=me, manager_level=levels[0])  # unreleased
    client = _client(user)
    rows = _csv(client.get("/insights/ratings/", {"cycle": cycle.pk, "table": "distribution"}))
    lowest = next(row for row in rows if row[0] == levels[0].label)
    assert lowest[1] == "0"
    middle = next(row for row in rows if row[0] == levels[2].label)
    assert middle[1] == "5"
    api = client.get("/api/v1/insights/ratings", {"cycle": cycle.pk}).json()
    counts = {row["label"]: row["after_calibration"] for row in api["distribution"]}
    assert counts[levels[0].label] == 0 and counts[levels[2].label] == 5


@pytest.mark.parametrize("quote", ["“", "‘", "“a"])
def test_unclosed_quotes_are_checked_in_linear_time(quote: str) -> None:
    text = "great job " + quote * (19_990 // len(quote))
    started = time.perf_counter()
    check_text(text)
    # Quadratic matching took 1-2.5 s here; linear takes milliseconds. The
    # bound is loose so a slow CI machine cannot make it flaky.
    assert time.perf_counter() - started < 0.5
