"""Optimistic locking through the real pages and endpoints: two tabs (or two
people) read version v, the first saves, the second's save with v is refused
with a clear message, and the first's words are still there. Runs on SQLite
and PostgreSQL; the races under truly simultaneous requests are in
test_submission_postgres.py."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cadence.goals.models import KeyResult, Objective
from cadence.goals.services import STALE_MESSAGE as GOAL_STALE
from cadence.reviews.form_items import items_for
from cadence.reviews.models import Answer, AssignmentStatus, ReviewAssignment, ReviewerKind
from tests.api_client import Api
from tests.conftest import Org
from tests.factories import KeyResultFactory, ObjectiveFactory
from tests.reviews.writing_support import questions_template, review, running_cycle

pytestmark = pytest.mark.django_db

REVIEW_STALE_PAGE = "This review was saved somewhere else (another tab or device)"


def signed_in(user: object) -> Client:
    """A browser of its own (its own session), like a second tab or device."""
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def version_on_page(html: str) -> int:
    """The hidden `version` the page was rendered with (what the tab read)."""
    tag = re.search(r"<input[^>]*name=\"version\"[^>]*>", html)
    assert tag is not None, "the form carries no version"
    value = re.search(r"value=\"(\d+)\"", tag.group(0))
    assert value is not None
    return int(value.group(1))


@pytest.fixture
def self_review(org: Org) -> ReviewAssignment:
    cycle = running_cycle(org, template=questions_template(3))
    return review(cycle, org.employee, org.employee, ReviewerKind.SELF)


def text_key(a: ReviewAssignment) -> str:
    # questions_template: rating, text, choice in turn.
    return items_for(a)[1].key


def page_post(a: ReviewAssignment, version: int, text: str) -> dict[str, str]:
    """The full review form as the browser posts it, with one text answer."""
    data = {"version": str(version)}
    for item in items_for(a):
        data[item.key] = text if item.key == text_key(a) else ""
        if item.is_rating:
            data[item.key + "-comment"] = ""
    return data


# --- a review answer -------------------------------------------------------------------


def test_review_page_second_tab_is_refused_and_first_tab_kept(
    org: Org, self_review: ReviewAssignment
) -> None:
    a = self_review
    url = f"/reviews/assignments/{a.pk}/"
    tab1, tab2 = signed_in(org.employee.user), signed_in(org.employee.user)
    v1 = version_on_page(tab1.get(url).content.decode())
    v2 = version_on_page(tab2.get(url).content.decode())
    assert v1 == v2 == 1

    first = tab1.post(f"{url}save/", page_post(a, v1, "Written in tab one"), HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    second = tab2.post(f"{url}save/", page_post(a, v2, "Typed in tab two"), HTTP_HX_REQUEST="true")
    assert second.status_code == 409
    assert REVIEW_STALE_PAGE in second.content.decode()
    # Without JavaScript the full form says the same, and keeps what was typed.
    full = tab2.post(url, {**page_post(a, v2, "Typed in tab two"), "action": "save"})
    assert full.status_code == 409
    html = full.content.decode()
    assert REVIEW_STALE_PAGE in html and "Typed in tab two" in html

    a.refresh_from_db()
    assert a.version == 2 and a.status == AssignmentStatus.IN_PROGRESS
    assert Answer.objects.get(assignment=a, item=text_key(a)).text == "Written in tab one"
    # The reloaded page shows the first tab's words and the new version.
    reloaded = tab2.get(url).content.decode()
    assert "Written in tab one" in reloaded and version_on_page(reloaded) == 2


def test_review_api_second_client_gets_409_and_first_answer_kept(
    api: Api, org: Org, self_review: ReviewAssignment
) -> None:
    a = self_review
    url = f"/api/v1/assignments/{a.pk}"
    client = api.as_(org.employee)
    read = client.get(url).json()["version"]
    first = client.patch(url, {"version": read, "answers": {text_key(a): {"text": "First"}}})
    assert first.status_code == 200 and first.json()["version"] == read + 1
    second = client.patch(url, {"version": read, "answers": {text_key(a): {"text": "Second"}}})
    assert second.status_code == 409
    body = second.json()
    assert body["detail"] == "This record was changed by someone else."
    assert [e["field"] for e in body["errors"]] == ["version"]
    assert "saved somewhere else" in body["errors"][0]["message"]
    # A stale submission is refused the same way, and does not lock the review.
    stale_submit = client.post(f"{url}/submit", {"version": read})
    assert stale_submit.status_code == 409
    answers = client.get(url).json()["answers"]
    assert [x["text"] for x in answers if x["item"] == text_key(a)] == ["First"]
    a.refresh_from_db()
    assert a.status == AssignmentStatus.IN_PROGRESS and a.version == read + 1


# --- a goal ------------------------------------------------------------------------------


def goal_post(goal: Objective, version: int, title: str) -> dict[str, str]:
    return {
        "title": title,
        "period": str(goal.period_id),
        "scope": "personal",
        "owner": goal.owner_employee.employee_number if goal.owner_employee else "",
        "kind": goal.kind,
        "visibility": goal.visibility,
        "weight": "1",
        "version": str(version),
    }


def test_goal_page_second_editor_is_refused_and_first_edit_kept(org: Org) -> None:
    """The owner and their manager both open the edit page; the manager
    saves first; the owner's save from the older page is refused."""
    goal = ObjectiveFactory(owner_employee=org.employee, title="Ship search")
    url = f"/goals/{goal.pk}/edit/"
    owner, manager = signed_in(org.employee.user), signed_in(org.lead.user)
    v_owner = version_on_page(owner.get(url).content.decode())
    v_manager = version_on_page(manager.get(url).content.decode())
    assert v_owner == v_manager == goal.version

    saved = manager.post(url, goal_post(goal, v_manager, "Ship search v2 (manager)"))
    assert saved.status_code == 302
    refused = owner.post(url, goal_post(goal, v_owner, "Ship search (owner)"))
    # Goal forms re-show with their errors (200), like every other goal form.
    assert refused.status_code == 200
    html = refused.content.decode()
    alert = re.search(r'id="form-errors">(.*?)</div>', html, re.S)
    assert alert is not None and "changed by someone else" in alert.group(1)
    assert 'value="Ship search (owner)"' in html  # what the owner typed is still there

    goal.refresh_from_db()
    assert goal.title == "Ship search v2 (manager)" and goal.version == v_manager + 1


