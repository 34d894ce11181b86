"""Results services: the computed score from the manager review (weights,
renormalisation, unable to rate, scale mapping), the proposed rating with
its override reason, release (all or per department) and acknowledgement."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cadence.core.models import AuditEntry
from cadence.people.models import Employee
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    Cycle,
    RatingLevel,
    ReviewerKind,
    ReviewResult,
    SectionKind,
    Stage,
)
from cadence.reviews.services_results import (
    acknowledge_result,
    compute_result,
    propose_rating,
    recompute_cycle_results,
    release_results,
)
from tests.conftest import Org, fresh
from tests.review_factories import (
    CycleFactory,
    ParticipantFactory,
    QuestionFactory,
    ResultFactory,
    five_point_scale,
)
from tests.reviews.results_fixtures import Scenario, answer, build, submitted

pytestmark = pytest.mark.django_db
QueryCounter = Callable[[int], Any]


def level(cycle: Cycle, value: int) -> RatingLevel:
    return RatingLevel.objects.get(scale=cycle.template.rating_scale, value=value)


def manager_answers(scenario: Scenario) -> dict[str, Answer]:
    """The manager review's rating answers, by section kind."""
    rows = Answer.objects.filter(
        assignment__kind=ReviewerKind.MANAGER,
        assignment__reviewee=scenario.reviewee,
        rating__isnull=False,
    ).select_related("section")
    return {a.section.kind if not a.question_id else "overall": a for a in rows}


def rate(row: Answer, value: int | None, *, unable: bool = False) -> None:
    row.rating = None if value is None else Decimal(value)
    row.unable_to_rate = unable
    row.save()


# --- computed score -------------------------------------------------------------------------


def test_computed_from_the_manager_review_with_section_weights(org: Org) -> None:
    scenario = build(org, peers=0, upward=0)
    rows = manager_answers(scenario)
    rate(rows[SectionKind.GOALS], 5)  # weight 2
    rate(rows[SectionKind.COMPETENCIES], 2)  # weight 1
    rate(rows["overall"], 3)  # questions, weight 1
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    # (2*5 + 2 + 3) / 4 = 3.75 → nearest level 4 "Exceeds"
    assert result.computed_score == Decimal("3.750")
    assert result.computed_level is not None and result.computed_level.label == "Exceeds"
    assert result.final_level == result.computed_level


def test_self_and_peer_ratings_do_not_enter_the_computed_score(org: Org) -> None:
    scenario = build(org, peers=3, upward=3)  # self 4, peers 5/4/3, upward 2/3/2; manager 3
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    assert result.computed_score == Decimal("3.000")


def test_unrated_section_drops_out_and_weights_renormalise(org: Org) -> None:
    scenario = build(org, peers=0, upward=0)
    rows = manager_answers(scenario)
    rate(rows[SectionKind.GOALS], None, unable=True)  # the heavy section: unable to rate
    rate(rows[SectionKind.COMPETENCIES], 2)
    rate(rows["overall"], 5)
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    # Goals excluded: (1*2 + 1*5) / 2 = 3.5 → a tie between 3 and 4 → the lower.
    assert result.computed_score == Decimal("3.500")
    assert result.computed_level is not None and result.computed_level.label == "Meets"


def test_unable_to_rate_items_are_left_out_of_a_section(org: Org) -> None:
    scenario = build(org, peers=0, upward=0)
    cycle = scenario.cycle
    review = scenario.reviewee.reviews_about.get(kind=ReviewerKind.MANAGER)
    questions = scenario.sections[SectionKind.QUESTIONS]
    extra = QuestionFactory(section=questions, text="Teamwork?", position=3)
    answer(review, questions, f"q{extra.pk}", unable_to_rate=True)
    rows = manager_answers(scenario)
    rate(rows[SectionKind.GOALS], 3)
    rate(rows[SectionKind.COMPETENCIES], 3)
    rate(rows["overall"], 5)
    result = compute_result(cycle=cycle, employee=scenario.reviewee)
    # Questions section = 5 (not (5+0)/2): (2*3 + 3 + 5) / 4 = 3.5
    assert result.computed_score == Decimal("3.500")


@pytest.mark.parametrize("audience", ["hr", "manager"])
def test_items_the_reviewee_cannot_read_do_not_count_in_the_score(org: Org, audience: str) -> None:
    """The score of record is built from what the reviewee reads too: one
    built on hidden ratings would let them work those out from the section
    scores they are shown (found in the security review)."""
    scenario = build(org, peers=0, upward=0)
    review = scenario.reviewee.reviews_about.get(kind=ReviewerKind.MANAGER)
    questions = scenario.sections[SectionKind.QUESTIONS]
    hidden = QuestionFactory(section=questions, text="Potential?", audience=audience, position=4)
    answer(review, questions, f"q{hidden.pk}", rating=Decimal(5))
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    # Questions section = 3 (the hidden 5 left out): (2*3 + 3 + 3) / 4 = 3.0,
    # where counting it would give (2*3 + 3 + 4) / 4 = 3.25.
    assert result.computed_score == Decimal("3.000")


