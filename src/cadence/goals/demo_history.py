"""How the demo's key results move through a period, and the check-ins
that record it: metric values drifting from start towards a pace-dependent
share of the target, milestones done (or not) around their due date, the
owner's confidence following progress, every two to three weeks (about
monthly in older quarters) up to `today`, some owners falling silent so
reminders have someone to remind."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from cadence.core.demo_rows import insert_rows, moment_adapter, working_hours_adapter
from cadence.goals import demo_data as data
from cadence.goals import services
from cadence.goals.demo_data import KeyResultSpec, Metric
from cadence.goals.models import (
    CheckIn,
    Confidence,
    Direction,
    GoalPeriod,
    KeyResultType,
)

METRIC, MILESTONE = KeyResultType.METRIC.value, KeyResultType.MILESTONE.value
INCREASE, DECREASE = Direction.INCREASE.value, Direction.DECREASE.value
ON_TRACK, AT_RISK = Confidence.ON_TRACK.value, Confidence.AT_RISK.value
OFF_TRACK = Confidence.OFF_TRACK.value


@dataclass(frozen=True)
class DemoPeriod:
    """A goal period as the demo plans it."""

    row: GoalPeriod
    start: dt.date
    end: dt.date
    finished: bool  # over before today
    every: tuple[int, int] = (14, 21)  # days between check-ins: fewest, most

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


# A check-in as the values of its columns, CHECK_IN_FIELDS (a plain tuple:
# there are 800,000 of them at 10,000 employees). The value is rounded to
# the metric's decimals; the time is adapted for the database
# (core.demo_rows).
CheckInRow = tuple[int, int | None, float | None, bool, str, str, Any]
CHECK_IN_FIELDS = (
    "key_result_id",
    "author_id",
    "value",
    "done",
    "confidence",
    "comment",
    "created_at",
)
# The editable fields (goals.services), plus what the demo sets itself.
KEY_RESULT_FIELDS = (
    "id",
    "objective_id",
    *services.KEY_RESULT_FIELDS,
    "last_check_in_at",
    "created_at",
)


class PlannedKeyResult(NamedTuple):
    """A key result as the values of KEY_RESULT_FIELDS, with the progress
    and weight its goal's status follows from, and its check-ins."""

    row: tuple[Any, ...]
    progress: float
    weight: int
    history: list[CheckInRow]


