"""Adverse impact of an outcome of a review cycle on the groups of a protected
attribute (HR admins only): per group the people counted, how many had the
outcome, the rate, the impact ratio of the four-fifths rule (29 CFR
1607.4(D)) against the group with the highest rate, the pooled two-proportion
Z-test and Fisher's exact test against that group, and the shortfall.

Outcomes:
- `top`: the rating at the stage is the scale's highest level;
- `at_or_above`: at or above a chosen level of the cycle's scale (default the
  second-highest);
- `high_potential`: a calibration entry of the cycle marks the person high
  potential;
- `pip_opened`: an improvement plan was opened for the person (activated, so
  not a draft) between the cycle's launch and its release (the first result
  released), or now while nothing is released. A plan is an adverse outcome:
  the four-fifths rule is applied to the favourable outcome, "no plan
  opened", as the Uniform Guidelines apply it to selection (the
  significance tests are the same either way round), so the group compared
  against is the one with the fewest plans and the shortfall is the number
  of plans above what was expected.

Stages: `before` calibration is the manager's rating, else the computed
one; `after` is the final rating (calibrated, else manager, else computed).
For the rating outcomes the people counted are those with a rating at that
stage; for high potential and plans, everyone with a result in the cycle
(the stage changes nothing for them).

Counting is one GROUP BY query on the attribute (conditional counts for both
stages at once), from `ReviewResult.visible_to` and the insights scope.
Groups: the attribute's values, with blank and "prefer not to say" as one
"Not disclosed" group that is shown but never compared or flagged. A group of
fewer than `min_group_size()` people is "not enough data": none of its
numbers (not even the count) leave this module, and it is never the
reference. A group is flagged when its impact ratio is below 4/5 and
Fisher's p-value is below 0.05.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Now

from cadence.insights.access import enough, min_group_size, require_hr_admin
from cadence.insights.attributes import ATTRIBUTES, UNDISCLOSED, Attribute
from cadence.insights.stats import FOUR_FIFTHS, fisher_exact_p, impact_ratio, two_proportion_z
from cadence.reviews.models import Cycle, RatingLevel, ReviewResult

if TYPE_CHECKING:
    from cadence.core.models import User
    from cadence.insights.access import InsightScope

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Outcome:
    key: str  # the ?outcome= value
    label: str
    adverse: bool = False  # the outcome is bad for the person (a plan opened)
    rated: bool = True  # counted among people rated at the stage

    @property
    def favourable_label(self) -> str:
        return "No improvement plan opened" if self.adverse else self.label


OUTCOMES: dict[str, Outcome] = {
    outcome.key: outcome
    for outcome in (
        Outcome("top", "Top rating"),
        Outcome("at_or_above", "At or above a level"),
        Outcome("high_potential", "High potential", rated=False),
        Outcome("pip_opened", "Improvement plan opened", adverse=True, rated=False),
    )
}
# Outcomes the issue names that need a module not built yet: listed on the
# page (no choice), never computed from something else.
PENDING_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("Above-guideline merit increase", "arrives with the compensation module"),
)
DEFAULT_OUTCOME = "top"

STAGES: dict[str, str] = {
    "before": "Before calibration",
    "after": "After calibration (final)",
}
DEFAULT_STAGE = "after"


class BadParameter(ValueError):
    """A request named an outcome, attribute, stage or level that does not
    exist (page: 400; API: 422 with the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class GroupImpact:
    """One group. When `enough_data` is False every number is None (the
    count too): the group is "not enough data" wherever it is shown."""

    key: str
    label: str
    enough_data: bool
    undisclosed: bool
    is_reference: bool
    count: int | None
    selected: int | None  # people with the outcome (for plans: with a plan)
    rate: float | None  # selected / count
    compared_rate: float | None  # the favourable rate the ratio is taken on
    impact_ratio: Fraction | None  # compared_rate / the reference's, exactly
    z: float | None  # < 0: this group's favourable rate is lower than the reference's
    z_p_value: float | None
    fisher_p_value: float | None
    expected: float | None  # favourable outcomes expected at the pooled rate
    shortfall: float | None  # expected minus actual favourable outcomes
    below_four_fifths: bool
    flagged: bool


@dataclass(frozen=True)
class AdverseImpact:
    cycle: Cycle
    outcome: Outcome
    attribute: Attribute
    stage: str
    level: RatingLevel | None  # the threshold (at_or_above) or the top level
    groups: list[GroupImpact]
    # People in the groups with enough data: the total over every group
    # would give away the count of a lone small group by subtraction.
    people: int
    has_results: bool  # anyone at all was counted (for the empty state)
    min_group_size: int

    @property
    def stage_label(self) -> str:
        return STAGES[self.stage]

    @property
    def reference(self) -> GroupImpact | None:
        return next((g for g in self.groups if g.is_reference), None)

    @property
    def flagged(self) -> list[GroupImpact]:
        return [g for g in self.groups if g.flagged]

    @property
    def four_fifths_line(self) -> float | None:
        """Four-fifths of the reference's compared rate: the rate below which
        a group's impact ratio is under 4/5."""
        reference = self.reference
        if reference is None or reference.compared_rate is None:
            return None
        return float(FOUR_FIFTHS) * reference.compared_rate


@dataclass(frozen=True)
class Counts:
    """People counted and people with the outcome, for one group and stage."""

    count: int
    selected: int


# --- parameters ---------------------------------------------------------------------------


def outcome_named(key: str | None) -> Outcome:
    outcome = OUTCOMES.get(key or DEFAULT_OUTCOME)
    if outcome is None:
        raise BadParameter("outcome", f"outcome must be one of: {', '.join(OUTCOMES)}.")
    return outcome


def attribute_called(key: str | None) -> Attribute:
    attribute = ATTRIBUTES.get(key or "sex")
    if attribute is None:
        raise BadParameter("attribute", f"attribute must be one of: {', '.join(ATTRIBUTES)}.")
    return attribute


def stage_named(key: str | None) -> str:
    stage = key or DEFAULT_STAGE
    if stage not in STAGES:
        raise BadParameter("stage", f"stage must be one of: {', '.join(STAGES)}.")
    return stage


def scale_levels(cycle: Cycle) -> list[RatingLevel]:
    """The levels of the cycle's scale, lowest first (one query)."""
    return list(
        RatingLevel.objects.filter(scale_id=cycle.template.rating_scale_id).order_by("value", "id")
    )


def threshold_level(
    outcome: Outcome, levels: Sequence[RatingLevel], level_id: int | str | None
) -> RatingLevel | None:
    """The level an outcome counts from: the highest for `top`; for
    `at_or_above` the chosen one (an id of the cycle's scale), by default the
    second-highest. None for the other outcomes or a scale without levels."""
    if outcome.key == "top":
        return levels[-1] if levels else None
    if outcome.key != "at_or_above":
        return None
    if level_id in (None, ""):
        return levels[-2] if len(levels) >= 2 else (levels[-1] if levels else None)
    found = next((lv for lv in levels if str(lv.pk) == str(level_id)), None)
    if found is None:
        raise BadParameter("level", "level must be the id of a level of the cycle's rating scale.")
    return found


# --- counting (SQL) -----------------------------------------------------------------------


def _before_q(level_ids: list[int]) -> tuple[Q, Q]:
    """(rated, at one of `level_ids`) before calibration: manager, else computed."""
    rated = Q(manager_level__isnull=False) | Q(computed_level__isnull=False)
    selected = Q(manager_level_id__in=level_ids) | Q(
        manager_level__isnull=True, computed_level_id__in=level_ids
    )
    return rated, selected


def _after_q(level_ids: list[int]) -> tuple[Q, Q]:
    """(rated, at one of `level_ids`) after calibration: calibrated, else manager, else computed."""
    rated = (
        Q(calibrated_level__isnull=False)
        | Q(manager_level__isnull=False)
        | Q(computed_level__isnull=False)
    )
    selected = (
        Q(calibrated_level_id__in=level_ids)
        | Q(calibrated_level__isnull=True, manager_level_id__in=level_ids)
        | Q(
            calibrated_level__isnull=True,
            manager_level__isnull=True,
            computed_level_id__in=level_ids,
        )
    )
    return rated, selected


def _plan_window_end(cycle: Cycle) -> Coalesce:
    """The end of the window in which a plan counts as opened during the
    cycle: the first release of one of its results, else now (in SQL, so
    no extra query). The window starts at its launch (else its creation)."""
    first_release = (
        ReviewResult.objects.filter(cycle_id=cycle.pk, released_at__isnull=False)
        .order_by()
        .values("cycle_id")
        .annotate(first=Min("released_at"))
        .values("first")[:1]
    )
    return Coalesce(Subquery(first_release), Now())


def _outcome_q(cycle: Cycle, outcome: Outcome) -> Q:
    """The condition on a result for the non-rating outcomes."""
    if outcome.key == "high_potential":
        from cadence.talent.models import CalibrationEntry, Potential

        return Q(
            Exists(
                CalibrationEntry.objects.filter(result_id=OuterRef("pk"), potential=Potential.HIGH)
            )
        )
    from cadence.development.models import ImprovementPlan, PlanState

    return Q(
        Exists(
            ImprovementPlan.objects.filter(
                employee_id=OuterRef("employee_id"),
                activated_at__gte=cycle.launched_at or cycle.created_at,
                activated_at__lt=_plan_window_end(cycle),
            ).exclude(state=PlanState.DRAFT)
        )
    )


def group_counts(
    scope: InsightScope,
    user: User,
    *,
    cycle: Cycle,
    outcome: Outcome,
    attribute: Attribute,
    level: RatingLevel | None,
    levels: Sequence[RatingLevel],
) -> dict[str, dict[str, Counts]]:
    """{stage: {group: Counts}} for both stages, from one GROUP BY query on
    the attribute. Blank and "undisclosed" are merged into one group."""
    results = (
        ReviewResult.objects.visible_to(user)
        .filter(cycle=cycle)
        .filter(scope.employee_q("employee__"))
    )
    field = f"employee__{attribute.key}"
    aggregates: dict[str, Count]
    if outcome.rated:
        ids = [lv.pk for lv in levels if level is not None and lv.value >= level.value]
        before_rated, before_selected = _before_q(ids)
        after_rated, after_selected = _after_q(ids)
        aggregates = {
            "before_count": Count("pk", filter=before_rated),
            "before_selected": Count("pk", filter=before_rated & before_selected),
            "after_count": Count("pk", filter=after_rated),
            "after_selected": Count("pk", filter=after_rated & after_selected),
        }
    else:
        aggregates = {
            "count": Count("pk"),
            "selected": Count("pk", filter=_outcome_q(cycle, outcome)),
        }
    rows = results.order_by().values(field).annotate(**aggregates)
    counted: dict[str, dict[str, list[int]]] = {stage: {} for stage in STAGES}
    for row in rows:
        group = attribute.group_of(row[field])
        for stage in STAGES:
            prefix = f"{stage}_" if outcome.rated else ""
            total = counted[stage].setdefault(group, [0, 0])
            total[0] += row[f"{prefix}count"]
            total[1] += row[f"{prefix}selected"]
    return {
        stage: {group: Counts(n, s) for group, (n, s) in groups.items() if n > 0}
        for stage, groups in counted.items()
    }


# --- the statistics -----------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A group against the reference group (all None/False when not compared)."""

    is_reference: bool = False
    impact_ratio: Fraction | None = None
    z: float | None = None
    z_p_value: float | None = None
    fisher_p_value: float | None = None
    expected: float | None = None
    shortfall: float | None = None
    below_four_fifths: bool = False
    flagged: bool = False


def compare(s: int, n: int, ref_s: int, ref_n: int) -> Comparison:
    """A group with `s` favourable outcomes of `n` against the reference's
    `ref_s` of `ref_n`: the impact ratio, the pooled Z-test and Fisher's
    exact test on [[s, n - s], [ref_s, ref_n - ref_s]], the favourable
    outcomes expected at the two groups' pooled rate and the shortfall
    (expected minus actual), and the flags."""
    ratio = impact_ratio(s, n, ref_s, ref_n)
    z_test = two_proportion_z(s, n, ref_s, ref_n)
    fisher = fisher_exact_p(s, n - s, ref_s, ref_n - ref_s)
    expected = n * (s + ref_s) / (n + ref_n)
    below = ratio is not None and ratio < FOUR_FIFTHS
    return Comparison(
        impact_ratio=ratio,
        z=z_test.z,
        z_p_value=z_test.p_value,
        fisher_p_value=fisher,
        expected=expected,
        shortfall=expected - s,
        below_four_fifths=below,
        flagged=below and fisher < SIGNIFICANCE,
    )


def compare_groups(
    attribute: Attribute, outcome: Outcome, counts: dict[str, Counts]
) -> list[GroupImpact]:
    """Every group present, in the attribute's order, compared with the
    group of the highest favourable rate among those with enough data
    (never "Not disclosed"; the first in order on a tie)."""
    order = [g for g in attribute.groups() if g in counts]

    def favourable(c: Counts) -> int:
        return c.count - c.selected if outcome.adverse else c.selected

    def exact_rate(group: str) -> Fraction:
        return Fraction(favourable(counts[group]), counts[group].count)

    eligible = [g for g in order if g != UNDISCLOSED and enough(counts[g].count)]
    reference: str | None = None
    for group in eligible:
        if reference is None or exact_rate(group) > exact_rate(reference):
            reference = group
    groups: list[GroupImpact] = []
    for group in order:
        c = counts[group]
        if not enough(c.count):
            groups.append(_group(attribute, group, None, Comparison()))
            continue
        if reference is None or group == UNDISCLOSED:
            comparison = Comparison()
        elif group == reference:
            ratio = impact_ratio(favourable(c), c.count, favourable(c), c.count)
            comparison = Comparison(is_reference=True, impact_ratio=ratio)
        else:
            ref = counts[reference]
            comparison = compare(favourable(c), c.count, favourable(ref), ref.count)
        groups.append(_group(attribute, group, (c, favourable(c)), comparison))
    return groups


def _group(
    attribute: Attribute, key: str, counted: tuple[Counts, int] | None, comparison: Comparison
) -> GroupImpact:
    """The group's row; `counted` is None for a group without enough data."""
    c, favourable = counted if counted else (None, 0)
    return GroupImpact(
        key=key,
        label=attribute.group_label(key),
        enough_data=c is not None,
        undisclosed=key == UNDISCLOSED,
        count=c.count if c else None,
        selected=c.selected if c else None,
        rate=c.selected / c.count if c else None,
        compared_rate=favourable / c.count if c else None,
        is_reference=comparison.is_reference,
        impact_ratio=comparison.impact_ratio,
        z=comparison.z,
        z_p_value=comparison.z_p_value,
        fisher_p_value=comparison.fisher_p_value,
        expected=comparison.expected,
        shortfall=comparison.shortfall,
        below_four_fifths=comparison.below_four_fifths,
        flagged=comparison.flagged,
    )


# --- the entry points ---------------------------------------------------------------------


def reports_for(
    user: User,
    scope: InsightScope,
    *,
    cycle: Cycle,
    outcome: Outcome,
    attribute: Attribute,
    threshold: RatingLevel | None,
    levels: Sequence[RatingLevel],
) -> dict[str, AdverseImpact]:
    """Both stages' reports from one counting query, for parameters already
    checked (the caller has the scope from `require_hr_admin`)."""
    counts = group_counts(
        scope,
        user,
        cycle=cycle,
        outcome=outcome,
        attribute=attribute,
        level=threshold,
        levels=levels,
    )
    return {
        stage: AdverseImpact(
            cycle=cycle,
            outcome=outcome,
            attribute=attribute,
            stage=stage,
            level=threshold,
            groups=compare_groups(attribute, outcome, counts[stage]),
            people=sum(c.count for c in counts[stage].values() if enough(c.count)),
            has_results=bool(counts[stage]),
            min_group_size=min_group_size(),
        )
        for stage in STAGES
    }


def adverse_impact_stages(
    user: User,
    *,
    cycle: Cycle,
    outcome: str | None,
    attribute: str | None,
    level: int | str | None = None,
    levels: Sequence[RatingLevel] | None = None,
) -> dict[str, AdverseImpact]:
    """{"before": …, "after": …} for one outcome and attribute, from one
    counting query. HR admins only (PermissionDenied otherwise); raises
    BadParameter for an unknown outcome, attribute or level. `levels`: the
    cycle's `scale_levels`, when the caller has them already."""
    scope = require_hr_admin(user)
    chosen_outcome = outcome_named(outcome)
    chosen_attribute = attribute_called(attribute)
    if levels is None:
        levels = scale_levels(cycle)
    return reports_for(
        user,
        scope,
        cycle=cycle,
        outcome=chosen_outcome,
        attribute=chosen_attribute,
        threshold=threshold_level(chosen_outcome, levels, level),
        levels=levels,
    )


def adverse_impact(
    user: User,
    *,
    cycle: Cycle,
    outcome: str | None,
    attribute: str | None,
    stage: str | None,
    level: int | str | None = None,
) -> AdverseImpact:
    """The adverse impact of `outcome` on the groups of `attribute` in
    `cycle` at `stage` (see the module docstring). HR admins only
    (PermissionDenied); BadParameter for an unknown outcome, attribute,
    stage or level."""
    chosen_stage = stage_named(stage)
    return adverse_impact_stages(
        user, cycle=cycle, outcome=outcome, attribute=attribute, level=level
    )[chosen_stage]
