"""The outcome's numbers by hand: up/down per manager and per level, the
distribution before and after, mean and spread (checked with NumPy), and
the sentence; the page, the API and the exports show the same numbers, and
a manager only their own people's."""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from cadence.talent.models import SessionState
from cadence.talent.outcome import Movement, effect_sentence, outcome
from tests.api_client import Api
from tests.conftest import Org
from tests.talent.insight_support import Setup, add_entry, calibrate, standard, user_of


def calibrated(org: Org) -> Setup:
    """The standard session after the meeting (see the test below for the moves)."""
    setup = standard(org)
    for key, value in [
        ("lead", 3),
        ("peer", 3),
        ("M0", 4),
        ("M1", 5),
        ("salesperson", 2),
        ("S0", 3),
    ]:
        calibrate(setup.entry(key), value)
    setup.entries["ceo"] = add_entry(
        setup.session, org.ceo, manager=None, original=None, calibrated=3
    )
    return setup


BEFORE = [4, 3, 5, 4, 4, 2, 3, 2, 2, 3]  # lead peer M0 M1 M2 employee salesperson S0 S1 S2
AFTER = [3, 3, 4, 5, 4, 2, 2, 3, 2, 3, 3]  # … and the CEO, rated in the session


def test_outcome_by_hand(org: Org) -> None:
    data = outcome(org.hr_admin, calibrated(org).session)

    total = data.total
    assert (total.people, total.up, total.down, total.rated_in_session) == (11, 2, 3, 1)
    assert (total.changed, total.unchanged) == (6, 5)
    assert data.sentence == "6 of 11 ratings changed (55%): 3 down, 2 up, 1 rated in the session."

    before = {row.level.value: row.count for row in data.before.rows}
    after = {row.level.value: row.count for row in data.after.rows}
    assert before == {1: 0, 2: 3, 3: 3, 4: 3, 5: 1}
    assert data.before.unrated == 1
    assert after == {1: 0, 2: 3, 3: 5, 4: 2, 5: 1}
    assert data.after.unrated == 0
    assert {int(row.level.value): row.share for row in data.after.rows}[3] == pytest.approx(
        100 * 5 / 11
    )

    assert data.spread_before.mean == pytest.approx(np.mean(BEFORE))
    assert data.spread_before.sd == pytest.approx(np.std(BEFORE))
    assert data.spread_after.mean == pytest.approx(np.mean(AFTER))
    assert data.spread_after.sd == pytest.approx(np.std(AFTER))

    managers = {g.name: g.movement for g in data.managers}
    assert managers == {
        "Mona Manager": Movement(5, 1, 2, 0),
        "Lee Lead": Movement(1, 0, 0, 0),
        "Otto Other": Movement(4, 1, 1, 0),
        "No manager recorded": Movement(1, 0, 0, 1),
    }
    assert [g.name for g in data.managers][-1] == "No manager recorded"

    levels = {g.name: g.movement for g in data.by_level}
    assert list(levels) == [
        "5 Far exceeds",
        "4 Exceeds",
        "3 Meets",
        "2 Partly meets",
        "1 Does not meet",
        "Not rated before",
    ]
    assert levels["5 Far exceeds"] == Movement(1, 0, 1, 0)
    assert levels["4 Exceeds"] == Movement(3, 1, 1, 0)
    assert levels["3 Meets"] == Movement(3, 0, 1, 0)
    assert levels["2 Partly meets"] == Movement(3, 1, 0, 0)
    assert levels["1 Does not meet"] == Movement(0, 0, 0, 0)
    assert levels["Not rated before"] == Movement(1, 0, 0, 1)


def test_a_manager_sees_the_outcome_of_their_own_people(org: Org) -> None:
    data = outcome(user_of(org.manager), calibrated(org).session)
    assert data.sentence == "3 of 6 ratings changed (50%): 2 down, 1 up."
    assert {g.name for g in data.managers} == {"Mona Manager", "Lee Lead"}


