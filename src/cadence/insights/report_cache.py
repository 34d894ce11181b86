"""Computed insights, kept for a few minutes (DESIGN §5: cached per-cycle
aggregates where a report would otherwise scan everything).

Programme health over 10,000 people reads every review assignment, goal,
check-in, feedback and 1:1 of the cycle: a second or more of work that
twenty people opening the dashboard at once would repeat twenty times. So
a report is computed once per viewer scope and filter and kept for
`CADENCE_INSIGHTS_CACHE_SECONDS` (default 300; 0 turns keeping off). Pages
say when their figures were computed and offer "Refresh now"
(`?refresh=1`), which recomputes at once.

The key holds everything the numbers depend on besides the data: the
report, the viewer and their whole scope (so a change of role or manager is
a new key, never someone else's figures), the filters, the minimum group
size, the day, and the latest audited change to people or departments (so
nobody who has left a scope stays in its figures). The "insights" cache is
a database table (insights.KeptReport), shared by every web worker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone

from cadence.insights.access import InsightScope, min_group_size

T = TypeVar("T")
CACHE_ALIAS = "insights"
REFRESH_PARAM = "refresh"


@dataclass(frozen=True)
class Kept(Generic[T]):
    value: T
    as_of: dt.datetime
    key: str

    @property
    def version(self) -> str:
        """Names this computation: a fragment rendered from it is keyed by
        this, so a refresh never shows an older rendering."""
        return f"{self.key}:{self.as_of.timestamp():.6f}"


def keep_seconds() -> int:
    return max(0, int(settings.CADENCE_INSIGHTS_CACHE_SECONDS))


def page_context(report: Kept[Any]) -> dict[str, object]:
    """What templates/insights/_as_of.html and _kept_tables.html need."""
    seconds = keep_seconds()
    return {"kept": report, "keep_seconds": seconds, "keep_minutes": seconds // 60}


def wants_refresh(request: HttpRequest) -> bool:
    return request.GET.get(REFRESH_PARAM) == "1"


def scope_parts(scope: InsightScope) -> tuple[object, ...]:
    viewer = scope.viewer
    return (
        viewer.user_id,
        viewer.is_hr_admin,
        viewer.employee_id,
        viewer.employee_path,
        tuple(sorted(viewer.hrbp_department_ids)),
        tuple(sorted(viewer.executive_department_ids)),
        scope.manages_anyone,
    )


# Writes that change who is in a scope: people joining, leaving, moving to
# another manager or department, and departments moving. Every such write is
# audited (people/services.py, people/importing.py).
MEMBERSHIP_OBJECT_TYPES = ("people.employee", "people.department")


def membership_stamp() -> tuple[int | None, ...]:
    """The latest audited write to people and departments: part of every
    key, so a kept report never outlives a change to who is in its scope
    (its other numbers may be up to `keep_seconds()` old, as the page says).
    One query; each part reads one entry of the audit (type, id) index."""
    from django.db.models import Subquery

    from cadence.core.models import AuditEntry

    latest = {
        kind.replace(".", "_"): Subquery(
            AuditEntry.objects.filter(object_type=kind).order_by("-id").values("id")[:1]
        )
        for kind in MEMBERSHIP_OBJECT_TYPES
    }
    # Any one audit row carries the two subqueries (no audit yet: nothing).
    values = AuditEntry.objects.order_by().annotate(**latest).values_list(*latest)[:1]
    found = list(values)
    return tuple(found[0]) if found else (None,) * len(MEMBERSHIP_OBJECT_TYPES)


def cache_key(report: str, scope: InsightScope, filters: Sequence[object]) -> str:
    parts = (
        report,
        scope_parts(scope),
        tuple(filters),
        min_group_size(),
        timezone.localdate(),
        membership_stamp(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"insights:{report}:{digest}"


def kept(
    report: str,
    scope: InsightScope,
    filters: Sequence[object],
    compute: Callable[[], T],
    *,
    refresh: bool = False,
) -> Kept[T]:
    """`compute()`'s result for this report, scope and filters: the kept
    one while it is fresh, else (or with `refresh`) computed now and kept."""
    key = cache_key(report, scope, filters)
    seconds = keep_seconds()
    store = caches[CACHE_ALIAS]
    if seconds and not refresh:
        found = store.get(key)
        if isinstance(found, Kept):
            return found
    result = Kept(value=compute(), as_of=timezone.now(), key=key)
    if seconds:
        store.set(key, result, seconds)
    return result
