"""Issue 7 in a real browser: an HR admin opens the insights dashboard,
goes to adverse impact, switches the protected attribute, sees the chart
drawn and downloads the CSV behind it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import sign_in
from tests.conftest import Org
from tests.insights.fairness_support import group, released_cycle

pytestmark = pytest.mark.browser


def test_switch_the_attribute_and_download_the_csv_behind_the_chart(
    live_server: Any, http_settings: Any, org: Org, page: Page, artifacts_dir: Path
) -> None:
    page.set_default_timeout(10_000)
    cycle = released_cycle("Year-end 2025")
    group(cycle, org.company, 40, 8, sex="female", race_ethnicity="black")
    group(cycle, org.company, 40, 20, sex="male", race_ethnicity="white")

    sign_in(page, live_server.url, "hr.admin@example.com")
    page.get_by_role("link", name="Insights", exact=True).click()
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    page.get_by_role("link", name="Adverse impact").click()
    page.get_by_label("Cycle").select_option(label="Year-end 2025")
    page.get_by_role("button", name="Show").click()
    table = page.locator("#adverse-impact-table")
    expect(table).to_contain_text("Female")
    expect(table).to_contain_text("Male")

    page.get_by_label("Protected attribute").select_option("race_ethnicity")
    page.get_by_role("button", name="Show").click()
    expect(table).to_contain_text("Black or African American")
    expect(table).not_to_contain_text("Female")
    canvas = page.locator('canvas[data-insights-chart="adverse-impact-chart-data"]')
    expect(canvas).to_be_visible()
    drawn = canvas.evaluate("(node) => window.Chart.getChart(node) !== undefined")
    assert drawn, "Chart.js did not draw the chart"
    page.screenshot(path=str(artifacts_dir / "insights-adverse-impact.png"), full_page=True)

    with page.expect_download() as info:
        page.locator("#export-adverse-impact-csv").click()
    download = info.value
    assert download.suggested_filename.startswith("adverse-impact")
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert any(line.startswith("Black or African American,40,8,") for line in lines), lines
    assert any(line.startswith("White,40,20,") for line in lines), lines
    assert "Female" not in text


def test_suggestions_appear_as_you_type_and_never_block(
    live_server: Any, http_settings: Any, org: Org, page: Page, artifacts_dir: Path
) -> None:
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, "manager@example.com")
    page.goto(f"{live_server.url}/feedback/give/?recipient={org.peer.pk}")
    box = page.locator("[data-language-check] textarea")
    box.fill("She is abrasive in meetings.")
    panel = page.locator(".language-check")
    expect(panel).to_contain_text("Suggestions")
    expect(panel).to_contain_text("abrasive")
    page.screenshot(path=str(artifacts_dir / "language-suggestions.png"), full_page=True)
    box.fill("She cut the build time from 20 to 8 minutes by caching the test fixtures.")
    expect(panel.locator(".language-check-list li")).to_have_count(0)
