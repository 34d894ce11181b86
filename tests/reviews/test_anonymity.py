"""Anonymity holds on every surface: the result page, the API and the
export never name a peer or upward writer to the reviewee, the manager
chain or a peer; with fewer submitted peer (or upward) reviews than the
cycle's minimum their answers and averages are withheld everywhere; and
answers reach only their audience."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from cadence.core.models import Role
from cadence.reviews.disclosure import disclose
from cadence.reviews.models import Answer, ReviewerKind, ReviewResult
from cadence.reviews.services_results import compute_result
from tests.api_client import Api, ids
from tests.conftest import Org
from tests.factories import grant
from tests.reviews.results_fixtures import Scenario, build, leaks

pytestmark = pytest.mark.django_db

PEER_TEXTS = [b"Peer remark z0", b"Peer remark y1", b"Peer remark x2"]
UPWARD_TEXTS = [b"Upward remark z0", b"Upward remark y1", b"Upward remark x2"]
MANAGER_AUDIENCE = b"Manager-audience: promotion case next year"
HR_AUDIENCE = [b"HR-audience: flight risk", b"Peer HR-audience note"]


def released(scenario: Scenario) -> ReviewResult:
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    result.released_at = timezone.now()
    result.save()
    return result


def surfaces(api: Api, client: Client, who: Any, result: ReviewResult) -> dict[str, bytes]:
    """The raw bytes of every place `who` reads the result: the page, the
    API detail and the cycle's result list."""
    client.force_login(who.user if hasattr(who, "user") else who)
    page = client.get(f"/reviews/results/{result.pk}/")
    detail = api.as_(who).get(f"/api/v1/results/{result.pk}")
    listing = api.as_(who).get(f"/api/v1/cycles/{result.cycle_id}/results")
    assert page.status_code == detail.status_code == listing.status_code == 200
    return {"page": page.content, "api": detail.content, "list": listing.content}


def person_ids(data: Any) -> set[int]:
    """The ids of every person named in a JSON document ({"id", "name"})."""
    found: set[int] = set()
    if isinstance(data, dict):
        if set(data) == {"id", "name"}:
            found.add(data["id"])
        for value in data.values():
            found |= person_ids(value)
    elif isinstance(data, list):
        for value in data:
            found |= person_ids(value)
    return found


def assert_no_writer_ids(api: Api, who: Any, result: ReviewResult, scenario: Scenario) -> None:
    writers = {p.pk for p in scenario.writers()}
    for path in (f"/api/v1/results/{result.pk}", f"/api/v1/cycles/{result.cycle_id}/results"):
        named = person_ids(api.as_(who).get(path).json())
        assert named and not named & writers, path


def export_bytes(client: Client, user: Any, result: ReviewResult) -> dict[str, bytes]:
    client.force_login(user)
    url = f"/reviews/results/cycles/{result.cycle_id}/export/"
    csv_resp = client.get(url, {"format": "csv"})
    xlsx_resp = client.get(url, {"format": "xlsx"})
    assert csv_resp.status_code == xlsx_resp.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx_resp.streaming_content))).active
    cells = "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for row in sheet.iter_rows(values_only=True)
    )
    return {"csv": b"".join(csv_resp.streaming_content), "xlsx": cells.encode()}


# --- below the minimum: withheld ---------------------------------------------------------


@pytest.mark.parametrize("viewer", ["lead", "manager", "ceo"])
def test_two_peer_and_upward_reviews_are_withheld_everywhere(
    org: Org, api: Api, client: Client, viewer: str
) -> None:
    scenario = build(org, peers=2, upward=2)
    result = released(scenario)
    assert_no_writer_ids(api, getattr(org, viewer), result, scenario)
    for name, content in surfaces(api, client, getattr(org, viewer), result).items():
        assert leaks(content, scenario.writers()) == [], name
        for text in [*PEER_TEXTS[:2], *UPWARD_TEXTS[:2]]:
            assert text not in content, (name, text)
    detail = api.as_(getattr(org, viewer)).get(f"/api/v1/results/{result.pk}").json()
    groups = {g["kind"]: g for g in detail["groups"]}
    assert groups["peer"] == {
        "kind": "peer",
        "status": "not_enough_answers",
        "attributed": False,
        "reviews": None,
    }
    assert groups["upward"]["status"] == "not_enough_answers"
    # Averages withheld too, overall and per section: a status, never a value.
    assert detail["averages"]["peer"] == {"status": "not_enough_answers"}
    assert detail["averages"]["upward"] == {"status": "not_enough_answers"}
    for section in detail["sections"]:
        assert section["averages"]["peer"] == {"status": "not_enough_answers"}
        kinds = {a["reviewer_kind"] for item in section["items"] for a in item["answers"]}
        assert kinds <= {"self", "manager"}


