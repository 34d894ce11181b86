"""Maintenance of the materialised paths of the two trees (departments and
reporting lines): moving one node rewrites its subtree in a single UPDATE;
bulk loads recompute every path in memory and write them in batches."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Model, Value
from django.db.models.functions import Concat, Length, Substr

from cadence.people.models import Department, Employee, child_path


class CycleError(ValueError):
    """The requested parent lies inside the node's own subtree."""


def would_cycle(node_pk: int | None, new_parent_path: str | None) -> bool:
    return (
        node_pk is not None and bool(new_parent_path) and f"/{node_pk}/" in (new_parent_path or "")
    )


def _rewrite_subtree(model: type[Model], field: str, old_prefix: str, new_prefix: str) -> int:
    if old_prefix == new_prefix or not old_prefix:
        return 0
    updated: int = model._default_manager.filter(**{f"{field}__startswith": old_prefix}).update(
        **{field: Concat(Value(new_prefix), Substr(field, Length(Value(old_prefix)) + 1))}
    )
    return updated


def place_department(department: Department) -> None:
    """Set the path of a saved department from its parent, and move its subtree."""
    parent = department.parent if department.parent_id else None
    parent_path = parent.path if parent else None
    if would_cycle(department.pk, parent_path):
        raise CycleError
    new_path = child_path(parent_path, department.pk)
    old_path = department.path
    if old_path == new_path:
        return
    if old_path:
        _rewrite_subtree(Department, "path", old_path, new_path)
    else:
        Department.objects.filter(pk=department.pk).update(path=new_path)
    department.path = new_path


def place_employee(employee: Employee) -> None:
    """Set the reporting path of a saved employee from their manager, and move
    everyone below them with them."""
    manager_path = (
        employee.manager.reporting_path if employee.manager_id and employee.manager else None
    )
    if would_cycle(employee.pk, manager_path):
        raise CycleError
    new_path = child_path(manager_path, employee.pk)
    old_path = employee.reporting_path
    if old_path == new_path:
        return
    if old_path:
        _rewrite_subtree(Employee, "reporting_path", old_path, new_path)
    else:
        Employee.objects.filter(pk=employee.pk).update(reporting_path=new_path)
    employee.reporting_path = new_path


def compute_paths(parents: Mapping[int, int | None]) -> dict[int, str]:
    """Paths for a whole forest given {node: parent}. Raises CycleError naming
    no node in particular when the parent links loop."""
    paths: dict[int, str] = {}
    for start in parents:
        chain: list[int] = []
        node: int | None = start
        seen: set[int] = set()
        while node is not None and node not in paths:
            if node in seen:
                raise CycleError(node)
            seen.add(node)
            chain.append(node)
            node = parents.get(node)
        prefix = paths[node] if node is not None else "/"
        for member in reversed(chain):
            prefix = f"{prefix}{member}/"
            paths[member] = prefix
    return paths


def find_cycle(parents: Mapping[int, int | None]) -> list[int] | None:
    """One loop in {node: parent}, as the list of nodes on it, or None."""
    state: dict[int, int] = {}
    for start in parents:
        path: list[int] = []
        node: int | None = start
        while node is not None and state.get(node, 0) == 0:
            state[node] = 1
            path.append(node)
            node = parents.get(node)
        if node is not None and state.get(node) == 1:
            return path[path.index(node) :]
        for member in path:
            state[member] = 2
    return None


def rebuild_reporting_paths(batch_size: int = 2000) -> int:
    """Recompute every employee's reporting path (after a bulk load)."""
    parents = dict(Employee.objects.values_list("id", "manager_id"))
    paths = compute_paths(parents)
    current = dict(Employee.objects.values_list("id", "reporting_path"))
    stale = [Employee(pk=pk, reporting_path=p) for pk, p in paths.items() if current.get(pk) != p]
    Employee.objects.bulk_update(stale, ["reporting_path"], batch_size=batch_size)
    return len(stale)


def rebuild_department_paths() -> int:
    parents = dict(Department.objects.values_list("id", "parent_id"))
    paths = compute_paths(parents)
    current = dict(Department.objects.values_list("id", "path"))
    stale = [Department(pk=pk, path=p) for pk, p in paths.items() if current.get(pk) != p]
    Department.objects.bulk_update(stale, ["path"])
    return len(stale)
