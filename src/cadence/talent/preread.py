"""The calibration pre-read: what a participant reads before the meeting.

Every number here is computed from the entries the viewer may see
(`CalibrationEntry.objects.visible_to`) in the session, and from nothing
else. A manager who sees only their own people therefore gets a pre-read of
their own people: the distribution of their ratings, the raters among them
(themself and the managers below them) compared with each other, and their
gaps. No number is fitted on the whole session and then filtered, because a
row of a model fitted on everyone would let a manager work out the pool they
may not see (with two raters, the other manager's mean). When HR shares the
whole view, participants see everyone and so the whole session's numbers.

Definitions (also in the pages' notes):

- The manager's rating of a person is the session's proposed level (the
  manager's proposal), else the original (computed) level: what the
  committee starts from. The rater is `CalibrationEntry.manager`.
- Rater severity: `rater_effects.estimate_rater_effects` on (rater, person,
  level value) for every rated person with a rater; raters with fewer than
  the session's `min_team_size` ratings are "not enough data", their mean
  rating hidden too (a one-person team's mean IS that person's rating).
- The self rating is the person's submitted self review scored exactly as
  the score of record is scored from the manager review
  (`reviews.results.score_of_record`): per section the mean of the ratings
  on reviewee-audience items, weighted by the template's section weights,
  then mapped to the nearest scale level (`scoring.map_to_level`, a tie goes
  to the lower level). The gap is the manager's rating minus the self
  level, in level values: positive when the manager rates the person higher
  than they rate themself. Per-manager mean gaps below `min_team_size` are
  "not enough data"; the per-person gaps are for HR (HR admins, the
  facilitator, HRBPs for their departments).

A fixed number of queries whatever the size of the session.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    ReviewAssignment,
    ReviewerKind,
)
from cadence.reviews.results import (
    SCORED_AUDIENCES,
    Rating,
    ScoringFrame,
    SubmittedReview,
    scoring_frame,
    weighted_score,
)
from cadence.reviews.scoring import map_to_level
from cadence.talent.models import CalibrationEntry, CalibrationSession
from cadence.talent.rater_effects import ModelSummary, estimate_rater_effects

CONFIDENCE = 0.95
NO_MANAGER = "No manager recorded"
NOT_ENOUGH = "not enough data"


# --- what is read -----------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """A rating level of the session's scale."""

    id: int
    value: Decimal
    label: str

    @property
    def name(self) -> str:
        return f"{self.value.normalize():f} {self.label}"


@dataclass(frozen=True)
class Person:
    """One visible entry, as the pre-read and the outcome read it."""

    entry_id: int
    employee_id: int
    employee_number: str
    name: str
    manager_id: int | None
    manager_name: str
    original: Level | None
    proposed: Level | None
    calibrated: Level | None

    @property
    def before(self) -> Level | None:
        """The manager's rating: the proposal, else the computed level."""
        return self.proposed or self.original

    @property
    def after(self) -> Level | None:
        """Where the committee left them: calibrated, else as before."""
        return self.calibrated or self.before


@dataclass(frozen=True)
class SessionPeople:
    """The visible people of a session and the scale they are rated on."""

    session: CalibrationSession
    frame: ScoringFrame
    levels: list[Level]  # lowest first
    people: list[Person]


def _name(preferred: str, first: str, last: str) -> str:
    return f"{preferred or first} {last}".strip()


def session_people(user: User, session: CalibrationSession) -> SessionPeople:
    """The session's entries `user` may see, with names and levels (three
    queries: the template's sections, the scale's levels, the entries).
    `session` should come with `cycle__template` joined."""
    frame = scoring_frame(session.cycle)
    levels = sorted(
        (Level(level.pk, level.value, level.label) for level in frame.levels),
        key=lambda level: level.value,
    )
    by_id = {level.id: level for level in levels}
    rows = (
        CalibrationEntry.objects.visible_to(user)
        .filter(session_id=session.pk)
        .order_by("employee__last_name", "employee__first_name", "employee_id")
        .values_list(
            "pk",
            "employee_id",
            "employee__employee_number",
            "employee__preferred_name",
            "employee__first_name",
            "employee__last_name",
            "manager_id",
            "manager__preferred_name",
            "manager__first_name",
            "manager__last_name",
            "original_level_id",
            "proposed_level_id",
            "calibrated_level_id",
        )
    )
    people = [
        Person(
            entry_id=pk,
            employee_id=employee_id,
            employee_number=number,
            name=_name(preferred, first, last),
            manager_id=manager_id,
            manager_name=_name(m_preferred or "", m_first or "", m_last or "")
            if manager_id
            else NO_MANAGER,
            original=by_id.get(original) if original else None,
            proposed=by_id.get(proposed) if proposed else None,
            calibrated=by_id.get(calibrated) if calibrated else None,
        )
        for (
            pk,
            employee_id,
            number,
            preferred,
            first,
            last,
            manager_id,
            m_preferred,
            m_first,
            m_last,
            original,
            proposed,
            calibrated,
        ) in rows
    ]
    return SessionPeople(session, frame, levels, people)


