"""The KPI pages: the list with its filters and query budget, a KPI's page
with its chart data and hand entry, the definition form (attachment rule,
threshold order, stale versions, HRBP scope) and the measurement upload
(dry run, then save)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cadence.core.models import AuditEntry, User
from cadence.goals.kpis import update_kpi
from cadence.goals.models import Direction, Frequency, Kpi, KpiMeasurement
from cadence.jobs.models import JobProfile
from tests.conftest import Org
from tests.factories import JobProfileFactory

pytestmark = pytest.mark.django_db

D = Decimal
QueryCounter = Callable[[int], Any]


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    """Uploads kept between the dry run and the save go to a throwaway directory."""
    settings.VAR_DIR = tmp_path


def signed_in(client: Client, user: User | None) -> Client:
    assert user is not None
    client.force_login(user)
    return client


def new_profile(**values: Any) -> JobProfile:
    return cast(JobProfile, JobProfileFactory(**values))


def make_kpi(org: Org, **overrides: Any) -> Kpi:
    values: dict[str, Any] = {
        "name": "Deploys per week",
        "direction": Direction.INCREASE,
        "target": D(20),
        "amber_threshold": D(15),
        "red_threshold": D(10),
        "department": org.engineering,
    }
    values.update(overrides)
    return Kpi.objects.create(**values)


def measure(kpi: Kpi, *values: int | str, start: dt.date = dt.date(2026, 1, 5)) -> None:
    """Weekly measurements, oldest first."""
    KpiMeasurement.objects.bulk_create(
        KpiMeasurement(kpi=kpi, measured_on=start + dt.timedelta(weeks=i), value=D(str(v)))
        for i, v in enumerate(values)
    )


def kpi_form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Lead time",
        "description": "Days from first commit to production.",
        "unit": "days",
        "direction": Direction.DECREASE,
        "frequency": Frequency.WEEKLY,
        "target": "2",
        "amber_threshold": "4",
        "red_threshold": "7",
        "job_profile": "",
        "department": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


# --- the list -------------------------------------------------------------------------------


@pytest.fixture
def four_kpis(org: Org) -> dict[str, Kpi]:
    """Green, red (lower is better), amber (inactive, a job profile's) and never measured."""
    profile = new_profile(title="Support agent")
    green = make_kpi(org, name="Deploys per week")
    measure(green, 12, 18, 25)
    red = make_kpi(
        org,
        name="Lead time",
        department=org.sales,
        direction=Direction.DECREASE,
        target=D(2),
        amber_threshold=D(4),
        red_threshold=D(7),
    )
    measure(red, 3, 9)
    amber = make_kpi(
        org,
        name="Customer satisfaction",
        department=None,
        job_profile=profile,
        is_active=False,
        target=D(90),
        amber_threshold=D(80),
        red_threshold=D(70),
    )
    measure(amber, 75)
    unmeasured = make_kpi(org, name="Uptime")
    return {"green": green, "red": red, "amber": amber, "unmeasured": unmeasured}


def listed(client: Client, params: dict[str, Any] | None = None) -> list[str]:
    resp = client.get("/goals/kpis/", params or {})
    assert resp.status_code == 200
    return [row.kpi.name for row in resp.context["rows"]]


def test_employee_sees_kpis_but_no_manage_buttons(
    client: Client, org: Org, four_kpis: dict[str, Kpi]
) -> None:
    resp = signed_in(client, org.employee.user).get("/goals/kpis/")
    assert resp.status_code == 200
    body = resp.content.decode()
    for name in ("Deploys per week", "Lead time", "Customer satisfaction", "Uptime"):
        assert name in body
    # Status as a word, not colour alone; the trend has a text alternative.
    assert re.search(r'data-status="green">.*Green</span>', body)
    assert re.search(r'data-status="red">.*Red</span>', body)
    assert re.search(r'data-trend="up"[^>]*>.*<span class="visually-hidden">Rising</span>', body)
    assert "Support agent" in body and "Sales" in body
    assert re.search(r'class="nav-link active" aria-current="page" href="/goals/kpis/">KPIs', body)
    assert "/goals/kpis/new/" not in body
    assert "/goals/kpis/upload/" not in body


@pytest.mark.parametrize("who", ["hr_admin", "hrbp"])
def test_hr_sees_new_and_upload_buttons(
    client: Client, org: Org, four_kpis: dict[str, Kpi], who: str
) -> None:
    body = signed_in(client, getattr(org, who)).get("/goals/kpis/").content.decode()
    assert 'href="/goals/kpis/new/"' in body
    assert 'href="/goals/kpis/upload/"' in body


def test_empty_state(client: Client, org: Org) -> None:
    body = signed_in(client, org.hr_admin).get("/goals/kpis/").content.decode()
    assert "There are no KPIs yet." in body and "Define the first one" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Customer satisfaction", "Deploys per week", "Lead time", "Uptime"]),
        ({"q": "DEPLOY"}, ["Deploys per week"]),
        ({"department": "engineering"}, ["Deploys per week", "Uptime"]),
        ({"job_profile": "profile"}, ["Customer satisfaction"]),
        ({"status": "green"}, ["Deploys per week"]),
        ({"status": "amber"}, ["Customer satisfaction"]),
        ({"status": "red"}, ["Lead time"]),
        ({"active": "0"}, ["Customer satisfaction"]),
        ({"active": "1"}, ["Deploys per week", "Lead time", "Uptime"]),
        ({"department": "engineering", "status": "green"}, ["Deploys per week"]),
    ],
)
def test_search_and_filters_narrow_the_list(
    client: Client,
    org: Org,
    four_kpis: dict[str, Kpi],
    params: dict[str, str],
    expected: list[str],
) -> None:
    ids = {
        "engineering": str(org.engineering.pk),
        "profile": str(JobProfile.objects.get(title="Support agent").pk),
    }
    query = {key: ids.get(value, value) for key, value in params.items()}
    assert listed(signed_in(client, org.employee.user), query) == expected