def test_withheld_answers_show_not_enough_answers_on_the_page(org: Org, client: Client) -> None:
    result = released(build(org, peers=2, upward=2))
    client.force_login(org.lead.user)
    page = client.get(f"/reviews/results/{result.pk}/").content.decode()
    assert 'id="withheld-peer"' in page and 'id="withheld-upward"' in page
    assert "not enough answers" in page


def test_two_peer_reviews_are_withheld_from_the_export(org: Org, client: Client) -> None:
    scenario = build(org, peers=2, upward=2)
    result = released(scenario)
    for name, content in export_bytes(client, org.hr_admin, result).items():
        assert leaks(content, scenario.writers()) == [], name
    text = export_bytes(client, org.hr_admin, result)["csv"].decode().lstrip("\ufeff")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["Name"] == "Lee Lead")
    assert row["Peer average"] == "" and row["Peer average note"] == "not enough answers"
    assert row["Upward average"] == "" and row["Upward average note"] == "not enough answers"


def test_a_larger_minimum_group_size_is_obeyed(org: Org, api: Api) -> None:
    result = released(build(org, peers=3, upward=3, min_group_size=4))
    content = api.as_(org.lead).get(f"/api/v1/results/{result.pk}").content
    assert all(text not in content for text in [*PEER_TEXTS, *UPWARD_TEXTS])
    assert b'"not_enough_answers"' in content


def test_a_minimum_held_below_three_is_still_three(org: Org) -> None:
    result = released(build(org, peers=2, upward=0))
    result.cycle.min_group_size = 2  # as an unvalidated value in memory might be
    view = disclose(result, org.lead.user)
    assert {g.kind: g.status for g in view.groups}["peer"] == "not_enough_answers"


# --- at the minimum: shown, unattributed ---------------------------------------------------------


@pytest.mark.parametrize("viewer", ["lead", "manager"])
def test_three_reviews_are_shown_without_names(
    org: Org, api: Api, client: Client, viewer: str
) -> None:
    scenario = build(org, peers=3, upward=3)
    result = released(scenario)
    assert_no_writer_ids(api, getattr(org, viewer), result, scenario)
    for name, content in surfaces(api, client, getattr(org, viewer), result).items():
        assert leaks(content, scenario.writers()) == [], name
        if name != "list":
            for text in [*PEER_TEXTS, *UPWARD_TEXTS]:
                assert text in content, (name, text)
    detail = api.as_(getattr(org, viewer)).get(f"/api/v1/results/{result.pk}").json()
    for section in detail["sections"]:
        for item in section["items"]:
            for answer in item["answers"]:
                if answer["reviewer_kind"] in (ReviewerKind.PEER, ReviewerKind.UPWARD):
                    # No writer, and nothing to tie answers together by writer.
                    assert set(answer) == {
                        "reviewer_kind",
                        "rating",
                        "unable_to_rate",
                        "text",
                        "choice",
                    }
    assert detail["averages"]["peer"] == {"status": "shown", "value": "4.000", "reviews": 3}


def test_anonymous_answers_are_ordered_by_content_not_by_writer(org: Org, api: Api) -> None:
    result = released(build(org, peers=3, upward=3))
    detail = api.as_(org.lead).get(f"/api/v1/results/{result.pk}").json()
    questions = next(s for s in detail["sections"] if s["kind"] == "questions")
    went_well = next(i for i in questions["items"] if i["label"] == "What went well?")
    peer_texts = [a["text"] for a in went_well["answers"] if a["reviewer_kind"] == "peer"]
    # Written z0, y1, x2 (creation order); read back sorted.
    assert peer_texts == ["Peer remark x2", "Peer remark y1", "Peer remark z0"]
    goals = next(s for s in detail["sections"] if s["kind"] == "goals")
    ratings = [a["rating"] for a in goals["items"][0]["answers"] if a["reviewer_kind"] == "peer"]
    # Ratings 5, 4, 3 in creation order: sorted, so the rating order and the
    # text order cannot be lined up to find one writer's answers.
    assert ratings == ["3.00", "4.00", "5.00"]


def test_the_export_shows_averages_at_the_minimum_and_names_no_writer(
    org: Org, client: Client
) -> None:
    scenario = build(org, peers=3, upward=3)
    result = released(scenario)
    exported = export_bytes(client, org.hr_admin, result)
    for name, content in exported.items():
        assert leaks(content, scenario.writers()) == [], name
    text = exported["csv"].decode().lstrip("\ufeff")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["Name"] == "Lee Lead")
    assert row["Peer average"] == "4.000" and row["Peer average note"] == ""
    assert row["Upward average"] == "2.333"


