"""Pay equity (HR admins only): is a protected group paid less than the
comparison group once the legitimate reasons for pay differences are
accounted for?

The model is ordinary least squares (regression.py) of log(salary) on
- job level, job family and location (categorical: one dummy per value
  except the most common one, the factor's reference),
- tenure in years (hire date to the analysis date),
- optionally the final rating of a chosen cycle (a number), and
- one dummy per group of the protected attribute except the reference
  group (the largest group with enough people, or the one asked for).

A group's adjusted gap is exp(b) − 1 with b its coefficient: how much less
(negative) or more its people are paid than the reference group's people
of the same level, family, location and tenure; its 95% interval is
exp(bound) − 1 and its p-value the two-sided t-test of b = 0. The raw gap
beside it is exp(mean log salary of the group − that of the reference) − 1
(the ratio of geometric means) on the same people.

One currency is analysed at a time (default: the one most people are paid
in). Only active and on-leave employees count; anyone missing a salary or a
factor is left out and counted by reason (pay_equity_data.py). A group with
fewer than `min_group_size()` people stays in the model but none of its
numbers (not even its count) leave this module, and it is never the
reference. "Not disclosed" is shown like any group, never the reference.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.utils import timezone

from cadence.insights.access import enough
from cadence.insights.attributes import UNDISCLOSED, Attribute
from cadence.insights.pay_equity_data import (
    NO_RATING,
    OTHER_CURRENCY,
    REASONS,
    PersonRow,
    currency_counts,
    read_people,
    read_ratings,
    reason_left_out,
)
from cadence.insights.pay_equity_options import RATING_WARNING, BadParameter, Options
from cadence.insights.regression import Fit, NotEnoughData, least_squares

if TYPE_CHECKING:
    from cadence.core.models import User
    from cadence.insights.access import InsightScope

DAYS_PER_YEAR = 365.25
CONFIDENCE = 0.95


@dataclass(frozen=True)
class GroupGap:
    """One group of the attribute. When `enough_data` is False every number
    is None (the count too)."""

    key: str
    label: str
    undisclosed: bool
    is_reference: bool
    enough_data: bool
    n: int | None = None
    mean_salary: float | None = None
    raw_gap: float | None = None  # fraction: -0.05 is 5% less than the reference
    adjusted_gap: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    coefficient: float | None = None  # log points
    se: float | None = None
    estimable: bool = False  # the model could separate this group from the factors
    note: str = ""


@dataclass(frozen=True)
class FactorTerm:
    """One line of the model for a legitimate factor: a value of a
    categorical factor (against the factor's reference value) or a number
    (per year of tenure, per rating point)."""

    factor: str
    term: str
    n: int | None
    is_reference: bool = False
    enough_data: bool = True
    coefficient: float | None = None
    se: float | None = None
    t: float | None = None
    p_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    dropped: str = ""  # why the model could not use it

    @property
    def effect(self) -> float | None:
        return None if self.coefficient is None else math.expm1(self.coefficient)


@dataclass(frozen=True)
class ModelSummary:
    n: int
    parameters: int
    df_resid: int
    r_squared: float | None
    adj_r_squared: float | None
    residual_se: float
    factors: list[str]  # the factors in the model
    unused: list[str]  # factors everyone shares, with why
    dropped: list[str]  # "Location: Paris (aliased ...)"


@dataclass
class PayEquity:
    options: Options
    as_of: dt.date
    population: int  # active and on-leave people in scope
    with_salary: int  # of whom with a salary in any currency
    currency: str | None
    currencies: list[tuple[str, int]]
    reference: str | None
    analysed: int = 0  # people in the model (of the analysed currency)
    groups: list[GroupGap] = field(default_factory=list)
    terms: list[FactorTerm] = field(default_factory=list)
    left_out: list[tuple[str, int]] = field(default_factory=list)
    model: ModelSummary | None = None
    message: str = ""  # why there is no model, when there is none
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.with_salary == 0

    @property
    def left_out_total(self) -> int:
        return sum(count for _, count in self.left_out)


@dataclass(frozen=True)
class _Categorical:
    label: str  # "Job level"
    prefix: str  # column prefix
    levels: list[tuple[Hashable, str, int]]  # key, label, people; the reference first
    values: list[Hashable]  # each person's key
    shown: list[Hashable]  # the keys in display order (level rank, name)


def _categorical(
    label: str,
    prefix: str,
    people: list[PersonRow],
    describe: Callable[[PersonRow], tuple[Hashable, tuple[object, ...], str]],
) -> _Categorical:
    """A factor's values in the people analysed: `describe` gives a
    person's (key, sort order, label). The most common value (ties: the
    first in order) is the reference."""
    described = [describe(p) for p in people]
    values = [key for key, _, _ in described]
    counts = Counter(values)
    order = {key: (position, text) for key, position, text in described}
    reference = min(counts, key=lambda v: (-counts[v], order[v][0]))
    rest = sorted((v for v in counts if v != reference), key=lambda v: order[v][0])
    levels = [(v, order[v][1], counts[v]) for v in [reference, *rest]]
    shown = sorted(counts, key=lambda v: order[v][0])
    return _Categorical(label, prefix, levels, values, shown)


def _level(p: PersonRow) -> tuple[Hashable, tuple[object, ...], str]:
    rank, label = p.level or (0, "")
    return label, (rank, label), label


def _family(p: PersonRow) -> tuple[Hashable, tuple[object, ...], str]:
    return p.family, (p.family or "",), p.family or ""


def _location(p: PersonRow) -> tuple[Hashable, tuple[object, ...], str]:
    code, name = p.location or ("", "")
    return code, (name, code), name


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _gap(value: float | None) -> float | None:
    return None if value is None else math.expm1(value)


def analyse(
    user: User, scope: InsightScope, options: Options, *, as_of: dt.date | None = None
) -> PayEquity:
    """The pay-equity analysis for the viewer's scope (an HR admin's is
    everyone). At most two queries: the people, and their ratings."""
    as_of = as_of or timezone.localdate()
    attribute = options.attribute
    rows = read_people(scope, attribute)
    currencies = currency_counts(rows)
    result = PayEquity(
        options=options,
        as_of=as_of,
        population=len(rows),
        with_salary=sum(count for _, count in currencies),
        currency=None,
        currencies=currencies,
        reference=None,
    )
    if result.empty:
        result.message = "Nobody in the analysis has a salary recorded yet."
        return result
    known = [code for code, _ in currencies]
    currency = options.currency or known[0]
    if currency not in known:
        raise BadParameter(
            "currency", f"Nobody is paid in {currency}. Choose one of: {', '.join(known)}."
        )
    result.currency = currency
    ratings = (
        read_ratings(user, scope, options.cycle)
        if options.control_rating and options.cycle is not None
        else None
    )
    cycle_name = options.cycle.name if options.cycle else ""

    people: list[PersonRow] = []
    reasons: Counter[str] = Counter()
    for row in rows:
        reason = reason_left_out(row, currency, ratings)
        if reason is None:
            people.append(row)
        else:
            reasons[reason] += 1
    result.left_out = [
        (f"{NO_RATING} ({cycle_name})" if reason == NO_RATING else reason, reasons[reason])
        for reason in REASONS
        if reasons[reason]
    ]
    others = [f"{code} {count}" for code, count in currencies if code != currency]
    if others:
        result.warnings.append(
            f"{reasons[OTHER_CURRENCY]} people are paid in other currencies "
            f"({', '.join(others)}): this analysis covers {currency} only."
        )
    if options.control_rating:
        result.warnings.append(RATING_WARNING)
    _fit(result, people, ratings)
    return result


def _fit(result: PayEquity, people: list[PersonRow], ratings: dict[int, float] | None) -> None:
    options = result.options
    attribute = options.attribute
    result.analysed = len(people)
    salary = np.array([float(p.salary or 0) for p in people], dtype=np.float64)
    log_salary = np.log(salary)
    group_of = np.array([attribute.group_of(p.group_value) for p in people], dtype=object)
    sizes = {g: int(np.sum(group_of == g)) for g in attribute.groups()}

    disclosed = [g for g in attribute.groups() if g != UNDISCLOSED and enough(sizes[g])]
    if options.reference is not None:
        if options.reference not in disclosed:
            label = attribute.group_label(options.reference)
            raise BadParameter("reference", f"{label} has too few people to compare against.")
        reference: str | None = options.reference
    else:
        reference = max(disclosed, key=lambda g: sizes[g], default=None)
    result.reference = reference

    factors = (
        [
            _categorical("Job level", "level", people, _level),
            _categorical("Job family", "family", people, _family),
            _categorical("Location", "location", people, _location),
        ]
        if people
        else []
    )
    tenure = np.array(
        [
            ((result.as_of - p.hire_date).days / DAYS_PER_YEAR) if p.hire_date else 0.0
            for p in people
        ],
        dtype=np.float64,
    )
    columns: list[np.ndarray] = [np.ones(len(people))]
    names: list[str] = ["Intercept"]
    labels: dict[str, str] = {}
    columns.append(tenure)
    names.append("tenure")
    labels["tenure"] = "Tenure (per year)"
    for factor in factors:
        keys = np.array(factor.values, dtype=object)
        for key, label, _ in factor.levels[1:]:
            name = f"{factor.prefix}:{key}"
            columns.append((keys == key).astype(np.float64))
            names.append(name)
            labels[name] = f"{factor.label}: {label}"
    if ratings is not None:
        columns.append(np.array([ratings[p.employee_id] for p in people], dtype=np.float64))
        names.append("rating")
        labels["rating"] = "Final rating (per point)"
    for g in attribute.groups():
        if g != reference and sizes[g] > 0:
            name = f"group:{g}"
            columns.append((group_of == g).astype(np.float64))
            names.append(name)
            labels[name] = f"{attribute.label}: {attribute.group_label(g)}"

    fit: Fit | None = None
    if reference is None:
        result.message = (
            "No group has enough people to compare against "
            "(the comparison group needs at least the minimum group size)."
        )
    else:
        try:
            fit = least_squares(log_salary, np.column_stack(columns), names, confidence=CONFIDENCE)
        except NotEnoughData as exc:
            result.message = f"Not enough data for the model: {exc}"
    if fit is not None:
        result.model = _summary(fit, factors, labels, ratings is not None)
        result.warnings.extend(f"Dropped from the model: {d}" for d in result.model.dropped)
    elif result.message:
        result.warnings.append(result.message)
    result.groups = _groups(attribute, reference, sizes, group_of, log_salary, salary, fit)
    result.warnings.extend(
        f"{g.label}: {g.note}" for g in result.groups if g.note and g.enough_data
    )
    result.terms = _terms(fit, factors, len(people), ratings is not None)


def _summary(
    fit: Fit, factors: list[_Categorical], labels: dict[str, str], rated: bool
) -> ModelSummary:
    used = ["Tenure"] if fit.position("tenure") is not None else []
    unused: list[str] = []
    for factor in factors:
        if len(factor.levels) > 1:
            used.append(factor.label)
        else:
            unused.append(f"{factor.label}: everyone analysed has the same one")
    if rated:
        used.append("Final rating")
    return ModelSummary(
        n=fit.n,
        parameters=len(fit.names),
        df_resid=fit.df_resid,
        r_squared=fit.r_squared,
        adj_r_squared=fit.adj_r_squared,
        residual_se=fit.residual_se,
        factors=used,
        unused=unused,
        dropped=[f"{labels.get(d.name, d.name)} ({d.reason})" for d in fit.dropped],
    )


def _groups(
    attribute: Attribute,
    reference: str | None,
    sizes: dict[str, int],
    group_of: np.ndarray,
    log_salary: np.ndarray,
    salary: np.ndarray,
    fit: Fit | None,
) -> list[GroupGap]:
    reference_mean = float(log_salary[group_of == reference].mean()) if reference else None
    found: list[GroupGap] = []
    for g in attribute.groups():
        label = attribute.group_label(g)
        undisclosed = g == UNDISCLOSED
        n = sizes[g]
        if not enough(n):
            found.append(GroupGap(g, label, undisclosed, False, False))
            continue
        members = group_of == g
        mean_salary = float(salary[members].mean())
        if g == reference:
            found.append(
                GroupGap(g, label, undisclosed, True, True, n, mean_salary, estimable=True)
            )
            continue
        raw = (
            _gap(float(log_salary[members].mean()) - reference_mean)
            if reference_mean is not None
            else None
        )
        at = fit.position(f"group:{g}") if fit is not None else None
        if fit is None or at is None:
            note = (
                "the adjusted gap cannot be estimated: this group's people cannot be told "
                "apart from the factors (e.g. all of them share a level or location no one "
                "else has)"
                if fit is not None
                else ""
            )
            found.append(
                GroupGap(g, label, undisclosed, False, True, n, mean_salary, raw, note=note)
            )
            continue
        found.append(
            GroupGap(
                key=g,
                label=label,
                undisclosed=undisclosed,
                is_reference=False,
                enough_data=True,
                n=n,
                mean_salary=mean_salary,
                raw_gap=raw,
                adjusted_gap=math.expm1(float(fit.coef[at])),
                ci_low=math.expm1(float(fit.ci_low[at])),
                ci_high=math.expm1(float(fit.ci_high[at])),
                p_value=_finite(float(fit.p_value[at])),
                coefficient=float(fit.coef[at]),
                se=float(fit.se[at]),
                estimable=True,
            )
        )
    return found


def _terms(fit: Fit | None, factors: list[_Categorical], n: int, rated: bool) -> list[FactorTerm]:
    def estimate(name: str, factor: str, term: str, count: int) -> FactorTerm:
        if not enough(count):
            return FactorTerm(factor, term, count, enough_data=False)
        if fit is None:
            return FactorTerm(factor, term, count)
        at = fit.position(name)
        if at is None:
            reason = next((d.reason for d in fit.dropped if d.name == name), "")
            return FactorTerm(factor, term, count, dropped=reason)
        return FactorTerm(
            factor,
            term,
            count,
            coefficient=float(fit.coef[at]),
            se=float(fit.se[at]),
            t=_finite(float(fit.t[at])),
            p_value=_finite(float(fit.p_value[at])),
            ci_low=float(fit.ci_low[at]),
            ci_high=float(fit.ci_high[at]),
        )

    terms = [estimate("tenure", "Tenure", "Per year of tenure", n)]
    for factor in factors:
        reference = factor.levels[0][0]
        described = {key: (label, count) for key, label, count in factor.levels}
        for key in factor.shown:
            label, count = described[key]
            terms.append(
                FactorTerm(factor.label, label, count, is_reference=True, enough_data=enough(count))
                if key == reference
                else estimate(f"{factor.prefix}:{key}", factor.label, label, count)
            )
    if rated:
        terms.append(estimate("rating", "Final rating", "Per rating point", n))
    return terms
