"""Reads for the org chart page beyond one level at a time."""

from __future__ import annotations

from collections.abc import Sequence

from cadence.core.models import User
from cadence.people.models import Employee
from cadence.people.selectors import org_chart_children


def org_chart_rows(
    user: User, expanded: Sequence[int]
) -> tuple[list[Employee], dict[int, list[Employee]]]:
    """The top level of the chart plus the direct reports of each manager in
    `expanded` (a manager chain, top first, to open the path to one person).
    One level query per expanded manager: bounded by the depth of the
    reporting tree, not by the size of the organisation."""
    top = org_chart_children(user, None)
    children = {manager_id: org_chart_children(user, manager_id) for manager_id in expanded}
    # Hang each opened level under its manager so the template can recurse.
    for level in [top, *children.values()]:
        for node in level:
            node.chart_children = children.get(node.pk)  # type: ignore[attr-defined]
    return top, children
