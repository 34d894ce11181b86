"""What a given viewer may read of a review result. The result page, the
API and the export all build what they show with `disclose` (one result,
with its answers) or `summarise` (many results, ratings and averages), so
each rule below lives once.

Which results a viewer may open at all is `ReviewResult.objects.visible_to`
(reviews/access.py); this module decides what they read inside one:

- Ratings and answers: the reviewee once the result is released; their
  manager chain, their department's HRBP and HR admins always; an executive
  over the department reads only the final rating (once released).
  Someone reading their own result is the reviewee, whatever else they are.
- Answers by audience: the reviewee reads "reviewee" items; the manager
  chain "reviewee" and "manager" items; HR (admin, scoped HRBP) everything.
- Self and manager answers name their writer. Peer and upward answers name
  no one when the cycle makes them anonymous (only an HR admin sees who
  wrote what), and carry no order or index that would let a reader group
  them by writer: each item's answers are sorted by their content.
- Peer (or upward) answers, text and ratings alike, are withheld from the
  reviewee and the manager chain when fewer than the cycle's minimum group
  size of such reviews were submitted ("not enough answers", never a value).
- Averages of peer and upward ratings are aggregates: below the minimum —
  of submitted reviews, and of reviewers who rated the section — they are
  suppressed for everyone, HR and exports included.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.reviews.models import (
    Answer,
    AnswerAudience,
    Cycle,
    Question,
    QuestionKind,
    RatingLevel,
    ReviewerKind,
    ReviewResult,
    SectionKind,
    TemplateSection,
)
from cadence.reviews.results import ScoreSheet, load_sheets, section_averages, weighted_score
from cadence.reviews.scoring import quantize_score

# The floor under every cycle's minimum group size, whatever is stored.
MIN_GROUP_FLOOR = 3

# What a result list needs joined to disclose each row without more queries.
RESULT_RELATED = (
    "cycle",
    "employee__department",
    "employee__manager",
    "computed_level",
    "manager_level",
    "calibrated_level",
)

GROUPED_KINDS = (ReviewerKind.PEER.value, ReviewerKind.UPWARD.value)
KIND_ORDER = {kind: i for i, kind in enumerate(ReviewerKind.values)}


class Role(StrEnum):
    """Who the viewer is to one result."""

    REVIEWEE = "reviewee"
    MANAGER = "manager"
    HRBP = "hrbp"
    HR_ADMIN = "hr_admin"
    EXECUTIVE = "executive"
    NONE = "none"


class GroupStatus(StrEnum):
    SHOWN = "shown"
    NOT_ENOUGH = "not_enough_answers"
    NONE = "none"


_AUDIENCES: dict[Role, frozenset[str]] = {
    Role.REVIEWEE: frozenset({AnswerAudience.REVIEWEE}),
    Role.MANAGER: frozenset({AnswerAudience.REVIEWEE, AnswerAudience.MANAGER}),
    Role.HRBP: frozenset(AnswerAudience.values),
    Role.HR_ADMIN: frozenset(AnswerAudience.values),
}


# --- the rules -----------------------------------------------------------------------


def role_of(user: User, result: ReviewResult) -> Role:
    """The viewer's relation to `result` (needs `result.employee`)."""
    viewer = viewer_for(user)
    employee = result.employee
    # Your own review is read as the reviewee even by an HR admin: nobody
    # learns who among their own peers wrote what.
    if viewer.is_self(employee.pk):
        return Role.REVIEWEE
    if viewer.is_hr_admin:
        return Role.HR_ADMIN
    if employee.department_id in viewer.hrbp_department_ids:
        return Role.HRBP
    if viewer.manages(employee.reporting_path, employee.pk):
        return Role.MANAGER
    if employee.department_id in viewer.executive_department_ids:
        return Role.EXECUTIVE
    return Role.NONE


def readable_audiences(role: Role) -> frozenset[str]:
    """The item audiences this role reads."""
    return _AUDIENCES.get(role, frozenset())


def min_group_size(cycle: Cycle) -> int:
    """The cycle's minimum group size, never below 3."""
    return max(cycle.min_group_size, MIN_GROUP_FLOOR)


def details_disclosed(role: Role, result: ReviewResult) -> bool:
    """Computed score, manager rating, reasons and answers."""
    if role == Role.REVIEWEE:
        return result.released_at is not None
    return role in (Role.MANAGER, Role.HRBP, Role.HR_ADMIN)


