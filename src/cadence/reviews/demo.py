"""The demo organisation's reviews: a five-point scale, one review template,
the annual reviews of the last two years (closed: every review written,
results computed, a few calibrated, released and mostly acknowledged) and
this year's review, open in the manager-review phase (self reviews mostly
in, peers approved and mostly written, manager reviews partly written).

Built for the organisation (and goals) already in the database, in bulk:
assignments get explicit ids so their answers are planned with them and
written by one prepared INSERT per batch (answers are most of the rows).
Computed scores come from the real scoring code (results.score_of_record)
applied to the manager review as it is planned, so they are exactly what
`recompute_cycle_results` would store. The same organisation, random state
and `today` give the same reviews."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

from cadence.core.demo_rows import datetime_adapter
from cadence.goals.models import GoalPeriod, Objective, Scope, Visibility
from cadence.people.models import EmploymentStatus
from cadence.reviews import demo_data as data
from cadence.reviews.demo_setup import (
    DemoReviews,
    Item,
    Organisation,
    Person,
    PlannedResult,
    at,
    create_template,
    day_between,
    drift,
    first_free_id,
    insert_rows,
    phases_from,
    quarter_start,
    result_row,
    settle,
)
from cadence.reviews.form_items import UNRATED_GOAL_STATUSES
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    CyclePhase,
    NominationStatus,
    PeerNomination,
    PhaseKind,
    Question,
    RatingLevel,
    RatingScale,
    ReviewAssignment,
    ReviewerKind,
    ReviewResult,
    ReviewTemplate,
    Stage,
    TemplateSection,
)
from cadence.reviews.results import (
    Rating,
    ScoreSheet,
    SubmittedReview,
    score_of_record,
)

# Rows given explicit ids here; PostgreSQL's sequences are moved past them.
MODELS_WITH_EXPLICIT_IDS: tuple[type[models.Model], ...] = (ReviewAssignment,)
EMPLOYEE_LOGIN = "employee@example.com"
MANAGER_LOGIN = "manager@example.com"

ASSIGNMENT_FIELDS = (
    "id",
    "cycle",
    "reviewer",
    "reviewee",
    "kind",
    "status",
    "submitted_at",
    "cancelled_reason",
    "version",
    "created_at",
    "updated_at",
)
ANSWER_FIELDS = (
    "assignment",
    "section",
    "item",
    "question",
    "goal",
    "competency",
    "rating",
    "unable_to_rate",
    "text",
    "choice",
    "updated_at",
)
RESULT_FIELDS = (
    "cycle",
    "employee",
    "computed_score",
    "computed_level",
    "manager_level",
    "override_reason",
    "manager_rated_by",
    "calibrated_level",
    "calibration_reason",
    "calibrated_by",
    "released_at",
    "acknowledged_at",
    "acknowledgement_comment",
    "version",
    "created_at",
    "updated_at",
)
PARTICIPANT_FIELDS = ("cycle", "employee", "manager", "status", "note", "created_at")
NOMINATION_FIELDS = (
    "cycle",
    "reviewee",
    "peer",
    "status",
    "nominated_by",
    "decided_by",
    "decided_at",
    "created_at",
)

# Where this year's reviews stand, in percent (submitted, in progress, pending).
SELF_NOW = (85, 8, 7)
PEER_NOW = (80, 8, 12)
MANAGER_NOW = (30, 20, 50)
OPEN_STATES = (AssignmentStatus.SUBMITTED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.PENDING)
# Closed annual reviews before this year's: last year's and the year before.
PAST_CYCLES = 2
# Share of participants with peer reviews.
WITH_PEERS_LAST_YEAR = 0.55
WITH_PEERS_NOW = 0.65


def wipe_demo_reviews() -> None:
    """Delete every review record, children first, so the goals, employees
    and jobs they point at can be deleted after. The big tables go in one
    statement each: Django's delete() would load every row to look for
    dependents."""
    for model in (Answer, ReviewResult, ReviewAssignment, PeerNomination, CycleParticipant):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    CyclePhase.objects.all().delete()
    Cycle.objects.all().delete()
    Question.objects.all().delete()
    TemplateSection.objects.all().delete()
    ReviewTemplate.objects.all().delete()
    RatingLevel.objects.all().delete()
    RatingScale.objects.all().delete()


def generate_demo_reviews(*, rng: random.Random, today: dt.date) -> DemoReviews:
    """The scale, the template, the two closed cycles of the last two years
    and this year's open one for the organisation in the database (see the
    module docstring)."""
    builder = _ReviewBuilder(rng, today, Organisation.load())
    for years_ago in range(PAST_CYCLES, 0, -1):
        builder.past_year(years_ago)
    builder.this_year()
    statements = connection.ops.sequence_reset_sql(no_style(), list(MODELS_WITH_EXPLICIT_IDS))
    with connection.cursor() as cursor:
        for sql in statements:  # PostgreSQL only; SQLite needs nothing
            cursor.execute(sql)
    return builder.summary


def current_cycle_name(today: dt.date) -> str:
    """This year's cycle: a mid-year review until August, then year-end."""
    return f"{today.year} {'mid-year' if today.month <= 8 else 'year-end'} review"


