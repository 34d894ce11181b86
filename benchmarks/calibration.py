"""Benchmark scenario: a calibration session of 2,000 people (issue 6: "a
session of 2,000 people loads in under a second").

Builds, in bulk, a review cycle at the calibration stage over up to 2,000
people of the demo organisation (each with a result, a submitted self review
and a manager who rated them), a session over them with their managers as
participants, and a quarter of them calibrated. Then, as the HR admin (who
sees everyone), times the reads a session's pages make — the grid and list
selectors, the pre-read and the outcome — and each page rendered through
the Django test client (the full request: middleware, queries, template).
Timings go to `run.notes["calibration"]` and are printed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.__main__ import Run

SESSION_SIZE = 2_000


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return round(time.perf_counter() - started, 3)


def _build(run: Run, admin: Any) -> Any:
    """The cycle, its results and self reviews, and the session (bulk)."""
    from django.utils import timezone

    from cadence.people.models import Employee, EmploymentStatus
    from cadence.reviews.models import (
        Answer,
        AssignmentStatus,
        Cycle,
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
    from cadence.talent.models import (
        CalibrationEntry,
        CalibrationSession,
        PopulationKind,
        SessionParticipant,
        SessionState,
    )

    rng = random.Random(run.seed)
    scale = RatingScale.objects.create(name="Calibration benchmark five-point")
    levels = RatingLevel.objects.bulk_create(
        RatingLevel(scale=scale, value=Decimal(v), label=f"Level {v}") for v in range(1, 6)
    )
    template = ReviewTemplate.objects.create(
        name="Calibration benchmark template", rating_scale=scale
    )
    section = TemplateSection.objects.create(template=template, kind="questions", title="Overall")
    question = Question.objects.create(section=section, kind="rating", text="Overall?")
    cycle = Cycle.objects.create(
        name="Calibration benchmark cycle", template=template, stage=Stage.CALIBRATION
    )
    people = list(
        Employee.objects.filter(status=EmploymentStatus.ACTIVE, manager__isnull=False)
        .order_by("id")
        .values_list("id", "manager_id")[:SESSION_SIZE]
    )
    now = timezone.now()
    weights = [5, 15, 45, 25, 10]  # a typical skew toward "meets" and above

    def pick() -> Any:
        return rng.choices(levels, weights=weights)[0]

    results = ReviewResult.objects.bulk_create(
        ReviewResult(
            cycle=cycle,
            employee_id=pk,
            computed_level=(level := pick()),
            computed_score=level.value,
        )
        for pk, _ in people
    )
    reviews = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            cycle=cycle,
            reviewer_id=pk,
            reviewee_id=pk,
            kind=ReviewerKind.SELF,
            status=AssignmentStatus.SUBMITTED,
            submitted_at=now,
        )
        for pk, _ in people
    )
    Answer.objects.bulk_create(
        Answer(
            assignment=review,
            section=section,
            item=f"q{question.pk}",
            question=question,
            rating=pick().value,
        )
        for review in reviews
    )
    session = CalibrationSession.objects.create(
        cycle=cycle,
        name="Calibration benchmark session",
        population_kind=PopulationKind.LIST,
        facilitator=admin,
        state=SessionState.OPEN,
        guidance={str(levels[4].pk): 10, str(levels[3].pk): 20, str(levels[2].pk): 50},
    )
    entries = []
    for result, (pk, manager_id) in zip(results, people, strict=True):
        proposed = pick() if rng.random() < 0.3 else None
        calibrated = pick() if rng.random() < 0.25 else None
        entries.append(
            CalibrationEntry(
                session=session,
                result=result,
                employee_id=pk,
                manager_id=manager_id,
                original_level=result.computed_level,
                proposed_level=proposed,
                calibrated_level=calibrated,
                potential=rng.choice([1, 2, 2, 3]),
            )
        )
    CalibrationEntry.objects.bulk_create(entries, batch_size=500)
    SessionParticipant.objects.bulk_create(
        SessionParticipant(session=session, employee_id=manager_id)
        for manager_id in sorted({m for _, m in people})
    )
    return session


def calibration_session(run: Run) -> int:
    """Build a 2,000-person session and time its reads and pages as HR admin.
    Returns the number of people in the session."""
    from django.test import Client
    from django.urls import reverse

    from cadence.core.models import User
    from cadence.people.demo import generate_demo_organisation, organisation_exists
    from cadence.talent import selectors_sessions
    from cadence.talent.models import CalibrationSession
    from cadence.talent.outcome import outcome
    from cadence.talent.preread import pre_read

    if not organisation_exists():  # run alone (--only calibration.session)
        generate_demo_organisation(employees=max(run.employees, SESSION_SIZE + 100), seed=run.seed)
    admin = User.objects.get(email="hr.admin@example.com")
    started = time.perf_counter()
    built = _build(run, admin)
    build_seconds = round(time.perf_counter() - started, 2)

    def fresh() -> Any:
        # Each read starts from the session as a request would load it.
        return selectors_sessions.visible_session(User.objects.get(pk=admin.pk), built.pk)

    def grid() -> None:
        session = fresh()
        levels = selectors_sessions.scale_levels(session)
        selectors_sessions.build_grid(levels, list(selectors_sessions.entries_for(admin, session)))

    def people_list() -> None:
        list(selectors_sessions.entries_for(admin, fresh())[:50])

    timings: dict[str, Any] = {
        "people": CalibrationSession.objects.get(pk=built.pk).entries.count(),
        "build_seconds": build_seconds,
        "grid_selector": _timed(grid),
        "list_selector_first_page": _timed(people_list),
        "preread_selector": _timed(lambda: pre_read(admin, fresh())),
        "outcome_selector": _timed(lambda: outcome(admin, fresh())),
    }
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    for name in ("session_grid", "session_people", "session_preread", "session_outcome"):
        url = reverse(f"talent:{name}", args=[built.pk])
        client.get(url)  # warm up (template compilation, first-request imports)
        started = time.perf_counter()
        response = client.get(url)
        seconds = round(time.perf_counter() - started, 3)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        timings[f"page_{name}"] = seconds
    run.notes["calibration"] = timings
    print("calibration.session:", ", ".join(f"{k}={v}" for k, v in timings.items()))
    return int(timings["people"])
