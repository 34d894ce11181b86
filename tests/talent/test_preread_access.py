"""Who sees which pre-read numbers, on the page, in the API and in the CSV
exports: HR sees everything; a participating manager only numbers computed
from their own people (unless HR shares the whole view); anyone who may not
see the session gets a 404. "Not enough data" below the minimum team size
everywhere, exports included."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cadence.api.fields import MAX_ID
from cadence.core.models import User
from tests.api_client import Api
from tests.conftest import Org
from tests.talent.insight_support import Setup, standard


def _login(client: Client, who: Any) -> Client:
    client.force_login(who if isinstance(who, User) else who.user)
    return client


def _page(client: Client, setup: Setup, who: Any) -> Any:
    return _login(client, who).get(reverse("talent:session_preread", args=[setup.session.pk]))


def _csv(client: Client, setup: Setup, who: Any, table: str) -> list[list[str]]:
    url = reverse("talent:session_preread_export", args=[setup.session.pk])
    response = _login(client, who).get(url, {"table": table})
    assert response.status_code == 200, response
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


def _effects(api: Api, setup: Setup, who: Any) -> Any:
    return api.as_(who).get(f"/api/v1/calibration-sessions/{setup.session.pk}/rater-effects")


# --- the API -----------------------------------------------------------------------------


def test_hr_admin_gets_every_rater_with_suppression_below_the_minimum(api: Api, org: Org) -> None:
    setup = standard(org)
    response = _effects(api, setup, org.hr_admin)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["model"]["n_ratings"] == 10
    assert body["model"]["n_raters"] == 3
    assert body["model"]["min_team_size"] == 3
    assert body["model"]["scope"] == "everyone in the session"
    raters = {r["manager_id"]: r for r in body["raters"]}
    assert set(raters) == {org.manager.pk, org.lead.pk, org.other_manager.pk}
    lead = raters[org.lead.pk]
    assert lead == {
        "manager_id": org.lead.pk,
        "name": "Lee Lead",
        "n": 1,
        "mean_rating": None,
        "estimate": None,
        "se": None,
        "ci_low": None,
        "ci_high": None,
        "enough_data": False,
        "description": "not enough data (fewer than 3 people rated)",
    }
    mona = raters[org.manager.pk]
    assert mona["enough_data"] and mona["estimate"] > 0
    assert mona["ci_low"] < mona["estimate"] < mona["ci_high"]
    assert mona["mean_rating"] == pytest.approx(4.0)


def test_the_facilitator_sees_everyone(api: Api, org: Org) -> None:
    setup = standard(org, facilitator=org.hrbp)  # scoped to Engineering, but facilitating
    body = _effects(api, setup, org.hrbp).json()
    assert body["model"]["n_ratings"] == 10


def test_a_manager_gets_only_raters_among_their_own_people(api: Api, org: Org) -> None:
    setup = standard(org)
    body = _effects(api, setup, org.manager).json()
    assert [r["manager_id"] for r in body["raters"]] == [org.manager.pk, org.lead.pk]
    assert body["model"]["n_ratings"] == 6
    assert "your own people" in body["model"]["scope"]
    # The other manager's numbers are nowhere in what the manager gets.
    assert str(org.other_manager.pk) not in {str(r["manager_id"]) for r in body["raters"]}
    assert "Otto" not in response_text(body)


def response_text(body: Any) -> str:
    import json

    return json.dumps(body)


def test_the_other_manager_alone_is_not_enough_data(api: Api, org: Org) -> None:
    body = _effects(api, standard(org), org.other_manager).json()
    assert len(body["raters"]) == 1
    only = body["raters"][0]
    assert only["manager_id"] == org.other_manager.pk
    assert only["enough_data"] is False and only["estimate"] is None
    assert only["mean_rating"] is None
    assert body["model"]["note"] == "one rater: rater variance not identifiable"


def test_shared_whole_view_gives_managers_the_whole_session(api: Api, org: Org) -> None:
    setup = standard(org, share_whole_view=True)
    body = _effects(api, setup, org.other_manager).json()
    assert body["model"]["n_ratings"] == 10
    assert {r["manager_id"] for r in body["raters"]} == {
        org.manager.pk,
        org.lead.pk,
        org.other_manager.pk,
    }


def test_an_hrbp_gets_their_departments_people(api: Api, org: Org) -> None:
    body = _effects(api, standard(org), org.hrbp).json()
    assert body["model"]["n_ratings"] == 6  # Engineering and Platform, not Sales
    assert {r["manager_id"] for r in body["raters"]} == {org.manager.pk, org.lead.pk}


@pytest.mark.parametrize("who", ["peer", "employee", "executive", "auditor", "outsider", "ceo"])
def test_anyone_outside_the_session_gets_404(api: Api, org: Org, who: str) -> None:
    setup = standard(org)
    base = f"/api/v1/calibration-sessions/{setup.session.pk}"
    assert api.as_(getattr(org, who)).get(f"{base}/rater-effects").status_code == 404
    assert api.as_(getattr(org, who)).get(f"{base}/outcome").status_code == 404


@pytest.mark.parametrize("session_id", ["999999", str(MAX_ID + 1)])
def test_unknown_sessions_are_404(api: Api, org: Org, session_id: str) -> None:
    response = api.as_(org.hr_admin).get(f"/api/v1/calibration-sessions/{session_id}/rater-effects")
    assert response.status_code == 404


def test_an_empty_view_has_a_model_without_fitted_values(api: Api, org: Org) -> None:
    setup = standard(org)
    setup.session.entries.all().delete()
    body = _effects(api, setup, org.hr_admin).json()
    assert body["raters"] == []
    assert body["model"]["mu"] is None and body["model"]["n_ratings"] == 0


# --- the page ----------------------------------------------------------------------------


def test_hr_admin_page_shows_every_manager_and_suppresses_tiny_teams(
    client: Client, org: Org
) -> None:
    response = _page(client, standard(org), org.hr_admin)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Mona Manager", "Lee Lead", "Otto Other"):
        assert name in html
    data = response.context["data"]
    lead = next(r for r in data.severity.rows if r.manager_id == org.lead.pk)
    assert "Not enough data (fewer than 3 people rated)" in html
    assert f'data-manager="{lead.manager_id}"' in html
    row = html.split(f'data-manager="{lead.manager_id}"')[1].split("</tr>")[0]
    assert "2.00" not in row  # the lone person's rating is not shown as a mean
    assert "partial pooling" in html
    assert "Rates higher than the pool by" in html
    assert "Rates lower than the pool by" in html
    assert "Largest gaps, person by person" in html


def test_manager_page_covers_only_their_people(client: Client, org: Org) -> None:
    response = _page(client, standard(org), org.manager)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mona Manager" in html and "Lee Lead" in html
    assert "Otto Other" not in html
    assert "Sam Seller" not in html
    assert response.context["data"].people_count == 6
    assert "your own people" in html
    assert "Largest gaps, person by person" not in html  # per-person gaps are HR's


@pytest.mark.parametrize("who", ["peer", "employee", "executive", "auditor", "outsider"])
def test_page_and_exports_are_404_outside_the_session(client: Client, org: Org, who: str) -> None:
    setup = standard(org)
    assert _page(client, setup, getattr(org, who)).status_code == 404
    for name in ("session_preread_export", "session_outcome_export", "session_outcome"):
        url = reverse(f"talent:{name}", args=[setup.session.pk])
        assert client.get(url, {"table": "distribution"}).status_code == 404


# --- the exports -------------------------------------------------------------------------


def test_severity_export_suppresses_below_the_minimum(client: Client, org: Org) -> None:
    rows = _csv(client, standard(org), org.hr_admin, "severity")
    assert rows[0][:4] == ["Manager", "People rated", "Mean rating", "Estimate"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Lee Lead"][1:] == [
        "1",
        "",
        "",
        "",
        "",
        "",
        "not enough data (fewer than 3 people rated)",
    ]
    assert by_name["Mona Manager"][2] == "4.0"
    assert by_name["Mona Manager"][3] != ""


def test_a_managers_export_holds_only_their_people(client: Client, org: Org) -> None:
    setup = standard(org)
    for table in ("distribution", "managers", "severity", "gaps"):
        text = repr(_csv(client, setup, org.manager, table))
        assert "Otto" not in text, table
    distribution = _csv(client, setup, org.manager, "distribution")
    assert sum(int(row[1]) for row in distribution[1:]) == 6


def test_people_export_is_for_hr_only(client: Client, org: Org) -> None:
    setup = standard(org)
    rows = _csv(client, setup, org.hr_admin, "people")
    assert len(rows) == 1 + 10
    url = reverse("talent:session_preread_export", args=[setup.session.pk])
    assert _login(client, org.manager).get(url, {"table": "people"}).status_code == 403


def test_unknown_table_is_400(client: Client, org: Org) -> None:
    setup = standard(org)
    url = reverse("talent:session_preread_export", args=[setup.session.pk])
    response = _login(client, org.hr_admin).get(url, {"table": "salaries"})
    assert response.status_code == 400
    assert b"distribution" in response.content
