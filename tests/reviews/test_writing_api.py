"""The writing API: the assignment list and its filters (reviewer=me), the
detail (answers for the reviewer and HR admin only), saving with versions,
submitting, who gets 403 or 404, and the list's query budget."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from cadence.people.models import Employee
from cadence.reviews.form_items import items_for
from cadence.reviews.models import AssignmentStatus, ReviewAssignment, ReviewerKind
from tests.api_client import Api, ids
from tests.conftest import Org
from tests.factories import EmployeeFactory
from tests.reviews.writing_support import questions_template, review, running_cycle

pytestmark = pytest.mark.django_db
QueryCounter = Callable[[int], Any]
URL = "/api/v1/assignments"


@pytest.fixture
def reviews(org: Org) -> dict[str, ReviewAssignment]:
    """About `employee`: their self review, a peer review by `peer`, the
    manager review by `lead`; and `employee`'s peer review of `salesperson`."""
    cycle = running_cycle(org, template=questions_template(3))
    return {
        "self": review(cycle, org.employee, org.employee, ReviewerKind.SELF),
        "peer": review(cycle, org.peer, org.employee, ReviewerKind.PEER),
        "manager": review(cycle, org.lead, org.employee, ReviewerKind.MANAGER),
        "of_peer": review(cycle, org.employee, org.salesperson, ReviewerKind.PEER),
    }


def keys(a: ReviewAssignment) -> list[str]:
    return [i.key for i in items_for(a)]


# --- the list ----------------------------------------------------------------------


def test_reviewer_me_lists_the_reviews_i_write(api: Api, org: Org, reviews: dict) -> None:
    got = ids(api.as_(org.employee).get(URL, reviewer="me"))
    assert sorted(got) == sorted([reviews["self"].pk, reviews["of_peer"].pk])
    assert ids(api.as_(org.lead).get(URL, reviewer="me")) == [reviews["manager"].pk]
    assert ids(api.as_(org.hr_admin).get(URL, reviewer="me")) == []  # no employee record


def test_filters(api: Api, org: Org, reviews: dict) -> None:
    hr = api.as_(org.hr_admin)
    cycle_id = reviews["self"].cycle_id
    assert len(ids(hr.get(URL, cycle=cycle_id))) == 4
    assert sorted(ids(hr.get(URL, reviewee=org.employee.pk))) == sorted(
        [reviews["self"].pk, reviews["peer"].pk, reviews["manager"].pk]
    )
    assert sorted(ids(hr.get(URL, kind="peer"))) == sorted(
        [reviews["peer"].pk, reviews["of_peer"].pk]
    )
    assert ids(hr.get(URL, reviewer=str(org.lead.pk))) == [reviews["manager"].pk]
    ReviewAssignment.objects.filter(pk=reviews["peer"].pk).update(status=AssignmentStatus.SUBMITTED)
    assert ids(hr.get(URL, status="submitted")) == [reviews["peer"].pk]
    assert ids(hr.get(URL, cycle=cycle_id + 1000)) == []


@pytest.mark.parametrize("value", ["you", "0", "-1", "99999999999999999999", "me "])
def test_bad_filters_are_422(api: Api, org: Org, value: str) -> None:
    resp = api.as_(org.employee).get(URL, reviewer=value)
    assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "reviewer"


def test_rows_carry_due_dates_and_metadata(api: Api, org: Org, reviews: dict) -> None:
    (row,) = [
        r
        for r in api.as_(org.lead).get(URL, reviewer="me").json()["items"]
        if r["id"] == reviews["manager"].pk
    ]
    assert row["due_on"] == "2027-03-28" and row["kind"] == "manager"
    assert row["reviewee"]["id"] == org.employee.pk and row["status"] == "pending"
    assert "answers" not in row and "items" not in row


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("employee", {"self", "of_peer"}),  # never the peer or manager review about them
        ("peer", {"peer"}),
        ("lead", {"self", "peer", "manager"}),
        ("manager", {"self", "peer", "manager"}),
        ("hrbp", {"self", "peer", "manager"}),
        ("other_manager", {"of_peer"}),
        ("executive", set()),
    ],
)
def test_list_follows_visibility(
    api: Api, org: Org, reviews: dict, who: str, expected: set[str]
) -> None:
    got = set(ids(api.as_(getattr(org, who)).get(URL)))
    assert got == {reviews[name].pk for name in expected}


