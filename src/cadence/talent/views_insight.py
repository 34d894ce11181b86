"""The calibration pre-read and outcome pages, and the CSV export of each of
their tables (?table=...). A session the viewer may not see is a 404; every
number comes from `preread` / `outcome`, which read only the entries the
viewer may see. Each chart on the pages has its table, and each table its
export, with the same suppression ("not enough data") as the page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from cadence.core.exports import download
from cadence.core.models import User
from cadence.talent import selectors_sessions
from cadence.talent.models import CalibrationSession
from cadence.talent.outcome import Outcome, outcome
from cadence.talent.preread import NOT_ENOUGH, PersonGap, PreRead, pre_read

Rows = Iterator[list[Any]]
LARGEST_GAPS_SHOWN = 25


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def visible_session(user: User, pk: int) -> CalibrationSession:
    """The session if `user` may see it (with its cycle and template), else 404."""
    try:
        return selectors_sessions.visible_session(user, pk)
    except CalibrationSession.DoesNotExist:
        raise Http404 from None


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


# --- the pre-read ------------------------------------------------------------------------


def preread_chart(data: PreRead) -> dict[str, Any]:
    """The distribution against guidance, for the chart script."""
    return {
        "labels": [row.level.name for row in data.distribution.rows],
        "series": [
            {
                "label": "Share of people (%)",
                "data": [_round(row.share, 1) for row in data.distribution.rows],
            },
            {
                "label": "HR guidance (%)",
                "data": [row.guidance for row in data.distribution.rows],
            },
        ],
        "y_title": "% of people rated",
    }


def _preread_distribution(data: PreRead) -> Rows:
    yield ["Level", "People", "Share (%)", "HR guidance (%)", "Difference (points)"]
    for row in data.distribution.rows:
        yield [
            row.level.name,
            row.count,
            _round(row.share, 1),
            row.guidance,
            _round(row.difference, 1),
        ]
    yield ["Not rated", data.distribution.unrated, None, None, None]


def _preread_managers(data: PreRead) -> Rows:
    yield ["Manager", "People rated", *[level.name for level in data.levels], "Not rated"]
    for team in data.managers:
        yield [team.name, team.rated, *team.counts, team.unrated]


def _preread_severity(data: PreRead) -> Rows:
    yield [
        "Manager",
        "People rated",
        "Mean rating",
        "Estimate",
        "Standard error",
        "95% interval low",
        "95% interval high",
        "In words",
    ]
    for row in data.severity.rows:
        yield [
            row.name,
            row.n,
            _round(row.mean_rating),
            _round(row.estimate),
            _round(row.se),
            _round(row.ci_low),
            _round(row.ci_high),
            row.words if row.enough_data else f"{NOT_ENOUGH} ({row.reason})",
        ]


def _preread_gaps(data: PreRead) -> Rows:
    yield [
        "Manager",
        "People with both ratings",
        "Mean gap (manager minus self)",
        "Manager higher",
        "Same",
        "Manager lower",
    ]
    for row in [*data.gaps.managers, data.gaps.overall]:
        yield [
            row.name,
            row.n,
            _round(row.mean_gap) if row.enough_data else NOT_ENOUGH,
            row.higher,
            row.same,
            row.lower,
        ]


def _preread_people(data: PreRead) -> Rows:
    yield [
        "Employee number",
        "Name",
        "Manager",
        "Self review score",
        "Self rating",
        "Manager's rating",
        "Gap (manager minus self)",
    ]
    for gap in data.gaps.people:
        yield [
            gap.person.employee_number,
            gap.person.name,
            gap.person.manager_name,
            gap.self_score,
            gap.self_level.name if gap.self_level else "",
            gap.manager_level.name if gap.manager_level else "",
            gap.gap,
        ]


def largest_gaps(data: PreRead, count: int = LARGEST_GAPS_SHOWN) -> list[PersonGap]:
    """The people with the largest gaps either way (the page shows these;
    the export has everyone)."""
    found = [(abs(g.gap), g) for g in data.gaps.people if g.gap is not None]
    found.sort(key=lambda pair: (-pair[0], pair[1].person.name.lower(), pair[1].person.entry_id))
    return [gap for _, gap in found[:count]]


PREREAD_TABLES: dict[str, Callable[[PreRead], Rows]] = {
    "distribution": _preread_distribution,
    "managers": _preread_managers,
    "severity": _preread_severity,
    "gaps": _preread_gaps,
    "people": _preread_people,
}


@login_required
@require_GET
def session_preread(request: HttpRequest, pk: int) -> HttpResponse:
    """The pre-read: distribution against HR's guidance, each manager's
    distribution and severity, and self-vs-manager gaps."""
    user = _user(request)
    session = visible_session(user, pk)
    data = pre_read(user, session)
    context = {
        "session": session,
        "data": data,
        "chart_data": preread_chart(data),
        "interval_percent": round(data.severity.confidence * 100),
        "largest_gaps": largest_gaps(data) if data.shows_people else [],
    }
    return render(request, "talent/insight/preread.html", context)


def _table(request: HttpRequest, tables: dict[str, Any]) -> str | None:
    name = request.GET.get("table", "")
    return name if name in tables else None


def _bad_table(tables: dict[str, Any]) -> HttpResponse:
    return HttpResponse(
        f"table must be one of: {', '.join(tables)}",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


@login_required
@require_GET
def session_preread_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One table of the pre-read as CSV (or XLSX with ?format=xlsx)."""
    user = _user(request)
    session = visible_session(user, pk)
    table = _table(request, PREREAD_TABLES)
    if table is None:
        return _bad_table(PREREAD_TABLES)
    data = pre_read(user, session)
    if table == "people" and not data.shows_people:
        raise PermissionDenied
    return download(
        PREREAD_TABLES[table](data),
        fmt=request.GET.get("format", "csv"),
        basename=f"pre-read-{slugify(session.name) or session.pk}-{table}",
        sheet=table.capitalize(),
    )


