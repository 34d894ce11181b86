"""/api/v1 endpoints for peer nominations: read and set the peers who
review someone in a cycle, and approve or decline a nominated peer. Thin:
who may see which nomination is `selectors_writing.nominations_visible_to`
(a reviewee sees names only when they chose them), the rules are the
nomination services'. Hidden records answer 404."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from cadence.api.errors import DETAIL_ERRORS, UPDATE_ERRORS
from cadence.api.fields import MAX_ID, Id
from cadence.core.models import User
from cadence.people.models import Employee
from cadence.reviews import selectors_writing as selectors
from cadence.reviews import services_writing_nominations as nominations
from cadence.reviews.models import CycleParticipant, PeerNomination

router = Router(tags=["reviews"])

MAX_PEERS = 50


class PeerRef(Schema):
    id: int
    name: str


class NominationOut(Schema):
    id: int
    peer: PeerRef
    status: str


class NominationsOut(Schema):
    can_nominate: bool
    items: list[NominationOut]


class NominationsIn(Schema):
    """The whole list of peers (employee ids): new ones are nominated,
    proposed ones left out are withdrawn."""

    peers: list[Id]


class DecisionIn(Schema):
    decision: Literal["approve", "decline"]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _nomination_out(n: PeerNomination) -> dict[str, Any]:
    return {"id": n.pk, "peer": {"id": n.peer.pk, "name": n.peer.full_name}, "status": n.status}


def _participant(request: HttpRequest, cycle_id: int, employee_id: int) -> CycleParticipant:
    try:
        return selectors.nomination_participant(_user(request), cycle_id, employee_id)
    except CycleParticipant.DoesNotExist:
        raise Http404 from None


def _listing(user: User, participant: CycleParticipant) -> dict[str, Any]:
    return {
        "can_nominate": nominations.may_nominate(user, participant.cycle, participant),
        "items": [_nomination_out(n) for n in selectors.nominations_of(user, participant)],
    }


@router.get(
    "/cycles/{cycle_id}/nominations/{employee_id}",
    response={200: NominationsOut, **DETAIL_ERRORS},
    summary="The peers nominated to review someone",
)
def list_nominations(request: HttpRequest, cycle_id: int, employee_id: int) -> Any:
    """Whom, and the status of each nomination; never whether a peer wrote
    anything. 404 for a reviewee whose nominations the caller may not see."""
    return _listing(_user(request), _participant(request, cycle_id, employee_id))


@router.put(
    "/cycles/{cycle_id}/nominations/{employee_id}",
    response={200: NominationsOut, **UPDATE_ERRORS},
    summary="Set the peers who review someone",
)
def set_nominations(
    request: HttpRequest, cycle_id: int, employee_id: int, payload: NominationsIn
) -> Any:
    """By the cycle's nominator (the reviewee or their manager), in the
    peer-nomination stage, within the cycle's minimum and maximum."""
    user = _user(request)
    participant = _participant(request, cycle_id, employee_id)
    peers = [Employee(pk=pk) for pk in dict.fromkeys(payload.peers[:MAX_PEERS])]
    nominations.nominate_peers(
        actor=user, cycle=participant.cycle, reviewee=participant.employee, peers=peers
    )
    return _listing(user, participant)


@router.post(
    "/nominations/{nomination_id}/decision",
    response={200: NominationOut, **UPDATE_ERRORS},
    summary="Approve or decline a nominated peer",
)
def decide(request: HttpRequest, nomination_id: int, payload: DecisionIn) -> Any:
    """The reviewee's manager chain or an HR admin; approving creates the
    peer review, once."""
    if not 0 < nomination_id <= MAX_ID:
        raise Http404
    user = _user(request)
    nomination = (
        selectors.nominations_visible_to(user)
        .select_related("peer", "reviewee", "cycle")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None:
        raise Http404
    decided = nominations.decide_nomination(
        actor=user, nomination=nomination, approve=payload.decision == "approve"
    )
    return Status(200, _nomination_out(decided))