def final_disclosed(role: Role, result: ReviewResult) -> bool:
    """The final rating alone (executives read no more than that)."""
    if role == Role.EXECUTIVE:
        return result.released_at is not None
    return details_disclosed(role, result)


def _cycle_includes(cycle: Cycle, kind: str) -> bool:
    return cycle.include_peer if kind == ReviewerKind.PEER else cycle.include_upward


def group_status(role: Role, result: ReviewResult, kind: str, count: int) -> GroupStatus:
    """Whether this viewer reads the answers of `count` submitted reviews
    of `kind`. Below the minimum a reviewee or manager learns only "not
    enough answers" — not even whether there were none."""
    if not details_disclosed(role, result):
        return GroupStatus.NONE
    if kind not in GROUPED_KINDS or role in (Role.HR_ADMIN, Role.HRBP):
        return GroupStatus.SHOWN if count else GroupStatus.NONE
    if count >= min_group_size(result.cycle):
        return GroupStatus.SHOWN
    if count or _cycle_includes(result.cycle, kind):
        return GroupStatus.NOT_ENOUGH
    return GroupStatus.NONE


def aggregate_status(role: Role, result: ReviewResult, kind: str, count: int) -> GroupStatus:
    """Whether this viewer reads averages over `count` submitted reviews of
    `kind`: never below the minimum for peers and upward, for anyone."""
    status = group_status(role, result, kind, count)
    too_few = kind in GROUPED_KINDS and count < min_group_size(result.cycle)
    if status == GroupStatus.SHOWN and too_few:
        return GroupStatus.NOT_ENOUGH
    return status


def is_attributed(role: Role, cycle: Cycle, kind: str) -> bool:
    """Whether this viewer is told who wrote a review of `kind`."""
    if kind in (ReviewerKind.SELF, ReviewerKind.MANAGER) or role == Role.HR_ADMIN:
        return True
    anonymous = cycle.peer_anonymous if kind == ReviewerKind.PEER else cycle.upward_anonymous
    return not anonymous


# --- what the viewer reads ---------------------------------------------------------------


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str


@dataclass(frozen=True)
class LevelRef:
    id: int
    value: Decimal
    label: str

    @classmethod
    def of(cls, level: RatingLevel | None) -> LevelRef | None:
        return None if level is None else cls(level.pk, level.value, level.label)


@dataclass(frozen=True)
class Average:
    """An average that may be withheld: `value` only when `status` is shown."""

    status: GroupStatus
    value: Decimal | None = None
    reviews: int | None = None

    @property
    def shown(self) -> bool:
        return self.status == GroupStatus.SHOWN and self.value is not None


NO_AVERAGE = Average(GroupStatus.NONE)


@dataclass(frozen=True)
class GroupView:
    """How one kind of review is disclosed in this result."""

    kind: str
    status: GroupStatus
    attributed: bool
    reviews: int | None


@dataclass(frozen=True)
class AnswerView:
    reviewer_kind: str
    reviewer: PersonRef | None
    rating: Decimal | None
    unable_to_rate: bool
    text: str
    choice: str


@dataclass
class ItemView:
    key: str
    label: str
    kind: str
    audience: str
    answers: list[AnswerView] = field(default_factory=list)


@dataclass
class SectionView:
    id: int
    title: str
    kind: str
    weight: Decimal
    manager_score: Decimal | None
    averages: dict[str, Average]
    items: list[ItemView]


@dataclass
class ResultView:
    """One result as one viewer may read it. Fields the viewer may not read
    are None (or empty) and `details` / `final` say which parts apply."""

    id: int
    version: int
    role: Role
    cycle_id: int
    cycle_name: str
    employee: PersonRef
    employee_number: str
    department: str | None
    manager: PersonRef | None
    details: bool
    final: bool
    released_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledgement_comment: str = ""
    computed_score: Decimal | None = None
    computed_level: LevelRef | None = None
    manager_level: LevelRef | None = None
    override_reason: str = ""
    calibrated_level: LevelRef | None = None
    calibration_reason: str = ""
    final_level: LevelRef | None = None
    averages: dict[str, Average] = field(default_factory=dict)
    groups: list[GroupView] = field(default_factory=list)
    sections: list[SectionView] = field(default_factory=list)

    @property
    def released(self) -> bool:
        return self.released_at is not None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


def _person(employee: Any) -> PersonRef | None:
    return None if employee is None else PersonRef(employee.pk, employee.full_name)


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else quantize_score(value)