def test_goal_api_second_editor_gets_409_and_first_edit_kept(api: Api, org: Org) -> None:
    goal = ObjectiveFactory(owner_employee=org.employee, title="Ship search")
    url = f"/api/v1/goals/{goal.pk}"
    owner, manager = api.as_(org.employee), api.as_(org.lead)
    v_owner = owner.get(url).json()["version"]
    v_manager = manager.get(url).json()["version"]
    first = manager.patch(url, {"title": "Manager's title", "version": v_manager})
    assert first.status_code == 200 and first.json()["version"] == v_manager + 1
    second = owner.patch(url, {"title": "Owner's title", "version": v_owner})
    assert second.status_code == 409
    body = second.json()
    assert body["detail"] == "This record was changed by someone else."
    assert body["errors"] == [{"field": "version", "message": GOAL_STALE}]
    after = owner.get(url).json()
    assert after["title"] == "Manager's title" and after["version"] == v_manager + 1


def key_result_post(kr: KeyResult, version: int, title: str) -> dict[str, object]:
    return {
        "title": title,
        "result_type": kr.result_type,
        "direction": kr.direction,
        "unit": kr.unit,
        "start_value": kr.start_value,
        "target_value": kr.target_value,
        "due_date": "",
        "weight": kr.weight,
        "version": version,
    }


def test_key_result_page_second_editor_is_refused_and_first_edit_kept(org: Org) -> None:
    """Two editors open the same key result; the second save from the older
    page is refused and the first edit is kept (no silent overwrite)."""
    goal = ObjectiveFactory(owner_employee=org.employee, title="Ship search")
    kr = KeyResultFactory(objective=goal, title="p95 under 200 ms")
    url = f"/goals/{goal.pk}/key-results/{kr.pk}/edit/"
    owner, manager = signed_in(org.employee.user), signed_in(org.lead.user)
    v_owner = version_on_page(owner.get(url).content.decode())
    v_manager = version_on_page(manager.get(url).content.decode())
    assert v_owner == v_manager == kr.version == 1

    assert manager.post(url, key_result_post(kr, v_manager, "p95 under 150 ms")).status_code == 302
    refused = owner.post(url, key_result_post(kr, v_owner, "p95 under 300 ms"))
    assert refused.status_code == 200
    html = refused.content.decode()
    alert = re.search(r'id="form-errors">(.*?)</div>', html, re.S)
    assert alert is not None and "changed by someone else" in alert.group(1)
    assert 'value="p95 under 300 ms"' in html  # what the owner typed is still there

    kr.refresh_from_db()
    assert kr.title == "p95 under 150 ms" and kr.version == 2
    # Reloading gives the new version, and a save from it goes through.
    fresh = version_on_page(owner.get(url).content.decode())
    assert owner.post(url, key_result_post(kr, fresh, "p95 under 120 ms")).status_code == 302
    kr.refresh_from_db()
    assert kr.title == "p95 under 120 ms" and kr.version == 3