def test_filtered_list_with_no_match_says_so(
    client: Client, org: Org, four_kpis: dict[str, Kpi]
) -> None:
    body = signed_in(client, org.employee.user).get("/goals/kpis/", {"q": "zzz"}).content.decode()
    assert "No KPIs match" in body and "Clear the filters" in body


def test_outsider_sees_no_kpis(client: Client, org: Org, four_kpis: dict[str, Kpi]) -> None:
    assert listed(signed_in(client, org.outsider)) == []
    assert client.get(f"/goals/kpis/{four_kpis['green'].pk}/").status_code == 404


def add_kpis(org: Org, size: int) -> None:
    """`size` KPIs, alternating department and job profile, each with five measurements."""
    profiles = [new_profile() for _ in range(3)]
    kpis = Kpi.objects.bulk_create(
        Kpi(
            name=f"KPI {i:03d}",
            target=D(20),
            amber_threshold=D(15),
            red_threshold=D(10),
            department=org.engineering if i % 2 else None,
            job_profile=None if i % 2 else profiles[i % 3],
        )
        for i in range(size)
    )
    KpiMeasurement.objects.bulk_create(
        KpiMeasurement(kpi=kpi, measured_on=dt.date(2026, 1, 1 + day), value=D(8 + 3 * day))
        for kpi in kpis
        for day in range(5)
    )


@pytest.mark.parametrize("size", [3, 40])
@pytest.mark.parametrize("params", [{}, {"status": "green", "q": "KPI"}])
def test_list_query_budget(
    client: Client,
    org: Org,
    django_assert_max_num_queries: QueryCounter,
    size: int,
    params: dict[str, str],
) -> None:
    add_kpis(org, size)
    signed_in(client, org.hr_admin)
    # Session, user, roles, employee, the two filter selects, count, page, measurements,
    # and the session saved again (savepoint, update, release: SESSION_SAVE_EVERY_REQUEST).
    with django_assert_max_num_queries(12):
        resp = client.get("/goals/kpis/", params)
    assert resp.status_code == 200
    rows = resp.context["rows"]
    assert len(rows) == min(size, 25)
    assert {row.status for row in rows} == {"green"}  # the latest value, 20, is on target
    assert {row.trend for row in rows} == {"up"}


