"""Improvement plans (PIPs) and development plans. Split by concept; import
from here."""

from cadence.development.models.growth import (
    ActionKind,
    ActionStatus,
    DevelopmentAction,
    DevelopmentComment,
    DevelopmentGoal,
    DevelopmentPlan,
    DevelopmentPlanStatus,
)
from cadence.development.models.improvement import (
    CheckInProgress,
    ExpectationProgress,
    ImprovementPlan,
    PlanCheckIn,
    PlanExpectation,
    PlanOutcome,
    PlanState,
)

__all__ = [
    "ActionKind",
    "ActionStatus",
    "CheckInProgress",
    "DevelopmentAction",
    "DevelopmentComment",
    "DevelopmentGoal",
    "DevelopmentPlan",
    "DevelopmentPlanStatus",
    "ExpectationProgress",
    "ImprovementPlan",
    "PlanCheckIn",
    "PlanExpectation",
    "PlanOutcome",
    "PlanState",
]
