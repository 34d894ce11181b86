"""Calibration sessions: set-up, opening, moves with reasons, and locking,
when the calibrated ratings flow into the review results. One transaction
per call, permission checked here, every write audited. The pages, the API
and the CSV import (entries_import.py) all go through these functions.

Who may do what (see also talent/access.py for who sees what):
- create a session: HR admins (any population); an HRBP for a department
  session whose department is in their scope;
- change its set-up and open it: HR admins, the facilitator, and the HRBP
  whose scope holds the session's department;
- lock (close) it: HR admins and the facilitator;
- move a person (their calibrated rating and/or potential) while the
  session is open, with a reason: HR admins and the facilitator anyone;
  an HRBP the people in their departments; a participating manager their
  own people (reports at any depth) only — sharing the whole view lets
  managers see everyone, not move them. Nobody moves themself.

Decisions:
- A person is in at most one session per cycle (any state): creating a
  session that would take someone in twice is refused, naming them.
- A session opens once its cycle reached the calibration stage (manager
  reviews are in); opening refreshes each entry's original and proposed
  rating from the result (they may have moved since set-up).
- A person whose result is already released cannot be moved (a released
  result is a record). Locking writes every calibrated rating into its
  unreleased result (calibrated level, the reason of the last rating move,
  who made it) and reports the released ones it could not change.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import Viewer, viewer_for
from cadence.jobs.models import JobLevel
from cadence.people.models import Department, Employee
from cadence.reviews.models import (
    Cycle,
    CycleParticipant,
    ParticipantStatus,
    RatingLevel,
    ReviewResult,
    Stage,
)
from cadence.talent.models import (
    CalibrationChange,
    CalibrationEntry,
    CalibrationSession,
    PopulationKind,
    Potential,
    SessionParticipant,
    SessionState,
)

STALE_SESSION = "This session was changed by someone else. Reload it and try again."
STALE_ENTRY = "This person's placement was changed by someone else. Reload it and try again."
LOCKED_MESSAGE = "This session is closed: its ratings can no longer change."
DRAFT_MESSAGE = "This session has not been opened yet: people are moved once it is open."
REASON_MESSAGE = "Give a reason for the change: it is kept on record."
RELEASED_MESSAGE = "This person's result has been released; their rating can no longer change."
NO_CHANGE_MESSAGE = "Nothing to change: this is where they already are."
MAX_NAMED = 10
SETUP_FIELDS = (
    "name",
    "facilitator",
    "share_whole_view",
    "min_team_size",
    "scheduled_for",
    "guidance",
)
MOVE_FIELDS = ("calibrated_level", "potential", "reason", "changed_by", "changed_at")


class SessionClosed(ValidationError):
    """A change refused because the session is locked (the API answers 423)."""

    def __init__(self, message: str = LOCKED_MESSAGE) -> None:
        super().__init__({"session": message})


class Unset(enum.Enum):
    """Marks an argument not given (None means "clear")."""

    TOKEN = 0


UNSET = Unset.TOKEN


# --- who may do what --------------------------------------------------------------------------


def can_create_sessions(user: User) -> bool:
    """HR admins, and HRBPs (for department sessions in their scope)."""
    return viewer_for(user).is_hr


def _hrbp_holds(viewer: Viewer, session: CalibrationSession) -> bool:
    return session.department_id is not None and (
        session.department_id in viewer.hrbp_department_ids
    )


@dataclass(frozen=True)
class SessionPowers:
    """What one login may do in one session (resolved once, then asked per
    entry without queries)."""

    viewer: Viewer
    session: CalibrationSession
    participant: bool

    @property
    def is_facilitator(self) -> bool:
        return self.session.facilitator_id == self.viewer.user_id

    @property
    def runs(self) -> bool:
        """Changes the set-up and opens the session."""
        return (
            self.viewer.is_hr_admin or self.is_facilitator or _hrbp_holds(self.viewer, self.session)
        )

    @property
    def locks(self) -> bool:
        return self.viewer.is_hr_admin or self.is_facilitator

    def may_move(self, employee_id: int, department_id: int | None, reporting_path: str) -> bool:
        """Whether this login may move that person (the session state aside)."""
        viewer = self.viewer
        if viewer.is_self(employee_id):
            return False
        if viewer.is_hr_admin or self.is_facilitator:
            return True
        if department_id is not None and department_id in viewer.hrbp_department_ids:
            return True
        return self.participant and viewer.manages(reporting_path, employee_id)

    def may_move_entry(self, entry: CalibrationEntry) -> bool:
        """Needs `entry.employee`."""
        employee = entry.employee
        return self.may_move(employee.pk, employee.department_id, employee.reporting_path)


def powers_in(user: User, session: CalibrationSession) -> SessionPowers:
    """The login's powers in the session (one query: are they taking part)."""
    viewer = viewer_for(user)
    participant = viewer.employee_id is not None and (
        SessionParticipant.objects.filter(session=session, employee_id=viewer.employee_id).exists()
    )
    return SessionPowers(viewer=viewer, session=session, participant=participant)


