"""What a pay-equity request asks for (?attribute, ?currency, ?reference,
?control_rating, ?cycle), checked once for the page, its exports and the
API alike, and the texts every one of them shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cadence.insights.attributes import UNDISCLOSED, Attribute, attribute_named
from cadence.insights.cycles import UnknownCycle, chosen_cycle

if TYPE_CHECKING:
    from cadence.core.models import User
    from cadence.reviews.models import Cycle

RATING_WARNING = (
    "Controlling for performance ratings can hide pay bias: if the ratings themselves "
    "are biased against a group, the model treats the lower pay that follows from "
    "those ratings as justified, and the adjusted gap shrinks. Compare the results "
    "with and without ratings, and check the ratings for adverse impact first."
)
SCREENING_NOTE = (
    "This is a screening analysis: a gap that is large or significant is a reason to "
    "look closer (the people, the factors the model cannot see), not proof of "
    "discrimination; a small or non-significant gap is not proof of its absence."
)

_TRUE = frozenset({"1", "true", "on", "yes"})
_FALSE = frozenset({"", "0", "false", "off", "no"})


class BadParameter(ValueError):
    """A request named an attribute, currency, reference group, cycle or
    flag that does not exist (page: 400; API: 422 with the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Options:
    attribute: Attribute
    currency: str | None = None  # None: the most common
    reference: str | None = None  # None: the largest group with enough data
    control_rating: bool = False
    cycle: Cycle | None = None  # whose final rating is controlled for


def parse_flag(name: str, raw: str | bool | None) -> bool:
    if isinstance(raw, bool):
        return raw
    text = (raw or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadParameter(name, "Use 1 (yes) or 0 (no).")


def parse_options(
    user: User,
    *,
    attribute: str | None = None,
    currency: str | None = None,
    reference: str | None = None,
    control_rating: str | bool | None = None,
    cycle: str | None = None,
) -> Options:
    """The analysis asked for, or BadParameter naming the field at fault.
    The cycle (default: the newest with results) is looked up only when
    ratings are controlled for or a cycle is named."""
    chosen = attribute_named(attribute or None)
    if chosen is None:
        raise BadParameter("attribute", f"Unknown attribute {attribute!r}.")
    code = (currency or "").strip().upper() or None
    if code is not None and not (len(code) == 3 and code.isascii() and code.isalpha()):
        raise BadParameter("currency", "A currency is a three-letter code such as USD.")
    group = (reference or "").strip() or None
    if group is not None and (group not in chosen.groups() or group == UNDISCLOSED):
        allowed = ", ".join(
            f"{g} ({chosen.group_label(g)})" for g in chosen.groups() if g != UNDISCLOSED
        )
        raise BadParameter(
            "reference",
            f"{group!r} cannot be the comparison group for {chosen.label.lower()}; "
            f"choose one of: {allowed}.",
        )
    controlled = parse_flag("control_rating", control_rating)
    picked: Cycle | None = None
    if controlled or cycle:
        try:
            picked = chosen_cycle(user, cycle or None)
        except UnknownCycle:
            raise BadParameter("cycle", "No such cycle, or not one you may see.") from None
        if controlled and picked is None:
            raise BadParameter("cycle", "There is no review cycle whose ratings could be used.")
    return Options(chosen, code, group, controlled, picked)
