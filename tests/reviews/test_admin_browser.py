"""The template builder in a real browser (htmx on): an HR admin adds a
section and a question, reorders with the keyboard, sees the weight
shares update as they type, and saves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cadence.reviews.models import ReviewTemplate
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.conftest import Org
from tests.factories import PASSWORD
from tests.reviews.admin_forms import mixed_template

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(chromium_path()),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def http_settings(settings: Any) -> Any:
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    return settings


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_build_a_template_with_htmx(
    live_server: Any, http_settings: Any, org: Org, page: Page, artifacts_dir: Path
) -> None:
    page.set_default_timeout(10_000)
    template = mixed_template()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("hr.admin@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/reviews/admin/templates/{template.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Annual review")
    expect(page.locator("#s0-share")).to_have_text("75 %")

    # Shares follow the weights as they are typed.
    page.locator("#id_s1-weight").fill("3")
    expect(page.locator("#s0-share")).to_have_text("50 %")

    # Add a competencies section: it appears with focus on its title.
    page.get_by_label("New section").select_option("competencies")
    page.get_by_role("button", name="Add a section").click()
    expect(page.locator("#id_s2-title")).to_be_focused()
    expect(page.locator("#id_s2-title")).to_have_value("Competencies")
    expect(page.locator("#id_s1-weight")).to_have_value("3")  # typed, kept

    # Move it to the top with the keyboard: focus stays on the same button.
    page.locator("#s2-up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#s1-up")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#s0-up")).to_be_focused()
    expect(page.locator("#id_s0-title")).to_have_value("Competencies")

    # A failed save keeps everything and says where the problem is.
    page.locator("#id_s2-q2-choices").fill("Only one")
    page.get_by_role("button", name="Save template").click()
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator("#id_s2-q2-choices_error")).to_contain_text("two different choices")
    expect(page.locator("#id_s0-title")).to_have_value("Competencies")
    page.screenshot(path=str(artifacts_dir / "template-builder-error.png"), full_page=True)

    page.locator("#id_s2-q2-choices").fill("Weekly\nMonthly\nRarely")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved the template")
    saved = ReviewTemplate.objects.get(pk=template.pk)
    kinds = list(saved.sections.order_by("position").values_list("kind", flat=True))
    assert kinds == ["competencies", "goals", "questions"]
    page.goto(f"{live_server.url}/reviews/admin/templates/{template.pk}/preview/?kind=upward")
    expect(page.get_by_text("“Rarely”", exact=False)).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "template-preview.png"), full_page=True)
