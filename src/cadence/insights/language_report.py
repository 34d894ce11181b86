"""Review language in aggregate, for HR admins: how often each reviewer's
texts carry personality criticism, vague feedback or gender-coded words,
and whether the people of one group (of a protected attribute) receive
personality criticism more often than another's.

Which texts: every non-empty text answer (answers to text questions and
comments on ratings) of a SUBMITTED assignment of the cycle. Self reviews
are left out by default: the question is how people are described by
others, and a self review is not "received". The page's `kind` filter
looks at one kind alone (manager, peer, upward, or self).

A text counts once per category however many flags it has. Numbers are
shown only for reviewers with at least `min_group_size()` texts, and for
groups with at least that many people (the reviewees); else "not enough
data". The groups are compared with the pooled two-proportion Z-test and
Fisher's exact test (two-sided) against the group with the lowest share
among the disclosed groups with enough people; a group is flagged when
Fisher's p is below 0.05. Texts by one reviewer, or about one person, are
not independent, so a p-value here is a screen that says "look closer",
not proof. Review texts never leave this module: only counts do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cadence.insights import stats
from cadence.insights.access import NOT_ENOUGH, min_group_size, require_hr_admin, scope_for
from cadence.insights.attributes import UNDISCLOSED, Attribute
from cadence.insights.language import categories_of
from cadence.insights.language_lexicon import CATEGORIES, CATEGORY_LABELS, Category
from cadence.insights.tables import Chart, Series, Table, rounded, suppressed
from cadence.reviews.models import Answer, AssignmentStatus, Cycle, ReviewerKind

if TYPE_CHECKING:
    from cadence.core.models import User

SIGNIFICANCE = 0.05
OTHERS = (ReviewerKind.MANAGER, ReviewerKind.PEER, ReviewerKind.UPWARD)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "": ("Manager, peer and upward reviews", tuple(OTHERS)),
    "manager": ("Manager reviews", (ReviewerKind.MANAGER,)),
    "peer": ("Peer reviews", (ReviewerKind.PEER,)),
    "upward": ("Upward reviews", (ReviewerKind.UPWARD,)),
    "self": ("Self reviews", (ReviewerKind.SELF,)),
}


class UnknownKind(ValueError):
    """?kind= is not one of KINDS (the page answers 400)."""


@dataclass
class ReviewerLanguage:
    reviewer_id: int
    name: str
    texts: int = 0
    flagged: dict[Category, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))

    def share(self, category: Category) -> float:
        return 100 * self.flagged[category] / self.texts if self.texts else 0.0


@dataclass
class GroupLanguage:
    group: str
    label: str
    people: int = 0
    texts: int = 0
    personality: int = 0  # texts with personality criticism
    enough: bool = False
    reference: bool = False
    z: float | None = None
    p_z: float | None = None
    p_fisher: float | None = None
    flagged: bool = False

    @property
    def share(self) -> float | None:
        return 100 * self.personality / self.texts if self.texts else None


@dataclass
class LanguageReport:
    cycle: Cycle
    attribute: Attribute
    kind: str
    minimum: int
    texts: int
    totals: dict[Category, int]
    reviewers: list[ReviewerLanguage]
    groups: list[GroupLanguage]

    @property
    def reference(self) -> GroupLanguage | None:
        return next((g for g in self.groups if g.reference), None)


def kind_named(raw: str | None) -> str:
    key = raw or ""
    if key not in KINDS:
        raise UnknownKind(f"kind must be one of: {', '.join(k for k in KINDS if k)} (or empty)")
    return key


def language_report(user: User, *, cycle: Cycle, attribute: Attribute, kind: str) -> LanguageReport:
    """The numbers behind the review-language page (HR admins only), from
    one query whatever the size of the cycle."""
    scope = require_hr_admin(user)
    minimum = min_group_size()
    rows = (
        Answer.objects.filter(
            scope.employee_q("assignment__reviewee__"),  # never reviews about the viewer
            assignment__cycle=cycle,
            assignment__status=AssignmentStatus.SUBMITTED,
            assignment__kind__in=KINDS[kind][1],
        )
        .exclude(text="")
        .values_list(
            "text",
            "assignment__reviewer_id",
            "assignment__reviewer__preferred_name",
            "assignment__reviewer__first_name",
            "assignment__reviewer__last_name",
            "assignment__reviewee_id",
            f"assignment__reviewee__{attribute.key}",
        )
    )
    reviewers: dict[int, ReviewerLanguage] = {}
    groups = {g: GroupLanguage(group=g, label=attribute.group_label(g)) for g in attribute.groups()}
    people: dict[str, set[int]] = defaultdict(set)
    totals: dict[Category, int] = dict.fromkeys(CATEGORIES, 0)
    seen: dict[str, frozenset[Category]] = {}  # the same text is checked once
    texts = 0
    for text, reviewer_id, preferred, first, last, reviewee_id, value in rows.iterator(
        chunk_size=5000
    ):
        if not text.strip():
            continue
        found = seen.get(text)
        if found is None:
            found = seen[text] = categories_of(text)
        texts += 1
        reviewer = reviewers.get(reviewer_id)
        if reviewer is None:
            name = f"{preferred or first} {last}".strip()
            reviewer = reviewers[reviewer_id] = ReviewerLanguage(reviewer_id, name)
        reviewer.texts += 1
        for category in found:
            reviewer.flagged[category] += 1
            totals[category] += 1
        group = groups[attribute.group_of(value)]
        group.texts += 1
        group.personality += "personality" in found
        people[group.group].add(reviewee_id)
    for group in groups.values():
        group.people = len(people[group.group])
        group.enough = group.people >= minimum and group.texts > 0
    _compare(list(groups.values()))
    ordered = sorted(
        reviewers.values(),
        key=lambda r: (r.texts < minimum, -r.share("personality"), r.name, r.reviewer_id),
    )
    return LanguageReport(
        cycle=cycle,
        attribute=attribute,
        kind=kind,
        minimum=minimum,
        texts=texts,
        totals=totals,
        reviewers=ordered,
        groups=list(groups.values()),
    )


def _compare(groups: list[GroupLanguage]) -> None:
    """Mark the reference (lowest share among disclosed groups with enough
    people) and test every other such group against it."""
    candidates = [g for g in groups if g.enough and g.group != UNDISCLOSED]
    if len(candidates) < 2:
        return
    reference = min(candidates, key=lambda g: (g.personality / g.texts, -g.texts))
    reference.reference = True
    for group in candidates:
        if group is reference:
            continue
        z_test = stats.two_proportion_z(
            group.personality, group.texts, reference.personality, reference.texts
        )
        group.z, group.p_z = z_test.z, z_test.p_value
        group.p_fisher = stats.fisher_exact_p(
            group.personality,
            group.texts - group.personality,
            reference.personality,
            reference.texts - reference.personality,
        )
        group.flagged = group.p_fisher < SIGNIFICANCE


# --- tables (page, CSV and XLSX alike) -----------------------------------------------------


def language_tables(report: LanguageReport) -> list[Table]:
    return [_groups_table(report), _reviewers_table(report), _totals_table(report)]


def _groups_table(report: LanguageReport) -> Table:
    rows: list[list[object]] = []
    for g in report.groups:
        if not g.enough:
            rows.append([g.label, *[NOT_ENOUGH] * 8])
            continue
        if g.reference:
            verdict = "reference group"
        elif g.p_fisher is None:
            verdict = "not compared"
        else:
            verdict = "yes" if g.flagged else "no"
        rows.append(
            [
                g.label,
                g.people,
                g.texts,
                g.personality,
                rounded(g.share),
                None if g.z is None else round(g.z, 3),
                _p(g.p_z),
                _p(g.p_fisher),
                verdict,
            ]
        )
    chart = Chart(
        kind="bar",
        labels=[g.label for g in report.groups],
        series=[
            Series(
                "Texts with personality criticism (%)",
                [rounded(g.share) if g.enough else None for g in report.groups],
            )
        ],
        y_title="% of texts received",
    )
    reference = report.reference
    return Table(
        key="groups",
        title=f"Personality criticism received, by {report.attribute.label.lower()}",
        header=[
            report.attribute.label,
            "People",
            "Texts received",
            "With personality criticism",
            "Share (%)",
            "Z",
            "p (Z-test)",
            "p (Fisher's exact)",
            "Significant",
        ],
        rows=rows,
        note=(
            f"Compared with {reference.label}, the group with the lowest share"
            if reference
            else "No comparison: fewer than two disclosed groups have enough people"
        )
        + f"; significant when Fisher's exact p < {SIGNIFICANCE}. Groups with fewer than "
        f"{report.minimum} people show no numbers; 'Not disclosed' is never compared. Texts "
        "by the same reviewer are not independent: treat a significant result as a reason "
        "to read further, not as proof.",
        chart=chart,
        empty="No submitted text answers in this cycle.",
    )


def _p(value: float | None) -> float | None:
    """A p-value to four significant digits (tiny ones stay non-zero)."""
    return None if value is None else float(f"{value:.4g}")


def _reviewers_table(report: LanguageReport) -> Table:
    rows: list[list[object]] = [
        [
            r.name,
            r.texts,
            *[suppressed(rounded(r.share(c)), r.texts, report.minimum) for c in CATEGORIES],
        ]
        for r in report.reviewers
    ]
    return Table(
        key="reviewers",
        title="Per reviewer",
        header=["Reviewer", "Texts written", *[f"{CATEGORY_LABELS[c]} (%)" for c in CATEGORIES]],
        rows=rows,
        note=(
            "Share of each reviewer's texts with at least one flag of the kind. Reviewers "
            f"with fewer than {report.minimum} texts show no shares."
        ),
        empty="No submitted text answers in this cycle.",
    )


def _totals_table(report: LanguageReport) -> Table:
    rows: list[list[object]] = [
        [
            CATEGORY_LABELS[c],
            suppressed(report.totals[c], report.texts, report.minimum),
            suppressed(
                rounded(100 * report.totals[c] / report.texts) if report.texts else None,
                report.texts,
                report.minimum,
            ),
        ]
        for c in CATEGORIES
    ]
    return Table(
        key="totals",
        title="All texts in the cycle",
        header=["Flag", "Texts", "Share of texts (%)"],
        rows=rows if report.texts else [],
        note=f"{report.texts} texts checked.",
        empty="No submitted text answers in this cycle.",
    )


# --- for the executive summary --------------------------------------------------------------


def language_themes(user: User, *, cycle: Cycle) -> dict[str, int]:
    """Texts flagged per category among the cycle's submitted manager,
    peer and upward answers about the people `user`'s insights cover:
    keys "texts", "people", "personality", "vague", "gender_coded". Empty
    when the viewer has no insights or fewer than `min_group_size()`
    people are covered (show "not enough data")."""
    scope = scope_for(user)
    if scope is None:
        return {}
    rows = (
        Answer.objects.filter(
            scope.employee_q("assignment__reviewee__"),
            assignment__cycle=cycle,
            assignment__status=AssignmentStatus.SUBMITTED,
            assignment__kind__in=OTHERS,
        )
        .exclude(text="")
        .values_list("text", "assignment__reviewee_id")
    )
    counts: dict[str, int] = {"texts": 0, "people": 0, **dict.fromkeys(CATEGORIES, 0)}
    people: set[int] = set()
    seen: dict[str, frozenset[Category]] = {}
    for text, reviewee_id in rows.iterator(chunk_size=5000):
        if not text.strip():
            continue
        found = seen.get(text)
        if found is None:
            found = seen[text] = categories_of(text)
        counts["texts"] += 1
        people.add(reviewee_id)
        for category in found:
            counts[category] += 1
    counts["people"] = len(people)
    return counts if counts["people"] >= min_group_size() else {}
