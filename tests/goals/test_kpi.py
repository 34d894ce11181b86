"""KPIs: status for both directions at the boundaries, trend, the audited
services and the all-or-nothing measurement import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from cadence.core.models import AuditEntry
from cadence.goals.kpi_import import import_measurements
from cadence.goals.kpis import (
    create_kpi,
    kpi_status,
    record_measurement,
    summaries,
    trend,
    update_kpi,
)
from cadence.goals.models import Direction, Kpi, KpiMeasurement
from tests.conftest import Org, fresh
from tests.factories import JobProfileFactory

D = Decimal


def make_kpi(org: Org, **overrides: object) -> Kpi:
    values: dict[str, object] = {
        "name": "Deploys per week",
        "direction": Direction.INCREASE,
        "target": D(20),
        "amber_threshold": D(15),
        "red_threshold": D(10),
        "department": org.engineering,
    }
    values.update(overrides)
    return Kpi.objects.create(**values)


# --- status and trend ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(5), "red"),
        (D(10), "red"),  # at the red threshold is red
        (D("10.01"), "amber"),
        (D("14.99"), "amber"),
        (D(15), "green"),  # at the amber threshold is green
        (D(30), "green"),
    ],
)
def test_status_of_an_increase_kpi(value: Decimal, expected: str) -> None:
    kpi = Kpi(direction=Direction.INCREASE, amber_threshold=D(15), red_threshold=D(10), target=20)
    assert kpi_status(kpi, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(1), "green"),
        (D(5), "green"),  # at the amber threshold is green
        (D("5.01"), "amber"),
        (D("7.99"), "amber"),
        (D(8), "red"),  # at the red threshold is red
        (D(20), "red"),
    ],
)
def test_status_of_a_decrease_kpi(value: Decimal, expected: str) -> None:
    kpi = Kpi(direction=Direction.DECREASE, amber_threshold=D(5), red_threshold=D(8), target=2)
    assert kpi_status(kpi, value) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], "flat"),
        ([D(5)], "flat"),
        ([D(5), D(6)], "up"),
        ([D(6), D(5)], "down"),
        ([D(5), D(5)], "flat"),
        ([D(1), D(10), D(12), D(11)], "up"),  # slope of the last three: 10 → 11
        ([D(20), D(12), D(10), D(11)], "down"),  # 12 → 11
        ([D(1), D(12), D(10), D(8)], "down"),
        ([D(100), D("100.2"), D("100.1")], "flat"),  # under 0.5%
    ],
)
def test_trend(values: list[Decimal], expected: str) -> None:
    assert trend(values) == expected


# --- services -----------------------------------------------------------------------------


def test_hr_admin_creates_a_kpi_and_it_is_audited(org: Org) -> None:
    kpi = create_kpi(
        actor=org.hr_admin,
        name="Time to hire",
        direction=Direction.DECREASE,
        unit="days",
        target=D(30),
        amber_threshold=D(40),
        red_threshold=D(60),
        job_profile=JobProfileFactory(),
    )
    entry = AuditEntry.objects.get(action="kpi.create", object_id=str(kpi.pk))
    assert entry.actor == org.hr_admin
    assert entry.after["red_threshold"] == "60"


@pytest.mark.parametrize(
    ("direction", "amber", "red"),
    [(Direction.INCREASE, D(10), D(15)), (Direction.DECREASE, D(15), D(10))],
)
def test_thresholds_in_the_wrong_order_are_refused(
    org: Org, direction: str, amber: Decimal, red: Decimal
) -> None:
    with pytest.raises(ValidationError) as exc:
        create_kpi(
            actor=org.hr_admin,
            name="Wrong way round",
            direction=direction,
            target=D(20),
            amber_threshold=amber,
            red_threshold=red,
            department=org.engineering,
        )
    assert "red_threshold" in exc.value.message_dict
    assert not Kpi.objects.exists()


def test_hrbp_manages_department_kpis_in_scope_only(org: Org) -> None:
    mine = create_kpi(
        actor=org.hrbp,
        name="Platform uptime",
        target=D("99.9"),
        amber_threshold=D("99.5"),
        red_threshold=D(99),
        department=org.platform,  # a sub-department of the HRBP's Engineering
    )
    with pytest.raises(PermissionDenied):
        create_kpi(
            actor=fresh(org.hrbp),
            name="Sales pipeline",
            target=D(10),
            amber_threshold=D(5),
            red_threshold=D(1),
            department=org.sales,
        )
    with pytest.raises(PermissionDenied):
        create_kpi(
            actor=fresh(org.hrbp),
            name="Job-wide",
            target=D(10),
            amber_threshold=D(5),
            red_threshold=D(1),
            job_profile=JobProfileFactory(),
        )
    with pytest.raises(PermissionDenied):  # moving it out of scope
        update_kpi(actor=fresh(org.hrbp), kpi=mine, department=org.sales)
    assert Kpi.objects.get(pk=mine.pk).department == org.platform


def test_update_kpi_refuses_a_stale_version_and_audits_changes(org: Org) -> None:
    kpi = make_kpi(org)
    updated = update_kpi(actor=org.hr_admin, kpi=kpi, expected_version=1, target=D(25))
    assert updated.version == 2
    entry = AuditEntry.objects.get(action="kpi.update")
    assert set(entry.after) == {"target"}
    assert (D(entry.before["target"]), D(entry.after["target"])) == (20, 25)
    with pytest.raises(ValidationError) as exc:
        update_kpi(actor=org.hr_admin, kpi=kpi, expected_version=1, target=D(30))
    assert "version" in exc.value.message_dict
    assert Kpi.objects.get(pk=kpi.pk).target == D(25)


def test_record_measurement_upserts_by_day(org: Org) -> None:
    kpi = make_kpi(org)
    day = dt.date(2026, 1, 31)
    record_measurement(actor=org.hr_admin, kpi=kpi, measured_on=day, value=D(12), note="first")
    record_measurement(actor=org.hr_admin, kpi=kpi, measured_on=day, value=D(14), note="fixed")
    only = KpiMeasurement.objects.get(kpi=kpi)
    assert (only.value, only.note, only.entered_by) == (D(14), "fixed", org.hr_admin)
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["kpi.measurement.create", "kpi.measurement.update"]


def test_employee_cannot_write_kpis(org: Org) -> None:
    kpi = make_kpi(org)
    user = org.manager.user
    with pytest.raises(PermissionDenied):
        record_measurement(actor=user, kpi=kpi, measured_on=dt.date(2026, 1, 1), value=D(1))
    with pytest.raises(PermissionDenied):
        update_kpi(actor=user, kpi=kpi, target=D(1))
    with pytest.raises(PermissionDenied):
        import_measurements(actor=user, fileobj=io.BytesIO(b"kpi\n"), filename="m.csv")
    assert not KpiMeasurement.objects.exists()
    assert not AuditEntry.objects.exists()


def test_summaries_give_latest_status_and_trend(org: Org) -> None:
    kpi = make_kpi(org)
    other = make_kpi(org, name="Empty")
    for month, value in ((1, 9), (2, 12), (3, 16)):
        KpiMeasurement.objects.create(kpi=kpi, measured_on=dt.date(2026, month, 1), value=value)
    by_kpi = {s.kpi.pk: s for s in summaries([kpi, other])}
    assert by_kpi[kpi.pk].latest is not None and by_kpi[kpi.pk].latest.value == D(16)
    assert (by_kpi[kpi.pk].status, by_kpi[kpi.pk].trend) == ("green", "up")
    assert (by_kpi[other.pk].latest, by_kpi[other.pk].status) == (None, None)


# --- import -------------------------------------------------------------------------------------


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def test_import_reports_every_bad_row_and_saves_nothing(org: Org) -> None:
    kpi = make_kpi(org)
    KpiMeasurement.objects.create(kpi=kpi, measured_on=dt.date(2026, 1, 1), value=D(3))
    text = (
        "kpi,measured_on,value,note\n"
        f"{kpi.pk},2026-01-01,11,good row\n"  # line 2: fine on its own
        "Nonexistent KPI,2026-01-02,11,\n"  # line 3
        "99999,2026-01-02,11,\n"  # line 4
        f"{kpi.pk},31/01/2026,11,\n"  # line 5
        f"{kpi.pk},2026-02-30,11,\n"  # line 6
        f"Deploys per week,2026-03-01,eleven,\n"  # line 7
        f"{kpi.pk},2026-04-01,11,\n"  # line 8
        f"deploys per week,2026-04-01,12,\n"  # line 9: the same day as line 8
    )
    result = import_measurements(actor=org.hr_admin, fileobj=csv_file(text), filename="m.csv")
    assert not result.ok
    problems = {(e.line, e.column) for e in result.errors}
    assert problems == {
        (3, "kpi"),
        (4, "kpi"),
        (5, "measured_on"),
        (6, "measured_on"),
        (7, "value"),
        (9, "measured_on"),
    }
    duplicate = next(e for e in result.errors if e.line == 9)
    assert "line 8" in duplicate.message
    assert KpiMeasurement.objects.get(kpi=kpi).value == D(3)  # untouched
    assert KpiMeasurement.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_import_reports_missing_columns(org: Org) -> None:
    result = import_measurements(
        actor=org.hr_admin, fileobj=csv_file("kpi,when\n1,2026-01-01\n"), filename="m.csv"
    )
    assert {(e.line, e.column) for e in result.errors} == {(1, "measured_on"), (1, "value")}


def test_good_import_saves_every_row_and_audits_once(org: Org) -> None:
    kpi = make_kpi(org)
    other = make_kpi(
        org,
        name="Incidents",
        direction=Direction.DECREASE,
        target=D(0),
        amber_threshold=D(2),
        red_threshold=D(5),
    )
    KpiMeasurement.objects.create(kpi=kpi, measured_on=dt.date(2026, 1, 1), value=D(3))
    text = (
        "KPI,Measured on,Value,Note\n"
        f"{kpi.pk},2026-01-01,11,corrected\n"
        "Deploys per week,2026-02-01,12.5,\n"
        f"incidents,2026-01-01,4,\n"
    )
    dry = import_measurements(
        actor=org.hr_admin, fileobj=csv_file(text), filename="m.csv", dry_run=True
    )
    assert dry.ok and (dry.created, dry.updated) == (2, 1)
    assert KpiMeasurement.objects.count() == 1 and not AuditEntry.objects.exists()

    result = import_measurements(actor=org.hr_admin, fileobj=csv_file(text), filename="m.csv")
    assert result.ok and result.saved and (result.created, result.updated) == (2, 1)
    values = dict(KpiMeasurement.objects.filter(kpi=kpi).values_list("measured_on", "value"))
    assert values == {dt.date(2026, 1, 1): D(11), dt.date(2026, 2, 1): D("12.5")}
    assert KpiMeasurement.objects.get(kpi=other).entered_by == org.hr_admin
    entry = AuditEntry.objects.get()
    assert entry.action == "kpi.measurement.import"
    assert entry.after["kpis"] == sorted([kpi.pk, other.pk])
    assert (entry.after["created"], entry.after["updated"]) == (2, 1)


def test_import_reads_xlsx(org: Org) -> None:
    kpi = make_kpi(org)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["kpi", "measured_on", "value"])
    sheet.append([kpi.pk, dt.datetime(2026, 5, 1), 17.25])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    result = import_measurements(actor=org.hr_admin, fileobj=data, filename="m.xlsx")
    assert result.ok, result.errors
    assert KpiMeasurement.objects.get().value == D("17.25")


def test_hrbp_import_refuses_rows_for_kpis_out_of_scope(org: Org) -> None:
    mine = make_kpi(org, department=org.platform)
    theirs = make_kpi(org, name="Pipeline", department=org.sales)
    text = f"kpi,measured_on,value\n{mine.pk},2026-01-01,1\n{theirs.pk},2026-01-01,1\n"
    result = import_measurements(actor=org.hrbp, fileobj=csv_file(text), filename="m.csv")
    assert [(e.line, e.column) for e in result.errors] == [(3, "kpi")]
    assert not KpiMeasurement.objects.exists()
