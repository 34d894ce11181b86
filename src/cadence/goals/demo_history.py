"""How the demo's key results move through a period, and the check-ins
that record it: metric values drifting from start towards a pace-dependent
share of the target, milestones done (or not) around their due date, the
owner's confidence following progress, every two to three weeks up to
`today`, some owners falling silent so reminders have someone to remind."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

from cadence.goals import demo_data as data
from cadence.goals.demo_data import KeyResultSpec, Metric
from cadence.goals.demo_kpis import to_decimal
from cadence.goals.models import (
    CheckIn,
    Confidence,
    Direction,
    GoalPeriod,
    KeyResult,
    KeyResultType,
)

BATCH_SIZE = 1000


@dataclass(frozen=True)
class DemoPeriod:
    """A goal period as the demo plans it."""

    row: GoalPeriod
    start: dt.date
    end: dt.date
    finished: bool  # over before today

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def fraction(self, day: dt.date) -> float:
        """How far into the period `day` is, 0 to 1."""
        return min(1.0, max(0.0, (day - self.start).days / self.days))


class CheckInRow(NamedTuple):
    """A check-in as the values of its columns (see `insert_check_ins`)."""

    key_result_id: int
    author_id: int | None
    value: Decimal | None
    done: bool
    confidence: str
    comment: str
    created_at: dt.datetime  # last: `insert_check_ins` adapts it


class KeyResultHistory:
    """Plans key results with their check-in histories (nothing is saved)."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today

    def key_result(
        self,
        period: DemoPeriod,
        spec: KeyResultSpec,
        *,
        kr_id: int,
        objective_id: int,
        pace: float,
        created: dt.date,
        stale: bool,
        aspirational: bool,
        author_id: int | None,
    ) -> tuple[KeyResult, list[CheckInRow]]:
        """A key result from `spec` with its check-ins, where the last one
        left it. `pace` is the share of the target it would reach by the
        period's end; `stale` ends its check-ins more than a reminder
        interval before today."""
        rng = self.rng
        dates = self.check_in_dates(period, created, stale)
        kr = KeyResult(
            id=kr_id,
            objective_id=objective_id,
            title=spec.title,
            weight=2 if rng.random() < 0.15 else 1,
            created_at=at(created, 10, 5),
        )
        history: list[CheckInRow] = []
        if isinstance(spec, Metric):
            start, target = self.metric_values(spec)
            kr.result_type = KeyResultType.METRIC
            kr.direction = Direction.INCREASE if target >= start else Direction.DECREASE
            kr.unit = spec.unit
            kr.title = spec.title.format(
                start=_number(start, spec.decimals), target=_number(target, spec.decimals)
            )
            kr.start_value, kr.target_value = to_decimal(start, 4), to_decimal(target, 4)
            kr.current_value = kr.start_value
            shape = rng.uniform(0.7, 1.4)
            for day in dates:
                elapsed = period.fraction(day)
                reached = min(1.15, max(0.0, pace * elapsed**shape + rng.gauss(0, 0.04)))
                value = to_decimal(
                    _bounded(start + (target - start) * reached, spec), spec.decimals
                )
                kr.current_value = value
                confidence = self.confidence(kr.progress, elapsed, aspirational)
                history.append(self.check_in(kr, day, confidence, author_id, value=value))
        else:
            kr.result_type = KeyResultType.MILESTONE
            kr.due_date = period.start + dt.timedelta(
                days=int(period.days * rng.uniform(0.45, 0.95))
            )
            done_on = None
            if rng.random() < pace:
                done_on = kr.due_date + dt.timedelta(days=rng.randint(-20, 10))
            for day in dates:
                kr.done = done_on is not None and day >= done_on
                if kr.done:
                    confidence = Confidence.ON_TRACK
                elif day > kr.due_date:
                    confidence = Confidence.OFF_TRACK
                else:
                    confidence = Confidence.ON_TRACK if pace >= 0.7 else Confidence.AT_RISK
                history.append(self.check_in(kr, day, confidence, author_id, done=kr.done))
        if history:
            kr.last_check_in_at = history[-1].created_at
        return kr, history

    def metric_values(self, spec: Metric) -> tuple[float, float]:
        """The typical start and target, varied: the start by up to 30% of
        the change (a zero start stays zero), the change by up to 25%."""
        rng = self.rng
        change = spec.target - spec.start
        start = spec.start + abs(change) * rng.uniform(-0.3, 0.3) if spec.start else 0.0
        start = round(_bounded(start, spec), spec.decimals)
        target = round(_bounded(start + change * rng.uniform(0.75, 1.25), spec), spec.decimals)
        if target == start:  # rounding ate the change
            target = start + math.copysign(10**-spec.decimals, change)
        return start, target

    def check_in_dates(self, period: DemoPeriod, created: dt.date, stale: bool) -> list[dt.date]:
        """Every two to three weeks, ending near the period's end when it is
        over; ending in the last fortnight of today, or (stale) longer ago."""
        rng = self.rng
        reminder = period.row.check_in_reminder_days
        if period.finished:
            last = period.end - dt.timedelta(days=rng.randint(0, 6))
        elif stale:
            last = self.today - dt.timedelta(days=rng.randint(reminder + 2, reminder + 30))
        else:
            last = self.today - dt.timedelta(days=rng.randint(1, max(1, reminder - 2)))
        first = max(period.start + dt.timedelta(days=5), created + dt.timedelta(days=1))
        dates: list[dt.date] = []
        day = last
        while day >= first:
            dates.append(day)
            day -= dt.timedelta(days=rng.randint(14, 21))
        dates.reverse()
        return dates

    def confidence(self, progress: float, elapsed: float, aspirational: bool) -> Confidence:
        """What an owner would say: on track when progress keeps pace with
        the time gone (aspirational goals aim for 70%), at risk a little
        behind, off track well behind."""
        expected = elapsed * (0.7 if aspirational else 1.0)
        if expected < 0.15 or progress >= 0.85 * expected:
            return Confidence.ON_TRACK
        return Confidence.AT_RISK if progress >= 0.6 * expected else Confidence.OFF_TRACK

    def check_in(
        self,
        kr: KeyResult,
        day: dt.date,
        confidence: Confidence,
        author_id: int | None,
        *,
        value: Decimal | None = None,
        done: bool = False,
    ) -> CheckInRow:
        rng = self.rng
        chance = 0.6 if confidence == Confidence.OFF_TRACK else 0.25
        comment = rng.choice(data.COMMENTS[confidence]) if rng.random() < chance else ""
        # Working hours, 08:00 to 17:59 (one draw: this runs ~300,000 times).
        minute = int(rng.random() * 600)
        when = at(day, 8 + minute // 60, minute % 60)
        return CheckInRow(kr.pk, author_id, value, done, confidence, comment, when)


def insert_check_ins(rows: Sequence[CheckInRow]) -> None:
    """Insert check-ins with one prepared INSERT per batch. They are three
    quarters of the demo's rows (~270,000 at 10,000 employees), and
    bulk_create, which prepares every value through its field, spends ~45 µs
    a row on them against ~14 µs here: some 8 s of the demo at that size."""
    ops = connection.ops
    column_of = {f.attname: f.column for f in CheckIn._meta.concrete_fields if f.column}
    columns = ", ".join(ops.quote_name(column_of[name]) for name in CheckInRow._fields)
    placeholders = ", ".join(["%s"] * len(CheckInRow._fields))
    sql = (
        f"INSERT INTO {ops.quote_name(CheckIn._meta.db_table)} ({columns}) VALUES ({placeholders})"
    )
    adapt = ops.adapt_datetimefield_value  # the only value the backend needs converted
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH_SIZE):
            batch = rows[first : first + BATCH_SIZE]
            cursor.executemany(sql, [(*row[:-1], adapt(row.created_at)) for row in batch])


def _bounded(value: float, spec: Metric) -> float:
    """Counts do not go below zero, percentages not above 100."""
    value = max(0.0, value)
    return min(value, 100.0) if spec.unit == "%" else value


def _number(value: float, places: int) -> str:
    """For titles: 1,250 or 99.95."""
    return f"{value:,.{places}f}"


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    """A time on `day`, in UTC."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


__all__ = ["CheckInRow", "DemoPeriod", "KeyResultHistory", "at", "insert_check_ins"]
