"""KPIs through the API: the list and its filters (status checked against
`kpi_status` at every threshold), who may define and change a KPI, stale
edits, measurements posted one at a time or in an all-or-nothing batch,
and the query budgets of the two lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.goals.kpis import (
    MAX_MEASUREMENTS_PER_CALL,
    NewMeasurement,
    kpi_status,
    record_measurements,
    summaries,
    trend,
)
from cadence.goals.models import Direction, Kpi, KpiMeasurement
from tests.api_client import ids
from tests.conftest import Org
from tests.factories import JobProfileFactory

pytestmark = pytest.mark.django_db

D = Decimal
DAY = dt.date(2026, 1, 1)


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


def measure(kpi: Kpi, *values: int | str) -> None:
    """Values on consecutive days from DAY, oldest first."""
    for offset, value in enumerate(values):
        KpiMeasurement.objects.create(
            kpi=kpi, measured_on=DAY + dt.timedelta(days=offset), value=D(value)
        )


def kpi_audit():
    """The KPI audit rows (making an API token is audited too)."""
    return AuditEntry.objects.filter(action__startswith="kpi.")


def new_kpi_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "Uptime",
        "unit": "%",
        "target": "99.9",
        "amber_threshold": "99.5",
        "red_threshold": "99",
    }
    body.update(overrides)
    return body


def day(offset: int) -> str:
    return (DAY + dt.timedelta(days=offset)).isoformat()


# --- the list --------------------------------------------------------------------------


def test_list_filters(api, org):
    profile = JobProfileFactory()
    green = make_kpi(org, name="Deploys")
    red = make_kpi(org, name="Hiring speed", department=None, job_profile=profile)
    unmeasured = make_kpi(org, name="Pipeline", department=org.sales, is_active=False)
    amber = make_kpi(
        org,
        name="Incidents",
        direction=Direction.DECREASE,
        target=D(0),
        amber_threshold=D(2),
        red_threshold=D(5),
    )
    measure(green, 9, 16)  # red, then green: the latest counts
    measure(red, 20, 10)
    measure(amber, 3)
    client = api.as_(org.employee)

    by_name = [green.pk, red.pk, amber.pk, unmeasured.pk]
    assert ids(client.get("/api/v1/kpis")) == by_name
    assert ids(client.get("/api/v1/kpis", job_profile=profile.pk)) == [red.pk]
    assert ids(client.get("/api/v1/kpis", department=org.engineering.pk)) == [green.pk, amber.pk]
    assert ids(client.get("/api/v1/kpis", active="false")) == [unmeasured.pk]
    assert ids(client.get("/api/v1/kpis", active="true")) == [green.pk, red.pk, amber.pk]
    assert ids(client.get("/api/v1/kpis", status="green")) == [green.pk]
    assert ids(client.get("/api/v1/kpis", status="amber")) == [amber.pk]
    assert ids(client.get("/api/v1/kpis", status="red")) == [red.pk]
    assert ids(client.get("/api/v1/kpis", q="DEPLOY")) == [green.pk]
    assert ids(client.get("/api/v1/kpis", department=org.engineering.pk, status="amber")) == [
        amber.pk
    ]
    assert client.get("/api/v1/kpis", status="purple").status_code == 422


@pytest.mark.parametrize("direction", [Direction.INCREASE, Direction.DECREASE])
@pytest.mark.parametrize("value", ["5", "10", "10.0001", "12", "14.9999", "15", "15.0001", "30"])
def test_status_filter_agrees_with_kpi_status(api, org, direction, value):
    """The status filter is SQL and kpi_status is Python: the same rule at
    each threshold, for both directions."""
    if direction == Direction.INCREASE:
        kpi = make_kpi(org, amber_threshold=D(15), red_threshold=D(10))
    else:
        kpi = make_kpi(
            org, direction=direction, target=D(0), amber_threshold=D(10), red_threshold=D(15)
        )
    measure(kpi, 1000 if direction == Direction.DECREASE else -1000, value)  # older: red
    expected = kpi_status(kpi, D(value))
    client = api.as_(org.employee)
    for status in ("green", "amber", "red"):
        listed = kpi.pk in ids(client.get("/api/v1/kpis", status=status))
        assert listed == (status == expected), (status, expected)
    assert client.get(f"/api/v1/kpis/{kpi.pk}").json()["status"] == expected


def test_item_shape_latest_status_and_trend(api, org):
    profile = JobProfileFactory(title="Engineer")
    kpi = make_kpi(org, department=None, job_profile=profile, unit="deploys")
    # Saved out of order; by day the values are 1, 20, 12, 11: the last
    # three fall although the first-to-last change is up.
    for offset, value in ((3, 11), (0, 1), (2, 12), (1, 20)):
        KpiMeasurement.objects.create(
            kpi=kpi, measured_on=DAY + dt.timedelta(days=offset), value=value
        )
    empty = make_kpi(org, name="Zero")
    items = {i["id"]: i for i in api.as_(org.employee).get("/api/v1/kpis").json()["items"]}

    item = items[kpi.pk]
    assert item["job_profile"] == {"id": profile.pk, "name": "Engineer"}
    assert "department" not in item
    assert item["latest"] == {"measured_on": day(3), "value": "11.0000"}
    assert item["status"] == kpi_status(kpi, D(11)) == "amber"
    assert item["trend"] == trend([D(20), D(12), D(11)]) == "down"
    assert (item["unit"], item["direction"], item["version"]) == ("deploys", "increase", 1)
    assert D(item["red_threshold"]) == D(10)

    assert items[empty.pk]["department"] == {"id": org.engineering.pk, "name": "Engineering"}
    assert "job_profile" not in items[empty.pk]
    assert (items[empty.pk]["latest"], items[empty.pk]["status"]) == (None, None)
    assert items[empty.pk]["trend"] == "flat"


def test_people_outside_the_organisation_see_no_kpis(api, org):
    kpi = make_kpi(org)
    assert ids(api.as_(org.outsider).get("/api/v1/kpis")) == []
    assert api.as_(org.outsider).get(f"/api/v1/kpis/{kpi.pk}").status_code == 404
    assert api.as_(org.employee).get(f"/api/v1/kpis/{kpi.pk}").status_code == 200


@pytest.mark.parametrize("size", [3, 40])
def test_kpi_list_query_budget(api, org, django_assert_max_num_queries, size):
    profile = JobProfileFactory()
    latest_values = []
    for n in range(size):
        attached = {"department": org.engineering} if n % 2 else {"job_profile": profile}
        kpi = make_kpi(org, name=f"KPI {n:03}", **({"department": None} | attached))
        measure(kpi, *range(n, n + 5))
        latest_values.append((kpi, D(n + 4)))
    red = sum(kpi_status(kpi, value) == "red" for kpi, value in latest_values)
    client = api.as_(org.employee)
    client.get("/api/v1/kpis")  # warm up the token client
    # Three to know the caller (token, roles, employee), then the count, the
    # page and one for the latest measurements of the whole page.
    with django_assert_max_num_queries(6):
        resp = client.get("/api/v1/kpis", limit=100)
    assert len(resp.json()["items"]) == size
    assert all(item["latest"] is not None for item in resp.json()["items"])
    with django_assert_max_num_queries(6):
        resp = client.get("/api/v1/kpis", limit=100, status="red")
    assert resp.json()["count"] == red > 0


# --- defining KPIs -------------------------------------------------------------------------


def test_hr_admin_creates_a_kpi_and_it_is_audited(api, org):
    profile = JobProfileFactory()
    resp = api.as_(org.hr_admin).post("/api/v1/kpis", new_kpi_body(job_profile=profile.pk))
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["job_profile"]["id"] == profile.pk and "department" not in body
    assert (body["target"], body["latest"], body["status"]) == ("99.9000", None, None)
    kpi = Kpi.objects.get(pk=body["id"])
    assert (kpi.name, kpi.red_threshold, kpi.job_profile) == ("Uptime", D(99), profile)
    entry = AuditEntry.objects.get(action="kpi.create")
    assert (entry.object_id, entry.actor) == (str(kpi.pk), org.hr_admin)


def test_hrbp_creates_a_kpi_for_a_department_in_scope(api, org):
    resp = api.as_(org.hrbp).post("/api/v1/kpis", new_kpi_body(department=org.platform.pk))
    assert resp.status_code == 201, resp.content
    assert Kpi.objects.get().department == org.platform


@pytest.mark.parametrize(
    ("who", "where"),
    [("hrbp", "sales"), ("hrbp", "job_profile"), ("employee", "platform"), ("manager", "platform")],
)
def test_others_may_not_create_kpis(api, org, who, where):
    target = (
        {"job_profile": JobProfileFactory().pk}
        if where == "job_profile"
        else {"department": getattr(org, where).pk}
    )
    user = getattr(org, who)
    resp = api.as_(user).post("/api/v1/kpis", new_kpi_body(**target))
    assert resp.status_code == 403, resp.content
    assert not Kpi.objects.exists()
    assert not kpi_audit().exists()


def test_anonymous_callers_are_refused(org):
    kpi = make_kpi(org)
    client = Client()
    assert client.get("/api/v1/kpis").status_code == 401
    assert client.get(f"/api/v1/kpis/{kpi.pk}/measurements").status_code == 401
    resp = client.post(
        "/api/v1/kpis",
        new_kpi_body(department=org.engineering.pk),
        content_type="application/json",
    )
    assert resp.status_code == 401
    assert Kpi.objects.count() == 1


@pytest.mark.parametrize("name", ["job_profile", "department"])
def test_unknown_related_id_is_a_field_error(api, org, name):
    resp = api.as_(org.hr_admin).post("/api/v1/kpis", new_kpi_body(**{name: 987654}))
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == [name]
    assert not Kpi.objects.exists()


def test_thresholds_in_the_wrong_order_are_a_field_error(api, org):
    body = new_kpi_body(department=org.engineering.pk, amber_threshold="90", red_threshold="95")
    resp = api.as_(org.hr_admin).post("/api/v1/kpis", body)
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == ["red_threshold"]
    assert not Kpi.objects.exists()


def test_a_kpi_needs_exactly_one_of_job_profile_and_department(api, org):
    client = api.as_(org.hr_admin)
    both = client.post(
        "/api/v1/kpis",
        new_kpi_body(department=org.engineering.pk, job_profile=JobProfileFactory().pk),
    )
    assert both.status_code == 422
    assert [e["field"] for e in both.json()["errors"]] == ["department"]
    neither = client.post("/api/v1/kpis", new_kpi_body())
    assert neither.status_code == 422 and neither.json()["errors"][0]["message"]
    assert not Kpi.objects.exists()


def test_patch_with_a_good_then_a_stale_version(api, org):
    kpi = make_kpi(org)
    client = api.as_(org.hr_admin)
    ok = client.patch(f"/api/v1/kpis/{kpi.pk}", {"target": "25", "version": 1})
    assert ok.status_code == 200, ok.content
    assert (ok.json()["version"], ok.json()["target"]) == (2, "25.0000")
    stale = client.patch(f"/api/v1/kpis/{kpi.pk}", {"target": "30", "version": 1})
    assert stale.status_code == 409
    assert [e["field"] for e in stale.json()["errors"]] == ["version"]
    assert Kpi.objects.get(pk=kpi.pk).target == D(25)
    assert AuditEntry.objects.filter(action="kpi.update").count() == 1


def test_patch_moves_a_kpi_from_a_job_profile_to_a_department(api, org):
    kpi = make_kpi(org, department=None, job_profile=JobProfileFactory())
    resp = api.as_(org.hr_admin).patch(
        f"/api/v1/kpis/{kpi.pk}", {"job_profile": None, "department": org.sales.pk}
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["department"]["id"] == org.sales.pk and "job_profile" not in resp.json()


@pytest.mark.parametrize("who", ["hrbp", "employee"])
def test_patch_of_a_visible_kpi_one_may_not_manage_is_403(api, org, who):
    kpi = make_kpi(org, department=org.sales)
    resp = api.as_(getattr(org, who)).patch(f"/api/v1/kpis/{kpi.pk}", {"name": "Mine now"})
    assert resp.status_code == 403
    assert Kpi.objects.get(pk=kpi.pk).name == "Deploys per week"


def test_unknown_kpi_is_404_everywhere(api, org):
    make_kpi(org)
    client = api.as_(org.hr_admin)
    missing = Kpi.objects.get().pk + 1000
    assert client.get(f"/api/v1/kpis/{missing}").status_code == 404
    assert client.patch(f"/api/v1/kpis/{missing}", {"name": "X"}).status_code == 404
    assert client.get(f"/api/v1/kpis/{missing}/measurements").status_code == 404
    post = client.post(f"/api/v1/kpis/{missing}/measurements", {"measured_on": day(0), "value": 1})
    assert post.status_code == 404
    assert post.json() == {"detail": "Not found.", "errors": []}
    assert not KpiMeasurement.objects.exists()


# --- measurements ------------------------------------------------------------------------


def test_post_one_measurement(api, org):
    kpi = make_kpi(org)
    resp = api.as_(org.hr_admin).post(
        f"/api/v1/kpis/{kpi.pk}/measurements",
        {"measured_on": day(0), "value": "12.5", "note": "after the freeze"},
    )
    assert resp.status_code == 201, resp.content
    assert resp.json() == {
        "created": 1,
        "updated": 0,
        "items": [
            {
                "measured_on": day(0),
                "value": "12.5000",
                "note": "after the freeze",
                "status": kpi_status(kpi, D("12.5")),
            }
        ],
    }
    saved = KpiMeasurement.objects.get(kpi=kpi)
    assert (saved.value, saved.note, saved.entered_by) == (
        D("12.5"),
        "after the freeze",
        org.hr_admin,
    )


def test_post_a_batch_audited_once(api, org):
    kpi = make_kpi(org, department=org.platform)
    batch = [{"measured_on": day(n), "value": 8 + 3 * n} for n in range(4)]
    resp = api.as_(org.hrbp).post(f"/api/v1/kpis/{kpi.pk}/measurements", batch)
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["created"], body["updated"]) == (4, 0)
    assert [i["status"] for i in body["items"]] == ["red", "amber", "amber", "green"]
    assert [i["status"] for i in body["items"]] == [kpi_status(kpi, D(8 + 3 * n)) for n in range(4)]
    stored = dict(KpiMeasurement.objects.filter(kpi=kpi).values_list("measured_on", "value"))
    assert stored == {DAY + dt.timedelta(days=n): D(8 + 3 * n) for n in range(4)}
    entry = kpi_audit().get()
    assert (entry.action, entry.object_id) == ("kpi.measurement.record", str(kpi.pk))
    assert (entry.after["created"], entry.after["updated"]) == (4, 0)
    assert sorted(entry.after["values"]) == [day(n) for n in range(4)]


def test_a_batch_with_two_bad_items_names_both_and_saves_nothing(api, org):
    kpi = make_kpi(org)
    measure(kpi, 3)
    before = KpiMeasurement.objects.count()
    batch = [
        {"measured_on": day(0), "value": 11},  # fine on its own: would replace day 0
        {"measured_on": day(1), "value": "eleven"},
        {"measured_on": day(2), "value": 12},
        {"measured_on": "2026-02-30", "value": 12},
    ]
    resp = api.as_(org.hr_admin).post(f"/api/v1/kpis/{kpi.pk}/measurements", batch)
    assert resp.status_code == 422
    errors = resp.json()["errors"]
    assert {e["field"] for e in errors} == {"1.value", "3.measured_on"}
    assert all(e["message"] for e in errors)
    assert KpiMeasurement.objects.count() == before
    assert KpiMeasurement.objects.get(kpi=kpi).value == D(3)
    assert not kpi_audit().exists()


def test_a_day_twice_in_one_batch_is_an_error_on_the_later_item(api, org):
    kpi = make_kpi(org)
    batch = [
        {"measured_on": day(0), "value": 11},
        {"measured_on": day(1), "value": 12},
        {"measured_on": day(0), "value": 13},
    ]
    resp = api.as_(org.hr_admin).post(f"/api/v1/kpis/{kpi.pk}/measurements", batch)
    assert resp.status_code == 422
    [error] = resp.json()["errors"]
    assert error["field"] == "2.measured_on" and "Item 0" in error["message"]
    assert not KpiMeasurement.objects.exists()


def test_a_day_that_has_a_value_is_replaced(api, org):
    kpi = make_kpi(org)
    measure(kpi, 3, 4)
    resp = api.as_(org.hr_admin).post(
        f"/api/v1/kpis/{kpi.pk}/measurements",
        [
            {"measured_on": day(1), "value": 16, "note": "recounted"},
            {"measured_on": day(2), "value": 17},
        ],
    )
    assert resp.status_code == 201, resp.content
    assert (resp.json()["created"], resp.json()["updated"]) == (1, 1)
    values = dict(KpiMeasurement.objects.filter(kpi=kpi).values_list("measured_on", "value"))
    assert values == {
        DAY: D(3),
        DAY + dt.timedelta(days=1): D(16),
        DAY + dt.timedelta(days=2): D(17),
    }
    assert KpiMeasurement.objects.get(kpi=kpi, measured_on=day(1)).note == "recounted"
    entry = AuditEntry.objects.get(action="kpi.measurement.record")
    assert D(entry.before["values"][day(1)]["value"]) == D(4)
    assert list(entry.before["values"]) == [day(1)]


def test_too_many_items_is_a_422(api, org):
    kpi = make_kpi(org)
    batch = [{"measured_on": day(n), "value": 1} for n in range(MAX_MEASUREMENTS_PER_CALL + 1)]
    resp = api.as_(org.hr_admin).post(f"/api/v1/kpis/{kpi.pk}/measurements", batch)
    assert resp.status_code == 422
    assert "at most 1,000" in resp.json()["errors"][0]["message"]
    assert not KpiMeasurement.objects.exists()


def test_a_full_batch_is_accepted(api, org):
    kpi = make_kpi(org)
    batch = [{"measured_on": day(n), "value": n} for n in range(MAX_MEASUREMENTS_PER_CALL)]
    resp = api.as_(org.hr_admin).post(f"/api/v1/kpis/{kpi.pk}/measurements", batch)
    assert resp.status_code == 201, resp.content[:500]
    assert KpiMeasurement.objects.filter(kpi=kpi).count() == MAX_MEASUREMENTS_PER_CALL


@pytest.mark.parametrize("body", [[], "12", 12])
def test_a_body_that_is_neither_an_item_nor_a_list_is_a_422(api, org, body):
    kpi = make_kpi(org)
    resp = api.as_(org.hr_admin).post(f"/api/v1/kpis/{kpi.pk}/measurements", body)
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["message"]
    assert not KpiMeasurement.objects.exists()


@pytest.mark.parametrize("who", ["employee", "manager", "hrbp"])
def test_people_who_may_not_manage_the_kpi_cannot_post_measurements(api, org, who):
    kpi = make_kpi(org, department=org.sales)  # outside the HRBP's Engineering
    resp = api.as_(getattr(org, who)).post(
        f"/api/v1/kpis/{kpi.pk}/measurements", [{"measured_on": day(0), "value": 12}]
    )
    assert resp.status_code == 403
    assert not KpiMeasurement.objects.exists()
    assert not kpi_audit().exists()


def test_measurement_list_newest_first_with_dates_and_status(api, org):
    kpi = make_kpi(org)
    measure(kpi, 9, 12, 16, 20)
    client = api.as_(org.employee)
    body = client.get(f"/api/v1/kpis/{kpi.pk}/measurements").json()
    assert body["count"] == 4
    assert [i["measured_on"] for i in body["items"]] == [day(3), day(2), day(1), day(0)]
    assert [i["status"] for i in body["items"]] == [kpi_status(kpi, D(v)) for v in (20, 16, 12, 9)]
    assert [i["status"] for i in body["items"]] == ["green", "green", "amber", "red"]
    window = client.get(f"/api/v1/kpis/{kpi.pk}/measurements", since=day(1), until=day(2))
    assert [i["measured_on"] for i in window.json()["items"]] == [day(2), day(1)]
    assert client.get(f"/api/v1/kpis/{kpi.pk}/measurements", since="yesterday").status_code == 422


@pytest.mark.parametrize("size", [3, 40])
def test_measurement_list_query_budget(api, org, django_assert_max_num_queries, size):
    kpi = make_kpi(org)
    measure(kpi, *range(size))
    client = api.as_(org.employee)
    client.get("/api/v1/kpis")  # warm up the token client
    # Three to know the caller, then the KPI, the count and the page.
    with django_assert_max_num_queries(6):
        resp = client.get(f"/api/v1/kpis/{kpi.pk}/measurements", limit=100)
    assert len(resp.json()["items"]) == size


# --- the batch service ---------------------------------------------------------------------


def test_record_measurements_checks_every_item_with_the_import_rules(org):
    kpi = make_kpi(org)
    items = [
        NewMeasurement(DAY, D("1e10")),
        NewMeasurement(DAY + dt.timedelta(days=1), D("1.00001")),
        NewMeasurement(DAY + dt.timedelta(days=2), D(1), note="x" * 301),
        NewMeasurement(DAY + dt.timedelta(days=3), D(1)),
    ]
    with pytest.raises(ValidationError) as exc:
        record_measurements(actor=org.hr_admin, kpi=kpi, items=items)
    assert set(exc.value.message_dict) == {"0.value", "1.value", "2.note"}
    assert not KpiMeasurement.objects.exists()


def test_record_measurements_refuses_who_may_not_manage_and_oversized_batches(org):
    kpi = make_kpi(org)
    with pytest.raises(PermissionDenied):
        record_measurements(actor=org.employee.user, kpi=kpi, items=[NewMeasurement(DAY, D(1))])
    too_many = [
        NewMeasurement(DAY + dt.timedelta(days=n), D(1))
        for n in range(MAX_MEASUREMENTS_PER_CALL + 1)
    ]
    with pytest.raises(ValidationError):
        record_measurements(actor=org.hr_admin, kpi=kpi, items=too_many)
    assert not KpiMeasurement.objects.exists()


def test_summaries_read_only_the_last_measurements(org, django_assert_num_queries):
    kpi = make_kpi(org)
    measure(kpi, 10, 20, 12)
    # Over the last two the value falls; over all three it rises.
    with django_assert_num_queries(1):
        [summary] = summaries([kpi], history=2)
    assert summary.trend == trend([D(20), D(12)]) == "down"
    assert summary.latest is not None and summary.latest.value == D(12)
