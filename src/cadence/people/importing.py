"""Employee import: validate a whole file against the organisation, then
apply it as one all-or-nothing upsert by employee number.

    table = parse_file(fileobj, "people.csv")
    mapping = suggest_mapping(table.headers)      # {file header: field or ""}
    plan = validate(table, mapping)               # every bad row, or the counts
    result = apply_import(actor=user, table=table, mapping=mapping)

The page, the CLI and the tests share these functions. Validation loads the
organisation once (a handful of queries whatever the file's length); apply
validates again inside its transaction and writes in bulk."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from cadence.core.models import AuditEntry, User
from cadence.core.permissions import viewer_for
from cadence.core.request_context import current_request_id
from cadence.people.importing_files import (
    FIELD_LABELS,
    IMPORT_FIELDS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportFileError,
    RowError,
    Table,
    parse_file,
    suggest_mapping,
)
from cadence.people.importing_values import CellError, Lookups, blank_value, parse_cell
from cadence.people.models import Employee, EmploymentStatus
from cadence.people.paths import rebuild_reporting_paths
from cadence.people.services import EMPLOYEE_EDITABLE_FIELDS

__all__ = [
    "FIELD_LABELS",
    "IMPORT_FIELDS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "ImportFileError",
    "ImportPlan",
    "ImportResult",
    "RowError",
    "Table",
    "apply_import",
    "parse_file",
    "suggest_mapping",
    "validate",
]

REQUIRED_FOR_NEW = ("employee_number", "first_name", "last_name", "email")
NOT_BLANK = ("employee_number", "first_name", "last_name", "email")
# Employee columns (attnames) loaded once to compare each row against: the
# fields the employee services may write, plus identity and version.
_EXISTING_COLUMNS = (
    "pk",
    *(
        getattr(Employee._meta.get_field(name), "attname", name)
        for name in EMPLOYEE_EDITABLE_FIELDS
    ),
    "version",
)


def _attname(name: str) -> str:
    return f"{name}_id" if name in ("department", "location", "job_profile", "manager") else name


@dataclass(frozen=True)
class ManagerRef:
    """A manager as the file names them: an existing employee or a new row."""

    pk: int | None = None
    row: int | None = None


@dataclass
class RowChange:
    """A row that creates or changes an employee: the fields it sets."""

    index: int
    line: int
    employee_number: str
    pk: int | None
    values: dict[str, Any]
    before: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    label: str = ""


@dataclass
class ImportPlan:
    errors: list[RowError]
    creates: list[RowChange]
    updates: list[RowChange]
    unchanged: int

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        return {
            "create": len(self.creates),
            "update": len(self.updates),
            "unchanged": self.unchanged,
        }


@dataclass
class ImportResult:
    errors: list[RowError]
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _mapping_errors(table: Table, mapping: Mapping[str, str]) -> list[RowError]:
    errors: list[RowError] = []
    used: dict[str, str] = {}
    for header in table.headers:
        name = mapping.get(header, "")
        if not name:
            continue
        if name not in IMPORT_FIELDS:
            errors.append(RowError(1, header, f'"{name}" is not a field that can be imported.'))
        elif name in used:
            errors.append(
                RowError(1, header, f'"{used[name]}" is already mapped to {FIELD_LABELS[name]}.')
            )
        else:
            used[name] = header
    for header in mapping:
        if header not in table.headers:
            errors.append(RowError(1, header, "The file has no column with this header."))
    if "employee_number" not in used:
        errors.append(
            RowError(1, FIELD_LABELS["employee_number"], "Map a column to Employee number.")
        )
    return errors


def _load_existing() -> list[dict[str, Any]]:
    """Every employee's importable fields, in one query."""
    return list(Employee.objects.order_by().values(*_EXISTING_COLUMNS))