class KeyResultHistory:
    """Plans key results with their check-in histories (nothing is saved)."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.moment = working_hours_adapter()
        self.moment_at = moment_adapter()

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
    ) -> PlannedKeyResult:
        """A key result from `spec` with its check-ins, where the last one
        left it. `pace` is the share of the target it would reach by the
        period's end; `stale` ends its check-ins more than a reminder
        interval before today. (Written for speed: at 10,000 employees this
        plans ~250,000 key results and ~830,000 check-ins.)"""
        rng = self.rng
        random_ = rng.random
        days = self.check_in_days(period, created, stale)
        weight = 2 if random_() < 0.15 else 1
        history: list[CheckInRow] = []
        add = history.append
        moment = self.moment
        comments = data.COMMENTS
        start_day, length = period.start.toordinal(), period.days
        title = spec.title
        start_value = 0.0
        target_value: float | None = None
        current_value: float | None = None
        due_date: dt.date | None = None
        done = False
        unit = ""
        if isinstance(spec, Metric):
            start, target = self.metric_values(spec)
            result_type = METRIC
            increase = target >= start
            direction = INCREASE if increase else DECREASE
            unit = spec.unit
            places = spec.decimals
            title = spec.title.format(start=_number(start, places), target=_number(target, places))
            start_value, target_value = round(start, 4), round(target, 4)
            current_value = start_value
            change = target - start
            shape = rng.uniform(0.7, 1.4)
            # Aspirational goals aim for 70% of the target by the end.
            expected_by_end = 0.7 if aspirational else 1.0
            percent = unit == "%"
            span = target_value - start_value
            progress = 0.0
            # (Comparisons rather than min/max below: this loop runs 800,000 times.)
            for day in days:
                # Check-in days fall inside the period: 0 < elapsed <= 1.
                elapsed = (day - start_day) / length
                # Noise with a standard deviation of 0.04 (a sum of three
                # uniform draws: bell-shaped, and cheaper than rng.gauss).
                noise = (random_() + random_() + random_() - 1.5) * 0.08
                reached = pace * elapsed**shape + noise
                reached = 0.0 if reached < 0.0 else (1.15 if reached > 1.15 else reached)
                value = start + change * reached
                if value < 0.0:
                    value = 0.0
                elif percent and value > 100.0:
                    value = 100.0
                value = round(value, places)
                current_value = value
                # Progress as goals.progress.metric_progress measures it.
                progress = (value - start_value) / span
                progress = 0.0 if progress < 0.0 else (1.0 if progress > 1.0 else progress)
                # What an owner would say: on track while progress keeps pace
                # with the time gone, at risk a little behind, off track well behind.
                expected = elapsed * expected_by_end
                if expected < 0.15 or progress >= 0.85 * expected:
                    confidence, chance = ON_TRACK, 0.25
                elif progress >= 0.6 * expected:
                    confidence, chance = AT_RISK, 0.25
                else:
                    confidence, chance = OFF_TRACK, 0.6
                comment = ""
                if random_() < chance:
                    pool = comments[confidence]
                    comment = pool[int(random_() * len(pool))]
                when = moment(day, random_())
                add((kr_id, author_id, value, False, confidence, comment, when))
        else:
            result_type = MILESTONE
            direction = INCREASE
            due = start_day + int(length * rng.uniform(0.45, 0.95))
            due_date = dt.date.fromordinal(due)
            done_on = None
            if random_() < pace:
                done_on = due + rng.randint(-20, 10)
            waiting = ON_TRACK if pace >= 0.7 else AT_RISK
            for day in days:
                done = done_on is not None and day >= done_on
                if done:
                    confidence, chance = ON_TRACK, 0.25
                elif day > due:
                    confidence, chance = OFF_TRACK, 0.6
                else:
                    confidence, chance = waiting, 0.25
                comment = ""
                if random_() < chance:
                    pool = comments[confidence]
                    comment = pool[int(random_() * len(pool))]
                when = moment(day, random_())
                add((kr_id, author_id, None, done, confidence, comment, when))
            progress = 1.0 if done else 0.0
        row = (
            kr_id,
            objective_id,
            title,
            result_type,
            direction,
            unit,
            start_value,
            target_value,
            current_value,
            done,
            due_date,
            weight,
            history[-1][6] if history else None,
            self.moment_at(created, 10, 5),
        )
        return PlannedKeyResult(row, progress, weight, history)

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

    def check_in_days(self, period: DemoPeriod, created: dt.date, stale: bool) -> list[int]:
        """Every two to three weeks (the period's `every`), ending near the
        period's end when it is over; ending in the last fortnight of today,
        or (stale) longer ago. Days as ordinals."""
        random_ = self.rng.random
        reminder = period.row.check_in_reminder_days
        today = self.today.toordinal()
        if period.finished:
            last = period.end.toordinal() - int(random_() * 7)
        elif stale:
            last = today - reminder - 2 - int(random_() * 29)
        else:
            last = today - 1 - int(random_() * max(1, reminder - 2))
        first = max(period.start.toordinal() + 5, created.toordinal() + 1)
        fewest, most = period.every
        spread = most - fewest + 1
        days: list[int] = []
        day = last
        while day >= first:
            days.append(day)
            day -= fewest + int(random_() * spread)
        days.reverse()
        return days


def insert_check_ins(rows: Iterable[CheckInRow]) -> int:
    """Insert check-ins (three quarters of the demo's rows) without model
    instances: one prepared INSERT per batch, or a COPY (core.demo_rows)."""
    return insert_rows(CheckIn, CHECK_IN_FIELDS, rows)


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


__all__ = [
    "CHECK_IN_FIELDS",
    "KEY_RESULT_FIELDS",
    "CheckInRow",
    "DemoPeriod",
    "KeyResultHistory",
    "PlannedKeyResult",
    "at",
    "insert_check_ins",
]