def test_hr_admin_sees_who_wrote_what(org: Org, api: Api) -> None:
    scenario = build(org, peers=2, upward=3)
    result = released(scenario)
    content = api.as_(org.hr_admin).get(f"/api/v1/results/{result.pk}").content
    # Answers and attributions even below the minimum...
    assert all(p.full_name.encode() in content for p in scenario.writers())
    assert PEER_TEXTS[0] in content
    # ...but the peer average is an aggregate of two: withheld from HR too.
    detail = api.as_(org.hr_admin).get(f"/api/v1/results/{result.pk}").json()
    assert detail["averages"]["peer"] == {"status": "not_enough_answers"}


def test_hrbp_reads_the_answers_without_names(org: Org, api: Api) -> None:
    scenario = build(org, peers=3, upward=3)
    result = released(scenario)
    content = api.as_(org.hrbp).get(f"/api/v1/results/{result.pk}").content
    assert leaks(content, scenario.writers()) == []
    assert PEER_TEXTS[0] in content and HR_AUDIENCE[0] in content


def test_non_anonymous_peers_are_named(org: Org, api: Api) -> None:
    scenario = build(org, peers=3, upward=3, peer_anonymous=False)
    result = released(scenario)
    content = api.as_(org.lead).get(f"/api/v1/results/{result.pk}").content
    assert all(p.full_name.encode() in content for p in scenario.peers)
    assert leaks(content, scenario.reports) == []  # upward still anonymous


def test_a_section_few_peers_rated_has_no_peer_average(org: Org, api: Api) -> None:
    scenario = build(org, peers=3, upward=0)
    # Only one peer rated the competency; the other two left it out.
    Answer.objects.filter(
        assignment__reviewer__in=scenario.peers[1:], item__startswith="c"
    ).delete()
    result = released(scenario)
    detail = api.as_(org.lead).get(f"/api/v1/results/{result.pk}").json()
    competencies = next(s for s in detail["sections"] if s["kind"] == "competencies")
    assert competencies["averages"]["peer"] == {"status": "not_enough_answers"}
    goals = next(s for s in detail["sections"] if s["kind"] == "goals")
    assert goals["averages"]["peer"]["status"] == "shown"


# --- audiences ---------------------------------------------------------------------------------


def test_audiences_reach_only_their_readers(org: Org, api: Api, client: Client) -> None:
    scenario = build(org, peers=3, upward=3)
    result = released(scenario)
    for name, content in surfaces(api, client, org.lead, result).items():
        assert MANAGER_AUDIENCE not in content, name
        assert all(text not in content for text in HR_AUDIENCE), name
    for name, content in surfaces(api, client, org.manager, result).items():
        assert all(text not in content for text in HR_AUDIENCE), name
        if name != "list":
            assert MANAGER_AUDIENCE in content, name
    hr = api.as_(org.hr_admin).get(f"/api/v1/results/{result.pk}").content
    assert MANAGER_AUDIENCE in hr and all(text in hr for text in HR_AUDIENCE)


# --- a peer, and before release -----------------------------------------------------------------


def test_a_peer_reads_nothing_of_the_result(org: Org, api: Api, client: Client) -> None:
    scenario = build(org, peers=3, upward=3)
    result = released(scenario)
    peer = scenario.peers[0]
    assert api.as_(peer).get(f"/api/v1/results/{result.pk}").status_code == 404
    assert result.pk not in ids(api.as_(peer).get(f"/api/v1/cycles/{result.cycle_id}/results"))
    client.force_login(peer.user)
    assert client.get(f"/reviews/results/{result.pk}/").status_code == 404
    export = client.get(f"/reviews/results/cycles/{result.cycle_id}/export/", {"format": "csv"})
    assert export.status_code == 403
    client.force_login(org.lead.user)  # nor does the reviewee get the export
    export = client.get(f"/reviews/results/cycles/{result.cycle_id}/export/", {"format": "csv"})
    assert export.status_code == 403
    client.force_login(peer.user)
    listing = api.as_(peer).get(f"/api/v1/cycles/{result.cycle_id}/results").content
    assert PEER_TEXTS[1] not in listing and b"Lee Lead" not in listing


def test_the_reviewee_reads_nothing_before_release(org: Org, api: Api) -> None:
    scenario = build(org, peers=3, upward=3)
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    assert api.as_(org.lead).get(f"/api/v1/results/{result.pk}").status_code == 404
    assert ids(api.as_(org.lead).get(f"/api/v1/cycles/{result.cycle_id}/results")) == []


def test_an_hr_admin_reading_their_own_result_is_a_reviewee(org: Org, api: Api) -> None:
    scenario = build(org, peers=3, upward=3)
    grant(org.lead.user, Role.HR_ADMIN)
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    before = api.as_(org.lead).get(f"/api/v1/results/{result.pk}").json()
    assert before["details"] is False and "sections" not in before
    result.released_at = timezone.now()
    result.save()
    content = api.as_(org.lead).get(f"/api/v1/results/{result.pk}").content
    assert leaks(content, scenario.writers()) == []
    assert all(text not in content for text in HR_AUDIENCE)
