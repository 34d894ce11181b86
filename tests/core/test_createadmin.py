"""`cadence createadmin` creates or updates an HR admin, audited, and
refuses weak passwords."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from cadence.core.models import AuditEntry, Role, RoleAssignment, User

STRONG = "quiet-harbour-lantern-42"


@pytest.mark.django_db
def test_creates_an_audited_hr_admin() -> None:
    call_command("createadmin", "--email", "Head.Of.HR@Example.com", "--password", STRONG)
    user = User.objects.get(email="head.of.hr@example.com")
    assert RoleAssignment.objects.filter(user=user, role=Role.HR_ADMIN, department=None).exists()
    assert authenticate(email="head.of.hr@example.com", password=STRONG) == user
    entry = AuditEntry.objects.get(action="user.create_admin")
    assert entry.actor is None
    assert entry.object_id == str(user.pk)


@pytest.mark.django_db
def test_running_again_updates_the_password_without_duplicating_the_role() -> None:
    call_command("createadmin", "--email", "hr@example.com", "--password", STRONG)
    call_command("createadmin", "--email", "hr@example.com", "--password", STRONG + "-new")
    user = User.objects.get(email="hr@example.com")
    assert RoleAssignment.objects.filter(user=user).count() == 1
    assert user.check_password(STRONG + "-new")
    assert AuditEntry.objects.filter(action="user.update_admin").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["password", "12345678", "short"])
def test_rejects_a_weak_password(weak: str) -> None:
    with pytest.raises(CommandError, match="Password rejected"):
        call_command("createadmin", "--email", "hr@example.com", "--password", weak)
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_reads_the_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    monkeypatch.setenv("CADENCE_ADMIN_PASSWORD", STRONG)
    call_command("createadmin", "--email", "env@example.com")
    assert User.objects.get(email="env@example.com").check_password(STRONG)


@pytest.mark.django_db
def test_without_any_password_it_explains_where_to_put_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    monkeypatch.delenv("CADENCE_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="CADENCE_ADMIN_PASSWORD"):
        call_command("createadmin", "--email", "env@example.com")
