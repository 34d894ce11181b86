"""Reads for writing reviews: the assignments a person may see (and the
ones they write), what the review form shows, and peer nominations.
Assignments always start from `ReviewAssignment.objects.visible_to`.

Answers are read only by the reviewer (to write them) and an HR admin
(read-only). Anyone else who may see an assignment sees its metadata
(kind, status, dates), never the answers: what others read of a review is
decided at release, by the results pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from cadence.core import audit
from cadence.core.ids import MAX_ID
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.goals.models import KeyResult, Objective
from cadence.goals.progress import Band, KeyResultFacts, band, rollup
from cadence.goals.selectors import key_results_of
from cadence.people.models import Employee, EmploymentStatus
from cadence.reviews.form_items import FormItem, is_answered, items_for
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    CyclePhase,
    NominationStatus,
    Nominator,
    ParticipantStatus,
    PeerNomination,
    PhaseKind,
    ReviewAssignment,
    ReviewerKind,
    ReviewResult,
    SectionKind,
    Stage,
    TemplateSection,
)
from cadence.reviews.services_writing import locked_reason, missing_and_invalid, stored_values
from cadence.reviews.services_writing_nominations import may_nominate

# The phase whose deadline an assignment of each kind works to.
PHASE_FOR_KIND: dict[str, str] = {
    ReviewerKind.SELF: PhaseKind.SELF_REVIEW,
    ReviewerKind.PEER: PhaseKind.PEER_REVIEW,
    ReviewerKind.UPWARD: PhaseKind.PEER_REVIEW,
    ReviewerKind.MANAGER: PhaseKind.MANAGER_REVIEW,
}


@dataclass(frozen=True)
class AssignmentFilters:
    cycle: int | None = None
    reviewer: int | None = None
    reviewee: int | None = None
    kind: str | None = None
    status: str | None = None


def _filter_q(f: AssignmentFilters) -> Q:
    condition = Q()
    if f.cycle is not None:
        condition &= Q(cycle_id=f.cycle)
    if f.reviewer is not None:
        condition &= Q(reviewer_id=f.reviewer)
    if f.reviewee is not None:
        condition &= Q(reviewee_id=f.reviewee)
    if f.kind:
        condition &= Q(kind=f.kind)
    if f.status:
        condition &= Q(status=f.status)
    return condition


# How lists of assignments are sorted: newest cycle first, then by reviewee.
ASSIGNMENT_ORDER = (
    "-cycle__created_at",
    "cycle_id",
    "reviewee__last_name",
    "reviewee__first_name",
    "kind",
    "id",
)


def assignments(user: User, filters: AssignmentFilters | None = None) -> QuerySet[ReviewAssignment]:
    """The assignments `user` may see, filtered, with what a row shows joined."""
    return (
        ReviewAssignment.objects.visible_to(user)
        .filter(_filter_q(filters or AssignmentFilters()))
        .select_related("cycle", "reviewer", "reviewee")
        .order_by(*ASSIGNMENT_ORDER)
    )


def assignment_list(
    user: User, filters: AssignmentFilters | None = None
) -> QuerySet[ReviewAssignment]:
    """The same rows as `assignments`, for a long list and its count: the
    visibility is looked up grant by grant with the filters (see
    `AssignmentQuerySet.visible_to_among`). Not needed when the filters
    name the reviewer or the reviewee: their index finds the few rows to
    test, as for a single assignment looked up by id."""
    f = filters or AssignmentFilters()
    if f.reviewer is not None or f.reviewee is not None:
        return assignments(user, f)
    return (
        ReviewAssignment.objects.visible_to_among(user, _filter_q(f))
        .select_related("cycle", "reviewer", "reviewee")
        .order_by(*ASSIGNMENT_ORDER)
    )


def my_assignments(
    user: User, filters: AssignmentFilters | None = None
) -> QuerySet[ReviewAssignment]:
    """The reviews `user` writes (cancelled ones left out unless asked for)."""
    me = viewer_for(user).employee_id
    if me is None:
        return ReviewAssignment.objects.none()
    f = filters or AssignmentFilters()
    queryset = assignments(user, f).filter(reviewer_id=me)
    if not f.status:
        queryset = queryset.exclude(status=AssignmentStatus.CANCELLED)
    return queryset


def get_visible_assignment(user: User, pk: int) -> ReviewAssignment:
    """One assignment, or ReviewAssignment.DoesNotExist when `user` may not see it."""
    return assignments(user).get(pk=pk)


def may_read_answers(user: User, assignment: ReviewAssignment) -> bool:
    """The reviewer, and an HR admin (read-only) — but never the reviewee,
    whatever their role: what they may read comes with their released result."""
    viewer = viewer_for(user)
    if viewer.is_self(assignment.reviewer_id):
        return True
    return viewer.is_hr_admin and not viewer.is_self(assignment.reviewee_id)


def may_write(user: User, assignment: ReviewAssignment) -> bool:
    """The reviewer, while the review is open and the cycle runs."""
    return viewer_for(user).is_self(assignment.reviewer_id) and not locked_reason(assignment)


def due_dates(cycle_ids: Iterable[int]) -> dict[tuple[int, str], dt.date]:
    """Each cycle's phase deadlines, by (cycle id, phase kind), in one query."""
    return {
        (cycle_id, kind): due
        for cycle_id, kind, due in CyclePhase.objects.filter(
            cycle_id__in=set(cycle_ids)
        ).values_list("cycle_id", "kind", "due_on")
    }


