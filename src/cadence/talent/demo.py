"""The demo organisation's calibration and succession: last year's closed
review cycle calibrated in one closed session per top-level department
(the original, proposed and calibrated ratings exactly those of the
results, potential for everyone, each calibrated change with its reason),
and succession plans for the critical roles — the chief executive and the
head of each top-level department — with successors drawn from the people
the sessions placed high on both axes. The same organisation, random state
and `today` give the same records."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from dataclasses import astuple, dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

from cadence.core.demo_rows import insert_objects
from cadence.core.models import Role, RoleAssignment
from cadence.people.models import Department, Employee, EmploymentStatus
from cadence.reviews.models import Cycle, RatingLevel, ReviewResult, Stage
from cadence.talent.grid import Band, band_of_position
from cadence.talent.models import (
    CalibrationChange,
    CalibrationEntry,
    CalibrationSession,
    CriticalRole,
    PopulationKind,
    Potential,
    Rating3,
    Readiness,
    SessionParticipant,
    SessionState,
    Successor,
)

HRBP_LOGIN = "hrbp@example.com"
MANAGER_LOGIN = "manager@example.com"
# HR's guidance for a five-level scale, lowest level first (percent of people).
GUIDANCE = (5, 15, 45, 25, 10)
# The share of ratings the committee moves (research finds about a quarter;
# the demo's managers already rate close to the guidance).
SHARE_MOVED = 0.15
REASONS_DOWN = (
    "Strong year, but the impact described matches 'meets' for this level when compared "
    "with peers in the session.",
    "Two of the three goals were delivered late; the panel agreed the proposed rating "
    "overstated the results.",
    "Evidence in the review is about effort rather than outcomes; aligned with peers.",
)
REASONS_UP = (
    "The panel noted the cross-team migration work, which the review under-describes.",
    "Compared with peers at the same level, the results support one level higher.",
)
READINESS_WEIGHTS = (
    (Readiness.READY_NOW, 25),
    (Readiness.ONE_TO_TWO_YEARS, 45),
    (Readiness.THREE_PLUS_YEARS, 30),
)


@dataclass
class DemoTalent:
    """What the demo talent generator made."""

    sessions: int = 0
    participants: int = 0
    entries: int = 0
    changes: int = 0
    critical_roles: int = 0
    successors: int = 0

    @property
    def rows(self) -> int:
        return sum(astuple(self))


def wipe_demo_talent() -> None:
    """Delete every calibration and succession record, children first."""
    for model in (
        CalibrationChange,
        CalibrationEntry,
        SessionParticipant,
        CalibrationSession,
        Successor,
        CriticalRole,
    ):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def generate_demo_talent(*, rng: random.Random, today: dt.date) -> DemoTalent:
    """Calibration sessions for last year's cycle and succession plans (see
    the module docstring)."""
    summary = DemoTalent()
    hr_admin = (
        RoleAssignment.objects.filter(role=Role.HR_ADMIN)
        .order_by("id")
        .values_list("user_id", flat=True)
        .first()
    )
    cycle = Cycle.objects.filter(stage=Stage.CLOSED).order_by("-created_at").first()
    high_high: dict[int, list[int]] = defaultdict(list)  # top department → people
    if cycle is not None and hr_admin is not None:
        high_high = _calibrate(rng, cycle, hr_admin, summary)
    _succession(rng, hr_admin, high_high, summary)
    statements = connection.ops.sequence_reset_sql(no_style(), [CalibrationEntry])
    with connection.cursor() as cursor:
        for sql in statements:  # PostgreSQL only: past the explicit ids
            cursor.execute(sql)
    return summary


def _top_departments() -> dict[int, Department]:
    """The departments just below the root, by id."""
    return {
        d.pk: d
        for d in Department.objects.filter(parent__isnull=False, parent__parent__isnull=True)
    }


def _top_of(path: str, tops: dict[int, Department]) -> int | None:
    return next((pk for pk, d in tops.items() if path.startswith(d.path)), None)


def _calibrate(
    rng: random.Random, cycle: Cycle, hr_admin: int, summary: DemoTalent
) -> dict[int, list[int]]:
    levels = list(
        RatingLevel.objects.filter(scale_id=cycle.template.rating_scale_id).order_by("value")
    )
    rank = {level.pk: i for i, level in enumerate(levels)}
    middle = len(levels) // 2
    high = [band_of_position(i, len(levels)) == Band.HIGH for i in range(len(levels))]
    tops = _top_departments()
    hrbp = (
        RoleAssignment.objects.filter(role=Role.HRBP, user__email=HRBP_LOGIN)
        .values_list("user_id", "department_id")
        .first()
    )
    results = ReviewResult.objects.filter(cycle=cycle).values_list(
        "pk",
        "employee_id",
        "employee__department__path",
        "employee__manager_id",
        "computed_level_id",
        "manager_level_id",
        "calibrated_level_id",
        "calibration_reason",
        "calibrated_by_id",
        "released_at",
    )
    by_top: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in results.order_by("pk"):
        top = _top_of(row[2] or "", tops)
        if top is not None:
            by_top[top].append(row)
    high_high: dict[int, list[int]] = defaultdict(list)
    # Entries get their ids here, so their changes can point at them unread.
    top_id = CalibrationEntry.objects.aggregate(top=Max("id"))["top"]
    entry_ids = itertools.count((top_id or 0) + 1)
    for top, rows in sorted(by_top.items()):
        released = min((r[9] for r in rows if r[9]), default=None)
        locked = (released or dt.datetime.now(dt.UTC)) - dt.timedelta(days=3)
        facilitator = hrbp[0] if hrbp and hrbp[1] == top else hr_admin
        session = CalibrationSession.objects.create(
            cycle=cycle,
            name=f"{cycle.name}: {tops[top].name}",
            population_kind=PopulationKind.DEPARTMENT,
            department_id=top,
            facilitator_id=facilitator,
            state=SessionState.LOCKED,
            guidance={str(level.pk): pct for level, pct in zip(levels, GUIDANCE, strict=False)},
            scheduled_for=locked - dt.timedelta(hours=2),
            opened_at=locked - dt.timedelta(days=7),
            locked_at=locked,
            created_by_id=hr_admin,
            created_at=locked - dt.timedelta(days=14),
        )
        summary.sessions += 1
        entries = []
        moved: list[ReviewResult] = []
        for _pk, employee, _path, manager, computed, proposed, calibrated, reason, by, _r in rows:
            if calibrated is None and proposed is not None and rng.random() < SHARE_MOVED:
                # Committees mostly pull ratings toward the middle, more often down.
                step = (
                    -1
                    if rank[proposed] > middle or (rank[proposed] == middle and rng.random() < 0.7)
                    else 1
                )
                target = min(max(rank[proposed] + step, 0), len(levels) - 1)
                if target != rank[proposed]:
                    calibrated, by = levels[target].pk, facilitator
                    reason = rng.choice(REASONS_DOWN if step < 0 else REASONS_UP)
                    moved.append(
                        ReviewResult(
                            pk=_pk,
                            calibrated_level_id=calibrated,
                            calibration_reason=reason,
                            calibrated_by_id=by,
                        )
                    )
            place = rank.get(calibrated or proposed or computed or 0, 0)
            potential = rng.choices(
                (Potential.LOW, Potential.MEDIUM, Potential.HIGH),
                weights=(15, 45, 40) if high[place] else (50, 40, 10),
            )[0]
            if high[place] and potential == Potential.HIGH:
                high_high[top].append(employee)
            entries.append(
                CalibrationEntry(
                    id=next(entry_ids),
                    session=session,
                    result_id=_pk,
                    employee_id=employee,
                    manager_id=manager,
                    original_level_id=computed,
                    proposed_level_id=proposed,
                    calibrated_level_id=calibrated,
                    potential=potential,
                    reason=reason if calibrated else "",
                    changed_by_id=by if calibrated else None,
                    changed_at=locked - dt.timedelta(hours=1) if calibrated else None,
                )
            )
        insert_objects(CalibrationEntry, entries)
        # What the session changed is what the released results show.
        _update_results(moved)
        changes = [
            CalibrationChange(
                entry=e,
                from_level_id=e.proposed_level_id,
                to_level_id=e.calibrated_level_id,
                from_potential=e.potential,
                to_potential=e.potential,
                reason=e.reason or "Aligned with peers at the same level.",
                changed_by_id=e.changed_by_id or facilitator,
                changed_at=locked - dt.timedelta(hours=1),
            )
            for e in entries
            if e.calibrated_level_id
        ]
        insert_objects(CalibrationChange, changes)
        managers = sorted({e.manager_id for e in entries if e.manager_id})
        SessionParticipant.objects.bulk_create(
            [SessionParticipant(session=session, employee_id=m) for m in managers]
        )
        summary.entries += len(entries)
        summary.changes += len(changes)
        summary.participants += len(managers)
    return high_high


def _succession(
    rng: random.Random,
    hr_admin: int | None,
    high_high: dict[int, list[int]],
    summary: DemoTalent,
) -> None:
    """The chief executive's role and each top-level department head's."""
    tops = _top_departments()
    ceo = Employee.objects.filter(manager__isnull=True).order_by("pk").first()
    if ceo is None:
        return
    heads = list(
        Employee.objects.filter(manager=ceo, status=EmploymentStatus.ACTIVE)
        .select_related("department")
        .order_by("pk")
    )
    roles: list[tuple[CriticalRole, list[int]]] = []
    ceo_role = CriticalRole(
        title="Chief executive",
        incumbent=ceo,
        department_id=ceo.department_id,
        risk_of_loss=Rating3.LOW,
        impact_of_loss=Rating3.HIGH,
        notes="Board-level succession: reviewed yearly with the chair.",
        created_by_id=hr_admin,
    )
    roles.append((ceo_role, [h.pk for h in heads]))
    for i, head in enumerate(heads):
        top = _top_of(head.department.path if head.department else "", tops)
        department = tops[top].name if top is not None else "the organisation"
        role = CriticalRole(
            title=f"Head of {department}",
            incumbent=head,
            department_id=head.department_id,
            risk_of_loss=(Rating3.HIGH, Rating3.MEDIUM, Rating3.LOW)[i % 3],
            impact_of_loss=Rating3.HIGH if i % 2 == 0 else Rating3.MEDIUM,
            created_by_id=hr_admin,
        )
        roles.append((role, [p for p in high_high.get(top or 0, []) if p != head.pk]))
    # A role defined by a job profile: every holder of the demo manager's job.
    manager = (
        Employee.objects.filter(user__email=MANAGER_LOGIN)
        .select_related("job_profile", "department")
        .first()
    )
    if manager is not None and manager.job_profile_id and manager.department:
        top = _top_of(manager.department.path, tops)
        roles.append(
            (
                CriticalRole(
                    title=f"{manager.job_profile} (every holder)",
                    job_profile_id=manager.job_profile_id,
                    department_id=top or manager.department_id,
                    risk_of_loss=Rating3.MEDIUM,
                    impact_of_loss=Rating3.MEDIUM,
                    notes="Hard to hire: the last two searches took over six months.",
                    created_by_id=hr_admin,
                ),
                [p for p in high_high.get(top or 0, []) if p != manager.pk],
            )
        )
    CriticalRole.objects.bulk_create([role for role, _ in roles])
    successors: list[Successor] = []
    for i, (role, pool) in enumerate(roles):
        # One role in three has nobody ready now: the bench the page flags.
        picks = rng.sample(pool, min(len(pool), rng.randint(1, 4))) if pool else []
        for person in picks:
            readiness = rng.choices(
                [r for r, _ in READINESS_WEIGHTS], [w for _, w in READINESS_WEIGHTS]
            )[0]
            if i % 3 == 2 and readiness == Readiness.READY_NOW:
                readiness = Readiness.ONE_TO_TWO_YEARS
            successors.append(
                Successor(role=role, employee_id=person, readiness=readiness, added_by_id=hr_admin)
            )
    Successor.objects.bulk_create(successors)
    summary.critical_roles = len(roles)
    summary.successors = len(successors)


def _update_results(moved: list[ReviewResult]) -> None:
    """Write the calibrated levels: one prepared UPDATE by id for all of
    them (bulk_update's CASE over a thousand ids per statement is quadratic
    on SQLite)."""
    ops = connection.ops
    table = ops.quote_name(ReviewResult._meta.db_table)
    column_of = {f.name: str(f.column) for f in ReviewResult._meta.concrete_fields}
    columns = [
        column_of[name] for name in ("calibrated_level", "calibration_reason", "calibrated_by")
    ]
    assignments = ", ".join(f"{ops.quote_name(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s",
            [
                (r.calibrated_level_id, r.calibration_reason, r.calibrated_by_id, r.pk)
                for r in moved
            ],
        )
