"""The adverse-impact summary for the executive summary of a cycle: for
each protected attribute, before and after calibration, the groups flagged
for the top rating (impact ratio below 4/5 and Fisher's p below 0.05), as a
small list of dataclasses. `adverse_impact_tables.summary_table` turns it
into one Table for the PDF. HR admins only; reads every protected attribute
in aggregate, so the caller writes one `log_aggregate_read` for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cadence.insights.access import require_hr_admin
from cadence.insights.adverse_impact import (
    OUTCOMES,
    STAGES,
    reports_for,
    scale_levels,
    threshold_level,
)
from cadence.insights.attributes import ATTRIBUTES

if TYPE_CHECKING:
    from cadence.core.models import User
    from cadence.reviews.models import Cycle


@dataclass(frozen=True)
class FlaggedGroup:
    label: str
    rate: float
    impact_ratio: float
    fisher_p_value: float


@dataclass(frozen=True)
class SummaryLine:
    """For the executive summary: one attribute at one stage, outcome top
    rating. `compared` is False when no group had enough data to be the
    reference (nothing could be said); `flagged` lists the groups whose
    top-rating rate is below four-fifths of the reference's with Fisher's
    p < 0.05."""

    attribute: str
    attribute_label: str
    stage: str
    stage_label: str
    people: int  # in the groups with enough data
    reference: str | None  # the reference group's label
    compared: bool
    flagged: list[FlaggedGroup]


def adverse_impact_summary(user: User, *, cycle: Cycle) -> list[SummaryLine]:
    """The adverse impact of the top rating on every protected attribute,
    before and after calibration (attributes in ATTRIBUTES order, "before"
    first): one counting query per attribute. HR admins only."""
    scope = require_hr_admin(user)
    levels = scale_levels(cycle)
    top = OUTCOMES["top"]
    lines: list[SummaryLine] = []
    for attribute in ATTRIBUTES.values():
        stages = reports_for(
            user,
            scope,
            cycle=cycle,
            outcome=top,
            attribute=attribute,
            threshold=threshold_level(top, levels, None),
            levels=levels,
        )
        for stage, report in stages.items():
            reference = report.reference
            lines.append(
                SummaryLine(
                    attribute=attribute.key,
                    attribute_label=report.attribute.label,
                    stage=stage,
                    stage_label=STAGES[stage],
                    people=report.people,
                    reference=reference.label if reference else None,
                    compared=reference is not None,
                    flagged=[
                        FlaggedGroup(
                            label=g.label,
                            rate=g.rate or 0.0,
                            impact_ratio=float(g.impact_ratio or 0),
                            fisher_p_value=g.fisher_p_value or 0.0,
                        )
                        for g in report.flagged
                    ],
                )
            )
    return lines
