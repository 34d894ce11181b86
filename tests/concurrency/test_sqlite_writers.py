"""On SQLite, concurrent writers wait for each other (WAL, busy timeout,
transactions that take the write lock when they begin) instead of failing
with "database is locked".

The test suite's own SQLite database lives in memory, shared between
threads through SQLite's shared cache, whose table locks ignore the busy
timeout — not how Cadence runs. So the test copies the test database to a
file and starts writer processes (several threads each) against it with
the project's real settings (CADENCE_DATABASE_URL), all writing at once
through the check-in service; then it counts what landed in the file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from cadence.core.models import AuditEntry
from cadence.goals.models import CheckIn, KeyResult
from tests.factories import EmployeeFactory, KeyResultFactory, ObjectiveFactory, UserFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="SQLite's single-writer locking; PostgreSQL's concurrency is tested in "
        "test_submission_postgres.py",
    ),
    # Committed data, so the copy of the database holds it.
    pytest.mark.django_db(transaction=True),
]

PROCESSES = 4
THREADS = 2  # per process: 8 writers in all
WRITES = 25  # per writer: 200 check-ins, each one transaction of three writes
PROCESS_TIMEOUT_SECONDS = 600  # a guard against a hang, not a speed limit
REPO = Path(__file__).resolve().parents[2]


def copy_test_database(path: Path) -> None:
    """The (in-memory) test database, schema and data, into a file."""
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()


def run_writers(
    path: Path, key_result: KeyResult, *, transaction_mode: str | None = None
) -> list[dict[str, Any]]:
    """Start the writer processes, let them all go at once, and return
    each one's report (after checking it exited cleanly)."""
    owner = key_result.objective.owner_employee
    assert owner is not None and owner.user_id is not None
    env = {
        **os.environ,
        "CADENCE_DATABASE_URL": f"sqlite:///{path}",
        "CADENCE_VAR_DIR": str(path.parent),
        "CADENCE_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "cadence.settings",
    }
    command = [
        sys.executable,
        "-m",
        "tests.concurrency.sqlite_writer",
        f"--key-result={key_result.pk}",
        f"--user={owner.user_id}",
        f"--threads={THREADS}",
        f"--writes={WRITES}",
    ]
    if transaction_mode:
        command.append(f"--transaction-mode={transaction_mode}")
    procs = [
        subprocess.Popen(
            [*command, f"--tag=p{n}"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    try:
        for proc in procs:  # every process is set up before any writes
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.strip() == "ready", proc.communicate()[1]
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        reports = []
        for proc in procs:
            out, err = proc.communicate(timeout=PROCESS_TIMEOUT_SECONDS)
            assert proc.returncode == 0, err
            assert "database is locked" not in err, err
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return reports
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


def scalar(path: Path, sql: str, *params: Any) -> Any:
    """One value read straight from the database file."""
    with sqlite3.connect(path) as db:
        value = db.execute(sql, params).fetchone()[0]
    db.close()
    return value


@pytest.fixture
def key_result() -> KeyResult:
    owner = EmployeeFactory(user=UserFactory())
    kr: KeyResult = KeyResultFactory(objective=ObjectiveFactory(owner_employee=owner))
    return kr


def test_the_project_settings_make_sqlite_writers_wait() -> None:
    """What the writers below rely on (settings.py)."""
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert "busy_timeout=" in options["init_command"] and options["timeout"] >= 5


def test_concurrent_writers_wait_and_every_write_lands(
    tmp_path: Path, key_result: KeyResult
) -> None:
    path = tmp_path / "cadence.sqlite3"
    copy_test_database(path)

    reports = run_writers(path, key_result)

    errors = [e for r in reports for e in r["errors"]]
    assert not errors, f"{len(errors)} writes failed, e.g. {errors[0]}"
    expected = PROCESSES * THREADS * WRITES
    assert sum(r["written"] for r in reports) == expected
    # Everything landed in the file: each check-in, and its audit row.
    assert scalar(path, "PRAGMA journal_mode") == "wal"
    checkins = scalar(
        path,
        f"SELECT COUNT(*) FROM {CheckIn._meta.db_table} WHERE key_result_id = ?",
        key_result.pk,
    )
    assert checkins == expected
    distinct = scalar(
        path,
        f"SELECT COUNT(DISTINCT comment) FROM {CheckIn._meta.db_table} WHERE key_result_id = ?",
        key_result.pk,
    )
    assert distinct == expected
    audited = scalar(
        path,
        f"SELECT COUNT(*) FROM {AuditEntry._meta.db_table} "
        "WHERE action = 'goal.check_in' AND object_id = ?",
        str(key_result.pk),
    )
    assert audited == expected
