"""The launch's bulk work, run by the `run_cycle_launch` task: the
participants and their self, manager and upward assignments for a cycle in
`launching`, a batch per transaction with progress on the cycle, then the
cycle's first stage. Also the bulk insert the peer assignments and the
controlled changes share. Idempotent throughout: rows are inserted
skipping any that exist (the partial unique constraint on live
assignments), so a retried or repeated run creates nothing twice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count
from django.db.models.constants import OnConflict
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.reviews import participants
from cadence.reviews.models import (
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    ParticipantStatus,
    ReviewAssignment,
    ReviewerKind,
    Stage,
)

LAUNCH_BATCH = 2000
INSERT_BATCH = 5000
ASSIGNMENT_COLUMNS = (
    "cycle",
    "reviewer",
    "reviewee",
    "kind",
    "status",
    "cancelled_reason",
    "version",
    "created_at",
    "updated_at",
)
PARTICIPANT_COLUMNS = ("cycle", "employee", "manager", "status", "note", "created_at")


def first_stage(cycle: Cycle) -> str:
    """Where a launched cycle starts: the first stage with work in it."""
    if cycle.include_self:
        return Stage.SELF_REVIEW.value
    if cycle.include_peer:
        return Stage.PEER_NOMINATION.value
    if cycle.include_upward:
        return Stage.PEER_REVIEW.value
    return Stage.MANAGER_REVIEW.value


def insert_ignoring_conflicts(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """INSERT rows (values of `fields`, foreign keys as ids), skipping any
    that would break a unique constraint: INSERT OR IGNORE on SQLite, ON
    CONFLICT DO NOTHING on PostgreSQL. Raw executemany rather than
    bulk_create because building and preparing model instances was ~80% of
    a 10,000-person launch (measured); these rows are plain ids and text."""
    if not rows:
        return
    ops = connection.ops
    meta = model._meta
    by_name = {f.name: str(f.column) for f in meta.concrete_fields}
    columns = ", ".join(ops.quote_name(by_name[name]) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    suffix = ops.on_conflict_suffix_sql([], OnConflict.IGNORE, [], []) or ""
    sql = (
        f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {ops.quote_name(meta.db_table)} "
        f"({columns}) VALUES ({placeholders}) {suffix}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            cursor.executemany(sql, rows[start : start + INSERT_BATCH])


def _now() -> Any:
    """Now, as the database driver takes a timestamp in raw SQL."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def bulk_assign(cycle: Cycle, rows: Iterable[tuple[int, int, str]]) -> None:
    """Create (reviewer, reviewee, kind) assignments that do not exist yet,
    pending: the partial unique constraint on live assignments makes a
    repeat a no-op, so a retried launch or a repeated approval creates
    nothing twice."""
    now = _now()
    insert_ignoring_conflicts(
        ReviewAssignment,
        ASSIGNMENT_COLUMNS,
        [
            (cycle.pk, reviewer, reviewee, kind, AssignmentStatus.PENDING.value, "", 1, now, now)
            for reviewer, reviewee, kind in rows
        ],
    )


def launch_assignments(
    cycle: Cycle, people: Sequence[tuple[int, int | None]], participant_ids: set[int]
) -> list[tuple[int, int, str]]:
    """(reviewer, reviewee, kind) for participants given as (employee,
    manager): a self review; a manager review by their manager; and, with
    upward reviews, one by them about their manager when the manager takes
    part too."""
    rows: list[tuple[int, int, str]] = []
    for employee_id, manager_id in people:
        if cycle.include_self:
            rows.append((employee_id, employee_id, ReviewerKind.SELF.value))
        if manager_id is None:
            continue
        if cycle.include_manager:
            rows.append((manager_id, employee_id, ReviewerKind.MANAGER.value))
        if cycle.include_upward and manager_id in participant_ids:
            rows.append((employee_id, manager_id, ReviewerKind.UPWARD.value))
    return rows


def launch_counts(cycle: Cycle) -> dict[str, Any]:
    """Participants and live assignments by kind (two queries)."""
    by_kind = dict(
        ReviewAssignment.objects.filter(cycle=cycle)
        .exclude(status="cancelled")
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return {
        "participants": CycleParticipant.objects.filter(
            cycle=cycle, status=ParticipantStatus.ACTIVE
        ).count(),
        "assignments": {kind: by_kind.get(kind, 0) for kind in ReviewerKind.values},
    }


def perform_launch(
    *, cycle_id: int, actor: User | None = None, batch_size: int = LAUNCH_BATCH
) -> dict[str, Any]:
    """The launch's bulk work (run by the `run_cycle_launch` task): the
    participants and their assignments, a batch per transaction with
    `launch_done` moved on after each (the page polls it), then the cycle's
    first stage and `launched_at`, with one audit row holding the counts.

    Idempotent: rows that exist are skipped, so a retry after a crash
    finishes the job and a second run creates nothing. A cycle that is no
    longer `launching` is left alone."""
    cycle = Cycle.objects.get(pk=cycle_id)
    if cycle.stage != Stage.LAUNCHING:
        return {"skipped": True, **launch_counts(cycle)}
    people = list(participants.preview(cycle).admitted().values_list("pk", "review_manager_id"))
    participant_ids = {pk for pk, _ in people}
    Cycle.objects.filter(pk=cycle.pk).update(launch_total=len(people), launch_done=0)
    now, active = _now(), ParticipantStatus.ACTIVE.value
    for start in range(0, len(people), batch_size):
        batch = people[start : start + batch_size]
        with transaction.atomic():
            insert_ignoring_conflicts(
                CycleParticipant,
                PARTICIPANT_COLUMNS,
                [(cycle.pk, pk, manager, active, "", now) for pk, manager in batch],
            )
            bulk_assign(cycle, launch_assignments(cycle, batch, participant_ids))
            Cycle.objects.filter(pk=cycle.pk).update(launch_done=start + len(batch))
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle_id)
        if cycle.stage != Stage.LAUNCHING:  # another run finished first
            return {"skipped": True, **launch_counts(cycle)}
        counts = launch_counts(cycle)
        cycle.stage = first_stage(cycle)
        cycle.launched_at = timezone.now()
        cycle.launch_done = cycle.launch_total = len(people)
        cycle.save(update_fields=["stage", "launched_at", "launch_done", "launch_total"])
        audit.record(
            actor,
            "review_cycle.launched",
            cycle,
            before={"stage": Stage.LAUNCHING.value},
            after={"stage": cycle.stage, **counts},
        )
    return {"skipped": False, **counts}
