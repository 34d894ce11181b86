"""The improvement-plan state machine, as data: which state may move to
which, by what action, and what each move needs. The services check every
transition here, so the page, the API and any later caller share one rule.

    draft ──activate──> active ──extend──> extended ──extend──> extended
      │                   │  └──complete──> completed           │
      └──cancel──> cancelled <──cancel──┘  (and from extended) ─┘

Completed and cancelled are final: a closed plan is a legal record and
never reopens. Extending an extended plan again is allowed (a second
extension moves the end date again and adds check-ins); its state stays
"extended"."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from cadence.development.models import PlanState


@dataclass(frozen=True)
class Move:
    """A legal move: the action's name (a service function), the button
    label, and the inputs the move requires."""

    action: str
    label: str
    needs: tuple[str, ...] = ()
    # Closes the plan or changes its terms: the pages ask for confirmation.
    confirm: bool = False


ACTIVATE = Move("activate", "Activate")
EXTEND = Move("extend", "Extend", needs=("ends_on", "reason"), confirm=True)
COMPLETE = Move("complete", "Complete", needs=("outcome", "summary"), confirm=True)
CANCEL = Move("cancel", "Cancel plan", needs=("reason",), confirm=True)

# from → {to: move}. Anything not listed is illegal.
MOVES: dict[PlanState, dict[PlanState, Move]] = {
    PlanState.DRAFT: {PlanState.ACTIVE: ACTIVATE, PlanState.CANCELLED: CANCEL},
    PlanState.ACTIVE: {
        PlanState.EXTENDED: EXTEND,
        PlanState.COMPLETED: COMPLETE,
        PlanState.CANCELLED: CANCEL,
    },
    PlanState.EXTENDED: {
        PlanState.EXTENDED: EXTEND,
        PlanState.COMPLETED: COMPLETE,
        PlanState.CANCELLED: CANCEL,
    },
    PlanState.COMPLETED: {},
    PlanState.CANCELLED: {},
}

# States in which the plan runs: check-ins, acknowledgement, reminders.
RUNNING = (PlanState.ACTIVE, PlanState.EXTENDED)


def allowed_moves(state: str) -> dict[PlanState, Move]:
    """The legal moves from `state` (empty once the plan is closed)."""
    return MOVES.get(PlanState(state), {})


def is_legal(current: str, to: str) -> bool:
    return to in PlanState.values and PlanState(to) in allowed_moves(current)


def illegal_move_message(current: str, to: str) -> str:
    """Why `current` → `to` is refused, naming the state and the moves left."""
    here = PlanState(current).label.lower()
    target = PlanState(to).label.lower() if to in PlanState.values else repr(to)
    moves = allowed_moves(current)
    if not moves:
        return (
            f"This plan is {here}: it is closed and cannot move to {target}. "
            "A closed plan is kept as it is."
        )
    options = ", ".join(
        f"{PlanState(s).label.lower()} ({m.label.lower()})" for s, m in moves.items()
    )
    return (
        f"This plan is {here}; it cannot move to {target}. From {here} it can move to: {options}."
    )


def check_move(current: str, to: str) -> Move:
    """The move from `current` to `to`, or ValidationError({"state": ...})."""
    if not is_legal(current, to):
        raise ValidationError({"state": illegal_move_message(current, to)})
    return allowed_moves(current)[PlanState(to)]
