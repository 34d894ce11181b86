"""The PIP state machine: every (from, to) pair of states, through the one
service the pages and the API call. Legal moves succeed with what they
need; every illegal one is refused with a `state` error naming the current
state and the moves it allows, and changes nothing."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cadence.core.models import AuditEntry
from cadence.development import pip_states
from cadence.development import services_pips as services
from cadence.development.models import ImprovementPlan, PlanOutcome, PlanState
from tests.conftest import Org
from tests.development.pip_support import make_plan, user_of

pytestmark = pytest.mark.django_db

LEGAL = {
    (PlanState.DRAFT, PlanState.ACTIVE),
    (PlanState.DRAFT, PlanState.CANCELLED),
    (PlanState.ACTIVE, PlanState.EXTENDED),
    (PlanState.ACTIVE, PlanState.COMPLETED),
    (PlanState.ACTIVE, PlanState.CANCELLED),
    (PlanState.EXTENDED, PlanState.EXTENDED),
    (PlanState.EXTENDED, PlanState.COMPLETED),
    (PlanState.EXTENDED, PlanState.CANCELLED),
}
PAIRS = list(itertools.product(PlanState.values, PlanState.values))


def _inputs(plan: ImprovementPlan) -> dict[str, Any]:
    """Everything any move could need, so only the state decides."""
    return {
        "ends_on": plan.ends_on + dt.timedelta(days=21),
        "reason": "A reason.",
        "outcome": PlanOutcome.UNSUCCESSFUL,
        "summary": "Two of three expectations not met.",
    }


def test_the_table_is_the_documented_one() -> None:
    table = {(a, b) for a, moves in pip_states.MOVES.items() for b in moves}
    assert table == LEGAL


@pytest.mark.parametrize(("current", "to"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_of_states(org: Org, current: str, to: str) -> None:
    plan = make_plan(org, current)
    before_version = plan.version
    audit_rows = AuditEntry.objects.count()
    if (current, to) in LEGAL:
        moved = services.transition(actor=org.hr_admin, plan=plan, to=to, **_inputs(plan))
        assert moved.state == to
        assert moved.version == before_version + 1
        assert AuditEntry.objects.filter(action__startswith="pip.").count() > 0
        assert AuditEntry.objects.count() == audit_rows + 1
        return
    with pytest.raises(ValidationError) as caught:
        services.transition(actor=org.hr_admin, plan=plan, to=to, **_inputs(plan))
    message = " ".join(caught.value.message_dict["state"])
    assert f"This plan is {PlanState(current).label.lower()}" in message
    assert f"move to {PlanState(to).label.lower()}" in message
    allowed = pip_states.allowed_moves(current)
    if allowed:
        for state in allowed:
            assert PlanState(state).label.lower() in message.split("can move to:")[1]
    else:
        assert "closed" in message
    plan.refresh_from_db()
    assert plan.state == current
    assert plan.version == before_version
    assert AuditEntry.objects.count() == audit_rows


def test_an_unknown_state_is_named(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    with pytest.raises(ValidationError) as caught:
        services.transition(actor=org.hr_admin, plan=plan, to="archived")
    assert "Unknown state 'archived'" in caught.value.message_dict["to"][0]


def test_draft_to_completed_message_lists_the_moves_from_draft(org: Org) -> None:
    plan = make_plan(org, PlanState.DRAFT)
    with pytest.raises(ValidationError) as caught:
        services.transition(
            actor=user_of(org.manager), plan=plan, to="completed", outcome="successful", summary="x"
        )
    assert caught.value.message_dict["state"] == [
        "This plan is draft; it cannot move to completed. From draft it can move to: "
        "active (activate), cancelled (cancel plan)."
    ]


@pytest.mark.parametrize(
    ("to", "inputs", "field"),
    [
        ("extended", {"reason": "Slow progress."}, "ends_on"),
        ("extended", {"ends_on": "same", "reason": "x"}, "ends_on"),
        ("extended", {"ends_on": "later"}, "reason"),
        ("completed", {"summary": "Done."}, "outcome"),
        ("completed", {"outcome": "successful"}, "summary"),
        ("cancelled", {}, "reason"),
    ],
)
def test_moves_refuse_missing_inputs(org: Org, to: str, inputs: dict, field: str) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    if inputs.get("ends_on") == "same":
        inputs["ends_on"] = plan.ends_on
    elif inputs.get("ends_on") == "later":
        inputs["ends_on"] = plan.ends_on + dt.timedelta(days=10)
    with pytest.raises(ValidationError) as caught:
        services.transition(actor=user_of(org.manager), plan=plan, to=to, **inputs)
    assert field in caught.value.message_dict
    plan.refresh_from_db()
    assert plan.state == PlanState.ACTIVE


def test_activation_needs_an_expectation(org: Org) -> None:
    plan = make_plan(org, PlanState.DRAFT, expectations=0)
    with pytest.raises(ValidationError) as caught:
        services.activate(actor=user_of(org.manager), plan=plan)
    assert "at least one expectation" in caught.value.message_dict["expectations"][0]
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    assert not plan.check_ins.exists()


def test_stale_version_is_refused(org: Org) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    with pytest.raises(ValidationError) as caught:
        services.transition(
            actor=user_of(org.manager),
            plan=plan,
            to="cancelled",
            reason="x",
            expected_version=plan.version - 1,
        )
    assert "changed by someone else" in caught.value.message_dict["version"][0]
