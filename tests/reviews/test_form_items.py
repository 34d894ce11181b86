"""What an assignment must answer: questions by reviewer kind, the
reviewee's goals as the reviewer may see them, the job's competencies with
the expected proficiency, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from cadence.goals.models import ObjectiveStatus
from cadence.reviews.form_items import ItemSource, by_key, is_answered, items_for, word_count
from cadence.reviews.models import QuestionKind, ReviewerKind, SectionKind, TemplateSection
from tests.conftest import Org
from tests.factories import GoalPeriodFactory, ObjectiveFactory
from tests.review_factories import QuestionFactory
from tests.reviews.writing_support import (
    give_job,
    goals_for,
    questions_template,
    review,
    running_cycle,
)

pytestmark = pytest.mark.django_db
QueryCounter = Callable[[int], Any]


def test_simple_template_items_in_order(org: Org) -> None:
    period = GoalPeriodFactory()
    goals = goals_for(org.employee, 2, period=period)
    competencies = give_job(org.employee, 2)
    cycle = running_cycle(org, period=period)
    a = review(cycle, org.employee, org.employee, ReviewerKind.SELF)
    items = items_for(a)
    keys = [i.key for i in items]
    questions = [i for i in items if i.source == ItemSource.QUESTION]
    assert keys[:2] == [f"g{g.pk}" for g in goals]
    assert keys[2:4] == [f"c{c}" for c in competencies]
    assert [q.label for q in questions] == ["Overall?", "What went well?"]
    overall, went_well = questions
    assert overall.kind == QuestionKind.RATING and overall.required
    assert [lv.key for lv in overall.levels] == ["1", "2", "3", "4", "5"]
    assert overall.allow_unable_to_rate
    assert went_well.kind == QuestionKind.TEXT and not went_well.required
    competency = by_key(items)[f"c{competencies[0]}"]
    assert competency.expected_level == 3 and competency.expected_level_name == "Proficient"
    assert competency.required and competency.section_kind == SectionKind.COMPETENCIES


def test_questions_follow_reviewer_kinds(org: Org) -> None:
    template = questions_template(0)
    section = TemplateSection.objects.get(template=template, kind=SectionKind.QUESTIONS)
    QuestionFactory(section=section, text="For managers", reviewer_kinds=["manager"])
    QuestionFactory(section=section, text="For peers", reviewer_kinds=["peer", "upward"])
    cycle = running_cycle(org, template=template)
    peer_review = review(cycle, org.peer, org.employee, ReviewerKind.PEER)
    manager_review = review(cycle, org.lead, org.employee, ReviewerKind.MANAGER)
    assert [i.label for i in items_for(peer_review)] == ["For peers"]
    assert [i.label for i in items_for(manager_review)] == ["For managers"]


def test_goal_section_only_for_its_kinds(org: Org) -> None:
    period = GoalPeriodFactory()
    goals_for(org.employee, 2, period=period)
    cycle = running_cycle(org, period=period)
    TemplateSection.objects.filter(template=cycle.template, kind=SectionKind.GOALS).update(
        reviewer_kinds=["manager"]
    )
    peer_review = review(cycle, org.peer, org.employee, ReviewerKind.PEER)
    manager_review = review(cycle, org.lead, org.employee, ReviewerKind.MANAGER)
    assert not [i for i in items_for(peer_review) if i.source == ItemSource.GOAL]
    assert len([i for i in items_for(manager_review) if i.source == ItemSource.GOAL]) == 2


def test_goals_respect_the_reviewers_visibility(org: Org) -> None:
    period = GoalPeriodFactory()
    goals = goals_for(org.employee, 4, period=period, private_every=2)  # 0 and 2 private
    cycle = running_cycle(org, period=period)
    by_peer = review(cycle, org.peer, org.employee, ReviewerKind.PEER)
    by_manager = review(cycle, org.lead, org.employee, ReviewerKind.MANAGER)
    by_self = review(cycle, org.employee, org.employee, ReviewerKind.SELF)

    def goal_ids(a: Any) -> set[int | None]:
        return {i.goal_id for i in items_for(a) if i.source == ItemSource.GOAL}

    public = {goals[1].pk, goals[3].pk}
    assert goal_ids(by_peer) == public
    assert goal_ids(by_manager) == goal_ids(by_self) == {g.pk for g in goals}


def test_goals_of_other_periods_people_and_statuses_are_left_out(org: Org) -> None:
    period = GoalPeriodFactory()
    other_period = GoalPeriodFactory(name="2026 Q4")
    kept = ObjectiveFactory(owner_employee=org.employee, period=period, title="Kept")
    ObjectiveFactory(owner_employee=org.employee, period=other_period)
    ObjectiveFactory(owner_employee=org.peer, period=period)
    for status in (ObjectiveStatus.DRAFT, ObjectiveStatus.CANCELLED):
        ObjectiveFactory(owner_employee=org.employee, period=period, status=status)
    done = ObjectiveFactory(
        owner_employee=org.employee, period=period, status=ObjectiveStatus.COMPLETED, title="Done"
    )
    cycle = running_cycle(org, period=period)
    a = review(cycle, org.employee, org.employee, ReviewerKind.SELF)
    assert [i.goal_id for i in items_for(a) if i.goal_id] == [done.pk, kept.pk]


def test_no_goal_period_means_no_goal_items(org: Org) -> None:
    goals_for(org.employee, 2)
    cycle = running_cycle(org)
    a = review(cycle, org.employee, org.employee, ReviewerKind.SELF)
    assert not [i for i in items_for(a) if i.source == ItemSource.GOAL]


def test_choices_word_limit_and_scale_without_unable(org: Org) -> None:
    template = questions_template(3)
    template.rating_scale.allow_unable_to_rate = False
    template.rating_scale.save()
    cycle = running_cycle(org, template=template)
    items = items_for(review(cycle, org.employee, org.employee, ReviewerKind.SELF))
    rating, text, choice = items
    assert not rating.allow_unable_to_rate
    assert rating.rating_values == {Decimal(v) for v in range(1, 6)}
    assert text.word_limit == 50 and not text.levels
    assert choice.choices == ("Yes", "No", "Sometimes")


def test_is_answered_and_word_count(org: Org) -> None:
    cycle = running_cycle(org, template=questions_template(3))
    rating, text, choice = items_for(review(cycle, org.employee, org.employee, "self"))
    assert not is_answered(rating, None)
    assert not is_answered(rating, {"rating": None, "text": "a comment alone"})
    assert is_answered(rating, {"rating": Decimal(3)})
    assert is_answered(rating, {"unable_to_rate": True})
    assert not is_answered(text, {"text": "   "})
    assert is_answered(text, {"text": "fine"})
    assert is_answered(choice, {"choice": "Yes"}) and not is_answered(choice, {"choice": ""})
    assert word_count("  one two\nthree\tfour  ") == 4 and word_count("") == 0


@pytest.mark.parametrize(("questions", "goals", "competencies"), [(5, 3, 2), (40, 30, 20)])
def test_items_for_runs_a_fixed_number_of_queries(
    org: Org,
    django_assert_max_num_queries: QueryCounter,
    questions: int,
    goals: int,
    competencies: int,
) -> None:
    period = GoalPeriodFactory()
    template = questions_template(questions)
    TemplateSection.objects.create(
        template=template,
        kind=SectionKind.COMPETENCIES,
        title="Competencies",
        position=2,
        reviewer_kinds=["peer"],
    )
    goals_for(org.employee, goals, period=period)
    give_job(org.employee, competencies)
    cycle = running_cycle(org, template=template, period=period)
    a = review(cycle, org.peer, org.employee, ReviewerKind.PEER)
    with django_assert_max_num_queries(11):
        items = items_for(a)
    assert len(items) == questions + goals + competencies
