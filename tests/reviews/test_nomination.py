"""Peer nominations: who nominates, when, the rules each peer must meet,
withdrawing, approval by the manager chain, and the peer review an
approval creates — once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.core.models import AuditEntry
from cadence.people.models import Employee
from cadence.reviews.models import (
    Cycle,
    NominationStatus,
    Nominator,
    PeerNomination,
    ReviewAssignment,
    ReviewerKind,
    Stage,
)
from cadence.reviews.selectors_writing import (
    awaiting_decision,
    nomination_duties,
    nominations_visible_to,
)
from cadence.reviews.services_writing_nominations import decide_nomination, nominate_peers
from tests.conftest import Org
from tests.factories import EmployeeFactory, UserFactory
from tests.reviews.writing_support import running_cycle

pytestmark = pytest.mark.django_db


def nomination_cycle(org: Org, **values: Any) -> Cycle:
    values.setdefault("peers_min", 1)
    values.setdefault("peers_max", 3)
    values.setdefault("stage", Stage.PEER_NOMINATION)
    return running_cycle(org, **values)


def nominate(org: Org, cycle: Cycle, *peers: Employee, by: Any = None) -> list[PeerNomination]:
    actor = by or org.employee.user
    return nominate_peers(actor=actor, cycle=cycle, reviewee=org.employee, peers=list(peers))


def peer_reviews(cycle: Cycle) -> list[tuple[int, int]]:
    return list(
        ReviewAssignment.objects.filter(cycle=cycle, kind=ReviewerKind.PEER).values_list(
            "reviewer_id", "reviewee_id"
        )
    )


def problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(excinfo.value.message_dict["peers"])


def test_the_reviewee_nominates_and_the_names_wait_for_approval(org: Org) -> None:
    cycle = nomination_cycle(org)
    made = nominate(org, cycle, org.peer, org.salesperson)
    assert {n.peer_id: n.status for n in made} == {
        org.peer.pk: NominationStatus.PROPOSED,
        org.salesperson.pk: NominationStatus.PROPOSED,
    }
    assert all(n.nominated_by == org.employee.user for n in made)
    assert peer_reviews(cycle) == []
    entry = AuditEntry.objects.get(action="review.peers_nominate")
    assert entry.after["added"] == sorted([org.peer.pk, org.salesperson.pk])


def test_the_manager_nominates_when_the_cycle_says_so(org: Org) -> None:
    cycle = nomination_cycle(org, peer_nominator=Nominator.MANAGER)
    nominate(org, cycle, org.peer, by=org.lead.user)
    assert PeerNomination.objects.filter(cycle=cycle, peer=org.peer).exists()
    with pytest.raises(PermissionDenied):
        nominate(org, cycle, org.salesperson, by=org.employee.user)


@pytest.mark.parametrize("who", ["lead", "manager", "peer", "hr_admin", "outsider"])
def test_nobody_else_nominates(org: Org, who: str) -> None:
    cycle = nomination_cycle(org)
    person = getattr(org, who)
    with pytest.raises(PermissionDenied):
        nominate(org, cycle, org.salesperson, by=getattr(person, "user", person))
    assert not PeerNomination.objects.exists()


def test_someone_not_taking_part_gets_no_nominations(org: Org) -> None:
    cycle = nomination_cycle(org)
    with pytest.raises(PermissionDenied):
        nominate_peers(
            actor=org.salesperson.user, cycle=cycle, reviewee=org.salesperson, peers=[org.peer]
        )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"stage": Stage.SELF_REVIEW}, "peer-nomination stage"),
        ({"stage": Stage.PEER_REVIEW}, "peer-nomination stage"),
        ({"include_peer": False}, "no peer reviews"),
    ],
)
def test_only_during_peer_nomination_of_a_cycle_with_peers(
    org: Org, values: dict[str, Any], message: str
) -> None:
    cycle = nomination_cycle(org, **values)
    with pytest.raises(ValidationError) as excinfo:
        nominate(org, cycle, org.peer)
    assert message in problems(excinfo)


def test_between_peers_min_and_peers_max(org: Org) -> None:
    cycle = nomination_cycle(org, peers_min=2, peers_max=3)
    with pytest.raises(ValidationError) as excinfo:
        nominate(org, cycle, org.peer)
    assert "between 2 and 3 peers (you chose 1)" in problems(excinfo)
    extra = [EmployeeFactory(department=org.sales, user=UserFactory()) for _ in range(2)]
    with pytest.raises(ValidationError) as excinfo:
        nominate(org, cycle, org.peer, org.salesperson, org.other_manager, *extra)
    assert "you chose 5" in problems(excinfo)
    nominate(org, cycle, org.peer, org.salesperson)
    assert PeerNomination.objects.count() == 2


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("employee", "is the person being reviewed"),
        ("lead", "management line"),
        ("manager", "management line"),
        ("ceo", "management line"),
        ("former", "no one with id"),  # not in the nominator's directory
    ],
)
def test_people_who_cannot_be_a_peer(org: Org, who: str, message: str) -> None:
    cycle = nomination_cycle(org)
    with pytest.raises(ValidationError) as excinfo:
        nominate(org, cycle, getattr(org, who))
    assert message in problems(excinfo)
    assert not PeerNomination.objects.exists()


def test_the_manager_nominator_cannot_name_a_terminated_peer(org: Org) -> None:
    # The lead manages nobody who has left, but the manager does: `former`
    # is in their directory and is still refused.
    cycle = nomination_cycle(org, peer_nominator=Nominator.MANAGER, people=(org.lead,))
    with pytest.raises(ValidationError) as excinfo:
        nominate_peers(actor=org.manager.user, cycle=cycle, reviewee=org.lead, peers=[org.former])
    assert "has left the organisation" in problems(excinfo)


def test_people_without_a_login_and_unknown_ids(org: Org) -> None:
    cycle = nomination_cycle(org, peers_max=5)
    no_login = EmployeeFactory(department=org.sales)
    with pytest.raises(ValidationError) as excinfo:
        nominate(org, cycle, no_login, Employee(pk=987654))
    text = problems(excinfo)
    assert "has no login" in text and "no one with id 987654" in text


def test_the_full_list_replaces_proposed_names(org: Org) -> None:
    cycle = nomination_cycle(org)
    nominate(org, cycle, org.peer, org.salesperson)
    nominate(org, cycle, org.peer, org.other_manager)
    assert set(PeerNomination.objects.values_list("peer_id", flat=True)) == {
        org.peer.pk,
        org.other_manager.pk,
    }
    entry = AuditEntry.objects.filter(action="review.peers_nominate").latest("id")
    assert entry.after["withdrawn"] == [org.salesperson.pk]


def test_a_declined_peer_cannot_be_named_again_and_an_approved_one_stays(org: Org) -> None:
    cycle = nomination_cycle(org)
    made = {n.peer_id: n for n in nominate(org, cycle, org.peer, org.salesperson)}
    decide_nomination(actor=org.lead.user, nomination=made[org.peer.pk], approve=True)
    decide_nomination(actor=org.lead.user, nomination=made[org.salesperson.pk], approve=False)
    with pytest.raises(ValidationError) as excinfo:
        nominate(org, cycle, org.peer, org.salesperson)
    assert "was declined" in problems(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        nominate(org, cycle, org.other_manager)
    assert "is approved" in problems(excinfo)
    nominate(org, cycle, org.peer, org.other_manager)
    assert PeerNomination.objects.filter(status=NominationStatus.PROPOSED).count() == 1


def test_without_approval_nominations_are_approved_and_reviews_created_once(org: Org) -> None:
    cycle = nomination_cycle(org, peers_need_approval=False)
    made = nominate(org, cycle, org.peer, org.salesperson)
    assert {n.status for n in made} == {NominationStatus.APPROVED}
    assert sorted(peer_reviews(cycle)) == sorted(
        [(org.peer.pk, org.employee.pk), (org.salesperson.pk, org.employee.pk)]
    )
    nominate(org, cycle, org.peer, org.salesperson)
    assert len(peer_reviews(cycle)) == 2


@pytest.mark.parametrize("who", ["lead", "manager", "ceo", "hr_admin"])
def test_the_manager_chain_or_hr_approves_and_the_review_is_created_once(
    org: Org, who: str
) -> None:
    cycle = nomination_cycle(org)
    (nomination,) = nominate(org, cycle, org.peer)
    person = getattr(org, who)
    actor = getattr(person, "user", person)
    decided = decide_nomination(actor=actor, nomination=nomination, approve=True)
    assert decided.status == NominationStatus.APPROVED and decided.decided_by == actor
    assert peer_reviews(cycle) == [(org.peer.pk, org.employee.pk)]
    with pytest.raises(ValidationError, match="already approved"):
        decide_nomination(actor=actor, nomination=nomination, approve=True)
    assert peer_reviews(cycle) == [(org.peer.pk, org.employee.pk)]
    assert AuditEntry.objects.filter(action="review.peer_approve").count() == 1


@pytest.mark.parametrize("who", ["employee", "peer", "other_manager", "hrbp", "executive"])
def test_nobody_else_decides(org: Org, who: str) -> None:
    cycle = nomination_cycle(org)
    (nomination,) = nominate(org, cycle, org.salesperson)
    person = getattr(org, who)
    with pytest.raises(PermissionDenied):
        decide_nomination(
            actor=getattr(person, "user", person), nomination=nomination, approve=True
        )
    assert peer_reviews(cycle) == []


def test_declining_creates_no_review(org: Org) -> None:
    cycle = nomination_cycle(org)
    (nomination,) = nominate(org, cycle, org.peer)
    decide_nomination(actor=org.lead.user, nomination=nomination, approve=False)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.DECLINED and peer_reviews(cycle) == []


def test_no_decision_without_approval_or_after_peer_review(org: Org) -> None:
    cycle = nomination_cycle(org)
    (nomination,) = nominate(org, cycle, org.peer)
    Cycle.objects.filter(pk=cycle.pk).update(stage=Stage.MANAGER_REVIEW)
    with pytest.raises(ValidationError, match="peer nomination and peer review"):
        decide_nomination(actor=org.lead.user, nomination=nomination, approve=True)
    Cycle.objects.filter(pk=cycle.pk).update(stage=Stage.PEER_REVIEW, peers_need_approval=False)
    with pytest.raises(ValidationError, match="need no approval"):
        decide_nomination(actor=org.lead.user, nomination=nomination, approve=True)


def test_approval_during_peer_review_still_creates_the_review(org: Org) -> None:
    cycle = nomination_cycle(org)
    (nomination,) = nominate(org, cycle, org.peer)
    Cycle.objects.filter(pk=cycle.pk).update(stage=Stage.PEER_REVIEW)
    decide_nomination(actor=org.lead.user, nomination=nomination, approve=True)
    assert peer_reviews(cycle) == [(org.peer.pk, org.employee.pk)]


# --- who reads nominations ----------------------------------------------------------------


def visible(user: Any) -> set[int]:
    return set(nominations_visible_to(user).values_list("peer_id", flat=True))


def test_the_reviewee_sees_the_names_they_chose(org: Org) -> None:
    cycle = nomination_cycle(org)
    nominate(org, cycle, org.peer)
    assert visible(org.employee.user) == {org.peer.pk}
    for who in (org.lead.user, org.manager.user, org.hr_admin, org.hrbp):
        assert visible(who) == {org.peer.pk}
    for who in (org.peer.user, org.salesperson.user, org.other_manager.user, org.executive):
        assert visible(who) == set()


def test_the_reviewee_never_sees_names_their_manager_chose(org: Org) -> None:
    cycle = nomination_cycle(org, peer_nominator=Nominator.MANAGER)
    nominate(org, cycle, org.peer, by=org.lead.user)
    assert visible(org.employee.user) == set()
    assert visible(org.lead.user) == {org.peer.pk}


def test_duties_and_awaiting_decisions(org: Org) -> None:
    cycle = nomination_cycle(org)
    (duty,) = nomination_duties(org.employee.user)
    assert duty.reviewee == org.employee and duty.cycle == cycle and duty.chosen == 0
    nominate(org, cycle, org.peer)
    (duty,) = nomination_duties(org.employee.user)
    assert duty.proposed == 1 and duty.due_on is not None
    # The lead takes part too: their own duty only, not their report's.
    assert [d.reviewee for d in nomination_duties(org.lead.user)] == [org.lead]
    assert list(awaiting_decision(org.lead.user).values_list("peer_id", flat=True)) == [org.peer.pk]
    assert awaiting_decision(org.manager.user).count() == 1
    assert awaiting_decision(org.hr_admin).count() == 1
    assert awaiting_decision(org.employee.user).count() == 0
    assert awaiting_decision(org.other_manager.user).count() == 0
