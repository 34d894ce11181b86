"""Ids in a request body as the records they name, looked up among the ones
the caller may see: an unknown or invisible id is an error on that field,
and never says whether a hidden record exists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


def resolve_related(
    values: Mapping[str, Any],
    sources: Mapping[str, models.QuerySet[Any]],
    *,
    blank_text: Iterable[str] = ("description",),
) -> dict[str, Any]:
    """`values` with each field named in `sources` replaced by its record
    (null stays null: it detaches). Text fields in `blank_text` sent as
    null become "". Every unknown id is reported at once."""
    blank = set(blank_text)
    resolved: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for name, value in values.items():
        if name in sources and value is not None:
            found = sources[name].filter(pk=value).first()
            if found is None:
                missing[name] = f"There is no {name.replace('_', ' ')} with id {value}."
            resolved[name] = found
        elif name in blank and value is None:
            resolved[name] = ""
        else:
            resolved[name] = value
    if missing:
        raise ValidationError(missing)
    return resolved
