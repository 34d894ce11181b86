"""The demo organisation's reviews: the annual reviews of the last two years
closed, with every review written, results computed by the real scoring
code, released and mostly acknowledged; this year's cycle open in the
manager-review phase; something to do for the demo logins; the same reviews for the same
seed; and a demo that can be wiped and made again."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command

from cadence.core.models import User
from cadence.goals.models import GoalPeriod
from cadence.people.demo import generate_demo_organisation, wipe_organisation
from cadence.people.models import Employee
from cadence.reviews.form_items import items_for
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    CyclePhase,
    NominationStatus,
    PeerNomination,
    PhaseKind,
    RatingScale,
    ReviewAssignment,
    ReviewResult,
    ReviewTemplate,
    Stage,
)
from cadence.reviews.results import load_sheets, score_of_record, scoring_frame

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 10)  # the previous quarter, 2025 Q4, is last year's
EMPLOYEES = 120


@pytest.fixture
def demo() -> tuple[Cycle, Cycle]:
    """The demo organisation; returns (last year's cycle, this year's)."""
    generate_demo_organisation(employees=EMPLOYEES, seed=5, today=TODAY)
    return (
        Cycle.objects.get(stage=Stage.CLOSED, name="2025 annual review"),
        Cycle.objects.get(stage=Stage.MANAGER_REVIEW),
    )


def login(email: str) -> User:
    return User.objects.get(email=email)


def test_scale_template_and_cycles(demo: tuple[Cycle, Cycle]) -> None:
    last, current = demo
    scale = RatingScale.objects.get()
    labels = list(scale.levels.order_by("value").values_list("label", flat=True))
    assert labels[0] == "Does not meet" and labels[-1] == "Far exceeds" and len(labels) == 5
    assert scale.allow_unable_to_rate
    template = ReviewTemplate.objects.get()
    sections = list(template.sections.order_by("position"))
    assert [(s.kind, int(s.weight)) for s in sections] == [
        ("goals", 40),
        ("competencies", 30),
        ("questions", 30),
    ]
    questions = list(sections[2].questions.order_by("position"))
    assert Counter(q.kind for q in questions) == {"rating": 3, "text": 2}
    assert {"What went well?", "What should change?"} <= {q.text for q in questions}
    assert [q.audience for q in questions].count("manager") == 1
    assert any("peer" in q.reviewer_kinds for q in questions)

    assert (last.name, current.name) == ("2025 annual review", "2026 mid-year review")
    assert list(Cycle.objects.order_by("created_at").values_list("name", "stage")) == [
        ("2024 annual review", Stage.CLOSED),
        ("2025 annual review", Stage.CLOSED),
        ("2026 mid-year review", Stage.MANAGER_REVIEW),
    ]
    assert set(Cycle.objects.values_list("template", flat=True)) == {template.pk}
    assert last.template == current.template == template
    assert last.goal_period == GoalPeriod.objects.get(name="2025 Q4")
    assert current.goal_period == GoalPeriod.objects.get(name="2026 Q1")
    for cycle in demo:
        assert cycle.peer_anonymous and cycle.upward_anonymous and cycle.min_group_size >= 3
        assert cycle.phases.count() == len(PhaseKind.values)
    assert all(p.due_on.year == 2025 for p in CyclePhase.objects.filter(cycle=last))
    due = CyclePhase.objects.get(cycle=current, kind=PhaseKind.MANAGER_REVIEW).due_on
    assert due == TODAY + dt.timedelta(days=14)


def test_every_review_answers_what_its_form_asks(demo: tuple[Cycle, Cycle]) -> None:
    """Submitted reviews answer every item of their form; in-progress ones
    some; pending ones none (checked through the real form items)."""
    answers: dict[int, set[str]] = {}
    for assignment_id, item in Answer.objects.values_list("assignment_id", "item"):
        answers.setdefault(assignment_id, set()).add(item)
    by_status: dict[str, list[ReviewAssignment]] = {}
    for a in ReviewAssignment.objects.order_by("id"):
        by_status.setdefault(a.status, []).append(a)
    for assignment in by_status[AssignmentStatus.SUBMITTED][::7]:
        keys = {item.key for item in items_for(assignment)}
        assert answers.get(assignment.pk) == keys, assignment
        assert any(k.startswith("c") for k in keys) == (assignment.kind == "manager")
    for assignment in by_status[AssignmentStatus.IN_PROGRESS]:
        keys = {item.key for item in items_for(assignment)}
        assert answers.get(assignment.pk) and answers[assignment.pk] < keys
    assert not any(a.pk in answers for a in by_status[AssignmentStatus.PENDING])
    goal_rated = Answer.objects.filter(goal__isnull=False)
    assert goal_rated.filter(assignment__cycle__stage=Stage.CLOSED).exists()
    assert goal_rated.filter(assignment__cycle__stage=Stage.MANAGER_REVIEW).exists()


def test_last_year_is_complete_scored_released_and_acknowledged(
    demo: tuple[Cycle, Cycle],
) -> None:
    last, _ = demo
    participants = dict(
        CycleParticipant.objects.filter(cycle=last).values_list("employee_id", "manager_id")
    )
    assert len(participants) > EMPLOYEES * 0.7
    assert not ReviewAssignment.objects.filter(cycle=last).exclude(status="submitted").exists()
    kinds = Counter(ReviewAssignment.objects.filter(cycle=last).values_list("kind", flat=True))
    assert kinds["self"] == len(participants)
    assert kinds["manager"] == sum(1 for m in participants.values() if m is not None)
    with_peers = set(
        ReviewAssignment.objects.filter(cycle=last, kind="peer").values_list(
            "reviewee_id", flat=True
        )
    )
    assert len(with_peers) > len(participants) * 0.45
    assert kinds["peer"] / len(with_peers) == pytest.approx(3, abs=0.5)

    # A realistic distribution: mostly 3, fewer 2 and 4, few 1 and 5.
    ratings = Counter(
        int(r or 0)
        for r in Answer.objects.filter(assignment__cycle=last, rating__isnull=False).values_list(
            "rating", flat=True
        )
    )
    assert ratings.most_common(1)[0][0] == 3
    assert ratings[3] > ratings[2] > ratings[1] and ratings[3] > ratings[4] > ratings[5]
    assert Answer.objects.filter(assignment__cycle=last, unable_to_rate=True).exists()
    texts = Answer.objects.filter(assignment__cycle=last).exclude(text="")
    assert texts.values("text").distinct().count() > 30

    # Computed scores are what the scoring code makes of the stored answers.
    results = {r.employee_id: r for r in ReviewResult.objects.filter(cycle=last)}
    assert set(results) == set(participants)
    frame = scoring_frame(last)
    sheets = load_sheets(last.pk, sorted(participants))
    for employee_id, result in results.items():
        score, level = score_of_record(sheets[employee_id], frame)
        assert (result.computed_score, result.computed_level) == (score, level)
    scored = [r for r in results.values() if r.computed_level_id]
    assert len(scored) == kinds["manager"]
    assert {r.computed_level.label for r in scored if r.computed_level} >= {
        "Partially meets",
        "Meets",
        "Exceeds",
    }

    overrides = [r for r in scored if r.manager_level_id != r.computed_level_id]
    assert all(r.override_reason for r in overrides if r.manager_level_id)
    assert all(r.calibration_reason for r in scored if r.calibrated_level_id)
    assert all(r.released_at for r in scored)
    assert all(r.released_at is None for r in results.values() if not r.computed_level_id)
    acknowledged = [r for r in scored if r.acknowledged_at]
    assert 0.7 * len(scored) < len(acknowledged) < 0.95 * len(scored)
    assert any(r.acknowledgement_comment for r in acknowledged)
    for r in acknowledged:
        assert r.released_at and r.acknowledged_at and r.acknowledged_at >= r.released_at


def test_the_year_before_is_closed_too(demo: tuple[Cycle, Cycle]) -> None:
    """Two past cycles: 2024's is closed like 2025's, on 2024's last quarter
    of goals, with its own results, released and mostly acknowledged."""
    last, _ = demo
    before = Cycle.objects.get(name="2024 annual review")
    assert before.stage == Stage.CLOSED and before.goal_period == GoalPeriod.objects.get(
        name="2024 Q4"
    )
    assert all(p.due_on.year == 2024 for p in CyclePhase.objects.filter(cycle=before))
    assert not ReviewAssignment.objects.filter(cycle=before).exclude(status="submitted").exists()
    assert Answer.objects.filter(assignment__cycle=before, goal__period__name="2024 Q4").exists()
    participants = set(
        CycleParticipant.objects.filter(cycle=before).values_list("employee_id", flat=True)
    )
    # Fewer people had joined by then than a year later.
    assert (
        0.5 * EMPLOYEES < len(participants) <= CycleParticipant.objects.filter(cycle=last).count()
    )
    results = {r.employee_id: r for r in ReviewResult.objects.filter(cycle=before)}
    assert set(results) == participants
    frame = scoring_frame(before)
    sheets = load_sheets(before.pk, sorted(participants))
    for employee_id, result in results.items():
        score, level = score_of_record(sheets[employee_id], frame)
        assert (result.computed_score, result.computed_level) == (score, level)
    scored = [r for r in results.values() if r.computed_level_id]
    assert scored and all(r.released_at and r.manager_level_id for r in scored)
    assert all(r.released_at.year == 2024 for r in scored if r.released_at)
    acknowledged = [r for r in scored if r.acknowledged_at]
    assert 0.7 * len(scored) < len(acknowledged) < len(scored)
    # Ratings move a little from one year to the next, not wholesale.
    last_year = dict(
        ReviewResult.objects.filter(cycle=last).values_list("employee_id", "computed_level__value")
    )
    both = [r for r in scored if last_year.get(r.employee_id) is not None]
    assert both
    same = [
        r for r in both if r.computed_level and r.computed_level.value == last_year[r.employee_id]
    ]
    assert 0.3 * len(both) < len(same) < len(both)


def test_this_year_is_in_manager_review(demo: tuple[Cycle, Cycle]) -> None:
    _, current = demo
    by_kind: dict[str, Counter[str]] = {}
    for kind, status in ReviewAssignment.objects.filter(cycle=current).values_list(
        "kind", "status"
    ):
        by_kind.setdefault(kind, Counter())[status] += 1
    selfs = by_kind["self"]
    assert selfs["submitted"] > 0.7 * selfs.total()
    assert selfs["submitted"] < selfs.total()
    assert set(by_kind["manager"]) == {"submitted", "in_progress", "pending"}
    assert by_kind["peer"]["submitted"] > 0.6 * by_kind["peer"].total()
    assert "upward" not in by_kind

    nominations = PeerNomination.objects.filter(cycle=current)
    assert nominations.exists()
    assert not nominations.exclude(status=NominationStatus.APPROVED).exists()
    assert set(nominations.values_list("reviewee_id", "peer_id")) == set(
        ReviewAssignment.objects.filter(cycle=current, kind="peer").values_list(
            "reviewee_id", "reviewer_id"
        )
    )

    # Results exist for the submitted manager reviews, computed, not released.
    submitted = set(
        ReviewAssignment.objects.filter(
            cycle=current, kind="manager", status="submitted"
        ).values_list("reviewee_id", flat=True)
    )
    results = {r.employee_id: r for r in ReviewResult.objects.filter(cycle=current)}
    assert set(results) == submitted
    sheets = load_sheets(current.pk, sorted(submitted))
    frame = scoring_frame(current)
    for employee_id, result in results.items():
        assert result.released_at is None and result.manager_level_id is None
        score, level = score_of_record(sheets[employee_id], frame)
        assert result.computed_score == score and result.computed_level == level
        assert score is not None


def test_the_demo_logins_have_something_to_do(demo: tuple[Cycle, Cycle]) -> None:
    last, current = demo
    manager, employee = login("manager@example.com"), login("employee@example.com")
    to_write = ReviewAssignment.objects.visible_to(manager).filter(
        cycle=current, reviewer=manager.employee, kind="manager"
    )
    assert to_write.exists()
    assert not to_write.exclude(status=AssignmentStatus.PENDING).exists()
    assert employee.employee.pk in set(to_write.values_list("reviewee_id", flat=True))

    own = ReviewAssignment.objects.visible_to(employee).get(
        cycle=current, reviewer=employee.employee, kind="self"
    )
    assert own.status == AssignmentStatus.SUBMITTED and own.submitted_at is not None
    released = ReviewResult.objects.visible_to(employee).get(cycle=last, employee=employee.employee)
    assert released.released_at is not None and released.final_level is not None
    assert released.acknowledged_at is None  # left for the demo to acknowledge


def fingerprint() -> list[tuple[object, ...]]:
    """What a reader sees of the reviews, without the ids."""
    answers = list(
        Answer.objects.order_by(
            "assignment__cycle__name",
            "assignment__reviewee__employee_number",
            "assignment__reviewer__employee_number",
            "assignment__kind",
            "section__position",
            "question__position",
            "competency__name",
            "goal__title",
        ).values_list(
            "assignment__cycle__name",
            "assignment__reviewee__employee_number",
            "assignment__reviewer__employee_number",
            "assignment__kind",
            "assignment__status",
            "assignment__submitted_at",
            "section__title",
            "question__text",
            "competency__name",
            "goal__title",
            "rating",
            "unable_to_rate",
            "text",
        )
    )
    results = list(
        ReviewResult.objects.order_by("cycle__name", "employee__employee_number").values_list(
            "cycle__name",
            "employee__employee_number",
            "computed_score",
            "manager_level__label",
            "override_reason",
            "released_at",
            "acknowledged_at",
            "acknowledgement_comment",
        )
    )
    nominations = list(
        PeerNomination.objects.order_by(
            "cycle__name", "reviewee__employee_number", "peer__employee_number"
        ).values_list("cycle__name", "reviewee__employee_number", "peer__employee_number")
    )
    return [*answers, *results, *nominations]


def test_same_seed_same_reviews() -> None:
    generate_demo_organisation(employees=80, seed=9, today=TODAY)
    first = fingerprint()
    wipe_organisation()
    assert not Answer.objects.exists() and not Cycle.objects.exists()
    assert not RatingScale.objects.exists()
    generate_demo_organisation(employees=80, seed=9, today=TODAY)
    assert fingerprint() == first
    generate_demo_organisation(employees=80, seed=10, today=TODAY, wipe=True)
    assert fingerprint() != first


def test_force_makes_the_demo_again(settings: object) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    call_command("demo", "--employees", "90", "--seed", "3")
    counts = (Cycle.objects.count(), ReviewAssignment.objects.count(), Answer.objects.count())
    call_command("demo", "--employees", "90", "--seed", "3", "--force")
    assert (Cycle.objects.count(), ReviewAssignment.objects.count(), Answer.objects.count()) == (
        counts
    )
    assert counts[0] == 3 and counts[2] > 1000
    assert Employee.objects.count() == 90
    # New rows still get ids after the explicit ones.
    cycle = Cycle.objects.get(stage=Stage.MANAGER_REVIEW)
    person = Employee.objects.exclude(
        pk__in=ReviewAssignment.objects.filter(cycle=cycle, kind="self").values("reviewer_id")
    ).first()
    assert person is not None
    extra = ReviewAssignment.objects.create(
        cycle=cycle, reviewer=person, reviewee=person, kind="self"
    )
    assert extra.pk > ReviewAssignment.objects.exclude(pk=extra.pk).order_by("-pk")[0].pk
