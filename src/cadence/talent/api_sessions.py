"""/api/v1 endpoints for calibration sessions and the people in them. Thin:
visibility from `visible_to` (talent/access.py), rules from
services_sessions. A session or person the caller may not see answers 404;
one they see but may not change, 403.

State changes are a POST to /calibration-sessions/{id}/transitions with
`{"to": "open" | "locked", "version"}`. A change refused because the
session is closed answers 423 (Locked) with the reason; a stale `version`
answers 409; a change without a reason, 422."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from cadence.api.errors import DETAIL_ERRORS, READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, responses
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.api.related import resolve_related
from cadence.core.models import User
from cadence.jobs.models import JobLevel
from cadence.people.models import Department, Employee
from cadence.reviews.models import Cycle, RatingLevel
from cadence.talent import selectors_sessions as selectors
from cadence.talent import services_sessions as services
from cadence.talent.grid import ScaleBands
from cadence.talent.models import CalibrationEntry, CalibrationSession, SessionParticipant
from cadence.talent.schemas_sessions import (
    EntryDetailOut,
    EntryFilters,
    EntryOut,
    EntryPatch,
    SessionCreate,
    SessionFilters,
    SessionOut,
    SessionPatch,
    TransitionIn,
    change_out,
    entry_out,
    session_out,
)

router = Router(tags=["calibration"])

LOCKABLE_ERRORS = {**UPDATE_ERRORS, **responses(423)}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _session(request: HttpRequest, session_id: int) -> CalibrationSession:
    if not 0 < session_id <= MAX_ID:
        raise Http404
    try:
        return selectors.visible_session(_user(request), session_id)
    except CalibrationSession.DoesNotExist:
        raise Http404 from None


def _entry(request: HttpRequest, session: CalibrationSession, entry_id: int) -> CalibrationEntry:
    if not 0 < entry_id <= MAX_ID:
        raise Http404
    try:
        return selectors.visible_entry(_user(request), session, entry_id)
    except CalibrationEntry.DoesNotExist:
        raise Http404 from None


def _session_json(session: CalibrationSession) -> dict[str, Any]:
    return session_out(session, session.entries.count(), selectors.participants_of(session))


def _employees(ids: Sequence[int] | None, field: str) -> list[Employee] | None:
    """The employees named by id; every unknown one is an error on `field`."""
    if ids is None:
        return None
    wanted = list(dict.fromkeys(ids))
    found = {e.pk: e for e in Employee.objects.filter(pk__in=wanted)}
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({field: f"There is no employee with id {', '.join(missing[:10])}."})
    return [found[pk] for pk in wanted]


def _closed(exc: services.SessionClosed) -> HttpError:
    return HttpError(423, " ".join(exc.messages))


# --- sessions ---------------------------------------------------------------------------------


@router.get(
    "/calibration-sessions",
    response={200: Page[SessionOut], **READ_ERRORS},
    summary="List calibration sessions",
)
def list_sessions(
    request: HttpRequest, filters: Query[SessionFilters], page: Query[PageParams]
) -> Any:
    """The sessions the caller may see (HR, the facilitator, participating
    managers), newest first."""
    queryset = selectors.sessions_for(
        _user(request),
        selectors.SessionFilters(cycle=filters.cycle, state=filters.state or "", q=filters.q),
    ).prefetch_related(
        Prefetch(
            "participants",
            queryset=SessionParticipant.objects.select_related("employee"),
        )
    )
    count, items = paginate(queryset, page)
    return {
        "count": count,
        "items": [
            session_out(s, s.people, [p.employee for p in s.participants.all()]) for s in items
        ],
    }


@router.post(
    "/calibration-sessions",
    response={201: SessionOut, **WRITE_ERRORS},
    summary="Set up a calibration session",
)
def create_session(request: HttpRequest, payload: SessionCreate) -> Any:
    """A draft session for a cycle and a population (a department and below,
    a job level, or a list of employees), with an entry per person who has
    a result in the cycle. HR admins; an HRBP for a department in scope."""
    user = _user(request)
    if not services.can_create_sessions(user):
        raise PermissionDenied
    values = payload.dict()
    employees = _employees(values.pop("employees"), "employees") or []
    participants = _employees(values.pop("participants"), "participants")
    sources: dict[str, models.QuerySet[Any]] = {
        "cycle": Cycle.objects.all(),
        "department": Department.objects.all(),
        "job_level": JobLevel.objects.all(),
        "facilitator": User.objects.filter(is_active=True),
    }
    resolved = resolve_related(values, sources)
    session = services.create_session(
        actor=user, employees=employees, participants=participants, **resolved
    )
    return Status(201, _session_json(_session(request, session.pk)))


@router.get(
    "/calibration-sessions/{session_id}",
    response={200: SessionOut, **DETAIL_ERRORS},
    summary="Read a calibration session",
)
def get_session(request: HttpRequest, session_id: int) -> Any:
    return _session_json(_session(request, session_id))


@router.patch(
    "/calibration-sessions/{session_id}",
    response={200: SessionOut, **LOCKABLE_ERRORS},
    summary="Change a session's set-up",
)
def update_session(request: HttpRequest, session_id: int, payload: SessionPatch) -> Any:
    """Only the fields sent. `participants` replaces the list. Refused (423)
    once the session is closed."""
    user = _user(request)
    session = _session(request, session_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    participants = _employees(changes.pop("participants", None), "participants")
    for required in ("name", "share_whole_view", "min_team_size", "facilitator"):
        if required in changes and changes[required] is None:
            raise ValidationError({required: "This field cannot be null."})
    if "facilitator" in changes:
        changes = resolve_related(changes, {"facilitator": User.objects.filter(is_active=True)})
    try:
        services.update_session(
            actor=user,
            session=session,
            expected_version=version,
            participants=participants,
            **changes,
        )
    except services.SessionClosed as exc:
        raise _closed(exc) from None
    return _session_json(_session(request, session_id))


@router.post(
    "/calibration-sessions/{session_id}/transitions",
    response={200: SessionOut, **LOCKABLE_ERRORS},
    summary="Open or close a session",
)
def transition_session(request: HttpRequest, session_id: int, payload: TransitionIn) -> Any:
    """`to: open` (draft → open; the cycle must be at calibration or later)
    or `to: locked` (open → closed: the calibrated ratings are written into
    the review results; facilitator or HR admin)."""
    user = _user(request)
    session = _session(request, session_id)
    try:
        if payload.to == "open":
            services.open_session(actor=user, session=session, expected_version=payload.version)
        else:
            services.lock_session(actor=user, session=session, expected_version=payload.version)
    except services.SessionClosed as exc:
        raise _closed(exc) from None
    return _session_json(_session(request, session_id))


# --- people -----------------------------------------------------------------------------------


def _bands(session: CalibrationSession) -> ScaleBands:
    return ScaleBands(selectors.scale_levels(session))


@router.get(
    "/calibration-sessions/{session_id}/people",
    response={200: Page[EntryOut], **DETAIL_ERRORS},
    summary="List the people in a session",
)
def list_people(
    request: HttpRequest,
    session_id: int,
    filters: Query[EntryFilters],
    page: Query[PageParams],
) -> Any:
    """The people the caller may see in the session (managers: their own
    people unless HR shares the whole view), by name, with the original,
    proposed and calibrated ratings, potential and grid box."""
    session = _session(request, session_id)
    queryset = selectors.entries_for(
        _user(request),
        session,
        selectors.EntryFilters(
            manager=filters.manager,
            department=filters.department,
            level=filters.level,
            changed=filters.changed,
            q=filters.q,
        ),
    )
    count, items = paginate(queryset, page)
    bands = _bands(session)
    return {"count": count, "items": [entry_out(e, bands) for e in items]}


def _entry_json(request: HttpRequest, session: CalibrationSession, entry_id: int) -> dict[str, Any]:
    entry = _entry(request, session, entry_id)
    changes = [change_out(c) for c in selectors.entry_changes(entry)]
    return {**entry_out(entry, _bands(session)), "changes": changes}


@router.get(
    "/calibration-sessions/{session_id}/people/{entry_id}",
    response={200: EntryDetailOut, **DETAIL_ERRORS},
    summary="Read one person in a session, with every change",
)
def get_person(request: HttpRequest, session_id: int, entry_id: int) -> Any:
    return _entry_json(request, _session(request, session_id), entry_id)


@router.patch(
    "/calibration-sessions/{session_id}/people/{entry_id}",
    response={200: EntryDetailOut, **LOCKABLE_ERRORS},
    summary="Move a person (calibrated rating and/or potential, with a reason)",
)
def move_person(request: HttpRequest, session_id: int, entry_id: int, payload: EntryPatch) -> Any:
    """Send `calibrated_level` (a level id, or null to clear) and/or
    `potential` (1–3, or null), with a `reason` (422 without one) and the
    `version` you read (409 when stale). Only while the session is open
    (423 once closed). HR moves anyone they see; a participating manager
    their own people (403 otherwise)."""
    session = _session(request, session_id)
    entry = _entry(request, session, entry_id)
    changes = payload.dict(exclude_unset=True)
    arguments: dict[str, Any] = {}
    if "calibrated_level" in changes:
        levels = RatingLevel.objects.filter(scale_id=session.cycle.template.rating_scale_id)
        arguments |= resolve_related(
            {"calibrated_level": changes["calibrated_level"]}, {"calibrated_level": levels}
        )
    if "potential" in changes:
        arguments["potential"] = changes["potential"]
    try:
        services.move_entry(
            actor=_user(request),
            entry=entry,
            reason=changes.get("reason") or "",
            expected_version=changes.get("version"),
            **arguments,
        )
    except services.SessionClosed as exc:
        raise _closed(exc) from None
    return _entry_json(request, session, entry_id)
