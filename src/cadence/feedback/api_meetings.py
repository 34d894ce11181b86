"""/api/v1 endpoints for 1:1s: series, meetings, agenda items, action items
and the caller's own private note. Thin: visibility from the models'
`visible_to` (a 1:1 is its two people's: anyone else gets 404), rules from
`services_meetings`. Private notes: only ever the caller's own. Coaching
notes are not in the API at all."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from cadence.api.errors import DETAIL_ERRORS, READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, responses
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.api.related import resolve_related
from cadence.core.models import User
from cadence.feedback import selectors_meetings as selectors
from cadence.feedback import services_meetings as services
from cadence.feedback.models import ActionItem, AgendaItem, Meeting, OneOnOneSeries
from cadence.feedback.schemas_meetings import (
    ActionItemCreate,
    ActionItemFilters,
    ActionItemOut,
    ActionItemPatch,
    AgendaItemCreate,
    AgendaItemOut,
    AgendaItemPatch,
    MeetingDetailOut,
    MeetingFilters,
    MeetingOut,
    MeetingPatch,
    PrivateNoteIn,
    PrivateNoteOut,
    SeriesCreate,
    SeriesDetailOut,
    SeriesFilters,
    SeriesOut,
    action_item_out,
    agenda_item_out,
    meeting_detail_out,
    meeting_out,
    private_note_out,
    series_out,
)
from cadence.people.models import Employee

router = Router(tags=["one-on-ones"])

# Writes under a record that exists: 404 when not visible, 403 when refused.
CHILD_WRITE_ERRORS = responses(400, 401, 403, 404, 422)
UPCOMING = 8
Row = TypeVar("Row", bound=Model)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _found(queryset: QuerySet[Row], pk: int) -> Row:
    """The row `pk` of `queryset` (what the caller may read), else 404."""
    found = queryset.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if found is None:
        raise Http404
    return found


def _series(request: HttpRequest, series_id: int) -> OneOnOneSeries:
    today = timezone.localdate()
    return _found(selectors.series_for(_user(request), today=today, active=None), series_id)


def _meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    return _found(selectors.visible_meetings(_user(request)), meeting_id)


def _meeting_json(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    contents = selectors.meeting_contents(_user(request), meeting)
    return meeting_detail_out(meeting, contents.agenda, contents.action_items)


def _people(user: User, values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    people: QuerySet[Employee] = Employee.objects.visible_to(user)
    return resolve_related(values, dict.fromkeys(names, people), blank_text=())


# --- series ------------------------------------------------------------------


@router.get("/one-on-ones", response={200: Page[SeriesOut], **READ_ERRORS}, summary="List my 1:1s")
def list_series(
    request: HttpRequest, filters: Query[SeriesFilters], page: Query[PageParams]
) -> Any:
    """My 1:1 series, as manager or as report, soonest next meeting first."""
    queryset = selectors.series_for(
        _user(request), today=timezone.localdate(), active=filters.active, q=filters.q
    )
    count, items = paginate(queryset, page)
    return {"count": count, "items": [series_out(s) for s in items]}


@router.post("/one-on-ones", response={201: SeriesDetailOut, **WRITE_ERRORS}, summary="Start a 1:1")
def start_series(request: HttpRequest, payload: SeriesCreate) -> Any:
    """A manager with someone below them; HR (admin, or the HRBP for the
    report's department) on a manager's behalf. One active series per pair;
    meetings are generated eight weeks ahead. HR cannot read the series
    afterwards: it answers with it once, here."""
    user = _user(request)
    values = _people(user, payload.dict(), ("report", "manager"))
    series = services.start_series(actor=user, **values)
    found = (
        selectors.series_for(user, today=timezone.localdate(), active=None)
        .filter(pk=series.pk)
        .first()
    ) or series
    return Status(
        201, series_out(found, list(selectors.upcoming(series, timezone.localdate())[:UPCOMING]))
    )


@router.get(
    "/one-on-ones/{series_id}",
    response={200: SeriesDetailOut, **DETAIL_ERRORS},
    summary="Read a 1:1 series",
)
def get_series(request: HttpRequest, series_id: int) -> Any:
    """With its next planned meetings."""
    series = _series(request, series_id)
    upcoming = list(selectors.upcoming(series, timezone.localdate())[:UPCOMING])
    return series_out(series, upcoming)


@router.post(
    "/one-on-ones/{series_id}/end",
    response={200: SeriesDetailOut, **UPDATE_ERRORS},
    summary="End a 1:1 series",
)
def end_series(request: HttpRequest, series_id: int) -> Any:
    """Its manager stops it: no more meetings; empty planned ones ahead go."""
    series = _series(request, series_id)
    services.end_series(actor=_user(request), series=series)
    return series_out(_series(request, series_id), [])


@router.get(
    "/one-on-ones/{series_id}/meetings",
    response={200: Page[MeetingOut], **DETAIL_ERRORS},
    summary="List a series' meetings",
)
def list_meetings(
    request: HttpRequest,
    series_id: int,
    filters: Query[MeetingFilters],
    page: Query[PageParams],
) -> Any:
    """Newest first."""
    series = _series(request, series_id)
    queryset = Meeting.objects.filter(series=series).order_by("-scheduled_on")
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.since:
        queryset = queryset.filter(scheduled_on__gte=filters.since)
    if filters.until:
        queryset = queryset.filter(scheduled_on__lte=filters.until)
    count, items = paginate(queryset, page)
    return {"count": count, "items": [meeting_out(m) for m in items]}


# --- meetings ----------------------------------------------------------------


@router.get(
    "/one-on-ones/meetings/{meeting_id}",
    response={200: MeetingDetailOut, **DETAIL_ERRORS},
    summary="Read a meeting",
)
def get_meeting(request: HttpRequest, meeting_id: int) -> Any:
    """With its shared notes, agenda and action items (no private notes:
    the caller's own are at `/private-note`)."""
    return _meeting_json(request, _meeting(request, meeting_id))


@router.patch(
    "/one-on-ones/meetings/{meeting_id}",
    response={200: MeetingDetailOut, **UPDATE_ERRORS},
    summary="Change a meeting",
)
def update_meeting(request: HttpRequest, meeting_id: int, payload: MeetingPatch) -> Any:
    user = _user(request)
    meeting = _meeting(request, meeting_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("shared_notes") is not None:
        meeting = services.update_shared_notes(
            actor=user,
            meeting=meeting,
            shared_notes=changes["shared_notes"],
            expected_version=changes.get("version"),
        )
    if changes.get("status") is not None:
        services.set_meeting_status(actor=user, meeting=meeting, status=changes["status"])
    return _meeting_json(request, _meeting(request, meeting_id))


@router.get(
    "/one-on-ones/meetings/{meeting_id}/private-note",
    response={200: PrivateNoteOut, **DETAIL_ERRORS},
    summary="Read my private note on a meeting",
)
def get_private_note(request: HttpRequest, meeting_id: int) -> Any:
    """Only ever the caller's own; empty when they have none."""
    meeting = _meeting(request, meeting_id)
    return private_note_out(meeting, selectors.private_note_of(_user(request), meeting))


@router.put(
    "/one-on-ones/meetings/{meeting_id}/private-note",
    response={200: PrivateNoteOut, **CHILD_WRITE_ERRORS},
    summary="Save my private note on a meeting",
)
def put_private_note(request: HttpRequest, meeting_id: int, payload: PrivateNoteIn) -> Any:
    meeting = _meeting(request, meeting_id)
    note = services.save_private_note(actor=_user(request), meeting=meeting, body=payload.body)
    return private_note_out(meeting, note)


# --- agenda items --------------------------------------------------------------


@router.get(
    "/one-on-ones/meetings/{meeting_id}/agenda-items",
    response={200: Page[AgendaItemOut], **DETAIL_ERRORS},
    summary="List a meeting's agenda",
)
def list_agenda(request: HttpRequest, meeting_id: int, page: Query[PageParams]) -> Any:
    meeting = _meeting(request, meeting_id)
    queryset = meeting.agenda_items.select_related("author").order_by("position", "id")
    count, items = paginate(queryset, page)
    return {"count": count, "items": [agenda_item_out(i) for i in items]}


@router.post(
    "/one-on-ones/meetings/{meeting_id}/agenda-items",
    response={201: AgendaItemOut, **CHILD_WRITE_ERRORS},
    summary="Add to a meeting's agenda",
)
def add_agenda_item(request: HttpRequest, meeting_id: int, payload: AgendaItemCreate) -> Any:
    meeting = _meeting(request, meeting_id)
    item = services.add_agenda_item(actor=_user(request), meeting=meeting, text=payload.text)
    return Status(201, agenda_item_out(AgendaItem.objects.select_related("author").get(pk=item.pk)))


@router.patch(
    "/one-on-ones/meetings/{meeting_id}/agenda-items/{item_id}",
    response={200: AgendaItemOut, **UPDATE_ERRORS},
    summary="Change an agenda item",
)
def update_agenda_item(
    request: HttpRequest, meeting_id: int, item_id: int, payload: AgendaItemPatch
) -> Any:
    meeting = _meeting(request, meeting_id)
    item = _found(AgendaItem.objects.filter(meeting=meeting), item_id)
    changes = payload.dict(exclude_unset=True)
    services.update_agenda_item(
        actor=_user(request), item=item, text=changes.get("text"), done=changes.get("done")
    )
    return agenda_item_out(AgendaItem.objects.select_related("author").get(pk=item.pk))


# --- action items ----------------------------------------------------------------


def _action_item_json(item_id: int) -> dict[str, Any]:
    return action_item_out(ActionItem.objects.select_related("owner").get(pk=item_id))


@router.get(
    "/one-on-ones/meetings/{meeting_id}/action-items",
    response={200: Page[ActionItemOut], **DETAIL_ERRORS},
    summary="List a meeting's action items",
)
def list_meeting_actions(request: HttpRequest, meeting_id: int, page: Query[PageParams]) -> Any:
    meeting = _meeting(request, meeting_id)
    queryset = meeting.action_items.select_related("owner").order_by("due_on", "id")
    count, items = paginate(queryset, page)
    return {"count": count, "items": [action_item_out(i) for i in items]}


@router.post(
    "/one-on-ones/meetings/{meeting_id}/action-items",
    response={201: ActionItemOut, **CHILD_WRITE_ERRORS},
    summary="Add an action item",
)
def add_action_item(request: HttpRequest, meeting_id: int, payload: ActionItemCreate) -> Any:
    """Owned by one of the two people, with an optional due date."""
    user = _user(request)
    meeting = _meeting(request, meeting_id)
    values = _people(user, payload.dict(), ("owner",))
    item = services.add_action_item(actor=user, meeting=meeting, **values)
    return Status(201, _action_item_json(item.pk))


@router.get(
    "/action-items",
    response={200: Page[ActionItemOut], **READ_ERRORS},
    summary="List my action items",
)
def list_my_actions(
    request: HttpRequest, filters: Query[ActionItemFilters], page: Query[PageParams]
) -> Any:
    """By default my open action items from my 1:1s, soonest due first."""
    queryset = selectors.action_items_for(_user(request), mine=filters.mine, open_only=False)
    if filters.open is not None:
        queryset = queryset.filter(done_at__isnull=filters.open)
    count, items = paginate(queryset, page)
    return {"count": count, "items": [action_item_out(i) for i in items]}


@router.patch(
    "/action-items/{item_id}",
    response={200: ActionItemOut, **UPDATE_ERRORS},
    summary="Change an action item",
)
def update_action_item(request: HttpRequest, item_id: int, payload: ActionItemPatch) -> Any:
    """Mark it done (`"done": true`) or open, or change its owner, text or
    due date. Either of the two people may."""
    user = _user(request)
    item = _found(ActionItem.objects.visible_to(user), item_id)
    changes = _people(user, payload.dict(exclude_unset=True), ("owner",))
    services.update_action_item(actor=user, item=item, **changes)
    return _action_item_json(item.pk)
