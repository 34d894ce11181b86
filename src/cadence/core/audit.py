"""The audit trail and the access log. Services call `record` inside their
own transaction, so an audited write and its audit row commit or roll back
together; views and serialisers call `record_reads` for sensitive fields."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from cadence.core.models import AccessLogEntry, AuditEntry, User
from cadence.core.request_context import current_request_id

# Fields whose values the log pages and exports never show, per object type
# ("people.employee" → {"salary", ...}); apps register theirs when ready.
_SENSITIVE: dict[str, frozenset[str]] = {}
MASK = "«sensitive: hidden»"


def register_sensitive_fields(model: type[models.Model], fields: Iterable[str]) -> None:
    _SENSITIVE[object_type(model)] = frozenset(fields)


def masked(object_type_label: str, values: Mapping[str, Any] | Any) -> Any:
    """`values` with the registered sensitive fields' values replaced."""
    hidden = _SENSITIVE.get(object_type_label, frozenset())
    if not isinstance(values, Mapping) or not hidden:
        return values
    return {k: (MASK if k in hidden else v) for k, v in values.items()}


def _jsonable(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """Dates, decimals and model instances as JSON-friendly values."""
    if not values:
        return {}
    plain = {k: (v.pk if isinstance(v, models.Model) else v) for k, v in values.items()}
    result: dict[str, Any] = json.loads(json.dumps(plain, cls=DjangoJSONEncoder))
    return result


def object_type(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, foreign keys as their ids."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = getattr(obj, attname)
    return _jsonable(values)


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _actor_fields(actor: User | None) -> dict[str, Any]:
    if actor is None or not getattr(actor, "pk", None):
        return {"actor": None, "actor_label": "system"}
    return {"actor": actor, "actor_label": actor.email}


def record(
    actor: User | None,
    action: str,
    obj: models.Model,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit row. Must run inside the service's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    return AuditEntry.objects.create(
        **_actor_fields(actor),
        action=action,
        object_type=object_type(obj),
        object_id=str(obj.pk),
        object_label=str(obj)[:254],
        before=_jsonable(before),
        after=_jsonable(after),
        request_id=current_request_id(),
    )


def record_each(
    actor: User | None,
    action: str,
    objects: Iterable[models.Model],
    *,
    after: Mapping[str, Any] | None = None,
) -> int:
    """The same action on many objects (a reminder run, a bulk change): one
    audit row per object, written in bulk. Must run inside the service's
    transaction, like `record`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_each must be called inside the service's transaction")
    base = _actor_fields(actor)
    request_id = current_request_id()
    values = _jsonable(after)
    rows = [
        AuditEntry(
            **base,
            action=action,
            object_type=object_type(obj),
            object_id=str(obj.pk),
            object_label=str(obj)[:254],
            after=values,
            request_id=request_id,
        )
        for obj in objects
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def record_reads(
    actor: User | None,
    reads: Iterable[tuple[models.Model, Iterable[str]]],
    *,
    context: str,
) -> int:
    """Log reads of sensitive fields: one row per object, in one query."""
    base = _actor_fields(actor)
    request_id = current_request_id()
    rows = [
        AccessLogEntry(
            **base,
            object_type=object_type(obj),
            object_id=str(obj.pk),
            object_label=str(obj)[:254],
            fields=sorted(set(fields)),
            context=context,
            request_id=request_id,
        )
        for obj, fields in reads
        if fields
    ]
    if rows:
        AccessLogEntry.objects.bulk_create(rows)
    return len(rows)