# --- the population ---------------------------------------------------------------------------


def population_results(
    cycle: Cycle,
    *,
    population_kind: str,
    department: Department | None = None,
    job_level: JobLevel | None = None,
    employee_ids: Iterable[int] = (),
) -> QuerySet[ReviewResult]:
    """The cycle's results of the active participants in the population."""
    active = CycleParticipant.objects.filter(cycle=cycle, status=ParticipantStatus.ACTIVE)
    results = ReviewResult.objects.filter(cycle=cycle, employee_id__in=active.values("employee_id"))
    if population_kind == PopulationKind.DEPARTMENT:
        assert department is not None
        return results.filter(employee__department__path__startswith=department.path)
    if population_kind == PopulationKind.JOB_LEVEL:
        return results.filter(employee__job_profile__level=job_level)
    return results.filter(employee_id__in=list(employee_ids))


def _names(people: Iterable[Employee]) -> str:
    listed = list(people)
    named = ", ".join(p.full_name for p in listed[:MAX_NAMED])
    more = len(listed) - MAX_NAMED
    return f"{named} and {more} more" if more > 0 else named


def _check_population(
    *,
    population_kind: str,
    department: Department | None,
    job_level: JobLevel | None,
    employees: Sequence[Employee],
) -> None:
    if population_kind not in PopulationKind.values:
        raise ValidationError({"population_kind": "Choose a department, a job level or a list."})
    if population_kind == PopulationKind.DEPARTMENT and department is None:
        raise ValidationError({"department": "Choose the department."})
    if population_kind == PopulationKind.JOB_LEVEL and job_level is None:
        raise ValidationError({"job_level": "Choose the job level."})
    if population_kind == PopulationKind.LIST and not employees:
        raise ValidationError({"employees": "Choose the people to calibrate."})


def _check_facilitator(facilitator: User | None) -> None:
    if facilitator is None or not facilitator.is_active or not viewer_for(facilitator).is_hr:
        raise ValidationError(
            {"facilitator": "The facilitator must be an HR admin or an HR business partner."}
        )


def _rater_ids(cycle: Cycle, rows: Sequence[Mapping[str, Any]]) -> dict[int, int | None]:
    """{employee id: the manager who rated them}: whoever proposed the
    manager rating, else the manager on the cycle, else their manager now."""
    on_cycle = dict(
        CycleParticipant.objects.filter(
            cycle=cycle, employee_id__in=[r["employee_id"] for r in rows]
        ).values_list("employee_id", "manager_id")
    )
    raters: dict[int, int | None] = {}
    for row in rows:
        employee_id = row["employee_id"]
        rated_by = row["manager_rated_by__employee__id"]
        if rated_by == employee_id:
            rated_by = None
        raters[employee_id] = rated_by or on_cycle.get(employee_id) or row["employee__manager_id"]
    return raters