# --- one KPI ---------------------------------------------------------------------------------


def chart_data(body: str) -> dict[str, Any]:
    found = re.search(
        r'<script id="kpi-chart-data" type="application/json">(.*?)</script>', body, re.S
    )
    assert found, "no chart data on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_detail_shows_chart_data_against_target(client: Client, org: Org) -> None:
    kpi = make_kpi(org, unit="deploys")
    measure(kpi, 12, "17.5", 9)
    resp = signed_in(client, org.employee.user).get(f"/goals/kpis/{kpi.pk}/")
    assert resp.status_code == 200
    body = resp.content.decode()
    data = chart_data(body)
    assert data["points"] == [
        {"date": "2026-01-05", "value": 12.0},
        {"date": "2026-01-12", "value": 17.5},
        {"date": "2026-01-19", "value": 9.0},
    ]
    assert (data["target"], data["amber"], data["red"]) == (20.0, 15.0, 10.0)
    assert data["unit"] == "deploys"
    assert 'id="kpi-chart"' in body
    # Latest is 9: at or below red. The table lists newest first.
    assert re.search(r'id="kpi-latest">9 ', body)
    history = body[body.index('id="kpi-history"') :]
    assert history.index("19 Jan 2026") < history.index("12 Jan 2026") < history.index("5 Jan")
    # Employees read the KPI but do not get the hand-entry form or the edit link.
    assert "kpi-record-form" not in body and f"/goals/kpis/{kpi.pk}/edit/" not in body


@pytest.mark.parametrize("size", [3, 60])
def test_detail_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    kpi = make_kpi(org)
    measure(kpi, *range(size))
    signed_in(client, org.hr_admin)
    # Session, user, roles, employee, the KPI, its summary, the chart's points, the
    # table's count and page, and the session saved again (three statements).
    with django_assert_max_num_queries(12):
        resp = client.get(f"/goals/kpis/{kpi.pk}/")
    assert resp.status_code == 200
    assert len(resp.context["history"]) == min(size, 20)
    assert len(chart_data(resp.content.decode())["points"]) == size


def test_detail_offers_hand_entry_to_hr(client: Client, org: Org) -> None:
    kpi = make_kpi(org)
    resp = signed_in(client, org.hr_admin).get(f"/goals/kpis/{kpi.pk}/")
    body = resp.content.decode()
    assert "kpi-record-form" in body
    assert "already has a value, this one replaces it" in body
    assert resp.context["form"]["measured_on"].value() == dt.date.today()


def test_missing_kpi_is_404(client: Client, org: Org) -> None:
    assert signed_in(client, org.hr_admin).get("/goals/kpis/999999/").status_code == 404


def test_hr_records_a_measurement_by_hand_with_an_audit_row(client: Client, org: Org) -> None:
    kpi = make_kpi(org)
    resp = signed_in(client, org.hr_admin).post(
        f"/goals/kpis/{kpi.pk}/measurements/",
        {"measured_on": "2026-02-02", "value": "16.25", "note": "From the deploy log"},
    )
    assert resp.status_code == 302 and resp["Location"] == f"/goals/kpis/{kpi.pk}/"
    saved = KpiMeasurement.objects.get(kpi=kpi)
    assert (saved.measured_on, saved.value, saved.note) == (
        dt.date(2026, 2, 2),
        D("16.25"),
        "From the deploy log",
    )
    assert saved.entered_by == org.hr_admin
    assert AuditEntry.objects.filter(
        action="kpi.measurement.create", object_id=str(kpi.pk)
    ).exists()