def due_on(assignment: ReviewAssignment, dues: dict[tuple[int, str], dt.date]) -> dt.date | None:
    """When this review is due: its kind's phase deadline in its cycle."""
    return dues.get((assignment.cycle_id, PHASE_FOR_KIND.get(assignment.kind, "")))


def answers_of(assignment: ReviewAssignment) -> dict[str, dict[str, Any]]:
    """The stored answers by item key (one query)."""
    return {a.item: stored_values(a) for a in Answer.objects.filter(assignment=assignment)}


# --- the review form ---------------------------------------------------------------


@dataclass
class GoalPanel:
    """What the form shows beside a goal's rating: its progress and key results."""

    goal: Objective
    progress: float | None
    band: Band
    key_results: list[KeyResult]


@dataclass
class FormSection:
    section: TemplateSection
    items: list[FormItem]
    empty_note: str = ""


@dataclass
class ReviewForm:
    """Everything the review form page shows."""

    assignment: ReviewAssignment
    items: list[FormItem]
    sections: list[FormSection]
    answers: dict[str, dict[str, Any]]
    goals: dict[int, GoalPanel]
    previous: ReviewResult | None
    due_on: dt.date | None
    can_write: bool
    can_read: bool
    locked: str
    answered: int = 0
    required: int = 0


def goal_panels(goal_ids: Iterable[int]) -> dict[int, GoalPanel]:
    """Progress and key results of these goals (two queries). The ids come
    from the form items, which already applied the reviewer's visibility.
    Progress is each goal's own key results, rolled up the goals way; a goal
    with none shows no number rather than reading its aligned goals."""
    goals = list(Objective.objects.filter(pk__in=list(goal_ids)))
    found = key_results_of(goals)
    facts = {
        oid: [KeyResultFacts(float(kr.weight), kr.progress) for kr in krs]
        for oid, krs in found.items()
    }
    progress = rollup([g.pk for g in goals], facts, {})
    return {
        g.pk: GoalPanel(
            goal=g,
            progress=progress.get(g.pk),
            band=band(progress.get(g.pk), aspirational=g.is_aspirational),
            key_results=found.get(g.pk, []),
        )
        for g in goals
    }