def _base_view(result: ReviewResult, role: Role) -> ResultView:
    """The ratings part, as far as `role` may read it."""
    employee = result.employee
    details = details_disclosed(role, result)
    final = final_disclosed(role, result)
    view = ResultView(
        id=result.pk,
        version=result.version,
        role=role,
        cycle_id=result.cycle_id,
        cycle_name=result.cycle.name,
        employee=PersonRef(employee.pk, employee.full_name),
        employee_number=employee.employee_number,
        department=employee.department.name if employee.department else None,
        manager=_person(employee.manager) if employee.manager_id else None,
        details=details,
        final=final,
        released_at=result.released_at,
        acknowledged_at=result.acknowledged_at,
    )
    if final:
        view.final_level = LevelRef.of(result.final_level)
    if details:
        view.acknowledgement_comment = result.acknowledgement_comment
        view.computed_score = result.computed_score
        view.computed_level = LevelRef.of(result.computed_level)
        view.manager_level = LevelRef.of(result.manager_level)
        view.override_reason = result.override_reason
        view.calibrated_level = LevelRef.of(result.calibrated_level)
        view.calibration_reason = result.calibration_reason
    return view


def _averages(
    role: Role,
    result: ReviewResult,
    sheet: ScoreSheet,
    sections: Sequence[TemplateSection],
) -> tuple[dict[str, Average], dict[int, dict[str, Average]]]:
    """The self, peer and upward averages this viewer may read: overall
    (weighted like the computed score) and per section."""
    audiences = readable_audiences(role)
    overall: dict[str, Average] = {}
    per_section: dict[int, dict[str, Average]] = defaultdict(dict)
    minimum = min_group_size(result.cycle)
    for kind in (ReviewerKind.SELF, ReviewerKind.PEER, ReviewerKind.UPWARD):
        reviews = sheet.of_kind(kind)
        status = aggregate_status(role, result, kind, len(reviews))
        if status != GroupStatus.SHOWN:
            overall[kind] = Average(status)
            for section in sections:
                per_section[section.pk][kind] = Average(status)
            continue
        # A section only a few reviewers rated is suppressed on its own.
        need = minimum if kind in GROUPED_KINDS else 1
        shown: dict[int, Decimal] = {}
        found_by_section = section_averages(reviews, audiences)
        for section in sections:
            found = found_by_section.get(section.pk)
            if found is None or found.value is None:
                per_section[section.pk][kind] = NO_AVERAGE
            elif found.raters < need:
                per_section[section.pk][kind] = Average(GroupStatus.NOT_ENOUGH)
            else:
                shown[section.pk] = found.value
                per_section[section.pk][kind] = Average(status, found.value, found.raters)
        value = weighted_score(sections, shown)
        if value is None:
            missing = GroupStatus.NOT_ENOUGH if kind in GROUPED_KINDS else GroupStatus.NONE
            overall[kind] = Average(missing)
        else:
            overall[kind] = Average(status, value, len(reviews))
    return overall, per_section


def summarise(
    results: Sequence[ReviewResult], user: User, *, with_averages: bool = False
) -> list[ResultView]:
    """Each result as `user` may read it, without answers. The results must
    come with RESULT_RELATED joined. With `with_averages`, also the self,
    peer and upward averages (one query for the sections, two per cycle
    among the results for the ratings)."""
    views = [_base_view(result, role_of(user, result)) for result in results]
    if not with_averages or not results:
        return views
    template_ids = {r.cycle.template_id for r in results}
    sections: dict[int, list[TemplateSection]] = defaultdict(list)
    for section in TemplateSection.objects.filter(template_id__in=template_ids):
        sections[section.template_id].append(section)
    by_cycle: dict[int, list[int]] = defaultdict(list)
    for result in results:
        by_cycle[result.cycle_id].append(result.employee_id)
    sheets = {
        (cycle_id, employee_id): sheet
        for cycle_id, employee_ids in by_cycle.items()
        for employee_id, sheet in load_sheets(cycle_id, employee_ids).items()
    }
    for view, result in zip(views, results, strict=True):
        sheet = sheets[(result.cycle_id, result.employee_id)]
        view.averages, _ = _averages(view.role, result, sheet, sections[result.cycle.template_id])
    return views


# --- one result with its answers ---------------------------------------------------------------


def _content_order(answer: AnswerView) -> tuple[Any, ...]:
    """Anonymous answers are ordered by what they say, which tells nothing
    about who said it (the order they were written in would)."""
    return (
        answer.rating is None,
        answer.rating or Decimal(0),
        answer.unable_to_rate,
        answer.choice,
        answer.text,
    )


