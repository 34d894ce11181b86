"""The demo organisation's calibration and succession (issue 6: "The demo
organisation has a calibration session (closed) for last year's cycle and
succession plans for the critical roles"): the sessions agree with the
released results they calibrated, every change has its reason, and the
critical roles have successors drawn from the high-performance,
high-potential people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F

from cadence.people.demo import generate_demo_organisation, wipe_organisation
from cadence.reviews.models import Cycle, ReviewResult, Stage
from cadence.talent.models import (
    CalibrationChange,
    CalibrationEntry,
    CalibrationSession,
    CriticalRole,
    Potential,
    SessionState,
    Successor,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def demo() -> None:
    generate_demo_organisation(employees=150, seed=4, today=TODAY)


def test_last_years_cycle_calibrated_in_closed_sessions(demo: None) -> None:
    # Two closed cycles; the sessions calibrate last year's.
    assert Cycle.objects.filter(stage=Stage.CLOSED).count() == 2
    last_year = Cycle.objects.get(stage=Stage.CLOSED, name="2025 annual review")
    sessions = CalibrationSession.objects.all()
    assert sessions.exists()
    assert set(sessions.values_list("cycle_id", "state")) == {(last_year.pk, SessionState.LOCKED)}
    for session in sessions:
        assert session.participants.exists() and session.guidance
        assert session.locked_at is not None and session.opened_at < session.locked_at
    entries = CalibrationEntry.objects.select_related("result")
    # Each result in at most one session, and the entry's three ratings are the result's.
    assert entries.count() == entries.values("result").distinct().count()
    for entry in entries:
        result = entry.result
        assert result.cycle_id == last_year.pk and entry.employee_id == result.employee_id
        assert entry.original_level_id == result.computed_level_id
        assert entry.proposed_level_id == result.manager_level_id
        assert entry.calibrated_level_id == result.calibrated_level_id
        assert entry.potential in Potential.values
    moved = entries.filter(calibrated_level__isnull=False)
    assert moved.count() == CalibrationChange.objects.count() > 0
    assert all(c.reason for c in CalibrationChange.objects.all())
    # The committee's changes are what the released results show.
    calibrated = ReviewResult.objects.filter(cycle=last_year, calibrated_level__isnull=False)
    assert set(calibrated.values_list("pk", flat=True)) == set(
        moved.values_list("result", flat=True)
    )


def test_critical_roles_with_successors(demo: None) -> None:
    roles = CriticalRole.objects.all()
    assert roles.filter(title="Chief executive").exists()
    assert roles.count() >= 3
    successors = Successor.objects.select_related("role")
    assert successors.exists()
    assert not successors.filter(employee=F("role__incumbent")).exists()
    high_high = set(
        CalibrationEntry.objects.filter(potential=Potential.HIGH).values_list(
            "employee_id", flat=True
        )
    )
    heads = set(roles.exclude(title="Chief executive").values_list("incumbent_id", flat=True))
    for s in successors:
        assert s.employee_id in high_high or s.employee_id in heads


def test_wiped_and_made_again(demo: None) -> None:
    counts = (CalibrationEntry.objects.count(), Successor.objects.count())
    wipe_organisation()
    assert not CalibrationSession.objects.exists() and not CriticalRole.objects.exists()
    generate_demo_organisation(employees=150, seed=4, today=TODAY)
    assert (CalibrationEntry.objects.count(), Successor.objects.count()) == counts
