"""Simultaneous requests against the live server on PostgreSQL: 200
reviewers submitting at once all land exactly once; one review submitted by
20 requests at once is submitted once and the other 19 are told why; and
20 saves of the same version at once leave one winner, never an overwrite.

Real HTTP (bearer tokens) from 200 client threads released together by a
barrier, served by the threaded live server with up to WEB_WORKERS
requests (and database connections) at once; the row locks and version
checks are PostgreSQL's. SQLite serialises every write anyway (see
test_sqlite_writers.py), so these run on PostgreSQL only."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count

from cadence.core.models import AuditEntry, User
from cadence.core.tokens import create_token
from cadence.goals.models import CheckIn, KeyResult, Objective
from cadence.people.models import Employee
from cadence.reviews import services_writing as writing
from cadence.reviews.form_items import items_for
from cadence.reviews.models import Answer, AssignmentStatus, ReviewAssignment, ReviewerKind
from tests.concurrency.live_http import Call, Reply, fire_together, serving
from tests.conftest import Org
from tests.factories import EmployeeFactory, KeyResultFactory, ObjectiveFactory, UserFactory
from tests.reviews.writing_support import questions_template, review, running_cycle

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="simultaneous submissions are tested on PostgreSQL (row locks between "
        "separate connections); SQLite's concurrent writers are in test_sqlite_writers.py",
    ),
    # The live server's threads use their own connections: the data must be committed.
    pytest.mark.django_db(transaction=True),
]

REVIEWERS = 200
SAME_REVIEW_REQUESTS = 20
WEB_WORKERS = 16
ASSIGNMENT_TYPE = "reviews.reviewassignment"


def token_for(user: User) -> str:
    return create_token(actor=None, user=user, name="concurrency test")[1]


def ready_self_reviews(org: Org, people: list[Employee]) -> list[ReviewAssignment]:
    """A running cycle with a one-question self review for each of `people`,
    answered (version 2) and ready to submit."""
    cycle = running_cycle(org, template=questions_template(1), people=tuple(people))
    reviews = []
    for person in people:
        a = review(cycle, person, person, ReviewerKind.SELF)
        key = items_for(a)[-1].key
        assert person.user is not None
        a = writing.save_answers(
            actor=person.user, assignment=a, answers={key: {"rating": 3}}, expected_version=1
        )
        reviews.append(a)
    return reviews


def submit_rows(assignments: list[ReviewAssignment]) -> Counter[str]:
    """The number of "review.submit" audit rows per assignment id."""
    rows = (
        AuditEntry.objects.filter(
            action="review.submit",
            object_type=ASSIGNMENT_TYPE,
            object_id__in=[str(a.pk) for a in assignments],
        )
        .values("object_id")
        .annotate(n=Count("id"))
    )
    return Counter({row["object_id"]: row["n"] for row in rows})


def no_server_errors(replies: list[Reply]) -> None:
    errors = [r for r in replies if r.status >= 500]
    assert not errors, f"{len(errors)} server errors, e.g. {errors[0]}"


def test_200_reviewers_submit_at_once_and_each_lands_exactly_once(
    org: Org, live_server: Any
) -> None:
    people = [
        EmployeeFactory(user=UserFactory(), department=org.engineering) for _ in range(REVIEWERS)
    ]
    reviews = ready_self_reviews(org, people)
    calls = [
        Call("POST", f"/api/v1/assignments/{a.pk}/submit", token_for(p.user), {"version": 2})
        for a, p in zip(reviews, people, strict=True)
        if p.user is not None
    ]
    assert len(calls) == REVIEWERS

    with serving(live_server, workers=WEB_WORKERS) as server:
        replies = fire_together(live_server.url, calls)

    # The server really handled them concurrently, not one after the other.
    assert server.settled(REVIEWERS) == REVIEWERS and server.most_at_once > 1
    no_server_errors(replies)
    assert Counter(r.status for r in replies) == {200: REVIEWERS}
    assert all(r.body["status"] == "submitted" for r in replies)
    stored = ReviewAssignment.objects.filter(pk__in=[a.pk for a in reviews])
    assert Counter(stored.values_list("status", "version")) == {
        (AssignmentStatus.SUBMITTED, 3): REVIEWERS
    }
    assert not stored.filter(submitted_at__isnull=True).exists()
    rows = submit_rows(reviews)
    assert len(rows) == REVIEWERS and set(rows.values()) == {1}


def test_one_review_submitted_by_20_requests_at_once_lands_once(org: Org, live_server: Any) -> None:
    (a,) = ready_self_reviews(org, [org.employee])
    token = token_for(org.employee.user)  # type: ignore[arg-type]
    url = f"/api/v1/assignments/{a.pk}/submit"
    calls = [Call("POST", url, token, {"version": 2})] * SAME_REVIEW_REQUESTS

    with serving(live_server, workers=WEB_WORKERS) as server:
        replies = fire_together(live_server.url, calls)

    assert server.settled(SAME_REVIEW_REQUESTS) == SAME_REVIEW_REQUESTS and server.most_at_once > 1
    no_server_errors(replies)
    statuses = Counter(r.status for r in replies)
    assert statuses[200] == 1, statuses
    refused = [r for r in replies if r.status != 200]
    assert len(refused) == SAME_REVIEW_REQUESTS - 1
    for reply in refused:
        # Either it waited for the winner's row lock and then found the review
        # submitted (422, "locked"), or it read the old version (409).
        assert reply.status in (409, 422), reply
        assert "submitted" in reply.message() or "changed by someone else" in reply.message()
    a.refresh_from_db()
    assert a.status == AssignmentStatus.SUBMITTED and a.version == 3
    assert submit_rows([a]) == {str(a.pk): 1}


def test_20_saves_of_the_same_version_at_once_leave_one_winner(org: Org, live_server: Any) -> None:
    """The optimistic lock under real concurrency: every request read
    version 1; exactly one is saved, the rest are told (409) and the stored
    answer is the winner's, whole."""
    cycle = running_cycle(org, template=questions_template(3))
    a = review(cycle, org.employee, org.employee, ReviewerKind.SELF)
    key = items_for(a)[1].key  # the text question
    token = token_for(org.employee.user)  # type: ignore[arg-type]
    url = f"/api/v1/assignments/{a.pk}"
    calls = [
        Call("PATCH", url, token, {"version": 1, "answers": {key: {"text": f"Tab {i}"}}})
        for i in range(SAME_REVIEW_REQUESTS)
    ]

    with serving(live_server, workers=WEB_WORKERS) as server:
        replies = fire_together(live_server.url, calls)

    assert server.settled(SAME_REVIEW_REQUESTS) == SAME_REVIEW_REQUESTS
    assert server.most_at_once > 1
    no_server_errors(replies)
    winners = [(i, r) for i, r in enumerate(replies) if r.status == 200]
    assert len(winners) == 1, Counter(r.status for r in replies)
    assert Counter(r.status for r in replies)[409] == SAME_REVIEW_REQUESTS - 1
    assert all("changed by someone else" in r.message() for r in replies if r.status == 409)
    ((winner, _),) = winners
    assert Answer.objects.get(assignment=a, item=key).text == f"Tab {winner}"
    a.refresh_from_db()
    assert a.version == 2
    saves = AuditEntry.objects.filter(
        action="review.answers_save", object_type=ASSIGNMENT_TYPE, object_id=str(a.pk)
    )
    assert saves.count() == 1