def scope_text(user: User, session: CalibrationSession) -> str:
    """Whose ratings the viewer's numbers are computed from, in words."""
    viewer = viewer_for(user)
    if viewer.is_hr_admin or session.facilitator_id == viewer.user_id:
        return "everyone in the session"
    if viewer.hrbp_department_ids and not session.share_whole_view:
        return "the people in the departments you look after"
    if session.share_whole_view:
        return "everyone in the session (HR shares the whole view with participants)"
    return "your own people (your reports at any depth)"


def shows_people(user: User, session: CalibrationSession) -> bool:
    """Per-person self-vs-manager gaps are for HR: HR admins, the session's
    facilitator, and HRBPs for the people in their departments. An HRBP sees
    only their departments' entries — unless they also take part in a session
    whose whole view is shared, when they see everyone's: then the
    per-person table is not theirs (decided without a query: any HRBP with an
    employee record in a shared session is treated as possibly taking part)."""
    viewer = viewer_for(user)
    if viewer.is_hr_admin or session.facilitator_id == viewer.user_id:
        return True
    if not viewer.hrbp_department_ids:
        return False
    return not (session.share_whole_view and viewer.employee_id is not None)


# --- distributions ----------------------------------------------------------------------


@dataclass(frozen=True)
class LevelCount:
    level: Level
    count: int
    share: float | None  # percent of the rated people
    guidance: float | None  # HR's target percent, when given

    @property
    def difference(self) -> float | None:
        """Share minus guidance, in percentage points."""
        if self.share is None or self.guidance is None:
            return None
        return self.share - self.guidance


@dataclass(frozen=True)
class Distribution:
    rows: list[LevelCount]
    rated: int
    unrated: int


def guidance_of(session: CalibrationSession, levels: Sequence[Level]) -> dict[int, float]:
    """HR's target percent per level id, ignoring anything malformed (the
    guidance is advice: a bad entry is left out rather than failing a page)."""
    known = {level.id for level in levels}
    found: dict[int, float] = {}
    raw = session.guidance if isinstance(session.guidance, dict) else {}
    for key, value in raw.items():
        try:
            level_id = int(key)
            percent = float(Decimal(str(value)))
        except (TypeError, ValueError, InvalidOperation):
            continue
        if level_id in known and math.isfinite(percent) and percent >= 0:
            found[level_id] = percent
    return found


def guidance_text(guidance: dict[int, float], levels: Sequence[Level]) -> str:
    """ "HR guidance: 10% at 5 Far exceeds, 20% at 4 Exceeds, …" (highest
    level first), or "" without guidance."""
    parts = [
        f"{guidance[level.id]:g}% at {level.name}"
        for level in reversed(levels)
        if level.id in guidance
    ]
    return f"HR guidance: {', '.join(parts)}" if parts else ""


def distribution(
    levels: Sequence[Level],
    rated_levels: Iterable[Level | None],
    guidance: dict[int, float] | None = None,
) -> Distribution:
    """How many people sit at each level (lowest first) and their share."""
    counts: dict[int, int] = defaultdict(int)
    unrated = 0
    for level in rated_levels:
        if level is None:
            unrated += 1
        else:
            counts[level.id] += 1
    rated = sum(counts.values())
    targets = guidance or {}
    rows = [
        LevelCount(
            level=level,
            count=counts[level.id],
            share=100.0 * counts[level.id] / rated if rated else None,
            guidance=targets.get(level.id),
        )
        for level in levels
    ]
    return Distribution(rows, rated, unrated)


@dataclass(frozen=True)
class ManagerDistribution:
    manager_id: int | None
    name: str
    counts: list[int]  # aligned with the levels, lowest first
    rated: int
    unrated: int


def _by_manager(people: Iterable[Person]) -> dict[int | None, list[Person]]:
    grouped: dict[int | None, list[Person]] = defaultdict(list)
    for person in people:
        grouped[person.manager_id].append(person)
    return grouped


def _manager_order(item: tuple[int | None, list[Person]]) -> tuple[bool, str, int]:
    manager_id, people = item
    return (manager_id is None, people[0].manager_name.lower(), manager_id or 0)


def manager_distributions(
    levels: Sequence[Level], people: Sequence[Person]
) -> list[ManagerDistribution]:
    """Each rater's distribution of their (visible) people, by name."""
    found: list[ManagerDistribution] = []
    for manager_id, team in sorted(_by_manager(people).items(), key=_manager_order):
        spread = distribution(levels, (p.before for p in team))
        found.append(
            ManagerDistribution(
                manager_id=manager_id,
                name=team[0].manager_name,
                counts=[row.count for row in spread.rows],
                rated=spread.rated,
                unrated=spread.unrated,
            )
        )
    return found


