"""Hand-built data for the programme-health and ratings tests, with a
ledger of what was built (`Built`) so each test counts the expected numbers
itself, independently of the code under test.

`build(org, ...)` adds teams under `lead` (Platform), `peer` (Engineering)
and `other_manager` (Sales) to the `org` fixture, a past cycle with phases,
assignments (on time, late, open, cancelled), text answers, results, goals,
check-ins, feedback and 1:1s, and optionally an earlier cycle with results
on the same scale."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.test import Client

from cadence.feedback.models import Feedback, Frequency, Meeting, MeetingStatus, OneOnOneSeries
from cadence.goals.models import (
    CheckIn,
    Confidence,
    GoalPeriod,
    KeyResultType,
    ObjectiveStatus,
)
from cadence.people.models import Employee, Location
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    Cycle,
    CyclePhase,
    PhaseKind,
    Question,
    QuestionKind,
    RatingLevel,
    ReviewAssignment,
    ReviewerKind,
    ReviewResult,
    Stage,
)
from tests.conftest import Org
from tests.factories import (
    EmployeeFactory,
    JobLevelFactory,
    JobProfileFactory,
    KeyResultFactory,
    LocationFactory,
    ObjectiveFactory,
)
from tests.review_factories import CycleFactory, simple_template

UTC = dt.UTC
LAUNCH = dt.datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
OPENS = {
    PhaseKind.SELF_REVIEW: dt.date(2025, 3, 1),
    PhaseKind.PEER_REVIEW: dt.date(2025, 3, 15),
    PhaseKind.MANAGER_REVIEW: None,  # counted from the launch
}
DUE = {
    PhaseKind.SELF_REVIEW: dt.date(2025, 3, 14),
    PhaseKind.PEER_REVIEW: dt.date(2025, 3, 28),
    PhaseKind.MANAGER_REVIEW: dt.date(2025, 4, 11),
}
PHASE_OF = {
    ReviewerKind.SELF: PhaseKind.SELF_REVIEW,
    ReviewerKind.PEER: PhaseKind.PEER_REVIEW,
    ReviewerKind.UPWARD: PhaseKind.PEER_REVIEW,
    ReviewerKind.MANAGER: PhaseKind.MANAGER_REVIEW,
}
PERIOD_START = dt.date(2025, 1, 1)
PERIOD_END = dt.date(2025, 6, 30)
TEXTS = ["", "   ", "Good.", "Led the migration with clear outcomes.", "Shipped the API on time."]


@dataclass
class Assigned:
    reviewee: Employee
    kind: str
    status: str
    submitted_at: dt.datetime | None
    texts: list[str] = field(default_factory=list)


@dataclass
class Rated:
    employee: Employee
    computed: RatingLevel | None
    manager: RatingLevel | None
    calibrated: RatingLevel | None
    released: bool

    @property
    def final(self) -> RatingLevel | None:
        return self.calibrated or self.manager or self.computed

    @property
    def before(self) -> RatingLevel | None:
        return self.manager or self.computed


@dataclass
class Goal:
    owner: Employee
    status: str
    weight: float
    # (result_type, start, target, current, done, weight)
    key_results: list[tuple[str, float, float | None, float | None, bool, float]]


@dataclass
class Built:
    cycle: Cycle
    people: list[Employee]
    assigned: list[Assigned] = field(default_factory=list)
    rated: list[Rated] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    check_ins: list[tuple[Employee, dt.datetime]] = field(default_factory=list)
    feedback: list[tuple[Employee, Employee, dt.datetime]] = field(default_factory=list)
    meetings: list[tuple[Employee, dt.date, str]] = field(default_factory=list)
    earlier: Cycle | None = None
    earlier_rated: list[Rated] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)


def levels_of(cycle: Cycle) -> list[RatingLevel]:
    return list(RatingLevel.objects.filter(scale=cycle.template.rating_scale).order_by("value"))


def _submitted(rng: random.Random, kind: str) -> tuple[str, dt.datetime | None]:
    phase = PHASE_OF[kind]
    due = DUE[phase]
    roll = rng.random()
    if roll < 0.15:
        return AssignmentStatus.PENDING, None
    if roll < 0.25:
        return AssignmentStatus.IN_PROGRESS, None
    if roll < 0.32:
        return AssignmentStatus.CANCELLED, None
    if roll < 0.42:  # the last minutes of the due date: still on time
        return AssignmentStatus.SUBMITTED, dt.datetime.combine(due, dt.time(23, 30), tzinfo=UTC)
    if roll < 0.52:  # just after midnight: late
        return AssignmentStatus.SUBMITTED, dt.datetime.combine(
            due + dt.timedelta(days=1), dt.time(0, 30), tzinfo=UTC
        )
    opened = OPENS[phase] or LAUNCH.date()
    day = opened + dt.timedelta(days=rng.randint(0, (due - opened).days + 6))
    return AssignmentStatus.SUBMITTED, dt.datetime.combine(day, dt.time(12, 0), tzinfo=UTC)


def make_cycle(name: str, created: dt.datetime, *, period: GoalPeriod | None) -> Cycle:
    cycle = CycleFactory(
        name=name,
        template=simple_template(),
        stage=Stage.RELEASED,
        launched_at=created,
        created_at=created,
        goal_period=period,
    )
    for kind, due in DUE.items():
        CyclePhase.objects.create(cycle=cycle, kind=kind, opens_on=OPENS[kind], due_on=due)
    return cycle


def _assign(
    built: Built, rng: random.Random, reviewer: Employee, reviewee: Employee, kind: str
) -> None:
    status, submitted_at = _submitted(rng, kind)
    assignment = ReviewAssignment.objects.create(
        cycle=built.cycle,
        reviewer=reviewer,
        reviewee=reviewee,
        kind=kind,
        status=status,
        submitted_at=submitted_at,
    )
    record = Assigned(reviewee, kind, status, submitted_at)
    question = Question.objects.get(section__template=built.cycle.template, kind=QuestionKind.TEXT)
    if rng.random() < 0.9:
        text = rng.choice(TEXTS)
        Answer.objects.create(
            assignment=assignment,
            section=question.section,
            item=f"q{question.pk}",
            question=question,
            text=text,
        )
        record.texts.append(text)
    built.assigned.append(record)


def _rate(rng: random.Random, cycle: Cycle, person: Employee, released: bool) -> Rated:
    levels = levels_of(cycle)
    computed = rng.choice(levels)
    manager = rng.choice([None, *levels])
    calibrated = rng.choice([None, None, *levels])
    ReviewResult.objects.create(
        cycle=cycle,
        employee=person,
        computed_score=computed.value,
        computed_level=computed,
        manager_level=manager,
        calibrated_level=calibrated,
        released_at=LAUNCH + dt.timedelta(days=60) if released else None,
    )
    return Rated(person, computed, manager, calibrated, released)


def _goals(built: Built, rng: random.Random, person: Employee, period: GoalPeriod) -> None:
    choice = rng.random()
    if choice < 0.2:
        return
    specs: list[Goal] = []
    if choice < 0.3:  # a goal without a target: not measurable
        specs.append(Goal(person, ObjectiveStatus.ACTIVE, 1, [("metric", 0, None, 5, False, 1)]))
    elif choice < 0.38:  # a measurable goal, but cancelled
        specs.append(Goal(person, ObjectiveStatus.CANCELLED, 1, [("metric", 0, 100, 50, False, 1)]))
    else:
        for _ in range(rng.randint(1, 2)):
            krs = []
            for _ in range(rng.randint(1, 2)):
                if rng.random() < 0.3:
                    krs.append(("milestone", 0, None, None, rng.random() < 0.5, 1))
                else:
                    current = rng.choice([0, 10, 30, 55, 80, 100, 130])
                    krs.append(("metric", 0, 100, current, False, rng.choice([1, 2])))
            specs.append(Goal(person, ObjectiveStatus.ACTIVE, rng.choice([1, 3]), krs))
    for spec in specs:
        objective = ObjectiveFactory(
            owner_employee=person,
            period=period,
            status=spec.status,
            weight=Decimal(str(spec.weight)),
        )
        for result_type, start, target, current, done, weight in spec.key_results:
            kr = KeyResultFactory(
                objective=objective,
                result_type=KeyResultType.MILESTONE if result_type == "milestone" else "metric",
                start_value=start,
                target_value=target,
                current_value=current,
                done=done,
                weight=Decimal(str(weight)),
            )
            for _ in range(rng.randint(0, 3)):
                inside = rng.random() < 0.8
                day = (
                    PERIOD_START + dt.timedelta(days=rng.randint(0, 180))
                    if inside
                    else PERIOD_END + dt.timedelta(days=rng.randint(1, 30))
                )
                at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=UTC)
                CheckIn.objects.create(
                    key_result=kr, value=current, confidence=Confidence.ON_TRACK, created_at=at
                )
                built.check_ins.append((person, at))
    built.goals.extend(specs)


def build(
    org: Org,
    *,
    seed: int = 7,
    platform: int = 6,
    engineering: int = 3,
    sales: int = 7,
    earlier: bool = True,
) -> Built:
    """Teams: `platform` people under lead (Platform), `engineering` under
    peer (Engineering), `sales` under other_manager (Sales); the cycle
    "Mid-year 2025" with its goal period, and an earlier cycle."""
    rng = random.Random(seed)
    level_junior = JobLevelFactory(code="L2", name="Junior", rank=2)
    level_senior = JobLevelFactory(code="L4", name="Senior", rank=4)
    profiles = [JobProfileFactory(level=level_junior), JobProfileFactory(level=level_senior)]
    locations = [LocationFactory(name="London"), LocationFactory(name="Leeds")]
    people: list[Employee] = []
    for boss, department, n in (
        (org.lead, org.platform, platform),
        (org.peer, org.engineering, engineering),
        (org.other_manager, org.sales, sales),
    ):
        for _ in range(n):
            people.append(
                EmployeeFactory(
                    manager=boss,
                    department=department,
                    location=rng.choice(locations),
                    job_profile=rng.choice(profiles),
                )
            )
    # The fixture's own people take part too (their managers are in the org).
    everyone = [org.lead, org.employee, org.peer, org.salesperson, *people]
    period = GoalPeriod.objects.create(name="2025 H1", starts_on=PERIOD_START, ends_on=PERIOD_END)
    cycle = make_cycle("Mid-year 2025", LAUNCH, period=period)
    built = Built(cycle=cycle, people=everyone, locations=locations)
    for person in everyone:
        _assign(built, rng, person, person, ReviewerKind.SELF)
        assert person.manager is not None
        _assign(built, rng, person.manager, person, ReviewerKind.MANAGER)
        colleagues = [p for p in everyone if p.manager_id == person.manager_id and p != person]
        if colleagues:
            _assign(built, rng, rng.choice(colleagues), person, ReviewerKind.PEER)
        built.rated.append(_rate(rng, cycle, person, released=rng.random() < 0.7))
        _goals(built, rng, person, period)
    for _ in range(3 * len(everyone)):
        giver, recipient = rng.sample(everyone, 2)
        inside = rng.random() < 0.8
        day = PERIOD_START + dt.timedelta(days=rng.randint(0, 180) if inside else 200)
        at = dt.datetime.combine(day, dt.time(15, 0), tzinfo=UTC)
        Feedback.objects.create(giver=giver, recipient=recipient, body="Thanks!", created_at=at)
        built.feedback.append((giver, recipient, at))
    for person in everyone:
        if rng.random() < 0.3:
            continue
        assert person.manager is not None
        series = OneOnOneSeries.objects.create(
            manager=person.manager,
            report=person,
            frequency=Frequency.MONTHLY,
            starts_on=PERIOD_START,
        )
        for month in range(1, 9):  # Jan–Aug: July and August are outside the period
            day = dt.date(2025, month, 10)
            status = rng.choice([MeetingStatus.HELD, MeetingStatus.HELD, MeetingStatus.CANCELLED])
            Meeting.objects.create(series=series, scheduled_on=day, status=status)
            built.meetings.append((person, day, status))
    if earlier:
        previous = make_cycle("Year-end 2024", LAUNCH - dt.timedelta(days=180), period=None)
        previous.template = cycle.template  # the same scale
        previous.save(update_fields=["template"])
        built.earlier = previous
        for person in everyone:
            if rng.random() < 0.85:
                built.earlier_rated.append(_rate(rng, previous, person, released=True))
    return built


def client_for(who: Any) -> Client:
    client = Client()
    client.force_login(getattr(who, "user", None) or who)
    return client
