"""What the API takes and gives for 1:1s: series, meetings, agenda items,
action items and the caller's own private note. There is no schema for
anyone else's private note, and none for coaching notes: those never leave
their author's pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from cadence.api.fields import MAX_ID, Id, NoNul, SearchText, text_limits
from cadence.feedback.models import (
    ActionItem,
    AgendaItem,
    Frequency,
    Meeting,
    MeetingStatus,
    OneOnOneSeries,
    PrivateNote,
)
from cadence.feedback.services_meetings import TEXT_MAX
from cadence.people.models import Employee

ItemText = Annotated[str, text_limits(TEXT_MAX, 1), NoNul]
# Notes keep their whitespace (they are prose the people wrote).
NotesText = Annotated[str, Field(max_length=20_000), NoNul]


class PersonRef(Schema):
    id: int
    name: str


def person(employee: Employee) -> dict[str, Any]:
    return {"id": employee.pk, "name": employee.full_name}


# --- output ------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    series: int
    scheduled_on: dt.date
    status: MeetingStatus
    held_at: dt.datetime | None


class SeriesOut(Schema):
    id: int
    manager: PersonRef
    report: PersonRef
    frequency: Frequency
    starts_on: dt.date
    ends_on: dt.date | None
    active: bool
    next_meeting_on: dt.date | None = Field(description="The next planned meeting from today.")
    open_action_items: int = Field(description="Action items of this series not done yet.")


class SeriesDetailOut(SeriesOut):
    upcoming: list[MeetingOut] = Field(description="The planned meetings ahead, soonest first.")


class AgendaItemOut(Schema):
    id: int
    meeting: int
    author: PersonRef
    text: str
    done: bool
    position: int
    carried_from: int | None = Field(
        description="The agenda item (of an earlier meeting) this one was carried over from."
    )


class ActionItemOut(Schema):
    id: int
    meeting: int
    owner: PersonRef
    text: str
    due_on: dt.date | None
    done: bool
    done_at: dt.datetime | None


class MeetingDetailOut(MeetingOut):
    shared_notes: str
    version: int = Field(description="Send it back with PATCH to refuse a concurrent edit (409).")
    agenda_items: list[AgendaItemOut]
    action_items: list[ActionItemOut]


class PrivateNoteOut(Schema):
    """The caller's own private note on a meeting (empty when they have none).
    Nobody else's is ever returned."""

    meeting: int
    body: str
    updated_at: dt.datetime | None


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "series": meeting.series_id,
        "scheduled_on": meeting.scheduled_on,
        "status": meeting.status,
        "held_at": meeting.held_at,
    }


def series_out(series: OneOnOneSeries, upcoming: list[Meeting] | None = None) -> dict[str, Any]:
    out = {
        "id": series.pk,
        "manager": person(series.manager),
        "report": person(series.report),
        "frequency": series.frequency,
        "starts_on": series.starts_on,
        "ends_on": series.ends_on,
        "active": series.active,
        "next_meeting_on": getattr(series, "next_meeting_on", None),
        "open_action_items": getattr(series, "open_action_items", 0),
    }
    if upcoming is not None:
        out["upcoming"] = [meeting_out(m) for m in upcoming]
    return out


def agenda_item_out(item: AgendaItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "meeting": item.meeting_id,
        "author": person(item.author),
        "text": item.text,
        "done": item.done,
        "position": item.position,
        "carried_from": item.carried_from_id,
    }


def action_item_out(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "meeting": item.meeting_id,
        "owner": person(item.owner),
        "text": item.text,
        "due_on": item.due_on,
        "done": item.done_at is not None,
        "done_at": item.done_at,
    }


def meeting_detail_out(
    meeting: Meeting, agenda: list[AgendaItem], actions: list[ActionItem]
) -> dict[str, Any]:
    return {
        **meeting_out(meeting),
        "shared_notes": meeting.shared_notes,
        "version": meeting.version,
        "agenda_items": [agenda_item_out(i) for i in agenda],
        "action_items": [action_item_out(i) for i in actions],
    }


def private_note_out(meeting: Meeting, note: PrivateNote | None) -> dict[str, Any]:
    return {
        "meeting": meeting.pk,
        "body": note.body if note else "",
        "updated_at": note.updated_at if note else None,
    }


# --- input -------------------------------------------------------------------


class SeriesFilters(Schema):
    active: bool | None = Field(True, description="Current (true, the default) or ended series.")
    q: SearchText = Field("", description="Words in either person's name.")


class SeriesCreate(Schema):
    """Start a recurring 1:1. `manager` defaults to the caller; HR may name
    another manager, who must be above the report."""

    report: Id
    manager: Id | None = None
    frequency: Frequency
    starts_on: dt.date


class MeetingFilters(Schema):
    status: MeetingStatus | None = None
    since: dt.date | None = Field(None, description="Scheduled on or after this day.")
    until: dt.date | None = Field(None, description="Scheduled on or before this day.")


class MeetingPatch(Schema):
    """Only the fields sent change. Send the `version` you read with
    `shared_notes` to get a 409 when the other person saved in between.
    Held or cancelled carries unfinished agenda items to the next meeting."""

    shared_notes: NotesText | None = None
    version: int | None = Field(None, ge=1, le=MAX_ID)
    status: MeetingStatus | None = None


class AgendaItemCreate(Schema):
    text: ItemText


class AgendaItemPatch(Schema):
    """Either person ticks `done`; only the item's author changes `text`."""

    text: ItemText | None = None
    done: bool | None = None


class ActionItemCreate(Schema):
    owner: Id = Field(description="One of the two people of the 1:1.")
    text: ItemText
    due_on: dt.date | None = None


class ActionItemPatch(Schema):
    """Only the fields sent change; `"due_on": null` clears the date."""

    owner: Id | None = None
    text: ItemText | None = None
    due_on: dt.date | None = None
    done: bool | None = None


class ActionItemFilters(Schema):
    open: bool | None = Field(True, description="Open (true, the default), done (false) or all.")
    mine: bool = Field(True, description="Only those I own (true) or all of my 1:1s' (false).")


class PrivateNoteIn(Schema):
    body: NotesText
