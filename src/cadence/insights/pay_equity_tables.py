"""The pay-equity page's tables (and so its CSV/XLSX downloads): the gap
per group with its chart, what the model controls for, who was left out,
and the model itself. A group under the minimum size is "not enough data"
in every cell, here as on the page and in the API."""

from __future__ import annotations

import math

from cadence.insights.access import NOT_ENOUGH
from cadence.insights.pay_equity import FactorTerm, GroupGap, PayEquity
from cadence.insights.tables import Chart, Series, Table, rounded

REFERENCE = "reference group"
NOT_ESTIMABLE = "cannot be estimated"


def percent(fraction: float | None) -> float | None:
    """A fraction (or a natural-log difference) times 100, to 2 places;
    never "-0"."""
    return None if fraction is None else round(fraction * 100, 2) + 0.0


def p_text(p: float | None) -> str | None:
    """A p-value as text with enough digits to compare with 0.05."""
    if p is None:
        return None
    return "< 0.0001" if p < 0.0001 else f"{p:.4f}"


def _gap_row(group: GroupGap, model_fitted: bool) -> list[object]:
    if not group.enough_data:
        return [group.label, *[NOT_ENOUGH] * 7]
    head = [group.label, group.n, rounded(group.mean_salary, 0)]
    if group.is_reference:
        return [*head, REFERENCE, REFERENCE, None, None, None]
    if not model_fitted:
        return [*head, percent(group.raw_gap), NOT_ENOUGH, NOT_ENOUGH, NOT_ENOUGH, NOT_ENOUGH]
    if not group.estimable:
        return [*head, percent(group.raw_gap), NOT_ESTIMABLE, None, None, None]
    return [
        *head,
        percent(group.raw_gap),
        percent(group.adjusted_gap),
        percent(group.ci_low),
        percent(group.ci_high),
        p_text(group.p_value),
    ]


def gaps_table(result: PayEquity) -> Table:
    attribute = result.options.attribute
    fitted = result.model is not None
    shown = [g for g in result.groups if g.enough_data and not g.is_reference]
    chart = (
        Chart(
            kind="bar",
            labels=[g.label for g in shown],
            series=[
                Series("Raw gap (%)", [percent(g.raw_gap) for g in shown]),
                Series(
                    "Adjusted gap (%)",
                    [percent(g.adjusted_gap) if fitted else None for g in shown],
                ),
            ],
            y_title="% compared with the reference group",
        )
        if shown and result.reference
        else None
    )
    reference = attribute.group_label(result.reference) if result.reference else "none"
    return Table(
        key="gaps",
        title=f"Pay gap by {attribute.label.lower()}",
        header=[
            "Group",
            "People",
            f"Mean salary ({result.currency})",
            "Raw gap (%)",
            "Adjusted gap (%)",
            "95% CI low (%)",
            "95% CI high (%)",
            "p-value",
        ],
        rows=[] if result.empty else [_gap_row(g, fitted) for g in result.groups],
        note=(
            f"Compared with {reference}. Negative: paid less than the reference group. "
            "The raw gap compares typical (geometric mean) pay; the adjusted gap compares "
            "people of the same job level, family, location and tenure"
            + (" and rating" if result.options.control_rating else "")
            + "."
        ),
        chart=chart,
        empty="Nobody has a salary recorded yet.",
    )


def _term_row(term: FactorTerm) -> list[object]:
    head: list[object] = [term.factor, term.term, term.n]
    if term.is_reference:
        return [*head, "reference", None, None, None, None, None]
    if not term.enough_data:
        return [*head, *[NOT_ENOUGH] * 6]
    if term.dropped:
        return [*head, f"dropped: {term.dropped}", None, None, None, None, None]
    if term.coefficient is None:
        return [*head, *[NOT_ENOUGH] * 6]
    return [
        *head,
        percent(term.coefficient),
        percent(term.effect),
        percent(term.se),
        percent(None if term.ci_low is None else math.expm1(term.ci_low)),
        percent(None if term.ci_high is None else math.expm1(term.ci_high)),
        p_text(term.p_value),
    ]


def factors_table(result: PayEquity) -> Table:
    return Table(
        key="factors",
        title="What the model controls for",
        header=[
            "Factor",
            "Value",
            "People",
            "Coefficient (log points)",
            "Effect on pay (%)",
            "Standard error (log points)",
            "95% CI low (%)",
            "95% CI high (%)",
            "p-value",
        ],
        rows=[_term_row(t) for t in result.terms] if result.model else [],
        note=(
            "Each value is compared with its factor's most common value (the reference); "
            "tenure and rating are per year and per point. A log point is 0.01 of log salary "
            "(about 1% for small values); the effect on pay is exp(coefficient) − 1. Values "
            "held by fewer people than the minimum group size stay in the model but their "
            "numbers are not shown."
        ),
        empty=result.message or "No model to show.",
    )


def left_out_table(result: PayEquity) -> Table:
    rows: list[list[object]] = [[reason, count] for reason, count in result.left_out]
    if rows:
        rows.append(["Left out in all", result.left_out_total])
    return Table(
        key="left-out",
        title="Who was left out",
        header=["Reason", "People"],
        rows=rows,
        note=(
            f"Of {result.population} active and on-leave employees, {result.analysed} are "
            "in the analysis, including the people of groups too small to show (they stay "
            "in the model; only their numbers are hidden). Each person left out is counted "
            "once, for the first reason."
        ),
        empty="Nobody was left out.",
    )


def model_table(result: PayEquity) -> Table:
    model = result.model
    rows: list[list[object]] = []
    if model is not None:
        rows = [
            ["Currency analysed", result.currency],
            ["People in the model", model.n],
            ["Parameters estimated", model.parameters],
            ["Residual degrees of freedom", model.df_resid],
            ["R²", rounded(model.r_squared, 4)],
            ["Adjusted R²", rounded(model.adj_r_squared, 4)],
            ["Residual standard error (log points)", percent(model.residual_se)],
            ["Factors controlled for", ", ".join(model.factors) or "none"],
            ["Factors not used", "; ".join(model.unused) or "none"],
            ["Dropped from the model", "; ".join(model.dropped) or "none"],
        ]
    return Table(
        key="model",
        title="The model",
        header=["Measure", "Value"],
        rows=rows,
        note=(
            "Least squares regression of log salary on the factors and the groups "
            f"(date of tenure: {result.as_of.isoformat()})."
        ),
        empty=result.message or "No model to show.",
    )


def pay_equity_tables(result: PayEquity) -> list[Table]:
    """Every table of the page, in page order (also for the workbook)."""
    return [gaps_table(result), factors_table(result), left_out_table(result), model_table(result)]