def test_20_goal_edits_of_the_same_version_at_once_leave_one_winner(
    org: Org, live_server: Any
) -> None:
    """The owner and their manager chain edit one goal at once, all from
    version 1: one edit wins, the others get 409 and change nothing."""
    goal = ObjectiveFactory(owner_employee=org.employee, title="Ship search")
    editors = [org.employee, org.lead, org.manager, org.ceo]
    tokens = [token_for(e.user) for e in editors if e.user is not None]
    url = f"/api/v1/goals/{goal.pk}"
    calls = [
        Call("PATCH", url, tokens[i % len(tokens)], {"title": f"Title {i}", "version": 1})
        for i in range(SAME_REVIEW_REQUESTS)
    ]

    with serving(live_server, workers=WEB_WORKERS) as server:
        replies = fire_together(live_server.url, calls)

    assert server.settled(SAME_REVIEW_REQUESTS) == SAME_REVIEW_REQUESTS
    assert server.most_at_once > 1
    no_server_errors(replies)
    statuses = Counter(r.status for r in replies)
    assert statuses == {200: 1, 409: SAME_REVIEW_REQUESTS - 1}, statuses
    (winner,) = [i for i, r in enumerate(replies) if r.status == 200]
    goal.refresh_from_db()
    assert goal.title == f"Title {winner}" and goal.version == 2
    updates = AuditEntry.objects.filter(
        action="goal.update", object_type=Objective._meta.label_lower, object_id=str(goal.pk)
    )
    assert updates.count() == 1


def test_20_check_ins_at_once_all_land(org: Org, live_server: Any) -> None:
    """Check-ins carry no version on purpose: each is a new entry in the
    history, not an edit of the last one. At once, every one is kept (with
    its audit row) and the key result shows one of them."""
    goal = ObjectiveFactory(owner_employee=org.employee)
    kr = KeyResultFactory(objective=goal, target_value=100, current_value=0)
    editors = [org.employee, org.lead, org.manager, org.ceo]
    tokens = [token_for(e.user) for e in editors if e.user is not None]
    calls = [
        Call(
            "POST",
            f"/api/v1/goals/{goal.pk}/check-ins",
            tokens[i % len(tokens)],
            {"key_result_id": kr.pk, "value": i + 1, "confidence": "on_track", "comment": f"#{i}"},
        )
        for i in range(SAME_REVIEW_REQUESTS)
    ]

    with serving(live_server, workers=WEB_WORKERS) as server:
        replies = fire_together(live_server.url, calls)

    assert server.settled(SAME_REVIEW_REQUESTS) == SAME_REVIEW_REQUESTS
    assert server.most_at_once > 1
    no_server_errors(replies)
    assert Counter(r.status for r in replies) == {201: SAME_REVIEW_REQUESTS}
    comments = set(CheckIn.objects.filter(key_result=kr).values_list("comment", flat=True))
    assert comments == {f"#{i}" for i in range(SAME_REVIEW_REQUESTS)}
    audited = AuditEntry.objects.filter(
        action="goal.check_in", object_type=KeyResult._meta.label_lower, object_id=str(kr.pk)
    )
    assert audited.count() == SAME_REVIEW_REQUESTS
    kr.refresh_from_db()
    latest = CheckIn.objects.filter(key_result=kr).order_by("-created_at", "-id").first()
    assert latest is not None and kr.current_value == latest.value
