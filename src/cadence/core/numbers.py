"""Numbers as people write them."""

from __future__ import annotations

from decimal import Decimal


def plain_number(value: Decimal | int | float | None) -> str:
    """A stored decimal as people write it: 20, 3.25, -0.5 — never 2E+1,
    20.0000 or -0. None is an empty string."""
    if value is None:
        return ""
    text = format(Decimal(str(value)).normalize(), "f")
    return "0" if text in ("-0", "") else text
