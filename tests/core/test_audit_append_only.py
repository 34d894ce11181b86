"""The audit trail and the access log cannot be changed or deleted from the
product: the models refuse it, and no page offers it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from cadence.core.models import AccessLogEntry, AuditEntry
from tests.conftest import Org


@pytest.fixture
def entries(org: Org) -> tuple[AuditEntry, AccessLogEntry]:
    audit_row = AuditEntry.objects.create(
        actor=org.hr_admin,
        actor_label=org.hr_admin.email,
        action="x.update",
        object_type="jobs.jobfamily",
        object_id="1",
        before={"a": 1},
        after={"a": 2},
    )
    access_row = AccessLogEntry.objects.create(
        actor=org.hr_admin,
        actor_label=org.hr_admin.email,
        object_type="people.employee",
        object_id="1",
        fields=["salary"],
        context="test",
    )
    return audit_row, access_row


@pytest.mark.parametrize("index", [0, 1], ids=["audit", "access"])
def test_saving_an_existing_entry_is_refused(
    entries: tuple[AuditEntry, AccessLogEntry], index: int
) -> None:
    entry = entries[index]
    entry.object_label = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    entry.refresh_from_db()
    assert entry.object_label == ""


@pytest.mark.parametrize("index", [0, 1], ids=["audit", "access"])
def test_deleting_an_entry_is_refused(
    entries: tuple[AuditEntry, AccessLogEntry], index: int
) -> None:
    entry = entries[index]
    with pytest.raises(PermissionError):
        entry.delete()
    assert type(entry).objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("model", [AuditEntry, AccessLogEntry])
def test_bulk_update_and_delete_are_refused(
    entries: tuple[AuditEntry, AccessLogEntry], model: type[AuditEntry]
) -> None:
    with pytest.raises(PermissionError):
        model.objects.update(object_label="tampered")
    with pytest.raises(PermissionError):
        model.objects.filter(pk__gt=0).update(object_label="tampered")
    with pytest.raises(PermissionError):
        model.objects.all().delete()
    with pytest.raises(PermissionError):
        model.objects.filter(pk__gt=0).delete()
    assert model.objects.count() == 1
    assert not model.objects.filter(object_label="tampered").exists()


def test_no_page_edits_or_deletes_log_entries(
    client: Client, org: Org, entries: tuple[AuditEntry, AccessLogEntry]
) -> None:
    client.force_login(org.hr_admin)
    audit_row, access_row = entries
    for name in ("audit_log_edit", "audit_log_delete", "access_log_delete", "auditentry_delete"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[audit_row.pk])
    for url in (
        f"/logs/audit/{audit_row.pk}/",
        f"/logs/audit/{audit_row.pk}/delete/",
        f"/logs/access/{access_row.pk}/delete/",
    ):
        assert client.post(url).status_code == 404
    # the log pages answer GET only
    assert client.post(reverse("audit_log"), {"action": "deleted"}).status_code == 405
    assert client.post(reverse("access_log")).status_code == 405
    assert AuditEntry.objects.count() == 1 and AccessLogEntry.objects.count() == 1
