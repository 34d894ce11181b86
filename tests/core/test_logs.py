"""The audit-log and access-log pages: HR admins and auditors only,
filters (actor, action/context, object type and id, inclusive date range in
the configured time zone), newest first, 50 a page, and a streamed CSV of
the filtered set whose export is itself noted in the access log."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.http import StreamingHttpResponse
from django.test import Client, override_settings
from django.utils import timezone

from cadence.core.models import AccessLogEntry, AuditEntry, User
from tests.conftest import Org


def audit(actor: User | None, action: str, when: dt.datetime, **kw: object) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=actor.email if actor else "system",
        action=action,
        object_type=kw.pop("object_type", "jobs.jobfamily"),
        object_id=kw.pop("object_id", "1"),
        object_label=kw.pop("object_label", "Engineering"),
        created_at=when,
        **kw,
    )


def access(actor: User, context: str, when: dt.datetime, **kw: object) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        actor=actor,
        actor_label=actor.email,
        object_type=kw.pop("object_type", "people.employee"),
        object_id=kw.pop("object_id", "7"),
        object_label="Emma Employee",
        fields=kw.pop("fields", ["salary"]),
        context=context,
        created_at=when,
        **kw,
    )


def at(day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 3, day, hour, minute))


def shown(resp: object, attr: str = "action") -> list[str]:
    return [getattr(entry, attr) for entry, _ in resp.context["rows"]]  # type: ignore[attr-defined]


def csv_rows(resp: StreamingHttpResponse) -> list[list[str]]:
    body = b"".join(resp.streaming_content).decode()  # type: ignore[arg-type]
    return list(csv.reader(io.StringIO(body)))


# --- who may read --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["hr_admin", "auditor"])
def test_hr_admin_and_auditor_read_both_logs(client: Client, org: Org, who: str) -> None:
    client.force_login(getattr(org, who))
    assert client.get("/logs/audit/").status_code == 200
    assert client.get("/logs/access/").status_code == 200
    assert client.get("/logs/audit/?format=csv").status_code == 200


@pytest.mark.parametrize("who", ["hrbp", "executive", "outsider"])
def test_other_roles_get_404(client: Client, org: Org, who: str) -> None:
    client.force_login(getattr(org, who))
    for url in ("/logs/audit/", "/logs/access/", "/logs/audit/?format=csv"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["employee", "manager", "ceo"])
def test_employees_and_managers_get_404(client: Client, org: Org, who: str) -> None:
    client.force_login(getattr(org, who).user)
    assert client.get("/logs/audit/").status_code == 404
    assert client.get("/logs/access/?format=csv").status_code == 404
    assert not AccessLogEntry.objects.exists()  # a refused export is not recorded


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    resp = client.get("/logs/audit/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


# --- audit log ---------------------------------------------------------------------------


@pytest.fixture
def trail(org: Org) -> None:
    audit(org.hr_admin, "job_family.create", at(1), after={"name": "Engineering"})
    audit(org.hr_admin, "job_family.update", at(2), before={"name": "Eng"}, after={"name": "X"})
    audit(
        org.hrbp,
        "employee.update",
        at(3),
        object_type="people.employee",
        object_id="7",
        before={"salary": "1"},
        after={"salary": "2"},
        request_id="req-abc-123",
    )
    audit(
        None,
        "job_profile.delete",
        at(4, 23, 59),
        object_type="jobs.jobprofile",
        object_id="9",
        before={"title": "Old"},
    )


def test_newest_first_with_compact_changes(client: Client, org: Org, trail: None) -> None:
    client.force_login(org.auditor)
    resp = client.get("/logs/audit/")
    assert shown(resp) == [
        "job_profile.delete",
        "employee.update",
        "job_family.update",
        "job_family.create",
    ]
    html = resp.content.decode()
    assert "<del>&quot;Eng&quot;</del>" in html and "<ins>&quot;X&quot;</ins>" in html
    assert "req-abc-123" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "HRBP@"}, ["employee.update"]),
        ({"actor": "system"}, ["job_profile.delete"]),
        ({"action": "job_family"}, ["job_family.update", "job_family.create"]),
        ({"object_type": "people.employee"}, ["employee.update"]),
        (
            {"object_type": "jobs.jobfamily", "object_id": "1"},
            ["job_family.update", "job_family.create"],
        ),
        ({"object_id": "9"}, ["job_profile.delete"]),
        (
            {"date_from": "2025-03-02", "date_to": "2025-03-03"},
            ["employee.update", "job_family.update"],
        ),
        ({"date_from": "2025-03-04"}, ["job_profile.delete"]),  # 23:59 on the last day counts
        ({"date_to": "2025-03-01"}, ["job_family.create"]),
    ],
)
def test_audit_filters(
    client: Client, org: Org, trail: None, params: dict[str, str], expected: list[str]
) -> None:
    client.force_login(org.hr_admin)
    assert shown(client.get("/logs/audit/", params)) == expected


def test_object_type_choices_are_the_distinct_values(client: Client, org: Org, trail: None) -> None:
    client.force_login(org.hr_admin)
    form = client.get("/logs/audit/").context["form"]
    assert [v for v, _ in form.fields["object_type"].choices] == [
        "",
        "jobs.jobfamily",
        "jobs.jobprofile",
        "people.employee",
    ]


def test_reversed_date_range_is_a_field_error(client: Client, org: Org, trail: None) -> None:
    client.force_login(org.hr_admin)
    resp = client.get("/logs/audit/", {"date_from": "2025-03-04", "date_to": "2025-03-01"})
    assert 'id="id_date_to_error"' in resp.content.decode()
    assert 'aria-describedby="id_date_to_error"' in resp.content.decode()


@override_settings(TIME_ZONE="America/New_York")
def test_date_range_is_in_the_configured_time_zone(client: Client, org: Org) -> None:
    utc = dt.UTC
    # 02:00 UTC on 10 March is still 9 March in New York
    audit(org.hr_admin, "late.evening", dt.datetime(2025, 3, 10, 2, 0, tzinfo=utc))
    audit(org.hr_admin, "next.morning", dt.datetime(2025, 3, 10, 14, 0, tzinfo=utc))
    client.force_login(org.hr_admin)
    day9 = {"date_from": "2025-03-09", "date_to": "2025-03-09"}
    assert shown(client.get("/logs/audit/", day9)) == ["late.evening"]
    day10 = {"date_from": "2025-03-10", "date_to": "2025-03-10"}
    assert shown(client.get("/logs/audit/", day10)) == ["next.morning"]


def test_paginated_50_a_page(client: Client, org: Org) -> None:
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor_label="system",
            action=f"a.{n:03d}",
            object_type="t",
            created_at=at(1) + dt.timedelta(minutes=n),
        )
        for n in range(120)
    )
    client.force_login(org.auditor)
    first = client.get("/logs/audit/")
    assert len(first.context["rows"]) == 50 and shown(first)[0] == "a.119"
    third = client.get("/logs/audit/", {"page": 3})
    assert len(third.context["rows"]) == 20 and shown(third)[-1] == "a.000"


@pytest.mark.parametrize("size", [10, 200])
def test_log_pages_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: object, size: int
) -> None:
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=org.hr_admin,
            actor_label="hr",
            action="x",
            object_type=f"t{n % 7}",
            before={"a": n},
            after={"a": n + 1},
        )
        for n in range(size)
    )
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            actor=org.hr_admin,
            actor_label="hr",
            object_type="p",
            object_id=str(n),
            fields=["salary"],
            context="c",
        )
        for n in range(size)
    )
    client.force_login(org.auditor)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get("/logs/audit/").status_code == 200
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get("/logs/access/").status_code == 200


def test_audit_csv_export_of_the_filtered_set(client: Client, org: Org, trail: None) -> None:
    client.force_login(org.auditor)
    resp = client.get("/logs/audit/", {"format": "csv", "action": "job_family", "page": "9"})
    assert isinstance(resp, StreamingHttpResponse)
    assert resp["Content-Type"].startswith("text/csv")
    assert "attachment" in resp["Content-Disposition"]
    rows = csv_rows(resp)
    assert rows[0] == [
        "created_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "before",
        "after",
        "request_id",
    ]
    assert [r[2] for r in rows[1:]] == ["job_family.update", "job_family.create"]
    assert rows[1][6] == '{"name":"Eng"}' and rows[1][7] == '{"name":"X"}'
    assert rows[1][1] == org.hr_admin.email


def test_csv_export_is_noted_in_the_access_log(client: Client, org: Org, trail: None) -> None:
    client.force_login(org.auditor)
    resp = client.get("/logs/audit/", {"format": "csv", "actor": "hrbp"})
    b"".join(resp.streaming_content)  # type: ignore[attr-defined]
    note = AccessLogEntry.objects.get()
    assert note.actor == org.auditor and note.context == "logs.export"
    assert note.object_type == "core.auditentry" and note.fields == ["actor=hrbp"]
    assert note.request_id == resp["X-Request-ID"]
    assert AuditEntry.objects.count() == 4  # an export is a read, not an audited write


def test_csv_cells_cannot_run_as_formulas(client: Client, org: Org) -> None:
    audit(org.hr_admin, "x.update", at(1), object_label='=HYPERLINK("http://evil")')
    client.force_login(org.hr_admin)
    rows = csv_rows(client.get("/logs/audit/", {"format": "csv"}))
    assert rows[1][5].startswith("'=")


def test_csv_export_streams_in_chunks(client: Client, org: Org) -> None:
    AuditEntry.objects.bulk_create(
        AuditEntry(actor_label="system", action="bulk", object_type="t", created_at=at(1))
        for _ in range(2500)
    )
    client.force_login(org.hr_admin)
    rows = csv_rows(client.get("/logs/audit/", {"format": "csv"}))
    assert len(rows) == 2501


# --- access log --------------------------------------------------------------------------


def test_access_log_filters_and_csv(client: Client, org: Org) -> None:
    access(org.hr_admin, "employee.detail", at(1), fields=["salary", "sex"])
    access(org.hrbp, "people.export", at(2), object_id="8")
    access(org.hr_admin, "employee.detail", at(3), object_type="development.pip")
    client.force_login(org.auditor)
    assert shown(client.get("/logs/access/"), "context") == [
        "employee.detail",
        "people.export",
        "employee.detail",
    ]
    assert shown(client.get("/logs/access/", {"action": "export"}), "object_id") == ["8"]
    assert shown(client.get("/logs/access/", {"actor": "hr.admin"}), "object_type") == [
        "development.pip",
        "people.employee",
    ]
    assert shown(
        client.get("/logs/access/", {"object_type": "people.employee", "date_to": "2025-03-01"}),
        "object_id",
    ) == ["7"]
    resp = client.get("/logs/access/", {"format": "csv", "date_to": "2025-03-01"})
    rows = csv_rows(resp)
    assert rows[0] == [
        "created_at",
        "actor",
        "context",
        "object_type",
        "object_id",
        "object_label",
        "fields",
        "request_id",
    ]
    assert len(rows) == 2 and rows[1][6] == "salary;sex"
    assert rows[1][0].startswith("2025-03-01T12:00:00")


def test_empty_states(client: Client, org: Org) -> None:
    client.force_login(org.hr_admin)
    assert b"Nothing has been recorded yet" in client.get("/logs/audit/").content
    assert b"No audit entries match" in client.get("/logs/audit/", {"actor": "nobody"}).content
