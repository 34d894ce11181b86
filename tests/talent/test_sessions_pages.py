"""The calibration session pages: list, set-up, open and close with a
confirmation, the grid and its move form (reason required, audited), the
people list with filters, the CSV export and import (dry run listing every
bad row, all or nothing), a person's history — and a closed session
refusing every change."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.reviews.models import Cycle, ReviewResult, Stage
from cadence.talent import services_sessions as services
from cadence.talent.models import CalibrationChange, CalibrationSession, SessionState
from tests.conftest import Org
from tests.talent.session_support import calibration_cycle, engineering_session, entry_of, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(org: Org) -> Cycle:
    return calibration_cycle(org)


@pytest.fixture
def session(org: Org, cycle: Cycle) -> CalibrationSession:
    return engineering_session(org, cycle)


def test_list_filters_and_empty_state(
    org: Org, client: Client, session: CalibrationSession
) -> None:
    client.force_login(org.hr_admin)
    page = client.get("/talent/sessions/")
    assert [s.pk for s in page.context["sessions"]] == [session.pk]
    assert "Engineering calibration" in page.content.decode()
    page = client.get("/talent/sessions/", {"state": "locked"})
    assert page.context["sessions"] == []
    assert "No sessions match" in page.content.decode()
    client.force_login(org.other_manager.user)
    assert (
        "no calibration sessions you take part in"
        in client.get("/talent/sessions/").content.decode()
    )
    assert client.get("/talent/sessions/new/").status_code == 404


def test_hr_sets_up_and_opens_a_session(org: Org, client: Client, cycle: Cycle) -> None:
    client.force_login(org.hr_admin)
    assert client.get("/talent/sessions/new/").status_code == 200
    response = client.post(
        "/talent/sessions/new/",
        {
            "cycle": cycle.pk,
            "name": "Sales calibration",
            "population_kind": "department",
            "department": org.sales.pk,
            "facilitator": org.hr_admin.pk,
            "participants": "",
            "min_team_size": 3,
        },
    )
    assert response.status_code == 302, response.content.decode()
    session = CalibrationSession.objects.get(name="Sales calibration")
    assert set(session.entries.values_list("employee_id", flat=True)) == {
        org.other_manager.pk,
        org.salesperson.pk,
    }
    detail = client.get(f"/talent/sessions/{session.pk}/")
    assert "Open the session" in detail.content.decode()
    confirm = client.get(f"/talent/sessions/{session.pk}/state/", {"to": "open"})
    assert "Open the session?" in confirm.content.decode()
    assert CalibrationSession.objects.get(pk=session.pk).state == SessionState.DRAFT
    client.post(f"/talent/sessions/{session.pk}/state/", {"to": "open", "version": session.version})
    assert CalibrationSession.objects.get(pk=session.pk).state == SessionState.OPEN


def test_set_up_errors_are_shown(
    org: Org, client: Client, cycle: Cycle, session: CalibrationSession
) -> None:
    client.force_login(org.hr_admin)
    response = client.post(
        "/talent/sessions/new/",
        {
            "cycle": cycle.pk,
            "name": "Again",
            "population_kind": "department",
            "department": org.platform.pk,
            "facilitator": org.hr_admin.pk,
            "min_team_size": 3,
        },
    )
    assert response.status_code == 400
    assert "Already in another session of this cycle" in response.content.decode()


def test_opening_before_the_manager_reviews_says_why(org: Org, client: Client) -> None:
    cycle = calibration_cycle(org, stage=Stage.PEER_REVIEW)
    session = engineering_session(org, cycle, opened=False)
    client.force_login(org.hr_admin)
    response = client.post(f"/talent/sessions/{session.pk}/state/", {"to": "open"}, follow=True)
    assert "A session opens after the manager reviews" in response.content.decode()


def test_moving_a_person_on_the_grid(
    org: Org, client: Client, session: CalibrationSession, cycle: Cycle
) -> None:
    entry = entry_of(session, org.employee)
    client.force_login(org.hr_admin)
    grid = client.get(f"/talent/sessions/{session.pk}/grid/").content.decode()
    assert f'id="move-open-{entry.pk}"' in grid
    assert 'id="move-box"' in grid and 'id="move-reason"' in grid and 'id="move-submit"' in grid

    # Without a reason: refused, nothing changes.
    response = client.post(
        f"/talent/sessions/{session.pk}/move/",
        {"entry": entry.pk, "version": entry.version, "box": "3-3", "reason": " ", "next": "grid"},
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not CalibrationChange.objects.exists()

    response = client.post(
        f"/talent/sessions/{session.pk}/move/",
        {
            "entry": entry.pk,
            "version": entry.version,
            "box": "2-3",
            "reason": "Solid, not exceptional.",
            "next": "grid",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/grid/#entry-{entry.pk}")
    entry.refresh_from_db()
    assert entry.calibrated_level == level(cycle, 3) and entry.potential == 3
    assert AuditEntry.objects.filter(action="calibration_entry.move").count() == 1
    grid = client.get(f"/talent/sessions/{session.pk}/grid/").content.decode()
    assert f'id="entry-{entry.pk}-change"' in grid and "(was 4 Exceeds)" in grid
    people = client.get(f"/talent/sessions/{session.pk}/people/", {"changed": "on"})
    assert [e.pk for e in people.context["entries"]] == [entry.pk]
    assert "<strong>3 Meets</strong>" in people.content.decode()
    history = client.get(f"/talent/sessions/{session.pk}/people/{entry.pk}/").content.decode()
    assert "Solid, not exceptional." in history and "hr.admin@example.com" in history


def test_a_named_rating_must_be_in_the_box(
    org: Org, client: Client, session: CalibrationSession, cycle: Cycle
) -> None:
    entry = entry_of(session, org.peer)
    client.force_login(org.hr_admin)
    url = f"/talent/sessions/{session.pk}/people/{entry.pk}/"
    response = client.post(
        url, {"entry": entry.pk, "box": "3-2", "level": level(cycle, 2).pk, "reason": "x"}
    )
    assert response.status_code == 400
    assert "in the box" in response.content.decode()
    response = client.post(
        url, {"entry": entry.pk, "box": "3-2", "level": level(cycle, 5).pk, "reason": "Star."}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.calibrated_level == level(cycle, 5)


def test_a_manager_sees_move_buttons_on_their_people_only(
    org: Org, client: Client, session: CalibrationSession
) -> None:
    services.update_session(actor=org.hr_admin, session=session, share_whole_view=True)
    client.force_login(org.lead.user)
    grid = client.get(f"/talent/sessions/{session.pk}/grid/").content.decode()
    assert f'id="move-open-{entry_of(session, org.employee).pk}"' in grid
    assert f'id="move-open-{entry_of(session, org.peer).pk}"' not in grid
    peer = entry_of(session, org.peer)
    response = client.post(
        f"/talent/sessions/{session.pk}/move/", {"entry": peer.pk, "box": "3-3", "reason": "x"}
    )
    assert response.status_code == 403


def test_closing_needs_a_confirmation_and_flows_into_the_result_page(
    org: Org, client: Client, session: CalibrationSession, cycle: Cycle
) -> None:
    entry = entry_of(session, org.employee)
    services.move_entry(
        actor=org.hr_admin, entry=entry, calibrated_level=level(cycle, 3), reason="Calibrated down."
    )
    client.force_login(org.hr_admin)
    confirm = client.get(f"/talent/sessions/{session.pk}/state/", {"to": "locked"})
    assert "Closing is final" in confirm.content.decode()
    response = client.post(f"/talent/sessions/{session.pk}/state/", {"to": "locked"}, follow=True)
    assert "1 calibrated rating written" in response.content.decode()
    result = ReviewResult.objects.get(cycle=cycle, employee=org.employee)
    assert result.calibrated_level == level(cycle, 3)
    page = client.get(f"/reviews/results/{result.pk}/").content.decode()
    assert "Calibrated down." in page


def test_a_locked_session_rejects_changes_on_the_pages(
    org: Org, client: Client, session: CalibrationSession
) -> None:
    services.lock_session(actor=org.hr_admin, session=session)
    entry = entry_of(session, org.peer)
    client.force_login(org.hr_admin)
    grid = client.get(f"/talent/sessions/{session.pk}/grid/").content.decode()
    assert 'id="session-closed"' in grid and "move-open-" not in grid
    response = client.post(
        f"/talent/sessions/{session.pk}/move/",
        {"entry": entry.pk, "box": "3-3", "reason": "After the meeting"},
    )
    assert response.status_code == 400
    assert services.LOCKED_MESSAGE in response.content.decode()
    response = client.post(
        f"/talent/sessions/{session.pk}/edit/",
        {
            "name": "Renamed",
            "facilitator": org.hr_admin.pk,
            "min_team_size": 3,
            "version": CalibrationSession.objects.get(pk=session.pk).version,
        },
    )
    assert response.status_code == 400
    assert services.LOCKED_MESSAGE in response.content.decode()
    assert not CalibrationChange.objects.exists()
    assert CalibrationSession.objects.get(pk=session.pk).name == "Engineering calibration"


def test_people_list_filters_and_search(
    org: Org, client: Client, session: CalibrationSession, cycle: Cycle
) -> None:
    client.force_login(org.hr_admin)
    url = f"/talent/sessions/{session.pk}/people/"
    names = lambda r: [e.employee.full_name for e in r.context["entries"]]  # noqa: E731
    assert names(client.get(url)) == ["Emma Employee", "Lee Lead", "Mona Manager", "Pat Peer"]
    assert names(client.get(url, {"manager": org.lead.pk})) == ["Emma Employee"]
    assert names(client.get(url, {"department": org.platform.pk})) == ["Emma Employee", "Lee Lead"]
    assert names(client.get(url, {"level": level(cycle, 4).pk})) == ["Emma Employee"]
    assert names(client.get(url, {"q": "pat"})) == ["Pat Peer"]
    assert "Nobody matches" in client.get(url, {"q": "zzz"}).content.decode()


# --- export and import ------------------------------------------------------------------------


def _export(client: Client, session: CalibrationSession) -> list[dict[str, str]]:
    response = client.get(f"/talent/sessions/{session.pk}/people/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(text)))


def _upload(rows: list[dict[str, str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("moves.csv", out.getvalue().encode(), content_type="text/csv")


def test_export_then_import_moves_people_with_reasons(
    org: Org, client: Client, session: CalibrationSession, cycle: Cycle
) -> None:
    client.force_login(org.hr_admin)
    rows = _export(client, session)
    assert [r["name"] for r in rows] == ["Emma Employee", "Lee Lead", "Mona Manager", "Pat Peer"]
    assert rows[0]["proposed"] == "4 Exceeds" and rows[0]["original"] == "3 Meets"
    # The file as exported changes nothing.
    response = client.post(f"/talent/sessions/{session.pk}/people/import/", {"file": _upload(rows)})
    assert response.status_code == 200
    assert response.context["result"].unchanged == 4 and not response.context["result"].moves

    rows[0] |= {"calibrated": "3", "reason": "Calibrated to peers."}
    rows[3] |= {"potential": "High", "reason": "Ready for more."}
    response = client.post(f"/talent/sessions/{session.pk}/people/import/", {"file": _upload(rows)})
    assert response.status_code == 200
    assert len(response.context["result"].moves) == 2
    assert not CalibrationChange.objects.exists()  # a dry run
    token = response.context["token"]
    response = client.post(f"/talent/sessions/{session.pk}/people/import/apply/", {"token": token})
    assert response.status_code == 302
    assert entry_of(session, org.employee).calibrated_level == level(cycle, 3)
    assert entry_of(session, org.peer).potential == 3
    assert AuditEntry.objects.filter(action="calibration_entry.move").count() == 2
    assert CalibrationChange.objects.filter(reason="Ready for more.").count() == 1


def test_import_lists_every_bad_row_and_saves_nothing(
    org: Org, client: Client, session: CalibrationSession
) -> None:
    client.force_login(org.hr_admin)
    rows = _export(client, session)
    rows[0] |= {"calibrated": "5"}  # no reason
    rows[1] |= {"calibrated": "Superb", "reason": "x"}
    rows[2] |= {"potential": "Enormous", "reason": "x"}
    rows[3] |= {"potential": "High", "reason": "fine", "version": "99"}
    rows.append(dict(rows[3], employee_number="NOPE"))
    response = client.post(f"/talent/sessions/{session.pk}/people/import/", {"file": _upload(rows)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "line 2, column &quot;reason&quot;: Give a reason for the change" in text
    assert "line 3, column &quot;calibrated&quot;: &quot;Superb&quot; is not a level" in text
    assert "line 4, column &quot;potential&quot;" in text
    assert "line 5, column &quot;version&quot;" in text
    assert "line 6, column &quot;employee_number&quot;: &quot;NOPE&quot; is not someone" in text
    assert not CalibrationChange.objects.exists()


def test_import_is_refused_once_closed(
    org: Org, client: Client, session: CalibrationSession
) -> None:
    client.force_login(org.hr_admin)
    rows = _export(client, session)
    rows[0] |= {"calibrated": "3", "reason": "x"}
    response = client.post(f"/talent/sessions/{session.pk}/people/import/", {"file": _upload(rows)})
    token = response.context["token"]
    services.lock_session(actor=org.hr_admin, session=session)
    response = client.post(f"/talent/sessions/{session.pk}/people/import/apply/", {"token": token})
    assert response.status_code == 400
    assert services.LOCKED_MESSAGE in response.content.decode()
    assert not CalibrationChange.objects.exists()


def test_a_manager_imports_moves_for_their_own_people_only(
    org: Org, client: Client, session: CalibrationSession
) -> None:
    services.update_session(actor=org.hr_admin, session=session, share_whole_view=True)
    client.force_login(org.lead.user)
    rows = _export(client, session)
    assert "Lee Lead" not in [r["name"] for r in rows]
    peer = next(r for r in rows if r["name"] == "Pat Peer")
    peer |= {"potential": "High", "reason": "x"}
    response = client.post(f"/talent/sessions/{session.pk}/people/import/", {"file": _upload(rows)})
    assert response.status_code == 400
    assert "You may not move this person" in response.content.decode()