def test_same_date_again_replaces_the_value(client: Client, org: Org) -> None:
    kpi = make_kpi(org)
    hr = signed_in(client, org.hr_admin)
    url = f"/goals/kpis/{kpi.pk}/measurements/"
    hr.post(url, {"measured_on": "2026-02-02", "value": "11"})
    resp = hr.post(url, {"measured_on": "2026-02-02", "value": "14"}, follow=True)
    assert "Replaced the value for 2 Feb 2026 with 14." in resp.content.decode()
    assert list(KpiMeasurement.objects.filter(kpi=kpi).values_list("value", flat=True)) == [D(14)]
    assert AuditEntry.objects.filter(action="kpi.measurement.update").count() == 1


@pytest.mark.parametrize("who", ["employee", "manager", "executive"])
def test_hand_entry_refused_to_non_managers(client: Client, org: Org, who: str) -> None:
    kpi = make_kpi(org)
    user = org.executive if who == "executive" else getattr(org, who).user
    resp = signed_in(client, user).post(
        f"/goals/kpis/{kpi.pk}/measurements/", {"measured_on": "2026-02-02", "value": "11"}
    )
    assert resp.status_code == 404
    assert not KpiMeasurement.objects.exists()
    assert not AuditEntry.objects.exists()


def test_hand_entry_with_a_bad_value_shows_the_field_error(client: Client, org: Org) -> None:
    kpi = make_kpi(org)
    resp = signed_in(client, org.hr_admin).post(
        f"/goals/kpis/{kpi.pk}/measurements/", {"measured_on": "2026-02-02", "value": "lots"}
    )
    assert resp.status_code == 400
    assert "value" in resp.context["form"].errors
    assert not KpiMeasurement.objects.exists()


# --- define and change ----------------------------------------------------------------------


def test_hr_admin_defines_a_kpi(client: Client, org: Org) -> None:
    resp = signed_in(client, org.hr_admin).post(
        "/goals/kpis/new/", kpi_form_data(department=org.engineering.pk)
    )
    kpi = Kpi.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/goals/kpis/{kpi.pk}/"
    assert (kpi.name, kpi.direction, kpi.red_threshold, kpi.department) == (
        "Lead time",
        Direction.DECREASE,
        D(7),
        org.engineering,
    )
    assert AuditEntry.objects.filter(action="kpi.create").count() == 1


@pytest.mark.parametrize("attach", ["both", "neither"])
def test_kpi_must_be_attached_to_exactly_one(client: Client, org: Org, attach: str) -> None:
    both = attach == "both"
    data = kpi_form_data(
        job_profile=new_profile().pk if both else "",
        department=org.engineering.pk if both else "",
    )
    resp = signed_in(client, org.hr_admin).post("/goals/kpis/new/", data)
    assert resp.status_code == 200
    errors = resp.context["form"].errors
    expected = "not both" if both else "Attach the KPI to a job profile or to a department."
    assert any(expected in e for e in errors["job_profile"])
    assert any(expected in e for e in errors["department"])
    assert 'aria-describedby="id_department_error' in resp.content.decode()
    assert not Kpi.objects.exists()


def test_thresholds_in_the_wrong_order_are_a_red_threshold_error(client: Client, org: Org) -> None:
    # Lower is better, so red (3) must be at or above amber (4).
    data = kpi_form_data(department=org.engineering.pk, red_threshold="3")
    resp = signed_in(client, org.hr_admin).post("/goals/kpis/new/", data)
    assert resp.status_code == 200
    assert "red_threshold" in resp.context["form"].errors
    assert "lower is better" in " ".join(resp.context["form"].errors["red_threshold"])
    assert not Kpi.objects.exists()


def test_edit_with_a_stale_version_is_refused(client: Client, org: Org) -> None:
    kpi = make_kpi(org)
    hr = signed_in(client, org.hr_admin)
    form = hr.get(f"/goals/kpis/{kpi.pk}/edit/").context["form"]
    seen_version = form["version"].value()
    update_kpi(actor=org.hr_admin, kpi=kpi, name="Deploys a week")  # someone else, meanwhile
    data = kpi_form_data(
        name="Deployments",
        direction=Direction.INCREASE,
        target="20",
        amber_threshold="15",
        red_threshold="10",
        department=org.engineering.pk,
        version=seen_version,
    )
    resp = hr.post(f"/goals/kpis/{kpi.pk}/edit/", data)
    assert resp.status_code == 200
    assert "changed by someone else" in resp.content.decode()
    kpi.refresh_from_db()
    assert kpi.name == "Deploys a week"


