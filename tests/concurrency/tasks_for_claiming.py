"""The task test_task_claiming.py queues. The `cadence worker` processes the
test starts import it from here (the test puts the repository on their
PYTHONPATH), so it lives in a module of its own, not in the test."""

from __future__ import annotations

import os
import time

from django.db import connection
from django_tasks import task

# Created and dropped by the test; no model, so no migration.
RUNS_TABLE = "test_task_claiming_run"
WORKERS = 3
# Guards against a hang when a worker never starts; not a measure of speed.
RENDEZVOUS_SECONDS = 120


@task()
def record_run(number: int) -> int:
    """Record that task `number` ran in this process. Until every worker has
    recorded a run, wait: each worker then holds a task at the same moment, so
    the claiming of the rest really overlaps across the processes."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RUNS_TABLE} (number, pid) VALUES (%s, %s)",
            [number, os.getpid()],
        )
        deadline = time.monotonic() + RENDEZVOUS_SECONDS
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT COUNT(DISTINCT pid) FROM {RUNS_TABLE}")
            row = cursor.fetchone()
            if row is not None and row[0] >= WORKERS:
                break
            time.sleep(0.05)
    return number
