"""Writes on succession plans: critical roles (create, change, delete) and
their successors (name, change readiness or notes, remove). Every write is
one transaction with its audit row; the page and the API call these.

Who may write: HR admins, and the HRBP whose scope covers the role's
department (before and after the change). Executives read only; nobody else
sees succession plans (`cadence.talent.access.critical_role_condition`).

A critical role is either a job profile (every holder of it) or one
person's position (`incumbent`) — exactly one of the two. Every role is in a
department, so that the HRBP and the executives of that department see it:
a position's role is in its holder's department (set from the holder; a
different one is refused), a job-profile role names its department.

A successor is a current employee (active or on leave), not the role's
incumbent and not already named for it. Naming, re-rating and removing
successors bump the role's version, so a stale edit of the plan is refused."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.core.services import assign_fields
from cadence.jobs.models import JobProfile
from cadence.people.models import Department, Employee
from cadence.talent.models import CriticalRole, Rating3, Readiness, Successor
from cadence.talent.selectors_succession import CURRENT, can_change_role

ROLE_FIELDS = (
    "title",
    "job_profile",
    "incumbent",
    "department",
    "risk_of_loss",
    "impact_of_loss",
    "notes",
)
SUCCESSOR_FIELDS = ("readiness", "notes")
STALE_MESSAGE = "This succession plan was changed by someone else. Reload it and try again."
TITLE_MAX = 200
NOTES_MAX = 10_000


# --- helpers --------------------------------------------------------------------------------


def _locked(role: CriticalRole, *, version: int | None = None) -> CriticalRole:
    """The role re-read under a row lock, its version checked."""
    locked = (
        CriticalRole.objects.select_for_update(of=("self",))
        .select_related("incumbent", "department", "job_profile")
        .get(pk=role.pk)
    )
    if version is not None and version != locked.version:
        raise ValidationError({"version": STALE_MESSAGE})
    return locked


def _require_change(actor: User, role: CriticalRole) -> None:
    if not can_change_role(actor, role):
        raise PermissionDenied


def _require_scope(actor: User, department_id: int | None) -> None:
    """HR admins anywhere; an HRBP only in their departments; nobody else."""
    viewer = viewer_for(actor)
    if viewer.is_hr_admin:
        return
    if not viewer.hrbp_department_ids:
        raise PermissionDenied
    if department_id is not None and department_id not in viewer.hrbp_department_ids:
        raise PermissionDenied


def _bump(role: CriticalRole, *fields: str) -> None:
    role.version += 1
    role.save(update_fields=[*fields, "version", "updated_at"])


def _clean_notes(value: str | None, errors: dict[str, str]) -> str:
    notes = (value or "").strip()
    if len(notes) > NOTES_MAX:
        errors["notes"] = f"Keep the notes to at most {NOTES_MAX:,} characters."
    return notes


def _validate_role(role: CriticalRole, *, before: dict[str, Any] | None = None) -> None:
    """Check a role's fields and derive its department from the incumbent.
    `before` (the audit snapshot) tells which links changed: a person who
    has since left may stay the incumbent, but cannot become it."""
    errors: dict[str, str] = {}
    role.title = (role.title or "").strip()
    if not role.title:
        errors["title"] = "Give the critical role a title."
    elif len(role.title) > TITLE_MAX:
        errors["title"] = f"Keep the title to at most {TITLE_MAX} characters."
    role.notes = _clean_notes(role.notes, errors)
    for name in ("risk_of_loss", "impact_of_loss"):
        if getattr(role, name) not in Rating3.values:
            errors[name] = "Choose low, medium or high."
    profile: JobProfile | None = role.job_profile
    incumbent: Employee | None = role.incumbent
    changed = before or {}
    if profile is None and incumbent is None:
        errors["job_profile"] = "Choose a job profile, or the person whose position this is."
    elif profile is not None and incumbent is not None:
        errors["incumbent"] = (
            "A critical role is a job profile or one person's position, not both: "
            "clear one of them."
        )
    elif incumbent is not None:
        if incumbent.status not in CURRENT and changed.get("incumbent") != incumbent.pk:
            errors["incumbent"] = f"{incumbent.full_name} has left: choose a current employee."
        elif incumbent.department_id is not None:
            if role.department_id not in (None, incumbent.department_id):
                name = incumbent.department.name if incumbent.department else ""
                errors["department"] = (
                    f"A position's role is in its holder's department ({name}): "
                    "leave the department empty."
                )
            else:
                role.department_id = incumbent.department_id
    elif profile is not None and not profile.is_active and changed.get("job_profile") != profile.pk:
        errors["job_profile"] = "This job profile is no longer in use: choose a current one."
    if role.department_id is None and "department" not in errors:
        errors["department"] = (
            "Choose the department this role is in (HRBPs and executives of that "
            "department see it)."
        )
    if errors:
        raise ValidationError(errors)


# --- critical roles -------------------------------------------------------------------------


@transaction.atomic
def create_role(
    *,
    actor: User,
    title: str,
    job_profile: JobProfile | None = None,
    incumbent: Employee | None = None,
    department: Department | None = None,
    risk_of_loss: str = Rating3.MEDIUM,
    impact_of_loss: str = Rating3.HIGH,
    notes: str = "",
) -> CriticalRole:
    """Add a critical role: a job profile (with its department) or one
    person's position (in their department). HR admins anywhere, HRBPs in
    their departments."""
    _require_scope(actor, None)
    role = CriticalRole(
        title=title,
        job_profile=job_profile,
        incumbent=incumbent,
        department=department,
        risk_of_loss=risk_of_loss,
        impact_of_loss=impact_of_loss,
        notes=notes,
        created_by=actor,
    )
    _validate_role(role)
    _require_scope(actor, role.department_id)
    role.save()
    audit.record(actor, "critical_role.create", role, after=audit.snapshot(role, ROLE_FIELDS))
    return role


@transaction.atomic
def update_role(
    *, actor: User, role: CriticalRole, expected_version: int | None = None, **values: Any
) -> CriticalRole:
    """Change a role's fields. With `expected_version`, a concurrent change
    is refused. The HRBP must cover the department before and after."""
    role = _locked(role, version=expected_version)
    _require_change(actor, role)
    before = audit.snapshot(role, ROLE_FIELDS)
    assign_fields(role, values, ROLE_FIELDS)
    if "incumbent" in values and "department" not in values and role.incumbent is not None:
        # A new holder brings their department (re-derived by _validate_role).
        role.department = None
    _validate_role(role, before=before)
    _require_scope(actor, role.department_id)
    if (
        role.incumbent_id is not None
        and role.successors.filter(employee_id=role.incumbent_id).exists()
    ):
        raise ValidationError(
            {"incumbent": "This person is named a successor of the role: remove them first."}
        )
    old, new = audit.changed(before, audit.snapshot(role, ROLE_FIELDS))
    if not new:
        return role
    _bump(role, *ROLE_FIELDS)
    audit.record(actor, "critical_role.update", role, before=old, after=new)
    return role


@transaction.atomic
def delete_role(*, actor: User, role: CriticalRole, expected_version: int | None = None) -> None:
    """Delete a role and its successors (the audit row keeps both)."""
    role = _locked(role, version=expected_version)
    _require_change(actor, role)
    before = audit.snapshot(role, ROLE_FIELDS)
    before["successors"] = [
        {"employee": employee_id, "readiness": readiness}
        for employee_id, readiness in role.successors.order_by("id").values_list(
            "employee_id", "readiness"
        )
    ]
    audit.record(actor, "critical_role.delete", role, before=before)
    role.delete()


# --- successors -------------------------------------------------------------------------------


def _validate_successor(successor: Successor) -> None:
    errors: dict[str, str] = {}
    if successor.readiness not in Readiness.values:
        errors["readiness"] = "Choose ready now, ready in 1–2 years or ready in 3+ years."
    successor.notes = _clean_notes(successor.notes, errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_successor(
    *,
    actor: User,
    role: CriticalRole,
    employee: Employee,
    readiness: str,
    notes: str = "",
) -> Successor:
    """Name `employee` a successor for `role`: a current employee, not the
    role's incumbent, not already named."""
    role = _locked(role)
    _require_change(actor, role)
    if employee.status not in CURRENT:
        raise ValidationError(
            {"employee": f"{employee.full_name} has left: choose a current employee."}
        )
    if employee.pk == role.incumbent_id:
        raise ValidationError(
            {"employee": f"{employee.full_name} holds this position: choose someone else."}
        )
    if role.successors.filter(employee=employee).exists():
        raise ValidationError(
            {"employee": f"{employee.full_name} is already a successor for this role."}
        )
    successor = Successor(
        role=role, employee=employee, readiness=readiness, notes=notes, added_by=actor
    )
    _validate_successor(successor)
    successor.save()
    _bump(role)
    audit.record(
        actor,
        "critical_role.successor_add",
        successor,
        after=audit.snapshot(successor, ("role", "employee", *SUCCESSOR_FIELDS)),
    )
    return successor