def last_cycle_name(today: dt.date, years_ago: int = 1) -> str:
    """Last year's cycle (or the one `years_ago`)."""
    return f"{today.year - years_ago} annual review"


@dataclass
class _CycleWork:
    """One cycle's rows, planned before they are inserted."""

    cycle: Cycle
    goals: dict[int, list[tuple[int, bool]]]  # reviewee → (goal id, private) to rate
    participants: list[tuple[Any, ...]] = field(default_factory=list)
    nominations: list[tuple[Any, ...]] = field(default_factory=list)
    assignments: list[tuple[Any, ...]] = field(default_factory=list)
    answers: list[tuple[Any, ...]] = field(default_factory=list)
    results: list[PlannedResult] = field(default_factory=list)


class _ReviewBuilder:
    """Plans both cycles and inserts them in bulk."""

    def __init__(self, rng: random.Random, today: dt.date, org: Organisation) -> None:
        self.rng = rng
        self.today = today
        self.org = org
        self.summary = DemoReviews()
        self.template, self.frame = create_template(self.summary)
        self.next_assignment_id = first_free_id(ReviewAssignment)
        # Timestamps as the driver takes them in raw SQL; many repeat (they
        # are on the minute), and adapting is a fifth of the Python time.
        self.adapt = functools.lru_cache(maxsize=None)(datetime_adapter())
        # Everyone's overall performance (1..5), drawn once; each year's
        # moves a little from it.
        self.performance = {
            pk: rng.choices((1, 2, 3, 4, 5), data.PERFORMANCE_WEIGHTS)[0] for pk in org.people
        }

    # -- cycles ---------------------------------------------------------------------

    def new_cycle(
        self,
        name: str,
        stage: str,
        period: GoalPeriod | None,
        hired_before: dt.date,
        phases: dict[str, tuple[dt.date, dt.date]],
        included: list[int],
    ) -> _CycleWork:
        opens = phases[PhaseKind.SELF_REVIEW][0]
        cycle = Cycle.objects.create(
            name=name,
            template=self.template,
            goal_period=period,
            stage=stage,
            rule_hired_before=hired_before,
            included_employee_ids=included,
            include_self=True,
            include_manager=True,
            include_peer=True,
            include_upward=False,
            peers_min=0,
            peers_max=5,
            peers_need_approval=True,
            peer_anonymous=True,
            upward_anonymous=True,
            min_group_size=3,
            launched_at=at(opens, 8, 0),
            created_by_id=self.org.hr_admin_user_id,
            created_at=at(opens - dt.timedelta(days=14), 9, 30),
        )
        CyclePhase.objects.bulk_create(
            [
                CyclePhase(cycle=cycle, kind=kind, opens_on=start, due_on=due)
                for kind, (start, due) in phases.items()
            ]
        )
        self.summary.cycles += 1
        self.summary.phases += len(phases)
        goals: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        if period is not None:
            for owner, goal, visibility in (
                Objective.objects.filter(period=period, scope=Scope.PERSONAL)
                .exclude(status__in=UNRATED_GOAL_STATUSES)
                .order_by("owner_employee_id", "id")
                .values_list("owner_employee_id", "id", "visibility")
            ):
                goals[owner].append((goal, visibility == Visibility.PRIVATE))
        return _CycleWork(cycle, dict(goals))

    def participants(self, hired_before: dt.date, included: list[int]) -> list[Person]:
        """Active people hired before the cut-off, plus the inclusions (what
        the cycle's rules admit)."""
        return [
            p
            for p in self.org.people.values()
            if p.status == EmploymentStatus.ACTIVE
            and (p.hire_date < hired_before or p.id in included)
        ]

    def review_manager(self, person: Person, hired_before: dt.date | None) -> int | None:
        """Who writes the manager review: the manager, or (when they had not
        joined yet) the first one up the line who had; nobody when they left."""
        at = person.manager_id
        while at is not None:
            manager = self.org.people[at]
            joined = hired_before is None or manager.hire_date < hired_before
            if manager.status != EmploymentStatus.TERMINATED and joined:
                return at
            at = manager.manager_id
        return None

    def choose_peers(
        self, person: Person, manager: int | None, team: list[int], department: list[int]
    ) -> list[int]:
        """Two to four colleagues: the team first, then the department."""
        rng = self.rng
        wanted = rng.choice((2, 3, 3, 3, 3, 4))
        pool = [pk for pk in team if pk not in (person.id, manager)]
        peers = rng.sample(pool, min(wanted, len(pool)))
        if len(peers) < wanted:
            extra = rng.sample(department, min(len(department), wanted + 3))
            for pk in extra:
                if len(peers) == wanted:
                    break
                if pk not in peers and pk not in (person.id, manager):
                    peers.append(pk)
        return peers

    def groups(
        self, people: Sequence[Person], managers: dict[int, int | None]
    ) -> tuple[dict[int | None, list[int]], dict[int, list[int]]]:
        """Participants by review manager and by department."""
        teams: dict[int | None, list[int]] = defaultdict(list)
        departments: dict[int, list[int]] = defaultdict(list)
        for p in people:
            teams[managers[p.id]].append(p.id)
            departments[p.department_id].append(p.id)
        return teams, departments

    def past_year(self, years_ago: int) -> None:
        """An annual review `years_ago` (last year's: 1): closed, everything
        written and released. Last year's people perform as drawn; earlier
        years' a little differently."""
        rng, today = self.rng, self.today
        year = today.year - years_ago
        starts = dt.date(year, 11, 2)
        phases = phases_from(
            starts, ((0, 14), (0, 7), (8, 21), (15, 32), (33, 39), (40, 42), (42, 59))
        )
        current_start = quarter_start(today)
        period = (
            GoalPeriod.objects.filter(ends_on__lt=current_start, ends_on__year=year)
            .order_by("-ends_on")
            .first()
        )
        hired_before = dt.date(year, 10, 1)
        employee = self.org.logins.get(EMPLOYEE_LOGIN)
        # The demo employee has a result from last year, however recently hired.
        included = (
            [employee]
            if employee and years_ago == 1 and self.org.people[employee].hire_date >= hired_before
            else []
        )
        work = self.new_cycle(
            last_cycle_name(today, years_ago), Stage.CLOSED, period, hired_before, phases, included
        )
        people = self.participants(hired_before, included)
        managers = {p.id: self.review_manager(p, hired_before) for p in people}
        teams, departments = self.groups(people, managers)
        self_due = phases[PhaseKind.SELF_REVIEW][1]
        nominate = phases[PhaseKind.PEER_NOMINATION]
        peer_due = phases[PhaseKind.PEER_REVIEW][1]
        manager_open, manager_due = phases[PhaseKind.MANAGER_REVIEW]
        released = at(phases[PhaseKind.RELEASE][1], 10, 0)
        opened = self.adapt(at(starts, 8, 0))
        for p in people:
            manager = managers[p.id]
            base = self.performance[p.id]
            if years_ago > 1:
                base = min(5, max(1, base + drift(rng.random())))
            work.participants.append((work.cycle.pk, p.id, manager, "active", "", opened))
            self.review(
                work,
                p,
                p.id,
                "self",
                AssignmentStatus.SUBMITTED,
                day_between(rng, starts, self_due),
                base,
            )
            if rng.random() < WITH_PEERS_LAST_YEAR or p.id == employee:
                peers = self.choose_peers(p, manager, teams[manager], departments[p.department_id])
                self.nominate(work, p, manager, peers, nominate)
                for peer in peers:
                    when = day_between(rng, nominate[1], peer_due)
                    self.review(work, p, peer, "peer", AssignmentStatus.SUBMITTED, when, base)
            if manager is None:
                work.results.append(self.result(work.cycle, p, None))
                continue
            when = day_between(rng, manager_open, manager_due)
            review = self.review(
                work, p, manager, "manager", AssignmentStatus.SUBMITTED, when, base
            )
            result = self.result(work.cycle, p, review)
            settle(
                self.rng,
                result,
                self.frame.level_ids,
                self.org.people[manager].user_id,
                self.org.hr_admin_user_id,
                released,
                acknowledge=p.id != employee or years_ago > 1,
            )
            work.results.append(result)
        self.insert(work)

    def this_year(self) -> None:
        """This year's review, in the manager-review phase."""
        rng, today = self.rng, self.today
        starts = today - dt.timedelta(days=42)
        # Manager reviews opened a week ago and are due in two weeks.
        phases = phases_from(
            starts, ((0, 21), (0, 12), (13, 35), (35, 56), (57, 70), (71, 77), (77, 91))
        )
        period = GoalPeriod.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
        logins = {self.org.logins.get(e) for e in (EMPLOYEE_LOGIN, MANAGER_LOGIN)} - {None}
        included = sorted(
            pk for pk in logins if pk is not None and self.org.people[pk].hire_date >= starts
        )
        work = self.new_cycle(
            current_cycle_name(today), Stage.MANAGER_REVIEW, period, starts, phases, included
        )
        people = self.participants(starts, included)
        managers = {p.id: self.review_manager(p, None) for p in people}
        teams, departments = self.groups(people, managers)
        employee = self.org.logins.get(EMPLOYEE_LOGIN)
        manager_login = self.org.logins.get(MANAGER_LOGIN)
        self_open, self_due = phases[PhaseKind.SELF_REVIEW]
        nominate = phases[PhaseKind.PEER_NOMINATION]
        peer_open = phases[PhaseKind.PEER_REVIEW][0]
        manager_open = phases[PhaseKind.MANAGER_REVIEW][0]
        yesterday = today - dt.timedelta(days=1)
        opened = self.adapt(at(starts, 8, 0))
        for p in people:
            manager = managers[p.id]
            base = min(5, max(1, self.performance[p.id] + drift(rng.random())))
            work.participants.append((work.cycle.pk, p.id, manager, "active", "", opened))
            status = rng.choices(OPEN_STATES, SELF_NOW)[0]
            if p.id in (employee, manager_login):
                status = AssignmentStatus.SUBMITTED
            self.review(work, p, p.id, "self", status, day_between(rng, self_open, self_due), base)
            if rng.random() < WITH_PEERS_NOW or p.id == employee:
                peers = self.choose_peers(p, manager, teams[manager], departments[p.department_id])
                self.nominate(work, p, manager, peers, nominate)
                for peer in peers:
                    status = rng.choices(OPEN_STATES, PEER_NOW)[0]
                    when = day_between(rng, peer_open, yesterday)
                    self.review(work, p, peer, "peer", status, when, base)
            if manager is None:
                continue
            status = rng.choices(OPEN_STATES, MANAGER_NOW)[0]
            if manager == manager_login:  # the demo manager has their reviews to write
                status = AssignmentStatus.PENDING
            when = day_between(rng, manager_open, yesterday)
            review = self.review(work, p, manager, "manager", status, when, base)
            if review is not None:
                work.results.append(self.result(work.cycle, p, review))
        self.insert(work)

    # -- reviews --------------------------------------------------------------------

    def items(self, work: _CycleWork, person: Person, reviewer: int, kind: str) -> list[Item]:
        """What a reviewer of this kind answers about `person`, as
        form_items lists it: questions, goals, competencies. A private goal
        is rated only by a reviewer who can read it: one with a login who
        owns it or manages its owner."""
        frame = self.frame
        found = list(frame.questions.get(kind, ()))
        if kind in frame.goal_kinds:
            section = frame.goals_section.pk
            audience = frame.goals_section.audience
            sees_private = self.org.people[reviewer].user_id is not None
            for goal, private in work.goals.get(person.id, ()):
                if private and not sees_private:
                    continue
                found.append((section, f"g{goal}", None, goal, None, True, audience, 0))
        if kind in frame.competency_kinds and person.profile_id is not None:
            section = frame.competency_section.pk
            audience = frame.competency_section.audience
            for competency in self.org.competencies.get(person.profile_id, ()):
                found.append((section, f"c{competency}", None, None, competency, True, audience, 0))
        return found

    def review(
        self,
        work: _CycleWork,
        person: Person,
        reviewer: int,
        kind: str,
        status: str,
        day: dt.date,
        base: int,
    ) -> SubmittedReview | None:
        """One assignment and its answers (all of them when submitted, some
        when in progress, none when pending); the submitted review as the
        scoring code reads it, or None when not submitted."""
        rng = self.rng
        pk = self.next_assignment_id
        self.next_assignment_id += 1
        minute = int(rng.random() * 600)
        when = at(day, 8 + minute // 60, minute % 60)
        created = self.adapt(at(work.cycle.launched_at.date(), 8, 0))  # type: ignore[union-attr]
        stamp = self.adapt(when) if status != AssignmentStatus.PENDING else created
        submitted = stamp if status == AssignmentStatus.SUBMITTED else None
        version = 1 if status == AssignmentStatus.PENDING else 2 + int(rng.random() * 5)
        work.assignments.append(
            (
                pk,
                work.cycle.pk,
                reviewer,
                person.id,
                kind,
                status,
                submitted,
                "",
                version,
                created,
                stamp,
            )
        )
        if status == AssignmentStatus.PENDING:
            return None
        items = self.items(work, person, reviewer, kind)
        if status == AssignmentStatus.IN_PROGRESS and len(items) > 1:
            items = items[: 1 + int(rng.random() * (len(items) - 1))]
        review = SubmittedReview(pk, kind, reviewer, when)
        # Only the manager review is scored (see results.score_of_record).
        scored = review.ratings.append if kind == ReviewerKind.MANAGER else None
        values = self.frame.level_values
        unsure = 0.03 if kind == ReviewerKind.PEER else 0.01
        # People rate themselves a little higher.
        optimism = 0.2 if kind == ReviewerKind.SELF else 0.0
        band = 0 if base <= 2 else (1 if base == 3 else 2)
        add = work.answers.append
        random_ = rng.random
        for section, key, question, goal, competency, is_rating, audience, pool in items:
            rating: Decimal | None = None
            unable = False
            text = ""
            if not is_rating:
                text = self.text(pool, band)
            elif random_() < unsure:
                unable = True
            else:
                level = base + drift(random_()) + (random_() < optimism)
                rating = values[min(5, max(1, level))]
                if scored is not None:
                    scored(Rating(section, audience, rating))
            add((pk, section, key, question, goal, competency, rating, unable, text, "", stamp))
        return review if status == AssignmentStatus.SUBMITTED else None

    def text(self, pool: int, band: int) -> str:
        """One or two different sentences from the pool for this band (plain
        draws: this runs ~100,000 times at 10,000 employees)."""
        sentences = (data.WENT_WELL if pool == 0 else data.SHOULD_CHANGE)[band]
        count, roll = len(sentences), self.rng.random
        first = int(roll() * count)
        if roll() < 0.45:
            second = (first + 1 + int(roll() * (count - 1))) % count
            return f"{sentences[first]} {sentences[second]}"
        return sentences[first]

    def nominate(
        self,
        work: _CycleWork,
        person: Person,
        manager: int | None,
        peers: list[int],
        window: tuple[dt.date, dt.date],
    ) -> None:
        """Peers the reviewee nominated and their manager approved."""
        rng = self.rng
        random_ = rng.random
        approver = self.org.people[manager].user_id if manager is not None else None
        for peer in peers:
            created = at(
                day_between(rng, window[0], window[1]),
                9 + int(random_() * 8),
                int(random_() * 60),
            )
            decided = created + dt.timedelta(hours=2 + int(random_() * 59))
            work.nominations.append(
                (
                    work.cycle.pk,
                    person.id,
                    peer,
                    NominationStatus.APPROVED.value,
                    person.user_id,
                    approver,
                    self.adapt(decided),
                    self.adapt(created),
                )
            )

    # -- results --------------------------------------------------------------------

    def result(self, cycle: Cycle, person: Person, review: SubmittedReview | None) -> PlannedResult:
        """The computed score and level, by the real scoring code, from the
        submitted manager review (None: not submitted, no result yet)."""
        sheet = ScoreSheet(employee_id=person.id, reviews=[review] if review else [])
        score, level = score_of_record(sheet, self.frame.scoring)
        return PlannedResult(
            cycle_id=cycle.pk,
            employee_id=person.id,
            computed_score=score,
            computed_level_id=level.pk if level is not None else None,
            created_at=review.submitted_at
            if review and review.submitted_at
            else at(self.today, 8, 0),
        )

    # -- insertion ------------------------------------------------------------------

    def insert(self, work: _CycleWork) -> None:
        insert_rows(CycleParticipant, PARTICIPANT_FIELDS, work.participants)
        insert_rows(PeerNomination, NOMINATION_FIELDS, work.nominations)
        insert_rows(ReviewAssignment, ASSIGNMENT_FIELDS, work.assignments)
        insert_rows(Answer, ANSWER_FIELDS, work.answers)
        # Raw too: bulk_create spent 3 s preparing 10,000 results' values.
        insert_rows(ReviewResult, RESULT_FIELDS, [result_row(r, self.adapt) for r in work.results])
        summary = self.summary
        summary.participants += len(work.participants)
        summary.nominations += len(work.nominations)
        summary.assignments += len(work.assignments)
        summary.answers += len(work.answers)
        summary.results += len(work.results)


__all__ = [
    "MODELS_WITH_EXPLICIT_IDS",
    "DemoReviews",
    "current_cycle_name",
    "generate_demo_reviews",
    "last_cycle_name",
    "wipe_demo_reviews",
]
