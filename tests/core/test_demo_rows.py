"""The demo's raw bulk writes (core.demo_rows): rows land as the ORM would
store them (defaults filled in, timestamps exact), and a row pointing
nowhere is caught, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from cadence.core.demo_rows import (
    foreign_keys_checked_once,
    insert_objects,
    insert_rows,
    moment_adapter,
    working_hours_adapter,
)
from cadence.goals.models import CheckIn, GoalPeriod, KeyResult, Objective, Scope

pytestmark = pytest.mark.django_db


def test_insert_rows_fills_the_defaults_and_adapts_timestamps() -> None:
    count = insert_rows(
        GoalPeriod,
        ("name", "starts_on", "ends_on"),
        [(f"2025 Q{q}", dt.date(2025, 3 * q - 2, 1), dt.date(2025, 3 * q, 28)) for q in (1, 2)],
    )
    assert count == 2
    period = GoalPeriod.objects.get(name="2025 Q2")
    assert (period.starts_on, period.ends_on) == (dt.date(2025, 4, 1), dt.date(2025, 6, 28))
    # Fields left out get their defaults, as bulk_create would give them.
    assert not period.requires_approval and period.check_in_reminder_days == 14
    assert period.version == 1

    goal = Objective.objects.create(period=period, scope=Scope.COMPANY, title="Grow")
    kr = KeyResult.objects.create(objective=goal, title="Revenue", target_value=10)
    moment, working = moment_adapter(), working_hours_adapter()
    day = dt.date(2025, 5, 20)
    insert_rows(
        CheckIn,
        ("key_result", "value", "confidence", "created_at"),
        [
            (kr.pk, 2.5, "on_track", moment(day, 9, 30)),
            (kr.pk, 3.25, "at_risk", working(day.toordinal(), 0.999)),
        ],
    )
    first, second = CheckIn.objects.filter(key_result=kr).order_by("created_at")
    assert first.created_at == dt.datetime(2025, 5, 20, 9, 30, tzinfo=dt.UTC)
    assert second.created_at == dt.datetime(2025, 5, 20, 17, 59, tzinfo=dt.UTC)
    assert (first.value, second.value) == (2.5, 3.25)
    assert first.comment == "" and not first.done


def test_insert_objects_writes_instances_with_their_ids() -> None:
    periods = [
        GoalPeriod(
            id=900 + i,
            name=f"Half {i}",
            starts_on=dt.date(2025, 1 + 6 * i, 1),
            ends_on=dt.date(2025, 6 + 6 * i, 28),
        )
        for i in range(2)
    ]
    assert insert_objects(GoalPeriod, periods) == 2
    assert list(GoalPeriod.objects.order_by("id").values_list("id", "name")) == [
        (900, "Half 0"),
        (901, "Half 1"),
    ]
    assert insert_objects(GoalPeriod, []) == 0


def test_a_row_pointing_nowhere_is_caught() -> None:
    """On PostgreSQL adding the keys back fails; on SQLite the check the
    demo runs before its commit does."""
    with pytest.raises(IntegrityError), transaction.atomic():
        with foreign_keys_checked_once([KeyResult._meta.db_table]):
            insert_rows(KeyResult, ("objective", "title"), [(987654, "Orphan")])
        connection.check_constraints()
    assert not KeyResult.objects.exists()
