"""What the API takes and gives for development plans. A plan's detail
carries its goals (each with the job profile's expected level and the
latest review's rating beside its own levels), their actions and the
comments; the list gives the plan without them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from cadence.api.fields import MAX_ID, Id, LongText, NoNul, SearchText, text_limits
from cadence.development.models import (
    ActionKind,
    ActionStatus,
    DevelopmentAction,
    DevelopmentComment,
    DevelopmentGoal,
    DevelopmentPlan,
    DevelopmentPlanStatus,
)
from cadence.development.selectors_growth import CompetencySources

Title = Annotated[str, text_limits(200, 1), NoNul]
Level = Annotated[int, Field(ge=1, le=100)]
Version = Annotated[int, Field(ge=1, le=MAX_ID)]


# --- output ------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class ActionOut(Schema):
    id: int
    goal_id: int
    kind: ActionKind
    title: str
    due_on: dt.date | None
    status: ActionStatus
    completed_on: dt.date | None


class ReviewRatingOut(Schema):
    cycle: str
    rating: Decimal
    label: str
    level: int | None


class GoalOut(Schema):
    id: int
    competency: Ref | None = Field(description="Null for a free-text goal.")
    description: str
    current_level: int | None
    target_level: int | None
    expected_level: int | None = Field(
        description="What the employee's job profile expects of the competency, if anything."
    )
    latest_review: ReviewRatingOut | None = Field(
        description="The manager's rating in the latest released review; null: none yet."
    )
    actions: list[ActionOut]


class CommentOut(Schema):
    id: int
    author: str
    body: str
    created_at: dt.datetime


class PlanOut(Schema):
    id: int
    employee: Ref
    title: str
    starts_on: dt.date
    ends_on: dt.date
    status: DevelopmentPlanStatus
    approved_at: dt.datetime | None
    version: int = Field(description="Send it back with PATCH and state changes (409 if stale).")
    created_at: dt.datetime


class PlanDetailOut(PlanOut):
    goals: list[GoalOut]
    comments: list[CommentOut]


def plan_out(plan: DevelopmentPlan) -> dict[str, Any]:
    employee = plan.employee
    return {
        "id": plan.pk,
        "employee": {"id": employee.pk, "name": employee.full_name},
        "title": plan.title,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "status": plan.status,
        "approved_at": plan.approved_at,
        "version": plan.version,
        "created_at": plan.created_at,
    }


def action_out(action: DevelopmentAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "goal_id": action.goal_id,
        "kind": action.kind,
        "title": action.title,
        "due_on": action.due_on,
        "status": action.status,
        "completed_on": action.completed_on,
    }


def goal_out(goal: DevelopmentGoal, sources: CompetencySources) -> dict[str, Any]:
    """A goal with its sources; its actions must be prefetched."""
    competency = goal.competency
    review = sources.review_rating(goal.competency_id)
    return {
        "id": goal.pk,
        "competency": {"id": competency.pk, "name": competency.name} if competency else None,
        "description": goal.description,
        "current_level": goal.current_level,
        "target_level": goal.target_level,
        "expected_level": sources.expected_level(goal.competency_id),
        "latest_review": (
            {
                "cycle": sources.review.cycle_name if sources.review else "",
                "rating": review.rating,
                "label": review.label,
                "level": review.level,
            }
            if review
            else None
        ),
        "actions": [action_out(a) for a in goal.actions.all()],
    }


def comment_out(comment: DevelopmentComment) -> dict[str, Any]:
    author = comment.author
    employee = getattr(author, "employee", None) if author else None
    name = employee.full_name if employee else (author.email if author else "")
    return {
        "id": comment.pk,
        "author": name,
        "body": comment.body,
        "created_at": comment.created_at,
    }


# --- input -------------------------------------------------------------------


class PlanFiltersIn(Schema):
    status: DevelopmentPlanStatus | None = None
    q: SearchText = Field("", description="Words in the title or the person's name.")
    whose: Literal["", "mine", "team"] = Field(
        "", description="mine: my own plans; team: my reports' plans; empty: all I may see."
    )


class PlanCreate(Schema):
    employee: Id | None = Field(None, description="Whose plan; empty: the caller's own.")
    title: Title
    starts_on: dt.date
    ends_on: dt.date


class PlanPatch(Schema):
    version: Version | None = None
    title: Title | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class GoalCreate(Schema):
    competency: Id | None = Field(
        None, description="A competency the employee's job profile expects; empty: free text."
    )
    description: LongText = ""
    current_level: Level | None = Field(None, description="Empty: the latest review's rating.")
    target_level: Level | None = Field(None, description="Empty: the job profile's level.")


class ActionCreate(Schema):
    kind: ActionKind
    title: Title
    due_on: dt.date | None = None


class ActionPatch(Schema):
    kind: ActionKind | None = None
    title: Title | None = None
    due_on: dt.date | None = None
    status: ActionStatus | None = None


class VersionIn(Schema):
    version: Version | None = None


class DecisionIn(Schema):
    decision: Literal["approve", "request_changes"]
    comment: LongText = Field("", description="Required to request changes.")
    version: Version | None = None


class CommentIn(Schema):
    body: Annotated[str, text_limits(10_000, 1), NoNul]
