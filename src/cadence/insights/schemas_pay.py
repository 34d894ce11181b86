"""What /api/v1/insights/pay-equity gives. Gaps are fractions (-0.05: paid
5% less than the reference group); a group with fewer than the minimum
group size has `enough_data: false` and null for every number, its count
included."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from cadence.insights.access import min_group_size
from cadence.insights.pay_equity import FactorTerm, GroupGap, PayEquity
from cadence.insights.schemas_common import InsightCycleOut, insight_cycle


class CurrencyOut(Schema):
    currency: str
    people: int = Field(description="Active and on-leave people paid in this currency.")


class GroupGapOut(Schema):
    key: str
    label: str
    is_reference: bool
    undisclosed: bool = Field(description="Nothing recorded or 'prefer not to say'.")
    enough_data: bool
    n: int | None
    mean_salary: float | None = Field(description="Arithmetic mean, in the analysed currency.")
    raw_gap: float | None = Field(
        description="exp(mean log salary of the group − that of the reference) − 1."
    )
    adjusted_gap: float | None = Field(description="exp(coefficient) − 1 given the factors.")
    ci_low: float | None = Field(description="Lower end of the 95% interval of the adjusted gap.")
    ci_high: float | None
    p_value: float | None = Field(description="Two-sided t-test of no adjusted gap.")
    coefficient: float | None = Field(description="The group's coefficient, in log points.")
    se: float | None
    estimable: bool = Field(description="False when the model cannot separate the group.")
    note: str = ""


class TermOut(Schema):
    factor: str
    term: str
    n: int | None
    is_reference: bool
    enough_data: bool
    coefficient: float | None = Field(description="In log points; null when not shown.")
    se: float | None
    t: float | None
    p_value: float | None
    ci_low: float | None
    ci_high: float | None
    dropped: str = Field(description="Why the model could not use this column, if it could not.")


class ModelOut(Schema):
    method: str = "Ordinary least squares of log(salary); classical standard errors"
    n: int
    parameters: int
    df_resid: int
    r_squared: float | None
    adj_r_squared: float | None
    residual_se: float
    confidence: float = 0.95
    factors: list[str]
    unused: list[str]
    dropped: list[str]


class LeftOutOut(Schema):
    reason: str
    people: int


class PayEquityOut(Schema):
    attribute: str
    attribute_label: str
    currency: str | None = Field(
        description="The currency analysed; null when nobody has a salary."
    )
    currencies: list[CurrencyOut]
    reference: str | None = Field(description="The comparison group's key.")
    control_rating: bool
    cycle: InsightCycleOut | None = Field(description="Whose final rating is controlled for.")
    as_of: str = Field(description="Tenure is counted to this date.")
    min_group_size: int
    population: int = Field(description="Active and on-leave employees.")
    analysed: int
    enough_data: bool = Field(description="False when no model could be fitted.")
    message: str
    model: ModelOut | None
    groups: list[GroupGapOut]
    coefficients: list[TermOut]
    left_out: list[LeftOutOut]
    left_out_total: int
    warnings: list[str]


def _group(g: GroupGap) -> dict[str, Any]:
    return {
        "key": g.key,
        "label": g.label,
        "is_reference": g.is_reference,
        "undisclosed": g.undisclosed,
        "enough_data": g.enough_data,
        "n": g.n,
        "mean_salary": None if g.mean_salary is None else round(g.mean_salary, 2),
        "raw_gap": g.raw_gap,
        "adjusted_gap": g.adjusted_gap,
        "ci_low": g.ci_low,
        "ci_high": g.ci_high,
        "p_value": g.p_value,
        "coefficient": g.coefficient,
        "se": g.se,
        "estimable": g.estimable,
        "note": g.note,
    }


def _term(t: FactorTerm) -> dict[str, Any]:
    return {
        "factor": t.factor,
        "term": t.term,
        "n": t.n,
        "is_reference": t.is_reference,
        "enough_data": t.enough_data,
        "coefficient": t.coefficient,
        "se": t.se,
        "t": t.t,
        "p_value": t.p_value,
        "ci_low": t.ci_low,
        "ci_high": t.ci_high,
        "dropped": t.dropped,
    }


def pay_equity_out(result: PayEquity) -> dict[str, Any]:
    options = result.options
    model = result.model
    return {
        "attribute": options.attribute.key,
        "attribute_label": options.attribute.label,
        "currency": result.currency,
        "currencies": [{"currency": c, "people": n} for c, n in result.currencies],
        "reference": result.reference,
        "control_rating": options.control_rating,
        "cycle": (
            insight_cycle(options.cycle)
            if options.cycle is not None and options.control_rating
            else None
        ),
        "as_of": result.as_of.isoformat(),
        "min_group_size": min_group_size(),
        "population": result.population,
        "analysed": result.analysed,
        "enough_data": model is not None,
        "message": result.message,
        "model": (
            {
                "n": model.n,
                "parameters": model.parameters,
                "df_resid": model.df_resid,
                "r_squared": model.r_squared,
                "adj_r_squared": model.adj_r_squared,
                "residual_se": model.residual_se,
                "factors": model.factors,
                "unused": model.unused,
                "dropped": model.dropped,
            }
            if model is not None
            else None
        ),
        "groups": [_group(g) for g in result.groups],
        "coefficients": [_term(t) for t in result.terms] if model is not None else [],
        "left_out": [{"reason": r, "people": n} for r, n in result.left_out],
        "left_out_total": result.left_out_total,
        "warnings": list(result.warnings),
    }
