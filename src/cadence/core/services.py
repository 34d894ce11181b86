"""Pieces every app's services share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError


def assign_fields(obj: Any, values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    """Set `values` on `obj`, refusing (field by field) any name a service
    does not let its callers set."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in sorted(unknown)})
    for name, value in values.items():
        setattr(obj, name, value)
