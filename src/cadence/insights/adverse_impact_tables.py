"""The adverse-impact page's tables (and their CSV/XLSX downloads): the
groups of the chosen stage with a chart of their rates against four-fifths
of the highest, and the same outcome before and after calibration side by
side. A group without enough data shows "not enough data" in every cell,
its count included. Numbers are Decimals so that the page, the CSV and the
XLSX show the same digits (p-values to 4 decimals, or 3 significant digits
when smaller than 0.001)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from cadence.insights.access import NOT_ENOUGH
from cadence.insights.adverse_impact import AdverseImpact, GroupImpact
from cadence.insights.adverse_impact_summary import SummaryLine
from cadence.insights.tables import Chart, Series, Table

IMPACT_HEADER = [
    "Group",
    "People",
    "With the outcome",
    "Rate (%)",
    "Impact ratio",
    "Below four-fifths",
    "Z",
    "p (Z-test)",
    "p (Fisher's exact)",
    "Expected",
    "Shortfall",
    "Adverse impact",
]


def _decimal(value: float | Fraction | None, places: int) -> Decimal | None:
    if value is None:
        return None
    exact = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else Decimal(repr(value))
    )
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def p_value(value: float | None) -> Decimal | None:
    """4 decimals, or 3 significant digits below 0.001 (never shown as 0)."""
    if value is None:
        return None
    if 0 < value < 0.001:
        return Decimal(f"{value:.3g}")
    return _decimal(value, 4)


def percent(value: float | None) -> Decimal | None:
    return None if value is None else _decimal(value * 100, 1)


def verdict(group: GroupImpact) -> str:
    if group.undisclosed:
        return "not compared (not disclosed)"
    if group.is_reference:
        return "reference group"
    if group.fisher_p_value is None:
        return "not compared"
    return "yes" if group.flagged else "no"


def impact_row(group: GroupImpact) -> list[Any]:
    if not group.enough_data:
        return [group.label] + [NOT_ENOUGH] * (len(IMPACT_HEADER) - 1)
    compared = group.fisher_p_value is not None
    return [
        group.label,
        group.count,
        group.selected,
        percent(group.rate),
        _decimal(group.impact_ratio, 3),
        ("yes" if group.below_four_fifths else "no") if compared else None,
        _decimal(group.z, 3),
        p_value(group.z_p_value),
        p_value(group.fisher_p_value),
        _decimal(group.expected, 1),
        _decimal(group.shortfall, 1),
        verdict(group),
    ]


def impact_table(report: AdverseImpact) -> Table:
    """The groups of one stage, with the chart of the compared rate."""
    outcome = report.outcome
    line = report.four_fifths_line
    shown = [g for g in report.groups]
    chart = Chart(
        kind="bar",
        labels=[g.label for g in shown],
        series=[
            Series(
                f"{outcome.favourable_label} (%)",
                [float(percent(g.compared_rate) or 0) if g.enough_data else None for g in shown],
            ),
            Series(
                "Four-fifths of the highest rate (%)",
                [float(percent(line) or 0) if line is not None else None for _ in shown],
            ),
        ],
        y_title="%",
    )
    compared_text = (
        "The rate compared is that of having no improvement plan opened (the favourable "
        "outcome); the shortfall is the plans above those expected. "
        if outcome.adverse
        else ""
    )
    return Table(
        key="adverse-impact",
        title=f"{outcome.label} by {report.attribute.label.lower()}, {report.stage_label.lower()}",
        header=list(IMPACT_HEADER),
        rows=[impact_row(g) for g in report.groups],
        note=(
            f"{compared_text}Each group is compared with the reference group (the highest rate "
            "among groups with enough data). Expected = the group's people × the pooled rate of "
            "the group and the reference group; shortfall = expected minus actual. Adverse "
            "impact is indicated when the impact ratio is below 4/5 and Fisher's p is below 0.05."
        ),
        chart=chart if any(g.enough_data for g in shown) else None,
        empty="Nobody in this cycle has a result for this outcome yet.",
    )


def comparison_table(stages: dict[str, AdverseImpact]) -> Table:
    """The same outcome and attribute before and after calibration."""
    before, after = stages["before"], stages["after"]
    labels = [g.label for g in before.groups] + [
        g.label for g in after.groups if g.label not in {b.label for b in before.groups}
    ]

    def cells(report: AdverseImpact, label: str) -> list[Any]:
        group = next((g for g in report.groups if g.label == label), None)
        if group is None:
            return [None, None, None, None]
        if not group.enough_data:
            return [NOT_ENOUGH] * 4
        return [
            group.count,
            percent(group.rate),
            _decimal(group.impact_ratio, 3),
            verdict(group),
        ]

    return Table(
        key="before-after",
        title="Before and after calibration",
        header=[
            "Group",
            "People before",
            "Rate before (%)",
            "Impact ratio before",
            "Adverse impact before",
            "People after",
            "Rate after (%)",
            "Impact ratio after",
            "Adverse impact after",
        ],
        rows=[[label, *cells(before, label), *cells(after, label)] for label in labels],
        note=(
            "Before calibration: the manager's rating, else the computed one. After: the final "
            "rating (calibrated, else manager, else computed). Each stage counts the people "
            "rated at that stage and has its own reference group."
        ),
        chart=Chart(
            kind="bar",
            labels=labels,
            series=[
                Series(
                    f"{stage.stage_label} (%)",
                    [_chart_rate(stage, label) for label in labels],
                )
                for stage in (before, after)
            ],
            y_title=f"{before.outcome.label} (%)",
        ),
        empty="Nobody in this cycle has a rating yet.",
    )


def _chart_rate(report: AdverseImpact, label: str) -> float | None:
    group = next((g for g in report.groups if g.label == label), None)
    if group is None or not group.enough_data:
        return None
    return float(percent(group.rate) or 0)


def summary_table(lines: list[SummaryLine]) -> Table:
    """`adverse_impact_summary` as one table (for the executive summary):
    per attribute and stage, the reference group and the groups flagged
    for the top rating, with their impact ratio and Fisher's p."""
    rows: list[list[Any]] = []
    for line in lines:
        if not line.compared:
            flagged = "not enough data to compare"
        elif not line.flagged:
            flagged = "none"
        else:
            flagged = "; ".join(
                f"{g.label} (ratio {_decimal(g.impact_ratio, 2)}, "
                f"Fisher p {p_value(g.fisher_p_value)})"
                for g in line.flagged
            )
        rows.append([line.attribute_label, line.stage_label, line.people, line.reference, flagged])
    return Table(
        key="adverse-impact-summary",
        title="Adverse impact of the top rating",
        header=["Attribute", "Stage", "People", "Reference group", "Groups flagged"],
        rows=rows,
        note=(
            "Flagged: the group's top-rating rate is below four-fifths of the reference "
            "group's (29 CFR 1607.4(D)) and Fisher's exact test gives p < 0.05. People: in "
            "groups with enough data. A screening signal, not a legal finding."
        ),
    )