# --- the detail ------------------------------------------------------------------------


def test_the_reviewer_reads_items_and_answers(api: Api, org: Org, reviews: dict) -> None:
    a = reviews["self"]
    body = api.as_(org.employee).get(f"{URL}/{a.pk}").json()
    assert [i["key"] for i in body["items"]] == keys(a)
    assert body["answers"] == [] and body["can_write"] is True and body["locked_reason"] == ""
    rating = body["items"][0]
    assert rating["kind"] == "rating" and [lv["value"] for lv in rating["levels"]][:2] == [
        "1.00",
        "2.00",
    ]


def test_hr_admin_reads_answers_but_cannot_write(api: Api, org: Org, reviews: dict) -> None:
    a = reviews["peer"]
    key = keys(a)[0]
    assert (
        api.as_(org.peer)
        .patch(f"{URL}/{a.pk}", {"version": 1, "answers": {key: {"rating": 3}}})
        .status_code
        == 200
    )
    body = api.as_(org.hr_admin).get(f"{URL}/{a.pk}").json()
    assert body["answers"][0]["item"] == key and body["can_write"] is False
    resp = api.as_(org.hr_admin).patch(
        f"{URL}/{a.pk}", {"version": 2, "answers": {key: {"rating": 1}}}
    )
    assert resp.status_code == 403


@pytest.mark.parametrize("who", ["lead", "manager", "hrbp"])
def test_others_who_may_see_it_get_metadata_only(
    api: Api, org: Org, reviews: dict, who: str
) -> None:
    a = reviews["peer"]
    key = keys(a)[0]
    api.as_(org.peer).patch(f"{URL}/{a.pk}", {"version": 1, "answers": {key: {"rating": 3}}})
    body = api.as_(getattr(org, who)).get(f"{URL}/{a.pk}").json()
    assert body["id"] == a.pk and body["status"] == "in_progress"
    for hidden in ("items", "answers", "can_write", "locked_reason"):
        assert hidden not in body


@pytest.mark.parametrize(
    ("who", "name", "status"),
    [
        ("employee", "peer", 404),  # the reviewee: a peer review about them does not exist
        ("employee", "manager", 404),
        ("other_manager", "self", 404),
        ("lead", "manager", 200),
        ("lead", "self", 403),  # sees the assignment, may not write it
        ("manager", "manager", 403),
        ("hrbp", "self", 403),
        ("hr_admin", "self", 403),
    ],
)
def test_who_may_save(api: Api, org: Org, reviews: dict, who: str, name: str, status: int) -> None:
    a = reviews[name]
    key = keys(a)[0]
    resp = api.as_(getattr(org, who)).patch(
        f"{URL}/{a.pk}", {"version": 1, "answers": {key: {"rating": 3}}}
    )
    assert resp.status_code == status, resp.content
    assert resp["Content-Type"].startswith("application/json")
    submit = api.as_(getattr(org, who)).post(f"{URL}/{a.pk}/submit", {"version": 1})
    # After a successful save the version has moved on: 409, not a write.
    assert submit.status_code == (409 if status == 200 else status)


# --- saving and submitting ------------------------------------------------------------------


def test_save_then_a_stale_version_is_409(api: Api, org: Org, reviews: dict) -> None:
    a = reviews["self"]
    _, text, _ = keys(a)
    client = api.as_(org.employee)
    first = client.patch(f"{URL}/{a.pk}", {"version": 1, "answers": {text: {"text": "tab one"}}})
    assert first.status_code == 200 and first.json()["version"] == 2
    assert first.json()["status"] == "in_progress"
    stale = client.patch(f"{URL}/{a.pk}", {"version": 1, "answers": {text: {"text": "tab two"}}})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["field"] == "version"
    body = client.get(f"{URL}/{a.pk}").json()
    assert body["answers"] == [
        {"item": text, "rating": None, "unable_to_rate": False, "text": "tab one", "choice": ""}
    ]


def test_validation_errors_are_keyed_by_item(api: Api, org: Org, reviews: dict) -> None:
    a = reviews["self"]
    rating, _, choice = keys(a)
    resp = api.as_(org.employee).patch(
        f"{URL}/{a.pk}",
        {"version": 1, "answers": {rating: {"rating": 7}, choice: {"choice": "Never"}}},
    )
    assert resp.status_code == 422
    assert {e["field"] for e in resp.json()["errors"]} == {rating, choice}


