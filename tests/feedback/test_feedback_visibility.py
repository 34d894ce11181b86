"""Each visibility choice for feedback, for every role, on the pages and on
the API (list and detail): who reads it and who gets a 404.

The feedback is from `giver` (an Engineering colleague reporting to the CEO)
to `employee`, whose manager chain is lead (direct) → manager (skip-level)
→ ceo. HR roles without an employee record get no more than anyone else
(see cadence.feedback.access): public praise only."""

from __future__ import annotations

import pytest
from django.test import Client

from cadence.feedback.models import Feedback
from tests.api_client import Api, ids
from tests.conftest import Org
from tests.feedback.feedback_support import V, feedback, feedback_request, person

ROLES = (
    "giver",
    "recipient",
    "direct_manager",
    "skip_level_manager",
    "peer",
    "other_team_manager",
    "hr_admin",
    "hrbp",
    "executive",
    "auditor",
    "outsider",
)
READERS = {
    V.PRIVATE: {"giver", "recipient"},
    V.RECIPIENT_AND_MANAGER: {"giver", "recipient", "direct_manager", "skip_level_manager"},
    V.MANAGER_ONLY: {"giver", "direct_manager", "skip_level_manager"},
    V.PUBLIC: {
        "giver",
        "recipient",
        "direct_manager",
        "skip_level_manager",
        "peer",
        "other_team_manager",
        "hr_admin",
        "hrbp",
        "executive",
    },
}
CASES = [(v, role, role in READERS[v]) for v in V for role in ROLES]
CASE_IDS = [f"{v.value}-{role}-{'reads' if reads else 'hidden'}" for v, role, reads in CASES]


def _login(org: Org, role: str, giver_user: object) -> object:
    return {
        "giver": giver_user,
        "recipient": org.employee.user,
        "direct_manager": org.lead.user,
        "skip_level_manager": org.manager.user,
        "peer": org.peer.user,
        "other_team_manager": org.other_manager.user,
        "hr_admin": org.hr_admin,
        "hrbp": org.hrbp,
        "executive": org.executive,
        "auditor": org.auditor,
        "outsider": org.outsider,
    }[role]


def _setup(org: Org, visibility: str) -> tuple[Feedback, object]:
    giver = person(org, "giver@example.com", first_name="Gil", last_name="Giver")
    item = feedback(giver, org.employee, visibility, body="THE-FEEDBACK-TEXT")
    return item, giver.user


@pytest.mark.parametrize(("visibility", "role", "reads"), CASES, ids=CASE_IDS)
def test_feedback_visibility_on_the_api(
    api: Api, org: Org, visibility: str, role: str, reads: bool
) -> None:
    item, giver_user = _setup(org, visibility)
    client = api.as_(_login(org, role, giver_user))
    assert (item.pk in ids(client.get("/api/v1/feedback"))) is reads
    detail = client.get(f"/api/v1/feedback/{item.pk}")
    assert detail.status_code == (200 if reads else 404)
    if reads:
        assert detail.json()["body"] == "THE-FEEDBACK-TEXT"
    else:
        assert "THE-FEEDBACK-TEXT" not in detail.content.decode()


@pytest.mark.parametrize(("visibility", "role", "reads"), CASES, ids=CASE_IDS)
def test_feedback_visibility_on_the_pages(
    client: Client, org: Org, visibility: str, role: str, reads: bool
) -> None:
    item, giver_user = _setup(org, visibility)
    client.force_login(_login(org, role, giver_user))  # type: ignore[arg-type]
    detail = client.get(f"/feedback/{item.pk}/")
    assert detail.status_code == (200 if reads else 404)
    assert ("THE-FEEDBACK-TEXT" in detail.content.decode()) is reads
    # Every list page the role can open: the text shows on one of them
    # exactly when the role may read it.
    pages = ["/feedback/"]
    if role not in {"hr_admin", "hrbp", "executive", "auditor", "outsider"}:
        pages += [f"/feedback/mine/?tab={tab}" for tab in ("received", "given", "team")]
    shown = False
    for url in pages:
        resp = client.get(url)
        assert resp.status_code == 200, url
        shown = shown or "THE-FEEDBACK-TEXT" in resp.content.decode()
    assert shown is reads
    # The wall is for public praise only, whoever looks.
    on_wall = "THE-FEEDBACK-TEXT" in client.get("/feedback/").content.decode()
    assert on_wall is (reads and visibility == V.PUBLIC)


@pytest.mark.parametrize("visibility", list(V))
def test_the_requester_reads_every_answer_to_their_request(
    api: Api, org: Org, visibility: str
) -> None:
    """A manager who asked about a report reads the answer whatever its
    visibility; another manager of a different team does not."""
    ask = feedback_request(org.lead, [org.peer], subject=org.employee).asks.get()
    item = feedback(org.peer, org.employee, visibility, ask=ask)
    assert api.as_(org.lead).get(f"/api/v1/feedback/{item.pk}").status_code == 200
    assert api.as_(org.other_manager).get(f"/api/v1/feedback/{item.pk}").status_code == (
        200 if visibility == V.PUBLIC else 404
    )


def test_a_former_manager_no_longer_reads_manager_feedback(api: Api, org: Org) -> None:
    item = feedback(org.peer, org.employee, V.MANAGER_ONLY)
    org.employee.manager = org.other_manager
    org.employee.save()
    from cadence.people.paths import place_employee

    place_employee(org.employee)
    assert api.as_(org.lead).get(f"/api/v1/feedback/{item.pk}").status_code == 404
    assert api.as_(org.other_manager).get(f"/api/v1/feedback/{item.pk}").status_code == 200
