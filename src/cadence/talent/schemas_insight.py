"""What the API gives for a calibration session's rater effects and its
outcome. Numbers are in level values of the cycle's scale; a rater below
the session's minimum team size has `enough_data: false` and nulls for the
estimate, its interval and the mean rating (never a value)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from cadence.talent.outcome import GroupMovement, Outcome
from cadence.talent.preread import Distribution, SeverityTable


class RaterModelOut(Schema):
    """The model the estimates come from: a random effect per rater,
    fitted by REML on the ratings the caller may see (`scope`). The fitted
    values are null when nobody the caller may see is rated."""

    method: str = Field("REML", description="Fit: restricted maximum likelihood.")
    scope: str = Field(description="Whose ratings the model is fitted on.")
    min_team_size: int = Field(description="Raters with fewer ratings are 'not enough data'.")
    confidence: float = Field(description="Level of the intervals, e.g. 0.95.")
    mu: float | None = Field(None, description="The pool's mean rating.")
    mu_se: float | None = None
    tau2: float | None = Field(None, description="Variance between raters.")
    sigma2: float | None = Field(None, description="Variance within raters.")
    icc: float | None = Field(None, description="Share of rating variance due to the rater.")
    n_raters: int = 0
    n_ratings: int = 0
    ratings_without_rater: int = Field(0, description="Rated people with no manager recorded.")
    note: str | None = None


class RaterOut(Schema):
    manager_id: int
    name: str
    n: int = Field(description="People this manager rated (that the caller may see).")
    mean_rating: float | None
    estimate: float | None = Field(
        description="Positive: rates higher than the pool (lenient); negative: lower (severe)."
    )
    se: float | None
    ci_low: float | None
    ci_high: float | None
    enough_data: bool
    description: str = Field(description="The estimate in words.")


class RaterEffectsOut(Schema):
    model: RaterModelOut
    raters: list[RaterOut]


def rater_effects_out(table: SeverityTable, scope: str) -> dict[str, Any]:
    model: dict[str, Any] = {
        "scope": scope,
        "min_team_size": table.min_team_size,
        "confidence": table.confidence,
        "ratings_without_rater": table.without_rater,
    }
    if table.model is not None:
        fitted = table.model
        model.update(
            method=fitted.method,
            mu=fitted.mu,
            mu_se=fitted.mu_se,
            tau2=fitted.tau2,
            sigma2=fitted.sigma2,
            icc=fitted.icc,
            n_raters=fitted.n_raters,
            n_ratings=fitted.n_ratings,
            note=fitted.note,
        )
    raters = [
        {
            "manager_id": row.manager_id,
            "name": row.name,
            "n": row.n,
            "mean_rating": row.mean_rating,
            "estimate": row.estimate,
            "se": row.se,
            "ci_low": row.ci_low,
            "ci_high": row.ci_high,
            "enough_data": row.enough_data,
            "description": row.words if row.enough_data else f"not enough data ({row.reason})",
        }
        for row in table.rows
    ]
    return {"model": model, "raters": raters}


class LevelCountOut(Schema):
    level_id: int
    value: Decimal
    label: str
    count: int
    share: float | None = Field(description="Percent of the people rated.")


class MovementOut(Schema):
    people: int
    up: int
    down: int
    rated_in_session: int
    unchanged: int


class ManagerMovementOut(MovementOut):
    manager_id: int | None
    name: str


class LevelMovementOut(MovementOut):
    level_id: int | None = Field(description="The level people started at; null: not rated.")
    name: str


class OutcomeOut(Schema):
    """What the committee changed among the people the caller may see:
    before is the manager's rating (proposal, else computed), after the
    calibrated rating (else as before)."""

    state: str
    final: bool
    scope: str
    sentence: str
    total: MovementOut
    before: list[LevelCountOut]
    after: list[LevelCountOut]
    managers: list[ManagerMovementOut]
    levels: list[LevelMovementOut]


def _levels(found: Distribution) -> list[dict[str, Any]]:
    return [
        {
            "level_id": row.level.id,
            "value": row.level.value,
            "label": row.level.label,
            "count": row.count,
            "share": row.share,
        }
        for row in found.rows
    ]


def _movement(group: GroupMovement, key: str) -> dict[str, Any]:
    m = group.movement
    return {
        key: group.key,
        "name": group.name,
        "people": m.people,
        "up": m.up,
        "down": m.down,
        "rated_in_session": m.rated_in_session,
        "unchanged": m.unchanged,
    }


def outcome_out(data: Outcome) -> dict[str, Any]:
    total = data.total
    return {
        "state": data.session.state,
        "final": data.final,
        "scope": data.scope,
        "sentence": data.sentence,
        "total": {
            "people": total.people,
            "up": total.up,
            "down": total.down,
            "rated_in_session": total.rated_in_session,
            "unchanged": total.unchanged,
        },
        "before": _levels(data.before),
        "after": _levels(data.after),
        "managers": [_movement(g, "manager_id") for g in data.managers],
        "levels": [_movement(g, "level_id") for g in data.by_level],
    }
