"""/api/v1 endpoints for a calibration session's rater effects and outcome;
mounted by talent/api.py. Thin: the session must be visible to the caller
(else 404) and the numbers come from preread.py / outcome.py, computed only
from the entries the caller may see."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest
from ninja import Router

from cadence.api.errors import DETAIL_ERRORS
from cadence.api.fields import MAX_ID
from cadence.core.models import User
from cadence.talent.models import CalibrationSession
from cadence.talent.outcome import outcome
from cadence.talent.preread import rater_effects, scope_text
from cadence.talent.schemas_insight import (
    OutcomeOut,
    RaterEffectsOut,
    outcome_out,
    rater_effects_out,
)
from cadence.talent.views_insight import visible_session

router = Router(tags=["calibration"])


def _session(request: HttpRequest, session_id: int) -> tuple[User, CalibrationSession]:
    if not 0 < session_id <= MAX_ID:
        raise Http404
    user = cast(User, request.user)
    return user, visible_session(user, session_id)


@router.get(
    "/calibration-sessions/{session_id}/rater-effects",
    response={200: RaterEffectsOut, **DETAIL_ERRORS},
    summary="Each manager's severity estimate in a calibration session",
)
def get_rater_effects(request: HttpRequest, session_id: int) -> Any:
    """Each rater's severity (negative) or leniency (positive) estimate with
    its standard error and interval, from a model with a random effect per
    rater (partial pooling), fitted on the ratings the caller may see: HR
    admins and the facilitator everyone; an HRBP their departments' people;
    a participating manager their own people (the raters among them), or
    everyone when HR shares the whole view. Below the session's minimum
    team size a rater is `enough_data: false` with nulls."""
    user, session = _session(request, session_id)
    return rater_effects_out(rater_effects(user, session), scope_text(user, session))


@router.get(
    "/calibration-sessions/{session_id}/outcome",
    response={200: OutcomeOut, **DETAIL_ERRORS},
    summary="What a calibration session changed",
)
def get_outcome(request: HttpRequest, session_id: int) -> Any:
    """Counts up and down per manager and per level, and the distribution
    before and after, among the people the caller may see."""
    user, session = _session(request, session_id)
    return outcome_out(outcome(user, session))
