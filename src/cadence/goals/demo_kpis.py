"""The demo organisation's KPIs: indicators for the top-level departments and
a few job profiles (see demo_data), each with a year of measurements at its
frequency. The values are a noisy trend, improving, worsening or steady,
whose latest value lands in a chosen colour, so a KPI page shows a mix of
green, amber and red and of trends up, down and flat."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from decimal import Decimal

from django.db import models

from cadence.goals import demo_data as data
from cadence.goals.demo_data import KpiSpec
from cadence.goals.models import Direction, Frequency, Kpi, KpiMeasurement

BATCH_SIZE = 1000
# The colour each KPI's latest value lands in, in turn: mostly green.
STATUS_CYCLE = ("green", "amber", "green", "red", "green", "amber", "green")


def create_demo_kpis(
    *,
    rng: random.Random,
    today: dt.date,
    departments: Mapping[str, int],
    profiles: Mapping[tuple[str, int], int],
) -> tuple[int, int]:
    """KPIs for the departments (top-level department code → id) and job
    profiles ((job family key, level rank) → id) that demo_data has KPIs
    for, with their measurements. Returns how many KPIs and measurements it
    made. KPIs get explicit ids (see goals.demo.MODELS_WITH_EXPLICIT_IDS)."""
    attached: list[tuple[KpiSpec, dict[str, int]]] = []
    for code, dept_id in departments.items():
        specs = data.DEPARTMENT_KPIS.get(code, ())
        attached += [(spec, {"department_id": dept_id}) for spec in specs]
    for key, specs in data.JOB_PROFILE_KPIS.items():
        if key in profiles:
            attached += [(spec, {"job_profile_id": profiles[key]}) for spec in specs]
    first_id = first_free_id(Kpi)
    kpis = [
        Kpi(
            id=first_id + i,
            name=spec.name,
            description=spec.description,
            unit=spec.unit,
            direction=Direction.INCREASE if spec.increase else Direction.DECREASE,
            frequency=spec.frequency,
            target=to_decimal(spec.target, 4),
            amber_threshold=to_decimal(spec.amber, 4),
            red_threshold=to_decimal(spec.red, 4),
            **attachment,
        )
        for i, (spec, attachment) in enumerate(attached)
    ]
    Kpi.objects.bulk_create(kpis, batch_size=BATCH_SIZE)
    offset = rng.randrange(len(STATUS_CYCLE))
    measurements: list[KpiMeasurement] = []
    for i, (kpi, (spec, _)) in enumerate(zip(kpis, attached, strict=True)):
        status = STATUS_CYCLE[(offset + i) % len(STATUS_CYCLE)]
        measurements += _measurements(rng, today, kpi, spec, status)
    KpiMeasurement.objects.bulk_create(measurements, batch_size=BATCH_SIZE)
    return len(kpis), len(measurements)


def _measurements(
    rng: random.Random, today: dt.date, kpi: Kpi, spec: KpiSpec, status: str
) -> list[KpiMeasurement]:
    """A noisy trend over the last year whose latest value is in `status`'s
    colour (Kpi's docstring has the rule)."""
    days = measurement_days(today, spec.frequency)
    better = 1.0 if spec.increase else -1.0
    margin = abs(spec.amber - spec.red)
    if status == "green":
        end = spec.amber + better * abs(spec.target - spec.amber) * rng.uniform(0.3, 1.2)
    elif status == "amber":
        end = spec.red + better * margin * rng.uniform(0.2, 0.8)
    else:
        end = spec.red - better * margin * rng.uniform(0.15, 0.8)
    # Improving (twice as often), worsening or steady over the year.
    drift = rng.choice((1.0, 1.0, -0.6, 0.0)) * rng.uniform(0.5, 1.3)
    start = end - better * drift * abs(spec.target - spec.red)
    noise = margin * (0.25 if spec.frequency == Frequency.WEEKLY else 0.15)
    rows = []
    for i, day in enumerate(days):
        value = end  # the latest value lands in its colour exactly
        if i < len(days) - 1:
            value = start + (end - start) * i / (len(days) - 1) + rng.gauss(0, noise)
            value = max(0.0, min(value, 100.0) if spec.unit == "%" else value)
        value_on = to_decimal(value, spec.decimals)
        rows.append(KpiMeasurement(kpi_id=kpi.pk, measured_on=day, value=value_on))
    return rows


def measurement_days(today: dt.date, frequency: str) -> list[dt.date]:
    """A year and a bit of measurement days up to `today`, oldest first:
    54 Mondays for a weekly KPI, 14 month ends for a monthly one."""
    if frequency == Frequency.WEEKLY:
        monday = today - dt.timedelta(days=today.weekday())
        return [monday - dt.timedelta(weeks=w) for w in range(53, -1, -1)]
    days = [today.replace(day=1) - dt.timedelta(days=1)]
    while len(days) < 14:
        days.append(days[-1].replace(day=1) - dt.timedelta(days=1))
    return days[::-1]


def to_decimal(value: float, places: int) -> Decimal:
    """`value` rounded to `places` decimal places, as a Decimal."""
    return Decimal(f"{value:.{places}f}")


def first_free_id(model: type[models.Model]) -> int:
    """The id after the highest in use, for rows given explicit ids."""
    top = model._default_manager.aggregate(top=models.Max("id"))["top"]
    return (top or 0) + 1


__all__ = ["create_demo_kpis", "first_free_id", "measurement_days", "to_decimal"]
