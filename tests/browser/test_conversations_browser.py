"""Issue 5 in a real browser: a manager gives public praise, adds an item to
the agenda of their next 1:1 and opens an improvement plan; the employee,
signed in in a second browser, acknowledges the plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cadence.development.models import ImprovementPlan, PlanState
from cadence.feedback.models import AgendaItem, Feedback, FeedbackVisibility, Frequency
from cadence.feedback.services_meetings import start_series
from tests.browser.support import sign_in
from tests.conftest import Org

pytestmark = pytest.mark.browser

PRAISE = "Your write-up of the outage was clear and blameless. Thank you!"
TOPIC = "Plan for the search migration"


def test_praise_agenda_and_improvement_plan_acknowledged(
    live_server: Any,
    http_settings: Any,
    org: Org,
    page: Page,
    browser: Browser,
    artifacts_dir: Path,
) -> None:
    page.set_default_timeout(10_000)
    today = timezone.localdate()
    assert org.lead.user is not None
    series = start_series(
        actor=org.lead.user, report=org.employee, frequency=Frequency.WEEKLY, starts_on=today
    )
    meeting = series.meetings.order_by("scheduled_on").first()
    assert meeting is not None
    base = live_server.url

    # The manager (Emma's line manager, Lee) praises Emma on the wall.
    sign_in(page, base, "lead@example.com")
    page.goto(f"{base}/feedback/give/?to={org.employee.pk}")
    page.get_by_label("Your feedback").fill(PRAISE)
    page.get_by_label("Public praise (the praise wall)").check()
    page.get_by_role("button", name="Give feedback").click()
    expect(page.get_by_text(PRAISE)).to_be_visible()
    praise = Feedback.objects.get(body=PRAISE)
    assert praise.visibility == FeedbackVisibility.PUBLIC
    assert praise.recipient_id == org.employee.pk

    # … adds a topic to their next 1:1, reached from the 1:1s page.
    page.get_by_role("link", name="1:1s", exact=True).click()
    page.get_by_role("link", name="Emma Employee").click()
    page.locator(f"a[href='/feedback/one-on-ones/meetings/{meeting.pk}/']").first.click()
    page.get_by_label("Add to the agenda").fill(TOPIC)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#agenda-list")).to_contain_text(TOPIC)
    assert AgendaItem.objects.filter(meeting=meeting, text=TOPIC).count() == 1

    # … and opens an improvement plan with one expectation, then activates it.
    page.goto(f"{base}/development/improvement-plans/new/?employee={org.employee.pk}")
    page.get_by_label("HR partner").select_option(index=1)
    page.get_by_label("Performance concerns").fill(
        "Three of the last five sprint commitments were missed without warning "
        "(sprints 14, 16 and 17)."
    )
    page.get_by_label("Support and resources offered").fill("Weekly pairing with a senior.")
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Ends on").fill((today + dt.timedelta(days=60)).isoformat())
    page.get_by_label("Expectation", exact=True).fill("Meet sprint commitments or flag early.")
    page.get_by_label("Success criterion (how it is measured)").fill(
        "5 of the next 6 sprint commitments met; every miss flagged two days ahead."
    )
    page.get_by_label("Due on").fill((today + dt.timedelta(days=56)).isoformat())
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Activate").click()
    plan = ImprovementPlan.objects.get(employee=org.employee)
    expect(page.locator("body")).to_contain_text("Active")
    plan.refresh_from_db()
    assert plan.state == PlanState.ACTIVE and plan.acknowledged_at is None
    page.screenshot(path=str(artifacts_dir / "improvement-plan-manager.png"), full_page=True)

    # A second browser, signed in as Emma, acknowledges the plan.
    context = browser.new_context()
    try:
        employee_page = context.new_page()
        employee_page.set_default_timeout(10_000)
        sign_in(employee_page, base, "employee@example.com")
        employee_page.goto(f"{base}/development/improvement-plans/{plan.pk}/")
        employee_page.get_by_label("Type your full name to sign").fill("Emma Employee")
        employee_page.get_by_role("button", name="Acknowledge").click()
        expect(employee_page.locator("#pip-acknowledged")).to_contain_text("Emma Employee")
        employee_page.screenshot(
            path=str(artifacts_dir / "improvement-plan-acknowledged.png"), full_page=True
        )
    finally:
        context.close()
    plan.refresh_from_db()
    assert plan.acknowledged_name == "Emma Employee"
    assert plan.acknowledged_by == org.employee.user
    assert plan.acknowledged_at is not None
