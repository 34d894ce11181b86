"""Several `cadence worker` processes on one PostgreSQL database: every task
runs exactly once. Each worker claims a task in a transaction that locks
its row with SELECT ... FOR UPDATE SKIP LOCKED (django_tasks_db), so two
workers never take the same one; this runs three real worker processes at
once against the test database and counts the runs.

SQLite is one machine's database and its worker claims under an exclusive
lock; the workers "on several machines" are PostgreSQL's case."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from tests.concurrency.tasks_for_claiming import RUNS_TABLE, WORKERS, record_run

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="workers on several machines share a PostgreSQL database; "
        "set CADENCE_DATABASE_URL=postgres://... to run this",
    ),
    # The worker processes use their own connections: the data must be committed.
    pytest.mark.django_db(transaction=True),
]

TASKS = 60
# Guards against a hung worker; not a measure of speed.
WORKER_TIMEOUT_SECONDS = 300
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runs_table() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RUNS_TABLE}")
        cursor.execute(
            f"CREATE TABLE {RUNS_TABLE} "
            "(id serial PRIMARY KEY, number integer NOT NULL, pid integer NOT NULL)"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RUNS_TABLE}")


def worker_database_url() -> str:
    """CADENCE_DATABASE_URL with the test database's name (test_<name>)."""
    url = urlsplit(os.environ["CADENCE_DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + str(connection.settings_dict["NAME"])))


def worker_command() -> list[str]:
    """`cadence worker` from this virtualenv, as an operator runs it."""
    script = Path(sys.executable).with_name("cadence")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cadence.cli"]
    # --batch: exit once no task is left; the rest is how production runs it.
    return [*command, "worker", "--batch", "--no-reload", "--no-startup-delay", "-v", "1"]


def start_workers(logs: list[IO[bytes]]) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "CADENCE_DATABASE_URL": worker_database_url(),
        "CADENCE_SECRET_KEY": "test-task-claiming",
        # The workers import the test's task from tests.concurrency.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    }
    return [
        subprocess.Popen(worker_command(), cwd=REPO_ROOT, env=env, stdout=log, stderr=log)
        for log in logs
    ]


def test_three_workers_run_every_task_exactly_once(runs_table: None, tmp_path: Path) -> None:
    assert isinstance(task_backends["default"], DatabaseBackend)
    for number in range(TASKS):
        record_run.enqueue(number)
    assert DBTaskResult.objects.ready().count() == TASKS

    logs = [(tmp_path / f"worker-{i}.log").open("wb") for i in range(WORKERS)]
    workers = start_workers(logs)
    try:
        exit_codes = [worker.wait(timeout=WORKER_TIMEOUT_SECONDS) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        for log in logs:
            log.close()
    output = "\n".join((tmp_path / f"worker-{i}.log").read_text() for i in range(WORKERS))
    assert exit_codes == [0] * WORKERS, output

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, pid FROM {RUNS_TABLE}")
        runs = cursor.fetchall()
    times_run = Counter(number for number, _ in runs)
    assert times_run == Counter(range(TASKS)), "every task runs exactly once"
    # All three processes took part (the task waits until each has one).
    assert {pid for _, pid in runs} == {worker.pid for worker in workers}

    results = list(DBTaskResult.objects.all())
    assert len(results) == TASKS
    assert Counter(r.status for r in results) == Counter({"SUCCESSFUL": TASKS}), output
    assert all(len(r.worker_ids) == 1 for r in results), "each task claimed once"
    assert len({r.worker_ids[0] for r in results}) == WORKERS
    assert sorted(r.return_value for r in results) == list(range(TASKS))