def validate(table: Table, mapping: Mapping[str, str]) -> ImportPlan:
    """Check every row of `table` as mapped by `mapping` ({file header: field
    or "" to ignore}) against the organisation, and work out what applying it
    would create, update or leave unchanged. Reports every bad row."""
    errors = _mapping_errors(table, mapping)
    if errors:
        return ImportPlan(errors, [], [], 0)
    columns = [(i, h, mapping[h]) for i, h in enumerate(table.headers) if mapping.get(h)]
    header_of = {name: header for _, header, name in columns}
    lookups = Lookups.load()
    existing = _load_existing()
    by_number = {e["employee_number"]: e for e in existing}
    by_pk = {e["pk"]: e for e in existing}

    bad_rows: set[int] = set()
    parsed: list[dict[str, Any]] = []

    def fail(index: int, name: str, message: str) -> None:
        column = header_of.get(name, FIELD_LABELS.get(name, name))
        errors.append(RowError(table.line_of(index), column, message))
        bad_rows.add(index)

    # 1. Each cell on its own.
    for index, cells in enumerate(table.rows):
        values: dict[str, Any] = {}
        for position, _header, name in columns:
            text = cells[position]
            if not text:
                if name in NOT_BLANK:
                    fail(index, name, f"{FIELD_LABELS[name]} cannot be blank.")
                elif name != "status":  # a blank status leaves it as it is
                    values[name] = blank_value(name)
                continue
            try:
                values[name] = parse_cell(name, text, lookups)
            except CellError as exc:
                fail(index, name, str(exc))
        parsed.append(values)

    # 2. Rows against each other and against the organisation.
    first_line_of_number: dict[str, int] = {}
    first_line_of_email: dict[str, int] = {}
    row_of_number: dict[str, int] = {}
    for index, values in enumerate(parsed):
        line = table.line_of(index)
        number = values.get("employee_number")
        if number:
            if number in first_line_of_number:
                fail(
                    index,
                    "employee_number",
                    f'Employee number "{number}" is also on line {first_line_of_number[number]}.',
                )
            else:
                first_line_of_number[number] = line
                row_of_number[number] = index
        if number and number not in by_number:
            missing = [n for n in REQUIRED_FOR_NEW if n not in values and n not in header_of]
            for name in missing:
                fail(index, name, f"{FIELD_LABELS[name]} is required for a new employee.")
        email = values.get("email")
        if email:
            if email in first_line_of_email:
                fail(
                    index, "email", f'Email "{email}" is also on line {first_line_of_email[email]}.'
                )
            else:
                first_line_of_email[email] = line

    def ref_for_row(index: int) -> ManagerRef:
        current = by_number.get(parsed[index].get("employee_number", ""))
        return ManagerRef(pk=current["pk"]) if current else ManagerRef(row=index)

    # Emails that stay as they are: employees the file does not re-address.
    readdressed = {
        by_number[v["employee_number"]]["pk"]
        for v in parsed
        if v.get("email") and v.get("employee_number") in by_number
    }
    owner_of_email: dict[str, ManagerRef] = {
        e["email"]: ManagerRef(pk=e["pk"]) for e in existing if e["pk"] not in readdressed
    }
    for index, values in enumerate(parsed):
        email = values.get("email")
        if not email:
            continue
        holder = owner_of_email.get(email)
        if holder is not None and holder.pk is not None and holder != ref_for_row(index):
            other = by_pk[holder.pk]["employee_number"]
            fail(index, "email", f'Email "{email}" belongs to employee {other}.')
    for index, values in enumerate(parsed):
        if values.get("email"):
            owner_of_email.setdefault(values["email"], ref_for_row(index))

    # 3. Managers, by employee number or email, existing or in this file.
    if "manager" in header_of:
        for index, values in enumerate(parsed):
            reference = values.get("manager")
            if not reference:
                continue
            if "@" in reference:
                ref = owner_of_email.get(reference.lower())
            elif reference in row_of_number:
                ref = ref_for_row(row_of_number[reference])
            elif reference in by_number:
                ref = ManagerRef(pk=by_number[reference]["pk"])
            else:
                ref = None
            if ref is None:
                fail(
                    index,
                    "manager",
                    f'Unknown manager "{reference}" (no employee has this number or email).',
                )
                values.pop("manager")
            elif ref == ref_for_row(index):
                fail(index, "manager", "An employee cannot be their own manager.")
                values.pop("manager")
            else:
                values["manager"] = ref
        _check_loops(table, parsed, existing, by_number, header_of["manager"], errors, bad_rows)

    # 4. What each good row changes.
    creates: list[RowChange] = []
    updates: list[RowChange] = []
    unchanged = 0
    for index, values in enumerate(parsed):
        if index in bad_rows:
            continue
        current = by_number.get(values["employee_number"])
        line = table.line_of(index)
        if current is None:
            values.setdefault("status", EmploymentStatus.ACTIVE.value)
            creates.append(RowChange(index, line, values["employee_number"], None, values))
            continue
        changes, before = {}, {}
        for name, value in values.items():
            old = current[_attname(name)]
            new = value
            if isinstance(value, ManagerRef):
                new = value.pk if value.row is None else value
            if new != old:
                changes[name] = value
                before[name] = old
        if changes:
            label = f"{current['first_name']} {current['last_name']}"
            updates.append(
                RowChange(
                    index,
                    line,
                    values["employee_number"],
                    current["pk"],
                    changes,
                    before,
                    version=current["version"],
                    label=label,
                )
            )
        else:
            unchanged += 1
    order = {header: i for i, header in enumerate(table.headers)}
    errors.sort(key=lambda e: (e.line, order.get(e.column, -1)))
    return ImportPlan(errors, creates, updates, unchanged)


