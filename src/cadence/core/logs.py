"""Reading the audit trail and the access log: filters, the rows a page
shows, and streaming CSV exports. Only HR admins and auditors may read
either log (`Viewer.can_read_logs`); nothing here changes an entry."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from cadence.core.audit import masked
from cadence.core.models import AccessLogEntry, AuditEntry, User
from cadence.core.permissions import viewer_for

PAGE_SIZE = 50
CSV_CHUNK = 2000


def can_read_logs(user: Any) -> bool:
    return viewer_for(user).can_read_logs


class LogFilterForm(forms.Form):
    """The filters both log pages share; `action` is the audit action or the
    access-log context."""

    actor = forms.CharField(label="Actor email contains", required=False, max_length=254)
    action = forms.CharField(label="Action", required=False, max_length=80)
    object_type = forms.ChoiceField(label="Object type", required=False)
    object_id = forms.CharField(label="Object id", required=False, max_length=64)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, object_types: Iterable[str], action_label: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        type_field = self.fields["object_type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [("", "Any type")] + [(t, t) for t in object_types]
        self.fields["action"].label = action_label
        for name, field in self.fields.items():
            css = "form-select" if name == "object_type" else "form-control"
            field.widget.attrs["class"] = css

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data


@dataclass(frozen=True)
class LogFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def from_form(cls, form: LogFilterForm) -> LogFilters:
        if not form.is_valid():
            return cls()
        d = form.cleaned_data
        return cls(
            actor=d["actor"].strip(),
            action=d["action"].strip(),
            object_type=d["object_type"],
            object_id=d["object_id"].strip(),
            date_from=d["date_from"],
            date_to=d["date_to"],
        )

    def describe(self) -> list[str]:
        """The filters in use, as `name=value` strings (for the export record)."""
        return [f"{k}={v}" for k, v in self.__dict__.items() if v not in ("", None)]


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in settings.TIME_ZONE."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filtered(qs: QuerySet[Any], f: LogFilters, action_field: str) -> QuerySet[Any]:
    if f.actor:
        qs = qs.filter(actor_label__icontains=f.actor)
    if f.action:
        qs = qs.filter(**{f"{action_field}__icontains": f.action})
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.date_from:
        qs = qs.filter(created_at__gte=_day_start(f.date_from))
    if f.date_to:  # inclusive: everything before the next day starts
        qs = qs.filter(created_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    return qs.order_by("-created_at", "-id")


def audit_entries(user: User, filters: LogFilters) -> QuerySet[AuditEntry]:
    """Audit rows matching `filters`, newest first; none unless `user` may read logs."""
    if not can_read_logs(user):
        return AuditEntry.objects.none()
    return _filtered(AuditEntry.objects.all(), filters, "action")


def access_entries(user: User, filters: LogFilters) -> QuerySet[AccessLogEntry]:
    """Access-log rows matching `filters`, newest first; none unless `user` may read logs."""
    if not can_read_logs(user):
        return AccessLogEntry.objects.none()
    return _filtered(AccessLogEntry.objects.all(), filters, "context")


def object_types(model: type[AuditEntry] | type[AccessLogEntry]) -> list[str]:
    """The distinct object types in a log (an index-only scan)."""
    return list(
        model.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def changes(entry: AuditEntry) -> list[Change]:
    """The fields an audit row touched, before → after, each compact JSON."""
    before = masked(entry.object_type, entry.before if isinstance(entry.before, dict) else {})
    after = masked(entry.object_type, entry.after if isinstance(entry.after, dict) else {})
    keys = list(dict.fromkeys([*before, *after]))
    return [
        Change(
            k,
            compact_json(before[k]) if k in before else "",
            compact_json(after[k]) if k in after else "",
        )
        for k in keys
    ]


# --- CSV ----------------------------------------------------------------------------

AUDIT_COLUMNS = [
    "created_at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "before",
    "after",
    "request_id",
]
ACCESS_COLUMNS = [
    "created_at",
    "actor",
    "context",
    "object_type",
    "object_id",
    "object_label",
    "fields",
    "request_id",
]


class _Echo:
    """A file-like object whose write returns the line, for streaming."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _when(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


def audit_csv_rows(qs: QuerySet[AuditEntry]) -> Iterator[str]:
    """The header line, then one line per audit row, read in chunks."""
    writer = csv.writer(_Echo())
    yield writer.writerow(AUDIT_COLUMNS)
    for e in qs.iterator(chunk_size=CSV_CHUNK):
        yield writer.writerow(
            [
                _cell(x)
                for x in (
                    _when(e.created_at),
                    e.actor_label,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.object_label,
                    compact_json(masked(e.object_type, e.before)),
                    compact_json(masked(e.object_type, e.after)),
                    e.request_id,
                )
            ]
        )


def access_csv_rows(qs: QuerySet[AccessLogEntry]) -> Iterator[str]:
    """The header line, then one line per access-log row, read in chunks."""
    writer = csv.writer(_Echo())
    yield writer.writerow(ACCESS_COLUMNS)
    for e in qs.iterator(chunk_size=CSV_CHUNK):
        yield writer.writerow(
            [
                _cell(x)
                for x in (
                    _when(e.created_at),
                    e.actor_label,
                    e.context,
                    e.object_type,
                    e.object_id,
                    e.object_label,
                    ";".join(e.fields) if isinstance(e.fields, list) else compact_json(e.fields),
                    e.request_id,
                )
            ]
        )


def record_export(
    user: User, model: type[AuditEntry] | type[AccessLogEntry], filters: LogFilters
) -> AccessLogEntry:
    """Note in the access log that `user` exported a log, with the filters
    used. An access-log row, not an audit row: an export reads, it does not
    change anything."""
    from cadence.core.audit import object_type
    from cadence.core.request_context import current_request_id

    return AccessLogEntry.objects.create(
        actor=user,
        actor_label=user.email,
        object_type=object_type(model),
        object_id="*",
        object_label=f"{model._meta.verbose_name_plural} export",
        fields=filters.describe(),
        context="logs.export",
        request_id=current_request_id(),
    )
