"""Who may call the API: bearer tokens and CSRF-protected sessions."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from cadence.core.models import ApiToken, AuditEntry
from cadence.core.tokens import authenticate_token, create_token, revoke_token
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _is_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    assert isinstance(body["errors"], list)
    return body


def test_no_credentials_is_401_json(org):
    _is_json_error(Client().get("/api/v1/employees"), 401)
    _is_json_error(
        Client(enforce_csrf_checks=True).post(
            "/api/v1/departments", "{}", content_type="application/json"
        ),
        401,
    )


def test_bad_token_is_401(org):
    client = Client(HTTP_AUTHORIZATION="Bearer cad_not-a-real-token")
    _is_json_error(client.get("/api/v1/employees"), 401)


def test_revoked_token_is_401(org, api):
    client = api.as_(org.hr_admin)
    assert client.get("/api/v1/employees").status_code == 200
    revoke_token(actor=None, token=ApiToken.objects.get(user=org.hr_admin))
    _is_json_error(client.get("/api/v1/employees"), 401)


def test_token_of_inactive_user_is_401(org, api):
    client = api.as_(org.hr_admin)
    org.hr_admin.is_active = False
    org.hr_admin.save()
    _is_json_error(client.get("/api/v1/employees"), 401)


def test_only_the_digest_is_stored_and_use_is_noted_once_a_minute(org):
    token, raw = create_token(actor=None, user=org.hr_admin, name="ci")
    assert raw.startswith("cad_") and raw.startswith(token.prefix)
    assert raw not in {token.digest, token.prefix}
    assert authenticate_token(raw) == org.hr_admin
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    authenticate_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == first_use


def test_token_writes_are_audited(org):
    token, _ = create_token(actor=org.hr_admin, user=org.manager.user, name="n")
    revoke_token(actor=org.hr_admin, token=token)
    actions = list(
        AuditEntry.objects.filter(object_id=str(token.pk)).values_list("action", "actor_label")
    )
    assert ("api_token.create", "hr.admin@example.com") in actions
    assert ("api_token.revoke", "hr.admin@example.com") in actions


def test_people_cannot_make_tokens_for_others(org):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_token(actor=org.employee.user, user=org.manager.user)


def test_session_without_csrf_cannot_write(org):
    client = Client(enforce_csrf_checks=True)
    assert client.login(email=org.hr_admin.email, password=PASSWORD)
    body = {"name": "Legal", "code": "LEG"}
    response = client.post("/api/v1/departments", json.dumps(body), content_type="application/json")
    _is_json_error(response, 403)


def test_session_with_csrf_works(org):
    client = Client(enforce_csrf_checks=True)
    assert client.login(email=org.hr_admin.email, password=PASSWORD)
    assert client.get("/api/v1/employees").status_code == 200
    # Any page that renders a form sets the CSRF cookie; the docs page does too.
    assert client.get("/api/v1/docs").status_code == 200
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/departments",
        json.dumps({"name": "Legal", "code": "LEG"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 201, response.content


def test_token_cli_create_prints_token_on_last_line(org):
    out = io.StringIO()
    call_command("token", "create", "HR.Admin@example.com", "--name", "ci", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert authenticate_token(raw) == org.hr_admin
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/employees")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor is None and entry.actor_label == "system"


def test_token_cli_list_and_revoke(org):
    out = io.StringIO()
    call_command("token", "create", org.hr_admin.email, stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    prefix = ApiToken.objects.get(user=org.hr_admin).prefix
    listing = io.StringIO()
    call_command("token", "list", org.hr_admin.email, stdout=listing)
    assert prefix in listing.getvalue() and "live" in listing.getvalue()
    call_command("token", "revoke", prefix, stdout=io.StringIO())
    assert authenticate_token(raw) is None
    with pytest.raises(CommandError):
        call_command("token", "revoke", prefix, stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("token", "create", "nobody@example.com", stdout=io.StringIO())


def test_docs_and_schema_are_served(db):
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/employees" in schema.json()["paths"]
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    # Swagger UI comes from our own static files, not a CDN.
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # Every script and stylesheet is a local path. (Not a bare "cdn" substring
    # check: the page's random CSRF token can contain those letters.)
    asset_urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert asset_urls
    assert [url for url in asset_urls if "//" in url] == []
    assert "jsdelivr" not in html.lower() and "unpkg" not in html.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        response = Client().get(f"/static/ninja/{asset}")
        assert response.status_code == 200, asset


def test_unknown_api_path_is_json_404(db):
    user = UserFactory()
    _, raw = create_token(actor=None, user=user)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/no-such-thing")
    _is_json_error(response, 404)
    _is_json_error(Client().get("/api/v1/no-such-thing"), 404)


def test_wrong_method_on_a_known_path_answers_json_405(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.delete("/api/v1/employees")
    assert resp.status_code == 405
    assert resp["Content-Type"].startswith("application/json")
    assert "GET" in resp["Allow"] and resp.json()["detail"].startswith("Method DELETE")