def test_no_submitted_manager_review_means_no_computed_score(org: Org) -> None:
    scenario = build(org, peers=3, upward=0)
    scenario.reviewee.reviews_about.filter(kind=ReviewerKind.MANAGER).update(
        status=AssignmentStatus.IN_PROGRESS
    )
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    assert result.computed_score is None and result.computed_level is None


def test_the_latest_submitted_manager_review_is_the_record(org: Org) -> None:
    scenario = build(org, peers=0, upward=0)
    earlier = scenario.reviewee.reviews_about.get(kind=ReviewerKind.MANAGER)
    earlier.submitted_at = timezone.now() - timezone.timedelta(days=3)
    earlier.save()
    later = submitted(scenario.cycle, org.ceo, scenario.reviewee, ReviewerKind.MANAGER)
    answer(later, scenario.sections[SectionKind.GOALS], f"g{scenario.goal.pk}", rating=1)
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    assert result.computed_score == Decimal("1.000")


def test_compute_is_audited_and_idempotent(org: Org) -> None:
    scenario = build(org, peers=0, upward=0)
    first = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    again = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    assert first.pk == again.pk and again.version == first.version
    assert AuditEntry.objects.filter(action="review_result.compute").count() == 1


def test_a_released_result_is_not_recomputed(org: Org) -> None:
    scenario = build(org, peers=0, upward=0)
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    ReviewResult.objects.filter(pk=result.pk).update(released_at=timezone.now())
    rate(manager_answers(scenario)[SectionKind.GOALS], 1)
    again = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    assert again.computed_score == Decimal("3.000")


@pytest.mark.parametrize("size", [5, 60])
def test_recompute_cycle_results_in_bulk(
    org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    cycle = CycleFactory(stage=Stage.MANAGER_REVIEW)
    people = Employee.objects.bulk_create(
        Employee(
            employee_number=f"R{i:04d}",
            first_name=f"R{i}",
            last_name="Report",
            email=f"r{i}@example.com",
            department=org.engineering,
            manager=org.manager,
        )
        for i in range(size)
    )
    goals = cycle.template.sections.get(kind=SectionKind.GOALS)
    for i, person in enumerate(people):
        ParticipantFactory(cycle=cycle, employee=person, manager=org.manager)
        review = submitted(cycle, org.manager, person, ReviewerKind.MANAGER)
        Answer.objects.create(assignment=review, section=goals, item=f"g{i + 1}", rating=1 + i % 5)
    ResultFactory(cycle=cycle, employee=people[0], computed_score=Decimal(5))  # stale
    with django_assert_max_num_queries(14):
        summary = recompute_cycle_results(cycle)
    assert (summary.created, summary.changed) == (size - 1, 1)
    scores = dict(
        ReviewResult.objects.filter(cycle=cycle).values_list("employee_id", "computed_score")
    )
    assert scores[people[0].pk] == Decimal("1.000") and scores[people[4].pk] == Decimal("5.000")
    assert recompute_cycle_results(cycle).unchanged == size


# --- the proposed rating ------------------------------------------------------------------------


@pytest.fixture
def scenario(org: Org) -> Scenario:
    scenario = build(org, peers=0, upward=0)
    scenario.result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    return scenario


def test_overriding_needs_a_reason_and_keeps_both(org: Org, scenario: Scenario) -> None:
    result, cycle = scenario.result, scenario.cycle
    assert result is not None
    with pytest.raises(ValidationError) as error:
        propose_rating(actor=org.manager.user, result=result, level=level(cycle, 4), reason="  ")
    assert "reason" in error.value.message_dict
    propose_rating(
        actor=org.manager.user, result=result, level=level(cycle, 4), reason="Carried the launch"
    )
    result.refresh_from_db()
    assert result.computed_level == level(cycle, 3) and result.computed_score == Decimal("3.000")
    assert result.manager_level == level(cycle, 4)
    assert result.override_reason == "Carried the launch"
    assert result.final_level == level(cycle, 4)
    assert result.manager_rated_by == org.manager.user
    entry = AuditEntry.objects.get(action="review_result.propose_rating")
    assert entry.after["manager_level"] == level(cycle, 4).pk
    assert entry.after["computed_level"] == level(cycle, 3).pk


def test_agreeing_with_the_computed_rating_needs_no_reason(org: Org, scenario: Scenario) -> None:
    assert scenario.result is not None
    propose_rating(actor=org.ceo.user, result=scenario.result, level=level(scenario.cycle, 3))
    scenario.result.refresh_from_db()
    assert scenario.result.manager_level == level(scenario.cycle, 3)


def test_without_a_computed_rating_a_reason_is_needed(org: Org) -> None:
    cycle = CycleFactory(stage=Stage.MANAGER_REVIEW)
    result = ResultFactory(cycle=cycle, employee=org.employee)
    with pytest.raises(ValidationError) as error:
        propose_rating(actor=org.lead.user, result=result, level=level(cycle, 3))
    assert "reason" in error.value.message_dict


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("manager", True),
        ("ceo", True),
        ("hr_admin", True),
        ("lead", False),  # the reviewee
        ("hrbp", False),
        ("peer", False),
        ("other_manager", False),
    ],
)
def test_who_may_propose(org: Org, scenario: Scenario, who: str, allowed: bool) -> None:
    assert scenario.result is not None
    person = getattr(org, who)
    user = getattr(person, "user", person)
    call = lambda: propose_rating(  # noqa: E731
        actor=user, result=scenario.result, level=level(scenario.cycle, 3)
    )
    if allowed:
        call()
    else:
        with pytest.raises(PermissionDenied):
            call()


