"""In a real browser: the review form autosaves a few seconds after typing,
a second tab's save is refused without losing what was typed there, a tab
closed before the autosave leaves a draft the reviewer can restore after
reopening it, and the finished self review is submitted and locked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from cadence.reviews.form_items import items_for
from cadence.reviews.models import Answer, AssignmentStatus, ReviewAssignment, ReviewerKind
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.browser.support import sign_in
from tests.conftest import Org
from tests.reviews.writing_support import questions_template, review, running_cycle

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


def text_answer(a: ReviewAssignment) -> str:
    key = items_for(a)[1].key
    answer = Answer.objects.filter(assignment=a, item=key).first()
    return answer.text if answer else ""


def answered(a: ReviewAssignment) -> int:
    """How many of the review's answers hold a value."""
    return sum(
        1
        for answer in Answer.objects.filter(assignment=a)
        if answer.rating is not None or answer.text or answer.choice or answer.unable_to_rate
    )


def test_autosave_conflict_and_draft(
    live_server: Any, http_settings: Any, org: Org, browser: Browser
) -> None:
    cycle = running_cycle(org, template=questions_template(3))
    a = review(cycle, org.employee, org.employee, ReviewerKind.SELF)
    url = f"{live_server.url}/reviews/assignments/{a.pk}/"
    context = browser.new_context()
    first = context.new_page()
    first.set_default_timeout(10_000)
    sign_in(first, live_server.url, "employee@example.com")

    first.goto(f"{live_server.url}/reviews/")
    first.get_by_role("link", name=re.compile("Start")).click()
    expect(first.get_by_role("heading", level=1)).to_have_text("Your self review")
    second = context.new_page()  # the same review open in another tab
    second.set_default_timeout(10_000)
    second.goto(url)

    first.get_by_label("Question 1?").fill("Written in the first tab")
    expect(first.locator("#save-status")).to_contain_text("Saved", timeout=8_000)
    assert text_answer(a) == "Written in the first tab"
    first.get_by_label("3 · Meets").check()
    first.get_by_label("Question 1?").focus()  # leaving a field saves at once
    expect(first.locator("#save-status [data-review-saved='3']")).to_have_count(1)

    second.get_by_label("Question 1?").fill("Written in the second tab")
    expect(second.locator("#save-status")).to_contain_text("saved somewhere else", timeout=8_000)
    expect(second.get_by_label("Question 1?")).to_have_value("Written in the second tab")
    assert text_answer(a) == "Written in the first tab"

    # Reloading offers what the second tab typed back, as a draft.
    second.reload()
    expect(second.locator("#draft-notice")).to_be_visible()
    second.get_by_role("button", name="Restore them").click()
    expect(second.get_by_label("Question 1?")).to_have_value("Written in the second tab")
    expect(second.locator("#save-status")).to_contain_text("Saved", timeout=8_000)
    assert text_answer(a) == "Written in the second tab"
    first.close()

    # A tab closed before the autosave fired leaves a draft.
    second.get_by_label("Question 1?").fill("Typed, then the tab closed")
    second.close(run_before_unload=False)
    third = context.new_page()
    third.set_default_timeout(10_000)
    third.goto(url)
    expect(third.locator("#draft-notice")).to_be_visible()
    third.get_by_role("button", name="Restore them").click()
    expect(third.locator("#save-status")).to_contain_text("Saved", timeout=8_000)
    assert text_answer(a) == "Typed, then the tab closed"

    # Answer what is still required (the restored draft was the second tab's,
    # from before the rating was given) and submit: the review is locked.
    third.get_by_label("3 · Meets").check()
    third.get_by_label("Sometimes").check()
    # Let the autosave land first: the test server's in-memory SQLite serves
    # one writer at a time, and a loaded machine is slow.
    for _ in range(100):
        if answered(a) == 3:
            break
        third.wait_for_timeout(200)
    assert answered(a) == 3
    expect(third.locator("#save-status")).to_contain_text("Saved", timeout=8_000)
    third.get_by_role("button", name=re.compile("Review and submit")).click()
    third.get_by_role("button", name="Submit review").click()
    expect(third.get_by_text(re.compile("submitted", re.I)).first).to_be_visible()
    a.refresh_from_db()
    assert a.status == AssignmentStatus.SUBMITTED
    assert text_answer(a) == "Typed, then the tab closed"
    third.goto(url)
    expect(third.get_by_label("Question 1?")).to_be_disabled()
    context.close()
