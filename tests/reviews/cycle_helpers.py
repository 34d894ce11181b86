"""Shared set-up for the cycle tests: a designed cycle with deadlines, a
launch run with the immediate task backend, a bigger organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cadence.core.models import User
from cadence.people.models import Department, Employee
from cadence.people.paths import rebuild_reporting_paths
from cadence.reviews.models import Cycle
from cadence.reviews.services_cycles import create_cycle, launch_cycle
from cadence.reviews.services_cycles_launch import perform_launch
from tests.review_factories import simple_template

PHASES = [
    {"kind": "self_review", "opens_on": dt.date(2027, 1, 4), "due_on": dt.date(2027, 1, 15)},
    {"kind": "peer_nomination", "opens_on": None, "due_on": dt.date(2027, 1, 20)},
    {"kind": "peer_review", "opens_on": None, "due_on": dt.date(2027, 1, 31)},
    {"kind": "manager_review", "opens_on": None, "due_on": dt.date(2027, 2, 10)},
    {"kind": "calibration", "opens_on": None, "due_on": dt.date(2027, 2, 20)},
]


def design(actor: User, **values: Any) -> Cycle:
    """A draft cycle over the whole organisation with every review phase."""
    values.setdefault("name", "2027 annual review")
    values.setdefault("template", simple_template())
    values.setdefault("phases", PHASES)
    return create_cycle(actor=actor, **values)


def launched(actor: User, **values: Any) -> Cycle:
    """A designed cycle, launched (the task run in-process)."""
    cycle = design(actor, **values)
    launch_cycle(actor=actor, cycle=cycle)
    perform_launch(cycle_id=cycle.pk, actor=actor)
    cycle.refresh_from_db()
    return cycle


def add_team(manager: Employee, department: Department, size: int, prefix: str = "T") -> None:
    """`size` reports under `manager`, in bulk."""
    Employee.objects.bulk_create(
        Employee(
            employee_number=f"{prefix}{i:05d}",
            first_name=f"Team{i}",
            last_name="Member",
            email=f"{prefix.lower()}{i}@example.com",
            department=department,
            manager=manager,
            hire_date=dt.date(2020, 1, 1),
        )
        for i in range(size)
    )
    rebuild_reporting_paths()
