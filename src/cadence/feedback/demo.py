"""The demo organisation's feedback and 1:1s: company values; six months of
feedback and praise between colleagues (every visibility choice); feedback
requests, some answered and some waiting (the demo employee and manager have
some to answer); a 1:1 series between every manager and each direct report,
with three months of history (held, a few cancelled or missed, agenda,
shared notes, action items, unfinished items carried over) and meetings
planned ahead; the demo manager's private notes and coaching journal.

Built in bulk for the organisation already in the database: meetings get
explicit ids so their agenda and action items are planned with them, and the
large tables are written by one prepared INSERT per batch. The same
organisation, random state and `today` give the same records."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from typing import Any

from django.db import connection, models

from cadence.core.demo_rows import insert_objects, insert_rows, moment_adapter
from cadence.feedback import demo_data as data
from cadence.feedback.models import (
    ActionItem,
    AgendaItem,
    AskStatus,
    CoachingNote,
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    FeedbackVisibility,
    Frequency,
    Meeting,
    MeetingStatus,
    OneOnOneSeries,
    PrivateNote,
)
from cadence.feedback.services_meetings import meeting_days, planning_horizon
from cadence.people.models import EmploymentStatus
from cadence.reviews.demo_setup import Organisation, Person, at, first_free_id

AGENDA_FIELDS = (
    "id",
    "meeting",
    "author",
    "text",
    "done",
    "carried_from",
    "position",
    "created_at",
)
# Rows given explicit ids here; the caller moves PostgreSQL's sequences past them.
MODELS_WITH_EXPLICIT_IDS: tuple[type[models.Model], ...] = (OneOnOneSeries, Meeting, AgendaItem)
EMPLOYEE_LOGIN = "employee@example.com"
MANAGER_LOGIN = "manager@example.com"
FEEDBACK_DAYS = 180
HISTORY_DAYS = 90
VISIBILITY_WEIGHTS = (
    (FeedbackVisibility.PUBLIC, 35),
    (FeedbackVisibility.RECIPIENT_AND_MANAGER, 35),
    (FeedbackVisibility.PRIVATE, 20),
    (FeedbackVisibility.MANAGER_ONLY, 10),
)
FREQUENCY_WEIGHTS = ((Frequency.WEEKLY, 30), (Frequency.FORTNIGHTLY, 50), (Frequency.MONTHLY, 20))


@dataclass
class DemoFeedback:
    """What the demo feedback generator made."""

    values: int = 0
    feedback: int = 0
    requests: int = 0
    asks: int = 0
    series: int = 0
    meetings: int = 0
    agenda_items: int = 0
    action_items: int = 0
    notes: int = 0

    @property
    def rows(self) -> int:
        return sum(astuple(self))


def wipe_demo_feedback() -> None:
    """Delete every feedback and 1:1 record, children first, so the people
    and goals they point at can be deleted after. The big tables go in one
    statement each."""
    for model in (
        PrivateNote,
        ActionItem,
        AgendaItem,
        Meeting,
        OneOnOneSeries,
        CoachingNote,
        Feedback,
        FeedbackAsk,
        FeedbackRequest,
        CompanyValue,
    ):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def generate_demo_feedback(*, rng: random.Random, today: dt.date) -> DemoFeedback:
    """Values, feedback, requests, 1:1s and coaching notes for the
    organisation in the database (see the module docstring)."""
    builder = _FeedbackBuilder(rng, today, Organisation.load())
    builder.values()
    builder.feedback()
    builder.requests()
    builder.one_on_ones()
    builder.coaching()
    return builder.summary


class _FeedbackBuilder:
    def __init__(self, rng: random.Random, today: dt.date, org: Organisation) -> None:
        self.rng = rng
        self.today = today
        self.org = org
        self.summary = DemoFeedback()
        self.active = [p for p in org.people.values() if p.status == EmploymentStatus.ACTIVE]
        self.active_ids = {p.id for p in self.active}
        self.reports: dict[int, list[int]] = defaultdict(list)
        for p in self.active:
            if p.manager_id in self.active_ids:
                self.reports[p.manager_id].append(p.id)
        self.value_ids: list[int] = []
        self.employee_id = org.logins.get(EMPLOYEE_LOGIN)
        self.manager_id = org.logins.get(MANAGER_LOGIN)

    # -- feedback -------------------------------------------------------------

    def values(self) -> None:
        made = CompanyValue.objects.bulk_create(
            [CompanyValue(name=name, description=text) for name, text in data.COMPANY_VALUES]
        )
        self.value_ids = [v.pk for v in made]
        self.summary.values = len(made)

    def colleague_of(self, person: Person) -> int | None:
        """Someone `person` works with: a teammate, their manager or a report."""
        roll = self.rng.random()
        if roll < 0.25 and person.manager_id in self.active_ids:
            return person.manager_id
        if roll < 0.45 and self.reports.get(person.id):
            return self.rng.choice(self.reports[person.id])
        team = self.reports.get(person.manager_id or 0, [])
        others = [t for t in team if t != person.id]
        return self.rng.choice(others) if others else None

    def one_feedback(self, giver: int, recipient: int, days_ago: int, **extra: Any) -> Feedback:
        rng = self.rng
        visibility = (
            extra.pop("visibility", None)
            or rng.choices([v for v, _ in VISIBILITY_WEIGHTS], [w for _, w in VISIBILITY_WEIGHTS])[
                0
            ]
        )
        praise = visibility == FeedbackVisibility.PUBLIC
        competencies = self.org.competencies.get(self.org.people[recipient].profile_id or 0, [])
        value_id = rng.choice(self.value_ids) if praise and rng.random() < 0.6 else None
        competency_id = (
            rng.choice(competencies)
            if competencies and not value_id and rng.random() < 0.5
            else None
        )
        return Feedback(
            giver_id=giver,
            recipient_id=recipient,
            body=rng.choice(data.PRAISE if praise else data.FEEDBACK),
            visibility=visibility,
            value_id=value_id,
            competency_id=competency_id,
            created_at=at(self.today - dt.timedelta(days=days_ago), 9 + rng.randrange(8), 5),
            **extra,
        )

    def feedback(self) -> None:
        rows: list[Feedback] = []
        for person in self.active:
            for _ in range(self.rng.choice((0, 1, 1, 2, 3))):
                recipient = self.colleague_of(person)
                if recipient is not None:
                    rows.append(
                        self.one_feedback(person.id, recipient, self.rng.randrange(FEEDBACK_DAYS))
                    )
        # The demo employee has praise on the wall and feedback from their manager.
        if self.employee_id and self.manager_id:
            for days, visibility in (
                (3, FeedbackVisibility.PUBLIC),
                (12, FeedbackVisibility.RECIPIENT_AND_MANAGER),
                (40, FeedbackVisibility.PRIVATE),
            ):
                rows.append(
                    self.one_feedback(
                        self.manager_id, self.employee_id, days, visibility=visibility
                    )
                )
        self.summary.feedback += insert_objects(Feedback, rows)

    def requests(self) -> None:
        """A request from one person in twenty, plus the demo logins'."""
        rng = self.rng
        plans: list[tuple[int, list[int], int]] = []  # requester, responders, days ago
        for person in self.active:
            if rng.random() < 0.05:
                asked = {c for c in (self.colleague_of(person) for _ in range(4)) if c}
                if len(asked) >= 2:
                    plans.append((person.id, sorted(asked)[:3], rng.randrange(5, 60)))
        if self.employee_id:
            me = self.org.people[self.employee_id]
            peers = [p for p in self.reports.get(me.manager_id or 0, []) if p != me.id]
            if peers:
                plans.append((self.employee_id, peers[:3], 4))  # mostly waiting
                for peer in peers[:1]:  # and one the demo employee is asked to answer
                    plans.append((peer, [self.employee_id], 2))
        if self.manager_id and self.reports.get(self.manager_id):
            plans.append((self.reports[self.manager_id][-1], [self.manager_id], 1))
        requests = FeedbackRequest.objects.bulk_create(
            [
                FeedbackRequest(
                    requester_id=requester,
                    subject_id=requester,
                    message=rng.choice(data.REQUEST_MESSAGES),
                    due_on=self.today + dt.timedelta(days=14 - days_ago),
                    created_at=at(self.today - dt.timedelta(days=days_ago), 10, 0),
                )
                for requester, _, days_ago in plans
            ],
            batch_size=2000,
        )
        asks: list[FeedbackAsk] = []
        for request, (_, responders, days_ago) in zip(requests, plans, strict=True):
            for responder in responders:
                answered = days_ago > 7 and rng.random() < 0.7
                asks.append(
                    FeedbackAsk(
                        request=request,
                        responder_id=responder,
                        status=AskStatus.ANSWERED if answered else AskStatus.PENDING,
                        answered_at=at(request.due_on - dt.timedelta(days=3), 15, 0)
                        if answered
                        else None,
                    )
                )
        FeedbackAsk.objects.bulk_create(asks, batch_size=2000)
        answers = [
            self.one_feedback(
                ask.responder_id,
                ask.request.requester_id,
                (self.today - ask.request.due_on).days + 3,
                visibility=FeedbackVisibility.RECIPIENT_AND_MANAGER,
                ask=ask,
            )
            for ask in asks
            if ask.status == AskStatus.ANSWERED
        ]
        insert_objects(Feedback, answers)
        self.summary.requests += len(requests)
        self.summary.asks += len(asks)
        self.summary.feedback += len(answers)

    # -- 1:1s -----------------------------------------------------------------

    def one_on_ones(self) -> None:
        rng = self.rng
        horizon = planning_horizon(self.today)
        pairs = [(m, r) for m, reports in sorted(self.reports.items()) for r in reports]
        series_rows = []
        series_ids = itertools.count(first_free_id(OneOnOneSeries))
        for manager, report in pairs:
            frequency = rng.choices(
                [f for f, _ in FREQUENCY_WEIGHTS], [w for _, w in FREQUENCY_WEIGHTS]
            )[0]
            starts = self.today - dt.timedelta(days=rng.randrange(20, HISTORY_DAYS))
            series_rows.append(
                OneOnOneSeries(
                    id=next(series_ids),
                    manager_id=manager,
                    report_id=report,
                    frequency=frequency,
                    starts_on=starts,
                    generated_through=horizon,
                    created_at=at(starts - dt.timedelta(days=3), 9, 0),
                )
            )
        insert_objects(OneOnOneSeries, series_rows)
        series = series_rows
        self.summary.series = len(series)
        next_id = first_free_id(Meeting)
        # Agenda items get their ids here too, so a carried copy can point at
        # its original before either is written. Each is a list of the
        # values of AGENDA_FIELDS (done is settled after the meeting).
        agenda_ids = itertools.count(first_free_id(AgendaItem))
        meetings: list[tuple[Any, ...]] = []
        agenda: list[list[Any]] = []
        actions: list[tuple[Any, ...]] = []
        moment = moment_adapter()
        today = self.today
        random_ = rng.random
        shared_notes, agenda_texts, action_texts = data.SHARED_NOTES, data.AGENDA, data.ACTIONS
        for s in series:
            days = meeting_days(s.frequency, s.starts_on, s.starts_on, horizon)
            people = (s.manager_id, s.report_id)
            open_items: list[list[Any]] = []  # unfinished at the last meeting held
            next_planned = True  # the first meeting ahead has its agenda started
            for day in days:
                meeting_id, next_id = next_id, next_id + 1
                past = day < today
                roll = random_()
                status = (
                    MeetingStatus.PLANNED
                    if not past or roll >= 0.93
                    else (MeetingStatus.CANCELLED if roll >= 0.85 else MeetingStatus.HELD)
                )
                held = status == MeetingStatus.HELD
                notes = _pick(shared_notes, random_()) if held and random_() < 0.7 else ""
                held_at = moment(day, 11, 0) if held else None
                meetings.append(
                    (meeting_id, s.pk, day, status, notes, held_at, 1, moment(day, 11, 30))
                )
                morning = moment(day, 8, 0)
                carried = [
                    [next(agenda_ids), meeting_id, item[2], item[3], False, item[0], i, morning]
                    for i, item in enumerate(open_items)
                ]
                agenda.extend(carried)
                if status == MeetingStatus.PLANNED and past:
                    open_items = carried  # a missed meeting carries nothing on yet
                    continue
                count = (
                    _pick((1, 2, 2, 3), random_())
                    if past
                    else (_pick((1, 2), random_()) * next_planned)
                )
                before = moment(day - dt.timedelta(days=2), 16, 0)
                fresh = [
                    [
                        next(agenda_ids),
                        meeting_id,
                        _pick(people, random_()),
                        _pick(agenda_texts, random_()),
                        held and random_() < 0.8,
                        None,
                        len(carried) + i,
                        before,
                    ]
                    for i in range(count)
                ]
                next_planned = next_planned and past
                for item in carried:
                    item[4] = held
                agenda.extend(fresh)
                open_items = [i for i in carried + fresh if not i[4]] if past else []
                if held and random_() < 0.4:
                    due = day + dt.timedelta(days=rng.randrange(7, 22))
                    finished = due < today and random_() < 0.8
                    actions.append(
                        (
                            meeting_id,
                            _pick(people, random_()),
                            _pick(action_texts, random_()),
                            due,
                            moment(due, 17, 0) if finished else None,
                            moment(day, 11, 0),
                        )
                    )
        insert_rows(
            Meeting,
            (
                "id",
                "series",
                "scheduled_on",
                "status",
                "shared_notes",
                "held_at",
                "version",
                "updated_at",
            ),
            meetings,
        )
        # Originals come before their copies in `agenda`, and SQLite and
        # PostgreSQL check the foreign key per row (or at commit): one pass.
        insert_rows(AgendaItem, AGENDA_FIELDS, agenda)
        insert_rows(
            ActionItem, ("meeting", "owner", "text", "due_on", "done_at", "created_at"), actions
        )
        self.summary.meetings = len(meetings)
        self.summary.agenda_items = len(agenda)
        self.summary.action_items = len(actions)

    def coaching(self) -> None:
        """The demo manager's coaching journal and private notes on their 1:1s."""
        if not self.manager_id:
            return
        rng = self.rng
        notes = [
            CoachingNote(
                author_id=self.manager_id,
                report_id=report,
                noted_on=self.today - dt.timedelta(days=days),
                body=rng.choice(data.COACHING_NOTES),
            )
            for report in self.reports.get(self.manager_id, [])
            for days in sorted(rng.sample(range(3, 120), 2))
        ]
        CoachingNote.objects.bulk_create(notes)
        manager_user = self.org.people[self.manager_id].user_id
        held = Meeting.objects.filter(
            series__manager_id=self.manager_id, status=MeetingStatus.HELD
        ).order_by("-scheduled_on")[:4]
        private = [
            PrivateNote(meeting=m, author_id=manager_user, body=rng.choice(data.PRIVATE_NOTES))
            for m in held
            if manager_user
        ]
        PrivateNote.objects.bulk_create(private)
        self.summary.notes = len(notes) + len(private)


def _pick(choices: Sequence[Any], roll: float) -> Any:
    """One of `choices` for a roll of the dice (0 to 1): rng.choice, cheaper."""
    return choices[int(roll * len(choices))]
