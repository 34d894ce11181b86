"""/api/v1/feedback, /api/v1/feedback-requests and /api/v1/company-values:
shapes, filters, errors (404 not visible, 403 not allowed, 422 bad input)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cadence.api.fields import MAX_ID
from cadence.core.models import AuditEntry
from cadence.feedback.models import AskStatus, Feedback, FeedbackRequest
from cadence.goals.models import Visibility
from tests.api_client import Api, ids
from tests.conftest import Org
from tests.factories import CompetencyFactory, ObjectiveFactory
from tests.feedback.feedback_support import (
    CompanyValueFactory,
    V,
    feedback,
    feedback_request,
)

DUE = (timezone.localdate() + dt.timedelta(days=7)).isoformat()


def _errors(resp: object) -> dict[str | None, str]:
    body = resp.json()  # type: ignore[attr-defined]
    return {e["field"]: e["message"] for e in body["errors"]}


# --- feedback ------------------------------------------------------------------------


def test_give_feedback(api: Api, org: Org) -> None:
    value = CompanyValueFactory(name="Customers first")
    competency = CompetencyFactory(name="Communication")
    goal = ObjectiveFactory(owner_employee=org.employee, visibility=Visibility.PUBLIC)
    resp = api.as_(org.peer).post(
        "/api/v1/feedback",
        {
            "recipient": org.employee.pk,
            "body": "Great write-up.",
            "visibility": "public",
            "value": value.pk,
            "competency": competency.pk,
            "goal": goal.pk,
        },
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["giver"] == {"id": org.peer.pk, "name": "Pat Peer"}
    assert body["recipient"] == {"id": org.employee.pk, "name": "Emma Employee"}
    assert body["value"] == {"id": value.pk, "name": "Customers first"}
    assert body["competency"]["name"] == "Communication"
    assert body["goal"] == {"id": goal.pk, "title": goal.title}
    assert body["visibility"] == "public" and body["request"] is None
    assert AuditEntry.objects.filter(action="feedback.give", object_id=str(body["id"])).exists()


def test_a_goal_hidden_from_the_reader_is_null(api: Api, org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee, visibility=Visibility.PRIVATE)
    item = feedback(org.lead, org.employee, V.PUBLIC, goal=goal)
    assert api.as_(org.lead).get(f"/api/v1/feedback/{item.pk}").json()["goal"]["id"] == goal.pk
    assert api.as_(org.salesperson).get(f"/api/v1/feedback/{item.pk}").json()["goal"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"recipient": "self"}, "recipient", "You cannot give feedback to yourself."),
        ({"recipient": "former"}, "recipient", "There is no recipient with id"),
        ({"recipient": 999_999}, "recipient", "There is no recipient with id 999999."),
        ({"body": ""}, "body", "at least 1 character"),
        ({"body": "x" * 10_001}, "body", "at most 10000 characters"),
        ({"visibility": "everyone"}, "visibility", "Input should be"),
        ({"goal": "hidden"}, "goal", "There is no goal with id"),
        ({"recipient": MAX_ID + 1}, "recipient", "less than or equal to"),
    ],
)
def test_give_feedback_errors(
    api: Api, org: Org, change: dict[str, object], field: str, message: str
) -> None:
    hidden = ObjectiveFactory(owner_employee=org.salesperson, visibility=Visibility.PRIVATE)
    # Records named in the cases, as their ids; other values are sent as they are.
    named = {"self": org.peer.pk, "former": org.former.pk, "hidden": hidden.pk}
    payload: dict[str, object] = {"recipient": org.employee.pk, "body": "Hi"}
    for key, value in change.items():
        payload[key] = named[value] if key in {"recipient", "goal"} and value in named else value
    resp = api.as_(org.peer).post("/api/v1/feedback", payload)
    assert resp.status_code == 422, resp.content
    assert message in _errors(resp)[field]
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("who", ["hr_admin", "hrbp", "auditor", "outsider"])
def test_logins_without_an_employee_cannot_give(api: Api, org: Org, who: str) -> None:
    resp = api.as_(getattr(org, who)).post(
        "/api/v1/feedback", {"recipient": org.employee.pk, "body": "Hi"}
    )
    assert resp.status_code == 403


def test_list_feedback_filters(api: Api, org: Org) -> None:
    value = CompanyValueFactory()
    a = feedback(org.peer, org.employee, V.PUBLIC, value=value)
    b = feedback(org.lead, org.employee, V.PRIVATE)
    c = feedback(org.employee, org.peer, V.PRIVATE)
    Feedback.objects.filter(pk=c.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    client = api.as_(org.employee)
    assert ids(client.get("/api/v1/feedback")) == [b.pk, a.pk, c.pk]
    assert ids(client.get("/api/v1/feedback", recipient=org.employee.pk)) == [b.pk, a.pk]
    assert ids(client.get("/api/v1/feedback", giver=org.employee.pk)) == [c.pk]
    assert ids(client.get("/api/v1/feedback", visibility="public")) == [a.pk]
    assert ids(client.get("/api/v1/feedback", value=value.pk)) == [a.pk]
    since = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert ids(client.get("/api/v1/feedback", since=since)) == [b.pk, a.pk]
    assert client.get("/api/v1/feedback", visibility="nope").status_code == 422
    assert client.get("/api/v1/feedback", since="yesterday").status_code == 422
    resp = client.get("/api/v1/feedback", limit=1, offset=1)
    assert resp.json()["count"] == 3 and ids(resp) == [a.pk]


def test_feedback_detail_of_unknown_or_huge_ids(api: Api, org: Org) -> None:
    client = api.as_(org.employee)
    assert client.get("/api/v1/feedback/999999").status_code == 404
    assert client.get(f"/api/v1/feedback/{MAX_ID + 1}").status_code == 404


# --- feedback requests -----------------------------------------------------------------


def test_ask_for_feedback_on_a_report(api: Api, org: Org) -> None:
    resp = api.as_(org.manager).post(
        "/api/v1/feedback-requests",
        {
            "subject": org.employee.pk,
            "responders": [org.peer.pk, org.salesperson.pk],
            "message": "How is Emma doing?",
            "due_on": DUE,
        },
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["requester"]["id"] == org.manager.pk
    assert body["subject"]["id"] == org.employee.pk
    assert [a["responder"]["id"] for a in body["asks"]] == [org.peer.pk, org.salesperson.pk]
    assert {a["status"] for a in body["asks"]} == {"pending"}


def test_ask_for_feedback_on_yourself_by_default(api: Api, org: Org) -> None:
    resp = api.as_(org.employee).post(
        "/api/v1/feedback-requests", {"responders": [org.peer.pk], "due_on": DUE}
    )
    assert resp.status_code == 201
    assert resp.json()["subject"]["id"] == org.employee.pk


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"responders": []}, "responders", "Name at least one colleague to ask."),
        ({"responders": ["peer", "peer"]}, "responders", "Pat Peer is listed twice."),
        ({"responders": [999_999]}, "responders", "There is no employee with id 999999."),
        ({"responders": ["former"]}, "responders", "There is no employee with id"),
        ({"due_on": "2000-01-01"}, "due_on", "The due date cannot be in the past."),
        ({"subject": 999_999}, "subject", "There is no subject with id 999999."),
    ],
)
def test_ask_for_feedback_errors(
    api: Api, org: Org, payload: dict[str, object], field: str, message: str
) -> None:
    named = {"peer": org.peer.pk, "former": org.former.pk}
    body: dict[str, object] = {"responders": [org.peer.pk], "due_on": DUE}
    for key, value in payload.items():
        body[key] = [named.get(v, v) for v in value] if isinstance(value, list) else value
    resp = api.as_(org.employee).post("/api/v1/feedback-requests", body)
    assert resp.status_code == 422, resp.content
    assert message in _errors(resp)[field]
    assert not FeedbackRequest.objects.exists()


def test_asking_about_someone_outside_your_line_is_forbidden(api: Api, org: Org) -> None:
    resp = api.as_(org.other_manager).post(
        "/api/v1/feedback-requests",
        {"subject": org.employee.pk, "responders": [org.salesperson.pk], "due_on": DUE},
    )
    assert resp.status_code == 403


def test_who_reads_a_request_and_its_asks(api: Api, org: Org) -> None:
    request = feedback_request(org.employee, [org.peer, org.salesperson])
    url = f"/api/v1/feedback-requests/{request.pk}"
    mine = api.as_(org.employee).get(url).json()
    assert len(mine["asks"]) == 2
    # A person asked sees the request and their own ask, not who else was asked.
    theirs = api.as_(org.peer).get(url).json()
    assert [a["responder"]["id"] for a in theirs["asks"]] == [org.peer.pk]
    for who in (org.lead, org.manager, org.other_manager, org.hr_admin, org.auditor, org.outsider):
        assert api.as_(who).get(url).status_code == 404
        assert request.pk not in ids(api.as_(who).get("/api/v1/feedback-requests"))
    assert ids(api.as_(org.peer).get("/api/v1/feedback-requests", role="asked")) == [request.pk]
    assert ids(api.as_(org.peer).get("/api/v1/feedback-requests", role="made")) == []
    assert ids(api.as_(org.employee).get("/api/v1/feedback-requests", role="made")) == [request.pk]


def test_answer_a_request_and_the_requester_reads_the_answer(api: Api, org: Org) -> None:
    request = feedback_request(org.lead, [org.peer], subject=org.employee)
    ask = request.asks.get()
    url = f"/api/v1/feedback-requests/{request.pk}/asks/{ask.pk}/answer"
    # The requester may see the ask but it is not theirs to answer.
    assert api.as_(org.lead).post(url, {"body": "Me"}).status_code == 403
    assert api.as_(org.salesperson).post(url, {"body": "Me"}).status_code == 404
    resp = api.as_(org.peer).post(url, {"body": "Steady and kind.", "visibility": "private"})
    assert resp.status_code == 201, resp.content
    assert resp.json()["recipient"]["id"] == org.employee.pk
    assert resp.json()["request"] == request.pk
    again = api.as_(org.peer).post(url, {"body": "Again"})
    assert again.status_code == 422
    assert _errors(again)["ask"] == "You have already answered this request."
    [shown] = api.as_(org.lead).get(f"/api/v1/feedback-requests/{request.pk}").json()["asks"]
    assert shown["status"] == "answered"
    assert shown["answer"]["body"] == "Steady and kind."
    # The asks route checks the request id too.
    other = feedback_request(org.peer, [org.salesperson])
    wrong = f"/api/v1/feedback-requests/{other.pk}/asks/{ask.pk}/answer"
    assert api.as_(org.peer).post(wrong, {"body": "x"}).status_code == 404


def test_manager_only_answer_to_a_self_request_is_refused(api: Api, org: Org) -> None:
    request = feedback_request(org.employee, [org.peer])
    ask = request.asks.get()
    resp = api.as_(org.peer).post(
        f"/api/v1/feedback-requests/{request.pk}/asks/{ask.pk}/answer",
        {"body": "Hm", "visibility": "manager_only"},
    )
    assert resp.status_code == 422
    assert "“manager only” cannot keep it from them" in _errors(resp)["visibility"]


def test_decline_a_request(api: Api, org: Org) -> None:
    request = feedback_request(org.employee, [org.peer])
    ask = request.asks.get()
    url = f"/api/v1/feedback-requests/{request.pk}/asks/{ask.pk}/decline"
    assert api.as_(org.employee).post(url, {"reason": "x"}).status_code == 403
    assert api.as_(org.salesperson).post(url, {}).status_code == 404
    resp = api.as_(org.peer).post(url, {"reason": "Too little contact."})
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "declined"
    assert resp.json()["decline_reason"] == "Too little contact."
    assert api.as_(org.peer).post(url, {}).status_code == 422
    ask.refresh_from_db()
    assert ask.status == AskStatus.DECLINED


# --- company values --------------------------------------------------------------------


def test_company_values_list(api: Api, org: Org) -> None:
    CompanyValueFactory(name="Active one")
    CompanyValueFactory(name="Retired", active=False)
    resp = api.as_(org.employee).get("/api/v1/company-values", active="true")
    assert [v["name"] for v in resp.json()["items"]] == ["Active one"]
    assert api.as_(org.employee).get("/api/v1/company-values").json()["count"] == 2
    assert api.as_(org.outsider).get("/api/v1/company-values").json()["count"] == 0