# --- rater severity ---------------------------------------------------------------------


@dataclass(frozen=True)
class Severity:
    """One rater's severity/leniency as shown: estimate, SE and interval in
    level values (positive = rates higher than the pool), or not enough data."""

    manager_id: int
    name: str
    n: int
    mean_rating: float | None  # hidden with the estimate when there is not enough data
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    enough_data: bool
    reason: str = ""  # why there is not enough data

    @property
    def clear(self) -> bool:
        """The interval excludes zero: unlikely to be chance."""
        return (
            self.ci_low is not None
            and self.ci_high is not None
            and (self.ci_low > 0 or self.ci_high < 0)
        )

    @property
    def words(self) -> str:
        """ "rates higher than the pool by 0.4 levels" and the like."""
        if self.estimate is None:
            return NOT_ENOUGH
        size = f"{abs(self.estimate):.1f}"
        if size == "0.0":
            return "rates in line with the pool"
        unit = "level" if size == "1.0" else "levels"
        direction = "higher" if self.estimate > 0 else "lower"
        text = f"rates {direction} than the pool by {size} {unit}"
        return text if self.clear else f"{text} (within the margin of error)"


@dataclass(frozen=True)
class SeverityTable:
    rows: list[Severity]
    model: ModelSummary | None  # None when nobody visible is rated
    min_team_size: int
    confidence: float
    without_rater: int  # rated people with no manager recorded (not in the model)


def severity_table(session: CalibrationSession, people: Sequence[Person]) -> SeverityTable:
    """Each rater's severity from a model with a random effect per rater
    (partial pooling; see rater_effects.py), fitted on `people` only."""
    minimum = session.min_team_size
    names: dict[int, str] = {}
    observations: list[tuple[int, int, Decimal]] = []
    without_rater = 0
    for person in people:
        level = person.before
        if level is None:
            continue
        if person.manager_id is None:
            without_rater += 1
            continue
        names[person.manager_id] = person.manager_name
        observations.append((person.manager_id, person.entry_id, level.value))
    if not observations:
        return SeverityTable([], None, minimum, CONFIDENCE, without_rater)
    fitted = estimate_rater_effects(observations, min_team_size=minimum, confidence=CONFIDENCE)
    rows = []
    for effect in fitted.raters:
        reason = ""
        if not effect.enough_data:
            reason = (
                f"fewer than {minimum} people rated"
                if effect.n < minimum
                else "no other rater to compare with"
            )
        rows.append(
            Severity(
                manager_id=effect.rater_id,
                name=names[effect.rater_id],
                n=effect.n,
                mean_rating=effect.mean_rating if effect.enough_data else None,
                estimate=effect.estimate,
                se=effect.se,
                ci_low=effect.ci_low,
                ci_high=effect.ci_high,
                enough_data=effect.enough_data,
                reason=reason,
            )
        )
    # Most lenient first; "not enough data" last, by name.
    rows.sort(
        key=lambda r: (
            not r.enough_data,
            -(r.estimate or 0.0),
            r.name.lower(),
            r.manager_id,
        )
    )
    return SeverityTable(rows, fitted.model, minimum, CONFIDENCE, without_rater)


def rater_effects(user: User, session: CalibrationSession) -> SeverityTable:
    """The severity table for what `user` may see of the session."""
    return severity_table(session, session_people(user, session).people)


# --- self vs manager --------------------------------------------------------------------


@dataclass(frozen=True)
class PersonGap:
    person: Person
    self_score: Decimal | None
    self_level: Level | None
    manager_level: Level | None

    @property
    def gap(self) -> Decimal | None:
        """Manager's rating minus the self level (positive: the manager rates higher)."""
        if self.self_level is None or self.manager_level is None:
            return None
        return self.manager_level.value - self.self_level.value


@dataclass(frozen=True)
class ManagerGap:
    manager_id: int | None
    name: str
    n: int  # people with both a self rating and a manager rating
    mean_gap: float | None  # None below the minimum team size
    higher: int  # manager above the self rating
    same: int
    lower: int

    @property
    def enough_data(self) -> bool:
        return self.mean_gap is not None


@dataclass(frozen=True)
class Gaps:
    managers: list[ManagerGap]
    people: list[PersonGap]
    overall: ManagerGap  # everyone visible, as one group
    without_self: int  # rated people with no submitted self review score


def _latest(reviews: list[SubmittedReview]) -> SubmittedReview:
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return max(reviews, key=lambda r: (r.submitted_at or epoch, r.assignment_id))


