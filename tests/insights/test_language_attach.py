"""The as-you-type check is attached to the free-text boxes of the review
form and of the give-feedback and answer-a-request pages, and the script
only ever writes text (never HTML) and never touches form submission."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from cadence.reviews.models import ReviewerKind
from tests.conftest import Org
from tests.reviews.writing_support import review, running_cycle

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "src/cadence/static/cadence/language_check.js"
API_URL = 'data-url="/api/v1/insights/language"'


def _textareas_in_checked_wrappers(html: str) -> int:
    """Wrappers marked data-language-check with a textarea soon inside."""
    chunks = html.split("<div data-language-check>")[1:]
    return sum(1 for chunk in chunks if "<textarea" in chunk[:800])


def test_review_form_text_boxes_are_checked(org: Org) -> None:
    cycle = running_cycle(org)
    assignment = review(cycle, org.lead, org.employee, ReviewerKind.MANAGER)
    client = Client()
    client.force_login(org.lead.user)
    html = client.get(f"/reviews/assignments/{assignment.pk}/").content.decode()
    assert "cadence/language_check.js" in html and API_URL in html
    # The text question and the comment on each rating item.
    assert _textareas_in_checked_wrappers(html) >= 2


def test_give_feedback_box_is_checked(org: Org) -> None:
    client = Client()
    client.force_login(org.employee.user)
    html = client.get(reverse("feedback:give")).content.decode()
    assert "cadence/language_check.js" in html and API_URL in html
    assert _textareas_in_checked_wrappers(html) == 1


def test_script_is_safe_and_never_blocks() -> None:
    source = SCRIPT.read_text()
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source
    assert "preventDefault" not in source and "submit" not in source
    assert 'aria-live", "polite"' in source
    assert "Suggestions (never required):" in source
    assert "X-CSRFToken" in source and "csrfmiddlewaretoken" in source
    assert "DELAY_MS = 600" in source