def test_a_level_of_another_scale_is_refused(org: Org, scenario: Scenario) -> None:
    other = RatingLevel.objects.filter(scale=five_point_scale("Other")).first()
    assert scenario.result is not None and other is not None
    with pytest.raises(ValidationError) as error:
        propose_rating(actor=org.manager.user, result=scenario.result, level=other, reason="x")
    assert "level" in error.value.message_dict


def test_a_stale_version_is_refused(org: Org, scenario: Scenario) -> None:
    assert scenario.result is not None
    with pytest.raises(ValidationError) as error:
        propose_rating(
            actor=org.manager.user,
            result=scenario.result,
            level=level(scenario.cycle, 3),
            expected_version=scenario.result.version + 1,
        )
    assert "version" in error.value.message_dict


def test_no_rating_change_after_release(org: Org, scenario: Scenario) -> None:
    assert scenario.result is not None
    ReviewResult.objects.filter(pk=scenario.result.pk).update(released_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        propose_rating(
            actor=org.manager.user, result=scenario.result, level=level(scenario.cycle, 3)
        )
    assert "level" in error.value.message_dict


# --- release ------------------------------------------------------------------------------------


def release_setup(org: Org) -> tuple[Cycle, dict[str, ReviewResult]]:
    """Participants in Platform (employee, lead), Engineering (peer) and
    Sales (salesperson); the salesperson has no rating yet."""
    cycle = CycleFactory(stage=Stage.CALIBRATION)
    results = {}
    for name in ("employee", "lead", "peer", "salesperson"):
        person = getattr(org, name)
        ParticipantFactory(cycle=cycle, employee=person, manager=person.manager)
        rated = level(cycle, 3) if name != "salesperson" else None
        results[name] = ResultFactory(
            cycle=cycle,
            employee=person,
            computed_score=Decimal(3) if rated else None,
            computed_level=rated,
        )
    return cycle, results


def released_names(results: dict[str, ReviewResult]) -> set[str]:
    return {
        name
        for name, r in results.items()
        if ReviewResult.objects.get(pk=r.pk).released_at is not None
    }


def test_release_per_department_includes_the_departments_below(org: Org) -> None:
    cycle, results = release_setup(org)
    summary = release_results(actor=org.hr_admin, cycle=cycle, department=org.engineering)
    assert (summary.released, summary.not_ready, summary.cycle_released) == (3, 0, False)
    assert released_names(results) == {"employee", "lead", "peer"}
    cycle.refresh_from_db()
    assert cycle.stage == Stage.CALIBRATION
    assert AuditEntry.objects.filter(action="review_result.release").count() == 3
    entry = AuditEntry.objects.get(action="review_cycle.release_results")
    assert entry.after == {"department": org.engineering.pk, "released": 3, "not_ready": 0}


def test_release_all_skips_results_not_ready(org: Org) -> None:
    cycle, results = release_setup(org)
    summary = release_results(actor=org.hr_admin, cycle=cycle)
    assert (summary.released, summary.not_ready, summary.cycle_released) == (3, 1, False)
    assert "salesperson" not in released_names(results)
    # Once the last one has a rating and is released, the cycle is released.
    ReviewResult.objects.filter(pk=results["salesperson"].pk).update(manager_level=level(cycle, 2))
    summary = release_results(actor=org.hr_admin, cycle=cycle, department=org.sales)
    assert summary.cycle_released
    cycle.refresh_from_db()
    assert cycle.stage == Stage.RELEASED
    assert AuditEntry.objects.filter(action="review_cycle.stage", object_id=str(cycle.pk)).exists()


def test_nothing_ready_to_release_is_an_error(org: Org) -> None:
    cycle, _ = release_setup(org)
    release_results(actor=org.hr_admin, cycle=cycle, department=org.engineering)
    with pytest.raises(ValidationError) as error:
        release_results(actor=org.hr_admin, cycle=cycle, department=org.engineering)
    assert "department" in error.value.message_dict


def test_removed_participants_are_not_released(org: Org) -> None:
    cycle, results = release_setup(org)
    cycle.participants.filter(employee=org.peer).update(status="removed")
    release_results(actor=org.hr_admin, cycle=cycle, department=org.engineering)
    assert released_names(results) == {"employee", "lead"}


@pytest.mark.parametrize("who", ["hrbp", "manager", "executive"])
def test_only_hr_admin_releases(org: Org, who: str) -> None:
    cycle, _ = release_setup(org)
    person = getattr(org, who)
    with pytest.raises(PermissionDenied):
        release_results(actor=getattr(person, "user", person), cycle=cycle)


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.PEER_REVIEW, Stage.CLOSED])
def test_release_waits_for_the_manager_reviews(org: Org, stage: str) -> None:
    cycle, _ = release_setup(org)
    Cycle.objects.filter(pk=cycle.pk).update(stage=stage)
    with pytest.raises(ValidationError):
        release_results(actor=org.hr_admin, cycle=cycle)


