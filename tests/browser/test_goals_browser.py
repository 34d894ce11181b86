"""An employee sets a goal with two key results and checks in; their
manager then sees the progress on the team page and in the goal tree."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import sign_in
from tests.conftest import Org
from tests.factories import GoalPeriodFactory

pytestmark = pytest.mark.browser


def test_goal_check_in_shows_on_team_page_and_tree(
    live_server: Any, http_settings: Any, org: Org, page: Page, artifacts_dir: Path
) -> None:
    page.set_default_timeout(10_000)
    GoalPeriodFactory()
    sign_in(page, live_server.url, "employee@example.com")

    page.get_by_role("link", name="Goals", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My goals")
    page.get_by_role("link", name="Set a goal").first.click()
    page.get_by_label("Title").fill("Make search fast")
    page.get_by_label("Description").fill("Customers wait too long for results.")
    page.get_by_role("button", name="Set goal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make search fast")

    page.get_by_role("link", name="Add key result").click()
    page.get_by_label("Title").fill("Searches answered under 200 ms")
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Start value").fill("40")
    # The nudge appears live while the key result has no number and no date.
    expect(page.locator("#kr-nudge .kr-nudge")).to_be_visible()
    page.get_by_label("Target value").fill("90")
    expect(page.locator("#kr-nudge .kr-nudge")).to_have_count(0)
    page.get_by_role("button", name="Save and add another").click()

    page.get_by_label("Title").fill("Ship the new index")
    page.get_by_label("Type").select_option("milestone")
    page.get_by_label("Due date").fill("2027-03-01")
    page.get_by_role("button", name="Save key result").click()
    expect(page.locator("section.key-result")).to_have_count(2)

    form = page.get_by_role("form", name="Check in on Searches answered under 200 ms")
    form.get_by_label(re.compile("Current value")).fill("65")
    form.get_by_label("Confidence").select_option("at_risk")
    form.get_by_label("Comment").fill("Index rebuild half done.")
    form.get_by_role("button", name=re.compile("Check in")).click()
    expect(page.get_by_role("status").first).to_contain_text("Checked in")
    expect(page.locator(".check-in-history").first).to_contain_text("65")
    expect(page.locator("canvas[data-goal-chart]")).to_have_count(1)
    page.screenshot(path=str(artifacts_dir / "goal_detail.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()

    # (65 − 40) / (90 − 40) = 50% on the metric, 0% on the milestone: 25% overall.
    sign_in(page, live_server.url, "lead@example.com")
    page.get_by_role("link", name="Goals", exact=True).click()
    page.get_by_role("link", name="Team", exact=True).click()
    row = page.locator(f"#team-{org.employee.pk}")
    expect(row).to_contain_text("Emma Employee")
    expect(row.locator(".goal-percent")).to_have_text("25%")
    expect(row).to_contain_text("ago")
    page.screenshot(path=str(artifacts_dir / "goals_team.png"), full_page=True)

    page.get_by_role("link", name="Goal tree").click()
    tree = page.get_by_role("navigation", name="Goal tree")
    node = tree.locator("li.org-node").filter(has_text="Make search fast")
    expect(node.locator(".goal-percent")).to_have_text("25%")
    page.screenshot(path=str(artifacts_dir / "goals_tree.png"), full_page=True)