def previous_result(user: User, assignment: ReviewAssignment) -> ReviewResult | None:
    """The reviewee's latest result from an earlier cycle that `user` may
    see and that has a final rating (one query)."""
    return (
        ReviewResult.objects.visible_to(user)
        .filter(
            employee_id=assignment.reviewee_id, cycle__created_at__lt=assignment.cycle.created_at
        )
        .filter(
            Q(calibrated_level__isnull=False)
            | Q(manager_level__isnull=False)
            | Q(computed_level__isnull=False)
        )
        .select_related("cycle", "calibrated_level", "manager_level", "computed_level")
        .order_by("-cycle__created_at", "-id")
        .first()
    )


def _sections(assignment: ReviewAssignment, items: list[FormItem]) -> list[FormSection]:
    """The sections this reviewer answers, in order, with their items; a
    goals or competencies section with nothing to rate says why (one query)."""
    by_section: dict[int, list[FormItem]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
    cycle = assignment.cycle
    result: list[FormSection] = []
    for section in TemplateSection.objects.filter(template_id=cycle.template_id).order_by(
        "position", "id"
    ):
        rows = by_section.get(section.pk, [])
        answered_by = section.reviewer_kinds if isinstance(section.reviewer_kinds, list) else []
        if rows:
            result.append(FormSection(section, rows))
        elif section.kind == SectionKind.GOALS and assignment.kind in answered_by:
            note = (
                "No goals to rate: this cycle is not linked to a goal period."
                if cycle.goal_period_id is None
                else "No goals to rate: no goals for this period that you can see."
            )
            result.append(FormSection(section, [], note))
        elif section.kind == SectionKind.COMPETENCIES and assignment.kind in answered_by:
            result.append(
                FormSection(
                    section, [], "No competencies to rate: the reviewee's job expects none."
                )
            )
    return result


def review_form(
    user: User, assignment: ReviewAssignment, *, context: str = "review form"
) -> ReviewForm:
    """The form of `assignment` as `user` sees it: items, current answers,
    goal progress and (for a manager review) the previous result — only for
    the reviewer and HR admins; anyone else gets the metadata and nothing
    else. An HR admin reading someone's answers is written to the access
    log (with `context`). A fixed number of queries whatever the template
    or the goals."""
    can_read = may_read_answers(user, assignment)
    locked = locked_reason(assignment)
    dues = due_dates([assignment.cycle_id])
    if not can_read:
        return ReviewForm(
            assignment=assignment,
            items=[],
            sections=[],
            answers={},
            goals={},
            previous=None,
            due_on=due_on(assignment, dues),
            can_write=False,
            can_read=False,
            locked=locked,
        )
    items = items_for(assignment)
    answers = answers_of(assignment)
    if answers and not viewer_for(user).is_self(assignment.reviewer_id):
        audit.record_reads(user, [(assignment, ["answers"])], context=context)
    goal_ids = [i.goal_id for i in items if i.goal_id is not None]
    required = [i for i in items if i.required]
    return ReviewForm(
        assignment=assignment,
        items=items,
        sections=_sections(assignment, items),
        answers=answers,
        goals=goal_panels(goal_ids) if goal_ids else {},
        previous=previous_result(user, assignment)
        if assignment.kind == ReviewerKind.MANAGER
        else None,
        due_on=due_on(assignment, dues),
        can_write=viewer_for(user).is_self(assignment.reviewer_id) and not locked,
        can_read=True,
        locked=locked,
        answered=sum(1 for i in required if is_answered(i, answers.get(i.key))),
        required=len(required),
    )


def submit_problems(assignment: ReviewAssignment) -> dict[str, str]:
    """What stops `assignment` from being submitted now, by item key (the
    same check `submit_assignment` makes)."""
    return missing_and_invalid(items_for(assignment), answers_of(assignment))


def cycles_of(rows: Iterable[ReviewAssignment]) -> list[Cycle]:
    """The distinct cycles of these assignments, in the order met."""
    seen: dict[int, Cycle] = {}
    for row in rows:
        seen.setdefault(row.cycle_id, row.cycle)
    return list(seen.values())


# --- peer nominations ---------------------------------------------------------------


def nominations_visible_to(user: User) -> QuerySet[PeerNomination]:
    """Nominations `user` may see: HR admin all; the HRBP for the reviewee's
    department; the reviewee's manager chain; whoever made the nomination;
    and the reviewee — only when they are the cycle's nominator (they chose
    those names). A reviewee whose manager nominates never sees the names:
    it would tell them who reviews them."""
    viewer = viewer_for(user)
    queryset = PeerNomination.objects.all()
    me = viewer.employee_id
    # A reviewee who is also HR sees their own nominations only as a reviewee
    # (when they chose the names themselves).
    not_mine = Q(pk__in=[]) if me is None else ~Q(reviewee_id=me)
    mine_as_nominator = (
        Q(pk__in=[]) if me is None else Q(reviewee_id=me, cycle__peer_nominator=Nominator.REVIEWEE)
    )
    if viewer.is_hr_admin:
        return queryset if me is None else queryset.filter(not_mine | mine_as_nominator)
    condition = Q(nominated_by_id=viewer.user_id) if viewer.user_id else Q(pk__in=[])
    if viewer.employee_id is not None:
        condition |= Q(reviewee_id=viewer.employee_id, cycle__peer_nominator=Nominator.REVIEWEE)
        if viewer.employee_path:
            condition |= Q(reviewee__reporting_path__startswith=viewer.employee_path) & ~Q(
                reviewee_id=viewer.employee_id
            )
    if viewer.hrbp_department_ids:
        in_scope = Q(reviewee__department_id__in=viewer.hrbp_department_ids)
        condition |= in_scope if me is None else in_scope & not_mine
    return queryset.filter(condition)


@dataclass
class NominationDuty:
    """A reviewee whose peers `user` nominates in a cycle now."""

    participant: CycleParticipant
    due_on: dt.date | None
    proposed: int
    approved: int
    declined: int

    @property
    def cycle(self) -> Cycle:
        return self.participant.cycle

    @property
    def reviewee(self) -> Employee:
        return self.participant.employee

    @property
    def chosen(self) -> int:
        return self.proposed + self.approved


def nomination_duties(user: User) -> list[NominationDuty]:
    """The reviewees whose peers `user` nominates in cycles now at peer
    nomination: themself, or the reports whose review they write (three
    queries)."""
    me = viewer_for(user).employee_id
    if me is None:
        return []
    open_cycles = Q(
        cycle__stage=Stage.PEER_NOMINATION,
        cycle__include_peer=True,
        status=ParticipantStatus.ACTIVE,
    )
    mine = Q(employee_id=me, cycle__peer_nominator=Nominator.REVIEWEE) | Q(
        manager_id=me, cycle__peer_nominator=Nominator.MANAGER
    )
    participants = list(
        CycleParticipant.objects.filter(open_cycles & mine)
        .select_related("cycle", "employee")
        .order_by("-cycle__created_at", "employee__last_name", "employee__first_name", "id")
    )
    counts: dict[tuple[int, int, str], int] = {}
    if participants:
        rows = (
            PeerNomination.objects.filter(
                cycle_id__in={p.cycle_id for p in participants},
                reviewee_id__in={p.employee_id for p in participants},
            )
            .values_list("cycle_id", "reviewee_id", "status")
            .annotate(n=Count("id"))
        )
        counts = {(c, r, s): n for c, r, s, n in rows}
    dues = due_dates(p.cycle_id for p in participants)

    def count(p: CycleParticipant, status: str) -> int:
        return counts.get((p.cycle_id, p.employee_id, status), 0)

    return [
        NominationDuty(
            participant=p,
            due_on=dues.get((p.cycle_id, PhaseKind.PEER_NOMINATION)),
            proposed=count(p, NominationStatus.PROPOSED),
            approved=count(p, NominationStatus.APPROVED),
            declined=count(p, NominationStatus.DECLINED),
        )
        for p in participants
    ]


def nomination_participant(user: User, cycle_id: int, employee_id: int) -> CycleParticipant:
    """The participant whose nominations `user` manages or may read (the
    nominator, their manager chain, HR), or CycleParticipant.DoesNotExist."""
    if not (0 < cycle_id <= MAX_ID and 0 < employee_id <= MAX_ID):
        raise CycleParticipant.DoesNotExist  # past the column's range: no such row
    participant = (
        CycleParticipant.objects.select_related("cycle", "employee", "manager")
        .filter(
            cycle__in=Cycle.objects.visible_to(user), cycle_id=cycle_id, employee_id=employee_id
        )
        .get()
    )
    viewer = viewer_for(user)
    reviewee = participant.employee
    # HR roles do not open their own nominations: as a reviewee they see
    # them only when they are the cycle's nominator.
    as_hr = not viewer.is_self(reviewee.pk) and (
        viewer.is_hr_admin or reviewee.department_id in viewer.hrbp_department_ids
    )
    allowed = (
        may_nominate(user, participant.cycle, participant)
        or as_hr
        or viewer.manages(reviewee.reporting_path, reviewee.pk)
    )
    if not allowed:
        raise CycleParticipant.DoesNotExist
    return participant


def nominations_of(user: User, participant: CycleParticipant) -> list[PeerNomination]:
    """The nominations for one reviewee in one cycle that `user` may see,
    with the peer's name: whom, and the status of each nomination — never
    whether the peer has written or submitted anything."""
    return list(
        nominations_visible_to(user)
        .filter(cycle_id=participant.cycle_id, reviewee_id=participant.employee_id)
        .select_related("peer")
        .order_by("peer__last_name", "peer__first_name", "id")
    )


def peer_candidates(
    user: User, participant: CycleParticipant, q: str, *, limit: int = 20
) -> list[Employee]:
    """People `user` may choose as a peer for the participant, matching `q`
    (name, email or employee number): current staff with a login, not the
    reviewee, not anyone in their management line (one query)."""
    q = q.strip()[:100]
    if not q:
        return []
    reviewee = participant.employee
    managers = set(reviewee.manager_chain_ids)
    if participant.manager_id is not None:
        managers.add(participant.manager_id)
    words = Q()
    for word in q.split()[:5]:
        words &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(email__icontains=word)
            | Q(employee_number__iexact=word)
        )
    return list(
        Employee.objects.visible_to(user)
        .filter(words, user__isnull=False)
        .exclude(status=EmploymentStatus.TERMINATED)
        .exclude(pk__in=[reviewee.pk, *managers])
        .select_related("department")
        .order_by("last_name", "first_name", "id")[:limit]
    )


def awaiting_decision(user: User) -> QuerySet[PeerNomination]:
    """Proposed peers waiting for `user`'s decision: nominations for their
    reports (direct and indirect; HR admin: everyone's) in cycles that ask
    for approval and are at peer nomination or peer review."""
    viewer = viewer_for(user)
    queryset = PeerNomination.objects.filter(
        status=NominationStatus.PROPOSED,
        cycle__peers_need_approval=True,
        cycle__stage__in=[Stage.PEER_NOMINATION, Stage.PEER_REVIEW],
    ).select_related("cycle", "reviewee", "peer", "peer__department")
    if viewer.employee_id is not None:
        queryset = queryset.exclude(reviewee_id=viewer.employee_id)
    if not viewer.is_hr_admin:
        if viewer.employee_id is None or not viewer.employee_path:
            return queryset.none()
        queryset = queryset.filter(reviewee__reporting_path__startswith=viewer.employee_path)
    return queryset.order_by(
        "-cycle__created_at", "reviewee__last_name", "reviewee__first_name", "peer__last_name", "id"
    )
