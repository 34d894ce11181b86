"""Peer nominations: who nominates a reviewee's peer reviewers (the cycle
says: the reviewee or their manager), the rules a nomination must meet,
and the manager chain's approval that turns it into a peer review. One
transaction per call, permission checked here, every change audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.people.models import Employee, EmploymentStatus
from cadence.reviews.models import (
    Cycle,
    CycleParticipant,
    NominationStatus,
    Nominator,
    ParticipantStatus,
    PeerNomination,
    Stage,
)
from cadence.reviews.services_cycles import create_peer_assignments


def may_nominate(actor: User, cycle: Cycle, participant: CycleParticipant) -> bool:
    """Whoever the cycle's `peer_nominator` names: the reviewee, or the
    manager who writes their manager review."""
    viewer = viewer_for(actor)
    if cycle.peer_nominator == Nominator.MANAGER:
        return participant.manager_id is not None and viewer.is_self(participant.manager_id)
    return viewer.is_self(participant.employee_id)


def nomination_closed_reason(cycle: Cycle) -> str:
    """Why peers cannot be nominated in this cycle now, or ""."""
    if not cycle.include_peer:
        return "This cycle has no peer reviews."
    if cycle.stage != Stage.PEER_NOMINATION:
        return (
            "Peers are nominated during the peer-nomination stage; "
            f"this cycle is at “{cycle.get_stage_display()}”."
        )
    return ""


def _peer_problem(peer: Employee, reviewee: Employee, managers: set[int]) -> str:
    """Why `peer` cannot review `reviewee` as a peer, or ""."""
    if peer.pk == reviewee.pk:
        return f"{peer.full_name} is the person being reviewed."
    if peer.pk in managers:
        return (
            f"{peer.full_name} is in {reviewee.full_name}'s management line: "
            "managers write or read the manager review, not a peer review."
        )
    if peer.status == EmploymentStatus.TERMINATED:
        return f"{peer.full_name} has left the organisation."
    if peer.user_id is None:
        return f"{peer.full_name} has no login to write a review with."
    return ""


@transaction.atomic
def nominate_peers(
    *, actor: User, cycle: Cycle, reviewee: Employee, peers: Iterable[Employee]
) -> list[PeerNomination]:
    """Set who should review `reviewee` as a peer. `peers` is the whole list
    (between the cycle's peers_min and peers_max): new names are nominated,
    proposed ones left out are withdrawn. Only the cycle's nominator (the
    reviewee or their review manager), only in the peer-nomination stage.

    Refused, each with its reason: the reviewee; anyone in their management
    line (their manager writes the manager review); people who have left;
    people without a login (they could not write it); anyone the nominator
    cannot see in the directory; a peer whose nomination was declined.
    An approved nomination cannot be withdrawn here (its review may have
    started: replacing a reviewer is HR's change). Without
    `peers_need_approval`, nominations are approved at once and the peer
    reviews created."""
    cycle = Cycle.objects.get(pk=cycle.pk)
    participant = (
        CycleParticipant.objects.select_for_update(of=("self",))
        .select_related("employee")
        .filter(cycle=cycle, employee_id=reviewee.pk, status=ParticipantStatus.ACTIVE)
        .first()
    )
    if participant is None:
        raise PermissionDenied("This person does not take part in the cycle.")
    reviewee = participant.employee
    if not may_nominate(actor, cycle, participant):
        raise PermissionDenied("Someone else nominates the peers in this cycle.")
    closed = nomination_closed_reason(cycle)
    if closed:
        raise ValidationError({"peers": closed})

    wanted_ids = list(dict.fromkeys(p.pk for p in peers))
    wanted = set(wanted_ids)
    found = {e.pk: e for e in Employee.objects.visible_to(actor).filter(pk__in=wanted_ids)}
    existing = {
        n.peer_id: n
        for n in PeerNomination.objects.filter(cycle=cycle, reviewee=reviewee).select_related(
            "peer"
        )
    }
    managers = set(reviewee.manager_chain_ids)
    if participant.manager_id is not None:
        managers.add(participant.manager_id)
    problems: list[str] = []
    for pk in wanted_ids:
        peer = found.get(pk)
        if peer is None:
            problems.append(f"There is no one with id {pk} you can choose.")
            continue
        problem = _peer_problem(peer, reviewee, managers)
        if not problem and pk in existing and existing[pk].status == NominationStatus.DECLINED:
            problem = f"{peer.full_name}'s nomination was declined: choose someone else."
        if problem:
            problems.append(problem)
    for nomination in existing.values():
        if nomination.status == NominationStatus.APPROVED and nomination.peer_id not in wanted:
            problems.append(
                f"{nomination.peer.full_name} is approved and may have started: "
                "ask HR to replace a reviewer."
            )
    if not cycle.peers_min <= len(wanted_ids) <= cycle.peers_max:
        problems.append(
            f"Nominate between {cycle.peers_min} and {cycle.peers_max} peers "
            f"(you chose {len(wanted_ids)})."
        )
    if problems:
        raise ValidationError({"peers": problems})

    withdrawn = [
        n
        for n in existing.values()
        if n.status == NominationStatus.PROPOSED and n.peer_id not in wanted
    ]
    PeerNomination.objects.filter(pk__in=[n.pk for n in withdrawn]).delete()
    approve_now = not cycle.peers_need_approval
    now = timezone.now()
    added = PeerNomination.objects.bulk_create(
        PeerNomination(
            cycle=cycle,
            reviewee=reviewee,
            peer=found[pk],
            status=NominationStatus.APPROVED if approve_now else NominationStatus.PROPOSED,
            nominated_by=actor,
            decided_by=actor if approve_now else None,
            decided_at=now if approve_now else None,
        )
        for pk in wanted_ids
        if pk not in existing
    )
    if approve_now and added:
        create_peer_assignments(actor=actor, cycle=cycle, pairs=[(n.peer, reviewee) for n in added])
    before = sorted(pk for pk, n in existing.items() if n.status != NominationStatus.DECLINED)
    audit.record(
        actor,
        "review.peers_nominate",
        participant,
        before={"peers": before},
        after={
            "peers": sorted(wanted_ids),
            "added": sorted(n.peer_id for n in added),
            "withdrawn": sorted(n.peer_id for n in withdrawn),
            "approved_at_once": approve_now,
        },
    )
    return list(
        PeerNomination.objects.filter(cycle=cycle, reviewee=reviewee)
        .select_related("peer")
        .order_by("peer__last_name", "peer__first_name", "id")
    )


def may_decide(actor: User, nomination: PeerNomination) -> bool:
    """The reviewee's manager chain (or an HR admin) decides; never the
    reviewee."""
    viewer = viewer_for(actor)
    reviewee = nomination.reviewee
    if viewer.is_self(reviewee.pk):
        return False
    return viewer.is_hr_admin or viewer.manages(reviewee.reporting_path, reviewee.pk)


@transaction.atomic
def decide_nomination(*, actor: User, nomination: PeerNomination, approve: bool) -> PeerNomination:
    """Approve or decline a proposed peer (cycles with
    `peers_need_approval`), during peer nomination or peer review. An
    approval creates the peer's review of the reviewee, once: a decided
    nomination cannot be decided again."""
    nomination = (
        PeerNomination.objects.select_for_update(of=("self",))
        .select_related("cycle", "reviewee", "peer")
        .get(pk=nomination.pk)
    )
    if not may_decide(actor, nomination):
        raise PermissionDenied("The reviewee's manager decides on their peers.")
    cycle = nomination.cycle
    if not cycle.peers_need_approval:
        raise ValidationError("Peers in this cycle need no approval.")
    if nomination.status != NominationStatus.PROPOSED:
        raise ValidationError(
            f"This nomination was already {nomination.get_status_display().lower()}."
        )
    if cycle.stage not in (Stage.PEER_NOMINATION, Stage.PEER_REVIEW):
        raise ValidationError(
            f"Peers are approved during peer nomination and peer review; "
            f"this cycle is at “{cycle.get_stage_display()}”."
        )
    if approve and nomination.peer.status == EmploymentStatus.TERMINATED:
        raise ValidationError(f"{nomination.peer.full_name} has left the organisation: decline.")
    nomination.status = NominationStatus.APPROVED if approve else NominationStatus.DECLINED
    nomination.decided_by = actor
    nomination.decided_at = timezone.now()
    nomination.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        create_peer_assignments(
            actor=actor, cycle=cycle, pairs=[(nomination.peer, nomination.reviewee)]
        )
    audit.record(
        actor,
        "review.peer_approve" if approve else "review.peer_decline",
        nomination,
        before={"status": NominationStatus.PROPOSED},
        after={"status": nomination.status},
    )
    return nomination