@pytest.mark.parametrize(
    ("movement", "sentence"),
    [
        (Movement(140, 4, 8, 0), "12 of 140 ratings changed (9%): 8 down, 4 up."),
        (Movement(3, 0, 1, 0), "1 of 3 ratings changed (33%): 1 down, 0 up."),
        (Movement(1, 1, 0, 0), "1 of 1 rating changed (100%): 0 down, 1 up."),
        (Movement(5, 0, 0, 0), "No ratings changed (0 of 5)."),
        (Movement(0, 0, 0, 0), "Nobody you may see is in this session."),
    ],
)
def test_effect_sentence(movement: Movement, sentence: str) -> None:
    assert effect_sentence(movement) == sentence


def test_a_calibrated_level_equal_to_before_is_no_change(org: Org) -> None:
    setup = standard(org)
    calibrate(setup.entry("peer"), 3)  # proposed 3 (original 2): stays
    assert outcome(org.hr_admin, setup.session).total.changed == 0


# --- page, API, export -------------------------------------------------------------------


def _export(client: Client, setup: Setup, table: str) -> list[list[str]]:
    url = reverse("talent:session_outcome_export", args=[setup.session.pk])
    response = client.get(url, {"table": table})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


def test_outcome_page_and_exports(client: Client, org: Org) -> None:
    setup = calibrated(org)
    setup.session.state = SessionState.LOCKED
    setup.session.save()
    client.force_login(org.hr_admin)
    response = client.get(reverse("talent:session_outcome", args=[setup.session.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "6 of 11 ratings changed (55%): 3 down, 2 up, 1 rated in the session." in html
    assert "The session is closed" in html
    assert 'id="outcome-chart-data"' in html

    distribution = _export(client, setup, "distribution")
    assert distribution[0] == ["Level", "Before", "Before (%)", "After", "After (%)"]
    assert distribution[3][:4] == ["3 Meets", "3", "30.0", "5"]
    assert distribution[-1] == ["Not rated", "1", "", "0", ""]
    managers = {row[0]: row[1:] for row in _export(client, setup, "managers")[1:]}
    assert managers["Mona Manager"] == ["5", "1", "2", "0", "2"]
    levels = {row[0]: row[1:] for row in _export(client, setup, "levels")[1:]}
    assert levels["4 Exceeds"] == ["3", "1", "1", "0", "1"]
    assert (
        client.get(
            reverse("talent:session_outcome_export", args=[setup.session.pk]), {"table": "x"}
        ).status_code
        == 400
    )


def test_outcome_api(api: Api, org: Org) -> None:
    setup = calibrated(org)
    url = f"/api/v1/calibration-sessions/{setup.session.pk}/outcome"
    body = api.as_(org.hr_admin).get(url).json()
    assert (
        body["sentence"] == "6 of 11 ratings changed (55%): 3 down, 2 up, 1 rated in the session."
    )
    assert body["total"] == {
        "people": 11,
        "up": 2,
        "down": 3,
        "rated_in_session": 1,
        "unchanged": 5,
    }
    assert [row["count"] for row in body["after"]] == [0, 3, 5, 2, 1]
    assert body["final"] is False and body["state"] == "open"
    mine: Any = api.as_(org.manager).get(url).json()
    assert mine["total"]["people"] == 6
    assert {m["name"] for m in mine["managers"]} == {"Mona Manager", "Lee Lead"}
    assert "Otto" not in str(mine)


def test_empty_and_draft_states_say_so(client: Client, org: Org) -> None:
    setup = standard(org, state=SessionState.DRAFT)
    client.force_login(org.hr_admin)
    html = client.get(reverse("talent:session_outcome", args=[setup.session.pk])).content
    assert b"The session has not opened yet" in html
    assert b"No ratings changed (0 of 10)." in html
    setup.session.entries.all().delete()
    for name in ("session_outcome", "session_preread"):
        response = client.get(reverse(f"talent:{name}", args=[setup.session.pk]))
        assert response.status_code == 200
        assert b"There is nobody in this session whose ratings you may see." in response.content
