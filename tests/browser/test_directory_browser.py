"""Sign in, search the directory (htmx updates the results as you type),
open a profile: the path a new user takes first, in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import sign_in
from tests.conftest import Org
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_search_directory_and_open_profile(
    live_server: Any, http_settings: Any, org: Org, page: Page, artifacts_dir: Path
) -> None:
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("employee@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()

    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    results = page.locator("#directory-results")
    expect(results.locator("td.person-name")).to_have_count(7)  # everyone current

    # Typing only, no submit: htmx fetches the results and pushes the URL.
    page.get_by_role("searchbox", name="Search").press_sequentially("Seller", delay=30)
    expect(results.locator("td.person-name")).to_have_count(1)
    expect(page.locator("#directory-count")).to_contain_text("1 person")
    expect(page).to_have_url(re.compile(r"/people/\?.*q=Seller"))

    results.get_by_role("link", name="Sam Seller").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Seller")
    expect(page.get_by_role("navigation", name="Manager chain")).to_contain_text("Otto Other")
    # A colleague in another team sees the directory fields only.
    expect(page.get_by_text("Salary")).to_have_count(0)

    page.screenshot(path=str(artifacts_dir / "profile.png"), full_page=True)


def test_org_chart_expands_with_the_keyboard(
    live_server: Any, http_settings: Any, org: Org, page: Page, artifacts_dir: Path
) -> None:
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, "hr.admin@example.com")
    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Department").select_option(label="\u2003Sales")
    expect(page.locator("#directory-results td.person-name")).to_have_count(2)
    expect(page).to_have_url(re.compile(rf"department={org.sales.pk}"))
    page.screenshot(path=str(artifacts_dir / "directory.png"), full_page=True)
    page.goto(f"{live_server.url}/people/org-chart/")
    toggle = page.get_by_role("button", name="Show 2 direct reports of Cora Chief")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    chart = page.get_by_role("navigation", name="Organisation chart")
    expect(chart.get_by_role("link", name="Mona Manager")).to_be_visible()
    # Open one more level, then collapse the top one again without a request.
    page.get_by_role("button", name="direct reports of Mona Manager").click()
    expect(chart.get_by_role("link", name="Pat Peer")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "org_chart.png"), full_page=True)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(chart.get_by_role("link", name="Mona Manager")).to_be_hidden()
    page.goto(f"{live_server.url}/people/departments/")
    page.screenshot(path=str(artifacts_dir / "departments.png"), full_page=True)