def _attributed_order(answer: AnswerView) -> tuple[Any, ...]:
    name = answer.reviewer.name if answer.reviewer else ""
    return (KIND_ORDER.get(answer.reviewer_kind, 9), name)


def _item_label(answer: Answer) -> tuple[str, str]:
    """What an answer is about, and the kind of item it is."""
    if answer.question is not None:
        return answer.question.text, answer.question.kind
    if answer.item.startswith("g"):
        goal = answer.goal
        return (goal.title if goal is not None else "A goal since removed"), QuestionKind.RATING
    competency = answer.competency
    label = competency.name if competency is not None else "A competency since removed"
    return label, QuestionKind.RATING


def _section_items(
    section: TemplateSection,
    questions: Sequence[Question],
    answers: Sequence[tuple[Answer, str, PersonRef | None]],
    audiences: frozenset[str],
) -> list[ItemView]:
    """The items of one section the viewer may read, each with its answers:
    named writers first (self, then manager, ...), then the unnamed ones by
    content."""
    items: dict[str, ItemView] = {}
    if section.kind == SectionKind.QUESTIONS:
        for question in questions:
            if question.audience in audiences:
                key = f"q{question.pk}"
                items[key] = ItemView(key, question.text, question.kind, question.audience)
    for answer, kind, writer in answers:
        audience = answer.question.audience if answer.question else section.audience
        if audience not in audiences:
            continue
        item = items.get(answer.item)
        if item is None:
            label, item_kind = _item_label(answer)
            item = items[answer.item] = ItemView(answer.item, label, item_kind, audience)
        item.answers.append(
            AnswerView(
                reviewer_kind=kind,
                reviewer=writer,
                rating=answer.rating,
                unable_to_rate=answer.unable_to_rate,
                text=answer.text,
                choice=answer.choice,
            )
        )
    for item in items.values():
        named = sorted((a for a in item.answers if a.reviewer), key=_attributed_order)
        unnamed = sorted(
            (a for a in item.answers if a.reviewer is None),
            key=lambda a: (KIND_ORDER.get(a.reviewer_kind, 9), *_content_order(a)),
        )
        item.answers = named + unnamed
    ordered = list(items.values())
    if section.kind != SectionKind.QUESTIONS:
        ordered.sort(key=lambda i: (i.label.casefold(), i.key))
    return ordered


def disclose(result: ReviewResult, user: User) -> ResultView:
    """`result` as `user` may read it, with its sections, averages and the
    answers they may read (a fixed number of queries, however many reviews).
    The caller has checked that `user` may see the result at all."""
    role = role_of(user, result)
    view = _base_view(result, role)
    if not view.details:
        return view
    cycle = result.cycle
    audiences = readable_audiences(role)
    sections = list(
        TemplateSection.objects.filter(template_id=cycle.template_id).prefetch_related("questions")
    )
    sheet = load_sheets(cycle.pk, [result.employee_id])[result.employee_id]
    view.averages, per_section = _averages(role, result, sheet, sections)

    shown: dict[str, bool] = {}  # kind → attributed
    for kind in ReviewerKind.values:
        count = sheet.count(kind)
        status = group_status(role, result, kind, count)
        attributed = is_attributed(role, cycle, kind)
        if status == GroupStatus.SHOWN:
            shown[kind] = attributed
        view.groups.append(
            GroupView(
                kind,
                status,
                attributed and status == GroupStatus.SHOWN,
                count if status == GroupStatus.SHOWN else None,
            )
        )
    review_kinds = {r.assignment_id: r.kind for r in sheet.reviews if r.kind in shown}
    answers: dict[int, list[tuple[Answer, str, PersonRef | None]]] = defaultdict(list)
    if review_kinds:
        rows = Answer.objects.filter(assignment_id__in=list(review_kinds)).select_related(
            "question", "goal", "competency", "assignment__reviewer"
        )
        for answer in rows:
            kind = review_kinds[answer.assignment_id]
            writer = _person(answer.assignment.reviewer) if shown[kind] else None
            answers[answer.section_id].append((answer, kind, writer))

    manager_review = sheet.manager_review()
    manager_scores = manager_review.section_scores(audiences) if manager_review else {}
    for section in sections:
        view.sections.append(
            SectionView(
                id=section.pk,
                title=section.title,
                kind=section.kind,
                weight=section.weight,
                manager_score=_rounded(manager_scores.get(section.pk)),
                averages=per_section.get(section.pk, {}),
                items=_section_items(
                    section, list(section.questions.all()), answers[section.pk], audiences
                ),
            )
        )
    return view
