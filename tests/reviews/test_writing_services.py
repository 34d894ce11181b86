"""Saving and submitting a review: each validation rule, who may write,
open and running only, versions, locking, and the audit trail."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.core.models import AuditEntry, User
from cadence.reviews.form_items import items_for
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    Question,
    ReviewAssignment,
    ReviewerKind,
    Stage,
)
from cadence.reviews.services_writing import save_answers, submit_assignment
from tests.conftest import Org
from tests.factories import GoalPeriodFactory
from tests.reviews.writing_support import goals_for, questions_template, review, running_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org: Org) -> dict[str, Any]:
    """A self review of `employee` on a template of rating, text (≤ 50 words)
    and choice questions, plus one goal."""
    period = GoalPeriodFactory()
    (goal,) = goals_for(org.employee, 1, period=period)
    cycle = running_cycle(org, template=questions_template(3), period=period)
    a = review(cycle, org.employee, org.employee, ReviewerKind.SELF)
    rating, text, choice = Question.objects.filter(section__template=cycle.template).order_by(
        "position"
    )
    return {
        "a": a,
        "cycle": cycle,
        "goal": f"g{goal.pk}",
        "rating": f"q{rating.pk}",
        "text": f"q{text.pk}",
        "choice": f"q{choice.pk}",
    }


def save(a: ReviewAssignment, user: User, answers: dict[str, Any], version: int | None = None):
    a.refresh_from_db()
    return save_answers(
        actor=user, assignment=a, answers=answers, expected_version=version or a.version
    )


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- validation, rule by rule -------------------------------------------------------


def test_a_valid_save_stores_every_kind_of_answer(org: Org, setup: dict[str, Any]) -> None:
    s = setup
    saved = save(
        s["a"],
        org.employee.user,
        {
            s["rating"]: {"rating": 4, "text": "Because."},
            s["text"]: {"text": "  It went well.  "},
            s["choice"]: {"choice": "Sometimes"},
            s["goal"]: {"unable_to_rate": True},
        },
    )
    assert saved.status == AssignmentStatus.IN_PROGRESS and saved.version == 2
    stored = {a.item: a for a in Answer.objects.filter(assignment=saved)}
    assert stored[s["rating"]].rating == Decimal(4) and stored[s["rating"]].text == "Because."
    assert stored[s["text"]].text == "It went well."
    assert stored[s["choice"]].choice == "Sometimes"
    assert stored[s["goal"]].unable_to_rate and stored[s["goal"]].rating is None
    assert stored[s["goal"]].goal_id is not None and stored[s["rating"]].question_id is not None


@pytest.mark.parametrize(
    ("item", "value", "message"),
    [
        ("rating", {"rating": 6}, "Choose one of the scale's levels"),
        ("rating", {"rating": "2.5"}, "Choose one of the scale's levels"),
        ("rating", {"rating": "high"}, "must be a number"),
        ("rating", {"rating": True}, "must be a number"),
        ("rating", {"rating": 3, "unable_to_rate": True}, "not both"),
        ("rating", {"choice": "Yes"}, "choose a level, not an option"),
        ("goal", {"rating": 0}, "Choose one of the scale's levels"),
        ("text", {"text": "word " * 51}, "Keep it to 50 words (this has 51)"),
        ("text", {"rating": 3}, "takes a written answer"),
        ("text", {"text": "nul\x00"}, "NUL"),
        ("text", {"text": "x" * 20_001}, "under 20,000 characters"),
        ("choice", {"choice": "Maybe"}, "Choose one of the options: Yes, No, Sometimes"),
        ("choice", {"text": "free text"}, "Choose one of the options"),
        ("rating", {"stars": 5}, "Unknown answer field: stars"),
        ("rating", "5", "Send the answer as an object"),
        ("text", {"text": 12}, "must be text"),
    ],
)
def test_each_invalid_value_is_refused_on_its_item(
    org: Org, setup: dict[str, Any], item: str, value: Any, message: str
) -> None:
    key = setup[item]
    with pytest.raises(ValidationError) as excinfo:
        save(setup["a"], org.employee.user, {key: value})
    assert list(errors_of(excinfo)) == [key]
    assert message in " ".join(errors_of(excinfo)[key])
    assert not Answer.objects.exists()
    setup["a"].refresh_from_db()
    assert setup["a"].version == 1 and setup["a"].status == AssignmentStatus.PENDING


def test_unable_to_rate_only_when_the_scale_allows_it(org: Org, setup: dict[str, Any]) -> None:
    scale = setup["cycle"].template.rating_scale
    scale.allow_unable_to_rate = False
    scale.save()
    with pytest.raises(ValidationError) as excinfo:
        save(setup["a"], org.employee.user, {setup["goal"]: {"unable_to_rate": True}})
    assert "no “unable to rate”" in errors_of(excinfo)[setup["goal"]][0]


def test_word_limit_counts_words_not_characters(org: Org, setup: dict[str, Any]) -> None:
    fifty_long_words = " ".join(["incomprehensibilities"] * 50)
    save(setup["a"], org.employee.user, {setup["text"]: {"text": fifty_long_words}})
    assert Answer.objects.get(item=setup["text"]).text == fifty_long_words


def test_unknown_items_are_refused_and_nothing_is_saved(org: Org, setup: dict[str, Any]) -> None:
    other = Question.objects.exclude(section__template=setup["cycle"].template).first()
    unknown = f"q{other.pk}" if other else "q999999"
    with pytest.raises(ValidationError) as excinfo:
        save(
            setup["a"],
            org.employee.user,
            {setup["rating"]: {"rating": 3}, unknown: {"rating": 3}, "g999999": {"rating": 3}},
        )
    assert set(errors_of(excinfo)) == {unknown, "g999999"}
    assert not Answer.objects.exists()


def test_every_problem_is_reported_at_once(org: Org, setup: dict[str, Any]) -> None:
    s = setup
    with pytest.raises(ValidationError) as excinfo:
        save(s["a"], org.employee.user, {s["rating"]: {"rating": 9}, s["choice"]: {"choice": "?"}})
    assert set(errors_of(excinfo)) == {s["rating"], s["choice"]}


def test_a_level_clears_unable_and_null_clears_a_value(org: Org, setup: dict[str, Any]) -> None:
    s, user = setup, org.employee.user
    save(s["a"], user, {s["goal"]: {"unable_to_rate": True}, s["text"]: {"text": "draft"}})
    save(s["a"], user, {s["goal"]: {"rating": "3.00"}, s["text"]: {"text": None}})
    goal, text = Answer.objects.get(item=s["goal"]), Answer.objects.get(item=s["text"])
    assert goal.rating == 3 and not goal.unable_to_rate
    assert text.text == ""
    save(s["a"], user, {s["goal"]: {"rating": None}})
    assert Answer.objects.get(item=s["goal"]).rating is None


def test_only_the_fields_sent_change(org: Org, setup: dict[str, Any]) -> None:
    s, user = setup, org.employee.user
    save(s["a"], user, {s["rating"]: {"rating": 2, "text": "why"}})
    save(s["a"], user, {s["rating"]: {"rating": 5}})
    answer = Answer.objects.get(item=s["rating"])
    assert answer.rating == 5 and answer.text == "why"
    assert Answer.objects.count() == 1


# --- who may write, and when --------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "manager", "peer", "hr_admin", "hrbp", "outsider"])
def test_only_the_reviewer_writes(org: Org, setup: dict[str, Any], who: str) -> None:
    person = getattr(org, who)
    user = getattr(person, "user", person)
    with pytest.raises(PermissionDenied):
        save(setup["a"], user, {setup["rating"]: {"rating": 3}})
    with pytest.raises(PermissionDenied):
        submit_assignment(actor=user, assignment=setup["a"], expected_version=1)
    assert not Answer.objects.exists()


def test_the_reviewee_cannot_write_a_review_about_them(org: Org) -> None:
    cycle = running_cycle(org, template=questions_template(1))
    a = review(cycle, org.peer, org.employee, ReviewerKind.PEER)
    (item,) = items_for(a)
    with pytest.raises(PermissionDenied):
        save(a, org.employee.user, {item.key: {"rating": 3}})


def test_an_inactive_reviewer_login_cannot_write(org: Org, setup: dict[str, Any]) -> None:
    user = org.employee.user
    user.is_active = False
    user.save()
    with pytest.raises(PermissionDenied):
        save(setup["a"], User.objects.get(pk=user.pk), {setup["rating"]: {"rating": 3}})


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.LAUNCHING, Stage.CLOSED])
def test_only_while_the_cycle_runs(org: Org, setup: dict[str, Any], stage: str) -> None:
    setup["cycle"].stage = stage
    setup["cycle"].save()
    with pytest.raises(ValidationError, match="not running"):
        save(setup["a"], org.employee.user, {setup["rating"]: {"rating": 3}})


def test_a_cancelled_review_cannot_be_written(org: Org, setup: dict[str, Any]) -> None:
    ReviewAssignment.objects.filter(pk=setup["a"].pk).update(
        status=AssignmentStatus.CANCELLED, cancelled_reason="Reviewer replaced"
    )
    with pytest.raises(ValidationError, match="cancelled"):
        save(setup["a"], org.employee.user, {setup["rating"]: {"rating": 3}})


# --- versions ----------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_overwrites_nothing(org: Org, setup: dict[str, Any]) -> None:
    s, user = setup, org.employee.user
    save(s["a"], user, {s["text"]: {"text": "first tab"}}, version=1)
    with pytest.raises(ValidationError) as excinfo:
        save(s["a"], user, {s["text"]: {"text": "second tab"}}, version=1)
    assert list(errors_of(excinfo)) == ["version"]
    assert Answer.objects.get(item=s["text"]).text == "first tab"
    with pytest.raises(ValidationError) as excinfo:
        submit_assignment(actor=user, assignment=s["a"], expected_version=1)
    assert list(errors_of(excinfo)) == ["version"]


def test_a_save_that_changes_nothing_keeps_the_version(org: Org, setup: dict[str, Any]) -> None:
    s, user = setup, org.employee.user
    saved = save(s["a"], user, {s["rating"]: {"rating": 3}})
    again = save(s["a"], user, {s["rating"]: {"rating": 3}}, version=saved.version)
    assert again.version == saved.version
    assert AuditEntry.objects.filter(action="review.answers_save").count() == 1


# --- audit -----------------------------------------------------------------------------


def test_each_save_is_audited_with_the_changed_items(org: Org, setup: dict[str, Any]) -> None:
    s, user = setup, org.employee.user
    long_text = "word " * 40
    save(s["a"], user, {s["text"]: {"text": long_text}, s["rating"]: {"rating": 2}})
    save(s["a"], user, {s["rating"]: {"rating": 4}, s["text"]: {"text": long_text}})
    first, second = AuditEntry.objects.filter(action="review.answers_save").order_by("id")
    assert first.object_id == str(s["a"].pk) and first.actor == user
    assert first.after["answers"][s["text"]]["text"] == long_text.strip()
    assert first.before["status"] == "pending" and first.after["status"] == "in_progress"
    assert set(second.after["answers"]) == {s["rating"]}
    assert second.before["answers"][s["rating"]]["rating"] == "2"
    assert second.after["answers"][s["rating"]]["rating"] == "4"


# --- submitting --------------------------------------------------------------------------


def test_submit_lists_each_missing_required_item_and_changes_nothing(
    org: Org, setup: dict[str, Any]
) -> None:
    s, user = setup, org.employee.user
    save(s["a"], user, {s["text"]: {"text": "only this"}, s["goal"]: {"text": "comment only"}})
    s["a"].refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        submit_assignment(actor=user, assignment=s["a"], expected_version=s["a"].version)
    assert set(errors_of(excinfo)) == {s["rating"], s["choice"], s["goal"]}
    assert "needs an answer" in errors_of(excinfo)[s["rating"]][0]
    s["a"].refresh_from_db()
    assert s["a"].status == AssignmentStatus.IN_PROGRESS and s["a"].submitted_at is None
    assert not AuditEntry.objects.filter(action="review.submit").exists()


def test_optional_items_need_no_answer(org: Org) -> None:
    cycle = running_cycle(org, template=questions_template(3, required=False))
    a = review(cycle, org.employee, org.employee, ReviewerKind.SELF)
    submitted = submit_assignment(actor=org.employee.user, assignment=a, expected_version=1)
    assert submitted.status == AssignmentStatus.SUBMITTED


def test_submit_locks_the_review(org: Org, setup: dict[str, Any]) -> None:
    s, user = setup, org.employee.user
    saved = save(
        s["a"],
        user,
        {
            s["rating"]: {"rating": 5},
            s["text"]: {"text": "Done."},
            s["choice"]: {"choice": "Yes"},
            s["goal"]: {"rating": 4},
        },
    )
    done = submit_assignment(actor=user, assignment=saved, expected_version=saved.version)
    assert done.status == AssignmentStatus.SUBMITTED and done.submitted_at is not None
    entry = AuditEntry.objects.get(action="review.submit")
    assert entry.after["status"] == "submitted" and entry.before["status"] == "in_progress"
    with pytest.raises(ValidationError, match=r"submitted .*locked"):
        save(s["a"], user, {s["text"]: {"text": "Changed my mind."}})
    with pytest.raises(ValidationError, match="locked"):
        submit_assignment(actor=user, assignment=done, expected_version=done.version)
    assert Answer.objects.get(item=s["text"]).text == "Done."


def test_submit_refuses_an_answer_the_template_no_longer_accepts(
    org: Org, setup: dict[str, Any]
) -> None:
    s, user = setup, org.employee.user
    saved = save(
        s["a"],
        user,
        {
            s["rating"]: {"rating": 5},
            s["text"]: {"text": "Done."},
            s["choice"]: {"choice": "Yes"},
            s["goal"]: {"rating": 4},
        },
    )
    Question.objects.filter(pk=int(s["choice"][1:])).update(choices=["Always", "Never"])
    with pytest.raises(ValidationError) as excinfo:
        submit_assignment(actor=user, assignment=saved, expected_version=saved.version)
    assert list(errors_of(excinfo)) == [s["choice"]]