@pytest.mark.parametrize(
    "answers",
    [
        {"x1": {"rating": 3}},
        {"q0": {"rating": 3}},
        {"q1": {"rating": 3.555}},
        {"q1": {"rating": "abc"}},
    ],
)
def test_malformed_bodies_are_422(api: Api, org: Org, reviews: dict, answers: Any) -> None:
    resp = api.as_(org.employee).patch(
        f"{URL}/{reviews['self'].pk}", {"version": 1, "answers": answers}
    )
    assert resp.status_code == 422


def test_submit_lists_missing_items_then_locks(api: Api, org: Org, reviews: dict) -> None:
    a = reviews["self"]
    rating, text, choice = keys(a)
    client = api.as_(org.employee)
    missing = client.post(f"{URL}/{a.pk}/submit", {"version": 1})
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {rating, text, choice}
    saved = client.patch(
        f"{URL}/{a.pk}",
        {
            "version": 1,
            "answers": {
                rating: {"unable_to_rate": True},
                text: {"text": "ok"},
                choice: {"choice": "Yes"},
            },
        },
    ).json()
    done = client.post(f"{URL}/{a.pk}/submit", {"version": saved["version"]})
    assert done.status_code == 200
    assert done.json()["status"] == "submitted" and done.json()["can_write"] is False
    assert "locked" in done.json()["locked_reason"]
    again = client.patch(
        f"{URL}/{a.pk}", {"version": done.json()["version"], "answers": {text: {"text": "no"}}}
    )
    assert again.status_code == 422 and "locked" in again.json()["errors"][0]["message"]


# --- the reviewee never learns who wrote a peer review ------------------------------------


def test_no_output_to_the_reviewee_names_a_peer_reviewer(api: Api, org: Org, reviews: dict) -> None:
    a = reviews["peer"]
    key = keys(a)[0]
    api.as_(org.peer).patch(f"{URL}/{a.pk}", {"version": 1, "answers": {key: {"rating": 3}}})
    client = api.as_(org.employee)
    bodies = [
        client.get(URL),
        client.get(URL, reviewee=org.employee.pk),
        client.get(URL, reviewer=str(org.peer.pk)),
        client.get(URL, kind="peer"),
        client.get(URL, status="in_progress"),
        client.get(f"{URL}/{a.pk}"),
        client.patch(f"{URL}/{a.pk}", {"version": 2, "answers": {key: {"rating": 1}}}),
        client.post(f"{URL}/{a.pk}/submit", {"version": 2}),
    ]
    for resp in bodies:
        text = json.dumps(resp.json())
        assert "Pat" not in text and "peer@example.com" not in text
        assert f'"id": {a.pk}' not in text
    about_me = client.get(URL, reviewee=org.employee.pk).json()
    assert about_me["count"] == 1 and about_me["items"][0]["kind"] == "self"
    # The reviewee's peer review of someone else names that person, not its writer's peers.
    assert client.get(URL, reviewer=str(org.peer.pk)).json()["count"] == 0


# --- query budget ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 60])
def test_list_query_budget(
    api: Api, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    cycle = running_cycle(org, template=questions_template(2))
    people = Employee.objects.bulk_create(
        Employee(
            employee_number=f"R{i:04d}",
            first_name=f"Rev{i}",
            last_name="Iewee",
            email=f"rev{i}@example.com",
            department=org.engineering,
        )
        for i in range(size)
    )
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(cycle=cycle, reviewer=org.lead, reviewee=p, kind=ReviewerKind.PEER)
        for p in people
    )
    client = api.as_(org.lead)
    client.get(URL)  # the token's first use writes its last-used time
    with django_assert_max_num_queries(6):
        resp = client.get(URL, reviewer="me", limit=100)
    assert resp.json()["count"] == size


def test_other_employee_is_not_found(api: Api, org: Org) -> None:
    nobody = EmployeeFactory()
    assert api.as_(org.employee).get(f"{URL}/{nobody.pk + 10**6}").status_code == 404
    assert api.as_(org.employee).get(f"{URL}/{2**63}").status_code in (404, 422)
