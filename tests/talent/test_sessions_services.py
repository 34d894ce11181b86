"""Calibration session services: set-up (population, participants, one
session per person per cycle), opening after the manager reviews, moves
(reason required, audited, versioned, who may move whom), locking (nothing
changes after; calibrated ratings flow into the results), and the grid's
band arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cadence.core.models import AuditEntry
from cadence.reviews.models import RatingLevel, ReviewResult, Stage
from cadence.talent import services_sessions as services
from cadence.talent.grid import Band, ScaleBands, band_of_position
from cadence.talent.models import (
    CalibrationChange,
    CalibrationEntry,
    SessionParticipant,
    SessionState,
)
from tests.conftest import Org, fresh
from tests.factories import JobLevelFactory, JobProfileFactory
from tests.talent.session_support import (
    calibration_cycle,
    engineering_session,
    entry_of,
    facilitator_user,
    level,
)

pytestmark = pytest.mark.django_db


# --- set-up -----------------------------------------------------------------------------------


def test_creating_builds_entries_from_the_results(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle, opened=False)
    entries = {e.employee_id: e for e in CalibrationEntry.objects.filter(session=session)}
    assert set(entries) == {org.manager.pk, org.lead.pk, org.employee.pk, org.peer.pk}
    mine = entries[org.employee.pk]
    assert mine.original_level == level(cycle, 3)
    assert mine.proposed_level == level(cycle, 4)
    assert mine.calibrated_level is None
    assert mine.manager_id == org.lead.pk
    assert entries[org.peer.pk].manager_id == org.manager.pk
    participants = set(
        SessionParticipant.objects.filter(session=session).values_list("employee_id", flat=True)
    )
    assert participants == {org.ceo.pk, org.manager.pk, org.lead.pk}
    assert session.state == SessionState.DRAFT
    row = AuditEntry.objects.get(action="calibration_session.create")
    assert row.after["people"] == 4


def test_participants_can_be_chosen(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = services.create_session(
        actor=org.hr_admin,
        cycle=cycle,
        name="Chosen",
        population_kind="department",
        department=org.engineering,
        facilitator=org.hr_admin,
        participants=[org.manager],
    )
    assert list(session.participants.values_list("employee_id", flat=True)) == [org.manager.pk]


def test_a_person_is_in_one_session_per_cycle(org: Org) -> None:
    cycle = calibration_cycle(org)
    engineering_session(org, cycle, opened=False)
    with pytest.raises(ValidationError) as caught:
        services.create_session(
            actor=org.hr_admin,
            cycle=cycle,
            name="Platform again",
            population_kind="department",
            department=org.platform,
            facilitator=org.hr_admin,
        )
    message = caught.value.message_dict["population"][0]
    assert "Emma Employee (Engineering calibration)" in message
    assert "Lee Lead (Engineering calibration)" in message


def test_job_level_and_list_populations(org: Org) -> None:
    cycle = calibration_cycle(org)
    senior = JobLevelFactory()
    org.peer.job_profile = JobProfileFactory(level=senior)
    org.peer.save()
    by_level = services.create_session(
        actor=org.hr_admin,
        cycle=cycle,
        name="Seniors",
        population_kind="job_level",
        job_level=senior,
        facilitator=org.hr_admin,
    )
    assert list(by_level.entries.values_list("employee_id", flat=True)) == [org.peer.pk]
    listed = services.create_session(
        actor=org.hr_admin,
        cycle=cycle,
        name="Sales list",
        population_kind="list",
        employees=[org.salesperson],
        facilitator=org.hr_admin,
    )
    assert list(listed.entries.values_list("employee_id", flat=True)) == [org.salesperson.pk]
    with pytest.raises(ValidationError) as caught:
        services.create_session(
            actor=org.hr_admin,
            cycle=cycle,
            name="Nobody",
            population_kind="list",
            employees=[org.ceo],
            facilitator=org.hr_admin,
        )
    assert "Cora Chief" in caught.value.message_dict["employees"][0]


def test_who_may_set_up_a_session(org: Org) -> None:
    cycle = calibration_cycle(org)
    values = {"cycle": cycle, "name": "S", "population_kind": "department"}
    # An HRBP for a department in scope; not outside it, not a job level.
    session = services.create_session(
        actor=org.hrbp, department=org.platform, facilitator=org.hrbp, **values
    )
    assert session.department == org.platform
    with pytest.raises(PermissionDenied):
        services.create_session(
            actor=org.hrbp, department=org.sales, facilitator=org.hrbp, **values
        )
    for user in (org.manager.user, org.executive, org.auditor, org.outsider):
        with pytest.raises(PermissionDenied):
            services.create_session(
                actor=user, department=org.sales, facilitator=org.hr_admin, **values
            )
    # The facilitator must be HR.
    with pytest.raises(ValidationError) as caught:
        services.create_session(
            actor=org.hr_admin, department=org.sales, facilitator=org.manager.user, **values
        )
    assert "facilitator" in caught.value.message_dict


# --- opening ----------------------------------------------------------------------------------


def test_opens_only_after_the_manager_reviews(org: Org) -> None:
    cycle = calibration_cycle(org, stage=Stage.MANAGER_REVIEW)
    session = engineering_session(org, cycle, opened=False)
    with pytest.raises(ValidationError) as caught:
        services.open_session(actor=org.hr_admin, session=session)
    assert "Manager review" in caught.value.message_dict["state"][0]
    # Ratings changed before the meeting are taken in when it opens.
    ReviewResult.objects.filter(cycle=cycle, employee=org.peer).update(
        manager_level=level(cycle, 2)
    )
    cycle.stage = Stage.CALIBRATION
    cycle.save()
    session = services.open_session(actor=org.hr_admin, session=session)
    assert session.state == SessionState.OPEN and session.opened_at is not None
    assert entry_of(session, org.peer).proposed_level == level(cycle, 2)


def test_only_hr_running_the_session_opens_it(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle, opened=False)
    with pytest.raises(PermissionDenied):
        services.open_session(actor=org.manager.user, session=session)
    # The HRBP of the session's department runs it.
    services.open_session(actor=org.hrbp, session=session)


# --- moves ------------------------------------------------------------------------------------


def test_a_move_needs_a_reason_and_is_kept_and_audited(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    entry = entry_of(session, org.employee)
    for blank in ("", "   \n"):
        with pytest.raises(ValidationError) as caught:
            services.move_entry(
                actor=org.hr_admin, entry=entry, calibrated_level=level(cycle, 3), reason=blank
            )
        assert caught.value.message_dict["reason"] == [services.REASON_MESSAGE]
    assert not CalibrationChange.objects.exists()

    services.move_entry(
        actor=org.hr_admin,
        entry=entry,
        calibrated_level=level(cycle, 3),
        potential=3,
        reason="  In line with peers.  ",
        expected_version=entry.version,
    )
    entry.refresh_from_db()
    assert entry.original_level == level(cycle, 3)
    assert entry.proposed_level == level(cycle, 4)
    assert entry.calibrated_level == level(cycle, 3)
    assert entry.potential == 3
    assert entry.reason == "In line with peers."
    assert entry.changed_by == org.hr_admin and entry.changed_at is not None
    change = CalibrationChange.objects.get(entry=entry)
    assert (change.from_level, change.to_level) == (level(cycle, 4), level(cycle, 3))
    assert (change.from_potential, change.to_potential) == (None, 3)
    assert change.changed_by == org.hr_admin
    audit = AuditEntry.objects.get(action="calibration_entry.move")
    assert audit.actor == org.hr_admin
    assert audit.before["calibrated_level"] is None
    assert audit.after["calibrated_level"] == level(cycle, 3).pk
    assert audit.after["reason"] == "In line with peers."


def test_a_stale_move_is_refused(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    entry = entry_of(session, org.peer)
    services.move_entry(actor=org.hr_admin, entry=entry, potential=2, reason="Steady.")
    with pytest.raises(ValidationError) as caught:
        services.move_entry(
            actor=org.hr_admin, entry=entry, potential=3, reason="x", expected_version=1
        )
    assert "version" in caught.value.message_dict


def test_a_move_that_changes_nothing_is_refused(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    with pytest.raises(ValidationError) as caught:
        services.move_entry(
            actor=org.hr_admin, entry=entry_of(session, org.peer), calibrated_level=None, reason="x"
        )
    assert caught.value.message_dict["calibrated_level"] == [services.NO_CHANGE_MESSAGE]


def test_moves_wait_for_the_session_to_open(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle, opened=False)
    with pytest.raises(ValidationError) as caught:
        services.move_entry(
            actor=org.hr_admin, entry=entry_of(session, org.peer), potential=2, reason="x"
        )
    assert caught.value.message_dict["session"] == [services.DRAFT_MESSAGE]


def test_a_level_of_another_scale_is_refused(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    other = RatingLevel.objects.create(
        scale=level(cycle, 3).scale.__class__.objects.create(name="Other"),
        value=Decimal(1),
        label="Other",
    )
    with pytest.raises(ValidationError) as caught:
        services.move_entry(
            actor=org.hr_admin,
            entry=entry_of(session, org.peer),
            calibrated_level=other,
            reason="x",
        )
    assert "scale" in caught.value.message_dict["calibrated_level"][0]


def test_managers_move_only_their_own_people(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle, share_whole_view=True)
    # lead takes part (rated the employee): their own report, yes …
    services.move_entry(
        actor=fresh(org.lead.user),
        entry=entry_of(session, org.employee),
        calibrated_level=level(cycle, 4),
        reason="Confirmed by the room.",
    )
    # … their manager's other report, no, even with the whole view shared.
    with pytest.raises(PermissionDenied):
        services.move_entry(
            actor=fresh(org.lead.user), entry=entry_of(session, org.peer), potential=2, reason="x"
        )
    # Nobody moves themself: not a manager, not HR.
    with pytest.raises(PermissionDenied):
        services.move_entry(
            actor=fresh(org.lead.user), entry=entry_of(session, org.lead), potential=3, reason="x"
        )
    # A non-participating manager of someone in the session may not either.
    SessionParticipant.objects.filter(session=session, employee=org.lead).delete()
    with pytest.raises(PermissionDenied):
        services.move_entry(
            actor=fresh(org.lead.user),
            entry=entry_of(session, org.employee),
            potential=1,
            reason="x",
        )
    # HRBP in scope and the facilitator move anyone they see.
    services.move_entry(
        actor=org.hrbp, entry=entry_of(session, org.peer), potential=2, reason="HRBP"
    )


def test_a_released_result_cannot_be_moved(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    ReviewResult.objects.filter(cycle=cycle, employee=org.peer).update(released_at=timezone.now())
    with pytest.raises(ValidationError) as caught:
        services.move_entry(
            actor=org.hr_admin,
            entry=entry_of(session, org.peer),
            calibrated_level=level(cycle, 5),
            reason="Too late",
        )
    assert caught.value.message_dict["calibrated_level"] == [services.RELEASED_MESSAGE]


# --- locking ----------------------------------------------------------------------------------


def test_locking_writes_the_calibrated_ratings_into_the_results(org: Org) -> None:
    cycle = calibration_cycle(org)
    facilitator = facilitator_user(department=org.sales)
    session = engineering_session(org, cycle, facilitator=facilitator)
    employee = entry_of(session, org.employee)
    services.move_entry(
        actor=facilitator,
        entry=employee,
        calibrated_level=level(cycle, 3),
        reason="Strong year but in line with peers.",
    )
    services.move_entry(actor=org.hr_admin, entry=employee, potential=3, reason="Ready to grow.")
    services.move_entry(
        actor=org.hr_admin, entry=entry_of(session, org.peer), potential=2, reason="Potential only."
    )
    with pytest.raises(PermissionDenied):
        services.lock_session(actor=org.manager.user, session=session)
    with pytest.raises(PermissionDenied):  # the HRBP runs it, the facilitator closes it
        services.lock_session(actor=org.hrbp, session=session)

    summary = services.lock_session(actor=facilitator, session=session)

    assert summary.applied == 1 and summary.released == 0
    session.refresh_from_db()
    assert session.state == SessionState.LOCKED and session.locked_at is not None
    result = ReviewResult.objects.get(cycle=cycle, employee=org.employee)
    assert result.calibrated_level == level(cycle, 3)
    # The reason of the rating move, not of the later potential-only one.
    assert result.calibration_reason == "Strong year but in line with peers."
    assert result.calibrated_by == facilitator
    assert result.final_level == level(cycle, 3)
    assert result.manager_level == level(cycle, 4)  # kept side by side
    peer = ReviewResult.objects.get(cycle=cycle, employee=org.peer)
    assert peer.calibrated_level is None
    audit = AuditEntry.objects.get(action="review_result.calibrate")
    assert audit.object_id == str(result.pk)
    assert audit.after["calibrated_level"] == level(cycle, 3).pk
    assert AuditEntry.objects.filter(action="calibration_session.lock").count() == 1


def test_a_locked_session_rejects_every_change(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    services.lock_session(actor=org.hr_admin, session=session)
    entry = entry_of(session, org.peer)
    with pytest.raises(services.SessionClosed) as caught:
        services.move_entry(
            actor=org.hr_admin, entry=entry, calibrated_level=level(cycle, 4), reason="Late"
        )
    assert caught.value.message_dict["session"] == [services.LOCKED_MESSAGE]
    with pytest.raises(services.SessionClosed):
        services.update_session(actor=org.hr_admin, session=session, name="Renamed")
    with pytest.raises(services.SessionClosed):
        services.open_session(actor=org.hr_admin, session=session)
    with pytest.raises(services.SessionClosed):
        services.lock_session(actor=org.hr_admin, session=session)
    assert not CalibrationChange.objects.exists()


def test_locking_leaves_released_results_as_released(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    services.move_entry(
        actor=org.hr_admin,
        entry=entry_of(session, org.peer),
        calibrated_level=level(cycle, 4),
        reason="Underrated.",
    )
    ReviewResult.objects.filter(cycle=cycle, employee=org.peer).update(released_at=timezone.now())
    summary = services.lock_session(actor=org.hr_admin, session=session)
    assert (summary.applied, summary.released) == (0, 1)
    assert ReviewResult.objects.get(cycle=cycle, employee=org.peer).calibrated_level is None


def test_set_up_changes_are_audited(org: Org) -> None:
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    services.update_session(
        actor=org.hr_admin,
        session=session,
        expected_version=session.version,
        share_whole_view=True,
        participants=[org.manager],
    )
    session.refresh_from_db()
    assert session.share_whole_view
    assert list(session.participants.values_list("employee_id", flat=True)) == [org.manager.pk]
    row = AuditEntry.objects.get(action="calibration_session.update")
    assert row.after["share_whole_view"] is True
    with pytest.raises(ValidationError):
        services.update_session(actor=org.hr_admin, session=session, expected_version=1, name="x")
    with pytest.raises(PermissionDenied):
        services.update_session(actor=org.manager.user, session=session, name="Mine")


# --- the grid's arithmetic --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "bands"),
    [
        (2, "LH"),
        (3, "LMH"),
        (4, "LMMH"),
        (5, "LLMHH"),
        (6, "LLMMHH"),
        (7, "LLMMMHH"),
    ],
)
def test_bands_split_a_scale_symmetrically(count: int, bands: str) -> None:
    letters = {Band.LOW: "L", Band.MID: "M", Band.HIGH: "H"}
    assert "".join(letters[band_of_position(i, count)] for i in range(count)) == bands


def test_a_move_into_a_band_takes_its_nearest_level(org: Org) -> None:
    cycle = calibration_cycle(org)
    levels = list(RatingLevel.objects.filter(scale_id=cycle.template.rating_scale_id))
    bands = ScaleBands(levels)
    one, two, three, four, five = (level(cycle, v) for v in range(1, 6))
    assert bands.level_for_move(three.pk, Band.HIGH) == four
    assert bands.level_for_move(three.pk, Band.LOW) == two
    assert bands.level_for_move(five.pk, Band.MID) == three
    assert bands.level_for_move(five.pk, Band.HIGH) == five  # same band: unchanged
    assert bands.level_for_move(one.pk, Band.LOW) == one
    assert bands.level_for_move(None, Band.HIGH) == four
    assert bands.box(four.pk, 3) is not None and bands.box(four.pk, None) is None
