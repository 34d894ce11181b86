"""The nomination pages: the nominator's list and page with the directory
search, the managers' approval page, and what the reviewee reads there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cadence.people.models import Employee
from cadence.reviews.models import (
    AssignmentStatus,
    Cycle,
    NominationStatus,
    Nominator,
    PeerNomination,
    ReviewAssignment,
    ReviewerKind,
    Stage,
)
from tests.conftest import Org
from tests.factories import UserFactory
from tests.reviews.writing_support import running_cycle

pytestmark = pytest.mark.django_db
QueryCounter = Callable[[int], Any]


def login(client: Client, person: Any) -> Client:
    client.force_login(getattr(person, "user", person))
    return client


def nomination_cycle(org: Org, **values: Any) -> Cycle:
    values.setdefault("stage", Stage.PEER_NOMINATION)
    values.setdefault("peers_max", 3)
    return running_cycle(org, **values)


def page(cycle: Cycle, employee: Employee) -> str:
    return f"/reviews/nominations/{cycle.pk}/{employee.pk}/"


def test_the_nominator_is_sent_to_the_page(client: Client, org: Org) -> None:
    cycle = nomination_cycle(org)
    c = login(client, org.employee)
    assert page(cycle, org.employee) in c.get("/reviews/").content.decode()
    html = c.get("/reviews/nominations/").content.decode()
    assert 'id="nomination-duties"' in html and page(cycle, org.employee) in html


def test_empty_states(client: Client, org: Org) -> None:
    c = login(client, org.salesperson)
    assert 'id="no-nominations"' in c.get("/reviews/nominations/").content.decode()
    assert 'id="no-approvals"' in c.get("/reviews/nominations/approvals/").content.decode()


def test_search_offers_only_people_who_can_be_peers(client: Client, org: Org) -> None:
    cycle = nomination_cycle(org)
    c = login(client, org.employee)
    found = c.get(page(cycle, org.employee), {"q": "example.com"}).context["results"]
    assert set(found) == {org.peer, org.other_manager, org.salesperson}  # not self, chain, former
    partial = c.get(page(cycle, org.employee) + "search/", {"q": "Sam"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert partial.status_code == 200 and "Sam Seller" in html and "<html" not in html


def test_nominating_from_the_page(client: Client, org: Org) -> None:
    cycle = nomination_cycle(org)
    c = login(client, org.employee)
    resp = c.post(page(cycle, org.employee), {"peer": [org.peer.pk, org.salesperson.pk]})
    assert resp.status_code == 302
    assert set(PeerNomination.objects.values_list("peer_id", flat=True)) == {
        org.peer.pk,
        org.salesperson.pk,
    }
    html = c.get(page(cycle, org.employee)).content.decode()
    assert "Pat Peer" in html and "Waiting for approval" in html


def test_refused_peers_are_named_and_the_ticks_kept(client: Client, org: Org) -> None:
    cycle = nomination_cycle(org)
    c = login(client, org.employee)
    resp = c.post(page(cycle, org.employee), {"peer": [org.lead.pk, org.salesperson.pk, "x"]})
    html = resp.content.decode()
    assert resp.status_code == 422 and 'id="nomination-errors"' in html
    assert "management line" in html
    assert f'value="{org.salesperson.pk}" id="chosen-{org.salesperson.pk}" checked' in html
    assert not PeerNomination.objects.exists()


@pytest.mark.parametrize("who", ["lead", "peer", "hr_admin"])
def test_only_the_nominator_posts(client: Client, org: Org, who: str) -> None:
    cycle = nomination_cycle(org)
    resp = login(client, getattr(org, who)).post(page(cycle, org.employee), {"peer": [org.peer.pk]})
    assert resp.status_code in (403, 404)
    assert not PeerNomination.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("peer", 404), ("other_manager", 404), ("lead", 200)])
def test_who_opens_someones_nomination_page(
    client: Client, org: Org, who: str, status: int
) -> None:
    cycle = nomination_cycle(org)
    assert login(client, getattr(org, who)).get(page(cycle, org.employee)).status_code == status


def test_approving_from_the_page_creates_the_review_once(client: Client, org: Org) -> None:
    cycle = nomination_cycle(org)
    nomination = PeerNomination.objects.create(cycle=cycle, reviewee=org.employee, peer=org.peer)
    c = login(client, org.lead)
    html = c.get("/reviews/nominations/approvals/").content.decode()
    assert f'id="nomination-{nomination.pk}"' in html and "Pat Peer" in html
    assert "/reviews/nominations/approvals/" in c.get("/reviews/").content.decode()
    url = f"/reviews/nominations/{nomination.pk}/decide/"
    assert c.post(url, {"decision": "approve"}).status_code == 302
    assert c.post(url, {"decision": "approve"}).status_code == 302  # told it is decided
    reviews = ReviewAssignment.objects.filter(cycle=cycle, kind=ReviewerKind.PEER)
    assert list(reviews.values_list("reviewer_id", "reviewee_id")) == [
        (org.peer.pk, org.employee.pk)
    ]
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.APPROVED


@pytest.mark.parametrize(("who", "status"), [("employee", 404), ("other_manager", 404)])
def test_deciding_is_for_the_manager_chain(client: Client, org: Org, who: str, status: int) -> None:
    cycle = nomination_cycle(org, peer_nominator=Nominator.MANAGER)
    nomination = PeerNomination.objects.create(cycle=cycle, reviewee=org.employee, peer=org.peer)
    resp = login(client, getattr(org, who)).post(
        f"/reviews/nominations/{nomination.pk}/decide/", {"decision": "approve"}
    )
    assert resp.status_code == status
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.PROPOSED


def test_the_reviewee_sees_whom_they_chose_never_who_submitted(client: Client, org: Org) -> None:
    cycle = nomination_cycle(org)
    for peer in (org.peer, org.salesperson):
        PeerNomination.objects.create(
            cycle=cycle, reviewee=org.employee, peer=peer, status=NominationStatus.APPROVED
        )
    ReviewAssignment.objects.create(
        cycle=cycle,
        reviewer=org.peer,
        reviewee=org.employee,
        kind=ReviewerKind.PEER,
        status=AssignmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    ReviewAssignment.objects.create(
        cycle=cycle, reviewer=org.salesperson, reviewee=org.employee, kind=ReviewerKind.PEER
    )
    c = login(client, org.employee)
    html = c.get(page(cycle, org.employee)).content.decode()
    assert "Pat Peer" in html and "Sam Seller" in html
    assert "ubmitted" not in html and "In progress" not in html and "Not started" not in html
    assert html.count("Approved") == 2  # the same for both, whoever wrote
    for url in ("/reviews/", "/reviews/nominations/", "/reviews/nominations/approvals/"):
        body = c.get(url).content.decode()
        assert "ubmitted" not in body and "Pat Peer" not in body


def test_the_reviewee_cannot_open_the_page_when_their_manager_nominates(
    client: Client, org: Org
) -> None:
    cycle = nomination_cycle(org, peer_nominator=Nominator.MANAGER)
    PeerNomination.objects.create(cycle=cycle, reviewee=org.employee, peer=org.peer)
    c = login(client, org.employee)
    assert c.get(page(cycle, org.employee)).status_code == 404
    assert "Pat Peer" not in c.get("/reviews/nominations/").content.decode()


@pytest.mark.parametrize("size", [5, 60])
def test_approvals_page_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    cycle = nomination_cycle(org)
    people = Employee.objects.bulk_create(
        Employee(
            employee_number=f"N{i:04d}",
            first_name=f"Nominee{i}",
            last_name="Peer",
            email=f"nominee{i}@example.com",
            department=org.sales,
            user=UserFactory(),
        )
        for i in range(size)
    )
    PeerNomination.objects.bulk_create(
        PeerNomination(cycle=cycle, reviewee=org.employee, peer=p) for p in people
    )
    c = login(client, org.lead)
    with django_assert_max_num_queries(9):
        resp = c.get("/reviews/nominations/approvals/")
    assert resp.context["page_obj"].paginator.count == size


@pytest.mark.parametrize("size", [5, 60])
def test_nomination_page_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    cycle = nomination_cycle(org, peers_max=100)
    Employee.objects.bulk_create(
        Employee(
            employee_number=f"C{i:04d}",
            first_name=f"Colleague{i}",
            last_name="Person",
            email=f"colleague{i}@example.com",
            department=org.sales,
            user=UserFactory(),
        )
        for i in range(size)
    )
    c = login(client, org.employee)
    with django_assert_max_num_queries(10):
        resp = c.get(page(cycle, org.employee), {"q": "Colleague"})
    assert len(resp.context["results"]) == min(size, 20)
