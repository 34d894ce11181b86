"""The feedback pages: the praise wall, giving feedback, my feedback,
feedback requests (ask, answer, decline) and the company values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cadence.core.models import AuditEntry
from cadence.feedback.models import AskStatus, CompanyValue, Feedback, FeedbackRequest
from tests.conftest import Org
from tests.feedback.feedback_support import (
    CompanyValueFactory,
    V,
    feedback,
    feedback_request,
    person,
)


def _as(client: Client, who: object) -> Client:
    client.force_login(getattr(who, "user", who))  # type: ignore[arg-type]
    return client


# --- the praise wall -------------------------------------------------------------------


def test_wall_shows_public_praise_only_newest_first(client: Client, org: Org) -> None:
    old = feedback(org.peer, org.employee, V.PUBLIC, body="Older praise")
    Feedback.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    feedback(org.salesperson, org.lead, V.PUBLIC, body="Newer praise")
    feedback(org.peer, org.employee, V.RECIPIENT_AND_MANAGER, body="Shared with manager")
    resp = _as(client, org.other_manager).get("/feedback/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert html.index("Newer praise") < html.index("Older praise")
    assert "Shared with manager" not in html


def test_wall_filters_by_department_value_and_words(client: Client, org: Org) -> None:
    value = CompanyValueFactory(name="Ownership")
    feedback(org.peer, org.employee, V.PUBLIC, body="Platform praise", value=value)
    feedback(org.peer, org.salesperson, V.PUBLIC, body="Sales praise")
    c = _as(client, org.ceo)
    by_dept = c.get("/feedback/", {"department": org.engineering.pk}).content.decode()
    assert "Platform praise" in by_dept  # Platform is inside Engineering
    assert "Sales praise" not in by_dept
    by_value = c.get("/feedback/", {"value": value.pk}).content.decode()
    assert "Platform praise" in by_value and "Sales praise" not in by_value
    by_words = c.get("/feedback/", {"q": "sam seller"}).content.decode()
    assert "Sales praise" in by_words and "Platform praise" not in by_words
    nothing = c.get("/feedback/", {"q": "zebra"}).content.decode()
    assert "No praise matches these filters." in nothing
    # Junk filter values are ignored, never a 500.
    assert c.get("/feedback/", {"department": "²", "value": "-1"}).status_code == 200


def test_wall_empty_state(client: Client, org: Org) -> None:
    html = _as(client, org.employee).get("/feedback/").content.decode()
    assert "No public praise yet." in html


# --- giving ------------------------------------------------------------------------------


def test_give_page_prefills_the_recipient_and_explains_each_visibility(
    client: Client, org: Org
) -> None:
    html = _as(client, org.peer).get("/feedback/give/", {"to": org.employee.pk}).content.decode()
    assert 'id="chosen-recipient"' in html and "Emma Employee" in html
    assert "Only Emma Employee can read it (and you)." in html
    assert "Emma Employee will not see it" in html
    assert "on the praise wall" in html
    for value in ("private", "recipient_manager", "manager_only", "public"):
        assert f'value="{value}"' in html


def test_give_feedback_from_the_page(client: Client, org: Org) -> None:
    value = CompanyValueFactory(name="Customers first")
    resp = _as(client, org.peer).post(
        "/feedback/give/",
        {
            "recipient": org.employee.pk,
            "body": "Thanks for covering the release.",
            "visibility": "public",
            "value": value.pk,
        },
    )
    assert resp.status_code == 302 and resp["Location"] == "/feedback/"
    given = Feedback.objects.get()
    assert (given.giver, given.recipient, given.value) == (org.peer, org.employee, value)
    wall = client.get("/feedback/").content.decode()
    assert "Thanks for covering the release." in wall


def test_give_page_shows_service_errors_on_their_fields(client: Client, org: Org) -> None:
    c = _as(client, org.peer)
    resp = c.post(
        "/feedback/give/", {"recipient": org.peer.pk, "body": "Me", "visibility": "private"}
    )
    assert resp.status_code == 200
    assert "You cannot give feedback to yourself." in resp.content.decode()
    resp = c.post(
        "/feedback/give/", {"recipient": org.employee.pk, "body": "", "visibility": "private"}
    )
    assert "Write the feedback itself." in resp.content.decode()
    resp = c.post("/feedback/give/", {"body": "Hi", "visibility": "private"})
    assert "Choose who the feedback is for." in resp.content.decode()
    assert not Feedback.objects.exists()


def test_give_page_find_searches_without_saving(client: Client, org: Org) -> None:
    resp = _as(client, org.peer).post(
        "/feedback/give/", {"action": "find", "q": "emma", "body": "Draft", "visibility": "public"}
    )
    html = resp.content.decode()
    assert f'name="recipient" value="{org.employee.pk}"' in html
    assert "Draft" in html  # what was typed is kept
    assert not Feedback.objects.exists()


def test_people_search_partial(client: Client, org: Org) -> None:
    c = _as(client, org.peer)
    html = c.get("/feedback/people/", {"q": "e", "mode": "checkbox"}).content.decode()
    assert 'type="checkbox" name="responders"' in html
    assert f'value="{org.peer.pk}"' not in html  # never yourself
    assert "Fay Former" not in html  # never a leaver
    assert "Nobody you can choose" in c.get("/feedback/people/", {"q": "zzz"}).content.decode()


@pytest.mark.parametrize("who", ["hr_admin", "auditor", "outsider"])
def test_logins_without_an_employee_cannot_open_the_give_page(
    client: Client, org: Org, who: str
) -> None:
    assert _as(client, getattr(org, who)).get("/feedback/give/").status_code == 404


# --- my feedback -------------------------------------------------------------------------


def test_mine_tabs(client: Client, org: Org) -> None:
    feedback(org.peer, org.employee, V.PRIVATE, body="To Emma privately")
    feedback(org.employee, org.peer, V.PRIVATE, body="From Emma")
    feedback(org.peer, org.employee, V.MANAGER_ONLY, body="For Emma's managers")
    c = _as(client, org.employee)
    received = c.get("/feedback/mine/").content.decode()
    assert "To Emma privately" in received and "For Emma" not in received
    assert "From Emma" in c.get("/feedback/mine/", {"tab": "given"}).content.decode()
    assert "About my team" not in received  # Emma manages nobody
    lead = _as(Client(), org.lead)
    team = lead.get("/feedback/mine/", {"tab": "team"}).content.decode()
    assert "About my team" in team
    assert "For Emma&#x27;s managers" in team and "To Emma privately" not in team


def test_mine_empty_states(client: Client, org: Org) -> None:
    c = _as(client, org.employee)
    assert "No feedback for you yet." in c.get("/feedback/mine/").content.decode()
    given = c.get("/feedback/mine/", {"tab": "given"}).content.decode()
    assert "You have not given any feedback yet." in given


def test_feedback_detail_page(client: Client, org: Org) -> None:
    item = feedback(org.peer, org.employee, V.PRIVATE, body="Detail body")
    assert "Detail body" in _as(client, org.employee).get(f"/feedback/{item.pk}/").content.decode()
    assert _as(Client(), org.lead).get(f"/feedback/{item.pk}/").status_code == 404


# --- feedback requests -------------------------------------------------------------------


def test_ask_for_feedback_from_the_page(client: Client, org: Org) -> None:
    due = timezone.localdate() + dt.timedelta(days=5)
    resp = _as(client, org.lead).post(
        "/feedback/requests/new/",
        {
            "subject": org.employee.pk,
            "responders": [org.peer.pk, org.salesperson.pk],
            "message": "How is Emma doing on the migration?",
            "due_on": due.isoformat(),
        },
    )
    assert resp.status_code == 302
    made = FeedbackRequest.objects.get()
    assert (made.requester, made.subject, made.due_on) == (org.lead, org.employee, due)
    assert made.asks.count() == 2


def test_request_form_offers_yourself_and_your_reports_only(client: Client, org: Org) -> None:
    html = _as(client, org.lead).get("/feedback/requests/new/").content.decode()
    assert "Myself" in html and "Emma Employee" in html and "Pat Peer" not in html
    resp = client.post(
        "/feedback/requests/new/",
        {"subject": org.peer.pk, "responders": [org.salesperson.pk], "due_on": "2099-01-01"},
    )
    assert resp.status_code == 200
    assert not FeedbackRequest.objects.exists()


def test_request_form_errors(client: Client, org: Org) -> None:
    c = _as(client, org.employee)
    resp = c.post(
        "/feedback/requests/new/",
        {"subject": org.employee.pk, "due_on": timezone.localdate().isoformat()},
    )
    assert "Name at least one colleague to ask." in resp.content.decode()
    resp = c.post(
        "/feedback/requests/new/",
        {"subject": org.employee.pk, "responders": [org.peer.pk], "due_on": "2000-01-01"},
    )
    assert "The due date cannot be in the past." in resp.content.decode()
    # "Find" keeps the people already ticked and saves nothing.
    resp = c.post(
        "/feedback/requests/new/",
        {"subject": org.employee.pk, "responders": [org.peer.pk], "action": "find", "q": "sam"},
    )
    html = resp.content.decode()
    assert f'id="chosen-{org.peer.pk}" checked' in html
    assert f'id="person-{org.salesperson.pk}"' in html
    assert not FeedbackRequest.objects.exists()


def test_answer_a_request_and_the_requester_reads_it(client: Client, org: Org) -> None:
    ask = feedback_request(org.employee, [org.peer]).asks.get()
    c = _as(client, org.peer)
    page = c.get(f"/feedback/asks/{ask.pk}/answer/").content.decode()
    assert "How did the launch go?" in page
    # Emma asked about herself: "manager only" is shown but cannot be chosen.
    assert 'value="manager_only" disabled' in page
    resp = c.post(
        f"/feedback/asks/{ask.pk}/answer/", {"body": "Forced", "visibility": "manager_only"}
    )
    assert "“manager only” cannot keep it from them" in resp.content.decode()
    resp = c.post(
        f"/feedback/asks/{ask.pk}/answer/", {"body": "Calm and clear.", "visibility": "private"}
    )
    assert resp.status_code == 302
    made = _as(Client(), org.employee).get("/feedback/requests/", {"tab": "made"})
    html = made.content.decode()
    assert "Calm and clear." in html and "Answered" in html
    closed = c.get(f"/feedback/asks/{ask.pk}/answer/").content.decode()
    assert 'id="ask-closed"' in closed


def test_only_the_person_asked_opens_the_answer_page(client: Client, org: Org) -> None:
    ask = feedback_request(org.employee, [org.peer]).asks.get()
    for who in (org.employee, org.salesperson, org.manager):
        assert _as(Client(), who).get(f"/feedback/asks/{ask.pk}/answer/").status_code == 404


def test_decline_from_the_page(client: Client, org: Org) -> None:
    request = feedback_request(org.employee, [org.peer, org.salesperson])
    ask = request.asks.get(responder=org.peer)
    resp = _as(client, org.peer).post(
        f"/feedback/asks/{ask.pk}/decline/", {"reason": "Not enough contact with Emma."}
    )
    assert resp.status_code == 302
    ask.refresh_from_db()
    assert ask.status == AskStatus.DECLINED
    html = _as(Client(), org.employee).get("/feedback/requests/", {"tab": "made"}).content.decode()
    assert "Not enough contact with Emma." in html and "Waiting for an answer" in html


def test_requests_page_lists_asks_to_me_and_empty_states(client: Client, org: Org) -> None:
    feedback_request(org.employee, [org.peer], message="Thoughts on my talk?")
    html = _as(client, org.peer).get("/feedback/requests/").content.decode()
    assert "Thoughts on my talk?" in html and "Answer or decline" in html
    c = _as(Client(), org.salesperson)
    assert "Nobody has asked you for feedback yet." in c.get("/feedback/requests/").content.decode()
    made = c.get("/feedback/requests/", {"tab": "made"}).content.decode()
    assert "You have not asked for feedback yet." in made


# --- company values -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "hrbp", "auditor", "outsider"])
def test_values_pages_are_hr_admin_only(client: Client, org: Org, who: str) -> None:
    value = CompanyValueFactory()
    c = _as(client, getattr(org, who))
    assert c.get("/feedback/values/").status_code == 404
    assert c.post("/feedback/values/new/", {"name": "X", "active": "on"}).status_code == 404
    assert c.post(f"/feedback/values/{value.pk}/active/").status_code == 404
    assert c.post(f"/feedback/values/{value.pk}/delete/").status_code == 404


def test_hr_admin_manages_values_from_the_pages(client: Client, org: Org) -> None:
    c = _as(client, org.hr_admin)
    assert "No company values yet." in c.get("/feedback/values/").content.decode()
    resp = c.post("/feedback/values/new/", {"name": "Customers first", "active": "on"})
    assert resp.status_code == 302
    value = CompanyValue.objects.get()
    resp = c.post("/feedback/values/new/", {"name": "customers first", "active": "on"})
    assert "There is already a value called" in resp.content.decode()
    c.post(f"/feedback/values/{value.pk}/active/")
    value.refresh_from_db()
    assert value.active is False
    c.post(f"/feedback/values/{value.pk}/edit/", {"name": "Customers first!", "active": "on"})
    value.refresh_from_db()
    assert (value.name, value.active) == ("Customers first!", True)
    assert (
        "Nobody has used it yet." in c.get(f"/feedback/values/{value.pk}/delete/").content.decode()
    )
    c.post(f"/feedback/values/{value.pk}/delete/")
    assert not CompanyValue.objects.exists()
    actions = list(
        AuditEntry.objects.filter(object_type="feedback.companyvalue")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "company_value.create",
        "company_value.update",
        "company_value.update",
        "company_value.delete",
    ]


def test_a_used_value_cannot_be_deleted_from_the_page(client: Client, org: Org) -> None:
    value = CompanyValueFactory(name="Ownership")
    feedback(org.peer, org.employee, V.PUBLIC, value=value)
    c = _as(client, org.hr_admin)
    page = c.get(f"/feedback/values/{value.pk}/delete/").content.decode()
    assert "cannot be deleted" in page
    c.post(f"/feedback/values/{value.pk}/delete/")
    assert CompanyValue.objects.filter(pk=value.pk).exists()


def test_inactive_values_are_not_offered_when_giving(client: Client, org: Org) -> None:
    CompanyValueFactory(name="Old value", active=False)
    CompanyValueFactory(name="Current value")
    html = _as(client, person(org, "giver@example.com")).get("/feedback/give/").content.decode()
    assert "Current value" in html and "Old value" not in html
