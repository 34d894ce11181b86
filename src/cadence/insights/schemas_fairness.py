"""What /api/v1/insights/adverse-impact takes and gives. A group with fewer
people than the minimum group size has `enough_data: false` and null for
every number, its count included."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema

from cadence.api.fields import Id
from cadence.insights.adverse_impact import PENDING_OUTCOMES, AdverseImpact, GroupImpact
from cadence.insights.schemas_common import InsightCycleOut, InsightLevelOut, insight_cycle

OutcomeKey = Literal["top", "at_or_above", "high_potential", "pip_opened"]
AttributeKey = Literal["sex", "race_ethnicity", "age_band", "disability", "veteran_status"]
StageKey = Literal["before", "after"]


class AdverseImpactQuery(Schema):
    cycle: Id | None = Field(
        None, description="A review cycle id; default the newest cycle with results."
    )
    outcome: OutcomeKey = Field(
        "top",
        description=(
            "top: the scale's highest level; at_or_above: at or above `level`; "
            "high_potential: marked high potential in calibration; pip_opened: an "
            "improvement plan opened during the cycle (an adverse outcome)."
        ),
    )
    attribute: AttributeKey = Field("sex", description="The protected attribute to group by.")
    stage: StageKey = Field(
        "after",
        description="before: manager's rating, else computed; after: the final rating.",
    )
    level: Id | None = Field(
        None,
        description="For at_or_above: a rating level id of the cycle's scale "
        "(default the second-highest). Ignored for other outcomes.",
    )


class GroupOut(Schema):
    group: str = Field(description="The attribute's value; 'undisclosed' for Not disclosed.")
    label: str
    enough_data: bool
    undisclosed: bool = Field(description="Not disclosed: shown, never compared or flagged.")
    reference: bool = Field(description="The group the others are compared with.")
    count: int | None
    selected: int | None = Field(description="People with the outcome.")
    rate: float | None = Field(description="selected / count.")
    compared_rate: float | None = Field(
        description="The favourable rate the ratio is taken on (for pip_opened: no plan)."
    )
    impact_ratio: float | None
    impact_ratio_exact: str | None = Field(description="The impact ratio as a fraction, e.g. 3/4.")
    below_four_fifths: bool | None
    z: float | None = Field(description="Pooled two-proportion Z; negative: below the reference.")
    z_p_value: float | None = Field(description="Two-sided.")
    fisher_p_value: float | None = Field(description="Fisher's exact test, two-sided.")
    expected: float | None = Field(
        description="count × the pooled rate of this group and the reference."
    )
    shortfall: float | None = Field(description="expected minus actual.")
    flagged: bool | None = Field(description="Impact ratio below 4/5 and Fisher's p below 0.05.")


class AdverseImpactOut(Schema):
    cycle: InsightCycleOut | None
    outcome: str
    outcome_label: str
    adverse_outcome: bool = Field(
        description="True for pip_opened: the ratio is taken on not having the outcome."
    )
    attribute: str
    attribute_label: str
    stage: str
    stage_label: str
    level: InsightLevelOut | None = Field(
        description="The level counted from (top or at_or_above)."
    )
    people: int = Field(
        description="People in the groups with enough data (a total over every group "
        "would give away a small group's count)."
    )
    has_results: bool = Field(description="Anyone at all was counted.")
    min_group_size: int
    four_fifths_line: float | None = Field(description="4/5 of the reference's compared rate.")
    groups: list[GroupOut]
    pending_outcomes: list[str] = Field(
        description="Outcomes that arrive with modules not built yet."
    )


def _group_out(group: GroupImpact) -> dict[str, Any]:
    compared = group.fisher_p_value is not None
    ratio = group.impact_ratio
    return {
        "group": group.key,
        "label": group.label,
        "enough_data": group.enough_data,
        "undisclosed": group.undisclosed,
        "reference": group.is_reference,
        "count": group.count,
        "selected": group.selected,
        "rate": group.rate,
        "compared_rate": group.compared_rate,
        "impact_ratio": float(ratio) if ratio is not None else None,
        "impact_ratio_exact": f"{ratio.numerator}/{ratio.denominator}"
        if ratio is not None
        else None,
        "below_four_fifths": group.below_four_fifths if compared else None,
        "z": group.z,
        "z_p_value": group.z_p_value,
        "fisher_p_value": group.fisher_p_value,
        "expected": group.expected,
        "shortfall": group.shortfall,
        "flagged": group.flagged if compared else None,
    }


def adverse_impact_out(report: AdverseImpact) -> dict[str, Any]:
    level = report.level
    return {
        "cycle": insight_cycle(report.cycle),
        "outcome": report.outcome.key,
        "outcome_label": report.outcome.label,
        "adverse_outcome": report.outcome.adverse,
        "attribute": report.attribute.key,
        "attribute_label": report.attribute.label,
        "stage": report.stage,
        "stage_label": report.stage_label,
        "level": (
            {"id": level.pk, "label": level.label, "value": float(level.value)} if level else None
        ),
        "people": report.people,
        "has_results": report.has_results,
        "min_group_size": report.min_group_size,
        "four_fifths_line": report.four_fifths_line,
        "groups": [_group_out(g) for g in report.groups],
        "pending_outcomes": [f"{label} ({why})" for label, why in PENDING_OUTCOMES],
    }