def _check_loops(
    table: Table,
    parsed: list[dict[str, Any]],
    existing: list[dict[str, Any]],
    by_number: dict[str, dict[str, Any]],
    column: str,
    errors: list[RowError],
    bad_rows: set[int],
) -> None:
    """Reject every reporting loop the file would create, naming its rows."""
    # Nodes: existing employees by pk, new rows as -(index + 1).
    parents: dict[int, int | None] = {e["pk"]: e["manager_id"] for e in existing}
    label: dict[int, str] = {e["pk"]: e["employee_number"] for e in existing}
    line_of_node: dict[int, int] = {}
    node_row: dict[int, int] = {}
    for index, values in enumerate(parsed):
        current = by_number.get(values.get("employee_number", ""))
        row_node: int = current["pk"] if current else -(index + 1)
        label[row_node] = values.get("employee_number") or f"line {table.line_of(index)}"
        line_of_node[row_node] = table.line_of(index)
        node_row[row_node] = index
        parents.setdefault(row_node, None)
        ref = values.get("manager")
        if isinstance(ref, ManagerRef):
            parents[row_node] = ref.pk if ref.row is None else -(ref.row + 1)
        elif "manager" in values:  # blank: no manager
            parents[row_node] = None
    state: dict[int, int] = {}
    for start in parents:
        walk: list[int] = []
        node: int | None = start
        while node is not None and state.get(node, 0) == 0:
            state[node] = 1
            walk.append(node)
            node = parents.get(node)
        if node is not None and state.get(node) == 1:
            loop = walk[walk.index(node) :]
            chain = " → ".join(label[n] for n in [*loop, loop[0]])
            lines = sorted(line_of_node[n] for n in loop if n in line_of_node)
            where = ", ".join(str(n) for n in lines)
            for member in loop:
                if member in node_row:
                    errors.append(
                        RowError(
                            line_of_node[member],
                            column,
                            f"This makes a reporting loop: {chain} (lines {where}).",
                        )
                    )
                    bad_rows.add(node_row[member])
        for member in walk:
            state[member] = 2


def _json(values: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(dict(values), cls=DjangoJSONEncoder))
    return result


