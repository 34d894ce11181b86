"""The writing pages: my reviews, the review form (goals beside their
ratings, autosave, conflicts, submit with a confirmation step, locked once
submitted), who sees what, and the query budgets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cadence.core.models import AccessLogEntry
from cadence.goals.models import Visibility
from cadence.people.models import Employee
from cadence.reviews.form_items import items_for
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    ReviewAssignment,
    ReviewerKind,
    Stage,
)
from tests.conftest import Org
from tests.factories import GoalPeriodFactory
from tests.review_factories import CycleFactory, ResultFactory, five_point_scale
from tests.reviews.writing_support import (
    give_job,
    goals_for,
    questions_template,
    review,
    running_cycle,
)

pytestmark = pytest.mark.django_db
QueryCounter = Callable[[int], Any]
HTMX = {"HTTP_HX_REQUEST": "true"}


def form_url(a: ReviewAssignment, suffix: str = "") -> str:
    return f"/reviews/assignments/{a.pk}/{suffix}"


def login(client: Client, person: Any) -> Client:
    client.force_login(getattr(person, "user", person))
    return client


@pytest.fixture
def self_review(org: Org) -> ReviewAssignment:
    period = GoalPeriodFactory()
    goals_for(org.employee, 2, period=period)
    cycle = running_cycle(org, template=questions_template(3), period=period)
    return review(cycle, org.employee, org.employee, ReviewerKind.SELF)


def posted(a: ReviewAssignment, version: int | None = None, **values: str) -> dict[str, str]:
    """A complete form post: every item, empty unless given (by item index)."""
    data = {"version": str(version or a.version)}
    for i, item in enumerate(items_for(a)):
        data[item.key] = values.get(f"i{i}", "")
        if item.is_rating:
            data[item.key + "-comment"] = values.get(f"c{i}", "")
    return data


def complete(a: ReviewAssignment) -> dict[str, str]:
    # Goals (i0, i1) rated, then the rating, text and choice questions.
    return posted(a, i0="4", i1="unable", i2="3", i3="Went well.", i4="Yes")


# --- my reviews -------------------------------------------------------------------------


def test_my_reviews_empty_state(client: Client, org: Org) -> None:
    resp = login(client, org.employee).get("/reviews/")
    assert resp.status_code == 200
    assert 'id="no-reviews"' in resp.content.decode()


def test_my_reviews_groups_by_cycle_and_status_with_due_dates(client: Client, org: Org) -> None:
    cycle = running_cycle(org, template=questions_template(1))
    older = running_cycle(org, template=questions_template(1), people=(org.employee,))
    review(cycle, org.lead, org.employee, ReviewerKind.MANAGER)
    submitted = review(older, org.lead, org.employee, ReviewerKind.MANAGER)
    ReviewAssignment.objects.filter(pk=submitted.pk).update(
        status=AssignmentStatus.SUBMITTED, submitted_at=timezone.now()
    )
    cancelled = review(cycle, org.lead, org.peer, ReviewerKind.MANAGER)
    ReviewAssignment.objects.filter(pk=cancelled.pk).update(status=AssignmentStatus.CANCELLED)
    resp = login(client, org.lead).get("/reviews/")
    html = resp.content.decode()
    assert [c["cycle"] for c in resp.context["cycles"]] == [older, cycle] or [
        c["cycle"] for c in resp.context["cycles"]
    ] == [cycle, older]
    groups = {c["cycle"].pk: c for c in resp.context["cycles"]}
    assert [r["assignment"].reviewee for r in groups[cycle.pk]["open"]] == [org.employee]
    assert groups[cycle.pk]["open"][0]["due_on"].isoformat() == "2027-03-28"
    assert [r["assignment"].pk for r in groups[older.pk]["submitted"]] == [submitted.pk]
    assert "28 Mar 2027" in html and f'id="assignment-{cancelled.pk}"' not in html


# --- the review form ---------------------------------------------------------------------


def test_the_form_shows_goals_with_progress_competencies_and_questions(
    client: Client, org: Org
) -> None:
    period = GoalPeriodFactory()
    goals = goals_for(org.employee, 2, period=period)
    give_job(org.employee, 1)
    cycle = running_cycle(org, period=period)
    a = review(cycle, org.lead, org.employee, ReviewerKind.MANAGER)
    resp = login(client, org.lead).get(form_url(a))
    html = resp.content.decode()
    assert resp.status_code == 200
    for goal in goals:
        assert f'id="item-g{goal.pk}"' in html and goal.title in html
    assert "goal-panel" in html and "60%" in html  # (4/10 + 8/10) / 2
    assert "Expected for the role: level 3 · Proficient" in html
    assert "Overall?" in html and "What went well?" in html
    assert 'id="review-version"' in html and 'value="1"' in html
    assert 'hx-post="' + form_url(a, "save/") + '"' in html
    assert 'id="save-status"' in html and 'aria-live="polite"' in html
    assert "cadence/review_form.js" in html


def test_a_private_goal_is_not_shown_to_a_peer(client: Client, org: Org) -> None:
    period = GoalPeriodFactory()
    secret, public = goals_for(org.employee, 2, period=period, private_every=2)
    assert secret.visibility == Visibility.PRIVATE
    cycle = running_cycle(org, period=period)
    a = review(cycle, org.peer, org.employee, ReviewerKind.PEER)
    html = login(client, org.peer).get(form_url(a)).content.decode()
    assert public.title in html and secret.title not in html


def test_previous_result_for_the_manager_only(client: Client, org: Org) -> None:
    scale = five_point_scale()
    earlier = CycleFactory(name="FY2026", stage=Stage.CLOSED)
    ResultFactory(cycle=earlier, employee=org.employee, manager_level=scale.levels.get(value=4))
    cycle = running_cycle(org, template=questions_template(1))
    manager_review = review(cycle, org.lead, org.employee, ReviewerKind.MANAGER)
    peer_review = review(cycle, org.peer, org.employee, ReviewerKind.PEER)
    html = login(client, org.lead).get(form_url(manager_review)).content.decode()
    assert 'id="previous-result"' in html and "FY2026" in html and "Exceeds" in html
    html = login(Client(), org.peer).get(form_url(peer_review)).content.decode()
    assert 'id="previous-result"' not in html and "FY2026" not in html


def test_autosave_saves_and_swaps_the_version(
    client: Client, org: Org, self_review: ReviewAssignment
) -> None:
    a = self_review
    resp = login(client, org.employee).post(
        form_url(a, "save/"), posted(a, i3="Draft text"), **HTMX
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and "data-review-saved" in html
    assert 'id="review-version" value="2" hx-swap-oob="true"' in html
    assert Answer.objects.get(assignment=a, item=items_for(a)[3].key).text == "Draft text"


def test_autosave_reports_errors_on_their_items(
    client: Client, org: Org, self_review: ReviewAssignment
) -> None:
    a = self_review
    text_key = items_for(a)[3].key
    resp = login(client, org.employee).post(
        form_url(a, "save/"), posted(a, i3="word " * 51), **HTMX
    )
    html = resp.content.decode()
    assert resp.status_code == 422 and "data-review-error" in html
    assert f'id="error-{text_key}" hx-swap-oob="true">Keep it to 50 words' in html
    assert not Answer.objects.exists()


def test_autosave_conflict_is_409_and_keeps_nothing_over_the_other_tab(
    client: Client, org: Org, self_review: ReviewAssignment
) -> None:
    a = self_review
    c = login(client, org.employee)
    assert c.post(form_url(a, "save/"), posted(a, i3="first tab"), **HTMX).status_code == 200
    resp = c.post(form_url(a, "save/"), posted(a, version=1, i3="second tab"), **HTMX)
    html = resp.content.decode()
    assert resp.status_code == 409 and "data-review-conflict" in html
    assert "reload the review" in html and "hx-swap-oob" in html  # item boxes only
    assert 'id="review-version"' not in html
    assert Answer.objects.get(item=items_for(a)[3].key).text == "first tab"


def test_a_conflict_on_the_full_form_keeps_what_was_typed(
    client: Client, org: Org, self_review: ReviewAssignment
) -> None:
    a = self_review
    c = login(client, org.employee)
    c.post(form_url(a, "save/"), posted(a, i3="first tab"), **HTMX)
    resp = c.post(form_url(a), {**posted(a, version=1, i3="My long answer"), "action": "save"})
    html = resp.content.decode()
    assert resp.status_code == 409
    assert 'id="review-conflict"' in html and "My long answer" in html


def test_save_draft_without_javascript(
    client: Client, org: Org, self_review: ReviewAssignment
) -> None:
    a = self_review
    resp = login(client, org.employee).post(form_url(a), {**posted(a, i2="5"), "action": "save"})
    assert resp.status_code == 302 and resp["Location"] == form_url(a)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.IN_PROGRESS and a.version == 2


def test_submit_with_missing_answers_marks_each_field(
    client: Client, org: Org, self_review: ReviewAssignment
) -> None:
    a = self_review
    keys = [i.key for i in items_for(a)]
    resp = login(client, org.employee).post(
        form_url(a), {**posted(a, i3="Only this"), "action": "submit"}
    )
    html = resp.content.decode()
    assert resp.status_code == 400 and 'id="form-errors"' in html
    for key in (keys[0], keys[1], keys[2], keys[4]):
        assert f'id="error-{key}">“' in html and "needs an answer" in html
    assert f'id="error-{keys[3]}"></div>' in html
    assert "Only this" in html  # what was typed stays
    a.refresh_from_db()
    assert a.status == AssignmentStatus.IN_PROGRESS  # saved, not submitted


def test_submit_goes_through_a_confirmation_then_locks(
    client: Client, org: Org, self_review: ReviewAssignment
) -> None:
    a = self_review
    c = login(client, org.employee)
    resp = c.post(form_url(a), {**complete(a), "action": "submit"})
    assert resp.status_code == 302 and resp["Location"] == form_url(a, "submit/")
    a.refresh_from_db()
    assert a.status == AssignmentStatus.IN_PROGRESS
    confirm = c.get(form_url(a, "submit/"))
    assert confirm.status_code == 200 and 'id="confirm-submit"' in confirm.content.decode()
    done = c.post(form_url(a, "submit/"), {"version": str(a.version)})
    assert done.status_code == 302 and done["Location"] == "/reviews/"
    a.refresh_from_db()
    assert a.status == AssignmentStatus.SUBMITTED
    html = c.get(form_url(a)).content.decode()
    assert 'id="review-locked"' in html and "hx-post" not in html and "disabled" in html
    assert "Went well." in html
    again = c.post(form_url(a, "save/"), complete(a), **HTMX)
    assert again.status_code == 422 and "locked" in again.content.decode()
    assert c.get(form_url(a, "submit/")).status_code == 302


def test_confirm_page_sends_back_to_the_form_when_answers_are_missing(
    client: Client, org: Org, self_review: ReviewAssignment
) -> None:
    a = self_review
    resp = login(client, org.employee).get(form_url(a, "submit/"))
    assert resp.status_code == 400 and "needs an answer" in resp.content.decode()
    resp = client.post(form_url(a, "submit/"), {"version": "1"})
    assert resp.status_code == 400
    a.refresh_from_db()
    assert a.status == AssignmentStatus.PENDING


def test_a_stale_confirmation_is_a_conflict(
    client: Client, org: Org, self_review: ReviewAssignment
) -> None:
    a = self_review
    c = login(client, org.employee)
    c.post(form_url(a, "save/"), complete(a), **HTMX)
    resp = c.post(form_url(a, "submit/"), {"version": "1"})
    assert resp.status_code == 409 and 'id="review-conflict"' in resp.content.decode()


# --- who sees what --------------------------------------------------------------------------


@pytest.fixture
def peer_review(org: Org) -> ReviewAssignment:
    cycle = running_cycle(org, template=questions_template(3))
    a = review(cycle, org.peer, org.employee, ReviewerKind.PEER)
    Answer.objects.create(
        assignment=a,
        section_id=items_for(a)[1].section_id,
        item=items_for(a)[1].key,
        question_id=items_for(a)[1].question_id,
        text="A confidential remark",
    )
    ReviewAssignment.objects.filter(pk=a.pk).update(status=AssignmentStatus.IN_PROGRESS)
    return a


@pytest.mark.parametrize("who", ["lead", "manager", "hrbp"])
def test_others_who_may_see_it_get_metadata_only(
    client: Client, org: Org, peer_review: ReviewAssignment, who: str
) -> None:
    resp = login(client, getattr(org, who)).get(form_url(peer_review))
    html = resp.content.decode()
    assert resp.status_code == 200 and 'id="review-metadata"' in html
    assert "A confidential remark" not in html and "<form" not in html.split("<main")[1]
    autosave = client.post(form_url(peer_review, "save/"), posted(peer_review), **HTMX)
    assert autosave.status_code == 403
    assert "Only the reviewer writes this review." in autosave.content.decode()
    assert client.post(form_url(peer_review), posted(peer_review)).status_code == 403
    assert client.post(form_url(peer_review, "submit/"), {"version": "1"}).status_code == 403


def test_hr_admin_reads_the_answers_read_only(
    client: Client, org: Org, peer_review: ReviewAssignment
) -> None:
    resp = login(client, org.hr_admin).get(form_url(peer_review))
    html = resp.content.decode()
    assert "A confidential remark" in html and 'id="review-read-only"' in html
    assert "hx-post" not in html
    autosave = client.post(form_url(peer_review, "save/"), posted(peer_review), **HTMX)
    assert autosave.status_code == 403
    # Reading someone's review is written to the access log; the writer's own reads are not.
    read = AccessLogEntry.objects.get(object_id=str(peer_review.pk))
    assert read.actor == org.hr_admin and read.fields == ["answers"]
    login(Client(), org.peer).get(form_url(peer_review))
    assert AccessLogEntry.objects.filter(object_id=str(peer_review.pk)).count() == 1


@pytest.mark.parametrize("who", ["employee", "other_manager", "salesperson", "executive"])
def test_people_who_may_not_see_it_get_404(
    client: Client, org: Org, peer_review: ReviewAssignment, who: str
) -> None:
    c = login(client, getattr(org, who))
    assert c.get(form_url(peer_review)).status_code == 404
    assert c.post(form_url(peer_review, "save/"), posted(peer_review), **HTMX).status_code == 404
    assert c.get(form_url(peer_review, "submit/")).status_code == 404


def test_the_reviewees_pages_never_name_a_peer_reviewer(
    client: Client, org: Org, peer_review: ReviewAssignment
) -> None:
    ReviewAssignment.objects.filter(pk=peer_review.pk).update(
        status=AssignmentStatus.SUBMITTED, submitted_at=timezone.now()
    )
    own = review(peer_review.cycle, org.employee, org.employee, ReviewerKind.SELF)
    c = login(client, org.employee)
    for url in ("/reviews/", form_url(own), form_url(own, "submit/")):
        html = c.get(url).content.decode()
        assert "Pat" not in html and "Peer review" not in html


# --- query budgets ----------------------------------------------------------------------------


@pytest.mark.parametrize(("questions", "goals"), [(5, 3), (40, 30)])
def test_review_form_query_budget(
    client: Client,
    org: Org,
    django_assert_max_num_queries: QueryCounter,
    questions: int,
    goals: int,
) -> None:
    period = GoalPeriodFactory()
    goals_for(org.employee, goals, period=period)
    give_job(org.employee, 3)
    cycle = running_cycle(org, template=questions_template(questions), period=period)
    a = review(cycle, org.lead, org.employee, ReviewerKind.MANAGER)
    c = login(client, org.lead)
    c.post(form_url(a, "save/"), posted(a, i0="3"), **HTMX)
    with django_assert_max_num_queries(22):
        resp = c.get(form_url(a))
    assert resp.status_code == 200
    assert len([k for k in resp.context["form"].fields if not k.endswith("-comment")]) == (
        questions + goals + 1
    )


@pytest.mark.parametrize("size", [5, 60])
def test_my_reviews_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    cycle = running_cycle(org, template=questions_template(1))
    people = Employee.objects.bulk_create(
        Employee(
            employee_number=f"P{i:04d}",
            first_name=f"Person{i}",
            last_name="Reviewed",
            email=f"person{i}@example.com",
            department=org.engineering,
        )
        for i in range(size)
    )
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            cycle=cycle,
            reviewer=org.lead,
            reviewee=p,
            kind=ReviewerKind.PEER,
            status=AssignmentStatus.SUBMITTED if i % 2 else AssignmentStatus.PENDING,
        )
        for i, p in enumerate(people)
    )
    c = login(client, org.lead)
    with django_assert_max_num_queries(11):
        resp = c.get("/reviews/")
    assert resp.status_code == 200 and resp.context["to_write"] == (size + 1) // 2