# --- the outcome -------------------------------------------------------------------------


def outcome_chart(data: Outcome) -> dict[str, Any]:
    """The distribution before and after, for the chart script."""
    return {
        "labels": [row.level.name for row in data.before.rows],
        "series": [
            {"label": "Before the session", "data": [row.count for row in data.before.rows]},
            {"label": "After the session", "data": [row.count for row in data.after.rows]},
        ],
        "y_title": "People",
    }


def _outcome_distribution(data: Outcome) -> Rows:
    yield ["Level", "Before", "Before (%)", "After", "After (%)"]
    for before, after in zip(data.before.rows, data.after.rows, strict=True):
        yield [
            before.level.name,
            before.count,
            _round(before.share, 1),
            after.count,
            _round(after.share, 1),
        ]
    yield ["Not rated", data.before.unrated, None, data.after.unrated, None]


def _movement_rows(first: str, groups: Any) -> Rows:
    yield [first, "People", "Up", "Down", "Rated in the session", "Unchanged"]
    for group in groups:
        m = group.movement
        yield [group.name, m.people, m.up, m.down, m.rated_in_session, m.unchanged]


def _outcome_managers(data: Outcome) -> Rows:
    return _movement_rows("Manager", data.managers)


def _outcome_levels(data: Outcome) -> Rows:
    return _movement_rows("Level before", data.by_level)


OUTCOME_TABLES: dict[str, Callable[[Outcome], Rows]] = {
    "distribution": _outcome_distribution,
    "managers": _outcome_managers,
    "levels": _outcome_levels,
}


@login_required
@require_GET
def session_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """What the committee changed: up/down per manager and per level and
    the distribution before and after."""
    user = _user(request)
    session = visible_session(user, pk)
    data = outcome(user, session)
    before_after = [
        (before, after, after.count - before.count)
        for before, after in zip(data.before.rows, data.after.rows, strict=True)
    ]
    context = {
        "session": session,
        "data": data,
        "chart_data": outcome_chart(data),
        "before_after": before_after,
    }
    return render(request, "talent/insight/outcome.html", context)


@login_required
@require_GET
def session_outcome_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One table of the outcome as CSV (or XLSX with ?format=xlsx)."""
    user = _user(request)
    session = visible_session(user, pk)
    table = _table(request, OUTCOME_TABLES)
    if table is None:
        return _bad_table(OUTCOME_TABLES)
    return download(
        OUTCOME_TABLES[table](outcome(user, session)),
        fmt=request.GET.get("format", "csv"),
        basename=f"outcome-{slugify(session.name) or session.pk}-{table}",
        sheet=table.capitalize(),
    )
