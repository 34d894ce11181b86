"""POST /api/v1/insights/language: any signed-in user checks a text; it
answers flags with spans into the text sent and counts per category."""

from __future__ import annotations

import json
from typing import cast

import pytest
from django.test import Client

from cadence.core.models import User
from tests.api_client import Api
from tests.conftest import Org

pytestmark = pytest.mark.django_db

URL = "/api/v1/insights/language"
TEXT = "  Great job this year!  Sadly he can be abrasive with the support team."


def test_anonymous_gets_401_json() -> None:
    response = Client().post(URL, json.dumps({"text": TEXT}), content_type="application/json")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_employee_gets_flags_with_spans_into_the_text(api: Api, org: Org) -> None:
    response = api.as_(org.employee).post(URL, {"text": TEXT})
    assert response.status_code == 200, response.content
    body = response.json()
    by_category = {flag["category"]: flag for flag in body["flags"]}
    assert set(by_category) == {"vague", "personality"}
    for flag in body["flags"]:
        assert TEXT[flag["start"] : flag["end"]] == flag["text"]
        assert flag["reason"] and flag["suggestion"]
    assert by_category["personality"]["text"] == "abrasive"
    assert by_category["vague"]["text"] == "Great job this year!"
    assert body["counts"] == {"personality": 1, "vague": 1, "gender_coded": 0}


def test_clean_and_empty_text(api: Api, org: Org) -> None:
    clean = api.as_(org.employee).post(
        URL, {"text": "Delivered the migration two weeks early, which cut costs by 8%."}
    )
    assert clean.status_code == 200
    assert clean.json() == {
        "flags": [],
        "counts": {"personality": 0, "vague": 0, "gender_coded": 0},
    }
    assert api.as_(org.employee).post(URL, {"text": ""}).json()["flags"] == []


@pytest.mark.parametrize("who", ["auditor", "hr_admin", "outsider"])
def test_any_signed_in_user_may_check(api: Api, org: Org, who: str) -> None:
    assert api.as_(getattr(org, who)).post(URL, {"text": "He is bossy."}).status_code == 200


def test_text_over_20000_characters_is_422_with_a_field_error(api: Api, org: Org) -> None:
    response = api.as_(org.employee).post(URL, {"text": "a" * 20_001})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and [e["field"] for e in body["errors"]] == ["text"]
    # The limit itself is fine.
    assert api.as_(org.employee).post(URL, {"text": "a " * 10_000}).status_code == 200


def test_missing_text_is_422(api: Api, org: Org) -> None:
    response = api.as_(org.employee).post(URL, {"body": "He is bossy."})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["text"]


def test_session_needs_the_csrf_header(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast(User, org.employee.user))
    body = json.dumps({"text": "He is bossy."})
    refused = client.post(URL, body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["detail"]
    # A page with a form sets the CSRF cookie, as the review form does for the script.
    assert client.get("/api/v1/docs").status_code == 200
    token = client.cookies["csrftoken"].value
    allowed = client.post(URL, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert allowed.status_code == 200, allowed.content
    assert allowed.json()["counts"]["personality"] == 1


def test_nothing_is_stored(api: Api, org: Org) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api.as_(org.employee)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL, {"text": "He is bossy. Great job!"}).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "DELETE"))
    ]
    # Authentication may touch the token's last-used time; nothing else is written.
    assert writes == []