def self_scores(
    user: User, session: CalibrationSession, frame: ScoringFrame
) -> dict[int, Decimal | None]:
    """{employee id: self review score} for the visible people with a
    submitted self review (two queries). Only the self reviews are loaded —
    `results.load_sheets` would read every peer and upward answer too — but
    they are scored with the same functions as the score of record."""
    employees = CalibrationEntry.objects.visible_to(user).filter(session_id=session.pk)
    submitted = ReviewAssignment.objects.filter(
        cycle_id=session.cycle_id,
        kind=ReviewerKind.SELF,
        status=AssignmentStatus.SUBMITTED,
        reviewee_id__in=employees.values("employee_id"),
    )
    reviews: dict[int, SubmittedReview] = {}
    reviewee_of: dict[int, int] = {}
    for pk, reviewee_id, reviewer_id, submitted_at in submitted.values_list(
        "id", "reviewee_id", "reviewer_id", "submitted_at"
    ):
        reviews[pk] = SubmittedReview(pk, ReviewerKind.SELF, reviewer_id, submitted_at)
        reviewee_of[pk] = reviewee_id
    if not reviews:
        return {}
    answers = Answer.objects.filter(
        assignment__in=submitted, rating__isnull=False, unable_to_rate=False
    ).values_list(
        "assignment_id", "section_id", "section__audience", "question__audience", "rating"
    )
    for assignment_id, section_id, section_audience, question_audience, rating in answers:
        if rating is not None and assignment_id in reviews:
            audience = question_audience or section_audience
            reviews[assignment_id].ratings.append(Rating(section_id, audience, rating))
    per_person: dict[int, list[SubmittedReview]] = defaultdict(list)
    for pk, review in reviews.items():
        per_person[reviewee_of[pk]].append(review)
    return {
        employee_id: weighted_score(frame.sections, _latest(found).section_scores(SCORED_AUDIENCES))
        for employee_id, found in per_person.items()
    }


def _gap_group(
    manager_id: int | None, name: str, gaps: Sequence[PersonGap], minimum: int
) -> ManagerGap:
    values = [g.gap for g in gaps if g.gap is not None]
    n = len(values)
    mean = float(sum(values, Decimal(0)) / n) if n >= minimum else None
    return ManagerGap(
        manager_id=manager_id,
        name=name,
        n=n,
        mean_gap=mean,
        higher=sum(1 for v in values if v > 0),
        same=sum(1 for v in values if v == 0),
        lower=sum(1 for v in values if v < 0),
    )


def self_manager_gaps(user: User, data: SessionPeople) -> Gaps:
    """Per person and per rater: the manager's rating against the self rating."""
    scores = self_scores(user, data.session, data.frame)
    by_value = {level.value: level for level in data.levels}
    gaps: list[PersonGap] = []
    for person in data.people:
        score = scores.get(person.employee_id)
        mapped = map_to_level(score, data.frame.levels)
        gaps.append(
            PersonGap(
                person=person,
                self_score=score,
                self_level=by_value.get(mapped.value) if mapped is not None else None,
                manager_level=person.before,
            )
        )
    minimum = data.session.min_team_size
    grouped: dict[int | None, list[PersonGap]] = defaultdict(list)
    for gap in gaps:
        grouped[gap.person.manager_id].append(gap)
    managers = [
        _gap_group(manager_id, team[0].person.manager_name, team, minimum)
        for manager_id, team in sorted(
            grouped.items(), key=lambda item: _manager_order((item[0], [g.person for g in item[1]]))
        )
    ]
    without_self = sum(1 for g in gaps if g.manager_level is not None and g.self_level is None)
    overall = _gap_group(None, "Everyone", gaps, minimum)
    return Gaps(managers, gaps, overall, without_self)


# --- the whole pre-read -----------------------------------------------------------------


@dataclass(frozen=True)
class PreRead:
    session: CalibrationSession
    scope: str
    levels: list[Level]
    people_count: int
    guidance: str
    distribution: Distribution
    managers: list[ManagerDistribution]
    severity: SeverityTable
    gaps: Gaps
    shows_people: bool


def pre_read(user: User, session: CalibrationSession) -> PreRead:
    """Everything the pre-read page and its exports show, for what `user`
    may see of `session` (a fixed number of queries)."""
    data = session_people(user, session)
    targets = guidance_of(session, data.levels)
    return PreRead(
        session=session,
        scope=scope_text(user, session),
        levels=data.levels,
        people_count=len(data.people),
        guidance=guidance_text(targets, data.levels),
        distribution=distribution(data.levels, (p.before for p in data.people), targets),
        managers=manager_distributions(data.levels, data.people),
        severity=severity_table(session, data.people),
        gaps=self_manager_gaps(user, data),
        shows_people=shows_people(user, session),
    )