def test_edit_with_the_current_version_saves(client: Client, org: Org) -> None:
    kpi = make_kpi(org)
    data = kpi_form_data(
        name="Deployments",
        direction=Direction.INCREASE,
        target="25",
        amber_threshold="15",
        red_threshold="10",
        department=org.engineering.pk,
        version=kpi.version,
    )
    resp = signed_in(client, org.hr_admin).post(f"/goals/kpis/{kpi.pk}/edit/", data)
    assert resp.status_code == 302
    kpi.refresh_from_db()
    assert (kpi.name, kpi.target, kpi.version) == ("Deployments", D(25), 2)


def test_edit_of_a_kpi_you_cannot_manage_is_404(client: Client, org: Org) -> None:
    mine = make_kpi(org)
    org_wide = make_kpi(org, name="Org-wide", department=None, job_profile=new_profile())
    sales = make_kpi(org, name="Sales KPI", department=org.sales)
    assert signed_in(client, org.employee.user).get(f"/goals/kpis/{mine.pk}/edit/").status_code == (
        404
    )
    hrbp = signed_in(Client(), org.hrbp)
    assert hrbp.get(f"/goals/kpis/{mine.pk}/edit/").status_code == 200
    assert hrbp.get(f"/goals/kpis/{org_wide.pk}/edit/").status_code == 404
    assert hrbp.get(f"/goals/kpis/{sales.pk}/edit/").status_code == 404


def test_employee_cannot_reach_the_new_kpi_page(client: Client, org: Org) -> None:
    employee = signed_in(client, org.employee.user)
    assert employee.get("/goals/kpis/new/").status_code == 404
    data = kpi_form_data(department=org.platform.pk)
    assert employee.post("/goals/kpis/new/", data).status_code == 404
    assert not Kpi.objects.exists()


def test_hrbp_defines_kpis_for_departments_in_scope_only(client: Client, org: Org) -> None:
    hrbp = signed_in(client, org.hrbp)
    form = hrbp.get("/goals/kpis/new/").context["form"]
    offered = {d.pk for d in form.fields["department"].queryset}
    assert offered == {org.engineering.pk, org.platform.pk}
    assert "job_profile" not in form.fields  # job-profile KPIs are HR admin's

    resp = hrbp.post("/goals/kpis/new/", kpi_form_data(department=org.platform.pk))
    assert resp.status_code == 302
    assert Kpi.objects.get().department == org.platform

    resp = hrbp.post("/goals/kpis/new/", kpi_form_data(name="Win rate", department=org.sales.pk))
    assert resp.status_code == 200
    assert "department" in resp.context["form"].errors
    assert not Kpi.objects.filter(name="Win rate").exists()


# --- upload ----------------------------------------------------------------------------------


def upload(client: Client, text: str, name: str = "measurements.csv") -> Any:
    return client.post(
        "/goals/kpis/upload/", {"file": SimpleUploadedFile(name, text.encode("utf-8"))}
    )


def test_upload_with_bad_rows_lists_every_error_and_saves_nothing(
    client: Client, org: Org, tmp_path: Path
) -> None:
    kpi = make_kpi(org)
    text = (
        "kpi,measured_on,value,note\n"
        f"{kpi.pk},2026-01-05,12,fine\n"
        "No such KPI,2026-01-05,12,\n"
        f"{kpi.pk},2026-01-12,twelve,\n"
    )
    resp = upload(signed_in(client, org.hr_admin), text)
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "2 problems on 2 lines. Nothing was saved" in body
    assert "line 3, column &quot;kpi&quot;: There is no KPI called &quot;No such KPI&quot;." in body
    assert "line 4, column &quot;value&quot;: &quot;twelve&quot; is not a number." in body
    assert not KpiMeasurement.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not list((tmp_path / "kpi-imports").glob("*.json"))  # nothing kept either


