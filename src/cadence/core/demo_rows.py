"""Raw bulk inserts for the demo generators: the demo's big tables (check-ins,
goals, review answers, 1:1s) are planned as tuples of column values and
written without model instances. bulk_create builds a model per row and
prepares every value through its field, several times the cost of the
insert itself; here SQLite gets one prepared INSERT per batch
(executemany) and PostgreSQL a COPY, its fastest way in.

Foreign keys come as ids and timestamps through `datetime_adapter()`."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.db.models import Field
from django.utils import timezone

BATCH_SIZE = 5000


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (values of `fields`, by field name: "cycle" or
    "cycle_id" for a foreign key) into `model`'s table; returns how many.
    The columns not in `fields` get their field's default, as bulk_create
    would give them (the current time for an auto_now field), so that a
    field added later with a default does not break the demo."""
    ops = connection.ops
    named: dict[str, Field[Any, Any]] = {}
    for f in model._meta.concrete_fields:
        named[f.name] = named[f.attname] = f
    given = {named[name] for name in fields}
    rest = [f for f in model._meta.concrete_fields if f not in given and not f.primary_key]
    constants = tuple(_default(f) for f in rest)
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(str(f.column)) for f in [*(named[n] for n in fields), *rest])
    if constants:
        rows = ((*row, *constants) for row in rows)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * (len(fields) + len(rest)))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH_SIZE:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def insert_objects(model: type[models.Model], objs: Sequence[models.Model]) -> int:
    """Insert unsaved instances of `model` as bulk_create would store them
    (each value prepared by its field; the primary key too when set, so
    set it on all or none), without its per-batch SQL compilation and
    SQLite's 999-variable batches; returns how many. Nothing is read back:
    give the rows explicit ids when something must point at them."""
    if not objs:
        return 0
    with_pk = getattr(objs[0], model._meta.pk.attname) is not None
    fields = [
        f
        for f in model._meta.concrete_fields
        if (with_pk or not f.primary_key)
        and not (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    ]
    prepared = [(f.attname, f.get_db_prep_save) for f in fields]
    rows = (
        [prepare(getattr(obj, attname), connection) for attname, prepare in prepared]
        for obj in objs
    )
    return insert_rows(model, [f.attname for f in fields], rows)


def _default(field: Field[Any, Any]) -> Any:
    """What bulk_create would store in `field` when not given a value."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value: Any = timezone.now()
    else:
        value = field.get_default()
    return field.get_db_prep_save(value, connection)


@contextmanager
def bulk_writes(cache_mib: int = 1024) -> Iterator[None]:
    """Let SQLite keep up to `cache_mib` of pages in memory while the demo
    writes (its default is 2 MiB): with millions of rows the indexes outgrow
    a small cache, and inserts then read and spill pages (at 10,000
    employees the 450 MB database fits, and is written 20% faster than
    with 256 MiB). Pages are only taken as needed. PostgreSQL needs
    nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(cache_mib) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def foreign_keys_checked_once(tables: Iterable[str]) -> Iterator[None]:
    """On PostgreSQL, inside a transaction: drop the foreign keys of `tables`
    for the duration and add them back after, when PostgreSQL checks each
    with one join instead of a trigger per row (for millions of rows, most
    of the time of a commit). If a key does not hold, adding it back fails
    and the transaction is undone. Elsewhere, nothing (on SQLite see
    `connection.constraint_checks_disabled`)."""
    if connection.vendor != "postgresql":
        yield
        return
    # A table with checks still queued (rows written or deleted earlier in
    # the transaction) cannot be altered: run them now.
    connection.check_constraints()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [sorted(set(tables))],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )


def datetime_adapter() -> Callable[[dt.datetime], Any]:
    """A function that turns an aware datetime into what the database driver
    takes in raw SQL: on SQLite the naive UTC text Django stores (the same as
    `connection.ops.adapt_datetimefield_value`, without its checks); on
    PostgreSQL the datetime itself."""
    if connection.vendor == "sqlite":
        return _sqlite_datetime
    if connection.vendor == "postgresql":
        return _same
    return connection.ops.adapt_datetimefield_value


def moment_adapter() -> Callable[[dt.date, int, int], Any]:
    """A function that turns a day, an hour and a minute (UTC) into what
    `datetime_adapter()` gives for that moment, remembering the answers:
    the demo stamps its rows at a few fixed times of a few hundred days."""
    adapt = datetime_adapter()

    @functools.lru_cache(maxsize=65536)
    def moment(day: dt.date, hour: int, minute: int) -> Any:
        return adapt(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC))

    return moment


def working_hours_adapter() -> Callable[[int, float], Any]:
    """A function that turns a day (as an ordinal) and a roll of the dice
    (0 to 1) into a minute of that day's working hours, 08:00 to 17:59 UTC,
    as `datetime_adapter()` would give it: the demo's check-ins are timed
    so, 800,000 times at 10,000 employees."""
    if connection.vendor == "sqlite":
        days: dict[int, str] = {}

        def sqlite_moment(day: int, roll: float) -> str:
            text = days.get(day)
            if text is None:
                text = days[day] = dt.date.fromordinal(day).isoformat()
            return text + _WORKING_MINUTES[int(roll * 600)]

        return sqlite_moment
    adapt = datetime_adapter()
    mornings: dict[int, dt.datetime] = {}

    def moment(day: int, roll: float) -> Any:
        morning = mornings.get(day)
        if morning is None:
            date = dt.date.fromordinal(day)
            morning = mornings[day] = dt.datetime(date.year, date.month, date.day, 8, tzinfo=dt.UTC)
        return adapt(morning + dt.timedelta(minutes=int(roll * 600)))

    return moment


_WORKING_MINUTES = [f" {8 + m // 60:02d}:{m % 60:02d}:00" for m in range(600)]


def _sqlite_datetime(value: dt.datetime) -> str:
    if value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(" ")


def _same(value: dt.datetime) -> dt.datetime:
    return value


__all__ = [
    "bulk_writes",
    "datetime_adapter",
    "foreign_keys_checked_once",
    "insert_objects",
    "insert_rows",
    "moment_adapter",
    "working_hours_adapter",
]
