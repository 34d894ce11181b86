"""Who reaches the insights pages at all, and which tabs they see."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Org

pytestmark = pytest.mark.django_db

PAGES = ["health", "ratings", "reports"]
HR_ONLY_PAGES = ["fairness", "pay_equity", "language"]


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize("page", PAGES + HR_ONLY_PAGES)
def test_hr_admin_reaches_every_page(org: Org, page: str) -> None:
    response = _client(org.hr_admin).get(reverse(f"insights:{page}"))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["hrbp", "executive", "manager"])
def test_scoped_viewers_reach_the_shared_pages_only(org: Org, who: str) -> None:
    user = getattr(org, who)
    client = _client(user if who in {"hrbp", "executive"} else user.user)
    for page in PAGES:
        assert client.get(reverse(f"insights:{page}")).status_code == 200, page
    for page in HR_ONLY_PAGES:
        assert client.get(reverse(f"insights:{page}")).status_code == 403, page
    tabs = client.get(reverse("insights:health")).content.decode()
    assert "Adverse impact" not in tabs and "Pay equity" not in tabs


@pytest.mark.parametrize("who", ["employee", "peer", "salesperson"])
def test_people_without_reports_have_no_insights(org: Org, who: str) -> None:
    client = _client(getattr(org, who).user)
    for page in PAGES + HR_ONLY_PAGES:
        assert client.get(reverse(f"insights:{page}")).status_code == 403, page


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_auditor_and_outsider_have_no_insights(org: Org, who: str) -> None:
    client = _client(getattr(org, who))
    for page in PAGES + HR_ONLY_PAGES:
        assert client.get(reverse(f"insights:{page}")).status_code == 403, page


def test_anonymous_is_sent_to_sign_in(org: Org) -> None:
    response = Client().get(reverse("insights:health"))
    assert response.status_code == 302 and "login" in response["Location"]
