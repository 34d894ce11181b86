"""Template filters for showing values: `{% load cadence_format %}`."""

from __future__ import annotations

from decimal import Decimal

from django import template

from cadence.core.numbers import plain_number

register = template.Library()


@register.filter
def plain(value: Decimal | int | float | None) -> str:
    """`{{ kr.target_value|plain }}`: 100 rather than 1E+2 or 100.0000."""
    return plain_number(value)
