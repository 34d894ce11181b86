"""Security review of the reviews app (and the new goals pages): each test
here demonstrates a finding and FAILS until it is fixed.

1. A reviewee who is an HR admin reads, through the writing API, who wrote
   each peer and upward review about them and what they wrote — although
   disclosure.py reads "your own review as the reviewee, even as an HR
   admin" and the result page hides the writers from them.
2. A reviewee who is the HRBP of their own department lists who reviews
   them as a peer (the assignment rule's HRBP branch has no "not about
   yourself" exception).
3. A `next` parameter that is a bare word (no "/" or ".") passes the
   same-host check and then makes `redirect()` raise NoReverseMatch: a 500
   on the nomination decision and the goal approval decision.
4. The computed score shown to a released reviewee counts HR- and
   manager-audience ratings, while the per-section manager scores shown to
   them leave those out: the reviewee can solve for the hidden rating.
5. 500s on bad input: `"²".isdigit()` is True but `int("²")` raises
   (goals lists and export, the goal form, marking a notification read,
   the nomination form), and an id past SQLite's integer range on the
   nomination page and in the notification form.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from cadence.core.models import Role
from cadence.reviews.models import (
    AnswerAudience,
    NominationStatus,
    PeerNomination,
    QuestionKind,
    ReviewAssignment,
    ReviewerKind,
    ReviewResult,
    SectionKind,
    Stage,
)
from cadence.reviews.services_results import compute_result
from tests.conftest import Org
from tests.factories import GoalPeriodFactory, ObjectiveFactory, grant
from tests.review_factories import CycleFactory, ParticipantFactory, QuestionFactory
from tests.reviews.results_fixtures import answer, build, leaks


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# --- 1. an HR admin reviewee learns who reviewed them ------------------------------


def test_hr_admin_reviewee_is_not_told_who_wrote_their_peer_reviews(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    scenario = build(org, peers=3, upward=3, peer_anonymous=True, upward_anonymous=True)
    grant(org.lead.user, Role.HR_ADMIN)  # the reviewee is also an HR admin
    resp = api.as_(org.lead).get("/api/v1/assignments", reviewee=org.lead.pk)
    assert resp.status_code == 200, resp.content
    # disclosure.role_of reads them as the reviewee (no writer named on their
    # result); the assignment list must not name the writers either.
    assert leaks(resp.content, scenario.writers()) == []


def test_hr_admin_reviewee_cannot_read_a_peer_review_about_themself(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    scenario = build(org, peers=3, upward=0, peer_anonymous=True)
    grant(org.lead.user, Role.HR_ADMIN)
    peer_review = scenario.peers[0]
    assignment = peer_review_of(scenario.cycle, peer_review.pk, org.lead.pk)
    resp = api.as_(org.lead).get(f"/api/v1/assignments/{assignment}")
    # Either hidden (404) or metadata only; never the answers with the writer named.
    if resp.status_code == 200:
        body = resp.json()
        assert "answers" not in body, "the reviewee reads one named peer's answers"
        assert leaks(resp.content, [peer_review]) == []
    else:
        assert resp.status_code == 404


def peer_review_of(cycle, reviewer_id: int, reviewee_id: int) -> int:  # type: ignore[no-untyped-def]
    return ReviewAssignment.objects.get(
        cycle=cycle, reviewer_id=reviewer_id, reviewee_id=reviewee_id, kind=ReviewerKind.PEER
    ).pk


# --- 2. an HRBP reviewee in their own department -------------------------------------


def test_hrbp_reviewee_is_not_told_who_reviews_them(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    scenario = build(org, peers=3, upward=3, peer_anonymous=True, upward_anonymous=True)
    # org.lead works in Platform and is made the HRBP for Platform.
    grant(org.lead.user, Role.HRBP, org.platform)
    resp = api.as_(org.lead).get("/api/v1/assignments", reviewee=org.lead.pk)
    assert resp.status_code == 200, resp.content
    assert leaks(resp.content, scenario.writers()) == []


# --- 3. `next` without a slash: 500 ------------------------------------------------------


def test_nomination_decide_with_a_bare_word_next_is_not_a_500(org: Org) -> None:
    cycle = CycleFactory(stage=Stage.PEER_NOMINATION, include_peer=True, peers_need_approval=True)
    ParticipantFactory(cycle=cycle, employee=org.employee, manager=org.lead)
    nomination = PeerNomination.objects.create(
        cycle=cycle,
        reviewee=org.employee,
        peer=org.salesperson,
        status=NominationStatus.PROPOSED,
        nominated_by=org.employee.user,
    )
    resp = _login(org.lead.user).post(
        f"/reviews/nominations/{nomination.pk}/decide/", {"next": "approvals"}
    )
    assert resp.status_code != 500


def test_goal_approval_with_a_bare_word_next_is_not_a_500(org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee)
    resp = _login(org.lead.user).post(f"/goals/{goal.pk}/approval/", {"next": "approvals"})
    assert resp.status_code != 500


# --- 4. an HR-audience rating can be worked out by the reviewee -----------------------


def test_reviewee_cannot_work_out_an_hr_only_rating_from_their_result(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    """The computed score counts every manager rating, HR-only ones too,
    while the section scores the reviewee reads leave them out: the gap
    between the two gives the hidden rating away."""
    scenario = build(org, peers=3, upward=0)
    section = scenario.sections[SectionKind.QUESTIONS]
    hidden = QuestionFactory(
        section=section,
        kind=QuestionKind.RATING,
        text="Flight risk (HR only)?",
        audience=AnswerAudience.HR,
        required=False,
        position=9,
    )
    manager_review = ReviewAssignment.objects.get(
        cycle=scenario.cycle, reviewee=org.lead, kind=ReviewerKind.MANAGER
    )
    answer(manager_review, section, f"q{hidden.pk}", rating=Decimal(1))
    result = compute_result(cycle=scenario.cycle, employee=org.lead)
    ReviewResult.objects.filter(pk=result.pk).update(released_at=timezone.now())

    body = api.as_(org.lead).get(f"/api/v1/results/{result.pk}").json()
    assert body["viewer_role"] == "reviewee"
    shown = [
        (Decimal(str(s["weight"])), Decimal(str(s["manager_score"])))
        for s in body["sections"]
        if s["manager_score"] is not None
    ]
    from_what_they_read = sum(w * v for w, v in shown) / sum(w for w, _ in shown)
    # With the HR-only rating of 1 counted, these differ (3.00 read vs 2.75
    # computed) and the reviewee can solve for the hidden rating.
    assert Decimal(str(body["computed_score"])) == from_what_they_read.quantize(Decimal("0.01"))


# --- 5. 500s on bad input: `str.isdigit()` accepts "²", `int()` does not; ids past 2**63 --


SUPERSCRIPT_TWO = "\u00b2"  # "²".isdigit() is True, int("²") raises ValueError


@pytest.mark.parametrize(
    "url",
    [
        f"/goals/?period={SUPERSCRIPT_TWO}",
        f"/goals/company/?period={SUPERSCRIPT_TWO}",
        f"/goals/export/?period={SUPERSCRIPT_TWO}",
        f"/goals/new/?parent={SUPERSCRIPT_TWO}",
    ],
)
def test_goals_pages_with_a_non_ascii_digit_are_not_a_500(org: Org, url: str) -> None:
    GoalPeriodFactory()
    assert _login(org.employee.user).get(url).status_code != 500


@pytest.mark.parametrize("raw", [SUPERSCRIPT_TWO, "9" * 25])
def test_mark_notification_read_with_a_bad_id_is_not_a_500(org: Org, raw: str) -> None:
    resp = _login(org.employee.user).post("/notifications/read/", {"id": raw})
    assert resp.status_code != 500


def test_nomination_page_with_an_id_past_the_integer_range_is_not_a_500(org: Org) -> None:
    big = "9" * 25
    resp = _login(org.lead.user).get(f"/reviews/nominations/{big}/{big}/")
    assert resp.status_code == 404


def test_nominating_with_a_non_ascii_digit_is_not_a_500(org: Org) -> None:
    cycle = CycleFactory(stage=Stage.PEER_NOMINATION, include_peer=True)
    ParticipantFactory(cycle=cycle, employee=org.employee, manager=org.lead)
    resp = _login(org.employee.user).post(
        f"/reviews/nominations/{cycle.pk}/{org.employee.pk}/", {"peer": [SUPERSCRIPT_TWO]}
    )
    assert resp.status_code != 500