def test_good_upload_previews_counts_then_saves(client: Client, org: Org) -> None:
    kpi = make_kpi(org)
    measure(kpi, 9)  # 2026-01-05, replaced by the file
    text = (
        "kpi,measured_on,value,note\n"
        f"{kpi.pk},2026-01-05,12,corrected\n"
        "Deploys per week,2026-01-12,15.5,\n"
        "deploys per week,2026-01-19,21,\n"
    )
    hr = signed_in(client, org.hr_admin)
    resp = upload(hr, text)
    assert resp.status_code == 302
    preview_url = resp["Location"]
    assert re.fullmatch(r"/goals/kpis/upload/[A-Za-z0-9_-]{22}/", preview_url)

    preview = hr.get(preview_url)
    assert preview.status_code == 200
    counts = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", preview.content.decode()))
    assert "3 rows: 2 new, 1 replacing existing value." in counts
    assert KpiMeasurement.objects.count() == 1  # a dry run so far

    resp = hr.post(f"{preview_url}save/", follow=True)
    assert resp.redirect_chain[-1][0] == "/goals/kpis/"
    assert "Saved 3 measurements from measurements.csv: 2 new, 1 replacing" in (
        resp.content.decode()
    )
    values = dict(KpiMeasurement.objects.values_list("measured_on", "value"))
    assert values == {
        dt.date(2026, 1, 5): D(12),
        dt.date(2026, 1, 12): D("15.5"),
        dt.date(2026, 1, 19): D(21),
    }
    assert AuditEntry.objects.filter(action="kpi.measurement.import").count() == 1
    # The kept file is gone once saved: the preview cannot be replayed.
    assert hr.get(preview_url).status_code == 404
    assert hr.post(f"{preview_url}save/").status_code == 404


def test_kept_upload_belongs_to_its_uploader(client: Client, org: Org) -> None:
    kpi = make_kpi(org)
    resp = upload(
        signed_in(client, org.hr_admin), f"kpi,measured_on,value\n{kpi.pk},2026-01-05,1\n"
    )
    preview_url = resp["Location"]
    hrbp = signed_in(Client(), org.hrbp)  # also allowed to import, but not this file
    assert hrbp.get(preview_url).status_code == 404
    assert hrbp.post(f"{preview_url}save/").status_code == 404
    assert not KpiMeasurement.objects.exists()


def test_upload_page_shows_columns_and_sample(client: Client, org: Org) -> None:
    hr = signed_in(client, org.hr_admin)
    body = hr.get("/goals/kpis/upload/").content.decode()
    for column in ("kpi", "measured_on", "value", "note"):
        assert f"<code>{column}</code>" in body
    sample = hr.get("/goals/kpis/upload/sample.csv")
    assert sample.status_code == 200 and sample["Content-Type"].startswith("text/csv")
    assert sample.content.decode().startswith("kpi,measured_on,value,note")


@pytest.mark.parametrize("who", ["employee", "manager", "executive", "auditor"])
def test_non_hr_cannot_reach_the_upload_pages(client: Client, org: Org, who: str) -> None:
    kpi = make_kpi(org)
    token = upload(
        signed_in(Client(), org.hr_admin), f"kpi,measured_on,value\n{kpi.pk},2026-01-05,1\n"
    )["Location"].split("/")[-2]
    user = getattr(org, who).user if who in ("employee", "manager") else getattr(org, who)
    other = signed_in(client, user)
    assert other.get("/goals/kpis/upload/").status_code == 404
    assert upload(other, f"kpi,measured_on,value\n{kpi.pk},2026-01-05,1\n").status_code == 404
    assert other.get("/goals/kpis/upload/sample.csv").status_code == 404
    assert other.get(f"/goals/kpis/upload/{token}/").status_code == 404
    assert other.post(f"/goals/kpis/upload/{token}/save/").status_code == 404
    assert not KpiMeasurement.objects.exists()