@transaction.atomic
def create_session(
    *,
    actor: User,
    cycle: Cycle,
    name: str,
    population_kind: str,
    facilitator: User | None,
    department: Department | None = None,
    job_level: JobLevel | None = None,
    employees: Sequence[Employee] = (),
    participants: Sequence[Employee] | None = None,
    share_whole_view: bool = False,
    min_team_size: int = 3,
    scheduled_for: dt.datetime | None = None,
) -> CalibrationSession:
    """A draft session for the cycle and the population, with an entry per
    person holding their result's computed (original) and manager
    (proposed) ratings and the manager who rated them. Participants default
    to those managers. Refused when anyone is already in another session of
    the cycle."""
    viewer = viewer_for(actor)
    if not viewer.is_hr:
        raise PermissionDenied
    if not viewer.is_hr_admin and not (
        population_kind == PopulationKind.DEPARTMENT
        and department is not None
        and department.pk in viewer.hrbp_department_ids
    ):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the session."})
    _check_population(
        population_kind=population_kind,
        department=department,
        job_level=job_level,
        employees=employees,
    )
    _check_facilitator(facilitator)
    assert facilitator is not None  # checked above; narrows the type
    if min_team_size < 2:
        raise ValidationError({"min_team_size": "The minimum team size is at least 2."})
    if not cycle.is_running:
        raise ValidationError({"cycle": "Choose a cycle that has been launched and is not closed."})

    results = population_results(
        cycle,
        population_kind=population_kind,
        department=department,
        job_level=job_level,
        employee_ids=[e.pk for e in employees],
    )
    rows = list(
        results.order_by("employee_id").values(
            "pk",
            "employee_id",
            "computed_level_id",
            "manager_level_id",
            "manager_rated_by__employee__id",
            "employee__manager_id",
        )
    )
    if population_kind == PopulationKind.LIST:
        found = {r["employee_id"] for r in rows}
        missing = [e for e in employees if e.pk not in found]
        if missing:
            raise ValidationError(
                {"employees": f"These people have no result in the cycle: {_names(missing)}."}
            )
    if not rows:
        raise ValidationError(
            {"population": "Nobody in this population has a result in the cycle."}
        )
    ids = [r["employee_id"] for r in rows]
    clashes = list(
        CalibrationEntry.objects.filter(session__cycle=cycle, employee_id__in=ids)
        .select_related("employee", "session")
        .order_by("employee__last_name", "employee_id")[: MAX_NAMED + 1]
    )
    if clashes:
        listed = "; ".join(
            f"{c.employee.full_name} ({c.session.name})" for c in clashes[:MAX_NAMED]
        )
        more = " and more" if len(clashes) > MAX_NAMED else ""
        raise ValidationError(
            {
                "population": "A person is in one session per cycle. Already in another "
                f"session of this cycle: {listed}{more}."
            }
        )

    session = CalibrationSession.objects.create(
        cycle=cycle,
        name=name[:120],
        population_kind=population_kind,
        department=department if population_kind == PopulationKind.DEPARTMENT else None,
        job_level=job_level if population_kind == PopulationKind.JOB_LEVEL else None,
        facilitator=facilitator,
        share_whole_view=share_whole_view,
        min_team_size=min_team_size,
        scheduled_for=scheduled_for,
        created_by=actor,
    )
    raters = _rater_ids(cycle, rows)
    CalibrationEntry.objects.bulk_create(
        [
            CalibrationEntry(
                session=session,
                result_id=r["pk"],
                employee_id=r["employee_id"],
                manager_id=raters[r["employee_id"]],
                original_level_id=r["computed_level_id"],
                proposed_level_id=r["manager_level_id"],
            )
            for r in rows
        ],
        batch_size=500,
    )
    if participants is None:
        participant_ids = sorted({m for m in raters.values() if m is not None})
    else:
        participant_ids = sorted({p.pk for p in participants})
    SessionParticipant.objects.bulk_create(
        [SessionParticipant(session=session, employee_id=pk) for pk in participant_ids]
    )
    audit.record(
        actor,
        "calibration_session.create",
        session,
        after={
            **audit.snapshot(
                session, ("cycle", "name", "population_kind", "department", "job_level")
            ),
            **audit.snapshot(session, SETUP_FIELDS),
            "people": len(rows),
            "participants": participant_ids,
        },
    )
    return session


# --- set-up and state -------------------------------------------------------------------------


def _locked_session(session: CalibrationSession) -> CalibrationSession:
    return CalibrationSession.objects.select_for_update().get(pk=session.pk)