@transaction.atomic
def update_successor(
    *,
    actor: User,
    successor: Successor,
    expected_version: int | None = None,
    **values: Any,
) -> Successor:
    """Change a successor's readiness or notes. `expected_version` is the
    role's version (stale: refused)."""
    role = _locked(successor.role, version=expected_version)
    _require_change(actor, role)
    successor = (
        Successor.objects.select_for_update(of=("self",))
        .select_related("employee")
        .get(pk=successor.pk)
    )
    before = audit.snapshot(successor, SUCCESSOR_FIELDS)
    assign_fields(successor, values, SUCCESSOR_FIELDS)
    _validate_successor(successor)
    old, new = audit.changed(before, audit.snapshot(successor, SUCCESSOR_FIELDS))
    if not new:
        return successor
    successor.save(update_fields=list(SUCCESSOR_FIELDS))
    _bump(role)
    audit.record(actor, "critical_role.successor_update", successor, before=old, after=new)
    return successor


@transaction.atomic
def remove_successor(
    *, actor: User, successor: Successor, expected_version: int | None = None
) -> None:
    """Take a successor off the role's plan."""
    role = _locked(successor.role, version=expected_version)
    _require_change(actor, role)
    before = audit.snapshot(successor, ("role", "employee", *SUCCESSOR_FIELDS))
    audit.record(actor, "critical_role.successor_remove", successor, before=before)
    successor.delete()
    _bump(role)