# --- acknowledgement ------------------------------------------------------------------------------


def test_the_employee_acknowledges_once_after_release(org: Org) -> None:
    cycle, results = release_setup(org)
    result = results["employee"]
    with pytest.raises(ValidationError):
        acknowledge_result(actor=org.employee.user, result=result)  # not released
    release_results(actor=org.hr_admin, cycle=cycle)
    acknowledge_result(actor=org.employee.user, result=result, comment="  Fair, thanks. ")
    result.refresh_from_db()
    assert result.acknowledged_at is not None
    assert result.acknowledgement_comment == "Fair, thanks."
    assert AuditEntry.objects.filter(action="review_result.acknowledge").count() == 1
    with pytest.raises(ValidationError):
        acknowledge_result(actor=fresh(org.employee.user), result=result)


@pytest.mark.parametrize("who", ["lead", "manager", "hr_admin", "peer"])
def test_nobody_else_acknowledges(org: Org, who: str) -> None:
    cycle, results = release_setup(org)
    release_results(actor=org.hr_admin, cycle=cycle)
    person = getattr(org, who)
    with pytest.raises(PermissionDenied):
        acknowledge_result(actor=getattr(person, "user", person), result=results["employee"])


def test_submitting_the_manager_review_computes_the_result(org: Any) -> None:
    """The writing service and the results service meet here: a submitted
    manager review leaves a computed score and level on the result."""
    from cadence.reviews.form_items import items_for
    from cadence.reviews.models import ReviewAssignment, ReviewerKind, ReviewResult, Stage
    from cadence.reviews.services_writing import save_answers, submit_assignment
    from tests.review_factories import (
        CycleFactory,
        ParticipantFactory,
        QuestionFactory,
        ReviewTemplateFactory,
        TemplateSectionFactory,
    )

    template = ReviewTemplateFactory()
    section = TemplateSectionFactory(template=template)
    QuestionFactory(section=section, text="Overall?", reviewer_kinds=["manager"])
    QuestionFactory(section=section, text="Craft?", reviewer_kinds=["manager"])
    cycle = CycleFactory(template=template, stage=Stage.MANAGER_REVIEW)
    ParticipantFactory(cycle=cycle, employee=org.employee, manager=org.lead)
    review = ReviewAssignment.objects.create(
        cycle=cycle, reviewer=org.lead, reviewee=org.employee, kind=ReviewerKind.MANAGER
    )
    first, second = (item.key for item in items_for(review))
    review = save_answers(
        actor=org.lead.user,
        assignment=review,
        answers={first: {"rating": "4"}, second: {"rating": "5"}},
        expected_version=review.version,
    )
    submit_assignment(actor=org.lead.user, assignment=review, expected_version=review.version)
    result = ReviewResult.objects.get(cycle=cycle, employee=org.employee)
    assert result.computed_score == Decimal("4.5")
    assert result.computed_level is not None and result.computed_level.value == Decimal(
        4
    )  # tie: lower
