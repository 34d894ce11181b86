"""Programme health's SQL shortcuts (issue 8) give the numbers the plain
definitions give: local days of submission from quarter-hour groups in any
time zone, the median from per-day counts, empty answers found without
running the regex on every row, and the trend reusing the chosen cycle."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import zoneinfo

import pytest
from django.utils import timezone

from cadence.insights.access import require_scope
from cadence.insights.health import programme_health
from cadence.insights.health_filters import People
from cadence.insights.health_reviews import (
    UtcQuarterHour,
    _weighted_median,
    local_day,
    review_quality,
    time_to_complete,
    trend,
)
from cadence.reviews.models import Answer, AssignmentStatus, CyclePhase, ReviewAssignment
from tests.conftest import Org
from tests.insights.health_support import LAUNCH, OPENS, PHASE_OF, build

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Whole-hour, half-hour and quarter-hour offsets, with and without summer time.
ZONES = ["UTC", "Europe/London", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns"]


def _instants() -> list[dt.datetime]:
    """Instants around local midnight in every zone of ZONES (and a summer-time change)."""
    found: list[dt.datetime] = []
    for name in ZONES:
        zone = zoneinfo.ZoneInfo(name)
        for day in (dt.date(2025, 3, 30), dt.date(2025, 6, 14), dt.date(2025, 11, 2)):
            midnight = dt.datetime.combine(day, dt.time.min, tzinfo=zone).astimezone(UTC)
            for minutes in (-16, -15, -1, 0, 1, 14, 15, 59):
                found.append(midnight + dt.timedelta(minutes=minutes, seconds=30))
    return found


@pytest.mark.parametrize("zone", ZONES)
def test_quarter_hour_groups_give_each_rows_local_date(org: Org, zone: str) -> None:
    built = build(org, earlier=False)
    rows = list(ReviewAssignment.objects.filter(cycle=built.cycle).order_by("pk"))
    instants = _instants()
    assert len(rows) >= 20
    # Reuse the rows, several instants each (the check only reads submitted_at).
    checked = 0
    for start in range(0, len(instants), len(rows)):
        chunk = instants[start : start + len(rows)]
        for assignment, instant in zip(rows, chunk, strict=False):
            assignment.submitted_at = instant
        ReviewAssignment.objects.bulk_update(rows[: len(chunk)], ["submitted_at"])
        with timezone.override(zone):
            found = dict(
                ReviewAssignment.objects.filter(pk__in=[r.pk for r in rows[: len(chunk)]])
                .annotate(quarter=UtcQuarterHour("submitted_at"))
                .values_list("pk", "quarter")
            )
            for assignment, instant in zip(rows, chunk, strict=False):
                assert local_day(found[assignment.pk]) == timezone.localdate(instant), instant
                checked += 1
    assert checked == len(instants)


@pytest.mark.parametrize(
    "values", [[], [3], [1, 2], [5, 1, 1], [0, 0, 7, 7], [2, 9, 4, 4, 4, 1, 30, 8]]
)
def test_weighted_median_is_the_median(values: list[int]) -> None:
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    expected = float(statistics.median(values)) if values else None
    assert _weighted_median(counts) == expected


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kathmandu", "America/St_Johns"])
def test_time_to_complete_counts_local_days(org: Org, zone: str) -> None:
    built = build(org, earlier=False)
    phases = list(CyclePhase.objects.filter(cycle=built.cycle))
    people = People(require_scope(org.hr_admin))
    with timezone.override(zone):
        found = {t.phase: t for t in time_to_complete(built.cycle, people, phases)}
        for phase, item in found.items():
            start = OPENS[phase] or timezone.localdate(LAUNCH)
            submitted = [
                a
                for a in built.assigned
                if PHASE_OF[a.kind] == phase
                and a.status == AssignmentStatus.SUBMITTED
                and a.submitted_at is not None
            ]
            days = [max(0, (timezone.localdate(a.submitted_at) - start).days) for a in submitted]
            assert item.submitted == len(days)
            assert item.people == len({a.reviewee.pk for a in submitted})
            assert item.median_days == (float(statistics.median(days)) if days else None)


def test_empty_answers_are_whitespace_only_whatever_the_first_character(org: Org) -> None:
    built = build(org, earlier=False)
    answers = list(
        Answer.objects.filter(
            assignment__cycle=built.cycle, assignment__status=AssignmentStatus.SUBMITTED
        ).select_related("assignment")
    )
    texts = ["\t\n", "  \n ", "\r\n", "   ", "", " \tx", "\tWell done.", "\nFine", "Good.", " a "]
    assert len(answers) >= len(texts)
    for answer, text in zip(answers, texts * (len(answers) // len(texts) + 1), strict=False):
        answer.text = text
    Answer.objects.bulk_update(answers, ["text"])
    people = People(require_scope(org.hr_admin))
    found = {q.kind: q for q in review_quality(built.cycle, people)}
    by_kind: dict[str, list[str]] = {}
    for answer in answers:
        by_kind.setdefault(answer.assignment.kind, []).append(answer.text)
    assert set(found) == set(by_kind)
    for kind, kind_texts in by_kind.items():
        empty = [t for t in kind_texts if re.search(r"^\s*$", t)]
        filled = [len(t.strip(" ")) for t in kind_texts if not re.search(r"^\s*$", t)]
        assert found[kind].answers == len(kind_texts)
        assert found[kind].empty == len(empty), kind
        expected = sum(filled) / len(filled) if filled else None
        assert found[kind].mean_length == pytest.approx(expected), kind


def test_trend_reuses_the_chosen_cycle_and_counts_the_others(org: Org) -> None:
    built = build(org)
    health = programme_health(org.hr_admin, require_scope(org.hr_admin), built.cycle)
    people = People(require_scope(org.hr_admin))
    counted = {p.cycle.pk: p.rates for p in trend([p.cycle for p in health.trend], people)}
    assert {p.cycle.pk: p.rates for p in health.trend} == counted
    assert counted[built.cycle.pk] == health.overall