def _check_version(session: CalibrationSession, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != session.version:
        raise ValidationError({"version": STALE_SESSION})


@transaction.atomic
def update_session(
    *,
    actor: User,
    session: CalibrationSession,
    expected_version: int | None = None,
    participants: Sequence[Employee] | None = None,
    **changes: Any,
) -> CalibrationSession:
    """Change the set-up (name, facilitator, sharing the whole view, the
    minimum team size, when it meets) and/or the participants. Refused
    once the session is closed."""
    session = _locked_session(session)
    if not powers_in(actor, session).runs:
        raise PermissionDenied
    _check_version(session, expected_version)
    if session.state == SessionState.LOCKED:
        raise SessionClosed
    unknown = set(changes) - set(SETUP_FIELDS)
    if unknown:
        raise ValueError(f"Not set-up fields: {sorted(unknown)}")
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()[:120]
        if not changes["name"]:
            raise ValidationError({"name": "Name the session."})
    if "facilitator" in changes:
        _check_facilitator(changes["facilitator"])
    if "min_team_size" in changes and (changes["min_team_size"] or 0) < 2:
        raise ValidationError({"min_team_size": "The minimum team size is at least 2."})
    if "share_whole_view" in changes:
        changes["share_whole_view"] = bool(changes["share_whole_view"])
    if "guidance" in changes:
        changes["guidance"] = clean_guidance(session, changes["guidance"])
    before = audit.snapshot(session, SETUP_FIELDS)
    for field, value in changes.items():
        setattr(session, field, value)
    old, new = audit.changed(before, audit.snapshot(session, SETUP_FIELDS))
    if participants is not None:
        current = set(
            SessionParticipant.objects.filter(session=session).values_list("employee_id", flat=True)
        )
        wanted = {p.pk for p in participants}
        if wanted != current:
            SessionParticipant.objects.filter(
                session=session, employee_id__in=current - wanted
            ).delete()
            SessionParticipant.objects.bulk_create(
                [SessionParticipant(session=session, employee_id=pk) for pk in wanted - current]
            )
            old["participants"], new["participants"] = sorted(current), sorted(wanted)
    if not new:
        return session
    session.version += 1
    session.save()
    audit.record(actor, "calibration_session.update", session, before=old, after=new)
    return session


def clean_guidance(
    session: CalibrationSession, guidance: Mapping[Any, Any] | None
) -> dict[str, int]:
    """HR's target share per rating level, as {"<level id>": percent}: only
    the levels of the cycle's scale, whole percents from 0 to 100, adding up
    to 100 at most (guidance may name only some levels). Empty: no guidance."""
    if not guidance:
        return {}
    levels = {
        str(pk): label
        for pk, label in RatingLevel.objects.filter(
            scale_id=session.cycle.template.rating_scale_id
        ).values_list("pk", "label")
    }
    cleaned: dict[str, int] = {}
    for key, value in guidance.items():
        if str(key) not in levels:
            raise ValidationError(
                {"guidance": f"{key} is not a rating level of this cycle's scale."}
            )
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise ValidationError(
                {"guidance": f"The target for {levels[str(key)]} must be a whole percent, 0–100."}
            )
        cleaned[str(key)] = value
    total = sum(cleaned.values())
    if total > 100:
        raise ValidationError(
            {"guidance": f"The targets add up to {total}%; they can add up to 100% at most."}
        )
    return cleaned


@transaction.atomic
def open_session(
    *, actor: User, session: CalibrationSession, expected_version: int | None = None
) -> CalibrationSession:
    """Draft → open, once the cycle's manager reviews are in (the cycle at
    the calibration stage or later, not closed). Each entry not yet moved
    takes its result's current computed and manager ratings."""
    session = _locked_session(session)
    if not powers_in(actor, session).runs:
        raise PermissionDenied
    _check_version(session, expected_version)
    if session.state == SessionState.LOCKED:
        raise SessionClosed
    if session.state != SessionState.DRAFT:
        raise ValidationError({"state": "This session is already open."})
    cycle = session.cycle
    if not cycle.stage_reached(Stage.CALIBRATION) or cycle.stage == Stage.CLOSED:
        raise ValidationError(
            {
                "state": "A session opens after the manager reviews: the cycle "
                f"“{cycle.name}” is at “{cycle.get_stage_display()}”; move it to "
                "Calibration first."
            }
        )
    entries = list(
        CalibrationEntry.objects.filter(session=session, changed_at__isnull=True).select_related(
            "result"
        )
    )
    refreshed = []
    for entry in entries:
        original, proposed = entry.result.computed_level_id, entry.result.manager_level_id
        if (entry.original_level_id, entry.proposed_level_id) != (original, proposed):
            entry.original_level_id, entry.proposed_level_id = original, proposed
            refreshed.append(entry)
    CalibrationEntry.objects.bulk_update(
        refreshed, ["original_level", "proposed_level"], batch_size=500
    )
    session.state = SessionState.OPEN
    session.opened_at = timezone.now()
    session.version += 1
    session.save(update_fields=["state", "opened_at", "version", "updated_at"])
    audit.record(
        actor,
        "calibration_session.open",
        session,
        before={"state": SessionState.DRAFT},
        after={"state": SessionState.OPEN, "refreshed": len(refreshed)},
    )
    return session


@dataclass(frozen=True)
class LockSummary:
    """What locking did to the results."""

    applied: int
    released: int
    session: CalibrationSession


def _rating_moves(session: CalibrationSession) -> dict[int, CalibrationChange]:
    """{entry id: its latest change of rating} (one query)."""
    latest: dict[int, CalibrationChange] = {}
    changes = CalibrationChange.objects.filter(entry__session=session).order_by("changed_at", "id")
    for change in changes.only(
        "entry_id", "from_level_id", "to_level_id", "reason", "changed_by_id"
    ):
        if change.from_level_id != change.to_level_id:
            latest[change.entry_id] = change
    return latest


@transaction.atomic
def lock_session(
    *, actor: User, session: CalibrationSession, expected_version: int | None = None
) -> LockSummary:
    """Open → locked (closed): nothing in the session changes any more, and
    every calibrated rating is written into its result (calibrated level,
    the reason and author of the last rating move; bulk, one audit row per
    result). Results released in the meantime are records and are left as
    they are; the summary counts them."""
    session = _locked_session(session)
    if not powers_in(actor, session).locks:
        raise PermissionDenied
    _check_version(session, expected_version)
    if session.state == SessionState.LOCKED:
        raise SessionClosed("This session is already closed.")
    if session.state != SessionState.OPEN:
        raise ValidationError({"state": "Open the session before closing it."})
    entries = list(
        CalibrationEntry.objects.filter(session=session, calibrated_level__isnull=False)
        .select_related("result")
        .order_by("pk")
    )
    moves = _rating_moves(session)
    now = timezone.now()
    applied: list[ReviewResult] = []
    released = 0
    fields = ("calibrated_level", "calibration_reason", "calibrated_by")
    for entry in entries:
        result = entry.result
        if result.released_at is not None:
            # A released result is a record; count the ones left different.
            released += int(result.calibrated_level_id != entry.calibrated_level_id)
            continue
        move = moves.get(entry.pk)
        before = audit.snapshot(result, fields)
        result.calibrated_level_id = entry.calibrated_level_id
        result.calibration_reason = move.reason if move else entry.reason
        result.calibrated_by_id = (move.changed_by_id if move else entry.changed_by_id) or actor.pk
        old, new = audit.changed(before, audit.snapshot(result, fields))
        if not new:
            continue
        result.version += 1
        result.updated_at = now
        applied.append(result)
        audit.record(
            actor,
            "review_result.calibrate",
            result,
            before=old,
            after={**new, "calibration_session": session.pk},
        )
    ReviewResult.objects.bulk_update(applied, [*fields, "version", "updated_at"], batch_size=500)
    session.state = SessionState.LOCKED
    session.locked_at = now
    session.version += 1
    session.save(update_fields=["state", "locked_at", "version", "updated_at"])
    audit.record(
        actor,
        "calibration_session.lock",
        session,
        before={"state": SessionState.OPEN},
        after={"state": SessionState.LOCKED, "applied": len(applied), "released": released},
    )
    return LockSummary(applied=len(applied), released=released, session=session)


# --- moves ------------------------------------------------------------------------------------


def check_open(session: CalibrationSession) -> None:
    """Raise unless people may be moved in the session now."""
    if session.state == SessionState.LOCKED:
        raise SessionClosed
    if session.state != SessionState.OPEN:
        raise ValidationError({"session": DRAFT_MESSAGE})


def move_problems(
    entry: CalibrationEntry,
    *,
    scale_id: int,
    level: RatingLevel | Unset | None,
    potential: int | Unset | None,
    reason: str,
) -> dict[str, str]:
    """What is wrong with moving `entry` (needs `entry.result`): {field: message}."""
    problems: dict[str, str] = {}
    if entry.result.released_at is not None:
        problems["calibrated_level"] = RELEASED_MESSAGE
        return problems
    if isinstance(level, RatingLevel) and level.scale_id != scale_id:
        problems["calibrated_level"] = "Choose a level of this cycle's rating scale."
    if potential is not UNSET and potential is not None and potential not in Potential.values:
        problems["potential"] = "Potential is low (1), medium (2) or high (3)."
    level_changes = not isinstance(level, Unset) and (
        (level.pk if level is not None else None) != entry.calibrated_level_id
    )
    potential_changes = potential is not UNSET and potential != entry.potential
    if not problems and not (level_changes or potential_changes):
        problems["calibrated_level"] = NO_CHANGE_MESSAGE
    if not reason.strip():
        problems["reason"] = REASON_MESSAGE
    return problems


def write_move(
    actor: User,
    entry: CalibrationEntry,
    *,
    level: RatingLevel | Unset | None,
    potential: int | Unset | None,
    reason: str,
    now: dt.datetime,
) -> CalibrationChange:
    """Apply a checked move: the entry, its change row and the audit row.
    Call inside a transaction, after `move_problems` found nothing."""
    before = audit.snapshot(entry, MOVE_FIELDS)
    from_level, from_potential = entry.current_level_id, entry.potential
    if not isinstance(level, Unset):
        entry.calibrated_level = level
    if not isinstance(potential, Unset):
        entry.potential = potential
    entry.reason = reason.strip()
    entry.changed_by = actor
    entry.changed_at = now
    entry.version += 1
    entry.save(update_fields=[*MOVE_FIELDS, "version"])
    change = CalibrationChange.objects.create(
        entry=entry,
        from_level_id=from_level,
        to_level_id=entry.current_level_id,
        from_potential=from_potential,
        to_potential=entry.potential,
        reason=entry.reason,
        changed_by=actor,
        changed_at=now,
    )
    old, new = audit.changed(before, audit.snapshot(entry, MOVE_FIELDS))
    audit.record(
        actor,
        "calibration_entry.move",
        entry,
        before=old,
        after={**new, "reason": entry.reason, "session": entry.session_id},
    )
    return change


@transaction.atomic
def move_entry(
    *,
    actor: User,
    entry: CalibrationEntry,
    reason: str,
    calibrated_level: RatingLevel | Unset | None = UNSET,
    potential: int | Unset | None = UNSET,
    expected_version: int | None = None,
) -> CalibrationEntry:
    """Move one person: their calibrated rating (None clears it, back to
    the manager's proposal) and/or their potential, with a reason (always
    required). Only while the session is open; refused for someone whose
    result is already released. Kept as a CalibrationChange with who and
    when, and audited."""
    # The session row first (as lock_session takes it), so a move and the
    # lock never interleave.
    session = CalibrationSession.objects.select_for_update().get(pk=entry.session_id)
    entry = (
        CalibrationEntry.objects.select_for_update(of=("self",))
        .select_related("session__cycle__template", "result", "employee")
        .get(pk=entry.pk)
    )
    session = entry.session
    if not powers_in(actor, session).may_move_entry(entry):
        raise PermissionDenied
    check_open(session)
    if expected_version is not None and expected_version != entry.version:
        raise ValidationError({"version": STALE_ENTRY})
    problems = move_problems(
        entry,
        scale_id=session.cycle.template.rating_scale_id,
        level=calibrated_level,
        potential=potential,
        reason=reason,
    )
    if problems:
        raise ValidationError(problems)
    write_move(
        actor,
        entry,
        level=calibrated_level,
        potential=potential,
        reason=reason,
        now=timezone.now(),
    )
    return entry
