"""/api/v1/one-on-ones and /api/v1/action-items: the two people only (404
for anyone else, HR admin included), the shared notes conflict (409),
agenda and action items, and private notes that only ever come back to
their author. Coaching notes are not in the API at all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cadence.feedback.models import (
    ActionItem,
    AgendaItem,
    CoachingNote,
    MeetingStatus,
    OneOnOneSeries,
    PrivateNote,
)
from tests.api_client import Api, ids
from tests.conftest import Org
from tests.feedback.meeting_support import SECRET, fill, make_series, next_meeting

OUTSIDERS = ["ceo", "lead", "other_manager", "hr_admin", "hrbp", "auditor", "executive", "outsider"]


@pytest.fixture
def series(org: Org) -> OneOnOneSeries:
    return make_series(org.manager, org.peer, past_meetings=2, future_meetings=3)


def _who(org: Org, name: str) -> object:
    return getattr(org, name)


def test_both_people_list_and_read_the_series(api: Api, org: Org, series: OneOnOneSeries) -> None:
    for who in (org.manager, org.peer):
        assert ids(api.as_(who).get("/api/v1/one-on-ones")) == [series.pk]
        body = api.as_(who).get(f"/api/v1/one-on-ones/{series.pk}").json()
        assert body["manager"]["id"] == org.manager.pk and body["report"]["id"] == org.peer.pk
        assert body["next_meeting_on"] == timezone.localdate().isoformat()
        assert len(body["upcoming"]) == 3
    meetings = api.as_(org.peer).get(f"/api/v1/one-on-ones/{series.pk}/meetings")
    assert meetings.json()["count"] == 5


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_else_reads_or_writes_a_one_on_one(
    api: Api, org: Org, series: OneOnOneSeries, who: str
) -> None:
    client = api.as_(_who(org, who))
    meeting = next_meeting(series)
    assert api.as_(_who(org, who)).get("/api/v1/one-on-ones").json()["count"] == 0
    for path in (
        f"/api/v1/one-on-ones/{series.pk}",
        f"/api/v1/one-on-ones/{series.pk}/meetings",
        f"/api/v1/one-on-ones/meetings/{meeting.pk}",
        f"/api/v1/one-on-ones/meetings/{meeting.pk}/agenda-items",
        f"/api/v1/one-on-ones/meetings/{meeting.pk}/action-items",
        f"/api/v1/one-on-ones/meetings/{meeting.pk}/private-note",
    ):
        assert client.get(path).status_code == 404, path
    assert (
        client.post(
            f"/api/v1/one-on-ones/meetings/{meeting.pk}/agenda-items", {"text": "x"}
        ).status_code
        == 404
    )
    assert (
        client.patch(
            f"/api/v1/one-on-ones/meetings/{meeting.pk}", {"status": "cancelled"}
        ).status_code
        == 404
    )
    assert (
        client.put(
            f"/api/v1/one-on-ones/meetings/{meeting.pk}/private-note", {"body": "x"}
        ).status_code
        == 404
    )
    assert not AgendaItem.objects.exists() and not PrivateNote.objects.exists()


def test_start_series_by_api(api: Api, org: Org) -> None:
    today = timezone.localdate().isoformat()
    resp = api.as_(org.manager).post(
        "/api/v1/one-on-ones", {"report": org.peer.pk, "frequency": "weekly", "starts_on": today}
    )
    assert resp.status_code == 201, resp.content
    assert len(resp.json()["upcoming"]) == 8
    again = api.as_(org.manager).post(
        "/api/v1/one-on-ones", {"report": org.peer.pk, "frequency": "weekly", "starts_on": today}
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "report"
    refused = api.as_(org.peer).post(
        "/api/v1/one-on-ones", {"report": org.lead.pk, "frequency": "weekly", "starts_on": today}
    )
    assert refused.status_code == 403
    unknown = api.as_(org.manager).post(
        "/api/v1/one-on-ones", {"report": 999999, "frequency": "weekly", "starts_on": today}
    )
    assert unknown.status_code == 422
    bad = api.as_(org.manager).post(
        "/api/v1/one-on-ones", {"report": org.peer.pk, "frequency": "daily", "starts_on": today}
    )
    assert bad.status_code == 422
    huge = api.as_(org.manager).get(f"/api/v1/one-on-ones/{2**63}")
    assert huge.status_code in (404, 422)


def test_hr_starts_one_for_a_manager(api: Api, org: Org) -> None:
    resp = api.as_(org.hr_admin).post(
        "/api/v1/one-on-ones",
        {
            "report": org.employee.pk,
            "manager": org.lead.pk,
            "frequency": "monthly",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert resp.status_code == 201, resp.content
    series_id = resp.json()["id"]
    assert api.as_(org.hr_admin).get(f"/api/v1/one-on-ones/{series_id}").status_code == 404
    assert ids(api.as_(org.lead).get("/api/v1/one-on-ones")) == [series_id]


def test_shared_notes_version_conflict_is_409(api: Api, org: Org, series: OneOnOneSeries) -> None:
    meeting = next_meeting(series)
    url = f"/api/v1/one-on-ones/meetings/{meeting.pk}"
    first = api.as_(org.manager).patch(url, {"shared_notes": "Agreed", "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api.as_(org.peer).patch(url, {"shared_notes": "Mine", "version": 1})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["errors"][0]["message"]
    assert api.as_(org.peer).get(url).json()["shared_notes"] == "Agreed"


def test_status_patch_carries_over(api: Api, org: Org, series: OneOnOneSeries) -> None:
    meeting = next_meeting(series)
    base = f"/api/v1/one-on-ones/meetings/{meeting.pk}"
    item = api.as_(org.peer).post(f"{base}/agenda-items", {"text": "Career"}).json()
    resp = api.as_(org.manager).patch(base, {"status": "held"})
    assert resp.status_code == 200 and resp.json()["status"] == MeetingStatus.HELD
    later = list(
        series.meetings.filter(scheduled_on__gt=meeting.scheduled_on).order_by("scheduled_on")
    )
    following = (
        api.as_(org.peer)
        .get(f"/api/v1/one-on-ones/meetings/{later[0].pk}/agenda-items")
        .json()["items"]
    )
    assert [(i["text"], i["carried_from"]) for i in following] == [("Career", item["id"])]
    future = api.as_(org.manager).patch(
        f"/api/v1/one-on-ones/meetings/{later[1].pk}", {"status": "held"}
    )
    assert future.status_code == 422


def test_agenda_items(api: Api, org: Org, series: OneOnOneSeries) -> None:
    meeting = next_meeting(series)
    base = f"/api/v1/one-on-ones/meetings/{meeting.pk}/agenda-items"
    created = api.as_(org.peer).post(base, {"text": "Workload"})
    assert created.status_code == 201
    item = created.json()
    assert item["author"]["id"] == org.peer.pk
    done = api.as_(org.manager).patch(f"{base}/{item['id']}", {"done": True})
    assert done.status_code == 200 and done.json()["done"] is True
    reword = api.as_(org.manager).patch(f"{base}/{item['id']}", {"text": "Not mine"})
    assert reword.status_code == 403
    assert api.as_(org.peer).post(base, {"text": ""}).status_code == 422
    other = make_series(org.lead, org.employee)
    assert (
        api.as_(org.peer)
        .patch(
            f"/api/v1/one-on-ones/meetings/{next_meeting(other).pk}/agenda-items/{item['id']}",
            {"done": False},
        )
        .status_code
        == 404
    )


def test_action_items_and_my_list(api: Api, org: Org, series: OneOnOneSeries) -> None:
    meeting = next_meeting(series)
    base = f"/api/v1/one-on-ones/meetings/{meeting.pk}/action-items"
    due = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    created = api.as_(org.manager).post(base, {"owner": org.peer.pk, "text": "Book", "due_on": due})
    assert created.status_code == 201
    item_id = created.json()["id"]
    wrong = api.as_(org.manager).post(base, {"owner": org.lead.pk, "text": "No"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "owner"
    assert ids(api.as_(org.peer).get("/api/v1/action-items")) == [item_id]
    assert ids(api.as_(org.manager).get("/api/v1/action-items")) == []
    assert ids(api.as_(org.manager).get("/api/v1/action-items", mine="false")) == [item_id]
    assert ids(api.as_(org.hr_admin).get("/api/v1/action-items", mine="false")) == []
    done = api.as_(org.peer).patch(f"/api/v1/action-items/{item_id}", {"done": True})
    assert done.status_code == 200 and done.json()["done"] is True
    assert ids(api.as_(org.peer).get("/api/v1/action-items")) == []
    assert ids(api.as_(org.peer).get("/api/v1/action-items", open="false")) == [item_id]
    assert (
        api.as_(org.lead).patch(f"/api/v1/action-items/{item_id}", {"done": False}).status_code
        == 404
    )
    assert ActionItem.objects.get().done_at is not None


def test_private_note_only_ever_returns_to_its_author(
    api: Api, org: Org, series: OneOnOneSeries
) -> None:
    meeting = next_meeting(series)
    url = f"/api/v1/one-on-ones/meetings/{meeting.pk}/private-note"
    saved = api.as_(org.manager).put(url, {"body": SECRET})
    assert saved.status_code == 200 and saved.json()["body"] == SECRET
    assert api.as_(org.manager).get(url).json()["body"] == SECRET
    assert api.as_(org.peer).get(url).json() == {
        "meeting": meeting.pk,
        "body": "",
        "updated_at": None,
    }
    # Nowhere else in any response, for either person or HR.
    paths = [
        "/api/v1/one-on-ones",
        f"/api/v1/one-on-ones/{series.pk}",
        f"/api/v1/one-on-ones/{series.pk}/meetings",
        f"/api/v1/one-on-ones/meetings/{meeting.pk}",
        f"/api/v1/one-on-ones/meetings/{meeting.pk}/agenda-items",
        f"/api/v1/one-on-ones/meetings/{meeting.pk}/action-items",
        "/api/v1/action-items",
    ]
    for who in (org.peer, org.hr_admin, org.manager):
        for path in paths:
            assert SECRET.encode() not in api.as_(who).get(path).content, path
    assert SECRET.encode() not in api.as_(org.hr_admin).get(url).content


def test_coaching_notes_are_not_in_the_api(api: Api, org: Org) -> None:
    CoachingNote.objects.create(author=org.manager, report=org.peer, body=SECRET)
    schema = api.as_(org.manager).get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "coaching" not in schema.content.decode().lower()
    for who in (org.manager, org.hr_admin):
        assert api.as_(who).get("/api/v1/coaching-notes").status_code == 404
        assert SECRET.encode() not in api.as_(who).get(f"/api/v1/people/{org.peer.pk}").content


@pytest.mark.parametrize("size", [3, 30])
def test_meeting_endpoint_query_budget(
    api: Api, org: Org, series: OneOnOneSeries, django_assert_max_num_queries: object, size: int
) -> None:
    meeting = next_meeting(series)
    fill(meeting, size)
    client = api.as_(org.peer)
    client.get("/api/v1/one-on-ones")  # token warm-up
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        resp = client.get(f"/api/v1/one-on-ones/meetings/{meeting.pk}")
    assert len(resp.json()["agenda_items"]) == size
