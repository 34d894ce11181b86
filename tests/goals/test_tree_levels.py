"""The goal tree a level at a time: roots first, the goals aligned to one
goal on demand (htmx fragment, or a page without JS), a page at a time;
roll-ups read only what they need and give the same numbers as the whole
period's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cadence.goals import selectors, tree
from cadence.goals.models import Objective, ObjectiveStatus, Visibility
from tests.conftest import Org
from tests.factories import GoalPeriodFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db
QueryCounter = Callable[[int], Any]


def aligned_org(org: Org) -> dict[str, Any]:
    """company ← department (no key results) ← three personal goals: 50%,
    100% (private, the peer may not see it) and a cancelled one."""
    period = GoalPeriodFactory()
    top = Objective.objects.create(period=period, scope="company", title="Grow revenue")
    dept = Objective.objects.create(
        period=period,
        scope="department",
        owner_department=org.engineering,
        title="Faster releases",
        parent=top,
    )
    half = ObjectiveFactory(period=period, owner_employee=org.employee, parent=dept, title="Half")
    KeyResultFactory(objective=half, target_value=10, current_value=5)
    secret = ObjectiveFactory(
        period=period,
        owner_employee=org.employee,
        parent=dept,
        title="Secret",
        visibility=Visibility.PRIVATE,
    )
    KeyResultFactory(objective=secret, target_value=10, current_value=10)
    gone = ObjectiveFactory(
        period=period,
        owner_employee=org.employee,
        parent=dept,
        title="Gone",
        status=ObjectiveStatus.CANCELLED,
    )
    KeyResultFactory(objective=gone, target_value=10, current_value=0)
    return {"period": period, "top": top, "dept": dept, "half": half, "secret": secret}


@pytest.mark.parametrize("who", ["hr_admin", "manager", "peer"])
def test_progress_of_matches_the_whole_period(org: Org, who: str) -> None:
    g = aligned_org(org)
    person = getattr(org, who)
    user = person if who == "hr_admin" else person.user
    whole = selectors.progress_for(user, [g["period"].pk])
    ids = list(
        selectors.goals(user, selectors.GoalFilters(period=g["period"].pk)).values_list(
            "id", flat=True
        )
    )
    some = selectors.progress_of(user, [g["top"].pk, g["half"].pk], [g["period"].pk])
    assert some.of(g["top"].pk) == whole.of(g["top"].pk)
    assert some.of(g["half"].pk) == pytest.approx(0.5)
    for goal_id in ids:
        assert selectors.progress_of(user, [goal_id], [g["period"].pk]).of(goal_id) == whole.of(
            goal_id
        )


def test_roll_up_counts_only_what_the_viewer_may_see(org: Org) -> None:
    g = aligned_org(org)
    period = [g["period"].pk]
    manager = selectors.progress_of(org.manager.user, [g["top"].pk], period)
    peer = selectors.progress_of(org.peer.user, [g["top"].pk], period)
    assert manager.of(g["top"].pk) == pytest.approx(0.75)  # 50% and the private 100%
    assert peer.of(g["top"].pk) == pytest.approx(0.5)  # the private goal does not show through


def test_tree_page_shows_roots_and_loads_levels_on_demand(client: Client, org: Org) -> None:
    g = aligned_org(org)
    client.force_login(org.peer.user)
    period = g["period"].pk
    page = client.get("/goals/tree/", {"period": period}).content.decode()
    assert "Grow revenue" in page and "Faster releases" not in page
    assert f'aria-controls="tree-children-{g["top"].pk}"' in page
    # Without JS: the "aligned" link opens the level as a page.
    assert f"parent={g['top'].pk}" in page
    level = client.get("/goals/tree/", {"period": period, "parent": g["dept"].pk})
    body = level.content.decode()
    assert "Half" in body and "Secret" not in body and "Back to the top" in body
    assert "<html" in body.lower()
    # With htmx: only the level, as a list.
    fragment = client.get(
        "/goals/tree/", {"period": period, "parent": g["top"].pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.lstrip().startswith("<ul") and "Faster releases" in fragment
    assert "<html" not in fragment.lower()
    assert f"{2} aligned" in fragment  # Half and Gone; not the private goal


def test_tree_level_of_an_invisible_goal_is_404(client: Client, org: Org) -> None:
    g = aligned_org(org)
    client.force_login(org.peer.user)
    resp = client.get("/goals/tree/", {"period": g["period"].pk, "parent": g["secret"].pk})
    assert resp.status_code == 404


def test_tree_level_pages(client: Client, org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    g = aligned_org(org)
    monkeypatch.setattr(tree, "TREE_PAGE_SIZE", 1)
    client.force_login(org.hr_admin)
    args = {"period": g["period"].pk, "parent": g["dept"].pk}
    first = client.get("/goals/tree/", args).content.decode()
    assert "Gone" in first and "Half" not in first and "Show more goals" in first
    more = client.get(
        "/goals/tree/", {**args, "page": 2}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Half" in more and "<ul" not in more  # items to append, not a new list
    last = client.get("/goals/tree/", {**args, "page": 3}).content.decode()
    assert "Secret" in last and "Show more goals" not in last


@pytest.mark.parametrize("size", [10, 200])
def test_tree_level_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    g = aligned_org(org)
    Objective.objects.bulk_create(
        Objective(
            period=g["period"],
            owner_employee=org.employee,
            parent=g["dept"],
            title=f"Extra {i}",
        )
        for i in range(size)
    )
    client.force_login(org.manager.user)
    # The tree page's budget (12) and one more: the goal whose level it is.
    with django_assert_max_num_queries(13):
        resp = client.get("/goals/tree/", {"period": g["period"].pk, "parent": g["dept"].pk})
    assert resp.status_code == 200
    assert len(resp.context["roots"]) == min(size + 3, tree.TREE_PAGE_SIZE)


def test_roots_are_goals_aligned_to_nothing_or_to_a_goal_not_shown(org: Org) -> None:
    """A goal aligned to a private goal the viewer cannot see, or to a goal
    of another period, is a root; a goal aligned to a shown one is not."""
    g = aligned_org(org)
    period = g["period"]
    under_secret = ObjectiveFactory(
        period=period, owner_employee=org.employee, parent=g["secret"], title="Under secret"
    )
    earlier_period = GoalPeriodFactory(
        name="2026 Q4", starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 31)
    )
    earlier = ObjectiveFactory(period=earlier_period, owner_employee=org.employee)
    under_earlier = ObjectiveFactory(
        period=period, owner_employee=org.employee, parent=earlier, title="Under earlier"
    )
    peer_roots = {row.goal.pk: row for row in tree.tree_level(org.peer.user, period, None).rows}
    assert set(peer_roots) == {g["top"].pk, under_secret.pk, under_earlier.pk}
    assert peer_roots[g["top"].pk].child_count == 1  # the department goal
    manager_roots = {row.goal.pk for row in tree.tree_level(org.manager.user, period, None).rows}
    assert manager_roots == {g["top"].pk, under_earlier.pk}  # the manager sees "Secret"