def apply_import(
    *, actor: User | None, table: Table, mapping: Mapping[str, str], filename: str = ""
) -> ImportResult:
    """Create and update employees from `table`, all or nothing: any bad row
    and nothing is changed (the result carries the errors). Upserts by
    employee number, so a second run of the same file changes nothing. HR
    admin only; `actor=None` is the system (the CLI without --as)."""
    if actor is not None and not viewer_for(actor).is_hr_admin:
        raise PermissionDenied
    try:
        with transaction.atomic():
            plan = validate(table, mapping)
            if plan.errors:
                return ImportResult(errors=plan.errors)
            _write(actor, plan, filename)
    except IntegrityError as exc:
        # Another writer got in between (e.g. took an email); nothing was saved.
        return ImportResult(errors=[RowError(1, "", f"The import was not saved: {exc}")])
    return ImportResult(
        errors=[],
        created=len(plan.creates),
        updated=len(plan.updates),
        unchanged=plan.unchanged,
    )


def _write(actor: User | None, plan: ImportPlan, filename: str) -> None:
    now = timezone.now()
    new_employees: list[Employee] = []
    for change in plan.creates:
        fields = {_attname(k): v for k, v in change.values.items() if k != "manager"}
        new_employees.append(Employee(**fields, created_at=now, reporting_path=""))
    Employee.objects.bulk_create(new_employees, batch_size=500)
    pk_of_row = {c.index: e.pk for c, e in zip(plan.creates, new_employees, strict=True)}

    def manager_id(ref: ManagerRef | None) -> int | None:
        if ref is None:
            return None
        return ref.pk if ref.row is None else pk_of_row[ref.row]

    managed = []
    for change, employee in zip(plan.creates, new_employees, strict=True):
        if change.values.get("manager") is not None:
            employee.manager_id = manager_id(change.values["manager"])
            managed.append(employee)
    Employee.objects.bulk_update(managed, ["manager"], batch_size=500)

    # One bulk update per set of changed fields keeps unchanged columns untouched.
    groups: dict[tuple[str, ...], list[Employee]] = {}
    afters: dict[int, dict[str, Any]] = {}
    for change in plan.updates:
        assert change.pk is not None
        employee = Employee(pk=change.pk, version=change.version + 1, updated_at=now)
        after: dict[str, Any] = {}
        for name, value in change.values.items():
            if name == "manager":
                value = manager_id(value)
            setattr(employee, _attname(name), value)
            after[name] = value
        afters[change.pk] = after
        groups.setdefault(tuple(sorted(change.values)), []).append(employee)
    for names, employees in groups.items():
        Employee.objects.bulk_update(employees, [*names, "version", "updated_at"], batch_size=500)
    rebuild_reporting_paths()

    base = {
        "actor": actor if actor is not None and actor.pk else None,
        "actor_label": actor.email if actor is not None and actor.pk else "system",
        "object_type": "people.employee",
        "request_id": current_request_id(),
        "created_at": now,
    }
    entries = []
    for change, employee in zip(plan.creates, new_employees, strict=True):
        after = dict(change.values)
        if "manager" in after:
            after["manager"] = employee.manager_id
        entries.append(
            AuditEntry(
                **base,
                action="employee.import.create",
                object_id=str(employee.pk),
                object_label=employee.full_name[:254],
                after=_json(after),
            )
        )
    for change in plan.updates:
        assert change.pk is not None
        entries.append(
            AuditEntry(
                **base,
                action="employee.import.update",
                object_id=str(change.pk),
                object_label=change.label[:254],
                before=_json(change.before),
                after=_json(afters[change.pk]),
            )
        )
    entries.append(
        AuditEntry(
            **base,
            action="employee.import",
            object_id="",
            object_label=(filename or "employee import")[:254],
            after={
                "file": filename,
                "created": len(plan.creates),
                "updated": len(plan.updates),
                "unchanged": plan.unchanged,
            },
        )
    )
    AuditEntry.objects.bulk_create(entries, batch_size=500)
